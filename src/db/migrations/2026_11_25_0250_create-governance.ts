import { sql, type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
//
// The partnership's governance, on top of the assurance core's groups:
// - assurance_group.short_name: what the minutes call a group ("QA", "CSPR"), for action references;
// - group_member: who sits on each group, for whom and in what role, from and to: past members are kept,
//   so a meeting's attendance is read against the membership of its day;
// - group_meeting with its meeting_item (agenda item, minutes, decisions) and meeting_attendance (each
//   member present, sent apologies or absent, and guests); the action log is the core's `action` table;
// - challenge and its challenge_event history: the challenge log between partners, with each agency's
//   response, the outcome, escalation to the Executive and the one reminder of an overdue response.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('assurance_group').addColumn('short_name', 'text').execute();

  await db.schema.createTable('group_member')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id').onDelete('cascade'))
    .addColumn('group_id', 'integer', (c) => c.notNull().references('assurance_group.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.references('app_user.id'))
    // A member without a Beacon account is named here instead.
    .addColumn('name', 'text')
    // The agency the member represents; none for an independent member (the Independent Chair, a scrutineer).
    .addColumn('agency_id', 'integer', (c) => c.references('agency.id'))
    .addColumn('job_title', 'text')
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('chair','vice_chair','member','adviser')`))
    .addColumn('from_date', 'date', (c) => c.notNull())
    .addColumn('to_date', 'date')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('group_member_who', sql`user_id is not null or name is not null`)
    .addCheckConstraint('group_member_dates', sql`to_date is null or to_date >= from_date`)
    .execute();
  await db.schema.createIndex('group_member_group_idx').on('group_member').columns(['partnership_id', 'group_id']).execute();

  await db.schema.createTable('group_meeting')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id').onDelete('cascade'))
    .addColumn('group_id', 'integer', (c) => c.notNull().references('assurance_group.id').onDelete('cascade'))
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('location', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('planned').check(sql`status in ('planned','held','cancelled')`))
    .addColumn('created_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('group_meeting_group_idx').on('group_meeting').columns(['partnership_id', 'group_id', 'starts_at']).execute();

  await db.schema.createTable('meeting_item')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('meeting_id', 'uuid', (c) => c.notNull().references('group_meeting.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('minutes', 'text')
    .addColumn('decisions', 'text')
    .addUniqueConstraint('meeting_item_position_uq', ['meeting_id', 'position'])
    .execute();

  await db.schema.createTable('meeting_attendance')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('meeting_id', 'uuid', (c) => c.notNull().references('group_meeting.id').onDelete('cascade'))
    // A member's attendance; a guest has no member row and is named here.
    .addColumn('member_id', 'integer', (c) => c.references('group_member.id').onDelete('cascade'))
    .addColumn('guest_name', 'text')
    .addColumn('guest_role', 'text')
    .addColumn('guest_agency_id', 'integer', (c) => c.references('agency.id'))
    .addColumn('attendance', 'text', (c) => c.notNull().check(sql`attendance in ('present','apologies','absent')`))
    // Who came in a member's place: their agency was represented.
    .addColumn('deputy', 'text')
    .addUniqueConstraint('meeting_attendance_member_uq', ['meeting_id', 'member_id'])
    .addCheckConstraint('meeting_attendance_who', sql`member_id is not null or guest_name is not null`)
    .execute();

  await db.schema.createTable('challenge')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id').onDelete('cascade'))
    // "CH 2026/03": the year raised and its number in that year.
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('raised_on', 'date', (c) => c.notNull())
    .addColumn('raised_by_kind', 'text', (c) => c.notNull().check(sql`raised_by_kind in ('agency','independent_chair','partnership')`))
    .addColumn('raised_by_agency_id', 'integer', (c) => c.references('agency.id'))
    .addColumn('raised_by_name', 'text')
    .addColumn('to_agency_id', 'integer', (c) => c.notNull().references('agency.id'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('group_id', 'integer', (c) => c.references('assurance_group.id'))
    .addColumn('meeting_id', 'uuid', (c) => c.references('group_meeting.id'))
    .addColumn('response_due', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open','responded','resolved','escalated')`))
    .addColumn('response', 'text')
    .addColumn('responded_at', 'timestamptz')
    .addColumn('responded_by', 'integer', (c) => c.references('app_user.id'))
    // The business manager recorded a response the agency gave at a meeting.
    .addColumn('response_on_behalf', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('resolution', 'text')
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('escalation_reason', 'text')
    .addColumn('escalated_at', 'timestamptz')
    // An overdue response is reminded once.
    .addColumn('reminded_at', 'timestamptz')
    .addColumn('created_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('challenge_reference_uq', ['partnership_id', 'reference'])
    .addCheckConstraint('challenge_raised_by_agency', sql`(raised_by_kind = 'agency') = (raised_by_agency_id is not null)`)
    .addCheckConstraint('challenge_responded', sql`status <> 'responded' or response is not null`)
    .addCheckConstraint('challenge_escalated', sql`status <> 'escalated' or escalation_reason is not null`)
    .execute();
  await db.schema.createIndex('challenge_status_idx').on('challenge').columns(['partnership_id', 'status', 'response_due']).execute();

  await db.schema.createTable('challenge_event')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('challenge_id', 'uuid', (c) => c.notNull().references('challenge.id').onDelete('cascade'))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.references('app_user.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('raised','responded','resolved','escalated','reminded')`))
    .addColumn('note', 'text')
    .addColumn('on_behalf', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema.createIndex('challenge_event_challenge_idx').on('challenge_event').columns(['challenge_id', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['challenge_event', 'challenge', 'meeting_attendance', 'meeting_item', 'group_meeting', 'group_member']) await db.schema.dropTable(t).ifExists().execute();
  await db.schema.alterTable('assurance_group').dropColumn('short_name').execute();
}
