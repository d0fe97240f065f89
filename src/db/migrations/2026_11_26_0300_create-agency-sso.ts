import { type Kysely, sql } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
//
// Single sign-on for partner agencies over OpenID Connect. One configuration per agency, kept by the
// partnership whose administrator set it up (people signing in for the first time wait for that
// partnership's approval). The client secret is stored encrypted with a key from the configuration.
// A sign-in in progress (state, nonce, PKCE verifier) is a row used once; a person's link to their
// provider's subject stops a reused email address at the provider from taking over an account; a
// request records a person provisioned on first sign-in until an administrator approves or refuses them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('agency_sso')
    .addColumn('agency_id', 'integer', (c) => c.primaryKey().references('agency.id').onDelete('cascade'))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id'))
    .addColumn('issuer_url', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('client_secret_sealed', 'text', (c) => c.notNull())
    .addColumn('email_domains', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('password_allowed', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'integer', (c) => c.references('app_user.id'))
    .execute();
  await db.schema.createIndex('agency_sso_partnership_idx').on('agency_sso').column('partnership_id').execute();

  await db.schema.createTable('sso_attempt')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agency.id').onDelete('cascade'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('next', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sso_attempt_created_idx').on('sso_attempt').column('created_at').execute();

  await db.schema.createTable('sso_identity')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('last_amr', sql`text[]`)
    .addColumn('last_acr', 'text')
    .addColumn('last_sign_in_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('sso_identity_pk', ['user_id', 'issuer'])
    .addUniqueConstraint('sso_identity_subject_uq', ['issuer', 'subject'])
    .execute();

  await db.schema.createTable('account_request')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agency.id'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending','approved','refused')`))
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decided_by', 'integer', (c) => c.references('app_user.id'))
    .addUniqueConstraint('account_request_user_uq', ['partnership_id', 'user_id'])
    .execute();
  await db.schema.createIndex('account_request_pending_idx').on('account_request').columns(['partnership_id', 'status']).execute();

  await db.schema.alterTable('session')
    .addColumn('sso_amr', sql`text[]`)
    .addColumn('sso_acr', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('session').dropColumn('sso_acr').dropColumn('sso_amr').execute();
  await db.schema.dropTable('account_request').execute();
  await db.schema.dropTable('sso_identity').execute();
  await db.schema.dropTable('sso_attempt').execute();
  await db.schema.dropTable('agency_sso').execute();
}
