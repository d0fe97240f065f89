import type { Db } from '../../db/create-db';
import type { CourseDelivery } from '../../db/schema-training';
import type { ReceivedMessage } from '../../testing/smtp';
import { addUser } from '../users/users.service';

/** A course of the partnership, inserted as the manage pages would leave it. */
export async function addCourse(db: Db, partnershipId: number, opts: { title?: string; delivery?: CourseDelivery } = {}): Promise<string> {
  const row = await db.insertInto('course').values({
    partnership_id: partnershipId, title: opts.title ?? 'Cumulative impact of neglect', summary: 'Recognising neglect over time.',
    description: 'A full day on neglect.', audience: 'Practitioners in every agency', level: '3', delivery: opts.delivery ?? 'face_to_face',
    duration_minutes: 360, learning_outcomes: ['Use the neglect toolkit'], themes: ['neglect'],
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** A session open for booking, by default at 09:30 to 15:30 UTC on the day given. */
export async function addSession(db: Db, partnershipId: number, courseId: string, opts: {
  startsAt?: Date; endsAt?: Date; capacity?: number; status?: 'planned' | 'scheduled' | 'cancelled'; venue?: string | null; joiningLink?: string | null;
} = {}): Promise<string> {
  const startsAt = opts.startsAt ?? new Date('2026-07-14T08:30:00Z');
  const row = await db.insertInto('course_session').values({
    partnership_id: partnershipId, course_id: courseId, starts_at: startsAt, ends_at: opts.endsAt ?? new Date(startsAt.getTime() + 6 * 3_600_000),
    venue: opts.venue === undefined ? 'Northmere Civic Centre, Room 2' : opts.venue, joining_link: opts.joiningLink ?? null,
    capacity: opts.capacity ?? 20, trainers: 'Grace Adeyemi', status: opts.status ?? 'scheduled',
    cancelled_reason: opts.status === 'cancelled' ? 'Trainer unwell' : null,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Practitioners of the partnership's agency: `<prefix>1@a.test`... */
export async function addPractitioners(db: Db, partnershipId: number, agencyId: number, n: number, prefix = 'learner', domain = 'a.test'): Promise<{ id: number; email: string }[]> {
  const out: { id: number; email: string }[] = [];
  for (let i = 1; i <= n; i++) {
    const email = `${prefix}${i}@${domain}`;
    const { id } = await addUser(db, partnershipId, { email, name: `Learner ${prefix} ${i}`, agencyId, roles: ['practitioner'], password: 'a-long-test-password-for-everyone' });
    out.push({ id, email });
  }
  return out;
}

/** The calendar attachment of a message, unfolded into its properties. */
export function calendarOf(message: ReceivedMessage): Record<string, string> | null {
  const ics = message.attachments.find((a) => /^text\/calendar/i.test(a.contentType));
  if (!ics) return null;
  const props: Record<string, string> = {};
  for (const line of ics.content.replace(/\r\n[ \t]/g, '').split('\r\n')) {
    const i = line.search(/[:;]/);
    if (i > 0 && !(line.slice(0, i) in props)) props[line.slice(0, i)] = line.slice(line.indexOf(':', i) + 1);
  }
  return props;
}
