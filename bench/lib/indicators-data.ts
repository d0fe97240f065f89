import { sql } from 'kysely';
import type { Db } from '../../src/db/create-db';

/**
 * A large local authority's ten years of history, made inside the database with generate_series so
 * that a million contacts take seconds rather than minutes of round trips. The shapes are plausible,
 * not statistics: about 1.7 referrals a child, most assessed, a quarter going to Section 47, a third of
 * those to a plan; every record dated between `first` and `last`.
 */

export type LargeLaSize = { children: number; contacts: number; referrals: number; cpPlans: number; claEpisodes: number; missing: number };

export const LARGE_LA: LargeLaSize = { children: 300_000, contacts: 1_000_000, referrals: 200_000, cpPlans: 60_000, claEpisodes: 40_000, missing: 30_000 };

export function scaled(size: LargeLaSize, factor: number): LargeLaSize {
  const f = (n: number) => Math.max(10, Math.round(n * factor));
  return { children: f(size.children), contacts: f(size.contacts), referrals: f(size.referrals), cpPlans: f(size.cpPlans), claEpisodes: f(size.claEpisodes), missing: f(size.missing) };
}

/** Fills one partnership; returns the rows of each table it added. */
export async function seedLargeLa(db: Db, partnershipId: number, laCode: string, size: LargeLaSize, opts: { first: string; days: number }): Promise<Record<string, number>> {
  const p = partnershipId;
  const first = opts.first;
  const days = opts.days;
  const added: Record<string, number> = {};
  const run = async (table: string, query: ReturnType<typeof sql>) => {
    const r = await query.execute(db);
    added[table] = (added[table] ?? 0) + Number(r.numAffectedRows ?? 0);
  };
  // Children numbered 1..n through their LA child id, so that other tables can pick one by number.
  await run('child', sql`insert into child (partnership_id, la_child_id, date_of_birth, sex, ethnicity, source)
    select ${p}, ${laCode} || 'L' || lpad(g::text, 7, '0'), date '2000-01-01' + (g * 7 % 9000), case when g % 2 = 0 then 'M' else 'F' end, 'WBRI', 'demo'
    from generate_series(1, ${size.children}) g`);
  await sql`create temporary table bench_child as
    select id, row_number() over (order by la_child_id) as n from child where partnership_id = ${p} and la_child_id like ${`${laCode}L%`}`.execute(db);
  await sql`create index on bench_child (n)`.execute(db);
  const pick = (expr: string) => sql.raw(`(select id from bench_child where n = (${expr}) % ${size.children} + 1)`);
  // Referrals in the last four months are still open.
  const recent = sql.raw(`date '${first}' + ${days - 120}`);
  const day = (expr: string) => sql.raw(`(date '${first}' + ((${expr}) % ${days}))`);

  await run('contact', sql`insert into contact (partnership_id, child_id, contact_date, contact_source, source)
    select ${p}, ${pick('g * 7')}, ${day('g * 13')}, '1A', 'demo' from generate_series(1, ${size.contacts}) g on conflict do nothing`);
  await run('referral', sql`insert into referral (partnership_id, child_id, referral_date, referral_source, primary_need, referral_nfa, closure_date, closure_reason, source)
    select ${p}, ${pick('g * 37 % ' + Math.round(size.children * 0.4))}, d, '6', 'N1', g % 10 = 0,
      case when g % 10 = 0 then d when d < ${recent} then d + 30 + g % 300 end, case when d < ${recent} or g % 10 = 0 then 'RC8' end, 'demo'
    from (select g, ${day('g * 11')} as d from generate_series(1, ${size.referrals}) g) s on conflict do nothing`);
  await sql`create temporary table bench_referral as
    select r.id, r.referral_date, row_number() over (order by r.id) as n from referral r join bench_child c on c.id = r.child_id
    where r.partnership_id = ${p} and not coalesce(r.referral_nfa, false)`.execute(db);
  const referrals = Number((await sql<{ n: string }>`select count(*) as n from bench_referral`.execute(db)).rows[0]!.n);
  await run('assessment', sql`insert into assessment (partnership_id, referral_id, start_date, authorisation_date, factors, source)
    select ${p}, r.id, r.referral_date + 1, r.referral_date + 1 + (r.n % 70)::int,
      case when r.n % 40 = 0 then array['11A'] when r.n % 55 = 0 then array['24A'] else array['3B'] end, 'demo'
    from bench_referral r where r.n % 5 <> 0`);
  await run('s47_enquiry', sql`insert into s47_enquiry (partnership_id, referral_id, start_date, source)
    select ${p}, r.id, r.referral_date + 3, 'demo' from bench_referral r where r.n % 4 = 0`);
  await run('initial_conference', sql`insert into initial_conference (partnership_id, referral_id, conference_date, source)
    select ${p}, r.id, r.referral_date + 3 + 14 + (r.n % 12)::int, 'demo' from bench_referral r where r.n % 4 = 0 and r.n % 12 <> 0`);
  // Plans on the referrals that had a conference, as many as asked for.
  const cpEvery = Math.max(1, Math.floor(referrals / size.cpPlans));
  await run('cp_plan', sql`insert into cp_plan (partnership_id, referral_id, start_date, end_date, initial_category, latest_category, previous_plans, source)
    select ${p}, r.id, r.referral_date + 20, case when r.n % 7 <> 0 then r.referral_date + 20 + 200 + (r.n % 300)::int end,
      case when r.n % 2 = 0 then 'NEG' else 'EMO' end, case when r.n % 3 = 0 then 'NEG' end, (r.n % 5 = 0)::int, 'demo'
    from bench_referral r where r.n % ${cpEvery} = 0 limit ${size.cpPlans}`);
  await run('cin_plan', sql`insert into cin_plan (partnership_id, referral_id, start_date, end_date, source)
    select ${p}, r.id, r.referral_date + 40, case when r.n % 9 <> 0 then r.referral_date + 40 + 180 end, 'demo' from bench_referral r where r.n % 3 = 1`);
  await run('cla_episode', sql`insert into cla_episode (partnership_id, child_id, start_date, reason_new_episode, legal_status, placement_type, end_date, source)
    select ${p}, ${pick('g * 53')}, ${day('g * 17')}, case when g % 3 = 0 then 'S' else 'P' end,
      (array['C2','V2','C1','E1','V3','J2'])[1 + g % 6], 'U1', case when g % 4 <> 0 then ${day('g * 17')} + 100 + g % 500 end, 'demo'
    from generate_series(1, ${size.claEpisodes}) g on conflict do nothing`);
  await run('missing_episode', sql`insert into missing_episode (partnership_id, child_id, missing_type, start_date, end_date, source)
    select ${p}, ${pick('g * 101 % ' + Math.round(size.children * 0.05))}, case when g % 5 = 0 then 'A' else 'M' end, ${day('g * 19')}, ${day('g * 19')} + 1, 'demo'
    from generate_series(1, ${size.missing}) g on conflict do nothing`);
  await sql`drop table bench_child`.execute(db);
  await sql`drop table bench_referral`.execute(db);
  await sql`analyze`.execute(db);
  return added;
}
