import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { londonInstant, londonParts } from '../../domain/london';
import type { AppDeps } from '../../platform/deps';
import { Forbidden, NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import { formErrors, text, type Form } from '../../platform/forms';
import { csvCell } from '../../platform/spreadsheet-safe';
import { periodOf } from '../dashboard/periods';
import { periodView, trendPeriod } from '../dashboard/trend.routes';
import {
  chargesBetween, chargesByAgency, findRegisterSession, checkMarker, markAttendance, notMarkable, poundsText, registerOf,
  sendCertificates, type Marker,
} from './attendance.service';
import { DELIVERY, LEVELS, isUuid } from '../training/training.service';
import { certificatePdf } from './certificate';
import { parseRules, rulesForm, saveTrainingRules, trainingRules, type RulesForm } from './settings.service';

type Body = Record<string, string | undefined>;

/**
 * Attendance, certificates and non-attendance charges: the trainer's register of a session, each
 * attendee's certificate, and the business manager's training rules and the charges to invoice agencies.
 */
export async function attendanceRoutes(app: FastifyInstance, { db, now, mailer, config }: AppDeps) {
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;
  const isBusinessManager = (req: FastifyRequest) => req.partnership!.roles.includes('business_manager');
  const marker = (req: FastifyRequest): Marker => ({ userId: req.beaconSession!.user.id, anySession: isBusinessManager(req) });
  const onlyBusinessManager = (req: FastifyRequest) => {
    if (!isBusinessManager(req)) throw new Forbidden('Only the business manager can do this');
  };

  const registerPage = async (req: FastifyRequest, reply: FastifyReply, values?: Body, errors?: FieldError[]) => {
    const { id } = req.params as { id: string };
    const session = await findRegisterSession(db, pid(req), id);
    checkMarker(session, marker(req));
    const register = await registerOf(db, pid(req), session);
    const rules = await trainingRules(db, pid(req));
    await req.audit({ action: 'training_attendance.read', recordType: 'course_session', recordId: session.id, detail: { people: register.entries.length } });
    const e = errors ? formErrors(errors) : undefined;
    const blocked = notMarkable(session, now());
    return reply.code(errors ? 400 : 200).view('training-attendance/views/attendance.njk', {
      title: `Attendance: ${session.courseTitle}`, session, blocked, errors: e,
      chargeText: rules.nonAttendanceChargePence ? poundsText(rules.nonAttendanceChargePence) : null,
      levelLabel: LEVELS[session.level], deliveryLabel: DELIVERY[session.delivery],
      marked: register.entries.filter((x) => x.attendance).length,
      entries: register.entries.map((x) => {
        const value = values ? values[`attendance-${x.bookingId}`] : x.attendance;
        return {
          ...x, chargeText: x.chargePence ? poundsText(x.chargePence) : null,
          error: e?.fields[`attendance-${x.bookingId}`],
          items: [
            { value: 'attended', text: 'Attended', checked: value === 'attended' },
            { value: 'absent', text: 'Did not attend', checked: value === 'absent' },
          ],
        };
      }),
    });
  };

  app.get('/training/sessions/:id/attendance', { config: { access: 'training.manage' } }, async (req, reply) => registerPage(req, reply));

  app.post('/training/sessions/:id/attendance', { config: { access: 'training.manage' } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const b = (req.body ?? {}) as Body;
    let outcome;
    try {
      outcome = await markAttendance(db, pid(req), id, b, marker(req), now());
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return registerPage(req, reply, b, err.errors);
    }
    const session = await findRegisterSession(db, pid(req), id);
    await req.audit({ action: 'training_attendance.mark', recordType: 'course_session', recordId: session.id,
      detail: { attended: outcome.attended, absent: outcome.absent, changed: outcome.changed, charged: outcome.charged } });
    const emailed = await sendCertificates(db, mailer, pid(req), session, outcome.newlyAttended, config.publicUrl);
    reply.flash(`Attendance saved: ${outcome.attended} attended, ${outcome.absent} did not attend.`
      + (emailed ? ` ${emailed} ${emailed === 1 ? 'person was' : 'people were'} sent their certificate and the evaluation form.` : ''));
    return reply.redirect(`/training/sessions/${session.id}/attendance`, 303);
  });

  app.get('/training/bookings/:id/certificate.pdf', { config: { access: 'home.view' } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    if (!isUuid(id)) throw new NotFound('No such certificate', 'booking', id);
    const row = await db.selectFrom('booking as b').innerJoin('course_session as s', 's.id', 'b.session_id').innerJoin('course as c', 'c.id', 's.course_id')
      .innerJoin('app_user as u', 'u.id', 'b.user_id').innerJoin('agency as a', 'a.id', 'u.agency_id').innerJoin('partnership as p', 'p.id', 'b.partnership_id')
      .select(['b.id', 'b.user_id', 'b.attendance', 'b.certificate_number', 'u.name', 'a.name as agency', 'p.name as partnership', 'c.title', 'c.level', 'c.delivery',
        'c.duration_minutes', 'c.learning_outcomes', 's.starts_at'])
      .where('b.id', '=', id).where('b.partnership_id', '=', pid(req)).executeTakeFirst();
    const own = row?.user_id === req.beaconSession!.user.id;
    // Another person's certificate is shown only to those who manage training; to anyone else it does not exist.
    if (!row || row.attendance !== 'attended' || !row.certificate_number || !(own || req.scopes.has('training.manage'))) {
      throw new NotFound('No such certificate', 'booking', id);
    }
    const pdf = await certificatePdf({
      partnership: row.partnership, person: row.name, agency: row.agency, course: row.title, level: row.level, delivery: DELIVERY[row.delivery],
      sessionStart: row.starts_at, durationMinutes: row.duration_minutes, learningOutcomes: row.learning_outcomes, number: row.certificate_number,
    }, { now: now() });
    await req.audit({ action: 'training_certificate.read', recordType: 'booking', recordId: row.id, detail: { own } });
    reply.header('content-disposition', `inline; filename="certificate-${row.certificate_number}.pdf"`);
    return reply.type('application/pdf').send(pdf);
  });

  const settingsPage = async (req: FastifyRequest, reply: FastifyReply, values?: RulesForm, errors?: FieldError[]) =>
    reply.code(errors ? 400 : 200).view('training-attendance/views/settings.njk', {
      title: 'Training rules', values: values ?? rulesForm(await trainingRules(db, pid(req))), errors: errors ? formErrors(errors) : undefined,
    });

  app.get('/training/settings', { config: { access: 'training.manage' } }, async (req, reply) => {
    onlyBusinessManager(req);
    return settingsPage(req, reply);
  });

  app.post('/training/settings', { config: { access: 'training.manage' } }, async (req, reply) => {
    onlyBusinessManager(req);
    const posted = (req.body ?? {}) as Form;
    const form: RulesForm = { cancellationCutoffHours: text(posted, 'cancellationCutoffHours'), charge: text(posted, 'charge'), impactSurveyWeeks: text(posted, 'impactSurveyWeeks') };
    let rules;
    try {
      rules = parseRules(form);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return settingsPage(req, reply, form, err.errors);
    }
    await saveTrainingRules(db, pid(req), rules);
    await req.audit({ action: 'partnership.training_settings', recordType: 'partnership', recordId: String(pid(req)), detail: rules });
    reply.flash('The training rules are saved. A new charge applies to people marked as not attending from now on.');
    return reply.redirect('/training/settings', 303);
  });

  /** The charges of a period (the dashboard's chooser), by agency. */
  const chargesOf = async (req: FastifyRequest) => {
    onlyBusinessManager(req);
    const q = (req.query ?? {}) as Body;
    const { choice, errors } = trendPeriod(q, now().toISOString().slice(0, 10));
    const period = periodOf(choice);
    const view = periodView(choice, period, q, errors);
    const rows = errors.length ? [] : await chargesBetween(db, pid(req), londonInstant(period.from, '00:00:00'), londonInstant(nextDay(period.to), '00:00:00'));
    return { period, view, errors, rows };
  };

  app.get('/training/charges', { config: { access: 'training.manage' } }, async (req, reply) => {
    const { period, view, errors, rows } = await chargesOf(req);
    if (!errors.length) await req.audit({ action: 'training_charge.list', recordType: 'booking', detail: { from: period.from, to: period.to, results: rows.length } });
    const agencies = chargesByAgency(rows).map((a) => ({
      ...a, totalText: poundsText(a.totalPence),
      charges: a.charges.map((c) => ({ ...c, chargeText: poundsText(c.chargePence) })),
    }));
    return reply.code(errors.length ? 400 : 200).view('training-attendance/views/charges.njk', {
      title: 'Charges for not attending', period, ...view, agencies,
      totalText: poundsText(rows.reduce((n, r) => n + r.chargePence, 0)), count: rows.length,
    });
  });

  app.get('/training/charges.csv', { config: { access: 'training.manage' } }, async (req, reply) => {
    const { period, errors, rows } = await chargesOf(req);
    if (errors.length) throw new ValidationFailed(errors);
    await req.audit({ action: 'training_charge.export', recordType: 'booking', detail: { from: period.from, to: period.to, results: rows.length } });
    const lines = [['Agency', 'Agency type', 'Person', 'Email', 'Course', 'Session date', 'Charge (£)'].map(csvCell).join(',')];
    for (const r of rows) {
      lines.push([r.agency, r.agencyType, r.person, r.email, r.course, londonParts(r.sessionStart).date, (r.chargePence / 100).toFixed(2)].map(csvCell).join(','));
    }
    reply.header('content-disposition', `attachment; filename="training-charges-${period.from}-to-${period.to}.csv"`);
    return reply.type('text/csv; charset=utf-8').send(`${lines.join('\r\n')}\r\n`);
  });
}

const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
