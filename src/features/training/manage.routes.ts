import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LEARNING_THEMES, LEARNING_THEME_CODES } from '../../domain/assurance';
import type { AppDeps } from '../../platform/deps';
import { ValidationFailed, type FieldError } from '../../platform/errors';
import { formErrors } from '../../platform/forms';
import {
  BookingRefused, SessionEditConflict, bookingsOfSession, cancelBooking, cancelSession, createSession, updateSession,
} from './booking.service';
import { sessionWhen, sessionWhere } from './training-emails';
import { BOOKING_STATUS, ATTENDANCE, mailOf, sessionState } from './training.routes';
import {
  DELIVERY, DELIVERY_CODES, LEVELS, LEVEL_CODES, createCourse, durationText, findCourse, findSession, listCourses, partnershipTrainers,
  sessionFormValues, sessionsBetween, sessionsOfCourse, themeLabel, updateCourse, type Course, type CourseForm, type Session, type SessionForm,
} from './training.service';

/**
 * The training team's pages (trainers and the business manager): the catalogue's courses, their sessions,
 * who is booked and waiting, and cancelling a booking or a whole session.
 */

type Body = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => ((Array.isArray(v) ? v[0] : v) ?? '').trim();
const many = (v: string | string[] | undefined) => ([] as string[]).concat(v ?? []);

const COURSE_FIELDS = ['title', 'summary', 'description', 'audience', 'level', 'delivery', 'durationHours', 'learningOutcomes', 'themes', 'status'];
const SESSION_FIELDS = ['course', 'date', 'endDate', 'startTime', 'endTime', 'venue', 'joiningLink', 'capacity', 'trainers', 'trainerUserId', 'status'];
const ordered = (errors: FieldError[], order: string[]) => {
  const rank = (f: string) => { const i = order.indexOf(f); return i < 0 ? order.length : i; };
  return [...errors].sort((a, b) => rank(a.field) - rank(b.field));
};
const DATE_IDS = { date: 'date-day', endDate: 'endDate-day', themes: 'themes', level: 'level', delivery: 'delivery', status: 'status' };

