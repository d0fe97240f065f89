import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { Attendance, EvaluationKind } from '../../db/schema-training';
import { EmailRefused, type Mailer } from '../../platform/email';
import { NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import { isUuid } from '../training/training.service';
import { londonLongDate } from '../training-attendance/certificate';
import { DEFAULT_TRAINING_RULES, trainingRules } from '../training-attendance/settings.service';

/**
 * What people who attended say about a course: the evaluation straight after it (overall rating, whether
 * its learning outcomes were met, confidence before and after, what they will do differently) and the
 * impact survey some weeks later (confidence now, what changed in practice, with an example, and what
 * got in the way). Each is the attendee's own, sent once.
 */

const MAX_TEXT = 5_000;
const DAY_MS = 86_400_000;
/** The evaluation is asked for when attendance is marked, and a reminder goes once, this many days later. */
export const REMIND_AFTER_DAYS = 7;
/** An impact survey not sent within this many days of its due date (the server was down, say) is not sent late. */
export const IMPACT_INVITE_WINDOW_DAYS = 28;

export const SCALE = [1, 2, 3, 4, 5] as const;
export const OUTCOMES_MET = { yes: 'Yes, all of them', partly: 'Some of them', no: 'No' } as const;
export type OutcomesMet = keyof typeof OUTCOMES_MET;

export type OwnBooking = {
  id: string; sessionId: string; courseTitle: string; learningOutcomes: string[]; startsAt: Date; endsAt: Date;
  attendance: Attendance | null; impactOpensAt: Date;
};

export type Evaluation = {
  kind: EvaluationKind; submittedAt: Date; overall: number | null; confidenceBefore: number | null; confidenceAfter: number | null;
  answers: Record<string, unknown>; practiceChange: string | null; comments: string | null;
};

export class AlreadySubmitted extends Error {}

/** The person's own booking; anyone else's, or another partnership's, is not found. */
export async function findOwnBooking(db: Db, partnershipId: number, bookingId: string, userId: number): Promise<OwnBooking> {
  if (!isUuid(bookingId)) throw new NotFound('No such booking', 'booking', bookingId);
  const r = await db.selectFrom('booking as b').innerJoin('course_session as s', 's.id', 'b.session_id').innerJoin('course as c', 'c.id', 's.course_id')
    .select(['b.id', 'b.session_id', 'c.title', 'c.learning_outcomes', 's.starts_at', 's.ends_at', 'b.attendance'])
    .where('b.id', '=', bookingId).where('b.partnership_id', '=', partnershipId).where('b.user_id', '=', userId).where('b.status', '<>', 'cancelled')
    .executeTakeFirst();
  if (!r) throw new NotFound('No such booking', 'booking', bookingId);
  const { impactSurveyWeeks } = await trainingRules(db, partnershipId);
  return {
    id: r.id, sessionId: r.session_id, courseTitle: r.title, learningOutcomes: r.learning_outcomes, startsAt: r.starts_at, endsAt: r.ends_at,
    attendance: r.attendance, impactOpensAt: new Date(r.ends_at.getTime() + impactSurveyWeeks * 7 * DAY_MS),
  };
}

export async function findEvaluation(db: Db, partnershipId: number, bookingId: string, kind: EvaluationKind): Promise<Evaluation | null> {
  const r = await db.selectFrom('training_evaluation')
    .select(['kind', 'submitted_at', 'overall', 'confidence_before', 'confidence_after', 'answers', 'practice_change', 'comments'])
    .where('partnership_id', '=', partnershipId).where('booking_id', '=', bookingId).where('kind', '=', kind).executeTakeFirst();
  return r ? {
    kind: r.kind, submittedAt: r.submitted_at, overall: r.overall, confidenceBefore: r.confidence_before, confidenceAfter: r.confidence_after,
    answers: r.answers, practiceChange: r.practice_change, comments: r.comments,
  } : null;
}

/** Why the person cannot send this form now, or null. */
export function notOpen(booking: OwnBooking, kind: EvaluationKind, now: Date): string | null {
  if (booking.attendance !== 'attended') {
    return kind === 'evaluation'
      ? 'You can evaluate the course once the trainer has marked you as attending it'
      : 'The impact survey is for people who attended the course';
  }
  if (kind === 'impact' && now < booking.impactOpensAt) return `The impact survey opens on ${londonLongDate(booking.impactOpensAt)}, when the course has had time to make a difference to your practice`;
  return null;
}

export type EvaluationForm = Record<string, string | undefined>;
export type EvaluationInput = {
  overall: number | null; outcomesMet: OutcomesMet | null; confidenceBefore: number | null; confidenceAfter: number | null;
  practiceChange: string | null; comments: string | null; changedPractice?: 'yes' | 'no'; barriers?: string | null;
};

const scaleOf = (v: string | undefined) => (v && /^[1-5]$/.test(v) ? Number(v) : null);
const textOf = (v: string | undefined) => (v ?? '').replace(/\r\n/g, '\n').trim();

function checkLength(errors: FieldError[], field: string, text: string, name: string) {
  if (text.length > MAX_TEXT) errors.push({ field, message: `${name} must be ${MAX_TEXT.toLocaleString('en-GB')} characters or fewer` });
}

export function parseEvaluation(form: EvaluationForm): EvaluationInput {
  const errors: FieldError[] = [];
  const overall = scaleOf(form.overall);
  if (overall === null) errors.push({ field: 'overall', message: 'Select your overall rating of the course, from 1 to 5' });
  const outcomesMet = form.outcomesMet && Object.hasOwn(OUTCOMES_MET, form.outcomesMet) ? form.outcomesMet as OutcomesMet : null;
  if (!outcomesMet) errors.push({ field: 'outcomesMet', message: 'Select whether the course’s learning outcomes were met' });
  const before = scaleOf(form.confidenceBefore);
  if (before === null) errors.push({ field: 'confidenceBefore', message: 'Select how confident you were before the course, from 1 to 5' });
  const after = scaleOf(form.confidenceAfter);
  if (after === null) errors.push({ field: 'confidenceAfter', message: 'Select how confident you are after the course, from 1 to 5' });
  const differently = textOf(form.practiceChange);
  if (!differently) errors.push({ field: 'practiceChange', message: 'Enter what you will do differently in your practice' });
  checkLength(errors, 'practiceChange', differently, 'What you will do differently');
  const comments = textOf(form.comments);
  checkLength(errors, 'comments', comments, 'Your comments');
  if (errors.length) throw new ValidationFailed(errors);
  return { overall, outcomesMet, confidenceBefore: before, confidenceAfter: after, practiceChange: differently, comments: comments || null };
}

export function parseImpact(form: EvaluationForm): EvaluationInput {
  const errors: FieldError[] = [];
  const now = scaleOf(form.confidenceNow);
  if (now === null) errors.push({ field: 'confidenceNow', message: 'Select how confident you feel now, from 1 to 5' });
  const changed = form.changedPractice === 'yes' || form.changedPractice === 'no' ? form.changedPractice : null;
  if (!changed) errors.push({ field: 'changedPractice', message: 'Select whether the course has changed your practice' });
  const example = textOf(form.practiceChange);
  if (changed === 'yes' && !example) errors.push({ field: 'practiceChange', message: 'Enter an example of what you now do differently' });
  checkLength(errors, 'practiceChange', example, 'Your example');
  const barriers = textOf(form.barriers);
  checkLength(errors, 'barriers', barriers, 'What got in the way');
  if (errors.length) throw new ValidationFailed(errors);
  return {
    overall: null, outcomesMet: null, confidenceBefore: null, confidenceAfter: now, practiceChange: example || null, comments: null,
    changedPractice: changed!, barriers: barriers || null,
  };
}

/** Records the form once: a second one for the same booking is refused, even if both are sent at once. */
export async function submitEvaluation(db: Db, partnershipId: number, bookingId: string, kind: EvaluationKind, input: EvaluationInput, now: Date): Promise<string> {
  const answers = kind === 'evaluation' ? { outcomesMet: input.outcomesMet } : { changedPractice: input.changedPractice, barriers: input.barriers ?? null };
  const row = await db.insertInto('training_evaluation').values({
    partnership_id: partnershipId, booking_id: bookingId, kind, submitted_at: now, overall: input.overall,
    confidence_before: input.confidenceBefore, confidence_after: input.confidenceAfter, answers: JSON.stringify(answers),
    practice_change: input.practiceChange, comments: input.comments,
  }).onConflict((oc) => oc.constraint('training_evaluation_once').doNothing()).returning('id').executeTakeFirst();
  if (!row) throw new AlreadySubmitted(kind === 'evaluation' ? 'You have already sent your evaluation of this course' : 'You have already answered the impact survey for this course');
  return row.id;
}

export type SurveyEmail = { kind: 'evaluation_reminder' | 'impact_invitation'; bookingId: string; partnershipId: number; to: string; emailed: boolean };

type Candidate = { id: string; partnership_id: number; partnership: string; name: string; email: string; title: string; starts_at: Date };

/**
 * The sweep the server runs hourly (and `beacon training surveys` by hand): a reminder to each attendee
 * who has not sent their evaluation a week after it was asked for, and the impact survey's invitation to
 * each attendee once the partnership's weeks have passed since the session ended. Each goes once: the
 * booking is claimed by the update that marks it, so two sweeps at once send nothing twice.
 */
export async function sendTrainingSurveys(db: Db, mailer: Mailer, now: Date, opts: { publicUrl?: string; partnershipId?: number } = {}): Promise<SurveyEmail[]> {
  const base = opts.publicUrl ?? '';
  const remindBefore = new Date(now.getTime() - REMIND_AFTER_DAYS * DAY_MS);
  const weeks = sql<number>`coalesce((p.settings->'training'->>'impactSurveyWeeks')::int, ${DEFAULT_TRAINING_RULES.impactSurveyWeeks})`;
  const only = opts.partnershipId === undefined ? sql`true` : sql`b.partnership_id = ${opts.partnershipId}`;

  const reminders = await sql<Candidate>`
    update booking b set evaluation_reminded_at = ${now}
    from course_session s, course c, app_user u, partnership p
    where s.id = b.session_id and c.id = s.course_id and u.id = b.user_id and p.id = b.partnership_id and ${only}
      and b.attendance = 'attended' and b.status = 'confirmed' and b.evaluation_reminded_at is null
      and b.evaluation_requested_at <= ${remindBefore}
      and not exists (select 1 from training_evaluation e where e.booking_id = b.id and e.kind = 'evaluation')
      and u.status = 'active'
    returning b.id, b.partnership_id, p.name as partnership, u.name, u.email, c.title, s.starts_at`.execute(db);

  const invitations = await sql<Candidate>`
    update booking b set impact_requested_at = ${now}
    from course_session s, course c, app_user u, partnership p
    where s.id = b.session_id and c.id = s.course_id and u.id = b.user_id and p.id = b.partnership_id and ${only}
      and b.attendance = 'attended' and b.status = 'confirmed' and b.impact_requested_at is null
      and s.ends_at + make_interval(weeks => ${weeks}) <= ${now}
      and s.ends_at + make_interval(weeks => ${weeks}) > ${new Date(now.getTime() - IMPACT_INVITE_WINDOW_DAYS * DAY_MS)}
      and not exists (select 1 from training_evaluation e where e.booking_id = b.id and e.kind = 'impact')
      and u.status = 'active'
    returning b.id, b.partnership_id, p.name as partnership, u.name, u.email, c.title, s.starts_at`.execute(db);

  const sent: SurveyEmail[] = [];
  const send = async (kind: SurveyEmail['kind'], c: Candidate, subject: string, body: string[]) => {
    let emailed = true;
    try {
      await mailer.send(db, { to: c.email, subject, body: [`Dear ${c.name},`, '', ...body, '', c.partnership].join('\n'), partnershipId: c.partnership_id, record: { type: 'booking', id: c.id } });
    } catch (err) {
      if (!(err instanceof EmailRefused)) throw err;
      emailed = false;
    }
    sent.push({ kind, bookingId: c.id, partnershipId: c.partnership_id, to: c.email, emailed });
  };
  for (const c of reminders.rows) {
    await send('evaluation_reminder', c, `Reminder: your evaluation of ${c.title}`, [
      `You attended ${c.title} on ${londonLongDate(c.starts_at)}, and we have not yet had your evaluation of it.`,
      'It takes about five minutes, and what you tell us shapes the partnership’s training:',
      `${base}/training/bookings/${c.id}/evaluation`,
      '',
      'This is the only reminder we will send.',
    ]);
  }
  for (const c of invitations.rows) {
    await send('impact_invitation', c, `How has ${c.title} changed your practice?`, [
      `You attended ${c.title} on ${londonLongDate(c.starts_at)}. Some weeks on, we would like to know what difference it has made to your work with children and families:`,
      'how confident you feel now, what you do differently (with an example), and anything that has got in the way.',
      '',
      `${base}/training/bookings/${c.id}/impact`,
      '',
      'It takes about five minutes. The partnership reports what changed, without names, to show the difference its training makes.',
    ]);
  }
  return sent;
}
