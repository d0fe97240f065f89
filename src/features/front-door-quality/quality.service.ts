import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { ContactDecision, FrontDoorAuditSettings } from '../../db/schema';
import { addMonths } from '../../domain/calendar';
import { NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import { londonInstant, londonParts } from '../../domain/london';
import { mulberry32 } from '../../domain/seeded-random';
import { settingsOf } from '../partnerships/partnerships.service';
import {
  ANSWERS, AUDIT_KINDS, GRADES, NEEDS_LEARNING, QUESTIONS, type Answer, type AuditAnswers, type AuditKind, type Grade,
} from './questions';

/**
 * The front door's quality assurance: each month the team manager and senior social worker, the MASH
 * and the head of service audit a sample of the front door's decisions, as the annual report describes
 * (nine to twelve manager audits, twelve multi-agency audits and three dip audits a month by default).
 */

export const DEFAULT_AUDIT_SETTINGS: FrontDoorAuditSettings = Object.freeze({
  targets: Object.freeze({ manager: 9, multi_agency: 12, dip: 3 }),
  dipReReferrals: true,
}) as FrontDoorAuditSettings;

const MAX_TARGET = 100;
const MAX_TEXT = 5_000;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export const isMonth = (value: unknown): value is string => typeof value === 'string' && MONTH.test(value);
export const previousMonth = (month: string) => addMonths(`${month}-01`, -1).slice(0, 7);
/** The calendar month, in London, of an instant. */
export const monthOf = (instant: Date) => londonParts(instant).date.slice(0, 7);

/** The instants a London calendar month runs between: [start, end). */
export function monthBounds(month: string): { start: Date; end: Date } {
  return { start: londonInstant(`${month}-01`, '00:00:00'), end: londonInstant(addMonths(`${month}-01`, 1), '00:00:00') };
}

export async function auditSettings(db: Db, partnershipId: number): Promise<FrontDoorAuditSettings> {
  const saved = (await settingsOf(db, partnershipId)).frontDoorAudit;
  return { targets: { ...DEFAULT_AUDIT_SETTINGS.targets, ...saved?.targets }, dipReReferrals: saved?.dipReReferrals ?? DEFAULT_AUDIT_SETTINGS.dipReReferrals };
}

const TARGET_NAMES: Record<AuditKind, string> = { manager: 'team manager audits', multi_agency: 'multi-agency audits', dip: 'dip audits' };

/** Checks and saves the regime; only this key of the settings is written, so a change elsewhere is never lost. */
export async function saveAuditSettings(db: Db, partnershipId: number, input: Record<string, unknown>): Promise<FrontDoorAuditSettings> {
  const errors: FieldError[] = [];
  const targets = {} as FrontDoorAuditSettings['targets'];
  for (const kind of AUDIT_KINDS) {
    const raw = String(input[kind] ?? '').trim();
    const n = Number(raw);
    if (raw === '') errors.push({ field: kind, message: `Enter the number of ${TARGET_NAMES[kind]} a month` });
    else if (!/^\d+$/.test(raw) || n > MAX_TARGET) errors.push({ field: kind, message: `The number of ${TARGET_NAMES[kind]} a month must be a whole number from 0 to ${MAX_TARGET}` });
    else targets[kind] = n;
  }
  const dip = input.dipReReferrals;
  if (dip !== 'yes' && dip !== 'no') errors.push({ field: 'dipReReferrals', message: 'Select whether dip audits look at re-referrals only' });
  if (errors.length) throw new ValidationFailed(errors);
  const settings: FrontDoorAuditSettings = { targets, dipReReferrals: dip === 'yes' };
  await db.updateTable('partnership')
    .set({ settings: sql`coalesce(settings, '{}'::jsonb) || jsonb_build_object('frontDoorAudit', ${JSON.stringify(settings)}::jsonb)` as never })
    .where('id', '=', partnershipId).execute();
  return settings;
}

export type KindSummary = { kind: AuditKind; target: number; scheduled: number; completed: number; compliance: number | null };

/** For each kind, the month's target, audits scheduled (completed ones included) and completed, and completed as a share of the target. */
export async function monthSummary(db: Db, partnershipId: number, month: string): Promise<KindSummary[]> {
  const { targets } = await auditSettings(db, partnershipId);
  const rows = await db.selectFrom('front_door_audit')
    .select(['kind', (eb) => eb.fn.countAll<string>().as('scheduled'),
      (eb) => eb.fn.count<string>(eb.case().when('status', '=', 'completed').then(1).end()).as('completed')])
    .where('partnership_id', '=', partnershipId).where('month', '=', `${month}-01`)
    .groupBy('kind').execute();
  return AUDIT_KINDS.map((kind) => {
    const row = rows.find((r) => r.kind === kind);
    const completed = Number(row?.completed ?? 0);
    return { kind, target: targets[kind], scheduled: Number(row?.scheduled ?? 0), completed, compliance: targets[kind] ? Math.round((completed / targets[kind]) * 100) : null };
  });
}

/** Picks `k` of `n` positions uniformly: a partial Fisher–Yates shuffle driven by `random(n)`, an integer in [0, n). */
export function sample<T>(items: readonly T[], k: number, random: (n: number) => number): T[] {
  const pool = [...items];
  const picked: T[] = [];
  for (let i = 0; i < Math.min(k, pool.length); i++) {
    const j = i + random(pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    picked.push(pool[i]!);
  }
  return picked;
}

/**
 * A seeded generator (mulberry32) for tests and demos that must pick the same cases each run. The
 * selection itself uses `crypto.randomInt` by default: a sample no one can predict or steer keeps the
 * audit honest, as a manager cannot choose which of their team's decisions are looked at.
 */
export function seededRandom(seed: number): (n: number) => number {
  const next = mulberry32(seed);
  return (n) => Math.floor(next() * n);
}

export type SelectionOutcome = Record<AuditKind, { wanted: number; selected: number; available: number }>;

/**
 * Schedules the month's audits: for each kind, decided front door contacts of `decisionsMonth` picked at
 * random up to the kind's target (less any already scheduled for the month), never a contact already
 * audited for that kind. Multi-agency audits draw on contacts that went to a MASH enquiry; dip audits,
 * when the regime says so, on contacts about a child who was re-referred.
 */
export async function selectAudits(db: Db, partnershipId: number, month: string, decisionsMonth: string,
  random: (n: number) => number = randomInt): Promise<SelectionOutcome> {
  const settings = await auditSettings(db, partnershipId);
  const { start, end } = monthBounds(decisionsMonth);
  return db.transaction().execute(async (tx) => {
    // One selection at a time for a partnership's month: two managers pressing the button together would
    // each count what is already scheduled and, between them, overshoot the target.
    await sql`select pg_advisory_xact_lock(${partnershipId}, hashtext(${`front_door_audit:${month}`}))`.execute(tx);
    const outcome = {} as SelectionOutcome;
    for (const kind of AUDIT_KINDS) {
      const already = Number((await tx.selectFrom('front_door_audit').select((eb) => eb.fn.countAll<string>().as('n'))
        .where('partnership_id', '=', partnershipId).where('month', '=', `${month}-01`).where('kind', '=', kind).executeTakeFirstOrThrow()).n);
      const wanted = Math.max(0, settings.targets[kind] - already);
      let q = tx.selectFrom('front_door_contact as f').select('f.id')
        .where('f.partnership_id', '=', partnershipId).where('f.status', '=', 'decided')
        .where('f.decision_at', '>=', start).where('f.decision_at', '<', end)
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('front_door_audit as a').select('a.id')
          .whereRef('a.front_door_contact_id', '=', 'f.id').where('a.kind', '=', kind))));
      if (kind === 'multi_agency') {
        q = q.where(({ exists, selectFrom }) => exists(selectFrom('mash_enquiry as m').select('m.id').whereRef('m.front_door_contact_id', '=', 'f.id')));
      }
      if (kind === 'dip' && settings.dipReReferrals) {
        q = q.where(({ exists, selectFrom }) => exists(selectFrom('contact as c').select('c.id')
          .whereRef('c.front_door_contact_id', '=', 'f.id').where('c.re_referral', '=', true)));
      }
      // Ordered so that a seeded generator picks the same contacts on every database.
      const candidates = (await q.orderBy('f.id').execute()).map((r) => r.id);
      const picked = sample(candidates, wanted, random);
      if (picked.length) {
        await tx.insertInto('front_door_audit')
          .values(picked.map((id) => ({ partnership_id: partnershipId, month: `${month}-01`, kind, front_door_contact_id: id })))
          .onConflict((oc) => oc.constraint('front_door_audit_once').doNothing()).execute();
      }
      outcome[kind] = { wanted, selected: picked.length, available: candidates.length };
    }
    return outcome;
  });
}

