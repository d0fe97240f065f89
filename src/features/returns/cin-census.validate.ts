/**
 * The DfE children in need census validation rules, as pure functions over the parser's records.
 *
 * `createCinValidator` judges each child as its record streams past (`child`), keeping only small facts
 * about it (its LAchildID and UPN with the line, and a few counters), and then the rules that need the
 * whole return (`finish`): duplicate LAchildIDs (8510) and UPNs (1520), and the return-level queries
 * 2883, 2886Q, 2887Q and 2888Q. The rules in force, and their messages, are those of the return's
 * collection year (`CIN_RULES`); code lists come from `domain/codes` for the same year.
 *
 * The logic follows the DfE rule texts as the public data-to-insight validator records them. Where that
 * validator's code departs from the text, the text wins and a comment says so.
 *
 * Dates are ISO strings (YYYY-MM-DD), so comparing them as strings compares them as dates. The census
 * period runs from the day after the ReferenceDate a year before (1 April) to the ReferenceDate (31 March).
 *
 * Not checked: 8842Q (a `Reviews` group with no review date). The parser leaves empty items out, so an
 * empty `CPPreviewDate` never reaches the validator; it would need the parser to count them.
 */
import { addMonths, isWorkingDay, workingDaysBetween } from '../../domain/calendar';
import { checkCode, collectionYearOf, type CodeListId } from '../../domain/codes';
import { upnCheckLetter } from '../../domain/identifiers';
import type { CinChild, CinChildRecord, CinEpisode, CinHeader } from './cin-census.parser';
import { rulesetYear, rulesFor, type CinRule } from './cin-census.rules';
import { severityOf, type ReturnIssue } from './return-issue';

export { CIN_RULES } from './cin-census.rules';

export interface CinValidator {
  /** Findings for one child, as its record streams past. */
  child(record: CinChildRecord): ReturnIssue[];
  /** Findings that need the whole return (duplicate LAchildID 8510 / UPN 1520, the proportion rules 2886Q/2887Q, etc.), after the last child. */
  finish(): ReturnIssue[];
}

// ---------------------------------------------------------------------------------------------
// Dates

const DAY_MS = 86_400_000;
const dayNumber = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const fromDayNumber = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);
const addDays = (date: string, n: number): string => fromDayNumber(dayNumber(date) + n);
const addYears = (date: string, n: number): string => addMonths(date, 12 * n);
const isWeekend = (date: string): boolean => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());

/**
 * Whether more than n working days pass after `from` up to `to` (the DfE's "before <to> minus n working
 * days"). Far apart dates need no calendar: n working days never span more than twice n calendar days plus
 * the bank holidays. Near ones are counted with England and Wales bank holidays, or, outside the years the
 * calendar knows, on weekdays alone. (The public validator steps back n - 1 business days, one day short
 * of the rule's "minus n working days".)
 */
function moreThanWorkingDays(from: string, to: string, n: number): boolean {
  const days = dayNumber(to) - dayNumber(from);
  if (days <= n) return false;
  if (days > 2 * n + 20) return true;
  try {
    return workingDaysBetween(from, to) > n;
  } catch {
    let count = 0;
    for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (!isWeekend(d)) count++;
    return count > n;
  }
}

/** The working day before a date (8569Q: "the start of the census year minus one working day"). */
function workingDayBefore(date: string): string {
  let d = addDays(date, -1);
  for (;;) {
    let working: boolean;
    try {
      working = isWorkingDay(d);
    } catch {
      working = !isWeekend(d);
    }
    if (working) return d;
    d = addDays(d, -1);
  }
}

// ---------------------------------------------------------------------------------------------
// Facts of the code lists and identifiers the rules name

/** Rule 1530: the post-April 1998 LA codes and pseudo-LA codes a UPN's characters 2-4 may hold. */
function laCodes(ruleYear: number): Set<string> {
  const ranges: [number, number][] = [
    [1, 5], [201, 213], [301, 320], [330, 336], [340, 344], [350, 359], [370, 373], [380, 384], [390, 394],
    [420, 420], [660, 681], [701, 708], [800, 803], [805, 808], [810, 813], [815, 816], [820, 823], [825, 826],
    [830, 831], [835, 841], [845, 846], [850, 852], [855, 857], [860, 861], [865, 896], [908, 909], [916, 916],
    [919, 919], [921, 921], [925, 926], [928, 929], [931, 931], [933, 933], [935, 938], [940, 941],
  ];
  // The 2023-24 re-issue of 1530 adds the pseudo-LA codes 942 and 943.
  if (ruleYear >= 2023) ranges.push([942, 943]);
  const codes = new Set<string>();
  for (const [a, b] of ranges) for (let n = a; n <= b; n++) codes.add(String(n).padStart(3, '0'));
  return codes;
}

