/**
 * Beacon's benchmarks (`npm run bench`):
 *  - startup: from spawning the server (as `npm start` runs it) to the first 200 from GET /health, on an
 *    empty database (migrations + demo seed) and again on the seeded one; median of N repetitions.
 *  - home: requests per second and latency of the signed-in home page (GET /) under autocannon.
 *  - children: seeding a partnership of --search-children children (200,000) with their journeys (timed),
 *    then finding a child (GET /children?q=…, a mix of name, misspelt name, date of birth, NHS number and
 *    LA child id queries taken from the data) and a child's record page with a 500-event chronology
 *    (GET /children/<id>), each at --clients concurrent clients; EXPLAIN ANALYZE of the search's SQL.
 *  - returns: a synthetic CIN census of --cin-children children (100,000) imported, each import in a child
 *    process (check and load passes, children/s, MB/s, findings, peak RSS and heap), then imported again
 *    (all unchanged); one of at least --big-return-mb MB (200) for its peak memory, on --big-dialect;
 *    reading the census alone against reading and validating it; a matching SSDA903 set of
 *    --s903-children looked-after children; the public Python CIN validator where CIN_VALIDATOR_DIR
 *    names a checkout of it, on a census of --python-children children.
 *  - indicators: every indicator for the last financial year and every indicator's 24-month trend, for the
 *    demo partnership, for a large LA with ten years of history (1,000,000 contacts, 200,000 referrals,
 *    60,000 CP plans, 40,000 looked-after episodes, times --indicator-scale) and, on PostgreSQL, with
 *    --indicator-partnerships (20) such LAs in the database; then the scorecard page (GET /dashboard) warm.
 *  - api: contacts accepted per second through POST /api/v1/contacts, --connections clients each with its
 *    own API token, for --duration seconds.
 *  - training: 200 practitioners, each signed in, book one session of 20 places at the same moment through
 *    the server: exactly 20 confirmed and 180 waiting, with the p50/p95/p99 latency of the 200 requests.
 *  - annual-report: the demo partnership's annual report (--children children, 400 by default) assembled in
 *    each version and rendered as HTML, DOCX and PDF, as `beacon report annual` makes it (first, then median of --repeats).
 *  - backup: `beacon backup` of the demo partnership grown to --backup-children children (20,000) with their
 *    journeys, its time and size, and `beacon restore` of it into a fresh database of each dialect (PGlite to
 *    PostgreSQL and back), every table compared with the original's afterwards.
 *  - load (only with --only load): --users people (100), each signed in through the sign-in and authenticator pages,
 *    doing their role's journey (front door, MASH checks, children's records, dashboard, training bookings) with
 *    --think-min to --think-max seconds (1-3) between steps, for --minutes (5) against the server; p50/p95/p99 per
 *    page type, errors (there must be none), throughput, the machine's load and the server's CPU and RSS.
 *  - scale (only with --only scale): --partnerships partnerships (150) of England's spread of sizes with --years
 *    years (5) of everything the indicators count, times --fraction of England's volumes, in a database
 *    `beacon_scale` on BENCH_DATABASE_URL's (else TEST_DATABASE_URL's) server; pages for the largest partnership
 *    alone and among the others, every partnership's scorecard, the national figures, query plans (docs/scaling.md).
 *    --keep leaves the database afterwards, --reuse starts from one kept with the same options.
 * Both on embedded PGlite and on PostgreSQL (a throwaway cluster, or BENCH_DATABASE_URL on 127.0.0.1).
 *
 *   npm run bench -- [--only startup|home|children|returns|indicators] [--dialect pglite|postgres|both] [--repeats 3]
 *                    [--connections 20] [--duration 10] [--warmup 2] [--children N] [--no-npm]
 *                    [--search-children 200000] [--search-requests 300] [--record-requests 200] [--clients 4]
 *                    [--cin-children 100000] [--s903-children 10000] [--big-return-mb 200]
 *                    [--big-dialect pglite|postgres|both] [--python-children 5000]
 *                    [--indicator-scale 1] [--indicator-partnerships 20]
 *   npm run bench -- --only scale [--partnerships 150] [--years 5] [--fraction 1] [--keep] [--reuse]
 *
 * Results: a table on stdout and bench/results/latest.json.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { childrenBench, QUERY_KINDS, type ChildrenResult } from './lib/children';
import { MAX_SEARCH_CHILDREN } from './lib/children-data';
import { apiBench, type ApiResult } from './lib/api';
import { homeBench, type HomeResult } from './lib/home';
import { openPostgres, type PgTarget } from './lib/postgres';
import { indicatorsBench, type IndicatorsResult } from './lib/indicators';
import { mashBench, type MashResult } from './lib/mash';
import { returnsBench, type ReturnsResult } from './lib/returns';
import { repoRoot, stopAllServers, type DbEnv } from './lib/server';
import { startupBench, type StartupResult } from './lib/startup';
import { TRAINING_PEOPLE, TRAINING_PLACES, trainingBookingBench, type TrainingBookingResult } from './training-booking';
import { annualReportBench, type AnnualReportResult } from './annual-report';
import { backupBench, type BackupResult } from './backup';
import { loadBench, type LoadResult } from './lib/load-bench';
import { loadReport } from './lib/load-report';
import { comparedWithEngland, scaleBench, type ScaleResult } from './scale';
import { Cleanup, table } from './lib/util';

const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));

function usage(message: string): never {
  console.error(`bench: ${message}\nusage: npm run bench -- [--only startup|home|children|returns|indicators|mash|api|training|annual-report|backup|load|scale] [--dialect pglite|postgres|both] [--repeats 1-10] ` +
    '[--connections 1-200] [--duration 1-60] [--warmup 0-30] [--children 1-100000] [--no-npm] [--max-minutes 1-90] ' +
    `[--search-children 1000-${MAX_SEARCH_CHILDREN}] [--search-requests 12-3000] [--record-requests 10-2000] [--clients 1-32] ` +
    '[--cin-children 100-1000000] [--s903-children 10-100000] [--big-return-mb 0-1000] [--big-dialect pglite|postgres|both] [--python-children 100-100000] '
    + '[--indicator-scale 0.01-1] [--indicator-partnerships 1-20] [--mash-checks 100-20000] [--backup-children 1000-500000] '
    + '[--users 1-500] [--minutes 0.1-60] [--think-min 0-60] [--think-max 0-60] '
    + '[--partnerships 2-300] [--years 1-10] [--fraction 0.001-1] [--keep] [--reuse]');
  process.exit(2);
}

function intOption(value: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) usage(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        only: { type: 'string' }, dialect: { type: 'string' }, repeats: { type: 'string' }, connections: { type: 'string' },
        duration: { type: 'string' }, warmup: { type: 'string' }, children: { type: 'string' }, 'no-npm': { type: 'boolean' },
        'max-minutes': { type: 'string' }, 'search-children': { type: 'string' }, 'search-requests': { type: 'string' },
        'record-requests': { type: 'string' }, clients: { type: 'string' }, 'cin-children': { type: 'string' }, 's903-children': { type: 'string' },
        'big-return-mb': { type: 'string' }, 'big-dialect': { type: 'string' }, 'python-children': { type: 'string' },
        'indicator-scale': { type: 'string' }, 'indicator-partnerships': { type: 'string' }, 'mash-checks': { type: 'string' }, 'backup-children': { type: 'string' },
        users: { type: 'string' }, minutes: { type: 'string' }, 'think-min': { type: 'string' }, 'think-max': { type: 'string' },
        partnerships: { type: 'string' }, years: { type: 'string' }, fraction: { type: 'string' }, keep: { type: 'boolean' }, reuse: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (err) {
    return usage((err as Error).message);
  }
})();
if (values.help) usage('benchmarks of start-up time, of the signed-in home page, of finding a child and reading their record, and of importing statutory returns');
const only = values.only ?? 'all';
if (!['all', 'startup', 'home', 'children', 'returns', 'indicators', 'mash', 'api', 'training', 'annual-report', 'backup', 'load', 'scale'].includes(only)) usage('--only must be startup, home, children, returns, indicators, mash, api, training, annual-report, backup, load or scale');
const fraction = values.fraction === undefined ? 1 : Number(values.fraction);
if (!(fraction >= 0.001 && fraction <= 1)) usage('--fraction must be a number from 0.001 to 1');
const loadMinutes = values.minutes === undefined ? 5 : Number(values.minutes);
if (!(loadMinutes >= 0.1 && loadMinutes <= 60)) usage('--minutes must be a number from 0.1 to 60');
const thinkS = [values['think-min'] ?? '1', values['think-max'] ?? '3'].map(Number) as [number, number];
if (!thinkS.every((n) => n >= 0 && n <= 60) || thinkS[0] > thinkS[1]) usage('--think-min and --think-max must be seconds from 0 to 60, the least first');
const indicatorScale = values['indicator-scale'] === undefined ? 1 : Number(values['indicator-scale']);
if (!(indicatorScale >= 0.01 && indicatorScale <= 1)) usage('--indicator-scale must be a number from 0.01 to 1');
const dialectArg = values.dialect ?? 'both';
if (!['pglite', 'postgres', 'both'].includes(dialectArg)) usage('--dialect must be pglite, postgres or both');
const bigDialectArg = values['big-dialect'] ?? 'both';
if (!['pglite', 'postgres', 'both'].includes(bigDialectArg)) usage('--big-dialect must be pglite, postgres or both');
const options = {
  only: only as 'all' | 'startup' | 'home' | 'children' | 'returns' | 'indicators' | 'mash' | 'api' | 'training' | 'annual-report' | 'backup' | 'load' | 'scale',
  dialects: (dialectArg === 'both' ? ['pglite', 'postgres'] : [dialectArg]) as ('pglite' | 'postgres')[],
  repeats: intOption(values.repeats, 'repeats', 1, 10, 3),
  connections: intOption(values.connections, 'connections', 1, 200, 20),
  durationS: intOption(values.duration, 'duration', 1, 60, 10),
  warmupS: intOption(values.warmup, 'warmup', 0, 30, 2),
  children: values.children === undefined ? null : intOption(values.children, 'children', 1, 100_000, 400),
  npmStart: !values['no-npm'],
  searchChildren: intOption(values['search-children'], 'search-children', 1000, MAX_SEARCH_CHILDREN, 200_000),
  searchRequests: intOption(values['search-requests'], 'search-requests', 12, 3000, 300),
  recordRequests: intOption(values['record-requests'], 'record-requests', 10, 2000, 200),
  clients: intOption(values.clients, 'clients', 1, 32, 4),
  /** Each measured run of requests in the children benchmark stops after this long, saying so. */
  childrenTimeLimitS: 240,
  cinChildren: intOption(values['cin-children'], 'cin-children', 100, 1_000_000, 100_000),
  s903Children: intOption(values['s903-children'], 's903-children', 10, 100_000, 10_000),
  bigReturnMb: intOption(values['big-return-mb'], 'big-return-mb', 0, 1000, 200),
  /** The big return is imported on these of --dialect's databases. */
  bigDialects: (bigDialectArg === 'both' ? ['pglite', 'postgres'] : [bigDialectArg]) as ('pglite' | 'postgres')[],
  pythonChildren: intOption(values['python-children'], 'python-children', 100, 100_000, 5000),
  /** The large LA's size as a share of 1,000,000 contacts, 200,000 referrals…; and how many such partnerships on PostgreSQL. */
  indicatorScale,
  indicatorPartnerships: intOption(values['indicator-partnerships'], 'indicator-partnerships', 1, 20, 20),
  /** Open checks in the police MASH officer's queue for the MASH benchmark. */
  mashChecks: intOption(values['mash-checks'], 'mash-checks', 100, 20_000, 2000),
  /** The demo partnership's children (with their journeys) for the backup benchmark. */
  backupChildren: intOption(values['backup-children'], 'backup-children', 1000, MAX_SEARCH_CHILDREN, 20_000),
  /** The load benchmark's people, its measured minutes and the think time between their steps. */
  users: intOption(values.users, 'users', 1, 500, 100),
  loadMinutes,
  thinkMs: { min: thinkS[0] * 1000, max: thinkS[1] * 1000 },
  /** The national-scale data set: partnerships, years of records, and the share of England's volumes. */
  partnerships: intOption(values.partnerships, 'partnerships', 2, 300, 150),
  years: intOption(values.years, 'years', 1, 10, 5),
  fraction,
  keep: values.keep === true,
  reuse: values.reuse === true,
  /** Each child process of the returns benchmark is stopped after this long. */
  returnsStepTimeoutS: 600,
  // Seeding 200,000 children twice takes a few minutes more than start-up and the home page.
  maxMinutes: intOption(values['max-minutes'], 'max-minutes', 1, only === 'scale' ? 600 : 90, only === 'scale' ? 300 : only === 'startup' || only === 'home' ? 10
    // Each dialect: seeding the demo, signing everyone in, the measured minutes, checking the audit chain.
    : only === 'load' ? Math.min(90, Math.ceil((loadMinutes + 6) * (dialectArg === 'both' ? 2 : 1)) + 2) : 20),
};
const runStartup = options.only === 'all' || options.only === 'startup';
const runHome = options.only === 'all' || options.only === 'home';
const runChildren = options.only === 'all' || options.only === 'children';
const runReturns = options.only === 'all' || options.only === 'returns';
const runIndicators = options.only === 'all' || options.only === 'indicators';
const runApi = options.only === 'all' || options.only === 'api';
const runMash = options.only === 'all' || options.only === 'mash';
const runTraining = options.only === 'all' || options.only === 'training';
const runAnnualReport = options.only === 'all' || options.only === 'annual-report';
const runBackup = options.only === 'all' || options.only === 'backup';
// Minutes per dialect: only when asked for.
const runLoad = options.only === 'load';
// Hours of loading on a small machine: only ever on its own.
const runScale = options.only === 'scale';

