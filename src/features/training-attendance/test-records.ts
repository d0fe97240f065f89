import type { Db } from '../../db/create-db';
import type { Attendance, BookingStatus, CourseDelivery, SessionStatus } from '../../db/schema-training';
import { addTestPerson } from '../../testing/test-app';

/** Training records written straight to the database, for the tests of attendance, evaluation and reports. */

export async function addCourse(db: Db, partnershipId: number, c: { title: string; delivery?: CourseDelivery; themes?: string[]; level?: '1' | '2' | '3' | '4'; durationMinutes?: number; outcomes?: string[] }) {
  const row = await db.insertInto('course').values({
    partnership_id: partnershipId, title: c.title, summary: `${c.title}.`, description: `About ${c.title}.`, audience: 'Practitioners of every agency',
    level: c.level ?? '2', delivery: c.delivery ?? 'face_to_face', duration_minutes: c.durationMinutes ?? 180,
    learning_outcomes: c.outcomes ?? ['Recognise the signs', 'Know how to act'], themes: c.themes ?? [],
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function addSession(db: Db, partnershipId: number, courseId: string,
  s: { startsAt: string; endsAt?: string; capacity?: number; trainerUserId?: number | null; status?: SessionStatus }) {
  const startsAt = new Date(s.startsAt);
  const row = await db.insertInto('course_session').values({
    partnership_id: partnershipId, course_id: courseId, starts_at: startsAt, ends_at: s.endsAt ? new Date(s.endsAt) : new Date(startsAt.getTime() + 3 * 3_600_000),
    capacity: s.capacity ?? 20, trainers: 'Sam Trainer', trainer_user_id: s.trainerUserId ?? null, status: s.status ?? 'scheduled',
    cancelled_reason: s.status === 'cancelled' ? 'Trainer unwell' : null, venue: 'Civic Centre',
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function book(db: Db, partnershipId: number, sessionId: string, userId: number,
  b: { status?: BookingStatus; attendance?: Attendance | null; bookedAt?: string; certificateNumber?: string } = {}) {
  const at = new Date(b.bookedAt ?? '2025-01-01T09:00:00Z');
  const status = b.status ?? 'confirmed';
  const row = await db.insertInto('booking').values({
    partnership_id: partnershipId, session_id: sessionId, user_id: userId, status, booked_at: at,
    confirmed_at: status === 'confirmed' ? at : null, cancelled_at: status === 'cancelled' ? at : null,
    attendance: b.attendance ?? null, attendance_marked_at: b.attendance ? at : null, certificate_number: b.certificateNumber ?? null,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** A practitioner of an agency, in the partnership, who can sign in. */
export async function addPractitioner(db: Db, partnershipId: number, agencyId: number, email: string, name: string, roles: string[] = ['practitioner']) {
  return addTestPerson(db, partnershipId, { email, name, agencyId, roles });
}

export const userId = async (db: Db, email: string) => (await db.selectFrom('app_user').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
