import fs from 'node:fs';
import path from 'node:path';
import { isWorkingDay } from '../../src/domain/calendar';
import { codesFor, type CodeListId } from '../../src/domain/codes';
import { upnCheckLetter } from '../../src/domain/identifiers';
import { mulberry32 } from '../../src/domain/seeded-random';

/**
 * Synthetic statutory returns for the returns benchmark, written straight to files as they are made
 * (never held whole in memory):
 *  - a CIN census XML for the 2024-25 collection (`<Year>2025</Year>`, ReferenceDate 2025-03-31) of a
 *    given LA, 1–3 CINdetails per child, with assessments and factors, CIN plans, S47 enquiries, child
 *    protection plans with reviews, disabilities; dates inside the census year but for the referrals,
 *    plans and conferences that began before it. It is meant to pass the year's rules: the generator
 *    follows them (no overlapping episodes or plans, conferences on working days, factors on completed
 *    assessments, a UPN with its check letter for every child of school age, and so on);
 *  - a matching SSDA903 set (header, episodes, reviews, missing, oc2, uasc) for the looked-after share
 *    of the same children: the same CHILD ids, dates of birth, sex and ethnicity.
 * Everything is drawn from a seeded generator, child by child, so the same options give the same files.
 */

export const CENSUS_YEAR = 2024;
const DAY_MS = 86_400_000;
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const YEAR_START = day('2024-04-01');
const YEAR_END = day('2025-03-31');
const REFERENCE_DATE = '2025-03-31';

const isoCache = new Map<number, string>();
function iso(d: number): string {
  let s = isoCache.get(d);
  if (s === undefined) {
    s = new Date(d * DAY_MS).toISOString().slice(0, 10);
    isoCache.set(d, s);
  }
  return s;
}
const dmy = (d: number) => { const s = iso(d); return `${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)}`; };

const workingCache = new Map<number, boolean>();
function working(d: number): boolean {
  let w = workingCache.get(d);
  if (w === undefined) {
    try {
      w = isWorkingDay(iso(d));
    } catch {
      const wd = new Date(d * DAY_MS).getUTCDay();
      w = wd !== 0 && wd !== 6;
    }
    workingCache.set(d, w);
  }
  return w;
}
/** The n-th working day after d (n >= 1). */
function addWorking(d: number, n: number): number {
  let x = d;
  for (let k = 0; k < n; ) if (working(++x)) k++;
  return x;
}

/** mulberry32: small, fast and good enough to make data. */
function rng(seed: number) {
  const next = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const chance = (p: number) => next() < p;
  /** k distinct items. */
  const some = <T>(xs: readonly T[], k: number): T[] => {
    const copy = [...xs];
    for (let i = 0; i < k; i++) { const j = i + Math.floor(next() * (copy.length - i)); [copy[i], copy[j]] = [copy[j]!, copy[i]!]; }
    return copy.slice(0, k);
  };
  return { next, int, pick, chance, some };
}
type Rng = ReturnType<typeof rng>;

/** The codes valid in 2024-25 that draw no query. */
const codes = (id: CodeListId, except: string[] = []) => codesFor(id, CENSUS_YEAR).filter((c) => !c.query && !except.includes(c.code)).map((c) => c.code);
const ETHNICITIES = codes('ethnicity');
const DISABILITIES = codes('disability', ['NONE']);
const SOURCES = codes('referralSource');
const NEEDS = codes('primaryNeed');
const CATEGORIES = codes('categoryOfAbuse');
// 21 ("no factors identified") goes alone and closes the case (8869, 8873Q): left out.
const FACTORS = codes('assessmentFactor', ['21']);
/** LA codes that UPNs are issued under (rule 1530's list). */
const UPN_LAS = ['201', '202', '203', '204', '205', '206', '207', '208', '209', '210', '301', '302', '303', '304', '305', '330', '331', '332', '350', '351', '352', '380', '381', '382', '390', '391', '392', '393', '394', '800', '801', '802', '803', '805', '806', '807', '808', '810', '811', '812', '813', '815', '816', '820', '821', '822', '823', '825', '826', '830', '831', '835', '836', '837', '838', '839', '840', '841', '845', '846', '850', '851', '852', '855', '856', '857', '860', '861', '865', '866', '867', '868', '869', '870', '871', '872', '873', '874', '875', '876', '877', '878', '879', '880', '881', '882', '883', '884', '885', '886', '887', '888', '889', '890', '891', '892', '893', '894', '895', '896', '908', '909', '916', '919', '921', '925', '926', '928', '929', '931', '933', '935', '936', '937', '938', '940', '941'];

