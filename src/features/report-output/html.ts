import type { Block, ReportDocument, TableBlock } from '../../domain/annual-report';
import { editionText, generatedText, periodText, statusText } from './wording';

/**
 * The annual report as HTML. `reportArticle` is the report itself in GOV.UK Design System markup, shown
 * inside Beacon's pages as the preview; `renderHtml` wraps it in a complete page that needs nothing else:
 * its styles are inlined and it loads no file, so it reads the same opened from an email, a shared drive
 * or a website, and prints on A4 with each section's heading kept with its text.
 */

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const sectionAnchor = (index: number) => `section-${index + 1}`;

function tableHtml(t: TableBlock): string {
  const cls = (i: number, base: string) => `${base}${t.numeric[i] ? ` ${base}--numeric` : ''}`;
  const head = t.head.map((h, i) => `<th scope="col" class="${cls(i, 'govuk-table__header')}">${esc(h)}</th>`).join('');
  const rows = t.rows.map((row) => `<tr class="govuk-table__row">${row.map((cell, i) => (i === 0
    ? `<th scope="row" class="govuk-table__header">${esc(cell)}</th>`
    : `<td class="${cls(i, 'govuk-table__cell')}">${esc(cell)}</td>`)).join('')}</tr>`).join('\n');
  return [
    '<table class="govuk-table">',
    `<caption class="govuk-table__caption govuk-table__caption--s">${esc(t.caption)}</caption>`,
    `<thead class="govuk-table__head"><tr class="govuk-table__row">${head}</tr></thead>`,
    `<tbody class="govuk-table__body">\n${rows}\n</tbody>`,
    '</table>',
    ...(t.note ? [`<p class="govuk-body-s beacon-report__note">${esc(t.note)}</p>`] : []),
  ].join('\n');
}

export function blockHtml(b: Block): string {
  switch (b.type) {
    case 'paragraph': return `<p class="govuk-body">${esc(b.text)}</p>`;
    case 'subheading': return `<h3 class="govuk-heading-m">${esc(b.text)}</h3>`;
    case 'list': return `<ul class="govuk-list govuk-list--bullet">\n${b.items.map((i) => `<li>${esc(i.text)}</li>`).join('\n')}\n</ul>`;
    case 'table': return tableHtml(b);
    case 'quote': return [
      '<figure class="beacon-report__quote">',
      `<blockquote class="govuk-inset-text"><p class="govuk-body-l">${esc(b.text)}</p></blockquote>`,
      ...(b.attribution ? [`<figcaption class="govuk-body-s">${esc(b.attribution)}</figcaption>`] : []),
      '</figure>',
    ].join('\n');
  }
}

/** The report from its title to its last section: the body of the standalone page and of the preview. */
export function reportArticle(doc: ReportDocument): string {
  const banner = doc.status === 'approved' ? '' : [
    '<div class="govuk-warning-text beacon-report__draft">',
    '<span class="govuk-warning-text__icon" aria-hidden="true">!</span>',
    `<strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning: </span>${esc(statusText(doc))}</strong>`,
    '</div>',
  ].join('\n');
  const contents = doc.sections.map((s, i) => `<li><a class="govuk-link" href="#${sectionAnchor(i)}">${esc(s.heading)}</a></li>`).join('\n');
  const sections = doc.sections.map((s, i) => [
    `<section class="beacon-report__section" aria-labelledby="${sectionAnchor(i)}">`,
    `<h2 class="govuk-heading-l" id="${sectionAnchor(i)}">${esc(s.heading)}</h2>`,
    ...(s.note ? [`<div class="govuk-inset-text beacon-report__status"><strong>${esc(s.note)}</strong></div>`] : []),
    ...s.blocks.map(blockHtml),
    '</section>',
  ].join('\n')).join('\n\n');
  return [
    '<article class="beacon-report">',
    banner,
    `<span class="govuk-caption-l">${esc(doc.partnership)}</span>`,
    `<h1 class="govuk-heading-xl">${esc(doc.title)}</h1>`,
    `<p class="govuk-body-l">${esc(periodText(doc))}</p>`,
    `<p class="govuk-body beacon-report__edition"><strong>${esc(editionText(doc))}</strong></p>`,
    ...(doc.status === 'approved' ? [`<p class="govuk-body">${esc(statusText(doc))}.</p>`] : []),
    ...(doc.sections.length ? [
      '<nav class="beacon-report__contents" aria-labelledby="contents">',
      '<h2 class="govuk-heading-m" id="contents">Contents</h2>',
      `<ol class="govuk-list govuk-list--number">\n${contents}\n</ol>`,
      '</nav>',
    ] : []),
    sections,
    `<p class="govuk-body-s beacon-report__generated">${esc(generatedText(doc))}. ${esc(statusText(doc))}.</p>`,
    '</article>',
  ].filter(Boolean).join('\n');
}

