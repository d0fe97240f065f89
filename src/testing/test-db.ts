import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
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

export type TestDb = { db: Db; dialect: Dialect; close(): Promise<void>; /** PGlite's engine, for a dump. */ pglite?: PGlite };

const made = new Map<string, Promise<{ data: Blob; meta: string }>>();

/**
 * A PGlite data directory (and a note about it) made once per test run and shared by its workers: the global
 * setup (global-setup.ts) names a directory for the run in BEACON_TEST_CACHE. The first worker to want one makes
 * it under a lock file while the others wait for it (making it twice at once would only slow both). Without that
 * directory (a script run outside vitest) it is made once per process.
 */
export function oncePerRun(name: string, make: () => Promise<{ data: Blob; meta?: string }>): Promise<{ data: Blob; meta: string }> {
  let found = made.get(name);
  if (!found) {
    const dir = process.env.BEACON_TEST_CACHE;
    found = dir ? madeInRun(path.join(dir, `${name}.tar`), make) : make().then(({ data, meta = '' }) => ({ data, meta }));
    made.set(name, found);
    // A failure is not kept: the next caller tries again and sees the error itself.
    found.catch(() => made.delete(name));
  }
  return found;
}

async function madeInRun(file: string, make: () => Promise<{ data: Blob; meta?: string }>): Promise<{ data: Blob; meta: string }> {
  const lock = `${file}.lock`;
  for (;;) {
    if (fs.existsSync(file)) return { data: new Blob([await fsp.readFile(file)]), meta: await fsp.readFile(`${file}.json`, 'utf8') };
    let fd: number | undefined;
    try {
      fd = fs.openSync(lock, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (fd !== undefined) {
      try {
        fs.writeSync(fd, String(process.pid));
        fs.closeSync(fd);
        if (fs.existsSync(file)) continue;
        const { data, meta = '' } = await make();
        // The note first, and each file whole under its name: a data file present means both are complete.
        const partial = `${file}.${process.pid}`;
        await fsp.writeFile(`${partial}.json`, meta);
        await fsp.rename(`${partial}.json`, `${file}.json`);
        await fsp.writeFile(partial, new Uint8Array(await data.arrayBuffer()));
        await fsp.rename(partial, file);
        return { data, meta };
      } finally {
        fs.rmSync(lock, { force: true });
      }
    }
    // Another worker is making it: wait, or take over if that worker has gone without finishing.
    let owner: number;
    try {
      owner = Number(fs.readFileSync(lock, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    if (owner && !alive(owner)) fs.rmSync(lock, { force: true });
    else await new Promise((r) => setTimeout(r, 200));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A digest of the files under these directories (relative to src/), tests left out: what a database made from them depends on. */
export function sourceDigest(...dirs: string[]): string {
  const src = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
  const digest = crypto.createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (!entry.name.endsWith('.test.ts')) digest.update(path.relative(src, full)).update(readIfThere(full));
    }
  };
  for (const dir of dirs) walk(path.join(src, dir));
  return digest.digest('hex').slice(0, 16);
}

/** A file's content, or nothing for one removed since its directory was read (an editor's file saved as we look). */
function readIfThere(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw err;
  }
}

/** A migrated PGlite made once per run and restored for each test database: starting one and migrating it takes seconds. */
function pgliteTemplate(): Promise<Blob> {
  return oncePerRun(`migrated-${sourceDigest('db/migrations')}`, async () => {
    const handle = await createDb({ databaseUrl: 'memory://' });
    await migrateToLatest(handle.db);
    const data = (await handle.pglite!.dumpDataDir('none')) as Blob;
    await handle.close();
    return { data };
  }).then((t) => t.data);
}

/** A PGlite of its own from a dump of one. */
export async function pgliteFrom(data: Blob): Promise<TestDb> {
  const pglite = await PGlite.create({ loadDataDir: data, parsers: typeParsers, extensions: pgliteExtensions });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return { db, dialect: 'pglite', pglite, close: () => db.destroy() };
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
  if (dialect === 'pglite') return pgliteFrom(await pgliteTemplate());
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
