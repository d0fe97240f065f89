import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { beacon, faultDb, faultDialects, killAll, schemaOf, waitFor, withOpen, type FaultDb, type Proc } from './support';

/**
 * kill -9 of `beacon db migrate` on an empty database, at points part-way through the migrations, then
 * run again until it completes: the schema is then exactly a fresh migration's. Beacon's migrations run
 * in one transaction, so a killed run leaves none of them applied. The points are how many relations the
 * run has made so far: files in the data directory (PGlite), or the relation locks its transaction holds
 * (PostgreSQL). FAULTS_MIGRATE_POINTS sets them (comma-separated).
 */

// Each step starts a real process: slow on a busy machine; every wait inside is bounded on its own.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

const POINTS = (process.env.FAULTS_MIGRATE_POINTS ?? '30,250').split(',').map(Number);

afterAll(killAll);

/** The files of the embedded database's relations: each table or index made adds one. */
function relationFiles(dataDir: string): number {
  const base = path.join(dataDir, 'pglite', 'base');
  if (!fs.existsSync(base)) return 0;
  return fs.readdirSync(base).reduce((n, db) => n + fs.readdirSync(path.join(base, db)).length, 0);
}

describe.each(faultDialects())('kill -9 during a migration on %s', (dialect) => {
  let db: FaultDb;
  let monitor: pg.Client | null = null;

  afterAll(async () => {
    await killAll();
    await monitor?.end();
    await db?.drop();
  });

  /** How many relations the migrating run has made: a sign read from outside it. */
  async function made(): Promise<number> {
    if (dialect === 'pglite') return relationFiles(db.env.BEACON_DATA_DIR!);
    const { rows } = await monitor!.query<{ n: number }>(`select count(*)::int as n from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where a.datname = current_database() and a.pid <> pg_backend_pid() and l.locktype = 'relation' and l.mode = 'AccessExclusiveLock'`);
    return rows[0]!.n;
  }

  it('is killed part-way at each point, and a run after completes with the schema of a fresh migration', async () => {
    db = await faultDb(dialect, 'empty');
    if (dialect === 'postgres') {
      monitor = new pg.Client({ connectionString: db.env.DATABASE_URL });
      await monitor.connect();
    }
    const empty = await withOpen(db, schemaOfEmpty);
    for (const point of POINTS) {
      const start = dialect === 'pglite' ? await made() : 0;
      const started = Date.now();
      const p: Proc = beacon(['db', 'migrate'], db.env);
      const at = await waitFor(`the migration to make ${point} relations`, async () => {
        const exit = p.exitInfo();
        if (exit) throw new Error(`the migration ended (${exit.code}) before it could be killed: lower FAULTS_MIGRATE_POINTS\n${p.output().slice(-2000)}`);
        const n = (await made()) - start;
        return n >= point ? n : null;
      }, { timeoutMs: 90_000, intervalMs: 10, detail: () => p.output().slice(-2000) });
      await p.kill9();
      console.log(`${dialect}: migration killed after ${at} relations, ${Date.now() - started} ms after the start`);
      // Nothing of the killed run stays: the schema is still the empty database's.
      expect(await withOpen(db, schemaOfEmpty)).toEqual(empty);
    }
    const done = await beacon(['db', 'migrate', '--format', 'json'], db.env).waitExit(120_000);
    expect(done.code, done.output).toBe(0);
    const fresh = await faultDb(dialect, 'migrated');
    try {
      const expected = await withOpen(fresh, schemaOf);
      const actual = await withOpen(db, schemaOf);
      expect(actual.length).toBeGreaterThan(500);
      expect(actual).toEqual(expected);
    } finally {
      await fresh.drop();
    }
  });
});

/** The schema of a database no migration has touched: the migrator's own two tables at most. */
async function schemaOfEmpty(h: Parameters<typeof schemaOf>[0]) {
  const { rows } = await sql<{ t: string }>`select table_name as t from information_schema.tables where table_schema = current_schema() order by 1`.execute(h);
  const migrations = rows.some((r) => r.t === 'kysely_migration')
    ? (await sql<{ n: number }>`select count(*)::int as n from kysely_migration`.execute(h)).rows[0]!.n : 0;
  return { tables: rows.map((r) => r.t).filter((t) => !t.startsWith('kysely_migration')), migrations };
}
