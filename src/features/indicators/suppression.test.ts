import { describe, expect, it } from 'vitest';
import { INDICATOR_CODES, type IndicatorValues } from './indicator-codes';
import { isSmall, suppress, suppressIndicators, suppressTable } from './suppression';

describe('suppress', () => {
  it('hides counts from 1 to 5 inclusive, never 0, 6 or unknown', () => {
    expect(suppress([0, 1, 5, 6, null, 120])).toEqual([0, 'c', 'c', 6, null, 120]);
    expect([0, 1, 5, 6].map((n) => isSmall(n))).toEqual([false, true, true, false]);
  });

  it('takes the threshold and the symbol from the settings', () => {
    expect(suppress([3, 9, 10, 11], { settings: { threshold: 10, symbol: '*' } })).toEqual(['*', '*', '*', 11]);
  });

  it('hides a second part when one part of a total is hidden, the smallest non-zero one', () => {
    // 3 + 0 + 10 + 12 = 25: with 3 hidden, 25 - 0 - 10 - 12 gives it back; hiding the 0 would not help.
    expect(suppress([3, 0, 10, 12, 25], { groups: [{ parts: [0, 1, 2, 3], total: 4 }] })).toEqual(['c', 0, 'c', 12, 25]);
  });

  it('hides the total when no other part can be', () => {
    expect(suppress([3, 0, 3], { groups: [{ parts: [0, 1], total: 2 }] })).toEqual(['c', 0, 'c']);
    expect(suppress([4, 20, 24], { groups: [{ parts: [0, 1], total: 2 }] })).toEqual(['c', 'c', 24]);
  });

  it('leaves a group alone when two of its cells are already hidden', () => {
    expect(suppress([2, 3, 40, 45], { groups: [{ parts: [0, 1, 2], total: 3 }] })).toEqual(['c', 'c', 40, 45]);
  });

  it('hides a figure derived from a hidden one, and follows a chain of groups', () => {
    // cells: numerator 4, denominator 50, percentage 8.0
    expect(suppress([4, 50, 8], { derived: [{ cell: 2, from: [0, 1] }] })).toEqual(['c', 50, 'c']);
    // a percentage is not a count: 3.5% is shown when its parts are
    expect(suppress([7, 200, 3.5], { derived: [{ cell: 2, from: [0, 1] }] })).toEqual([7, 200, 3.5]);
  });

  it('suppresses a table with row and column totals so that no hidden cell can be worked back', () => {
    const table = [
      [2, 10, 12],
      [8, 9, 17],
      [10, 19, 29],
    ];
    const out = suppressTable(table, { rowTotals: true, columnTotals: true });
    expect(out).toEqual([
      ['c', 'c', 12],
      ['c', 'c', 17],
      [10, 19, 29],
    ]);
    // Every row and column with a hidden cell has at least two.
    for (const line of [...out, ...out[0]!.map((_, c) => out.map((r) => r[c]))]) {
      const hidden = line.filter((v) => v === 'c').length;
      expect(hidden === 0 || hidden >= 2).toBe(true);
    }
    expect(suppressTable([[1, 7, 8]], { rowTotals: true })).toEqual([['c', 'c', 8]]);
  });
});

describe('suppressIndicators', () => {
  const values = (over: Partial<IndicatorValues>): IndicatorValues => ({
    ...Object.fromEntries(INDICATOR_CODES.map((c) => [c, { value: 100, numerator: 100, denominator: null }])),
    re_referral_rate: { value: 25, numerator: 25, denominator: 100 },
    assessments_within_45wd_pct: { value: 80, numerator: 80, denominator: 100 },
    icpcs_within_15wd_pct: { value: 90, numerator: 90, denominator: 100 },
    cp_plans_open_neglect_pct: { value: 50, numerator: 50, denominator: 100 },
    cp_plans_open_repeat_pct: { value: 20, numerator: 20, denominator: 100 },
    referrals_rate_per_10k: { value: 10, numerator: 100, denominator: 100_000 },
    cin_open_rate_per_10k: { value: 10, numerator: 100, denominator: 100_000 },
    cp_plans_open_rate_per_10k: { value: 10, numerator: 100, denominator: 100_000 },
    cla_open_rate_per_10k: { value: 10, numerator: 100, denominator: 100_000 },
    ...over,
  }) as IndicatorValues;

  it('shows everything when nothing is small', () => {
    const v = values({});
    expect(suppressIndicators(v)).toEqual(v);
  });

  it('hides a small count wherever it appears, and every ratio worked out from it', () => {
    const out = suppressIndicators(values({
      re_referrals: { value: 3, numerator: 3, denominator: null },
      re_referral_rate: { value: 3, numerator: 3, denominator: 100 },
      cp_plans_open: { value: 4, numerator: 4, denominator: null },
      cp_plans_open_neglect_pct: { value: 50, numerator: 2, denominator: 4 },
      cp_plans_open_repeat_pct: { value: 0, numerator: 0, denominator: 4 },
      cp_plans_open_rate_per_10k: { value: 0.4, numerator: 4, denominator: 100_000 },
      missing_children: { value: 0, numerator: 0, denominator: null },
    }));
    expect(out.re_referrals).toEqual({ value: 'c', numerator: 'c', denominator: null });
    expect(out.re_referral_rate).toEqual({ value: 'c', numerator: 'c', denominator: 100 });
    expect(out.cp_plans_open).toEqual({ value: 'c', numerator: 'c', denominator: null });
    expect(out.cp_plans_open_neglect_pct).toEqual({ value: 'c', numerator: 'c', denominator: 'c' });
    expect(out.cp_plans_open_repeat_pct).toEqual({ value: 'c', numerator: 0, denominator: 'c' });
    expect(out.cp_plans_open_rate_per_10k).toEqual({ value: 'c', numerator: 'c', denominator: 100_000 });
    expect(out.missing_children).toEqual({ value: 0, numerator: 0, denominator: null });
    expect(out.referrals).toEqual({ value: 100, numerator: 100, denominator: null });
  });

  it('keeps a null value null and an unknown population unknown', () => {
    const out = suppressIndicators(values({
      icpcs_within_15wd_pct: { value: null, numerator: 0, denominator: 0 },
      cla_open: { value: 2, numerator: 2, denominator: null },
      cla_open_rate_per_10k: { value: null, numerator: 2, denominator: null },
    }));
    expect(out.cla_open).toEqual({ value: 'c', numerator: 'c', denominator: null });
    expect(out.icpcs_within_15wd_pct).toEqual({ value: null, numerator: 0, denominator: 0 });
    expect(out.cla_open_rate_per_10k).toEqual({ value: 'c', numerator: 'c', denominator: null });
  });
});
