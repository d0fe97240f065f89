import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { ExpressionBuilder, Selectable } from 'kysely';
import type { Db } from '../../db/create-db';
import type { AssessmentTable, Database, ChildTable, CinPlanTable, CpPlanTable, InitialConferenceTable, ReferralTable, S47EnquiryTable } from '../../db/schema';

/**
 * Writes the DfE children in need census for one partnership and collection year from the journey's
 * records: the inverse of the importer, element for element, in the order of the census XSD.
 *
 * The return is the one the LA would have made at the year's reference date (31 March): it holds the
 * episodes open at some time in the year, as they stood on that date, and only that year's activity.
 * - Anything dated after the reference date had not happened: a later closure, plan end or assessment
 *   authorisation is left blank, and later referrals, assessments, S47s, conferences, plans and reviews
 *   are left out. A death after it is left out, and a child born after it is still unborn.
 * - What ended before the year began belongs to an earlier return, and DfE's rules refuse it: an
 *   assessment authorised before 1 April (8696), a CIN plan (4013) or CP plan (8930) ended before it,
 *   an S47 whose conference was before it (8715), a review or conference before it.
 *
 * Children are read a page at a time in LA child id order, with a few queries a page, and written as
 * they are read, so memory stays flat however large the partnership.
 */

const PAGE = 500;
const SOFTWARE = 'Beacon';
const RELEASE = '0.1.0';

/** The census year named by the year it starts: 2023 runs from 2023-04-01 to the reference date 2024-03-31. */
export function censusPeriod(collectionYear: number): { start: string; reference: string } {
  return { start: `${collectionYear}-04-01`, reference: `${collectionYear + 1}-03-31` };
}

/** From 2024-25 the census has `<Sex>` (M/F/U) where earlier years had `<GenderCurrent>` (1/2/0/9). */
const FIRST_SEX_YEAR = 2024;
const SEX_TO_GENDER: Readonly<Record<string, string>> = { M: '1', F: '2', U: '0' };
const GENDER_TO_SEX: Readonly<Record<string, string>> = { '1': 'M', '2': 'F', '0': 'U', '9': 'U' };

type Child = Selectable<ChildTable>;
type Referral = Selectable<ReferralTable>;
type Assessment = Selectable<AssessmentTable>;
type CinPlan = Selectable<CinPlanTable>;
type S47 = Selectable<S47EnquiryTable>;
type Conference = Selectable<InitialConferenceTable>;
type CpPlan = Selectable<CpPlanTable>;

/** One page's records below the children, each list keyed by its parent's id. */
interface Page {
  referrals: Map<string, Referral[]>;
  assessments: Map<string, Assessment[]>;
  cinPlans: Map<string, CinPlan[]>;
  s47s: Map<string, S47[]>;
  conferences: Map<string, Conference[]>;
  cpPlans: Map<string, CpPlan[]>;
  reviews: Map<string, string[]>;
}

/** Streams the census for one partnership and collection year (start year) to `out`, child by child, in constant memory. Ends `out`. */
export async function exportCinCensus(
  db: Db,
  input: {
    partnershipId: number; laCode: string; collectionYear: number; out: Writable; now?: Date; onChild?: (n: number) => void;
    /** Children read a page: the tests make it small to cross page boundaries. */
    pageSize?: number;
  },
): Promise<{ children: number; episodes: number }> {
  const { partnershipId, collectionYear, out } = input;
  const period = censusPeriod(collectionYear);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };

  await write(header(input.laCode, collectionYear, period.reference, input.now ?? new Date()));
  let children = 0;
  let episodes = 0;
  let after: string | null = null;
  for (;;) {
    const page: Child[] = await db.selectFrom('child').selectAll().where('partnership_id', '=', partnershipId)
      .$if(after !== null, (q) => q.where('la_child_id', '>', after!))
      .where((eb) => eb.exists(eb.selectFrom('referral').select('referral.id').whereRef('referral.child_id', '=', 'child.id').where(openInYear(period))))
      .orderBy('la_child_id').limit(input.pageSize ?? PAGE).execute();
    if (page.length === 0) break;
    const records = await loadPage(db, period, page.map((c) => c.id));
    for (const child of page) {
      const cin = records.referrals.get(child.id) ?? [];
      await write(childXml(child, cin, records, period, collectionYear));
      children++;
      episodes += cin.length;
      input.onChild?.(children);
    }
    after = page.at(-1)!.la_child_id;
  }
  await write('  </Children>\n</Message>\n');
  out.end();
  await once(out, 'finish');
  return { children, episodes };
}

type Period = ReturnType<typeof censusPeriod>;

/** An episode open at some time in the year: referred by its end and not closed before it began. */
const openInYear = (period: Period) => (eb: ExpressionBuilder<Database, 'referral'>) =>
  eb.and([eb('referral.referral_date', '<=', period.reference), eb.or([eb('referral.closure_date', 'is', null), eb('referral.closure_date', '>=', period.start)])]);