/** A child as both returns know them. */
export interface Basics {
  id: string;
  dob: number | null;
  /** Unborn children only. */
  edob: number | null;
  sex: 'M' | 'F' | 'U';
  ethnicity: string;
  upn: string | null;
  upnUnknown: string | null;
  disabilities: string[];
}

export const childId = (i: number) => `BCN${String(i + 1).padStart(7, '0')}`;

/** Child i's identity, the same whichever return asks. */
export function basics(i: number): Basics {
  const r = rng(0x9e3779b1 ^ Math.imul(i + 1, 0x85ebca6b));
  const unborn = r.chance(0.02);
  const band = r.next();
  const age = band < 0.3 ? r.int(0, 4) : band < 0.58 ? r.int(5, 9) : band < 0.9 ? r.int(10, 15) : r.int(16, 17);
  const dob = unborn ? null : YEAR_END - age * 365 - r.int(0, 364);
  const edob = unborn ? YEAR_END + r.int(-25, 250) : null;
  const s = r.next();
  const sex = unborn ? 'U' : s < 0.005 ? 'U' : s < 0.52 ? 'M' : 'F';
  const ethnicity = r.chance(0.65) ? 'WBRI' : r.pick(ETHNICITIES);
  // Of school age (born on or before 31 August six years before the summer after the census): a UPN.
  const schoolAge = dob !== null && iso(dob) <= '2019-08-31';
  let upn: string | null = null;
  if (schoolAge || (dob !== null && r.chance(0.3))) {
    const rest = `${r.pick(UPN_LAS)}${String(i).padStart(8, '0')}${r.int(0, 9)}`;
    upn = upnCheckLetter(rest) + rest;
  }
  const withDisability = !unborn && r.chance(0.09);
  const disabilities = unborn ? [] : withDisability ? r.some(DISABILITIES, r.chance(0.3) ? 2 : 1) : ['NONE'];
  return { id: childId(i), dob, edob, sex, ethnicity, upn, upnUnknown: upn === null ? 'UN1' : null, disabilities };
}

// ---------------------------------------------------------------------------------------------
// CIN census

interface Assessment { start: number; auth: number | null; factors: string[] }
interface CinPlan { start: number; end: number | null }
interface S47 { start: number; target: number; icpc: number | null; notRequired: boolean }
interface CpPlan { start: number; end: number | null; initial: string; latest: string; previous: number; reviews: number[] }
interface Episode {
  referral: number; source: string; need: string; closure: number | null; reason: string | null; nfa: boolean;
  assessments: Assessment[]; cinPlans: CinPlan[]; s47s: S47[]; cpPlans: CpPlan[];
}

