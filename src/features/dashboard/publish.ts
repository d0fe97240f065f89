import type { IndicatorCode, IndicatorValues } from '../indicators/indicator-codes';
import { DEFAULT_SUPPRESSION, suppressIndicators, type Published } from '../indicators/suppression';
import type { Scorecard } from './scorecard';

export type ShownFigures = { current: Published; previous: Published; change: Published };

/**
 * The scorecard's figures as an export shows them. Exact unless published; published, each period is
 * suppressed on its own as indicators.md says, and a change is hidden with either of its periods, since
 * one period and the change give the other back.
 */
export function publishedFigures(card: Scorecard, publish: boolean): Record<IndicatorCode, ShownFigures> {
  const exact = (which: 'current' | 'previous') => Object.fromEntries(card.rows.map((r) => [r.code, r[which]])) as IndicatorValues;
  const current = publish ? suppressIndicators(exact('current')) : null;
  const previous = publish ? suppressIndicators(exact('previous')) : null;
  return Object.fromEntries(card.rows.map((r) => {
    const now = current ? current[r.code].value : r.current.value;
    const before = previous ? previous[r.code].value : r.previous.value;
    const hidden = typeof now === 'string' || typeof before === 'string';
    return [r.code, { current: now, previous: before, change: hidden ? DEFAULT_SUPPRESSION.symbol : r.change }];
  })) as Record<IndicatorCode, ShownFigures>;
}
