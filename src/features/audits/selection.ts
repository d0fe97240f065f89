import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/create-db';
import type { AuditCriteria, AuditCriterion } from '../../db/schema-audits';
import { addMonths } from '../../domain/calendar';
import { isRule, type RuleCode } from './tool';

/**
 * Which of a partnership's children meet a theme's criteria on a date, from the journey's records. Each
 * rule is an EXISTS over the child's records of the partnership; the criteria are never free SQL, only
 * these rules with checked parameters, which reach the query as bound values.
 */

const RISKS = { any: ['low', 'medium', 'high'], medium: ['medium', 'high'], high: ['high'] } as const;

function condition(c: AuditCriterion, partnershipId: number, asOf: string): RawBuilder<boolean> {
  const since = addMonths(asOf, -Number(c.months));
  const rule = c.rule as RuleCode;
  switch (rule) {
    case 'cp_plan':
      return sql<boolean>`exists (select 1 from cp_plan p join referral r on r.id = p.referral_id
        where r.child_id = c.id and r.partnership_id = ${partnershipId} and p.partnership_id = ${partnershipId}
          and (p.initial_category = ${String(c.category)} or p.latest_category = ${String(c.category)})
          and p.start_date <= ${asOf}::date and (p.end_date is null or p.end_date >= ${since}::date))`;
    case 'cin_plan':
      return sql<boolean>`exists (select 1 from cin_plan p join referral r on r.id = p.referral_id
        where r.child_id = c.id and r.partnership_id = ${partnershipId} and p.partnership_id = ${partnershipId}
          and p.start_date <= ${asOf}::date and (p.end_date is null or p.end_date >= ${since}::date))`;
    case 're_referral':
      // As the re-referral indicator counts them: another referral in the 12 months before this one.
      return sql<boolean>`exists (select 1 from referral r where r.child_id = c.id and r.partnership_id = ${partnershipId}
          and r.referral_date between ${since}::date and ${asOf}::date
          and exists (select 1 from referral r2 where r2.child_id = r.child_id and r2.partnership_id = ${partnershipId}
            and r2.referral_date < r.referral_date and r2.referral_date >= (r.referral_date - interval '1 year')::date))`;
    case 'exploitation': {
      const kinds = c.kind === 'any' ? ['sexual', 'criminal'] : [String(c.kind)];
      const risks = RISKS[c.risk as keyof typeof RISKS] ?? RISKS.any;
      return sql<boolean>`exists (select 1 from exploitation_assessment e where e.child_id = c.id and e.partnership_id = ${partnershipId}
          and e.kind in (${sql.join(kinds)}) and e.risk_level in (${sql.join([...risks])})
          and e.assessment_date between ${since}::date and ${asOf}::date)`;
    }
    case 'domestic_abuse':
      return sql<boolean>`exists (select 1 from contact x join front_door_contact f on f.id = x.front_door_contact_id
        where x.child_id = c.id and x.partnership_id = ${partnershipId} and f.partnership_id = ${partnershipId}
          and f.domestic_abuse and x.contact_date between ${since}::date and ${asOf}::date)`;
    case 'missing':
      return sql<boolean>`(select count(*) from missing_episode m where m.child_id = c.id and m.partnership_id = ${partnershipId}
          and m.start_date between ${since}::date and ${asOf}::date) >= ${Number(c.episodes)}`;
  }
}

export type Candidate = { childId: string; matched: string[] };

/**
 * The children of the partnership who meet the criteria on `asOf` and are not already in the round,
 * each with the rules they met. Ordered by id, so that a seeded draw picks the same on every database.
 */
export async function candidates(db: Db, partnershipId: number, criteria: AuditCriteria, asOf: string, roundId: string): Promise<Candidate[]> {
  const rules = criteria.rules.filter((r) => isRule(r.rule));
  if (!rules.length) return [];
  const conditions = rules.map((r) => condition(r, partnershipId, asOf));
  const columns = sql.join(conditions.map((cond, i) => sql`${cond} as ${sql.ref(`m${i}`)}`));
  const where = sql.join(conditions.map((cond) => sql`(${cond})`), criteria.match === 'any' ? sql` or ` : sql` and `);
  const { rows } = await sql<Record<string, unknown> & { id: string }>`
    select c.id, ${columns} from child c
    where c.partnership_id = ${partnershipId} and c.death_date is null
      and not exists (select 1 from audit_case a where a.round_id = ${roundId}::uuid and a.child_id = c.id)
      and (${where})
    order by c.id`.execute(db);
  return rows.map((r) => ({ childId: r.id, matched: rules.filter((_, i) => r[`m${i}`] === true).map((x) => x.rule) }));
}
