import type { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/create-db';
import { codeList, collectionYearOf } from '../../domain/codes';
import { ANNEX_A, type Column, type ListNo } from './annex-a.parser';
import { neutralised } from '../../platform/spreadsheet-safe';

/**
 * Ofsted's Annex A workbook for an inspection window: the eleven lists, their columns in Ofsted's order
 * (the parser's), from the journey's records of every source. What Annex A counts or derives (age, the
 * number of referrals, S47s and placements in the last 12 months, case status, missing episodes, team and
 * worker) is computed from the records; columns Beacon keeps no record of are left blank.
 *
 * Written with exceljs's streaming writer, a row at a time, with the records read a page at a time.
 * Dates are real Excel dates shown dd/mm/yyyy; codes are labelled as the template labels them where the
 * sample workbook shows how ("a) WBRI", "q) 6: Police"), and the importer reads back every label it writes.
 * No text cell can start a formula: one that begins with = + - @, a tab or a return gets an apostrophe.
 */

export interface AnnexAWindow {
  partnershipId: number;
  /** The window, inclusive, as YYYY-MM-DD: records open or dated within it are listed. */
  from: string;
  to: string;
}

type Values = Record<string, unknown>;

const PAGE = 1000;

export async function exportAnnexA(db: Db, input: AnnexAWindow & { out: Writable }): Promise<Record<string, number>> {
  const { out, ...window } = input;
  // Loaded when first needed: it takes half a second to load, which every start of the app would pay.
  const { default: Excel } = await import('exceljs');
  const book = new Excel.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const counts: Record<string, number> = {};
  for (const spec of ANNEX_A) {
    const sheet = book.addWorksheet(`List ${spec.no}`, { views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }] });
    sheet.columns = spec.columns.map((c) => ({ key: c.key, width: widthOf(c), style: c.kind === 'date' ? { numFmt: 'dd/mm/yyyy' } : {} }));
    const header = sheet.addRow(spec.columns.map((c) => c.header));
    header.font = { bold: true };
    header.alignment = { wrapText: true, vertical: 'top' };
    header.commit();
    let n = 0;
    for await (const page of LISTS[spec.no](db, window)) {
      for (const values of page) {
        sheet.addRow(spec.columns.map((c) => cellOf(c, values[c.key]))).commit();
        n++;
      }
    }
    sheet.commit();
    counts[`List ${spec.no}`] = n;
  }
  await book.commit();
  return counts;
}

/** Wide enough for the values; long titles wrap. */
const widthOf = (c: Column) => c.width ?? (c.kind === 'date' ? 14 : Math.min(36, Math.max(12, Math.ceil(c.header.length * 0.55) + 2)));

// --- Cells ---------------------------------------------------------------------------------------


function cellOf(c: Column, v: unknown): ExcelJS.CellValue {
  if (v === null || v === undefined) return null;
  switch (c.kind) {
    case 'date': return new Date(`${String(v)}T00:00:00Z`);
    case 'int': return Number(v);
    case 'yn': return neutralised(c.label === 'letter' ? (v ? 'a) Yes' : 'b) No') : v ? 'Yes' : 'No');
    case 'suitable': return v ? 'a) Suitable' : 'b) Unsuitable';
    case 'sex': return neutralised(SEX[String(v)] ?? String(v));
    case 'code': return neutralised(labelled(c, String(v)));
    case 'text': return neutralised(String(v));
  }
}

const SEX: Record<string, string> = { M: 'a) Male', F: 'b) Female', U: 'c) Not stated/recorded' };

/**
 * The template's answer letters, where the sample shows them. Ethnicity: the sample has a) WBRI, d) WOTH,
 * f) MWBC, i) MOTH, k) APKN, l) ABAN, r) OOTH and s) NOBT, which is DfE's order with NOBT before REFU;
 * the letters between follow that order. Referral source: b) 1B, e) 2A, j) 3D, q) 6, s) 8 and t) 9, DfE's
 * order before 5D was added; 5D, which the template predates, has no letter. Provider: b) PR1, e) PR4, f) PR5.
 */
const LETTERS: Partial<Record<string, readonly string[]>> = {
  ethnicity: ['WBRI', 'WIRI', 'WIRT', 'WOTH', 'WROM', 'MWBC', 'MWBA', 'MWAS', 'MOTH', 'AIND', 'APKN', 'ABAN', 'AOTH', 'BCRB', 'BAFR', 'BOTH', 'CHNE', 'OOTH', 'NOBT', 'REFU'],
  referralSource: ['1A', '1B', '1C', '1D', '2A', '2B', '3A', '3B', '3C', '3D', '3E', '3F', '4', '5A', '5B', '5C', '6', '7', '8', '9', '10'],
  placementProvider: ['PR0', 'PR1', 'PR2', 'PR3', 'PR4', 'PR5'],
};

