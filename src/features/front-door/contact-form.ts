import type { FieldError } from '../../platform/errors';
import type { ContactChild, ContactInput } from './contacts.service';
import { londonInstant, londonParts } from '../../domain/london';

/**
 * The contact form as posted, read into a contact. The form works without JavaScript: a fixed number
 * of child rows that "Add another child" raises by posting back, a search box in each row that finds
 * a recorded child by posting back, and buttons that say which of these the post is.
 */

export type FormValues = Record<string, string | undefined>;

/** The front door's forms hold one value a name (the checkbox too): where a name was posted twice, the first counts, as in every form. */
export function formValues(body: unknown): FormValues {
  return Object.fromEntries(Object.entries((body ?? {}) as Record<string, string | string[]>).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
}

export const MAX_CHILD_ROWS = 20;

/** What a post asks for: save, add a child row, or search for (or let go of) one row's child. */
export type FormAction = { kind: 'save' } | { kind: 'add-child' } | { kind: 'find'; row: number } | { kind: 'clear'; row: number };

export function actionOf(form: FormValues): FormAction {
  const a = form.action ?? 'save';
  if (a === 'add-child') return { kind: 'add-child' };
  const m = /^(find|clear)-(\d{1,2})$/.exec(a);
  if (m) return { kind: m[1] as 'find' | 'clear', row: Number(m[2]) };
  return { kind: 'save' };
}

export function rowCount(form: FormValues): number {
  const n = Number(form.childCount);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, MAX_CHILD_ROWS) : 1;
}

/** The form's first look: one child row, received now (London time), routine. */
export function blankContactForm(now: Date): FormValues {
  return { childCount: '1', urgency: 'routine', ...receivedFields(now) };
}

export function receivedFields(now: Date): FormValues {
  const { date, time } = londonParts(now);
  const [y, m, d] = date.split('-');
  return { 'receivedAt-day': String(Number(d)), 'receivedAt-month': String(Number(m)), 'receivedAt-year': y, 'receivedAt-time': time.slice(0, 5) };
}

const text = (v: string | undefined) => (v ?? '').trim();

