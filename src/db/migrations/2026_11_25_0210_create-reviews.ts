import { sql, type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
//
// Serious incidents and the reviews that follow them, as the Child Safeguarding Practice Review Group
// runs them:
// - review: one serious incident from the day the partnership became aware of it, through the decision
//   to notify the National Panel, the rapid review and its decision, to a local child safeguarding
//   practice review (CSPR) and its publication. Stages are read from the dates recorded, not stored.
//   The reference ("RR 2026/03", "SIN 2026/04") numbers incidents per partnership per year of becoming
//   aware; only its prefix changes, when the decision to notify is recorded.
// - review_agency: the agencies involved, each with its information return for the rapid review.
// - review_child: the children of the journey a review concerns, in the order linked (Child A, B, ...).
// - review_milestone, review_recommendation, learning_briefing: the CSPR's plan, the recommendations
//   (their actions live in the shared action table, source 'review'), and the briefings that share the learning.
// - review_reminder: each clock's reminder state emailed, so that each is sent once.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('review')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id').onDelete('cascade'))
    .addColumn('ref_year', 'integer', (c) => c.notNull())
    .addColumn('ref_number', 'integer', (c) => c.notNull())
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('aware_on', 'date', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    // The notification criteria: abuse or neglect known or suspected, and the child died or was seriously harmed.
    .addColumn('abuse_or_neglect', 'text', (c) => c.notNull().check(sql`abuse_or_neglect in ('known','suspected','neither')`))
    .addColumn('harm', 'text', (c) => c.notNull().check(sql`harm in ('died','serious_harm','neither')`))
    .addColumn('notify_decision', 'text', (c) => c.check(sql`notify_decision in ('notify','not_notify')`))
    .addColumn('notify_rationale', 'text')
    .addColumn('decided_on', 'date')
    .addColumn('notified_on', 'date')
    .addColumn('rr_meeting_on', 'date')
    .addColumn('rr_decision', 'text', (c) => c.check(sql`rr_decision in ('practice_review','no_practice_review','other_learning')`))
    .addColumn('rr_rationale', 'text')
    // For other learning: what form it takes (an appreciative enquiry, a single-agency review), and when it was done.
    .addColumn('other_learning', 'text')
    .addColumn('other_learning_completed_on', 'date')
    .addColumn('rr_decided_on', 'date')
    .addColumn('rr_sent_on', 'date')
    .addColumn('panel_response', 'text', (c) => c.check(sql`panel_response in ('agrees','disagrees')`))
    .addColumn('panel_response_on', 'date')
    .addColumn('panel_note', 'text')
    // The decision to commission starts the publication clock.
    .addColumn('cspr_commissioned_on', 'date')
    .addColumn('cspr_terms', 'text')
    .addColumn('cspr_lead_reviewer', 'text')
    .addColumn('cspr_reviewer_independent', 'boolean')
    .addColumn('cspr_completed_on', 'date')
    .addColumn('cspr_published_on', 'date')
    .addColumn('cspr_publication_url', 'text')
    .addColumn('themes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('closed_on', 'date')
    .addColumn('closing_note', 'text')
    .addColumn('created_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Optimistic locking: two people changing one review from stale pages must not overwrite each other.
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('review_number_uq', ['partnership_id', 'ref_year', 'ref_number'])
    .addUniqueConstraint('review_reference_uq', ['partnership_id', 'reference'])
    .addCheckConstraint('review_notified_after_decision', sql`notified_on is null or notify_decision = 'notify'`)
    .addCheckConstraint('review_sent_after_notified', sql`rr_sent_on is null or notified_on is not null`)
    .addCheckConstraint('review_published_after_commissioned', sql`cspr_published_on is null or cspr_commissioned_on is not null`)
    .execute();
  await db.schema.createIndex('review_partnership_idx').on('review').columns(['partnership_id', 'closed_on', 'aware_on']).execute();

  await db.schema.createTable('review_agency')
    .addColumn('review_id', 'uuid', (c) => c.notNull().references('review.id').onDelete('cascade'))
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agency.id'))
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('not_started').check(sql`status in ('not_started','draft','submitted')`))
    .addColumn('chronology', 'text')
    .addColumn('learning', 'text')
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('submitted_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('updated_at', 'timestamptz')
    .addColumn('updated_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addPrimaryKeyConstraint('review_agency_pk', ['review_id', 'agency_id'])
    .addCheckConstraint('review_agency_submitted_complete', sql`status <> 'submitted' or (chronology is not null and learning is not null and submitted_at is not null)`)
    .execute();
  await db.schema.createIndex('review_agency_agency_idx').on('review_agency').columns(['partnership_id', 'agency_id', 'status']).execute();

  // A child's record removed under the retention schedule takes its links with it; the review stays.
  await db.schema.createTable('review_child')
    .addColumn('review_id', 'uuid', (c) => c.notNull().references('review.id').onDelete('cascade'))
    .addColumn('child_id', 'uuid', (c) => c.notNull().references('child.id').onDelete('cascade'))
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('linked_at', 'timestamptz', (c) => c.notNull())
    .addColumn('linked_by', 'integer', (c) => c.references('app_user.id'))
    .addPrimaryKeyConstraint('review_child_pk', ['review_id', 'child_id'])
    .addUniqueConstraint('review_child_position_uq', ['review_id', 'position'])
    .execute();
  await db.schema.createIndex('review_child_child_idx').on('review_child').columns(['partnership_id', 'child_id']).execute();

  await db.schema.createTable('review_milestone')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('review_id', 'uuid', (c) => c.notNull().references('review.id').onDelete('cascade'))
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('due_on', 'date', (c) => c.notNull())
    .addColumn('completed_on', 'date')
    .execute();
  await db.schema.createIndex('review_milestone_review_idx').on('review_milestone').columns(['review_id', 'due_on']).execute();

  await db.schema.createTable('review_recommendation')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('review_id', 'uuid', (c) => c.notNull().references('review.id').onDelete('cascade'))
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('review_recommendation_number_uq', ['review_id', 'number'])
    .execute();

  await db.schema.createTable('learning_briefing')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('review_id', 'uuid', (c) => c.notNull().references('review.id').onDelete('cascade'))
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('key_messages', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('published_on', 'date')
    .addColumn('created_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('learning_briefing_review_idx').on('learning_briefing').columns(['review_id']).execute();

  await db.schema.createTable('review_reminder')
    .addColumn('review_id', 'uuid', (c) => c.notNull().references('review.id').onDelete('cascade'))
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('clock', 'text', (c) => c.notNull().check(sql`clock in ('notification','rapid_review')`))
    // due_soon: one working day or less left; overdue: past the limit.
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('due_soon','overdue')`))
    .addColumn('due_on', 'date', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull())
    .addColumn('emails', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('review_reminder_pk', ['review_id', 'clock', 'state'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['review_reminder', 'learning_briefing', 'review_recommendation', 'review_milestone', 'review_child', 'review_agency', 'review']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