function labelled(c: Column, code: string): string {
  if (c.codes === 'inTouch') return code === 'YES' ? 'a) Yes' : code === 'NO' ? 'b) No' : code;
  const entry = c.codes ? codeList(c.codes).codes.find((e) => e.code === code) : undefined;
  if (!entry || entry.meaningUnverified) return code;
  const i = LETTERS[c.codes!]?.indexOf(code) ?? -1;
  const letter = i >= 0 ? `${String.fromCharCode(97 + i)}) ` : '';
  // "Individual – family member, relative or carer" is "Individual" in the template.
  const short = entry.label.split(' – ')[0]!.split(' (')[0]!;
  switch (c.label) {
    case 'letter': return `${letter}${code}`;
    case 'letterCode': return `${letter}${code}: ${short}`;
    case 'letterDash': return `${letter}${code} - ${entry.label}`;
    case 'dash': return `${code} - ${entry.label}`;
    case 'colon': return `${code}: ${entry.label}`;
    case 'label': return entry.label;
    default: return code;
  }
}

// --- The lists' rows -----------------------------------------------------------------------------

type Rows = (db: Db, w: AnnexAWindow) => AsyncGenerator<Values[]>;

/** A query's rows a page at a time; the query orders them. */
async function* paged(db: Db, query: RawBuilder<unknown>): AsyncGenerator<Values[]> {
  for (let offset = 0; ; offset += PAGE) {
    const { rows } = await sql<Values>`${query} limit ${PAGE} offset ${offset}`.execute(db);
    if (rows.length > 0) yield rows;
    if (rows.length < PAGE) return;
  }
}

/** The child's columns common to Lists 1–10; the team and worker joined by `allocated`. */
const child = sql`c.la_child_id as child_id, c.sex, c.ethnicity, c.date_of_birth, c.disabilities`;

/** The child's allocation at the window's end, or the last before it. */
const allocated = (to: string) => sql`left join lateral (
  select t.name as team, u.name as worker from allocation a
  left join team t on t.id = a.team_id left join app_user u on u.id = a.user_id
  where a.child_id = c.id and a.from_date <= ${to} order by a.from_date desc limit 1) al on true`;

/** Age in whole years at the window's end; disability as Annex A asks it (Yes/No) from the census codes. */
function withChild(w: AnnexAWindow) {
  return (row: Values): Values => {
    const codes = (row.disabilities as string[] | undefined) ?? [];
    return { ...row, age: ageAt(row.date_of_birth as string | null, w.to), disability: codes.length === 0 ? null : codes.some((d) => d !== 'NONE') };
  };
}

async function* mapped(pages: AsyncGenerator<Values[]>, f: (row: Values) => Values): AsyncGenerator<Values[]> {
  for await (const page of pages) yield page.map(f);
}

