import { sql, type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
//
// Partner agencies' aggregate tables (police, health): one set per partnership, agency and period end,
// each row a measure's current and previous 12 months. Loading the same agency and period again
// replaces the set's rows, so the set is unique on those three.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('partner_data_set')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id'))
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agency.id'))
    .addColumn('period_end', 'date', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_hash', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('uploaded_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('partner_data_set_agency_period', ['partnership_id', 'agency_id', 'period_end'])
    // Only an agency that works with the partnership may supply its figures.
    .addForeignKeyConstraint('partner_data_set_agency_partnership', ['agency_id', 'partnership_id'], 'agency_partnership', ['agency_id', 'partnership_id'])
    .execute();

  await db.schema.createTable('partner_data_row')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('set_id', 'uuid', (c) => c.notNull().references('partner_data_set.id').onDelete('cascade'))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id'))
    .addColumn('row_order', 'integer', (c) => c.notNull())
    .addColumn('table_name', 'text', (c) => c.notNull().check(sql`table_name <> ''`))
    .addColumn('measure', 'text', (c) => c.notNull().check(sql`measure <> ''`))
    .addColumn('current', 'integer', (c) => c.notNull().check(sql`"current" >= 0`))
    .addColumn('previous', 'integer', (c) => c.notNull().check(sql`previous >= 0`))
    .addUniqueConstraint('partner_data_row_measure', ['set_id', 'table_name', 'measure'])
    .execute();
  await db.schema.createIndex('partner_data_row_set_idx').on('partner_data_row').columns(['set_id', 'row_order']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('partner_data_row').ifExists().execute();
  await db.schema.dropTable('partner_data_set').ifExists().execute();
}
