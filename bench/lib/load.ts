import { performance } from 'node:perf_hooks';
import { percentile, round } from './util';

export type Latency = { count: number; mean: number; p50: number; p95: number; p99: number; max: number };

/** Milliseconds → count, mean, nearest-rank p50/p95/p99 and max, to 0.1 ms. */
export function latencyOf(ms: number[]): Latency {
  const sorted = [...ms].sort((a, b) => a - b);
  const mean = sorted.length ? sorted.reduce((s, v) => s + v, 0) / sorted.length : Number.NaN;
  return {
    count: sorted.length,
    mean: round(mean),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
  };
}

export type Fetched = { status: number | 'error'; ms: number; body: string; error?: string };

/** One GET with the session cookie; a network error or a timeout is a result (`status: 'error'`), not a throw. */
export async function get(url: string, cookie: string, timeoutMs = 30_000): Promise<Fetched> {
  const started = performance.now();
  try {
    const res = await fetch(url, { headers: { cookie }, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const body = await res.text();
    return { status: res.status, ms: performance.now() - started, body };
  } catch (err) {
    return { status: 'error', ms: performance.now() - started, body: '', error: (err as Error).message };
  }
}

export type RunOutcome = { completed: number; wallMs: number; stoppedByTime: boolean };

/**
 * Runs `fn` over `items` with `concurrency` workers, each taking the next item when its previous one is
 * done (a closed loop, as people at their desks are). Bounded by the items and by `timeLimitMs`: once
 * that has passed no item is started, and the outcome says so.
 */
export async function runBounded<T>(items: readonly T[], concurrency: number, timeLimitMs: number, fn: (item: T, index: number) => Promise<void>): Promise<RunOutcome> {
  const started = performance.now();
  const stopAt = started + timeLimitMs;
  let next = 0;
  let completed = 0;
  let stoppedByTime = false;
  const worker = async () => {
    while (next < items.length) {
      if (performance.now() >= stopAt) { stoppedByTime = true; return; }
      const index = next++;
      await fn(items[index]!, index);
      completed++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return { completed, wallMs: performance.now() - started, stoppedByTime };
}