export async function manageTrainingRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db, now } = deps;
  const mail = mailOf(deps);
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;
  const idOf = (req: FastifyRequest) => (req.params as { id: string }).id;
  const body = (req: FastifyRequest) => (req.body ?? {}) as Body;

  const sessionRow = (s: Session, at: Date) => ({ ...s, when: sessionWhen(s), where: sessionWhere(s), state: sessionState(s, at) });

  app.get('/training/manage', { config: { access: 'training.manage' } }, async (req, reply) => {
    const at = now();
    const courses = await listCourses(db, pid(req), { includeRetired: true });
    // The programme from a month back (sessions just delivered, for their registers) to 15 months ahead.
    const sessions = await sessionsBetween(db, pid(req), new Date(at.getTime() - 31 * 86_400_000), new Date(at.getTime() + 460 * 86_400_000));
    const upcomingCount = new Map<string, number>();
    for (const s of sessions) if (s.status !== 'cancelled' && s.startsAt > at) upcomingCount.set(s.courseId, (upcomingCount.get(s.courseId) ?? 0) + 1);
    return reply.view('training/views/manage.njk', {
      title: 'Manage training',
      courses: courses.map((c) => ({ ...c, levelText: `Level ${c.level}`, deliveryText: DELIVERY[c.delivery], upcoming: upcomingCount.get(c.id) ?? 0 })),
      sessions: sessions.map((s) => sessionRow(s, at)),
    });
  });

  // -------------------------------------------------------------------------------------------------------
  // Courses

  const courseItems = (values: Body) => ({
    levelItems: LEVEL_CODES.map((l) => ({ value: l, text: LEVELS[l], checked: one(values.level) === l })),
    deliveryItems: DELIVERY_CODES.map((d) => ({ value: d, text: DELIVERY[d], checked: one(values.delivery) === d })),
    themeItems: LEARNING_THEME_CODES.map((t) => ({ value: t, text: LEARNING_THEMES[t], checked: many(values.themes).includes(t) })),
    statusItems: [{ value: 'active', text: 'Offered', checked: one(values.status) === 'active' }, { value: 'retired', text: 'Retired: no longer offered', checked: one(values.status) === 'retired' }],
  });

  const courseValues = (c: Course): Body => ({
    title: c.title, summary: c.summary, description: c.description, audience: c.audience, level: c.level, delivery: c.delivery,
    durationHours: String(Math.round((c.durationMinutes / 60) * 100) / 100), learningOutcomes: c.learningOutcomes.join('\n'), themes: c.themes, status: c.status,
  });

  const newCoursePage = (reply: FastifyReply, values: Body = {}, errors?: FieldError[]) =>
    reply.code(errors ? 400 : 200).view('training/views/course-form.njk', {
      title: 'Add a course', action: '/training/manage/courses/new', values, editing: false, ...courseItems(values),
      errors: errors ? formErrors(ordered(errors, COURSE_FIELDS), DATE_IDS) : undefined,
    });

  app.get('/training/manage/courses/new', { config: { access: 'training.manage' } }, async (_req, reply) => newCoursePage(reply));

  app.post('/training/manage/courses/new', { config: { access: 'training.manage' } }, async (req, reply) => {
    const b = body(req);
    try {
      const id = await createCourse(db, pid(req), b as CourseForm);
      await req.audit({ action: 'course.create', recordType: 'course', recordId: id });
      reply.flash('Course added. Add its sessions below.');
      return reply.redirect(`/training/manage/courses/${id}`, 303);
    } catch (err) {
      if (err instanceof ValidationFailed) return newCoursePage(reply, b, err.errors);
      throw err;
    }
  });

  const coursePage = async (req: FastifyRequest, reply: FastifyReply, course: Course, values?: Body, errors?: FieldError[]) => {
    const at = now();
    const sessions = await sessionsOfCourse(db, pid(req), course.id);
    const v = values ?? courseValues(course);
    return reply.code(errors ? 400 : 200).view('training/views/course-form.njk', {
      title: course.title, course, action: `/training/manage/courses/${course.id}`, values: v, editing: true, ...courseItems(v),
      canBook: req.scopes.has('training.book'),
      duration: durationText(course.durationMinutes), themeTexts: course.themes.map(themeLabel),
      sessions: sessions.map((s) => sessionRow(s, at)),
      errors: errors ? formErrors(ordered(errors, COURSE_FIELDS), DATE_IDS) : undefined,
    });
  };

  app.get('/training/manage/courses/:id', { config: { access: 'training.manage' } }, async (req, reply) =>
    coursePage(req, reply, await findCourse(db, pid(req), idOf(req))));

  app.post('/training/manage/courses/:id', { config: { access: 'training.manage' } }, async (req, reply) => {
    const course = await findCourse(db, pid(req), idOf(req));
    const b = body(req);
    try {
      await updateCourse(db, pid(req), course.id, b as CourseForm);
      await req.audit({ action: 'course.update', recordType: 'course', recordId: course.id });
      reply.flash('Course saved.');
      return reply.redirect(`/training/manage/courses/${course.id}`, 303);
    } catch (err) {
      if (err instanceof ValidationFailed) return coursePage(req, reply, course, b, err.errors);
      throw err;
    }
  });

  // -------------------------------------------------------------------------------------------------------
  // Sessions

  const trainerItems = async (req: FastifyRequest, values: Body) => [
    { value: '', text: 'No one chosen yet' },
    ...(await partnershipTrainers(db, pid(req))).map((t) => ({ value: String(t.id), text: t.name, selected: one(values.trainerUserId) === String(t.id) })),
  ];
  const statusItems = (values: Body) => [
    { value: 'scheduled', text: 'Open for booking', checked: one(values.status) === 'scheduled' },
    { value: 'planned', text: 'Planned: on the programme, booking not yet open', checked: one(values.status) === 'planned' },
  ];

  const newSessionPage = async (req: FastifyRequest, reply: FastifyReply, course: Course, values: Body = { status: 'scheduled' }, errors?: FieldError[]) =>
    reply.code(errors ? 400 : 200).view('training/views/session-form.njk', {
      title: `Add a session of ${course.title}`, course, action: `/training/manage/courses/${course.id}/sessions/new`, values, editing: false,
      trainerItems: await trainerItems(req, values), statusItems: statusItems(values),
      errors: errors ? formErrors(ordered(errors, SESSION_FIELDS), DATE_IDS) : undefined,
    });

  app.get('/training/manage/courses/:id/sessions/new', { config: { access: 'training.manage' } }, async (req, reply) =>
    newSessionPage(req, reply, await findCourse(db, pid(req), idOf(req))));

  app.post('/training/manage/courses/:id/sessions/new', { config: { access: 'training.manage' } }, async (req, reply) => {
    const course = await findCourse(db, pid(req), idOf(req));
    const b = body(req);
    try {
      const id = await createSession(db, pid(req), course.id, b as SessionForm, now());
      await req.audit({ action: 'course_session.create', recordType: 'course_session', recordId: id, detail: { course: course.id } });
      reply.flash('Session added.');
      return reply.redirect(`/training/manage/sessions/${id}`, 303);
    } catch (err) {
      if (err instanceof ValidationFailed) return newSessionPage(req, reply, course, b, err.errors);
      throw err;
    }
  });

  type SessionExtra = { values?: Body; errors?: FieldError[]; form?: 'edit' | 'cancel' | 'booking'; status?: number };

  const sessionPage = async (req: FastifyRequest, reply: FastifyReply, sessionId: string, extra: SessionExtra = {}) => {
    const session = await findSession(db, pid(req), sessionId);
    const course = await findCourse(db, pid(req), session.courseId);
    const at = now();
    const bookings = await bookingsOfSession(db, pid(req), session.id);
    await req.audit({ action: 'course_session.read', recordType: 'course_session', recordId: session.id, detail: { bookings: bookings.length } });
    const values = extra.form === 'edit' && extra.values ? extra.values : sessionFormValues(session);
    const fe = extra.errors ? formErrors(ordered(extra.errors, SESSION_FIELDS), { ...DATE_IDS, conflict: 'conflict', booking: 'bookings' }) : undefined;
    return reply.code(extra.status ?? (extra.errors ? 400 : 200)).view('training/views/manage-session.njk', {
      title: `${course.title}: ${sessionWhen(session)}`, session, course, ...sessionRow(session, at), values, form: extra.form,
      canBook: req.scopes.has('training.book'),
      cancelValues: extra.form === 'cancel' && extra.values ? extra.values : {},
      trainerItems: await trainerItems(req, values), statusItems: statusItems(values),
      action: `/training/manage/sessions/${session.id}`, editing: true, errors: fe,
      bookings: bookings.map((b) => ({ ...b, statusTag: BOOKING_STATUS[b.status], attendanceTag: b.attendance ? ATTENDANCE[b.attendance] : null })),
    });
  };

  app.get('/training/manage/sessions/:id', { config: { access: 'training.manage' } }, async (req, reply) => sessionPage(req, reply, idOf(req)));

  app.post('/training/manage/sessions/:id', { config: { access: 'training.manage' } }, async (req, reply) => {
    const session = await findSession(db, pid(req), idOf(req));
    const b = body(req);
    try {
      const change = await updateSession(db, mail, pid(req), session.id, b as SessionForm, now());
      await req.audit({ action: 'course_session.update', recordType: 'course_session', recordId: session.id,
        detail: { changed: change.changed, promoted: change.promoted.length, told: change.told } });
      for (const p of change.promoted) await req.audit({ action: 'booking.promote', recordType: 'booking', recordId: p, detail: { session: session.id } });
      const parts = [change.changed.length ? 'Session saved.' : 'Nothing was changed.'];
      if (change.promoted.length) parts.push(`${change.promoted.length} ${change.promoted.length === 1 ? 'person' : 'people'} given a place from the waiting list and emailed.`);
      if (change.told) parts.push(`${change.told} ${change.told === 1 ? 'person' : 'people'} booked sent the new details.`);
      reply.flash(parts.join(' '));
      return reply.redirect(`/training/manage/sessions/${session.id}`, 303);
    } catch (err) {
      if (err instanceof ValidationFailed) return sessionPage(req, reply, session.id, { form: 'edit', values: b, errors: err.errors });
      if (err instanceof SessionEditConflict) {
        return sessionPage(req, reply, session.id, { form: 'edit', status: 409,
          errors: [{ field: 'conflict', message: 'Someone else changed this session after you opened it. Nothing was saved: check the session as it is now and make your change again.' }] });
      }
      if (err instanceof BookingRefused) return sessionPage(req, reply, session.id, { form: 'edit', status: 409, errors: [{ field: 'conflict', message: err.message }] });
      throw err;
    }
  });

  app.post('/training/manage/sessions/:id/cancel', { config: { access: 'training.manage' } }, async (req, reply) => {
    const session = await findSession(db, pid(req), idOf(req));
    const b = body(req);
    try {
      const out = await cancelSession(db, mail, pid(req), session.id, one(b.reason), now());
      await req.audit({ action: 'course_session.cancel', recordType: 'course_session', recordId: session.id, detail: { bookings: out.cancelled } });
      reply.flash(`Session cancelled. ${out.cancelled} ${out.cancelled === 1 ? 'person' : 'people'} booked or waiting ${out.cancelled === 1 ? 'was' : 'were'} emailed.`);
      return reply.redirect(`/training/manage/sessions/${session.id}`, 303);
    } catch (err) {
      if (err instanceof ValidationFailed) return sessionPage(req, reply, session.id, { form: 'cancel', values: b, errors: err.errors });
      if (err instanceof BookingRefused) return sessionPage(req, reply, session.id, { form: 'cancel', status: 409, errors: [{ field: 'reason', message: err.message }] });
      throw err;
    }
  });

  app.post('/training/manage/bookings/:id/cancel', { config: { access: 'training.manage' } }, async (req, reply) => {
    const b = body(req);
    try {
      const out = await cancelBooking(db, mail, pid(req), idOf(req), { userId: req.beaconSession!.user.id, manager: true, reason: one(b.reason) }, now());
      await req.audit({ action: 'booking.cancel', recordType: 'booking', recordId: out.bookingId, detail: { session: out.sessionId, was: out.was, by: 'training_team', promoted: out.promoted.length } });
      for (const p of out.promoted) await req.audit({ action: 'booking.promote', recordType: 'booking', recordId: p, detail: { session: out.sessionId } });
      reply.flash(`Booking cancelled and the person emailed.${out.promoted.length ? ' The first person waiting was given the place and emailed.' : ''}`);
      return reply.redirect(`/training/manage/sessions/${out.sessionId}`, 303);
    } catch (err) {
      if (!(err instanceof BookingRefused) && !(err instanceof ValidationFailed)) throw err;
      const row = await db.selectFrom('booking').select('session_id').where('id', '=', idOf(req)).where('partnership_id', '=', pid(req)).executeTakeFirstOrThrow();
      const message = err instanceof ValidationFailed ? err.errors[0]!.message : err.message;
      return sessionPage(req, reply, row.session_id, { form: 'booking', status: err instanceof ValidationFailed ? 400 : 409, errors: [{ field: 'booking', message }] });
    }
  });
}