/** One referral and what followed it, from `referral` on; null dates are after the ReferenceDate (not yet happened). */
function episode(r: Rng, referral: number): Episode {
  const e: Episode = { referral, source: r.pick(SOURCES), need: r.pick(NEEDS), closure: null, reason: null, nfa: false, assessments: [], cinPlans: [], s47s: [], cpPlans: [] };
  const upTo = (d: number | null) => (d !== null && d <= YEAR_END ? d : null);
  if (referral >= YEAR_START && r.chance(0.12)) {
    // A referral with no further action: closed within a few days, nothing else recorded.
    e.nfa = true;
    e.closure = Math.min(referral + r.int(0, 3), YEAR_END);
    e.reason = 'RC7';
    return e;
  }
  const aStart = referral + r.int(0, 4);
  let aAuth = addWorking(aStart, r.int(5, 38));
  let last = aAuth;
  const path = r.next();
  if (path < 0.3) {
    // S47 enquiry from the assessment; a conference unless it finds none is needed; a plan from most conferences.
    const start = aStart + r.int(0, 3);
    const target = addWorking(start, 15);
    const notRequired = r.chance(0.15);
    const icpc = notRequired ? null : addWorking(start, r.int(5, 15));
    e.s47s.push({ start, target, icpc, notRequired });
    if (icpc !== null) aAuth = Math.max(aAuth, icpc + r.int(0, 7));
    if (icpc !== null && r.chance(0.8)) {
      const end = icpc + r.int(90, 600);
      const reviews: number[] = [];
      for (let d = icpc + r.int(60, 90); d < end; d += r.int(150, 182)) reviews.push(d);
      const initial = r.pick(CATEGORIES);
      e.cpPlans.push({ start: icpc, end, initial, latest: r.chance(0.85) ? initial : r.pick(CATEGORIES), previous: r.chance(0.8) ? 0 : r.int(1, 3), reviews });
      last = Math.max(end, aAuth);
      if (r.chance(0.5)) {
        // Stepped down to a CIN plan the day the CP plan ends.
        const stepEnd = end + r.int(60, 240);
        e.cinPlans.push({ start: end, end: stepEnd });
        last = stepEnd;
      }
    } else {
      const planEnd = aAuth + r.int(60, 400);
      e.cinPlans.push({ start: aAuth, end: planEnd });
      last = planEnd;
    }
  } else if (path < 0.65) {
    const planEnd = aAuth + r.int(60, 400);
    e.cinPlans.push({ start: aAuth, end: planEnd });
    last = planEnd;
    if (r.chance(0.15) && planEnd - aAuth > 150) {
      // A second assessment while the plan runs.
      const s2 = aAuth + r.int(40, 100);
      e.assessments.push({ start: s2, auth: addWorking(s2, r.int(5, 30)), factors: [] });
    }
  }
  e.assessments.unshift({ start: aStart, auth: aAuth, factors: [] });
  // A case closed after its assessment closes the day it is authorised.
  const closure = last + (path >= 0.65 ? 0 : r.int(0, 14));
  e.closure = closure;
  e.reason = path >= 0.65 ? (r.chance(0.6) ? 'RC8' : 'RC9') : r.chance(0.9) ? 'RC7' : r.pick(['RC3', 'RC4', 'RC5', 'RC6']);

  // What has not happened by the ReferenceDate is left out; what ended before the census year was last year's.
  e.assessments = e.assessments.filter((a) => a.start <= YEAR_END && (a.auth === null || a.auth >= YEAR_START))
    .map((a) => ({ ...a, auth: upTo(a.auth) }));
  for (const a of e.assessments) if (a.auth !== null) a.factors = r.some(FACTORS, r.int(1, 4));
  e.s47s = e.s47s.filter((s) => s.start <= YEAR_END && (s.start >= YEAR_START || (s.icpc !== null && s.icpc >= YEAR_START))).map((s) => ({ ...s, icpc: upTo(s.icpc) }));
  e.cinPlans = e.cinPlans.filter((p) => p.start <= YEAR_END && (p.end === null || p.end >= YEAR_START)).map((p) => ({ ...p, end: upTo(p.end) }));
  e.cpPlans = e.cpPlans.filter((p) => p.start <= YEAR_END && (p.end === null || p.end >= YEAR_START))
    .map((p) => ({ ...p, end: upTo(p.end), reviews: p.reviews.filter((d) => d <= YEAR_END) }));
  if (closure > YEAR_END) { e.closure = null; e.reason = null; }
  return e;
}

