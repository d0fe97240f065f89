import { sql, type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
//
// What the indicators need to be computed set-based: a calendar of working days, each date with the
// running count of working days up to and including it, so that the working days between two dates are
// the difference of two looked-up numbers (a join, not a walk over the calendar). The application fills
// it from its bank holiday table when it first computes indicators (a migration cannot read that table).
// And indexes for the dates each indicator counts by, within a partnership.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('working_day')
    .addColumn('day', 'date', (c) => c.primaryKey())
    .addColumn('idx', 'integer', (c) => c.notNull())
    .execute();

  await sql`create index assessment_partnership_authorised_idx on assessment (partnership_id, authorisation_date) where authorisation_date is not null`.execute(db);
  await sql`create index s47_enquiry_partnership_start_idx on s47_enquiry (partnership_id, start_date)`.execute(db);
  await sql`create index initial_conference_partnership_date_idx on initial_conference (partnership_id, conference_date)`.execute(db);
  await sql`create index cp_plan_partnership_start_idx on cp_plan (partnership_id, start_date)`.execute(db);
  await sql`create index cin_plan_partnership_start_idx on cin_plan (partnership_id, start_date)`.execute(db);
  await sql`create index missing_episode_partnership_start_idx on missing_episode (partnership_id, start_date)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ['assessment_partnership_authorised_idx', 's47_enquiry_partnership_start_idx', 'initial_conference_partnership_date_idx',
    'cp_plan_partnership_start_idx', 'cin_plan_partnership_start_idx', 'missing_episode_partnership_start_idx']) {
    await sql`drop index if exists ${sql.id(index)}`.execute(db);
  }
  await db.schema.dropTable('working_day').ifExists().execute();
}
