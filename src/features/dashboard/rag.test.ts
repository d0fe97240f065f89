import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, defaultRule, parseRuleForm, rate, type RagRule } from './rag';

describe('RAG rating', () => {
  const higher: RagRule = { method: 'target', target: 90, tolerance: 10, polarity: 'higher' };
  const lower: RagRule = { method: 'target', target: 20, tolerance: 5, polarity: 'lower' };

  it('target, higher is better: green on or above target, amber within tolerance, red beyond', () => {
    expect(rate(higher, 95, null)).toBe('green');
    expect(rate(higher, 90, null)).toBe('green');
    expect(rate(higher, 89.9, null)).toBe('amber');
    expect(rate(higher, 80, null)).toBe('amber');
    expect(rate(higher, 79.9, null)).toBe('red');
  });

  it('target, lower is better: the same bands the other way', () => {
    expect(rate(lower, 12, null)).toBe('green');
    expect(rate(lower, 20, null)).toBe('green');
    expect(rate(lower, 20.1, null)).toBe('amber');
    expect(rate(lower, 25, null)).toBe('amber');
    expect(rate(lower, 25.1, null)).toBe('red');
  });

  it('a tolerance of 0: anything worse than target is red', () => {
    expect(rate({ method: 'target', target: 10, tolerance: 0, polarity: 'higher' }, 9.9, null)).toBe('red');
  });

  it('does not trip on floating point: 0.1 + 0.2 is on a target of 0.3', () => {
    expect(rate({ method: 'target', target: 0.3, tolerance: 0, polarity: 'lower' }, 0.1 + 0.2, null)).toBe('green');
  });

  it('direction of travel: green improving, amber unchanged, red worsening, against the previous period', () => {
    const up: RagRule = { method: 'direction', polarity: 'higher' };
    const down: RagRule = { method: 'direction', polarity: 'lower' };
    expect(rate(up, 12, 10)).toBe('green');
    expect(rate(up, 10, 10)).toBe('amber');
    expect(rate(up, 8, 10)).toBe('red');
    expect(rate(down, 8, 10)).toBe('green');
    expect(rate(down, 12, 10)).toBe('red');
    expect(rate(up, 12, null)).toBeNull();
  });

  it('no value, or no rule, gives no rating', () => {
    expect(rate(higher, null, 50)).toBeNull();
    expect(rate({ method: 'none' }, 50, 40)).toBeNull();
  });

  it('ships defaults for the standard measures and none for plain counts', () => {
    expect(Object.keys(DEFAULT_RULES).sort()).toEqual(['assessments_within_45wd_pct', 'cp_plans_open_repeat_pct', 'icpcs_within_15wd_pct', 're_referral_rate']);
    expect(defaultRule('referrals')).toEqual({ method: 'none' });
    expect(rate(defaultRule('re_referral_rate'), 22.6, null)).toBe('amber');
  });
});

describe('RAG rule form', () => {
  it('reads a target rule, a direction rule, no rating, and a neighbours’ figure', () => {
    expect(parseRuleForm({ method: 'target', target: '85%', tolerance: '5', polarity: 'higher', neighbour: '83.1' }))
      .toEqual({ rule: { method: 'target', target: 85, tolerance: 5, polarity: 'higher' }, neighbour: 83.1, errors: [] });
    expect(parseRuleForm({ method: 'direction', polarity: 'lower', neighbour: '' }))
      .toEqual({ rule: { method: 'direction', polarity: 'lower' }, neighbour: null, errors: [] });
    expect(parseRuleForm({ method: 'none' }).rule).toEqual({ method: 'none' });
  });

  it('names each problem by its field', () => {
    expect(parseRuleForm({}).errors).toEqual([{ field: 'method', message: 'Select how this indicator is rated' }]);
    expect(parseRuleForm({ method: 'target', target: 'lots', tolerance: '-1' }).errors).toEqual([
      { field: 'target', message: 'The target must be a number, like 85' },
      { field: 'tolerance', message: 'The tolerance must be 0 or more, like 5' },
      { field: 'polarity', message: 'Select whether higher or lower is better' },
    ]);
    expect(parseRuleForm({ method: 'direction', polarity: 'higher', neighbour: 'n/a' }).errors[0]!.field).toBe('neighbour');
  });
});
