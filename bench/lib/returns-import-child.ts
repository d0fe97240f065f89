/**
 * One measured step of the returns benchmark, in a process of its own so that its memory is the step's
 * alone (bench/lib/returns.ts spawns it as `node --import tsx bench/lib/returns-import-child.ts '<json>'`):
 *  - `cin`: runImport of a CIN census file with createCinImporter into a migrated database holding the
 *    partnership; the check and load passes are timed by wrapping the importer.
 *  - `903`: the same with create903Importer and every CSV of the set, when that importer exists.
 *  - `validate`: no database: reading the file alone (readCinCensus), then reading it with
 *    createCinValidator judging each child, in this process.
 * Writes one line `RESULT <json>` to stdout; anything else goes to stderr.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createDb, type DbHandle } from '../../src/db/create-db';
import { createCinImporter } from '../../src/features/returns/cin-census.import';
import { readCinCensus } from '../../src/features/returns/cin-census.parser';
import { createCinValidator, type CinValidator } from '../../src/features/returns/cin-census.validate';
import { runImport, type ImportOutcome, type ReturnFile, type ReturnImporter } from '../../src/features/returns/import-run';

export type ChildTask =
  | { mode: 'cin'; db: { databaseUrl: string } | { dataDir: string }; partnershipId: number; laCode: string; files: string[] }
  | { mode: '903'; db: { databaseUrl: string } | { dataDir: string }; partnershipId: number; collectionYear: number; files: string[] }
  | { mode: 'validate'; files: string[] };

export type ChildMemory = {
  /**
   * The peak resident set of this process since it started (VmHWM of /proc/self/status), start-up
   * included: the figure to judge the step by.
   */
  peakRssKb: number;
  /**
   * process.resourceUsage().maxRSS. On Linux it is carried over from the process that spawned this one
   * (the bench's own resident set when it forked), so it is never below that: an upper bound only.
   */
  maxRssKb: number;
  /** The embedded database's WebAssembly memory (PGlite's Postgres heap, shared buffers and all), peak (MB); null on PostgreSQL. */
  peakWasmMb: number | null;
  baselineWasmMb: number | null;
  /** Peaks of process.memoryUsage(), sampled every 100 ms (MB). */
  peakHeapUsedMb: number;
  peakRssSampledMb: number;
  peakExternalMb: number;
  /** After start-up and opening the database, before the step (MB). */
  baselineRssMb: number;
  baselineHeapUsedMb: number;
};

export type ImportChildResult = {
  mode: 'cin' | '903';
  available: true;
  outcome: ImportOutcome['outcome'];
  totalMs: number;
  checkMs: number;
  loadMs: number;
  /** Recording the run, saving the findings left after the check, linking them to the children. */
  otherMs: number;
  /** Peaks of heapUsed in each pass (MB), garbage not yet collected included. */
  checkPeakHeapMb: number;
  loadPeakHeapMb: number;
  errors: number;
  queries: number;
  findingsByRule: Record<string, number>;
  counts: ImportOutcome['counts'];
  summary: Record<string, unknown>;
  memory: ChildMemory;
};
export type Unavailable = { mode: '903'; available: false; reason: string };
export type ValidateChildResult = {
  mode: 'validate';
  children: number;
  parseMs: number;
  parseValidateMs: number;
  /** Time inside validator.child() and finish() alone, within parseValidateMs. */
  validatorMs: number;
  findings: number;
  findingsByRule: Record<string, number>;
  peakHeapParseMb: number;
  peakHeapValidateMb: number;
  memory: ChildMemory;
};
export type ChildResult = ImportChildResult | Unavailable | ValidateChildResult;

const MB = 2 ** 20;
const mb = (n: number) => Math.round((n / MB) * 10) / 10;

class Sampler {
  heap = 0;
  /** The peak heap since the last mark(). */
  private phaseHeap = 0;
  rss = 0;
  external = 0;
  wasm: number | null = null;
  /** The embedded database's WebAssembly memory, in bytes. */
  wasmSize: (() => number | null) | null = null;
  private timer: NodeJS.Timeout | undefined;
  start() {
    this.sample();
    this.timer = setInterval(() => this.sample(), 100);
  }
  sample() {
    const m = process.memoryUsage();
    this.heap = Math.max(this.heap, m.heapUsed);
    this.phaseHeap = Math.max(this.phaseHeap, m.heapUsed);
    this.rss = Math.max(this.rss, m.rss);
    this.external = Math.max(this.external, m.external);
    const w = this.wasmSize?.() ?? null;
    if (w !== null) this.wasm = Math.max(this.wasm ?? 0, w);
  }
  /** The peak heap since the last mark (MB), starting a new phase. */
  mark(): number { this.sample(); const h = this.phaseHeap; this.phaseHeap = 0; return mb(h); }
  stop() { clearInterval(this.timer); this.sample(); }
}

const fileOf = (file: string): ReturnFile => ({ name: path.basename(file), size: fs.statSync(file).size, open: () => fs.createReadStream(file) });

type Phases = { checkMs: number; loadMs: number; checkPeakHeapMb: number; loadPeakHeapMb: number };

function timed(inner: ReturnImporter, t: Phases, sampler: Sampler): ReturnImporter {
  return {
    kind: inner.kind,
    async check(...args) {
      sampler.mark();
      const s = performance.now();
      try { return await inner.check(...args); } finally { t.checkMs += performance.now() - s; t.checkPeakHeapMb = sampler.mark(); }
    },
    async load(...args) {
      const s = performance.now();
      try { return await inner.load(...args); } finally { t.loadMs += performance.now() - s; t.loadPeakHeapMb = sampler.mark(); }
    },
  };
}

