import { describe, expect, it } from 'vitest';
import { parsePeriodForm, periodOf, periodQuery, previousOf, sameDayYearBefore, type PeriodChoice } from './periods';

const both = (c: PeriodChoice) => ({ current: periodOf(c), previous: periodOf(previousOf(c)) });

describe('scorecard periods', () => {
  it('a financial year runs 1 April to 31 March and is compared with the year before', () => {
    const { current, previous } = both({ kind: 'fy', year: 2024 });
    expect(current).toEqual({ from: '2024-04-01', to: '2025-03-31', label: 'Financial year 2024 to 2025' });
    expect(previous).toMatchObject({ from: '2023-04-01', to: '2024-03-31' });
  });

  it('rolling 12 months: the window and the one before it meet without overlapping', () => {
    const { current, previous } = both({ kind: 'rolling', to: '2025-06-30' });
    expect(current).toEqual({ from: '2024-07-01', to: '2025-06-30', label: '12 months to 30 June 2025' });
    expect(previous).toMatchObject({ from: '2023-07-01', to: '2024-06-30' });
  });

  it('rolling 12 months to 29 February: a year before is 28 February', () => {
    expect(sameDayYearBefore('2024-02-29')).toBe('2023-02-28');
    const { current, previous } = both({ kind: 'rolling', to: '2024-02-29' });
    expect(current).toMatchObject({ from: '2023-03-01', to: '2024-02-29' });
    expect(previous).toMatchObject({ from: '2022-03-01', to: '2023-02-28' });
    // The 12 months to 28 February 2025 take in 29 February 2024 once, and the year before ends the day before it.
    const after = both({ kind: 'rolling', to: '2025-02-28' });
    expect(after.current).toMatchObject({ from: '2024-02-29', to: '2025-02-28' });
    expect(after.previous).toMatchObject({ from: '2023-03-01', to: '2024-02-28' });
  });

  it('rolling 12 months across a year end', () => {
    const { current, previous } = both({ kind: 'rolling', to: '2025-12-31' });
    expect(current).toMatchObject({ from: '2025-01-01', to: '2025-12-31' });
    expect(previous).toMatchObject({ from: '2024-01-01', to: '2024-12-31' });
    expect(periodOf({ kind: 'rolling', to: '2026-01-01' })).toMatchObject({ from: '2025-01-02', to: '2026-01-01' });
  });

  it('financial-year quarters, the fourth in the next calendar year, each compared with the quarter before', () => {
    expect(periodOf({ kind: 'quarter', year: 2024, quarter: 1 })).toEqual({ from: '2024-04-01', to: '2024-06-30', label: 'Quarter 1 of 2024 to 2025 (April to June 2024)' });
    expect(periodOf({ kind: 'quarter', year: 2024, quarter: 3 })).toMatchObject({ from: '2024-10-01', to: '2024-12-31' });
    expect(periodOf({ kind: 'quarter', year: 2023, quarter: 4 })).toMatchObject({ from: '2024-01-01', to: '2024-03-31', label: 'Quarter 4 of 2023 to 2024 (January to March 2024)' });
    expect(previousOf({ kind: 'quarter', year: 2024, quarter: 1 })).toEqual({ kind: 'quarter', year: 2023, quarter: 4 });
    expect(previousOf({ kind: 'quarter', year: 2024, quarter: 4 })).toEqual({ kind: 'quarter', year: 2024, quarter: 3 });
  });

  it('months: February of a leap year, and January compared with the December before', () => {
    expect(periodOf({ kind: 'month', year: 2024, month: 2 })).toEqual({ from: '2024-02-01', to: '2024-02-29', label: 'February 2024' });
    expect(periodOf({ kind: 'month', year: 2025, month: 2 })).toMatchObject({ to: '2025-02-28' });
    expect(both({ kind: 'month', year: 2025, month: 1 }).previous).toMatchObject({ from: '2024-12-01', to: '2024-12-31' });
  });

  it('reads the chooser: the default is the 12 months to today; otherwise the period of the kind that includes the date', () => {
    const date = (d: string, m: string, y: string) => ({ 'to-day': d, 'to-month': m, 'to-year': y });
    expect(parsePeriodForm({}, '2026-06-01')).toEqual({ choice: { kind: 'rolling', to: '2026-06-01' }, errors: [] });
    expect(parsePeriodForm({ period: 'rolling', ...date('29', '2', '2024') }, '2026-06-01').choice).toEqual({ kind: 'rolling', to: '2024-02-29' });
    expect(parsePeriodForm({ period: 'fy', ...date('31', '3', '2026') }, '2026-06-01').choice).toEqual({ kind: 'fy', year: 2025 });
    expect(parsePeriodForm({ period: 'fy', ...date('1', '4', '2026') }, '2026-06-01').choice).toEqual({ kind: 'fy', year: 2026 });
    expect(parsePeriodForm({ period: 'quarter', ...date('15', '2', '2026') }, '2026-06-01').choice).toEqual({ kind: 'quarter', year: 2025, quarter: 4 });
    expect(parsePeriodForm({ period: 'quarter', ...date('30', '9', '2025') }, '2026-06-01').choice).toEqual({ kind: 'quarter', year: 2025, quarter: 2 });
    expect(parsePeriodForm({ period: 'month', ...date('31', '12', '2025') }, '2026-06-01').choice).toEqual({ kind: 'month', year: 2025, month: 12 });
    expect(parsePeriodForm({ period: 'month', to: '2024-02-10' }, '2026-06-01').choice).toEqual({ kind: 'month', year: 2024, month: 2 });
  });

  it('names what is wrong with the chooser', () => {
    const err = (q: Record<string, string>) => parsePeriodForm(q, '2026-06-01').errors;
    expect(err({ period: 'nonsense', to: '2025-01-01' })).toEqual([{ field: 'period', message: 'Select the kind of period to show' }]);
    expect(err({ period: 'fy' })).toEqual([{ field: 'to', message: 'Enter a date in the period' }]);
    expect(err({ period: 'rolling', 'to-day': '29', 'to-month': '2', 'to-year': '2025' })).toEqual([{ field: 'to', message: 'The date must be a real date, like 31 3 2026' }]);
    expect(err({ period: 'rolling', 'to-day': '2', 'to-month': '6', 'to-year': '2026' })[0]!.message).toBe('The date must be today or in the past');
    expect(err({ period: 'rolling', 'to-day': '2', 'to-year': '2026' })[0]!.message).toBe('The date must include a month');
    expect(err({ period: 'month', 'to-day': '1', 'to-month': '1', 'to-year': '1999' })[0]!.message).toBe('The date must be after 1 January 2000');
    expect(err({ period: 'month', to: '2025-13-01' })[0]!.field).toBe('to');
  });

  it('names a choice in a query string the chooser reads back, with its dates', () => {
    for (const c of [{ kind: 'fy', year: 2024 }, { kind: 'rolling', to: '2024-02-29' }, { kind: 'quarter', year: 2023, quarter: 4 }, { kind: 'month', year: 2025, month: 1 }] as PeriodChoice[]) {
      const q = Object.fromEntries(new URLSearchParams(periodQuery(c)));
      expect(parsePeriodForm(q, '2026-06-01').choice).toEqual(c);
      expect({ from: q.from, to: q.to }).toEqual({ from: periodOf(c).from, to: periodOf(c).to });
    }
  });
});
