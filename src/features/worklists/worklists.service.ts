import type { Db } from '../../db/create-db';
import { addMonths } from '../../domain/calendar';
import { evaluate, type ClockContext, type ClockPoint, type TimescaleStatus } from '../../domain/timescales';
import { NotFound, ValidationFailed, fieldErrors, type FieldError } from '../../platform/errors';
import { findChildById, timescalesOf, type ChildTimescale } from '../children/children.service';
import { findUserInPartnership } from '../users/users.service';
import * as repo from './worklists.repository';
import { newAllocation, newTeam, outsideHomeFilter, teamFilter } from './worklists.schema';

/**
 * Practitioners' lists of what is due: the children allocated to them (and, for a team manager, to
 * their teams) with each child's most urgent statutory clock, and the children at risk outside the home.
 */

/** Three or more missing episodes in 12 months: "repeat missing", as the police figures and the 2014 guidance count it. */
export const REPEAT_MISSING_AT = 3;

// ---- teams and allocation ----

export async function addTeam(db: Db, partnershipId: number, input: unknown) {
  const parsed = newTeam.safeParse(input);
  if (!parsed.success) throw new ValidationFailed(fieldErrors(parsed.error.issues));
  if (await repo.findTeamByName(db, partnershipId, parsed.data.name)) {
    throw new ValidationFailed([{ field: 'name', message: `There is already a team called ${parsed.data.name}` }]);
  }
  return repo.insertTeam(db, partnershipId, parsed.data.name);
}

/** Adds a person of the partnership to one of its teams, or changes whether they manage it. */
export async function addTeamMember(db: Db, partnershipId: number, teamId: number, userId: number, opts: { manager?: boolean } = {}) {
  if (!(await repo.findTeam(db, partnershipId, teamId))) throw new NotFound('No such team', 'team', String(teamId));
  if (!(await findUserInPartnership(db, partnershipId, userId))) throw new NotFound('No such user', 'user', String(userId));
  await repo.upsertTeamMember(db, teamId, userId, opts.manager ?? false);
}

/** Takes a person out of a team; the allocations they hold stay theirs until someone reallocates them. */
export async function removeTeamMember(db: Db, partnershipId: number, teamId: number, userId: number) {
  if (!(await repo.findTeam(db, partnershipId, teamId))) throw new NotFound('No such team', 'team', String(teamId));
  await db.deleteFrom('team_member').where('team_id', '=', teamId).where('user_id', '=', userId).execute();
}

/**
 * Allocates a child to a worker (in a team) from a date. The child's current allocation, if any, ends
 * that day: a child has one current allocation at most.
 */
export async function allocate(db: Db, partnershipId: number, input: unknown) {
  const parsed = newAllocation.safeParse(input);
  if (!parsed.success) throw new ValidationFailed(fieldErrors(parsed.error.issues));
  const { childId, userId, teamId, fromDate } = parsed.data;
  const errors: FieldError[] = [];
  if (!(await findChildById(db, partnershipId, childId))) errors.push({ field: 'childId', message: 'Select a child of this partnership' });
  if (!(await findUserInPartnership(db, partnershipId, userId))) errors.push({ field: 'userId', message: 'Select a worker of this partnership' });
  if (teamId && !(await repo.findTeam(db, partnershipId, teamId))) errors.push({ field: 'teamId', message: 'Select a team of this partnership' });
  if (errors.length) throw new ValidationFailed(errors);
  return db.transaction().execute(async (tx) => {
    const current = await repo.currentAllocationOf(tx, partnershipId, childId);
    if (current && current.from_date > fromDate) {
      throw new ValidationFailed([{ field: 'fromDate', message: `The child’s current allocation began on ${current.from_date}: the new one cannot start before it` }]);
    }
    if (current) await tx.updateTable('allocation').set({ to_date: fromDate }).where('id', '=', current.id).execute();
    return tx.insertInto('allocation').values({ partnership_id: partnershipId, child_id: childId, user_id: userId, team_id: teamId ?? null, from_date: fromDate })
      .returning('id').executeTakeFirstOrThrow();
  });
}

export const { teamsManagedBy, childrenWithOpenCases, teamMembers, teamsWithMembers, allocationHistory } = repo;

// ---- what is due ----


