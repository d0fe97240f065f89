import { parseHTML } from 'linkedom';
import type { RouteRecord } from '../platform/web';

/**
 * Finds the forms a person can reach: pages are followed link by link from the home page, one page per
 * route, and each form's address, fields and choices are kept, so that a fuzzed post reaches a real
 * record with the fields its form really has.
 */

export type Field = { name: string; kind: 'text' | 'choice' | 'date-part' | 'hidden'; values: string[] };
/** A form found on a page, with the person who found it (who may post it). */
export type FoundForm = { route: string; url: string; fields: Field[]; email: string };

/** A route's address as a pattern: `/actions/:id` matches `/actions/5f2…`. */
export function routeMatcher(routes: RouteRecord[], method: string) {
  const compiled = routes.filter((r) => r.method === method).map((r) => ({
    key: `${r.method} ${r.url}`,
    // Specific segments before parameters, as Fastify chooses: /children/new before /children/:childId.
    params: (r.url.match(/[:*]/g) ?? []).length,
    re: new RegExp(`^${r.url.split('/').map((s) => (s.startsWith(':') ? '[^/]+' : s === '*' ? '.*' : s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))).join('/')}$`),
  })).sort((a, b) => a.params - b.params);
  return (url: string) => compiled.find((c) => c.re.test(url.split('?')[0]!))?.key ?? null;
}

/** The forms posted from a page, with their fields as the page offers them. */
export function formsOf(html: string, pageUrl: string): { url: string; fields: Field[] }[] {
  const { document } = parseHTML(html);
  return [...document.querySelectorAll('form')].filter((f) => (f.getAttribute('method') ?? 'get').toLowerCase() === 'post').map((form) => {
    const fields = new Map<string, Field>();
    const add = (name: string, kind: Field['kind'], value: string | null) => {
      if (!name || name === '_csrf') return;
      const field = fields.get(name) ?? { name, kind, values: [] };
      if (value !== null && !field.values.includes(value)) field.values.push(value);
      fields.set(name, field);
    };
    for (const el of form.querySelectorAll('input, select, textarea')) {
      const name = el.getAttribute('name') ?? '';
      const type = (el.getAttribute('type') ?? '').toLowerCase();
      if (el.tagName === 'SELECT') for (const o of el.querySelectorAll('option')) add(name, 'choice', o.getAttribute('value') ?? o.textContent ?? '');
      else if (type === 'radio' || type === 'checkbox') add(name, 'choice', el.getAttribute('value') ?? 'on');
      else if (type === 'hidden') add(name, 'hidden', el.getAttribute('value'));
      else if (/-(day|month|year)$/.test(name)) add(name, 'date-part', el.getAttribute('value'));
      else if (type !== 'submit' && type !== 'file') add(name, 'text', el.getAttribute('value') ?? el.textContent ?? null);
    }
    // A button may carry a value too: "save" or "submit".
    for (const b of form.querySelectorAll('button[name]')) add(b.getAttribute('name')!, 'choice', b.getAttribute('value') ?? '');
    const action = form.getAttribute('action') || pageUrl;
    return { url: new URL(action, `http://beacon${pageUrl}`).pathname, fields: [...fields.values()] };
  });
}

export function linksOf(html: string): string[] {
  return [...html.matchAll(/href="(\/[^"#]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
}
