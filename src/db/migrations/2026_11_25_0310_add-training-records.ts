import { sql, type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
//
// Training records beyond the booking's own columns: certificate numbers drawn from one sequence (unique
// across every partnership however many trainers mark registers at once, and never reused), and when a
// person who attended was last reminded to send their evaluation, so that the reminder goes once.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create sequence training_certificate_seq`.execute(db);
  await db.schema.alterTable('booking').addColumn('evaluation_reminded_at', 'timestamptz').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('booking').dropColumn('evaluation_reminded_at').execute();
  await sql`drop sequence if exists training_certificate_seq`.execute(db);
}