/** A child's episodes in the census year: one after another, the last perhaps still open. */
function episodes(r: Rng, b: Basics): Episode[] {
  const wanted = r.chance(0.6) ? 1 : r.chance(0.7) ? 2 : 3;
  const born = b.dob ?? b.edob!;
  // Not referred more than 40 weeks before birth (8606).
  const earliest = Math.max(YEAR_START - 300, born - 250);
  const inYear = () => Math.max(earliest, r.int(YEAR_START, YEAR_END - 3));
  let cursor = earliest >= YEAR_START || r.chance(0.7) ? inYear() : r.int(earliest, YEAR_START - 1);
  const out: Episode[] = [];
  for (let k = 0; k < wanted + 3 && cursor <= YEAR_END; k++) {
    const e = episode(r, cursor);
    // An episode closed before the census year is not in the return.
    if (e.closure === null || e.closure >= YEAR_START) out.push(e);
    if (e.closure === null || out.length >= wanted) break;
    cursor = e.closure + r.int(7, 150);
  }
  if (out.length === 0) out.push(episode(r, Math.max(inYear(), YEAR_START)));
  return out;
}

function childXml(b: Basics, eps: Episode[]): string {
  const x: string[] = ['    <Child>\n      <ChildIdentifiers>\n', `        <LAchildID>${b.id}</LAchildID>\n`];
  if (b.upn) x.push(`        <UPN>${b.upn}</UPN>\n`);
  if (b.upnUnknown) x.push(`        <UPNunknown>${b.upnUnknown}</UPNunknown>\n`);
  if (b.dob !== null) x.push(`        <PersonBirthDate>${iso(b.dob)}</PersonBirthDate>\n`);
  if (b.edob !== null) x.push(`        <ExpectedPersonBirthDate>${iso(b.edob)}</ExpectedPersonBirthDate>\n`);
  x.push(`        <Sex>${b.sex}</Sex>\n      </ChildIdentifiers>\n      <ChildCharacteristics>\n        <Ethnicity>${b.ethnicity}</Ethnicity>\n`);
  if (b.disabilities.length) x.push(`        <Disabilities>\n${b.disabilities.map((d) => `          <Disability>${d}</Disability>\n`).join('')}        </Disabilities>\n`);
  x.push('      </ChildCharacteristics>\n');
  for (const e of eps) {
    x.push(`      <CINdetails>\n        <CINreferralDate>${iso(e.referral)}</CINreferralDate>\n        <ReferralSource>${e.source}</ReferralSource>\n        <PrimaryNeedCode>${e.need}</PrimaryNeedCode>\n`);
    if (e.closure !== null) x.push(`        <CINclosureDate>${iso(e.closure)}</CINclosureDate>\n        <ReasonForClosure>${e.reason}</ReasonForClosure>\n`);
    for (const a of e.assessments) {
      x.push(`        <Assessments>\n          <AssessmentActualStartDate>${iso(a.start)}</AssessmentActualStartDate>\n`);
      if (a.auth !== null) x.push(`          <AssessmentAuthorisationDate>${iso(a.auth)}</AssessmentAuthorisationDate>\n`);
      if (a.factors.length) x.push(`          <FactorsIdentifiedAtAssessment>\n${a.factors.map((f) => `            <AssessmentFactors>${f}</AssessmentFactors>\n`).join('')}          </FactorsIdentifiedAtAssessment>\n`);
      x.push('        </Assessments>\n');
    }
    for (const p of e.cinPlans) {
      x.push(`        <CINPlanDates>\n          <CINPlanStartDate>${iso(p.start)}</CINPlanStartDate>\n`);
      if (p.end !== null) x.push(`          <CINPlanEndDate>${iso(p.end)}</CINPlanEndDate>\n`);
      x.push('        </CINPlanDates>\n');
    }
    for (const s of e.s47s) {
      x.push(`        <Section47>\n          <S47ActualStartDate>${iso(s.start)}</S47ActualStartDate>\n          <InitialCPCtarget>${iso(s.target)}</InitialCPCtarget>\n`);
      if (s.icpc !== null) x.push(`          <DateOfInitialCPC>${iso(s.icpc)}</DateOfInitialCPC>\n`);
      x.push(`          <ICPCnotRequired>${s.notRequired}</ICPCnotRequired>\n        </Section47>\n`);
    }
    x.push(`        <ReferralNFA>${e.nfa}</ReferralNFA>\n`);
    for (const p of e.cpPlans) {
      x.push(`        <ChildProtectionPlans>\n          <CPPstartDate>${iso(p.start)}</CPPstartDate>\n`);
      if (p.end !== null) x.push(`          <CPPendDate>${iso(p.end)}</CPPendDate>\n`);
      x.push(`          <InitialCategoryOfAbuse>${p.initial}</InitialCategoryOfAbuse>\n          <LatestCategoryOfAbuse>${p.latest}</LatestCategoryOfAbuse>\n          <NumberOfPreviousCPP>${p.previous}</NumberOfPreviousCPP>\n`);
      if (p.reviews.length) x.push(`          <Reviews>\n${p.reviews.map((d) => `            <CPPreviewDate>${iso(d)}</CPPreviewDate>\n`).join('')}          </Reviews>\n`);
      x.push('        </ChildProtectionPlans>\n');
    }
    x.push('      </CINdetails>\n');
  }
  x.push('    </Child>\n');
  return x.join('');
}

