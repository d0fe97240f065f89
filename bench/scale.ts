import os from 'node:os';
import { performance } from 'node:perf_hooks';
import cliProgress from 'cli-progress';
import { sql, type KyselyPlugin, type RawBuilder } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../src/db/migrate';
import { seedDemo } from '../src/db/seed/demo';
import { periodOf, previousOf } from '../src/features/dashboard/periods';
import { INDICATOR_CODES, type IndicatorValues } from '../src/features/indicators/indicator-codes';
import { computeIndicators, periodsAndTrend, trendAll } from '../src/features/indicators/indicators.service';
import { nationalIndicators } from '../src/features/indicators/national';
import { cannon, type CannonSummary } from './lib/home';
import { explainSearches, openDb, type PlanSummary } from './lib/children-data';
import { ENGLAND, TABLES, generatePartnership, loadPartnership, partnershipSpecs, rowCount, type PartnershipSpec } from './lib/scale-data';
import { signIn } from './lib/sign-in';
import { startServer, waitForHealth } from './lib/server';
import { freePort, median, percentile, round } from './lib/util';

/**
 * National scale on PostgreSQL: --partnerships partnerships (150) of England's spread of sizes with
 * --years years (5) of everything the indicators count, times --fraction of England's volumes (1), in a
 * database of its own (`beacon_scale` on BENCH_DATABASE_URL's server). The largest partnership is the
 * demo's (its people sign in), loaded first and measured alone; then the rest are loaded and it is
 * measured again among them (isolation: every query leads with partnership_id). Then every partnership's
 * scorecard computed cold and warm, the national figures through `nationalIndicators` (checked against
 * plain SQL counts), and EXPLAIN ANALYZE of the indicator queries and the child search at this size.
 */

type Pct = { n: number; p50: number; p95: number; max: number; totalS: number };
export type PageTiming = { phase: 'alone' | 'among the others'; page: string; user: string; measured: CannonSummary };
export type QueryPlan = { name: string; executionMs: number; planningMs: number; scans: string[]; plan: string };
export type ScaleResult = {
  partnerships: number;
  years: number;
  fraction: number;
  today: string;
  populations: { total: number; largest: number; median: number; smallest: number };
  reused: boolean;
  load: null | {
    /** Migrating and the demo's seed; the largest partnership's records; the rest's; then VACUUM ANALYZE: the whole build, pages aside. */
    demoS: number; largestS: number; othersS: number; vacuumAnalyzeS: number; totalS: number;
    /** Of those, making the rows in JavaScript and inserting them. */
    generateS: number; insertS: number; rowsPerS: number;
    loadAverage: { atStart: number[]; atEnd: number[] };
  };
  rows: Record<string, number>;
  databaseBytes: number;
  tables: { table: string; rows: number; bytes: number; indexBytes: number }[];
  pages: PageTiming[];
  searchPlans: { phase: PageTiming['phase']; plan: PlanSummary }[];
  scorecard: { cold: Pct; warm: Pct; largestColdMs: number; largestWarmMs: number; monthsKept: number };
  national: { period: { from: string; to: string }; s: number; perPartnership: Pct; indicators: IndicatorValues; checks: { what: string; engine: number; sql: number }[] };
  plans: QueryPlan[];
};

const SCALE_DB = 'beacon_scale';

function pct(ms: number[]): Pct {
  const s = [...ms].sort((a, b) => a - b);
  return { n: s.length, p50: round(percentile(s, 50)), p95: round(percentile(s, 95)), max: round(s[s.length - 1] ?? Number.NaN), totalS: round(s.reduce((a, b) => a + b, 0) / 1000) };
}

/** The financial year that ended last (1 April to 31 March). */
function lastFinancialYear(today: string) {
  const y = Number(today.slice(0, 4)) - (today.slice(5) < '04-01' ? 1 : 0);
  return { from: `${y - 1}-04-01`, to: `${y}-03-31` };
}

