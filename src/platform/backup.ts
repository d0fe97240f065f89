import crypto from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { Migrator } from 'kysely/migration';
import type { Db } from '../db/create-db';
import { migrationProvider } from '../db/migrate';
import type { Database } from '../db/schema';
import { appendAudit } from './audit';
import { BACKUP_FORMAT, BackupRejected, type BackupHeader, type BackupReader, type BackupSequence, type BackupTable, type BackupWriter } from './backup-file';

/**
 * Backup and restore as a logical dump: every table's rows in each column's text form, read in one snapshot,
 * written parents first, and read back into a schema built by Beacon's own migrations. The text form is what
 * PostgreSQL itself parses back exactly (jsonb, arrays, dates, timestamps, numbers), and it is the same from
 * PGlite and from a server, so a backup of either restores into either.
 */

type Tx = Transaction<Database>;
type Progress = (done: number, total: number) => void;

const ROWS_PER_FETCH = 2000;
const ROWS_PER_INSERT = 1000;
const BYTES_PER_INSERT = 4 * 2 ** 20;

/** Text forms that read back the same whatever the server's settings: UTC instants, ISO dates, every float digit. */
async function exactTextSettings(tx: Tx) {
  for (const setting of [
    sql`set local timezone = 'UTC'`, sql`set local datestyle = 'ISO, YMD'`, sql`set local intervalstyle = 'postgres'`,
    sql`set local extra_float_digits = 3`, sql`set local bytea_output = 'hex'`,
  ]) await setting.execute(tx);
}

/** Objects in Beacon's schema that an extension (pg_trgm, fuzzystrmatch) did not bring. */
const OWN = sql`pg_class.relnamespace = (select oid from pg_namespace where nspname = current_schema())
  and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = pg_class.oid and d.deptype = 'e')`;

type Column = { name: string; type: string; identityAlways: boolean };
type Schema = { tables: Map<string, Column[]>; primaryKeys: Map<string, string[]>; parents: Map<string, Set<string>>; selfReferencing: Set<string> };

async function readSchema(tx: Tx): Promise<Schema> {
  const { rows: cols } = await sql<{ table: string; name: string; type: string; identity: string }>`
    select pg_class.relname as "table", a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attidentity as identity
    from pg_class join pg_attribute a on a.attrelid = pg_class.oid
    where pg_class.relkind in ('r', 'p') and ${OWN} and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
    order by pg_class.relname, a.attnum`.execute(tx);
  const tables = new Map<string, Column[]>();
  for (const c of cols) {
    if (!tables.has(c.table)) tables.set(c.table, []);
    tables.get(c.table)!.push({ name: c.name, type: c.type, identityAlways: c.identity === 'a' });
  }
  const { rows: keys } = await sql<{ table: string; name: string }>`
    select pg_class.relname as "table", a.attname as name
    from pg_index i join pg_class on pg_class.oid = i.indrelid
    cross join lateral unnest(i.indkey::int2[]) with ordinality k(attnum, n)
    join pg_attribute a on a.attrelid = pg_class.oid and a.attnum = k.attnum
    where i.indisprimary and ${OWN} order by pg_class.relname, k.n`.execute(tx);
  const primaryKeys = new Map<string, string[]>();
  for (const k of keys) {
    if (!primaryKeys.has(k.table)) primaryKeys.set(k.table, []);
    primaryKeys.get(k.table)!.push(k.name);
  }
  const { rows: fks } = await sql<{ child: string; parent: string }>`
    select pg_class.relname as child, p.relname as parent
    from pg_constraint k join pg_class on pg_class.oid = k.conrelid join pg_class p on p.oid = k.confrelid
    where k.contype = 'f' and ${OWN}`.execute(tx);
  const parents = new Map<string, Set<string>>([...tables.keys()].map((t) => [t, new Set<string>()]));
  const selfReferencing = new Set<string>();
  for (const fk of fks) {
    if (fk.child === fk.parent) selfReferencing.add(fk.child);
    else parents.get(fk.child)?.add(fk.parent);
  }
  return { tables, primaryKeys, parents, selfReferencing };
}

/** Every table after the tables its foreign keys name, alphabetical where the order is free. */
function dependencyOrder(parents: Map<string, Set<string>>): string[] {
  const order: string[] = [];
  const placed = new Set<string>();
  const remaining = [...parents.keys()].sort();
  while (remaining.length) {
    const next = remaining.findIndex((t) => [...parents.get(t)!].every((p) => placed.has(p) || !parents.has(p)));
    if (next === -1) throw new Error(`The tables ${remaining.join(', ')} refer to each other in a cycle: they cannot be restored in order`);
    const [table] = remaining.splice(next, 1);
    order.push(table!);
    placed.add(table!);
  }
  return order;
}

