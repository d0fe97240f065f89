import { sql, type Kysely, type CreateTableBuilder } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
//
// What the statutory returns hold beyond the journey's first tables: the rest of the SSDA903 (UASC,
// OC2 outcomes, OC3 care leavers, AD1 adoption, placed for adoption, previous permanence, social
// worker episodes, deprivation of liberty orders) and what only Ofsted's Annex A lists (contacts, early
// help assessments, prospective adopters). Columns are named after the return items they hold.
// Import runs gain a running state with progress, and keep their validation findings.

type Builder = CreateTableBuilder<string, never>;

function childRecord(t: Builder): Builder {
  return t
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id'))
    .addColumn('child_id', 'uuid', (c) => c.notNull().references('child.id').onDelete('cascade'));
}

function bookkeeping(t: Builder): Builder {
  return t
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('entered').check(sql`source in ('entered','cin','903','annex_a','demo')`))
    .addColumn('source_year', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`));
}

/** A table of a child's records, unique on the child and the return's natural key for the record. */
const table = (db: Kysely<unknown>, name: string, key: string[], columns: (t: Builder) => Builder) =>
  bookkeeping(columns(childRecord(db.schema.createTable(name)))).addUniqueConstraint(`${name}_natural_key`, ['child_id', ...key] as never[]).execute();

export async function up(db: Kysely<unknown>): Promise<void> {
  // 903 header MOTHER / MC_DOB, and the UASC table's DUC.
  await db.schema.alterTable('child')
    .addColumn('is_mother', 'boolean')
    .addColumn('mother_child_dob', 'date')
    .addColumn('uasc', 'boolean')
    .addColumn('uasc_ceased_date', 'date')
    .execute();

  // OC2: outcomes for a child looked after for 12 months at 31 March, one row a collection year.
  await table(db, 'cla_outcome', ['collection_year'], (t) => t
    .addColumn('collection_year', 'integer', (c) => c.notNull())
    .addColumn('sdq_score', 'integer')
    .addColumn('sdq_reason', 'text')
    .addColumn('convicted', 'boolean')
    .addColumn('health_check', 'boolean')
    .addColumn('immunisations', 'boolean')
    .addColumn('teeth_check', 'boolean')
    .addColumn('health_assessment', 'boolean')
    .addColumn('substance_misuse', 'boolean')
    .addColumn('intervention_received', 'boolean')
    .addColumn('intervention_offered', 'boolean'));

  // OC3 (and Annex A List 9): a care leaver's contact, activity and accommodation around their birthday.
  await table(db, 'care_leaver', ['collection_year'], (t) => t
    .addColumn('collection_year', 'integer', (c) => c.notNull())
    .addColumn('in_touch', 'text')
    .addColumn('activity', 'text')
    .addColumn('accommodation', 'text')
    .addColumn('eligibility', 'text')
    .addColumn('accommodation_suitable', 'boolean'));

  // AD1: the adoption, with the adopters' number, sex and legal status.
  await table(db, 'adoption', ['date_int'], (t) => t
    .addColumn('date_int', 'date', (c) => c.notNull())
    .addColumn('date_match', 'date')
    .addColumn('foster_care', 'boolean')
    .addColumn('nb_adoptr', 'text')
    .addColumn('sex_adoptr', 'text')
    .addColumn('ls_adoptr', 'text'));

  // PlacedAdoption (and Annex A List 10): the decision that the child should be placed, and what followed.
  await table(db, 'placed_for_adoption', ['decision_date'], (t) => t
    .addColumn('decision_date', 'date', (c) => c.notNull())
    .addColumn('placement_order_date', 'date')
    .addColumn('matching_date', 'date')
    .addColumn('placed_date', 'date')
    .addColumn('adoption_order_date', 'date')
    .addColumn('ffa_placed_date', 'date')
    .addColumn('ceased_date', 'date')
    .addColumn('reason_ceased', 'text')
    .addCheckConstraint('placed_for_adoption_ceased_after_decision', sql`ceased_date is null or ceased_date >= decision_date`));

  // PrevPerm: DATE_PERM may be partly unknown ("zz/zz/2010"), so it is kept as written.
  await table(db, 'previous_permanence', ['collection_year'], (t) => t
    .addColumn('collection_year', 'integer', (c) => c.notNull())
    .addColumn('prev_perm', 'text')
    .addColumn('la_perm', 'text')
    .addColumn('date_perm', 'text'));

  await table(db, 'sw_episode', ['start_date', 'sw_id'], (t) => t
    .addColumn('sw_id', 'text', (c) => c.notNull())
    .addColumn('start_date', 'date', (c) => c.notNull())
    .addColumn('end_date', 'date')
    .addColumn('reason', 'text')
    .addCheckConstraint('sw_episode_ends_after_start', sql`end_date is null or end_date >= start_date`));

  await table(db, 'deprivation_of_liberty', ['start_date'], (t) => t
    .addColumn('start_date', 'date', (c) => c.notNull())
    .addColumn('end_date', 'date')
    .addCheckConstraint('deprivation_of_liberty_ends_after_start', sql`end_date is null or end_date >= start_date`));

  // Annex A List 1 and List 2.
  await table(db, 'contact', ['contact_date'], (t) => t
    .addColumn('contact_date', 'date', (c) => c.notNull())
    .addColumn('contact_source', 'text'));
  await table(db, 'early_help_assessment', ['start_date'], (t) => t
    .addColumn('start_date', 'date', (c) => c.notNull())
    .addColumn('completion_date', 'date')
    .addColumn('organisation', 'text')
    .addCheckConstraint('early_help_completed_after_start', sql`completion_date is null or completion_date >= start_date`));

  // Annex A List 11: prospective adopters are not children; the LA's own identifier is their key.
  await bookkeeping(db.schema.createTable('adopter')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id'))
    .addColumn('adopter_ref', 'text', (c) => c.notNull())
    .addColumn('family_ref', 'text')
    .addColumn('gender', 'text')
    .addColumn('ethnicity', 'text')
    .addColumn('disability', 'text')
    .addColumn('fostering_for_adoption', 'boolean')
    .addColumn('enquiry_date', 'date')
    .addColumn('stage1_start', 'date')
    .addColumn('stage1_end', 'date')
    .addColumn('stage2_start', 'date')
    .addColumn('stage2_end', 'date')
    .addColumn('application_submitted', 'date')
    .addColumn('application_approved', 'date')
    .addColumn('matched_date', 'date')
    .addColumn('placed_date', 'date')
    .addColumn('children_placed', 'integer')
    .addColumn('adoption_order_date', 'date')
    .addColumn('left_date', 'date')
    .addColumn('left_reason', 'text')
    .addUniqueConstraint('adopter_natural_key', ['partnership_id', 'adopter_ref'])).execute();

  for (const t of ['cla_outcome', 'care_leaver', 'adoption', 'placed_for_adoption', 'previous_permanence', 'sw_episode',
    'deprivation_of_liberty', 'contact', 'early_help_assessment']) {
    await db.schema.createIndex(`${t}_partnership_idx`).on(t).column('partnership_id').execute();
  }
  await db.schema.createIndex('contact_partnership_date_idx').on('contact').columns(['partnership_id', 'contact_date']).execute();
  for (const t of ['cla_review', 'missing_episode', 'health_assessment']) {
    await db.schema.createIndex(`${t}_partnership_idx`).on(t).column('partnership_id').execute();
  }

  // An import is checked first and loaded after, and the browser shows its progress meanwhile.
  await sql`alter table import_run drop constraint import_run_outcome_check`.execute(db);
  await sql`alter table import_run add constraint import_run_outcome_check check (outcome in ('running','succeeded','failed','rejected'))`.execute(db);
  await sql`alter table import_run alter column finished_at drop not null`.execute(db);
  await db.schema.alterTable('import_run')
    .addColumn('strict', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('errors', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('queries', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('progress', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();

  await db.schema.createTable('validation_issue')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('import_run_id', 'uuid', (c) => c.notNull().references('import_run.id').onDelete('cascade'))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id'))
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull().check(sql`severity in ('error','query')`))
    .addColumn('la_child_id', 'text')
    .addColumn('child_id', 'uuid', (c) => c.references('child.id').onDelete('set null'))
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('validation_issue_run_rule_idx').on('validation_issue').columns(['import_run_id', 'rule']).execute();
  await db.schema.createIndex('validation_issue_run_child_idx').on('validation_issue').columns(['import_run_id', 'la_child_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('validation_issue').ifExists().execute();
  await sql`delete from import_run where outcome in ('running','rejected')`.execute(db);
  await sql`update import_run set finished_at = started_at where finished_at is null`.execute(db);
  await db.schema.alterTable('import_run').dropColumn('strict').dropColumn('errors').dropColumn('queries').dropColumn('progress').execute();
  await sql`alter table import_run alter column finished_at set not null`.execute(db);
  await sql`alter table import_run drop constraint import_run_outcome_check`.execute(db);
  await sql`alter table import_run add constraint import_run_outcome_check check (outcome in ('succeeded','failed'))`.execute(db);
  for (const t of ['adopter', 'early_help_assessment', 'contact', 'deprivation_of_liberty', 'sw_episode', 'previous_permanence',
    'placed_for_adoption', 'adoption', 'care_leaver', 'cla_outcome']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  for (const t of ['cla_review', 'missing_episode', 'health_assessment']) await db.schema.dropIndex(`${t}_partnership_idx`).ifExists().execute();
  await db.schema.alterTable('child').dropColumn('is_mother').dropColumn('mother_child_dob').dropColumn('uasc').dropColumn('uasc_ceased_date').execute();
}
