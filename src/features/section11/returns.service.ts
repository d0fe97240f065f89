import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { Section11Rating, Section11ReturnStatus, Section11Scoring } from '../../db/schema-section11';
import { isLearningTheme } from '../../domain/assurance';
import type { Mailer } from '../../platform/email';
import { NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import { createActions, type NewAction } from '../actions/actions.service';
import { findAgencyInPartnership } from '../agencies/agencies.service';
import { Section11Conflict, dateFromInput, type Cycle } from './cycles.service';
import { emailAgencyLeads, reopenedEmail } from './emails';
import { isBelowGood, isLowest, isRatingOf } from './ratings';
import { splitPrompts } from './standards.service';

/**
 * An agency's Section 11 return: for each standard of its cycle a rating, the evidence and actions to
 * improve, then submission, peer challenge and (if need be) reopening.
 *
 * When a return may be submitted (shown to the agency as each standard's state on the task list):
 * - every standard is rated;
 * - every rating above the lowest (red, or 1 inadequate) has its evidence: a claim that something is in
 *   place must say how the agency knows; the lowest claims nothing, so evidence there is welcome but optional;
 * - every rating below good (amber or red; 2 or 1) has at least one action to improve;
 * - the person submitting confirms the return is a true account of the agency.
 */

export type Viewer = { userId: number; agencyId: number; manage: boolean; contribute: boolean };

export type ReturnAccess = {
  /** Reads the return, its evidence and its challenge. */
  view: boolean;
  /** Completes it: the returning agency's own contributors, while it is a draft of an open cycle. */
  edit: boolean;
  /** Challenges it: the business manager, or a contributor of the peer reviewing agency. */
  challenge: boolean;
  /** Answers the challenge: the returning agency's own contributors. */
  respond: boolean;
};

export function accessTo(ret: { agencyId: number; peerAgencyId: number | null }, v: Viewer): ReturnAccess {
  const own = v.agencyId === ret.agencyId;
  const peer = v.contribute && !own && ret.peerAgencyId !== null && v.agencyId === ret.peerAgencyId;
  return { view: v.manage || own || peer, edit: v.contribute && own, challenge: v.manage || peer, respond: v.contribute && own };
}

export type Action = { id: string; reference: string; description: string; dueDate: string; status: string; ownerName: string | null };
export type Comment = { id: string; kind: 'challenge' | 'response'; body: string; at: Date; author: string | null; agency: string | null };

export type StandardState = 'not_started' | 'incomplete' | 'completed';

export type ReturnStandard = {
  standardId: number; number: number; title: string; description: string; prompts: string[];
  rating: Section11Rating | null; evidence: string | null; agreedRating: Section11Rating | null; agreedBy: string | null; agreedAt: Date | null;
  version: number; updatedBy: string | null; updatedAt: Date | null;
  actions: Action[]; comments: Comment[];
  state: StandardState; problems: string[];
};

export type ReturnView = {
  id: string; status: Section11ReturnStatus; agencyId: number; agencyName: string; peerAgencyId: number | null; peerAgencyName: string | null;
  submittedAt: Date | null; submittedBy: string | null;
  cycle: Pick<Cycle, 'id' | 'name' | 'openDate' | 'dueDate' | 'scoring' | 'status'>;
  standards: ReturnStandard[];
  events: { at: Date; event: 'opened' | 'submitted' | 'reopened'; reason: string | null; by: string | null }[];
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What stops a standard's answer being submitted, in the words the task list and error summary use. */
export function answerProblems(a: { rating: Section11Rating | null; evidence: string | null }, actions: number): string[] {
  if (!a.rating) return ['select a rating'];
  const problems: string[] = [];
  if (!isLowest(a.rating) && !a.evidence?.trim()) problems.push('give the evidence for the rating');
  if (isBelowGood(a.rating) && actions === 0) problems.push('add at least one action to improve');
  return problems;
}

function stateOf(a: { rating: Section11Rating | null; evidence: string | null }, actions: number): StandardState {
  if (!a.rating && !a.evidence && actions === 0) return 'not_started';
  return answerProblems(a, actions).length ? 'incomplete' : 'completed';
}

/** One of the partnership's returns with its cycle, standards, answers, actions and challenge; NotFound for another partnership's or none. */
export async function findReturn(db: Db, partnershipId: number, id: string): Promise<ReturnView> {
  const row = UUID.test(id)
    ? await db.selectFrom('section11_return as r')
      .innerJoin('section11_cycle as c', 'c.id', 'r.cycle_id')
      .innerJoin('agency as a', 'a.id', 'r.agency_id')
      .leftJoin('agency as p', 'p.id', 'r.peer_agency_id')
      .leftJoin('app_user as s', 's.id', 'r.submitted_by')
      .select(['r.id', 'r.status', 'r.agency_id', 'a.name as agency_name', 'r.peer_agency_id', 'p.name as peer_agency_name', 'r.submitted_at', 's.name as submitted_by',
        'c.id as cycle_id', 'c.name as cycle_name', 'c.open_date', 'c.due_date', 'c.scoring', 'c.status as cycle_status'])
      .where('r.partnership_id', '=', partnershipId).where('c.partnership_id', '=', partnershipId).where('r.id', '=', id).executeTakeFirst()
    : undefined;
  if (!row) throw new NotFound('No such Section 11 return', 'section11_return', id.slice(0, 60));

  const [standards, answers, actions, comments, events] = await Promise.all([
    db.selectFrom('section11_cycle_standard').select(['standard_id', 'number', 'title', 'description', 'prompts'])
      .where('cycle_id', '=', row.cycle_id).where('partnership_id', '=', partnershipId).orderBy('number').execute(),
    db.selectFrom('section11_answer as x').leftJoin('app_user as u', 'u.id', 'x.updated_by').leftJoin('app_user as g', 'g.id', 'x.agreed_by')
      .select(['x.standard_id', 'x.rating', 'x.evidence', 'x.agreed_rating', 'g.name as agreed_by', 'x.agreed_at', 'x.version', 'u.name as updated_by', 'x.updated_at'])
      .where('x.return_id', '=', row.id).where('x.partnership_id', '=', partnershipId).execute(),
    db.selectFrom('section11_action as l').innerJoin('action as t', 't.id', 'l.action_id')
      .select(['l.standard_id', 't.id', 't.reference', 't.description', 't.due_date', 't.status', 't.owner_name'])
      .where('l.return_id', '=', row.id).where('l.partnership_id', '=', partnershipId).where('t.partnership_id', '=', partnershipId)
      .orderBy('t.created_at').orderBy('t.reference').execute(),
    db.selectFrom('section11_comment as m').leftJoin('app_user as u', 'u.id', 'm.author_id').leftJoin('agency as a', 'a.id', 'm.author_agency_id')
      .select(['m.id', 'm.standard_id', 'm.kind', 'm.body', 'm.created_at', 'u.name as author', 'a.name as agency'])
      .where('m.return_id', '=', row.id).where('m.partnership_id', '=', partnershipId).orderBy('m.created_at').orderBy('m.id').execute(),
    db.selectFrom('section11_return_event as e').leftJoin('app_user as u', 'u.id', 'e.user_id')
      .select(['e.at', 'e.event', 'e.reason', 'u.name as by'])
      .where('e.return_id', '=', row.id).where('e.partnership_id', '=', partnershipId).orderBy('e.at').orderBy('e.id').execute(),
  ]);

  return {
    id: row.id, status: row.status, agencyId: row.agency_id, agencyName: row.agency_name, peerAgencyId: row.peer_agency_id, peerAgencyName: row.peer_agency_name,
    submittedAt: row.submitted_at, submittedBy: row.submitted_by,
    cycle: { id: row.cycle_id, name: row.cycle_name, openDate: row.open_date, dueDate: row.due_date, scoring: row.scoring, status: row.cycle_status },
    standards: standards.map((s) => {
      const a = answers.find((x) => x.standard_id === s.standard_id);
      const own = actions.filter((x) => x.standard_id === s.standard_id)
        .map((x) => ({ id: x.id, reference: x.reference, description: x.description, dueDate: x.due_date, status: x.status, ownerName: x.owner_name }));
      const answer = { rating: a?.rating ?? null, evidence: a?.evidence ?? null };
      return {
        standardId: s.standard_id, number: s.number, title: s.title, description: s.description, prompts: splitPrompts(s.prompts),
        ...answer, agreedRating: a?.agreed_rating ?? null, agreedBy: a?.agreed_by ?? null, agreedAt: a?.agreed_at ?? null,
        version: a?.version ?? 0, updatedBy: a?.updated_by ?? null, updatedAt: a?.updated_at ?? null,
        actions: own,
        comments: comments.filter((c) => c.standard_id === s.standard_id)
          .map((c) => ({ id: c.id, kind: c.kind, body: c.body, at: c.created_at, author: c.author, agency: c.agency })),
        state: stateOf(answer, own.length), problems: answerProblems(answer, own.length),
      };
    }),
    events: events.map((e) => ({ at: e.at, event: e.event, reason: e.reason, by: e.by })),
  };
}

export function standardOf(ret: ReturnView, standardId: string): ReturnStandard {
  const s = ret.standards.find((x) => String(x.standardId) === standardId);
  if (!s) throw new NotFound('No such standard in this return', 'section11_standard', standardId.slice(0, 60));
  return s;
}

/** Returns an agency is asked for, across cycles, latest first: the agency's own list. */
export function returnsOfAgency(db: Db, partnershipId: number, agencyId: number) {
  return db.selectFrom('section11_return as r').innerJoin('section11_cycle as c', 'c.id', 'r.cycle_id')
    .select(['r.id', 'r.status', 'r.submitted_at', 'c.id as cycle_id', 'c.name as cycle_name', 'c.due_date', 'c.status as cycle_status'])
    .where('r.partnership_id', '=', partnershipId).where('r.agency_id', '=', agencyId)
    .orderBy('c.open_date', 'desc').execute();
}

/** Returns an agency reviews as peer, latest first. */
export function returnsReviewedBy(db: Db, partnershipId: number, agencyId: number) {
  return db.selectFrom('section11_return as r').innerJoin('section11_cycle as c', 'c.id', 'r.cycle_id').innerJoin('agency as a', 'a.id', 'r.agency_id')
    .select(['r.id', 'r.status', 'a.name as agency_name', 'c.name as cycle_name', 'c.status as cycle_status'])
    .where('r.partnership_id', '=', partnershipId).where('r.peer_agency_id', '=', agencyId)
    .orderBy('c.open_date', 'desc').orderBy('a.name').execute();
}

// ---- Completing a standard ----

const MAX_EVIDENCE = 10_000;
const MAX_ACTION = 2_000;
const MAX_OWNER = 200;
/** Blank rows for new actions on each save of a standard: enough for most, and more come with the next save. */
export const NEW_ACTION_ROWS = 2;

export type NewActionRow = { row: number; description: string; dueDate: string; ownerName: string | null; themes: string[] };
export type AnswerForm = { rating: Section11Rating | null; evidence: string | null; version: number; actions: NewActionRow[] };

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === null || v === '' ? [] : [String(v)]);

/** Reads a standard's form: the rating and evidence as far as they go (a draft may be partial), and each new action filled in. */
export function parseAnswerForm(input: Record<string, unknown>, scoring: Section11Scoring, todayIso: string): AnswerForm {
  const errors: FieldError[] = [];
  const raw = input.rating;
  let rating: Section11Rating | null = null;
  if (raw !== undefined && raw !== '') {
    if (isRatingOf(scoring, raw)) rating = raw;
    else errors.push({ field: 'rating', message: 'Select one of the ratings shown' });
  }
  const evidence = String(input.evidence ?? '').trim();
  if (evidence.length > MAX_EVIDENCE) errors.push({ field: 'evidence', message: `The evidence must be ${MAX_EVIDENCE.toLocaleString('en-GB')} characters or fewer` });
  const version = Number(input.version ?? 0);

  const actions: NewActionRow[] = [];
  for (let row = 1; row <= NEW_ACTION_ROWS; row++) {
    const p = `action-${row}`;
    const description = String(input[`${p}-description`] ?? '').trim();
    const ownerName = String(input[`${p}-owner`] ?? '').trim();
    const themes = asList(input[`${p}-themes`]);
    const due = dateFromInput(input, `${p}-due`);
    if (!description && !ownerName && due === null && themes.length === 0) continue;
    if (!description) errors.push({ field: `${p}-description`, message: `Enter new action ${row}, or clear its other fields` });
    else if (description.length > MAX_ACTION) errors.push({ field: `${p}-description`, message: `New action ${row} must be ${MAX_ACTION.toLocaleString('en-GB')} characters or fewer` });
    if (due === null) errors.push({ field: `${p}-due-day`, message: `Enter the date new action ${row} is due` });
    else if (due === 'invalid') errors.push({ field: `${p}-due-day`, message: `The due date of new action ${row} must be a real date, like 31 3 2026` });
    else if (due < todayIso) errors.push({ field: `${p}-due-day`, message: `The due date of new action ${row} must be today or in the future` });
    if (ownerName.length > MAX_OWNER) errors.push({ field: `${p}-owner`, message: `The lead for new action ${row} must be ${MAX_OWNER} characters or fewer` });
    if (themes.some((t) => !isLearningTheme(t))) errors.push({ field: `${p}-themes`, message: `Select learning themes from the list for new action ${row}` });
    actions.push({ row, description, dueDate: due as string, ownerName: ownerName || null, themes });
  }
  if (errors.length) throw new ValidationFailed(errors);
  return { rating, evidence: evidence || null, version: Number.isSafeInteger(version) ? version : 0, actions };
}

/** Another save of the standard came first: the form is shown again with the version now saved, so that saving again is a deliberate choice. */
export class StaleAnswer extends ValidationFailed {
  constructor(readonly latestVersion: number) {
    super([{ field: 'rating', message: 'Someone else saved this standard after you opened it. Check their answer on the return, or save again to replace it with yours' }]);
  }
}

/** Locks the return for a change and checks it may still be changed by its agency. */
async function lockDraft(tx: Db, partnershipId: number, returnId: string) {
  const r = await tx.selectFrom('section11_return as r').innerJoin('section11_cycle as c', 'c.id', 'r.cycle_id')
    .select(['r.status', 'c.status as cycle_status', 'c.name as cycle_name'])
    .where('r.id', '=', returnId).where('r.partnership_id', '=', partnershipId).forUpdate('r').executeTakeFirstOrThrow();
  if (r.cycle_status !== 'open') throw new Section11Conflict(`${r.cycle_name} is ${r.cycle_status === 'closed' ? 'closed' : 'not open yet'}: the return cannot be changed.`);
  if (r.status === 'submitted') throw new Section11Conflict('The return has been submitted, so it cannot be changed unless the business manager reopens it.');
  return r;
}

/**
 * Saves a standard's rating and evidence and adds its new actions to the tracker, all or nothing. Each
 * action is owned by the returning agency and referenced by the cycle, the agency and the standard:
 * "S11 2025–26 Police 4.1". The version guards against a second person's save being silently lost.
 */
export async function saveAnswer(db: Db, partnershipId: number, ret: ReturnView, standardId: number, form: AnswerForm, userId: number, now: Date): Promise<{ actionIds: string[] }> {
  const standard = ret.standards.find((s) => s.standardId === standardId)!;
  return db.transaction().execute(async (tx) => {
    await lockDraft(tx, partnershipId, ret.id);
    const current = await tx.selectFrom('section11_answer').select('version')
      .where('return_id', '=', ret.id).where('standard_id', '=', standardId).executeTakeFirst();
    if ((current?.version ?? 0) !== form.version) throw new StaleAnswer(current?.version ?? 0);
    await tx.insertInto('section11_answer').values({
      return_id: ret.id, standard_id: standardId, partnership_id: partnershipId, rating: form.rating, evidence: form.evidence, updated_by: userId, updated_at: now,
    }).onConflict((oc) => oc.columns(['return_id', 'standard_id']).doUpdateSet({
      rating: form.rating, evidence: form.evidence, updated_by: userId, updated_at: now, version: sql<number>`section11_answer.version + 1`,
    })).execute();

    let actionIds: string[] = [];
    if (form.actions.length) {
      const existing = await tx.selectFrom('section11_action').select((eb) => eb.fn.countAll<string>().as('n'))
        .where('return_id', '=', ret.id).where('standard_id', '=', standardId).executeTakeFirstOrThrow();
      const first = Number(existing.n) + 1;
      const actions: NewAction[] = form.actions.map((a, i) => ({
        source: 'section_11', sourceId: ret.id, reference: `S11 ${ret.cycle.name} ${ret.agencyName} ${standard.number}.${first + i}`,
        recommendation: `Standard ${standard.number}: ${standard.title}`, description: a.description, ownerAgencyId: ret.agencyId,
        ownerName: a.ownerName, themes: a.themes, dueDate: a.dueDate,
      }));
      try {
        actionIds = await createActions(tx, partnershipId, actions, userId, now);
      } catch (err) {
        if (!(err instanceof ValidationFailed)) throw err;
        throw new ValidationFailed(err.errors.map((e) => actionFieldError(e, form.actions)));
      }
      await tx.insertInto('section11_action').values(actionIds.map((id) => ({ action_id: id, partnership_id: partnershipId, return_id: ret.id, standard_id: standardId }))).execute();
    }
    await tx.updateTable('section11_return').set({ status: 'draft', updated_at: now }).where('id', '=', ret.id).execute();
    return { actionIds };
  });
}

/** The tracker names a field `dueDate` (one action) or `2.dueDate` (the second of several): the form's own input for it. */
function actionFieldError(e: FieldError, rows: NewActionRow[]): FieldError {
  const m = /^(?:(\d+)\.)?(\w+)$/.exec(e.field);
  const row = rows[(m?.[1] ? Number(m[1]) : 1) - 1]?.row ?? 1;
  const input = m?.[2] === 'dueDate' ? 'due-day' : m?.[2] === 'themes' ? 'themes' : m?.[2] === 'ownerName' ? 'owner' : 'description';
  return { field: `action-${row}-${input}`, message: `New action ${row}: ${e.message.charAt(0).toLowerCase()}${e.message.slice(1)}` };
}

// ---- Submitting and reopening ----

/** Submits the return when every standard is complete (see the rules above); each incomplete standard is named. */
export async function submitReturn(db: Db, partnershipId: number, returnId: string, confirmed: boolean, userId: number, now: Date): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await lockDraft(tx, partnershipId, returnId);
    const ret = await findReturn(tx, partnershipId, returnId);
    const errors: FieldError[] = ret.standards.flatMap((s) => s.problems.map((p) => ({
      field: `standard-${s.number}`, message: `Standard ${s.number}, ${s.title}: ${p}`,
    })));
    if (!confirmed) errors.push({ field: 'confirm', message: 'Confirm that the return is a true account of the agency' });
    if (errors.length) throw new ValidationFailed(errors);
    await tx.updateTable('section11_return').set({ status: 'submitted', submitted_at: now, submitted_by: userId, updated_at: now }).where('id', '=', returnId).execute();
    await tx.insertInto('section11_return_event').values({ return_id: returnId, partnership_id: partnershipId, at: now, user_id: userId, event: 'submitted' }).execute();
  });
}

