import { performance } from 'node:perf_hooks';
import {
  addLongChronology, analyze, explainSearches, openDb, sampleChildren, seedPartnership,
  type LongRecord, type PlanSummary, type SampleChild, type SeedTimings,
} from './children-data';
import { get, latencyOf, runBounded, type Latency } from './load';
import { ServerFailed, startServer, waitForHealth, type DbEnv, type RunningServer } from './server';
import { signIn } from './sign-in';
import { freePort, round } from './util';

/**
 * Finding a child among many, and reading a child's record with a long chronology, through the
 * running server: GET /children?q=… over a mix of realistic queries taken from the seeded data, and
 * GET /children/<id> of a child with more than 500 events.
 */

export const QUERY_KINDS = {
  surname: 'Surname',
  misspelt: 'Misspelt surname (two inner letters swapped)',
  fullName: 'First name + surname',
  surnameDob: 'Surname + date of birth (dd/mm/yyyy)',
  nhs: 'NHS number',
  laChildId: 'LA child ID',
} as const;
export type QueryKind = keyof typeof QUERY_KINDS;
const KINDS = Object.keys(QUERY_KINDS) as QueryKind[];

/** What counts as finding what was looked for; the identifier searches must, the others are reported. */
const HIT_RULE: Record<QueryKind, string> = {
  surname: 'the first result has that surname',
  misspelt: 'a result has the surname as spelt correctly',
  fullName: 'a result has that first name and surname',
  surnameDob: 'the child is among the results',
  nhs: 'the child is among the results (required)',
  laChildId: 'the child is the only result (required)',
};

type SearchRequest = { kind: QueryKind; q: string; child: SampleChild; intended?: string };

export type KindStats = {
  kind: QueryKind;
  label: string;
  example: string;
  requests: number;
  latencyMs: Latency;
  results: { mean: number; min: number; max: number };
  zeroResults: number;
  hits: number;
  hitRule: string;
};

/** What every measured run of requests reports. */
type LoadPhase = {
  statistics: 'none' | 'analyzed';
  warmupRequests: number;
  requested: number;
  completed: number;
  /** Set when the time limit stopped the run before every request was made. */
  stoppedEarly: string | null;
  clients: number;
  wallS: number;
  requestsPerS: number;
  latencyMs: Latency;
  statusCodes: Record<string, number>;
};

export type SearchPhase = LoadPhase & { byKind: KindStats[] };

export type RecordPhase = LoadPhase & {
  childId: string;
  laChildId: string;
  events: number;
  /** `<tr class="govuk-table__row">` in the chronology's table: its header row and one per event. */
  tableRows: number;
  /** `<tr class="govuk-table__row">` on the whole page (the statutory timescales' table too). */
  pageRows: number;
  pageKb: number;
};

export type ChildrenResult = {
  dialect: 'pglite' | 'postgres';
  user: string;
  requestedChildren: number;
  seeding: SeedTimings & { longRecordMs: number; analyzeMs: number | null; closeMs: number };
  longRecord: LongRecord;
  search: SearchPhase[];
  record: RecordPhase[];
  plans: PlanSummary[];
  /** Anything that went wrong (non-200s, identifiers not found, too few rows): the run fails when not empty. */
  failures: string[];
};

const USER = 'social.worker@northmere.gov.uk';
const WARMUP_SEARCHES_PER_KIND = 2;
const WARMUP_RECORDS = 10;

/** "Smith" → "Smtih": two neighbouring inner letters swapped (not the first or last); null where none differ. */
export function misspell(name: string): string | null {
  const s = [...name];
  if (s.length < 4) return null;
  const middle = Math.floor((s.length - 1) / 2);
  const positions = Array.from({ length: s.length - 3 }, (_, i) => i + 1).sort((a, b) => Math.abs(a - middle) - Math.abs(b - middle));
  for (const i of positions) {
    if (s[i]!.toLowerCase() !== s[i + 1]!.toLowerCase()) {
      [s[i], s[i + 1]] = [s[i + 1]!, s[i]!];
      return s.join('');
    }
  }
  return null;
}

