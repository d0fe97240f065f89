import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { Attendance, CourseDelivery, CourseLevel, SessionStatus } from '../../db/schema-training';
import { londonParts } from '../../domain/london';
import { EmailRefused, type Mailer } from '../../platform/email';
import { Forbidden, NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import { isUuid } from '../training/training.service';
import { londonLongDate } from './certificate';
import { trainingRules } from './settings.service';

/**
 * The register of a session: the trainer marks each confirmed booking attended or did not attend, all
 * together, from the session's start. Attending issues a certificate number and asks the person for their
 * evaluation by email; not attending is charged where the partnership sets a charge. A trainer marks their
 * own sessions (and those with no Beacon trainer named); the business manager marks any.
 */


export type RegisterSession = {
  id: string; courseId: string; courseTitle: string; delivery: CourseDelivery; level: CourseLevel; startsAt: Date; endsAt: Date;
  trainers: string; trainerUserId: number | null; trainerName: string | null; status: SessionStatus; cancelledReason: string | null;
};

export type RegisterEntry = {
  bookingId: string; userId: number; name: string; email: string; agency: string; attendance: Attendance | null;
  markedAt: Date | null; markedBy: string | null; chargePence: number | null; certificateNumber: string | null;
};

export type Register = { session: RegisterSession; entries: RegisterEntry[] };

/** Who is marking: a business manager may mark any session, a trainer only theirs or one with no trainer named. */
export type Marker = { userId: number; anySession: boolean };

export async function findRegisterSession(db: Db, partnershipId: number, sessionId: string): Promise<RegisterSession> {
  if (!isUuid(sessionId)) throw new NotFound('No such session', 'course_session', sessionId);
  const r = await db.selectFrom('course_session as s').innerJoin('course as c', 'c.id', 's.course_id')
    .leftJoin('app_user as t', 't.id', 's.trainer_user_id')
    .select(['s.id', 's.course_id', 'c.title', 'c.delivery', 'c.level', 's.starts_at', 's.ends_at', 's.trainers', 's.trainer_user_id', 't.name as trainer_name',
      's.status', 's.cancelled_reason'])
    .where('s.partnership_id', '=', partnershipId).where('c.partnership_id', '=', partnershipId).where('s.id', '=', sessionId)
    .executeTakeFirst();
  if (!r) throw new NotFound('No such session', 'course_session', sessionId);
  return {
    id: r.id, courseId: r.course_id, courseTitle: r.title, delivery: r.delivery, level: r.level, startsAt: r.starts_at, endsAt: r.ends_at,
    trainers: r.trainers, trainerUserId: r.trainer_user_id, trainerName: r.trainer_name, status: r.status, cancelledReason: r.cancelled_reason,
  };
}

/** Refuses a trainer who is not the session's: its register is another trainer's to keep. */
export function checkMarker(session: RegisterSession, marker: Marker): void {
  if (marker.anySession || session.trainerUserId === null || session.trainerUserId === marker.userId) return;
  throw new Forbidden(`Only ${session.trainerName ?? 'the session’s trainer'} or the business manager can mark this session’s attendance`);
}

/** Why the register cannot be marked now, or null. */
export function notMarkable(session: RegisterSession, now: Date): string | null {
  if (session.status === 'cancelled') return 'This session was cancelled, so there is no attendance to mark';
  if (session.status === 'planned') return 'This session is only planned: it has not been scheduled yet';
  if (now < session.startsAt) return `Attendance can be marked from the start of the session, ${londonLongDate(session.startsAt)} at ${londonParts(session.startsAt).time.slice(0, 5)}`;
  return null;
}

export async function registerOf(db: Db, partnershipId: number, session: RegisterSession): Promise<Register> {
  const rows = await db.selectFrom('booking as b').innerJoin('app_user as u', 'u.id', 'b.user_id').innerJoin('agency as a', 'a.id', 'u.agency_id')
    .leftJoin('app_user as m', 'm.id', 'b.attendance_marked_by')
    .select(['b.id', 'b.user_id', 'u.name', 'u.email', 'a.name as agency', 'b.attendance', 'b.attendance_marked_at', 'm.name as marked_by', 'b.charge_pence', 'b.certificate_number'])
    .where('b.partnership_id', '=', partnershipId).where('b.session_id', '=', session.id).where('b.status', '=', 'confirmed')
    .orderBy('u.name').orderBy('b.id').execute();
  return {
    session,
    entries: rows.map((r) => ({
      bookingId: r.id, userId: r.user_id, name: r.name, email: r.email, agency: r.agency, attendance: r.attendance, markedAt: r.attendance_marked_at,
      markedBy: r.marked_by, chargePence: r.charge_pence, certificateNumber: r.certificate_number,
    })),
  };
}

/** The letters a partnership's certificates start with: the initials of its name ("Northmere Safeguarding Children Partnership": NSCP). */
export function certificatePrefix(partnershipName: string): string {
  const initials = partnershipName.split(/[\s-]+/).filter((w) => !/^(and|of|the|for|&)$/i.test(w))
    .map((w) => /[A-Za-z]/.exec(w)?.[0] ?? '').join('').toUpperCase().slice(0, 6);
  return initials || 'SCP';
}

export const certificateNumber = (prefix: string, year: string, serial: number) => `${prefix}-${year}-${String(serial).padStart(6, '0')}`;

export type MarkOutcome = {
  attended: number; absent: number; changed: number; charged: number;
  /** Those newly marked attended, to be sent their certificate and evaluation. */
  newlyAttended: { bookingId: string; name: string; email: string; certificateNumber: string }[];
};

/** Reads the register form: `attendance-<bookingId>` is attended or absent for every confirmed booking. */
export function parseMarks(form: Record<string, unknown>, entries: RegisterEntry[]): Map<string, Attendance> {
  const marks = new Map<string, Attendance>();
  const errors: FieldError[] = [];
  for (const e of entries) {
    const v = form[`attendance-${e.bookingId}`];
    if (v === 'attended' || v === 'absent') marks.set(e.bookingId, v);
    else errors.push({ field: `attendance-${e.bookingId}`, message: `Select whether ${e.name} attended` });
  }
  if (errors.length) throw new ValidationFailed(errors);
  return marks;
}

/**
 * Saves the whole register in one transaction. A person marked attended keeps (or is given) a certificate
 * number and loses any charge; a person marked did not attend is charged the partnership's charge, unless
 * they were already marked so (their charge then stands as it was). Bookings cancelled since the page was
 * loaded are left alone.
 */
export async function markAttendance(db: Db, partnershipId: number, sessionId: string, form: Record<string, unknown>, marker: Marker, now: Date): Promise<MarkOutcome> {
  return db.transaction().execute(async (tx) => {
    const session = await findRegisterSession(tx, partnershipId, sessionId);
    checkMarker(session, marker);
    const why = notMarkable(session, now);
    if (why) throw new ValidationFailed([{ field: 'register', message: why }]);
    // The session's row locked: two trainers saving the register at once take turns.
    await tx.selectFrom('course_session').select('id').where('id', '=', session.id).forUpdate().execute();
    const { entries } = await registerOf(tx, partnershipId, session);
    if (!entries.length) throw new ValidationFailed([{ field: 'register', message: 'No one has a confirmed place on this session' }]);
    const marks = parseMarks(form, entries);
    const rules = await trainingRules(tx, partnershipId);
    const partnership = await tx.selectFrom('partnership').select('name').where('id', '=', partnershipId).executeTakeFirstOrThrow();
    const prefix = certificatePrefix(partnership.name);
    const year = londonParts(session.startsAt).date.slice(0, 4);
    const outcome: MarkOutcome = { attended: 0, absent: 0, changed: 0, charged: 0, newlyAttended: [] };
    for (const e of entries) {
      const mark = marks.get(e.bookingId)!;
      outcome[mark] += 1;
      if (mark === 'absent' && (e.attendance === 'absent' ? e.chargePence : rules.nonAttendanceChargePence)) outcome.charged += 1;
      if (mark === e.attendance) continue;
      outcome.changed += 1;
      if (mark === 'attended') {
        let number = e.certificateNumber;
        if (!number) {
          const { rows } = await sql<{ n: number }>`select nextval('training_certificate_seq') as n`.execute(tx);
          number = certificateNumber(prefix, year, Number(rows[0]!.n));
        }
        const updated = await tx.updateTable('booking')
          .set({ attendance: 'attended', attendance_marked_at: now, attendance_marked_by: marker.userId, charge_pence: null, certificate_number: number })
          .where('id', '=', e.bookingId).where('partnership_id', '=', partnershipId)
          .returning('evaluation_requested_at').executeTakeFirstOrThrow();
        if (!updated.evaluation_requested_at) outcome.newlyAttended.push({ bookingId: e.bookingId, name: e.name, email: e.email, certificateNumber: number });
      } else {
        await tx.updateTable('booking')
          .set({ attendance: 'absent', attendance_marked_at: now, attendance_marked_by: marker.userId, charge_pence: rules.nonAttendanceChargePence })
          .where('id', '=', e.bookingId).where('partnership_id', '=', partnershipId).execute();
      }
    }
    if (outcome.newlyAttended.length) {
      await tx.updateTable('booking').set({ evaluation_requested_at: now })
        .where('id', 'in', outcome.newlyAttended.map((a) => a.bookingId)).where('partnership_id', '=', partnershipId).execute();
    }
    return outcome;
  });
}

/** Thanks each person newly marked attended, with their certificate and the evaluation form; an address the mailer refuses is skipped. */
export async function sendCertificates(db: Db, mailer: Mailer, partnershipId: number, session: RegisterSession,
  people: MarkOutcome['newlyAttended'], publicUrl: string): Promise<number> {
  if (!people.length) return 0;
  const partnership = await db.selectFrom('partnership').select('name').where('id', '=', partnershipId).executeTakeFirstOrThrow();
  let sent = 0;
  for (const p of people) {
    const base = `${publicUrl}/training/bookings/${p.bookingId}`;
    const body = [
      `Dear ${p.name},`,
      '',
      `Thank you for attending ${session.courseTitle} on ${londonLongDate(session.startsAt)}.`,
      '',
      `Your certificate of attendance (number ${p.certificateNumber}) is ready to download: ${base}/certificate.pdf`,
      '',
      'Please tell us what you thought of the course and how confident you feel now. It takes about five minutes, and it shapes the partnership’s training:',
      `${base}/evaluation`,
      '',
      'In a few weeks we will ask you once more how the course has changed your practice.',
      '',
      partnership.name,
    ].join('\n');
    try {
      await mailer.send(db, { to: p.email, subject: `Your certificate and evaluation: ${session.courseTitle}`, body, partnershipId, record: { type: 'booking', id: p.bookingId } });
      sent += 1;
    } catch (err) {
      if (!(err instanceof EmailRefused)) throw err;
    }
  }
  return sent;
}

export type ChargeRow = {
  bookingId: string; agency: string; agencyType: string; person: string; email: string; course: string; sessionStart: Date; chargePence: number;
};

/** Charges for not attending on sessions that started in [start, end), by agency then date, for invoicing each agency. */
export async function chargesBetween(db: Db, partnershipId: number, start: Date, end: Date): Promise<ChargeRow[]> {
  const rows = await db.selectFrom('booking as b').innerJoin('course_session as s', 's.id', 'b.session_id').innerJoin('course as c', 'c.id', 's.course_id')
    .innerJoin('app_user as u', 'u.id', 'b.user_id').innerJoin('agency as a', 'a.id', 'u.agency_id')
    .select(['b.id', 'a.name as agency', 'a.type', 'u.name', 'u.email', 'c.title', 's.starts_at', 'b.charge_pence'])
    .where('b.partnership_id', '=', partnershipId).where('s.partnership_id', '=', partnershipId)
    .where('b.attendance', '=', 'absent').where('b.charge_pence', '>', 0)
    .where('s.starts_at', '>=', start).where('s.starts_at', '<', end)
    .orderBy('a.name').orderBy('s.starts_at').orderBy('u.name').execute();
  return rows.map((r) => ({ bookingId: r.id, agency: r.agency, agencyType: r.type, person: r.name, email: r.email, course: r.title, sessionStart: r.starts_at, chargePence: r.charge_pence! }));
}

export type AgencyCharges = { agency: string; charges: ChargeRow[]; totalPence: number };

export function chargesByAgency(rows: ChargeRow[]): AgencyCharges[] {
  const out = new Map<string, AgencyCharges>();
  for (const r of rows) {
    const a = out.get(r.agency) ?? { agency: r.agency, charges: [], totalPence: 0 };
    a.charges.push(r);
    a.totalPence += r.chargePence;
    out.set(r.agency, a);
  }
  return [...out.values()];
}

/** £25.00 */
export const poundsText = (pence: number) => `£${(pence / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
