import { createReadStream, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { upnCheckLetter } from '../../domain/identifiers';
import { readCinCensus } from './cin-census.parser';
import { rulesFor } from './cin-census.rules';
import { CIN_RULES, createCinValidator } from './cin-census.validate';
import type { ReturnIssue } from './return-issue';

// ---------------------------------------------------------------------------------------------
// Hand-written returns: a child as nested objects, turned into census XML. Keys are element names
// (in the order written), arrays repeat an element, undefined leaves it out.

// The census tree is loosely typed on purpose: the tests mutate any part of it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Spec = any;

function toXml(name: string, value: Spec): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => toXml(name, v)).join('');
  if (typeof value === 'object' && value !== null) return `<${name}>${Object.entries(value).map(([k, v]) => toXml(k, v)).join('')}</${name}>`;
  return `<${name}>${String(value)}</${name}>`;
}

const upn = (body12: string): string => upnCheckLetter(body12) + body12;
const UPN_OK = upn('201123456789');

/** A child that breaks no rule of collection year `y` (census 1 April y to 31 March y+1). */
function cleanChild(y: number, id = 'C1'): Spec {
  const d = (mmdd: string): string => `${y}-${mmdd}`;
  return {
    ChildIdentifiers: {
      LAchildID: id,
      UPN: UPN_OK,
      PersonBirthDate: '2015-05-01',
      ...(y >= 2024 ? { Sex: 'M' } : { GenderCurrent: '1' }),
    },
    ChildCharacteristics: { Ethnicity: 'WBRI', Disabilities: { Disability: ['NONE'] } },
    CINdetails: [
      {
        CINreferralDate: d('06-01'),
        ReferralSource: '1A',
        PrimaryNeedCode: 'N1',
        Assessments: [{ AssessmentActualStartDate: d('06-02'), AssessmentAuthorisationDate: d('07-10'), FactorsIdentifiedAtAssessment: { AssessmentFactors: ['3A', '4B'] } }],
        CINPlanDates: [{ CINPlanStartDate: d('07-10') }],
        Section47: [{ S47ActualStartDate: d('06-05'), InitialCPCtarget: d('06-20'), DateOfInitialCPC: d('06-20'), ICPCnotRequired: 'false' }],
        ReferralNFA: 'false',
        ChildProtectionPlans: [
          { CPPstartDate: d('06-20'), CPPendDate: d('07-10'), InitialCategoryOfAbuse: 'NEG', LatestCategoryOfAbuse: 'NEG', NumberOfPreviousCPP: '0', Reviews: { CPPreviewDate: [d('07-03')] } },
        ],
      },
    ],
  };
}

function returnXml(y: number, children: Spec[], header: { Year?: number; ReferenceDate?: string } = {}): string {
  const collection = { Collection: 'CIN', Year: header.Year ?? y + 1, ReferenceDate: header.ReferenceDate ?? `${y + 1}-03-31` };
  return toXml('Message', { Header: { CollectionDetails: collection, Source: { SourceLevel: 'L', LEA: '201' } }, Children: { Child: children } });
}

async function* once(text: string): AsyncGenerator<string> {
  yield text;
}

/** Validates a return: the findings for each child as it streams past, then those at the end. */
async function validate(input: string | ReturnType<typeof createReadStream>): Promise<{ children: ReturnIssue[]; finish: ReturnIssue[]; all: ReturnIssue[] }> {
  let validator: ReturnType<typeof createCinValidator> | undefined;
  const children: ReturnIssue[] = [];
  await readCinCensus(typeof input === 'string' ? once(input) : input, (r) => {
    validator ??= createCinValidator(r.header);
    children.push(...validator.child(r));
  });
  const finish = validator!.finish();
  return { children, finish, all: [...children, ...finish] };
}

const codesOf = (issues: ReturnIssue[]): string[] => [...new Set(issues.map((i) => i.rule))].sort();

async function childCodes(y: number, mutate: (s: Spec, y: number) => void): Promise<string[]> {
  const s = cleanChild(y);
  mutate(s, y);
  return codesOf((await validate(returnXml(y, [s]))).children);
}

// ---------------------------------------------------------------------------------------------

