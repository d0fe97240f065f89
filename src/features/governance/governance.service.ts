import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { AgencyType } from '../../db/schema';
import { londonSpan, attendanceByAgency, type AgencyAttendance } from './meetings.service';
import { STATUTORY_TYPES, type GroupKind } from './terms';

/**
 * What the annual report says of the partnership's governance over a period: the meetings each group
 * held, the statutory partners' attendance at them, and the challenges raised and how they ended.
 */
export type GovernanceSummary = {
  from: string;
  to: string;
  meetings: { groupId: number; group: string; kind: GroupKind; held: number; cancelled: number }[];
  /** The statutory partners (local authority, police, health), each agency on its own. */
  attendance: AgencyAttendance[];
  challenges: {
    raised: number; responded: number; respondedOnTime: number; resolved: number; escalated: number; awaitingResponse: number;
    byAgency: { agencyId: number; agency: string; type: AgencyType; raised: number; received: number }[];
  };
};

export async function governanceSummary(db: Db, partnershipId: number, from: string, to: string): Promise<GovernanceSummary> {
  const { start, end } = londonSpan(from, to);
  const meetings = await db.selectFrom('assurance_group as g')
    .leftJoin('group_meeting as m', (j) => j.onRef('m.group_id', '=', 'g.id').on('m.starts_at', '>=', start).on('m.starts_at', '<', end))
    .select(['g.id as groupId', 'g.name as group', 'g.kind',
      sql<number>`(count(m.id) filter (where m.status = 'held'))::int`.as('held'),
      sql<number>`(count(m.id) filter (where m.status = 'cancelled'))::int`.as('cancelled')])
    .where('g.partnership_id', '=', partnershipId)
    .groupBy(['g.id', 'g.name', 'g.kind']).orderBy('g.name').execute();

  const attendance = (await attendanceByAgency(db, partnershipId, from, to)).filter((a) => STATUTORY_TYPES.includes(a.type));

  // Raised in the period; responded, resolved and escalated counted by when each happened, whenever raised.
  const inPeriod = (column: 'c.responded_at' | 'c.resolved_at' | 'c.escalated_at') => sql<boolean>`${sql.ref(column)} >= ${start} and ${sql.ref(column)} < ${end}`;
  const c = await db.selectFrom('challenge as c')
    .select([
      sql<number>`(count(*) filter (where c.raised_on between ${from} and ${to}))::int`.as('raised'),
      sql<number>`(count(*) filter (where ${inPeriod('c.responded_at')}))::int`.as('responded'),
      sql<number>`(count(*) filter (where ${inPeriod('c.responded_at')} and (c.responded_at at time zone 'Europe/London')::date <= c.response_due))::int`.as('respondedOnTime'),
      sql<number>`(count(*) filter (where ${inPeriod('c.resolved_at')}))::int`.as('resolved'),
      sql<number>`(count(*) filter (where ${inPeriod('c.escalated_at')}))::int`.as('escalated'),
      sql<number>`(count(*) filter (where c.raised_on <= ${to} and (c.responded_at is null or c.responded_at >= ${end})))::int`.as('awaitingResponse'),
    ])
    .where('c.partnership_id', '=', partnershipId).executeTakeFirstOrThrow();

  const byAgency = await db.selectFrom('agency as ag').innerJoin('agency_partnership as ap', 'ap.agency_id', 'ag.id')
    .select((eb) => ['ag.id as agencyId', 'ag.name as agency', 'ag.type',
      eb.selectFrom('challenge as c').select(sql<number>`count(*)::int`.as('n')).whereRef('c.raised_by_agency_id', '=', 'ag.id')
        .where('c.partnership_id', '=', partnershipId).where('c.raised_on', '>=', from).where('c.raised_on', '<=', to).as('raised'),
      eb.selectFrom('challenge as c').select(sql<number>`count(*)::int`.as('n')).whereRef('c.to_agency_id', '=', 'ag.id')
        .where('c.partnership_id', '=', partnershipId).where('c.raised_on', '>=', from).where('c.raised_on', '<=', to).as('received')])
    .where('ap.partnership_id', '=', partnershipId).orderBy('ag.name').execute();

  return {
    from, to, meetings, attendance,
    challenges: {
      raised: c.raised, responded: c.responded, respondedOnTime: c.respondedOnTime, resolved: c.resolved, escalated: c.escalated, awaitingResponse: c.awaitingResponse,
      byAgency: byAgency.map((a) => ({ ...a, raised: Number(a.raised ?? 0), received: Number(a.received ?? 0) })).filter((a) => a.raised || a.received),
    },
  };
}