const dmy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const spacedNhs = (n: string) => `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;

/** `count` requests, the kinds in turn, each on a different sampled child. */
function searchRequests(samples: SampleChild[], count: number, offset: number): SearchRequest[] {
  const out: SearchRequest[] = [];
  for (let i = 0; i < count; i++) {
    const kind = KINDS[i % KINDS.length]!;
    let child = samples[(offset + i) % samples.length]!;
    switch (kind) {
      case 'surname': out.push({ kind, q: child.last_name, child }); break;
      case 'misspelt': {
        // Some surnames have no two different inner letters ("Ali", "Wood"): the next sampled child's is used.
        let wrong = misspell(child.last_name);
        for (let j = 1; wrong === null && j <= samples.length; j++) {
          child = samples[(offset + i + j) % samples.length]!;
          wrong = misspell(child.last_name);
        }
        if (wrong === null) throw new Error('no sampled surname can be misspelt');
        out.push({ kind, q: wrong, child, intended: child.last_name });
        break;
      }
      case 'fullName': out.push({ kind, q: `${child.first_name} ${child.last_name}`, child }); break;
      case 'surnameDob': out.push({ kind, q: `${child.last_name} ${dmy(child.date_of_birth)}`, child }); break;
      case 'nhs': out.push({ kind, q: spacedNhs(child.nhs_number), child }); break;
      case 'laChildId': out.push({ kind, q: child.la_child_id, child }); break;
    }
  }
  return out;
}

const unescape = (s: string) => s.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The children listed on a search page: their ids and names as the links show them ("Last, First"). */
function resultsOf(page: string): { id: string; last: string; first: string }[] {
  const start = page.indexOf('<table');
  const html = start < 0 ? '' : page.slice(start, page.indexOf('</table>', start));
  return [...html.matchAll(/href="\/children\/([0-9a-f-]{36})">([^<]*)<\/a>/g)].map((m) => {
    const name = unescape(m[2]!);
    const comma = name.indexOf(', ');
    return { id: m[1]!, last: name.slice(0, comma), first: name.slice(comma + 2) };
  });
}

function isHit(r: SearchRequest, found: { id: string; last: string; first: string }[]): boolean {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  switch (r.kind) {
    case 'surname': return found.length > 0 && same(found[0]!.last, r.child.last_name);
    case 'misspelt': return found.some((c) => same(c.last, r.intended!));
    case 'fullName': return found.some((c) => same(c.last, r.child.last_name) && same(c.first, r.child.first_name));
    case 'surnameDob':
    case 'nhs': return found.some((c) => c.id === r.child.id);
    case 'laChildId': return found.length === 1 && found[0]!.id === r.child.id;
  }
}

const ROW = '<tr class="govuk-table__row">';
const countRows = (html: string) => html.split(ROW).length - 1;
/** Rows of the chronology's table (its header row and one per event); -1 where there is no such table. */
function chronologyRows(html: string): number {
  const heading = html.indexOf('id="chronology"');
  const start = heading < 0 ? -1 : html.indexOf('<table', heading);
  const end = start < 0 ? -1 : html.indexOf('</table>', start);
  return end < 0 ? -1 : countRows(html.slice(start, end));
}

/** Problems, each told once with how often it happened. */
class Problems {
  private seen = new Map<string, number>();
  note(text: string) { this.seen.set(text, (this.seen.get(text) ?? 0) + 1); }
  report(label: string, failures: string[]) {
    for (const [text, n] of [...this.seen].slice(0, 20)) failures.push(`${label}: ${text}${n > 1 ? ` (${n} times)` : ''}`);
    if (this.seen.size > 20) failures.push(`${label}: and ${this.seen.size - 20} other problems`);
  }
}

async function signedIn(server: RunningServer): Promise<{ base: string; cookie: string }> {
  await waitForHealth(server, { intervalMs: 20, timeoutMs: 180_000 });
  const base = `http://127.0.0.1:${server.port}`;
  return { base, cookie: await signIn(base, USER) };
}

