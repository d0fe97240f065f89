import { checkCode, codesFor, collectionYearOf } from '../../domain/codes';
import { ImportRejected, counting, onlyFile, type ReturnImporter } from './import-run';
import { mergeMany, type MergeContext, type MergeRow, type Row } from './merge';
import { at, listSpec, readAnnexA, type AnnexARow, type ListNo } from './annex-a.parser';
import { severityOf, type ReturnIssue } from './return-issue';

/**
 * Ofsted's Annex A workbook, merged into the journey's records: each list into the records it describes
 * (List 1 contacts, 2 early help assessments, 3 and 6 referrals, 4 assessments, 5 S47 enquiries and
 * initial conferences, 7 CP plans with their last visit and review, 8 care episodes with the last review
 * and health assessment, 9 care leavers, 10 adoption decisions, 11 adopters), and the child's identity
 * and characteristics from every list. What Annex A counts (missing episodes, placements, referrals in
 * the last 12 months) Beacon derives from its records; a count is never turned into records.
 *
 * The workbook names no collection year: it is the year of its latest date, and is the year by which a
 * later return takes precedence over an earlier one.
 *
 * Codes are checked against the CIN and 903 lists: a value not on the list is reported under the DfE
 * rule that guards that item in its own return (4220 ethnicity, 8866 referral source, 8650 primary
 * need, 144 legal status…), or 'AA-CODE' where Annex A uses a list for something no DfE rule covers
 * (contact source, an adopter's ethnicity, the accommodation type). Each row's codes are judged by the
 * year of its latest date; List 9, which has none, by the workbook's.
 */

const BATCH = 500;
/** Lists whose records hang on a referral: loaded after all the others, to find the referrals of Lists 3 and 6. */
const ON_A_REFERRAL: readonly ListNo[] = [4, 5, 7];

export function createAnnexAImporter(input: { partnershipId: number }): ReturnImporter {
  return {
    kind: 'annex_a',
    async check(files, report, progress) {
      const file = onlyFile(files, 'An Annex A return');
      const read = counting(file, progress);
      const undated: AnnexARow[] = [];
      const firstSaid: FirstSaid = new Map();
      const summary = await readAnnexA(read.stream, (r) => {
        const broken = problemOf(r);
        if (broken) throw new ImportRejected(broken);
        reportContradictions(r, firstSaid, report);
        const latest = latestDate(r);
        if (latest) checkCodes(r, collectionYearOf(latest), report);
        else undated.push(r);
        read.record();
      });
      if (summary.latestDate === null) throw new ImportRejected(`${file.name}: the workbook's lists hold no dated records`);
      const collectionYear = collectionYearOf(summary.latestDate);
      for (const r of undated) checkCodes(r, collectionYear, report);
      return { collectionYear };
    },

    async load(tx, files, collectionYear, counts, progress) {
      const ctx: MergeContext = { tx, partnershipId: input.partnershipId, source: 'annex_a', year: collectionYear, counts };
      const file = onlyFile(files, 'An Annex A return');
      const rows: Partial<Record<ListNo, number>> = {};
      const run: RunState = { firstSaid: new Map(), referralsOpened: 0 };
      // Two passes over the file: first the children of every list and what stands on the child, then
      // what hangs on a referral, so that an assessment, S47 or plan finds the referrals of Lists 3 and 6
      // whatever the order of the sheets.
      for (const pass of ['children', 'referrals'] as const) {
        let batch: AnnexARow[] = [];
        const flush = async () => {
          if (batch.length > 0) await loadBatch(ctx, batch, run, pass === 'children' && ON_A_REFERRAL.includes(batch[0]!.list));
          batch = [];
        };
        const read = counting(file, progress);
        await readAnnexA(read.stream, async (r) => {
          if (pass === 'referrals' && !ON_A_REFERRAL.includes(r.list)) return;
          if (batch.length >= BATCH || (batch.length > 0 && batch[0]!.list !== r.list)) await flush();
          batch.push(r);
          if (pass === 'children') rows[r.list] = (rows[r.list] ?? 0) + 1;
          read.record();
        });
        await flush();
      }
      return { lists: rows, referralsOpened: run.referralsOpened };
    },
  };
}



// --- Reading a row's values --------------------------------------------------------------------

