import { sql, type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
//
// Section 11 of the Children Act 2004: agencies audit themselves against the partnership's standards.
// - section11_standard: the partnership's standards; rewording edits one, retiring it keeps it (and every
//   answer given against it) but leaves it out of cycles opened later.
// - section11_cycle: one round of the audit (name, open and due dates, the scoring used, the agencies
//   invited while it is planned). section11_cycle_standard is the wording of each standard as it stood
//   when the cycle opened, so a later rewording never changes what an agency answered.
// - section11_return: an agency's self-assessment in a cycle, its history in section11_return_event;
//   section11_answer: its rating and evidence for each standard, and the rating agreed at peer challenge
//   beside the self-assessed one; section11_comment: the peer challenge and the agency's responses.
// - section11_action: which standard of which return each of its actions (in the tracker's `action`) answers.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('section11_standard')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    // Prompts for evidence, one a line.
    .addColumn('prompts', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('retired_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('section11_standard_number_uq', ['partnership_id', 'number'])
    .execute();

  await db.schema.createTable('section11_cycle')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('open_date', 'date', (c) => c.notNull())
    .addColumn('due_date', 'date', (c) => c.notNull())
    .addColumn('scoring', 'text', (c) => c.notNull().check(sql`scoring in ('rag','score')`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('planned').check(sql`status in ('planned','open','closed')`))
    // The agencies invited while the cycle is planned; once open, each has a return.
    .addColumn('agency_ids', sql`integer[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('opened_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('created_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('section11_cycle_name_uq', ['partnership_id', 'name'])
    .addCheckConstraint('section11_cycle_dates', sql`due_date > open_date`)
    .execute();

  await db.schema.createTable('section11_cycle_standard')
    .addColumn('cycle_id', 'integer', (c) => c.notNull().references('section11_cycle.id').onDelete('cascade'))
    .addColumn('standard_id', 'integer', (c) => c.notNull().references('section11_standard.id'))
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('prompts', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('section11_cycle_standard_pk', ['cycle_id', 'standard_id'])
    .execute();

  await db.schema.createTable('section11_return')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id').onDelete('cascade'))
    .addColumn('cycle_id', 'integer', (c) => c.notNull().references('section11_cycle.id').onDelete('cascade'))
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agency.id'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('not_started').check(sql`status in ('not_started','draft','submitted')`))
    // The agency whose leads challenge this return as peer reviewers (the business manager always may).
    .addColumn('peer_agency_id', 'integer', (c) => c.references('agency.id'))
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('submitted_by', 'integer', (c) => c.references('app_user.id'))
    // Each reminder once: set when it is sent, cleared when the due date moves.
    .addColumn('due_soon_reminded_at', 'timestamptz')
    .addColumn('overdue_reminded_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('section11_return_agency_uq', ['cycle_id', 'agency_id'])
    .execute();
  await db.schema.createIndex('section11_return_partnership_idx').on('section11_return').columns(['partnership_id', 'agency_id']).execute();

  await db.schema.createTable('section11_return_event')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('return_id', 'uuid', (c) => c.notNull().references('section11_return.id').onDelete('cascade'))
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.references('app_user.id'))
    .addColumn('event', 'text', (c) => c.notNull().check(sql`event in ('opened','submitted','reopened')`))
    .addColumn('reason', 'text')
    .execute();
  await db.schema.createIndex('section11_return_event_idx').on('section11_return_event').columns(['return_id', 'at']).execute();

  const ratings = sql`('red','amber','green','1','2','3','4')`;
  await db.schema.createTable('section11_answer')
    .addColumn('return_id', 'uuid', (c) => c.notNull().references('section11_return.id').onDelete('cascade'))
    .addColumn('standard_id', 'integer', (c) => c.notNull().references('section11_standard.id'))
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('rating', 'text', (c) => c.check(sql`rating in ${ratings}`))
    .addColumn('evidence', 'text')
    .addColumn('agreed_rating', 'text', (c) => c.check(sql`agreed_rating in ${ratings}`))
    .addColumn('agreed_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('agreed_at', 'timestamptz')
    .addColumn('updated_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    // Optimistic locking: two of an agency's leads saving one standard from stale pages must not overwrite each other.
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addPrimaryKeyConstraint('section11_answer_pk', ['return_id', 'standard_id'])
    .execute();

  await db.schema.createTable('section11_comment')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('return_id', 'uuid', (c) => c.notNull().references('section11_return.id').onDelete('cascade'))
    .addColumn('standard_id', 'integer', (c) => c.notNull().references('section11_standard.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('challenge','response')`))
    .addColumn('author_id', 'integer', (c) => c.references('app_user.id'))
    .addColumn('author_agency_id', 'integer', (c) => c.references('agency.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('section11_comment_idx').on('section11_comment').columns(['return_id', 'standard_id', 'created_at']).execute();

  await db.schema.createTable('section11_action')
    .addColumn('action_id', 'uuid', (c) => c.primaryKey().references('action.id').onDelete('cascade'))
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('return_id', 'uuid', (c) => c.notNull().references('section11_return.id').onDelete('cascade'))
    .addColumn('standard_id', 'integer', (c) => c.notNull().references('section11_standard.id'))
    .execute();
  await db.schema.createIndex('section11_action_idx').on('section11_action').columns(['return_id', 'standard_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['section11_action', 'section11_comment', 'section11_answer', 'section11_return_event', 'section11_return',
    'section11_cycle_standard', 'section11_cycle', 'section11_standard']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
