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

/** The period of a kind that a date falls in: the financial year, financial-year quarter or month including it, or the 12 months to it. */
export function choiceIncluding(kind: PeriodChoice['kind'], date: string): PeriodChoice {
  const [y, m] = parts(date);
  switch (kind) {
    case 'fy': return { kind, year: financialYearOf(date) };
    case 'quarter': return { kind, year: financialYearOf(date), quarter: (m >= 4 ? Math.floor((m - 4) / 3) + 1 : 4) as 1 | 2 | 3 | 4 };
    case 'month': return { kind, year: y, month: m };
    case 'rolling': return { kind, to: date };
  }
}

/**
 * The query string that names a choice: its kind and last day (`period=fy&to=2026-03-31`), which the
 * chooser and the trend page both read, and its first day for pages that only need the dates.
 */
export function periodQuery(choice: PeriodChoice): string {
  const p = periodOf(choice);
  return new URLSearchParams({ period: choice.kind, from: p.from, to: p.to }).toString();
}

export type PeriodForm = Record<string, string | undefined>;
export type PeriodParse = { choice: PeriodChoice; errors: [] } | { choice: null; errors: { field: string; message: string }[] };

const KINDS: readonly PeriodChoice['kind'][] = ['rolling', 'fy', 'quarter', 'month'];

/**
 * Reads the chooser (a GET form): the kind of period, and a date in it given as day, month and year,
 * or as `to` (YYYY-MM-DD) from a link. With nothing at all it is the 12 months to today. Messages
 * follow the GOV.UK date input pattern.
 */
export function parsePeriodForm(q: PeriodForm, today: string): PeriodParse {
  const fail = (field: string, message: string): PeriodParse => ({ choice: null, errors: [{ field, message }] });
  const kind = q.period?.trim() ?? '';
  const [d, m, y] = ['to-day', 'to-month', 'to-year'].map((k) => q[k]?.trim() ?? '');
  if (!kind && !q.to && !d && !m && !y) return { choice: { kind: 'rolling', to: today }, errors: [] };
  if (!KINDS.includes(kind as PeriodChoice['kind'])) return fail('period', 'Select the kind of period to show');
  let date: string | null;
  if (q.to?.trim()) {
    const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(q.to.trim());
    date = iso ? realDate(Number(iso[1]), Number(iso[2]), Number(iso[3])) : null;
  } else {
    if (!d && !m && !y) return fail('to', 'Enter a date in the period');
    if (!d || !m || !y) return fail('to', `The date must include a ${!d ? 'day' : !m ? 'month' : 'year'}`);
    date = /^\d{1,2}$/.test(d) && /^\d{1,2}$/.test(m) && /^\d{4}$/.test(y) ? realDate(Number(y), Number(m), Number(d)) : null;
  }
  if (!date) return fail('to', 'The date must be a real date, like 31 3 2026');
  if (date > today) return fail('to', 'The date must be today or in the past');
  if (date < '2000-01-01') return fail('to', 'The date must be after 1 January 2000');
  return { choice: choiceIncluding(kind as PeriodChoice['kind'], date), errors: [] };
}