const str = (r: AnnexARow, key: string): string | null => (typeof r.values[key] === 'string' ? (r.values[key] as string) : null);
const bool = (r: AnnexARow, key: string): boolean | null => (typeof r.values[key] === 'boolean' ? (r.values[key] as boolean) : null);
const int = (r: AnnexARow, key: string): number | null => (typeof r.values[key] === 'number' ? (r.values[key] as number) : null);
/** A value the parser could not read as Y/N, a gender or a suitability comes marked with "?" and loads as blank. */
const unread = (v: unknown): v is string => typeof v === 'string' && v.startsWith('?');
const sexOf = (r: AnnexARow, key: string) => (unread(r.values[key]) ? null : str(r, key));

const ISO = /^\d{4}-\d{2}-\d{2}$/;
/** The row's latest date other than the birth date: when the state it describes held. */
function latestDate(r: AnnexARow): string | null {
  let latest: string | null = null;
  for (const [k, v] of Object.entries(r.values)) if (k !== 'date_of_birth' && typeof v === 'string' && ISO.test(v) && (!latest || v > latest)) latest = v;
  return latest;
}

// --- Check ---------------------------------------------------------------------------------------

function checkCodes(r: AnnexARow, year: number, report: (issue: ReturnIssue) => void): void {
  const child = str(r, 'child_id');
  const issue = (column: string, rule: string, message: string) => report({ rule, severity: severityOf(rule), child, location: at(r, column), message });
  for (const c of listSpec(r.list).columns) {
    const v = r.values[c.key];
    if (typeof v !== 'string') continue;
    if (unread(v)) {
      const what = c.kind === 'sex' ? 'a gender (Male, Female, Not stated/recorded)' : c.kind === 'suitable' ? 'Suitable or Unsuitable' : 'Yes or No';
      issue(c.header, c.rule ?? 'AA-CODE', `${c.header} '${v.slice(1)}' is not ${what}`);
    } else if (c.codes) {
      const result = checkCode(c.codes, v, year, { return: c.codes === 'ethnicity' ? 'cin' : undefined });
      if (!result.ok) issue(c.header, c.rule ?? result.rule ?? 'AA-CODE', result.message);
      else if (result.query) issue(c.header, result.query.rule, result.query.message);
    } else if (c.key === 'accommodation' && !codesFor('accommodation', year).some((a) => a.code === `${v}1`)) {
      issue(c.header, 'AA-CODE', `Type of Accommodation '${v}' is not one of the 903's accommodation types`);
    }
  }
}

/**
 * What the records' own rules refuse (a record without the date that is its key, an end before its
 * start), found before anything is written so that the message can say where. The database would
 * refuse these too, but could not say which row.
 */
function problemOf(r: AnnexARow): string | null {
  const spec = listSpec(r.list);
  const header = (key: string) => spec.columns.find((c) => c.key === key)!.header;
  const where = `${at(r)}${r.list === 11 ? '' : `, child ${str(r, 'child_id') ?? '(blank)'}`}`;
  const required = (key: string) => (str(r, key) === null ? `${where}: ${header(key)} is blank, so the record cannot be matched` : null);
  const before = (later: string, earlier: string) => {
    const [a, b] = [str(r, later), str(r, earlier)];
    return a !== null && b !== null && a < b ? `${where}: ${header(later)} ${a} is before the ${header(earlier)} ${b}` : null;
  };
  const key = KEY_DATE[r.list];
  return (r.list === 11 ? required('adopter_ref') : required('child_id'))
    ?? (key ? required(key) : null)
    ?? (r.list === 2 ? before('completion_date', 'start_date') : null)
    ?? (r.list === 4 ? before('authorisation_date', 'start_date') : null)
    ?? (r.list === 6 ? before('closure_date', 'cin_start') : null)
    ?? (r.list === 7 ? before('end_date', 'start_date') : null)
    ?? (r.list === 8 ? before('legal_status_start', 'period_start') ?? before('placement_start', 'period_start')
      ?? before('ceased', 'legal_status_start') ?? before('ceased', 'placement_start') : null)
    ?? (r.list === 10 ? before('ceased_date', 'decision_date') : null);
}

