/**
 * The DfE children in need census validation rules, as data: code, module and message, and the collection
 * years each applies in (a year is named by the year it starts: 2022 is 2022-23).
 *
 * Source: the rule list of the public data-to-insight CIN validator (`cin2022_23` and the rules it re-issues
 * in later years). A rule re-issued in a later year replaces the earlier version from that year on; a rule
 * never re-issued runs in every later year. The validator's `cin2025_26` set re-issues nothing, so 2025-26
 * runs the 2024-25 rules. Years after the last known one run the last known rules (see `rulesetYear`).
 */

export interface CinRule {
  readonly code: string;
  readonly module: string;
  readonly message: string;
  readonly years: readonly number[];
}

/** The first and last collection years whose rules we hold. */
export const FIRST_RULE_YEAR = 2022;
export const LAST_RULE_YEAR = 2025;

/** [the year a version is issued, code, module, message], in the order the validator lists them. */
const ISSUED: readonly (readonly [number, string, string, string])[] = [
  // 2022-23: the first year the public validator covers
  [2022, '100', 'Header', 'Reference Date is incorrect'],
  [2022, '1103', 'Assessments', 'The assessment start date cannot be before the referral date'],
  [2022, '1104', 'Section47', 'The date of the initial child protection conference cannot be before the referral date'],
  [2022, '1105', 'ChildProtectionPlans', 'The child protection plan start date cannot be before the referral date'],
  [2022, '1510', 'ChildIdentifiers', 'UPN invalid (wrong check letter at character 1)'],
  [2022, '1520', 'ChildIdentifiers', 'More than one record with the same UPN.'],
  [2022, '1530', 'ChildIdentifiers', 'UPN invalid (characters 2-4 not a recognised LA code)'],
  [2022, '1540', 'ChildIdentifiers', 'UPN invalid (characters 5-12 not all numeric)'],
  [2022, '1550', 'ChildIdentifiers', 'UPN invalid (character 13 not a recognised value)'],
  [2022, '1560Q', 'ChildIdentifiers', 'Please check and either amend or provide a reason: Former UPN wrongly formatted'],
  [2022, '2883', 'ChildProtectionPlans', 'There are more child protection plans starting than initial conferences taking place'],
  [2022, '2884', 'Section47', 'An initial child protection conference is recorded at both the S47 and CIN Details level and it should only be recorded in one'],
  [2022, '2885', 'ChildProtectionPlans', 'Child protection plan shown as starting a different day to the initial child protection conference.'],
  [2022, '2886Q', 'ChildIdentifiers', 'Please check and either amend or provide a reason: Percentage of children with no gender recorded is more than 2% (excluding unborns)'],
  [2022, '2887Q', 'Disabilities', 'Please check and either amend or provide a reason: Less than 8 disability codes have been used in your return'],
  [2022, '2888Q', 'Disabilities', 'Please check and either amend or provide a reason: Only one disability code is recorded per child and multiple disabilities should be recorded where possible.'],
  [2022, '2889', 'Section47', 'The S47 start date cannot be before the referral date.'],
  [2022, '2990', 'CINdetails', 'Activity is recorded against a case marked as ‘Case closed after assessment, no further action’ or \'case closed after assessment, referred to early help\'.'],
  [2022, '2991Q', 'CINdetails', 'Please check and either amend data or provide a reason: A Section 47 module is recorded and there is no assessment on the episode'],
  [2022, '4000', 'CINplanDates', 'CIN Plan details provided for a referral with no further action'],
  [2022, '4001', 'CINplanDates', 'A CIN Plan cannot run concurrently with a Child Protection Plan'],
  [2022, '4003', 'Reviews', 'A CPP review date is shown as being held at the same time as an open CIN Plan.'],
  [2022, '4004', 'CINplanDates', 'This child is showing more than one open CIN Plan, i.e. with no End Date'],
  [2022, '4008', 'ChildIdentifiers', 'CIN Plan shown as starting after the child’s Date of Death.'],
  [2022, '4009Q', 'ChildIdentifiers', 'CIN Plan cannot end after the child’s Date of Death'],
  [2022, '4010', 'CINplanDates', 'CIN Plan start date is missing or out of data collection period'],
  [2022, '4011', 'CINplanDates', 'CIN Plan End Date earlier than Start Date'],
  [2022, '4012Q', 'CINplanDates', 'Please check and either amend or provide a reason: CIN Plan shown as starting and ending on the same day'],
  [2022, '4013', 'CINplanDates', 'CIN Plan end date must fall within the census year'],
  [2022, '4014', 'CINplanDates', 'CIN Plan data contains overlapping dates'],
  [2022, '4015', 'CINplanDates', 'The CIN Plan start date cannot be before the referral date'],
  [2022, '4016', 'CINplanDates', 'A CIN Plan has been reported as open at the same time as a Child Protection Plan.'],
  [2022, '4017', 'CINplanDates', 'A CIN Plan has been reported as open at the same time as a Child Protection Plan.'],
  [2022, '4180', 'ChildIdentifiers', 'Gender is missing'],
  [2022, '4220', 'ChildCharacteristics', 'Ethnicity is missing or invalid (see Ethnicity table)'],
  [2022, '8500', 'ChildIdentifiers', 'LA Child ID missing'],
  [2022, '8510', 'ChildIdentifiers', 'More than one child record with the same LA Child ID'],
  [2022, '8520', 'ChildIdentifiers', 'Date of Birth is after data collection period (must be on or before the end of the census period)'],
  [2022, '8525Q', 'ChildIdentifiers', 'Either Date of Birth or Expected Date of Birth must be provided (but not both)'],
  [2022, '8530Q', 'ChildIdentifiers', 'Please check and either amend data or provide a reason: Expected Date of Birth is outside the expected range for this census (March to December of the Census Year end)'],
  [2022, '8535Q', 'ChildIdentifiers', 'Please check and either amend data or provide a reason: Child’s date of death should not be prior to the date of birth'],
  [2022, '8540', 'ChildCharacteristics', 'Child’s disability is missing or invalid (see Disability table)'],
  [2022, '8545Q', 'ChildIdentifiers', 'Please check and either amend data or provide a reason: Child\'s date of death should be within the census year'],
  [2022, '8555Q', 'CINdetails', 'Child cannot be referred after its recorded date of death'],
  [2022, '8565', 'ChildProtectionPlans', 'Activity shown after a case has been closed'],
  [2022, '8568', 'CINdetails', 'RNFA flag is missing or invalid'],
  [2022, '8569Q', 'CINdetails', 'A case with referral date before one working day prior to the collection start date must not be flagged as a no further action case'],
  [2022, '8585Q', 'CINdetails', 'Please check and either amend or provide a reason: CIN episode shows Died as the Closure Reason, however child has no recorded Date of Death'],
  [2022, '8590', 'ChildIdentifiers', 'Child does not have a recorded CIN episode.'],
  [2022, '8600', 'CINdetails', 'Child referral date missing or after data collection period'],
  [2022, '8606', 'CINdetails', 'Child referral date is more than 40 weeks before DOB or expected DOB'],
  [2022, '8608', 'Assessments', 'Assessment Start Date cannot be later than its End Date'],
  [2022, '8610', 'CINdetails', 'Primary Need code is missing for a referral which led to further action.'],
  [2022, '8614', 'Assessments', 'Parental or child factors at assessment should only be present for a completed assessment.'],
  [2022, '8615', 'Section47', 'Section 47 Enquiry Start Date must be present and cannot be later than the date of the initial Child Protection Conference'],
  [2022, '8620', 'CINdetails', 'CIN Closure Date present and does not fall within the Census year'],
  [2022, '8630', 'CINdetails', 'CIN Closure Date is before CIN Referral Date for the same CIN episode'],
  [2022, '8640', 'CINdetails', 'CIN Reason for closure code invalid (see Reason for Closure table in CIN Census code set)'],
  [2022, '8650', 'CINdetails', 'Primary Need Code invalid (see Primary Need table in CIN census code set)'],
  [2022, '8670Q', 'Assessments', 'Please check and either amend data or provide a reason: Assessment started more than 45 working days before the end of the census year. However, there is no Assessment end date.'],
  [2022, '8675Q', 'Section47', 'Please check and either amend data or provide a reason: S47 Enquiry started more than 15 working days before the end of the census year. However, there is no date of Initial Child Protection Conference.'],
  [2022, '8696', 'Assessments', 'Assessment end date must fall within the census year'],
  [2022, '8715', 'Section47', 'Date of Initial Child Protection Conference must fall within the census year'],
  [2022, '8720', 'ChildProtectionPlans', 'Child Protection Plan Start Date missing or out of data collection period'],
  [2022, '8730', 'ChildProtectionPlans', 'Total Number of previous Child Protection Plans missing'],
  [2022, '8736', 'Assessments', 'For an Assessment that has not been completed, the start date must fall within the census year'],
  [2022, '8740', 'Section47', 'For a Section 47 Enquiry that has not held the Initial Child Protection Conference by the end of the census year, the start date must fall within the census year'],
  [2022, '8750', 'ChildIdentifiers', 'Gender must equal 0 for an unborn child'],
  [2022, '8770Q', 'ChildIdentifiers', 'Please check and either amend data or provide a reason: UPN or reason UPN missing expected for a child who is more than 5 years old'],
  [2022, '8772', 'ChildIdentifiers', 'UPN unknown reason is UN7 (Referral with no further action) but at least one CIN details is a referral going on to further action'],
  [2022, '8775Q', 'ChildIdentifiers', 'Please check and either amend data or provide a reason: Child is over 25 years old'],
  [2022, '8790', 'Disabilities', 'Disability information includes both None and other values'],
  [2022, '8794', 'Disabilities', 'Child has two or more disabilities with the same code'],
  [2022, '8805', 'CINdetails', 'A CIN case cannot have a CIN closure date without a Reason for Closure'],
  [2022, '8810', 'CINdetails', 'A CIN case cannot have a Reason for Closure without a CIN Closure Date'],
  [2022, '8815', 'CINdetails', 'More than one open CIN Details episode (a module with no CIN Closure Date) has been provided for this child and case is not a referral with no further action.'],
  [2022, '8816', 'CINdetails', 'An open CIN episode is shown and case is not a referral with no further action, but it is not the latest episode.'],
  [2022, '8820', 'CINdetails', 'The dates on the CIN episodes for this child overlap'],
  [2022, '8825Q', 'CINdetails', 'Please check and either amend data or provide a reason: Reason for Closure code RC8 (case closed after assessment) or RC9 (case closed after assessment, referred to early help) has been returned but there is no assessment present for the episode.'],
  [2022, '8831', 'CINdetails', 'Activity is recorded against a case marked as a referral with no further action'],
  [2022, '8832', 'ChildProtectionPlans', 'Child Protection details provided for a referral with no further action.'],
  [2022, '8839', 'Section47', 'Within one CINDetails group there are 2 or more open S47 Assessments'],
  [2022, '8840', 'ChildProtectionPlans', 'Child Protection Plan cannot start and end on the same day'],
  [2022, '8841', 'ChildProtectionPlans', 'The review date cannot be on the same day or before the Child protection Plan start date.'],
  [2022, '8842Q', 'Reviews', 'Please check and either amend or provide a reason: Review Record has a missing date'],
  [2022, '8863Q', 'Assessments', 'An Assessment is shown as starting when there is another Assessment ongoing.'],
  [2022, '8866', 'CINdetails', 'Source of Referral is missing or an invalid code'],
  [2022, '8867', 'CINdetails', 'CIN episode is shown as closed, however Assessment is not shown as completed'],
  [2022, '8868', 'CINdetails', 'CIN episode is shown as closed, however Section 47 enquiry is not shown as completed by ICPC date or ICPC not required flag'],
  [2022, '8869', 'Assessments', 'The assessment factors code “21” cannot be used in conjunction with any other assessment factors.'],
  [2022, '8870Q', 'Section47', 'Please check and either amend or provide a reason: The Target Date for Initial Child Protection Conference should not be a weekend'],
  [2022, '8873Q', 'Assessments', 'Please check and either amend data or provide a reason: When there is only one assessment on the episode and the factors code “21 No factors identified” has been used for the completed assessment, the reason for closure ‘RC8’ or \'RC9\' should be used.'],
  [2022, '8875', 'Section47', 'The Date of Initial Child Protection Conference cannot be a weekend'],
  [2022, '8890', 'CINdetails', 'A Section 47 enquiry is shown as starting when there is another Section 47 Enquiry ongoing'],
  [2022, '8896', 'Assessments', 'Within one CINDetails group there are 2 or more open Assessments groups'],
  [2022, '8897Q', 'Assessments', 'Parental or child factors at assessment information is missing from a completed assessment'],
  [2022, '8898', 'Assessments', 'The assessment has more than one parental or child factors with the same code'],
  [2022, '8905', 'ChildProtectionPlans', 'Initial Category of Abuse code missing or invalid (see Category of Abuse table in CIN Census code set)'],
  [2022, '8910', 'ChildProtectionPlans', 'Latest Category of Abuse code missing or invalid (see Category of Abuse table in CIN Census code set)'],
  [2022, '8915', 'ChildProtectionPlans', 'Child Protection Plan shown as starting after the child’s Date of Death'],
  [2022, '8920', 'ChildProtectionPlans', 'Child Protection Plan cannot end after the child’s Date of Death'],
  [2022, '8925', 'ChildProtectionPlans', 'Child Protection Plan End Date earlier than Start Date'],
  [2022, '8930', 'ChildProtectionPlans', 'Child Protection Plan End Date must fall within the census year'],
  [2022, '8935', 'ChildProtectionPlans', 'This child is showing more than one open Child Protection plan, i.e. with no End Date'],
  [2022, '8940', 'ChildProtectionPlans', 'Child Protection Plan data contains overlapping dates'],
  // 2023-24: re-issued or new
  [2023, '1530', 'ChildIdentifiers', 'UPN invalid (characters 2-4 not a recognised LA code)'],
  // 2024-25: re-issued or new
  [2024, '1570', 'ChildIdentifiers', 'LA Child ID must not be longer than 20 characters'],
  [2024, '1580', 'ChildIdentifiers', 'LA Child ID must not contain any non-alphanumeric characters'],
  [2024, '2886Q', 'ChildIdentifiers', 'Please check and either amend or provide a reason: Percentage of children with no sex recorded is more than 2% (excluding unborns)'],
  [2024, '4180', 'ChildIdentifiers', 'Sex must be provided and equal M, F, or U'],
  [2024, '8750', 'ChildIdentifiers', 'Sex must equal U for an unborn child'],
  [2024, '8770Q', 'ChildIdentifiers', 'Please check and either amend data or provide a reason: UPN is missing or reason UPN is missing or is UN1 for a child who is of school age.'],
  [2024, '8945Q', 'Assessments', 'Please check and either amend data or provide a reason: the assessment factors code \'18A\' should not be used (\'18B\' or \'18C\' should be used instead)'],
  [2024, '8950Q', 'Assessments', 'Please check and either amend data or provide a reason: the assessment factors code \'19A\' should not be used (\'19B\' or \'19C\' should be used instead)'],
];

function build(): CinRule[] {
  return ISSUED.map(([from, code, module, message]) => {
    // A version runs until the next version of the same code is issued.
    const next = ISSUED.filter(([y, c]) => c === code && y > from).map(([y]) => y);
    const to = next.length > 0 ? Math.min(...next) - 1 : LAST_RULE_YEAR;
    const years: number[] = [];
    for (let y = from; y <= to; y++) years.push(y);
    return Object.freeze({ code, module, message, years: Object.freeze(years) });
  });
}

export const CIN_RULES: readonly CinRule[] = Object.freeze(build());

/** The year whose rules judge a return of this collection year: before the first known, the first; after the last, the last. */
export function rulesetYear(collectionYear: number): number {
  return Math.min(LAST_RULE_YEAR, Math.max(FIRST_RULE_YEAR, collectionYear));
}

/** The version of each rule in force in a collection year, by code. */
export function rulesFor(collectionYear: number): ReadonlyMap<string, CinRule> {
  const year = rulesetYear(collectionYear);
  return new Map(CIN_RULES.filter((r) => r.years.includes(year)).map((r) => [r.code, r]));
}
