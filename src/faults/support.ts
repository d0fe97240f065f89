import childProcess, { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createDb, pgliteExtensions, type Db, type DbHandle } from '../db/create-db';
import { migrateToLatest } from '../db/migrate';
import type { Database } from '../db/schema';
import { addAgency } from '../features/agencies/agencies.service';
import { addPartnership } from '../features/partnerships/partnerships.service';
import { hashPassword } from '../features/users/password-policy';
import { createSession } from '../platform/sessions';

/**
 * What the fault tests share: real processes (the `beacon` command, the server) started in process groups
 * of their own and killed with SIGKILL, every wait bounded, and the databases they run on: a PGlite data
 * directory copied from a ready-made one, or a database of its own on the test PostgreSQL server.
 */

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A whole number from the environment, for the sizes CI keeps small. */
export function envInt(name: string, fallback: number): number {
  const n = Number.parseInt(process.env[name] ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** Polls `check` until it gives a value, failing after `timeoutMs` with what was awaited. */
export async function waitFor<T>(what: string, check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  opts: { timeoutMs?: number; intervalMs?: number; detail?: () => string } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Waited ${opts.timeoutMs ?? 30_000} ms for ${what}${opts.detail ? `\n${opts.detail()}` : ''}`);
    await sleep(opts.intervalMs ?? 20);
  }
}

/** Settings of Beacon's own that must not leak in from the shell running the tests. */
const OWN_SETTINGS = /^(BEACON_|DATABASE_URL$|PORT$|HOST$|SMTP_URL$|SESSION_|LOG_LEVEL$|PUBLIC_URL$)/;

function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!OWN_SETTINGS.test(k)) out[k] = v;
  return { ...out, NODE_ENV: 'test', BEACON_SEED_DEMO: 'false', ...env };
}

/** Every process a test started: killed, whole groups, by killAll (afterAll) whatever happened. */
const started = new Set<Proc>();

export class Proc {
  private out = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private done: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  constructor(private readonly child: ChildProcess, private readonly marker: string) {
    child.stdout?.on('data', (d: Buffer) => { this.out += d.toString('utf8'); });
    child.stderr?.on('data', (d: Buffer) => { this.out += d.toString('utf8'); });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => { this.done = { code, signal }; resolve(this.done); });
      child.once('error', (err) => { this.out += `\n[spawn error] ${err.message}`; this.done = { code: null, signal: null }; resolve(this.done); });
    });
    started.add(this);
  }

  get pid() { return this.child.pid ?? -1; }
  output() { return this.out; }
  exitInfo() { return this.done; }

  /**
   * The node process doing the work: the spawned one, or (under `script`, which gives it a terminal
   * in a session of its own) its descendant whose command line holds the marker.
   */
  workerPid(): number | null {
    const all = processTable();
    const mine = new Set([this.pid]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const p of all) if (mine.has(p.ppid) && !mine.has(p.pid)) { mine.add(p.pid); grew = true; }
    }
    for (const p of all) if (mine.has(p.pid) && p.cmdline.some((a) => a.endsWith(this.marker)) && p.cmdline[0]?.endsWith('node')) return p.pid;
    return null;
  }

  /**
   * How far the worker has read `file` (its largest offset in any descriptor open on it), or null when it
   * has the file open nowhere: a sign of progress that needs no output, read from /proc.
   */
  readingAt(file: string): number | null {
    const pid = this.workerPid();
    if (!pid) return null;
    let at: number | null = null;
    try {
      for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
        try {
          if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`) !== file) continue;
          const pos = Number(/pos:\s*(\d+)/.exec(fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'))?.[1]);
          at = Math.max(at ?? 0, pos);
        } catch { /* closed meanwhile */ }
      }
    } catch { /* the process has gone */ }
    return at;
  }

  /**
   * kill -9 of the worker; its parent (`script`) reaps it and ends, as a service manager would, or is
   * killed with the rest of its group after a few seconds. Waits, bounded, for the exit.
   */
  async kill9() {
    const worker = this.workerPid();
    if (worker && worker !== this.pid) {
      try { process.kill(worker, 'SIGKILL'); } catch { /* gone */ }
      await Promise.race([this.exited, sleep(5_000)]);
    }
    try { process.kill(-this.pid, 'SIGKILL'); } catch { /* gone */ }
    await Promise.race([this.exited, sleep(10_000)]);
    started.delete(this);
  }

  async waitExit(timeoutMs: number) {
    const info = await Promise.race([this.exited, sleep(timeoutMs).then(() => null)]);
    if (!info) {
      await this.kill9();
      throw new Error(`the process did not finish within ${timeoutMs} ms; its output:\n${this.out.slice(-3000)}`);
    }
    started.delete(this);
    return { ...info, output: this.out };
  }
}

