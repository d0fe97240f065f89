import { sql, type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
//
// The business manager's settings for each indicator of the scorecard: how it is rated (a target with a
// tolerance, or the direction of travel, each with the polarity that says whether higher or lower is
// better, or not at all) and the statistical neighbours' figure to compare with. An indicator with no row
// takes the shipped default rule and has no neighbours' figure.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('rag_rule')
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id'))
    .addColumn('indicator', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('target', 'direction', 'none')`))
    .addColumn('target', 'double precision')
    .addColumn('tolerance', 'double precision', (c) => c.check(sql`tolerance >= 0`))
    .addColumn('polarity', 'text', (c) => c.check(sql`polarity in ('higher', 'lower')`))
    .addColumn('neighbour_value', 'double precision')
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('rag_rule_pkey', ['partnership_id', 'indicator'])
    // A rule carries exactly what its method needs.
    .addCheckConstraint('rag_rule_complete', sql`(method = 'target' and target is not null and tolerance is not null and polarity is not null)
      or (method = 'direction' and polarity is not null) or method = 'none'`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rag_rule').execute();
}
