import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { Period } from '../indicators/indicator-codes';
import { ratio } from '../indicators/indicators.service';

/**
 * The front door's measures for a period, from its own records: contacts and what became of them,
 * the one-working-day decision, the MASH agencies' checks against their RAG deadlines, and the
 * consultation line. Periods are London calendar dates; a contact counts in the period it was
 * received in, a check in the period it was requested in.
 */

export type FrontDoorMeasures = {
  contacts: number;
  /** The children those contacts were about (a contact about two siblings counts twice). */
  childContacts: number;
  domesticAbuse: number;
  decided: number;
  decidedWithinOneWorkingDay: number;
  decidedWithinOneWorkingDayPct: number | null;
  awaitingDecision: number;
  sentToMash: number;
  /** By final outcome: the screening decision, or the MASH decision for contacts sent to the MASH. */
  outcomes: Record<'nfa' | 'information_advice' | 'early_help' | 'referral' | 'strategy_discussion', number>;
  /** Contacts whose final outcome opened referrals (a referral or an immediate strategy discussion). */
  toReferral: number;
  conversionToReferralPct: number | null;
  domesticAbuseToReferral: number;
  /** Referrals opened from contacts, one per child, and of those the re-referrals. */
  referralsOpened: number;
  reReferrals: number;
  reReferralPct: number | null;
  checks: CheckMeasures[];
  checksAll: CheckMeasures;
  consultations: number;
  consultationsNeedingRequest: number;
  consultationsNeedingRequestPct: number | null;
};

export type CheckMeasures = {
  agency: string;
  rag: 'red' | 'amber' | 'green' | 'all';
  requested: number;
  completed: number;
  withinTimescale: number;
  withinTimescalePct: number | null;
  /** Still open and past due at the time of asking. */
  overdue: number;
};

/** The London day boundaries of a period as instants: from 00:00 on `from` to 00:00 the day after `to`. */
const startOf = (p: Period) => sql`(${p.from}::date::timestamp at time zone 'Europe/London')`;
const endOf = (p: Period) => sql`((${p.to}::date + 1)::timestamp at time zone 'Europe/London')`;

export async function frontDoorMeasures(db: Db, partnershipId: number, period: Period, now: Date): Promise<FrontDoorMeasures> {
  const p = partnershipId;
  const [contactRow, childRow, checkRows, consultRow] = await Promise.all([
    sql<Record<string, number>>`
      with c as (select f.*, coalesce(m.decision, nullif(f.decision, 'mash_enquiry')) as outcome, f.decision = 'mash_enquiry' as via_mash
        from front_door_contact f left join mash_enquiry m on m.front_door_contact_id = f.id
        where f.partnership_id = ${p} and f.received_at >= ${startOf(period)}
          and f.received_at < ${endOf(period)})
      select count(*)::int as contacts,
        count(*) filter (where domestic_abuse)::int as domestic_abuse,
        count(*) filter (where status = 'decided')::int as decided,
        count(*) filter (where status = 'decided' and decision_at <= decision_due_at)::int as within,
        count(*) filter (where status = 'awaiting_decision')::int as awaiting,
        count(*) filter (where via_mash)::int as mash,
        count(*) filter (where status = 'decided' and outcome = 'nfa')::int as nfa,
        count(*) filter (where status = 'decided' and outcome = 'information_advice')::int as information_advice,
        count(*) filter (where status = 'decided' and outcome = 'early_help')::int as early_help,
        count(*) filter (where status = 'decided' and outcome = 'referral')::int as referral,
        count(*) filter (where status = 'decided' and outcome = 'strategy_discussion')::int as strategy_discussion,
        count(*) filter (where status = 'decided' and domestic_abuse and outcome in ('referral', 'strategy_discussion'))::int as da_referral
      from c`.execute(db),
    sql<Record<string, number>>`
      select count(*)::int as children, count(x.referral_id)::int as referrals, count(*) filter (where x.re_referral)::int as re_referrals
      from contact x join front_door_contact f on f.id = x.front_door_contact_id
      where f.partnership_id = ${p} and f.received_at >= ${startOf(period)}
        and f.received_at < ${endOf(period)}`.execute(db),
    sql<{ agency: string; rag: 'red' | 'amber' | 'green'; requested: number; completed: number; within: number; overdue: number }>`
      select a.name as agency, k.rag, count(*)::int as requested,
        count(*) filter (where k.status = 'completed')::int as completed,
        count(*) filter (where k.status = 'completed' and k.responded_at <= k.due_at)::int as within,
        count(*) filter (where k.status = 'requested' and k.due_at < ${now})::int as overdue
      from agency_check k join agency a on a.id = k.agency_id
      where k.partnership_id = ${p} and k.requested_at >= ${startOf(period)}
        and k.requested_at < ${endOf(period)}
      group by a.name, k.rag order by a.name, array_position(array['red','amber','green'], k.rag)`.execute(db),
    sql<Record<string, number>>`
      select count(*)::int as calls, count(*) filter (where request_for_support)::int as needing
      from consultation where partnership_id = ${p} and called_at >= ${startOf(period)}
        and called_at < ${endOf(period)}`.execute(db),
  ]);
  const c = contactRow.rows[0]!;
  const k = childRow.rows[0]!;
  const q = consultRow.rows[0]!;
  const measured = (agency: string, rag: CheckMeasures['rag'], r: { requested: number; completed: number; within: number; overdue: number }): CheckMeasures => ({
    agency, rag, requested: r.requested, completed: r.completed, withinTimescale: r.within,
    // Judged on the checks completed: an open check not yet due has not missed its time.
    withinTimescalePct: ratio(r.within, r.completed + r.overdue, 100), overdue: r.overdue,
  });
  const checks = checkRows.rows.map((r) => measured(r.agency, r.rag, r));
  const sum = (key: 'requested' | 'completed' | 'within' | 'overdue') => checkRows.rows.reduce((s, r) => s + r[key], 0);
  const toReferral = c.referral! + c.strategy_discussion!;
  return {
    contacts: c.contacts!,
    childContacts: k.children!,
    domesticAbuse: c.domestic_abuse!,
    decided: c.decided!,
    decidedWithinOneWorkingDay: c.within!,
    decidedWithinOneWorkingDayPct: ratio(c.within!, c.decided!, 100),
    awaitingDecision: c.awaiting!,
    sentToMash: c.mash!,
    outcomes: { nfa: c.nfa!, information_advice: c.information_advice!, early_help: c.early_help!, referral: c.referral!, strategy_discussion: c.strategy_discussion! },
    toReferral,
    conversionToReferralPct: ratio(toReferral, c.decided!, 100),
    domesticAbuseToReferral: c.da_referral!,
    referralsOpened: k.referrals!,
    reReferrals: k.re_referrals!,
    reReferralPct: ratio(k.re_referrals!, k.referrals!, 100),
    checks,
    checksAll: measured('All agencies', 'all', { requested: sum('requested'), completed: sum('completed'), within: sum('within'), overdue: sum('overdue') }),
    consultations: q.calls!,
    consultationsNeedingRequest: q.needing!,
    consultationsNeedingRequestPct: ratio(q.needing!, q.calls!, 100),
  };
}

