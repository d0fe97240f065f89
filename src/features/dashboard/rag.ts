import type { IndicatorCode } from '../indicators/indicator-codes';

/**
 * RAG ratings. A rule belongs to one indicator of one partnership and is set by the business manager;
 * where none is set the shipped default applies, and an indicator without either has no rating.
 *
 * - target: green on or better than the target, amber worse but within the tolerance, red beyond it.
 * - direction of travel: against the previous period; green improving, amber unchanged, red worsening.
 * "Better" is the polarity: for some measures higher is better, for others lower.
 * A missing value (no denominator, no previous period) gets no rating rather than a guess.
 */

export type Polarity = 'higher' | 'lower';
export type RagRule =
  | { method: 'target'; target: number; tolerance: number; polarity: Polarity }
  | { method: 'direction'; polarity: Polarity }
  | { method: 'none' };
export type Rag = 'green' | 'amber' | 'red';

// Values are shown to 1 decimal place; a difference smaller than that is no difference.
const EPSILON = 1e-9;

export function rate(rule: RagRule, value: number | null, previous: number | null): Rag | null {
  if (value === null || rule.method === 'none') return null;
  const better = (a: number, b: number) => (rule.polarity === 'higher' ? a - b : b - a);
  if (rule.method === 'target') {
    const margin = better(value, rule.target);
    if (margin >= -EPSILON) return 'green';
    return -margin <= rule.tolerance + EPSILON ? 'amber' : 'red';
  }
  if (previous === null) return null;
  const travel = better(value, previous);
  return Math.abs(travel) <= EPSILON ? 'amber' : travel > 0 ? 'green' : 'red';
}

/** Words for each rating: a tag is never colour alone. GOV.UK tag classes by colour. */
export const RAG_TAGS: Record<Rag, { text: string; classes: string }> = {
  green: { text: 'Green', classes: 'govuk-tag--green' },
  amber: { text: 'Amber', classes: 'govuk-tag--yellow' },
  red: { text: 'Red', classes: 'govuk-tag--red' },
};

/**
 * The default set for the standard measures, so a new partnership sees ratings with no setup. Each
 * business manager is expected to replace these with the partnership's own.
 */
export const DEFAULT_RULES: Partial<Record<IndicatorCode, RagRule>> = {
  // Working Together sets 45 working days as the longest an assessment should take, so every late one
  // matters: green from 90%, amber down to 80%. England managed about 86% in 2024-25 (see comparators.ts).
  assessments_within_45wd_pct: { method: 'target', target: 90, tolerance: 10, polarity: 'higher' },
  // An initial conference is due within 15 working days of the strategy discussion that started the
  // enquiry; the same 90% / 80% bands as assessments.
  icpcs_within_15wd_pct: { method: 'target', target: 90, tolerance: 10, polarity: 'higher' },
  // About one referral in five nationally is a re-referral (22.6% in England in 2024-25): at or under
  // 20% is green, up to 25% amber, since a high rate suggests earlier work closed too soon.
  re_referral_rate: { method: 'target', target: 20, tolerance: 5, polarity: 'lower' },
  // Repeat plans mean earlier protection did not last. DfE publishes a different measure (plans
  // started, not plans open), so there is no national figure to set a target from: direction of travel.
  cp_plans_open_repeat_pct: { method: 'direction', polarity: 'lower' },
  // Counts and rates per 10,000 are left unrated: more children on plans or in care is neither good
  // nor bad in itself; the comparators say whether it is unusual.
};

export const defaultRule = (code: IndicatorCode): RagRule => DEFAULT_RULES[code] ?? { method: 'none' };

export type RuleForm = Record<string, string | undefined>;
export type RuleParse = { rule: RagRule; neighbour: number | null; errors: [] } | { rule: null; neighbour: null; errors: { field: string; message: string }[] };

const NUMBER = /^-?\d+(\.\d+)?$/;

/** Reads the rule page's form: method, target, tolerance, polarity, and the statistical neighbours' figure. */
export function parseRuleForm(form: RuleForm): RuleParse {
  const errors: { field: string; message: string }[] = [];
  const method = form.method;
  // "12.5", "12.5%" and "1,200" are all read as numbers; a negative is refused where it makes no sense.
  const num = (field: string, blank: string, invalid: string, positive = false) => {
    const raw = form[field]?.trim().replace(/,/g, '').replace(/%$/, '') ?? '';
    if (!raw) { errors.push({ field, message: blank }); return 0; }
    if (!NUMBER.test(raw) || (positive && Number(raw) < 0)) { errors.push({ field, message: invalid }); return 0; }
    return Number(raw);
  };
  const polarity = (field: string) => {
    if (form[field] === 'higher' || form[field] === 'lower') return form[field] as Polarity;
    errors.push({ field, message: 'Select whether higher or lower is better' });
    return 'higher' as Polarity;
  };
  let rule: RagRule = { method: 'none' };
  if (method === 'target') {
    const target = num('target', 'Enter the target', 'The target must be a number, like 85');
    const tolerance = num('tolerance', 'Enter the tolerance', 'The tolerance must be 0 or more, like 5', true);
    rule = { method, target, tolerance, polarity: polarity('polarity') };
  } else if (method === 'direction') {
    rule = { method, polarity: polarity('polarity') };
  } else if (method !== 'none') {
    errors.push({ field: 'method', message: 'Select how this indicator is rated' });
  }
  const rawNeighbour = form.neighbour?.trim() ?? '';
  const neighbour = rawNeighbour ? num('neighbour', '', 'The statistical neighbours’ figure must be a number, like 21.4', true) : null;
  return errors.length ? { rule: null, neighbour: null, errors } : { rule, neighbour, errors: [] };
}