/** The date each list's record is matched on, with the child. */
const KEY_DATE: Partial<Record<ListNo, string>> = {
  1: 'contact_date', 2: 'start_date', 3: 'referral_date', 4: 'start_date', 5: 's47_start', 6: 'cin_start', 7: 'start_date', 8: 'period_start', 10: 'decision_date',
};

// --- Load ----------------------------------------------------------------------------------------

/** What one run carries from batch to batch. */
interface RunState {
  firstSaid: FirstSaid;
  referralsOpened: number;
}

/** Merges a batch of rows of one list: the children first, then (unless `childrenOnly`) the list's records. */
async function loadBatch(ctx: MergeContext, rows: AnnexARow[], run: RunState, childrenOnly: boolean): Promise<void> {
  const list = rows[0]!.list;
  if (list === 11) return loadAdopters(ctx, rows);
  const childIds = await mergeChildren(ctx, rows, run.firstSaid);
  if (childrenOnly) return;
  const each = <T>(f: (r: AnnexARow, childId: string) => T) => rows.map((r, i) => f(r, childIds[i]!));
  const d = (r: AnnexARow, k: string) => str(r, k);

  switch (list) {
    case 1:
      await mergeMany(ctx, 'contact', ['child_id', 'contact_date'], each((r, child_id) => ({
        key: { child_id, contact_date: d(r, 'contact_date') }, values: { contact_source: str(r, 'contact_source') },
      })));
      break;
    case 2:
      await mergeMany(ctx, 'early_help_assessment', ['child_id', 'start_date'], each((r, child_id) => ({
        key: { child_id, start_date: d(r, 'start_date') }, values: { completion_date: d(r, 'completion_date'), organisation: str(r, 'organisation') },
      })));
      break;
    case 3:
      await mergeMany(ctx, 'referral', ['child_id', 'referral_date'], each((r, child_id) => ({
        key: { child_id, referral_date: d(r, 'referral_date') }, values: { referral_source: str(r, 'referral_source'), referral_nfa: bool(r, 'referral_nfa') },
      })));
      break;
    case 6:
      // The CIN start date is the census's CINreferralDate: the episode begins with its referral.
      await mergeMany(ctx, 'referral', ['child_id', 'referral_date'], each((r, child_id) => ({
        key: { child_id, referral_date: d(r, 'cin_start') },
        values: { primary_need: str(r, 'primary_need'), closure_date: d(r, 'closure_date'), closure_reason: str(r, 'closure_reason') },
      })));
      break;
    case 4: {
      const referralIds = await referralsFor(ctx, childIds, rows.map((r) => d(r, 'start_date')!), run);
      await mergeMany(ctx, 'assessment', ['referral_id', 'start_date'], rows.map((r, i) => ({
        key: { referral_id: referralIds[i], start_date: d(r, 'start_date') },
        values: { child_seen: bool(r, 'child_seen'), authorisation_date: d(r, 'authorisation_date') },
      })));
      break;
    }
    case 5: {
      // The strategy discussion's own record is not made: its key is the date of the concern, which
      // Annex A does not give; the date Annex A gives is the S47's start.
      const referralIds = await referralsFor(ctx, childIds, rows.map((r) => d(r, 's47_start')!), run);
      const s47Ids = await mergeMany(ctx, 's47_enquiry', ['referral_id', 'start_date'], rows.map((r, i) => ({
        key: { referral_id: referralIds[i], start_date: d(r, 's47_start') }, values: { icpc_not_required: bool(r, 'icpc_not_required') },
      })));
      await mergeMany(ctx, 'initial_conference', ['referral_id', 'conference_date'], rows.flatMap((r, i) => d(r, 'icpc_date') === null ? [] : [{
        key: { referral_id: referralIds[i], conference_date: d(r, 'icpc_date') }, values: { s47_enquiry_id: s47Ids[i], resulted_in_plan: bool(r, 'icpc_plan') },
      }]));
      break;
    }
    case 7: {
      const referralIds = await referralsFor(ctx, childIds, rows.map((r) => d(r, 'start_date')!), run);
      const planIds = await mergeMany(ctx, 'cp_plan', ['referral_id', 'start_date'], rows.map((r, i) => ({
        key: { referral_id: referralIds[i], start_date: d(r, 'start_date') },
        values: { initial_category: str(r, 'initial_category'), latest_category: str(r, 'latest_category'), end_date: d(r, 'end_date'), previous_plans: int(r, 'previous_plans') },
      })));
      await mergeMany(ctx, 'cp_visit', ['cp_plan_id', 'visit_date'], rows.flatMap((r, i) => d(r, 'last_visit') === null ? [] : [{
        key: { cp_plan_id: planIds[i], visit_date: d(r, 'last_visit') }, values: { seen_alone: bool(r, 'seen_alone') },
      }]));
      await mergeMany(ctx, 'cp_plan_review', ['cp_plan_id', 'review_date'], rows.flatMap((r, i) => d(r, 'last_review') === null ? [] : [{
        key: { cp_plan_id: planIds[i], review_date: d(r, 'last_review') }, values: {},
      }]));
      break;
    }
    case 8:
      await loadCareEpisodes(ctx, rows, childIds);
      break;
    case 9:
      // The care leaver's state as the workbook stands, kept as the workbook's year.
      await mergeMany(ctx, 'care_leaver', ['child_id', 'collection_year'], each((r, child_id) => ({
        key: { child_id, collection_year: ctx.year },
        values: {
          eligibility: str(r, 'eligibility'), in_touch: str(r, 'in_touch'), accommodation: str(r, 'accommodation'),
          accommodation_suitable: bool(r, 'accommodation_suitable'), activity: str(r, 'activity'),
        },
      })));
      break;
    case 10:
      // "Date the Child Entered Care" belongs to the care episodes (List 8 or the 903), and the family
      // identifier to no record Beacon keeps; the export derives the one and leaves the other blank.
      await mergeMany(ctx, 'placed_for_adoption', ['child_id', 'decision_date'], each((r, child_id) => ({
        key: { child_id, decision_date: d(r, 'decision_date') },
        values: {
          placement_order_date: d(r, 'placement_order_date'), matching_date: d(r, 'matching_date'), placed_date: d(r, 'placed_date'),
          adoption_order_date: d(r, 'adoption_order_date'), ceased_date: d(r, 'ceased_date'), reason_ceased: str(r, 'reason_ceased'), ffa_placed_date: d(r, 'ffa_date'),
        },
      })));
      break;
  }
}

