import { collectionYearOf } from '../../domain/codes';
import { ImportRejected, counting, onlyFile, type ReturnImporter } from './import-run';
import { mergeMany, type MergeContext, type MergeRow } from './merge';
import { readCinCensus, type CinChildRecord, type CinHeader, type CinParseSummary } from './cin-census.parser';
import { createCinValidator } from './cin-census.validate';

/**
 * The CIN census return: checked against DfE's rules for its year, then merged into the journey's
 * records (child by LA child id, referral by its date, plans, assessments and S47s by start date).
 * The collection year and the LA come from the file's header.
 */

const BATCH = 500;

export function createCinImporter(input: { partnershipId: number; laCode: string }): ReturnImporter {
  let parsed: CinParseSummary | null = null;
  return {
    kind: 'cin',
    async check(files, report, progress) {
      const file = onlyFile(files, 'A CIN census return');
      let collectionYear: number | null = null;
      let validator: ReturnType<typeof createCinValidator> | null = null;
      const read = counting(file, progress);
      await readCinCensus(read.stream, (r) => {
        if (collectionYear === null) {
          collectionYear = yearOf(r.header, input.laCode);
          validator = createCinValidator(r.header);
        }
        const broken = constraintProblem(r);
        if (broken) throw new ImportRejected(broken);
        for (const issue of validator!.child(r)) report(issue);
        read.record();
      });
      if (validator) for (const issue of (validator as ReturnType<typeof createCinValidator>).finish()) report(issue);
      if (collectionYear === null) throw new ImportRejected(`${file.name}: the return holds no children`);
      return { collectionYear };
    },
    async load(tx, files, collectionYear, counts, progress) {
      const ctx: MergeContext = { tx, partnershipId: input.partnershipId, source: 'cin', year: collectionYear, counts };
      const read = counting(onlyFile(files, 'A CIN census return'), progress);
      let batch: CinChildRecord[] = [];
      parsed = await readCinCensus(read.stream, async (r) => {
        batch.push(r);
        read.record();
        if (batch.length >= BATCH) { await loadBatch(ctx, batch); batch = []; }
      });
      await loadBatch(ctx, batch);
      return { children: parsed.children, episodes: parsed.episodes, unknownElements: parsed.unknownElements };
    },
  };
}



function yearOf(header: CinHeader, laCode: string): number {
  if (header.la && header.la !== laCode) throw new ImportRejected(`The file is the return of LA ${header.la}, not ${laCode}`);
  if (!header.referenceDate) throw new ImportRejected('Header: the ReferenceDate is missing, so the collection year is not known');
  return collectionYearOf(header.referenceDate);
}

/**
 * What the records' own rules refuse (a closure before its referral, a plan ending before it starts, a
 * record without the date that is its key), found before anything is written so the message can name
 * the child and the line. DfE's validator reports these too; here they stop the import, as such a
 * record cannot be kept.
 */
function constraintProblem({ child, line }: CinChildRecord): string | null {
  const where = `Line ${line}, child ${child.laChildId ?? '(no LAchildID)'}`;
  if (!child.laChildId) return `Line ${line}: LAchildID is missing (rule 8500), so the child cannot be matched`;
  const before = (a: string | null, b: string | null) => a !== null && b !== null && a < b;
  for (const e of child.episodes) {
    if (!e.referralDate) return `${where}: CINreferralDate is missing, so the episode cannot be matched`;
    const at = `${where}, referral of ${e.referralDate}`;
    if (before(e.closureDate, e.referralDate)) return `${at}: CINclosureDate ${e.closureDate} is before the referral date`;
    for (const a of e.assessments) {
      if (!a.startDate) return `${at}: AssessmentActualStartDate is missing`;
      if (before(a.authorisationDate, a.startDate)) return `${at}: AssessmentAuthorisationDate ${a.authorisationDate} is before the assessment's start ${a.startDate}`;
    }
    for (const p of e.cinPlans) {
      if (!p.startDate) return `${at}: CINPlanStartDate is missing`;
      if (before(p.endDate, p.startDate)) return `${at}: CINPlanEndDate ${p.endDate} is before the plan's start ${p.startDate}`;
    }
    for (const s of e.section47s) if (!s.startDate) return `${at}: S47ActualStartDate is missing`;
    for (const p of e.cpPlans) {
      if (!p.startDate) return `${at}: CPPstartDate is missing`;
      if (before(p.endDate, p.startDate)) return `${at}: CPPendDate ${p.endDate} is before the plan's start ${p.startDate}`;
      if (p.previousPlans !== null && p.previousPlans < 0) return `${at}: NumberOfPreviousCPP cannot be negative`;
    }
  }
  return null;
}