async function searchPhase(opts: {
  base: string; cookie: string; samples: SampleChild[]; requests: number; clients: number; timeLimitS: number;
  statistics: SearchPhase['statistics']; failures: string[]; label: string; log: (line: string) => void;
}): Promise<SearchPhase> {
  const warmup = searchRequests(opts.samples, WARMUP_SEARCHES_PER_KIND * KINDS.length, 0);
  const measured = searchRequests(opts.samples, opts.requests, warmup.length);
  const url = (q: string) => `${opts.base}/children?q=${encodeURIComponent(q)}`;
  const problems = new Problems();
  const note = (text: string) => problems.note(text);

  await runBounded(warmup, opts.clients, 120_000, async (r) => {
    const res = await get(url(r.q), opts.cookie);
    if (res.status !== 200) note(`warm-up ${r.kind} "${r.q}": ${res.status} ${res.error ?? ''}`);
  });

  type Done = { r: SearchRequest; status: number | 'error'; ms: number; results: number; hit: boolean };
  const done: Done[] = [];
  const outcome = await runBounded(measured, opts.clients, opts.timeLimitS * 1000, async (r) => {
    const res = await get(url(r.q), opts.cookie);
    const found = res.status === 200 ? resultsOf(res.body) : [];
    const hit = isHit(r, found);
    done.push({ r, status: res.status, ms: res.ms, results: found.length, hit });
    if (res.status !== 200) note(`${r.kind} "${r.q}": status ${res.status} ${res.error ?? ''}`.trim());
    else if (!hit && (r.kind === 'nhs' || r.kind === 'laChildId')) note(`${r.kind} "${r.q}" did not find ${r.child.la_child_id} (${found.length} results)`);
  });

  const statusCodes: Record<string, number> = {};
  for (const d of done) statusCodes[d.status] = (statusCodes[d.status] ?? 0) + 1;
  const byKind = KINDS.map((kind): KindStats => {
    const mine = done.filter((d) => d.r.kind === kind);
    const results = mine.map((d) => d.results);
    return {
      kind, label: QUERY_KINDS[kind], example: measured.find((r) => r.kind === kind)?.q ?? '',
      requests: mine.length,
      latencyMs: latencyOf(mine.map((d) => d.ms)),
      results: { mean: round(results.reduce((s, n) => s + n, 0) / Math.max(1, results.length)), min: Math.min(...results), max: Math.max(...results) },
      zeroResults: results.filter((n) => n === 0).length,
      hits: mine.filter((d) => d.hit).length,
      hitRule: HIT_RULE[kind],
    };
  });
  const stoppedEarly = outcome.stoppedByTime
    ? `stopped by the ${opts.timeLimitS} s time limit after ${outcome.completed} of ${opts.requests} requests`
    : null;
  const phase: SearchPhase = {
    statistics: opts.statistics,
    warmupRequests: warmup.length,
    requested: opts.requests,
    completed: outcome.completed,
    stoppedEarly,
    clients: opts.clients,
    wallS: round(outcome.wallMs / 1000, 2),
    requestsPerS: round(outcome.completed / (outcome.wallMs / 1000)),
    latencyMs: latencyOf(done.map((d) => d.ms)),
    statusCodes,
    byKind,
  };
  problems.report(`search ${opts.label}`, opts.failures);
  if (stoppedEarly) opts.log(`  NOTE: search ${opts.label} ${stoppedEarly}`);
  opts.log(`  search ${opts.label}: p50 ${phase.latencyMs.p50} ms, p95 ${phase.latencyMs.p95} ms, p99 ${phase.latencyMs.p99} ms ` +
    `(${phase.completed} requests, ${opts.clients} clients, ${phase.requestsPerS} req/s)`);
  return phase;
}

