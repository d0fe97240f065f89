import { performance } from 'node:perf_hooks';
import { QueryNode, sql, type KyselyPlugin } from 'kysely';
import { createDb, type Db, type DbHandle } from '../../src/db/create-db';
import { migrateToLatest } from '../../src/db/migrate';
import { DEMO_LA_CODE, seedChildren, seedDemo } from '../../src/db/seed/demo';
import { chronologyOf } from '../../src/features/children/chronology';
import { searchChildren } from '../../src/features/children/children.repository';
import type { DbEnv } from './server';
import { median, round } from './util';

/** The children the demo seed puts in the demo partnership before the bulk is added. */
export const DEMO_CHILDREN = 200;
/**
 * seedChildren numbers LA child ids from `${laCode}100000` and adds the same six places of concern on
 * every call, so a second call into the demo partnership would break child_la_child_id_uq and
 * place_of_concern_name_uq. The demo's own 200 children are therefore moved to `990900000…`, which the
 * bulk reaches only past 800,000 children (hence the cap on --search-children), and its places renamed.
 */
export const MAX_SEARCH_CHILDREN = 500_000;

export function openDb(db: DbEnv): Promise<DbHandle> {
  return createDb('DATABASE_URL' in db ? { databaseUrl: db.DATABASE_URL } : { dataDir: db.BEACON_DATA_DIR });
}

const ms = (since: number) => round(performance.now() - since, 0);

export type SeedTimings = {
  /** Children in the demo partnership once seeded (the demo's 200 plus the bulk). */
  children: number;
  migrateMs: number;
  /** seedDemo with 200 children: partnerships, agencies, the demo's people (password hashes), its children and the rest of its records. */
  demoMs: number;
  /** seedChildren of the remaining children with their journeys, in batches of 500. */
  bulkMs: number;
  /** migrate + demo + bulk: the time to seed the partnership. */
  totalMs: number;
  childrenPerS: number;
  /** Rows in the journey tables afterwards (both partnerships). */
  rows: Record<string, number>;
};

const childrenOf = async (db: Db, partnershipId: number) => Number((await db.selectFrom('child')
  .select((eb) => eb.fn.countAll<string>().as('n')).where('partnership_id', '=', partnershipId).executeTakeFirstOrThrow()).n);

/** Migrates an empty database, seeds the demo with 200 children, then the rest of `total` into the demo partnership. */
export async function seedPartnership(db: Db, total: number, today: string, log: (line: string) => void): Promise<{ partnershipId: number; timings: SeedTimings }> {
  const started = performance.now();
  let t = performance.now();
  await migrateToLatest(db);
  const migrateMs = ms(t);
  t = performance.now();
  const demo = await seedDemo(db, { children: DEMO_CHILDREN, today });
  const demoMs = ms(t);
  const partnership = await db.selectFrom('partnership').select('id').where('la_code', '=', DEMO_LA_CODE).executeTakeFirstOrThrow();
  if (partnership.id !== demo.partnershipId) throw new Error('the demo partnership is not the one with LA code 990');
  // Only the numbered children: those the front door's demo contacts add carry the referrer's own reference.
  await sql`update child set la_child_id = ${DEMO_LA_CODE} || (900000 + substr(la_child_id, 4)::int - 100000)::text
    where partnership_id = ${partnership.id} and la_child_id ~ ${`^${DEMO_LA_CODE}[0-9]{6}$`}`.execute(db);
  await sql`update place_of_concern set name = name || ' (demo)' where partnership_id = ${partnership.id}`.execute(db);
  // The demo adds children of its own beyond those asked for (the front door's contacts): the bulk makes up the rest.
  const seeded = await childrenOf(db, partnership.id);
  const bulk = total - seeded;
  if (bulk < 0) throw new Error(`the demo alone has ${seeded} children, more than the ${total} asked for`);
  log(`  seeding ${bulk.toLocaleString('en-GB')} more children with their journeys (seedChildren, batches of 500)…`);
  t = performance.now();
  await seedChildren(db, partnership.id, DEMO_LA_CODE, bulk, 3, today);
  const bulkMs = ms(t);
  const totalMs = ms(started);
  const rows: Record<string, number> = {};
  for (const table of ['child', 'referral', 'assessment', 'cp_plan', 'cp_visit', 'cla_episode', 'cla_review', 'missing_episode'] as const) {
    rows[table] = Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  }
  const children = await childrenOf(db, partnership.id);
  if (children !== total) throw new Error(`the demo partnership has ${children} children, not the ${total} asked for`);
  return {
    partnershipId: partnership.id,
    timings: { children, migrateMs, demoMs, bulkMs, totalMs, childrenPerS: round(total / (totalMs / 1000), 0), rows },
  };
}

