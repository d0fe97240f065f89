/**
 * The indicators across every partnership on one platform (a regional or national deployment), for its
 * operator: each partnership's figures computed by the same engine as its own scorecard (month cache and
 * all), then added up. Counts add, since every record belongs to one partnership and a child known to
 * two local authorities is two children in their returns as in England's published totals. A percentage
 * is the sum of its numerators over the sum of its denominators (never an average of percentages); a rate
 * per 10,000 is over the sum of the populations, and unknown when any partnership's population is.
 */
import type { Db } from '../../db/create-db';
import { listPartnerships } from '../partnerships/partnerships.service';
import { INDICATOR_CODES, type IndicatorValues, type Period } from './indicator-codes';
import { INDICATOR_SPECS, checkPeriod, computeIndicators, ratio } from './indicators.service';

/** Several partnerships' values of every code as one set of values, by the rules above. */
export function combineIndicators(parts: readonly IndicatorValues[]): IndicatorValues {
  const out = {} as IndicatorValues;
  for (const code of INDICATOR_CODES) {
    const spec = INDICATOR_SPECS[code];
    const numerator = parts.reduce((s, p) => s + (p[code].numerator ?? 0), 0);
    if (spec.kind === 'count') {
      out[code] = { value: numerator, numerator, denominator: null };
      continue;
    }
    const denominators = parts.map((p) => p[code].denominator);
    const denominator = denominators.some((d) => d === null) ? null : denominators.reduce<number>((s, d) => s + d!, 0);
    out[code] = { value: ratio(numerator, denominator, spec.kind === 'percent' ? 100 : 10_000), numerator, denominator };
  }
  return out;
}

export type NationalIndicators = Period & {
  partnerships: number;
  /** LA codes of the partnerships with no child population for the period, which leave the rates unknown. */
  withoutPopulation: string[];
  indicators: IndicatorValues;
};

/**
 * Every partnership's indicators for the period, one after another (each runs its own queries side by
 * side), added up. `onPartnership` hears of each as it is done, with the time it took.
 */
export async function nationalIndicators(db: Db, period: Period,
  opts: { onPartnership?: (p: { id: number; laCode: string; values: IndicatorValues; ms: number }) => void } = {}): Promise<NationalIndicators> {
  checkPeriod(period);
  const partnerships = await listPartnerships(db);
  const parts: IndicatorValues[] = [];
  const withoutPopulation: string[] = [];
  for (const p of partnerships) {
    const started = performance.now();
    const values = await computeIndicators(db, { partnershipId: p.id, ...period });
    parts.push(values);
    if (values.referrals_rate_per_10k.denominator === null) withoutPopulation.push(p.la_code);
    opts.onPartnership?.({ id: p.id, laCode: p.la_code, values, ms: performance.now() - started });
  }
  return { ...period, partnerships: partnerships.length, withoutPopulation, indicators: combineIndicators(parts) };
}
