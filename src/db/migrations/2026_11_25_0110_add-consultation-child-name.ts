import type { Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
//
// A call to the consultation line may be about a child the partnership has not recorded: the caller
// gives a name, which is kept as said rather than creating a child record for a call that may need nothing.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('consultation').addColumn('child_name', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('consultation').dropColumn('child_name').execute();
}
