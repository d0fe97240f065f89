import { sql, type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
// A search by date of birth also looks at expected dates of birth (unborn children).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index child_expected_birth_idx on child (partnership_id, expected_birth_date)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists child_expected_birth_idx`.execute(db);
}
