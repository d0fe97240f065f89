import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { mulberry32 } from '../../src/domain/seeded-random';

/**
 * A national-scale synthetic data set: --partnerships partnerships (England has 153 local authorities)
 * of realistic and varied sizes, each with --years years of the records the indicators count, made in
 * JavaScript from a seeded generator (the same data for the same options) and loaded with multi-row
 * inserts of column arrays (`insert … select * from unnest($1::uuid[], …)`), 10,000 rows a statement,
 * one transaction per partnership.
 *
 * The volumes follow England's published rates per 10,000 children a year (DfE "Characteristics of
 * children in need" and "Children looked after in England", years ending 31 March 2023; contacts, which
 * DfE does not collect, from ADCS's Safeguarding Pressures), each partnership's rates scaled by an
 * "intensity" (deprivation, practice) spread as England's are. The journeys are modelled: a contact
 * before each referral, re-referrals of children referred in the last 12 months, assessments most within
 * 45 working days, Section 47 enquiries, conferences most within 15 working days, plans, episodes closed
 * when their work ends, periods of care split into placements, missing episodes of children in care.
 * The records open at the start of the window (children already in care, episodes already open) are
 * there too, simulated from before it, so that "open on a date" figures are steady from the first year.
 */

/** England's figures for a year (rounded, approximate: see docs/scaling.md), and the rates used to generate. */
export const ENGLAND = {
  /** Children aged 0-17, ONS mid-2022 estimate (about 12.1 million), and England's local authorities. */
  childPopulation: 12_100_000,
  localAuthorities: 153,
  /** Published national figures for a year (to 31 March 2023), rounded: what the generated totals are compared with. */
  published: {
    contacts: 2_500_000, referrals: 650_000, re_referral_rate: 22, assessments_completed: 650_000, assessments_within_45wd_pct: 82,
    s47_enquiries: 220_000, icpcs: 78_000, icpcs_within_15wd_pct: 78, cin_open: 400_000, cp_plans_open: 51_000,
    cp_plans_open_neglect_pct: 50, cp_plans_open_repeat_pct: 23, cp_plans_started: 54_000, cla_open: 84_000, cla_started: 33_000,
    missing_episodes: 80_000, missing_children: 13_000,
  } as Record<string, number>,
};

/** Per 10,000 children a year, before a partnership's intensity. */
const RATE = { contacts: 2050, referrals: 537, careStarts: 27 };
/** Shares and delays of the journey (calendar days; 45 working days is about 63 calendar days, 15 about 21). */
const JOURNEY = {
  nfa: 0.07, reReferral: 0.24, assessed: 1, secondAssessment: 0.25, within45: 0.82, s47: 0.37, icpc: 0.36, within15: 0.79, plan: 0.72,
  cinPlan: 0.33, previousPlans: 0.2, cse: 0.025, cce: 0.022, contactsLeadingToReferral: true,
};
/** Each year of care a child goes missing with this chance, then about this many times (England: 80,000 episodes of 13,000 children a year). */
const MISSING = { childShare: 0.08, meanEpisodes: 11, away: 0.15 };
/** Children known to children's services in the window, as a share of the child population. */
const POOL_SHARE = 0.2;

export type PartnershipSpec = { index: number; laCode: string; name: string; population: number; intensity: number };

/** A seeded generator (mulberry32): the same data for the same seed. */
export function rng(seed: number) {
  const next = mulberry32(seed);
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!,
    /** From a list of [value, weight]. */
    weighted: <T>(xs: readonly (readonly [T, number])[]) => {
      let r = next() * xs.reduce((s, x) => s + x[1], 0);
      for (const [v, w] of xs) if ((r -= w) < 0) return v;
      return xs[xs.length - 1]![0];
    },
  };
}
type Rng = ReturnType<typeof rng>;

/** The standard normal's quantile (Acklam's rational approximation, ample for spreading sizes). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo || p > 1 - lo) {
    const q = Math.sqrt(-2 * Math.log(p < lo ? p : 1 - p));
    const x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
    return p < lo ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return (((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/**
 * The partnerships, largest first: child populations spread log-normally as England's local authorities'
 * are (from about a sixth of the median to six times it: a small unitary to a large shire county), summing
 * to England's child population in proportion to `count` of its 153, times `fraction`; each with an
 * intensity (log-normal, mean about 1, spread about a quarter) that scales all its rates, unrelated to size.
 */
