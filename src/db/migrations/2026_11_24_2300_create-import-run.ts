import { sql, type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
// Every import of a statutory return, kept whether it succeeded or not: what, by whom, and what it did.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('import_run')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('cin','903','annex_a')`))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_hash', 'text', (c) => c.notNull())
    .addColumn('collection_year', 'integer')
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('succeeded','failed')`))
    .addColumn('counts', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('error', 'text')
    .addColumn('imported_by', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('import_run_partnership_idx').on('import_run').columns(['partnership_id', 'started_at']).execute();
  // The returns carry no names: a child first known from a return has none until someone records them.
  await sql`alter table child alter column first_name drop not null, alter column last_name drop not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`update child set first_name = coalesce(first_name, ''), last_name = coalesce(last_name, '')`.execute(db);
  await sql`alter table child alter column first_name set not null, alter column last_name set not null`.execute(db);
  await db.schema.dropTable('import_run').ifExists().execute();
}
