import { sql, type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
//
// The annual report and the voice of the child:
// - annual_report: one per partnership and period, drafted, sent to the Executive, approved;
// - report_section: its sections in order, each written by its owner, generated from Beacon's data, or
//   the voice of the child; a removed section is kept (removed_at) so its drafts are not lost;
// - report_section_version: every saved draft of a written section (body) and every set of edits to a
//   data section's generated sentences (sentence_edits), numbered per section: the version history;
// - report_section_comment: reviewers' comments on a section;
// - report_event: the report's history (sections added, submitted, returned, accepted, sent, approved);
// - report_approval: each Executive member's decision on the report as sent;
// - voice_entry: children's and young people's views, with consent and anonymisation;
// - report_voice_choice: the entries chosen into a report, in order.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('annual_report')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('period_from', 'date', (c) => c.notNull())
    .addColumn('period_to', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('drafting').check(sql`status in ('drafting','awaiting_approval','approved')`))
    .addColumn('sent_for_approval_at', 'timestamptz')
    .addColumn('approved_at', 'timestamptz')
    .addColumn('created_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('annual_report_period_uq', ['partnership_id', 'period_from', 'period_to'])
    .addCheckConstraint('annual_report_period', sql`period_to > period_from`)
    .execute();

  await db.schema.createTable('report_section')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id').onDelete('cascade'))
    .addColumn('report_id', 'uuid', (c) => c.notNull().references('annual_report.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    // The catalogue entry the section came from; none for a section the partnership added itself.
    .addColumn('catalogue_key', 'text')
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('written','data','voice')`))
    .addColumn('heading', 'text', (c) => c.notNull())
    .addColumn('guidance', 'text')
    .addColumn('owner_user_id', 'integer', (c) => c.references('app_user.id'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('not_started')
      .check(sql`status in ('not_started','drafting','submitted','accepted')`))
    // An internal-only section (a case discussion, a draft for partners) is left out of the public version.
    .addColumn('public', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('removed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('report_section_report_idx').on('report_section').columns(['partnership_id', 'report_id', 'position']).execute();
  // A catalogue section appears once in a report (a removed one is restored rather than added again).
  await sql`create unique index report_section_catalogue_uq on report_section (report_id, catalogue_key) where catalogue_key is not null`.execute(db);

  await db.schema.createTable('report_section_version')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('section_id', 'integer', (c) => c.notNull().references('report_section.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('body', 'text')
    // { [sentenceId]: { text, generated } }: the sentence as edited and as generated when it was edited.
    .addColumn('sentence_edits', 'jsonb')
    .addColumn('note', 'text')
    .addColumn('created_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('report_section_version_uq', ['section_id', 'number'])
    .execute();

  await db.schema.createTable('report_section_comment')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('section_id', 'integer', (c) => c.notNull().references('report_section.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (c) => c.notNull().references('app_user.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('resolved_by', 'integer', (c) => c.references('app_user.id'))
    .execute();
  await db.schema.createIndex('report_section_comment_idx').on('report_section_comment').columns(['partnership_id', 'section_id']).execute();

  await db.schema.createTable('report_event')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('report_id', 'uuid', (c) => c.notNull().references('annual_report.id').onDelete('cascade'))
    .addColumn('section_id', 'integer', (c) => c.references('report_section.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('created','section_added','section_removed','section_restored','section_moved',
      'owner_assigned','submitted','returned','accepted','sent_for_approval','approved','changes_requested','reopened')`))
    .addColumn('reason', 'text')
    .addColumn('by_user_id', 'integer', (c) => c.references('app_user.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('report_event_report_idx').on('report_event').columns(['partnership_id', 'report_id', 'at']).execute();

  await db.schema.createTable('report_approval')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('report_id', 'uuid', (c) => c.notNull().references('annual_report.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id'))
    // The statutory partner the member answers for, as it was when they decided.
    .addColumn('agency_id', 'integer', (c) => c.references('agency.id'))
    .addColumn('decision', 'text', (c) => c.notNull().check(sql`decision in ('approved','changes_requested')`))
    .addColumn('comment', 'text')
    .addColumn('decided_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Set when the report is reopened: a decision holds only for the text it was made on.
    .addColumn('superseded_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('report_approval_report_idx').on('report_approval').columns(['partnership_id', 'report_id']).execute();

  await db.schema.createTable('voice_entry')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('participation_group','survey','quote','case_study','consultation')`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    // Where the views came from: "Children in Care Council", "Year 9 wellbeing survey".
    .addColumn('source', 'text')
    .addColumn('collected_on', 'date', (c) => c.notNull())
    .addColumn('age_range', 'text', (c) => c.check(sql`age_range in ('under_8','8_to_12','13_to_15','16_to_17','18_to_25')`))
    .addColumn('respondents', 'integer', (c) => c.check(sql`respondents > 0`))
    .addColumn('themes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('consent', 'text', (c) => c.notNull().check(sql`consent in ('not_needed','given','refused','withdrawn')`))
    .addColumn('consent_from', 'text', (c) => c.check(sql`consent_from in ('young_person','parent_carer','both')`))
    .addColumn('consent_recorded_on', 'date')
    .addColumn('anonymised', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('recorded_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addCheckConstraint('voice_entry_consent_given', sql`consent <> 'given' or (consent_from is not null and consent_recorded_on is not null)`)
    .execute();
  await db.schema.createIndex('voice_entry_partnership_idx').on('voice_entry').columns(['partnership_id', 'collected_on']).execute();

  await db.schema.createTable('report_voice_choice')
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('report_id', 'uuid', (c) => c.notNull().references('annual_report.id').onDelete('cascade'))
    .addColumn('voice_entry_id', 'uuid', (c) => c.notNull().references('voice_entry.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_voice_choice_pk', ['report_id', 'voice_entry_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['report_voice_choice', 'voice_entry', 'report_approval', 'report_event', 'report_section_comment', 'report_section_version', 'report_section', 'annual_report']) {
    await db.schema.dropTable(t).execute();
  }
}