// --- The child -----------------------------------------------------------------------------------

/** The child's characteristics a row gives, by column key; a blank cell says nothing. */
const CHARACTERISTICS = ['sex', 'ethnicity', 'date_of_birth', 'disability', 'uasc'] as const;

/** Per LA child id, what the workbook first said of each characteristic, and where. */
type FirstSaid = Map<string, Map<string, { value: unknown; where: string }>>;

/**
 * What a row says of its child that the workbook has not said before. The same child is in several
 * lists, and a workbook may contradict itself (the sample gives one child two dates of birth): the first
 * list to say something decides it, so that importing the workbook again finds nothing to change.
 */
function newlySaid(r: AnnexARow, firstSaid: FirstSaid): Partial<Record<(typeof CHARACTERISTICS)[number], unknown>> {
  const id = str(r, 'child_id')!;
  const said = firstSaid.get(id) ?? firstSaid.set(id, new Map()).get(id)!;
  const fresh: Partial<Record<(typeof CHARACTERISTICS)[number], unknown>> = {};
  for (const key of CHARACTERISTICS) {
    const value = key === 'sex' ? sexOf(r, key) : r.values[key];
    if (value === null || value === undefined || unread(value) || said.has(key)) continue;
    said.set(key, { value, where: at(r) });
    fresh[key] = value;
  }
  return fresh;
}

/** A query where a row contradicts what an earlier list said of the same child. */
function reportContradictions(r: AnnexARow, firstSaid: FirstSaid, report: (issue: ReturnIssue) => void): void {
  if (r.list === 11) return;
  const before = new Map(firstSaid.get(str(r, 'child_id')!) ?? []);
  newlySaid(r, firstSaid);
  const spec = listSpec(r.list);
  for (const [key, first] of before) {
    const value = key === 'sex' ? sexOf(r, key) : r.values[key];
    if (value === null || value === undefined || unread(value) || value === first.value) continue;
    const header = spec.columns.find((c) => c.key === key)!.header;
    report({ rule: 'AA-CHILDQ', severity: 'query', child: str(r, 'child_id'), location: at(r, header),
      message: `${header} '${String(value)}' differs from '${String(first.value)}' in ${first.where}; the child's record keeps the first` });
  }
}