export type ScheduledAudit = {
  id: string; kind: AuditKind; status: 'scheduled' | 'completed'; grade: Grade | null; completedAt: Date | null;
  contactId: string; receivedAt: Date; decision: ContactDecision | null; decisionAt: Date | null; auditor: string | null; children: string[];
};

/** The month's audits with their contact's decision, children and auditor. */
export async function monthAudits(db: Db, partnershipId: number, month: string): Promise<ScheduledAudit[]> {
  const rows = await db.selectFrom('front_door_audit as a')
    .innerJoin('front_door_contact as f', 'f.id', 'a.front_door_contact_id')
    .leftJoin('app_user as u', 'u.id', 'a.auditor_id')
    .select(['a.id', 'a.kind', 'a.status', 'a.grade', 'a.completed_at', 'f.id as contactId', 'f.received_at', 'f.decision', 'f.decision_at', 'u.name as auditor'])
    .where('a.partnership_id', '=', partnershipId).where('f.partnership_id', '=', partnershipId).where('a.month', '=', `${month}-01`)
    .orderBy('a.kind').orderBy('f.decision_at').orderBy('a.id').execute();
  const children = await childrenOf(db, partnershipId, rows.map((r) => r.contactId));
  return rows.map((r) => ({
    id: r.id, kind: r.kind, status: r.status, grade: r.grade, completedAt: r.completed_at, contactId: r.contactId, receivedAt: r.received_at,
    decision: r.decision, decisionAt: r.decision_at, auditor: r.auditor, children: children.get(r.contactId) ?? [],
  }));
}

