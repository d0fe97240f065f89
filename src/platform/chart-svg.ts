import { parseHTML } from 'linkedom';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** A document for Observable Plot to draw into on the server, with no browser. */
export const chartDocument = () => parseHTML('<!doctype html><html><body></body></html>').document as unknown as Document;

/**
 * What every chart of Beacon shares: drawn into a server document, styled by `.beacon-chart`, the page's
 * column wide, with room for the axes' labels; named by `accessibleChart` rather than by Plot's aria-label
 * (linkedom leaves & and < unescaped in attribute values).
 */
export function chartFrame(document: Document, size: { height?: number; marginLeft?: number; marginBottom?: number; marginRight?: number } = {}) {
  return { document, className: 'beacon-chart', width: 640, height: 300, marginLeft: 56, marginBottom: 40, ariaLabel: null, ...size };
}

/**
 * A Plot chart made fit for a page: the Content-Security-Policy refuses inline styles, so Plot's
 * `<style>` and style attributes go (`.beacon-chart` in beacon.scss does their work); Plot's named
 * groups lose their names (a `<g>` without a role may not carry one, and inside an image nothing is read
 * out anyway); and the image is named and summarised by SVG `title` and `desc` elements, because
 * linkedom leaves & and < unescaped in attribute values. `id` prefixes their ids: unique on the page.
 */
export function accessibleChart(svg: Element, document: Document, opts: { id: string; title: string; description: string }): string {
  for (const style of [...svg.querySelectorAll('style')]) style.remove();
  for (const el of [svg, ...svg.querySelectorAll('[style]')]) el.removeAttribute('style');
  for (const el of [...svg.querySelectorAll('[aria-label]')]) el.removeAttribute('aria-label');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-labelledby', `${opts.id}-title`);
  svg.setAttribute('aria-describedby', `${opts.id}-desc`);
  // In the SVG namespace: an HTML <title> would be written out with its text unescaped.
  const desc = document.createElementNS(SVG_NS, 'desc');
  desc.setAttribute('id', `${opts.id}-desc`);
  desc.textContent = opts.description;
  svg.insertBefore(desc, svg.firstChild);
  const title = document.createElementNS(SVG_NS, 'title');
  title.setAttribute('id', `${opts.id}-title`);
  title.textContent = opts.title;
  svg.insertBefore(title, svg.firstChild);
  return svg.outerHTML;
}
