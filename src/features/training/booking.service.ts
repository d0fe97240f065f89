import { sql, type Transaction } from 'kysely';
import type { Db } from '../../db/create-db';
import type { BookingStatus, CourseDelivery, SessionStatus } from '../../db/schema-training';
import { CalendarRangeError, workingDaysBetween } from '../../domain/calendar';
import { londonParts } from '../../domain/london';
import { appendAudit, type AuditEntry } from '../../platform/audit';
import type { Database } from '../../db/schema';
import type { Email } from '../../platform/email';
import { NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import { queueAll, sendAll, trainingEmail, whenText, type MailPerson, type MailSession, type TrainingMail } from './training-emails';
import { findCourse, isPast, isUuid, parseSession, partnershipTrainers, trainingSettings, type SessionForm } from './training.service';

/**
 * Booking: a place while the session has one, otherwise the waiting list; cancelling up to the cut-off; a
 * place that frees given to the first person waiting. Every change to a session's bookings happens in a
 * transaction that first locks the session's row, so two people taking the last place at once are served
 * one after the other and only one gets it; the partial unique index on (session, person) refuses a second
 * live booking whatever happens. Emails are sent after the transaction commits, so a slow mail server
 * never holds the lock (a booking writes its email to the outbox within it).
 */

/** A booking refused for a reason the person can act on: shown on the session's page. */
export class BookingRefused extends Error {
  readonly statusCode = 409;
}

/** The form was filled in on a version of the session someone else has since changed. */
export class SessionEditConflict extends Error {
  readonly statusCode = 409;
}

type Tx = Db;

type LockedSession = {
  id: string; partnership_id: number; course_id: string; starts_at: Date; ends_at: Date; capacity: number; status: SessionStatus; version: number;
  venue: string | null; joining_link: string | null; trainers: string; trainer_user_id: number | null; delivery: CourseDelivery;
};

/** The session's row locked for the rest of the transaction: every booking change of one session queues here. */
async function lockSession(tx: Tx, partnershipId: number, sessionId: string): Promise<LockedSession> {
  if (!isUuid(sessionId)) throw new NotFound('No such session', 'course_session', sessionId);
  // Only the session's row is locked (of s): courses are read by every booking of every session.
  const row = await tx.selectFrom('course_session as s').innerJoin('course as c', 'c.id', 's.course_id')
    .select(['s.id', 's.partnership_id', 's.course_id', 's.starts_at', 's.ends_at', 's.capacity', 's.status', 's.version', 's.venue', 's.joining_link',
      's.trainers', 's.trainer_user_id', 'c.delivery'])
    .where('s.id', '=', sessionId).where('s.partnership_id', '=', partnershipId)
    .forUpdate('s').executeTakeFirst();
  if (!row) throw new NotFound('No such session', 'course_session', sessionId);
  return row;
}

const isSession = (s: LockedSession) => ({ delivery: s.delivery, startsAt: s.starts_at, endsAt: s.ends_at });

async function confirmedCount(tx: Tx, sessionId: string): Promise<number> {
  const r = await tx.selectFrom('booking').select(sql<number>`count(*)::int`.as('n')).where('session_id', '=', sessionId).where('status', '=', 'confirmed').executeTakeFirstOrThrow();
  return Number(r.n);
}


/** Fills free places from the waiting list, first come first served; only a session open and still to come. */
async function promoteWaiting(tx: Tx, s: LockedSession, now: Date): Promise<string[]> {
  if (s.status !== 'scheduled' || isPast(isSession(s), now)) return [];
  const free = s.capacity - (await confirmedCount(tx, s.id));
  if (free <= 0) return [];
  const next = await tx.selectFrom('booking').select('id').where('session_id', '=', s.id).where('status', '=', 'waiting')
    .orderBy('booked_at').orderBy('id').limit(free).execute();
  if (next.length === 0) return [];
  await tx.updateTable('booking').set({ status: 'confirmed', confirmed_at: now }).where('id', 'in', next.map((n) => n.id)).execute();
  return next.map((n) => n.id);
}

/** The session and the people of some bookings as the emails need them. */
async function mailContext(db: Db, partnershipId: number, sessionId: string, bookingIds: string[]): Promise<{ session: MailSession; people: Map<string, MailPerson> }> {
  const s = await db.selectFrom('course_session as s').innerJoin('course as c', 'c.id', 's.course_id').innerJoin('partnership as p', 'p.id', 's.partnership_id')
    .select(['s.id', 's.partnership_id', 'p.name as partnership', 'c.title', 'c.delivery', 's.starts_at', 's.ends_at', 's.venue', 's.joining_link', 's.trainers', 's.version'])
    .where('s.id', '=', sessionId).where('s.partnership_id', '=', partnershipId).executeTakeFirstOrThrow();
  const people = bookingIds.length === 0 ? [] : await db.selectFrom('booking as b').innerJoin('app_user as u', 'u.id', 'b.user_id')
    .select(['b.id', 'u.name', 'u.email']).where('b.id', 'in', bookingIds).execute();
  return {
    session: {
      id: s.id, partnershipId: s.partnership_id, partnershipName: s.partnership, courseTitle: s.title, delivery: s.delivery, startsAt: s.starts_at,
      endsAt: s.ends_at, venue: s.venue, joiningLink: s.joining_link, trainers: s.trainers, version: s.version,
    },
    people: new Map(people.map((p) => [p.id, { bookingId: p.id, name: p.name, email: p.email }])),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Booking and cancelling

export type BookOutcome = { bookingId: string; status: 'confirmed' | 'waiting'; position: number | null };

/**
 * Books a place, or a place on the waiting list. The booking, its email in the outbox and its audit entry
 * (made by `audit` from the outcome) commit together: a process that stops part-way leaves all or none.
 * The email is sent once they have committed.
 */
export async function bookPlace(db: Db, mail: TrainingMail, partnershipId: number, sessionId: string, userId: number, now: Date,
  audit?: (outcome: BookOutcome) => AuditEntry): Promise<BookOutcome> {
  let outcome: BookOutcome;
  let emails: string[] = [];
  try {
    outcome = await db.transaction().execute(async (tx) => {
      const s = await lockSession(tx, partnershipId, sessionId);
      if (s.status === 'cancelled') throw new BookingRefused('This session has been cancelled: choose another session of the course');
      if (s.status === 'planned') throw new BookingRefused('Booking for this session has not opened yet: it is on the programme so that you can plan for it');
      if (isPast(isSession(s), now)) {
        throw new BookingRefused(s.delivery === 'e_learning' ? 'Enrolment for this e-learning has closed: choose a later one' : 'This session has already started: choose a later session of the course');
      }
      // One look at the session's bookings while the lock is held: the person's own, the places taken and the queue.
      const { rows: [seen] } = await sql<{ mine: string | null; confirmed: number; waiting: number }>`
        select max(status) filter (where user_id = ${userId} and status <> 'cancelled') as mine,
          count(*) filter (where status = 'confirmed')::int as confirmed, count(*) filter (where status = 'waiting')::int as waiting
        from booking where session_id = ${s.id}`.execute(tx);
      if (seen!.mine) throw new BookingRefused(seen!.mine === 'waiting' ? 'You are already on the waiting list for this session' : 'You are already booked on this session');
      const status: 'confirmed' | 'waiting' = Number(seen!.confirmed) < s.capacity ? 'confirmed' : 'waiting';
      // The queue is served by booked_at: two people booking in the same instant are put in the order they got the lock.
      const bookedAt = sql<Date>`greatest(${now}::timestamptz, (select max(booked_at) + interval '1 microsecond' from booking where session_id = ${s.id}))`;
      const row = await tx.insertInto('booking').values({
        partnership_id: partnershipId, session_id: s.id, user_id: userId, status, booked_at: bookedAt, confirmed_at: status === 'confirmed' ? now : null,
      }).returning('id').executeTakeFirstOrThrow();
      // The newest booking of the session: last in the queue.
      const out: BookOutcome = { bookingId: row.id, status, position: status === 'waiting' ? Number(seen!.waiting) + 1 : null };
      const { session, people } = await mailContext(tx, partnershipId, sessionId, [out.bookingId]);
      emails = await queueAll(tx, mail, [trainingEmail(mail, out.status, session, people.get(out.bookingId)!, now, { position: out.position ?? undefined })]);
      if (audit) await appendAudit(tx as Transaction<Database>, [audit(out)]);
      return out;
    });
  } catch (err) {
    // The partial unique index: a second live booking of the same person, however it got past the check.
    if ((err as { code?: string }).code === '23505') throw new BookingRefused('You are already booked on this session');
    throw err;
  }
  await mail.mailer.sendQueued(db, emails);
  return outcome;
}

export type CancelOutcome = { bookingId: string; sessionId: string; userId: number; was: 'confirmed' | 'waiting'; promoted: string[] };

/**
 * Cancels a booking. The person may cancel their place up to the partnership's cut-off before the start
 * (leaving a waiting list at any time until then); the training team may cancel anyone's at any time.
 * Someone else's booking, to a person who is not the training team, does not exist.
 */
export async function cancelBooking(db: Db, mail: TrainingMail, partnershipId: number, bookingId: string,
  actor: { userId: number; manager: boolean; reason?: string }, now: Date): Promise<CancelOutcome> {
  if (!isUuid(bookingId)) throw new NotFound('No such booking', 'booking', bookingId);
  const found = await db.selectFrom('booking').select(['session_id', 'user_id']).where('id', '=', bookingId).where('partnership_id', '=', partnershipId).executeTakeFirst();
  if (!found || (!actor.manager && found.user_id !== actor.userId)) throw new NotFound('No such booking', 'booking', bookingId);
  const reason = actor.reason?.trim() || null;
  if (reason && reason.length > 1000) throw new ValidationFailed([{ field: 'reason', message: 'The reason must be 1,000 characters or fewer' }]);
  const cutoffHours = (await trainingSettings(db, partnershipId)).cancellationCutoffHours;
  const outcome = await db.transaction().execute(async (tx) => {
    const s = await lockSession(tx, partnershipId, found.session_id);
    const b = await tx.selectFrom('booking').select(['status', 'attendance']).where('id', '=', bookingId).executeTakeFirstOrThrow();
    if (b.status === 'cancelled') throw new BookingRefused('This booking has already been cancelled');
    if (b.attendance) throw new BookingRefused('Attendance has been recorded for this booking: it can no longer be cancelled');
    if (!actor.manager) {
      if (isPast(isSession(s), now)) throw new BookingRefused('The session has already started: contact the training team');
      // The cut-off is about a place someone else could still use; a place on the waiting list holds no one back.
      const cutoff = new Date(s.starts_at.getTime() - cutoffHours * 3_600_000);
      if (b.status === 'confirmed' && s.delivery !== 'e_learning' && now > cutoff) {
        throw new BookingRefused(`You can no longer cancel: the cut-off was ${whenText(cutoff)}. Contact the training team.`);
      }
    }
    await tx.updateTable('booking').set({ status: 'cancelled', cancelled_at: now, cancelled_reason: reason ?? (actor.manager && actor.userId !== found.user_id ? 'Cancelled by the training team' : null) })
      .where('id', '=', bookingId).execute();
    const promoted = b.status === 'confirmed' ? await promoteWaiting(tx, s, now) : [];
    return { bookingId, sessionId: s.id, userId: found.user_id, was: b.status as 'confirmed' | 'waiting', promoted };
  });
  const { session, people } = await mailContext(db, partnershipId, outcome.sessionId, [bookingId, ...outcome.promoted]);
  const byManager = actor.manager && actor.userId !== found.user_id;
  await sendAll(db, mail, [
    trainingEmail(mail, 'cancelled', session, people.get(bookingId)!, now, { hadPlace: outcome.was === 'confirmed', byManager, reason: reason ?? undefined }),
    ...outcome.promoted.map((id) => trainingEmail(mail, 'promoted', session, people.get(id)!, now)),
  ]);
  return outcome;
}

/** Cancels the person's own live booking of a session (their place or their place in the queue). */
export async function cancelOwnBooking(db: Db, mail: TrainingMail, partnershipId: number, sessionId: string, userId: number, now: Date): Promise<CancelOutcome> {
  if (!isUuid(sessionId)) throw new NotFound('No such session', 'course_session', sessionId);
  const session = await db.selectFrom('course_session').select('id').where('id', '=', sessionId).where('partnership_id', '=', partnershipId).executeTakeFirst();
  if (!session) throw new NotFound('No such session', 'course_session', sessionId);
  const booking = await db.selectFrom('booking').select('id').where('session_id', '=', sessionId).where('user_id', '=', userId).where('status', '<>', 'cancelled').executeTakeFirst();
  if (!booking) throw new BookingRefused('You have no booking on this session to cancel');
  return cancelBooking(db, mail, partnershipId, booking.id, { userId, manager: false }, now);
}

// ---------------------------------------------------------------------------------------------------------
// The training team: sessions

export async function createSession(db: Db, partnershipId: number, courseId: string, form: SessionForm, now: Date): Promise<string> {
  const course = await findCourse(db, partnershipId, courseId);
  const trainers = new Set((await partnershipTrainers(db, partnershipId)).map((t) => t.id));
  const { input, errors } = parseSession(form, course.delivery, trainers);
  if (course.status === 'retired') errors.unshift({ field: 'course', message: 'The course is retired: offer it again before adding sessions' });
  if (!errors.some((e) => ['date', 'startTime', 'endTime', 'endDate'].includes(e.field)) && input.startsAt <= now && course.delivery !== 'e_learning') {
    errors.push({ field: 'date', message: 'The session must start in the future' });
  }
  if (!errors.some((e) => ['date', 'endDate'].includes(e.field)) && course.delivery === 'e_learning' && input.endsAt <= now) {
    errors.push({ field: 'endDate', message: 'The completion date must be in the future' });
  }
  if (errors.length) throw new ValidationFailed(errors);
  const row = await db.insertInto('course_session').values({
    partnership_id: partnershipId, course_id: course.id, starts_at: input.startsAt, ends_at: input.endsAt, venue: input.venue, joining_link: input.joiningLink,
    capacity: input.capacity, trainers: input.trainers, trainer_user_id: input.trainerUserId, status: input.status,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export type SessionChange = { changed: string[]; promoted: string[]; told: number };

/**
 * Changes a session. Raising its places fills them from the waiting list at once; fewer places than people
 * already booked is refused; a new time, venue or link is sent to everyone booked with an updated invitation.
 */
export async function updateSession(db: Db, mail: TrainingMail, partnershipId: number, sessionId: string, form: SessionForm, now: Date): Promise<SessionChange> {
  const trainers = new Set((await partnershipTrainers(db, partnershipId)).map((t) => t.id));
  const result = await db.transaction().execute(async (tx) => {
    const s = await lockSession(tx, partnershipId, sessionId);
    if (String(s.version) !== String(form.version ?? '')) throw new SessionEditConflict('The session was changed by someone else');
    if (s.status === 'cancelled') throw new BookingRefused('This session has been cancelled: it can no longer be changed');
    const { input, errors } = parseSession(form, s.delivery, trainers);
    const timesChanged = input.startsAt.getTime() !== s.starts_at.getTime() || input.endsAt.getTime() !== s.ends_at.getTime();
    const timeErrors = errors.some((e) => ['date', 'startTime', 'endTime', 'endDate'].includes(e.field));
    if (!timeErrors && timesChanged && isPast({ delivery: s.delivery, startsAt: input.startsAt, endsAt: input.endsAt }, now)) {
      errors.push({ field: s.delivery === 'e_learning' ? 'endDate' : 'date', message: 'A changed session must still be in the future' });
    }
    const confirmed = await confirmedCount(tx, s.id);
    if (!errors.some((e) => e.field === 'capacity') && input.capacity < confirmed) {
      errors.push({ field: 'capacity', message: `The number of places cannot be fewer than the ${confirmed} people already booked: cancel bookings first` });
    }
    const live = await tx.selectFrom('booking').select(sql<number>`count(*)::int`.as('n')).where('session_id', '=', s.id).where('status', '<>', 'cancelled').executeTakeFirstOrThrow();
    if (input.status === 'planned' && s.status === 'scheduled' && Number(live.n) > 0) {
      errors.push({ field: 'status', message: 'People have booked this session: it cannot go back to planned' });
    }
    if (errors.length) throw new ValidationFailed(errors);
    const changed: string[] = [];
    if (timesChanged) changed.push('time');
    if ((input.venue ?? null) !== s.venue) changed.push('venue');
    if ((input.joiningLink ?? null) !== s.joining_link) changed.push('joining link');
    if (input.capacity !== s.capacity) changed.push('places');
    if (input.trainers !== s.trainers || input.trainerUserId !== s.trainer_user_id) changed.push('trainers');
    if (input.status !== s.status) changed.push(input.status === 'scheduled' ? 'opened for booking' : 'planned');
    await tx.updateTable('course_session').set({
      starts_at: input.startsAt, ends_at: input.endsAt, venue: input.venue, joining_link: input.joiningLink, capacity: input.capacity,
      trainers: input.trainers, trainer_user_id: input.trainerUserId, status: input.status, version: s.version + 1,
    }).where('id', '=', s.id).execute();
    const promoted = await promoteWaiting(tx, { ...s, capacity: input.capacity, status: input.status, starts_at: input.startsAt, ends_at: input.endsAt }, now);
    // Those already holding a place are told of a new time or place; those just given one get it in their own email.
    const tell = changed.some((c) => ['time', 'venue', 'joining link'].includes(c))
      ? (await tx.selectFrom('booking').select('id').where('session_id', '=', s.id).where('status', '=', 'confirmed').execute()).map((b) => b.id).filter((id) => !promoted.includes(id))
      : [];
    return { changed, promoted, tell };
  });
  const { session, people } = await mailContext(db, partnershipId, sessionId, [...result.promoted, ...result.tell]);
  await sendAll(db, mail, [
    ...result.promoted.map((id) => trainingEmail(mail, 'promoted', session, people.get(id)!, now)),
    ...result.tell.map((id) => trainingEmail(mail, 'updated', session, people.get(id)!, now)),
  ]);
  return { changed: result.changed, promoted: result.promoted, told: result.tell.length };
}

/** Cancels a session and every booking on it, telling each person booked or waiting. */
export async function cancelSession(db: Db, mail: TrainingMail, partnershipId: number, sessionId: string, reasonText: string, now: Date): Promise<{ cancelled: number }> {
  const reason = reasonText.trim();
  const errors: FieldError[] = [];
  if (!reason) errors.push({ field: 'reason', message: 'Enter why the session is cancelled: it is sent to everyone booked' });
  else if (reason.length > 1000) errors.push({ field: 'reason', message: 'The reason must be 1,000 characters or fewer' });
  const affected = await db.transaction().execute(async (tx) => {
    const s = await lockSession(tx, partnershipId, sessionId);
    if (s.status === 'cancelled') throw new BookingRefused('This session has already been cancelled');
    if (errors.length) throw new ValidationFailed(errors);
    await tx.updateTable('course_session').set({ status: 'cancelled', cancelled_reason: reason, version: s.version + 1 }).where('id', '=', s.id).execute();
    const live = await tx.selectFrom('booking').select(['id', 'status']).where('session_id', '=', s.id).where('status', '<>', 'cancelled').execute();
    if (live.length) {
      await tx.updateTable('booking').set({ status: 'cancelled', cancelled_at: now, cancelled_reason: `Session cancelled: ${reason}` })
        .where('id', 'in', live.map((b) => b.id)).execute();
    }
    return live;
  });
  const { session, people } = await mailContext(db, partnershipId, sessionId, affected.map((a) => a.id));
  await sendAll(db, mail, affected.map((a) => trainingEmail(mail, 'session_cancelled', session, people.get(a.id)!, now, { reason, hadPlace: a.status === 'confirmed' })));
  return { cancelled: affected.length };
}

// ---------------------------------------------------------------------------------------------------------
// Reading bookings

export type BookingRow = {
  id: string; sessionId: string; courseId: string; courseTitle: string; delivery: CourseDelivery; startsAt: Date; endsAt: Date;
  venue: string | null; joiningLink: string | null; sessionStatus: SessionStatus; status: BookingStatus; bookedAt: Date; cancelledAt: Date | null;
  cancelledReason: string | null; attendance: 'attended' | 'absent' | null; position: number | null;
  person: { id: number; name: string; email: string; jobTitle: string | null; agency: string };
};

function bookingQuery(db: Db, partnershipId: number) {
  return db.selectFrom('booking as b')
    .innerJoin('course_session as s', 's.id', 'b.session_id').innerJoin('course as c', 'c.id', 's.course_id')
    .innerJoin('app_user as u', 'u.id', 'b.user_id').innerJoin('agency as a', 'a.id', 'u.agency_id')
    .select(['b.id', 'b.session_id', 'c.id as course_id', 'c.title', 'c.delivery', 's.starts_at', 's.ends_at', 's.venue', 's.joining_link', 's.status as session_status',
      'b.status', 'b.booked_at', 'b.cancelled_at', 'b.cancelled_reason', 'b.attendance', 'u.id as user_id', 'u.name', 'u.email', 'u.job_title', 'a.name as agency',
      sql<number | null>`case when b.status = 'waiting' then (select count(*)::int from booking w where w.session_id = b.session_id and w.status = 'waiting'
        and (w.booked_at, w.id) <= (b.booked_at, b.id)) end`.as('position')])
    .where('b.partnership_id', '=', partnershipId);
}
type RawBooking = Awaited<ReturnType<ReturnType<typeof bookingQuery>['execute']>>[number];
const toBooking = (r: RawBooking): BookingRow => ({
  id: r.id, sessionId: r.session_id, courseId: r.course_id, courseTitle: r.title, delivery: r.delivery, startsAt: r.starts_at, endsAt: r.ends_at,
  venue: r.venue, joiningLink: r.joining_link, sessionStatus: r.session_status, status: r.status, bookedAt: r.booked_at, cancelledAt: r.cancelled_at,
  cancelledReason: r.cancelled_reason, attendance: r.attendance, position: r.position === null ? null : Number(r.position),
  person: { id: r.user_id, name: r.name, email: r.email, jobTitle: r.job_title, agency: r.agency },
});

/** A person's bookings in the partnership, the soonest session first. */
export async function bookingsOf(db: Db, partnershipId: number, userId: number): Promise<BookingRow[]> {
  return (await bookingQuery(db, partnershipId).where('b.user_id', '=', userId).orderBy('s.starts_at').orderBy('b.booked_at').execute()).map(toBooking);
}

/** The bookings of the people whose line manager this person is, in the partnership. */
export async function teamBookings(db: Db, partnershipId: number, managerId: number): Promise<BookingRow[]> {
  return (await bookingQuery(db, partnershipId).where('u.line_manager_id', '=', managerId).orderBy('s.starts_at').orderBy('u.name').execute()).map(toBooking);
}

/** The people whose line manager this person is, members of the partnership. */
export async function teamMembers(db: Db, partnershipId: number, managerId: number) {
  return db.selectFrom('app_user as u').innerJoin('agency as a', 'a.id', 'u.agency_id')
    .select(['u.id', 'u.name', 'u.email', 'u.job_title', 'a.name as agency'])
    .where('u.line_manager_id', '=', managerId)
    .where((eb) => eb.exists(eb.selectFrom('membership as m').select('m.user_id').whereRef('m.user_id', '=', 'u.id').where('m.partnership_id', '=', partnershipId)))
    .orderBy('u.name').execute();
}

/** A session's bookings, confirmed first, then the waiting list in order, then the cancelled. */
export async function bookingsOfSession(db: Db, partnershipId: number, sessionId: string): Promise<BookingRow[]> {
  const rows = (await bookingQuery(db, partnershipId).where('b.session_id', '=', sessionId).orderBy('b.booked_at').orderBy('b.id').execute()).map(toBooking);
  const rank: Record<BookingStatus, number> = { confirmed: 0, waiting: 1, cancelled: 2 };
  return rows.sort((a, b) => rank[a.status] - rank[b.status]);
}

/** The person's live booking of a session, if any. */
export async function bookingOfPerson(db: Db, partnershipId: number, sessionId: string, userId: number): Promise<BookingRow | undefined> {
  const row = await bookingQuery(db, partnershipId).where('b.session_id', '=', sessionId).where('b.user_id', '=', userId).where('b.status', '<>', 'cancelled').executeTakeFirst();
  return row ? toBooking(row) : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Reminders

/** A reminder goes this many working days before the session (or before an e-learning's completion date). */
export const REMIND_WORKING_DAYS = 2;

export type Reminder = { bookingId: string; sessionId: string; partnershipId: number; to: string };

/**
 * Reminds each person with a confirmed place of a session within two working days, once: the booking is
 * marked as it is claimed, so a second sweep at the same time sends nothing again.
 */
export async function remindBookings(db: Db, mail: TrainingMail, now: Date, opts: { partnershipId?: number } = {}): Promise<Reminder[]> {
  const today = londonParts(now).date;
  // Two working days are at most six calendar days (a Friday before a bank holiday Monday, and a weekend).
  const horizon = new Date(now.getTime() + 7 * 86_400_000);
  let q = db.selectFrom('booking as b').innerJoin('course_session as s', 's.id', 'b.session_id').innerJoin('course as c', 'c.id', 's.course_id')
    .select(['b.id', 'b.session_id', 'b.partnership_id', 'c.delivery', 's.starts_at', 's.ends_at'])
    .where('b.status', '=', 'confirmed').where('b.reminder_sent_at', 'is', null).where('b.attendance', 'is', null)
    .where('s.status', '=', 'scheduled')
    .where(sql<boolean>`(case when c.delivery = 'e_learning' then s.ends_at else s.starts_at end) > ${now}`)
    .where(sql<boolean>`(case when c.delivery = 'e_learning' then s.ends_at else s.starts_at end) <= ${horizon}`);
  if (opts.partnershipId !== undefined) q = q.where('b.partnership_id', '=', opts.partnershipId);
  const due = (await q.execute()).filter((r) => {
    const day = londonParts(r.delivery === 'e_learning' ? r.ends_at : r.starts_at).date;
    try {
      return workingDaysBetween(today, day) <= REMIND_WORKING_DAYS;
    } catch (err) {
      if (err instanceof CalendarRangeError) return false;
      throw err;
    }
  });
  if (due.length === 0) return [];
  const claimed = await db.updateTable('booking').set({ reminder_sent_at: now })
    .where('id', 'in', due.map((d) => d.id)).where('reminder_sent_at', 'is', null).where('status', '=', 'confirmed')
    .returning(['id', 'session_id', 'partnership_id']).execute();
  const reminded: Reminder[] = [];
  const bySession = new Map<string, typeof claimed>();
  for (const c of claimed) bySession.set(c.session_id, [...(bySession.get(c.session_id) ?? []), c]);
  for (const [sessionId, rows] of bySession) {
    const { session, people } = await mailContext(db, rows[0]!.partnership_id, sessionId, rows.map((r) => r.id));
    const emails: Email[] = rows.map((r) => trainingEmail(mail, 'reminder', session, people.get(r.id)!, now));
    await sendAll(db, mail, emails);
    for (const r of rows) reminded.push({ bookingId: r.id, sessionId, partnershipId: r.partnership_id, to: people.get(r.id)!.email });
  }
  return reminded;
}