async function childrenOf(db: Db, partnershipId: number, contactIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!contactIds.length) return out;
  const rows = await db.selectFrom('contact as x').innerJoin('child as c', 'c.id', 'x.child_id')
    .select(['x.front_door_contact_id', 'c.first_name', 'c.last_name', 'c.la_child_id'])
    .where('x.partnership_id', '=', partnershipId).where('x.front_door_contact_id', 'in', contactIds)
    .orderBy('c.last_name').orderBy('c.first_name').execute();
  for (const r of rows) {
    const name = [r.first_name, r.last_name].filter(Boolean).join(' ') || r.la_child_id;
    out.set(r.front_door_contact_id!, [...(out.get(r.front_door_contact_id!) ?? []), name]);
  }
  return out;
}

export type AuditView = {
  id: string; month: string; kind: AuditKind; status: 'scheduled' | 'completed'; grade: Grade | null; answers: AuditAnswers;
  learningPoints: string | null; completedAt: Date | null; auditor: string | null;
  contact: {
    id: string; receivedAt: Date; source: string; reason: string; consent: string; urgency: string; decision: ContactDecision | null;
    decisionReason: string | null; decisionAt: Date | null; decisionDueAt: Date; decidedWithinOneWorkingDay: boolean | null;
    decidedBy: string | null; children: string[]; reReferral: boolean;
  };
};

/** One of the partnership's audits with the decision it looks at; NotFound for another partnership's or none. */
export async function findAudit(db: Db, partnershipId: number, id: string): Promise<AuditView> {
  const row = /^[0-9a-f-]{36}$/i.test(id)
    ? await db.selectFrom('front_door_audit as a')
      .innerJoin('front_door_contact as f', 'f.id', 'a.front_door_contact_id')
      .leftJoin('app_user as u', 'u.id', 'a.auditor_id')
      .leftJoin('app_user as d', 'd.id', 'f.decided_by')
      .select(['a.id', 'a.month', 'a.kind', 'a.status', 'a.grade', 'a.answers', 'a.learning_points', 'a.completed_at', 'u.name as auditor',
        'f.id as contactId', 'f.received_at', 'f.source', 'f.reason', 'f.consent', 'f.urgency', 'f.decision', 'f.decision_reason', 'f.decision_at',
        'f.decision_due_at', 'd.name as decidedBy'])
      .where('a.partnership_id', '=', partnershipId).where('f.partnership_id', '=', partnershipId).where('a.id', '=', id).executeTakeFirst()
    : undefined;
  if (!row) throw new NotFound('No such audit', 'front_door_audit', id.slice(0, 60));
  const children = (await childrenOf(db, partnershipId, [row.contactId])).get(row.contactId) ?? [];
  const reReferral = !!(await db.selectFrom('contact').select('id').where('partnership_id', '=', partnershipId)
    .where('front_door_contact_id', '=', row.contactId).where('re_referral', '=', true).executeTakeFirst());
  return {
    id: row.id, month: row.month.slice(0, 7), kind: row.kind, status: row.status, grade: row.grade, answers: (row.answers ?? {}) as AuditAnswers,
    learningPoints: row.learning_points, completedAt: row.completed_at, auditor: row.auditor,
    contact: {
      id: row.contactId, receivedAt: row.received_at, source: row.source, reason: row.reason, consent: row.consent, urgency: row.urgency,
      decision: row.decision, decisionReason: row.decision_reason, decisionAt: row.decision_at, decisionDueAt: row.decision_due_at,
      decidedWithinOneWorkingDay: row.decision_at ? row.decision_at.getTime() <= row.decision_due_at.getTime() : null,
      decidedBy: row.decidedBy, children, reReferral,
    },
  };
}

