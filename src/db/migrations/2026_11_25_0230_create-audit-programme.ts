import { sql, type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
//
// The multi-agency audit programme.
// - audit_theme: what is audited (neglect, child sexual exploitation...), how often, by which agencies,
//   how many cases and which children qualify (a fixed set of rules with parameters, kept as JSON), and
//   the audit tool's grading scale; audit_question holds the tool's questions in order, and
//   audit_theme_agency the agencies taking part.
// - audit_round: one round of a theme. When it starts it keeps a copy of the tool (scale and questions)
//   and of the agencies taking part (audit_round_agency, which also remembers the emails sent to each),
//   so that changing the tool later never changes what a past round asked.
// - audit_case: a child drawn at random for a round. A child is never drawn twice for a round, even after
//   being replaced, and a replacement takes the case number of the case it replaces.
// - audit_section: one agency's part of the tool for one case, draft until submitted.
// - audit_finding: the round's findings at moderation; an area for improvement becomes an action of the
//   tracker when the round is completed (action_id).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('audit_theme')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    // Used in the references of rounds and their actions: "MAA Neglect 2026-03 F1".
    .addColumn('short_name', 'text', (c) => c.notNull())
    .addColumn('learning_theme', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('frequency_months', 'integer', (c) => c.notNull().check(sql`frequency_months between 1 and 36`))
    .addColumn('lead_group_id', 'integer', (c) => c.references('assurance_group.id'))
    .addColumn('sample_size', 'integer', (c) => c.notNull().check(sql`sample_size between 1 and 100`))
    .addColumn('criteria', 'jsonb', (c) => c.notNull().defaultTo(sql`'{"match":"all","rules":[]}'::jsonb`))
    .addColumn('scale', 'text', (c) => c.notNull().check(sql`scale in ('ofsted','score')`))
    // The words for scores 0, 1, 2 and 3 on the score scale.
    .addColumn('score_labels', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('audit_theme_name_uq', ['partnership_id', 'name'])
    .addUniqueConstraint('audit_theme_short_name_uq', ['partnership_id', 'short_name'])
    .execute();

  await db.schema.createTable('audit_theme_agency')
    .addColumn('theme_id', 'integer', (c) => c.notNull().references('audit_theme.id').onDelete('cascade'))
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agency.id'))
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_theme_agency_pk', ['theme_id', 'agency_id'])
    .execute();

  await db.schema.createTable('audit_question')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('theme_id', 'integer', (c) => c.notNull().references('audit_theme.id').onDelete('cascade'))
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('help', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('audit_question_theme_idx').on('audit_question').columns(['theme_id', 'position']).execute();

  await db.schema.createTable('audit_round')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id').onDelete('cascade'))
    .addColumn('theme_id', 'integer', (c) => c.notNull().references('audit_theme.id').onDelete('cascade'))
    .addColumn('planned_date', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('planned').check(sql`status in ('planned','in_progress','moderation','completed')`))
    .addColumn('sections_due', 'date')
    .addColumn('tool', 'jsonb')
    .addColumn('started_at', 'timestamptz')
    .addColumn('started_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('moderation_at', 'timestamptz')
    .addColumn('summary', 'text')
    .addColumn('completed_at', 'timestamptz')
    .addColumn('completed_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('created_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('audit_round_started', sql`status = 'planned' or (sections_due is not null and tool is not null and started_at is not null)`)
    .addCheckConstraint('audit_round_completed', sql`status <> 'completed' or completed_at is not null`)
    .execute();
  // One round of a theme a month: the month names the round ("MAA Neglect 2026-03").
  await sql`create unique index audit_round_month_uq on audit_round (theme_id, (extract(year from planned_date) * 12 + extract(month from planned_date)))`.execute(db);
  await db.schema.createIndex('audit_round_partnership_idx').on('audit_round').columns(['partnership_id', 'status', 'planned_date']).execute();

  await db.schema.createTable('audit_round_agency')
    .addColumn('round_id', 'uuid', (c) => c.notNull().references('audit_round.id').onDelete('cascade'))
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agency.id'))
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('notified_at', 'timestamptz')
    .addColumn('due_soon_reminded_at', 'timestamptz')
    .addColumn('overdue_reminded_at', 'timestamptz')
    .addPrimaryKeyConstraint('audit_round_agency_pk', ['round_id', 'agency_id'])
    .execute();

  await db.schema.createTable('audit_case')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('round_id', 'uuid', (c) => c.notNull().references('audit_round.id').onDelete('cascade'))
    .addColumn('child_id', 'uuid', (c) => c.notNull().references('child.id'))
    .addColumn('case_number', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('selected').check(sql`status in ('selected','replaced')`))
    // The rules of the theme's criteria the child met when drawn.
    .addColumn('matched', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('selected_at', 'timestamptz', (c) => c.notNull())
    .addColumn('selected_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('replaced_reason', 'text')
    .addColumn('replaced_at', 'timestamptz')
    .addColumn('replaced_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('moderated_grade', 'text')
    .addColumn('moderation_notes', 'text')
    .addColumn('moderated_at', 'timestamptz')
    .addColumn('moderated_by', 'integer', (c) => c.references('app_user.id'))
    .addUniqueConstraint('audit_case_child_once', ['round_id', 'child_id'])
    .addCheckConstraint('audit_case_replaced_reason', sql`status = 'selected' or (replaced_reason is not null and replaced_at is not null)`)
    .execute();
  await sql`create unique index audit_case_number_uq on audit_case (round_id, case_number) where status = 'selected'`.execute(db);

  await db.schema.createTable('audit_section')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('round_id', 'uuid', (c) => c.notNull().references('audit_round.id').onDelete('cascade'))
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('audit_case.id').onDelete('cascade'))
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agency.id'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft').check(sql`status in ('draft','submitted')`))
    .addColumn('answers', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('overall_grade', 'text')
    .addColumn('strengths', 'text')
    .addColumn('development', 'text')
    // Null until first saved: a section nobody has opened is "not started".
    .addColumn('updated_at', 'timestamptz')
    .addColumn('updated_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('submitted_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('audit_section_once', ['case_id', 'agency_id'])
    .addCheckConstraint('audit_section_submitted', sql`status = 'draft' or (overall_grade is not null and submitted_at is not null)`)
    .execute();
  await db.schema.createIndex('audit_section_round_idx').on('audit_section').columns(['round_id', 'agency_id', 'status']).execute();

  await db.schema.createTable('audit_finding')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('round_id', 'uuid', (c) => c.notNull().references('audit_round.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('strength','improvement')`))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('action_description', 'text')
    .addColumn('owner_agency_id', 'integer', (c) => c.references('agency.id'))
    .addColumn('due_date', 'date')
    .addColumn('themes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('group_id', 'integer', (c) => c.references('assurance_group.id'))
    .addColumn('action_id', 'uuid', (c) => c.references('action.id'))
    .addColumn('created_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('audit_finding_number_uq', ['round_id', 'number'])
    .addCheckConstraint('audit_finding_action', sql`kind = 'strength' or (action_description is not null and owner_agency_id is not null and due_date is not null)`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['audit_finding', 'audit_section', 'audit_case', 'audit_round_agency', 'audit_round', 'audit_question', 'audit_theme_agency', 'audit_theme']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