export type DueClock = {
  name: string; about: string; due: ClockPoint; dueIsTime: boolean; status: TimescaleStatus; rag: 'red' | 'amber' | 'green';
};

export type WorkItem = {
  childId: string; firstName: string | null; lastName: string | null; laChildId: string;
  workerId: number; workerName: string; teamName: string | null; allocatedFrom: string;
  /** The child's most urgent running clock, if any clock runs. */
  urgent: DueClock | null;
  /** Its other clocks that are overdue or due soon. */
  alsoDue: DueClock[];
  status: 'overdue' | 'due_soon' | 'on_time' | 'none';
};

const RANK: Record<WorkItem['status'], number> = { overdue: 0, due_soon: 1, on_time: 2, none: 3 };
const dueKey = (due: ClockPoint) => (typeof due === 'string' ? due : due.toISOString());

function dueClock(c: ChildTimescale): DueClock {
  return { name: c.name, about: c.about, due: c.due, dueIsTime: typeof c.due !== 'string', status: c.status, rag: c.rag };
}

/** Runs `fn` over the items, a few at a time: a server pool answers in parallel, the embedded engine in turn. */
async function mapFew<T, R>(items: T[], fn: (item: T) => Promise<R>, few = 6): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(few, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  }));
  return out;
}

async function workItems(db: Db, partnershipId: number, allocations: repo.CurrentAllocation[], ctx: ClockContext): Promise<WorkItem[]> {
  const items = await mapFew(allocations, async (a): Promise<WorkItem> => {
    const clocks = (await timescalesOf(db, partnershipId, a.child_id, a.date_of_birth, ctx)).filter((c) => c.stopped === null);
    const [first, ...rest] = clocks;
    return {
      childId: a.child_id, firstName: a.first_name, lastName: a.last_name, laChildId: a.la_child_id,
      workerId: a.user_id, workerName: a.worker_name, teamName: a.team_name, allocatedFrom: a.from_date,
      urgent: first ? dueClock(first) : null,
      alsoDue: rest.filter((c) => c.status === 'overdue' || c.status === 'due_soon').map(dueClock),
      status: first ? (first.status as 'overdue' | 'due_soon' | 'on_time') : 'none',
    };
  });
  return items.sort((a, b) => RANK[a.status] - RANK[b.status]
    || (a.urgent && b.urgent ? dueKey(a.urgent.due).localeCompare(dueKey(b.urgent.due)) : 0)
    || (a.lastName ?? '').localeCompare(b.lastName ?? '') || (a.firstName ?? '').localeCompare(b.firstName ?? ''));
}

/** The children allocated to the person now, most urgent first. */
export async function myWork(db: Db, partnershipId: number, userId: number, ctx: ClockContext): Promise<WorkItem[]> {
  return workItems(db, partnershipId, await repo.currentAllocations(db, partnershipId, { userId }), ctx);
}

export type TeamFilter = { workerId: number | null; status: 'overdue' | 'due_soon' | null };

export function parseTeamFilter(query: unknown, workers: { id: number }[]): { filter: TeamFilter; errors: FieldError[] } {
  const none: TeamFilter = { workerId: null, status: null };
  const parsed = teamFilter.safeParse(query ?? {});
  if (!parsed.success) return { filter: none, errors: fieldErrors(parsed.error.issues) };
  const workerId = parsed.data.worker ? Number(parsed.data.worker) : null;
  if (workerId !== null && !workers.some((w) => w.id === workerId)) {
    return { filter: none, errors: [{ field: 'worker', message: 'Select a worker from the list' }] };
  }
  return { filter: { workerId, status: parsed.data.status || null }, errors: [] };
}

export type TeamWork = {
  teams: { id: number; name: string }[];
  /** The teams' workers, and anyone else holding a team allocation: who the worker filter offers. */
  workers: { id: number; name: string }[];
  filter: TeamFilter;
  /** Filters the address asked for that the list does not have: nothing is listed until they are put right. */
  errors: FieldError[];
  items: WorkItem[];
};

/**
 * The children allocated to the teams the person manages, or to anyone in them, most urgent first;
 * filtered by worker and by the child's most urgent status as the address asks.
 */