async function importStep(task: Extract<ChildTask, { mode: 'cin' | '903' }>, sampler: Sampler): Promise<ImportChildResult | Unavailable> {
  let importer: ReturnImporter;
  if (task.mode === 'cin') {
    importer = createCinImporter({ partnershipId: task.partnershipId, laCode: task.laCode });
  } else {
    // The 903 importer is being written alongside this benchmark: it is looked for at run time.
    const where = new URL('../../src/features/returns/ssda903.import.ts', import.meta.url);
    if (!fs.existsSync(where)) return { mode: '903', available: false, reason: 'src/features/returns/ssda903.import.ts does not exist' };
    let mod: { create903Importer?: (input: { partnershipId: number; collectionYear: number }) => ReturnImporter };
    try {
      mod = (await import(where.href)) as typeof mod;
    } catch (err) {
      const root = fileURLToPath(new URL('../..', import.meta.url));
      return { mode: '903', available: false, reason: `ssda903.import.ts cannot be loaded: ${(err as Error).message.split('\n')[0]!.split(root).join('<repo>/')}` };
    }
    if (typeof mod.create903Importer !== 'function') return { mode: '903', available: false, reason: 'ssda903.import.ts exports no create903Importer' };
    importer = mod.create903Importer({ partnershipId: task.partnershipId, collectionYear: task.collectionYear });
  }
  const handle: DbHandle = await createDb(task.db);
  try {
    const mod = (handle.pglite as unknown as { mod?: { HEAPU8?: Uint8Array } } | undefined)?.mod;
    if (mod?.HEAPU8) sampler.wasmSize = () => mod.HEAPU8?.byteLength ?? null;
    const baselineWasm = sampler.wasmSize?.() ?? null;
    sampler.sample();
    const baseline = process.memoryUsage();
    sampler.start();
    const phases: Phases = { checkMs: 0, loadMs: 0, checkPeakHeapMb: 0, loadPeakHeapMb: 0 };
    const started = performance.now();
    const outcome = await runImport(handle.db, timed(importer, phases, sampler), { partnershipId: task.partnershipId, files: task.files.map(fileOf), importedBy: 'bench' });
    const totalMs = performance.now() - started;
    sampler.stop();
    const byRule = await handle.db.selectFrom('validation_issue').select(['rule', sql<number>`count(*)::int`.as('n')])
      .where('import_run_id', '=', outcome.runId).groupBy('rule').orderBy('rule').execute();
    return {
      mode: task.mode, available: true, outcome: outcome.outcome,
      totalMs: Math.round(totalMs), checkMs: Math.round(phases.checkMs), loadMs: Math.round(phases.loadMs),
      otherMs: Math.round(totalMs - phases.checkMs - phases.loadMs), checkPeakHeapMb: phases.checkPeakHeapMb, loadPeakHeapMb: phases.loadPeakHeapMb,
      errors: outcome.errors, queries: outcome.queries, findingsByRule: Object.fromEntries(byRule.map((r) => [r.rule, Number(r.n)])),
      counts: outcome.counts, summary: outcome.summary, memory: memory(sampler, baseline, baselineWasm),
    };
  } finally {
    await handle.close();
  }
}

async function validateStep(file: string, sampler: Sampler): Promise<ValidateChildResult> {
  const baseline = process.memoryUsage();
  sampler.start();
  let started = performance.now();
  const parsed = await readCinCensus(fs.createReadStream(file), () => undefined);
  const parseMs = performance.now() - started;
  const peakHeapParse = sampler.mark();

  let validator: CinValidator | null = null;
  let validatorMs = 0;
  const findingsByRule: Record<string, number> = {};
  const count = (issues: { rule: string }[]) => { for (const i of issues) findingsByRule[i.rule] = (findingsByRule[i.rule] ?? 0) + 1; };
  started = performance.now();
  await readCinCensus(fs.createReadStream(file), (record) => {
    const s = performance.now();
    validator ??= createCinValidator(record.header);
    count(validator.child(record));
    validatorMs += performance.now() - s;
  });
  const s = performance.now();
  if (validator) count((validator as CinValidator).finish());
  validatorMs += performance.now() - s;
  const parseValidateMs = performance.now() - started;
  sampler.stop();
  return {
    mode: 'validate', children: parsed.children, parseMs: Math.round(parseMs), parseValidateMs: Math.round(parseValidateMs), validatorMs: Math.round(validatorMs),
    findings: Object.values(findingsByRule).reduce((a, b) => a + b, 0), findingsByRule,
    peakHeapParseMb: peakHeapParse, peakHeapValidateMb: sampler.mark(), memory: memory(sampler, baseline),
  };
}

/** VmHWM of /proc/self/status in kB (Linux); the sampled peak elsewhere. */
function ownPeakRssKb(sampled: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch { /* not Linux */ }
  return Math.round(sampled / 1024);
}

function memory(sampler: Sampler, baseline: NodeJS.MemoryUsage, baselineWasm: number | null = null): ChildMemory {
  return {
    peakRssKb: ownPeakRssKb(sampler.rss),
    maxRssKb: process.resourceUsage().maxRSS,
    peakWasmMb: sampler.wasm === null ? null : mb(sampler.wasm), baselineWasmMb: baselineWasm === null ? null : mb(baselineWasm),
    peakHeapUsedMb: mb(sampler.heap), peakRssSampledMb: mb(sampler.rss), peakExternalMb: mb(sampler.external),
    baselineRssMb: mb(baseline.rss), baselineHeapUsedMb: mb(baseline.heapUsed),
  };
}

async function main() {
  const task = JSON.parse(process.argv[2] ?? '{}') as ChildTask;
  const sampler = new Sampler();
  const result: ChildResult = task.mode === 'validate' ? await validateStep(task.files[0]!, sampler) : await importStep(task, sampler);
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

main().catch((err) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : err);
  process.exit(1);
});
