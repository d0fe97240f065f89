import { type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
//
// Withdrawing consent to use a child's words is recorded on the entry itself (when, by whom, and why), so
// the entry's page can say so to whoever opens it and no later edit can quietly lose it. The entries'
// reports are looked up from the entry's side: "the reports it is chosen into".
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('voice_entry')
    .addColumn('consent_withdrawn_at', 'timestamptz')
    .addColumn('consent_withdrawn_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('consent_withdrawn_reason', 'text')
    .execute();
  await db.schema.createIndex('report_voice_choice_entry_idx').on('report_voice_choice').columns(['partnership_id', 'voice_entry_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('report_voice_choice_entry_idx').execute();
  await db.schema.alterTable('voice_entry').dropColumn('consent_withdrawn_reason').dropColumn('consent_withdrawn_by').dropColumn('consent_withdrawn_at').execute();
}