const tmp = os.tmpdir();
/** Error text goes into the results file: no machine paths in it. */
const scrub = (text: string) => text.split(repoRoot.replace(/\/$/, '')).join('<repo>').split(tmp).join('<tmp>');
const log = (line: string) => console.log(line);

function git(args: string[]): string | null {
  try { return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return null; }
}

const results = {
  generatedAt: new Date().toISOString(),
  elapsedS: 0,
  environment: {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    gitCommit: git(['rev-parse', '--short', 'HEAD']),
    gitDirty: (git(['status', '--porcelain']) ?? '') !== '',
    postgres: null as null | { source: string; serverVersion: string },
    /** 1, 5 and 15-minute load averages: other work on the machine skews every figure. */
    loadAverage: { atStart: os.loadavg().map((n) => Math.round(n * 100) / 100), atEnd: [] as number[] },
  },
  options,
  startup: [] as StartupResult[],
  home: [] as HomeResult[],
  children: [] as ChildrenResult[],
  returns: null as ReturnsResult | null,
  indicators: { cases: [], scorecard: [] } as IndicatorsResult,
  api: [] as ApiResult[],
  mash: [] as MashResult[],
  training: [] as TrainingBookingResult[],
  annualReport: [] as AnnualReportResult[],
  backup: [] as BackupResult[],
  load: [] as LoadResult[],
  scale: null as ScaleResult | null,
  errors: [] as string[],
};

