import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CourseDelivery, CourseLevel } from '../../db/schema-training';
import { LEARNING_THEMES, LEARNING_THEME_CODES, isLearningTheme } from '../../domain/assurance';
import type { AppDeps } from '../../platform/deps';
import type { FieldError } from '../../platform/errors';
import { formErrors } from '../../platform/forms';
import {
  BookingRefused, bookPlace, bookingOfPerson, bookingsOf, cancelOwnBooking, teamBookings, teamMembers, type BookingRow,
} from './booking.service';
import { sessionWhen, sessionWhere, whenText, type TrainingMail } from './training-emails';
import {
  DELIVERY, DELIVERY_CODES, LEVELS, LEVEL_CODES, durationText, findCourse, findSession, isPast, listCourses, sessionsOfCourse, themeLabel,
  trainingSettings, upcomingSessions, type Session,
} from './training.service';

/**
 * The practitioner's side of training: the catalogue, a course and its sessions, booking a place or joining
 * the waiting list, their own bookings, and a line manager's view of their staff's bookings.
 */

export const BOOKING_STATUS: Record<string, { text: string; classes: string }> = {
  confirmed: { text: 'Booked', classes: 'govuk-tag--green' },
  waiting: { text: 'Waiting list', classes: 'govuk-tag--yellow' },
  cancelled: { text: 'Cancelled', classes: 'govuk-tag--grey' },
};
export const ATTENDANCE: Record<string, { text: string; classes: string }> = {
  attended: { text: 'Attended', classes: 'govuk-tag--blue' },
  absent: { text: 'Did not attend', classes: 'govuk-tag--red' },
};

/** Where the session stands for someone looking at it: the words and the tag. */
export function sessionState(s: Session, now: Date): { text: string; classes: string } {
  if (s.status === 'cancelled') return { text: 'Cancelled', classes: 'govuk-tag--grey' };
  if (isPast(s, now)) return { text: 'Taken place', classes: 'govuk-tag--grey' };
  if (s.status === 'planned') return { text: 'Booking not yet open', classes: 'govuk-tag--purple' };
  if (s.placesLeft === 0) return { text: 'Full: waiting list', classes: 'govuk-tag--orange' };
  return { text: `${s.placesLeft} ${s.placesLeft === 1 ? 'place' : 'places'} left`, classes: 'govuk-tag--green' };
}

export const sessionTexts = (s: Session) => ({ when: sessionWhen(s), where: sessionWhere(s) });

export function mailOf(deps: AppDeps): TrainingMail {
  return { mailer: deps.mailer, publicUrl: deps.config.publicUrl, mailFrom: deps.config.mailFrom };
}

