import type { IndicatorCode, IndicatorKind } from '../indicators/indicator-codes';

/**
 * How the scorecard names each indicator for a reader who does not know the return's field names: a
 * plain-English label, and what is counted (the hint), shortened from indicators.md.
 */
export const INDICATOR_LABELS: Record<IndicatorCode, { label: string; counts: string; kind: IndicatorKind }> = {
  contacts: { label: 'Contacts', counts: 'Contacts received in the period', kind: 'count' },
  referrals: { label: 'Referrals', counts: 'Referrals to children’s social care in the period, including those needing no further action', kind: 'count' },
  referrals_nfa: { label: 'Referrals needing no further action', counts: 'Referrals in the period that led to no further action', kind: 'count' },
  re_referrals: { label: 'Re-referrals', counts: 'Referrals in the period of a child referred in the 12 months before', kind: 'count' },
  re_referral_rate: { label: 'Re-referral rate', counts: 'Re-referrals as a percentage of referrals', kind: 'percent' },
  assessments_completed: { label: 'Assessments completed', counts: 'Assessments authorised in the period', kind: 'count' },
  assessments_within_45wd_pct: { label: 'Assessments within 45 working days', counts: 'Percentage of assessments completed within 45 working days of starting', kind: 'percent' },
  s47_enquiries: { label: 'Section 47 enquiries', counts: 'Child protection enquiries started in the period', kind: 'count' },
  icpcs: { label: 'Initial child protection conferences', counts: 'Conferences held in the period', kind: 'count' },
  icpcs_within_15wd_pct: { label: 'Conferences within 15 working days', counts: 'Percentage of initial conferences held within 15 working days of the Section 47 enquiry starting', kind: 'percent' },
  cin_open: { label: 'Children in need', counts: 'Children with an open episode of need at the end of the period', kind: 'count' },
  cin_plans_open: { label: 'Children on child in need plans', counts: 'Children with a child in need plan at the end of the period', kind: 'count' },
  cp_plans_open: { label: 'Children on child protection plans', counts: 'Children with a child protection plan at the end of the period', kind: 'count' },
  cp_plans_open_neglect_pct: { label: 'Child protection plans for neglect', counts: 'Percentage of children on a plan whose category of abuse is neglect', kind: 'percent' },
  cp_plans_open_repeat_pct: { label: 'Repeat child protection plans', counts: 'Percentage of children on a plan who have had a plan before', kind: 'percent' },
  cp_plans_started: { label: 'Child protection plans started', counts: 'Plans that started in the period', kind: 'count' },
  cla_open: { label: 'Children looked after', counts: 'Children looked after at the end of the period, short breaks excluded', kind: 'count' },
  cla_started: { label: 'Children who started to be looked after', counts: 'Children who started a new period of care in the period', kind: 'count' },
  missing_episodes: { label: 'Missing episodes', counts: 'Times a looked after child went missing in the period', kind: 'count' },
  missing_children: { label: 'Children who went missing', counts: 'Looked after children who went missing in the period', kind: 'count' },
  cse_children: { label: 'Children at risk of sexual exploitation', counts: 'Children whose assessment in the period found child sexual exploitation', kind: 'count' },
  cce_children: { label: 'Children at risk of criminal exploitation', counts: 'Children whose assessment in the period found child criminal exploitation', kind: 'count' },
  referrals_rate_per_10k: { label: 'Referral rate', counts: 'Referrals per 10,000 children aged 0 to 17', kind: 'rate_per_10k' },
  cin_open_rate_per_10k: { label: 'Children in need rate', counts: 'Children in need per 10,000 children aged 0 to 17', kind: 'rate_per_10k' },
  cp_plans_open_rate_per_10k: { label: 'Child protection plan rate', counts: 'Children on a plan per 10,000 children aged 0 to 17', kind: 'rate_per_10k' },
  cla_open_rate_per_10k: { label: 'Children looked after rate', counts: 'Children looked after per 10,000 children aged 0 to 17', kind: 'rate_per_10k' },
};

// Made once: toLocaleString builds a formatter on every call, and the scorecard formats some 200 values.
const wholeFormat = new Intl.NumberFormat('en-GB');
const tenthsFormat = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** A value as the scorecard prints it: counts with thousands separators, percentages and rates to 1 decimal place. */
export function formatValue(value: number | null, kind: IndicatorKind): string {
  if (value === null) return '';
  if (kind === 'count') return wholeFormat.format(value);
  const text = tenthsFormat.format(value);
  return kind === 'percent' ? `${text}%` : text;
}

/** A change with its sign: +17, -4.3; percentages change by percentage points. */
export function formatChange(change: number | null, kind: IndicatorKind): string {
  if (change === null) return '';
  const sign = change > 0 ? '+' : change < 0 ? '-' : '';
  const magnitude = formatValue(Math.abs(change), kind === 'percent' ? 'rate_per_10k' : kind);
  return `${sign}${magnitude}${kind === 'percent' ? ' pts' : ''}`;
}
