import { isIsoDate } from '../domain/calendar';
import type { FieldError } from './errors';

export type FormErrors = {
  /** Items for govukErrorSummary, each linking to its field. */
  summary: { text: string; href: string }[];
  /** errorMessage for each field's component, by field name. */
  fields: Record<string, { text: string }>;
};

/** The error summary pattern: field `agencyId` links to `#agencyId` unless the form maps it elsewhere. */
export function formErrors(errors: FieldError[], ids: Record<string, string> = {}): FormErrors {
  const fields: FormErrors['fields'] = {};
  const summary = errors.map((e) => {
    // One input can carry a list (roles.1, emailDomains.0): its error belongs to that input.
    const field = e.field.split('.')[0]!;
    fields[field] ??= { text: e.message };
    return { text: e.message, href: `#${ids[field] ?? field}` };
  });
  return { summary, fields };
}

/** A posted form as Fastify's form parser gives it: one value, or several for repeated names (checkboxes). */
export type Form = Record<string, string | string[] | undefined>;

/** A field's value, trimmed; the first where several were posted; '' when absent. */
export const text = (form: Form, name: string): string => {
  const v = form[name];
  return (Array.isArray(v) ? v[0] ?? '' : v ?? '').trim();
};

/** Every value posted under the name (checkboxes), trimmed, blanks left out. */
export const list = (form: Form, name: string): string[] => {
  const v = form[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => x.trim()).filter(Boolean);
};

/** A GOV.UK date input's day, month and year boxes as an ISO date; null when all are empty; 'invalid' when they make no real date. */
export function dateFrom(form: Form, prefix: string): string | null | 'invalid' {
  const [d, m, y] = ['day', 'month', 'year'].map((k) => text(form, `${prefix}-${k}`));
  if (!d && !m && !y) return null;
  if (!/^\d{1,2}$/.test(d!) || !/^\d{1,2}$/.test(m!) || !/^\d{4}$/.test(y!)) return 'invalid';
  const iso = `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : 'invalid';
}

/** An ISO date as a date input's boxes show it; none for no date. */
export function dateFields(prefix: string, date: string | null | undefined): Record<string, string> {
  if (!date) return {};
  const [y, m, d] = date.split('-');
  return { [`${prefix}-day`]: String(Number(d)), [`${prefix}-month`]: String(Number(m)), [`${prefix}-year`]: y! };
}

/** The version a form was opened at; one no record can have (not a whole number a version column keeps) reads as -1, a stale form. */
export function versionFrom(form: Form, name = 'version'): number {
  const n = Number(text(form, name));
  return Number.isInteger(n) && n >= 0 && n <= 2_147_483_647 ? n : -1;
}