async function ownSequences(tx: Tx): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select relname as name from pg_class where relkind = 'S' and ${OWN} order by relname`.execute(tx);
  return rows.map((r) => r.name);
}

export async function appliedMigrations(db: Db | Tx): Promise<string[] | null> {
  const { rows } = await sql<{ exists: boolean }>`select to_regclass('kysely_migration') is not null as exists`.execute(db);
  if (!rows[0]!.exists) return null;
  const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return applied.rows.map((r) => r.name);
}

export type BackupSummary = { createdAt: string; schema: string; tables: number; rows: number };

/**
 * Writes the whole database to `out` from one consistent snapshot (REPEATABLE READ: on a server,
 * work goes on meanwhile and is simply not in the backup).
 */
export async function backupDatabase(db: Db, dialect: 'pglite' | 'postgres', out: BackupWriter, onProgress?: Progress): Promise<BackupSummary> {
  return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(async (tx) => {
    await exactTextSettings(tx);
    const migrations = await appliedMigrations(tx);
    if (!migrations?.length) throw new BackupRejected('This database has no Beacon schema: there is nothing to back up');
    const schema = await readSchema(tx);
    const order = dependencyOrder(schema.parents);
    const tables: BackupTable[] = [];
    for (const name of order) {
      const { rows } = await sql<{ n: string }>`select count(*)::text as n from ${sql.table(name)}`.execute(tx);
      tables.push({ name, columns: schema.tables.get(name)!.map((c) => c.name), rows: Number(rows[0]!.n) });
    }
    // After the snapshot is taken: a sequence is never behind the rows the snapshot holds.
    const sequences: BackupSequence[] = [];
    for (const name of await ownSequences(tx)) {
      const { rows } = await sql<{ lastValue: string; isCalled: boolean }>`select last_value::text as "lastValue", is_called as "isCalled" from ${sql.table(name)}`.execute(tx);
      sequences.push({ name, ...rows[0]! });
    }
    const { rows: version } = await sql<{ v: string }>`select version() as v`.execute(tx);
    const header: BackupHeader = {
      beaconBackup: BACKUP_FORMAT, createdAt: new Date().toISOString(), schema: migrations.at(-1)!, migrations,
      source: { dialect, server: version[0]!.v.split(' on ')[0]!.split(',')[0]! }, tables, sequences,
    };
    await out.line(header);

    const total = tables.reduce((n, t) => n + t.rows, 0);
    let done = 0;
    for (const table of tables) {
      await out.line({ table: table.name });
      const key = schema.primaryKeys.get(table.name) ?? table.columns;
      const values = sql.join(table.columns.map((c) => sql`${sql.ref(c)}::text`));
      await sql`declare beacon_backup_rows no scroll cursor for
        select array_to_json(array[${values}]::text[])::text as line from ${sql.table(table.name)}
        order by ${sql.join(key.map((c) => sql.ref(c)))}`.execute(tx);
      const digest = crypto.createHash('sha256');
      let rows = 0;
      for (;;) {
        const batch = await sql<{ line: string }>`fetch ${sql.raw(String(ROWS_PER_FETCH))} from beacon_backup_rows`.execute(tx);
        for (const r of batch.rows) {
          digest.update(`${r.line}\n`);
          await out.raw(r.line);
        }
        rows += batch.rows.length;
        done += batch.rows.length;
        onProgress?.(done, total);
        if (batch.rows.length < ROWS_PER_FETCH) break;
      }
      await sql`close beacon_backup_rows`.execute(tx);
      if (rows !== table.rows) throw new Error(`Table ${table.name} changed while it was read (${table.rows} rows counted, ${rows} read)`);
      await out.line({ end: table.name, rows, sha256: digest.digest('hex') });
    }
    await out.line({ complete: true, tables: tables.length, rows: total });
    return { createdAt: header.createdAt, schema: header.schema, tables: tables.length, rows: total };
  });
}

/** What a restore would replace: refused unless forced where it holds any partnership. */
export type TargetState = { partnerships: number; auditEntries: number; auditHead: string | null };

export async function targetState(db: Db): Promise<TargetState> {
  const { rows } = await sql<{ p: boolean; a: boolean }>`select to_regclass('partnership') is not null as p, to_regclass('audit_event') is not null as a`.execute(db);
  const partnerships = rows[0]!.p ? Number((await sql<{ n: string }>`select count(*)::text as n from partnership`.execute(db)).rows[0]!.n) : 0;
  const head = rows[0]!.a
    ? (await sql<{ seq: string; hash: string }>`select seq::text as seq, hash from audit_event order by seq desc limit 1`.execute(db)).rows[0]
    : undefined;
  return { partnerships, auditEntries: head ? Number(head.seq) : 0, auditHead: head?.hash ?? null };
}

/** Refuses a backup whose schema this code cannot build: from a newer Beacon, or from another line of migrations. */
export async function checkRestorable(header: BackupHeader, file: string): Promise<{ migrateForward: string[] }> {
  const known = Object.keys(await migrationProvider.getMigrations()).sort();
  const unknown = header.migrations.filter((m) => !known.includes(m));
  if (unknown.length) {
    throw new BackupRejected(`${file} was made by a newer Beacon: its schema is at ${header.schema}, and this Beacon's latest is ${known.at(-1)}. `
      + 'Upgrade Beacon, then restore');
  }
  if (header.migrations.some((m, i) => known[i] !== m)) {
    throw new BackupRejected(`${file}'s schema (${header.schema}) is not one this Beacon's migrations pass through: it cannot be restored here`);
  }
  return { migrateForward: known.slice(header.migrations.length) };
}