const MAX_REASON = 2_000;

/** The business manager reopens a submitted return, with a reason the agency's leads are emailed. Its challenge and agreed ratings stay. */
export async function reopenReturn(db: Db, mailer: Mailer, partnershipId: number, returnId: string, reasonInput: unknown, userId: number, now: Date,
  opts: { publicUrl: string }): Promise<string[]> {
  const reason = String(reasonInput ?? '').trim();
  if (!reason) throw new ValidationFailed([{ field: 'reason', message: 'Enter why the return is reopened' }]);
  if (reason.length > MAX_REASON) throw new ValidationFailed([{ field: 'reason', message: `The reason must be ${MAX_REASON.toLocaleString('en-GB')} characters or fewer` }]);
  const ret = await db.transaction().execute(async (tx) => {
    const r = await tx.selectFrom('section11_return as r').innerJoin('section11_cycle as c', 'c.id', 'r.cycle_id')
      .select(['r.status', 'c.status as cycle_status'])
      .where('r.id', '=', returnId).where('r.partnership_id', '=', partnershipId).forUpdate('r').executeTakeFirstOrThrow();
    if (r.cycle_status !== 'open') throw new Section11Conflict('The cycle is closed: its returns can no longer be reopened.');
    if (r.status !== 'submitted') throw new Section11Conflict('The return is not submitted, so there is nothing to reopen.');
    await tx.updateTable('section11_return').set({ status: 'draft', updated_at: now }).where('id', '=', returnId).execute();
    await tx.insertInto('section11_return_event').values({ return_id: returnId, partnership_id: partnershipId, at: now, user_id: userId, event: 'reopened', reason }).execute();
    return findReturn(tx, partnershipId, returnId);
  });
  return emailAgencyLeads(db, mailer, partnershipId, ret.agencyId, ret.id,
    reopenedEmail({ cycleName: ret.cycle.name, agencyName: ret.agencyName, dueDate: ret.cycle.dueDate, returnId: ret.id, publicUrl: opts.publicUrl, reason }));
}