/** A UPN's last character: a digit, or a letter of the check alphabet (no I, O or S). */
const UPN_LAST = /^[0-9A-HJ-NP-RT-Z]$/;
/** UPNunknown reasons that excuse a missing UPN for a child of school age (8770Q): not UN1, "not of school age". */
const UPN_UNKNOWN_OF_SCHOOL_AGE = new Set(['UN2', 'UN3', 'UN4', 'UN5', 'UN6', 'UN7']);
const CLOSED_AFTER_ASSESSMENT = new Set(['RC8', 'RC9']);
const GENDER_CURRENT = new Set(['1', '2', '0', '9']);
const SEX = new Set(['M', 'F', 'U']);
/** 8866: a referral source is required for referrals from 1 April 2013. */
const REFERRAL_SOURCE_FROM = '2013-04-01';

// ---------------------------------------------------------------------------------------------
// The validator

/** From 2024-25 the census records Sex (M/F/U) in place of GenderCurrent (1/2/0/9). */
const SEX_FROM = 2024;
const recordsSex = (c: Census): boolean => rulesetYear(c.year) >= SEX_FROM;

interface Census {
  /** The collection year of the return, for code lists. */
  readonly year: number;
  /** The rules in force, by code. */
  readonly rules: ReadonlyMap<string, CinRule>;
  /** The ReferenceDate, or null when the header has none: then the rules that need it are not run. */
  readonly end: string | null;
  readonly start: string | null;
}

function censusOf(header: CinHeader): Census {
  const ref = header.referenceDate;
  // A header without a ReferenceDate still names its Year (the year the census ends): rule 100 reports it.
  const year = ref ? collectionYearOf(ref) : header.year !== null ? header.year - 1 : new Date().getUTCFullYear() - 1;
  return { year, rules: rulesFor(year), end: ref, start: ref ? addDays(addYears(ref, -1), 1) : null };
}

/** `Child[2]` when a child has more than one such element, else `Child`. */
const nth = (name: string, i: number, n: number): string => (n > 1 ? `${name}[${i + 1}]` : name);

