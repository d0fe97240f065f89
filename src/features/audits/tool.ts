import type { AuditCriteria, AuditCriterion, AuditScale } from '../../db/schema-audits';
import { labelOf } from '../../domain/codes';
import { ValidationFailed, type FieldError } from '../../platform/errors';

/**
 * What an audit tool grades with, and which children a theme's cases are drawn from. Both are fixed
 * vocabularies with parameters: a business manager configures them, and never writes SQL.
 */

export const SCALES: Record<AuditScale, string> = {
  ofsted: 'Outstanding, Good, Requires improvement, Inadequate',
  score: 'A score from 0 to 3',
};
export const isScale = (v: unknown): v is AuditScale => v === 'ofsted' || v === 'score';

export const OFSTED_GRADES = ['outstanding', 'good', 'requires_improvement', 'inadequate'] as const;
export const OFSTED_LABELS: Record<(typeof OFSTED_GRADES)[number], string> = {
  outstanding: 'Outstanding', good: 'Good', requires_improvement: 'Requires improvement', inadequate: 'Inadequate',
};
/** The words for 0, 1, 2 and 3 unless a theme says otherwise. */
export const DEFAULT_SCORE_LABELS = ['Not met', 'Partly met', 'Mostly met', 'Fully met'];

export type GradeOption = { value: string; text: string; goodOrBetter: boolean };

/** A scale's grades, best first. */
export function gradeOptions(scale: AuditScale, scoreLabels: string[]): GradeOption[] {
  if (scale === 'ofsted') return OFSTED_GRADES.map((g, i) => ({ value: g, text: OFSTED_LABELS[g], goodOrBetter: i < 2 }));
  const labels = scoreLabels.length === 4 ? scoreLabels : DEFAULT_SCORE_LABELS;
  return [3, 2, 1, 0].map((n) => ({ value: String(n), text: `${n}: ${labels[n]}`, goodOrBetter: n >= 2 }));
}

export function gradeLabel(scale: AuditScale, scoreLabels: string[], grade: string | null): string {
  if (grade === null) return '';
  return gradeOptions(scale, scoreLabels).find((o) => o.value === grade)?.text ?? grade;
}

/** Outstanding or good; a score of 2 or 3. Below that, a grade needs its reasons. */
export function isGoodOrBetter(scale: AuditScale, grade: string): boolean {
  return scale === 'ofsted' ? grade === 'outstanding' || grade === 'good' : grade === '2' || grade === '3';
}

// ---------------------------------------------------------------------------------------------------------
// Case selection criteria

export const CP_CATEGORIES = ['NEG', 'EMO', 'PHY', 'SAB', 'MUL'] as const;
export const EXPLOITATION_KINDS = { sexual: 'sexual exploitation', criminal: 'criminal exploitation', any: 'sexual or criminal exploitation' } as const;
export const RISK_LEVELS = { any: 'any level of risk', medium: 'medium or high risk', high: 'high risk' } as const;

type Param = { name: string; label: string } & (
  | { kind: 'months' }
  | { kind: 'count'; min: number; max: number }
  | { kind: 'choice'; options: readonly { value: string; text: string }[] });

const months: Param = { name: 'months', label: 'In the last how many months?', kind: 'months' };
export const MAX_MONTHS = 36;

