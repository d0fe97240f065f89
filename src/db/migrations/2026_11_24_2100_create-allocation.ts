import { sql, type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
//
// Who holds each child's case: teams of practitioners (with their managers) and the allocation of a
// child to a worker in a team. An allocation ends (to_date) when the case moves on; a child has at most
// one current allocation. Every row carries its partnership, as the journey tables do.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('team')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('team_name_uq', ['partnership_id', 'name'])
    .execute();

  await db.schema.createTable('team_member')
    .addColumn('team_id', 'integer', (c) => c.notNull().references('team.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('is_manager', 'boolean', (c) => c.notNull().defaultTo(false))
    .addPrimaryKeyConstraint('team_member_pk', ['team_id', 'user_id'])
    .execute();
  await db.schema.createIndex('team_member_user_idx').on('team_member').column('user_id').execute();

  await db.schema.createTable('allocation')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id'))
    .addColumn('child_id', 'uuid', (c) => c.notNull().references('child.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id'))
    .addColumn('team_id', 'integer', (c) => c.references('team.id').onDelete('set null'))
    .addColumn('from_date', 'date', (c) => c.notNull())
    .addColumn('to_date', 'date')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('allocation_ends_after_start', sql`to_date is null or to_date >= from_date`)
    .execute();
  // At most one current allocation per child; the worklists read current allocations by worker and by team.
  await sql`create unique index allocation_current_child_uq on allocation (child_id) where to_date is null`.execute(db);
  await sql`create index allocation_current_user_idx on allocation (partnership_id, user_id) where to_date is null`.execute(db);
  await sql`create index allocation_current_team_idx on allocation (partnership_id, team_id) where to_date is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['allocation', 'team_member', 'team']) await db.schema.dropTable(t).ifExists().execute();
}