/** Names (or clears) the agency whose leads challenge the return as peer reviewers. */
export async function setPeerAgency(db: Db, partnershipId: number, ret: ReturnView, input: unknown): Promise<string | null> {
  if (ret.cycle.status === 'closed') throw new Section11Conflict('The cycle is closed: its peer reviewers can no longer change.');
  const raw = String(input ?? '');
  if (raw === '') {
    await db.updateTable('section11_return').set({ peer_agency_id: null }).where('id', '=', ret.id).where('partnership_id', '=', partnershipId).execute();
    return null;
  }
  const agency = /^\d{1,9}$/.test(raw) ? await findAgencyInPartnership(db, partnershipId, Number(raw)) : undefined;
  if (!agency) throw new ValidationFailed([{ field: 'peerAgency', message: 'Select an agency of this partnership' }]);
  if (agency.id === ret.agencyId) throw new ValidationFailed([{ field: 'peerAgency', message: 'An agency cannot review its own return: select another' }]);
  await db.updateTable('section11_return').set({ peer_agency_id: agency.id }).where('id', '=', ret.id).where('partnership_id', '=', partnershipId).execute();
  return agency.name;
}

// ---- Peer challenge ----

const MAX_COMMENT = 5_000;

export type ChallengeForm = { body: string | null; agreedRating: Section11Rating | null };