/** A database of the bench's own on the server, created afresh unless reused; with what it was built from in its comment. */
async function scaleDatabase(adminUrl: string, want: string, reuse: boolean) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ note: string | null }>(`select shobj_description(oid, 'pg_database') as note from pg_database where datname = $1`, [SCALE_DB]);
    const url = new URL(adminUrl);
    url.pathname = `/${SCALE_DB}`;
    if (reuse && rows[0]?.note === want) return { url: url.toString(), reused: true };
    if (reuse) console.log(`  ${SCALE_DB} ${rows.length ? 'was built with other options' : 'does not exist'}: building it`);
    await admin.query(`drop database if exists ${SCALE_DB} with (force)`);
    await admin.query(`create database ${SCALE_DB}`);
    return { url: url.toString(), reused: false };
  } finally {
    await admin.end();
  }
}

export async function dropScaleDatabase(adminUrl: string) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${SCALE_DB} with (force)`);
  } finally {
    await admin.end();
  }
}

/** The raw indicator queries (each begins with its buckets: `with b(i, f, t)`) run as EXPLAIN ANALYZE; the plans kept, the rows dropped. */
function explainIndicators(plans: QueryPlan[]): KyselyPlugin {
  const marked = new Map<string, string>();
  return {
    transformQuery: ({ node, queryId }) => {
      // `with ${bucketsCte(…)}`: the buckets are a fragment of their own, so the query's first text is the bare `with`.
      if (node.kind !== 'RawNode' || !/^\s*with\s*$/.test(node.sqlFragments[0] ?? '')) return node;
      // Named by the figures it produces, which its text (aliases, references) holds.
      const text = JSON.stringify(node);
      marked.set(queryId.queryId, RAW_NAMES.find((n) => text.includes(n)) ?? 'query');
      return { ...node, sqlFragments: [`explain (analyze, buffers) ${node.sqlFragments[0]}`, ...node.sqlFragments.slice(1)] };
    },
    transformResult: async ({ result, queryId }) => {
      const name = marked.get(queryId.queryId);
      if (name === undefined) return result;
      marked.delete(queryId.queryId);
      plans.push(summarisePlan(name, (result.rows as Record<string, string>[]).map((r) => r['QUERY PLAN']).join('\n')));
      return { ...result, rows: [] };
    },
  };
}

const RAW_NAMES = ['contacts', 'referrals_nfa', 'assessments_within_45wd', 'cse_children', 's47_enquiries', 'icpcs_within_15wd', 'cp_plans_started',
  'cla_started', 'missing_children', 'cin_open', 'cin_plans_open', 'cp_plans_open_repeat', 'cla_open'];

function summarisePlan(name: string, plan: string): QueryPlan {
  return {
    name,
    executionMs: Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? Number.NaN),
    planningMs: Number(/Planning Time: ([\d.]+) ms/.exec(plan)?.[1] ?? Number.NaN),
    scans: [...new Set([...plan.matchAll(/((?:Parallel )?(?:Seq|Index|Index Only|Bitmap Index) Scan)(?: using| on) (\w+)/g)].map((m) => `${m[1]} ${m[2]}`))],
    plan,
  };
}

export async function scaleBench(opts: {
  adminUrl: string; partnerships: number; years: number; fraction: number; reuse: boolean; keep: boolean;
  connections: number; durationS: number; log: (line: string) => void;
}): Promise<ScaleResult> {
  const { log } = opts;
  const today = new Date().toISOString().slice(0, 10);
  const specs = partnershipSpecs(opts.partnerships, opts.fraction);
  const pops = specs.map((s) => s.population).sort((a, b) => a - b);
  const want = JSON.stringify({ partnerships: opts.partnerships, years: opts.years, fraction: opts.fraction, today });
  const { url, reused } = await scaleDatabase(opts.adminUrl, want, opts.reuse);
  const result: ScaleResult = {
    partnerships: opts.partnerships, years: opts.years, fraction: opts.fraction, today,
    populations: { total: pops.reduce((a, b) => a + b, 0), largest: pops[pops.length - 1]!, median: median(pops), smallest: pops[0]! },
    reused, load: null, rows: {}, databaseBytes: 0, tables: [], pages: [], searchPlans: [],
    scorecard: null as never, national: null as never, plans: [],
  };
  const handle = await openDb({ DATABASE_URL: url });
  const db = handle.db;
  const loader = new pg.Client({ connectionString: url });
  await loader.connect();
  try {
    const demoId = async () => (await db.selectFrom('partnership').select('id').where('la_code', '=', '990').executeTakeFirstOrThrow()).id;
    const secondId = async () => (await db.selectFrom('partnership').select('id').where('la_code', '=', '991').executeTakeFirstOrThrow()).id;
    // The largest partnership is the demo's, the second the demo's other; the rest are added.
    const target = async (spec: PartnershipSpec) => (spec.index === 0 ? demoId() : spec.index === 1 ? secondId() : undefined);
    const loadAverageAtStart = os.loadavg().map((n) => round(n, 2));
    const timings = { generateMs: 0, insertMs: 0 };
    const loadOne = async (spec: PartnershipSpec, progress?: (n: number) => void) => {
      let t = performance.now();
      const rows = generatePartnership(spec, { today, years: opts.years });
      timings.generateMs += performance.now() - t;
      t = performance.now();
      await loadPartnership(loader, spec, rows, { years: opts.years, today, partnershipId: await target(spec), progress });
      timings.insertMs += performance.now() - t;
      return TABLES.reduce((s, table) => s + rowCount(rows, table), 0);
    };
    const vacuum = async () => {
      const t = performance.now();
      await sql`vacuum (analyze)`.execute(db);
      return (performance.now() - t) / 1000;
    };

    let vacuumS = 0;
    let demoS = 0;
    let largestS = 0;
    if (!reused) {
      log(`  migrating and seeding the demo (its people sign in to the largest partnership)…`);
      let t0 = performance.now();
      await migrateToLatest(db);
      await seedDemo(db, { today });
      demoS = (performance.now() - t0) / 1000;
      log(`  the largest partnership (${specs[0]!.population.toLocaleString('en-GB')} children aged 0-17)…`);
      t0 = performance.now();
      await loadOne(specs[0]!);
      largestS = (performance.now() - t0) / 1000;
      vacuumS += await vacuum();
    }
    // Pages and the child search with the largest partnership alone, then among the others.
    const server = async <T>(fn: (base: string) => Promise<T>) => {
      const port = await freePort();
      const s = startServer({ command: 'node', port, db: { DATABASE_URL: url }, logLevel: 'warn' });
      try {
        await waitForHealth(s, { timeoutMs: 120_000 });
        return await fn(`http://127.0.0.1:${port}`);
      } finally {
        await s.stop();
      }
    };
    const sample = async () => {
      const p = await demoId();
      const child = await sql<{ id: string; la_child_id: string; last_name: string }>`select c.id, c.la_child_id, c.last_name from child c
        where c.partnership_id = ${p} and c.la_child_id like '700S%' and exists (select 1 from cp_plan k join referral r on r.id = k.referral_id
          where r.child_id = c.id and k.partnership_id = ${p}) order by c.la_child_id limit 1`.execute(db);
      return child.rows[0]!;
    };
    const pageRound = async (phase: PageTiming['phase']) => {
      const child = await sample();
      const explained = await explainSearches(db, await demoId(), [{ kind: 'name', q: child.last_name }, { kind: 'name', q: 'Smyth' }], 'analyzed', 3);
      for (const plan of explained) result.searchPlans.push({ phase, plan });
      await server(async (base) => {
        const worker = 'social.worker@northmere.gov.uk';
        const manager = 'business.manager@northmere.gov.uk';
        const cookies: Record<string, string> = { [worker]: await signIn(base, worker), [manager]: await signIn(base, manager) };
        const pages: [string, string, string][] = [
          ['home', '/', worker],
          ['scorecard', '/dashboard', manager],
          [`find a child by name ("${child.last_name}")`, `/children?q=${encodeURIComponent(child.last_name)}`, worker],
          ['find a child by a misspelt name ("Smyth")', '/children?q=Smyth', worker],
          ['find a child by LA child id', `/children?q=${child.la_child_id}`, worker],
          ['a child\'s record', `/children/${child.id}`, worker],
        ];
        for (const [page, path, user] of pages) {
          const probe = await fetch(`${base}${path}`, { headers: { cookie: cookies[user]! } });
          if (probe.status !== 200) throw new Error(`GET ${path} as ${user} answered ${probe.status}`);
          await cannon(`${base}${path}`, cookies[user]!, opts.connections, 2);
          const measured = await cannon(`${base}${path}`, cookies[user]!, opts.connections, opts.durationS);
          result.pages.push({ phase, page: `${page}: GET ${path.replace(/[0-9a-f-]{36}/, ':id').replace(/q=\d+/, 'q=<id>')}`, user, measured });
          log(`    ${phase}, ${page}: p50 ${measured.latencyMs.p50} ms, p95 ${measured.latencyMs.p95} ms, ${measured.rpsOverall} req/s`);
        }
      });
    };
    if (!reused) {
      log('  pages with the largest partnership alone…');
      await pageRound('alone');
      log(`  the other ${specs.length - 1} partnerships…`);
      const rest = specs.slice(1);
      const bar = new cliProgress.SingleBar({ format: '  {bar} {value}/{total} partnerships | {rows} rows | {rate} rows/s | {eta_formatted}', etaBuffer: 20 },
        cliProgress.Presets.shades_classic);
      let written = 0;
      const loadStarted = performance.now();
      bar.start(rest.length, 0, { rows: 0, rate: 0 });
      for (const spec of rest) {
        await loadOne(spec, (n) => {
          written += n;
          bar.update({ rows: written.toLocaleString('en-GB'), rate: Math.round(written / ((performance.now() - loadStarted) / 1000)).toLocaleString('en-GB') });
        });
        bar.increment();
      }
      bar.stop();
      const othersS = (performance.now() - loadStarted) / 1000;
      vacuumS += await vacuum();
      const allRows = Object.values(await countRows()).reduce((a, b) => a + b, 0);
      result.load = {
        demoS: round(demoS), largestS: round(largestS), othersS: round(othersS), vacuumAnalyzeS: round(vacuumS), totalS: round(demoS + largestS + othersS + vacuumS),
        generateS: round(timings.generateMs / 1000), insertS: round(timings.insertMs / 1000), rowsPerS: Math.round(allRows / (timings.insertMs / 1000)),
        loadAverage: { atStart: loadAverageAtStart, atEnd: os.loadavg().map((n) => round(n, 2)) },
      };
      log(`  built in ${result.load.totalS} s: demo ${result.load.demoS} s, largest ${result.load.largestS} s, the rest ${result.load.othersS} s (generating ${result.load.generateS} s, inserting ${result.load.insertS} s, VACUUM ANALYZE ${result.load.vacuumAnalyzeS} s)`);
      // Built: a later run with --reuse may start from here.
      await loader.query(`comment on database ${SCALE_DB} is ${pg.escapeLiteral(want)}`);
    }
    async function countRows() {
      const out: Record<string, number> = {};
      for (const table of ['partnership', ...TABLES]) {
        out[table] = Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n);
      }
      return out;
    }
    result.rows = await countRows();
    result.databaseBytes = Number((await sql<{ n: string }>`select pg_database_size(current_database()) as n`.execute(db)).rows[0]!.n);
    result.tables = (await sql<{ table: string; rows: string; bytes: string; index_bytes: string }>`
      select c.relname as table, c.reltuples::bigint as rows, pg_total_relation_size(c.oid) as bytes, pg_indexes_size(c.oid) as index_bytes
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r' order by pg_total_relation_size(c.oid) desc limit 16`.execute(db)).rows
      .map((r) => ({ table: r.table, rows: Number(r.rows), bytes: Number(r.bytes), indexBytes: Number(r.index_bytes) }));
    log(`  database ${(result.databaseBytes / 2 ** 30).toFixed(2)} GB; ${Object.entries(result.rows).map(([k, v]) => `${k} ${v.toLocaleString('en-GB')}`).join(', ')}`);

    log('  pages with the largest partnership among the others…');
    await pageRound('among the others');

    // Every partnership's scorecard (rolling 12 months, the 12 before, 24 months' trend) with no month kept, then again.
    const partnerships = await db.selectFrom('partnership').select(['id', 'la_code']).orderBy('id').execute();
    const largest = await demoId();
    const periods = [periodOf({ kind: 'rolling', to: today }), periodOf(previousOf({ kind: 'rolling', to: today }))];
    const scorecard = async (id: number) => {
      const t = performance.now();
      await periodsAndTrend(db, { partnershipId: id, periods, months: 24, to: today });
      return performance.now() - t;
    };
    await sql`delete from indicator_month`.execute(db);
    const cold: number[] = [];
    const warm: number[] = [];
    let largestColdMs = 0;
    let largestWarmMs = 0;
    log(`  every partnership's scorecard, cold then warm…`);
    for (const p of partnerships) {
      const ms = await scorecard(p.id);
      cold.push(ms);
      if (p.id === largest) largestColdMs = round(ms);
    }
    for (const p of partnerships) {
      const ms = await scorecard(p.id);
      warm.push(ms);
      if (p.id === largest) largestWarmMs = round(ms);
    }
    const monthsKept = Number((await sql<{ n: string }>`select count(*) as n from indicator_month`.execute(db)).rows[0]!.n);
    result.scorecard = { cold: pct(cold), warm: pct(warm), largestColdMs, largestWarmMs, monthsKept };
    log(`    cold p50 ${result.scorecard.cold.p50} ms, p95 ${result.scorecard.cold.p95} ms, max ${result.scorecard.cold.max} ms, ${result.scorecard.cold.totalS} s in all; warm p50 ${result.scorecard.warm.p50} ms, ${result.scorecard.warm.totalS} s in all`);

    // England's figures for the last financial year, through the operator's command's own code.
    const fy = lastFinancialYear(today);
    const each: number[] = [];
    const t = performance.now();
    const national = await nationalIndicators(db, fy, { onPartnership: (p) => each.push(p.ms) });
    const nationalS = round((performance.now() - t) / 1000);
    const count = async (query: RawBuilder<{ n: string }>) => Number((await query.execute(db)).rows[0]!.n);
    const checks = [
      { what: 'contacts', engine: national.indicators.contacts.value!, sql: await count(sql`select count(*) as n from contact where contact_date between ${fy.from} and ${fy.to}`) },
      { what: 'referrals', engine: national.indicators.referrals.value!, sql: await count(sql`select count(*) as n from referral where referral_date between ${fy.from} and ${fy.to}`) },
      { what: 's47_enquiries', engine: national.indicators.s47_enquiries.value!, sql: await count(sql`select count(*) as n from s47_enquiry where start_date between ${fy.from} and ${fy.to}`) },
      { what: 'cp_plans_started', engine: national.indicators.cp_plans_started.value!, sql: await count(sql`select count(*) as n from cp_plan where start_date between ${fy.from} and ${fy.to}`) },
      { what: 'cla_open', engine: national.indicators.cla_open.value!, sql: await count(sql`select count(distinct child_id) as n from cla_episode
          where start_date <= ${fy.to} and (end_date is null or end_date > ${fy.to}) and coalesce(legal_status, '') not in ('V3', 'V4')`) },
      { what: 'missing_episodes', engine: national.indicators.missing_episodes.value!, sql: await count(sql`select count(*) as n from missing_episode
          where missing_type = 'M' and start_date between ${fy.from} and ${fy.to}`) },
    ];
    result.national = { period: fy, s: nationalS, perPartnership: pct(each), indicators: national.indicators, checks };
    log(`  national figures for ${fy.from} to ${fy.to}: ${nationalS} s; ${checks.map((c) => `${c.what} ${c.engine === c.sql ? 'agrees' : `DIFFERS (${c.engine} against ${c.sql})`}`).join(', ')}`);

    // The indicator queries at this size, for the largest partnership, straight from the records.
    const plans: QueryPlan[] = [];
    const explaining = db.withPlugin(explainIndicators(plans));
    await computeIndicators(explaining, { partnershipId: largest, ...fy }, { fromMonths: false });
    await trendAll(explaining, { partnershipId: largest, months: 24, to: today }, { fromMonths: false });
    result.plans = plans;
    log(`  ${plans.length} indicator queries explained`);
    return result;
  } finally {
    await loader.end();
    await handle.close();
    if (!opts.keep) await dropScaleDatabase(opts.adminUrl);
  }
}

/** National totals of a year at this fraction, against England's published ones scaled alike. */
export function comparedWithEngland(r: ScaleResult): { code: string; generated: number | null; published: number; ratio: number | null }[] {
  const scale = (r.partnerships / ENGLAND.localAuthorities) * r.fraction;
  return Object.entries(ENGLAND.published).filter(([code]) => (INDICATOR_CODES as readonly string[]).includes(code)).map(([code, published]) => {
    const v = r.national.indicators[code as keyof IndicatorValues].value;
    const pctCode = code.endsWith('_pct') || code === 're_referral_rate';
    const expected = pctCode ? published : Math.round(published * scale);
    return { code, generated: v, published: expected, ratio: v === null ? null : round(v / expected, 2) };
  });
}
