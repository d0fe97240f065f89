import { sql } from 'kysely';
import type { Db } from '../../db/create-db';

/** Teams, their members and the allocation of children to workers. Every query is of one partnership. */

export function insertTeam(db: Db, partnershipId: number, name: string) {
  return db.insertInto('team').values({ partnership_id: partnershipId, name }).returning(['id', 'name']).executeTakeFirstOrThrow();
}

export function findTeam(db: Db, partnershipId: number, teamId: number) {
  return db.selectFrom('team').select(['id', 'name']).where('partnership_id', '=', partnershipId).where('id', '=', teamId).executeTakeFirst();
}

export function findTeamByName(db: Db, partnershipId: number, name: string) {
  return db.selectFrom('team').select(['id', 'name']).where('partnership_id', '=', partnershipId).where('name', '=', name).executeTakeFirst();
}

export async function upsertTeamMember(db: Db, teamId: number, userId: number, isManager: boolean) {
  await db.insertInto('team_member').values({ team_id: teamId, user_id: userId, is_manager: isManager })
    .onConflict((oc) => oc.columns(['team_id', 'user_id']).doUpdateSet({ is_manager: isManager })).execute();
}

/** The teams the person manages in this partnership. */
export function teamsManagedBy(db: Db, partnershipId: number, userId: number) {
  return db.selectFrom('team as t').innerJoin('team_member as tm', 'tm.team_id', 't.id')
    .select(['t.id', 't.name'])
    .where('t.partnership_id', '=', partnershipId).where('tm.user_id', '=', userId).where('tm.is_manager', '=', true)
    .orderBy('t.name').execute();
}