/** Writes ASCII text to a file through a stream, a megabyte at a time, waiting when the disk is behind. */
class Writer {
  private readonly out: fs.WriteStream;
  private parts: string[] = [];
  private pending = 0;
  /** Bytes written or waiting to be (the text is ASCII: a character is a byte). */
  bytes = 0;
  constructor(file: string) { this.out = fs.createWriteStream(file); }
  async write(s: string) {
    this.parts.push(s);
    this.pending += s.length;
    this.bytes += s.length;
    if (this.pending >= 1 << 20) await this.flush();
  }
  private async flush() {
    const chunk = Buffer.from(this.parts.join(''), 'latin1');
    this.parts = [];
    this.pending = 0;
    if (!this.out.write(chunk)) await new Promise<void>((resolve) => this.out.once('drain', resolve));
  }
  async close() {
    await this.flush();
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

export interface CinFile { file: string; bytes: number; children: number; episodes: number; ms: number }

/**
 * Writes a CIN census of `children` children (or, with `minBytes`, of as many as make the file at
 * least that large) for LA `la`, streaming.
 */
export async function writeCinCensus(file: string, opts: { la: string; children?: number; minBytes?: number }): Promise<CinFile> {
  const started = Date.now();
  const w = new Writer(file);
  await w.write('<?xml version="1.0" encoding="utf-8"?>\n<Message>\n  <Header>\n    <CollectionDetails>\n      <Collection>CIN</Collection>\n'
    + `      <Year>${CENSUS_YEAR + 1}</Year>\n      <ReferenceDate>${REFERENCE_DATE}</ReferenceDate>\n    </CollectionDetails>\n    <Source>\n`
    + `      <SourceLevel>L</SourceLevel>\n      <LEA>${opts.la}</LEA>\n      <SoftwareCode>Beacon benchmark</SoftwareCode>\n      <Release>1</Release>\n`
    + '      <SerialNo>001</SerialNo>\n      <DateTime>2025-04-14T09:00:00</DateTime>\n    </Source>\n  </Header>\n  <Children>\n');
  const tail = '  </Children>\n</Message>\n';
  let n = 0;
  let eps = 0;
  const more = () => (opts.minBytes !== undefined ? w.bytes + tail.length < opts.minBytes : n < (opts.children ?? 0));
  for (; more(); n++) {
    const b = basics(n);
    const e = episodes(rng(0x51ed27 ^ Math.imul(n + 7, 0x27d4eb2f)), b);
    eps += e.length;
    await w.write(childXml(b, e));
  }
  await w.write(tail);
  await w.close();
  return { file, bytes: fs.statSync(file).size, children: n, episodes: eps, ms: Date.now() - started };
}

// ---------------------------------------------------------------------------------------------
// SSDA903

const POSTCODE_AREAS = ['NE', 'SR', 'DH', 'TS', 'DL', 'YO', 'LS', 'HG'];
const POSTCODE_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';
function postcode(r: Rng): string {
  return `${r.pick(POSTCODE_AREAS)}${r.int(1, 29)} ${r.int(0, 9)}${r.pick([...POSTCODE_LETTERS])}${r.pick([...POSTCODE_LETTERS])}`;
}
const FOSTER = ['U1', 'U2', 'U3', 'U4', 'U5', 'U6'];
const LEGAL = ['C2', 'C2', 'C2', 'C2', 'V2', 'V2', 'V2', 'C1', 'C1', 'E1'];
// Not those of a young person at 18 (E15, E17): only a few of the children are that old.
const CEASED = ['E4A', 'E4A', 'E4A', 'E13', 'E8', 'E11', 'E12', 'E41'];
const CHANGE = ['CARPL', 'CLOSE', 'STAND', 'APPRR', 'CREQB', 'CHILD', 'LAREQ', 'PLACE', 'OTHER'];

export interface S903Files { files: string[]; bytes: number; children: number; rows: Record<string, number>; ms: number }

/**
 * Writes the 903 tables for `children` looked-after children taken evenly from the first `cinChildren`
 * of the CIN census (born ones: the same CHILD, DOB, SEX and ETHNIC), into `dir`.
 */
export async function write903(dir: string, opts: { children: number; cinChildren: number }): Promise<S903Files> {
  const started = Date.now();
  const tables = ['header', 'episodes', 'reviews', 'missing', 'oc2', 'uasc'] as const;
  const header: Record<(typeof tables)[number], string> = {
    header: 'CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB',
    episodes: 'CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN',
    reviews: 'CHILD,DOB,REVIEW,REVIEW_CODE',
    missing: 'CHILD,DOB,MISSING,MIS_START,MIS_END',
    oc2: 'CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED',
    uasc: 'CHILD,SEX,DOB,DUC',
  };
  const files = Object.fromEntries(tables.map((t) => [t, path.join(dir, `${t}.csv`)])) as Record<(typeof tables)[number], string>;
  const writers = Object.fromEntries(tables.map((t) => [t, new Writer(files[t])])) as Record<(typeof tables)[number], Writer>;
  const rows = Object.fromEntries(tables.map((t) => [t, 0])) as Record<string, number>;
  for (const t of tables) await writers[t].write(`${header[t]}\n`);
  const add = async (t: (typeof tables)[number], cells: (string | number | null)[]) => {
    rows[t]!++;
    await writers[t].write(`${cells.map((c) => (c === null ? '' : String(c))).join(',')}\n`);
  };

  const step = Math.max(1, Math.floor(opts.cinChildren / opts.children));
  let made = 0;
  for (let i = 0; made < opts.children; i += step) {
    let b = basics(i);
    while (b.dob === null) b = basics(++i);
    made++;
    const r = rng(0x903 ^ Math.imul(i + 11, 0x165667b1));
    const dob = b.dob!;
    const sex = b.sex === 'U' ? (r.chance(0.5) ? 'M' : 'F') : b.sex;
    const age = (YEAR_END - dob) / 365.25;
    const upn = b.upn ?? (age < 5 ? 'UN1' : 'UN2');
    const mother = sex === 'F' && age >= 12 ? (r.chance(0.02) ? 1 : 0) : null;
    await add('header', [b.id, sex, dmy(dob), b.ethnicity, upn, mother, mother === 1 ? dmy(YEAR_END - r.int(30, 300)) : null]);
    const uasc = age >= 12 && r.chance(0.06);
    // UASC status ceases at 18 (a 29 February birthday: 1 March).
    if (uasc) await add('uasc', [b.id, sex, dmy(dob), dmy(day(`${Number(iso(dob).slice(0, 4)) + 18}-${iso(dob).slice(5, 7) === '02' && iso(dob).slice(8) === '29' ? '03-01' : iso(dob).slice(5)}`))]);

    // Care from some day since birth: 60% before the year, the rest in it.
    const careStart = Math.max(dob + 1, r.chance(0.6) ? YEAR_START - r.int(30, 1500) : r.int(YEAR_START, YEAR_END - 10));
    const ls = r.pick(LEGAL);
    const need = r.pick(NEEDS.filter((n) => n !== 'N0' && n !== 'N9'));
    const home = postcode(r);
    let start = careStart;
    let rne = 'S';
    const episodesOf: [number, number | null][] = [];
    const count = r.int(1, 4);
    for (let k = 0; k < count && start <= YEAR_END; k++) {
      const length = r.int(60, 700);
      let end: number | null = start + length;
      const lastOne = k === count - 1;
      let rec: string | null = null;
      let change: string | null = null;
      if (end > YEAR_END) end = null;
      else if (lastOne) rec = r.pick(CEASED);
      else { rec = 'X1'; change = r.pick(CHANGE); }
      // Episodes that ended before the year are not in this year's return.
      if (end === null || end >= YEAR_START) {
        const home18 = r.chance(0.12);
        const place = home18 ? 'K2' : r.pick(FOSTER);
        const provider = place === 'K2' ? r.pick(['PR1', 'PR4', 'PR4']) : r.pick(['PR1', 'PR1', 'PR4']);
        const urn = place === 'K2' ? `SC${r.int(100000, 999999)}` : 'XXXXXXX';
        await add('episodes', [b.id, dmy(start), rne, ls, need, place, provider, end === null ? null : dmy(end), rec, change, home, postcode(r), urn]);
        episodesOf.push([start, end]);
      }
      if (end === null || lastOne) break;
      start = end;
      rne = 'P';
    }
    let inCareFrom = careStart;
    if (episodesOf.length === 0) {
      // Left care before the year: bring the child in during it instead (not before they were born: rule 302).
      const s = Math.max(dob, r.int(YEAR_START, YEAR_END - 10));
      inCareFrom = s;
      await add('episodes', [b.id, dmy(s), 'S', ls, need, r.pick(FOSTER), 'PR1', null, null, null, home, postcode(r), 'XXXXXXX']);
      episodesOf.push([s, null]);
    }
    const leftCare = episodesOf.at(-1)![1];
    // Reviews: within 20 working days, then 3 months, then every 6 months.
    let review = addWorking(inCareFrom, r.int(10, 20));
    for (let k = 0; review <= (leftCare ?? YEAR_END); k++) {
      if (review >= YEAR_START) await add('reviews', [b.id, dmy(dob), dmy(review), (review - dob) / 365.25 < 4 ? 'PN0' : r.pick(['PN1', 'PN2', 'PN3', 'PN4', 'PN5', 'PN6', 'PN7'])]);
      review += k === 0 ? r.int(80, 90) : r.int(170, 182);
    }
    if (age >= 10 && r.chance(0.12)) {
      // One to three periods missing or away, one after another.
      const last = Math.min(leftCare ?? YEAR_END, YEAR_END);
      let from = Math.max(YEAR_START, inCareFrom);
      for (let k = r.int(1, 3); k > 0 && from <= last; k--) {
        const s = r.int(from, Math.min(last, from + 120));
        const e = Math.min(s + r.int(0, 6), leftCare ?? Infinity);
        await add('missing', [b.id, dmy(dob), r.chance(0.7) ? 'M' : 'A', dmy(s), e <= YEAR_END ? dmy(e) : null]);
        from = e + 1;
      }
    }
    // OC2: looked after continuously for 12 months at 31 March.
    if (leftCare === null && inCareFrom <= YEAR_END - 365) {
      const sdqAge = age >= 4 && age < 17;
      const misuse = age >= 10 && r.chance(0.05) ? 1 : 0;
      const scored = sdqAge && r.chance(0.8);
      await add('oc2', [b.id, dmy(dob), scored ? r.int(0, 40) : null, sdqAge && !scored ? r.pick(['SDQ1', 'SDQ2', 'SDQ3', 'SDQ4', 'SDQ5']) : null,
        age >= 10 ? (r.chance(0.03) ? 1 : 0) : null, r.chance(0.9) ? 1 : 0, r.chance(0.9) ? 1 : 0, r.chance(0.85) ? 1 : 0, r.chance(0.9) ? 1 : 0,
        misuse, ...(misuse ? (r.chance(0.6) ? [1, null] : [0, 1]) : [null, null])]);
    }
  }
  for (const t of tables) await writers[t].close();
  const list = tables.map((t) => files[t]);
  return { files: list, bytes: list.reduce((n, f) => n + fs.statSync(f).size, 0), children: made, rows, ms: Date.now() - started };
}