describe('the rules as data', () => {
  it('holds every rule of the reference list, each with the years it applies in', () => {
    const reference = readFileSync(new URL('../../../../shared/reference/cin-census-rules.txt', import.meta.url), 'utf8').trim().split('\n');
    expect(CIN_RULES).toHaveLength(reference.length);
    for (const line of reference) {
      const [, year, code, module, message] = /^cin(\d{4})_\d\d (\S+) (\S+) \| (.*)$/.exec(line)!;
      const rule = CIN_RULES.find((r) => r.code === code && r.years[0] === Number(year));
      expect(rule, line).toMatchObject({ module, message: message!.trim() });
    }
  });

  it('replaces a re-issued rule from the year of its re-issue', () => {
    const years = (code: string): number[][] => CIN_RULES.filter((r) => r.code === code).map((r) => [...r.years]);
    expect(years('4180')).toEqual([[2022, 2023], [2024, 2025]]);
    expect(years('1570')).toEqual([[2024, 2025]]);
    expect(years('8510')).toEqual([[2022, 2023, 2024, 2025]]);
  });

  it('judges a year before the first known by the first, and one after the last by the last', () => {
    expect(rulesFor(2021).get('4180')?.message).toBe('Gender is missing');
    expect(rulesFor(2021).has('1570')).toBe(false);
    expect(rulesFor(2026).get('4180')?.message).toBe('Sex must be provided and equal M, F, or U');
    expect(rulesFor(2026).size).toBe(rulesFor(2024).size);
  });
});

describe('a clean child', () => {
  it.each([2022, 2023, 2024])('breaks no rule in %i', async (y) => {
    expect(await childCodes(y, () => undefined)).toEqual([]);
  });
});

// Each row: the rule, the collection year, a change to the clean child that breaks it, and optionally a
// nearby change that must not.
const ep = (s: Spec): Spec => s.CINdetails[0];
const ass = (s: Spec): Spec => ep(s).Assessments[0];
const s47 = (s: Spec): Spec => ep(s).Section47[0];
const cpp = (s: Spec): Spec => ep(s).ChildProtectionPlans[0];
const plan = (s: Spec): Spec => ep(s).CINPlanDates[0];
const ids = (s: Spec): Spec => s.ChildIdentifiers;
/** An episode with nothing but a referral that led to no further action. */
const nfaEpisode = (referral: string): Spec => ({ CINreferralDate: referral, ReferralSource: '1A', ReferralNFA: 'true' });
type Change = (s: Spec, y: number) => void;

