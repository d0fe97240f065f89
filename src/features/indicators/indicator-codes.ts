/**
 * The partnership's indicators, exactly as `indicators.md` defines them: the codes, what each counts,
 * and how it is shown. The computation is in `indicators.service.ts`; this is what every part (the
 * CLI, the scorecard, RAG rules, the annual report) agrees on.
 */

export const INDICATOR_CODES = [
  'contacts', 'referrals', 'referrals_nfa', 're_referrals', 're_referral_rate', 'assessments_completed',
  'assessments_within_45wd_pct', 's47_enquiries', 'icpcs', 'icpcs_within_15wd_pct', 'cin_open', 'cin_plans_open',
  'cp_plans_open', 'cp_plans_open_neglect_pct', 'cp_plans_open_repeat_pct', 'cp_plans_started', 'cla_open', 'cla_started',
  'missing_episodes', 'missing_children', 'cse_children', 'cce_children',
  'referrals_rate_per_10k', 'cin_open_rate_per_10k', 'cp_plans_open_rate_per_10k', 'cla_open_rate_per_10k',
] as const;

export type IndicatorCode = (typeof INDICATOR_CODES)[number];

/** A count has no denominator; a percentage or rate carries both parts, and is null when the denominator is 0 or unknown. */
export interface IndicatorValue {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
}

export type IndicatorValues = Record<IndicatorCode, IndicatorValue>;

export type IndicatorKind = 'count' | 'percent' | 'rate_per_10k';

/** A period [from, to], both inclusive, ISO dates; `to` is the reference date. */
export interface Period {
  from: string;
  to: string;
}

export const isIndicatorCode = (value: string): value is IndicatorCode => (INDICATOR_CODES as readonly string[]).includes(value);
