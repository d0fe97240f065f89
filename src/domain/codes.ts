/**
 * The statutory code lists of the CIN census and the SSDA903 return, as data keyed by collection year,
 * so that a code is judged against the year of the return it is in, not against today's list.
 *
 * A collection year is named by the year it starts: 2024 is 2024-25, 1 April 2024 to 31 March 2025
 * (CIN census reference date 31 March 2025; 903 year ending 31 March 2025).
 * Year spans are inclusive; a missing `from` means "since before the years our sources cover",
 * a missing `to` means "still valid".
 *
 * Codes are compared exactly, as published (upper case). Importers that want to forgive case or
 * spaces call `normaliseCode` deliberately, so that a correction is a visible decision.
 */

export type Return = 'cin' | '903';

export interface YearSpan {
  readonly from?: number;
  readonly to?: number;
}

export interface CodeQuery {
  readonly rule: string;
  readonly message: string;
}

export interface Code extends YearSpan {
  readonly code: string;
  readonly label: string;
  /** Valid, but in these years a DfE query asks the LA to amend or explain it. */
  readonly query?: CodeQuery & YearSpan;
  /** The label is a placeholder: no source we hold states what the code means. */
  readonly meaningUnverified?: true;
}

export interface RuleRef {
  readonly rule: string;
  readonly return: Return;
}

export interface CodeList extends YearSpan {
  readonly id: CodeListId;
  /** The item's name as the return publishes it; messages use it. */
  readonly name: string;
  readonly returns: readonly Return[];
  /** DfE rules that reject a value not on the list (empty where the references name none). */
  readonly rules: readonly RuleRef[];
  readonly codes: readonly Code[];
}

export type CodeListId =
  | 'ethnicity'
  | 'genderCurrent'
  | 'sex'
  | 'sex903'
  | 'disability'
  | 'upnUnknown'
  | 'upnUnknown903'
  | 'referralSource'
  | 'primaryNeed'
  | 'primaryNeed903'
  | 'reasonForClosure'
  | 'categoryOfAbuse'
  | 'assessmentFactor'
  | 'legalStatus'
  | 'reasonNewEpisode'
  | 'placementType'
  | 'placementProvider'
  | 'reasonEpisodeCeased'
  | 'reasonPlaceChange'
  | 'missingType'
  | 'reviewCode'
  | 'sdqReason'
  | 'inTouch'
  | 'activity'
  | 'accommodation'
  | 'reasonPlacedCeased'
  | 'lsAdopter'
  | 'sexAdopter'
  | 'prevPerm'
  | 'swReason';

export type CodeCheck =
  | { readonly ok: true; readonly query?: undefined }
  | { readonly ok: true; readonly query: CodeQuery }
  | { readonly ok: false; readonly rule?: string; readonly message: string };

// --- Year changes -----------------------------------------------------------------------------

/**
 * Referral source 5D and closure reason RC9 (early help). The liia-tools XSDs show them added
 * between the 2022 schema (reference date 31 March 2022, so 2021-22) and the 2024 one (2023-24).
 * We take 2022-23, not 2023-24: the validator's 2022-23 rules already name RC9 (2990, 8825Q,
 * 8873Q in the CIN rules list) and its 2022-23 checks 8866/8640 accept 5D and RC9.
 * If the DfE 2022-23 specification says otherwise, change this one number.
 */
const EARLY_HELP_FROM = 2022;
/** CIN Sex (N00783, M/F/U) replaces GenderCurrent (N00007); the 903 SEX moves from 1/2 to M/F/U the same year. */
const SEX_FROM = 2024;
/** The 2024-25 validator queries 18A and 19A (8945Q/8950Q) instead of refusing them. */
const FACTOR_QUERIES_FROM = 2024;
/** 903 placement types: H5, P2, Z1 dropped and K3, Z11–Z14 added (validator lac2025_26 rule 146). */
const PLACEMENTS_REVISED_FROM = 2025;
/** The 903 SWEpisodes table starts in 2023-24. */
const SW_EPISODES_FROM = 2023;