/** Everything below the page's children, a query a table. Rows the year cannot hold are left out here; the rest are trimmed as written. */
async function loadPage(db: Db, period: Period, childIds: string[]): Promise<Page> {
  const { start, reference } = period;
  const referrals = await db.selectFrom('referral').selectAll().where('child_id', 'in', childIds).where(openInYear(period)).orderBy('referral_date').execute();
  const ids = referrals.map((r) => r.id);
  const under = <T extends { referral_id: string }>(rows: T[]) => groupBy(rows, (r) => r.referral_id);
  if (ids.length === 0) return { referrals: new Map(), assessments: new Map(), cinPlans: new Map(), s47s: new Map(), conferences: new Map(), cpPlans: new Map(), reviews: new Map() };
  const [assessments, cinPlans, s47s, conferences, cpPlans] = await Promise.all([
    db.selectFrom('assessment').selectAll().where('referral_id', 'in', ids).where('start_date', '<=', reference)
      .where((eb) => eb.or([eb('authorisation_date', 'is', null), eb('authorisation_date', '>=', start)])).orderBy('start_date').execute(),
    db.selectFrom('cin_plan').selectAll().where('referral_id', 'in', ids).where('start_date', '<=', reference)
      .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', start)])).orderBy('start_date').execute(),
    // S47s and conferences before the year are read too: a conference is matched to its S47 before either is dropped.
    db.selectFrom('s47_enquiry').selectAll().where('referral_id', 'in', ids).where('start_date', '<=', reference).orderBy('start_date').execute(),
    db.selectFrom('initial_conference').selectAll().where('referral_id', 'in', ids).where('conference_date', '<=', reference).orderBy('conference_date').execute(),
    db.selectFrom('cp_plan').selectAll().where('referral_id', 'in', ids).where('start_date', '<=', reference)
      .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', start)])).orderBy('start_date').execute(),
  ]);
  const reviews = cpPlans.length === 0 ? [] : await db.selectFrom('cp_plan_review').select(['cp_plan_id', 'review_date'])
    .where('cp_plan_id', 'in', cpPlans.map((p) => p.id)).where('review_date', '>=', start).where('review_date', '<=', reference)
    .orderBy('review_date').execute();
  return {
    referrals: groupBy(referrals, (r) => r.child_id),
    assessments: under(assessments),
    cinPlans: under(cinPlans),
    s47s: under(s47s),
    conferences: under(conferences),
    cpPlans: under(cpPlans),
    reviews: new Map([...groupBy(reviews, (r) => r.cp_plan_id)].map(([k, v]) => [k, v.map((r) => r.review_date)])),
  };
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

/**
 * Which initial conference goes where. The importer keeps a conference from an S47 and one from the
 * episode alike (by referral and date), so the export decides: a conference linked to its S47 goes
 * there; otherwise it goes to the latest S47 started on or before it, if that S47 has none yet; any
 * other is the episode's own (the earliest, as the episode holds one). Both places hold the same
 * record, so a round trip gives back the same records.
 */
function placeConferences(s47s: S47[], conferences: Conference[]): { byS47: Map<string, string>; episode: string | null } {
  const byS47 = new Map<string, string>();
  const rest: Conference[] = [];
  for (const c of conferences) {
    if (c.s47_enquiry_id && s47s.some((s) => s.id === c.s47_enquiry_id) && !byS47.has(c.s47_enquiry_id)) byS47.set(c.s47_enquiry_id, c.conference_date);
    else rest.push(c);
  }
  const episode: string[] = [];
  for (const c of rest) {
    const s47 = s47s.filter((s) => s.start_date <= c.conference_date).at(-1);
    if (s47 && !byS47.has(s47.id)) byS47.set(s47.id, c.conference_date);
    else episode.push(c.conference_date);
  }
  return { byS47, episode: episode[0] ?? null };
}

// ---------------------------------------------------------------------------------------------
// XML. Every value is escaped; an empty value leaves its element out (the XSD's optional items are
// absent, not empty; a required one that is missing is left for the validator to report, not invented).

type Value = string | number | boolean | null | undefined;

const escapeXml = (s: string) =>
  // Characters XML 1.0 cannot hold at all are dropped rather than break the file.
  // eslint-disable-next-line no-control-regex
  s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[&<>"']/g, (ch) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[ch]};`);

const leaf = (name: string, value: Value): string[] =>
  value === null || value === undefined || value === '' ? [] : [`<${name}>${escapeXml(String(value))}</${name}>`];

const group = (name: string, lines: string[]): string[] => [`<${name}>`, ...lines.map((l) => `  ${l}`), `</${name}>`];

/** A container the XSD makes optional: absent when it would be empty. */
const optionalGroup = (name: string, lines: string[]): string[] => (lines.length === 0 ? [] : group(name, lines));

/** A date the return could know at the reference date: a later one had not happened yet. */
const byReference = (date: string | null, period: Period) => (date !== null && date <= period.reference ? date : null);

function header(laCode: string, collectionYear: number, reference: string, now: Date): string {
  const lines = group('Header', [
    ...group('CollectionDetails', [...leaf('Collection', 'CIN'), ...leaf('Year', collectionYear + 1), ...leaf('ReferenceDate', reference)]),
    ...group('Source', [
      ...leaf('SourceLevel', 'L'), ...leaf('LEA', laCode), ...leaf('SoftwareCode', SOFTWARE), ...leaf('Release', RELEASE),
      ...leaf('SerialNo', '001'), ...leaf('DateTime', now.toISOString().replace(/\.\d{3}Z$/, 'Z')),
    ]),
  ]);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n${lines.map((l) => `  ${l}\n`).join('')}  <Children>\n`;
}

function childXml(child: Child, referrals: Referral[], page: Page, period: Period, collectionYear: number): string {
  // A child born after the reference date was unborn on it: the return gives the expected date, and sex U (8750).
  const unborn = child.date_of_birth !== null && child.date_of_birth > period.reference;
  const sex = unborn ? 'U' : child.sex ?? (child.gender_current ? GENDER_TO_SEX[child.gender_current] : null) ?? null;
  const gender = unborn ? '0' : child.gender_current ?? (sex ? SEX_TO_GENDER[sex] : null);
  const lines = group('Child', [
    ...group('ChildIdentifiers', [
      ...leaf('LAchildID', child.la_child_id), ...leaf('UPN', child.upn), ...leaf('FormerUPN', child.former_upn), ...leaf('UPNunknown', child.upn_unknown),
      ...leaf('PersonBirthDate', unborn ? null : child.date_of_birth),
      ...leaf('ExpectedPersonBirthDate', unborn ? child.expected_birth_date ?? child.date_of_birth : child.expected_birth_date),
      ...(collectionYear >= FIRST_SEX_YEAR ? leaf('Sex', sex) : leaf('GenderCurrent', gender)),
      ...leaf('PersonDeathDate', byReference(child.death_date, period)),
    ]),
    ...group('ChildCharacteristics', [
      ...leaf('Ethnicity', child.ethnicity),
      ...optionalGroup('Disabilities', child.disabilities.flatMap((d) => leaf('Disability', d))),
    ]),
    ...referrals.flatMap((r) => episodeXml(r, page, period)),
  ]);
  return lines.map((l) => `    ${l}\n`).join('');
}

function episodeXml(r: Referral, page: Page, period: Period): string[] {
  const closed = byReference(r.closure_date, period);
  const s47s = page.s47s.get(r.id) ?? [];
  const { byS47, episode } = placeConferences(s47s, page.conferences.get(r.id) ?? []);
  const inYear = (date: string | null) => date !== null && date >= period.start;
  return group('CINdetails', [
    ...leaf('CINreferralDate', r.referral_date), ...leaf('ReferralSource', r.referral_source), ...leaf('PrimaryNeedCode', r.primary_need),
    ...leaf('CINclosureDate', closed), ...leaf('ReasonForClosure', closed ? r.closure_reason : null),
    ...leaf('DateOfInitialCPC', inYear(episode) ? episode : null),
    ...(page.assessments.get(r.id) ?? []).flatMap((a) => {
      const authorised = byReference(a.authorisation_date, period);
      return group('Assessments', [
        ...leaf('AssessmentActualStartDate', a.start_date), ...leaf('AssessmentInternalReviewDate', byReference(a.internal_review_date, period)),
        ...leaf('AssessmentAuthorisationDate', authorised),
        // Factors belong to a completed assessment (8614): one authorised after the reference date was still open.
        ...optionalGroup('FactorsIdentifiedAtAssessment', authorised === a.authorisation_date ? a.factors.flatMap((f) => leaf('AssessmentFactors', f)) : []),
      ]);
    }),
    ...(page.cinPlans.get(r.id) ?? []).flatMap((p) => group('CINPlanDates', [...leaf('CINPlanStartDate', p.start_date), ...leaf('CINPlanEndDate', byReference(p.end_date, period))])),
    ...s47s.flatMap((s) => {
      const conference = byS47.get(s.id) ?? null;
      // An S47 that ended before the year (its conference, or its decision that none was needed) was an earlier year's (8715).
      const ended = conference ?? (s.icpc_not_required ? s.outcome_date : null);
      if (ended !== null && !inYear(ended)) return [];
      // A decision made after the reference date had not been made on it.
      const notRequired = s.outcome_date !== null && s.outcome_date > period.reference ? false : s.icpc_not_required;
      return group('Section47', [
        ...leaf('S47ActualStartDate', s.start_date), ...leaf('InitialCPCtarget', s.initial_cpc_target), ...leaf('DateOfInitialCPC', conference),
        ...leaf('ICPCnotRequired', notRequired),
      ]);
    }),
    ...leaf('ReferralNFA', r.referral_nfa),
    ...(page.cpPlans.get(r.id) ?? []).flatMap((p) => group('ChildProtectionPlans', [
      ...leaf('CPPstartDate', p.start_date), ...leaf('CPPendDate', byReference(p.end_date, period)),
      ...leaf('InitialCategoryOfAbuse', p.initial_category), ...leaf('LatestCategoryOfAbuse', p.latest_category), ...leaf('NumberOfPreviousCPP', p.previous_plans),
      ...optionalGroup('Reviews', (page.reviews.get(p.id) ?? []).flatMap((d) => leaf('CPPreviewDate', d))),
    ])),
  ]);
}