const CHILD_RULES: [string, number, Change, Change?][] = [
  ['1103', 2023, (s, y) => (ass(s).AssessmentActualStartDate = `${y}-05-31`), (s, y) => (ass(s).AssessmentActualStartDate = `${y}-06-01`)],
  ['1104', 2023, (s, y) => { s47(s).DateOfInitialCPC = `${y}-05-31`; s47(s).S47ActualStartDate = `${y}-05-30`; }],
  ['1105', 2023, (s, y) => (cpp(s).CPPstartDate = `${y}-05-31`)],
  ['1510', 2023, (s) => (ids(s).UPN = 'A' + UPN_OK.slice(1) === UPN_OK ? 'B' + UPN_OK.slice(1) : 'A' + UPN_OK.slice(1))],
  ['1530', 2023, (s) => (ids(s).UPN = upn('999123456789')), (s) => (ids(s).UPN = upn('942123456789'))],
  ['1530', 2022, (s) => (ids(s).UPN = upn('942123456789'))],
  ['1540', 2023, (s) => (ids(s).UPN = 'A2011234X6789')],
  ['1550', 2023, (s) => (ids(s).UPN = 'A20112345678I')],
  ['1560Q', 2023, (s) => (ids(s).FormerUPN = 'X9876543212'), (s) => (ids(s).FormerUPN = 'X98765432123B')],
  ['1570', 2024, (s) => (ids(s).LAchildID = 'C'.repeat(21)), (s) => (ids(s).LAchildID = 'C'.repeat(20))],
  ['1580', 2024, (s) => (ids(s).LAchildID = 'C-1')],
  ['2884', 2023, (s, y) => (ep(s).DateOfInitialCPC = `${y}-06-20`)],
  ['2885', 2023, (s, y) => (cpp(s).CPPstartDate = `${y}-06-21`)],
  ['2889', 2023, (s, y) => (s47(s).S47ActualStartDate = `${y}-05-31`)],
  ['2990', 2023, (s, y) => { ep(s).CINclosureDate = `${y}-08-01`; ep(s).ReasonForClosure = 'RC8'; }],
  ['2991Q', 2023, (s) => delete ep(s).Assessments],
  ['4000', 2023, (s) => { ep(s).ReferralNFA = 'true'; }],
  ['4001', 2023, (s) => delete cpp(s).CPPendDate],
  ['4003', 2023, (s, y) => { plan(s).CINPlanStartDate = `${y}-07-01`; cpp(s).CPPendDate = `${y}-07-01`; }],
  ['4004', 2023, (s, y) => ep(s).CINPlanDates.push({ CINPlanStartDate: `${y}-07-11` })],
  ['4008', 2023, (s, y) => (ids(s).PersonDeathDate = `${y}-07-09`)],
  ['4009Q', 2023, (s, y) => { plan(s).CINPlanEndDate = `${y}-07-20`; ids(s).PersonDeathDate = `${y}-07-15`; }],
  ['4010', 2023, (s, y) => (plan(s).CINPlanStartDate = `${y + 1}-04-01`)],
  ['4011', 2023, (s, y) => (plan(s).CINPlanEndDate = `${y}-07-09`)],
  ['4012Q', 2023, (s, y) => (plan(s).CINPlanEndDate = `${y}-07-10`), (s, y) => (plan(s).CINPlanEndDate = `${y}-07-11`)],
  ['4013', 2023, (s, y) => (plan(s).CINPlanEndDate = `${y + 1}-04-01`), (s, y) => (plan(s).CINPlanEndDate = `${y + 1}-03-31`)],
  ['4014', 2023, (s, y) => ep(s).CINPlanDates.unshift({ CINPlanStartDate: `${y}-07-10`, CINPlanEndDate: `${y}-07-20` })],
  ['4015', 2023, (s, y) => (plan(s).CINPlanStartDate = `${y}-05-31`)],
  ['4016', 2023, (s, y) => (plan(s).CINPlanStartDate = `${y}-07-09`)],
  ['4017', 2023, (s, y) => { plan(s).CINPlanStartDate = `${y}-06-19`; plan(s).CINPlanEndDate = `${y}-06-21`; }],
  ['4180', 2023, (s) => delete ids(s).GenderCurrent, (s) => (ids(s).GenderCurrent = '9')],
  ['4180', 2024, (s) => (ids(s).Sex = '1'), (s) => (ids(s).Sex = 'U')],
  ['4220', 2023, (s) => (s.ChildCharacteristics.Ethnicity = 'XXXX')],
  ['8500', 2023, (s) => delete ids(s).LAchildID],
  ['8520', 2023, (s, y) => (ids(s).PersonBirthDate = `${y + 1}-04-01`), (s, y) => (ids(s).PersonBirthDate = `${y + 1}-03-31`)],
  ['8525Q', 2023, (s, y) => (ids(s).ExpectedPersonBirthDate = `${y + 1}-05-01`)],
  ['8530Q', 2023, (s, y) => { delete ids(s).PersonBirthDate; ids(s).GenderCurrent = '0'; ids(s).ExpectedPersonBirthDate = `${y + 2}-01-01`; s.CINdetails = [nfaEpisode(`${y + 1}-03-01`)]; },
    (s, y) => { delete ids(s).PersonBirthDate; ids(s).GenderCurrent = '0'; ids(s).ExpectedPersonBirthDate = `${y + 1}-12-31`; s.CINdetails = [nfaEpisode(`${y + 1}-03-01`)]; }],
  ['8535Q', 2023, (s) => (ids(s).PersonDeathDate = '2015-04-30')],
  ['8540', 2023, (s) => delete s.ChildCharacteristics.Disabilities, (s) => (ep(s).ReferralNFA = 'true')],
  ['8545Q', 2023, (s, y) => (ids(s).PersonDeathDate = `${y + 1}-04-01`), (s, y) => (ids(s).PersonDeathDate = `${y + 1}-03-31`)],
  ['8555Q', 2023, (s, y) => (ids(s).PersonDeathDate = `${y}-05-31`)],
  ['8565', 2023, (s, y) => { ep(s).CINclosureDate = `${y}-07-09`; ep(s).ReasonForClosure = 'RC7'; }],
  ['8568', 2023, (s) => delete ep(s).ReferralNFA],
  ['8569Q', 2023, (s, y) => { s.CINdetails.unshift(nfaEpisode(`${y}-03-30`)); }, (s, y) => { s.CINdetails.unshift(nfaEpisode(`${y}-03-31`)); }],
  ['8585Q', 2023, (s, y) => { ep(s).CINclosureDate = `${y}-08-01`; ep(s).ReasonForClosure = 'RC2'; }],
  ['8590', 2023, (s) => delete s.CINdetails],
  ['8600', 2023, (s) => delete ep(s).CINreferralDate],
  // 280 days before 7 March 2024 is 1 June 2023, the referral.
  ['8606', 2023, (s) => { ids(s).PersonBirthDate = '2024-03-08'; }, (s) => { ids(s).PersonBirthDate = '2024-03-07'; }],
  ['8608', 2023, (s, y) => (ass(s).AssessmentAuthorisationDate = `${y}-06-01`), (s, y) => (ass(s).AssessmentAuthorisationDate = `${y}-06-02`)],
  ['8610', 2023, (s) => delete ep(s).PrimaryNeedCode],
  ['8614', 2023, (s) => delete ass(s).AssessmentAuthorisationDate],
  ['8615', 2023, (s) => delete s47(s).S47ActualStartDate, (s, y) => (s47(s).S47ActualStartDate = `${y}-06-20`)],
  ['8620', 2023, (s, y) => { ep(s).CINclosureDate = `${y + 1}-04-01`; ep(s).ReasonForClosure = 'RC7'; }],
  ['8630', 2023, (s, y) => { ep(s).CINclosureDate = `${y}-05-01`; ep(s).ReasonForClosure = 'RC7'; }, (s, y) => { ep(s).CINclosureDate = `${y}-06-01`; ep(s).ReasonForClosure = 'RC7'; }],
  ['8640', 2023, (s, y) => { ep(s).CINclosureDate = `${y}-08-01`; ep(s).ReasonForClosure = 'RC10'; }, (s, y) => { ep(s).CINclosureDate = `${y}-08-01`; ep(s).ReasonForClosure = 'RC7'; }],
  ['8650', 2023, (s) => (ep(s).PrimaryNeedCode = 'N10')],
  // 31 March 2024 is a Sunday and 29 March Good Friday: 45 working days before it is Thursday 25 January.
  ['8670Q', 2023, (s, y) => { ass(s).AssessmentActualStartDate = `${y + 1}-01-24`; delete ass(s).AssessmentAuthorisationDate; delete ass(s).FactorsIdentifiedAtAssessment; },
    (s, y) => { ass(s).AssessmentActualStartDate = `${y + 1}-01-25`; delete ass(s).AssessmentAuthorisationDate; delete ass(s).FactorsIdentifiedAtAssessment; }],
  // ... and 15 working days before it is Thursday 7 March.
  ['8675Q', 2023, (s, y) => { s47(s).S47ActualStartDate = `${y + 1}-03-06`; delete s47(s).DateOfInitialCPC; delete s47(s).InitialCPCtarget; },
    (s, y) => { s47(s).S47ActualStartDate = `${y + 1}-03-07`; delete s47(s).DateOfInitialCPC; delete s47(s).InitialCPCtarget; }],
  ['8696', 2023, (s, y) => (ass(s).AssessmentAuthorisationDate = `${y + 1}-04-01`)],
  ['8715', 2023, (s, y) => { s47(s).DateOfInitialCPC = `${y + 1}-04-01`; }],
  ['8720', 2023, (s) => delete cpp(s).CPPstartDate],
  ['8730', 2023, (s) => delete cpp(s).NumberOfPreviousCPP],
  ['8736', 2023, (s, y) => { s.CINdetails[0].CINreferralDate = `${y}-01-01`; ass(s).AssessmentActualStartDate = `${y}-03-31`; delete ass(s).AssessmentAuthorisationDate; delete ass(s).FactorsIdentifiedAtAssessment; }],
  ['8740', 2023, (s, y) => { ep(s).CINreferralDate = `${y}-01-01`; s47(s).S47ActualStartDate = `${y}-03-31`; delete s47(s).DateOfInitialCPC; }],
  ['8750', 2023, (s, y) => { delete ids(s).PersonBirthDate; ids(s).ExpectedPersonBirthDate = `${y + 1}-05-01`; s.CINdetails = [nfaEpisode(`${y + 1}-03-01`)]; }],
  ['8750', 2024, (s, y) => { delete ids(s).PersonBirthDate; ids(s).ExpectedPersonBirthDate = `${y + 1}-05-01`; s.CINdetails = [nfaEpisode(`${y + 1}-03-01`)]; },
    (s, y) => { delete ids(s).PersonBirthDate; ids(s).Sex = 'U'; ids(s).ExpectedPersonBirthDate = `${y + 1}-05-01`; s.CINdetails = [nfaEpisode(`${y + 1}-03-01`)]; }],
  ['8770Q', 2023, (s) => delete ids(s).UPN, (s) => { delete ids(s).UPN; ids(s).UPNunknown = 'UN3'; }],
  ['8770Q', 2024, (s) => { delete ids(s).UPN; ids(s).UPNunknown = 'UN1'; }, (s) => { delete ids(s).UPN; ids(s).UPNunknown = 'UN1'; ids(s).PersonBirthDate = '2019-09-01'; }],
  ['8772', 2023, (s) => { delete ids(s).UPN; ids(s).UPNunknown = 'UN7'; }],
  ['8775Q', 2023, (s) => (ids(s).PersonBirthDate = '1990-01-01')],
  ['8790', 2023, (s) => (s.ChildCharacteristics.Disabilities.Disability = ['NONE', 'MOB'])],
  ['8794', 2023, (s) => (s.ChildCharacteristics.Disabilities.Disability = ['MOB', 'MOB'])],
  ['8805', 2023, (s, y) => (ep(s).CINclosureDate = `${y}-08-01`)],
  ['8810', 2023, (s) => (ep(s).ReasonForClosure = 'RC7')],
  ['8815', 2023, (s) => s.CINdetails.push({ ...cleanChild(2023).CINdetails[0], CINreferralDate: '2023-08-01' })],
  ['8816', 2023, (s, y) => s.CINdetails.push({ CINreferralDate: `${y}-09-01`, ReferralSource: '1A', CINclosureDate: `${y}-09-05`, ReasonForClosure: 'RC7', ReferralNFA: 'false', PrimaryNeedCode: 'N1' })],
  ['8820', 2023, (s, y) => s.CINdetails.unshift({ CINreferralDate: `${y}-05-01`, ReferralSource: '1A', PrimaryNeedCode: 'N1', CINclosureDate: `${y}-06-02`, ReasonForClosure: 'RC7', ReferralNFA: 'false' }),
    (s, y) => s.CINdetails.unshift({ CINreferralDate: `${y}-05-01`, ReferralSource: '1A', PrimaryNeedCode: 'N1', CINclosureDate: `${y}-06-01`, ReasonForClosure: 'RC7', ReferralNFA: 'false' })],
  ['8825Q', 2023, (s, y) => { delete ep(s).Assessments; delete ep(s).Section47; delete ep(s).ChildProtectionPlans; delete ep(s).CINPlanDates; ep(s).CINclosureDate = `${y}-08-01`; ep(s).ReasonForClosure = 'RC9'; }],
  ['8831', 2023, (s) => { ep(s).ReferralNFA = 'true'; delete ep(s).CINPlanDates; delete ep(s).ChildProtectionPlans; }],
  ['8832', 2023, (s) => { ep(s).ReferralNFA = 'true'; }],
  ['8839', 2023, (s, y) => { delete s47(s).DateOfInitialCPC; ep(s).Section47.push({ S47ActualStartDate: `${y}-06-06`, ICPCnotRequired: 'false' }); }],
  ['8840', 2023, (s, y) => { cpp(s).CPPendDate = `${y}-06-20`; cpp(s).Reviews = undefined; }],
  ['8841', 2023, (s, y) => (cpp(s).Reviews.CPPreviewDate = [`${y}-06-20`]), (s, y) => (cpp(s).Reviews.CPPreviewDate = [`${y}-06-21`])],
  ['8863Q', 2023, (s, y) => ep(s).Assessments.push({ AssessmentActualStartDate: `${y}-07-10`, AssessmentAuthorisationDate: `${y}-07-12`, FactorsIdentifiedAtAssessment: { AssessmentFactors: ['3A'] } }),
    (s, y) => ep(s).Assessments.push({ AssessmentActualStartDate: `${y}-07-11`, AssessmentAuthorisationDate: `${y}-07-12`, FactorsIdentifiedAtAssessment: { AssessmentFactors: ['3A'] } })],
  ['8866', 2023, (s) => (ep(s).ReferralSource = '11'), (s) => (ep(s).ReferralSource = '5D')],
  ['8866', 2021, (s) => (ep(s).ReferralSource = '5D')],
  ['8867', 2023, (s, y) => { ep(s).CINclosureDate = `${y}-08-01`; ep(s).ReasonForClosure = 'RC7'; delete ass(s).AssessmentAuthorisationDate; delete ass(s).FactorsIdentifiedAtAssessment; }],
  ['8868', 2023, (s, y) => { ep(s).CINclosureDate = `${y}-08-01`; ep(s).ReasonForClosure = 'RC7'; s47(s).ICPCnotRequired = 'true'; }],
  ['8869', 2023, (s) => (ass(s).FactorsIdentifiedAtAssessment.AssessmentFactors = ['21', '3A'])],
  ['8870Q', 2023, (s, y) => (s47(s).InitialCPCtarget = `${y}-06-24`)],
  ['8873Q', 2023, (s) => (ass(s).FactorsIdentifiedAtAssessment.AssessmentFactors = ['21'])],
  ['8875', 2023, (s, y) => { s47(s).DateOfInitialCPC = `${y}-06-24`; cpp(s).CPPstartDate = `${y}-06-24`; }],
  ['8890', 2023, (s, y) => ep(s).Section47.push({ S47ActualStartDate: `${y}-06-20`, InitialCPCtarget: `${y}-06-26`, DateOfInitialCPC: `${y}-06-26`, ICPCnotRequired: 'false' }),
    (s, y) => ep(s).Section47.push({ S47ActualStartDate: `${y}-06-21`, InitialCPCtarget: `${y}-06-26`, DateOfInitialCPC: `${y}-06-26`, ICPCnotRequired: 'false' })],
  ['8896', 2023, (s, y) => { delete ass(s).AssessmentAuthorisationDate; delete ass(s).FactorsIdentifiedAtAssessment; ep(s).Assessments.push({ AssessmentActualStartDate: `${y}-06-03` }); }],
  ['8897Q', 2023, (s) => delete ass(s).FactorsIdentifiedAtAssessment, (s) => (ass(s).FactorsIdentifiedAtAssessment.AssessmentFactors = ['18A'])],
  ['8898', 2023, (s) => (ass(s).FactorsIdentifiedAtAssessment.AssessmentFactors = ['3A', '3A'])],
  ['8905', 2023, (s) => (cpp(s).InitialCategoryOfAbuse = 'XXX')],
  ['8910', 2023, (s) => delete cpp(s).LatestCategoryOfAbuse],
  ['8915', 2023, (s, y) => { ids(s).PersonDeathDate = `${y}-06-19`; }],
  ['8920', 2023, (s, y) => { ids(s).PersonDeathDate = `${y}-07-09`; }],
  ['8925', 2023, (s, y) => { cpp(s).CPPendDate = `${y}-06-19`; cpp(s).Reviews = undefined; }],
  ['8930', 2023, (s, y) => { cpp(s).CPPendDate = `${y + 1}-04-01`; plan(s).CINPlanStartDate = `${y + 1}-04-01`; }],
  ['8935', 2023, (s, y) => { delete cpp(s).CPPendDate; delete ep(s).CINPlanDates; ep(s).ChildProtectionPlans.push({ ...cpp(s), CPPstartDate: `${y}-06-20` }); }],
  ['8940', 2023, (s, y) => { ep(s).ChildProtectionPlans.push({ ...cpp(s), CPPstartDate: `${y}-07-10` }); }, (s, y) => { ep(s).ChildProtectionPlans.push({ ...cpp(s), CPPstartDate: `${y}-07-11`, CPPendDate: `${y}-07-12`, Reviews: undefined }); }],
  ['8945Q', 2024, (s) => (ass(s).FactorsIdentifiedAtAssessment.AssessmentFactors = ['18A'])],
  ['8950Q', 2024, (s) => (ass(s).FactorsIdentifiedAtAssessment.AssessmentFactors = ['19A']), (s) => (ass(s).FactorsIdentifiedAtAssessment.AssessmentFactors = ['19B'])],
];