const LISTS: Record<ListNo, Rows> = {
  1: (db, w) => mapped(paged(db, sql`select ${child}, x.contact_date, x.contact_source
    from contact x join child c on c.id = x.child_id
    where x.partnership_id = ${w.partnershipId} and x.contact_date between ${w.from} and ${w.to}
    order by x.contact_date, c.la_child_id, x.id`), withChild(w)),

  2: (db, w) => mapped(paged(db, sql`select ${child}, x.start_date, x.completion_date, x.organisation
    from early_help_assessment x join child c on c.id = x.child_id
    where x.partnership_id = ${w.partnershipId} and x.start_date <= ${w.to} and (x.completion_date is null or x.completion_date >= ${w.from})
    order by x.start_date, c.la_child_id, x.id`), withChild(w)),

  // The referrals in the 12 months before this one: a first referral counts 0, as in the sample.
  3: (db, w) => mapped(paged(db, sql`select ${child}, r.referral_date, r.referral_source, r.referral_nfa, al.team, al.worker,
      (select count(*)::int from referral r2 where r2.child_id = r.child_id and r2.referral_date < r.referral_date
        and r2.referral_date >= r.referral_date - interval '12 months') as referrals_12m
    from referral r join child c on c.id = r.child_id ${allocated(w.to)}
    where r.partnership_id = ${w.partnershipId} and r.referral_date between ${w.from} and ${w.to}
    order by r.referral_date, c.la_child_id, r.id`), withChild(w)),

  // Assessed as needing support: authorised, and the episode not closed after it with no further action (RC8) or to early help (RC9).
  4: (db, w) => mapped(paged(db, sql`select ${child}, a.start_date, a.child_seen, a.authorisation_date, al.team, al.worker,
      case when a.authorisation_date is null then null else coalesce(r.closure_reason, '') not in ('RC8', 'RC9') end as needs_support
    from assessment a join referral r on r.id = a.referral_id join child c on c.id = r.child_id ${allocated(w.to)}
    where a.partnership_id = ${w.partnershipId} and a.start_date <= ${w.to} and (a.authorisation_date is null or a.authorisation_date >= ${w.from})
    order by a.start_date, c.la_child_id, a.id`), withChild(w)),

  // The enquiry's conference is the one recorded against it, else the episode's first on or after its start.
  5: (db, w) => mapped(paged(db, sql`select ${child}, s.start_date as s47_start, s.icpc_not_required, ic.conference_date as icpc_date,
      ic.resulted_in_plan as icpc_plan, al.team, al.worker,
      (select count(*)::int from s47_enquiry s2 join referral r2 on r2.id = s2.referral_id where r2.child_id = r.child_id
        and s2.start_date < s.start_date and s2.start_date >= s.start_date - interval '12 months') as s47s_12m,
      (select count(*)::int from initial_conference i2 join referral r2 on r2.id = i2.referral_id where r2.child_id = r.child_id
        and i2.conference_date < s.start_date and i2.conference_date >= s.start_date - interval '12 months') as icpcs_12m
    from s47_enquiry s join referral r on r.id = s.referral_id join child c on c.id = r.child_id
    left join lateral (select i.conference_date, i.resulted_in_plan from initial_conference i
      where i.s47_enquiry_id = s.id or (i.s47_enquiry_id is null and i.referral_id = s.referral_id and i.conference_date >= s.start_date)
      order by i.s47_enquiry_id is not null desc, i.conference_date limit 1) ic on true
    ${allocated(w.to)}
    where s.partnership_id = ${w.partnershipId} and s.start_date between ${w.from} and ${w.to}
    order by s.start_date, c.la_child_id, s.id`), withChild(w)),

  // Every episode open in the window. The status is the most that holds at the window's end; the child
  // was last seen at the plan's last statutory visit.
  6: (db, w) => mapped(paged(db, sql`select ${child}, r.referral_date as cin_start, r.primary_need, al.team, al.worker,
      case when r.closure_date <= ${w.to} then r.closure_date end as closure_date,
      case when r.closure_date <= ${w.to} then r.closure_reason end as closure_reason,
      (select max(v.visit_date) from cp_visit v join cp_plan p on p.id = v.cp_plan_id where p.referral_id = r.id and v.visit_date <= ${w.to}) as last_seen,
      case
        when r.closure_date <= ${w.to} then 'Closed'
        when exists (select 1 from cla_episode e where e.child_id = r.child_id and e.start_date <= ${w.to} and (e.end_date is null or e.end_date > ${w.to})) then 'Looked after'
        when exists (select 1 from cp_plan p where p.referral_id = r.id and p.start_date <= ${w.to} and (p.end_date is null or p.end_date > ${w.to})) then 'Child protection plan'
        when exists (select 1 from cin_plan p where p.referral_id = r.id and p.start_date <= ${w.to} and (p.end_date is null or p.end_date > ${w.to})) then 'Child in need plan'
        when exists (select 1 from assessment a where a.referral_id = r.id and (a.authorisation_date is null or a.authorisation_date > ${w.to})) then 'Open assessment'
        else 'Open' end as case_status
    from referral r join child c on c.id = r.child_id ${allocated(w.to)}
    where r.partnership_id = ${w.partnershipId} and r.referral_date <= ${w.to} and (r.closure_date is null or r.closure_date >= ${w.from})
    order by r.referral_date, c.la_child_id, r.id`), withChild(w)),

  // EPO or police protection: a care episode under L1 or L2 in the six months to the window's end.
  7: (db, w) => mapped(paged(db, sql`select ${child}, p.start_date, p.initial_category, p.latest_category, v.visit_date as last_visit,
      v.seen_alone, rv.review_date as last_review, case when p.end_date <= ${w.to} then p.end_date end as end_date, al.team, al.worker,
      exists (select 1 from cla_episode e where e.child_id = r.child_id and e.legal_status in ('L1', 'L2') and e.start_date <= ${w.to}
        and coalesce(e.end_date, ${w.to}) >= ${w.to}::date - interval '6 months') as epo,
      coalesce(p.previous_plans, (select count(*)::int from cp_plan p2 join referral r2 on r2.id = p2.referral_id
        where r2.child_id = r.child_id and p2.start_date < p.start_date)) as previous_plans
    from cp_plan p join referral r on r.id = p.referral_id join child c on c.id = r.child_id
    left join lateral (select visit_date, seen_alone from cp_visit where cp_plan_id = p.id and visit_date <= ${w.to} order by visit_date desc limit 1) v on true
    left join lateral (select max(review_date) as review_date from cp_plan_review where cp_plan_id = p.id and review_date <= ${w.to}) rv on true
    ${allocated(w.to)}
    where p.partnership_id = ${w.partnershipId} and p.start_date <= ${w.to} and (p.end_date is null or p.end_date >= ${w.from})
    order by p.start_date, c.la_child_id, p.id`), withChild(w)),

  8: childrenInCare,

  // The care leaver's latest state within the window's collection years.
  9: (db, w) => mapped(paged(db, sql`select * from (select distinct on (cl.child_id) ${child}, cl.eligibility, cl.in_touch, cl.accommodation,
      cl.accommodation_suitable, cl.activity, al.team, al.worker
    from care_leaver cl join child c on c.id = cl.child_id ${allocated(w.to)}
    where cl.partnership_id = ${w.partnershipId} and cl.collection_year between ${collectionYearOf(w.from)} and ${collectionYearOf(w.to)}
    order by cl.child_id, cl.collection_year desc) latest order by child_id`), withChild(w)),

  10: adoptions,

  // The adopter's disability is kept as the workbook's Yes or No.
  11: (db, w) => mapped(paged(db, sql`select a.* from adopter a
    where a.partnership_id = ${w.partnershipId} and (a.enquiry_date is null or a.enquiry_date <= ${w.to})
      and coalesce(a.left_date, a.adoption_order_date, ${w.to}) >= ${w.from}
    order by a.enquiry_date, a.adopter_ref`), (a) => ({ ...a, disability: a.disability === null ? null : a.disability === 'Yes' })),
};