export type AuditForm = { answers: AuditAnswers; grade: Grade; learningPoints: string | null };

/** Reads and checks the audit form: every question answered, a grade, and learning points when the grade is below good. */
export function parseAuditForm(input: Record<string, unknown>): AuditForm {
  const errors: FieldError[] = [];
  const answers: AuditAnswers = {};
  for (const q of QUESTIONS) {
    const answer = input[`answer-${q.id}`];
    const comment = String(input[`comment-${q.id}`] ?? '').trim();
    if (!ANSWERS.includes(answer as Answer)) errors.push({ field: `answer-${q.id}`, message: `Select Yes, Partly or No for: ${q.text}` });
    else if (answer !== 'yes' && !comment) errors.push({ field: `comment-${q.id}`, message: `Say why the answer is ${answer === 'no' ? 'No' : 'Partly'} for: ${q.text}` });
    if (comment.length > MAX_TEXT) errors.push({ field: `comment-${q.id}`, message: `The comment must be ${MAX_TEXT} characters or fewer` });
    answers[q.id] = { answer: answer as Answer, comment };
  }
  const grade = input.grade as Grade;
  const learningPoints = String(input.learningPoints ?? '').trim();
  if (!GRADES.includes(grade)) errors.push({ field: 'grade', message: 'Select the overall grade' });
  else if (NEEDS_LEARNING.has(grade) && !learningPoints) errors.push({ field: 'learningPoints', message: 'Enter the learning points: a grade below good needs them' });
  if (learningPoints.length > MAX_TEXT) errors.push({ field: 'learningPoints', message: `The learning points must be ${MAX_TEXT} characters or fewer` });
  if (errors.length) throw new ValidationFailed(errors);
  return { answers, grade, learningPoints: learningPoints || null };
}

/** Completes an audit (or corrects a completed one), naming the auditor. */
export async function completeAudit(db: Db, partnershipId: number, id: string, form: AuditForm, auditorId: number, now: Date): Promise<void> {
  const audit = await findAudit(db, partnershipId, id);
  await db.updateTable('front_door_audit')
    .set({
      status: 'completed', grade: form.grade, answers: JSON.stringify(form.answers), learning_points: form.learningPoints,
      auditor_id: auditorId, completed_at: audit.completedAt ?? now,
    })
    .where('partnership_id', '=', partnershipId).where('id', '=', audit.id).execute();
}

export type MonthGrades = { month: string; counts: Record<Grade, number>; total: number; goodOrBetter: number | null };

/** The grades of the audits of each of the twelve months to `month`, and the share good or better. */
export async function gradesByMonth(db: Db, partnershipId: number, month: string): Promise<MonthGrades[]> {
  const first = addMonths(`${month}-01`, -11);
  const rows = await db.selectFrom('front_door_audit')
    .select(['month', 'grade', (eb) => eb.fn.countAll<string>().as('n')])
    .where('partnership_id', '=', partnershipId).where('status', '=', 'completed')
    .where('month', '>=', first).where('month', '<=', `${month}-01`)
    .groupBy(['month', 'grade']).execute();
  const months = Array.from({ length: 12 }, (_, i) => addMonths(first, i).slice(0, 7));
  return months.map((m) => {
    const counts = Object.fromEntries(GRADES.map((g) => [g, 0])) as Record<Grade, number>;
    for (const r of rows) {
      if (r.month.slice(0, 7) === m && r.grade) counts[r.grade] += Number(r.n);
    }
    const total = GRADES.reduce((s, g) => s + counts[g], 0);
    return { month: m, counts, total, goodOrBetter: total ? Math.round(((counts.outstanding + counts.good) / total) * 100) : null };
  });
}

/** The learning points of the month's completed audits, for the team manager's feedback sessions. */
export async function monthLearning(db: Db, partnershipId: number, month: string) {
  return db.selectFrom('front_door_audit as a').leftJoin('app_user as u', 'u.id', 'a.auditor_id')
    .select(['a.id', 'a.kind', 'a.grade', 'a.learning_points as learningPoints', 'a.completed_at as completedAt', 'u.name as auditor'])
    .where('a.partnership_id', '=', partnershipId).where('a.month', '=', `${month}-01`).where('a.status', '=', 'completed')
    .where('a.learning_points', 'is not', null).orderBy('a.completed_at').execute();
}