/**
 * The children of a batch, by LA child id, with what the workbook newly says of them. Annex A says only
 * whether a child is disabled: "No" is the census's NONE; "Yes" keeps the census's own codes where Beacon
 * has them, and is otherwise DDA (the census's "other").
 */
async function mergeChildren(ctx: MergeContext, rows: AnnexARow[], firstSaid: FirstSaid): Promise<string[]> {
  const laIds = [...new Set(rows.map((r) => str(r, 'child_id')!))];
  const disabled = new Set<string>();
  for (const c of await ctx.tx.selectFrom('child').select(['la_child_id', 'disabilities']).where('partnership_id', '=', ctx.partnershipId).where('la_child_id', 'in', laIds).execute()) {
    if (c.disabilities.some((code) => code !== 'NONE')) disabled.add(c.la_child_id);
  }
  return mergeMany(ctx, 'child', ['la_child_id'], rows.map((r) => {
    const id = str(r, 'child_id')!;
    const { disability, ...values }: Row = newlySaid(r, firstSaid);
    if (disability === false) values.disabilities = ['NONE'];
    if (disability === true && !disabled.has(id)) values.disabilities = ['DDA'];
    return { key: { la_child_id: id }, values };
  }));
}

/**
 * The referral each record hangs on: the child's latest referral on or before the record's date. A
 * record with none (an assessment of a child whose referral is not in this workbook, nor known to
 * Beacon) opens a referral on its own date, with nothing else known of it, as the census would have the
 * episode begin there. The count of such referrals is reported with the run.
 */
async function referralsFor(ctx: MergeContext, childIds: string[], dates: string[], run: RunState): Promise<string[]> {
  const known = await ctx.tx.selectFrom('referral').select(['id', 'child_id', 'referral_date'])
    .where('partnership_id', '=', ctx.partnershipId).where('child_id', 'in', [...new Set(childIds)]).execute();
  const byChild = new Map<string, { id: string | null; date: string }[]>();
  for (const r of known) (byChild.get(r.child_id) ?? byChild.set(r.child_id, []).get(r.child_id)!).push({ id: r.id, date: r.referral_date });

  // Earliest first, so that a child's earlier record opens the episode a later one joins.
  const order = dates.map((_, i) => i).sort((a, b) => dates[a]!.localeCompare(dates[b]!));
  const chosen: { id: string | null; date: string }[] = [];
  const opening: MergeRow[] = [];
  for (const i of order) {
    const referrals = byChild.get(childIds[i]!) ?? byChild.set(childIds[i]!, []).get(childIds[i]!)!;
    const found = referrals.filter((r) => r.date <= dates[i]!).sort((a, b) => b.date.localeCompare(a.date))[0];
    if (found) { chosen[i] = found; continue; }
    const referral = { id: null, date: dates[i]! };
    referrals.push(referral);
    opening.push({ key: { child_id: childIds[i], referral_date: referral.date }, values: {} });
    chosen[i] = referral;
  }
  const openedIds = await mergeMany(ctx, 'referral', ['child_id', 'referral_date'], opening);
  run.referralsOpened += opening.length;
  const idOf = new Map(opening.map((o, i) => [`${o.key.child_id}|${o.key.referral_date}`, openedIds[i]!]));
  return chosen.map((c, i) => c.id ?? idOf.get(`${childIds[i]}|${c.date}`)!);
}

/**
 * List 8 as the 903's episodes. A row gives three dates: the period of care's start, the current legal
 * status's start and the current placement's start. The current episode begins at the later of the two
 * (in the 903 each change starts an episode) and holds all that is current; the period's first episode
 * (reason S, started to be looked after) and, where one of the two began earlier, the episode in which it
 * began hold what is known of them. An episode ends where the next begins; that is written only on an
 * episode Beacon does not have yet, so that a 903 return's own episodes are never cut short by it.
 */