type ProcRow = { pid: number; ppid: number; cmdline: string[] };

function processTable(): ProcRow[] {
  const rows: ProcRow[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      rows.push({ pid: Number(name), ppid, cmdline: fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0') });
    } catch { /* gone meanwhile */ }
  }
  return rows;
}

export async function killAll() {
  await Promise.all([...started].map((p) => p.kill9()));
}

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/**
 * `beacon <args>` in a new process, as a person runs it. With `tty`, under `script`, so that it has a
 * terminal and draws its progress bar, which tells the test where it has got to.
 */
export function beacon(args: string[], env: Record<string, string>, opts: { tty?: boolean } = {}): Proc {
  const argv = [process.execPath, path.join(root, 'bin', 'beacon.js'), ...args];
  const child = opts.tty
    ? spawn('script', ['-qfec', argv.map(quote).join(' '), '/dev/null'], { cwd: root, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    : spawn(argv[0]!, argv.slice(1), { cwd: root, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  return new Proc(child, path.join('bin', 'beacon.js'));
}

/** The server as `npm start` runs it (node --import tsx src/server.ts), on 127.0.0.1:port. */
export function server(port: number, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'],
    { cwd: root, env: childEnv({ PORT: String(port), HOST: '127.0.0.1', ...env }), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  return new Proc(child, 'src/server.ts');
}

export async function waitForHealth(proc: Proc, port: number, timeoutMs = 60_000) {
  await waitFor('the server to answer /health', async () => {
    const exit = proc.exitInfo();
    if (exit) throw new Error(`the server exited (${exit.code ?? exit.signal}) before answering:\n${proc.output().slice(-3000)}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      return res.status === 200;
    } catch { return false; }
  }, { timeoutMs, intervalMs: 100, detail: () => proc.output().slice(-3000) });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no free port'))));
    });
  });
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `beacon-faults-${prefix}-`));
}

// ---------------------------------------------------------------------------------------------------------
// Databases

/** Where a test's database is: the environment for `beacon` and the server, and a way to open it here. */
export type FaultDb = {
  dialect: 'pglite' | 'postgres';
  env: Record<string, string>;
  open(): Promise<DbHandle>;
  drop(): Promise<void>;
};

/**
 * A ready-made PGlite data directory, `initialised` (an empty database) or `migrated`, made once for the
 * migrations as they are (by whichever test comes first, under a lock) and copied for each test: making
 * one from nothing takes PGlite's initdb, several seconds.
 */
async function pgliteTemplate(stage: 'initialised' | 'migrated'): Promise<string> {
  const migrations = path.join(root, 'src', 'db', 'migrations');
  const digest = crypto.createHash('sha256');
  for (const f of fs.readdirSync(migrations).sort()) digest.update(f).update(fs.readFileSync(path.join(migrations, f)));
  digest.update(JSON.parse(fs.readFileSync(path.join(root, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')).version);
  const cache = path.join(root, 'node_modules', '.cache', 'beacon-faults');
  const dir = path.join(cache, digest.digest('hex').slice(0, 16));
  const lock = `${dir}.lock`;
  fs.mkdirSync(cache, { recursive: true });
  await waitFor('the PGlite template lock', () => {
    if (fs.existsSync(path.join(dir, 'done'))) return true;
    try { fs.mkdirSync(lock); return true; } catch { /* another test makes it */ }
    // A lock left by a run that was stopped half-way.
    try { if (Date.now() - fs.statSync(lock).mtimeMs > 180_000) fs.rmSync(lock, { recursive: true, force: true }); } catch { /* gone */ }
    return false;
  }, { timeoutMs: 180_000, intervalMs: 200 });
  try {
    if (!fs.existsSync(path.join(dir, 'done'))) {
      fs.rmSync(dir, { recursive: true, force: true });
      const memory = await PGlite.create({ extensions: pgliteExtensions });
      const empty = (await memory.dumpDataDir('none')) as Blob;
      await memory.close();
      for (const s of ['initialised', 'migrated'] as const) {
        fs.mkdirSync(path.join(dir, s), { recursive: true });
        const pglite = await PGlite.create({ dataDir: path.join(dir, s, 'pglite'), loadDataDir: empty, extensions: pgliteExtensions });
        await pglite.close();
      }
      const h = await createDb({ dataDir: path.join(dir, 'migrated') });
      await migrateToLatest(h.db);
      await h.close();
      fs.writeFileSync(path.join(dir, 'done'), '');
    }
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
  return path.join(dir, stage);
}

export async function pgliteDb(dataDir: string, stage: 'initialised' | 'migrated' | 'none'): Promise<FaultDb> {
  if (stage !== 'none') fs.cpSync(await pgliteTemplate(stage), dataDir, { recursive: true });
  else fs.mkdirSync(dataDir, { recursive: true });
  return {
    dialect: 'pglite',
    env: { BEACON_DATA_DIR: dataDir },
    open: () => createDb({ dataDir }),
    drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** One statement on the server's admin database, on a connection of its own. */
export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

let counter = 0;

/** A database of its own on the server at adminUrl (TEST_DATABASE_URL): empty, or migrated. */
export async function postgresDb(adminUrl: string, stage: 'empty' | 'migrated'): Promise<FaultDb> {
  const name = `beacon_faults_${process.pid}_${Date.now()}_${counter++}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const url = withDatabase(adminUrl, name);
  if (stage === 'migrated') {
    const h = await createDb({ databaseUrl: url });
    try { await migrateToLatest(h.db); } finally { await h.close(); }
  }
  return {
    dialect: 'postgres',
    env: { DATABASE_URL: url },
    open: () => createDb({ databaseUrl: url }),
    drop: () => adminQuery(adminUrl, `drop database if exists ${name} with (force)`).then(() => undefined),
  };
}

/** The databases a fault test runs on: PGlite, and PostgreSQL when TEST_DATABASE_URL names a server. */
export function faultDialects(): ('pglite' | 'postgres')[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export async function faultDb(dialect: 'pglite' | 'postgres', stage: 'empty' | 'migrated'): Promise<FaultDb> {
  if (dialect === 'postgres') return postgresDb(process.env.TEST_DATABASE_URL!, stage);
  const dir = tempDir('db');
  const db = await pgliteDb(path.join(dir, 'data'), stage === 'empty' ? 'initialised' : 'migrated');
  return { ...db, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Opens the database, runs fn, and closes it. */
export async function withOpen<T>(db: FaultDb, fn: (db: Db) => Promise<T>): Promise<T> {
  const h = await db.open();
  try {
    return await fn(h.db);
  } finally {
    await h.close();
  }
}

/**
 * The schema as the database describes it: every column, constraint, index, function and trigger of the
 * current schema, and the migrations recorded, one line each, sorted. Two databases with the same lines
 * have the same schema.
 */
export async function schemaOf(db: Db | Kysely<Database>): Promise<string[]> {
  const q = async (query: ReturnType<typeof sql<{ line: string }>>) => (await query.execute(db)).rows.map((r) => r.line);
  const lines = [
    ...await q(sql<{ line: string }>`select concat_ws(' ', 'column', table_name, column_name, data_type, is_nullable, column_default) as line
      from information_schema.columns where table_schema = current_schema()`),
    ...await q(sql<{ line: string }>`select concat_ws(' ', 'constraint', c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)) as line
      from pg_constraint c join pg_namespace n on n.oid = c.connamespace where n.nspname = current_schema()`),
    ...await q(sql<{ line: string }>`select concat_ws(' ', 'index', indexdef) as line from pg_indexes where schemaname = current_schema()`),
    ...await q(sql<{ line: string }>`select concat_ws(' ', 'function', p.proname, pg_get_function_identity_arguments(p.oid), md5(p.prosrc)) as line
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = current_schema()`),
    ...await q(sql<{ line: string }>`select concat_ws(' ', 'trigger', tgrelid::regclass::text, tgname) as line
      from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and not t.tgisinternal`),
    ...await q(sql<{ line: string }>`select concat_ws(' ', 'extension', extname) as line from pg_extension`),
    ...await q(sql<{ line: string }>`select concat_ws(' ', 'migration', name) as line from kysely_migration`),
  ];
  return lines.sort();
}

/** A Kysely on a database URL, for a reference schema. */
export function kyselyOn(url: string): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) });
}

// ---------------------------------------------------------------------------------------------------------
// People signed in, and a browser's requests

export type People = { partnershipId: number; agencyId: number; users: { id: number; email: string; token: string }[] };

/**
 * A partnership with `n` practitioners, each with a session already signed in (as the sign-in forms would
 * leave it: how they sign in is not what these tests are about).
 */
export async function signedInPeople(db: Db, n: number): Promise<People> {
  const p = await addPartnership(db, { laCode: '990', name: 'Northmere Safeguarding Children Partnership' });
  const agency = await addAgency(db, p.id, { name: 'Northmere Council', type: 'local_authority', emailDomains: 'northmere.gov.uk' });
  const passwordHash = await hashPassword('a-password-no-one-signs-in-with');
  const rows = await db.insertInto('app_user').values(Array.from({ length: n }, (_, i) => ({
    email: `learner${i + 1}@northmere.gov.uk`, name: `Learner ${i + 1}`, agency_id: agency.id, password_hash: passwordHash, status: 'active' as const,
    email_verified_at: new Date(), last_partnership_id: p.id,
  }))).returning(['id', 'email']).execute();
  await db.insertInto('membership').values(rows.map((u) => ({ user_id: u.id, partnership_id: p.id, role: 'practitioner' }))).execute();
  const users = [];
  for (const u of rows) users.push({ ...u, token: await createSession(db, u.id, { mfaPassed: true, partnershipId: p.id }, new Date()) });
  return { partnershipId: p.id, agencyId: agency.id, users };
}

/** One person's browser: their cookies (the session, the CSRF secret), and the form token of the last page. */
export class Browser {
  private cookies = new Map<string, string>();
  csrf: string | null = null;

  constructor(readonly base: string, sessionToken: string) {
    this.cookies.set('beacon_session', sessionToken);
  }

  private take(res: Response) {
    for (const header of res.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const eq = pair!.indexOf('=');
      if (eq > 0) this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  }

  async get(pathname: string, timeoutMs = 10_000) {
    const res = await fetch(this.base + pathname, { headers: { cookie: this.header() }, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    this.take(res);
    const body = await res.text();
    this.csrf = /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? this.csrf;
    return { status: res.status, body };
  }

  async post(pathname: string, form: Record<string, string> = {}, timeoutMs = 30_000) {
    const res = await fetch(this.base + pathname, {
      method: 'POST', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs),
      headers: { cookie: this.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: this.csrf ?? '', ...form }).toString(),
    });
    this.take(res);
    return { status: res.status, location: res.headers.get('location'), body: await res.text() };
  }

  private header() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }
}

// ---------------------------------------------------------------------------------------------------------
// A PostgreSQL 15 cluster of the test's own, to stop and start at will (never the shared test server)

export type Cluster = {
  url: string;
  /** pg_ctl with these arguments (-D and -w added), as the cluster's owner. */
  ctl(...args: string[]): Promise<void>;
  destroy(): Promise<void>;
};

function pgBin(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/lib/postgresql/15/bin'];
  return dirs.find((d) => fs.existsSync(path.join(d, 'initdb')) && fs.existsSync(path.join(d, 'pg_ctl'))) ?? null;
}

/** Why a cluster of the test's own cannot be made here, or null when it can. */
export function clusterUnavailable(): string | null {
  if (!pgBin()) return 'initdb and pg_ctl (PostgreSQL 15) are not installed';
  if (process.getuid?.() === 0 && spawnSyncOk('id', ['postgres']) === false) return 'running as root with no postgres user to own the cluster';
  return null;
}

function spawnSyncOk(cmd: string, args: string[]): boolean {
  const { status } = childProcess.spawnSync(cmd, args, { stdio: 'ignore' });
  return status === 0;
}

/** Runs a PostgreSQL program as the cluster's owner (postgres, when this is root: initdb refuses root). */
function asOwner(cmd: string, args: string[], timeoutMs = 60_000): Promise<string> {
  const [file, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out); else reject(new Error(`${cmd} ${args.join(' ')} failed (${code}):\n${out}`));
    });
  });
}

export async function startCluster(): Promise<Cluster> {
  const bin = pgBin()!;
  const dir = tempDir('pg');
  if (process.getuid?.() === 0) fs.chownSync(dir, Number(childProcess.execFileSync('id', ['-u', 'postgres']).toString()), Number(childProcess.execFileSync('id', ['-g', 'postgres']).toString()));
  fs.chmodSync(dir, 0o700);
  const data = path.join(dir, 'data');
  const port = await freePort();
  await asOwner(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--auth=trust', '--no-sync']);
  const opts = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c full_page_writes=off`;
  const ctl = async (...args: string[]) => { await asOwner(path.join(bin, 'pg_ctl'), [...args, '-D', data, '-w', '-t', '60', ...(args[0] === 'start' || args[0] === 'restart' ? ['-o', opts, '-l', path.join(dir, 'log')] : [])]); };
  await ctl('start');
  const cluster: Cluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    ctl,
    destroy: async () => {
      clusters.delete(cluster);
      await ctl('stop', '-m', 'immediate').catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  clusters.add(cluster);
  return cluster;
}

const clusters = new Set<Cluster>();

/** Stops every cluster a test started: for afterAll, whatever happened. */
export async function destroyClusters() {
  await Promise.all([...clusters].map((c) => c.destroy()));
}
