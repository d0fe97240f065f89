import { sql, type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
// A partnership's own settings: its local timescale limits, and later its MASH hours and RAG limits.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('partnership').addColumn('settings', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('partnership').dropColumn('settings').execute();
}
