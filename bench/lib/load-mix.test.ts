import { describe, expect, it } from 'vitest';
import { JOURNEYS, JOURNEY_WEIGHTS, apportion, isError, mulberry32, pageTable, signInOrder, summarise, thinkTime, type Sample } from './load-mix';

describe('the load benchmark’s workload', () => {
  it('shares 100 people by the weights exactly, and any number by largest remainder', () => {
    expect(apportion(100)).toEqual({ 'front-door': 25, mash: 10, 'child-record': 35, dashboard: 10, training: 20 });
    // 10 × 25% = 2.5, 10 × 35% = 3.5: the two halves go to the journeys listed first.
    expect(apportion(10)).toEqual({ 'front-door': 3, mash: 1, 'child-record': 3, dashboard: 1, training: 2 });
    for (const n of [0, 1, 3, 7, 33, 101, 499]) expect(Object.values(apportion(n)).reduce((a, b) => a + b, 0)).toBe(n);
  });

  it('gives every journey someone once there are as many people as journeys', () => {
    expect(Object.values(apportion(5))).toEqual([1, 1, 1, 1, 1]);
    expect(apportion(2)).toEqual({ 'front-door': 1, mash: 0, 'child-record': 1, dashboard: 0, training: 0 });
    expect(apportion(6, { ...JOURNEY_WEIGHTS, dashboard: 0 }).dashboard).toBe(0);
    expect(() => apportion(-1)).toThrow();
    expect(() => apportion(3, { 'front-door': 0, mash: 0, 'child-record': 0, dashboard: 0, training: 0 })).toThrow();
  });

  it('interleaves the journeys in the sign-in order, keeping each journey’s count', () => {
    const counts = apportion(100);
    const order = signInOrder(counts);
    expect(order).toHaveLength(100);
    for (const j of JOURNEYS) expect(order.filter((x) => x === j)).toHaveLength(counts[j]);
    // Every journey has started within the first ten to sign in, and the first twenty are close to the weights.
    expect(new Set(order.slice(0, 10)).size).toBe(JOURNEYS.length);
    expect(order.slice(0, 20).filter((j) => j === 'child-record')).toHaveLength(7);
  });

  it('draws think times within their bounds, the same from the same seed', () => {
    const a = mulberry32(7);
    const times = Array.from({ length: 1000 }, () => thinkTime(a, 1000, 3000));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...times)).toBeLessThanOrEqual(3000);
    expect(times.reduce((s, t) => s + t, 0) / times.length).toBeGreaterThan(1900);
    expect(times.reduce((s, t) => s + t, 0) / times.length).toBeLessThan(2100);
    const b = mulberry32(7);
    expect(Array.from({ length: 5 }, () => thinkTime(b, 1000, 3000))).toEqual(times.slice(0, 5));
  });
});

describe('the load benchmark’s tables', () => {
  const s = (page: string, ms: number, status: number | 'error' = 200, expected = true): Sample => ({ page, ms, status, expected });

  it('counts as errors the answers a step did not expect, every 5xx and no answer, never an expected redirect or conflict', () => {
    expect(isError(s('x', 1, 303))).toBe(false);
    expect(isError(s('x', 1, 409))).toBe(false);
    expect(isError(s('x', 1, 404, false))).toBe(true);
    expect(isError(s('x', 1, 503, true))).toBe(true);
    expect(isError(s('x', 1, 'error', false))).toBe(true);
  });

  it('summarises by page type in the journeys’ order with nearest-rank percentiles, errors and rate', () => {
    const samples = [
      ...Array.from({ length: 100 }, (_, i) => s('Child record', i + 1)),
      s('Front door queue', 40), s('Front door queue', 60, 500),
      s('Something new', 5),
    ];
    const { pages, all } = summarise(samples, 50);
    expect(pages.map((p) => p.page)).toEqual(['Front door queue', 'Child record', 'Something new']);
    const child = pages[1]!;
    expect(child.latency).toMatchObject({ count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
    expect(child.perSecond).toBe(2);
    expect(pages[0]!.errors).toBe(1);
    expect(pages[0]!.statuses).toEqual({ 200: 1, 500: 1 });
    expect(all.latency.count).toBe(103);
    expect(all.errors).toBe(1);
  });

  it('prints a markdown table with a row per page type and the total last', () => {
    const text = pageTable(summarise([s('Child record', 12.34), s('Child record', 250)], 10));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^\| Page type +\| Requests \| Per s \| p50 ms \| p95 ms \| p99 ms \| max ms \| Errors \|$/);
    expect(lines[1]).toMatch(/^\|-+\|-+:\|/);
    expect(lines[2]).toMatch(/^\| Child record +\| +2 \| +0\.20 \| +12\.3 \| +250 \| +250 \| +250 \| +0 \|$/);
    expect(lines[3]).toContain('**All requests**');
  });
});