async function loadCareEpisodes(ctx: MergeContext, rows: AnnexARow[], childIds: string[]): Promise<void> {
  const existing = new Set((await ctx.tx.selectFrom('cla_episode').select(['child_id', 'start_date'])
    .where('partnership_id', '=', ctx.partnershipId).where('child_id', 'in', [...new Set(childIds)]).execute())
    .map((e) => `${e.child_id}|${e.start_date}`));
  const episodes: MergeRow[] = [];
  rows.forEach((r, i) => {
    const child_id = childIds[i]!;
    const period = str(r, 'period_start')!;
    const legalFrom = str(r, 'legal_status_start') ?? period;
    const placedFrom = str(r, 'placement_start') ?? period;
    const current = legalFrom > placedFrom ? legalFrom : placedFrom;
    const legal = { legal_status: str(r, 'legal_status') };
    const placement = { placement_type: str(r, 'placement_type'), placement_provider: str(r, 'placement_provider'), placement_postcode: str(r, 'placement_postcode'), urn: str(r, 'urn') };
    const byStart = new Map<string, Row>();
    const add = (start: string, values: Row) => byStart.set(start, { ...byStart.get(start), ...values });
    add(period, { reason_new_episode: 'S' });
    if (legalFrom < placedFrom) add(legalFrom, legal);
    if (placedFrom < legalFrom) add(placedFrom, placement);
    add(current, { ...legal, ...placement, category_of_need: str(r, 'category_of_need'), end_date: str(r, 'ceased'), reason_ceased: str(r, 'reason_ceased') });
    const starts = [...byStart.keys()].sort();
    starts.forEach((start, n) => {
      const values = byStart.get(start)!;
      if (start !== current && !existing.has(`${child_id}|${start}`)) values.end_date = starts[n + 1];
      episodes.push({ key: { child_id, start_date: start }, values });
    });
  });
  await mergeMany(ctx, 'cla_episode', ['child_id', 'start_date'], episodes);

  await mergeMany(ctx, 'cla_review', ['child_id', 'review_date'], rows.flatMap((r, i) => str(r, 'last_review') === null ? [] : [{
    key: { child_id: childIds[i], review_date: str(r, 'last_review') }, values: {},
  }]));
  // A health assessment is kept once whatever its kind: one on the same date is the same assessment.
  // Annex A does not say which kind; the initial one is due within 20 working days of coming into care.
  const assessed = new Set((await ctx.tx.selectFrom('health_assessment').select(['child_id', 'assessment_date'])
    .where('partnership_id', '=', ctx.partnershipId).where('child_id', 'in', [...new Set(childIds)]).execute())
    .map((h) => `${h.child_id}|${h.assessment_date}`));
  await mergeMany(ctx, 'health_assessment', ['child_id', 'kind', 'assessment_date'], rows.flatMap((r, i) => {
    const date = str(r, 'last_health_assessment');
    if (date === null || assessed.has(`${childIds[i]}|${date}`)) return [];
    const kind = date <= addDays(str(r, 'period_start')!, 28) ? 'initial' : 'review';
    return [{ key: { child_id: childIds[i], kind, assessment_date: date }, values: {} }];
  }));
}

const addDays = (date: string, days: number) => new Date(Date.parse(date) + days * 86_400_000).toISOString().slice(0, 10);

async function loadAdopters(ctx: MergeContext, rows: AnnexARow[]): Promise<void> {
  await mergeMany(ctx, 'adopter', ['adopter_ref'], rows.map((r) => ({
    key: { adopter_ref: str(r, 'adopter_ref') },
    values: {
      family_ref: str(r, 'family_ref'), gender: sexOf(r, 'gender'), ethnicity: str(r, 'ethnicity'),
      disability: bool(r, 'disability') === null ? null : bool(r, 'disability') ? 'Yes' : 'No',
      fostering_for_adoption: bool(r, 'fostering_for_adoption'), enquiry_date: str(r, 'enquiry_date'),
      stage1_start: str(r, 'stage1_start'), stage1_end: str(r, 'stage1_end'), stage2_start: str(r, 'stage2_start'), stage2_end: str(r, 'stage2_end'),
      application_submitted: str(r, 'application_submitted'), application_approved: str(r, 'application_approved'),
      matched_date: str(r, 'matched_date'), placed_date: str(r, 'placed_date'), children_placed: int(r, 'children_placed'),
      adoption_order_date: str(r, 'adoption_order_date'), left_date: str(r, 'left_date'), left_reason: str(r, 'left_reason'),
    },
  })));
}