export function partnershipSpecs(count: number, fraction: number, seed = 153): PartnershipSpec[] {
  const r = rng(seed);
  const raw = Array.from({ length: count }, (_, i) => Math.exp(0.65 * normalQuantile((count - i - 0.5) / count)));
  const total = ENGLAND.childPopulation * (count / ENGLAND.localAuthorities) * fraction;
  const sum = raw.reduce((s, x) => s + x, 0);
  const intensities = raw.map((_, i) => Math.exp(0.25 * normalQuantile((i + 0.5) / count) - 0.03));
  for (let i = intensities.length - 1; i > 0; i--) {
    const j = Math.floor(r.next() * (i + 1));
    [intensities[i], intensities[j]] = [intensities[j]!, intensities[i]!];
  }
  return raw.map((x, i) => ({
    index: i,
    laCode: String(700 + i).padStart(3, '0'),
    name: `Synthetic partnership ${String(i + 1).padStart(3, '0')}`,
    population: Math.max(100, Math.round((x / sum) * total)),
    intensity: Math.round(intensities[i]! * 1000) / 1000,
  }));
}

// ---------------------------------------------------------------------------------------------------------
// One partnership's records

const DAY = 86_400_000;
export const dayOf = (iso: string) => Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY);
const iso = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

const FIRST = ['Amelia', 'Olivia', 'Isla', 'Ava', 'Mia', 'Ivy', 'Lily', 'Freya', 'Florence', 'Grace', 'Noah', 'Oliver', 'George', 'Arthur',
  'Leo', 'Muhammad', 'Harry', 'Oscar', 'Archie', 'Jack', 'Theo', 'Charlie', 'Jacob', 'Alfie', 'Ruby', 'Evie', 'Poppy', 'Zara', 'Aisha', 'Kacper'];
const LAST = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Robinson', 'Wright', 'Thompson',
  'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Thomas', 'Clarke', 'Jackson', 'Wood', 'Harris', 'Edwards', 'Turner', 'Martin',
  'Cooper', 'Hill', 'Ward', 'Hughes', 'Moore', 'Clark', 'King', 'Harrison', 'Lewis', 'Baker', 'Lee', 'Allen', 'Morris', 'Khan', 'Scott',
  'Watson', 'Davis', 'Parker', 'James', 'Bennett', 'Young', 'Phillips', 'Richardson', 'Mitchell', 'Bailey', 'Carter', 'Cook', 'Singh',
  'Shaw', 'Bell', 'Collins', 'Morgan', 'Kelly', 'Begum', 'Miller', 'Cox', 'Hussain', 'Marshall', 'Simpson', 'Price', 'Anderson', 'Adams'];