export type RestoreSummary = { tables: number; rows: number; migratedForward: string[]; replaced: TargetState | null };

/** Removes every object of Beacon's schema (not the extensions'), so that the migrations can build it again. */
async function dropSchema(tx: Tx) {
  const { rows: relations } = await sql<{ name: string; kind: string }>`
    select relname as name, relkind as kind from pg_class where relkind in ('r', 'p', 'v', 'm', 'S') and ${OWN}`.execute(tx);
  const tables = relations.filter((r) => r.kind === 'r' || r.kind === 'p');
  if (tables.length) await sql`drop table if exists ${sql.join(tables.map((t) => sql.table(t.name)))} cascade`.execute(tx);
  for (const r of relations.filter((x) => x.kind === 'v')) await sql`drop view if exists ${sql.table(r.name)} cascade`.execute(tx);
  for (const r of relations.filter((x) => x.kind === 'm')) await sql`drop materialized view if exists ${sql.table(r.name)} cascade`.execute(tx);
  for (const r of relations.filter((x) => x.kind === 'S')) await sql`drop sequence if exists ${sql.table(r.name)} cascade`.execute(tx);
  const { rows: functions } = await sql<{ signature: string; kind: string }>`
    select p.oid::regprocedure::text as signature, p.prokind as kind from pg_proc p
    where p.pronamespace = (select oid from pg_namespace where nspname = current_schema())
      and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')`.execute(tx);
  for (const f of functions) await sql`drop ${sql.raw(f.kind === 'p' ? 'procedure' : 'function')} if exists ${sql.raw(f.signature)} cascade`.execute(tx);
  const { rows: types } = await sql<{ name: string; kind: string }>`
    select t.typname as name, t.typtype as kind from pg_type t
    where t.typnamespace = (select oid from pg_namespace where nspname = current_schema()) and t.typtype in ('e', 'd', 'r', 'c')
      and (t.typtype <> 'c' or (select relkind from pg_class where oid = t.typrelid) = 'c')
      and not exists (select 1 from pg_depend d where d.classid = 'pg_type'::regclass and d.objid = t.oid and d.deptype = 'e')`.execute(tx);
  for (const t of types) await sql`drop ${sql.raw(t.kind === 'd' ? 'domain' : 'type')} if exists ${sql.table(t.name)} cascade`.execute(tx);
}