const cleanup = new Cleanup();
let finishing = false;
async function abort(reason: string, code: number) {
  if (finishing) return;
  finishing = true;
  console.error(`\nbench: ${reason}; stopping servers and clusters…`);
  await stopAllServers();
  await cleanup.runAll();
  process.exit(code);
}
process.once('SIGINT', () => void abort('interrupted', 130));
process.once('SIGTERM', () => void abort('terminated', 143));
const deadline = setTimeout(() => void abort(`still running after ${options.maxMinutes} minutes (--max-minutes)`, 1), options.maxMinutes * 60_000);
deadline.unref();

/** Pre-seeds a database with a demo of --children children (the server then finds it seeded and leaves it). */
async function preSeed(db: DbEnv, children: number) {
  const { createDb } = await import('../src/db/create-db');
  const { migrateToLatest } = await import('../src/db/migrate');
  const { seedDemo } = await import('../src/db/seed/demo');
  const handle = await createDb('DATABASE_URL' in db ? { databaseUrl: db.DATABASE_URL } : { dataDir: db.BEACON_DATA_DIR });
  try {
    await migrateToLatest(handle.db);
    await seedDemo(handle.db, { children });
  } finally {
    await handle.close();
  }
}

async function section(name: string, fn: () => Promise<void>) {
  try {
    await fn();
  } catch (err) {
    const message = `${name}: ${(err as Error).message}`;
    results.errors.push(scrub(message));
    console.error(`\n!!! bench FAILED — ${message}\n`);
  }
}