const ETHNICITY = [['WBRI', 72], ['WOTH', 6], ['MWBC', 3], ['MOTH', 3], ['AIND', 2], ['APKN', 3], ['ABAN', 1], ['BAFR', 4], ['BCRB', 1], ['OOTH', 2], ['NOBT', 3]] as const;
const SOURCES = [['1A', 5], ['1B', 2], ['2A', 8], ['2B', 5], ['3A', 10], ['3B', 2], ['5A', 12], ['5B', 6], ['5C', 3], ['5D', 2], ['6', 6], ['7', 2], ['8', 8], ['9', 2], ['10', 25]] as const;
const NEEDS = [['N1', 57], ['N2', 3], ['N3', 8], ['N4', 17], ['N5', 2], ['N6', 3], ['N7', 1], ['N8', 4], ['N9', 5]] as const;
const FACTORS = ['3A', '3B', '3C', '4A', '4B', '2A', '2B', '1B', '1C', '6A', '6B', '21', '22A', '16A', '18B', '19B'];
const CATEGORY = [['NEG', 50], ['EMO', 38], ['PHY', 7], ['SAB', 4], ['MUL', 1]] as const;
const CARE_STATUS = [['C2', 52], ['V2', 19], ['C1', 17], ['E1', 4], ['J2', 2], ['L2', 1], ['V3', 3], ['V4', 2]] as const;
const PLACEMENT = ['U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'P1', 'R1', 'K2', 'H5', 'S1'];

/** Column arrays, one per table: what the loader sends. */
export type Rows = {
  child: { id: string[]; la_child_id: string[]; first_name: string[]; last_name: string[]; date_of_birth: string[]; sex: string[]; ethnicity: string[] };
  contact: { id: string[]; child_id: string[]; contact_date: string[]; contact_source: string[] };
  referral: { id: string[]; child_id: string[]; referral_date: string[]; referral_source: string[]; primary_need: string[]; referral_nfa: boolean[];
    closure_date: (string | null)[]; closure_reason: (string | null)[] };
  assessment: { id: string[]; referral_id: string[]; start_date: string[]; authorisation_date: (string | null)[]; factors: string[]; child_seen: boolean[] };
  s47_enquiry: { id: string[]; referral_id: string[]; start_date: string[]; icpc_not_required: boolean[] };
  initial_conference: { id: string[]; referral_id: string[]; s47_enquiry_id: string[]; conference_date: string[]; resulted_in_plan: boolean[] };
  cp_plan: { id: string[]; referral_id: string[]; start_date: string[]; end_date: (string | null)[]; initial_category: string[]; latest_category: (string | null)[]; previous_plans: number[] };
  cin_plan: { id: string[]; referral_id: string[]; start_date: string[]; end_date: (string | null)[] };
  cla_episode: { id: string[]; child_id: string[]; start_date: string[]; reason_new_episode: string[]; legal_status: string[]; category_of_need: string[];
    placement_type: string[]; end_date: (string | null)[]; reason_ceased: (string | null)[] };
  missing_episode: { id: string[]; child_id: string[]; missing_type: string[]; start_date: string[]; end_date: (string | null)[] };
};
export type TableName = keyof Rows;
/** In the order they are loaded (each table's links point to those before it). */
export const TABLES: TableName[] = ['child', 'referral', 'contact', 'assessment', 's47_enquiry', 'initial_conference', 'cp_plan', 'cin_plan', 'cla_episode', 'missing_episode'];

function emptyRows(): Rows {
  const cols = (names: string[]) => Object.fromEntries(names.map((n) => [n, []]));
  return {
    child: cols(['id', 'la_child_id', 'first_name', 'last_name', 'date_of_birth', 'sex', 'ethnicity']),
    contact: cols(['id', 'child_id', 'contact_date', 'contact_source']),
    referral: cols(['id', 'child_id', 'referral_date', 'referral_source', 'primary_need', 'referral_nfa', 'closure_date', 'closure_reason']),
    assessment: cols(['id', 'referral_id', 'start_date', 'authorisation_date', 'factors', 'child_seen']),
    s47_enquiry: cols(['id', 'referral_id', 'start_date', 'icpc_not_required']),
    initial_conference: cols(['id', 'referral_id', 's47_enquiry_id', 'conference_date', 'resulted_in_plan']),
    cp_plan: cols(['id', 'referral_id', 'start_date', 'end_date', 'initial_category', 'latest_category', 'previous_plans']),
    cin_plan: cols(['id', 'referral_id', 'start_date', 'end_date']),
    cla_episode: cols(['id', 'child_id', 'start_date', 'reason_new_episode', 'legal_status', 'category_of_need', 'placement_type', 'end_date', 'reason_ceased']),
    missing_episode: cols(['id', 'child_id', 'missing_type', 'start_date', 'end_date']),
  } as unknown as Rows;
}

export const rowCount = (rows: Rows, table: TableName) => (Object.values(rows[table])[0] as unknown[]).length;

/** A count drawn around its expectation (Poisson-like spread, never negative). */
const around = (r: Rng, expected: number) => Math.max(0, Math.round(expected + Math.sqrt(expected) * normalQuantile(Math.min(0.999, Math.max(0.001, r.next())))));

/**
 * One partnership's records over [today - years, today], with the records still open at the window's
 * start simulated from before it (episodes two years back, care ten). Deterministic for (spec, today, years).
 */
export function generatePartnership(spec: PartnershipSpec, opts: { today: string; years: number }): Rows {
  const r = rng(1_000_003 * (spec.index + 1) + opts.years);
  const rows = emptyRows();
  const end = dayOf(opts.today);
  const start = end - Math.round(opts.years * 365.25);
  const perYear = (rate: number) => (rate * spec.population / 10_000) * spec.intensity;

  // Children: born so that each is under 18 for part of the window.
  const poolSize = Math.max(20, Math.round(spec.population * POOL_SHARE));
  const dob: number[] = [];
  const lastReferral = new Float64Array(poolSize).fill(-Infinity);
  const busyUntil = new Float64Array(poolSize).fill(-Infinity);
  const inCareUntil = new Float64Array(poolSize).fill(-Infinity);
  for (let n = 0; n < poolSize; n++) {
    const born = r.int(start - 17 * 365, end - 30);
    dob.push(born);
    const c = rows.child;
    c.id.push(randomUUID());
    c.la_child_id.push(`${spec.laCode}S${String(n + 1).padStart(7, '0')}`);
    c.first_name.push(r.pick(FIRST));
    c.last_name.push(r.pick(LAST));
    c.date_of_birth.push(iso(born));
    c.sex.push(r.chance(0.51) ? 'M' : 'F');
    c.ethnicity.push(r.weighted(ETHNICITY));
  }
  const childId = (n: number) => rows.child.id[n]!;
  /** A child alive and under 18 on `day`, chosen `tries` times at most; -1 when none was found. */
  const childOn = (day: number, ok: (n: number) => boolean, tries = 8) => {
    for (let t = 0; t < tries; t++) {
      const n = r.int(0, poolSize - 1);
      if (dob[n]! <= day && day < dob[n]! + 18 * 365 && ok(n)) return n;
    }
    return -1;
  };

  // Referrals from two years before the window, in date order, each with its work.
  const simFrom = start - 730;
  const referralDays = Array.from({ length: around(r, perYear(RATE.referrals) * (end - simFrom) / 365.25) }, () => r.int(simFrom, end)).sort((a, b) => a - b);
  const recent: { n: number; day: number }[] = [];
  const planChildren: { n: number; day: number }[] = [];
  for (const day of referralDays) {
    while (recent.length && recent[0]!.day < day - 365) recent.shift();
    let n = -1;
    if (recent.length && r.chance(JOURNEY.reReferral)) {
      for (let t = 0; t < 4 && n < 0; t++) {
        const cand = recent[r.int(0, recent.length - 1)]!.n;
        if (lastReferral[cand]! < day && busyUntil[cand]! < day && day < dob[cand]! + 18 * 365) n = cand;
      }
    }
    if (n < 0) n = childOn(day, (k) => lastReferral[k]! < day - 365 && busyUntil[k]! < day);
    if (n < 0) continue;
    lastReferral[n] = day;
    recent.push({ n, day });
    const nfa = r.chance(JOURNEY.nfa);
    const referralId = randomUUID();
    let closes = day + r.int(10, 60);
    let openEnded = false;
    const work: (() => void)[] = [];
    if (!nfa) {
      // Assessment(s): most authorised within 45 working days, a few not yet.
      const assess = (from: number) => {
        const s = from + r.int(0, 3);
        const auth = s + (r.chance(JOURNEY.within45) ? r.int(5, 60) : r.int(66, 130));
        const factors = [r.pick(FACTORS), ...(r.chance(0.5) ? [r.pick(FACTORS)] : [])];
        if (r.chance(JOURNEY.cse)) factors.push('11A');
        if (r.chance(JOURNEY.cce)) factors.push('24A');
        work.push(() => {
          const a = rows.assessment;
          a.id.push(randomUUID()); a.referral_id.push(referralId); a.start_date.push(iso(s));
          a.authorisation_date.push(auth <= end ? iso(auth) : null); a.factors.push(`{${[...new Set(factors)].join(',')}}`); a.child_seen.push(r.chance(0.95));
        });
        return auth;
      };
      const authorised = assess(day);
      closes = Math.max(closes, authorised + r.int(0, 20));
      let planned = false;
      if (r.chance(JOURNEY.s47)) {
        const s47Day = day + r.int(0, 10);
        const s47Id = randomUUID();
        const icpc = r.chance(JOURNEY.icpc);
        work.push(() => {
          const s = rows.s47_enquiry;
          s.id.push(s47Id); s.referral_id.push(referralId); s.start_date.push(iso(s47Day)); s.icpc_not_required.push(!icpc);
        });
        if (icpc) {
          const confDay = s47Day + (r.chance(JOURNEY.within15) ? r.int(3, 20) : r.int(22, 50));
          const plan = r.chance(JOURNEY.plan);
          work.push(() => {
            const c = rows.initial_conference;
            c.id.push(randomUUID()); c.referral_id.push(referralId); c.s47_enquiry_id.push(s47Id); c.conference_date.push(iso(confDay)); c.resulted_in_plan.push(plan);
          });
          if (plan) {
            planned = true;
            const planEnd = confDay + r.int(60, 600);
            const initial = r.weighted(CATEGORY);
            work.push(() => {
              const p = rows.cp_plan;
              p.id.push(randomUUID()); p.referral_id.push(referralId); p.start_date.push(iso(confDay)); p.end_date.push(planEnd <= end ? iso(planEnd) : null);
              p.initial_category.push(initial); p.latest_category.push(r.chance(0.15) ? r.weighted(CATEGORY) : null);
              p.previous_plans.push(r.chance(JOURNEY.previousPlans) ? r.int(1, 3) : 0);
            });
            planChildren.push({ n, day: confDay });
            closes = Math.max(closes, planEnd + r.int(0, 40));
          }
        }
      }
      if (!planned && r.chance(JOURNEY.cinPlan)) {
        const planStart = Math.max(authorised, day + 30);
        const planEnd = planStart + r.int(150, 700);
        if (r.chance(JOURNEY.secondAssessment)) assess(planStart + r.int(60, 200));
        work.push(() => {
          const p = rows.cin_plan;
          p.id.push(randomUUID()); p.referral_id.push(referralId); p.start_date.push(iso(planStart)); p.end_date.push(planEnd <= end ? iso(planEnd) : null);
        });
        closes = Math.max(closes, planEnd + r.int(0, 40));
      }
    } else {
      closes = day;
    }
    if (closes > end) openEnded = true;
    busyUntil[n] = closes;
    // Episodes closed before the window are history the data set does not hold.
    if (!openEnded && closes < start) continue;
    const f = rows.referral;
    f.id.push(referralId); f.child_id.push(childId(n)); f.referral_date.push(iso(day)); f.referral_source.push(r.weighted(SOURCES));
    f.primary_need.push(r.weighted(NEEDS)); f.referral_nfa.push(nfa);
    f.closure_date.push(openEnded ? null : iso(closes)); f.closure_reason.push(openEnded ? null : nfa ? 'RC8' : r.pick(['RC8', 'RC9', 'RC7', 'RC5', 'RC3']));
    for (const w of work) w();
    // The contact that led to it, on the day or just before.
    const contactDay = day - r.int(0, 2);
    if (contactDay >= start) {
      const c = rows.contact;
      c.id.push(randomUUID()); c.child_id.push(childId(n)); c.contact_date.push(iso(contactDay)); c.contact_source.push(f.referral_source[f.referral_source.length - 1]!);
    }
  }

  // Contacts that led to no referral, skewed so that some children are contacted again and again.
  const others = Math.max(0, around(r, perYear(RATE.contacts) * opts.years) - rowCount(rows, 'contact'));
  for (let k = 0; k < others; k++) {
    const day = r.int(start, end);
    let n = Math.floor(poolSize * r.next() ** 1.6);
    if (!(dob[n]! <= day && day < dob[n]! + 18 * 365)) n = childOn(day, () => true, 4);
    if (n < 0) continue;
    const c = rows.contact;
    c.id.push(randomUUID()); c.child_id.push(childId(n)); c.contact_date.push(iso(day)); c.contact_source.push(r.weighted(SOURCES));
  }

  // Periods of care from ten years back (a mix of short, medium and long stays, ended at 18), split into placements.
  const careFrom = start - 3650;
  const starts = Array.from({ length: around(r, perYear(RATE.careStarts) * (end - careFrom) / 365.25) }, () => r.int(careFrom, end)).sort((a, b) => a - b);
  let planned = 0;
  for (const day of starts) {
    // Half of those coming into care had a child protection plan.
    let n = -1;
    while (planned < planChildren.length && planChildren[planned]!.day < day - 365) planned++;
    if (planned < planChildren.length && planChildren[planned]!.day <= day && r.chance(0.5)) {
      const cand = planChildren[planned++]!.n;
      if (inCareUntil[cand]! < day && day < dob[cand]! + 18 * 365) n = cand;
    }
    if (n < 0) n = childOn(day, (k) => inCareUntil[k]! < day);
    if (n < 0) continue;
    const length = r.weighted([[r.int(14, 365), 35], [r.int(365, 1095), 30], [r.int(1095, 4000), 35]] as const);
    const leaves = Math.min(day + length, dob[n]! + 18 * 365);
    inCareUntil[n] = leaves;
    if (leaves < start) continue;
    const status = r.weighted(CARE_STATUS);
    const need = r.weighted(NEEDS);
    for (let s = day, first = true; s < leaves && s <= end; first = false) {
      const next = Math.min(leaves, s + r.int(120, 700));
      const ended = next <= end;
      const last = next >= leaves;
      if (next >= start || !ended) {
        const e = rows.cla_episode;
        e.id.push(randomUUID()); e.child_id.push(childId(n)); e.start_date.push(iso(s)); e.reason_new_episode.push(first ? 'S' : r.chance(0.85) ? 'P' : 'L');
        e.legal_status.push(status); e.category_of_need.push(need); e.placement_type.push(r.pick(PLACEMENT));
        e.end_date.push(ended ? iso(next) : null); e.reason_ceased.push(ended ? (last ? r.pick(['E11', 'E12', 'E41', 'E13', 'E8']) : 'X1') : null);
      }
      s = next;
    }
    // Missing from care: some children each year, several times each.
    const missingFrom = Math.max(day, start);
    const missingTo = Math.min(leaves, end);
    const seen = new Set<number>();
    for (let y = missingFrom; y < missingTo; y += 365) {
      const span = Math.min(365, missingTo - y);
      if (!r.chance(MISSING.childShare * span / 365)) continue;
      const times = 1 + Math.floor(-Math.log(1 - r.next()) * (MISSING.meanEpisodes - 1));
      for (let k = 0; k < times; k++) {
        const m = y + r.int(0, span - 1);
        if (seen.has(m)) continue;
        seen.add(m);
        const back = m + r.int(0, 3);
        const e = rows.missing_episode;
        e.id.push(randomUUID()); e.child_id.push(childId(n)); e.missing_type.push('M'); e.start_date.push(iso(m)); e.end_date.push(back <= end ? iso(back) : null);
        if (r.chance(MISSING.away) && !seen.has(m + 1) && m + 1 <= end) {
          seen.add(m + 1);
          e.id.push(randomUUID()); e.child_id.push(childId(n)); e.missing_type.push('A'); e.start_date.push(iso(m + 1)); e.end_date.push(iso(Math.min(end, m + 2)));
        }
      }
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------
// Loading

const TYPES: Record<string, string> = {
  id: 'uuid', child_id: 'uuid', referral_id: 'uuid', s47_enquiry_id: 'uuid', referral_nfa: 'boolean', child_seen: 'boolean',
  icpc_not_required: 'boolean', resulted_in_plan: 'boolean', previous_plans: 'int', factors: 'text',
};
const typeOf = (column: string) => TYPES[column] ?? (/_date$|^date_of_birth$/.test(column) ? 'date' : 'text');
const BATCH = 10_000;

/**
 * One partnership's rows into the database, in one transaction on `client`: each table in batches of
 * `insert … select $1, * from unnest(…)`, the partnership first. Calls `progress` with the rows written.
 */
export async function loadPartnership(client: pg.ClientBase, spec: PartnershipSpec, rows: Rows, opts: {
  years: number; today: string; partnershipId?: number; progress?: (rows: number) => void;
}): Promise<number> {
  await client.query('begin');
  try {
    // The load's own commits need not wait for the disk: a crash mid-load means loading again anyway.
    await client.query('set local synchronous_commit = off');
    let id = opts.partnershipId;
    if (id === undefined) {
      id = (await client.query<{ id: number }>('insert into partnership (la_code, name, default_child_population) values ($1, $2, $3) returning id',
        [spec.laCode, spec.name, spec.population])).rows[0]!.id;
    } else {
      await client.query('update partnership set default_child_population = $2 where id = $1', [id, spec.population]);
    }
    const lastYear = Number(opts.today.slice(0, 4));
    const years = Array.from({ length: opts.years + 1 }, (_, k) => lastYear - opts.years + k);
    // Populations growing by half a per cent a year to this year's.
    await client.query(`insert into partnership_child_population (partnership_id, year, child_population)
      select $1, y, round($2 * power(1.005, y - $3))::int from unnest($4::int[]) y
      on conflict (partnership_id, year) do update set child_population = excluded.child_population`, [id, spec.population, lastYear, years]);
    for (const table of TABLES) {
      const columns = Object.keys(rows[table]);
      const data = rows[table] as Record<string, unknown[]>;
      const total = rowCount(rows, table);
      const select = columns.map((c, i) => (c === 'factors' ? `u.c${i}::text[]` : `u.c${i}`)).join(', ');
      const unnest = columns.map((c, i) => `$${i + 2}::${typeOf(c)}[]`).join(', ');
      const text = `insert into ${table} (partnership_id, source, ${columns.join(', ')})
        select $1, 'demo', ${select} from unnest(${unnest}) as u(${columns.map((_, i) => `c${i}`).join(', ')})`;
      for (let at = 0; at < total; at += BATCH) {
        await client.query(text, [id, ...columns.map((c) => data[c]!.slice(at, at + BATCH))]);
        opts.progress?.(Math.min(BATCH, total - at));
      }
    }
    await client.query('commit');
    return id;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  }
}
