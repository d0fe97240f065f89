import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Db } from '../../src/db/create-db';
import { migrateToLatest } from '../../src/db/migrate';
import { DEMO_LA_CODE, seedDemo } from '../../src/db/seed/demo';
import { computeIndicators, periodsAndTrend, trendAll } from '../../src/features/indicators/indicators.service';
import { periodOf, previousOf } from '../../src/features/dashboard/periods';
import { cannon, type CannonSummary } from './home';
import { LARGE_LA, scaled, seedLargeLa } from './indicators-data';
import { openDb } from './children-data';
import { signIn } from './sign-in';
import { startServer, waitForHealth, type DbEnv } from './server';
import { freePort, median, round } from './util';

/**
 * All indicators for a financial year plus every indicator's 24-month trend, as the scorecard asks for
 * them: for the demo partnership, for a large local authority with ten years of history (about
 * 1,000,000 contacts, 200,000 referrals, 60,000 plans, 40,000 looked-after episodes), and on PostgreSQL
 * for 20 partnerships of that size in one database. Then the scorecard page under load, warm.
 */

export type Timing = { coldMs: number; warmMedianMs: number; warmRuns: number };
export type IndicatorsCase = {
  dialect: 'pglite' | 'postgres';
  case: string;
  rows: Record<string, number>;
  seedS: number;
  /** The financial year, its 24-month trend, and both together: cold is the first run, with no month kept. */
  year: Timing;
  trend24: Timing;
  both: Timing;
  /** Both counted straight from the records, as with no kept months at all. */
  bothFromRecords: Timing;
  /** The scorecard's default: rolling 12 months to today, the 12 before, and the 24 months, in one pass. */
  rolling: Timing;
  /** The same after a change to a record dated about six months back (warm: median of the runs, each after its own change). */
  rollingAfterChange: Timing;
  /** The slowest single query family, from timing each alone. */
  byPart?: Record<string, number>;
};
export type ScorecardLoad = { dialect: 'pglite' | 'postgres'; url: string; measured: CannonSummary } | { dialect: 'pglite' | 'postgres'; skipped: string };
export type IndicatorsResult = { cases: IndicatorsCase[]; scorecard: ScorecardLoad[] };

const ms = (t: number) => round(performance.now() - t, 1);

async function timed(fn: () => Promise<unknown>, runs: number): Promise<Timing> {
  let t = performance.now();
  await fn();
  const coldMs = ms(t);
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    await fn();
    warm.push(ms(t));
  }
  return { coldMs, warmMedianMs: median(warm), warmRuns: runs };
}

function yearEnding(today: string) {
  const y = Number(today.slice(0, 4)) - (today.slice(5) < '04-01' ? 1 : 0);
  return { from: `${y - 1}-04-01`, to: `${y}-03-31` };
}

async function measure(db: Db, partnershipId: number, today: string, runs: number) {
  const fy = yearEnding(today);
  const year = await timed(() => computeIndicators(db, { partnershipId, ...fy }), runs);
  const trend24 = await timed(() => trendAll(db, { partnershipId, months: 24, to: fy.to }), runs);
  const both = await timed(() => Promise.all([computeIndicators(db, { partnershipId, ...fy }), trendAll(db, { partnershipId, months: 24, to: fy.to })]), runs);
  const bothFromRecords = await timed(() => Promise.all([computeIndicators(db, { partnershipId, ...fy }, { fromMonths: false }),
    trendAll(db, { partnershipId, months: 24, to: fy.to }, { fromMonths: false })]), Math.min(runs, 2));
  const periods = [periodOf({ kind: 'rolling', to: today }), periodOf(previousOf({ kind: 'rolling', to: today }))];
  const scorecard = () => periodsAndTrend(db, { partnershipId, periods, months: 24, to: today });
  const rolling = await timed(scorecard, runs);
  // A closure recorded late: the referral closed about six months ago gets a later closure date.
  const sixMonthsAgo = new Date(`${today}T00:00:00Z`);
  sixMonthsAgo.setUTCMonth(sixMonthsAgo.getUTCMonth() - 6);
  const since = sixMonthsAgo.toISOString().slice(0, 10);
  const rollingAfterChange = await timed(async () => {
    await sql`update referral set closure_date = closure_date + 1 where id = (select id from referral
      where partnership_id = ${partnershipId} and closure_date >= ${since}::date order by closure_date limit 1)`.execute(db);
    await scorecard();
  }, runs);
  return { year, trend24, both, bothFromRecords, rolling, rollingAfterChange };
}