/** The workers in these teams (the partnership's teams only): their members other than those who only manage them. */
export function workersOf(db: Db, partnershipId: number, teamIds: number[]) {
  if (teamIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('team_member as tm').innerJoin('team as t', 't.id', 'tm.team_id').innerJoin('app_user as u', 'u.id', 'tm.user_id')
    .select(['u.id', 'u.name']).distinct()
    .where('t.partnership_id', '=', partnershipId).where('t.id', 'in', teamIds).where('tm.is_manager', '=', false)
    .orderBy('u.name').orderBy('u.id').execute();
}

export type CurrentAllocation = {
  allocation_id: string; child_id: string; first_name: string | null; last_name: string | null; la_child_id: string; date_of_birth: string | null;
  user_id: number; worker_name: string; team_name: string | null; from_date: string;
};

/**
 * Current allocations held by these workers, or made to these teams or to any of their members.
 * The child, the allocation and the team are all of the partnership.
 */
export function currentAllocations(db: Db, partnershipId: number, by: { userId: number } | { teamIds: number[] }): Promise<CurrentAllocation[]> {
  let query = db.selectFrom('allocation as a')
    .innerJoin('child as c', (j) => j.onRef('c.id', '=', 'a.child_id').on('c.partnership_id', '=', partnershipId))
    .innerJoin('app_user as u', 'u.id', 'a.user_id')
    .leftJoin('team as t', (j) => j.onRef('t.id', '=', 'a.team_id').on('t.partnership_id', '=', partnershipId))
    .select(['a.id as allocation_id', 'c.id as child_id', 'c.first_name', 'c.last_name', 'c.la_child_id', 'c.date_of_birth',
      'a.user_id', 'u.name as worker_name', 't.name as team_name', 'a.from_date'])
    .where('a.partnership_id', '=', partnershipId).where('a.to_date', 'is', null);
  if ('userId' in by) {
    query = query.where('a.user_id', '=', by.userId);
  } else {
    if (by.teamIds.length === 0) return Promise.resolve([]);
    const members = db.selectFrom('team_member as tm').innerJoin('team as mt', 'mt.id', 'tm.team_id').select('tm.user_id')
      .where('mt.partnership_id', '=', partnershipId).where('mt.id', 'in', by.teamIds);
    query = query.where((eb) => eb.or([eb('a.team_id', 'in', by.teamIds), eb('a.user_id', 'in', members)]));
  }
  return query.orderBy('c.last_name').orderBy('c.first_name').orderBy('c.id').execute();
}

export function currentAllocationOf(db: Db, partnershipId: number, childId: string) {
  return db.selectFrom('allocation').select(['id', 'user_id', 'team_id', 'from_date'])
    .where('partnership_id', '=', partnershipId).where('child_id', '=', childId).where('to_date', 'is', null).executeTakeFirst();
}

/** Children with an open referral (not NFA), an open protection or CIN plan, or an open care episode. */
export function childrenWithOpenCases(db: Db, partnershipId: number) {
  const open = db.selectFrom('referral as r').select(['r.child_id', 'r.referral_date as since'])
    .where('r.partnership_id', '=', partnershipId).where('r.closure_date', 'is', null)
    .where((eb) => eb.or([eb('r.referral_nfa', 'is', null), eb('r.referral_nfa', '=', false)]))
    .union(db.selectFrom('cp_plan as p').innerJoin('referral as r', 'r.id', 'p.referral_id').select(['r.child_id', 'p.start_date as since'])
      .where('p.partnership_id', '=', partnershipId).where('p.end_date', 'is', null))
    .union(db.selectFrom('cin_plan as p').innerJoin('referral as r', 'r.id', 'p.referral_id').select(['r.child_id', 'p.start_date as since'])
      .where('p.partnership_id', '=', partnershipId).where('p.end_date', 'is', null))
    .union(db.selectFrom('cla_episode as e').select(['e.child_id', 'e.start_date as since'])
      .where('e.partnership_id', '=', partnershipId).where('e.end_date', 'is', null));
  return db.with('open_case', () => open)
    .selectFrom('open_case as o').innerJoin('child as c', (j) => j.onRef('c.id', '=', 'o.child_id').on('c.partnership_id', '=', partnershipId))
    .select((eb) => ['c.id', 'c.la_child_id', eb.fn.min<string>('o.since').as('since'),
      eb.exists(eb.selectFrom('cla_episode as e').select('e.id').whereRef('e.child_id', '=', 'c.id').where('e.partnership_id', '=', partnershipId).where('e.end_date', 'is', null)).as('in_care'),
      eb.exists(eb.selectFrom('cp_plan as p').innerJoin('referral as r', 'r.id', 'p.referral_id').select('p.id')
        .whereRef('r.child_id', '=', 'c.id').where('p.partnership_id', '=', partnershipId).where('p.end_date', 'is', null)).as('on_plan')])
    .groupBy(['c.id', 'c.la_child_id']).orderBy('c.la_child_id').execute();
}

const riskRank = sql<number>`case risk_level when 'high' then 3 when 'medium' then 2 else 1 end`;

/**
 * The children at risk outside the home, as common table expressions: `missing` (the partnership's
 * missing and away episodes since `since`, the newest of each child first), `exploitation` (every
 * exploitation assessment, the newest and highest first), `linked` (each child and place of concern on a
 * recent episode or assessment), and `listed` (the children with either, one row each, with their
 * counts of missing and away episodes).
 */
function outsideHome(db: Db, partnershipId: number, since: string) {
  return db
    .with('missing', (qb) => qb.selectFrom('missing_episode')
      .select(['child_id', 'missing_type', 'start_date', 'returned_at', 'end_date', 'return_interview_offered_at', 'place_of_concern_id'])
      .select((eb) => eb.fn.agg<number>('row_number').over((ob) => ob.partitionBy('child_id').orderBy('start_date', 'desc')).as('recency'))
      .where('partnership_id', '=', partnershipId).where('start_date', '>=', since))
    .with('exploitation', (qb) => qb.selectFrom('exploitation_assessment')
      .select(['child_id', 'kind', 'risk_level', 'assessment_date', 'place_of_concern_id'])
      .select((eb) => eb.fn.agg<number>('row_number').over((ob) => ob.partitionBy('child_id').orderBy('assessment_date', 'desc').orderBy(riskRank, 'desc')).as('recency'))
      .where('partnership_id', '=', partnershipId))
    .with('linked', (qb) => qb.selectFrom('missing').select(['child_id', 'place_of_concern_id']).where('place_of_concern_id', 'is not', null)
      .union(qb.selectFrom('exploitation').select(['child_id', 'place_of_concern_id']).where('place_of_concern_id', 'is not', null).where('assessment_date', '>=', since)))
    .with('episodes', (qb) => qb.selectFrom('missing').select('child_id')
      .select((eb) => [
        eb.fn.countAll<number>().filterWhere('missing_type', '=', 'M').as('missing_count'),
        eb.fn.countAll<number>().filterWhere('missing_type', '=', 'A').as('away_count'),
      ])
      .groupBy('child_id'))
    .with('listed', (qb) => qb.selectFrom((sub) => sub.selectFrom('missing').select('child_id')
      .union(sub.selectFrom('exploitation').select('child_id').where('assessment_date', '>=', since)).as('l'))
      .innerJoin('child as c', (j) => j.onRef('c.id', '=', 'l.child_id').on('c.partnership_id', '=', partnershipId))
      .leftJoin('episodes as n', 'n.child_id', 'l.child_id')
      .select((eb) => ['c.id', 'c.first_name', 'c.last_name', 'c.la_child_id', 'c.date_of_birth', 'c.locality',
        eb.fn.coalesce('n.missing_count', sql<number>`0`).as('missing_count'),
        eb.fn.coalesce('n.away_count', sql<number>`0`).as('away_count')]));
}

export type OutsideHomeFilter = { locality?: string; placeId?: string };

export type OutsideHomeChild = {
  id: string; first_name: string | null; last_name: string | null; la_child_id: string; date_of_birth: string | null; locality: string | null;
  missing_count: number; away_count: number;
  last_started: string | null; last_returned_at: Date | null; last_end_date: string | null; last_offered_at: Date | null;
  risk_level: 'low' | 'medium' | 'high' | null; risk_kind: 'sexual' | 'criminal' | null; risk_date: string | null;
  place_names: string[];
};

/** The working list: one row per child, repeat missing first, then by missing episodes and risk, then name. */
export async function outsideHomeChildren(db: Db, partnershipId: number, since: string, repeatAt: number, filter: OutsideHomeFilter): Promise<OutsideHomeChild[]> {
  let query = outsideHome(db, partnershipId, since)
    .with('child_places', (qb) => qb.selectFrom('linked as k')
      .innerJoin('place_of_concern as p', (j) => j.onRef('p.id', '=', 'k.place_of_concern_id').on('p.partnership_id', '=', partnershipId))
      .select((eb) => ['k.child_id', eb.fn.agg<string[]>('array_agg', ['p.name']).orderBy('p.name').as('place_names')])
      .groupBy('k.child_id'))
    .selectFrom('listed as c')
    .leftJoin('missing as last', (j) => j.onRef('last.child_id', '=', 'c.id').on('last.recency', '=', 1))
    .leftJoin('exploitation as risk', (j) => j.onRef('risk.child_id', '=', 'c.id').on('risk.recency', '=', 1))
    .leftJoin('child_places as cp', 'cp.child_id', 'c.id')
    .select(['c.id', 'c.first_name', 'c.last_name', 'c.la_child_id', 'c.date_of_birth', 'c.locality', 'c.missing_count', 'c.away_count',
      'last.start_date as last_started', 'last.returned_at as last_returned_at', 'last.end_date as last_end_date',
      'last.return_interview_offered_at as last_offered_at',
      'risk.risk_level', 'risk.kind as risk_kind', 'risk.assessment_date as risk_date', 'cp.place_names']);
  if (filter.locality) query = query.where('c.locality', '=', filter.locality);
  if (filter.placeId) {
    const placeId = filter.placeId;
    query = query.where(({ exists, selectFrom }) => exists(selectFrom('linked as k').select('k.child_id')
      .whereRef('k.child_id', '=', 'c.id').where('k.place_of_concern_id', '=', placeId)));
  }
  const rows = await query
    .orderBy(sql`case when c.missing_count >= ${repeatAt} then 0 else 1 end`)
    .orderBy('c.missing_count', 'desc')
    .orderBy(sql`case risk.risk_level when 'high' then 0 when 'medium' then 1 when 'low' then 2 else 3 end`)
    .orderBy('c.last_name').orderBy('c.first_name').orderBy('c.id')
    .execute();
  return rows.map((r) => ({ ...r, missing_count: Number(r.missing_count), away_count: Number(r.away_count), place_names: r.place_names ?? [] }));
}

/** How many children on the list live in each locality, and how many of them go missing repeatedly. */
export async function outsideHomeByLocality(db: Db, partnershipId: number, since: string, repeatAt: number) {
  const rows = await outsideHome(db, partnershipId, since)
    .selectFrom('listed as c')
    .select((eb) => ['c.locality', eb.fn.countAll<number>().as('children'),
      eb.fn.countAll<number>().filterWhere('c.missing_count', '>=', repeatAt).as('repeat_missing')])
    .groupBy('c.locality')
    .orderBy(sql`c.locality is null`).orderBy('c.locality')
    .execute();
  return rows.map((r) => ({ locality: r.locality, children: Number(r.children), repeatMissing: Number(r.repeat_missing) }));
}

/** Each place of concern with the number of children on the list linked to it, most first. */
export async function outsideHomeByPlace(db: Db, partnershipId: number, since: string) {
  const rows = await outsideHome(db, partnershipId, since)
    .selectFrom('place_of_concern as p')
    .innerJoin('linked as k', 'k.place_of_concern_id', 'p.id')
    .innerJoin('listed as c', 'c.id', 'k.child_id')
    .select((eb) => ['p.id', 'p.name', 'p.locality', eb.fn.count<number>('k.child_id').distinct().as('children')])
    .where('p.partnership_id', '=', partnershipId)
    .groupBy(['p.id', 'p.name', 'p.locality'])
    .orderBy('children', 'desc').orderBy('p.name')
    .execute();
  return rows.map((r) => ({ ...r, children: Number(r.children) }));
}

/** The localities the partnership's children live in: what the locality filter offers. */
export async function localitiesOf(db: Db, partnershipId: number): Promise<string[]> {
  const rows = await db.selectFrom('child').select('locality').distinct()
    .where('partnership_id', '=', partnershipId).where('locality', 'is not', null).orderBy('locality').execute();
  return rows.map((r) => r.locality!);
}

export function placesOf(db: Db, partnershipId: number) {
  return db.selectFrom('place_of_concern').select(['id', 'name', 'locality']).where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

/** Every team of the partnership with its members, for choosing whom to allocate a child to. */
export function teamMembers(db: Db, partnershipId: number) {
  return db.selectFrom('team as t').innerJoin('team_member as tm', 'tm.team_id', 't.id').innerJoin('app_user as u', 'u.id', 'tm.user_id')
    .select(['t.id as team_id', 't.name as team_name', 'u.id as user_id', 'u.name as user_name'])
    .where('t.partnership_id', '=', partnershipId).where('u.status', '=', 'active')
    .orderBy('t.name').orderBy('u.name').execute();
}

/** A child's allocations, newest first, with the worker's and team's names. */
export function allocationHistory(db: Db, partnershipId: number, childId: string) {
  return db.selectFrom('allocation as a').innerJoin('app_user as u', 'u.id', 'a.user_id').leftJoin('team as t', 't.id', 'a.team_id')
    .select(['a.id', 'a.from_date', 'a.to_date', 'u.name as worker', 't.name as team'])
    .where('a.partnership_id', '=', partnershipId).where('a.child_id', '=', childId)
    .orderBy('a.from_date', 'desc').orderBy('a.to_date', 'desc').execute();
}

/** Every team of the partnership with its members, managers first (a new team has none yet). */
export function teamsWithMembers(db: Db, partnershipId: number) {
  return db.selectFrom('team as t').leftJoin('team_member as tm', 'tm.team_id', 't.id').leftJoin('app_user as u', 'u.id', 'tm.user_id')
    .select(['t.id as team_id', 't.name as team_name', 'u.id as user_id', 'u.name as user_name', 'tm.is_manager'])
    .where('t.partnership_id', '=', partnershipId).orderBy('t.name').orderBy('tm.is_manager', 'desc').orderBy('u.name').execute();
}
