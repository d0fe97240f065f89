import { isIsoDate } from '../../domain/calendar';

/** Form helpers of the audit pages. */

export type Body = Record<string, string | string[] | undefined>;

/** One value of a field that a browser may send more than once. */
export const one = (v: unknown): string => String((Array.isArray(v) ? v[0] : v) ?? '').trim();
/** Every value of a field (checkboxes). */
export const many = (v: unknown): string[] => ([] as unknown[]).concat(v ?? []).map((x) => String(x).trim()).filter(Boolean);

/** The GOV.UK date input's three boxes as an ISO date: null when all are empty, 'invalid' when they make no real date. */
export function dateFromInput(fields: Body, name: string): string | null | 'invalid' {
  const [d, m, y] = ['day', 'month', 'year'].map((k) => one(fields[`${name}-${k}`]));
  if (!d && !m && !y) return null;
  if (!/^\d{1,2}$/.test(d!) || !/^\d{1,2}$/.test(m!) || !/^\d{4}$/.test(y!)) return 'invalid';
  const iso = `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : 'invalid';
}

/** An ISO date as the date input's three boxes, to show it back. */
export function dateInputValues(name: string, iso: string | null): Body {
  const [y, m, d] = iso ? iso.split('-') : [];
  return { [`${name}-day`]: d ? String(Number(d)) : '', [`${name}-month`]: m ? String(Number(m)) : '', [`${name}-year`]: y ?? '' };
}

const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const monthYear = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
/** "14 March 2026", for emails and messages (pages use the `date` filter). */
export const dateText = (iso: string) => longDate.format(new Date(`${iso}T12:00:00Z`));
/** "March 2026". */
export const monthText = (iso: string) => monthYear.format(new Date(`${iso.slice(0, 7)}-01T12:00:00Z`));

export const MAX_TEXT = 5_000;