async function migrate(tx: Tx, to: string | 'latest') {
  const migrator = new Migrator({ db: tx, provider: migrationProvider });
  const result = to === 'latest' ? await migrator.migrateToLatest() : await migrator.migrateTo(to);
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed during the restore: ${(result.error as Error).message}`);
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Replaces the whole database with the backup's, in one transaction: the schema is dropped and built again by
 * the migrations up to the backup's, the rows loaded (each table's digest checked), the sequences set, any later
 * migrations run, and the restore added to the restored audit chain. Any failure, such as a file cut short,
 * rolls all of it back and leaves the database as it was.
 */
export async function restoreDatabase(
  db: Db, backup: BackupReader, opts: { actor: string; replaced: TargetState | null; file: string; onProgress?: Progress },
): Promise<RestoreSummary> {
  const { header } = backup;
  const { migrateForward } = await checkRestorable(header, opts.file);
  const total = header.tables.reduce((n, t) => n + t.rows, 0);
  return db.transaction().execute(async (tx) => {
    await exactTextSettings(tx);
    await dropSchema(tx);
    await migrate(tx, header.schema);
    const schema = await readSchema(tx);
    const expected = new Set(header.tables.map((t) => t.name));
    const differs = [...schema.tables.keys()].filter((t) => !expected.has(t)).concat(header.tables.map((t) => t.name).filter((t) => !schema.tables.has(t)));
    if (differs.length) throw new BackupRejected(`${opts.file} does not match Beacon's schema at ${header.schema} (tables ${differs.join(', ')}): it has been altered`);

    const { rows: triggered } = await sql<{ name: string }>`
      select distinct pg_class.relname as name from pg_trigger t join pg_class on pg_class.oid = t.tgrelid where not t.tgisinternal and ${OWN}`.execute(tx);
    // The rows are loaded as they were: no trigger may note, refuse or add anything (the audit log's refuses a truncate).
    for (const t of triggered) await sql`alter table ${sql.table(t.name)} disable trigger user`.execute(tx);
    // Migrations may insert reference rows; the backup's own are the ones to keep.
    await sql`truncate ${sql.join([...schema.tables.keys()].map((t) => sql.table(t)))} restart identity`.execute(tx);

    let done = 0;
    let current: { table: BackupTable; columns: Column[]; insert: (json: string) => Promise<void>; batch: string[]; bytes: number; rows: number; digest: crypto.Hash } | null = null;
    let tableIndex = 0;
    const flush = async () => {
      if (!current || current.batch.length === 0) return;
      await current.insert(`[${current.batch.join(',')}]`);
      done += current.batch.length;
      current.batch = [];
      current.bytes = 0;
      opts.onProgress?.(done, total);
    };
    const corrupt = (what: string) => new BackupRejected(`${opts.file} is corrupt: ${what}. Nothing was restored`);

    for await (const line of backup.lines()) {
      if (line.kind === 'row') {
        if (!current) throw corrupt('rows outside any table');
        current.digest.update(`${line.json}\n`);
        current.batch.push(line.json);
        current.bytes += line.json.length;
        current.rows += 1;
        // Rows that refer to rows of their own table go in one statement, where foreign keys are checked at its end.
        if (!schema.selfReferencing.has(current.table.name) && (current.batch.length >= ROWS_PER_INSERT || current.bytes >= BYTES_PER_INSERT)) await flush();
      } else if (line.kind === 'table') {
        const table = header.tables[tableIndex];
        if (current || !table || table.name !== line.name) throw corrupt(`table ${line.name} is out of place`);
        const columns = schema.tables.get(table.name)!;
        const byName = new Map(columns.map((c) => [c.name, c]));
        const named = table.columns.map((c) => byName.get(c));
        if (named.some((c) => !c) || named.length !== columns.length) throw corrupt(`the columns of ${table.name} do not match Beacon's schema at ${header.schema}`);
        const overriding = named.some((c) => c!.identityAlways) ? sql`overriding system value` : sql``;
        const into = sql.join(named.map((c) => sql.ref(c!.name)));
        const values = sql.join(named.map((c, i) => sql`(r->>${sql.lit(i)})::${sql.raw(c!.type)}`));
        current = {
          table, columns, batch: [], bytes: 0, rows: 0, digest: crypto.createHash('sha256'),
          insert: async (json) => {
            await sql`insert into ${sql.table(table.name)} (${into}) ${overriding} select ${values} from json_array_elements(${json}::json) r`.execute(tx);
          },
        };
      } else if (line.kind === 'end') {
        if (!current || current.table.name !== line.value.end) throw corrupt(`the end of table ${line.value.end} is out of place`);
        await flush();
        if (current.rows !== line.value.rows || current.rows !== current.table.rows) throw corrupt(`table ${current.table.name} has ${current.rows} rows where ${current.table.rows} were written`);
        if (current.digest.digest('hex') !== line.value.sha256) throw corrupt(`the rows of table ${current.table.name} do not match their checksum`);
        current = null;
        tableIndex += 1;
      } else {
        if (current || tableIndex !== header.tables.length || line.value.rows !== total) throw corrupt('it ends before all its tables');
      }
    }

    for (const s of header.sequences) {
      await sql`select setval(quote_ident(${s.name})::regclass, ${s.lastValue}::bigint, ${s.isCalled})`.execute(tx);
    }
    for (const t of triggered) await sql`alter table ${sql.table(t.name)} enable trigger user`.execute(tx);
    const migratedForward = migrateForward.length ? await migrate(tx, 'latest') : [];
    await appendAudit(tx, [{
      userEmail: opts.actor, action: 'backup.restore', outcome: 'allowed',
      detail: {
        backupCreatedAt: header.createdAt, sourceDialect: header.source.dialect, schema: header.schema, tables: header.tables.length, rows: total,
        migratedForward: migratedForward.length,
        // What was replaced, so that the chain it ended is on record.
        replaced: opts.replaced && { partnerships: opts.replaced.partnerships, auditEntries: opts.replaced.auditEntries, auditHead: opts.replaced.auditHead },
      },
    }]);
    return { tables: header.tables.length, rows: total, migratedForward, replaced: opts.replaced };
  });
}
