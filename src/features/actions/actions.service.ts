import type { Db } from '../../db/create-db';
import type { ActionSource } from '../../db/schema-assurance';
import { isIsoDate } from '../../domain/calendar';
import { DUE_SOON_DAYS, isLearningTheme } from '../../domain/assurance';
import { ValidationFailed, type FieldError } from '../../platform/errors';

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
