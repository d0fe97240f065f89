import { describe, expect, it } from 'vitest';
import type { Db } from '../../db/create-db';
import type { IndicatorValues } from '../indicators/indicator-codes';
import { cachedFigures, describeRule, sparkline, type Figures, type FiguresSource } from './scorecard';

describe('scorecard parts', () => {
  const db = {} as Db;
  const fy = { from: '2025-04-01', to: '2026-03-31' };
  const before = { from: '2024-04-01', to: '2025-03-31' };
  const figures: Figures = { current: {} as IndicatorValues, previous: {} as IndicatorValues, trend: null };

  /** A source whose computations the test finishes by hand, and a clock it moves. */
  function harness(opts: { ttlMs?: number; staleMs?: number } = {}) {
    let clock = 0;
    const pending: { resolve(f: Figures): void; reject(e: Error): void }[] = [];
    const source: FiguresSource = () => new Promise<Figures>((resolve, reject) => { pending.push({ resolve, reject }); });
    const cached = cachedFigures({ ttlMs: opts.ttlMs ?? 60_000, staleMs: opts.staleMs, maxEntries: 10, source, now: () => clock });
    const settle = () => new Promise((r) => setTimeout(r, 0));
    return { cached, pending, settle, advance: (ms: number) => { clock += ms; } };
  }
  const made = (n: number): Figures => ({ current: { n } as unknown as IndicatorValues, previous: {} as IndicatorValues, trend: null });

  it('works figures out once for requests that arrive together or within the time limit, one for each period and kind', async () => {
    const { cached, pending, advance } = harness();
    const together = [cached(db, 1, fy, before, true), cached(db, 1, fy, before, true), cached(db, 1, fy, before, true)];
    expect(pending).toHaveLength(1);
    pending[0]!.resolve(made(1));
    expect(new Set(await Promise.all(together)).size).toBe(1);
    advance(59_999);
    await expect(cached(db, 1, fy, before, true)).resolves.toEqual(made(1));
    void cached(db, 2, fy, before, true);
    void cached(db, 1, fy, before, false);
    expect(pending).toHaveLength(3);
  });

  it('after the time limit serves the old figures at once and works them out again once, in the background', async () => {
    const { cached, pending, settle, advance } = harness();
    const first = cached(db, 1, fy, before, true);
    pending[0]!.resolve(made(1));
    await first;
    advance(60_000);
    // Neither request waits for the recomputation, which is started once.
    await expect(cached(db, 1, fy, before, true)).resolves.toEqual(made(1));
    await expect(cached(db, 1, fy, before, true)).resolves.toEqual(made(1));
    expect(pending).toHaveLength(2);
    pending[1]!.resolve(made(2));
    await settle();
    await expect(cached(db, 1, fy, before, true)).resolves.toEqual(made(2));
    // Fresh again for a full minute from when the recomputation started.
    advance(59_999);
    await cached(db, 1, fy, before, true);
    expect(pending).toHaveLength(2);
  });

  it('keeps the old figures when a recomputation fails, and tries again on the next request', async () => {
    const { cached, pending, settle, advance } = harness();
    const first = cached(db, 1, fy, before, true);
    pending[0]!.resolve(made(1));
    await first;
    advance(60_000);
    await expect(cached(db, 1, fy, before, true)).resolves.toEqual(made(1));
    pending[1]!.reject(new Error('database away'));
    await settle();
    await expect(cached(db, 1, fy, before, true)).resolves.toEqual(made(1));
    expect(pending).toHaveLength(3);
    pending[2]!.resolve(made(3));
    await settle();
    await expect(cached(db, 1, fy, before, true)).resolves.toEqual(made(3));
  });

  it('shares a computation that takes longer than the time limit instead of starting another', async () => {
    const { cached, pending, advance } = harness();
    const first = cached(db, 1, fy, before, true);
    advance(61_000);
    const second = cached(db, 1, fy, before, true);
    expect(pending).toHaveLength(1);
    pending[0]!.resolve(made(1));
    expect(await second).toBe(await first);
  });

  it('makes a request wait for figures older than the time limit and the stale allowance together', async () => {
    const { cached, pending, advance } = harness({ ttlMs: 60_000, staleMs: 30_000 });
    const first = cached(db, 1, fy, before, true);
    pending[0]!.resolve(made(1));
    await first;
    advance(90_000);
    const late = cached(db, 1, fy, before, true);
    expect(pending).toHaveLength(2);
    pending[1]!.resolve(made(2));
    await expect(late).resolves.toEqual(made(2));
  });

  it('does not keep a failed computation', async () => {
    const { cached, pending } = harness();
    const first = cached(db, 1, fy, before, true);
    pending[0]!.reject(new Error('database away'));
    await expect(first).rejects.toThrow('database away');
    const second = cached(db, 1, fy, before, true);
    expect(pending).toHaveLength(2);
    pending[1]!.resolve(figures);
    await expect(second).resolves.toBe(figures);
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
