import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createDb, pgliteExtensions, typeParsers, type Db } from '../db/create-db';
import { migrateToLatest } from '../db/migrate';
import type { Database } from '../db/schema';

export type Dialect = 'pglite' | 'postgres';

/** The dialects the integration tests run on: PGlite always, a PostgreSQL server when TEST_DATABASE_URL names one. */
export function dialects(): Dialect[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export type TestDb = { db: Db; dialect: Dialect; close(): Promise<void> };

let template: Promise<Blob> | null = null;

/** A migrated PGlite copied once per worker and restored for each test database: starting one from scratch is slow. */
function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const handle = await createDb({ databaseUrl: 'memory://' });
    await migrateToLatest(handle.db);
    const pglite = handle.pglite!;
    const blob = (await pglite.dumpDataDir('none')) as Blob;
    await handle.close();
    return blob;
  })();
  return template;
}

let counter = 0;

/** A fresh, migrated, empty database of the dialect, private to the caller. */
export async function createTestDb(dialect: Dialect): Promise<TestDb> {
  if (dialect === 'pglite') {
    const pglite = await PGlite.create({ loadDataDir: await pgliteTemplate(), parsers: typeParsers, extensions: pgliteExtensions });
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
    return { db, dialect, close: () => db.destroy() };
  }
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const name = `beacon_test_${process.pid}_${Date.now()}_${counter++}`;
  const admin = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: adminUrl, max: 1 }) }) });
  await sql`create database ${sql.id(name)}`.execute(admin);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await createDb({ databaseUrl: url.toString() });
  await migrateToLatest(handle.db);
  return {
    db: handle.db,
    dialect,
    close: async () => {
      await handle.close();
      // The pool's close returns before the server has let the connections go; a forced drop would cut them mid-goodbye.
      for (let i = 0; i < 100; i++) {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = ${name}`.execute(admin);
        if (rows[0]!.n === 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
      await admin.destroy();
    },
  };
}