export function createCinValidator(header: CinHeader): CinValidator {
  let census: Census | null = null;
  let headerChecked = false;
  // Small facts about each child, for the whole-return rules.
  const linesById = new Map<string, number[]>();
  const childrenByUpn = new Map<string, { child: string | null; line: number }[]>();
  let children = 0;
  let noSexRecorded = 0;
  let cppStartsInYear = 0;
  let icpcsInYear = 0;
  const disabilityCodesUsed = new Set<string>();
  let mostDisabilities = 0;

  const issue = (c: Census, code: string, child: string | null, location: string): ReturnIssue | null => {
    const rule = c.rules.get(code);
    return rule ? { rule: code, severity: severityOf(code), child, location, message: rule.message } : null;
  };

  const checkHeader = (c: Census, h: CinHeader): ReturnIssue[] => {
    headerChecked = true;
    // 100: the ReferenceDate is 31 March of the census year (the header's Year is the year the census ends).
    const expected = h.year !== null ? `${h.year}-03-31` : null;
    const wrong = h.referenceDate === null || (expected !== null ? h.referenceDate !== expected : !h.referenceDate.endsWith('-03-31'));
    const found = wrong ? issue(c, '100', null, 'Header/CollectionDetails/ReferenceDate') : null;
    return found ? [found] : [];
  };

  return {
    child(record) {
      const c = (census ??= censusOf(record.header ?? header));
      const found: ReturnIssue[] = headerChecked ? [] : checkHeader(c, record.header ?? header);
      const child = record.child;
      const id = child.laChildId;
      const report = (code: string, path: string): void => {
        const i = issue(c, code, id, `Line ${record.line}, ${path}`);
        if (i) found.push(i);
      };
      checkChild(c, child, report);
      remember(c, child, record.line);
      return found;
    },

    finish() {
      const c = census ?? censusOf(header);
      const found: ReturnIssue[] = headerChecked ? [] : checkHeader(c, header);
      const add = (code: string, child: string | null, location: string): void => {
        const i = issue(c, code, child, location);
        if (i) found.push(i);
      };
      // 8510: each LAchildID once in the return; every record that shares one is reported.
      for (const [id, lines] of linesById) {
        if (lines.length > 1) for (const line of lines) add('8510', id, `Line ${line}, ChildIdentifiers/LAchildID`);
      }
      // 1520: each UPN once in the return.
      for (const holders of childrenByUpn.values()) {
        if (holders.length > 1) for (const h of holders) add('1520', h.child, `Line ${h.line}, ChildIdentifiers/UPN`);
      }
      if (children > 0) {
        // 2883: no more plans starting in the year than initial conferences held in it.
        if (cppStartsInYear > icpcsInYear) add('2883', null, 'ChildProtectionPlans/CPPstartDate');
        // 2886Q: more than 2% of children (unborn children aside) with no gender or sex recorded.
        if (noSexRecorded / children > 0.02) add('2886Q', null, recordsSex(c) ? 'ChildIdentifiers/Sex' : 'ChildIdentifiers/GenderCurrent');
        // 2887Q: fewer than 8 different disability codes used across the return. NONE is not a disability,
        // so it is not counted. (The public validator counts the children recorded as NONE instead, which
        // does not match the rule's text.)
        if (disabilityCodesUsed.size < 8) add('2887Q', null, 'ChildCharacteristics/Disabilities/Disability');
        // 2888Q: no child has more than one disability recorded, though some have one.
        if (mostDisabilities === 1) add('2888Q', null, 'ChildCharacteristics/Disabilities/Disability');
      }
      return found;
    },
  };

  function remember(c: Census, child: CinChild, line: number): void {
    children++;
    if (child.laChildId !== null) linesById.set(child.laChildId, [...(linesById.get(child.laChildId) ?? []), line]);
    if (child.upn !== null) childrenByUpn.set(child.upn, [...(childrenByUpn.get(child.upn) ?? []), { child: child.laChildId, line }]);
    const unrecorded = recordsSex(c) ? child.sexRaw === null || child.sexRaw === 'U' : child.genderCurrent === null || child.genderCurrent === '0';
    if (unrecorded && child.expectedBirthDate === null) noSexRecorded++;
    const disabilities = child.disabilities.filter((d) => d !== 'NONE');
    for (const d of disabilities) disabilityCodesUsed.add(d);
    mostDisabilities = Math.max(mostDisabilities, new Set(disabilities).size);
    if (c.start && c.end) {
      const inYear = (d: string | null): boolean => d !== null && d >= c.start! && d <= c.end!;
      for (const e of child.episodes) {
        cppStartsInYear += e.cpPlans.filter((p) => inYear(p.startDate)).length;
        icpcsInYear += (inYear(e.dateOfInitialCpc) ? 1 : 0) + e.section47s.filter((s) => inYear(s.dateOfInitialCpc)).length;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The rules for one child

type Report = (code: string, path: string) => void;

function checkChild(c: Census, child: CinChild, report: Report): void {
  checkIdentifiers(c, child, report);
  checkCharacteristics(c, child, report);
  if (child.episodes.length === 0) report('8590', 'CINdetails');
  checkEpisodesTogether(c, child, report);
  child.episodes.forEach((e, i) => checkEpisode(c, child, e, nth('CINdetails', i, child.episodes.length), report));
}

function invalid(c: Census, list: CodeListId, value: string | null): boolean {
  return value !== null && !checkCode(list, value, c.year).ok;
}

function checkIdentifiers(c: Census, child: CinChild, report: Report): void {
  const at = (item: string): string => `ChildIdentifiers/${item}`;
  const { laChildId: id, upn, formerUpn, birthDate: dob, expectedBirthDate: edob, deathDate: died } = child;
  const furtherAction = child.episodes.some((e) => e.referralNfa === false);

  if (id === null) report('8500', at('LAchildID'));
  if (id !== null && id.length > 20) report('1570', at('LAchildID'));
  if (id !== null && !/^[\p{L}\p{N}]+$/u.test(id)) report('1580', at('LAchildID'));

  if (upn !== null) {
    if (/^\d{11}[0-9A-HJ-NP-RT-Z]$/.test(upn.slice(1)) && upnCheckLetter(upn.slice(1)) !== upn[0]) report('1510', at('UPN'));
    if (upn.length === 13 && !laCodes(rulesetYear(c.year)).has(upn.slice(1, 4))) report('1530', at('UPN'));
    if (!/^\d{8}$/.test(upn.slice(4, 12))) report('1540', at('UPN'));
    if (upn.length === 13 && !UPN_LAST.test(upn[12]!)) report('1550', at('UPN'));
  }
  // 1560Q: a former UPN has a UPN's form: a letter, 11 digits, then a digit or a letter (a temporary UPN).
  // (The public validator refuses the letter at the end, which a temporary UPN has.)
  if (formerUpn !== null && !/^[A-Z]\d{11}[0-9A-Z]$/.test(formerUpn)) report('1560Q', at('FormerUPN'));

  if (recordsSex(c)) {
    if (child.sexRaw === null || !SEX.has(child.sexRaw)) report('4180', at('Sex'));
  } else if (child.genderCurrent === null || !GENDER_CURRENT.has(child.genderCurrent)) {
    report('4180', at('GenderCurrent'));
  }
  // 8750: an unborn child (expected date of birth, no date of birth) is recorded as sex U (gender 0 before 2024-25).
  if (dob === null && edob !== null) {
    if (recordsSex(c) ? child.sexRaw !== 'U' : child.genderCurrent !== '0') report('8750', at(recordsSex(c) ? 'Sex' : 'GenderCurrent'));
  }

  if (c.end && dob !== null && dob > c.end) report('8520', at('PersonBirthDate'));
  if ((dob === null) === (edob === null)) report('8525Q', at(dob === null ? 'PersonBirthDate' : 'ExpectedPersonBirthDate'));
  // 8530Q: an expected date of birth from 30 days before the ReferenceDate to 9 months after it.
  if (c.end && edob !== null && (edob < addDays(c.end, -30) || edob > addMonths(c.end, 9))) report('8530Q', at('ExpectedPersonBirthDate'));
  if (died !== null && dob !== null && died < dob) report('8535Q', at('PersonDeathDate'));
  if (c.start && c.end && died !== null && (died < c.start || died > c.end)) report('8545Q', at('PersonDeathDate'));

  // 8770Q: a child of school age referred on for further action has a UPN, or a reason for none other than UN1.
  if (c.end && dob !== null && furtherAction && upn === null && !UPN_UNKNOWN_OF_SCHOOL_AGE.has(child.upnUnknown ?? '')) {
    const refYear = Number(c.end.slice(0, 4));
    // 2024-25: of school age, born on or before 31 August six years before the summer after the census.
    // Before: born more than 6 years before the ReferenceDate.
    const ofSchoolAge = rulesetYear(c.year) >= 2024 ? dob <= `${refYear - 6}-08-31` : dob < addYears(c.end, -6);
    if (ofSchoolAge) report('8770Q', at(child.upnUnknown === null ? 'UPN' : 'UPNunknown'));
  }
  // 8772: UN7 (referral with no further action) only when every referral was one with no further action.
  if (child.upnUnknown === 'UN7' && child.episodes.some((e) => e.referralNfa !== true)) report('8772', at('UPNunknown'));
  // 8775Q: over 25 at the ReferenceDate with an episode open, or closed, after their 25th birthday.
  if (c.end && dob !== null && dob < addYears(c.end, -25)) {
    const at25 = addYears(dob, 25);
    if (child.episodes.some((e) => e.closureDate === null || e.closureDate > at25)) report('8775Q', at('PersonBirthDate'));
  }
}

function checkCharacteristics(c: Census, child: CinChild, report: Report): void {
  const at = (item: string): string => `ChildCharacteristics/${item}`;
  if (child.ethnicity === null || invalid(c, 'ethnicity', child.ethnicity)) report('4220', at('Ethnicity'));
  const ds = child.disabilities;
  // 8540: a born child referred on for further action has at least one disability code (NONE included), all valid.
  if (child.birthDate !== null && child.episodes.some((e) => e.referralNfa === false)) {
    if (ds.length === 0 || ds.some((d) => invalid(c, 'disability', d))) report('8540', at('Disabilities/Disability'));
  }
  if (ds.includes('NONE') && ds.some((d) => d !== 'NONE')) report('8790', at('Disabilities/Disability'));
  if (new Set(ds).size < ds.length) report('8794', at('Disabilities/Disability'));
}

/** Periods that must not overlap: does a start fall within another's [start, end], or [start, ReferenceDate] while open? */
function startsWithin(start: string, other: { start: string; end: string | null }, end: string | null, endInclusive = true): boolean {
  if (start < other.start) return false;
  if (other.end !== null) return endInclusive ? start <= other.end : start < other.end;
  return end !== null && start <= end;
}

/** Rules that compare one episode's modules with another's: at most one open case, plans of any episode not overlapping. */
function checkEpisodesTogether(c: Census, child: CinChild, report: Report): void {
  const episodes = child.episodes;
  const n = episodes.length;
  const open = (e: CinEpisode): boolean => e.closureDate === null && e.referralNfa === false;

  // 8815: only one open episode that led to further action.
  if (episodes.filter(open).length > 1) report('8815', 'CINdetails/CINclosureDate');
  // 8816: the open episode is the latest referral.
  const latest = episodes.reduce<string | null>((m, e) => (e.referralDate !== null && (m === null || e.referralDate > m) ? e.referralDate : m), null);
  episodes.forEach((e, i) => {
    if (open(e) && e.referralDate !== null && latest !== null && e.referralDate < latest) report('8816', `${nth('CINdetails', i, n)}/CINreferralDate`);
  });
  // 8820: no referral within another episode: up to its closure (the next may start the day one closes), or
  // up to the ReferenceDate while it is open and led to further action.
  episodes.forEach((e, i) => {
    const overlaps = episodes.some((o, j) => {
      if (j === i || e.referralDate === null || o.referralDate === null || e.referralDate < o.referralDate) return false;
      if (o.closureDate !== null) return e.referralDate < o.closureDate;
      return o.referralNfa === false && c.end !== null && e.referralDate < c.end;
    });
    if (overlaps) report('8820', `${nth('CINdetails', i, n)}/CINreferralDate`);
  });

  // The plans of all episodes together, with where each is.
  const cinPlans = episodes.flatMap((e, i) => e.cinPlans.map((p, k) => ({ ...p, path: `${nth('CINdetails', i, n)}/${nth('CINPlanDates', k, e.cinPlans.length)}` })));
  const cpPlans = episodes.flatMap((e, i) => e.cpPlans.map((p, k) => ({ ...p, path: `${nth('CINdetails', i, n)}/${nth('ChildProtectionPlans', k, e.cpPlans.length)}` })));

  // 4014 / 8940: CIN plans, and CP plans, do not overlap one another.
  const overlapping = (plans: { startDate: string | null; endDate: string | null }[], i: number): boolean => {
    const p = plans[i]!;
    return p.startDate !== null && plans.some((o, j) => j !== i && o.startDate !== null && startsWithin(p.startDate!, { start: o.startDate, end: o.endDate }, c.end));
  };
  cinPlans.forEach((p, i) => overlapping(cinPlans, i) && report('4014', `${p.path}/CINPlanStartDate`));
  cpPlans.forEach((p, i) => overlapping(cpPlans, i) && report('8940', `${p.path}/CPPstartDate`));
  // 8935: only one open CP plan.
  if (cpPlans.filter((p) => p.endDate === null).length > 1) report('8935', 'CINdetails/ChildProtectionPlans/CPPendDate');
  // 4016: a CIN plan does not start while a CP plan is open (it may start the day the CP plan ends).
  cinPlans.forEach((p) => {
    if (p.startDate !== null && cpPlans.some((o) => o.startDate !== null && startsWithin(p.startDate!, { start: o.startDate, end: o.endDate }, c.end, false))) {
      report('4016', `${p.path}/CINPlanStartDate`);
    }
  });
  // 4017: a CP plan does not start while a CIN plan is open (it may start the day the CIN plan ends).
  cpPlans.forEach((p) => {
    if (p.startDate !== null && cinPlans.some((o) => o.startDate !== null && startsWithin(p.startDate!, { start: o.startDate, end: o.endDate }, c.end, false))) {
      report('4017', `${p.path}/CPPstartDate`);
    }
  });
  // Against the date of death.
  if (child.deathDate !== null) {
    const died = child.deathDate;
    cinPlans.forEach((p) => p.startDate !== null && p.startDate > died && report('4008', `${p.path}/CINPlanStartDate`));
    cinPlans.forEach((p) => p.endDate !== null && p.endDate > died && report('4009Q', `${p.path}/CINPlanEndDate`));
    cpPlans.forEach((p) => p.startDate !== null && p.startDate > died && report('8915', `${p.path}/CPPstartDate`));
    cpPlans.forEach((p) => p.endDate !== null && p.endDate > died && report('8920', `${p.path}/CPPendDate`));
  }
}

function checkEpisode(c: Census, child: CinChild, e: CinEpisode, path: string, report: Report): void {
  const at = (item: string): string => `${path}/${item}`;
  const inYear = (d: string): boolean => c.start !== null && c.end !== null && d >= c.start && d <= c.end;
  const outOfYear = (d: string | null): boolean => d !== null && c.start !== null && c.end !== null && !inYear(d);
  const referral = e.referralDate;
  const before = (d: string | null): boolean => d !== null && referral !== null && d < referral;
  const closedAfterAssessment = CLOSED_AFTER_ASSESSMENT.has(e.reasonForClosure ?? '');
  const { dob, edob, died } = { dob: child.birthDate, edob: child.expectedBirthDate, died: child.deathDate };

  // The referral and the case.
  if (referral === null || (c.end !== null && referral > c.end)) report('8600', at('CINreferralDate'));
  // 8606: a referral no more than 280 days (40 weeks) before birth, or expected birth.
  if (referral !== null && [dob, edob].some((b) => b !== null && referral < addDays(b, -280))) report('8606', at('CINreferralDate'));
  if (referral !== null && died !== null && referral > died) report('8555Q', at('CINreferralDate'));
  if (e.referralNfa === null) report('8568', at('ReferralNFA'));
  // 8569Q: a referral made before the working day before the census year cannot be a no-further-action one.
  if (referral !== null && c.start !== null && e.referralNfa === true && referral < workingDayBefore(c.start)) report('8569Q', at('ReferralNFA'));
  if (e.referralNfa === false && e.primaryNeed === null) report('8610', at('PrimaryNeedCode'));
  if (invalid(c, 'primaryNeed', e.primaryNeed)) report('8650', at('PrimaryNeedCode'));
  if (referral !== null && referral >= REFERRAL_SOURCE_FROM && (e.referralSource === null || invalid(c, 'referralSource', e.referralSource))) {
    report('8866', at('ReferralSource'));
  }
  if (outOfYear(e.closureDate)) report('8620', at('CINclosureDate'));
  if (e.closureDate !== null && before(e.closureDate)) report('8630', at('CINclosureDate'));
  if (invalid(c, 'reasonForClosure', e.reasonForClosure)) report('8640', at('ReasonForClosure'));
  if (e.closureDate !== null && e.reasonForClosure === null) report('8805', at('ReasonForClosure'));
  if (e.closureDate === null && e.reasonForClosure !== null) report('8810', at('CINclosureDate'));
  if (e.reasonForClosure === 'RC2' && died === null) report('8585Q', at('ReasonForClosure'));

  // Activity that the case's outcome rules out.
  const icpcs = [e.dateOfInitialCpc, ...e.section47s.map((s) => s.dateOfInitialCpc)].filter((d): d is string => d !== null);
  if (closedAfterAssessment && (e.dateOfInitialCpc !== null || e.cpPlans.length + e.section47s.length + e.cinPlans.length > 0)) report('2990', at('ReasonForClosure'));
  if (closedAfterAssessment && e.assessments.length === 0) report('8825Q', at('ReasonForClosure'));
  if (e.section47s.length > 0 && e.assessments.length === 0) report('2991Q', at('Section47'));
  if (e.referralNfa === true) {
    const activity = icpcs.length > 0 || e.section47s.some((s) => s.startDate !== null) || e.assessments.some((a) => a.startDate !== null || a.authorisationDate !== null);
    if (activity) report('8831', at('ReferralNFA'));
    if (e.cpPlans.length > 0) report('8832', at('ChildProtectionPlans'));
    if (e.cinPlans.length > 0) report('4000', at('CINPlanDates'));
  }
  // 8565: nothing in the episode happens after it closed.
  if (e.closureDate !== null) {
    const closed = e.closureDate;
    const dates = [
      ...icpcs,
      ...e.assessments.flatMap((a) => [a.startDate, a.authorisationDate]),
      ...e.section47s.map((s) => s.startDate),
      ...e.cpPlans.map((p) => p.endDate),
      ...e.cinPlans.flatMap((p) => [p.startDate, p.endDate]),
    ];
    if (dates.some((d) => d !== null && d > closed)) report('8565', at('CINclosureDate'));
    // 8867 / 8868: a closed episode has its assessments completed and its enquiries concluded.
    if (e.assessments.some((a) => a.authorisationDate === null)) report('8867', at('CINclosureDate'));
    if (e.section47s.some((s) => (s.dateOfInitialCpc === null) !== (s.icpcNotRequired === true))) report('8868', at('CINclosureDate'));
  }
  // The initial conference recorded at the episode level.
  if (e.dateOfInitialCpc !== null) {
    if (before(e.dateOfInitialCpc)) report('1104', at('DateOfInitialCPC'));
    if (isWeekend(e.dateOfInitialCpc)) report('8875', at('DateOfInitialCPC'));
    // 2884: the same conference recorded both here and in a Section47 module.
    if (e.section47s.some((s) => s.dateOfInitialCpc === e.dateOfInitialCpc)) report('2884', at('DateOfInitialCPC'));
  }

  checkAssessments(c, e, path, report, { inYear, outOfYear, before });
  checkCinPlans(c, e, path, report, { inYear, outOfYear, before });
  checkSection47s(c, e, path, report, { inYear, outOfYear, before });
  checkCpPlans(c, e, path, report, { inYear, outOfYear, before, icpcs });
}

interface Dates {
  inYear: (d: string) => boolean;
  outOfYear: (d: string | null) => boolean;
  before: (d: string | null) => boolean;
}

function checkAssessments(c: Census, e: CinEpisode, path: string, report: Report, { outOfYear, before }: Dates): void {
  const n = e.assessments.length;
  e.assessments.forEach((a, i) => {
    const at = (item: string): string => `${path}/${nth('Assessments', i, n)}/${item}`;
    const factorsAt = at('FactorsIdentifiedAtAssessment/AssessmentFactors');
    const { startDate: start, authorisationDate: authorised, factors } = a;
    if (before(start)) report('1103', at('AssessmentActualStartDate'));
    if (start !== null && authorised !== null && start > authorised) report('8608', at('AssessmentAuthorisationDate'));
    if (outOfYear(authorised)) report('8696', at('AssessmentAuthorisationDate'));
    if (authorised === null) {
      if (factors.length > 0) report('8614', factorsAt);
      if (outOfYear(start)) report('8736', at('AssessmentActualStartDate'));
      if (start !== null && c.end !== null && moreThanWorkingDays(start, c.end, 45)) report('8670Q', at('AssessmentActualStartDate'));
    }
    // 8897Q: an assessment completed in the census year records its factors, all valid codes.
    if (authorised !== null && c.start !== null && authorised >= c.start && (factors.length === 0 || factors.some((f) => invalid(c, 'assessmentFactor', f)))) {
      report('8897Q', factorsAt);
    }
    if (factors.includes('21') && factors.length > 1) report('8869', factorsAt);
    if (new Set(factors).size < factors.length) report('8898', factorsAt);
    if (factors.includes('18A')) report('8945Q', factorsAt);
    if (factors.includes('19A')) report('8950Q', factorsAt);
    // 8863Q: no assessment starts while another is under way (to its authorisation, or the ReferenceDate).
    const ongoing = start !== null && e.assessments.some((o, j) =>
      j !== i && o.startDate !== null && !(o.startDate === start && o.authorisationDate === authorised) &&
      startsWithin(start, { start: o.startDate, end: o.authorisationDate }, c.end));
    if (ongoing) report('8863Q', at('AssessmentActualStartDate'));
  });
  if (e.assessments.filter((a) => a.authorisationDate === null).length > 1) report('8896', `${path}/Assessments/AssessmentAuthorisationDate`);
  // 8873Q: an episode whose one assessment found no factors (21) is closed RC8 or RC9.
  if (n === 1 && e.assessments[0]!.factors.includes('21') && !CLOSED_AFTER_ASSESSMENT.has(e.reasonForClosure ?? '')) report('8873Q', `${path}/ReasonForClosure`);
}

function checkCinPlans(c: Census, e: CinEpisode, path: string, report: Report, { outOfYear, before }: Dates): void {
  const n = e.cinPlans.length;
  e.cinPlans.forEach((p, i) => {
    const at = (item: string): string => `${path}/${nth('CINPlanDates', i, n)}/${item}`;
    if (p.startDate === null || (c.end !== null && p.startDate > c.end)) report('4010', at('CINPlanStartDate'));
    if (p.startDate !== null && p.endDate !== null && p.endDate < p.startDate) report('4011', at('CINPlanEndDate'));
    if (p.startDate !== null && p.startDate === p.endDate) report('4012Q', at('CINPlanEndDate'));
    if (outOfYear(p.endDate)) report('4013', at('CINPlanEndDate'));
    if (before(p.startDate)) report('4015', at('CINPlanStartDate'));
  });
  if (e.cinPlans.filter((p) => p.endDate === null).length > 1) report('4004', `${path}/CINPlanDates/CINPlanEndDate`);
  // 4001: an open CIN plan alongside an open CP plan in the same episode.
  if (e.cpPlans.some((p) => p.endDate === null) && e.cinPlans.some((p) => p.startDate !== null && p.endDate === null)) report('4001', `${path}/CINPlanDates/CINPlanEndDate`);
  // 4003: no CP plan review while a CIN plan of the episode is open, unless the review ends the CP plan.
  e.cpPlans.forEach((cp, k) => {
    const clash = cp.reviews.some((r) => r !== cp.endDate && e.cinPlans.some((p) => p.startDate !== null && startsWithin(r, { start: p.startDate, end: p.endDate }, c.end, false)));
    if (clash) report('4003', `${path}/${nth('ChildProtectionPlans', k, e.cpPlans.length)}/Reviews/CPPreviewDate`);
  });
}

function checkSection47s(c: Census, e: CinEpisode, path: string, report: Report, { outOfYear, before }: Dates): void {
  const n = e.section47s.length;
  e.section47s.forEach((s, i) => {
    const at = (item: string): string => `${path}/${nth('Section47', i, n)}/${item}`;
    const { startDate: start, dateOfInitialCpc: icpc } = s;
    if (before(start)) report('2889', at('S47ActualStartDate'));
    if (before(icpc)) report('1104', at('DateOfInitialCPC'));
    if (icpc !== null && (start === null || start > icpc)) report('8615', at('S47ActualStartDate'));
    if (outOfYear(icpc)) report('8715', at('DateOfInitialCPC'));
    if (icpc !== null && isWeekend(icpc)) report('8875', at('DateOfInitialCPC'));
    if (s.initialCpcTarget !== null && isWeekend(s.initialCpcTarget)) report('8870Q', at('InitialCPCtarget'));
    // An enquiry still waiting for its conference at the ReferenceDate.
    if (icpc === null && s.icpcNotRequired === false && start !== null) {
      if (outOfYear(start)) report('8740', at('S47ActualStartDate'));
      if (c.end !== null && moreThanWorkingDays(start, c.end, 15)) report('8675Q', at('S47ActualStartDate'));
    }
    // 8890: no enquiry starts while another is under way: to its conference, or, with none held and one
    // required, to the ReferenceDate.
    const ongoing = start !== null && e.section47s.some((o, j) =>
      j !== i && o.startDate !== null && !(o.startDate === start && o.dateOfInitialCpc === icpc) &&
      (o.dateOfInitialCpc !== null || o.icpcNotRequired !== true) &&
      startsWithin(start, { start: o.startDate, end: o.dateOfInitialCpc }, c.end));
    if (ongoing) report('8890', at('S47ActualStartDate'));
  });
  if (e.section47s.filter((s) => s.dateOfInitialCpc === null && s.icpcNotRequired !== true).length > 1) report('8839', `${path}/Section47/DateOfInitialCPC`);
}

function checkCpPlans(c: Census, e: CinEpisode, path: string, report: Report, dates: Dates & { icpcs: string[] }): void {
  const { inYear, outOfYear, before, icpcs } = dates;
  const n = e.cpPlans.length;
  e.cpPlans.forEach((p, i) => {
    const at = (item: string): string => `${path}/${nth('ChildProtectionPlans', i, n)}/${item}`;
    const { startDate: start, endDate: end } = p;
    if (before(start)) report('1105', at('CPPstartDate'));
    if (start === null || (c.end !== null && start > c.end)) report('8720', at('CPPstartDate'));
    if (p.previousPlans === null) report('8730', at('NumberOfPreviousCPP'));
    if (start !== null && start === end) report('8840', at('CPPendDate'));
    if (start !== null && p.reviews.some((r) => r <= start)) report('8841', at('Reviews/CPPreviewDate'));
    if (p.initialCategory === null || invalid(c, 'categoryOfAbuse', p.initialCategory)) report('8905', at('InitialCategoryOfAbuse'));
    if (p.latestCategory === null || invalid(c, 'categoryOfAbuse', p.latestCategory)) report('8910', at('LatestCategoryOfAbuse'));
    if (start !== null && end !== null && end < start) report('8925', at('CPPendDate'));
    if (outOfYear(end)) report('8930', at('CPPendDate'));
    // 2885: a plan starting in the census year starts on the day of an initial conference of its episode.
    if (start !== null && inYear(start) && !icpcs.includes(start)) report('2885', at('CPPstartDate'));
  });
}
