import { latencyOf, type Latency } from './load';
import { round, table } from './util';

/**
 * The load benchmark's workload, and what is made of its measurements: no I/O here.
 *
 * Each simulated person does one journey, the one their role is for, over and over, with a think time
 * between steps: a closed loop of people at their desks, not a flood of requests.
 */

export const JOURNEYS = ['front-door', 'mash', 'child-record', 'dashboard', 'training'] as const;
export type Journey = (typeof JOURNEYS)[number];

/**
 * Shares of the people signed in during a partnership's working day, by what they are doing. The front
 * door (screening contacts, deciding) and social workers reading children's records are most of the
 * traffic; the partner agencies' MASH officers answer checks; managers, analysts and the Executive read
 * the dashboard now and then; practitioners from every agency book training.
 */
export const JOURNEY_WEIGHTS: Readonly<Record<Journey, number>> = {
  'front-door': 25,
  mash: 10,
  'child-record': 35,
  dashboard: 10,
  training: 20,
};

export const JOURNEY_LABELS: Readonly<Record<Journey, string>> = {
  'front-door': 'Front door: queue, a contact, record a contact, decide it',
  mash: 'MASH officer: checks queue, a check, answer it',
  'child-record': 'Child record: search, a child, one of their records, my work',
  dashboard: 'Dashboard: scorecard, indicators with charts',
  training: 'Training: catalogue, a course, a session, book, my bookings, cancel',
};

/**
 * How many of `users` people do each journey: the weights' shares by largest remainder (ties to the
 * journey listed first), every journey at least one person when there are enough people for that.
 */
export function apportion(users: number, weights: Readonly<Record<Journey, number>> = JOURNEY_WEIGHTS): Record<Journey, number> {
  if (!Number.isInteger(users) || users < 0) throw new Error('users must be a whole number, 0 or more');
  const total = JOURNEYS.reduce((s, j) => s + weights[j], 0);
  if (!(total > 0)) throw new Error('the weights must add up to more than 0');
  const exact = JOURNEYS.map((j) => (users * weights[j]) / total);
  const counts = exact.map(Math.floor);
  const order = JOURNEYS.map((_, i) => i).sort((a, b) => (exact[b]! - counts[b]!) - (exact[a]! - counts[a]!) || a - b);
  for (let k = 0, left = users - counts.reduce((s, n) => s + n, 0); k < left; k++) counts[order[k % order.length]!]!++;
  if (users >= JOURNEYS.length) {
    // A weighted journey with no one on it is not measured at all: take one person from the largest.
    for (let i = 0; i < counts.length; i++) {
      if (counts[i] === 0 && weights[JOURNEYS[i]!] > 0) {
        const largest = counts.indexOf(Math.max(...counts));
        counts[largest]!--;
        counts[i] = 1;
      }
    }
  }
  return Object.fromEntries(JOURNEYS.map((j, i) => [j, counts[i]!])) as Record<Journey, number>;
}

/**
 * The people in the order they sign in: the journeys interleaved (as people arrive at work), so that
 * every journey is running early in the ramp-up rather than one after another.
 */
export function signInOrder(counts: Readonly<Record<Journey, number>>): Journey[] {
  const left = { ...counts };
  const total = JOURNEYS.reduce((s, j) => s + counts[j], 0);
  const out: Journey[] = [];
  // Each next person is from the journey furthest behind its share so far.
  while (out.length < total) {
    let best: Journey | null = null;
    let bestLag = -Infinity;
    for (const j of JOURNEYS) {
      if (left[j] === 0) continue;
      const lag = (counts[j] * (out.length + 1)) / total - (counts[j] - left[j]);
      if (lag > bestLag) { best = j; bestLag = lag; }
    }
    out.push(best!);
    left[best!]--;
  }
  return out;
}

/** Each person's pauses and choices are the same from run to run. */
export { mulberry32 } from '../../src/domain/seeded-random';

/** A think time in milliseconds, uniform between `min` and `max`, from `random()` in [0, 1). */
export function thinkTime(random: () => number, minMs: number, maxMs: number): number {
  return Math.round(minMs + random() * (maxMs - minMs));
}

/** The page types in the order the tables list them: each journey's pages in the order it visits them. */
export const PAGE_ORDER = [
  'Front door queue', 'Contact', 'Contact form', 'Record a contact (POST)', 'Decide a contact (POST)',
  'MASH checks queue', 'MASH check', 'Answer a MASH check (POST)',
  'Find a child', 'Child record', 'A record of the child', 'My work',
  'Dashboard scorecard', 'Indicator with chart', 'Across agencies',
  'Training catalogue', 'Course', 'Training session', 'Book a place (POST)', 'My bookings', 'Cancel a booking (POST)',
  'Sign in: form', 'Sign in: password', 'Sign in: code', 'Sign in: home page',
] as const;

/** One request a person made: its page type, how long it took, its status and whether it was one the step expects. */
export type Sample = { page: string; ms: number; status: number | 'error'; expected: boolean };

export type PageRow = {
  page: string;
  latency: Latency;
  /** Requests answered with what the step did not expect, a 5xx, or not at all. */
  errors: number;
  /** Status codes seen, as counts. */
  statuses: Record<string, number>;
  perSecond: number;
};

/** An answer counts as an error when the step did not expect it, whatever it was, and always when it is a 5xx or none. */
export function isError(s: Sample): boolean {
  return s.status === 'error' || s.status >= 500 || !s.expected;
}

/** The samples by page type (in PAGE_ORDER, then any other in the order first seen), over a window of `windowS` seconds, and the same over all of them. */
export function summarise(samples: readonly Sample[], windowS: number): { pages: PageRow[]; all: PageRow } {
  const byPage = new Map<string, Sample[]>();
  for (const s of samples) {
    const list = byPage.get(s.page);
    if (list) list.push(s);
    else byPage.set(s.page, [s]);
  }
  const row = (page: string, list: readonly Sample[]): PageRow => {
    const statuses: Record<string, number> = {};
    for (const s of list) statuses[String(s.status)] = (statuses[String(s.status)] ?? 0) + 1;
    return {
      page, latency: latencyOf(list.map((s) => s.ms)), errors: list.filter(isError).length, statuses,
      perSecond: windowS > 0 ? round(list.length / windowS, 2) : Number.NaN,
    };
  };
  const rank = (page: string) => {
    const i = (PAGE_ORDER as readonly string[]).indexOf(page);
    return i < 0 ? PAGE_ORDER.length : i;
  };
  const pages = [...byPage].sort(([a], [b]) => rank(a) - rank(b)).map(([page, list]) => row(page, list));
  return { pages, all: row('All requests', samples) };
}

const ms = (n: number) => (Number.isNaN(n) ? '-' : n < 100 ? n.toFixed(1) : n.toFixed(0));

/** The per-page table as markdown (GitHub's pipe table): what docs/performance.md shows for each dialect. */
export function pageTable(summary: { pages: PageRow[]; all: PageRow }): string {
  return table(
    ['Page type', 'Requests', 'Per s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'Errors'],
    [...summary.pages, summary.all].map((r) => [r.page === 'All requests' ? `**${r.page}**` : r.page, String(r.latency.count), r.perSecond.toFixed(2),
      ms(r.latency.p50), ms(r.latency.p95), ms(r.latency.p99), ms(r.latency.max), String(r.errors)]),
  );
}
