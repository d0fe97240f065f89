import { type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
// An email's attachments (a training booking's calendar invitation) are kept with it in the outbox, so that
// an email sent again after a failure goes with them. Text attachments only: [{ filename, contentType, content }].
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('email_outbox').addColumn('attachments', 'jsonb').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('email_outbox').dropColumn('attachments').execute();
}
