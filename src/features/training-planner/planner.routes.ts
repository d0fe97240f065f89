import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { londonParts } from '../../domain/london';
import type { AppDeps } from '../../platform/deps';
import { Forbidden, ValidationFailed, type FieldError } from '../../platform/errors';
import { formErrors, text, type Form } from '../../platform/forms';
import { DELIVERY } from '../training/training.service';
import { monthName } from '../training-reports/chart';
import {
  activeCourses, addPlannedSession, isMonth, monthsFrom, parsePlan, plannerSessions, quartersOf, removePlannedSession, themeGaps, type PlanForm,
} from './planner.service';

/**
 * The programme planner: everyone who books training (partners' agency leads among them) reads it to plan
 * their staff's training; those who manage training add planned sessions to it, which are scheduled with
 * their times and venues on the manage pages.
 */
export async function plannerRoutes(app: FastifyInstance, { db, now }: AppDeps) {
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;
  const thisMonth = () => londonParts(now()).date.slice(0, 7);

  const page = async (req: FastifyRequest, reply: FastifyReply, values?: PlanForm, errors?: FieldError[]) => {
    // Read by those who book training and those who manage it: two scopes, so the route asks only that the person is signed in.
    if (!req.scopes.has('training.book') && !req.scopes.has('training.manage')) throw new Forbidden('Needs training.book or training.manage');
    const q = (req.query ?? {}) as { from?: string };
    const start = isMonth(q.from) && q.from >= thisMonth() ? q.from : thisMonth();
    const months = monthsFrom(start);
    const [sessions, courses] = await Promise.all([plannerSessions(db, pid(req), months), activeCourses(db, pid(req))]);
    const quarters = quartersOf(months);
    const canEdit = req.scopes.has('training.manage');
    const v = values ?? { capacity: '20' };
    const e = errors ? formErrors(errors) : undefined;
    return reply.code(errors ? 400 : 200).view('training-planner/views/planner.njk', {
      title: 'Training programme planner', canEdit, canBook: req.scopes.has('training.book'), values: v, errors: e,
      firstLabel: monthName(months[0]!), lastLabel: monthName(months.at(-1)!),
      months: months.map((m) => ({
        month: m, label: monthName(m),
        sessions: sessions.filter((s) => s.month === m).map((s) => ({
          ...s, deliveryLabel: DELIVERY[s.delivery], placesLeft: Math.max(0, s.capacity - s.booked),
        })),
      })),
      quarters, gaps: themeGaps(courses, sessions, quarters),
      courseItems: [{ value: '', text: 'Select a course' }, ...courses.map((c) => ({ value: c.id, text: c.title, selected: v.course === c.id }))],
      monthItems: [{ value: '', text: 'Select a month' }, ...months.map((m) => ({ value: m, text: monthName(m), selected: v.month === m }))],
      planned: sessions.filter((s) => s.status === 'planned').length, scheduled: sessions.filter((s) => s.status === 'scheduled').length,
    });
  };

  app.get('/training/planner', { config: { access: 'home.view' } }, async (req, reply) => page(req, reply));

  app.post('/training/planner', { config: { access: 'training.manage' } }, async (req, reply) => {
    const posted = (req.body ?? {}) as Form;
    const form: PlanForm = { course: text(posted, 'course'), month: text(posted, 'month'), day: text(posted, 'day'), capacity: text(posted, 'capacity') };
    const courses = await activeCourses(db, pid(req));
    let input;
    try {
      input = parsePlan(form, courses, monthsFrom(thisMonth()));
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return page(req, reply, form, err.errors);
    }
    const course = courses.find((c) => c.id === input.courseId)!;
    const id = await addPlannedSession(db, pid(req), input, course);
    await req.audit({ action: 'course_session.plan', recordType: 'course_session', recordId: id, detail: { course: course.id, month: input.month } });
    reply.flash(`${course.title} is planned for ${monthName(input.month)}. Schedule it with its times and venue when they are known, to open it for booking.`);
    return reply.redirect('/training/planner', 303);
  });

  app.post('/training/planner/sessions/:id/remove', { config: { access: 'training.manage' } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    let removed;
    try {
      removed = await removePlannedSession(db, pid(req), id);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      reply.flash(err.errors[0]!.message);
      return reply.redirect('/training/planner', 303);
    }
    await req.audit({ action: 'course_session.unplan', recordType: 'course_session', recordId: id });
    reply.flash(`The planned session of ${removed.courseTitle} is taken off the planner.`);
    return reply.redirect('/training/planner', 303);
  });
}