/**
 * A comment on a submitted return's standard: a challenge (with, if it was agreed, the rating the peer
 * challenge arrived at, which is kept beside the self-assessed one) or the returning agency's response.
 */
export async function addComment(db: Db, partnershipId: number, ret: ReturnView, standardId: number, kind: 'challenge' | 'response',
  input: Record<string, unknown>, viewer: Viewer, now: Date): Promise<ChallengeForm> {
  const body = String(input.comment ?? '').trim();
  const rawAgreed = kind === 'challenge' ? input.agreedRating : undefined;
  const errors: FieldError[] = [];
  let agreedRating: Section11Rating | null = null;
  if (rawAgreed !== undefined && rawAgreed !== '') {
    if (isRatingOf(ret.cycle.scoring, rawAgreed)) agreedRating = rawAgreed;
    else errors.push({ field: 'agreedRating', message: 'Select one of the ratings shown' });
  }
  if (body.length > MAX_COMMENT) errors.push({ field: 'comment', message: `The comment must be ${MAX_COMMENT.toLocaleString('en-GB')} characters or fewer` });
  else if (!body && kind === 'response') errors.push({ field: 'comment', message: 'Enter the agency’s response' });
  else if (!body && !agreedRating && errors.length === 0) errors.push({ field: 'comment', message: 'Enter a comment, or select the agreed rating' });
  if (errors.length) throw new ValidationFailed(errors);

  await db.transaction().execute(async (tx) => {
    const r = await tx.selectFrom('section11_return as r').innerJoin('section11_cycle as c', 'c.id', 'r.cycle_id')
      .select(['r.status', 'c.status as cycle_status'])
      .where('r.id', '=', ret.id).where('r.partnership_id', '=', partnershipId).forUpdate('r').executeTakeFirstOrThrow();
    if (r.cycle_status !== 'open') throw new Section11Conflict('The cycle is closed: its peer challenge is finished.');
    if (r.status !== 'submitted') throw new Section11Conflict('Peer challenge starts when the return is submitted.');
    if (body) {
      await tx.insertInto('section11_comment').values({
        partnership_id: partnershipId, return_id: ret.id, standard_id: standardId, kind, author_id: viewer.userId, author_agency_id: viewer.agencyId, body, created_at: now,
      }).execute();
    }
    if (agreedRating) {
      await tx.updateTable('section11_answer').set({ agreed_rating: agreedRating, agreed_by: viewer.userId, agreed_at: now })
        .where('return_id', '=', ret.id).where('standard_id', '=', standardId).where('partnership_id', '=', partnershipId).execute();
    }
  });
  return { body: body || null, agreedRating };
}