async function recordPhase(opts: {
  base: string; cookie: string; record: LongRecord; requests: number; clients: number; timeLimitS: number;
  statistics: RecordPhase['statistics']; failures: string[]; label: string; log: (line: string) => void;
}): Promise<RecordPhase> {
  const url = `${opts.base}/children/${opts.record.childId}`;
  const problems = new Problems();
  const note = (text: string) => problems.note(text);
  const expectedRows = opts.record.events + 1;
  let tableRows = -1;
  let pageRows = -1;
  let pageKb = 0;
  const check = (res: Awaited<ReturnType<typeof get>>, what: string) => {
    if (res.status !== 200) return note(`${what}: status ${res.status} ${res.error ?? ''}`.trim());
    const rows = chronologyRows(res.body);
    if (tableRows < 0) {
      tableRows = rows;
      pageRows = countRows(res.body);
      pageKb = round(Buffer.byteLength(res.body) / 1024);
      if (!res.body.includes(`Everything (${opts.record.events} events)`)) note(`the page does not say "Everything (${opts.record.events} events)"`);
    }
    if (rows < 500 || rows !== expectedRows) note(`${what}: the chronology has ${rows} table rows, expected ${expectedRows} (a header and one per event, ≥ 500)`);
  };

  const warmup = Array.from({ length: WARMUP_RECORDS }, (_, i) => i);
  await runBounded(warmup, opts.clients, 120_000, async () => check(await get(url, opts.cookie), 'warm-up'));
  const ms: number[] = [];
  const statusCodes: Record<string, number> = {};
  const outcome = await runBounded(Array.from({ length: opts.requests }, (_, i) => i), opts.clients, opts.timeLimitS * 1000, async () => {
    const res = await get(url, opts.cookie);
    ms.push(res.ms);
    statusCodes[res.status] = (statusCodes[res.status] ?? 0) + 1;
    check(res, 'GET');
  });
  const stoppedEarly = outcome.stoppedByTime
    ? `stopped by the ${opts.timeLimitS} s time limit after ${outcome.completed} of ${opts.requests} requests`
    : null;
  problems.report(`record page ${opts.label}`, opts.failures);
  const phase: RecordPhase = {
    statistics: opts.statistics, childId: opts.record.childId, laChildId: opts.record.laChildId, events: opts.record.events, tableRows, pageRows, pageKb,
    warmupRequests: warmup.length, requested: opts.requests, completed: outcome.completed, stoppedEarly, clients: opts.clients,
    wallS: round(outcome.wallMs / 1000, 2), requestsPerS: round(outcome.completed / (outcome.wallMs / 1000)),
    latencyMs: latencyOf(ms), statusCodes,
  };
  if (stoppedEarly) opts.log(`  NOTE: record page ${opts.label} ${stoppedEarly}`);
  opts.log(`  record page ${opts.label}: ${tableRows} chronology table rows, ${pageRows} on the page (${pageKb} KB), p50 ${phase.latencyMs.p50} ms, p95 ${phase.latencyMs.p95} ms, ` +
    `p99 ${phase.latencyMs.p99} ms (${phase.completed} requests, ${opts.clients} clients)`);
  return phase;
}

async function withServer<T>(db: DbEnv, fn: (session: { base: string; cookie: string }) => Promise<T>, log: (line: string) => void, label: string): Promise<T> {
  const server = startServer({ command: 'node', port: await freePort(), db, logLevel: 'silent' });
  try {
    const session = await signedIn(server);
    return await fn(session);
  } catch (err) {
    if (err instanceof ServerFailed) throw err;
    throw new ServerFailed((err as Error).message, server.output());
  } finally {
    const stop = await server.stop();
    if (!stop.clean) log(`  warning: the ${label} server did not stop cleanly (code ${stop.code}, signal ${stop.signal})`);
  }
}

/**
 * Seeds a fresh database with `children` children in the demo partnership (timed), gives one child a
 * chronology of 500+ events, then measures the search and the record page through the server.
 * PGlite: measured first as seeded (no planner statistics: PGlite has no autovacuum and Beacon never
 * runs ANALYZE), then after ANALYZE. PostgreSQL: ANALYZE straight after seeding, as autovacuum would
 * do within a minute or so of the load, so that the figures do not depend on when it gets round to it.
 */