// --- Care episodes -------------------------------------------------------------------------------

interface Episode {
  child_id: string;
  start_date: string;
  end_date: string | null;
  reason_new_episode: string | null;
  legal_status: string | null;
  category_of_need: string | null;
  placement_type: string | null;
  placement_provider: string | null;
  placement_postcode: string | null;
  urn: string | null;
  reason_ceased: string | null;
}

/**
 * The episodes of the period of care that holds the child's latest episode starting by `at`: back from
 * it while each episode follows on from the one before (the one before ended as it began, or has no end)
 * and is not itself a new start (reason S).
 */
function periodOf(episodes: Episode[], at: string): Episode[] {
  const started = episodes.filter((e) => e.start_date <= at).sort((a, b) => a.start_date.localeCompare(b.start_date));
  let i = started.length - 1;
  while (i > 0 && started[i]!.reason_new_episode !== 'S' && (started[i - 1]!.end_date === null || started[i - 1]!.end_date === started[i]!.start_date)) i--;
  return i < 0 ? [] : started.slice(i);
}

/** The start of what continues into the period's last episode: walking back while `same` holds. */
function continuingSince(period: Episode[], same: (before: Episode, after: Episode) => boolean): string {
  let i = period.length - 1;
  while (i > 0 && same(period[i - 1]!, period[i]!)) i--;
  return period[i]!.start_date;
}

// A new episode's reason says what changed (903 RNE): L legal status; P, T placement; B, U both.
const sameLegalStatus = (before: Episode, after: Episode) =>
  before.legal_status === after.legal_status && !['L', 'B', 'U'].includes(after.reason_new_episode ?? '');
const samePlacement = (before: Episode, after: Episode) =>
  before.placement_type === after.placement_type && before.placement_provider === after.placement_provider
  && before.placement_postcode === after.placement_postcode && before.urn === after.urn
  && !['P', 'T', 'B', 'U'].includes(after.reason_new_episode ?? '');

async function episodesOf(db: Db, partnershipId: number, childIds: string[], to: string): Promise<Map<string, Episode[]>> {
  const byChild = new Map<string, Episode[]>();
  if (childIds.length === 0) return byChild;
  const rows = await db.selectFrom('cla_episode').select(['child_id', 'start_date', 'end_date', 'reason_new_episode', 'legal_status', 'category_of_need',
    'placement_type', 'placement_provider', 'placement_postcode', 'urn', 'reason_ceased'])
    .where('partnership_id', '=', partnershipId).where('child_id', 'in', childIds).where('start_date', '<=', to).execute();
  for (const e of rows) (byChild.get(e.child_id) ?? byChild.set(e.child_id, []).get(e.child_id)!).push(e);
  return byChild;
}

