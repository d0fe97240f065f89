import { describe, expect, it } from 'vitest';
import { INDICATOR_CODES, type IndicatorValues } from './indicator-codes';
import { combineIndicators } from './national';

/** Values of every code: counts as given, percentages and rates from their parts. */
function values(over: Partial<Record<string, [number, number | null]>>): IndicatorValues {
  return Object.fromEntries(INDICATOR_CODES.map((code) => {
    const [n, d] = over[code] ?? [0, code.endsWith('_pct') || code === 're_referral_rate' ? 0 : code.endsWith('_per_10k') ? 10_000 : null];
    return [code, { value: null, numerator: n, denominator: d }];
  })) as IndicatorValues;
}

describe('combineIndicators', () => {
  it('adds counts, and makes percentages and rates from the summed parts, not from averaging them', () => {
    const small = values({ referrals: [10, null], re_referrals: [5, null], re_referral_rate: [5, 10], referrals_rate_per_10k: [10, 2_000] });
    const large = values({ referrals: [1000, null], re_referrals: [100, null], re_referral_rate: [100, 1000], referrals_rate_per_10k: [1000, 198_000] });
    const all = combineIndicators([small, large]);
    expect(all.referrals).toEqual({ value: 1010, numerator: 1010, denominator: null });
    // 105 of 1010 is 10.4%; the average of 50% and 10% would be 30%.
    expect(all.re_referral_rate).toEqual({ value: 10.4, numerator: 105, denominator: 1010 });
    expect(all.referrals_rate_per_10k).toEqual({ value: 50.5, numerator: 1010, denominator: 200_000 });
    expect(all.assessments_within_45wd_pct).toEqual({ value: null, numerator: 0, denominator: 0 });
  });

  it('leaves a rate unknown while any partnership\'s population is, and keeps its numerator', () => {
    const known = values({ cla_open_rate_per_10k: [70, 10_000] });
    const unknown = values({ cla_open_rate_per_10k: [30, null] });
    expect(combineIndicators([known, unknown]).cla_open_rate_per_10k).toEqual({ value: null, numerator: 100, denominator: null });
    expect(combineIndicators([known]).cla_open_rate_per_10k).toEqual({ value: 70, numerator: 70, denominator: 10_000 });
  });

  it('gives zeros and unknown percentages for no partnership', () => {
    const none = combineIndicators([]);
    expect(none.contacts).toEqual({ value: 0, numerator: 0, denominator: null });
    expect(none.re_referral_rate).toEqual({ value: null, numerator: 0, denominator: 0 });
  });
});
