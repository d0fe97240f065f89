import { sql, type Kysely, type CreateTableBuilder } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
//
// The child's journey, with fields named after the CIN census and SSDA903 items they hold, so that the
// returns import and export them without loss. Every row carries its partnership (no foreign key crosses
// partnerships), a version for optimistic locking, and where it came from: entered in Beacon or
// imported from a return, with that return's collection year (a later return takes precedence).

type Builder = CreateTableBuilder<string, never>;

function journeyColumns(t: Builder): Builder {
  return t
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id'));
}

function bookkeeping(t: Builder): Builder {
  return t
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('entered').check(sql`source in ('entered','cin','903','annex_a','demo')`))
    .addColumn('source_year', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`));
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('child')
    .addColumn('former_upn', 'text')
    .addColumn('upn_unknown', 'text')
    .addColumn('gender_current', 'text')
    .addColumn('death_date', 'date')
    .addColumn('disabilities', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('address', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('entered'))
    .addColumn('source_year', 'integer')
    .execute();

  await bookkeeping(journeyColumns(db.schema.createTable('referral'))
    .addColumn('child_id', 'uuid', (c) => c.notNull().references('child.id').onDelete('cascade'))
    .addColumn('referral_date', 'date', (c) => c.notNull())
    .addColumn('referral_source', 'text')
    .addColumn('primary_need', 'text')
    .addColumn('referral_nfa', 'boolean')
    .addColumn('closure_date', 'date')
    .addColumn('closure_reason', 'text')
    .addCheckConstraint('referral_closure_after_referral', sql`closure_date is null or closure_date >= referral_date`)
    .addUniqueConstraint('referral_natural_key', ['child_id', 'referral_date'])).execute();
  await db.schema.createIndex('referral_partnership_date_idx').on('referral').columns(['partnership_id', 'referral_date']).execute();

  await bookkeeping(journeyColumns(db.schema.createTable('assessment'))
    .addColumn('referral_id', 'uuid', (c) => c.notNull().references('referral.id').onDelete('cascade'))
    .addColumn('start_date', 'date', (c) => c.notNull())
    .addColumn('internal_review_date', 'date')
    .addColumn('authorisation_date', 'date')
    .addColumn('factors', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('child_seen', 'boolean')
    .addCheckConstraint('assessment_authorised_after_start', sql`authorisation_date is null or authorisation_date >= start_date`)
    .addUniqueConstraint('assessment_natural_key', ['referral_id', 'start_date'])).execute();

  await bookkeeping(journeyColumns(db.schema.createTable('strategy_discussion'))
    .addColumn('referral_id', 'uuid', (c) => c.notNull().references('referral.id').onDelete('cascade'))
    .addColumn('concern_date', 'date', (c) => c.notNull())
    .addColumn('discussion_date', 'date')
    .addColumn('s47_initiated', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('agencies_present', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addCheckConstraint('strategy_after_concern', sql`discussion_date is null or discussion_date >= concern_date`)
    .addUniqueConstraint('strategy_discussion_natural_key', ['referral_id', 'concern_date'])).execute();

  await bookkeeping(journeyColumns(db.schema.createTable('s47_enquiry'))
    .addColumn('referral_id', 'uuid', (c) => c.notNull().references('referral.id').onDelete('cascade'))
    .addColumn('strategy_discussion_id', 'uuid', (c) => c.references('strategy_discussion.id').onDelete('set null'))
    .addColumn('start_date', 'date', (c) => c.notNull())
    .addColumn('initial_cpc_target', 'date')
    .addColumn('icpc_not_required', 'boolean')
    .addColumn('outcome_date', 'date')
    .addUniqueConstraint('s47_enquiry_natural_key', ['referral_id', 'start_date'])).execute();

  await bookkeeping(journeyColumns(db.schema.createTable('initial_conference'))
    .addColumn('referral_id', 'uuid', (c) => c.notNull().references('referral.id').onDelete('cascade'))
    .addColumn('s47_enquiry_id', 'uuid', (c) => c.references('s47_enquiry.id').onDelete('set null'))
    .addColumn('conference_date', 'date', (c) => c.notNull())
    .addColumn('resulted_in_plan', 'boolean')
    .addUniqueConstraint('initial_conference_natural_key', ['referral_id', 'conference_date'])).execute();

  await bookkeeping(journeyColumns(db.schema.createTable('cp_plan'))
    .addColumn('referral_id', 'uuid', (c) => c.notNull().references('referral.id').onDelete('cascade'))
    .addColumn('start_date', 'date', (c) => c.notNull())
    .addColumn('end_date', 'date')
    .addColumn('initial_category', 'text')
    .addColumn('latest_category', 'text')
    .addColumn('previous_plans', 'integer', (c) => c.check(sql`previous_plans >= 0`))
    .addCheckConstraint('cp_plan_ends_after_start', sql`end_date is null or end_date >= start_date`)
    .addUniqueConstraint('cp_plan_natural_key', ['referral_id', 'start_date'])).execute();

  for (const [table, column] of [['cp_plan_review', 'review_date'], ['cp_core_group', 'meeting_date']] as const) {
    await bookkeeping(journeyColumns(db.schema.createTable(table))
      .addColumn('cp_plan_id', 'uuid', (c) => c.notNull().references('cp_plan.id').onDelete('cascade'))
      .addColumn(column, 'date', (c) => c.notNull())
      .addUniqueConstraint(`${table}_natural_key`, ['cp_plan_id', column])).execute();
  }

  await bookkeeping(journeyColumns(db.schema.createTable('cp_visit'))
    .addColumn('cp_plan_id', 'uuid', (c) => c.notNull().references('cp_plan.id').onDelete('cascade'))
    .addColumn('visit_date', 'date', (c) => c.notNull())
    .addColumn('seen_alone', 'boolean')
    .addUniqueConstraint('cp_visit_natural_key', ['cp_plan_id', 'visit_date'])).execute();

  await bookkeeping(journeyColumns(db.schema.createTable('cin_plan'))
    .addColumn('referral_id', 'uuid', (c) => c.notNull().references('referral.id').onDelete('cascade'))
    .addColumn('start_date', 'date', (c) => c.notNull())
    .addColumn('end_date', 'date')
    .addCheckConstraint('cin_plan_ends_after_start', sql`end_date is null or end_date >= start_date`)
    .addUniqueConstraint('cin_plan_natural_key', ['referral_id', 'start_date'])).execute();

  // SSDA903 episodes: DECOM, RNE, LS, CIN, PLACE, PLACE_PROVIDER, DEC, REC, REASON_PLACE_CHANGE, HOME_POST, PL_POST, URN.
  await bookkeeping(journeyColumns(db.schema.createTable('cla_episode'))
    .addColumn('child_id', 'uuid', (c) => c.notNull().references('child.id').onDelete('cascade'))
    .addColumn('start_date', 'date', (c) => c.notNull())
    .addColumn('reason_new_episode', 'text')
    .addColumn('legal_status', 'text')
    .addColumn('category_of_need', 'text')
    .addColumn('placement_type', 'text')
    .addColumn('placement_provider', 'text')
    .addColumn('end_date', 'date')
    .addColumn('reason_ceased', 'text')
    .addColumn('reason_place_change', 'text')
    .addColumn('home_postcode', 'text')
    .addColumn('placement_postcode', 'text')
    .addColumn('urn', 'text')
    .addCheckConstraint('cla_episode_ends_after_start', sql`end_date is null or end_date >= start_date`)
    .addUniqueConstraint('cla_episode_natural_key', ['child_id', 'start_date'])).execute();
  await db.schema.createIndex('cla_episode_partnership_idx').on('cla_episode').columns(['partnership_id', 'start_date']).execute();

  await bookkeeping(journeyColumns(db.schema.createTable('cla_review'))
    .addColumn('child_id', 'uuid', (c) => c.notNull().references('child.id').onDelete('cascade'))
    .addColumn('review_date', 'date', (c) => c.notNull())
    .addColumn('review_code', 'text')
    .addUniqueConstraint('cla_review_natural_key', ['child_id', 'review_date'])).execute();

  await bookkeeping(journeyColumns(db.schema.createTable('health_assessment'))
    .addColumn('child_id', 'uuid', (c) => c.notNull().references('child.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('initial','review')`))
    .addColumn('assessment_date', 'date', (c) => c.notNull())
    .addUniqueConstraint('health_assessment_natural_key', ['child_id', 'kind', 'assessment_date'])).execute();

  // Places that keep coming up on missing and exploitation records: a street, a park, an address.
  await db.schema.createTable('place_of_concern')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('postcode', 'text')
    .addColumn('locality', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('place_of_concern_name_uq', ['partnership_id', 'name'])
    .execute();

  // 903 MISSING, MIS_START, MIS_END (dates); times where known for the 72-hour return interview clock.
  await bookkeeping(journeyColumns(db.schema.createTable('missing_episode'))
    .addColumn('child_id', 'uuid', (c) => c.notNull().references('child.id').onDelete('cascade'))
    .addColumn('missing_type', 'text', (c) => c.notNull().check(sql`missing_type in ('M','A')`))
    .addColumn('start_date', 'date', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz')
    .addColumn('end_date', 'date')
    .addColumn('returned_at', 'timestamptz')
    .addColumn('return_interview_offered_at', 'timestamptz')
    .addColumn('return_interview_accepted', 'boolean')
    .addColumn('return_interview_at', 'timestamptz')
    .addColumn('place_of_concern_id', 'uuid', (c) => c.references('place_of_concern.id').onDelete('set null'))
    .addCheckConstraint('missing_ends_after_start', sql`end_date is null or end_date >= start_date`)
    .addUniqueConstraint('missing_episode_natural_key', ['child_id', 'start_date'])).execute();

  await bookkeeping(journeyColumns(db.schema.createTable('exploitation_assessment'))
    .addColumn('child_id', 'uuid', (c) => c.notNull().references('child.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('sexual','criminal')`))
    .addColumn('assessment_date', 'date', (c) => c.notNull())
    .addColumn('risk_level', 'text', (c) => c.notNull().check(sql`risk_level in ('low','medium','high')`))
    .addColumn('place_of_concern_id', 'uuid', (c) => c.references('place_of_concern.id').onDelete('set null'))
    .addUniqueConstraint('exploitation_assessment_natural_key', ['child_id', 'kind', 'assessment_date'])).execute();

  for (const table of ['assessment', 'strategy_discussion', 's47_enquiry', 'initial_conference', 'cp_plan', 'cin_plan']) {
    await db.schema.createIndex(`${table}_referral_idx`).on(table).column('referral_id').execute();
  }
  for (const table of ['referral', 'cla_review', 'health_assessment', 'missing_episode', 'exploitation_assessment']) {
    await db.schema.createIndex(`${table}_child_idx`).on(table).column('child_id').execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['exploitation_assessment', 'missing_episode', 'place_of_concern', 'health_assessment', 'cla_review', 'cla_episode',
    'cin_plan', 'cp_visit', 'cp_core_group', 'cp_plan_review', 'cp_plan', 'initial_conference', 's47_enquiry', 'strategy_discussion',
    'assessment', 'referral']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await db.schema.alterTable('child')
    .dropColumn('former_upn').dropColumn('upn_unknown').dropColumn('gender_current').dropColumn('death_date')
    .dropColumn('disabilities').dropColumn('address').dropColumn('version').dropColumn('source').dropColumn('source_year')
    .execute();
}
