import type { IndicatorCode } from '../indicators/indicator-codes';

/**
 * England's figures for the measures DfE publishes, to set beside the partnership's own. Each is the
 * latest national figure found in DfE's own release, with its year (the year ending 31 March) and
 * where it was read, so that a reader can check it and a maintainer can update it each autumn.
 *
 * Left out, because no published national figure for the year was found to copy from:
 * - referrals per 10,000 children (the release gives 632,830 referrals in 2024-25, but the rate was not found);
 * - child protection plans per 10,000 children (49,420 plans at 31 March 2025 were found, the rate was not);
 * - repeat child protection plans: DfE's measure is plans *starting* that were a second or subsequent plan,
 *   while ours is plans *open* at the reference date, so even a found figure would not compare;
 * - initial conferences within 15 working days: the figure for 2024-25 was not found.
 * The other indicators are local counts with no national equivalent.
 */

export type Comparator = { value: number; year: string; source: string; note?: string };

const CIN_2025 = 'https://explore-education-statistics.service.gov.uk/find-statistics/children-in-need/2025';
const CLA_2025 = 'https://explore-education-statistics.service.gov.uk/find-statistics/children-looked-after-in-england-including-adoptions/2025';
// "C1 Referrals and re-referrals to children's social care services by local authority", reporting year 2025.
const C1_2025 = 'https://explore-education-statistics.service.gov.uk/data-catalogue/data-set/911dae20-ac5d-4e28-bee8-53a658761fa5';
// "C2 Completed assessments by duration of assessment and local authority", reporting year 2025.
const C2_2025 = 'https://explore-education-statistics.service.gov.uk/data-catalogue/data-set/3fb5a93d-1eb3-4f3a-bdd0-5caea4556ce6';

export const ENGLAND: Partial<Record<IndicatorCode, Comparator>> = {
  // 142,900 re-referrals of 632,830 referrals: 22.6%.
  re_referral_rate: { value: 22.6, year: '2024 to 2025', source: C1_2025 },
  // Children in need at 31 March 2025: 402,400, a rate of 330.3 per 10,000 children.
  cin_open_rate_per_10k: { value: 330.3, year: '2024 to 2025', source: CIN_2025 },
  // Children looked after at 31 March 2025: 81,770, a rate of 67 per 10,000 (DfE gives no decimal).
  cla_open_rate_per_10k: { value: 67, year: '2024 to 2025', source: CLA_2025 },
  // Not a headline: worked out from C2's national counts by duration band (648,830 assessments; 555,820
  // in the bands from "same day" to "41 to 45 days", the bands that end at the 45-working-day limit),
  // 85.7%. The counts are rounded to the nearest 10 by DfE.
  assessments_within_45wd_pct: { value: 85.7, year: '2024 to 2025', source: C2_2025, note: 'Worked out from DfE’s counts of assessments by duration' },
};
