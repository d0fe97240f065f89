import { sql, type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
//
// The child search's trigram indexes, led by the partnership. The first ones held every partnership's
// names in one index, so a search in one partnership for a common name fetched that name's children in
// every partnership and then dropped the others': with 150 partnerships in one database, tens of
// thousands of rows read to show one partnership's few hundred (docs/scaling.md). btree_gin lets a GIN
// index hold the partnership's id beside the trigrams, so the index itself keeps to the partnership.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists btree_gin`.execute(db);
  await sql`create index child_last_name_trgm_partnership_idx on child using gin (partnership_id, lower(last_name) gin_trgm_ops)`.execute(db);
  await sql`create index child_first_name_trgm_partnership_idx on child using gin (partnership_id, lower(first_name) gin_trgm_ops)`.execute(db);
  await sql`drop index child_last_name_trgm_idx`.execute(db);
  await sql`drop index child_first_name_trgm_idx`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index child_last_name_trgm_idx on child using gin (lower(last_name) gin_trgm_ops)`.execute(db);
  await sql`create index child_first_name_trgm_idx on child using gin (lower(first_name) gin_trgm_ops)`.execute(db);
  await sql`drop index child_last_name_trgm_partnership_idx`.execute(db);
  await sql`drop index child_first_name_trgm_partnership_idx`.execute(db);
}
