import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compare, formatChange, formatPctChange, markdownTable, pctChangeTenths } from './comparison';

describe('period comparisons', () => {
  it('gives the change with its sign', () => {
    expect(formatChange(154, 137)).toBe('+17');
    expect(formatChange(422, 441)).toBe('-19');
    expect(formatChange(26, 26)).toBe('0');
  });

  it('gives the % change to 1 decimal place with its sign, as the seed report prints it', () => {
    expect(formatPctChange(154, 137)).toBe('+12.4%');
    expect(formatPctChange(422, 441)).toBe('-4.3%');
    expect(formatPctChange(69, 75)).toBe('-8.0%');
    expect(formatPctChange(72, 109)).toBe('-33.9%');
    expect(formatPctChange(26, 26)).toBe('0.0%');
    expect(formatPctChange(2, 1)).toBe('+100.0%');
  });

  it('has no % change where previous is 0', () => {
    expect(formatPctChange(5, 0)).toBeNull();
    expect(formatPctChange(0, 0)).toBeNull();
    expect(compare({ measure: 'New service', current: 27, previous: 0 })).toEqual({ measure: 'New service', current: 27, previous: 0, change: '+27', pct_change: null });
  });

  it('rounds a half away from zero, both ways, where floating point would not', () => {
    expect(formatPctChange(401, 400)).toBe('+0.3%'); // 0.25%
    expect(formatPctChange(399, 400)).toBe('-0.3%');
    expect(formatPctChange(2003, 2000)).toBe('+0.2%'); // 0.15%: 3 / 2000 * 100 is 0.15000000000000002 in floating point
    expect(formatPctChange(1997, 2000)).toBe('-0.2%');
    expect(formatPctChange(2001, 2000)).toBe('+0.1%'); // 0.05%
    expect(formatPctChange(1999, 2000)).toBe('-0.1%');
    expect(formatPctChange(9, 8)).toBe('+12.5%');
    expect(formatPctChange(1, 3)).toBe('-66.7%');
    expect(formatPctChange(20001, 20000)).toBe('0.0%'); // 0.005% rounds to nothing, which has no sign
  });

  it('is never more than half a tenth from the exact % change, and agrees on the sign', () => {
    fc.assert(fc.property(fc.nat(1_000_000), fc.integer({ min: 1, max: 1_000_000 }), (current, previous) => {
      const tenths = pctChangeTenths(current, previous)!;
      const exact = ((current - previous) * 1000) / previous;
      expect(Math.abs(tenths - exact)).toBeLessThanOrEqual(0.5 + 1e-9);
      if (tenths !== 0) expect(Math.sign(tenths)).toBe(Math.sign(current - previous));
    }));
  });

  it('renders a table as the seed report prints it', () => {
    expect(markdownTable({ table: 'Missing Children (12 month rolling)', rows: [
      { measure: 'Number of Missing Children', current: 154, previous: 137 },
      { measure: 'A | B', current: 3, previous: 0 },
    ] })).toEqual([
      '| Missing Children (12 month rolling) | Current | Previous | Chg | % Chg |',
      '|---|---------|----------|-----|--------|',
      '| Number of Missing Children | 154 | 137 | +17 | +12.4% |',
      '| A \\| B | 3 | 0 | +3 | n/a |',
    ]);
  });
});