export async function childrenBench(opts: {
  dialect: 'pglite' | 'postgres';
  db: DbEnv;
  children: number;
  searchRequests: number;
  recordRequests: number;
  clients: number;
  /** Time limit of each measured run of requests. */
  timeLimitS: number;
  log: (line: string) => void;
}): Promise<ChildrenResult> {
  const { dialect, log } = opts;
  const today = new Date().toISOString().slice(0, 10);
  const failures: string[] = [];
  const sampleCount = WARMUP_SEARCHES_PER_KIND * KINDS.length + opts.searchRequests + 20;

  log(`  seeding ${opts.children.toLocaleString('en-GB')} children on ${dialect} (migrate, seedDemo with 200, seedChildren with the rest)…`);
  let handle = await openDb(opts.db);
  let seeded: Awaited<ReturnType<typeof seedPartnership>>;
  let longRecord: LongRecord;
  let longRecordMs: number;
  let analyzeMs: number | null = null;
  let samples: SampleChild[];
  let closeMs: number;
  try {
    seeded = await seedPartnership(handle.db, opts.children, today, log);
    log(`  seeded ${seeded.timings.children.toLocaleString('en-GB')} children in ${(seeded.timings.totalMs / 1000).toFixed(1)} s ` +
      `(seedChildren ${(seeded.timings.bulkMs / 1000).toFixed(1)} s; ${seeded.timings.childrenPerS} children/s with their journeys)`);
    const t = performance.now();
    longRecord = await addLongChronology(handle.db, seeded.partnershipId, today);
    longRecordMs = round(performance.now() - t, 0);
    log(`  gave ${longRecord.laChildId} a chronology of ${longRecord.events} events`);
    samples = await sampleChildren(handle.db, seeded.partnershipId, sampleCount);
    if (samples.length < KINDS.length * 3) throw new Error(`only ${samples.length} children to take queries from`);
    if (dialect === 'postgres') {
      analyzeMs = await analyze(handle.db);
      log(`  ANALYZE: ${analyzeMs} ms`);
    }
  } finally {
    // The server is a second process: the embedded database must be closed (and its lock released) first.
    const t = performance.now();
    await handle.close();
    closeMs = round(performance.now() - t, 0);
  }
  const explainQueries = KINDS.map((kind) => {
    const r = searchRequests(samples, KINDS.length, WARMUP_SEARCHES_PER_KIND * KINDS.length + 7).find((x) => x.kind === kind)!;
    return { kind, q: r.q };
  });

  const search: SearchPhase[] = [];
  const record: RecordPhase[] = [];
  const plans: PlanSummary[] = [];
  const firstStats = dialect === 'postgres' ? 'analyzed' : 'none';
  const statsLabel = (s: 'none' | 'analyzed') => (s === 'none' ? 'no statistics' : 'after ANALYZE');

  await withServer(opts.db, async ({ base, cookie }) => {
    search.push(await searchPhase({
      base, cookie, samples, requests: opts.searchRequests, clients: opts.clients, timeLimitS: opts.timeLimitS,
      statistics: firstStats, failures, label: `${dialect}, ${statsLabel(firstStats)}`, log,
    }));
    record.push(await recordPhase({
      base, cookie, record: longRecord, requests: opts.recordRequests, clients: opts.clients, timeLimitS: opts.timeLimitS,
      statistics: firstStats, failures, label: `${dialect}, ${statsLabel(firstStats)}`, log,
    }));
  }, log, dialect);

  handle = await openDb(opts.db);
  try {
    plans.push(...await explainSearches(handle.db, seeded.partnershipId, explainQueries, firstStats, firstStats === 'none' ? 1 : 3));
    if (dialect === 'pglite') {
      analyzeMs = await analyze(handle.db);
      log(`  ANALYZE: ${analyzeMs} ms`);
      plans.push(...await explainSearches(handle.db, seeded.partnershipId, explainQueries, 'analyzed', 3));
    }
  } finally {
    await handle.close();
  }
  log(`  EXPLAIN ANALYZE (ms): ${plans.map((p) => `${p.kind}${p.statistics === 'none' ? ' (no stats)' : ''} ${p.executionMs}`).join(', ')}`);

  if (dialect === 'pglite') {
    await withServer(opts.db, async ({ base, cookie }) => {
      search.push(await searchPhase({
        base, cookie, samples, requests: opts.searchRequests, clients: opts.clients, timeLimitS: opts.timeLimitS,
        statistics: 'analyzed', failures, label: `${dialect}, ${statsLabel('analyzed')}`, log,
      }));
      record.push(await recordPhase({
        base, cookie, record: longRecord, requests: opts.recordRequests, clients: opts.clients, timeLimitS: opts.timeLimitS,
        statistics: 'analyzed', failures, label: `${dialect}, ${statsLabel('analyzed')}`, log,
      }));
    }, log, `${dialect} (after ANALYZE)`);
  }

  return {
    dialect, user: USER, requestedChildren: opts.children,
    seeding: { ...seeded.timings, longRecordMs, analyzeMs, closeMs },
    longRecord, search, record, plans, failures,
  };
}