/** Children looked after at any time in the window, as at its end. */
async function* childrenInCare(db: Db, w: AnnexAWindow): AsyncGenerator<Values[]> {
  const yearBefore = minusMonths(w.to, 12);
  for await (const page of paged(db, sql`select c.id, ${child}, c.uasc, al.team, al.worker,
      (select max(review_date) from cla_review v where v.child_id = c.id and v.review_date <= ${w.to}) as last_review,
      (select max(assessment_date) from health_assessment h where h.child_id = c.id and h.assessment_date <= ${w.to}) as last_health_assessment,
      (select count(*)::int from missing_episode m where m.child_id = c.id and m.missing_type = 'M' and m.start_date between ${yearBefore} and ${w.to}) as missing_12m,
      (select count(*)::int from missing_episode m where m.child_id = c.id and m.missing_type = 'A' and m.start_date between ${yearBefore} and ${w.to}) as absent_12m,
      m.return_interview_offered_at is not null as ri_offered, m.return_interview_accepted as ri_accepted, m.start_date as last_missing
    from child c ${allocated(w.to)}
    left join lateral (select * from missing_episode m where m.child_id = c.id and m.start_date <= ${w.to} order by m.start_date desc limit 1) m on true
    where c.partnership_id = ${w.partnershipId} and exists (select 1 from cla_episode e where e.child_id = c.id
      and e.start_date <= ${w.to} and (e.end_date is null or e.end_date >= ${w.from}))
    order by c.la_child_id`)) {
    const episodes = await episodesOf(db, w.partnershipId, page.map((c) => c.id as string), w.to);
    yield page.map((row) => {
      const mine = episodes.get(row.id as string) ?? [];
      const period = periodOf(mine, w.to);
      const now = period[period.length - 1]!;
      const ceased = now.end_date !== null && now.end_date <= w.to;
      // Placements: the period's runs of episodes in one placement; those reaching into the last 12 months count.
      const starts = period.flatMap((e, i) => (i === 0 || !samePlacement(period[i - 1]!, e) ? [i] : []));
      const placements = starts.filter((_start, k) => {
        const end = starts[k + 1] !== undefined ? period[starts[k + 1]!]!.start_date : now.end_date;
        return end === null || end >= yearBefore;
      });
      return {
        ...withChild(w)(row),
        period_start: period[0]!.start_date,
        category_of_need: now.category_of_need,
        second_period: mine.some((e) => e.start_date < period[0]!.start_date && e.end_date !== null && e.end_date >= yearBefore),
        legal_status_start: continuingSince(period, sameLegalStatus),
        legal_status: now.legal_status,
        placements_12m: placements.length,
        ceased: ceased ? now.end_date : null,
        reason_ceased: ceased ? now.reason_ceased : null,
        placement_start: continuingSince(period, samePlacement),
        placement_type: now.placement_type,
        placement_provider: now.placement_provider,
        placement_postcode: now.placement_postcode,
        urn: now.urn,
        ri_offered: row.last_missing === null ? null : row.ri_offered,
        ri_accepted: row.last_missing === null ? null : row.ri_accepted,
      };
    });
  }
}

/** Adoption decisions open in the window; the child entered care at the start of the period of care the decision was made in. */
async function* adoptions(db: Db, w: AnnexAWindow): AsyncGenerator<Values[]> {
  for await (const page of paged(db, sql`select c.id, ${child}, x.decision_date, x.placement_order_date, x.matching_date, x.placed_date,
      x.adoption_order_date, x.ceased_date, x.reason_ceased, x.ffa_placed_date as ffa_date
    from placed_for_adoption x join child c on c.id = x.child_id
    where x.partnership_id = ${w.partnershipId} and x.decision_date <= ${w.to}
      and (x.ceased_date is null or x.ceased_date >= ${w.from}) and (x.adoption_order_date is null or x.adoption_order_date >= ${w.from})
    order by x.decision_date, c.la_child_id, x.id`)) {
    const episodes = await episodesOf(db, w.partnershipId, page.map((c) => c.id as string), w.to);
    yield page.map((row) => ({ ...withChild(w)(row), entered_care: periodOf(episodes.get(row.id as string) ?? [], row.decision_date as string)[0]?.start_date ?? null }));
  }
}

// --- Dates ---------------------------------------------------------------------------------------

function ageAt(birth: string | null, at: string): number | null {
  if (!birth || birth > at) return null;
  const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = at.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

function minusMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1 - months, d)).toISOString().slice(0, 10);
}
