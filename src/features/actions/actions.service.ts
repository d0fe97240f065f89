import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { ActionSource, ActionStatus } from '../../db/schema-assurance';
import { isIsoDate } from '../../domain/calendar';
import { ACTION_STATUSES, DUE_SOON_DAYS, isLearningTheme } from '../../domain/assurance';
import { NotFound, ValidationFailed, type FieldError } from '../../platform/errors';

/**
 * What a source (a review's recommendation, an audit's finding, a Section 11 standard, a meeting's
 * minute, a challenge) hands the tracker. The source has already checked its own form; this checks what
 * only the partnership's records can tell: that the owner agency, the owner and the group are its own.
 */
export type NewAction = {
  source: ActionSource;
  sourceId?: string | null;
  reference: string;
  recommendation?: string | null;
  description: string;
  ownerAgencyId: number;
  ownerUserId?: number | null;
  ownerName?: string | null;
  groupId?: number | null;
  themes?: string[];
  dueDate: string;
};

/**
 * Adds actions to the tracker, all or none. Field names in errors are the NewAction's own, prefixed with
 * the action's position when there are several (`1.dueDate`), so that a source can map them to its form.
 */
export async function createActions(db: Db, partnershipId: number, actions: NewAction[], createdBy: number | null, now: Date): Promise<string[]> {
  const errors: FieldError[] = [];
  const field = (i: number, name: string) => (actions.length > 1 ? `${i + 1}.${name}` : name);
  const agencies = new Set((await db.selectFrom('agency_partnership').select('agency_id').where('partnership_id', '=', partnershipId).execute()).map((r) => r.agency_id));
  const userIds = [...new Set(actions.flatMap((a) => (a.ownerUserId ? [a.ownerUserId] : [])))];
  const users = new Map(userIds.length === 0 ? [] : (await db.selectFrom('app_user').innerJoin('membership', 'membership.user_id', 'app_user.id')
    .select(['app_user.id', 'app_user.agency_id']).distinct()
    .where('membership.partnership_id', '=', partnershipId).where('app_user.id', 'in', userIds).execute()).map((u) => [u.id, u.agency_id]));
  const groupIds = [...new Set(actions.flatMap((a) => (a.groupId ? [a.groupId] : [])))];
  const groups = new Set(groupIds.length === 0 ? [] : (await db.selectFrom('assurance_group').select('id')
    .where('partnership_id', '=', partnershipId).where('id', 'in', groupIds).execute()).map((g) => g.id));

  actions.forEach((a, i) => {
    if (!a.reference.trim()) errors.push({ field: field(i, 'reference'), message: 'Enter a reference' });
    if (!a.description.trim()) errors.push({ field: field(i, 'description'), message: 'Enter the action' });
    if (!agencies.has(a.ownerAgencyId)) errors.push({ field: field(i, 'ownerAgencyId'), message: 'Select the agency that owns the action' });
    if (a.ownerUserId && !users.has(a.ownerUserId)) errors.push({ field: field(i, 'ownerUserId'), message: 'Select a person of this partnership' });
    else if (a.ownerUserId && users.get(a.ownerUserId) !== a.ownerAgencyId) errors.push({ field: field(i, 'ownerUserId'), message: 'The owner must work for the owner agency' });
    if (a.groupId && !groups.has(a.groupId)) errors.push({ field: field(i, 'groupId'), message: 'Select a group of this partnership' });
    if (!isIsoDate(a.dueDate)) errors.push({ field: field(i, 'dueDate'), message: 'Enter a real due date' });
    const unknown = (a.themes ?? []).filter((t) => !isLearningTheme(t));
    if (unknown.length) errors.push({ field: field(i, 'themes'), message: `Unknown learning theme: ${unknown.join(', ')}` });
  });
  if (errors.length) throw new ValidationFailed(errors);
  if (actions.length === 0) return [];

  const rows = await db.insertInto('action').values(actions.map((a) => ({
    partnership_id: partnershipId, source: a.source, source_id: a.sourceId ?? null, reference: a.reference.trim(),
    recommendation: a.recommendation?.trim() || null, description: a.description.trim(), owner_agency_id: a.ownerAgencyId,
    owner_user_id: a.ownerUserId ?? null, owner_name: a.ownerName?.trim() || null, group_id: a.groupId ?? null,
    themes: a.themes ?? [], due_date: a.dueDate, created_by: createdBy, created_at: now, updated_at: now,
  }))).returning('id').execute();
  await db.insertInto('action_update').values(rows.map((r) => ({
    action_id: r.id, partnership_id: partnershipId, at: now, user_id: createdBy, status: 'open' as const, note: 'Action added',
  }))).execute();
  return rows.map((r) => r.id);
}

