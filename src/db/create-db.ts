import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Kysely, PGliteDialect, PostgresDialect, type KyselyPlugin } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import type { Database } from './schema';

export type Db = Kysely<Database>;

export type DbConfig = {
  /** unset: embedded PGlite in dataDir; `memory://`: in-memory PGlite; `postgres://...`: a server. */
  databaseUrl?: string | undefined;
  dataDir?: string;
};

export type DbHandle = {
  db: Db;
  dialect: 'pglite' | 'postgres';
  describe: string;
  /** The embedded engine itself, for a dump (tests, backups). */
  pglite?: PGlite;
  close(): Promise<void>;
};

/** The embedded database is open in another process: the caller should stop, not wait. */
export class DatabaseInUse extends Error {}

const DATE_OID = 1082;
const INT8_OID = 20;
// Dates stay ISO strings (YYYY-MM-DD) as the domain uses them; bigints fit in a number here.
export const typeParsers = { [DATE_OID]: (v: string) => v, [INT8_OID]: (v: string) => Number(v) };

/** The extensions the schema uses (name search), bundled with PGlite; a server needs PostgreSQL's contrib modules. */
export const pgliteExtensions = { pg_trgm, fuzzystrmatch };

/**
 * PGlite runs each query inside this process, and a query waiting for it is handed its turn in a microtask:
 * under load, query follows query without the event loop ever reaching its I/O phase, so that whatever
 * waits on the network (a new connection, an SMTP server's reply) waits until no query is left. Once
 * queries have run for more than STARVED_MS with no turn of the event loop, the next result is handed
 * back after one, which serves the I/O waiting meanwhile.
 */
const STARVED_MS = 10;
let lastTurn = performance.now();
let watching = false;
export const yieldToIo: KyselyPlugin = {
  transformQuery: (args) => args.node,
  async transformResult(args) {
    if (!watching) {
      watching = true;
      setImmediate(() => { lastTurn = performance.now(); watching = false; });
    }
    if (performance.now() - lastTurn > STARVED_MS) await new Promise<void>((resolve) => { setImmediate(resolve); });
    return args.result;
  },
};

export async function createDb(config: DbConfig): Promise<DbHandle> {
  const url = config.databaseUrl;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      // A server that does not answer (down, restarting, unreachable) fails the request within seconds rather than holding it.
      connectionTimeoutMillis: 5_000,
      types: { getTypeParser: ((oid: number, format?: string) =>
        (typeParsers as Record<number, (v: string) => unknown>)[oid] ?? pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser },
    });
    // A connection the server ends (a restart, an administrator) is an 'error' event: unheard, it would end the process.
    // Idle in the pool, the pool hears it and drops the connection. Taken out by a request between two statements, the
    // connection hears it itself: the request's next statement then fails (a 503), and the pool drops it on its return.
    pool.on('error', (err) => console.error(`A database connection was closed: ${err.message}`));
    pool.on('connect', (client) => client.on('error', () => undefined));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const safe = new URL(url);
    return { db, dialect: 'postgres', describe: `PostgreSQL at ${safe.host}${safe.pathname}`, close: () => db.destroy() };
  }
  if (url && url !== 'memory://') {
    throw new Error(`DATABASE_URL must be unset, memory:// or postgres://…; got a value starting "${url.slice(0, 12)}"`);
  }
  if (url === 'memory://') {
    const pglite = await PGlite.create({ parsers: typeParsers, extensions: pgliteExtensions });
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), plugins: [yieldToIo] });
    return { db, dialect: 'pglite', describe: 'in-memory PGlite', pglite, close: () => db.destroy() };
  }
  const dataDir = path.resolve(config.dataDir ?? './data');
  fs.mkdirSync(dataDir, { recursive: true });
  const release = takeDataDirLock(dataDir);
  try {
    const pglite = await PGlite.create({ dataDir: path.join(dataDir, 'pglite'), parsers: typeParsers, extensions: pgliteExtensions });
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), plugins: [yieldToIo] });
    return {
      db,
      dialect: 'pglite',
      describe: `embedded PGlite in ${dataDir}`,
      pglite,
      close: async () => { await db.destroy(); release(); },
    };
  } catch (err) {
    release();
    throw err;
  }
}

/**
 * PGlite has no locking of its own: two processes on one data directory would corrupt it.
 * A lock file holding the owner's pid keeps a second process out; a stale one (dead pid) is taken over.
 */
function takeDataDirLock(dataDir: string): () => void {
  const lockFile = path.join(dataDir, 'beacon.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      const onExit = () => fs.rmSync(lockFile, { force: true });
      process.once('exit', onExit);
      return () => { process.off('exit', onExit); fs.rmSync(lockFile, { force: true }); };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(lockFile, 'utf8'));
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new DatabaseInUse(
          `The embedded database in ${dataDir} is in use by another Beacon process (pid ${pid}), ` +
          'usually the server started by npm start. Stop it first, or run Beacon on a PostgreSQL server (DATABASE_URL).');
      }
      fs.rmSync(lockFile, { force: true });
    }
  }
  throw new DatabaseInUse(`Could not take the lock on the embedded database in ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A process killed (kill -9) whose parent has not yet reaped it still answers, but holds nothing.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}
