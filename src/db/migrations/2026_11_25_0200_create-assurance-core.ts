import { sql, type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
//
// The partnership's assurance work shares two things:
// - assurance_group: the executive, subgroups, working groups and task-and-finish groups that own work;
// - action: one action tracker over every source (reviews, multi-agency audits, Section 11, inspections,
//   meetings, the challenge log). Each source keeps its own records and points its actions here with
//   `source` and `source_id`, so the tracker, reminders and exports read one table. action_update keeps
//   every change of status, with the evidence given, for scrutiny.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('assurance_group')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('executive','subgroup','working_group','task_and_finish')`))
    .addColumn('remit', 'text')
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('assurance_group_name_uq', ['partnership_id', 'name'])
    .execute();

  await db.schema.createTable('action')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('review','audit','section_11','inspection','meeting','challenge','other')`))
    .addColumn('source_id', 'text')
    // What people call it: "RR 2026/01 rec 3", "S11 2026 Police 4"; unique with the source's record.
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('recommendation', 'text')
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('owner_agency_id', 'integer', (c) => c.notNull().references('agency.id'))
    .addColumn('owner_user_id', 'integer', (c) => c.references('app_user.id'))
    // An owner without a Beacon account is named here instead.
    .addColumn('owner_name', 'text')
    .addColumn('group_id', 'integer', (c) => c.references('assurance_group.id'))
    .addColumn('themes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('due_date', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open','in_progress','completed','cancelled')`))
    .addColumn('evidence', 'text')
    .addColumn('completed_at', 'timestamptz')
    .addColumn('last_reminded_at', 'timestamptz')
    .addColumn('created_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Optimistic locking: two people updating one action from stale pages must not overwrite each other.
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addCheckConstraint('action_completed_has_evidence', sql`status <> 'completed' or (evidence is not null and completed_at is not null)`)
    .execute();
  await db.schema.createIndex('action_partnership_due_idx').on('action').columns(['partnership_id', 'status', 'due_date']).execute();
  await db.schema.createIndex('action_source_idx').on('action').columns(['partnership_id', 'source', 'source_id']).execute();
  await db.schema.createIndex('action_owner_agency_idx').on('action').columns(['partnership_id', 'owner_agency_id']).execute();

  await db.schema.createTable('action_update')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('action_id', 'uuid', (c) => c.notNull().references('action.id').onDelete('cascade'))
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.references('app_user.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('evidence', 'text')
    .execute();
  await db.schema.createIndex('action_update_action_idx').on('action_update').columns(['action_id', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['action_update', 'action', 'assurance_group']) await db.schema.dropTable(t).ifExists().execute();
}