export async function teamWork(db: Db, partnershipId: number, managerId: number, ctx: ClockContext, query: unknown): Promise<TeamWork> {
  const teams = await repo.teamsManagedBy(db, partnershipId, managerId);
  const teamIds = teams.map((t) => t.id);
  const allocations = await repo.currentAllocations(db, partnershipId, { teamIds });
  const workers = new Map((await repo.workersOf(db, partnershipId, teamIds)).map((m) => [m.id, m.name]));
  for (const a of allocations) if (!workers.has(a.user_id)) workers.set(a.user_id, a.worker_name);
  const workerList = [...workers].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
  const { filter, errors } = parseTeamFilter(query, workerList);
  if (errors.length) return { teams, workers: workerList, filter, errors, items: [] };
  const shown = filter.workerId === null ? allocations : allocations.filter((a) => a.user_id === filter.workerId);
  const items = await workItems(db, partnershipId, shown, ctx);
  return { teams, workers: workerList, filter, errors, items: filter.status ? items.filter((i) => i.status === filter.status) : items };
}

// ---- children at risk outside the home ----

export type ReturnInterview =
  | { state: 'none' }
  | { state: 'still_missing' }
  | { state: 'offered'; withinLimit: boolean; offeredAt: Date }
  | { state: 'not_offered'; status: 'overdue' | 'due_soon' | 'on_time'; due: Date };

/** Whether the return interview after the child's last episode was offered within the 72 hours. */
function returnInterviewOf(c: repo.OutsideHomeChild, ctx: ClockContext): ReturnInterview {
  if (!c.last_started) return { state: 'none' };
  // As the child's timescales do: a return with only a date counts from midday.
  const returned = c.last_returned_at ?? (c.last_end_date ? new Date(`${c.last_end_date}T12:00:00Z`) : null);
  if (!returned) return { state: 'still_missing' };
  const clock = evaluate('return_interview', returned, c.last_offered_at, ctx);
  if (c.last_offered_at) return { state: 'offered', withinLimit: clock.status === 'met_on_time', offeredAt: c.last_offered_at };
  return { state: 'not_offered', status: clock.status as 'overdue' | 'due_soon' | 'on_time', due: clock.due as Date };
}

export type OutsideHomeChoices = { localities: string[]; places: { id: string; name: string; locality: string | null }[] };

export async function outsideHomeChoices(db: Db, partnershipId: number): Promise<OutsideHomeChoices> {
  return { localities: await repo.localitiesOf(db, partnershipId), places: await repo.placesOf(db, partnershipId) };
}

/** Reads the filters from the address; a locality or place the partnership does not have is an error, not an empty list. */
export function parseOutsideHomeFilter(query: unknown, choices: OutsideHomeChoices): { filter: repo.OutsideHomeFilter; errors: FieldError[] } {
  const parsed = outsideHomeFilter.safeParse(query ?? {});
  if (!parsed.success) return { filter: {}, errors: fieldErrors(parsed.error.issues) };
  const { locality = '', place = '' } = parsed.data;
  const errors: FieldError[] = [];
  if (locality && !choices.localities.includes(locality)) errors.push({ field: 'locality', message: 'Select a locality from the list' });
  if (place && !choices.places.some((p) => p.id === place)) errors.push({ field: 'place', message: 'Select a place of concern from the list' });
  return { filter: errors.length ? {} : { locality: locality || undefined, placeId: place || undefined }, errors };
}

export type OutsideHomeRow = repo.OutsideHomeChild & { repeatMissing: boolean; returnInterview: ReturnInterview };

export async function outsideHomeSummary(db: Db, partnershipId: number, ctx: ClockContext) {
  const since = addMonths(ctx.today, -12);
  return {
    since,
    byLocality: await repo.outsideHomeByLocality(db, partnershipId, since, REPEAT_MISSING_AT),
    byPlace: await repo.outsideHomeByPlace(db, partnershipId, since),
  };
}

/** The children with a missing episode or an exploitation assessment in the last 12 months, as filtered. */
export async function outsideHomeChildren(db: Db, partnershipId: number, ctx: ClockContext, filter: repo.OutsideHomeFilter): Promise<OutsideHomeRow[]> {
  const since = addMonths(ctx.today, -12);
  const rows = await repo.outsideHomeChildren(db, partnershipId, since, REPEAT_MISSING_AT, filter);
  return rows.map((r) => ({ ...r, repeatMissing: r.missing_count >= REPEAT_MISSING_AT, returnInterview: returnInterviewOf(r, ctx) }));
}
