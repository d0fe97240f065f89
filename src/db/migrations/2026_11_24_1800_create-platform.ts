import { sql, type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('partnership')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('la_code', 'char(3)', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('default_child_population', 'integer', (c) => c.check(sql`default_child_population >= 0`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('partnership_child_population')
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id').onDelete('cascade'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('child_population', 'integer', (c) => c.notNull().check(sql`child_population >= 0`))
    .addPrimaryKeyConstraint('partnership_child_population_pk', ['partnership_id', 'year'])
    .execute();

  await db.schema
    .createTable('agency')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) =>
      c.notNull().check(sql`type in ('local_authority','police','health','education','probation','youth_justice','housing','voluntary','other')`))
    .addColumn('email_domains', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('agency_partnership')
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agency.id').onDelete('cascade'))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('agency_partnership_pk', ['agency_id', 'partnership_id'])
    .execute();

  await db.schema
    .createTable('app_user')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agency.id'))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('mfa_secret', 'text')
    .addColumn('mfa_enrolled_at', 'timestamptz')
    .addColumn('mfa_last_step', 'bigint')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(sql`status in ('active','disabled')`))
    .addColumn('failed_sign_ins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_sign_in_at', 'timestamptz')
    .addColumn('last_partnership_id', 'integer', (c) => c.references('partnership.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('membership')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('membership_pk', ['user_id', 'partnership_id', 'role'])
    .execute();
  await db.schema.createIndex('membership_partnership_idx').on('membership').column('partnership_id').execute();

  await db.schema
    .createTable('session')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('partnership_id', 'integer', (c) => c.references('partnership.id'))
    .addColumn('mfa_passed', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('ended_at', 'timestamptz')
    .addColumn('end_reason', 'text')
    .execute();
  await db.schema.createIndex('session_user_idx').on('session').column('user_id').execute();

  await db.schema
    .createTable('audit_event')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('user_id', 'integer')
    .addColumn('user_email', 'text')
    .addColumn('agency_id', 'integer')
    .addColumn('role', 'text')
    .addColumn('partnership_id', 'integer')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('record_type', 'text')
    .addColumn('record_id', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('allowed','denied','failed')`))
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('detail', 'jsonb')
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_event_record_idx').on('audit_event').columns(['record_type', 'record_id']).execute();
  await db.schema.createIndex('audit_event_partnership_idx').on('audit_event').columns(['partnership_id', 'at']).execute();
  // Append-only even for the owner role: updates and deletes are refused outright.
  await sql`create function audit_event_append_only() returns trigger language plpgsql as $$
    begin raise exception 'audit_event is append-only'; end $$`.execute(db);
  await sql`create trigger audit_event_no_change before update or delete on audit_event
    for each row execute function audit_event_append_only()`.execute(db);
  await sql`create trigger audit_event_no_truncate before truncate on audit_event
    for each statement execute function audit_event_append_only()`.execute(db);

  await db.schema
    .createTable('audit_checkpoint')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('child')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id'))
    .addColumn('la_child_id', 'text', (c) => c.notNull())
    .addColumn('upn', 'text')
    .addColumn('nhs_number', 'text')
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('date_of_birth', 'date')
    .addColumn('expected_birth_date', 'date')
    .addColumn('sex', 'text')
    .addColumn('ethnicity', 'text')
    .addColumn('postcode', 'text')
    .addColumn('locality', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('child_la_child_id_uq', ['partnership_id', 'la_child_id'])
    .execute();
  await db.schema.createIndex('child_name_idx').on('child').columns(['partnership_id', 'last_name', 'first_name']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['child', 'audit_checkpoint', 'audit_event', 'session', 'membership', 'app_user',
    'agency_partnership', 'agency', 'partnership_child_population', 'partnership']) {
    await db.schema.dropTable(t).ifExists().cascade().execute();
  }
  await sql`drop function if exists audit_event_append_only()`.execute(db);
}
