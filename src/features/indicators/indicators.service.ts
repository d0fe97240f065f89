/**
 * The partnership's indicators, computed set-based in SQL exactly as `indicators.md` defines them.
 *
 * Every computation is over a list of buckets (periods [from, to], `to` the reference date): one bucket
 * for a period's indicators, one a month for a trend. Each family of indicators is one aggregate query
 * over all the buckets at once: counts over a period look each bucket up by index (a lateral join), and
 * "open on the reference date" measures take the records open at some point of the buckets' span once
 * and join them to the bucket ends. Working days are differences of a running count kept in the
 * `working_day` table, filled from the bank holiday table the first time a database is used.
 */
import { createHash } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/create-db';
import { CALENDAR_RANGE, isIsoDate, isWorkingDay } from '../../domain/calendar';
import { childPopulationFor } from '../partnerships/partnerships.service';
import { forgetAllMonths, pastMonths, type MonthFigures } from './month-cache';
import {
  INDICATOR_CODES, type IndicatorCode, type IndicatorKind, type IndicatorValue, type IndicatorValues, type Period,
} from './indicator-codes';

// ---------------------------------------------------------------------------------------------------------
// What each code is made of

/** The figures the queries produce; each code is one of them, or a ratio of two, or one over the population. */
type Raw =
  | 'contacts' | 'referrals' | 'referrals_nfa' | 're_referrals' | 'assessments_completed' | 'assessments_within_45wd'
  | 'cse_children' | 'cce_children' | 's47_enquiries' | 'icpcs' | 'icpcs_linked' | 'icpcs_within_15wd'
  | 'cin_open' | 'cin_plans_open' | 'cp_plans_open' | 'cp_plans_open_neglect' | 'cp_plans_open_repeat' | 'cp_plans_started'
  | 'cla_open' | 'cla_started' | 'missing_episodes' | 'missing_children';

type Spec =
  | { kind: 'count'; raw: Raw }
  | { kind: 'percent'; numerator: Raw; denominator: Raw }
  | { kind: 'rate_per_10k'; numerator: Raw };

export const INDICATOR_SPECS: Record<IndicatorCode, Spec> = {
  contacts: { kind: 'count', raw: 'contacts' },
  referrals: { kind: 'count', raw: 'referrals' },
  referrals_nfa: { kind: 'count', raw: 'referrals_nfa' },
  re_referrals: { kind: 'count', raw: 're_referrals' },
  re_referral_rate: { kind: 'percent', numerator: 're_referrals', denominator: 'referrals' },
  assessments_completed: { kind: 'count', raw: 'assessments_completed' },
  assessments_within_45wd_pct: { kind: 'percent', numerator: 'assessments_within_45wd', denominator: 'assessments_completed' },
  s47_enquiries: { kind: 'count', raw: 's47_enquiries' },
  icpcs: { kind: 'count', raw: 'icpcs' },
  icpcs_within_15wd_pct: { kind: 'percent', numerator: 'icpcs_within_15wd', denominator: 'icpcs_linked' },
  cin_open: { kind: 'count', raw: 'cin_open' },
  cin_plans_open: { kind: 'count', raw: 'cin_plans_open' },
  cp_plans_open: { kind: 'count', raw: 'cp_plans_open' },
  cp_plans_open_neglect_pct: { kind: 'percent', numerator: 'cp_plans_open_neglect', denominator: 'cp_plans_open' },
  cp_plans_open_repeat_pct: { kind: 'percent', numerator: 'cp_plans_open_repeat', denominator: 'cp_plans_open' },
  cp_plans_started: { kind: 'count', raw: 'cp_plans_started' },
  cla_open: { kind: 'count', raw: 'cla_open' },
  cla_started: { kind: 'count', raw: 'cla_started' },
  missing_episodes: { kind: 'count', raw: 'missing_episodes' },
  missing_children: { kind: 'count', raw: 'missing_children' },
  cse_children: { kind: 'count', raw: 'cse_children' },
  cce_children: { kind: 'count', raw: 'cce_children' },
  referrals_rate_per_10k: { kind: 'rate_per_10k', numerator: 'referrals' },
  cin_open_rate_per_10k: { kind: 'rate_per_10k', numerator: 'cin_open' },
  cp_plans_open_rate_per_10k: { kind: 'rate_per_10k', numerator: 'cp_plans_open' },
  cla_open_rate_per_10k: { kind: 'rate_per_10k', numerator: 'cla_open' },
};

export const indicatorKind = (code: IndicatorCode): IndicatorKind => INDICATOR_SPECS[code].kind;

const rawOf = (spec: Spec): Raw[] => spec.kind === 'count' ? [spec.raw]
  : spec.kind === 'percent' ? [spec.numerator, spec.denominator] : [spec.numerator];

/** The figure whose records (children) an indicator counts: the count itself, or the numerator. */
const membersOf = (spec: Spec): Raw => spec.kind === 'count' ? spec.raw : spec.numerator;