export async function indicatorsBench(opts: {
  dialect: 'pglite' | 'postgres';
  freshDb: () => Promise<DbEnv>;
  scale: number;
  partnerships: number;
  runs: number;
  connections: number;
  durationS: number;
  log: (line: string) => void;
}): Promise<{ cases: IndicatorsCase[]; scorecard: ScorecardLoad }> {
  const today = new Date().toISOString().slice(0, 10);
  const first = `${Number(today.slice(0, 4)) - 10}${today.slice(4)}`;
  const cases: IndicatorsCase[] = [];
  const env = await opts.freshDb();
  const handle = await openDb(env);
  let demoId: number;
  try {
    await migrateToLatest(handle.db);
    demoId = (await seedDemo(handle.db, { today })).partnershipId;
    const demo = await measure(handle.db, demoId, today, opts.runs);
    cases.push({ dialect: opts.dialect, case: 'demo partnership (400 children)', rows: {}, seedS: 0, ...demo });
    opts.log(`  ${opts.dialect} demo: year ${demo.year.warmMedianMs} ms, 24-month trend ${demo.trend24.warmMedianMs} ms (warm median)`);

    const size = scaled(LARGE_LA, opts.scale);
    opts.log(`  ${opts.dialect}: adding a large LA's ten years to the demo partnership (${size.contacts.toLocaleString('en-GB')} contacts, ${size.referrals.toLocaleString('en-GB')} referrals)…`);
    let t = performance.now();
    const rows = await seedLargeLa(handle.db, demoId, DEMO_LA_CODE, size, { first, days: 3650 });
    const seedS = round((performance.now() - t) / 1000, 1);
    const large = await measure(handle.db, demoId, today, opts.runs);
    cases.push({ dialect: opts.dialect, case: `large LA (scale ${opts.scale})`, rows, seedS, ...large });
    opts.log(`  ${opts.dialect} large: year ${large.year.coldMs}/${large.year.warmMedianMs} ms, trend ${large.trend24.coldMs}/${large.trend24.warmMedianMs} ms, both ${large.both.warmMedianMs} ms (cold/warm), scorecard ${large.rolling.coldMs}/${large.rolling.warmMedianMs} ms, after a change ${large.rollingAfterChange.warmMedianMs} ms`);

    if (opts.partnerships > 1) {
      opts.log(`  ${opts.dialect}: ${opts.partnerships - 1} more partnerships of that size…`);
      t = performance.now();
      const others: number[] = [];
      for (let i = 1; i < opts.partnerships; i++) {
        const la = String(800 + i);
        const p = await handle.db.insertInto('partnership').values({ la_code: la, name: `Bench ${la}` }).returning('id').executeTakeFirstOrThrow();
        await seedLargeLa(handle.db, p.id, la, size, { first, days: 3650 });
        others.push(p.id);
      }
      // Cold again: the months kept while measuring the one LA are dropped.
      await sql`delete from indicator_month`.execute(handle.db);
      const many = await measure(handle.db, demoId, today, opts.runs);
      const count = Number((await sql<{ n: string }>`select count(*) as n from contact`.execute(handle.db)).rows[0]!.n);
      cases.push({ dialect: opts.dialect, case: `${opts.partnerships} partnerships of that size (one measured)`, rows: { contact: count }, seedS: round((performance.now() - t) / 1000, 1), ...many });
      opts.log(`  ${opts.dialect} ${opts.partnerships} partnerships: both ${many.both.coldMs}/${many.both.warmMedianMs} ms, scorecard ${many.rolling.warmMedianMs} ms, after a change ${many.rollingAfterChange.warmMedianMs} ms`);
    }
  } finally {
    await handle.close();
  }

  // The scorecard page on that database, warm, through the server as a person's browser reaches it.
  const port = await freePort();
  const server = startServer({ command: 'node', port, db: env, logLevel: 'warn' });
  try {
    await waitForHealth(server, { timeoutMs: 120_000 });
    const base = `http://127.0.0.1:${port}`;
    const cookie = await signIn(base, 'business.manager@northmere.gov.uk');
    const probe = await fetch(`${base}/dashboard`, { headers: { cookie } });
    if (probe.status !== 200) return { cases, scorecard: { dialect: opts.dialect, skipped: `GET /dashboard answered ${probe.status}` } };
    await cannon(`${base}/dashboard`, cookie, opts.connections, 3);
    const measured = await cannon(`${base}/dashboard`, cookie, opts.connections, opts.durationS);
    opts.log(`  ${opts.dialect} scorecard: ${measured.rpsOverall} req/s, p95 ${measured.latencyMs.p95} ms`);
    return { cases, scorecard: { dialect: opts.dialect, url: 'GET /dashboard', measured } };
  } finally {
    await server.stop();
  }
}