/** A source's actions, for its own page (the tracker lists every source's). */
export function actionsOfSource(db: Db, partnershipId: number, source: ActionSource, sourceId: string) {
  return db.selectFrom('action').innerJoin('agency', 'agency.id', 'action.owner_agency_id')
    .leftJoin('app_user as owner', 'owner.id', 'action.owner_user_id')
    .select(['action.id', 'action.reference', 'action.recommendation', 'action.description', 'action.due_date', 'action.status',
      'action.evidence', 'action.completed_at', 'action.owner_agency_id', 'agency.name as owner_agency', 'action.owner_name', 'owner.name as owner_user'])
    .where('action.partnership_id', '=', partnershipId).where('action.source', '=', source).where('action.source_id', '=', sourceId)
    .orderBy('action.due_date').orderBy('action.reference').execute();
}

export type ActionCounts = { open: number; overdue: number; dueSoon: number; completed: number };

/** Open, overdue and due-soon actions (as `actionRag` rates them), and those completed: of one agency when given. */
export async function actionCounts(db: Db, partnershipId: number, today: string, ownerAgencyId?: number): Promise<ActionCounts> {
  const soon = addDays(today, DUE_SOON_DAYS);
  let q = db.selectFrom('action').where('partnership_id', '=', partnershipId);
  if (ownerAgencyId !== undefined) q = q.where('owner_agency_id', '=', ownerAgencyId);
  const row = await q.select((eb) => [
    eb.fn.countAll<number>().filterWhere('status', 'in', ['open', 'in_progress']).as('open'),
    eb.fn.countAll<number>().filterWhere((w) => w.and([w('status', 'in', ['open', 'in_progress']), w('due_date', '<', today)])).as('overdue'),
    eb.fn.countAll<number>().filterWhere((w) => w.and([w('status', 'in', ['open', 'in_progress']), w('due_date', '>=', today), w('due_date', '<=', soon)])).as('dueSoon'),
    eb.fn.countAll<number>().filterWhere('status', '=', 'completed').as('completed'),
  ]).executeTakeFirstOrThrow();
  return { open: Number(row.open), overdue: Number(row.overdue), dueSoon: Number(row.dueSoon), completed: Number(row.completed) };
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------------------
// One action: reading it, updating its progress, and the business manager's changes to its plan

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TEXT = 10_000;

/** Someone saved the action after the form was opened: nothing was changed. */
export class EditConflict extends Error {
  constructor() { super('The action was changed by someone else'); }
}

/** The page a source keeps of its own records; inspections and other sources have none in Beacon. */
export function sourceHref(source: ActionSource, sourceId: string | null): string | null {
  if (!sourceId) return null;
  const id = encodeURIComponent(sourceId);
  switch (source) {
    case 'review': return `/reviews/${id}`;
    case 'audit': return `/audits/rounds/${id}`;
    case 'section_11': return `/section-11/returns/${id}`;
    case 'meeting': return `/governance/meetings/${id}`;
    case 'challenge': return `/governance/challenges/${id}`;
    default: return null;
  }
}

export type ActionView = {
  id: string;
  source: ActionSource;
  sourceId: string | null;
  reference: string;
  recommendation: string | null;
  description: string;
  ownerAgencyId: number;
  ownerAgency: string;
  ownerUserId: number | null;
  ownerUser: string | null;
  ownerName: string | null;
  groupId: number | null;
  group: string | null;
  themes: string[];
  dueDate: string;
  status: ActionStatus;
  evidence: string | null;
  completedAt: Date | null;
  lastRemindedAt: Date | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  history: { at: Date; by: string | null; status: ActionStatus; note: string | null; evidence: string | null }[];
};

/** An action of the partnership with its history, newest first; another partnership's is not found. */
export async function findAction(db: Db, partnershipId: number, id: string): Promise<ActionView> {
  const a = UUID.test(id) ? await db.selectFrom('action').innerJoin('agency', 'agency.id', 'action.owner_agency_id')
    .leftJoin('app_user as owner', 'owner.id', 'action.owner_user_id')
    .leftJoin('app_user as creator', 'creator.id', 'action.created_by')
    .leftJoin('assurance_group as g', 'g.id', 'action.group_id')
    .selectAll('action').select(['agency.name as owner_agency', 'owner.name as owner_user', 'creator.name as creator', 'g.name as group_name'])
    .where('action.partnership_id', '=', partnershipId).where('action.id', '=', id).executeTakeFirst() : undefined;
  if (!a) throw new NotFound('No such action', 'action', id.slice(0, 60));
  const history = await db.selectFrom('action_update as u').leftJoin('app_user as p', 'p.id', 'u.user_id')
    .select(['u.at', 'p.name as by', 'u.status', 'u.note', 'u.evidence'])
    .where('u.partnership_id', '=', partnershipId).where('u.action_id', '=', a.id)
    .orderBy('u.at', 'desc').orderBy('u.id', 'desc').execute();
  return {
    id: a.id, source: a.source, sourceId: a.source_id, reference: a.reference, recommendation: a.recommendation, description: a.description,
    ownerAgencyId: a.owner_agency_id, ownerAgency: a.owner_agency, ownerUserId: a.owner_user_id, ownerUser: a.owner_user, ownerName: a.owner_name,
    groupId: a.group_id, group: a.group_name, themes: a.themes, dueDate: a.due_date, status: a.status, evidence: a.evidence,
    completedAt: a.completed_at, lastRemindedAt: a.last_reminded_at, createdBy: a.creator, createdAt: a.created_at, updatedAt: a.updated_at, version: a.version,
    history,
  };
}

/** Whether a person may record progress on an action: the business manager on any, an agency only on its own. */
export function mayUpdate(action: { ownerAgencyId: number }, who: { manages: boolean; contributes: boolean; agencyId: number }): boolean {
  return who.manages || (who.contributes && who.agencyId === action.ownerAgencyId);
}

export type ActionUpdateInput = { status?: string; note?: string; evidence?: string };

/** What is wrong with a progress update, by field; the status is one of ACTION_STATUSES' codes. */
export function updateProblems(input: ActionUpdateInput, current: ActionStatus): FieldError[] {
  const errors: FieldError[] = [];
  const status = input.status ?? '';
  const note = input.note?.trim() ?? '';
  const evidence = input.evidence?.trim() ?? '';
  if (!Object.hasOwn(ACTION_STATUSES, status)) errors.push({ field: 'status', message: 'Select the status of the action' });
  if (status === 'completed' && !evidence) {
    errors.push({ field: 'evidence', message: 'Enter the evidence that the action is completed, such as what an audit or a check found' });
  }
  if (status === 'cancelled' && !note) errors.push({ field: 'note', message: 'Enter the reason for cancelling the action' });
  if (status === current && status !== 'completed' && status !== 'cancelled' && !note && !evidence) {
    errors.push({ field: 'note', message: 'Enter a progress note, or change the status' });
  }
  if (note.length > MAX_TEXT) errors.push({ field: 'note', message: `The progress note must be ${MAX_TEXT.toLocaleString('en-GB')} characters or fewer` });
  if (evidence.length > MAX_TEXT) errors.push({ field: 'evidence', message: `The evidence must be ${MAX_TEXT.toLocaleString('en-GB')} characters or fewer` });
  return errors;
}

/**
 * Records progress on an action, as of the version the form was opened at: its status, a note and the
 * evidence (needed to complete it; a reason is needed to cancel it). The caller has checked who may.
 */
export async function updateAction(db: Db, partnershipId: number, id: string, version: number, input: ActionUpdateInput, by: number, now: Date): Promise<{ from: ActionStatus; to: ActionStatus }> {
  return db.transaction().execute(async (tx) => {
    const current = await tx.selectFrom('action').select(['id', 'status', 'completed_at', 'evidence'])
      .where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
    if (!current) throw new NotFound('No such action', 'action', id);
    const errors = updateProblems(input, current.status);
    if (errors.length) throw new ValidationFailed(errors);
    const to = input.status as ActionStatus;
    const note = input.note?.trim() || null;
    const evidence = input.evidence?.trim() || null;
    const saved = await tx.updateTable('action').set({
      status: to, evidence: evidence ?? current.evidence,
      completed_at: to === 'completed' ? (current.status === 'completed' ? current.completed_at : now) : null,
      updated_at: now, version: sql`version + 1`,
    }).where('partnership_id', '=', partnershipId).where('id', '=', id).where('version', '=', version).returning('id').executeTakeFirst();
    if (!saved) throw new EditConflict();
    await tx.insertInto('action_update').values({ action_id: id, partnership_id: partnershipId, at: now, user_id: by, status: to, note, evidence }).execute();
    return { from: current.status, to };
  });
}

export type ActionChangeInput = { dueDate?: string | null; ownerAgencyId?: string; ownerUserId?: string; ownerName?: string; groupId?: string; reason?: string };

/** The partnership's people, each with their agency, who may own an action. */
export function partnershipPeople(db: Db, partnershipId: number) {
  return db.selectFrom('app_user as u').innerJoin('agency as a', 'a.id', 'u.agency_id')
    .select(['u.id', 'u.name', 'u.agency_id as agencyId', 'a.name as agency']).distinct()
    .where('u.status', '=', 'active')
    .where((eb) => eb.exists(eb.selectFrom('membership as m').select('m.user_id').whereRef('m.user_id', '=', 'u.id').where('m.partnership_id', '=', partnershipId)))
    .orderBy('a.name').orderBy('u.name').execute();
}

const optionalId = (v: string | undefined) => (v && /^\d{1,9}$/.test(v.trim()) ? Number(v.trim()) : v?.trim() ? NaN : null);

/**
 * The business manager moves an action's due date, or gives it to another agency, person or group; the
 * reason and each change go into the action's history.
 */
export async function changeAction(db: Db, partnershipId: number, id: string, version: number, input: ActionChangeInput, by: number, now: Date): Promise<string[]> {
  return db.transaction().execute(async (tx) => {
    const a = await findAction(tx, partnershipId, id);
    const errors: FieldError[] = [];
    const dueDate = input.dueDate ?? null;
    if (dueDate === null) errors.push({ field: 'dueDate', message: 'Enter the due date' });
    else if (!isIsoDate(dueDate)) errors.push({ field: 'dueDate', message: 'The due date must be a real date, like 31 3 2027' });
    const agencyId = optionalId(input.ownerAgencyId);
    const userId = optionalId(input.ownerUserId);
    const groupId = optionalId(input.groupId);
    const ownerName = input.ownerName?.trim() || null;
    const reason = input.reason?.trim() ?? '';
    const agency = agencyId ? await tx.selectFrom('agency').innerJoin('agency_partnership as ap', 'ap.agency_id', 'agency.id').select(['agency.id', 'agency.name'])
      .where('ap.partnership_id', '=', partnershipId).where('agency.id', '=', agencyId).executeTakeFirst() : undefined;
    if (!agency) errors.push({ field: 'ownerAgencyId', message: 'Select the agency that owns the action' });
    const person = userId ? (await partnershipPeople(tx, partnershipId)).find((p) => p.id === userId) : undefined;
    if (userId !== null && !person) errors.push({ field: 'ownerUserId', message: 'Select a person of this partnership' });
    else if (person && agency && person.agencyId !== agency.id) errors.push({ field: 'ownerUserId', message: 'The owner must work for the owner agency' });
    if (person && ownerName) errors.push({ field: 'ownerName', message: 'Select a person or enter a name, not both' });
    if (ownerName && ownerName.length > 200) errors.push({ field: 'ownerName', message: 'The owner’s name must be 200 characters or fewer' });
    const group = groupId ? await tx.selectFrom('assurance_group').select(['id', 'name']).where('partnership_id', '=', partnershipId).where('id', '=', groupId).executeTakeFirst() : undefined;
    if (groupId !== null && !group) errors.push({ field: 'groupId', message: 'Select a group of this partnership' });
    if (!reason) errors.push({ field: 'reason', message: 'Enter the reason for the change' });
    else if (reason.length > MAX_TEXT) errors.push({ field: 'reason', message: `The reason must be ${MAX_TEXT.toLocaleString('en-GB')} characters or fewer` });
    if (errors.length) throw new ValidationFailed(errors);

    const owner = (name: string | null, user: string | null) => user ?? name ?? 'no one named';
    const changes: string[] = [];
    if (dueDate !== a.dueDate) changes.push(`Due date changed from ${a.dueDate} to ${dueDate}`);
    if (agency!.id !== a.ownerAgencyId) changes.push(`Owner agency changed from ${a.ownerAgency} to ${agency!.name}`);
    if ((person?.id ?? null) !== a.ownerUserId || (person ? null : ownerName) !== (a.ownerUserId ? null : a.ownerName)) {
      changes.push(`Owner changed from ${owner(a.ownerName, a.ownerUser)} to ${owner(ownerName, person?.name ?? null)}`);
    }
    if ((group?.id ?? null) !== a.groupId) changes.push(`Group changed from ${a.group ?? 'none'} to ${group?.name ?? 'none'}`);
    if (changes.length === 0) throw new ValidationFailed([{ field: 'dueDate', message: 'Change the due date, the owner or the group' }]);
    const reRemind = dueDate !== a.dueDate || agency!.id !== a.ownerAgencyId || (person?.id ?? null) !== a.ownerUserId;

    const saved = await tx.updateTable('action').set({
      due_date: dueDate!, owner_agency_id: agency!.id, owner_user_id: person?.id ?? null, owner_name: person ? null : ownerName, group_id: group?.id ?? null,
      // A new due date or a new owner deserves a reminder on its own terms.
      ...(reRemind ? { last_reminded_at: null } : {}), updated_at: now, version: sql`version + 1`,
    }).where('partnership_id', '=', partnershipId).where('id', '=', id).where('version', '=', version).returning('id').executeTakeFirst();
    if (!saved) throw new EditConflict();
    await tx.insertInto('action_update').values({
      action_id: id, partnership_id: partnershipId, at: now, user_id: by, status: a.status, note: `${changes.join('. ')}. Reason: ${reason}`,
    }).execute();
    return changes;
  });
}