/** Day, month and year boxes as an ISO date; null when all three are empty; 'invalid' when they make no date. */
export function dateFrom(form: FormValues, prefix: string): string | null {
  const [d, m, y] = ['day', 'month', 'year'].map((k) => text(form[`${prefix}-${k}`]));
  if (!d && !m && !y) return null;
  if (!/^\d{1,2}$/.test(d!) || !/^\d{1,2}$/.test(m!) || !/^\d{4}$/.test(y!)) return 'invalid';
  return `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
}

/** "14:05", "9.30" or "0930" as HH:MM:00; null when it is no time of day. */
export function timeFrom(value: string | undefined): string | null {
  const m = /^(\d{1,2})[:.]?(\d{2})$/.exec(text(value));
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return null;
  return `${m[1]!.padStart(2, '0')}:${m[2]}:00`;
}

/** A row's state: a recorded child chosen, a new child typed, a search to run, or nothing. */
export type RowEntry =
  | { kind: 'chosen'; childId: string }
  | { kind: 'new'; firstName: string; lastName: string; dateOfBirth: string | null; confirmedNew: boolean }
  | { kind: 'search'; q: string }
  | { kind: 'blank' };

export function rowEntry(form: FormValues, i: number): RowEntry {
  const p = `children-${i}-`;
  const match = text(form[`${p}match`]);
  const childId = match && match !== 'new' ? match : text(form[`${p}childId`]);
  if (childId) return { kind: 'chosen', childId };
  const firstName = text(form[`${p}firstName`]);
  const lastName = text(form[`${p}lastName`]);
  const dateOfBirth = dateFrom(form, `${p}dob`);
  if (firstName || lastName || dateOfBirth) return { kind: 'new', firstName, lastName, dateOfBirth, confirmedNew: match === 'new' };
  const q = text(form[`${p}search`]);
  return q ? { kind: 'search', q } : { kind: 'blank' };
}

/** The contact the form describes; rows left blank are left out. Problems the service cannot see (the agency) come from the route. */
export function contactInputOf(form: FormValues): ContactInput {
  const children: ContactChild[] = [];
  for (let i = 0; i < rowCount(form); i++) {
    const e = rowEntry(form, i);
    if (e.kind === 'chosen') children.push({ childId: e.childId });
    if (e.kind === 'new') children.push({ firstName: e.firstName, lastName: e.lastName, dateOfBirth: e.dateOfBirth, confirmedNew: e.confirmedNew });
  }
  const date = dateFrom(form, 'receivedAt');
  const time = timeFrom(form['receivedAt-time']);
  const receivedAt = date && date !== 'invalid' && time && !Number.isNaN(Date.parse(`${date}T${time}Z`)) ? londonInstant(date, time) : new Date(Number.NaN);
  const agency = text(form['referrer-agency']);
  const consent = text(form.consent);
  const urgency = text(form.urgency);
  return {
    children,
    source: text(form.source),
    reason: form.reason ?? '',
    receivedAt,
    referrer: {
      name: text(form['referrer-name']) || null,
      role: text(form['referrer-role']) || null,
      agencyId: /^\d{1,9}$/.test(agency) ? Number(agency) : null,
      agencyName: text(form['referrer-agencyName']) || null,
      email: text(form['referrer-email']) || null,
      phone: text(form['referrer-phone']) || null,
    },
    domesticAbuse: form.domesticAbuse === 'yes',
    schoolNote: form.domesticAbuse === 'yes' ? text(form.schoolNote) || null : null,
    consent: consent as ContactInput['consent'],
    consentNotSoughtReason: text(form.consentNotSoughtReason) || null,
    lawfulBasis: text(form.lawfulBasis) || null,
    urgency: (urgency || 'routine') as NonNullable<ContactInput['urgency']>,
  };
}

/** The rows that give a child, in order: the n-th child of the contact is on row `childRows(form)[n]`. */
export function childRows(form: FormValues): number[] {
  const rows: number[] = [];
  for (let i = 0; i < rowCount(form); i++) {
    const kind = rowEntry(form, i).kind;
    if (kind === 'chosen' || kind === 'new') rows.push(i);
  }
  return rows;
}

/**
 * The service names a problem by its field (`children.1.lastName`, `referrer.email`), and names a child
 * by its place among the children given; the page names its inputs by row, and blank rows are left out.
 * This maps the one to the other, in the order the fields appear on the page.
 */
export function problemsOnPage(form: FormValues, problems: FieldError[]): FieldError[] {
  const rows = childRows(form);
  const onPage = problems.map((p) => {
    const child = /^children\.(\d+)\.(\w+)$/.exec(p.field);
    if (child) {
      const row = rows[Number(child[1])] ?? 0;
      const input = child[2] === 'dateOfBirth' ? 'dob-day' : child[2] === 'childId' ? 'search' : child[2];
      return { field: `children-${row}-${input}`, message: p.message };
    }
    if (p.field === 'children') return { field: 'children-0-firstName', message: p.message };
    if (p.field === 'receivedAt') return { field: 'receivedAt-day', message: p.message };
    return { field: p.field.replace(/\./g, '-'), message: p.message };
  });
  const place = (field: string) => {
    const i = PAGE_ORDER.findIndex((prefix) => field.startsWith(prefix));
    return i === -1 ? PAGE_ORDER.length : i;
  };
  const row = (field: string) => Number(/^children-(\d+)-/.exec(field)?.[1] ?? 0);
  return onPage.map((p, i) => ({ p, i }))
    .sort((a, b) => place(a.p.field) - place(b.p.field) || row(a.p.field) - row(b.p.field) || a.i - b.i).map((x) => x.p);
}

const PAGE_ORDER = ['children', 'receivedAt', 'referrer-name', 'referrer-role', 'referrer-agency', 'referrer-email', 'referrer-phone', 'source', 'reason', 'urgency', 'domesticAbuse', 'schoolNote', 'consent', 'lawfulBasis'];