export type MonthlyFrontDoor = { month: string; contacts: number; decided: number; withinPct: number | null; checksWithinPct: number | null; consultations: number };

/** Month by month over `months` calendar months ending with the month of `to`: contacts, timeliness, checks and calls. */
export async function frontDoorMonths(db: Db, partnershipId: number, months: number, to: string, now: Date): Promise<MonthlyFrontDoor[]> {
  const { rows } = await sql<{ month: string; contacts: number; decided: number; within: number; checks: number; checks_within: number; calls: number }>`
    with m as (select (date_trunc('month', ${to}::date) - (g * interval '1 month'))::date as first
      from generate_series(0, ${months - 1}) g),
    b as (select first, (first::timestamp at time zone 'Europe/London') as lo,
      ((first + interval '1 month')::timestamp at time zone 'Europe/London') as hi from m)
    select to_char(b.first, 'YYYY-MM') as month,
      (select count(*) from front_door_contact f where f.partnership_id = ${partnershipId} and f.received_at >= b.lo and f.received_at < b.hi)::int as contacts,
      (select count(*) from front_door_contact f where f.partnership_id = ${partnershipId} and f.received_at >= b.lo and f.received_at < b.hi and f.status = 'decided')::int as decided,
      (select count(*) from front_door_contact f where f.partnership_id = ${partnershipId} and f.received_at >= b.lo and f.received_at < b.hi
        and f.status = 'decided' and f.decision_at <= f.decision_due_at)::int as within,
      (select count(*) from agency_check k where k.partnership_id = ${partnershipId} and k.requested_at >= b.lo and k.requested_at < b.hi
        and (k.status = 'completed' or k.due_at < ${now}))::int as checks,
      (select count(*) from agency_check k where k.partnership_id = ${partnershipId} and k.requested_at >= b.lo and k.requested_at < b.hi
        and k.status = 'completed' and k.responded_at <= k.due_at)::int as checks_within,
      (select count(*) from consultation c where c.partnership_id = ${partnershipId} and c.called_at >= b.lo and c.called_at < b.hi)::int as calls
    from b order by b.first`.execute(db);
  return rows.map((r) => ({
    month: r.month, contacts: r.contacts, decided: r.decided, withinPct: ratio(r.within, r.decided, 100),
    checksWithinPct: ratio(r.checks_within, r.checks, 100), consultations: r.calls,
  }));
}
