import { describe, expect, it } from 'vitest';
import type { Db } from '../../db/create-db';
import type { IndicatorValues } from '../indicators/indicator-codes';
import { cachedFigures, describeRule, sparkline, type Figures, type FiguresSource } from './scorecard';

describe('scorecard parts', () => {
  const db = {} as Db;
  const fy = { from: '2025-04-01', to: '2026-03-31' };
  const before = { from: '2024-04-01', to: '2025-03-31' };
  const figures: Figures = { current: {} as IndicatorValues, previous: {} as IndicatorValues, trend: null };

  it('works figures out once for requests that arrive together or within the time limit, and again after it', async () => {
    let calls = 0;
    const source: FiguresSource = async () => { calls++; await new Promise((r) => setTimeout(r, 10)); return figures; };
    const cached = cachedFigures(50, 10, source);
    await Promise.all([cached(db, 1, fy, before, true), cached(db, 1, fy, before, true), cached(db, 1, fy, before, true)]);
    expect(calls).toBe(1);
    await cached(db, 2, fy, before, true);
    await cached(db, 1, fy, before, false);
    expect(calls).toBe(3);
    await new Promise((r) => setTimeout(r, 60));
    await cached(db, 1, fy, before, true);
    expect(calls).toBe(4);
  });

  it('does not keep a failed computation', async () => {
    let calls = 0;
    const source: FiguresSource = async () => { calls++; if (calls === 1) throw new Error('database away'); return figures; };
    const cached = cachedFigures(60_000, 10, source);
    await expect(cached(db, 1, fy, before, true)).rejects.toThrow('database away');
    await expect(cached(db, 1, fy, before, true)).resolves.toBe(figures);
  });

  it('describes a rule in words', () => {
    expect(describeRule({ method: 'target', target: 90, tolerance: 10, polarity: 'higher' }, 'percent')).toBe('90.0% or more (amber down to 80.0%)');
    expect(describeRule({ method: 'target', target: 40, tolerance: 0, polarity: 'lower' }, 'rate_per_10k')).toBe('40.0 or less');
    expect(describeRule({ method: 'direction', polarity: 'lower' }, 'count')).toBe('Improving (lower is better)');
    expect(describeRule({ method: 'none' }, 'count')).toBe('');
  });

  it('draws a sparkline as an image labelled with its first and last values, breaking the line where a month has none', () => {
    const svg = sparkline('Re-referral rate', [{ month: '2024-04', value: 20 }, { month: '2024-05', value: null }, { month: '2024-06', value: 22.5 }, { month: '2024-07', value: 25 }], 'percent');
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-label="Re-referral rate, 4 months: 20.0% in April 2024, 25.0% in July 2024"');
    expect(svg.match(/<circle/g)).toHaveLength(1);
    expect(svg.match(/<polyline/g)).toHaveLength(1);
    expect(sparkline('Contacts', [{ month: '2024-04', value: null }, { month: '2024-05', value: null }], 'count')).toContain('aria-label="Contacts: no values in the last 2 months"');
  });
});