// --- Building blocks --------------------------------------------------------------------------

function c(code: string, label: string, span: YearSpan = {}): Code {
  return { code, label, ...span };
}

/** A code whose meaning no source we hold states; the label says so rather than guess. */
function unverified(code: string, span: YearSpan = {}, hint?: string): Code {
  const label = hint ? `${hint}: ${code} (exact meaning not yet verified)` : `${code} (meaning not yet verified)`;
  return { code, label, meaningUnverified: true, ...span };
}

function labelled(entries: readonly (readonly [string, string])[]): Code[] {
  return entries.map(([code, label]) => c(code, label));
}

function unlabelled(codes: readonly string[], hint?: string): Code[] {
  return codes.map((code) => unverified(code, {}, hint));
}

const cin = (rule: string): RuleRef => ({ rule, return: 'cin' });
const s903 = (rule: string): RuleRef => ({ rule, return: '903' });

// --- The lists --------------------------------------------------------------------------------
// CIN lists: liia-tools CIN XSD 2024 and validator rules. 903 lists: the validator's rules and the
// liia-tools SSDA903 2024 YAML; descriptions from ssd-data-model where the reference cites it.

const LISTS: { readonly [K in CodeListId]: CodeList & { readonly id: K } } = {
  ethnicity: {
    id: 'ethnicity',
    name: 'Ethnicity',
    returns: ['cin', '903'],
    rules: [cin('4220'), s903('103')],
    codes: labelled([
      ['WBRI', 'White British'],
      ['WIRI', 'White Irish'],
      ['WIRT', 'Traveller of Irish heritage'],
      ['WOTH', 'Any other White background'],
      ['WROM', 'Gypsy/Roma'],
      ['MWBC', 'White and Black Caribbean'],
      ['MWBA', 'White and Black African'],
      ['MWAS', 'White and Asian'],
      ['MOTH', 'Any other mixed background'],
      ['AIND', 'Indian'],
      ['APKN', 'Pakistani'],
      ['ABAN', 'Bangladeshi'],
      ['AOTH', 'Any other Asian background'],
      ['BCRB', 'Caribbean'],
      ['BAFR', 'African'],
      ['BOTH', 'Any other Black background'],
      ['CHNE', 'Chinese'],
      ['OOTH', 'Any other ethnic group'],
      ['REFU', 'Refused'],
      ['NOBT', 'Information not yet obtained'],
    ]),
  },

  // 4180 in 2022-23 checks only that gender is present, so no rule here checks the code itself.
  genderCurrent: {
    id: 'genderCurrent',
    name: 'GenderCurrent',
    returns: ['cin'],
    to: SEX_FROM - 1,
    rules: [],
    codes: labelled([
      ['1', 'Male'],
      ['2', 'Female'],
      ['0', 'Not recorded or unborn'],
      ['9', 'Indeterminate'],
    ]),
  },

  sex: {
    id: 'sex',
    name: 'Sex',
    returns: ['cin'],
    from: SEX_FROM,
    rules: [cin('4180')],
    codes: [
      c('M', 'Male'),
      c('F', 'Female'),
      // Rule 8750: U for an unborn child. Whether U also means "not known" is not stated.
      { code: 'U', label: 'U: used for an unborn child (full meaning not yet verified)', meaningUnverified: true },
    ],
  },

  sex903: {
    id: 'sex903',
    name: 'SEX',
    returns: ['903'],
    rules: [s903('101')],
    codes: [
      c('1', 'Male', { to: SEX_FROM - 1 }),
      c('2', 'Female', { to: SEX_FROM - 1 }),
      c('M', 'Male', { from: SEX_FROM }),
      c('F', 'Female', { from: SEX_FROM }),
      { code: 'U', label: 'U (meaning not yet verified)', meaningUnverified: true, from: SEX_FROM },
    ],
  },

  disability: {
    id: 'disability',
    name: 'Disability',
    returns: ['cin'],
    rules: [cin('8540')],
    codes: labelled([
      ['NONE', 'No disability'],
      ['MOB', 'Mobility'],
      ['HAND', 'Hand function'],
      ['PC', 'Personal care'],
      ['INC', 'Incontinence'],
      ['COMM', 'Communication'],
      ['LD', 'Learning'],
      ['HEAR', 'Hearing'],
      ['VIS', 'Vision'],
      ['BEH', 'Behaviour'],
      ['CON', 'Consciousness'],
      ['AUT', 'Autism'],
      ['DDA', 'Other'],
    ]),
  },

  // No rule named in the references checks the code itself; 8772 ties UN7 to NFA referrals.
  upnUnknown: {
    id: 'upnUnknown',
    name: 'UPNunknown',
    returns: ['cin'],
    rules: [],
    codes: [
      c('UN1', 'Not of school age'),
      ...unlabelled(['UN2', 'UN3', 'UN4', 'UN5', 'UN6']),
      c('UN7', 'Referral with no further action'),
    ],
  },

  // The 903 UPN field carries these in place of a UPN; rule 168 allows UN1–UN5 only.
  upnUnknown903: {
    id: 'upnUnknown903',
    name: 'UPN',
    returns: ['903'],
    rules: [s903('168')],
    codes: labelled([
      ['UN1', 'Not of school age and not yet assigned a UPN'],
      ['UN2', 'Never attended a maintained school in England (for example some unaccompanied asylum-seeking children)'],
      ['UN3', 'Educated outside England'],
      ['UN4', 'Newly looked after (from one week before the end of the collection period) and the UPN not yet known'],
      ['UN5', 'Sources collating UPNs show discrepancies in name or date of birth that prevent reliable matching'],
    ]),
  },

  referralSource: {
    id: 'referralSource',
    name: 'ReferralSource',
    returns: ['cin'],
    rules: [cin('8866')],
    codes: [
      ...labelled([
        ['1A', 'Individual – family member, relative or carer'],
        ['1B', 'Individual – acquaintance (including neighbours and child minders)'],
        ['1C', 'Individual – self'],
        ['1D', 'Individual – other (including strangers)'],
        ['2A', 'Schools'],
        ['2B', 'Education services'],
        ['3A', 'Health services – general practitioner (GP)'],
        ['3B', 'Health services – health visitor'],
        ['3C', 'Health services – school nurse'],
        ['3D', 'Health services – other primary health services'],
        ['3E', 'Health services – A&E (accident and emergency department)'],
        ['3F', 'Health services – other (for example hospice)'],
        ['4', 'Housing – local authority housing or housing association'],
        ['5A', 'LA services – social care (for example adult social care)'],
        ['5B', 'LA services – other internal (for example youth offending, excluding housing)'],
        ['5C', 'LA services – external (for example another local authority’s adult social care)'],
      ]),
      c('5D', 'LA services – early help', { from: EARLY_HELP_FROM }),
      ...labelled([
        ['6', 'Police'],
        ['7', 'Other legal agency (including courts, probation, immigration, CAFCASS or prison)'],
        ['8', 'Other (including children’s centres, independent agency providers or voluntary organisations)'],
        ['9', 'Anonymous'],
        ['10', 'Unknown'],
      ]),
    ],
  },

  primaryNeed: {
    id: 'primaryNeed',
    name: 'PrimaryNeedCode',
    returns: ['cin'],
    rules: [cin('8650')],
    codes: labelled([
      ['N1', 'Abuse or neglect'],
      ['N2', 'Child’s disability'],
      ['N3', 'Parental disability or illness'],
      ['N4', 'Family in acute stress'],
      ['N5', 'Family dysfunction'],
      ['N6', 'Socially unacceptable behaviour'],
      ['N7', 'Low income'],
      ['N8', 'Absent parenting'],
      ['N9', 'Cases other than children in need'],
      ['N0', 'Not stated'],
    ]),
  },

  // The 903 category of need: a looked-after child is in need, so N9 and N0 have no place.
  primaryNeed903: {
    id: 'primaryNeed903',
    name: 'CIN',
    returns: ['903'],
    rules: [s903('145')],
    codes: labelled([
      ['N1', 'Abuse or neglect'],
      ['N2', 'Child’s disability'],
      ['N3', 'Parental disability or illness'],
      ['N4', 'Family in acute stress'],
      ['N5', 'Family dysfunction'],
      ['N6', 'Socially unacceptable behaviour'],
      ['N7', 'Low income'],
      ['N8', 'Absent parenting'],
    ]),
  },

  reasonForClosure: {
    id: 'reasonForClosure',
    name: 'ReasonForClosure',
    returns: ['cin'],
    rules: [cin('8640')],
    codes: [
      ...labelled([
        ['RC1', 'Adopted'],
        ['RC2', 'Died'],
        ['RC3', 'Child arrangements order'],
        ['RC4', 'Special guardianship order'],
        ['RC5', 'Transferred to services of another local authority'],
        ['RC6', 'Transferred to adult social care services'],
        ['RC7', 'Services ceased for any other reason, including child no longer in need'],
        ['RC8', 'Case closed after assessment, no further action'],
      ]),
      c('RC9', 'Case closed after assessment, referred to early help', { from: EARLY_HELP_FROM }),
    ],
  },

  // One list for InitialCategoryOfAbuse (8905) and LatestCategoryOfAbuse (8910).
  categoryOfAbuse: {
    id: 'categoryOfAbuse',
    name: 'CategoryOfAbuse',
    returns: ['cin'],
    rules: [cin('8905'), cin('8910')],
    codes: labelled([
      ['NEG', 'Neglect'],
      ['PHY', 'Physical abuse'],
      ['SAB', 'Sexual abuse'],
      ['EMO', 'Emotional abuse'],
      ['MUL', 'Multiple/not recommended'],
    ]),
  },

  // No error rule in the references refuses an unlisted factor (the XSD does); 8869 (21 alone)
  // and 8898 (no repeats) judge the set of factors, not a single code, and are not modelled here.
  // 18A/19A: absent from the XSD, yet the validator never refuses them and from 2024-25 only
  // queries them, so we hold them valid in every year and queried from 2024-25.
  assessmentFactor: {
    id: 'assessmentFactor',
    name: 'AssessmentFactors',
    returns: ['cin'],
    rules: [],
    codes: [
      ...labelled([
        ['1A', 'Alcohol misuse by the child'],
        ['1B', 'Alcohol misuse by the parent(s)/carer(s)'],
        ['1C', 'Alcohol misuse by another person living in the household'],
        ['2A', 'Drug misuse by the child'],
        ['2B', 'Drug misuse by the parent(s)/carer(s)'],
        ['2C', 'Drug misuse by another person living in the household'],
        ['3A', 'Domestic violence: the child is the subject'],
        ['3B', 'Domestic violence: the parent(s)/carer(s) are the subject'],
        ['3C', 'Domestic violence: another person living in the household is the subject'],
        ['4A', 'Mental health of the child'],
        ['4B', 'Mental health of the parent(s)/carer(s)'],
        ['4C', 'Mental health of another person in the family/household'],
        ['5A', 'Learning disability of the child'],
        ['5B', 'Learning disability of the parent(s)/carer(s)'],
        ['5C', 'Learning disability of another person in the family/household'],
        ['6A', 'Physical disability or illness of the child'],
        ['6B', 'Physical disability or illness of the parent(s)/carer(s)'],
        ['6C', 'Physical disability or illness of another person in the family/household'],
        ['7A', 'Young carer'],
        ['8B', 'Privately fostered – overseas children who intend to return'],
        ['8C', 'Privately fostered – overseas children who intend to stay'],
        ['8D', 'Privately fostered – UK children in educational placements'],
        ['8E', 'Privately fostered – UK children making alternative family arrangements'],
        ['8F', 'Privately fostered – other'],
        ['9A', 'Unaccompanied asylum-seeking child'],
        ['10A', 'Going/being missing'],
        ['11A', 'Child sexual exploitation'],
        ['12A', 'Trafficking'],
        ['13A', 'Gangs'],
        ['14A', 'Socially unacceptable behaviour'],
        ['15A', 'Self-harm'],
        ['16A', 'Abuse or neglect – neglect'],
        ['17A', 'Abuse or neglect – emotional abuse'],
      ]),
      {
        code: '18A',
        label: 'Abuse or neglect – physical abuse (18B or 18C should be used instead)',
        query: {
          rule: '8945Q',
          message: "The assessment factors code '18A' should not be used ('18B' or '18C' should be used instead)",
          from: FACTOR_QUERIES_FROM,
        },
      },
      c('18B', 'Abuse or neglect – physical abuse, child on child'),
      c('18C', 'Abuse or neglect – physical abuse, adult on child'),
      {
        code: '19A',
        label: 'Abuse or neglect – sexual abuse (19B or 19C should be used instead)',
        query: {
          rule: '8950Q',
          message: "The assessment factors code '19A' should not be used ('19B' or '19C' should be used instead)",
          from: FACTOR_QUERIES_FROM,
        },
      },
      c('19B', 'Abuse or neglect – sexual abuse, child on child'),
      c('19C', 'Abuse or neglect – sexual abuse, adult on child'),
      ...labelled([
        ['20', 'Other'],
        ['21', 'No factors identified'],
        ['22A', 'Female genital mutilation (FGM)'],
        ['23A', 'Abuse linked to faith or belief'],
        ['24A', 'Child criminal exploitation'],
      ]),
    ],
  },

  // D1 and E1 also depend on the episode's start date (rules 445/446: D1 only before, E1 only
  // after, December 2005); that is a date rule, not a collection-year one, and is left to callers.
  legalStatus: {
    id: 'legalStatus',
    name: 'LS',
    returns: ['903'],
    rules: [s903('144')],
    codes: labelled([
      ['C1', 'Interim care order'],
      ['C2', 'Full care order'],
      ['D1', 'Freeing order'],
      ['E1', 'Placement order'],
      ['V2', 'Single period of accommodation under section 20'],
      ['V3', 'Short breaks, episodes recorded'],
      ['V4', 'Short breaks, agreements recorded'],
      ['L1', 'Police protection'],
      ['L2', 'Emergency protection order'],
      ['L3', 'Child assessment order'],
      ['J1', 'Remanded'],
      ['J2', 'Accommodated under PACE'],
      ['J3', 'Youth Rehabilitation Order with residence or fostering requirement'],
    ]),
  },

  reasonNewEpisode: {
    id: 'reasonNewEpisode',
    name: 'RNE',
    returns: ['903'],
    rules: [s903('143')],
    codes: labelled([
      ['S', 'Started to be looked after'],
      ['L', 'Change of legal status only'],
      ['P', 'Change of placement and carer'],
      ['T', 'Change of placement, same carer'],
      ['B', 'Change of legal status and of placement and carer'],
      ['U', 'Change of legal status and of placement, same carer'],
    ]),
  },

  // The reference groups A3–A6 as adoption and U1–U6 as foster placements and names T4 in rule
  // 379; it gives no other meanings, so the rest are placeholders.
  placementType: {
    id: 'placementType',
    name: 'PLACE',
    returns: ['903'],
    rules: [s903('146')],
    codes: [
      ...unlabelled(['A3', 'A4', 'A5', 'A6'], 'Placed for adoption'),
      unverified('H5', { to: PLACEMENTS_REVISED_FROM - 1 }),
      ...unlabelled(['K1', 'K2']),
      unverified('K3', { from: PLACEMENTS_REVISED_FROM }),
      unverified('P1'),
      unverified('P2', { to: PLACEMENTS_REVISED_FROM - 1 }),
      ...unlabelled(['P3', 'R1', 'R2', 'R3', 'R5', 'S1', 'T0', 'T1', 'T2', 'T3']),
      c('T4', 'Temporary placement for an unspecified reason (seven days at most: rule 379)'),
      ...unlabelled(['U1', 'U2', 'U3', 'U4', 'U5', 'U6'], 'Foster placement'),
      unverified('Z1', { to: PLACEMENTS_REVISED_FROM - 1 }),
      ...['Z11', 'Z12', 'Z13', 'Z14'].map((code) => unverified(code, { from: PLACEMENTS_REVISED_FROM })),
    ],
  },

  placementProvider: {
    id: 'placementProvider',
    name: 'PLACE_PROVIDER',
    returns: ['903'],
    rules: [s903('178')],
    codes: labelled([
      ['PR0', 'Parent(s)'],
      ['PR1', 'Own local authority'],
      ['PR2', 'Other local authority'],
      ['PR3', 'Other public sector'],
      ['PR4', 'Private provision'],
      ['PR5', 'Voluntary sector'],
    ]),
  },

  reasonEpisodeCeased: {
    id: 'reasonEpisodeCeased',
    name: 'REC',
    returns: ['903'],
    rules: [s903('149')],
    codes: unlabelled([
      'X1', 'E11', 'E12', 'E2', 'E3', 'E4A', 'E4B', 'E13', 'E41', 'E45', 'E46', 'E47', 'E48',
      'E5', 'E6', 'E7', 'E8', 'E9', 'E14', 'E15', 'E16', 'E17',
    ]),
  },

  reasonPlaceChange: {
    id: 'reasonPlaceChange',
    name: 'REASON_PLACE_CHANGE',
    returns: ['903'],
    rules: [s903('1009')],
    codes: labelled([
      ['CARPL', 'Change to/implementing care plan'],
      ['CLOSE', 'Resignation/closure of provision'],
      ['ALLEG', 'Allegation (s47)'],
      ['STAND', 'Standards of care concern'],
      ['APPRR', 'Approval removed'],
      ['CREQB', 'Carer(s) request placement end due to child’s behaviour'],
      ['CREQO', 'Carer(s) request placement end for other reasons'],
      ['CHILD', 'Child requests placement end'],
      ['LAREQ', 'Responsible/area authority requests placement end'],
      ['PLACE', 'Change in the status of placement only'],
      ['CUSTOD', 'Custody arrangement'],
      ['OTHER', 'Other reasons not captured above'],
    ]),
  },

  missingType: {
    id: 'missingType',
    name: 'MISSING',
    returns: ['903'],
    rules: [s903('1006')],
    codes: labelled([
      ['M', 'Missing (whereabouts unknown)'],
      ['A', 'Away without authorisation (whereabouts known)'],
    ]),
  },

  reviewCode: {
    id: 'reviewCode',
    name: 'REVIEW_CODE',
    returns: ['903'],
    rules: [s903('167')],
    codes: unlabelled(['PN0', 'PN1', 'PN2', 'PN3', 'PN4', 'PN5', 'PN6', 'PN7'], 'Participation in review'),
  },

  sdqReason: {
    id: 'sdqReason',
    name: 'SDQ_REASON',
    returns: ['903'],
    rules: [s903('196')],
    codes: unlabelled(['SDQ1', 'SDQ2', 'SDQ3', 'SDQ4', 'SDQ5']),
  },

  inTouch: {
    id: 'inTouch',
    name: 'IN_TOUCH',
    returns: ['903'],
    rules: [s903('131')],
    codes: unlabelled(['YES', 'NO', 'DIED', 'REFU', 'NREQ', 'RHOM']),
  },

  activity: {
    id: 'activity',
    name: 'ACTIV',
    returns: ['903'],
    rules: [s903('132')],
    codes: unlabelled(['F1', 'P1', 'F2', 'P2', 'F4', 'P4', 'F5', 'P5', 'G4', 'G5', 'G6', '0']),
  },

  // The reference gives only "B1–Z2 (pairs; see the YAML) and 0"; the codes are those of the
  // liia-tools SSDA903 2024 YAML it points to (copied with the shared fixtures). No source we hold
  // says what the letters or the 1/2 of each pair mean, so every label is a placeholder.
  accommodation: {
    id: 'accommodation',
    name: 'ACCOM',
    returns: ['903'],
    rules: [s903('133')],
    codes: unlabelled([
      ...['B', 'C', 'D', 'E', 'G', 'H', 'K', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z'].flatMap((l) => [`${l}1`, `${l}2`]),
      '0',
    ]),
  },

  reasonPlacedCeased: {
    id: 'reasonPlacedCeased',
    name: 'REASON_PLACED_CEASED',
    returns: ['903'],
    rules: [s903('120')],
    codes: labelled([
      ['RD1', 'The child’s needs changed after the decision'],
      ['RD2', 'The court did not make a placement order'],
      ['RD3', 'Prospective adopters could not be found'],
      ['RD4', 'Any other reason'],
    ]),
  },

  lsAdopter: {
    id: 'lsAdopter',
    name: 'LS_ADOPTR',
    returns: ['903'],
    rules: [s903('177')],
    codes: unlabelled(['L0', 'L11', 'L12', 'L2', 'L3', 'L4']),
  },

  // Rule 511 states MM, FF and MF; M1 and F1 are not explained anywhere we hold.
  sexAdopter: {
    id: 'sexAdopter',
    name: 'SEX_ADOPTR',
    returns: ['903'],
    rules: [s903('176')],
    codes: [
      unverified('M1'),
      unverified('F1'),
      c('MM', 'Adopting couple, both male'),
      c('FF', 'Adopting couple, both female'),
      c('MF', 'Adopting couple, male and female'),
    ],
  },

  prevPerm: {
    id: 'prevPerm',
    name: 'PREV_PERM',
    returns: ['903'],
    rules: [s903('631')],
    codes: unlabelled(['P1', 'P2', 'P3', 'P4', 'Z1']),
  },

  swReason: {
    id: 'swReason',
    name: 'SW_REASON',
    returns: ['903'],
    from: SW_EPISODES_FROM,
    rules: [s903('SW13STG1')],
    codes: unlabelled(['MANAGE', 'FCONTA', 'LEFTRL', 'ORGRST', 'TSPROC', 'ABSENC', 'CHCHAN', 'PCCHAN', 'SWDIED', 'OTHERS']),
  },
};

deepFreeze(LISTS);

export const CODE_LIST_IDS: readonly CodeListId[] = Object.freeze(Object.keys(LISTS) as CodeListId[]);

// --- Collection years -------------------------------------------------------------------------

/** The collection year a date falls in: 1 April to 31 March, named by the year it starts. */
export function collectionYearOf(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const year = Number(m?.[1]);
  const month = Number(m?.[2]);
  const day = Number(m?.[3]);
  const parsed = new Date(Date.UTC(year, month - 1, day));
  // The round trip refuses dates such as 2025-02-30 that Date would quietly roll over.
  if (!m || parsed.getUTCFullYear() !== year || parsed.getUTCMonth() !== month - 1 || parsed.getUTCDate() !== day) {
    throw new RangeError(`Expected a date as YYYY-MM-DD, got "${date}"`);
  }
  return month >= 4 ? year : year - 1;
}

/** 2024 → "2024-25". */
export function collectionYearLabel(year: number): string {
  assertYear(year);
  return `${year}-${String((year + 1) % 100).padStart(2, '0')}`;
}

function assertYear(year: number): void {
  if (!Number.isInteger(year) || year < 1000 || year > 9998) {
    throw new RangeError(`A collection year is the 4-digit year it starts in, got ${year}`);
  }
}

// --- Queries ----------------------------------------------------------------------------------

export function codeList(id: CodeListId): CodeList {
  const list = LISTS[id];
  if (!list) throw new Error(`No code list "${String(id)}"`);
  return list;
}

/** The codes valid in a collection year, with the query each draws that year if any. */
export function codesFor(id: CodeListId, collectionYear: number): { code: string; label: string; query?: CodeQuery }[] {
  assertYear(collectionYear);
  const list = codeList(id);
  if (!inSpan(list, collectionYear)) return [];
  return list.codes
    .filter((entry) => inSpan(entry, collectionYear))
    .map((entry) => {
      const query = queryIn(entry, collectionYear);
      return query ? { code: entry.code, label: entry.label, query } : { code: entry.code, label: entry.label };
    });
}

/**
 * Whether a value is a valid code of a list in a collection year. Presence is the caller's
 * business: an empty value is simply not a code. Where a list is checked by different rules in
 * each return (ethnicity: 4220 in CIN, 103 in the 903), `return` picks one; otherwise all are
 * given, joined by "/".
 */
export function checkCode(id: CodeListId, value: string, collectionYear: number, options: { return?: Return } = {}): CodeCheck {
  assertYear(collectionYear);
  const list = codeList(id);
  const yearLabel = collectionYearLabel(collectionYear);
  const rules = list.rules.filter((r) => !options.return || r.return === options.return).map((r) => r.rule);
  const rule = rules.length > 0 ? rules.join('/') : undefined;
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  const refuse = (why?: string): CodeCheck => {
    const message = `${list.name} '${shown}' is not a valid code for ${yearLabel}${why ? ` (${why})` : ''}`;
    return rule ? { ok: false, rule, message } : { ok: false, message };
  };

  if (!inSpan(list, collectionYear)) return refuse(`${list.name} is collected ${describeSpan(list)}`);

  const entry = list.codes.find((e) => e.code === value);
  if (entry && inSpan(entry, collectionYear)) {
    const query = queryIn(entry, collectionYear);
    return query ? { ok: true, query } : { ok: true };
  }
  if (entry) return refuse(`valid ${describeSpan(entry)}`);

  const normal = normaliseCode(value);
  if (normal !== value && list.codes.some((e) => e.code === normal && inSpan(e, collectionYear))) {
    return refuse(`'${normal}' is valid; codes are compared exactly`);
  }
  return refuse();
}

/** The label of a code in any year it has been valid; undefined if the list never had it. */
export function labelOf(id: CodeListId, code: string): string | undefined {
  return codeList(id).codes.find((e) => e.code === code)?.label;
}

/** Trim and upper-case: for importers to call on purpose, never applied silently by `checkCode`. */
export function normaliseCode(raw: string): string {
  return raw.trim().toUpperCase();
}

function inSpan(span: YearSpan, year: number): boolean {
  return (span.from === undefined || year >= span.from) && (span.to === undefined || year <= span.to);
}

function queryIn(entry: Code, year: number): CodeQuery | undefined {
  if (!entry.query || !inSpan(entry.query, year)) return undefined;
  return { rule: entry.query.rule, message: entry.query.message };
}

function describeSpan(span: YearSpan): string {
  if (span.from !== undefined && span.to !== undefined) {
    return `${collectionYearLabel(span.from)} to ${collectionYearLabel(span.to)}`;
  }
  if (span.from !== undefined) return `from ${collectionYearLabel(span.from)}`;
  if (span.to !== undefined) return `up to ${collectionYearLabel(span.to)}`;
  return 'in every year';
}

function deepFreeze(value: object): void {
  for (const inner of Object.values(value)) {
    if (inner && typeof inner === 'object') deepFreeze(inner);
  }
  Object.freeze(value);
}