/** The rules a theme's criteria are made of: each with its parameters and the sentence it reads as. */
export const RULES = {
  cp_plan: {
    label: 'Child protection plan under a category',
    params: [
      { name: 'category', label: 'Category of abuse', kind: 'choice', options: CP_CATEGORIES.map((c) => ({ value: c, text: labelOf('categoryOfAbuse', c) ?? c })) },
      months,
    ] as Param[],
    brief: (c: AuditCriterion) => `Child protection plan: ${(labelOf('categoryOfAbuse', String(c.category)) ?? String(c.category)).toLowerCase()}`,
    describe: (c: AuditCriterion) => `A child protection plan under the category ${(labelOf('categoryOfAbuse', String(c.category)) ?? String(c.category)).toLowerCase()} (at the start or latest), open at some time in the last ${c.months} months`,
  },
  cin_plan: {
    label: 'Child in need plan',
    params: [months],
    brief: () => 'Child in need plan',
    describe: (c: AuditCriterion) => `A child in need plan open at some time in the last ${c.months} months`,
  },
  re_referral: {
    label: 'Re-referral',
    params: [months],
    brief: () => 'Re-referral within 12 months',
    describe: (c: AuditCriterion) => `Referred in the last ${c.months} months within 12 months of a previous referral`,
  },
  exploitation: {
    label: 'Exploitation risk assessment',
    params: [
      { name: 'kind', label: 'Kind of exploitation', kind: 'choice', options: Object.entries(EXPLOITATION_KINDS).map(([value, text]) => ({ value, text: text.charAt(0).toUpperCase() + text.slice(1) })) },
      { name: 'risk', label: 'Level of risk', kind: 'choice', options: Object.entries(RISK_LEVELS).map(([value, text]) => ({ value, text: text.charAt(0).toUpperCase() + text.slice(1) })) },
      months,
    ] as Param[],
    brief: (c: AuditCriterion) => `Exploitation risk assessment: ${EXPLOITATION_KINDS[c.kind as keyof typeof EXPLOITATION_KINDS]}`,
    describe: (c: AuditCriterion) => `An exploitation risk assessment for ${EXPLOITATION_KINDS[c.kind as keyof typeof EXPLOITATION_KINDS]} at ${RISK_LEVELS[c.risk as keyof typeof RISK_LEVELS]} in the last ${c.months} months`,
  },
  domestic_abuse: {
    label: 'Contact with a domestic abuse notification',
    params: [months],
    brief: () => 'Domestic abuse notification',
    describe: (c: AuditCriterion) => `A contact to the front door with a domestic abuse notification in the last ${c.months} months`,
  },
  missing: {
    label: 'Missing from home or care',
    params: [{ name: 'episodes', label: 'At least how many missing episodes?', kind: 'count', min: 1, max: 20 }, months] as Param[],
    brief: (c: AuditCriterion) => `Missing from home or care ${c.episodes} or more times`,
    describe: (c: AuditCriterion) => `Missing from home or care at least ${c.episodes} ${Number(c.episodes) === 1 ? 'time' : 'times'} in the last ${c.months} months`,
  },
} satisfies Record<string, { label: string; params: Param[]; brief: (c: AuditCriterion) => string; describe: (c: AuditCriterion) => string }>;
export type RuleCode = keyof typeof RULES;
export const RULE_CODES = Object.keys(RULES) as RuleCode[];
export const isRule = (v: unknown): v is RuleCode => typeof v === 'string' && Object.hasOwn(RULES, v);

const describeCriterion = (c: AuditCriterion) => (isRule(c.rule) ? RULES[c.rule].describe(c) : c.rule);

/** The criteria as a person checks them: a sentence a rule. */
export function describeCriteria(criteria: AuditCriteria): string[] {
  return criteria.rules.map(describeCriterion);
}

/**
 * Reads the criteria form: a checkbox `rules` per rule chosen, each rule's parameters as `<rule>-<param>`,
 * and `match` (all or any). Fields in errors are the inputs' names.
 */
export function parseCriteriaForm(input: Record<string, unknown>): AuditCriteria {
  const errors: FieldError[] = [];
  const chosen = ([] as unknown[]).concat(input.rules ?? []).filter(isRule);
  const rules: AuditCriterion[] = [];
  if (chosen.length === 0) errors.push({ field: 'rules', message: 'Select at least one rule a child must meet to be audited' });
  for (const code of RULE_CODES.filter((r) => chosen.includes(r))) {
    const criterion: AuditCriterion = { rule: code };
    for (const p of RULES[code].params) {
      const field = `${code}-${p.name}`;
      const raw = String(input[field] ?? '').trim();
      const what = `${RULES[code].label.toLowerCase()}`;
      if (p.kind === 'choice') {
        if (!p.options.some((o) => o.value === raw)) errors.push({ field, message: `Select the ${p.name === 'category' ? 'category of abuse' : p.name === 'kind' ? 'kind of exploitation' : 'level of risk'} for the ${what} rule` });
        else criterion[p.name] = raw;
      } else {
        const [min, max] = p.kind === 'months' ? [1, MAX_MONTHS] : [p.min, p.max];
        const noun = p.kind === 'months' ? 'number of months' : 'number of missing episodes';
        if (raw === '') errors.push({ field, message: `Enter the ${noun} for the ${what} rule` });
        else if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) errors.push({ field, message: `The ${noun} for the ${what} rule must be a whole number from ${min} to ${max}` });
        else criterion[p.name] = Number(raw);
      }
    }
    rules.push(criterion);
  }
  const match = input.match;
  if (chosen.length > 1 && match !== 'all' && match !== 'any') errors.push({ field: 'match', message: 'Select whether a child must meet all the rules or any one of them' });
  if (errors.length) throw new ValidationFailed(errors);
  return { match: match === 'any' ? 'any' : 'all', rules };
}

/** In a few words, the rules of the criteria a case met when it was drawn. */
export function matchedText(criteria: AuditCriteria, matched: string[]): string {
  return criteria.rules.filter((r) => isRule(r.rule) && matched.includes(r.rule)).map((r) => RULES[r.rule as RuleCode].brief(r)).join('; ');
}

/** The criteria as the form's values, to show them back. */
export function criteriaFormValues(criteria: AuditCriteria): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = { rules: criteria.rules.map((r) => r.rule), match: criteria.match };
  for (const r of criteria.rules) for (const [k, v] of Object.entries(r)) if (k !== 'rule') values[`${r.rule}-${k}`] = String(v);
  return values;
}

/** A form's parameter inputs for a rule, for the view. */
export function ruleParams(code: RuleCode) {
  return RULES[code].params.map((p) => ({ ...p, field: `${code}-${p.name}` }));
}