async function main() {
  const started = Date.now();
  const load = results.environment.loadAverage.atStart[0]!;
  if (load > results.environment.cpus * 0.5) {
    log(`Warning: the machine is busy (load average ${load} on ${results.environment.cpus} CPUs): the figures will be slower and noisier than on an idle machine.`);
  }
  const workDir = fs.mkdtempSync(path.join(tmp, 'beacon-bench-'));
  cleanup.add('temporary data directories', () => fs.rmSync(workDir, { recursive: true, force: true }));
  let dirs = 0;
  const freshPglite = async (): Promise<DbEnv> => {
    const dir = path.join(workDir, `pglite-${++dirs}`);
    fs.mkdirSync(dir);
    return { BEACON_DATA_DIR: dir };
  };

  let pgTarget: PgTarget | null = null;
  const postgres = async (): Promise<PgTarget> => {
    if (!pgTarget) {
      log('Starting PostgreSQL…');
      pgTarget = await openPostgres();
      const target = pgTarget;
      cleanup.add('PostgreSQL', () => target.close());
      results.environment.postgres = { source: target.source, serverVersion: target.serverVersion };
      log(`  PostgreSQL ${target.serverVersion}: ${target.source}`);
    }
    return pgTarget;
  };
  const freshPostgres = async (): Promise<DbEnv> => ({ DATABASE_URL: await (await postgres()).createDatabase() });
  const fresh = (d: 'pglite' | 'postgres') => (d === 'pglite' ? freshPglite : freshPostgres);

  try {
    if (runStartup) {
      for (const dialect of options.dialects) {
        await section(`startup ${dialect}`, async () => {
          log(`Start-up on ${dialect} (${options.repeats}×, first run on an empty database, second on the seeded one)…`);
          results.startup.push(await startupBench({ dialect, command: 'node', repeats: options.repeats, freshDb: fresh(dialect), log }));
        });
        if (dialect === 'pglite' && options.npmStart) {
          await section('startup npm start', async () => {
            log('Start-up through npm start (once)…');
            results.startup.push(await startupBench({ dialect, command: 'npm', repeats: 1, freshDb: fresh(dialect), log }));
          });
        }
      }
    }
    if (runHome) {
      for (const dialect of options.dialects) {
        await section(`home ${dialect}`, async () => {
          log(`Home page on ${dialect}: ${options.connections} connections, ${options.warmupS} s warm-up, ${options.durationS} s measured…`);
          const db = await fresh(dialect)();
          if (options.children) {
            log(`  seeding a demo with ${options.children} children…`);
            await preSeed(db, options.children);
          }
          results.home.push(await homeBench({ dialect, db, connections: options.connections, warmupS: options.warmupS, durationS: options.durationS, log }));
        });
      }
    }
    if (runChildren) {
      for (const dialect of options.dialects) {
        await section(`children ${dialect}`, async () => {
          log(`Finding a child among ${options.searchChildren.toLocaleString('en-GB')} and a 500-event record on ${dialect}…`);
          const result = await childrenBench({
            dialect, db: await fresh(dialect)(), children: options.searchChildren, searchRequests: options.searchRequests,
            recordRequests: options.recordRequests, clients: options.clients, timeLimitS: options.childrenTimeLimitS, log,
          });
          results.children.push(result);
          for (const f of result.failures) results.errors.push(scrub(`children ${dialect}: ${f}`));
        });
      }
    }
    if (runReturns) {
      await section('returns', async () => {
        log(`Statutory return imports on ${options.dialects.join(' and ')}: a CIN census of ${options.cinChildren.toLocaleString('en-GB')} children, `
          + `one of ${options.bigReturnMb} MB, SSDA903 for ${options.s903Children.toLocaleString('en-GB')}…`);
        const dir = path.join(workDir, 'returns');
        fs.mkdirSync(dir);
        const result = await returnsBench({
          dialects: options.dialects, bigDialects: options.bigDialects.filter((d) => options.dialects.includes(d)), fresh, workDir: dir,
          cinChildren: options.cinChildren, s903Children: options.s903Children, bigMb: options.bigReturnMb, pythonChildren: options.pythonChildren,
          stepTimeoutS: options.returnsStepTimeoutS, log,
        });
        results.returns = result;
        for (const f of result.failures) results.errors.push(scrub(`returns: ${f}`));
      });
    }
    if (runIndicators) {
      for (const dialect of options.dialects) {
        await section(`indicators ${dialect}`, async () => {
          // Twenty partnerships of a large LA's size is a server's load: PGlite is measured with one.
          const partnerships = dialect === 'postgres' ? options.indicatorPartnerships : 1;
          log(`Indicators on ${dialect}: the demo, a large LA (scale ${options.indicatorScale})${partnerships > 1 ? `, ${partnerships} of them` : ''}, then the scorecard page…`);
          const r = await indicatorsBench({ dialect, freshDb: fresh(dialect), scale: options.indicatorScale, partnerships, runs: 5,
            connections: Math.min(options.connections, 10), durationS: options.durationS, log });
          results.indicators.cases.push(...r.cases);
          results.indicators.scorecard.push(r.scorecard);
        });
      }
    }
    if (runMash) {
      for (const dialect of options.dialects) {
        await section(`mash ${dialect}`, async () => {
          log(`MASH officer's queue on ${dialect}: ${options.mashChecks.toLocaleString('en-GB')} open checks, ${Math.min(options.connections, 10)} connections…`);
          results.mash.push(await mashBench({ dialect, db: await fresh(dialect)(), checks: options.mashChecks,
            connections: Math.min(options.connections, 10), durationS: options.durationS, log }));
        });
      }
    }
    if (runTraining) {
      for (const dialect of options.dialects) {
        await section(`training ${dialect}`, async () => {
          log(`Training booking on ${dialect}: ${TRAINING_PEOPLE} people book a session of ${TRAINING_PLACES} places at once…`);
          const r = await trainingBookingBench({ dialect, db: await fresh(dialect)(), log });
          results.training.push(r);
          if (r.problem) results.errors.push(`training ${dialect}: ${r.problem}`);
        });
      }
    }
    if (runAnnualReport) {
      for (const dialect of options.dialects) {
        await section(`annual-report ${dialect}`, async () => {
          log(`Annual report on ${dialect}: the demo's report assembled and rendered as HTML, DOCX and PDF…`);
          results.annualReport.push(await annualReportBench({ dialect, db: await fresh(dialect)(), children: options.children ?? 400, repeats: options.repeats, log }));
        });
      }
    }
    if (runBackup) {
      const dir = path.join(workDir, 'backup');
      fs.mkdirSync(dir);
      for (const dialect of options.dialects) {
        await section(`backup ${dialect}`, async () => {
          log(`Backup and restore on ${dialect}: the demo with ${options.backupChildren.toLocaleString('en-GB')} children, backed up, then restored into ${options.dialects.join(' and ')}…`);
          const r = await backupBench({ dialect, into: options.dialects, fresh, children: options.backupChildren, workDir: dir, log });
          results.backup.push(r);
          for (const x of r.restores.filter((y) => !y.equal)) results.errors.push(`backup ${dialect} restored into ${x.into}: tables differ (${x.differing.join(', ')})`);
        });
      }
    }
    if (runLoad) {
      for (const dialect of options.dialects) {
        await section(`load ${dialect}`, async () => {
          log(`Load on ${dialect}: ${options.users} people, ${options.loadMinutes} min, ${options.thinkMs.min / 1000}–${options.thinkMs.max / 1000} s between steps…`);
          const r = await loadBench({ dialect, db: await fresh(dialect)(), users: options.users, minutes: options.loadMinutes, thinkMs: options.thinkMs, log });
          results.load.push(r);
          if (r.errors) results.errors.push(scrub(`load ${dialect}: ${r.errors} errors — ${r.errorMessages.slice(0, 3).join(' | ')}`));
          if (!r.auditChain.ok) results.errors.push(`load ${dialect}: the audit chain does not verify: ${r.auditChain.detail}`);
        });
      }
    }
    if (runScale) {
      await section('scale', async () => {
        const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
        const url = adminUrl ? new URL(adminUrl) : null;
        if (!url || !/^postgres(ql)?:$/.test(url.protocol) || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
          throw new Error('the scale benchmark needs BENCH_DATABASE_URL (or TEST_DATABASE_URL): a postgres:// server on 127.0.0.1 where it may create a database');
        }
        log(`National scale on PostgreSQL: ${options.partnerships} partnerships, ${options.years} years, ${options.fraction} of England's volumes…`);
        const r = await scaleBench({ adminUrl: adminUrl!, partnerships: options.partnerships, years: options.years, fraction: options.fraction,
          reuse: options.reuse, keep: options.keep, connections: Math.min(options.connections, 4), durationS: options.durationS, log });
        results.scale = r;
        for (const c of r.national.checks.filter((x) => x.engine !== x.sql)) results.errors.push(`scale: national ${c.what} ${c.engine} from the indicators, ${c.sql} counted in SQL`);
      });
    }
    if (runApi) {
      for (const dialect of options.dialects) {
        await section(`api ${dialect}`, async () => {
          log(`Contacts through the API on ${dialect}: ${options.connections} clients, ${options.durationS} s…`);
          results.api.push(await apiBench({ dialect, db: await fresh(dialect)(), connections: options.connections, durationS: options.durationS, log }));
        });
      }
    }
  } finally {
    finishing = true;
    await stopAllServers();
    await cleanup.runAll();
    clearTimeout(deadline);
  }
  results.elapsedS = Math.round((Date.now() - started) / 100) / 10;
  results.environment.loadAverage.atEnd = os.loadavg().map((n) => Math.round(n * 100) / 100);

  console.log('');
  if (results.startup.length) {
    console.log(`Start-up to the first 200 from /health (ms; median of the runs; polled every 20 ms)`);
    console.log(table(
      ['Database', 'Command', 'Runs', 'First run (empty DB: migrate + seed)', 'Second run (seeded)', 'First runs', 'Second runs'],
      results.startup.map((s) => [s.dialect, s.command, String(s.runs.length), s.medianFirstMs.toFixed(0), s.medianSecondMs.toFixed(0),
        s.runs.map((r) => r.first.ms.toFixed(0)).join(', '), s.runs.map((r) => r.second.ms.toFixed(0)).join(', ')]),
    ));
    console.log('');
  }
  if (results.home.length) {
    console.log(`Signed-in home page GET / as ${results.home[0]!.user} (${options.connections} connections, ${options.durationS} s after a ${options.warmupS} s warm-up)`);
    console.log(table(
      ['Database', 'Req/s (mean)', 'Latency mean ms', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'Requests', 'Non-2xx', 'Errors'],
      results.home.map((h) => [h.dialect, h.measured.rpsMean.toFixed(0), h.measured.latencyMs.mean.toFixed(1), h.measured.latencyMs.p50.toFixed(1),
        h.measured.latencyMs.p95.toFixed(1), h.measured.latencyMs.p99.toFixed(1), h.measured.latencyMs.max.toFixed(0),
        String(h.measured.requests), String(h.measured.non2xx), String(h.measured.errors + h.measured.timeouts)]),
    ));
    console.log('');
  }
  if (results.children.length) printChildren(results.children);
  if (results.returns) printReturns(results.returns);
  if (results.indicators.cases.length) printIndicators(results.indicators);
  for (const m of results.mash) {
    console.log(`MASH officer's queue GET /mash/checks on ${m.dialect} with ${m.openChecks.toLocaleString('en-GB')} open checks, ${m.connections} connections: `
      + `${m.measured.rpsOverall} req/s, p50 ${m.measured.latencyMs.p50} ms, p95 ${m.measured.latencyMs.p95} ms, p99 ${m.measured.latencyMs.p99} ms`);
  }
  if (results.training.length) {
    console.log(`Training booking: ${TRAINING_PEOPLE} people, each signed in, book one session of ${TRAINING_PLACES} places at the same moment (POST /training/sessions/:id/book)`);
    console.log(table(
      ['Database', 'Confirmed', 'Waiting', 'Failed', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'All answered in ms'],
      results.training.map((r) => [r.dialect, String(r.confirmed), String(r.waiting), String(r.failures), r.latencyMs.p50.toFixed(1), r.latencyMs.p95.toFixed(1),
        r.latencyMs.p99.toFixed(1), r.latencyMs.max.toFixed(0), r.elapsedMs.toFixed(0)]),
    ));
    console.log('');
  }
  if (results.annualReport.length) {
    const r0 = results.annualReport[0]!;
    console.log(`Annual report: the demo partnership's report for ${r0.period.from} to ${r0.period.to} (${r0.children} children), assembled and rendered (ms; first, then median of ${options.repeats})`);
    console.log(table(
      ['Database', 'Sections', 'Assemble internal first', 'Assemble internal', 'Assemble public', 'HTML', 'DOCX', 'PDF', 'PDF pages', 'HTML KB', 'DOCX KB', 'PDF KB', 'Internal PDF in all'],
      results.annualReport.map((r) => {
        const f = (format: string) => r.render.find((x) => x.format === format)!;
        return [r.dialect, String(r.sections), String(r.assembleMs.internal.firstMs), String(r.assembleMs.internal.medianMs), String(r.assembleMs.public.medianMs),
          String(f('html').medianMs), String(f('docx').medianMs), String(f('pdf').medianMs), String(f('pdf').pages),
          String(Math.round(f('html').bytes / 1024)), String(Math.round(f('docx').bytes / 1024)), String(Math.round(f('pdf').bytes / 1024)), String(f('pdf').totalMs)];
      }),
    ));
    console.log('');
  }
  if (results.backup.length) {
    console.log('Backup and restore: beacon backup, then beacon restore of the file into a fresh database (s; each command in a process of its own)');
    console.log(table(
      ['From', 'Children', 'Rows', 'Tables', 'Backup s', 'File MB', 'Into', 'Restore s', 'Rows/s restored', 'Every table equal'],
      results.backup.flatMap((b) => b.restores.map((r) => [b.dialect, b.children.toLocaleString('en-GB'), b.rows.toLocaleString('en-GB'), String(b.tables),
        String(b.backupS), (b.bytes / 2 ** 20).toFixed(1), r.into, String(r.restoreS), r.rowsPerS.toLocaleString('en-GB'), r.equal ? 'yes' : `NO: ${r.differing.join(', ')}`])),
    ));
    console.log('');
  }
  if (results.api.length) {
    console.log(`Contacts accepted through POST /api/v1/contacts (${options.connections} clients, each its own token, ${options.durationS} s)`);
    console.log(table(
      ['Database', 'Contacts/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'Requests', 'Non-2xx', 'Errors', 'Recorded'],
      results.api.map((a) => [a.dialect, a.measured.rpsOverall.toFixed(0), a.measured.latencyMs.p50.toFixed(1), a.measured.latencyMs.p95.toFixed(1),
        a.measured.latencyMs.p99.toFixed(1), a.measured.latencyMs.max.toFixed(0), String(a.measured.requests), String(a.measured.non2xx),
        String(a.measured.errors + a.measured.timeouts), String(a.contactsRecorded)]),
    ));
    console.log('');
  }
  if (results.scale) printScale(results.scale);
  if (results.load.length) {
    const report = loadReport(results.load, results.environment);
    console.log(report);
    fs.mkdirSync(resultsDir, { recursive: true });
    fs.writeFileSync(path.join(resultsDir, 'load.md'), report + '\n');
    console.log('The tables above, as markdown for docs/performance.md: bench/results/load.md\n');
  }
  const env = results.environment;
  console.log(`Node ${env.node}, ${env.cpus}× ${env.cpuModel}, ${env.memoryGb} GB` +
    (env.postgres ? `, PostgreSQL ${env.postgres.serverVersion} (${env.postgres.source})` : '') +
    `; load average ${env.loadAverage.atStart[0]} at the start, ${env.loadAverage.atEnd[0]} at the end; ${results.elapsedS} s in all.`);

  fs.mkdirSync(resultsDir, { recursive: true });
  const ignore = path.join(resultsDir, '.gitignore');
  if (!fs.existsSync(ignore)) fs.writeFileSync(ignore, '*\n!.gitignore\n');
  fs.writeFileSync(path.join(resultsDir, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  console.log('Results written to bench/results/latest.json');

  if (results.errors.length) {
    console.error(`\nbench FAILED (${results.errors.length}):\n${results.errors.map((e) => `- ${e.split('\n')[0]}`).join('\n')}`);
    process.exit(1);
  }
}

function printScale(r: ScaleResult) {
  const n = (x: number) => x.toLocaleString('en-GB');
  const p = (x: { p50: number; p95: number; max: number; totalS: number }) => [String(x.p50), String(x.p95), String(x.max), String(x.totalS)];
  console.log(`National scale: ${r.partnerships} partnerships, ${r.years} years, ${r.fraction} of England's volumes; children aged 0-17 ${n(r.populations.total)} `
    + `(largest ${n(r.populations.largest)}, median ${n(r.populations.median)}, smallest ${n(r.populations.smallest)})${r.reused ? '; database reused' : ''}`);
  if (r.load) {
    console.log(`Build: ${r.load.totalS} s in all: migrations and the demo ${r.load.demoS} s, the largest partnership ${r.load.largestS} s, the others ${r.load.othersS} s, `
      + `VACUUM ANALYZE ${r.load.vacuumAnalyzeS} s (generating ${r.load.generateS} s, inserting ${r.load.insertS} s at ${n(r.load.rowsPerS)} rows/s); `
      + `load average ${r.load.loadAverage.atStart.join('/')} at the start, ${r.load.loadAverage.atEnd.join('/')} at the end`);
  }
  console.log(table(['Table', 'Rows', 'MB', 'Of which indexes MB'], r.tables.map((t) => [t.table, n(t.rows), (t.bytes / 2 ** 20).toFixed(0), (t.indexBytes / 2 ** 20).toFixed(0)])));
  console.log(`Database: ${(r.databaseBytes / 2 ** 30).toFixed(2)} GB`);
  console.log('');
  console.log('Pages for the largest partnership (the demo\'s people), alone and among the others (ms)');
  console.log(table(['Page', 'Phase', 'p50', 'p95', 'p99', 'max', 'Req/s', 'Non-2xx'],
    r.pages.map((x) => [x.page, x.phase, String(x.measured.latencyMs.p50), String(x.measured.latencyMs.p95), String(x.measured.latencyMs.p99),
      String(x.measured.latencyMs.max), String(x.measured.rpsOverall), String(x.measured.non2xx)])));
  console.log(table(['Child search (EXPLAIN ANALYZE)', 'Phase', 'Execution ms', 'Scans'],
    r.searchPlans.map((x) => [`"${x.plan.query}"`, x.phase, String(x.plan.executionMs), x.plan.scans.join(', ')])));
  console.log('');
  console.log(`Every partnership's scorecard (rolling 12 months, the 12 before, 24 months' trend; ms per partnership; ${n(r.scorecard.monthsKept)} months kept afterwards)`);
  console.log(table(['Run', 'p50', 'p95', 'max', 'Total s', 'Largest partnership'],
    [['cold (no month kept)', ...p(r.scorecard.cold), String(r.scorecard.largestColdMs)], ['warm', ...p(r.scorecard.warm), String(r.scorecard.largestWarmMs)]]));
  console.log(`National figures for ${r.national.period.from} to ${r.national.period.to}: ${r.national.s} s (per partnership ${p(r.national.perPartnership).slice(0, 3).join('/')} ms p50/p95/max)`);
  console.log(table(['Indicator', 'Generated', 'England (scaled)', 'Ratio'],
    comparedWithEngland(r).map((c) => [c.code, c.generated === null ? '-' : n(c.generated), n(c.published), c.ratio === null ? '-' : String(c.ratio)])));
  console.log(table(['Indicator query (largest partnership, from the records)', 'Execution ms', 'Scans'],
    r.plans.map((x) => [x.name, String(x.executionMs), x.scans.join(', ')])));
  console.log('');
}

function printIndicators(r: IndicatorsResult) {
  console.log('Indicators (ms; cold = first run, with no month kept; warm = median of 5). Year: every code for the last financial year; ' +
    'trend: every code\'s 24 months; both: the two together, from kept months and straight from the records; scorecard: rolling 12 months, ' +
    'the 12 before and 24 months in one pass, and again after a change dated six months back');
  console.log(table(
    ['Database', 'Case', 'Contacts', 'Referrals', 'CP plans', 'CLA episodes', 'Seed s', 'Year cold', 'Year warm', 'Trend cold', 'Trend warm',
      'Both warm', 'Both from records', 'Scorecard cold', 'Scorecard warm', 'After a change'],
    r.cases.map((c) => [c.dialect, c.case, (c.rows.contact ?? 0).toLocaleString('en-GB'), (c.rows.referral ?? 0).toLocaleString('en-GB'),
      (c.rows.cp_plan ?? 0).toLocaleString('en-GB'), (c.rows.cla_episode ?? 0).toLocaleString('en-GB'), String(c.seedS),
      String(c.year.coldMs), String(c.year.warmMedianMs), String(c.trend24.coldMs), String(c.trend24.warmMedianMs), String(c.both.warmMedianMs),
      String(c.bothFromRecords.warmMedianMs), String(c.rolling.coldMs), String(c.rolling.warmMedianMs), String(c.rollingAfterChange.warmMedianMs)]),
  ));
  for (const s of r.scorecard) {
    console.log('skipped' in s ? `Scorecard page on ${s.dialect}: skipped (${s.skipped})`
      : `Scorecard page ${s.url} on ${s.dialect}, warm: ${s.measured.rpsOverall} req/s, p50 ${s.measured.latencyMs.p50} ms, p95 ${s.measured.latencyMs.p95} ms, non-2xx ${s.measured.non2xx}`);
  }
  console.log('');
}

function printChildren(all: ChildrenResult[]) {
  const s = (n: number) => (n / 1000).toFixed(1);
  const stats = (x: 'none' | 'analyzed') => (x === 'none' ? 'none (as seeded)' : 'ANALYZE');
  console.log('Seeding the demo partnership (createDb + migrateToLatest, seedDemo with 200 children, seedChildren with the rest; s)');
  console.log(table(
    ['Database', 'Children', 'Total s', 'seedChildren s', 'Children/s', 'seedDemo s', 'Close s', 'ANALYZE s', 'Referrals', 'CP visits', '500-event record'],
    all.map((c) => [c.dialect, c.seeding.children.toLocaleString('en-GB'), s(c.seeding.totalMs), s(c.seeding.bulkMs), String(c.seeding.childrenPerS),
      s(c.seeding.demoMs), s(c.seeding.closeMs), c.seeding.analyzeMs === null ? '-' : s(c.seeding.analyzeMs),
      (c.seeding.rows.referral ?? 0).toLocaleString('en-GB'), (c.seeding.rows.cp_visit ?? 0).toLocaleString('en-GB'), `${c.longRecord.events} events`]),
  ));
  if (all.some((c) => c.seeding.children !== options.searchChildren)) console.log(`NOTE: fewer children than the ${options.searchChildren} asked for were seeded.`);
  console.log('');
  const phases = all.flatMap((c) => c.search.map((p) => ({ c, p })));
  if (phases.length) {
    console.log(`Find a child: GET /children?q=… among ${all[0]!.seeding.children.toLocaleString('en-GB')} children, as ${all[0]!.user} ` +
      `(${options.clients} clients, a closed loop; ${Object.keys(QUERY_KINDS).length} kinds of query in turn; ms)`);
    console.log(table(
      ['Database', 'Planner statistics', 'Requests', 'p50', 'p95', 'p99', 'max', 'mean', 'Req/s', 'Non-200'],
      phases.map(({ c, p }) => [c.dialect, stats(p.statistics), `${p.completed}${p.stoppedEarly ? ` of ${p.requested} (time limit)` : ''}`,
        p.latencyMs.p50.toFixed(1), p.latencyMs.p95.toFixed(1), p.latencyMs.p99.toFixed(1), p.latencyMs.max.toFixed(0), p.latencyMs.mean.toFixed(1),
        p.requestsPerS.toFixed(1), String(p.completed - (p.statusCodes['200'] ?? 0))]),
    ));
    console.log('');
    console.log('By kind of query (ms; results per query: mean, min–max; found: see the rule)');
    console.log(table(
      ['Database', 'Statistics', 'Query', 'e.g.', 'Requests', 'p50', 'p95', 'max', 'Results', 'None found', 'Found', 'Found means'],
      phases.flatMap(({ c, p }) => p.byKind.map((k) => [c.dialect, stats(p.statistics), k.label, `"${k.example}"`, String(k.requests),
        k.latencyMs.p50.toFixed(1), k.latencyMs.p95.toFixed(1), k.latencyMs.max.toFixed(0), `${k.results.mean} (${k.results.min}–${k.results.max})`,
        String(k.zeroResults), `${k.hits}/${k.requests}`, k.hitRule])),
    ));
    console.log('');
  }
  const records = all.flatMap((c) => c.record.map((r) => ({ c, r })));
  if (records.length) {
    console.log(`A child's record page GET /children/<id> with a long chronology (${options.clients} clients; ms)`);
    console.log(table(
      ['Database', 'Planner statistics', 'Events', 'Chronology rows', 'Page rows', 'Page KB', 'Requests', 'p50', 'p95', 'p99', 'max', 'mean', 'Req/s', 'Non-200'],
      records.map(({ c, r }) => {
        return [c.dialect, stats(r.statistics), String(r.events), String(r.tableRows), String(r.pageRows), r.pageKb.toFixed(0), `${r.completed}${r.stoppedEarly ? ` of ${r.requested} (time limit)` : ''}`,
          r.latencyMs.p50.toFixed(1), r.latencyMs.p95.toFixed(1), r.latencyMs.p99.toFixed(1), r.latencyMs.max.toFixed(0), r.latencyMs.mean.toFixed(1),
          r.requestsPerS.toFixed(1), String(r.completed - (r.statusCodes['200'] ?? 0))];
      }),
    ));
    console.log('');
  }
  const plans = all.flatMap((c) => c.plans.map((p) => ({ c, p })));
  if (plans.length) {
    console.log('EXPLAIN (ANALYZE, BUFFERS) of searchChildren\'s SQL, in the benchmark process (median execution ms; plans in latest.json)');
    console.log(table(
      ['Database', 'Statistics', 'Query', 'Execution ms', 'Scans'],
      plans.map(({ c, p }) => [c.dialect, stats(p.statistics), `${QUERY_KINDS[p.kind as keyof typeof QUERY_KINDS]} "${p.query}"`, p.executionMs.toFixed(1),
        p.scans.filter((x) => !x.startsWith('Bitmap Heap')).join(', ')]),
    ));
    console.log('');
  }
}

function printReturns(r: ReturnsResult) {
  const n = (x: number) => x.toLocaleString('en-GB');
  const s = (ms: number) => (ms / 1000).toFixed(1);
  const rssMb = (kb: number) => (kb / 1024).toFixed(0);
  const rows = (f: NonNullable<ReturnsResult['cin']['imports'][number]['first']>) => {
    const c = Object.values(f.counts);
    return [s(f.totalMs), s(f.checkMs), s(f.loadMs), s(f.otherMs), n(f.childrenPerS), f.mbPerS.toFixed(2), n(f.checkChildrenPerS), n(f.loadChildrenPerS),
      `${f.errors}/${f.queries}`, n(c.reduce((a, x) => a + x.created, 0)), n(c.reduce((a, x) => a + x.unchanged, 0)),
      rssMb(f.memory.peakRssKb), f.memory.baselineRssMb.toFixed(0), f.memory.peakHeapUsedMb.toFixed(0), f.memory.peakWasmMb === null ? '-' : f.memory.peakWasmMb.toFixed(0),
      rssMb(f.memory.maxRssKb)];
  };
  const head = ['Total s', 'Check s', 'Load s', 'Other s', 'Children/s', 'MB/s', 'Check ch/s', 'Load ch/s', 'Errors/queries', 'Created', 'Unchanged',
    'Peak RSS MB', 'RSS before MB', 'Peak heap MB', 'PGlite WASM MB', 'maxRSS MB'];
  const file = r.cin.file;
  console.log(`CIN census import: ${n(file.children)} children, ${n(file.episodes ?? 0)} CINdetails, ${file.mb} MB (runImport in a child process; `
    + 'check = read + validate, load = read + merge; Peak RSS = VmHWM of the import process, PGlite in it, PostgreSQL not; '
    + 'maxRSS = process.resourceUsage().maxRSS, which on Linux starts from the bench\'s own RSS at fork: an upper bound)');
  console.log(table(['Database', 'Import', ...head],
    r.cin.imports.flatMap((i) => [[i.dialect, 'first', ...rows(i.first)], [i.dialect, 'again (unchanged)', ...rows(i.again)]])));
  console.log('');
  const v = r.cin.validate;
  if (v) {
    console.log(`Validation alone: the ${n(v.children)}-child census read by readCinCensus, then read and judged by createCinValidator (one process, no database)`);
    console.log(table(['Children', 'Read s', 'Read MB/s', 'Read + validate s', 'Read + validate MB/s', 'Validator calls s', 'Validation share', 'Findings', 'Peak heap read MB', 'Peak heap validate MB'],
      [[n(v.children), s(v.parseMs), v.parseMbPerS.toFixed(1), s(v.parseValidateMs), v.parseValidateMbPerS.toFixed(1), s(v.validatorMs),
        `${Math.round(v.validationShare * 100)}%`, n(v.findings), v.peakHeapParseMb.toFixed(0), v.peakHeapValidateMb.toFixed(0)]]));
    console.log('');
  }
  if (r.big.file) {
    console.log(`A ${r.big.file.mb} MB CIN census (${n(r.big.file.children)} children): peak memory of its import (target: well under 500 MB)${r.big.note ? `; ${r.big.note}` : ''}`);
    console.log(table(['Database', 'MB', 'Children', 'Total s', 'Check s', 'Load s', 'Children/s', 'MB/s', 'Peak RSS MB', 'RSS before MB', 'Peak heap check MB',
      'Peak heap load MB', 'PGlite WASM MB', 'maxRSS MB', 'Under 500 MB'],
      r.big.imports.map(({ dialect, run }) => [dialect, String(r.big.file!.mb), n(r.big.file!.children), s(run.totalMs), s(run.checkMs), s(run.loadMs), n(run.childrenPerS),
        run.mbPerS.toFixed(2), rssMb(run.memory.peakRssKb), run.memory.baselineRssMb.toFixed(0), run.checkPeakHeapMb.toFixed(0), run.loadPeakHeapMb.toFixed(0),
        run.memory.peakWasmMb === null ? '-' : run.memory.peakWasmMb.toFixed(0), rssMb(run.memory.maxRssKb), run.memory.peakRssKb < 500 * 1024 ? 'yes' : 'NO'])));
    console.log('');
  }
  const f903 = r.s903.file;
  if (f903) {
    const rowsOf = Object.entries(f903.rows ?? {}).map(([t, k]) => `${t} ${n(k)}`).join(', ');
    console.log(`SSDA903 import: ${n(f903.children)} looked-after children, ${f903.files} CSVs (${rowsOf}), ${f903.mb} MB, into the partnership the census was imported into`);
    if (r.s903.unavailable) console.log(`  not available: ${r.s903.unavailable}`);
    else console.log(table(['Database', 'Import', ...head],
      r.s903.imports.flatMap((i) => [[i.dialect, 'first', ...rows(i.first)], [i.dialect, 'again (unchanged)', ...rows(i.again)]])));
    console.log('');
  }
  const py = r.python.cin;
  if ('skipped' in py) console.log(`Python CIN validator: skipped (${py.skipped})`);
  else {
    console.log(`The public Python CIN validator (data-to-insight, ${py.ruleset}, ${py.python}) and Beacon's on a census of ${n(py.file.children)} children (${py.file.mb} MB)`);
    console.log(table(['Validator', 'Parse s', 'Tables s', 'Rules s', 'Total s', 'Findings', 'Peak RSS MB', 'Ratio'],
      [['data-to-insight (pandas)', py.parseS.toFixed(2), py.tablesS.toFixed(2), py.rulesS.toFixed(2), py.totalS.toFixed(2), n(py.findings), rssMb(py.peakRssKb), `${py.ratio}×`],
        ['Beacon (read + validate)', '', '', '', py.beacon.parseValidateS.toFixed(2), n(py.beacon.findings), rssMb(py.beacon.peakRssKb), '1×']]));
  }
  console.log(`Python SSDA903 validator: skipped (${r.python.s903.skipped})`);
  console.log('');
}

main().catch(async (err) => {
  console.error(err);
  await stopAllServers();
  await cleanup.runAll();
  process.exit(1);
});
