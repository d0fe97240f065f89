import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

/**
 * Where a feature's part of the demo seed is checked: PGlite only. Each such test seeds the whole demo,
 * the seed runs the same SQL on both dialects, and demo.integration.test.ts seeds it on the server too.
 */
export function seedDialects(): Dialect[] {
  return ['pglite'];
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

/** Waits until no session is connected to the database: a pool's close returns before the server lets go. */
async function untilDisconnected(admin: Kysely<Database>, name: string) {
  for (let i = 0; i < 100; i++) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = ${name}`.execute(admin);
    if (rows[0]!.n === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A migrated database on the server to copy each test database from (migrating each takes half a second).
 * It is named by a digest of the migrations, so it is made once for them by whichever worker comes first,
 * under an advisory lock, and a changed migration makes a new one.
 */
async function postgresTemplate(admin: Kysely<Database>, adminUrl: string): Promise<string> {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'db', 'migrations');
  const digest = crypto.createHash('sha256');
  for (const file of fs.readdirSync(dir).sort()) digest.update(file).update(fs.readFileSync(path.join(dir, file)));
  const name = `beacon_template_${digest.digest('hex').slice(0, 16)}`;
  await sql`select pg_advisory_lock(hashtext(${name}))`.execute(admin);
  try {
    const { rows } = await sql`select 1 from pg_database where datname = ${name}`.execute(admin);
    if (rows.length) return name;
    // Made under another name and renamed once migrated: a run stopped half-way leaves no template behind.
    const building = `${name}_building`;
    await sql`drop database if exists ${sql.id(building)} with (force)`.execute(admin);
    await sql`create database ${sql.id(building)}`.execute(admin);
    const url = new URL(adminUrl);
    url.pathname = `/${building}`;
    const handle = await createDb({ databaseUrl: url.toString() });
    await migrateToLatest(handle.db);
    await handle.close();
    await untilDisconnected(admin, building);
    await sql`alter database ${sql.id(building)} rename to ${sql.id(name)}`.execute(admin);
    return name;
  } finally {
    await sql`select pg_advisory_unlock(hashtext(${name}))`.execute(admin);
  }
}

let pgTemplate: Promise<string> | null = null;

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
  pgTemplate ??= postgresTemplate(admin, adminUrl);
  await sql`create database ${sql.id(name)} template ${sql.id(await pgTemplate)}`.execute(admin);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await createDb({ databaseUrl: url.toString() });
  return {
    db: handle.db,
    dialect,
    close: async () => {
      await handle.close();
      // A forced drop while the connections are still saying goodbye would cut them off mid-way.
      await untilDisconnected(admin, name);
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
      await admin.destroy();
    },
  };
}
