import { sql, type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
//
// Multi-agency training: the partnership's catalogue of courses, their sessions, practitioners' bookings
// (a waiting list is a booking waiting for a place), attendance and charges on the booking, and the
// evaluations after a course. Practitioners of every partner agency register themselves, so app_user
// learns whether its address was verified and who the person's line manager is.
//
// An e-learning course has sessions too: each is an enrolment window (starts_at opens it, ends_at is the
// date to complete the module by) with no venue, no joining link and a number of licences as its capacity.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('app_user')
    .addColumn('line_manager_id', 'integer', (c) => c.references('app_user.id').onDelete('set null'))
    .addColumn('email_verified_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('app_user_line_manager_idx').on('app_user').column('line_manager_id').execute();

  // Only a SHA-256 digest of the token is kept: the token itself is only in the email.
  await db.schema.createTable('email_verification')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('email_verification_user_idx').on('email_verification').column('user_id').execute();

  await db.schema.createTable('course')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    // The safeguarding competence level: 1 awareness ... 4 specialist.
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('1','2','3','4')`))
    .addColumn('delivery', 'text', (c) => c.notNull().check(sql`delivery in ('face_to_face','virtual','e_learning')`))
    .addColumn('duration_minutes', 'integer', (c) => c.notNull().check(sql`duration_minutes > 0`))
    .addColumn('learning_outcomes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    // The partnership's priorities the course serves (learning theme codes: neglect, exploitation, ...).
    .addColumn('themes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(sql`status in ('active','retired')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('course_title_uq', ['partnership_id', 'title'])
    .execute();

  await db.schema.createTable('course_session')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id').onDelete('cascade'))
    .addColumn('course_id', 'uuid', (c) => c.notNull().references('course.id').onDelete('cascade'))
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('venue', 'text')
    .addColumn('joining_link', 'text')
    .addColumn('capacity', 'integer', (c) => c.notNull().check(sql`capacity > 0`))
    // The trainers' names as shown to those booking; the Beacon trainer who marks attendance may be one of them.
    .addColumn('trainers', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('trainer_user_id', 'integer', (c) => c.references('app_user.id').onDelete('set null'))
    // planned: on the programme planner, not yet open to booking.
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('scheduled').check(sql`status in ('planned','scheduled','cancelled')`))
    .addColumn('cancelled_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Optimistic locking: two managers editing one session from stale pages must not overwrite each other.
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addCheckConstraint('course_session_ends_after_start', sql`ends_at > starts_at`)
    .addCheckConstraint('course_session_cancelled_has_reason', sql`status <> 'cancelled' or cancelled_reason is not null`)
    .execute();
  await db.schema.createIndex('course_session_course_idx').on('course_session').columns(['course_id', 'starts_at']).execute();
  await db.schema.createIndex('course_session_partnership_idx').on('course_session').columns(['partnership_id', 'starts_at']).execute();

  await db.schema.createTable('booking')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id').onDelete('cascade'))
    .addColumn('session_id', 'uuid', (c) => c.notNull().references('course_session.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('confirmed','waiting','cancelled')`))
    // When the person asked for a place: the waiting list is served in this order.
    .addColumn('booked_at', 'timestamptz', (c) => c.notNull())
    .addColumn('confirmed_at', 'timestamptz')
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('cancelled_reason', 'text')
    .addColumn('attendance', 'text', (c) => c.check(sql`attendance in ('attended','absent')`))
    .addColumn('attendance_marked_at', 'timestamptz')
    .addColumn('attendance_marked_by', 'integer', (c) => c.references('app_user.id').onDelete('set null'))
    // A charge for not attending, where the partnership sets one.
    .addColumn('charge_pence', 'integer', (c) => c.check(sql`charge_pence >= 0`))
    .addColumn('reminder_sent_at', 'timestamptz')
    .addColumn('evaluation_requested_at', 'timestamptz')
    .addColumn('impact_requested_at', 'timestamptz')
    .addColumn('certificate_number', 'text', (c) => c.unique())
    .addCheckConstraint('booking_confirmed_has_time', sql`status <> 'confirmed' or confirmed_at is not null`)
    .addCheckConstraint('booking_cancelled_has_time', sql`status <> 'cancelled' or cancelled_at is not null`)
    .execute();
  // One live booking a person a session: a double booking is refused by the database even under a race.
  await sql`create unique index booking_once on booking (session_id, user_id) where status <> 'cancelled'`.execute(db);
  await db.schema.createIndex('booking_session_idx').on('booking').columns(['session_id', 'status', 'booked_at']).execute();
  await db.schema.createIndex('booking_user_idx').on('booking').columns(['user_id', 'status']).execute();

  await db.schema.createTable('training_evaluation')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id').onDelete('cascade'))
    .addColumn('booking_id', 'uuid', (c) => c.notNull().references('booking.id').onDelete('cascade'))
    // evaluation: the form after the course; impact: the survey some weeks later.
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('evaluation','impact')`))
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('overall', 'integer', (c) => c.check(sql`overall between 1 and 5`))
    .addColumn('confidence_before', 'integer', (c) => c.check(sql`confidence_before between 1 and 5`))
    .addColumn('confidence_after', 'integer', (c) => c.check(sql`confidence_after between 1 and 5`))
    .addColumn('answers', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('practice_change', 'text')
    .addColumn('comments', 'text')
    .addUniqueConstraint('training_evaluation_once', ['booking_id', 'kind'])
    .execute();
  await db.schema.createIndex('training_evaluation_partnership_idx').on('training_evaluation').columns(['partnership_id', 'kind', 'submitted_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['training_evaluation', 'booking', 'course_session', 'course', 'email_verification']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await db.schema.dropIndex('app_user_line_manager_idx').ifExists().execute();
  await db.schema.alterTable('app_user').dropColumn('line_manager_id').dropColumn('email_verified_at').execute();
}