describe('rules for one child', () => {
  it.each(CHILD_RULES.map(([code, y, fail, pass]) => ({ code, y, fail, pass })))('$code ($y)', async ({ code, y, fail, pass }) => {
    expect(await childCodes(y, fail)).toContain(code);
    if (pass) expect(await childCodes(y, pass)).not.toContain(code);
  });

  it('covers every per-child rule of the reference list', () => {
    const wholeReturn = ['100', '1520', '2883', '2886Q', '2887Q', '2888Q', '8510', '8842Q'];
    const tested = new Set(CHILD_RULES.map(([code]) => code));
    expect(CIN_RULES.map((r) => r.code).filter((code) => !wholeReturn.includes(code) && !tested.has(code))).toEqual([]);
  });
});

describe('rules that change with the collection year', () => {
  it.each([
    // Sex M/F/U replaces GenderCurrent 1/2/0/9 from 2024-25.
    ['4180', 2023, (s: Spec) => { delete ids(s).GenderCurrent; ids(s).Sex = 'M'; }, true],
    ['4180', 2024, (s: Spec) => { delete ids(s).GenderCurrent; ids(s).Sex = 'M'; }, false],
    ['4180', 2024, (s: Spec) => { delete ids(s).Sex; ids(s).GenderCurrent = '1'; }, true],
    // The LA child id limits arrive in 2024-25.
    ['1570', 2023, (s: Spec) => (ids(s).LAchildID = 'C'.repeat(21)), false],
    ['1580', 2023, (s: Spec) => (ids(s).LAchildID = 'C-1'), false],
    // 18A and 19A are queried from 2024-25 only.
    ['8945Q', 2023, (s: Spec) => (ass(s).FactorsIdentifiedAtAssessment.AssessmentFactors = ['18A']), false],
    ['8950Q', 2023, (s: Spec) => (ass(s).FactorsIdentifiedAtAssessment.AssessmentFactors = ['19A']), false],
    // RC9 and 5D (early help) are codes from 2022-23.
    ['8640', 2021, (s: Spec, y: number) => { ep(s).CINclosureDate = `${y}-08-01`; ep(s).ReasonForClosure = 'RC9'; delete ep(s).CINPlanDates; }, true],
    ['8640', 2022, (s: Spec, y: number) => { ep(s).CINclosureDate = `${y}-08-01`; ep(s).ReasonForClosure = 'RC9'; delete ep(s).CINPlanDates; }, false],
    // 8770Q before 2024-25 counts UN1 out too, but only for children more than 6 years old at the ReferenceDate.
    ['8770Q', 2023, (s: Spec) => { delete ids(s).UPN; ids(s).PersonBirthDate = '2018-06-01'; }, false],
    ['8770Q', 2024, (s: Spec) => { delete ids(s).UPN; ids(s).PersonBirthDate = '2018-06-01'; }, true],
  ] as const)('%s in %i', async (code, y, change, fires) => {
    const codes = await childCodes(y, change as Change);
    if (fires) expect(codes).toContain(code);
    else expect(codes).not.toContain(code);
  });

  it('names the message of the year', async () => {
    const change: Change = (s) => { delete ids(s).GenderCurrent; delete ids(s).Sex; };
    const messages = async (y: number): Promise<string[]> => {
      const s = cleanChild(y);
      change(s, y);
      return (await validate(returnXml(y, [s]))).children.filter((i) => i.rule === '4180').map((i) => i.message);
    };
    expect(await messages(2023)).toEqual(['Gender is missing']);
    expect(await messages(2024)).toEqual(['Sex must be provided and equal M, F, or U']);
  });
});

