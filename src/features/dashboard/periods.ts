import type { Period } from '../indicators/indicator-codes';

/**
 * The periods the scorecard can show, and the period each is compared with. Dates are ISO strings and
 * every sum is done on calendar dates in UTC, so no time zone or clock change moves a boundary.
 *
 * - financial year: 1 April to 31 March; compared with the year before.
 * - rolling 12 months to a date: compared with the 12 months before those, so the two never overlap.
 *   "A year before" 29 February is 28 February, as indicators.md defines it.
 * - quarter: a financial-year quarter (Q1 April–June … Q4 January–March, as councils report); compared
 *   with the quarter before it.
 * - month: a calendar month; compared with the month before it.
 */

export type PeriodChoice =
  | { kind: 'fy'; year: number }
  | { kind: 'rolling'; to: string }
  | { kind: 'quarter'; year: number; quarter: 1 | 2 | 3 | 4 }
  | { kind: 'month'; year: number; month: number };

export type LabelledPeriod = Period & { label: string };

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const iso = (y: number, m: number, d: number) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const parts = (date: string) => date.split('-').map(Number) as [number, number, number];
const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

export function addDays(date: string, days: number): string {
  const [y, m, d] = parts(date);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The same day-month a year earlier; 29 February becomes 28 February. */
export function sameDayYearBefore(date: string): string {
  const [y, m, d] = parts(date);
  return iso(y - 1, m, Math.min(d, daysInMonth(y - 1, m)));
}

/** A real calendar date in ISO form, or null. */
export function realDate(y: number, m: number, d: number): string | null {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return null;
  if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return iso(y, m, d);
}

/** 30 June 2025 */
export function longDate(date: string): string {
  const [y, m, d] = parts(date);
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

export function periodOf(choice: PeriodChoice): LabelledPeriod {
  switch (choice.kind) {
    case 'fy':
      return { from: iso(choice.year, 4, 1), to: iso(choice.year + 1, 3, 31), label: `Financial year ${choice.year} to ${choice.year + 1}` };
    case 'rolling':
      return { from: addDays(sameDayYearBefore(choice.to), 1), to: choice.to, label: `12 months to ${longDate(choice.to)}` };
    case 'quarter': {
      // Q1 starts in April of the financial year; Q4 is January to March of the next calendar year.
      const startMonth = ((choice.quarter - 1) * 3 + 3) % 12 + 1;
      const year = choice.quarter === 4 ? choice.year + 1 : choice.year;
      const from = iso(year, startMonth, 1);
      const to = iso(year, startMonth + 2, daysInMonth(year, startMonth + 2));
      return { from, to, label: `Quarter ${choice.quarter} of ${choice.year} to ${choice.year + 1} (${MONTHS[startMonth - 1]} to ${MONTHS[startMonth + 1]} ${year})` };
    }
    case 'month':
      return { from: iso(choice.year, choice.month, 1), to: iso(choice.year, choice.month, daysInMonth(choice.year, choice.month)), label: `${MONTHS[choice.month - 1]} ${choice.year}` };
  }
}

/** The period a choice is compared with: the one just before it, of the same length. */
export function previousOf(choice: PeriodChoice): PeriodChoice {
  switch (choice.kind) {
    case 'fy': return { kind: 'fy', year: choice.year - 1 };
    case 'rolling': return { kind: 'rolling', to: sameDayYearBefore(choice.to) };
    case 'quarter': return choice.quarter === 1 ? { kind: 'quarter', year: choice.year - 1, quarter: 4 } : { kind: 'quarter', year: choice.year, quarter: (choice.quarter - 1) as 1 | 2 | 3 };
    case 'month': return choice.month === 1 ? { kind: 'month', year: choice.year - 1, month: 12 } : { kind: 'month', year: choice.year, month: choice.month - 1 };
  }
}

/** The financial year a date falls in, named by the calendar year it starts in. */
export const financialYearOf = (date: string) => { const [y, m] = parts(date); return m >= 4 ? y : y - 1; };

/** The query string that names a choice: the scorecard's own form fields, plus from and to for pages that only need the dates. */
export function periodQuery(choice: PeriodChoice): string {
  const p = periodOf(choice);
  const q = new URLSearchParams({ period: choice.kind });
  if (choice.kind === 'fy') q.set('fyYear', String(choice.year));
  if (choice.kind === 'rolling') {
    const [y, m, d] = parts(choice.to);
    q.set('rollingTo-day', String(d)); q.set('rollingTo-month', String(m)); q.set('rollingTo-year', String(y));
  }
  if (choice.kind === 'quarter') { q.set('quarterYear', String(choice.year)); q.set('quarter', String(choice.quarter)); }
  if (choice.kind === 'month') { q.set('month-month', String(choice.month)); q.set('month-year', String(choice.year)); }
  q.set('from', p.from); q.set('to', p.to);
  return q.toString();
}

export type PeriodForm = Record<string, string | undefined>;
export type PeriodParse = { choice: PeriodChoice; errors: [] } | { choice: null; errors: { field: string; message: string }[] };

const wholeYear = (raw: string | undefined, thisYear: number) => {
  const s = raw?.trim() ?? '';
  if (!/^\d{4}$/.test(s)) return null;
  const y = Number(s);
  return y >= 2000 && y <= thisYear ? y : null;
};

/**
 * Reads the chooser's fields (a GET form). With no `period` at all it is the default: the 12 months to
 * today. Messages follow the GOV.UK date input pattern and name the field to correct.
 */
export function parsePeriodForm(q: PeriodForm, today: string): PeriodParse {
  const thisYear = parts(today)[0];
  const fail = (field: string, message: string): PeriodParse => ({ choice: null, errors: [{ field, message }] });
  const kind = q.period?.trim();
  if (!kind) return { choice: { kind: 'rolling', to: today }, errors: [] };
  switch (kind) {
    case 'fy': {
      if (!q.fyYear?.trim()) return fail('fyYear', 'Enter the year the financial year starts in');
      const year = wholeYear(q.fyYear, thisYear);
      return year === null ? fail('fyYear', `The year must be a 4-digit year from 2000 to ${thisYear}, like ${thisYear - 1}`) : { choice: { kind, year }, errors: [] };
    }
    case 'rolling': {
      const [d, m, y] = ['rollingTo-day', 'rollingTo-month', 'rollingTo-year'].map((k) => q[k]?.trim() ?? '');
      if (!d && !m && !y) return fail('rollingTo', 'Enter the date the 12 months run to');
      if (!d || !m || !y) return fail('rollingTo', `The date the 12 months run to must include a ${!d ? 'day' : !m ? 'month' : 'year'}`);
      const date = /^\d+$/.test(d + m + y) && y.length === 4 ? realDate(Number(y), Number(m), Number(d)) : null;
      if (!date) return fail('rollingTo', 'The date the 12 months run to must be a real date');
      if (date > today) return fail('rollingTo', 'The date the 12 months run to must be today or in the past');
      if (Number(y) < 2000) return fail('rollingTo', 'The date the 12 months run to must be after 1 January 2000');
      return { choice: { kind, to: date }, errors: [] };
    }
    case 'quarter': {
      const errors: { field: string; message: string }[] = [];
      const year = wholeYear(q.quarterYear, thisYear);
      if (year === null) errors.push({ field: 'quarterYear', message: q.quarterYear?.trim() ? `The year must be a 4-digit year from 2000 to ${thisYear}` : 'Enter the year the financial year starts in' });
      const quarter = Number(q.quarter);
      if (![1, 2, 3, 4].includes(quarter)) errors.push({ field: 'quarter', message: 'Select the quarter' });
      return errors.length ? { choice: null, errors } : { choice: { kind, year: year!, quarter: quarter as 1 | 2 | 3 | 4 }, errors: [] };
    }
    case 'month': {
      const m = q['month-month']?.trim() ?? '';
      const y = q['month-year']?.trim() ?? '';
      if (!m && !y) return fail('month', 'Enter the month and year');
      if (!m || !y) return fail('month', `The month must include a ${!m ? 'month' : 'year'}`);
      const month = /^\d{1,2}$/.test(m) ? Number(m) : 0;
      const year = wholeYear(y, thisYear);
      if (month < 1 || month > 12 || year === null) return fail('month', 'The month must be a real month, like 6 2025');
      if (iso(year, month, 1) > today) return fail('month', 'The month must be this month or in the past');
      return { choice: { kind, year, month }, errors: [] };
    }
    default:
      return fail('period', 'Select the period to show');
  }
}