/**
 * n / d * scale rounded half away from zero to 1 decimal place, in integers so that no binary fraction
 * tips a half the wrong way. Null when d is 0 or unknown. n and d are never negative here.
 */
export function ratio(n: number, d: number | null, scale: number): number | null {
  if (d === null || d === 0) return null;
  const tenths = Math.floor((2 * n * scale * 10 + d) / (2 * d));
  return tenths / 10;
}

// ---------------------------------------------------------------------------------------------------------
// The working day calendar in the database

/** Days before the bank holiday table are counted by weekends alone, so that an assessment started earlier still has a count. */
const WORKING_DAY_FROM = '2000-01-01';

function nextDay(date: string): string {
  const t = new Date(`${date}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString().slice(0, 10);
}

function isWeekday(date: string): boolean {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d !== 0 && d !== 6;
}

let workingDayRows: { days: string; idx: string; count: number; sum: number } | null = null;

/** Every date the table holds with its running count of working days up to and including it. */
function calendarRows() {
  if (workingDayRows) return workingDayRows;
  const days: string[] = [];
  const idx: number[] = [];
  let running = 0;
  let sum = 0;
  for (let d = WORKING_DAY_FROM; d <= CALENDAR_RANGE.to; d = nextDay(d)) {
    const working = d < CALENDAR_RANGE.from ? isWeekday(d) : isWorkingDay(d);
    if (working) running++;
    days.push(d);
    idx.push(running);
    sum += running;
  }
  workingDayRows = { days: days.join(','), idx: idx.join(','), count: days.length, sum };
  return workingDayRows;
}

const filled = new WeakMap<Db, Promise<void>>();

/**
 * Makes `working_day` hold the calendar this code knows, once per database handle: a check of the row
 * count and the sum of the running counts, and only when they differ an upsert of every date (about
 * 10,000 rows) and the removal of dates the table no longer covers. Safe to run concurrently.
 */
export function ensureWorkingDays(db: Db): Promise<void> {
  let done = filled.get(db);
  if (!done) {
    done = (async () => {
      const want = calendarRows();
      const { rows } = await sql<{ n: number; s: number; lo: string | null; hi: string | null }>`
        select count(*)::int as n, coalesce(sum(idx::bigint), 0)::bigint as s, min(day) as lo, max(day) as hi from working_day`.execute(db);
      const have = rows[0]!;
      if (have.n === want.count && Number(have.s) === want.sum && have.lo === WORKING_DAY_FROM && have.hi === CALENDAR_RANGE.to) return;
      // Kept months counted working days by the old calendar.
      await db.transaction().execute(async (tx) => {
        await forgetAllMonths(tx);
        await sql`delete from working_day where day < ${WORKING_DAY_FROM}::date or day > ${CALENDAR_RANGE.to}::date`.execute(tx);
        await sql`insert into working_day (day, idx)
          select u.d::date, u.i::int from unnest(string_to_array(${want.days}, ','), string_to_array(${want.idx}, ',')) as u(d, i)
          on conflict (day) do update set idx = excluded.idx where working_day.idx <> excluded.idx`.execute(tx);
      });
    })();
    done.catch(() => filled.delete(db));
    filled.set(db, done);
  }
  return done;
}

// ---------------------------------------------------------------------------------------------------------
// The queries, each over every bucket at once

type Bucket = Period & { i: number };
type RawRow = Partial<Record<Raw, number>> & { i: number };
type Group = { produces: Raw[]; run: (db: Db, p: number, buckets: Bucket[]) => Promise<RawRow[]> };

const bucketsCte = (buckets: Bucket[]) =>
  sql`b(i, f, t) as (values ${sql.join(buckets.map((b) => sql`(${b.i}::int, ${b.from}::date, ${b.to}::date)`))})`;

const span = (buckets: Bucket[]) => ({
  minFrom: buckets.reduce((m, b) => (b.from < m ? b.from : m), buckets[0]!.from),
  minTo: buckets.reduce((m, b) => (b.to < m ? b.to : m), buckets[0]!.to),
  maxTo: buckets.reduce((m, b) => (b.to > m ? b.to : m), buckets[0]!.to),
});

async function rowsOf(db: Db, query: RawBuilder<RawRow>): Promise<RawRow[]> {
  return (await query.execute(db)).rows;
}

/** The records of a table dated within each bucket: contacts, S47 enquiries, plans started. */
function datedCount(produces: Raw, table: 'contact' | 's47_enquiry' | 'cp_plan', column: 'contact_date' | 'start_date'): Group {
  return {
    produces: [produces],
    run: (db, p, buckets) => rowsOf(db, sql<RawRow>`with ${bucketsCte(buckets)}
      select b.i, x.n as ${sql.ref(produces)} from b cross join lateral (
        select count(*)::int as n from ${sql.table(table)} t where t.partnership_id = ${p} and t.${sql.ref(column)} between b.f and b.t) x`),
  };
}

/**
 * Children open on each bucket's last day, from `source` (child_id, s, e; e null while open). A child's
 * overlapping records are merged first, so that counting the merged spans counts children: no sort for
 * a distinct count over every (child, month-end) pair, which is what a trend's open measures cost most.
 */
function mergedSpans(name: string, source: string, filter = 'true') {
  return sql.raw(`${name}_y as (select child_id, s, coalesce(e, 'infinity'::date) as e,
      max(coalesce(e, 'infinity'::date)) over (partition by child_id order by s, e rows between unbounded preceding and 1 preceding) as prev_end
      from ${source} where ${filter}),
    ${name}_z as (select child_id, s, e, count(*) filter (where prev_end is null or s > prev_end)
      over (partition by child_id order by s, e rows unbounded preceding) as run from ${name}_y),
    ${name} as (select min(s) as s, max(e) as e from ${name}_z group by child_id, run)`);
}

const openAt = (spans: string) => sql.raw(`(select count(*) from ${spans} m where m.s <= b.t and m.e > b.t)::int`);

const GROUPS: Group[] = [
  datedCount('contacts', 'contact', 'contact_date'),
  {
    produces: ['referrals', 'referrals_nfa', 're_referrals'],
    // "12 months before" a date: date - 1 year, which PostgreSQL takes from 29 February to 28 February.
    run: (db, p, buckets) => rowsOf(db, sql<RawRow>`with ${bucketsCte(buckets)}
      select b.i, x.* from b cross join lateral (
        select count(*)::int as referrals,
               count(*) filter (where r.referral_nfa)::int as referrals_nfa,
               count(*) filter (where r.re)::int as re_referrals
        from (select r.referral_nfa, exists (
                select 1 from referral r2 where r2.partnership_id = r.partnership_id and r2.child_id = r.child_id
                  and r2.referral_date < r.referral_date and r2.referral_date >= (r.referral_date - interval '1 year')::date) as re
              from referral r where r.partnership_id = ${p} and r.referral_date between b.f and b.t) r) x`),
  },
  {
    produces: ['assessments_completed', 'assessments_within_45wd'],
    // The assessments of the whole span are taken once, then counted into the buckets (a lookup per
    // bucket would read the working day calendar once a bucket).
    run: (db, p, buckets) => {
      const { minFrom, maxTo } = span(buckets);
      return rowsOf(db, sql<RawRow>`with ${bucketsCte(buckets)},
        a as materialized (select a.authorisation_date as d, wb.idx - wa.idx <= 45 as within
          from assessment a
          left join working_day wa on wa.day = a.start_date
          left join working_day wb on wb.day = a.authorisation_date
          where a.partnership_id = ${p} and a.authorisation_date between ${minFrom}::date and ${maxTo}::date)
        select b.i, count(a.d)::int as assessments_completed, count(*) filter (where a.within)::int as assessments_within_45wd
        from b left join a on a.d between b.f and b.t group by b.i`);
    },
  },
  {
    produces: ['cse_children', 'cce_children'],
    run: (db, p, buckets) => {
      const { minFrom, maxTo } = span(buckets);
      return rowsOf(db, sql<RawRow>`with ${bucketsCte(buckets)},
        a as materialized (select a.authorisation_date as d, r.child_id, '11A' = any(a.factors) as cse, '24A' = any(a.factors) as cce
          from assessment a join referral r on r.partnership_id = a.partnership_id and r.id = a.referral_id
          where a.partnership_id = ${p} and a.authorisation_date between ${minFrom}::date and ${maxTo}::date
            and a.factors && array['11A', '24A'])
        select b.i, count(distinct a.child_id) filter (where a.cse)::int as cse_children,
               count(distinct a.child_id) filter (where a.cce)::int as cce_children
        from b left join a on a.d between b.f and b.t group by b.i`);
    },
  },
  datedCount('s47_enquiries', 's47_enquiry', 'start_date'),
  {
    produces: ['icpcs', 'icpcs_linked', 'icpcs_within_15wd'],
    // One conference is one child on one date, whichever record holds it. Its S47 is the one it names,
    // else the latest S47 of its episode started on or before it (the CIN census does not link them).
    run: (db, p, buckets) => rowsOf(db, sql<RawRow>`with ${bucketsCte(buckets)}
      select b.i, x.* from b cross join lateral (
        select count(*)::int as icpcs,
               count(k.s47_start)::int as icpcs_linked,
               count(*) filter (where wc.idx - ws.idx <= 15)::int as icpcs_within_15wd
        from (select r.child_id, c.conference_date,
                     max(coalesce(named.start_date, (select max(s.start_date) from s47_enquiry s
                       where s.partnership_id = c.partnership_id and s.referral_id = c.referral_id and s.start_date <= c.conference_date))) as s47_start
              from initial_conference c join referral r on r.partnership_id = c.partnership_id and r.id = c.referral_id
              left join s47_enquiry named on named.partnership_id = c.partnership_id and named.id = c.s47_enquiry_id
              where c.partnership_id = ${p} and c.conference_date between b.f and b.t
              group by r.child_id, c.conference_date) k
        left join working_day ws on ws.day = k.s47_start
        left join working_day wc on wc.day = k.conference_date) x`),
  },
  datedCount('cp_plans_started', 'cp_plan', 'start_date'),
  {
    produces: ['cla_started'],
    run: (db, p, buckets) => rowsOf(db, sql<RawRow>`with ${bucketsCte(buckets)}
      select b.i, x.cla_started from b cross join lateral (
        select count(distinct e.child_id)::int as cla_started from cla_episode e
        where e.partnership_id = ${p} and e.start_date between b.f and b.t
          and e.reason_new_episode = 'S' and coalesce(e.legal_status, '') not in ('V3', 'V4')) x`),
  },
  {
    produces: ['missing_episodes', 'missing_children'],
    run: (db, p, buckets) => rowsOf(db, sql<RawRow>`with ${bucketsCte(buckets)}
      select b.i, x.* from b cross join lateral (
        select count(*)::int as missing_episodes, count(distinct m.child_id)::int as missing_children from missing_episode m
        where m.partnership_id = ${p} and m.start_date between b.f and b.t and m.missing_type = 'M') x`),
  },
  {
    produces: ['cin_open'],
    run: (db, p, buckets) => {
      const { minTo, maxTo } = span(buckets);
      return rowsOf(db, sql<RawRow>`with ${bucketsCte(buckets)},
        e as materialized (select child_id, referral_date as s, closure_date as e from referral
          where partnership_id = ${p} and referral_date <= ${maxTo}::date and coalesce(closure_date, 'infinity'::date) > ${minTo}::date
            and referral_nfa is not true),
        ${mergedSpans('open', 'e')}
        select b.i, ${openAt('open')} as cin_open from b`);
    },
  },
  {
    produces: ['cin_plans_open'],
    run: (db, p, buckets) => {
      const { minTo, maxTo } = span(buckets);
      return rowsOf(db, sql<RawRow>`with ${bucketsCte(buckets)},
        e as materialized (select r.child_id, c.start_date as s, c.end_date as e from cin_plan c
          join referral r on r.partnership_id = c.partnership_id and r.id = c.referral_id
          where c.partnership_id = ${p} and c.start_date <= ${maxTo}::date and coalesce(c.end_date, 'infinity'::date) > ${minTo}::date),
        ${mergedSpans('open', 'e')}
        select b.i, ${openAt('open')} as cin_plans_open from b`);
    },
  },
  {
    produces: ['cp_plans_open', 'cp_plans_open_neglect', 'cp_plans_open_repeat'],
    run: (db, p, buckets) => {
      const { minTo, maxTo } = span(buckets);
      return rowsOf(db, sql<RawRow>`with ${bucketsCte(buckets)},
        e as materialized (select r.child_id, c.start_date as s, c.end_date as e, c.previous_plans,
            coalesce(c.latest_category, c.initial_category) = 'NEG' as neglect
          from cp_plan c join referral r on r.partnership_id = c.partnership_id and r.id = c.referral_id
          where c.partnership_id = ${p} and c.start_date <= ${maxTo}::date and coalesce(c.end_date, 'infinity'::date) > ${minTo}::date),
        -- A plan is a repeat when it says so, or when the child's first plan started before it: the first
        -- plans of these children only, found through their referrals.
        firsts as (select r.child_id, min(c.start_date) as first_start from referral r
          join cp_plan c on c.partnership_id = r.partnership_id and c.referral_id = r.id
          where r.partnership_id = ${p} and r.child_id in (select child_id from e) group by r.child_id),
        o as (select e.child_id, e.s, e.e, e.neglect, (coalesce(e.previous_plans, 0) >= 1 or f.first_start < e.s) as repeat
          from e join firsts f on f.child_id = e.child_id)
        -- Three counts of children from one join: merging spans three times costs more than it saves here.
        select b.i, count(distinct o.child_id)::int as cp_plans_open,
               count(distinct o.child_id) filter (where o.neglect)::int as cp_plans_open_neglect,
               count(distinct o.child_id) filter (where o.repeat)::int as cp_plans_open_repeat
        from b left join o on o.s <= b.t and (o.e is null or o.e > b.t) group by b.i`);
    },
  },
  {
    produces: ['cla_open'],
    run: (db, p, buckets) => {
      const { minTo, maxTo } = span(buckets);
      return rowsOf(db, sql<RawRow>`with ${bucketsCte(buckets)},
        e as materialized (select child_id, start_date as s, end_date as e from cla_episode
          where partnership_id = ${p} and start_date <= ${maxTo}::date and coalesce(end_date, 'infinity'::date) > ${minTo}::date
            and coalesce(legal_status, '') not in ('V3', 'V4')),
        ${mergedSpans('open', 'e')}
        select b.i, ${openAt('open')} as cla_open from b`);
    },
  },
];

// ---------------------------------------------------------------------------------------------------------
// Computing

/** A period's dates, checked: well-formed and in order. */
export function checkPeriod(period: Period): void {
  for (const [name, value] of [['from', period.from], ['to', period.to]] as const) {
    if (!isIsoDate(value)) throw new RangeError(`${name} must be a real date in the form YYYY-MM-DD, not "${value}"`);
  }
  if (period.from > period.to) throw new RangeError(`from (${period.from}) must not be after to (${period.to})`);
}

/** How a figure over a period follows from its months' figures. */
const AT_END: ReadonlySet<Raw> = new Set(['cin_open', 'cin_plans_open', 'cp_plans_open', 'cp_plans_open_neglect', 'cp_plans_open_repeat', 'cla_open']);
/** Children counted once however many of the period's months they appear in: worked out over the whole period. */
const DISTINCT: ReadonlySet<Raw> = new Set(['cse_children', 'cce_children', 'cla_started', 'missing_children']);
const ALL_RAW: ReadonlySet<Raw> = new Set(GROUPS.flatMap((g) => g.produces));

type RawFigures = Partial<Record<Raw, number>>;

/**
 * The definitions' version for the month cache: a digest of the queries' source, so that kept figures
 * made by other definitions are never read.
 */
const DEFINITIONS_VERSION = createHash('sha256')
  .update([...GROUPS.map((g) => g.run.toString()), datedCount.toString(), mergedSpans.toString(), openAt.toString()].join('\n'))
  .digest('hex').slice(0, 16);

/** The raw figures for each bucket, straight from the records. */
async function fromRecords(db: Db, p: number, buckets: Period[], needed: ReadonlySet<Raw>): Promise<RawFigures[]> {
  const raw: RawFigures[] = buckets.map(() => ({}));
  if (buckets.length === 0 || needed.size === 0) return raw;
  if (needed.has('assessments_within_45wd') || needed.has('icpcs_within_15wd')) await ensureWorkingDays(db);
  const numbered = buckets.map((b, i) => ({ ...b, i }));
  const groups = GROUPS.filter((g) => g.produces.some((r) => needed.has(r)));
  // On a server the queries run side by side on the pool; PGlite takes them one after another.
  for (const rows of await Promise.all(groups.map((g) => g.run(db, p, numbered)))) {
    for (const row of rows) {
      for (const [k, v] of Object.entries(row)) if (k !== 'i') raw[row.i]![k as Raw] = Number(v);
    }
  }
  return raw;
}

const lastDayOfMonth = (date: string) => {
  const d = new Date(`${date.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1, 0);
  return d.toISOString().slice(0, 10);
};

/** A period cut at month ends: [from, end of its month], whole months, [first of the last month, to]. */
function segmentsOf(period: Period): Period[] {
  const out: Period[] = [];
  for (let from = period.from; from <= period.to;) {
    const end = lastDayOfMonth(from);
    const to = end < period.to ? end : period.to;
    out.push({ from, to });
    from = nextDay(to);
  }
  return out;
}

/** Beyond this many months a period is counted straight from the records rather than month by month. */
const MAX_SEGMENTS = 240;

/**
 * The raw figures for each period, from its months: whole months that are over come from the month
 * cache; parts of months, and months not yet over, are counted from the records. A period's counts are
 * the sum of its months', its "open on the reference date" figures those of its last month, and its
 * distinct children are counted over the whole period.
 */
async function fromMonths(db: Db, p: number, periods: Period[], needed: ReadonlySet<Raw>): Promise<RawFigures[]> {
  const cut = periods.map((period) => segmentsOf(period));
  if (cut.some((segments) => segments.length > MAX_SEGMENTS)) return fromRecords(db, p, periods, needed);
  const whole = (s: Period) => s.from.endsWith('-01') && s.to === lastDayOfMonth(s.from);
  const kept = await pastMonths(db, p, cut.flat().filter(whole).map((s) => s.from), DEFINITIONS_VERSION,
    async (months) => (await fromRecords(db, p, months.map((m) => ({ from: m, to: lastDayOfMonth(m) })), ALL_RAW)) as MonthFigures[]);
  const isKept = (s: Period) => whole(s) && kept.has(s.from);

  // Segments to count from the records, each once, with what is needed of it.
  const wanted = new Map<string, { segment: Period; needs: Set<Raw> }>();
  const want = (s: Period, raws: Iterable<Raw>) => {
    const key = `${s.from}|${s.to}`;
    const entry = wanted.get(key) ?? wanted.set(key, { segment: s, needs: new Set() }).get(key)!;
    for (const r of raws) if (needed.has(r)) entry.needs.add(r);
  };
  for (const segments of cut) {
    segments.forEach((s, k) => {
      if (isKept(s)) return;
      const last = k === segments.length - 1;
      want(s, [...needed].filter((r) => !AT_END.has(r) && !DISTINCT.has(r)));
      if (last) want(s, [...needed].filter((r) => AT_END.has(r)));
      if (segments.length === 1) want(s, [...needed].filter((r) => DISTINCT.has(r)));
    });
  }
  // One query per kind of need: the open-on-a-date queries cost by the span of their dates.
  const byNeeds = new Map<string, { segments: Period[]; needs: Set<Raw> }>();
  for (const { segment, needs } of wanted.values()) {
    const key = [...needs].sort().join(',');
    (byNeeds.get(key) ?? byNeeds.set(key, { segments: [], needs }).get(key)!).segments.push(segment);
  }
  const multi = periods.filter((_, i) => cut[i]!.length > 1);
  const distinctNeeds = new Set([...needed].filter((r) => DISTINCT.has(r)));
  const [counted, distinct] = await Promise.all([
    Promise.all([...byNeeds.values()].map(async ({ segments, needs }) => {
      const figures = await fromRecords(db, p, segments, needs);
      return segments.map((s, i) => [`${s.from}|${s.to}`, figures[i]!] as const);
    })),
    fromRecords(db, p, multi, distinctNeeds),
  ]);
  const figuresOf = new Map<string, RawFigures>(counted.flat());
  for (const [month, f] of kept) figuresOf.set(`${month}|${lastDayOfMonth(month)}`, f as RawFigures);

  return periods.map((period, i) => {
    const segments = cut[i]!;
    const out: RawFigures = {};
    const of = (s: Period) => figuresOf.get(`${s.from}|${s.to}`)!;
    for (const r of needed) {
      if (AT_END.has(r)) out[r] = of(segments[segments.length - 1]!)[r] ?? 0;
      else if (DISTINCT.has(r) && segments.length > 1) out[r] = distinct[multi.indexOf(period)]![r] ?? 0;
      else out[r] = segments.reduce((sum, s) => sum + (of(s)[r] ?? 0), 0);
    }
    return out;
  });
}

/**
 * Values of the codes asked for, for each bucket, in the buckets' order. `fromMonths` false counts
 * straight from the records, which the tests use to check the month cache against.
 */
async function computeBuckets(db: Db, partnershipId: number, periods: Period[], codes: readonly IndicatorCode[],
  opts: { fromMonths?: boolean } = {}): Promise<Partial<IndicatorValues>[]> {
  periods.forEach(checkPeriod);
  if (periods.length === 0) return [];
  const needed = new Set(codes.flatMap((c) => rawOf(INDICATOR_SPECS[c])));
  const raw = opts.fromMonths === false ? await fromRecords(db, partnershipId, periods, needed) : await fromMonths(db, partnershipId, periods, needed);
  const buckets = periods.map((b, i) => ({ ...b, i }));
  const needsPopulation = codes.some((c) => INDICATOR_SPECS[c].kind === 'rate_per_10k');
  const populations = new Map<number, Promise<number | null>>();
  const populationOf = (to: string) => {
    const year = Number(to.slice(0, 4));
    if (!populations.has(year)) populations.set(year, childPopulationFor(db, partnershipId, year));
    return populations.get(year)!;
  };
  return Promise.all(buckets.map(async (b) => {
    const population = needsPopulation ? await populationOf(b.to) : null;
    const r = raw[b.i]!;
    const get = (k: Raw) => r[k] ?? 0;
    const values: Partial<IndicatorValues> = {};
    for (const code of codes) {
      const spec = INDICATOR_SPECS[code];
      let v: IndicatorValue;
      if (spec.kind === 'count') v = { value: get(spec.raw), numerator: get(spec.raw), denominator: null };
      else if (spec.kind === 'percent') {
        const n = get(spec.numerator);
        const d = get(spec.denominator);
        v = { value: ratio(n, d, 100), numerator: n, denominator: d };
      } else {
        const n = get(spec.numerator);
        v = { value: ratio(n, population, 10_000), numerator: n, denominator: population };
      }
      values[code] = v;
    }
    return values;
  }));
}

/** Every indicator for one partnership and one period [from, to] (inclusive; `to` is the reference date). */
export async function computeIndicators(db: Db, input: { partnershipId: number } & Period, opts: { fromMonths?: boolean } = {}): Promise<IndicatorValues> {
  const [values] = await computeBuckets(db, input.partnershipId, [{ from: input.from, to: input.to }], INDICATOR_CODES, opts);
  return values as IndicatorValues;
}

export type TrendPoint = { month: string; from: string; to: string; value: IndicatorValue };

/** Calendar months ending with the month of `to`: the last one ends on `to` itself, the others on their last day. */
export function trendMonths(months: number, to: string): (Period & { month: string })[] {
  if (!Number.isInteger(months) || months < 1 || months > 240) throw new RangeError(`months must be a whole number from 1 to 240, not ${months}`);
  if (!isIsoDate(to)) throw new RangeError(`to must be a real date in the form YYYY-MM-DD, not "${to}"`);
  const y = Number(to.slice(0, 4));
  const m = Number(to.slice(5, 7));
  const out: { month: string; from: string; to: string }[] = [];
  for (let k = months - 1; k >= 0; k--) {
    const index = y * 12 + (m - 1) - k;
    const yy = Math.floor(index / 12);
    const mm = index - yy * 12 + 1;
    const first = new Date(Date.UTC(yy, mm - 1, 1));
    first.setUTCFullYear(yy);
    const last = new Date(first);
    last.setUTCMonth(last.getUTCMonth() + 1, 0);
    const from = first.toISOString().slice(0, 10);
    const end = k === 0 ? to : last.toISOString().slice(0, 10);
    out.push({ month: from.slice(0, 7), from, to: end });
  }
  return out;
}

/** One indicator month by month: counts over each month, "open" measures at each month's end. */
export async function monthlyTrend(db: Db, input: { partnershipId: number; code: IndicatorCode; months: number; to: string },
  opts: { fromMonths?: boolean } = {}): Promise<TrendPoint[]> {
  const months = trendMonths(input.months, input.to);
  const values = await computeBuckets(db, input.partnershipId, months, [input.code], opts);
  return months.map((m, i) => ({ month: m.month, from: m.from, to: m.to, value: values[i]![input.code]! }));
}

/** Every indicator month by month, in one query per family of indicators: the scorecard's sparklines. */
export async function trendAll(db: Db, input: { partnershipId: number; months: number; to: string },
  opts: { fromMonths?: boolean } = {}): Promise<Record<IndicatorCode, TrendPoint[]>> {
  const months = trendMonths(input.months, input.to);
  const values = await computeBuckets(db, input.partnershipId, months, INDICATOR_CODES, opts);
  return Object.fromEntries(INDICATOR_CODES.map((code) =>
    [code, months.map((m, i) => ({ month: m.month, from: m.from, to: m.to, value: values[i]![code]! }))])) as Record<IndicatorCode, TrendPoint[]>;
}

/**
 * Several periods' indicators and every indicator's monthly trend in one computation, so that the months
 * they share (the scorecard's period, the one before and its 24 months) are worked out once.
 */
export async function periodsAndTrend(db: Db, input: { partnershipId: number; periods: Period[]; months: number; to: string }):
  Promise<{ periods: IndicatorValues[]; trend: Record<IndicatorCode, TrendPoint[]> }> {
  const months = trendMonths(input.months, input.to);
  const values = await computeBuckets(db, input.partnershipId, [...input.periods, ...months], INDICATOR_CODES);
  const trendValues = values.slice(input.periods.length);
  return {
    periods: values.slice(0, input.periods.length) as IndicatorValues[],
    trend: Object.fromEntries(INDICATOR_CODES.map((code) =>
      [code, months.map((m, i) => ({ month: m.month, from: m.from, to: m.to, value: trendValues[i]![code]! }))])) as Record<IndicatorCode, TrendPoint[]>,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The children behind a figure

export type ChildBehind = { childId: string; laChildId: string; firstName: string | null; lastName: string | null; date: string | null };

/** For each figure, its records as (child_id, d): the child and the record's date. */
function membersSql(raw: Raw, p: number, from: string, to: string): RawBuilder<unknown> {
  const open = (start: RawBuilder<unknown>, end: RawBuilder<unknown>) => sql`${start} <= ${to}::date and (${end} is null or ${end} > ${to}::date)`;
  switch (raw) {
    case 'contacts':
      return sql`select child_id, contact_date as d from contact where partnership_id = ${p} and contact_date between ${from}::date and ${to}::date`;
    case 'referrals': case 'referrals_nfa': case 're_referrals':
      return sql`select r.child_id, r.referral_date as d from referral r where r.partnership_id = ${p} and r.referral_date between ${from}::date and ${to}::date
        ${raw === 'referrals_nfa' ? sql`and r.referral_nfa` : sql``}
        ${raw === 're_referrals' ? sql`and exists (select 1 from referral r2 where r2.partnership_id = r.partnership_id and r2.child_id = r.child_id
          and r2.referral_date < r.referral_date and r2.referral_date >= (r.referral_date - interval '1 year')::date)` : sql``}`;
    case 'assessments_completed': case 'assessments_within_45wd': case 'cse_children': case 'cce_children':
      return sql`select r.child_id, a.authorisation_date as d from assessment a join referral r on r.partnership_id = a.partnership_id and r.id = a.referral_id
        left join working_day wa on wa.day = a.start_date left join working_day wb on wb.day = a.authorisation_date
        where a.partnership_id = ${p} and a.authorisation_date between ${from}::date and ${to}::date
        ${raw === 'assessments_within_45wd' ? sql`and wb.idx - wa.idx <= 45` : sql``}
        ${raw === 'cse_children' ? sql`and '11A' = any(a.factors)` : raw === 'cce_children' ? sql`and '24A' = any(a.factors)` : sql``}`;
    case 's47_enquiries':
      return sql`select r.child_id, s.start_date as d from s47_enquiry s join referral r on r.partnership_id = s.partnership_id and r.id = s.referral_id
        where s.partnership_id = ${p} and s.start_date between ${from}::date and ${to}::date`;
    case 'icpcs': case 'icpcs_linked': case 'icpcs_within_15wd':
      return sql`select k.child_id, k.conference_date as d from (
          select r.child_id, c.conference_date,
                 max(coalesce(named.start_date, (select max(s.start_date) from s47_enquiry s
                   where s.partnership_id = c.partnership_id and s.referral_id = c.referral_id and s.start_date <= c.conference_date))) as s47_start
          from initial_conference c join referral r on r.partnership_id = c.partnership_id and r.id = c.referral_id
          left join s47_enquiry named on named.partnership_id = c.partnership_id and named.id = c.s47_enquiry_id
          where c.partnership_id = ${p} and c.conference_date between ${from}::date and ${to}::date
          group by r.child_id, c.conference_date) k
        left join working_day ws on ws.day = k.s47_start left join working_day wc on wc.day = k.conference_date
        where ${raw === 'icpcs' ? sql`true` : raw === 'icpcs_linked' ? sql`k.s47_start is not null` : sql`wc.idx - ws.idx <= 15`}`;
    case 'cin_open':
      return sql`select child_id, referral_date as d from referral where partnership_id = ${p} and referral_nfa is not true
        and ${open(sql`referral_date`, sql`closure_date`)}`;
    case 'cin_plans_open':
      return sql`select r.child_id, c.start_date as d from cin_plan c join referral r on r.partnership_id = c.partnership_id and r.id = c.referral_id
        where c.partnership_id = ${p} and ${open(sql`c.start_date`, sql`c.end_date`)}`;
    case 'cp_plans_open': case 'cp_plans_open_neglect': case 'cp_plans_open_repeat':
      return sql`select r.child_id, c.start_date as d from cp_plan c join referral r on r.partnership_id = c.partnership_id and r.id = c.referral_id
        where c.partnership_id = ${p} and ${open(sql`c.start_date`, sql`c.end_date`)}
        ${raw === 'cp_plans_open_neglect' ? sql`and coalesce(c.latest_category, c.initial_category) = 'NEG'` : sql``}
        ${raw === 'cp_plans_open_repeat' ? sql`and (coalesce(c.previous_plans, 0) >= 1 or exists (select 1 from referral r2
          join cp_plan c2 on c2.partnership_id = r2.partnership_id and c2.referral_id = r2.id
          where r2.partnership_id = r.partnership_id and r2.child_id = r.child_id and c2.start_date < c.start_date))` : sql``}`;
    case 'cp_plans_started':
      return sql`select r.child_id, c.start_date as d from cp_plan c join referral r on r.partnership_id = c.partnership_id and r.id = c.referral_id
        where c.partnership_id = ${p} and c.start_date between ${from}::date and ${to}::date`;
    case 'cla_open': case 'cla_started':
      return sql`select child_id, start_date as d from cla_episode where partnership_id = ${p} and coalesce(legal_status, '') not in ('V3', 'V4')
        and ${raw === 'cla_open' ? open(sql`start_date`, sql`end_date`) : sql`start_date between ${from}::date and ${to}::date and reason_new_episode = 'S'`}`;
    case 'missing_episodes': case 'missing_children':
      return sql`select child_id, start_date as d from missing_episode where partnership_id = ${p} and missing_type = 'M'
        and start_date between ${from}::date and ${to}::date`;
  }
}

/**
 * The children an indicator counts (for a percentage or rate, its numerator), each once with the latest
 * date of the records that count them, by name.
 */
export async function childrenBehind(db: Db, input: { partnershipId: number; code: IndicatorCode } & Period): Promise<ChildBehind[]> {
  checkPeriod(input);
  const raw = membersOf(INDICATOR_SPECS[input.code]);
  if (/wd$/.test(raw)) await ensureWorkingDays(db);
  const { rows } = await sql<ChildBehind>`
    select c.id as "childId", c.la_child_id as "laChildId", c.first_name as "firstName", c.last_name as "lastName", max(m.d) as date
    from (${membersSql(raw, input.partnershipId, input.from, input.to)}) m join child c on c.id = m.child_id
    group by c.id order by c.last_name nulls last, c.first_name nulls last, c.la_child_id`.execute(db);
  return rows;
}