const DAY = 86_400_000;
const isoDay = (msSinceEpoch: number) => new Date(msSinceEpoch).toISOString().slice(0, 10);

export type LongRecord = { childId: string; name: string; laChildId: string; events: number; inserted: Record<string, number> };

/**
 * Gives one child (a teenager with no records yet) a long chronology: a referral leading to a child
 * protection plan of four years with a visit every three days, core groups and reviews, a care episode
 * with a change of placement, looked-after reviews, health assessments, missing episodes and
 * exploitation assessments — more than 500 events in all.
 */
export async function addLongChronology(db: Db, partnershipId: number, today: string): Promise<LongRecord> {
  const todayMs = Date.parse(`${today}T00:00:00Z`);
  const child = await db.selectFrom('child as c')
    .select(['c.id', 'c.first_name', 'c.last_name', 'c.la_child_id'])
    .where('c.partnership_id', '=', partnershipId)
    .where('c.date_of_birth', '<=', isoDay(todayMs - 14 * 365.25 * DAY))
    .where('c.la_child_id', 'like', `${DEMO_LA_CODE}1%`)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('referral as r').select('r.id').whereRef('r.child_id', '=', 'c.id'))))
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('cla_episode as e').select('e.id').whereRef('e.child_id', '=', 'c.id'))))
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('missing_episode as m').select('m.id').whereRef('m.child_id', '=', 'c.id'))))
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('exploitation_assessment as x').select('x.id').whereRef('x.child_id', '=', 'c.id'))))
    .orderBy('c.la_child_id')
    .limit(1)
    .executeTakeFirst();
  if (!child) throw new Error('no teenager without records to give a long chronology');
  const p = partnershipId;
  const d0 = todayMs - 1450 * DAY;
  const day = (n: number) => isoDay(d0 + n * DAY);
  const until = (from: number, step: number, max: number) => {
    const out: number[] = [];
    for (let n = from; out.length < max && d0 + n * DAY < todayMs; n += step) out.push(n);
    return out;
  };
  const inserted: Record<string, number> = {};
  const count = (table: string, n: number) => { inserted[table] = (inserted[table] ?? 0) + n; };

  return db.transaction().execute(async (tx) => {
    const referral = await tx.insertInto('referral').values({
      partnership_id: p, child_id: child.id, referral_date: day(0), referral_source: '6', primary_need: 'N1', referral_nfa: false,
      closure_date: null, closure_reason: null, source_year: null,
    }).returning('id').executeTakeFirstOrThrow();
    count('referral', 1);
    await tx.insertInto('assessment').values({
      partnership_id: p, referral_id: referral.id, start_date: day(1), authorisation_date: day(30), internal_review_date: null,
      factors: ['2B', '3A'], child_seen: true, source_year: null,
    }).execute();
    count('assessment', 1);
    const strategy = await tx.insertInto('strategy_discussion').values({
      partnership_id: p, referral_id: referral.id, concern_date: day(2), discussion_date: day(3), s47_initiated: true,
      agencies_present: ['local_authority', 'police', 'health'], source_year: null,
    }).returning('id').executeTakeFirstOrThrow();
    count('strategy_discussion', 1);
    const s47 = await tx.insertInto('s47_enquiry').values({
      partnership_id: p, referral_id: referral.id, strategy_discussion_id: strategy.id, start_date: day(3), initial_cpc_target: day(24),
      icpc_not_required: false, outcome_date: day(14), source_year: null,
    }).returning('id').executeTakeFirstOrThrow();
    count('s47_enquiry', 1);
    await tx.insertInto('initial_conference').values({
      partnership_id: p, referral_id: referral.id, s47_enquiry_id: s47.id, conference_date: day(20), resulted_in_plan: true, source_year: null,
    }).execute();
    count('initial_conference', 1);
    const plan = await tx.insertInto('cp_plan').values({
      partnership_id: p, referral_id: referral.id, start_date: day(20), end_date: null, initial_category: 'NEG', latest_category: 'EMO',
      previous_plans: 0, source_year: null,
    }).returning('id').executeTakeFirstOrThrow();
    count('cp_plan', 1);
    const reviews = until(20 + 91, 182, 20).map((n) => ({ partnership_id: p, cp_plan_id: plan.id, review_date: day(n), source_year: null }));
    await tx.insertInto('cp_plan_review').values(reviews).execute();
    count('cp_plan_review', reviews.length);
    const groups = until(27, 28, 100).map((n) => ({ partnership_id: p, cp_plan_id: plan.id, meeting_date: day(n), source_year: null }));
    await tx.insertInto('cp_core_group').values(groups).execute();
    count('cp_core_group', groups.length);
    const visits = until(23, 3, 460).map((n, i) => ({ partnership_id: p, cp_plan_id: plan.id, visit_date: day(n), seen_alone: i % 3 !== 0, source_year: null }));
    for (let i = 0; i < visits.length; i += 250) await tx.insertInto('cp_visit').values(visits.slice(i, i + 250)).execute();
    count('cp_visit', visits.length);

    const episode = { partnership_id: p, child_id: child.id, legal_status: 'C2', category_of_need: 'N1', placement_provider: 'PR1',
      home_postcode: 'NM1 1AB', placement_postcode: 'NM2 2XY', urn: null, source_year: null };
    await tx.insertInto('cla_episode').values([
      { ...episode, start_date: day(500), reason_new_episode: 'S', placement_type: 'U4', end_date: day(800), reason_ceased: 'X1', reason_place_change: null },
      { ...episode, start_date: day(800), reason_new_episode: 'P', placement_type: 'U1', end_date: null, reason_ceased: null, reason_place_change: 'CARPL' },
    ]).execute();
    count('cla_episode', 2);
    const claReviews = until(520, 182, 20).map((n) => ({ partnership_id: p, child_id: child.id, review_date: day(n), review_code: 'PN1', source_year: null }));
    await tx.insertInto('cla_review').values(claReviews).execute();
    count('cla_review', claReviews.length);
    const health = until(525, 365, 10).map((n, i) => ({ partnership_id: p, child_id: child.id, kind: i === 0 ? 'initial' as const : 'review' as const, assessment_date: day(n), source_year: null }));
    await tx.insertInto('health_assessment').values(health).execute();
    count('health_assessment', health.length);
    const missing = until(900, 40, 10).map((n, i) => ({
      partnership_id: p, child_id: child.id, missing_type: i % 4 === 3 ? 'A' as const : 'M' as const, start_date: day(n),
      started_at: new Date(d0 + n * DAY + 18 * 3_600_000), end_date: day(n + 1), returned_at: new Date(d0 + (n + 1) * DAY + 9 * 3_600_000),
      return_interview_offered_at: new Date(d0 + (n + 2) * DAY + 10 * 3_600_000), return_interview_accepted: i % 2 === 0,
      return_interview_at: null, place_of_concern_id: null, source_year: null,
    }));
    await tx.insertInto('missing_episode').values(missing).execute();
    count('missing_episode', missing.length);
    await tx.insertInto('exploitation_assessment').values([
      { partnership_id: p, child_id: child.id, kind: 'criminal', assessment_date: day(950), risk_level: 'high', place_of_concern_id: null, source_year: null },
      { partnership_id: p, child_id: child.id, kind: 'sexual', assessment_date: day(1100), risk_level: 'medium', place_of_concern_id: null, source_year: null },
    ]).execute();
    count('exploitation_assessment', 2);

    const events = (await chronologyOf(tx, p, child.id)).length;
    if (events < 500) throw new Error(`the long chronology has ${events} events, fewer than 500`);
    return { childId: child.id, name: `${child.first_name} ${child.last_name}`, laChildId: child.la_child_id, events, inserted };
  });
}