/** Merges a batch of children level by level: children, their referrals, then what hangs off each referral. */
async function loadBatch(ctx: MergeContext, records: CinChildRecord[]): Promise<void> {
  if (records.length === 0) return;
  const childIds = await mergeMany(ctx, 'child', ['la_child_id'], records.map(({ child: c }) => ({
    key: { la_child_id: c.laChildId },
    values: {
      upn: c.upn, former_upn: c.formerUpn, upn_unknown: c.upnUnknown, date_of_birth: c.birthDate, expected_birth_date: c.expectedBirthDate,
      sex: c.sex, gender_current: c.genderCurrent, death_date: c.deathDate, ethnicity: c.ethnicity, disabilities: c.disabilities,
    },
  })));
  const episodes = records.flatMap((r, i) => r.child.episodes.map((e) => ({ e, childId: childIds[i]! })));
  const referralIds = await mergeMany(ctx, 'referral', ['child_id', 'referral_date'], episodes.map(({ e, childId }) => ({
    key: { child_id: childId, referral_date: e.referralDate },
    values: { referral_source: e.referralSource, primary_need: e.primaryNeed, referral_nfa: e.referralNfa, closure_date: e.closureDate, closure_reason: e.reasonForClosure },
  })));
  const under = <T>(pick: (e: CinChildRecord['child']['episodes'][number]) => T[], row: (x: T, referralId: string) => MergeRow) =>
    episodes.flatMap(({ e }, i) => pick(e).map((x) => row(x, referralIds[i]!)));

  await mergeMany(ctx, 'assessment', ['referral_id', 'start_date'], under((e) => e.assessments, (a, referral_id) => ({
    key: { referral_id, start_date: a.startDate }, values: { internal_review_date: a.internalReviewDate, authorisation_date: a.authorisationDate, factors: a.factors },
  })));
  await mergeMany(ctx, 'cin_plan', ['referral_id', 'start_date'], under((e) => e.cinPlans, (p, referral_id) => ({
    key: { referral_id, start_date: p.startDate }, values: { end_date: p.endDate },
  })));
  await mergeMany(ctx, 's47_enquiry', ['referral_id', 'start_date'], under((e) => e.section47s, (s, referral_id) => ({
    key: { referral_id, start_date: s.startDate }, values: { initial_cpc_target: s.initialCpcTarget, icpc_not_required: s.icpcNotRequired },
  })));
  // An initial conference may be recorded on the S47 or on the episode (rule 2884 says one of the two).
  const conferences = (e: CinChildRecord['child']['episodes'][number]) =>
    [...e.section47s.map((s) => s.dateOfInitialCpc), e.dateOfInitialCpc].filter((d): d is string => d !== null);
  await mergeMany(ctx, 'initial_conference', ['referral_id', 'conference_date'], under(conferences, (d, referral_id) => ({
    key: { referral_id, conference_date: d }, values: {},
  })));
  const plans = episodes.flatMap(({ e }, i) => e.cpPlans.map((p) => ({ p, referralId: referralIds[i]! })));
  const planIds = await mergeMany(ctx, 'cp_plan', ['referral_id', 'start_date'], plans.map(({ p, referralId }) => ({
    key: { referral_id: referralId, start_date: p.startDate },
    values: { end_date: p.endDate, initial_category: p.initialCategory, latest_category: p.latestCategory, previous_plans: p.previousPlans },
  })));
  await mergeMany(ctx, 'cp_plan_review', ['cp_plan_id', 'review_date'], plans.flatMap(({ p }, i) => p.reviews.map((review) => ({
    key: { cp_plan_id: planIds[i]!, review_date: review }, values: {},
  }))));
}