describe('findings', () => {
  it('name the child, the line its record starts on and the element, with the severity of the code', async () => {
    const bad = cleanChild(2023, 'C2');
    ass(bad).AssessmentAuthorisationDate = '2023-06-01';
    ep(bad).CINPlanDates.push({ CINPlanStartDate: '2024-04-01' });
    const xml = returnXml(2023, [cleanChild(2023), bad]).replace(/<Child>/g, '\n<Child>');
    const { children } = await validate(xml);
    expect(children).toContainEqual({
      rule: '8608', severity: 'error', child: 'C2', location: 'Line 3, CINdetails/Assessments/AssessmentAuthorisationDate',
      message: 'Assessment Start Date cannot be later than its End Date',
    });
    expect(children).toContainEqual(expect.objectContaining({ rule: '4010', location: 'Line 3, CINdetails/CINPlanDates[2]/CINPlanStartDate' }));
    expect(children.find((i) => i.rule === '4012Q')).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------

describe('rules that need the whole return', () => {
  const run = async (y: number, children: Spec[], header?: { Year?: number; ReferenceDate?: string }): Promise<ReturnIssue[]> => (await validate(returnXml(y, children, header))).finish;

  it('8510 and 1520: every child that shares an LA child id or a UPN', async () => {
    const [a, b, c] = [cleanChild(2023, 'A'), cleanChild(2023, 'A'), cleanChild(2023, 'B')];
    ids(c).UPN = upn('201000000001');
    const found = await run(2023, [a, b, c]);
    expect(found.filter((i) => i.rule === '8510').map((i) => i.child)).toEqual(['A', 'A']);
    expect(found.filter((i) => i.rule === '1520').map((i) => i.child)).toEqual(['A', 'A']);
    const unique = await run(2023, [cleanChild(2023, 'A'), c]);
    expect(codesOf(unique)).not.toContain('8510');
    expect(codesOf(unique)).not.toContain('1520');
  });

  it('2883: more plans starting in the year than initial conferences', async () => {
    const extra = cleanChild(2023);
    ep(extra).ChildProtectionPlans.push({ ...cpp(extra), CPPstartDate: '2023-07-11', CPPendDate: undefined, Reviews: undefined });
    expect(codesOf(await run(2023, [extra]))).toContain('2883');
    expect(codesOf(await run(2023, [cleanChild(2023)]))).not.toContain('2883');
  });

  it('2886Q: more than 2% of born children with no gender, or from 2024-25 no sex', async () => {
    const many = (y: number, unrecorded: number): Spec[] =>
      Array.from({ length: 50 }, (_, i) => {
        const s = cleanChild(y, `C${i}`);
        if (i < unrecorded) {
          delete ids(s).GenderCurrent;
          delete ids(s).Sex;
        }
        return s;
      });
    expect(codesOf(await run(2023, many(2023, 1)))).not.toContain('2886Q'); // 2%
    expect(codesOf(await run(2023, many(2023, 2)))).toContain('2886Q'); // 4%
    const found = await run(2024, many(2024, 2));
    expect(found.find((i) => i.rule === '2886Q')?.message).toMatch(/no sex recorded/);
  });

  it('2887Q and 2888Q: the disability codes used across the return', async () => {
    const withDisabilities = (codes: string[][]): Spec[] => codes.map((ds, i) => {
      const s = cleanChild(2023, `C${i}`);
      ids(s).UPN = upn(`2010000000${String(i).padStart(2, '0')}`);
      s.ChildCharacteristics.Disabilities.Disability = ds;
      return s;
    });
    const eight = ['MOB', 'HAND', 'PC', 'INC', 'COMM', 'LD', 'HEAR', 'VIS'];
    expect(codesOf(await run(2023, withDisabilities(eight.map((d) => [d]))))).toEqual(['2888Q']);
    expect(codesOf(await run(2023, withDisabilities([eight.slice(0, 2), eight.slice(2)])))).toEqual([]);
    expect(codesOf(await run(2023, withDisabilities([eight.slice(0, 7)])))).toEqual(['2887Q']);
  });

  it('100: the ReferenceDate is 31 March of the census year, reported once', async () => {
    const found = await validate(returnXml(2023, [cleanChild(2023), cleanChild(2023, 'C2')], { Year: 2024, ReferenceDate: '2024-03-30' }));
    expect(found.all.filter((i) => i.rule === '100')).toEqual([
      { rule: '100', severity: 'error', child: null, location: 'Header/CollectionDetails/ReferenceDate', message: 'Reference Date is incorrect' },
    ]);
    expect(codesOf((await validate(returnXml(2023, [cleanChild(2023)]))).all)).not.toContain('100');
  });
});

// ---------------------------------------------------------------------------------------------
// The public validator's sample output (`Documentation/sample_output`) is for its fake file
// CIN_Census_2021.xml: the same child DfEX0000001 with a date of birth of 1965-03-27, a death on
// 1980-10-08, an assessment starting 1970-06-03 before the referral of 1970-10-06, and a plan starting
// 1970-02-17. The sample ran only the eight rules of its rule_defs.json, with an older version of them.

describe('the public validator sample output', () => {
  const fixture = (name: string): ReturnType<typeof createReadStream> => createReadStream(new URL(`./fixtures/${name}`, import.meta.url));
  const sample = (name: string): string => readFileSync(new URL(`./fixtures/data-to-insight__csc-validator-be-cin__Documentation__sample_output__${name}`, import.meta.url), 'utf8');

  it('finds the same (rule, child) pairs on CIN_Census_2021.xml, except where that old output is wrong', async () => {
    // The JSON holds pandas' NaN, which JSON.parse refuses.
    const report = JSON.parse(sample('issue_report.json').replace(/\bNaN\b/g, 'null')) as { rule_code: string | number; ERROR_ID: string[] | null }[];
    const sampled = new Set((JSON.parse(sample('rule_defs.json')) as { 'Rule code': string | number }[]).map((r) => String(r['Rule code']).replace(/Q$/, '')));
    const pair = (rule: string, child: string | null): string => `${rule.replace(/Q$/, '')} ${child ?? '-'}`;
    // Rows without an ERROR_ID are about the one child of the file (or the header, for 100).
    const theirs = new Set(report.map((r) => pair(String(r.rule_code), String(r.rule_code) === '100' ? null : (r.ERROR_ID?.[0] ?? 'DfEX0000001'))));
    const ours = new Set((await validate(fixture('data-to-insight__csc-validator-be-cin__fake_data__CIN_Census_2021.xml'))).all
      .filter((i) => sampled.has(i.rule.replace(/Q$/, '')))
      .map((i) => pair(i.rule, i.child)));

    // Where the sample is wrong, by the rule texts (and by the validator's own later code):
    // - 100: the header's Year 2023 and ReferenceDate 2023-03-31 agree.
    // - 4180: GenderCurrent is 1, present and valid.
    // - 8535Q: the death (1980) is after the birth (1965); the sample's version compared them the wrong way round.
    const knownWrong = ['100 -', '4180 DfEX0000001', '8535 DfEX0000001'];
    expect([...ours].sort()).toEqual([...theirs].filter((p) => !knownWrong.includes(p)).sort());
    expect([...ours].sort()).toEqual(['1103 DfEX0000001', '1105 DfEX0000001', '1510 DfEX0000001', '1530 DfEX0000001', '8525 DfEX0000001']);
  });

  it('reads every shared fixture, streaming, with bounded findings', async () => {
    const { all } = await validate(fixture('data-to-insight__csc-validator-be-cin__fake_data__fake_CIN_data.xml'));
    // A random file of 332 children from 2022: its ReferenceDate 2022-07-21 is not a 31 March.
    expect(all.filter((i) => i.rule === '100')).toHaveLength(1);
    expect(new Set(all.map((i) => i.child)).size).toBeGreaterThan(300);
    for (const i of all) expect(CIN_RULES.some((r) => r.code === i.rule && r.message === i.message)).toBe(true);
  });
});