export type SampleChild = { id: string; la_child_id: string; first_name: string; last_name: string; date_of_birth: string; nhs_number: string };

/** `n` born children with an NHS number, spread over the partnership, the same ones for the same seed data. */
export async function sampleChildren(db: Db, partnershipId: number, n: number): Promise<SampleChild[]> {
  const rows = await db.selectFrom('child')
    .select(['id', 'la_child_id', 'first_name', 'last_name', 'date_of_birth', 'nhs_number'])
    .where('partnership_id', '=', partnershipId)
    .where('date_of_birth', 'is not', null)
    .where('nhs_number', 'is not', null)
    .orderBy(sql`md5(la_child_id)`)
    .limit(n)
    .execute();
  return rows as SampleChild[];
}

/** Runs every SELECT of the queries it is given as EXPLAIN (ANALYZE, BUFFERS): the rows are the plan's lines. */
const explainAnalyze: KyselyPlugin = {
  transformQuery: (args) => (args.node.kind === 'SelectQueryNode' ? QueryNode.cloneWithExplain(args.node, undefined, sql`analyze, buffers`) : args.node),
  transformResult: async (args) => args.result,
};

export type PlanSummary = {
  kind: string;
  query: string;
  statistics: 'none' | 'analyzed';
  /** Median "Execution Time" of the runs. */
  executionMs: number;
  planningMs: number;
  runs: number;
  /** The scans of the last run's plan, e.g. "Bitmap Index Scan on child_last_name_trgm_idx". */
  scans: string[];
  plan: string;
};