export async function trainingRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db, now } = deps;
  const mail = mailOf(deps);
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;
  const me = (req: FastifyRequest) => req.beaconSession!.user;
  const idOf = (req: FastifyRequest) => (req.params as { id: string }).id;

  // -------------------------------------------------------------------------------------------------------
  // The catalogue

  app.get('/training', { config: { access: 'training.book' } }, async (req, reply) => {
    const q = (req.query ?? {}) as Record<string, unknown>;
    const raw = (k: string) => String(([] as unknown[]).concat(q[k] ?? '')[0] ?? '').trim();
    const selected = { theme: raw('theme'), delivery: raw('delivery'), level: raw('level') };
    const errors: FieldError[] = [];
    if (selected.theme && !isLearningTheme(selected.theme)) errors.push({ field: 'theme', message: 'Select a theme from the list' });
    if (selected.delivery && !DELIVERY_CODES.includes(selected.delivery as CourseDelivery)) errors.push({ field: 'delivery', message: 'Select a way of delivery from the list' });
    if (selected.level && !LEVEL_CODES.includes(selected.level as CourseLevel)) errors.push({ field: 'level', message: 'Select a level from the list' });
    const view = {
      title: 'Multi-agency training', selected,
      themeItems: [{ value: '', text: 'Any theme' }, ...LEARNING_THEME_CODES.map((t) => ({ value: t, text: LEARNING_THEMES[t], selected: selected.theme === t }))],
      deliveryItems: [{ value: '', text: 'Any' }, ...DELIVERY_CODES.map((d) => ({ value: d, text: DELIVERY[d], selected: selected.delivery === d }))],
      levelItems: [{ value: '', text: 'Any level' }, ...LEVEL_CODES.map((l) => ({ value: l, text: LEVELS[l], selected: selected.level === l }))],
    };
    if (errors.length) return reply.code(400).view('training/views/catalogue.njk', { ...view, errors: formErrors(errors), courses: [] });
    const courses = await listCourses(db, pid(req), selected);
    const sessions = await upcomingSessions(db, pid(req), now(), { courseIds: courses.map((c) => c.id) });
    const at = now();
    return reply.view('training/views/catalogue.njk', {
      ...view, filtered: Boolean(selected.theme || selected.delivery || selected.level),
      courses: courses.map((c) => ({
        ...c, deliveryText: DELIVERY[c.delivery], levelText: LEVELS[c.level], duration: durationText(c.durationMinutes), themeTexts: c.themes.map(themeLabel),
        sessions: sessions.filter((s) => s.courseId === c.id).slice(0, 4).map((s) => ({ ...s, ...sessionTexts(s), state: sessionState(s, at) })),
        moreSessions: Math.max(0, sessions.filter((s) => s.courseId === c.id).length - 4),
      })),
    });
  });

  app.get('/training/courses/:id', { config: { access: 'training.book' } }, async (req, reply) => {
    const course = await findCourse(db, pid(req), idOf(req));
    const at = now();
    const sessions = course.status === 'active' ? await sessionsOfCourse(db, pid(req), course.id, { upcomingAt: at }) : [];
    return reply.view('training/views/course.njk', {
      title: course.title, course, deliveryText: DELIVERY[course.delivery], levelText: LEVELS[course.level], duration: durationText(course.durationMinutes),
      themeTexts: course.themes.map(themeLabel),
      sessions: sessions.map((s) => ({ ...s, ...sessionTexts(s), state: sessionState(s, at) })),
      canManage: req.scopes.has('training.manage'),
    });
  });

  // -------------------------------------------------------------------------------------------------------
  // A session: book, join the waiting list, cancel

  const sessionPage = async (req: FastifyRequest, reply: FastifyReply, sessionId: string, extra: { errors?: FieldError[]; status?: number } = {}) => {
    const session = await findSession(db, pid(req), sessionId);
    const course = await findCourse(db, pid(req), session.courseId);
    const at = now();
    const booking = await bookingOfPerson(db, pid(req), session.id, me(req).id);
    const cutoffHours = (await trainingSettings(db, pid(req))).cancellationCutoffHours;
    const cutoff = new Date(session.startsAt.getTime() - cutoffHours * 3_600_000);
    const past = isPast(session, at);
    const canBook = !booking && session.status === 'scheduled' && !past && course.status === 'active';
    const canCancel = booking && !past && (booking.status === 'waiting' || session.delivery === 'e_learning' || at <= cutoff);
    return reply.code(extra.status ?? (extra.errors ? 400 : 200)).view('training/views/session.njk', {
      title: course.title, session, course, ...sessionTexts(session), state: sessionState(session, at), deliveryText: DELIVERY[course.delivery],
      booking, bookingStatus: booking ? BOOKING_STATUS[booking.status] : null, canBook, canCancel, past,
      cutoffText: session.delivery === 'e_learning' ? null : whenText(cutoff), cutoffPassed: at > cutoff,
      canManage: req.scopes.has('training.manage'),
      errors: extra.errors ? formErrors(extra.errors, { book: 'book', cancel: 'cancel' }) : undefined,
    });
  };

  app.get('/training/sessions/:id', { config: { access: 'training.book' } }, async (req, reply) => sessionPage(req, reply, idOf(req)));

  app.post('/training/sessions/:id/book', { config: { access: 'training.book' } }, async (req, reply) => {
    const session = await findSession(db, pid(req), idOf(req));
    try {
      // The audit entry commits with the booking.
      const out = await bookPlace(db, mail, pid(req), session.id, me(req).id, now(), (o) => req.auditEntry({
        action: o.status === 'confirmed' ? 'booking.create' : 'booking.wait', recordType: 'booking', recordId: o.bookingId,
        detail: { session: session.id, status: o.status, position: o.position } }));
      reply.flash(out.status === 'confirmed'
        ? 'Your place is booked. We have emailed you a confirmation with a calendar invitation.'
        : `The session is full: you are number ${out.position} on the waiting list. We will email you if a place comes free.`);
      return reply.redirect(`/training/sessions/${session.id}`, 303);
    } catch (err) {
      if (!(err instanceof BookingRefused)) throw err;
      await req.audit({ action: 'booking.create', outcome: 'denied', recordType: 'course_session', recordId: session.id, detail: { reason: err.message } });
      return sessionPage(req, reply, session.id, { errors: [{ field: 'book', message: err.message }], status: 409 });
    }
  });

  app.post('/training/sessions/:id/cancel', { config: { access: 'training.book' } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    const back = body.from === 'my-bookings' ? '/training/my-bookings' : null;
    try {
      const out = await cancelOwnBooking(db, mail, pid(req), idOf(req), me(req).id, now());
      await req.audit({ action: 'booking.cancel', recordType: 'booking', recordId: out.bookingId,
        detail: { session: out.sessionId, was: out.was, promoted: out.promoted.length } });
      for (const p of out.promoted) await req.audit({ action: 'booking.promote', recordType: 'booking', recordId: p, detail: { session: out.sessionId } });
      reply.flash(out.was === 'confirmed' ? 'Your place is cancelled. We have emailed you a cancellation for your calendar.' : 'You have left the waiting list.');
      return reply.redirect(back ?? `/training/sessions/${out.sessionId}`, 303);
    } catch (err) {
      if (!(err instanceof BookingRefused)) throw err;
      await req.audit({ action: 'booking.cancel', outcome: 'denied', recordType: 'course_session', recordId: idOf(req), detail: { reason: err.message } });
      return sessionPage(req, reply, idOf(req), { errors: [{ field: 'cancel', message: err.message }], status: 409 });
    }
  });

  // -------------------------------------------------------------------------------------------------------
  // Bookings

  const rowsOf = (bookings: BookingRow[], at: Date) => bookings.map((b) => ({
    ...b, when: sessionWhen(b), where: sessionWhere(b), statusTag: BOOKING_STATUS[b.status], attendanceTag: b.attendance ? ATTENDANCE[b.attendance] : null,
    sessionCancelled: b.sessionStatus === 'cancelled', past: isPast(b, at),
  }));

  app.get('/training/my-bookings', { config: { access: 'training.book' } }, async (req, reply) => {
    const at = now();
    const rows = rowsOf(await bookingsOf(db, pid(req), me(req).id), at);
    const cutoffHours = (await trainingSettings(db, pid(req))).cancellationCutoffHours;
    return reply.view('training/views/my-bookings.njk', {
      title: 'Your training bookings', cutoffHours,
      upcoming: rows.filter((r) => !r.past && r.status !== 'cancelled'),
      past: rows.filter((r) => r.past && r.status !== 'cancelled').reverse(),
      cancelled: rows.filter((r) => r.status === 'cancelled').reverse(),
    });
  });

  // Anyone may be a line manager: the page shows only the bookings of the people who named them.
  app.get('/training/my-team', { config: { access: 'home.view' } }, async (req, reply) => {
    const at = now();
    const [members, bookings] = await Promise.all([teamMembers(db, pid(req), me(req).id), teamBookings(db, pid(req), me(req).id)]);
    const rows = rowsOf(bookings, at);
    await req.audit({ action: 'booking.list', recordType: 'booking', detail: { view: 'line_manager', people: members.length, bookings: rows.length } });
    return reply.view('training/views/my-team.njk', {
      title: 'Your team’s training', members,
      upcoming: rows.filter((r) => !r.past && r.status !== 'cancelled'),
      past: rows.filter((r) => r.past && r.status !== 'cancelled').reverse(),
      canBook: req.scopes.has('training.book'),
    });
  });
}
