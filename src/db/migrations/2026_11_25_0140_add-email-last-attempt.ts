import { type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
// When an email was last tried, so that a failed one is tried again after a growing wait.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('email_outbox').addColumn('last_attempt_at', 'timestamptz').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('email_outbox').dropColumn('last_attempt_at').execute();
}