/** EXPLAIN ANALYZE of searchChildren's own SQL (children.repository.ts) for each query, `runs` times each. */
export async function explainSearches(db: Db, partnershipId: number, queries: { kind: string; q: string }[], statistics: PlanSummary['statistics'], runs: number): Promise<PlanSummary[]> {
  const explaining = db.withPlugin(explainAnalyze);
  const out: PlanSummary[] = [];
  for (const { kind, q } of queries) {
    const times: number[] = [];
    let planning = Number.NaN;
    let plan = '';
    for (let i = 0; i < runs; i++) {
      const rows = (await searchChildren(explaining, partnershipId, q)) as unknown as Record<string, string>[];
      plan = rows.map((r) => r['QUERY PLAN'] ?? Object.values(r)[0]).join('\n');
      times.push(Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? Number.NaN));
      planning = Number(/Planning Time: ([\d.]+) ms/.exec(plan)?.[1] ?? Number.NaN);
    }
    const scans = [...new Set([...plan.matchAll(/((?:Parallel )?(?:Seq|Index|Index Only|Bitmap Index|Bitmap Heap) Scan)(?: using| on) (\w+)/g)].map((m) => `${m[1]} ${m[2]}`))];
    out.push({ kind, query: q, statistics, executionMs: round(median(times)), planningMs: round(planning), runs, scans, plan });
  }
  return out;
}

/** ANALYZE of the whole database: the planner's statistics, which nothing in Beacon (nor PGlite) gathers by itself. */
export async function analyze(db: Db): Promise<number> {
  const t = performance.now();
  await sql`analyze`.execute(db);
  return ms(t);
}
