import { sql, type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
// Finding a child by a misspelt or half-remembered name: trigrams for spelling, double metaphone for sound.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`create extension if not exists fuzzystrmatch`.execute(db);
  await sql`create index child_last_name_trgm_idx on child using gin (lower(last_name) gin_trgm_ops)`.execute(db);
  await sql`create index child_first_name_trgm_idx on child using gin (lower(first_name) gin_trgm_ops)`.execute(db);
  await sql`create index child_last_name_sound_idx on child (partnership_id, dmetaphone(last_name))`.execute(db);
  await sql`create index child_upn_idx on child (partnership_id, upn)`.execute(db);
  await sql`create index child_nhs_number_idx on child (partnership_id, nhs_number)`.execute(db);
  await sql`create index child_birth_idx on child (partnership_id, date_of_birth)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ['child_last_name_trgm_idx', 'child_first_name_trgm_idx', 'child_last_name_sound_idx', 'child_upn_idx', 'child_nhs_number_idx', 'child_birth_idx']) {
    await sql`drop index if exists ${sql.id(index)}`.execute(db);
  }
}
