import { sql, type Selectable } from 'kysely';
import type { Db } from '../../db/create-db';
import type { ReviewTable, ReturnStatus } from '../../db/schema-reviews';
import { LEARNING_THEME_CODES, isLearningTheme, type LearningTheme } from '../../domain/assurance';
import { londonParts } from '../../domain/london';
import type { ClockContext } from '../../domain/timescales';
import { NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import { createActions, type NewAction } from '../actions/actions.service';
import { listAgencies } from '../agencies/agencies.service';
import { findChildById } from '../children/children.service';
import {
  childLabel, clocksOf, financialYearOf, longDate, ragOf, referenceOf, stageOf, standardMilestones, type ReviewClock, type ReviewRag, type Stage,
} from './review-clocks';
import { MAX_LINE, list, readChoice, readDate, readText, text, type Form } from './review-forms';

/**
 * Serious incidents and reviews: the partnership's record of each incident from the day it became aware,
 * the decision to notify the National Panel, the rapid review with each involved agency's information
 * return, a local child safeguarding practice review when one is commissioned, the recommendations (whose
 * actions the action tracker follows) and the learning briefings. Every function takes the partnership:
 * another partnership's review is not found.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_SUMMARY = 2_000;
const MAX_ACTIONS = 10;

/** Someone saved the review (or the return) after the form was opened: nothing was changed. */
export class EditConflict extends Error {
  constructor() { super('The review was changed by someone else'); }
}

export type ReviewRow = Selectable<ReviewTable>;

const fail = (field: string, message: string): never => { throw new ValidationFailed([{ field, message }]); };

async function reviewRow(db: Db, partnershipId: number, id: string): Promise<ReviewRow> {
  const row = UUID.test(id)
    ? await db.selectFrom('review').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst()
    : undefined;
  if (!row) throw new NotFound('No such review', 'review', id);
  return row;
}

/** Writes a change to the review if no one has changed it since `version` was read. */
async function updateReview(db: Db, partnershipId: number, id: string, version: number, values: Partial<Omit<ReviewRow, 'id' | 'partnership_id' | 'version' | 'created_at'>>, now: Date) {
  const done = await db.updateTable('review')
    .set({ ...values, updated_at: now, version: sql`version + 1` as never })
    .where('partnership_id', '=', partnershipId).where('id', '=', id).where('version', '=', version)
    .returning('id').executeTakeFirst();
  if (!done) throw new EditConflict();
}

function themesFrom(form: Form, errors: FieldError[]): LearningTheme[] {
  const themes = [...new Set(list(form, 'themes'))];
  const unknown = themes.filter((t) => !isLearningTheme(t));
  if (unknown.length) errors.push({ field: 'themes', message: 'Select learning themes from the list' });
  return themes.filter(isLearningTheme);
}

// ---------------------------------------------------------------------------------------------------------
// The list

export type ReviewSummary = {
  id: string; reference: string; awareOn: string; stage: Stage; themes: string[]; clocks: ReviewClock[]; rag: ReviewRag; closedOn: string | null;
  rrDecision: ReviewRow['rr_decision']; otherLearning: string | null;
};

export type ReviewFilter = { stage?: Stage; theme?: LearningTheme };

/** The partnership's reviews, open ones first, each newest first, with its stage, clocks and RAG. */
export async function listReviews(db: Db, partnershipId: number, ctx: ClockContext, filter: ReviewFilter = {}): Promise<ReviewSummary[]> {
  let q = db.selectFrom('review').selectAll().where('partnership_id', '=', partnershipId);
  if (filter.theme) q = q.where(sql<boolean>`themes @> array[${filter.theme}]::text[]`);
  const rows = await q.orderBy(sql`closed_on is null`, 'desc').orderBy('aware_on', 'desc').orderBy('ref_number', 'desc').execute();
  return rows.map((r) => {
    const clocks = clocksOf(r, ctx);
    return {
      id: r.id, reference: r.reference, awareOn: r.aware_on, stage: stageOf(r), themes: r.themes, clocks, rag: ragOf(clocks), closedOn: r.closed_on,
      rrDecision: r.rr_decision, otherLearning: r.other_learning,
    };
  }).filter((r) => !filter.stage || r.stage === filter.stage);
}

export type ReturnDue = { reviewId: string; reference: string; status: ReturnStatus; rapidReviewDue: ReviewClock | null };

/** The information returns an agency still owes: rapid reviews not yet sent to the Panel whose return it has not submitted. */
export async function returnsAwaitingAgency(db: Db, partnershipId: number, agencyId: number, ctx: ClockContext): Promise<ReturnDue[]> {
  const rows = await db.selectFrom('review_agency as ra').innerJoin('review as r', 'r.id', 'ra.review_id')
    .selectAll('r').select('ra.status as return_status')
    .where('ra.partnership_id', '=', partnershipId).where('r.partnership_id', '=', partnershipId).where('ra.agency_id', '=', agencyId)
    .where('ra.status', '<>', 'submitted').where('r.notify_decision', '=', 'notify').where('r.rr_sent_on', 'is', null).where('r.closed_on', 'is', null)
    .orderBy('r.notified_on').orderBy('r.aware_on').execute();
  return rows.map((r) => ({
    reviewId: r.id, reference: r.reference, status: r.return_status,
    rapidReviewDue: clocksOf(r, ctx).find((c) => c.kind === 'rapid_review') ?? null,
  }));
}

/** Open reviews, and how many have a clock overdue or due soon: what the assurance hub counts. */
export async function openReviewCounts(db: Db, partnershipId: number, ctx: ClockContext): Promise<{ open: number; overdue: number; dueSoon: number }> {
  const open = await listReviews(db, partnershipId, ctx);
  const running = open.filter((r) => r.stage !== 'closed');
  return { open: running.length, overdue: running.filter((r) => r.rag === 'red').length, dueSoon: running.filter((r) => r.rag === 'amber').length };
}

// ---------------------------------------------------------------------------------------------------------
// One review

export type ReviewChild = {
  childId: string; position: number; label: string;
  /** Only when the reader may see children's names. */
  name: { firstName: string | null; lastName: string | null; laChildId: string; dateOfBirth: string | null } | null;
};

export type ReviewAgency = {
  agencyId: number; name: string; status: ReturnStatus; chronology: string | null; learning: string | null;
  submittedAt: Date | null; submittedBy: string | null; updatedAt: Date | null; version: number;
};

export type ReviewView = ReviewRow & {
  stage: Stage;
  createdByName: string | null;
  agencies: ReviewAgency[];
  children: ReviewChild[];
  milestones: { id: number; name: string; dueOn: string; completedOn: string | null }[];
  recommendations: { id: number; number: number; text: string; reference: string }[];
  briefings: { id: number; title: string; audience: string; publishedOn: string | null }[];
};

/** A review with all it holds; children's names only when `names` (the reader holds child.read). */
export async function findReview(db: Db, partnershipId: number, id: string, opts: { names: boolean }): Promise<ReviewView> {
  const r = await reviewRow(db, partnershipId, id);
  const [creator, agencies, children, milestones, recommendations, briefings] = await Promise.all([
    r.created_by ? db.selectFrom('app_user').select('name').where('id', '=', r.created_by).executeTakeFirst() : undefined,
    db.selectFrom('review_agency as ra').innerJoin('agency as a', 'a.id', 'ra.agency_id').leftJoin('app_user as u', 'u.id', 'ra.submitted_by')
      .select(['ra.agency_id', 'a.name', 'ra.status', 'ra.chronology', 'ra.learning', 'ra.submitted_at', 'u.name as submitted_by', 'ra.updated_at', 'ra.version'])
      .where('ra.partnership_id', '=', partnershipId).where('ra.review_id', '=', id).orderBy('a.name').execute(),
    db.selectFrom('review_child as rc').innerJoin('child as c', 'c.id', 'rc.child_id')
      .select(['rc.child_id', 'rc.position', 'c.first_name', 'c.last_name', 'c.la_child_id', 'c.date_of_birth'])
      .where('rc.partnership_id', '=', partnershipId).where('c.partnership_id', '=', partnershipId).where('rc.review_id', '=', id)
      .orderBy('rc.position').execute(),
    db.selectFrom('review_milestone').select(['id', 'name', 'due_on', 'completed_on'])
      .where('partnership_id', '=', partnershipId).where('review_id', '=', id).orderBy('due_on').orderBy('id').execute(),
    db.selectFrom('review_recommendation').select(['id', 'number', 'text'])
      .where('partnership_id', '=', partnershipId).where('review_id', '=', id).orderBy('number').execute(),
    db.selectFrom('learning_briefing').select(['id', 'title', 'audience', 'published_on'])
      .where('partnership_id', '=', partnershipId).where('review_id', '=', id).orderBy('created_at').orderBy('id').execute(),
  ]);
  return {
    ...r,
    stage: stageOf(r),
    createdByName: creator?.name ?? null,
    agencies: agencies.map((a) => ({
      agencyId: a.agency_id, name: a.name, status: a.status, chronology: a.chronology, learning: a.learning,
      submittedAt: a.submitted_at, submittedBy: a.submitted_by, updatedAt: a.updated_at, version: a.version,
    })),
    // Letters follow the order linked among the children linked now.
    children: children.map((c, i) => ({
      childId: c.child_id, position: c.position, label: childLabel(i),
      name: opts.names ? { firstName: c.first_name, lastName: c.last_name, laChildId: c.la_child_id, dateOfBirth: c.date_of_birth } : null,
    })),
    milestones: milestones.map((m) => ({ id: m.id, name: m.name, dueOn: m.due_on, completedOn: m.completed_on })),
    recommendations: recommendations.map((x) => ({ ...x, reference: `${r.reference} R${x.number}` })),
    briefings: briefings.map((b) => ({ id: b.id, title: b.title, audience: b.audience, publishedOn: b.published_on })),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The notification

type NotificationInput = {
  awareOn: string; summary: string; abuseOrNeglect: ReviewRow['abuse_or_neglect']; harm: ReviewRow['harm']; agencyIds: number[]; themes: LearningTheme[];
};

async function readNotification(db: Db, partnershipId: number, form: Form, today: string): Promise<NotificationInput> {
  const errors: FieldError[] = [];
  const awareOn = readDate(form, 'awareOn', { label: 'the date the partnership became aware', required: true, notAfter: today }, errors);
  const summary = readText(form, 'summary', { label: 'What happened', required: 'Enter what happened', max: MAX_SUMMARY }, errors);
  const abuseOrNeglect = readChoice(form, 'abuseOrNeglect', ['known', 'suspected', 'neither'] as const, 'Select whether abuse or neglect is known or suspected', errors);
  const harm = readChoice(form, 'harm', ['died', 'serious_harm', 'neither'] as const, 'Select whether the child died or was seriously harmed', errors);
  const own = new Set((await listAgencies(db, partnershipId)).map((a) => a.id));
  const chosen = [...new Set(list(form, 'agencies').map(Number))];
  if (chosen.length === 0) errors.push({ field: 'agencies', message: 'Select the agencies involved with the child or family' });
  else if (chosen.some((a) => !own.has(a))) errors.push({ field: 'agencies', message: 'Select agencies that work with this partnership' });
  const themes = themesFrom(form, errors);
  if (errors.length) throw new ValidationFailed(errors);
  return { awareOn: awareOn!, summary: summary!, abuseOrNeglect: abuseOrNeglect!, harm: harm!, agencyIds: chosen, themes };
}

/** Records a serious incident: numbered in its year, "SIN" until the decision to notify. */
export async function recordNotification(db: Db, partnershipId: number, form: Form, userId: number | null, now: Date, today: string): Promise<{ id: string; reference: string }> {
  const input = await readNotification(db, partnershipId, form, today);
  const year = Number(input.awareOn.slice(0, 4));
  return db.transaction().execute(async (tx) => {
    // One number at a time for a partnership's year: two incidents recorded together must not share one.
    await sql`select pg_advisory_xact_lock(${partnershipId}, hashtext(${`review_reference:${year}`}))`.execute(tx);
    const last = await tx.selectFrom('review').select((eb) => eb.fn.max('ref_number').as('n'))
      .where('partnership_id', '=', partnershipId).where('ref_year', '=', year).executeTakeFirst();
    const number = Number(last?.n ?? 0) + 1;
    const reference = referenceOf(null, year, number);
    const row = await tx.insertInto('review').values({
      partnership_id: partnershipId, ref_year: year, ref_number: number, reference, aware_on: input.awareOn, summary: input.summary,
      abuse_or_neglect: input.abuseOrNeglect, harm: input.harm, themes: input.themes, created_by: userId, created_at: now, updated_at: now,
    }).returning('id').executeTakeFirstOrThrow();
    await tx.insertInto('review_agency').values(input.agencyIds.map((agencyId) => ({ review_id: row.id, agency_id: agencyId, partnership_id: partnershipId }))).execute();
    return { id: row.id, reference };
  });
}

/** Corrects the notification: its date, summary, criteria and the agencies involved. */
export async function updateNotification(db: Db, partnershipId: number, id: string, version: number, form: Form, now: Date, today: string): Promise<void> {
  const r = await reviewRow(db, partnershipId, id);
  const input = await readNotification(db, partnershipId, { ...form, themes: r.themes }, today);
  const errors: FieldError[] = [];
  const first = [r.decided_on, r.notified_on].filter((d): d is string => d !== null).sort()[0];
  if (first && input.awareOn > first) {
    errors.push({ field: 'awareOn-day', message: `The date the partnership became aware must be on or before the decision and notification (${longDate(first)})` });
  }
  const current = await db.selectFrom('review_agency as ra').innerJoin('agency as a', 'a.id', 'ra.agency_id')
    .select(['ra.agency_id', 'ra.status', 'a.name']).where('ra.partnership_id', '=', partnershipId).where('ra.review_id', '=', id).orderBy('a.name').execute();
  const removed = current.filter((c) => !input.agencyIds.includes(c.agency_id));
  const started = removed.filter((c) => c.status !== 'not_started');
  if (started.length) errors.push({ field: 'agencies', message: `${started.map((c) => c.name).join(', ')} started an information return: ${started.length === 1 ? 'it stays' : 'they stay'} involved` });
  if (errors.length) throw new ValidationFailed(errors);
  await db.transaction().execute(async (tx) => {
    await updateReview(tx, partnershipId, id, version, { aware_on: input.awareOn, summary: input.summary, abuse_or_neglect: input.abuseOrNeglect, harm: input.harm }, now);
    if (removed.length) await tx.deleteFrom('review_agency').where('review_id', '=', id).where('agency_id', 'in', removed.map((c) => c.agency_id)).execute();
    const added = input.agencyIds.filter((a) => !current.some((c) => c.agency_id === a));
    if (added.length) await tx.insertInto('review_agency').values(added.map((agencyId) => ({ review_id: id, agency_id: agencyId, partnership_id: partnershipId }))).execute();
  });
}

// ---------------------------------------------------------------------------------------------------------
// The decision to notify the National Panel

export async function recordDecision(db: Db, partnershipId: number, id: string, version: number, form: Form, now: Date, today: string): Promise<{ reference: string; decision: 'notify' | 'not_notify' }> {
  const r = await reviewRow(db, partnershipId, id);
  const errors: FieldError[] = [];
  const aware = { date: r.aware_on, label: 'the date the partnership became aware' };
  const decision = readChoice(form, 'decision', ['notify', 'not_notify'] as const, 'Select whether to notify the National Panel', errors);
  const rationale = readText(form, 'rationale', { label: 'The reasons for the decision', required: 'Enter the reasons for the decision' }, errors);
  const decidedOn = readDate(form, 'decidedOn', { label: 'the date of the decision', required: true, notAfter: today, notBefore: aware }, errors);
  const notifiedOn = readDate(form, 'notifiedOn', { label: 'the date the National Panel was notified', notAfter: today, notBefore: aware }, errors);
  if (decision === 'not_notify' && notifiedOn) errors.push({ field: 'notifiedOn-day', message: 'Leave the date notified blank when the decision is not to notify' });
  if (decision && decision !== r.notify_decision && r.notify_decision !== null) {
    const recommendations = await db.selectFrom('review_recommendation').select('id').where('review_id', '=', id).limit(1).executeTakeFirst();
    if (recommendations) errors.push({ field: 'decision', message: `Recommendations have been made under ${r.reference}: the decision can no longer change` });
    else if (r.notify_decision === 'notify' && (r.rr_meeting_on || r.rr_decision || r.rr_sent_on)) {
      errors.push({ field: 'decision', message: 'The rapid review has been recorded: the decision to notify can no longer change' });
    }
  }
  if (r.rr_sent_on && decision === 'notify' && notifiedOn === null) {
    errors.push({ field: 'notifiedOn-day', message: `Enter the date the National Panel was notified: the rapid review was sent on ${longDate(r.rr_sent_on)}` });
  }
  if (errors.length) throw new ValidationFailed(errors);
  const reference = referenceOf(decision, r.ref_year, r.ref_number);
  await updateReview(db, partnershipId, id, version, {
    notify_decision: decision, notify_rationale: rationale, decided_on: decidedOn!, notified_on: notifiedOn ?? null, reference,
  }, now);
  return { reference, decision: decision! };
}

// ---------------------------------------------------------------------------------------------------------
// The rapid review

export async function saveRapidReview(db: Db, partnershipId: number, id: string, version: number, form: Form, now: Date, today: string): Promise<void> {
  const r = await reviewRow(db, partnershipId, id);
  if (r.notify_decision !== 'notify' || !r.notified_on) fail('rrMeetingOn-day', 'Record the date the National Panel was notified before the rapid review');
  const notified = { date: r.notified_on!, label: 'the date the National Panel was notified' };
  const errors: FieldError[] = [];
  const meetingOn = readDate(form, 'rrMeetingOn', { label: 'the date of the rapid review meeting', notAfter: today, notBefore: notified }, errors);
  const decision = readChoice(form, 'rrDecision', ['practice_review', 'no_practice_review', 'other_learning'] as const, 'Select the rapid review decision', errors, false);
  const otherLearning = readText(form, 'otherLearning', { label: 'The form of the other learning', max: MAX_LINE }, errors);
  const otherDone = readDate(form, 'otherLearningCompletedOn', { label: 'the date the other learning was completed', notAfter: today, notBefore: notified }, errors);
  const rationale = readText(form, 'rrRationale', { label: 'The reasons for the decision' }, errors);
  const decidedOn = readDate(form, 'rrDecidedOn', { label: 'the date of the rapid review decision', notAfter: today, notBefore: notified }, errors);
  const sentOn = readDate(form, 'rrSentOn', { label: 'the date the rapid review was sent to the National Panel', notAfter: today, notBefore: notified }, errors);
  const response = readChoice(form, 'panelResponse', ['agrees', 'disagrees'] as const, 'Select whether the Panel agrees with the decision', errors, false);
  const responseOn = readDate(form, 'panelResponseOn', { label: 'the date of the Panel’s response', notAfter: today, notBefore: notified }, errors);
  const note = readText(form, 'panelNote', { label: 'The Panel’s note' }, errors);
  if (decision) {
    if (!meetingOn && meetingOn !== undefined) errors.push({ field: 'rrMeetingOn-day', message: 'Enter the date of the rapid review meeting' });
    if (!rationale) errors.push({ field: 'rrRationale', message: 'Enter the reasons for the decision' });
    if (decidedOn === null) errors.push({ field: 'rrDecidedOn-day', message: 'Enter the date of the rapid review decision' });
    if (decision === 'other_learning' && !otherLearning) errors.push({ field: 'otherLearning', message: 'Enter the form the other learning takes, such as an appreciative enquiry' });
  } else if (rationale || decidedOn) {
    errors.push({ field: 'rrDecision', message: 'Select the rapid review decision' });
  }
  if (meetingOn && decidedOn && decidedOn < meetingOn) errors.push({ field: 'rrDecidedOn-day', message: 'The date of the rapid review decision must be on or after the meeting' });
  if (sentOn && !decision) errors.push({ field: 'rrSentOn-day', message: 'Record the rapid review decision before the date it was sent to the National Panel' });
  if (sentOn && meetingOn && sentOn < meetingOn) errors.push({ field: 'rrSentOn-day', message: 'The date the rapid review was sent must be on or after the meeting' });
  if (response && !sentOn) errors.push({ field: 'panelResponse', message: 'Enter the date the rapid review was sent before the Panel’s response' });
  if (response && responseOn === null) errors.push({ field: 'panelResponseOn-day', message: 'Enter the date of the Panel’s response' });
  if (!response && (responseOn || note)) errors.push({ field: 'panelResponse', message: 'Select whether the Panel agrees with the decision' });
  if (responseOn && sentOn && responseOn < sentOn) errors.push({ field: 'panelResponseOn-day', message: 'The date of the Panel’s response must be on or after the date the rapid review was sent' });
  if (otherDone && decision !== 'other_learning') errors.push({ field: 'otherLearningCompletedOn-day', message: 'Leave the date the other learning was completed blank unless the decision is other learning' });

  // Moving away from a practice review is a correction only while the review has not begun.
  const leavingCspr = r.rr_decision === 'practice_review' && decision !== 'practice_review';
  if (leavingCspr) {
    const done = await db.selectFrom('review_milestone').select('id').where('review_id', '=', id).where('completed_on', 'is not', null).limit(1).executeTakeFirst();
    if (r.cspr_terms || r.cspr_lead_reviewer || r.cspr_completed_on || r.cspr_published_on || done) {
      errors.push({ field: 'rrDecision', message: 'The practice review is under way: the decision to commission it can no longer change' });
    }
  }
  if (errors.length) throw new ValidationFailed(errors);

  const commissioning = decision === 'practice_review' && !r.cspr_commissioned_on && decidedOn;
  await db.transaction().execute(async (tx) => {
    await updateReview(tx, partnershipId, id, version, {
      rr_meeting_on: meetingOn ?? null, rr_decision: decision, rr_rationale: rationale, rr_decided_on: decidedOn ?? null,
      other_learning: decision === 'other_learning' ? otherLearning : null, other_learning_completed_on: otherDone ?? null,
      rr_sent_on: sentOn ?? null, panel_response: response, panel_response_on: response ? responseOn! : null, panel_note: response ? note : null,
      // The decision to commission starts the publication clock; the practice review's page can move it.
      ...(commissioning ? { cspr_commissioned_on: decidedOn } : {}),
      ...(leavingCspr ? { cspr_commissioned_on: null, cspr_reviewer_independent: null } : {}),
    }, now);
    if (leavingCspr) await tx.deleteFrom('review_milestone').where('review_id', '=', id).execute();
    if (commissioning) await addStandardMilestones(tx, partnershipId, id, decidedOn, now);
  });
}

async function addStandardMilestones(db: Db, partnershipId: number, id: string, commissionedOn: string, now: Date) {
  const existing = await db.selectFrom('review_milestone').select('id').where('review_id', '=', id).limit(1).executeTakeFirst();
  if (existing) return;
  const r = await reviewRow(db, partnershipId, id);
  const ctx = await ctxFor(db, partnershipId, now);
  const publication = clocksOf({ ...r, cspr_commissioned_on: commissionedOn }, ctx).find((c) => c.kind === 'publication');
  if (!publication) return;
  await db.insertInto('review_milestone')
    .values(standardMilestones(commissionedOn, publication.due).map((m) => ({ review_id: id, partnership_id: partnershipId, name: m.name, due_on: m.due_on })))
    .execute();
}

/** The partnership's local limits, for clocks computed inside the service. */
async function ctxFor(db: Db, partnershipId: number, now: Date): Promise<ClockContext> {
  const row = await db.selectFrom('partnership').select('settings').where('id', '=', partnershipId).executeTakeFirstOrThrow();
  return { today: londonParts(now).date, now, local: row.settings?.timescales };
}

// ---------------------------------------------------------------------------------------------------------
// The agencies' information returns

export type ReturnView = { review: ReviewRow; agency: ReviewAgency; locked: string | null };

/** Why a return can no longer be changed, or null. */
function returnLock(r: ReviewRow): string | null {
  if (r.notify_decision !== 'notify') return 'There is no rapid review of this incident: the decision was not to notify the National Panel';
  if (r.rr_sent_on) return `The rapid review was sent to the National Panel on ${longDate(r.rr_sent_on)}: returns can no longer be changed`;
  if (r.closed_on) return 'The review is closed';
  return null;
}

/** One agency's return; an agency not involved is not found. */
export async function findReturn(db: Db, partnershipId: number, id: string, agencyId: number): Promise<ReturnView> {
  const review = await findReview(db, partnershipId, id, { names: false });
  const agency = review.agencies.find((a) => a.agencyId === agencyId);
  if (!agency) throw new NotFound('No such return', 'review_agency', `${id}/${agencyId}`);
  return { review, agency, locked: returnLock(review) };
}

/** Saves a draft of the return, or submits it: submitting needs both parts. */
export async function saveReturn(db: Db, partnershipId: number, id: string, agencyId: number, version: number, form: Form, userId: number, now: Date): Promise<'draft' | 'submitted'> {
  const { review, agency } = await findReturn(db, partnershipId, id, agencyId);
  const locked = returnLock(review);
  if (locked) fail('chronology', locked);
  const submit = text(form, 'action') === 'submit';
  const errors: FieldError[] = [];
  const chronology = readText(form, 'chronology', { label: 'The chronology and summary', required: submit ? 'Enter the chronology and summary of your agency’s involvement' : undefined }, errors);
  const learning = readText(form, 'learning', { label: 'The learning identified', required: submit ? 'Enter the learning your agency has identified' : undefined }, errors);
  if (!submit && !chronology && !learning && errors.length === 0) errors.push({ field: 'chronology', message: 'Enter the chronology and summary, or the learning, to save a draft' });
  if (errors.length) throw new ValidationFailed(errors);
  const status = submit ? 'submitted' : agency.status === 'submitted' ? 'submitted' : 'draft';
  if (status === 'submitted' && (!chronology || !learning)) fail(chronology ? 'learning' : 'chronology', 'A submitted return needs both the chronology and the learning: submit it again with both');
  const done = await db.updateTable('review_agency').set({
    chronology, learning, status, updated_at: now, updated_by: userId, version: sql`version + 1` as never,
    ...(submit ? { submitted_at: now, submitted_by: userId } : {}),
  }).where('partnership_id', '=', partnershipId).where('review_id', '=', id).where('agency_id', '=', agencyId).where('version', '=', version)
    .returning('agency_id').executeTakeFirst();
  if (!done) throw new EditConflict();
  return submit ? 'submitted' : 'draft';
}

// ---------------------------------------------------------------------------------------------------------
// The child safeguarding practice review

function requireCspr(r: ReviewRow, field: string) {
  if (r.rr_decision !== 'practice_review') fail(field, 'The rapid review decision is not to commission a practice review');
}

export async function savePracticeReview(db: Db, partnershipId: number, id: string, version: number, form: Form, now: Date, today: string): Promise<void> {
  const r = await reviewRow(db, partnershipId, id);
  requireCspr(r, 'commissionedOn-day');
  const errors: FieldError[] = [];
  const commissionedOn = readDate(form, 'commissionedOn', {
    label: 'the date the partnership decided to commission the review', required: true, notAfter: today,
    notBefore: { date: r.notified_on ?? r.aware_on, label: 'the date the National Panel was notified' },
  }, errors);
  const terms = readText(form, 'terms', { label: 'The terms of reference' }, errors);
  const leadReviewer = readText(form, 'leadReviewer', { label: 'The lead reviewer’s name', max: MAX_LINE }, errors);
  const independent = readChoice(form, 'independent', ['yes', 'no'] as const, 'Select whether the lead reviewer is independent', errors, false);
  if (leadReviewer && !independent) errors.push({ field: 'independent', message: 'Select whether the lead reviewer is independent' });
  const after = commissionedOn ? { date: commissionedOn, label: 'the date of the decision to commission' } : undefined;
  const completedOn = readDate(form, 'completedOn', { label: 'the date the final report was completed', notAfter: today, notBefore: after }, errors);
  const publishedOn = readDate(form, 'publishedOn', { label: 'the date the report was published', notAfter: today, notBefore: after }, errors);
  const url = readText(form, 'publicationUrl', { label: 'The address of the published report', max: 2_000 }, errors);
  if (url && !isWebAddress(url)) errors.push({ field: 'publicationUrl', message: 'Enter the address of the published report, starting https://' });
  if (publishedOn && !url) errors.push({ field: 'publicationUrl', message: 'Enter the address of the published report' });
  if (url && publishedOn === null) errors.push({ field: 'publishedOn-day', message: 'Enter the date the report was published' });
  if (publishedOn && completedOn === null) errors.push({ field: 'completedOn-day', message: 'Enter the date the final report was completed' });
  if (publishedOn && completedOn && publishedOn < completedOn) errors.push({ field: 'publishedOn-day', message: 'The date the report was published must be on or after the date it was completed' });
  if (errors.length) throw new ValidationFailed(errors);
  await db.transaction().execute(async (tx) => {
    await updateReview(tx, partnershipId, id, version, {
      cspr_commissioned_on: commissionedOn!, cspr_terms: terms, cspr_lead_reviewer: leadReviewer,
      cspr_reviewer_independent: leadReviewer ? independent === 'yes' : null,
      cspr_completed_on: completedOn ?? null, cspr_published_on: publishedOn ?? null, cspr_publication_url: url,
    }, now);
    await addStandardMilestones(tx, partnershipId, id, commissionedOn!, now);
  });
}

function isWebAddress(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname.includes('.');
  } catch {
    return false;
  }
}

export type MilestoneView = { id: number; reviewId: string; reference: string; name: string; dueOn: string; completedOn: string | null };

export async function findMilestone(db: Db, partnershipId: number, id: string, milestoneId: number): Promise<MilestoneView> {
  const r = await reviewRow(db, partnershipId, id);
  const m = Number.isSafeInteger(milestoneId)
    ? await db.selectFrom('review_milestone').selectAll().where('partnership_id', '=', partnershipId).where('review_id', '=', id).where('id', '=', milestoneId).executeTakeFirst()
    : undefined;
  if (!m) throw new NotFound('No such milestone', 'review_milestone', String(milestoneId));
  return { id: m.id, reviewId: r.id, reference: r.reference, name: m.name, dueOn: m.due_on, completedOn: m.completed_on };
}

function readMilestone(form: Form, today: string): { name: string; dueOn: string; completedOn: string | null } {
  const errors: FieldError[] = [];
  const name = readText(form, 'name', { label: 'The milestone', required: 'Enter the milestone', max: MAX_LINE }, errors);
  const dueOn = readDate(form, 'dueOn', { label: 'the date the milestone is due', required: true }, errors);
  const completedOn = readDate(form, 'completedOn', { label: 'the date the milestone was completed', notAfter: today }, errors);
  if (errors.length) throw new ValidationFailed(errors);
  return { name: name!, dueOn: dueOn!, completedOn: completedOn ?? null };
}

export async function addMilestone(db: Db, partnershipId: number, id: string, form: Form, today: string): Promise<number> {
  const r = await reviewRow(db, partnershipId, id);
  requireCspr(r, 'name');
  const m = readMilestone(form, today);
  const row = await db.insertInto('review_milestone').values({ review_id: id, partnership_id: partnershipId, name: m.name, due_on: m.dueOn, completed_on: m.completedOn })
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateMilestone(db: Db, partnershipId: number, id: string, milestoneId: number, form: Form, today: string): Promise<void> {
  await findMilestone(db, partnershipId, id, milestoneId);
  const m = readMilestone(form, today);
  await db.updateTable('review_milestone').set({ name: m.name, due_on: m.dueOn, completed_on: m.completedOn })
    .where('partnership_id', '=', partnershipId).where('review_id', '=', id).where('id', '=', milestoneId).execute();
}

export async function removeMilestone(db: Db, partnershipId: number, id: string, milestoneId: number): Promise<string> {
  const m = await findMilestone(db, partnershipId, id, milestoneId);
  await db.deleteFrom('review_milestone').where('partnership_id', '=', partnershipId).where('id', '=', milestoneId).execute();
  return m.name;
}

// ---------------------------------------------------------------------------------------------------------
// Learning themes and children

export async function saveThemes(db: Db, partnershipId: number, id: string, version: number, form: Form, now: Date): Promise<LearningTheme[]> {
  await reviewRow(db, partnershipId, id);
  const errors: FieldError[] = [];
  const themes = themesFrom(form, errors);
  if (errors.length) throw new ValidationFailed(errors);
  // In the order of the list, whatever order the form sent them in.
  const ordered = LEARNING_THEME_CODES.filter((t) => themes.includes(t));
  await updateReview(db, partnershipId, id, version, { themes: ordered }, now);
  return ordered;
}

/** Links a child of the partnership's journey to the review, after those already linked. */
export async function linkChild(db: Db, partnershipId: number, id: string, childId: string, userId: number, now: Date): Promise<void> {
  await reviewRow(db, partnershipId, id);
  const child = await findChildById(db, partnershipId, childId);
  if (!child) fail('q', 'Choose a child of this partnership');
  await db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${partnershipId}, hashtext(${`review_child:${id}`}))`.execute(tx);
    const linked = await tx.selectFrom('review_child').select(['child_id', 'position']).where('review_id', '=', id).execute();
    if (linked.some((l) => l.child_id === childId)) fail('q', 'This child is already linked to the review');
    const position = Math.max(0, ...linked.map((l) => l.position)) + 1;
    await tx.insertInto('review_child').values({ review_id: id, child_id: childId, partnership_id: partnershipId, position, linked_at: now, linked_by: userId }).execute();
  });
}

export async function unlinkChild(db: Db, partnershipId: number, id: string, childId: string): Promise<void> {
  await reviewRow(db, partnershipId, id);
  const gone = UUID.test(childId)
    ? await db.deleteFrom('review_child').where('partnership_id', '=', partnershipId).where('review_id', '=', id).where('child_id', '=', childId).returning('child_id').executeTakeFirst()
    : undefined;
  if (!gone) throw new NotFound('No such linked child', 'child', childId);
}

// ---------------------------------------------------------------------------------------------------------
// Recommendations and their actions

export type ActionRowInput = { description: string; ownerAgencyId: string; ownerUserId: string; ownerName: string; dueDate: string | null | 'invalid' };

/** The action rows of the recommendation form: as many as it says, the blank ones left out. */
export function actionRowsOf(form: Form): { index: number; row: ActionRowInput }[] {
  const count = Math.min(Math.max(Number(text(form, 'actionCount')) || 1, 1), MAX_ACTIONS);
  const rows: { index: number; row: ActionRowInput }[] = [];
  for (let i = 0; i < count; i++) {
    const p = `actions-${i}-`;
    const row = {
      description: text(form, `${p}description`), ownerAgencyId: text(form, `${p}ownerAgencyId`), ownerUserId: text(form, `${p}ownerUserId`),
      ownerName: text(form, `${p}ownerName`), dueDate: null as string | null | 'invalid',
    };
    const blank = !row.description && !row.ownerAgencyId && !row.ownerUserId && !row.ownerName
      && ['day', 'month', 'year'].every((k) => !text(form, `${p}dueDate-${k}`));
    if (!blank) rows.push({ index: i, row });
  }
  return rows;
}

/**
 * Adds a recommendation with its actions, all or none: the recommendation is numbered after the review's
 * others (R1, R2, ...) and each of its actions goes to the tracker as "<reference> R<n>".
 */
export async function addRecommendation(db: Db, partnershipId: number, id: string, form: Form, userId: number, now: Date): Promise<{ reference: string; actions: string[] }> {
  const r = await reviewRow(db, partnershipId, id);
  if (!r.notify_decision) fail('recommendation', 'Record the decision to notify first: the recommendation’s reference follows from it');
  if (r.closed_on) fail('recommendation', 'The review is closed: reopen it to add a recommendation');
  const errors: FieldError[] = [];
  const recommendation = readText(form, 'recommendation', { label: 'The recommendation', required: 'Enter the recommendation', max: 5_000 }, errors);
  const themes = themesFrom(form, errors);
  const groupRaw = text(form, 'groupId');
  const groupId = groupRaw ? Number(groupRaw) : null;
  if (groupRaw && !Number.isSafeInteger(groupId)) errors.push({ field: 'groupId', message: 'Select a group of this partnership' });
  const rows = actionRowsOf(form);
  if (rows.length === 0) errors.push({ field: 'actions-0-description', message: 'Enter at least one action for the recommendation' });
  const actions: NewAction[] = [];
  for (const { index, row } of rows) {
    const p = `actions-${index}-`;
    const n = rows.length > 1 ? ` for action ${index + 1}` : '';
    if (!row.description) errors.push({ field: `${p}description`, message: `Enter what needs to be done${n}` });
    else if (row.description.length > 5_000) errors.push({ field: `${p}description`, message: `The action must be 5,000 characters or fewer${n}` });
    const agencyId = Number(row.ownerAgencyId);
    if (!row.ownerAgencyId || !Number.isSafeInteger(agencyId)) errors.push({ field: `${p}ownerAgencyId`, message: `Select the agency that owns the action${n}` });
    const ownerUserId = row.ownerUserId ? Number(row.ownerUserId) : null;
    if (row.ownerUserId && !Number.isSafeInteger(ownerUserId)) errors.push({ field: `${p}ownerUserId`, message: `Select the person responsible${n}` });
    if (row.ownerName.length > MAX_LINE) errors.push({ field: `${p}ownerName`, message: `The name must be ${MAX_LINE} characters or fewer` });
    const due = readDate(form, `${p}dueDate`, { label: `the due date${n}`, required: true }, errors);
    actions.push({
      source: 'review', sourceId: id, reference: '', recommendation, description: row.description, ownerAgencyId: agencyId,
      ownerUserId, ownerName: row.ownerName || null, groupId, themes, dueDate: due ?? '',
    });
  }
  if (errors.length) throw new ValidationFailed(errors);

  return db.transaction().execute(async (tx) => {
    // Numbers are given one at a time per review; the lock is the review row itself.
    await tx.selectFrom('review').select('id').where('id', '=', id).forUpdate().execute();
    const last = await tx.selectFrom('review_recommendation').select((eb) => eb.fn.max('number').as('n')).where('review_id', '=', id).executeTakeFirst();
    const number = Number(last?.n ?? 0) + 1;
    const reference = `${r.reference} R${number}`;
    await tx.insertInto('review_recommendation').values({ review_id: id, partnership_id: partnershipId, number, text: recommendation!, created_by: userId, created_at: now }).execute();
    try {
      const ids = await createActions(tx, partnershipId, actions.map((a) => ({ ...a, reference })), userId, now);
      return { reference, actions: ids };
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      // The tracker names fields by the action's position among those sent ("2.dueDate"), or plainly when there is one.
      throw new ValidationFailed(err.errors.map((e) => {
        const m = /^(?:(\d+)\.)?(\w+)$/.exec(e.field);
        const i = rows[m?.[1] ? Number(m[1]) - 1 : 0]?.index ?? 0;
        const field = m?.[2] === 'dueDate' ? 'dueDate-day' : m?.[2] ?? 'description';
        return { field: field === 'themes' || field === 'groupId' ? field : `actions-${i}-${field}`, message: e.message };
      }));
    }
  });
}

// ---------------------------------------------------------------------------------------------------------
// Learning briefings

export type BriefingView = {
  id: number; reviewId: string; reference: string; themes: string[]; title: string; keyMessages: string; audience: string;
  publishedOn: string | null; updatedAt: Date;
};

export async function findBriefing(db: Db, partnershipId: number, id: string, briefingId: number): Promise<BriefingView> {
  const r = await reviewRow(db, partnershipId, id);
  const b = Number.isSafeInteger(briefingId)
    ? await db.selectFrom('learning_briefing').selectAll().where('partnership_id', '=', partnershipId).where('review_id', '=', id).where('id', '=', briefingId).executeTakeFirst()
    : undefined;
  if (!b) throw new NotFound('No such briefing', 'learning_briefing', String(briefingId));
  return { id: b.id, reviewId: r.id, reference: r.reference, themes: r.themes, title: b.title, keyMessages: b.key_messages, audience: b.audience, publishedOn: b.published_on, updatedAt: b.updated_at };
}

function readBriefing(form: Form, today: string) {
  const errors: FieldError[] = [];
  const title = readText(form, 'title', { label: 'The title', required: 'Enter the title of the briefing', max: MAX_LINE }, errors);
  const keyMessages = readText(form, 'keyMessages', { label: 'The key messages', required: 'Enter the key messages' }, errors);
  const audience = readText(form, 'audience', { label: 'The audience', required: 'Enter who the briefing is for', max: MAX_LINE }, errors);
  const publishedOn = readDate(form, 'publishedOn', { label: 'the date the briefing was published', notAfter: today }, errors);
  if (errors.length) throw new ValidationFailed(errors);
  return { title: title!, key_messages: keyMessages!, audience: audience!, published_on: publishedOn ?? null };
}

export async function createBriefing(db: Db, partnershipId: number, id: string, form: Form, userId: number, now: Date, today: string): Promise<number> {
  await reviewRow(db, partnershipId, id);
  const b = readBriefing(form, today);
  const row = await db.insertInto('learning_briefing').values({ ...b, review_id: id, partnership_id: partnershipId, created_by: userId, created_at: now, updated_at: now })
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateBriefing(db: Db, partnershipId: number, id: string, briefingId: number, form: Form, now: Date, today: string): Promise<void> {
  await findBriefing(db, partnershipId, id, briefingId);
  const b = readBriefing(form, today);
  await db.updateTable('learning_briefing').set({ ...b, updated_at: now })
    .where('partnership_id', '=', partnershipId).where('review_id', '=', id).where('id', '=', briefingId).execute();
}

// ---------------------------------------------------------------------------------------------------------
// Closing

/** What must be recorded before a review can close, or null when it can. */
export function closeBlocker(r: ReviewRow): string | null {
  if (!r.notify_decision) return 'Record the decision to notify the National Panel before closing the review';
  if (r.notify_decision === 'notify' && !r.notified_on) return 'Record the date the National Panel was notified before closing the review';
  if (r.notify_decision === 'notify' && (!r.rr_decision || !r.rr_sent_on)) return 'Record the rapid review decision and the date it was sent to the National Panel before closing the review';
  if (r.rr_decision === 'practice_review' && !r.cspr_published_on) return 'Record the publication of the practice review before closing the review';
  return null;
}

export async function closeReview(db: Db, partnershipId: number, id: string, version: number, form: Form, now: Date, today: string): Promise<void> {
  const r = await reviewRow(db, partnershipId, id);
  const blocker = closeBlocker(r);
  if (blocker) fail('closedOn-day', blocker);
  const errors: FieldError[] = [];
  const closedOn = readDate(form, 'closedOn', { label: 'the date the review closed', required: true, notAfter: today, notBefore: { date: r.aware_on, label: 'the date the partnership became aware' } }, errors);
  const note = readText(form, 'closingNote', { label: 'The closing note' }, errors);
  if (errors.length) throw new ValidationFailed(errors);
  await updateReview(db, partnershipId, id, version, { closed_on: closedOn!, closing_note: note }, now);
}

export async function reopenReview(db: Db, partnershipId: number, id: string, version: number, now: Date): Promise<void> {
  const r = await reviewRow(db, partnershipId, id);
  if (!r.closed_on) fail('closedOn-day', 'The review is not closed');
  await updateReview(db, partnershipId, id, version, { closed_on: null, closing_note: null }, now);
}

// ---------------------------------------------------------------------------------------------------------
// The year's figures, for the list page and the annual report

export type ReviewYearSummary = {
  from: string; to: string;
  /** Serious incidents the partnership became aware of. */
  incidents: number;
  /** Notified to the National Panel. */
  notifications: number;
  /** Decided not to notify. */
  notNotified: number;
  rapidReviews: number;
  practiceReviewsCommissioned: number;
  practiceReviewsCompleted: number;
  practiceReviewsPublished: number;
  /** Other learning (appreciative enquiries, single-agency reviews) completed. */
  otherLearningCompleted: number;
  /** Learning themes of the practice reviews published in the period, most frequent first. */
  publishedThemes: { theme: string; reviews: number }[];
};

/** What the partnership's reviews did between two dates (inclusive), each counted by the date of the event. */
export async function reviewYearSummary(db: Db, partnershipId: number, from: string, to: string): Promise<ReviewYearSummary> {
  const between = (column: string) => sql<boolean>`${sql.ref(column)} between ${from} and ${to}`;
  const row = await db.selectFrom('review').where('partnership_id', '=', partnershipId).select((eb) => [
    eb.fn.countAll<number>().filterWhere(between('aware_on')).as('incidents'),
    eb.fn.countAll<number>().filterWhere(between('notified_on')).as('notifications'),
    eb.fn.countAll<number>().filterWhere((w) => w.and([w('notify_decision', '=', 'not_notify'), between('decided_on')])).as('notNotified'),
    eb.fn.countAll<number>().filterWhere(between('rr_meeting_on')).as('rapidReviews'),
    eb.fn.countAll<number>().filterWhere((w) => w.and([w('rr_decision', '=', 'practice_review'), between('cspr_commissioned_on')])).as('commissioned'),
    eb.fn.countAll<number>().filterWhere(between('cspr_completed_on')).as('completed'),
    eb.fn.countAll<number>().filterWhere(between('cspr_published_on')).as('published'),
    eb.fn.countAll<number>().filterWhere((w) => w.and([w('rr_decision', '=', 'other_learning'), between('other_learning_completed_on')])).as('otherLearning'),
  ]).executeTakeFirstOrThrow();
  const themes = await db.selectFrom(sql<{ theme: string }>`(select unnest(themes) as theme from review where partnership_id = ${partnershipId} and cspr_published_on between ${from} and ${to})`.as('t'))
    .select(['t.theme', (eb) => eb.fn.countAll<number>().as('reviews')]).groupBy('t.theme').orderBy('reviews', 'desc').orderBy('t.theme').execute();
  return {
    from, to, incidents: Number(row.incidents), notifications: Number(row.notifications), notNotified: Number(row.notNotified),
    rapidReviews: Number(row.rapidReviews), practiceReviewsCommissioned: Number(row.commissioned), practiceReviewsCompleted: Number(row.completed),
    practiceReviewsPublished: Number(row.published), otherLearningCompleted: Number(row.otherLearning),
    publishedThemes: themes.map((t) => ({ theme: t.theme, reviews: Number(t.reviews) })),
  };
}

/** The summaries of the financial year a date falls in and the year before. */
export async function recentYears(db: Db, partnershipId: number, today: string): Promise<(ReviewYearSummary & { label: string; toDate: boolean })[]> {
  const current = financialYearOf(today);
  const previous = financialYearOf(`${Number(current.from.slice(0, 4)) - 1}-04-01`);
  return Promise.all([previous, current].map(async (fy) => ({
    ...(await reviewYearSummary(db, partnershipId, fy.from, fy.to)), label: fy.label, toDate: fy === current,
  })));
}
