import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { ChallengeEventKind, ChallengeRaiser, ChallengeStatus } from '../../db/schema-governance';
import { londonParts } from '../../domain/london';
import { EmailRefused, type Mailer } from '../../platform/email';
import { NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import { csvCell } from '../../platform/spreadsheet-safe';
import { createActions } from '../actions/actions.service';
import { findAgencyInPartnership } from '../agencies/agencies.service';
import { onActionForm, type ActionFormInput } from './action-form';
import { findGroup } from './groups.service';
import { findMeeting } from './meetings.service';
import {
  CHALLENGE_STATUSES, RAISERS, challengeReference, dateFrom, financialYearBounds, intId, isChallengeStatus, isRaiser, isUuid, text, type Form,
} from './terms';

/**
 * The challenge log: one partner's challenge to another about practice or systems (never about a named
 * child), raised by an agency, the Independent Chair or the partnership; the challenged agency's response,
 * written by its own people (or recorded by the business manager when given at a meeting); and the
 * outcome: resolved, or escalated to the Executive with the reason. Every step is kept in its history.
 */

const MAX_SUBJECT = 200;
const MAX_TEXT = 10_000;

/** Who is acting on a challenge, and what their roles allow them. */
export type Actor = { userId: number; agencyId: number; manage: boolean; contribute: boolean };

export type ChallengeFilters = { agencyId?: number; status?: ChallengeStatus | 'overdue'; year?: number; meetingId?: string };

export type ChallengeRow = {
  id: string; reference: string; raisedOn: string; raisedByKind: ChallengeRaiser; raisedByAgency: string | null; raisedByName: string | null;
  toAgencyId: number; toAgency: string; subject: string; detail: string; group: string | null; meetingAt: Date | null;
  responseDue: string; status: ChallengeStatus; response: string | null; respondedAt: Date | null; responseOnBehalf: boolean;
  resolution: string | null; resolvedAt: Date | null; escalationReason: string | null; escalatedAt: Date | null; actions: number;
};

/** Who raised a challenge, in words: the agency, or the Independent Chair or the partnership. */
export const raisedByText = (c: { raisedByKind: ChallengeRaiser; raisedByAgency: string | null }) =>
  c.raisedByKind === 'agency' ? c.raisedByAgency ?? 'An agency' : RAISERS[c.raisedByKind];

export const isOverdue = (c: { status: ChallengeStatus; responseDue: string }, today: string) => c.status === 'open' && c.responseDue < today;

function logQuery(db: Db, partnershipId: number) {
  return db.selectFrom('challenge as c')
    .innerJoin('agency as to', 'to.id', 'c.to_agency_id')
    .leftJoin('agency as rb', 'rb.id', 'c.raised_by_agency_id')
    .leftJoin('assurance_group as g', 'g.id', 'c.group_id')
    .leftJoin('group_meeting as m', 'm.id', 'c.meeting_id')
    .select((eb) => [
      'c.id', 'c.reference', 'c.raised_on as raisedOn', 'c.raised_by_kind as raisedByKind', 'rb.name as raisedByAgency', 'c.raised_by_name as raisedByName',
      'c.to_agency_id as toAgencyId', 'to.name as toAgency', 'c.subject', 'c.detail', 'g.name as group', 'm.starts_at as meetingAt',
      'c.response_due as responseDue', 'c.status', 'c.response', 'c.responded_at as respondedAt', 'c.response_on_behalf as responseOnBehalf',
      'c.resolution', 'c.resolved_at as resolvedAt', 'c.escalation_reason as escalationReason', 'c.escalated_at as escalatedAt',
      eb.selectFrom('action as a').select(sql<number>`count(*)::int`.as('n'))
        .where('a.partnership_id', '=', partnershipId).where('a.source', '=', 'challenge').where(sql<boolean>`a.source_id = c.id::text`).as('actions'),
    ])
    .where('c.partnership_id', '=', partnershipId);
}

/** The log, newest first, filtered by an agency on either side, a status (or overdue), and a financial year raised. */
export async function listChallenges(db: Db, partnershipId: number, filters: ChallengeFilters, today: string): Promise<ChallengeRow[]> {
  let q = logQuery(db, partnershipId);
  if (filters.agencyId !== undefined) {
    const agencyId = filters.agencyId;
    q = q.where((eb) => eb.or([eb('c.to_agency_id', '=', agencyId), eb('c.raised_by_agency_id', '=', agencyId)]));
  }
  if (filters.meetingId !== undefined) q = q.where('c.meeting_id', '=', filters.meetingId);
  if (filters.status === 'overdue') q = q.where('c.status', '=', 'open').where('c.response_due', '<', today);
  else if (filters.status) q = q.where('c.status', '=', filters.status);
  if (filters.year !== undefined) {
    const { from, to } = financialYearBounds(filters.year);
    q = q.where('c.raised_on', '>=', from).where('c.raised_on', '<=', to);
  }
  const rows = await q.orderBy('c.raised_on', 'desc').orderBy('c.reference', 'desc').execute();
  return rows.map((r) => ({ ...r, actions: Number(r.actions ?? 0) }));
}

/** Reads the log's filters from the address; anything unrecognised is left out rather than refused. */
export function parseFilters(query: Record<string, string | undefined>): ChallengeFilters {
  const filters: ChallengeFilters = {};
  const agency = intId(query.agency ?? '');
  if (agency !== null) filters.agencyId = agency;
  if (query.status === 'overdue' || isChallengeStatus(query.status)) filters.status = query.status;
  if (/^\d{4}$/.test(query.year ?? '')) filters.year = Number(query.year);
  return filters;
}

export type ChallengeEvent = { at: Date; kind: ChallengeEventKind; by: string | null; note: string | null; onBehalf: boolean };

export type Challenge = ChallengeRow & {
  raisedByAgencyId: number | null; groupId: number | null; meetingId: string | null; respondedBy: string | null; version: number; events: ChallengeEvent[];
};

export async function findChallenge(db: Db, partnershipId: number, id: unknown): Promise<Challenge> {
  const row = !isUuid(id) ? undefined : await logQuery(db, partnershipId).leftJoin('app_user as rby', 'rby.id', 'c.responded_by')
    .select(['c.raised_by_agency_id as raisedByAgencyId', 'c.group_id as groupId', 'c.meeting_id as meetingId', 'rby.name as respondedBy', 'c.version'])
    .where('c.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('Not found', 'challenge', String(id));
  const events = await db.selectFrom('challenge_event as e').leftJoin('app_user as u', 'u.id', 'e.user_id')
    .select(['e.at', 'e.kind', 'u.name as by', 'e.note', 'e.on_behalf as onBehalf'])
    .where('e.partnership_id', '=', partnershipId).where('e.challenge_id', '=', row.id).orderBy('e.at').orderBy('e.id').execute();
  return { ...row, actions: Number(row.actions ?? 0), events };
}

export type ChallengeInput = {
  raisedOn: string; raisedByKind: ChallengeRaiser; raisedByAgencyId: number | null; raisedByName: string | null; toAgencyId: number;
  subject: string; detail: string; groupId: number | null; meetingId: string | null; responseDue: string;
};

/**
 * Reads and checks the new challenge form. An agency's own lead raises challenges from their agency only;
 * the business manager records any partner's, the Independent Chair's and the partnership's.
 */
export async function parseChallengeForm(db: Db, partnershipId: number, form: Form, actor: Actor, today: string): Promise<ChallengeInput> {
  const errors: FieldError[] = [];
  const raisedOn = dateFrom(form, 'raisedOn');
  const kind = actor.manage ? text(form, 'raisedByKind') : 'agency';
  const raisedByName = text(form, 'raisedByName');
  const subject = text(form, 'subject');
  const detail = text(form, 'detail');
  const responseDue = dateFrom(form, 'responseDue');
  if (raisedOn === null) errors.push({ field: 'raisedOn-day', message: 'Enter the date the challenge was raised' });
  else if (raisedOn === 'invalid') errors.push({ field: 'raisedOn-day', message: 'The date raised must be a real date' });
  else if (raisedOn > today) errors.push({ field: 'raisedOn-day', message: 'The date raised must be today or in the past' });

  let raisedByAgencyId: number | null = null;
  if (!isRaiser(kind)) errors.push({ field: 'raisedByKind', message: 'Select who raised the challenge' });
  else if (kind === 'agency') {
    if (actor.manage) {
      const id = intId(text(form, 'raisedByAgencyId'));
      if (id === null || !(await findAgencyInPartnership(db, partnershipId, id))) errors.push({ field: 'raisedByAgencyId', message: 'Select the agency raising the challenge' });
      else raisedByAgencyId = id;
    } else {
      raisedByAgencyId = actor.agencyId;
    }
  }
  if (raisedByName.length > MAX_SUBJECT) errors.push({ field: 'raisedByName', message: `The name must be ${MAX_SUBJECT} characters or fewer` });

  const toAgencyId = intId(text(form, 'toAgencyId'));
  if (toAgencyId === null || !(await findAgencyInPartnership(db, partnershipId, toAgencyId))) errors.push({ field: 'toAgencyId', message: 'Select the agency being challenged' });
  else if (toAgencyId === raisedByAgencyId) errors.push({ field: 'toAgencyId', message: 'An agency cannot challenge itself: select another agency' });

  if (!subject) errors.push({ field: 'subject', message: 'Enter what the challenge is about' });
  else if (subject.length > MAX_SUBJECT) errors.push({ field: 'subject', message: `The subject must be ${MAX_SUBJECT} characters or fewer` });
  if (!detail) errors.push({ field: 'detail', message: 'Enter the challenge' });
  else if (detail.length > MAX_TEXT) errors.push({ field: 'detail', message: `The challenge must be ${MAX_TEXT.toLocaleString('en-GB')} characters or fewer` });

  let groupId: number | null = null;
  let meetingId: string | null = null;
  const group = text(form, 'groupId');
  const meeting = text(form, 'meetingId');
  if (group) {
    try { groupId = (await findGroup(db, partnershipId, group)).id; } catch (err) {
      if (!(err instanceof NotFound)) throw err;
      errors.push({ field: 'groupId', message: 'Select a group of this partnership' });
    }
  }
  if (meeting) {
    try {
      const m = await findMeeting(db, partnershipId, meeting);
      meetingId = m.id;
      if (groupId !== null && m.group.id !== groupId) errors.push({ field: 'meetingId', message: 'The meeting must be one of the group chosen' });
      groupId ??= m.group.id;
    } catch (err) {
      if (!(err instanceof NotFound)) throw err;
      errors.push({ field: 'meetingId', message: 'Select a meeting of this partnership' });
    }
  }

  if (responseDue === null) errors.push({ field: 'responseDue-day', message: 'Enter the date a response is due' });
  else if (responseDue === 'invalid') errors.push({ field: 'responseDue-day', message: 'The response due date must be a real date' });
  else if (raisedOn && raisedOn !== 'invalid' && responseDue < raisedOn) errors.push({ field: 'responseDue-day', message: 'The response due date must be on or after the date raised' });
  if (errors.length) throw new ValidationFailed(errors);
  return {
    raisedOn: raisedOn as string, raisedByKind: kind as ChallengeRaiser, raisedByAgencyId, raisedByName: raisedByName || null, toAgencyId: toAgencyId!,
    subject, detail, groupId, meetingId, responseDue: responseDue as string,
  };
}

export async function raiseChallenge(db: Db, partnershipId: number, input: ChallengeInput, userId: number, now: Date): Promise<{ id: string; reference: string }> {
  return db.transaction().execute(async (tx) => {
    const year = Number(input.raisedOn.slice(0, 4));
    // Numbered in turn within the year: two challenges recorded at once must not share a reference.
    await sql`select pg_advisory_xact_lock(${partnershipId}, hashtext(${`challenge:${year}`}))`.execute(tx);
    const n = Number((await tx.selectFrom('challenge').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('partnership_id', '=', partnershipId).where('reference', 'like', `CH ${year}/%`).executeTakeFirstOrThrow()).n);
    const reference = challengeReference(year, n + 1);
    const row = await tx.insertInto('challenge').values({
      partnership_id: partnershipId, reference, raised_on: input.raisedOn, raised_by_kind: input.raisedByKind, raised_by_agency_id: input.raisedByAgencyId,
      raised_by_name: input.raisedByName, to_agency_id: input.toAgencyId, subject: input.subject, detail: input.detail, group_id: input.groupId,
      meeting_id: input.meetingId, response_due: input.responseDue, created_by: userId, created_at: now, updated_at: now,
    }).returning('id').executeTakeFirstOrThrow();
    await tx.insertInto('challenge_event').values({ partnership_id: partnershipId, challenge_id: row.id, at: now, user_id: userId, kind: 'raised' }).execute();
    return { id: row.id, reference };
  });
}

const CHANGED_MEANWHILE = 'Someone else changed this challenge while you had it open: the page now shows their changes.';

async function claimVersion(db: Db, partnershipId: number, id: string, version: string, field: string, now: Date) {
  const v = intId(version);
  const claimed = v === null ? undefined : await db.updateTable('challenge').set({ version: sql`version + 1`, updated_at: now })
    .where('partnership_id', '=', partnershipId).where('id', '=', id).where('version', '=', v).returning('id').executeTakeFirst();
  if (!claimed) throw new ValidationFailed([{ field, message: CHANGED_MEANWHILE }]);
}

/** Whether this person may write the challenged agency's response: its own contributors, or the business manager on its behalf. */
export function mayRespond(challenge: { toAgencyId: number }, actor: Actor): boolean {
  return actor.manage || (actor.contribute && actor.agencyId === challenge.toAgencyId);
}

/**
 * The challenged agency's response. Its own people write it; the business manager may record one given
 * at a meeting, and it is kept as given on the agency's behalf. A response may be amended until the
 * challenge is resolved; an escalated challenge stays with the Executive.
 */
export async function respond(db: Db, partnershipId: number, challenge: Challenge, form: Form, actor: Actor, now: Date): Promise<{ onBehalf: boolean }> {
  const response = text(form, 'response');
  const errors: FieldError[] = [];
  if (challenge.status === 'resolved') errors.push({ field: 'response', message: 'The challenge is resolved: its response can no longer change' });
  if (!response) errors.push({ field: 'response', message: 'Enter the agency’s response' });
  else if (response.length > MAX_TEXT) errors.push({ field: 'response', message: `The response must be ${MAX_TEXT.toLocaleString('en-GB')} characters or fewer` });
  if (errors.length) throw new ValidationFailed(errors);
  const onBehalf = !(actor.contribute && actor.agencyId === challenge.toAgencyId);
  await db.transaction().execute(async (tx) => {
    await claimVersion(tx, partnershipId, challenge.id, text(form, 'version'), 'response', now);
    await tx.updateTable('challenge').set({
      response, responded_at: now, responded_by: actor.userId, response_on_behalf: onBehalf,
      status: challenge.status === 'escalated' ? 'escalated' : 'responded',
    }).where('id', '=', challenge.id).execute();
    await tx.insertInto('challenge_event').values({ partnership_id: partnershipId, challenge_id: challenge.id, at: now, user_id: actor.userId, kind: 'responded', note: response, on_behalf: onBehalf }).execute();
  });
  return { onBehalf };
}

/** The business manager's outcome: resolved once answered (or settled by the Executive), or escalated to the Executive with the reason. */
export async function recordOutcome(db: Db, partnershipId: number, challenge: Challenge, form: Form, userId: number, now: Date): Promise<'resolved' | 'escalated'> {
  const outcome = text(form, 'outcome');
  const resolution = text(form, 'resolution');
  const reason = text(form, 'escalationReason');
  const errors: FieldError[] = [];
  if (outcome === 'resolve') {
    if (challenge.status === 'open') errors.push({ field: 'outcome', message: 'Record the agency’s response before resolving the challenge, or escalate it' });
    else if (challenge.status === 'resolved') errors.push({ field: 'outcome', message: 'The challenge is already resolved' });
    if (!resolution) errors.push({ field: 'resolution', message: 'Enter how the challenge was resolved' });
    else if (resolution.length > MAX_TEXT) errors.push({ field: 'resolution', message: `The resolution must be ${MAX_TEXT.toLocaleString('en-GB')} characters or fewer` });
  } else if (outcome === 'escalate') {
    if (challenge.status === 'escalated' || challenge.status === 'resolved') errors.push({ field: 'outcome', message: `The challenge is already ${challenge.status}` });
    if (!reason) errors.push({ field: 'escalationReason', message: 'Enter why the challenge is escalated to the Executive' });
    else if (reason.length > MAX_TEXT) errors.push({ field: 'escalationReason', message: `The reason must be ${MAX_TEXT.toLocaleString('en-GB')} characters or fewer` });
  } else {
    errors.push({ field: 'outcome', message: 'Select whether the challenge is resolved or escalated to the Executive' });
  }
  if (errors.length) throw new ValidationFailed(errors);
  await db.transaction().execute(async (tx) => {
    await claimVersion(tx, partnershipId, challenge.id, text(form, 'version'), 'outcome', now);
    if (outcome === 'resolve') {
      await tx.updateTable('challenge').set({ status: 'resolved', resolution, resolved_at: now }).where('id', '=', challenge.id).execute();
    } else {
      await tx.updateTable('challenge').set({ status: 'escalated', escalation_reason: reason, escalated_at: now }).where('id', '=', challenge.id).execute();
    }
    await tx.insertInto('challenge_event').values({
      partnership_id: partnershipId, challenge_id: challenge.id, at: now, user_id: userId, kind: outcome === 'resolve' ? 'resolved' : 'escalated', note: outcome === 'resolve' ? resolution : reason,
    }).execute();
  });
  return outcome === 'resolve' ? 'resolved' : 'escalated';
}

/** An action arising from a challenge, in the tracker: "CH 2026/03 A1", owned as the form says. */
export async function addChallengeAction(db: Db, partnershipId: number, challenge: Challenge, input: ActionFormInput, userId: number, now: Date): Promise<{ id: string; reference: string }> {
  try {
    return await db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(${partnershipId}, hashtext(${`challenge_action:${challenge.id}`}))`.execute(tx);
      const n = Number((await tx.selectFrom('action').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('partnership_id', '=', partnershipId).where('source', '=', 'challenge').where('source_id', '=', challenge.id).executeTakeFirstOrThrow()).n);
      const reference = `${challenge.reference} A${n + 1}`;
      const [id] = await createActions(tx, partnershipId, [{
        ...input, source: 'challenge', sourceId: challenge.id, groupId: challenge.groupId, reference, recommendation: `Challenge ${challenge.reference}: ${challenge.subject}`,
      }], userId, now);
      return { id: id!, reference };
    });
  } catch (err) {
    if (err instanceof ValidationFailed) throw onActionForm(err);
    throw err;
  }
}

// ---- Email ----

const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const dateText = (iso: string) => longDate.format(new Date(`${iso}T12:00:00Z`));

/** The challenged agency's safeguarding leads in the partnership, who answer for it. */
async function agencyLeads(db: Db, partnershipId: number, agencyId: number): Promise<string[]> {
  const rows = await db.selectFrom('app_user as u').innerJoin('membership as m', 'm.user_id', 'u.id').select('u.email').distinct()
    .where('m.partnership_id', '=', partnershipId).where('m.role', '=', 'agency_lead').where('u.agency_id', '=', agencyId).where('u.status', '=', 'active')
    .orderBy('u.email').execute();
  return rows.map((r) => r.email);
}

async function businessManagers(db: Db, partnershipId: number): Promise<string[]> {
  const rows = await db.selectFrom('app_user as u').innerJoin('membership as m', 'm.user_id', 'u.id').select('u.email').distinct()
    .where('m.partnership_id', '=', partnershipId).where('m.role', '=', 'business_manager').where('u.status', '=', 'active')
    .orderBy('u.email').execute();
  return rows.map((r) => r.email);
}

type EmailFacts = { id: string; partnershipId: number; reference: string; raisedOn: string; responseDue: string; raisedBy: string; toAgency: string };

/** Sends one email to each address; an address the mailer refuses is skipped. The emails carry no free text of the challenge, which could name a child despite the form's warning. */
async function sendEach(db: Db, mailer: Mailer, to: string[], facts: EmailFacts, subject: string, lines: string[]): Promise<string[]> {
  const sent: string[] = [];
  for (const address of to) {
    try {
      await mailer.send(db, { to: address, subject, body: lines.join('\n'), partnershipId: facts.partnershipId, record: { type: 'challenge', id: facts.id } });
      sent.push(address);
    } catch (err) {
      if (!(err instanceof EmailRefused)) throw err;
    }
  }
  return sent;
}

async function factsOf(db: Db, partnershipId: number, id: string): Promise<EmailFacts & { partnership: string; toAgencyId: number }> {
  const c = await findChallenge(db, partnershipId, id);
  const p = await db.selectFrom('partnership').select('name').where('id', '=', partnershipId).executeTakeFirstOrThrow();
  return { id: c.id, partnershipId, reference: c.reference, raisedOn: c.raisedOn, responseDue: c.responseDue, raisedBy: raisedByText(c), toAgency: c.toAgency, partnership: p.name, toAgencyId: c.toAgencyId };
}

/** Tells the challenged agency's safeguarding leads of a new challenge; says whom it told. */
export async function notifyNewChallenge(db: Db, mailer: Mailer, partnershipId: number, id: string, opts: { publicUrl?: string } = {}): Promise<string[]> {
  const f = await factsOf(db, partnershipId, id);
  return sendEach(db, mailer, await agencyLeads(db, partnershipId, f.toAgencyId), f, `Challenge ${f.reference} to ${f.toAgency}: response due ${dateText(f.responseDue)}`, [
    `${f.raisedBy} has raised a challenge with ${f.toAgency} in the ${f.partnership} challenge log.`,
    '',
    `Reference: ${f.reference}`,
    `Raised on: ${dateText(f.raisedOn)}`,
    `Response due: ${dateText(f.responseDue)}`,
    '',
    `Read the challenge and give ${f.toAgency}’s response in Beacon: ${opts.publicUrl ?? ''}/governance/challenges/${f.id}`,
  ]);
}

export type Reminded = { challengeId: string; partnershipId: number; reference: string; toAgency: string; responseDue: string; emailed: string[] };

/**
 * Reminds each challenge whose response is overdue, in every partnership, once: the challenge is marked
 * first (only one sweep can mark it), then the challenged agency's safeguarding leads are emailed, or, if
 * it has none in Beacon, the partnership's business managers, so that the reminder is not lost.
 */
export async function remindOverdueChallenges(db: Db, mailer: Mailer, now: Date, opts: { publicUrl?: string } = {}): Promise<Reminded[]> {
  const today = londonParts(now).date;
  const due = await db.selectFrom('challenge').select(['id', 'partnership_id'])
    .where('status', '=', 'open').where('reminded_at', 'is', null).where('response_due', '<', today).orderBy('response_due').execute();
  const reminded: Reminded[] = [];
  for (const { id, partnership_id: partnershipId } of due) {
    const claimed = await db.updateTable('challenge').set({ reminded_at: now })
      .where('id', '=', id).where('status', '=', 'open').where('reminded_at', 'is', null).returning('id').executeTakeFirst();
    if (!claimed) continue;
    await db.insertInto('challenge_event').values({ partnership_id: partnershipId, challenge_id: id, at: now, kind: 'reminded' }).execute();
    const f = await factsOf(db, partnershipId, id);
    const leads = await agencyLeads(db, partnershipId, f.toAgencyId);
    const to = leads.length ? leads : await businessManagers(db, partnershipId);
    const emailed = await sendEach(db, mailer, to, f, `Reminder: response to challenge ${f.reference} was due ${dateText(f.responseDue)}`, [
      `${f.toAgency}’s response to challenge ${f.reference} in the ${f.partnership} challenge log was due on ${dateText(f.responseDue)} and has not been given.`,
      ...(leads.length ? [] : ['', `No safeguarding lead of ${f.toAgency} has a Beacon account: please pass this on.`]),
      '',
      `Raised by: ${f.raisedBy}`,
      `Raised on: ${dateText(f.raisedOn)}`,
      '',
      `Give the response in Beacon: ${opts.publicUrl ?? ''}/governance/challenges/${f.id}`,
    ]);
    reminded.push({ challengeId: id, partnershipId, reference: f.reference, toAgency: f.toAgency, responseDue: f.responseDue, emailed });
  }
  return reminded;
}

// ---- Export ----

const CSV_HEAD = [
  'Reference', 'Raised on', 'Raised by', 'Raised by (person)', 'Challenged agency', 'Subject', 'Challenge', 'Group', 'Meeting', 'Response due',
  'Status', 'Overdue', 'Responded on', 'Response', 'Response recorded on the agency’s behalf', 'Resolved on', 'Resolution', 'Escalated on',
  'Reason for escalation', 'Actions',
];

/** The log as CSV, every cell spreadsheet-safe: free text beginning = + - @ is disarmed. */
export function challengesCsv(rows: ChallengeRow[], today: string): string {
  const day = (d: Date | null) => (d ? londonParts(d).date : null);
  const lines = [CSV_HEAD.map(csvCell).join(',')];
  for (const r of rows) {
    lines.push([
      r.reference, r.raisedOn, raisedByText(r), r.raisedByName, r.toAgency, r.subject, r.detail, r.group, day(r.meetingAt), r.responseDue,
      CHALLENGE_STATUSES[r.status], isOverdue(r, today) ? 'Yes' : 'No', day(r.respondedAt), r.response, r.response ? (r.responseOnBehalf ? 'Yes' : 'No') : null,
      day(r.resolvedAt), r.resolution, day(r.escalatedAt), r.escalationReason, r.actions,
    ].map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Challenges awaiting a response (and of them, overdue) and with the Executive: for the governance page and the hub. */
export async function challengeCounts(db: Db, partnershipId: number, today: string): Promise<{ open: number; overdue: number; escalated: number }> {
  const row = await db.selectFrom('challenge').select([
    sql<number>`(count(*) filter (where status = 'open'))::int`.as('open'),
    sql<number>`(count(*) filter (where status = 'open' and response_due < ${today}))::int`.as('overdue'),
    sql<number>`(count(*) filter (where status = 'escalated'))::int`.as('escalated'),
  ]).where('partnership_id', '=', partnershipId).executeTakeFirstOrThrow();
  return row;
}