// GOV.UK Design System typography and tables, re-stated for a page that cannot load govuk-frontend.
const STYLES = `
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: #fff; color: #0b0c0c; font-family: Arial, "Helvetica Neue", Helvetica, sans-serif;
  font-size: 1.1875rem; line-height: 1.32; -webkit-font-smoothing: antialiased; }
.skip { position: absolute; left: -9999px; }
.skip:focus { position: static; display: block; padding: 10px 15px; background: #fd0; color: #0b0c0c; outline: 3px solid #fd0; }
main { max-width: 960px; margin: 0 auto; padding: 30px 15px 60px; }
.govuk-caption-l { display: block; color: #505a5f; font-size: 1.5rem; margin-bottom: 5px; }
.govuk-heading-xl { font-size: 3rem; line-height: 1.09; font-weight: 700; margin: 0 0 30px; }
.govuk-heading-l { font-size: 2.25rem; line-height: 1.11; font-weight: 700; margin: 50px 0 20px; }
.govuk-heading-m { font-size: 1.5rem; line-height: 1.25; font-weight: 700; margin: 30px 0 15px; }
.govuk-body, .govuk-list { margin: 0 0 20px; }
.govuk-body-l { font-size: 1.5rem; line-height: 1.25; margin: 0 0 30px; }
.govuk-body-s { font-size: 1rem; line-height: 1.25; margin: 0 0 15px; }
.govuk-list { padding-left: 0; list-style: none; }
.govuk-list--bullet { padding-left: 20px; list-style-type: disc; }
.govuk-list--number { padding-left: 20px; list-style-type: decimal; }
.govuk-list > li { margin-bottom: 5px; }
.govuk-link { color: #1d70b8; text-decoration: underline; text-underline-offset: 0.1578em; }
.govuk-link:visited { color: #4c2c92; }
.govuk-link:hover { color: #003078; text-decoration-thickness: max(3px, .1875rem, .12em); }
.govuk-link:focus { outline: 3px solid transparent; color: #0b0c0c; background-color: #fd0; box-shadow: 0 -2px #fd0, 0 4px #0b0c0c; text-decoration: none; }
.govuk-table { width: 100%; border-spacing: 0; border-collapse: collapse; margin-bottom: 20px; font-size: 1rem; }
.govuk-table__caption { font-weight: 700; text-align: left; margin-bottom: 10px; font-size: 1.1875rem; }
.govuk-table__header, .govuk-table__cell { padding: 10px 20px 10px 0; border-bottom: 1px solid #b1b4b6; text-align: left; vertical-align: top; }
.govuk-table__header { font-weight: 700; }
.govuk-table__header--numeric, .govuk-table__cell--numeric { text-align: right; font-variant-numeric: tabular-nums; }
.govuk-table__header:last-child, .govuk-table__cell:last-child { padding-right: 0; }
.govuk-inset-text { padding: 15px; margin: 30px 0; border-left: 10px solid #b1b4b6; }
.beacon-report__quote { margin: 30px 0; }
.beacon-report__quote .govuk-inset-text { margin: 0 0 10px; border-left-color: #1d70b8; }
.beacon-report__quote .govuk-body-l { margin: 0; font-style: italic; }
.beacon-report__quote figcaption { color: #505a5f; padding-left: 25px; }
.govuk-warning-text { position: relative; margin-bottom: 20px; padding: 10px 0 10px 50px; border: 0; font-weight: 700; }
.govuk-warning-text__icon { position: absolute; left: 0; top: 50%; margin-top: -17px; width: 35px; height: 35px; border-radius: 50%;
  background: #0b0c0c; color: #fff; font-size: 30px; line-height: 35px; text-align: center; font-weight: 700; }
.govuk-visually-hidden { position: absolute !important; width: 1px !important; height: 1px !important; margin: 0 !important; padding: 0 !important;
  overflow: hidden !important; clip: rect(0 0 0 0) !important; clip-path: inset(50%) !important; border: 0 !important; white-space: nowrap !important; }
.beacon-report__draft { border: 3px solid #d4351c; padding: 15px 15px 15px 65px; }
.beacon-report__draft .govuk-warning-text__icon { left: 15px; background: #d4351c; }
.beacon-report__status { border-left-color: #f47738; }
.beacon-report__note { color: #505a5f; margin-bottom: 40px; }
.beacon-report__contents { border-top: 1px solid #b1b4b6; border-bottom: 1px solid #b1b4b6; margin-bottom: 20px; }
.beacon-report__generated { color: #505a5f; margin-top: 60px; border-top: 1px solid #b1b4b6; padding-top: 15px; }
@media (max-width: 640px) {
  body { font-size: 1rem; }
  .govuk-heading-xl { font-size: 2rem; }
  .govuk-heading-l { font-size: 1.5rem; }
  .govuk-table { display: block; overflow-x: auto; }
}
@page { size: A4; margin: 20mm 18mm; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  .skip { display: none; }
  .govuk-heading-xl { font-size: 26pt; }
  .govuk-heading-l { font-size: 18pt; }
  .govuk-heading-m { font-size: 14pt; }
  h2, h3, caption { break-after: avoid; }
  table, figure, li { break-inside: avoid; }
  thead { display: table-header-group; }
  .govuk-link { color: #0b0c0c; text-decoration: none; }
  .beacon-report__contents .govuk-link::after { content: none; }
}
`.trim();

/** A complete, standalone, accessible HTML page of the report. */
export function renderHtml(doc: ReportDocument): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en-GB">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(doc.title)}${doc.status === 'approved' ? '' : ' (draft)'}</title>`,
    `<meta name="description" content="${esc(`${doc.partnership}: annual report, ${periodText(doc)}`)}">`,
    '<meta name="generator" content="Beacon">',
    `<style>\n${STYLES}\n</style>`,
    '</head>',
    '<body>',
    '<a class="skip" href="#main">Skip to the report</a>',
    '<main id="main">',
    reportArticle(doc),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
