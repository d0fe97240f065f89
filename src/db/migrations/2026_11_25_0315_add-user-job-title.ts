import { type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
// A person's job title, given when practitioners register themselves for training: the training team and
// line managers see who is booked by role, and the reports count participants by it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('app_user').addColumn('job_title', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('app_user').dropColumn('job_title').execute();
}
