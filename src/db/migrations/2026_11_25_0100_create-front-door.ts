import { sql, type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
//
// The front door and the MASH.
// - front_door_contact: what the front door receives (by form or from a partner's system through the API),
//   about one or more children, with its screening decision and the one-working-day clock. Each child
//   of it is a `contact` row, the per-child contact the returns and indicators count; a child may now
//   have two contacts on one day (the school and the police ring about the same incident), so the
//   contact's natural key becomes a plain index (imports still match on child and date).
// - consultation: the professionals' consultation line.
// - mash_enquiry, its RAG changes, and agency_check: each agency's check with its due time.
// - api_token and its uses: partner systems' access.
// - email_outbox: every email Beacon sends, and whether it went.
// - front_door_audit: the front door's quality assurance audits of sampled decisions.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('api_token')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id').onDelete('cascade'))
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agency.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scopes', sql`text[]`, (c) => c.notNull())
    // Only a SHA-256 digest is kept: the token itself is shown once, when made.
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('token_prefix', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('replaced_by', 'uuid', (c) => c.references('api_token.id'))
    .execute();
  await db.schema.createTable('api_token_use')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('token_id', 'uuid', (c) => c.notNull().references('api_token.id').onDelete('cascade'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('ip', 'text')
    .execute();
  await db.schema.createIndex('api_token_use_token_idx').on('api_token_use').columns(['token_id', 'at']).execute();

  await db.schema.createTable('front_door_contact')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id'))
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('referrer_name', 'text')
    .addColumn('referrer_role', 'text')
    .addColumn('referrer_agency_id', 'integer', (c) => c.references('agency.id'))
    .addColumn('referrer_agency_name', 'text')
    .addColumn('referrer_email', 'text')
    .addColumn('referrer_phone', 'text')
    .addColumn('domestic_abuse', 'boolean', (c) => c.notNull().defaultTo(false))
    // The note to the child's school after a domestic abuse incident, and when it was sent.
    .addColumn('school_note', 'text')
    .addColumn('school_notified_at', 'timestamptz')
    .addColumn('consent', 'text', (c) => c.notNull().check(sql`consent in ('given','refused','not_sought')`))
    .addColumn('consent_not_sought_reason', 'text')
    .addColumn('lawful_basis', 'text')
    .addColumn('urgency', 'text', (c) => c.notNull().defaultTo('routine').check(sql`urgency in ('immediate','urgent','routine')`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('awaiting_decision').check(sql`status in ('awaiting_decision','in_mash','decided')`))
    .addColumn('decision_due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.check(sql`decision in ('nfa','information_advice','early_help','mash_enquiry','referral','strategy_discussion')`))
    .addColumn('decision_reason', 'text')
    .addColumn('decision_at', 'timestamptz')
    .addColumn('decided_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('referrer_told_at', 'timestamptz')
    .addColumn('recorded_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('api_token_id', 'uuid', (c) => c.references('api_token.id'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('front_door_contact_consent_basis', sql`consent <> 'not_sought' or (consent_not_sought_reason is not null and lawful_basis is not null)`)
    .addCheckConstraint('front_door_contact_decided', sql`(status = 'awaiting_decision') = (decision is null)`)
    .execute();
  await sql`create index front_door_contact_queue_idx on front_door_contact (partnership_id, status, decision_due_at)`.execute(db);
  await sql`create index front_door_contact_received_idx on front_door_contact (partnership_id, received_at)`.execute(db);

  await sql`alter table contact drop constraint contact_natural_key`.execute(db);
  await db.schema.createIndex('contact_child_date_idx').on('contact').columns(['child_id', 'contact_date']).execute();
  await db.schema.alterTable('contact')
    .addColumn('front_door_contact_id', 'uuid', (c) => c.references('front_door_contact.id').onDelete('cascade'))
    // The referral the decision opened for this child, and whether it was a re-referral when opened.
    .addColumn('referral_id', 'uuid', (c) => c.references('referral.id').onDelete('set null'))
    .addColumn('re_referral', 'boolean')
    .execute();
  await db.schema.createIndex('contact_front_door_idx').on('contact').column('front_door_contact_id').execute();

  await db.schema.createTable('consultation')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id'))
    .addColumn('called_at', 'timestamptz', (c) => c.notNull())
    .addColumn('caller_name', 'text', (c) => c.notNull())
    .addColumn('caller_role', 'text')
    .addColumn('caller_agency_id', 'integer', (c) => c.references('agency.id'))
    .addColumn('caller_agency_name', 'text')
    .addColumn('caller_phone', 'text')
    .addColumn('caller_email', 'text')
    .addColumn('child_id', 'uuid', (c) => c.references('child.id').onDelete('set null'))
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('advice', 'text', (c) => c.notNull())
    .addColumn('request_for_support', 'boolean', (c) => c.notNull())
    .addColumn('recorded_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index consultation_called_idx on consultation (partnership_id, called_at)`.execute(db);

  await db.schema.createTable('mash_enquiry')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id'))
    .addColumn('front_door_contact_id', 'uuid', (c) => c.notNull().unique().references('front_door_contact.id').onDelete('cascade'))
    .addColumn('rag', 'text', (c) => c.notNull().check(sql`rag in ('red','amber','green')`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open','decided')`))
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('opened_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('decision', 'text', (c) => c.check(sql`decision in ('nfa','information_advice','early_help','referral','strategy_discussion')`))
    .addColumn('decision_summary', 'text')
    .addColumn('decision_at', 'timestamptz')
    .addColumn('decided_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index mash_enquiry_status_idx on mash_enquiry (partnership_id, status, opened_at)`.execute(db);
  await db.schema.createTable('mash_rag_change')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('mash_enquiry_id', 'uuid', (c) => c.notNull().references('mash_enquiry.id').onDelete('cascade'))
    .addColumn('from_rag', 'text', (c) => c.notNull())
    .addColumn('to_rag', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('changed_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createTable('agency_check')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id'))
    .addColumn('mash_enquiry_id', 'uuid', (c) => c.notNull().references('mash_enquiry.id').onDelete('cascade'))
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agency.id'))
    // The RAG the check is timed by: the enquiry's, kept here so that a measure by RAG counts each check once.
    .addColumn('rag', 'text', (c) => c.notNull().check(sql`rag in ('red','amber','green')`))
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('requested_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('requested').check(sql`status in ('requested','completed')`))
    .addColumn('information', 'text')
    .addColumn('need_to_know', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('responded_at', 'timestamptz')
    .addColumn('responded_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('escalated_at', 'timestamptz')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('agency_check_once', ['mash_enquiry_id', 'agency_id'])
    .execute();
  await sql`create index agency_check_queue_idx on agency_check (partnership_id, agency_id, status, due_at)`.execute(db);

  await db.schema.createTable('email_outbox')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.references('partnership.id'))
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('record_type', 'text')
    .addColumn('record_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('queued').check(sql`status in ('queued','sent','failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute();
  await sql`create index email_outbox_status_idx on email_outbox (status, created_at)`.execute(db);
  await sql`create index email_outbox_record_idx on email_outbox (record_type, record_id)`.execute(db);

  await db.schema.createTable('front_door_audit')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id'))
    .addColumn('month', 'date', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('manager','multi_agency','dip')`))
    .addColumn('front_door_contact_id', 'uuid', (c) => c.notNull().references('front_door_contact.id').onDelete('cascade'))
    .addColumn('auditor_id', 'integer', (c) => c.references('app_user.id'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('scheduled').check(sql`status in ('scheduled','completed')`))
    .addColumn('grade', 'text', (c) => c.check(sql`grade in ('outstanding','good','requires_improvement','inadequate')`))
    .addColumn('answers', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('learning_points', 'text')
    .addColumn('completed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('front_door_audit_once', ['front_door_contact_id', 'kind'])
    .execute();
  await sql`create index front_door_audit_month_idx on front_door_audit (partnership_id, month, kind)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['front_door_audit', 'email_outbox', 'agency_check', 'mash_rag_change', 'mash_enquiry', 'consultation']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await sql`delete from contact where front_door_contact_id is not null`.execute(db);
  await db.schema.alterTable('contact').dropColumn('front_door_contact_id').dropColumn('referral_id').dropColumn('re_referral').execute();
  await db.schema.dropIndex('contact_child_date_idx').ifExists().execute();
  await sql`alter table contact add constraint contact_natural_key unique (child_id, contact_date)`.execute(db);
  for (const t of ['front_door_contact', 'api_token_use', 'api_token']) await db.schema.dropTable(t).ifExists().execute();
}
