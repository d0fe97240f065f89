import { sql, type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
// A search by date of birth also looks at expected dates of birth (unborn children); a short name
// ("Ali", "Li") is matched by its start, which trigrams cannot narrow down but a b-tree can.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index child_expected_birth_idx on child (partnership_id, expected_birth_date)`.execute(db);
  await sql`create index child_last_name_prefix_idx on child (partnership_id, lower(last_name) text_pattern_ops)`.execute(db);
  await sql`create index child_first_name_prefix_idx on child (partnership_id, lower(first_name) text_pattern_ops)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ['child_expected_birth_idx', 'child_last_name_prefix_idx', 'child_first_name_prefix_idx']) {
    await sql`drop index if exists ${sql.id(index)}`.execute(db);
  }
}
