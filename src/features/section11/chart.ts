import * as Plot from '@observablehq/plot';
import { accessibleChart, chartDocument, chartFrame } from '../../platform/chart-svg';
import type { Comparison, CycleDistribution } from './comparison.service';
import { BANDS, BAND_LABELS, RATINGS, RATING_FILLS, ratingText, type Band } from './ratings';

const BAND_FILLS: Record<Band, string> = { good: '#00703c', requires_improvement: '#f47738', inadequate: '#d4351c' };

/** The key a sighted reader needs for the colours: each label with its fill, for the page to draw beside the chart. */
export function comparisonKey(c: Comparison) {
  return RATINGS[c.cycle.scoring].map((r) => ({ text: ratingText(r), fill: RATING_FILLS[r] }));
}
export const distributionKey = () => BANDS.map((b) => ({ text: BAND_LABELS[b], fill: BAND_FILLS[b] }));

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The comparison in words: returns in, and the standards most and least often below good. */
export function describeComparison(c: Comparison): string {
  const head = `${c.cycle.name}: ${c.submitted} of ${plural(c.invited, 'agency', 'agencies')} submitted ${c.submitted === 1 ? 'its return' : 'their returns'}.`;
  const answered = c.standards.filter((s) => s.answered > 0);
  if (!answered.length) return `${head} No standard has been rated yet.`;
  const worst = answered.reduce((a, b) => (b.belowGood > a.belowGood ? b : a));
  const allGood = answered.filter((s) => s.belowGood === 0);
  return `${head} `
    + (worst.belowGood ? `Most often below good: standard ${worst.number}, ${worst.title} (${worst.belowGood} of ${worst.answered}).` : 'Every rating is good or better.')
    + (allGood.length && worst.belowGood ? ` Good or better for every agency: ${allGood.map((s) => `standard ${s.number}`).join(', ')}.` : '');
}

/** How each standard was rated across the agencies of a cycle, as stacked bars, one a standard. */
export function comparisonChartSvg(c: Comparison, id = 'comparison-chart'): string {
  const document = chartDocument();
  const order = RATINGS[c.cycle.scoring];
  const data = c.standards.flatMap((s) => order.map((r) => ({ standard: `Standard ${s.number}`, rating: ratingText(r), count: s.counts[r] ?? 0, title: s.title })))
    .filter((d) => d.count > 0);
  const svg = Plot.plot({
    ...chartFrame(document, { height: 60 + c.standards.length * 32, marginLeft: 90 }),
    y: { type: 'band', label: null, domain: c.standards.map((s) => `Standard ${s.number}`), padding: 0.25 },
    x: { label: 'Agencies', domain: [0, Math.max(1, c.submitted)], grid: true, tickFormat: 'd', ticks: Math.min(10, Math.max(1, c.submitted)) },
    color: { type: 'ordinal', domain: order.map(ratingText), range: order.map((r) => RATING_FILLS[r]) },
    marks: [
      Plot.barX(data, Plot.stackX({
        y: 'standard', x: 'count', fill: 'rating', order: order.map(ratingText), stroke: 'white',
        title: (d: { standard: string; title: string; rating: string; count: number }) => `${d.standard}, ${d.title}: ${d.rating} for ${plural(d.count, 'agency', 'agencies')}`,
      })),
      Plot.ruleX([0]),
    ],
  }) as unknown as Element;
  return accessibleChart(svg, document, { id, title: `How agencies rated each standard, ${c.cycle.name}`, description: describeComparison(c) });
}

/** The cycles in words: the share good or better in each. */
export function describeDistribution(cycles: CycleDistribution[]): string {
  const rated = cycles.filter((c) => c.goodShare !== null);
  if (!rated.length) return 'No cycle has a submitted return yet.';
  return `Ratings good or better: ${rated.map((c) => `${c.goodShare}% in ${c.name} (${plural(c.total, 'rating')} from ${plural(c.submitted, 'return')})`).join('; ')}.`;
}

/** Each cycle's ratings as shares of good or better, requires improvement and inadequate, one bar a cycle. */
export function distributionChartSvg(cycles: CycleDistribution[], id = 'distribution-chart'): string {
  const document = chartDocument();
  const data = cycles.flatMap((c) => BANDS.map((b) => ({
    cycle: c.name, band: BAND_LABELS[b], count: c.bands[b], share: c.total ? (c.bands[b] / c.total) * 100 : 0,
  }))).filter((d) => d.count > 0);
  const svg = Plot.plot({
    ...chartFrame(document, { height: 60 + Math.max(1, cycles.length) * 40, marginLeft: 90 }),
    y: { type: 'band', label: null, domain: cycles.map((c) => c.name), padding: 0.25 },
    x: { label: 'Share of ratings (%)', domain: [0, 100], grid: true },
    color: { type: 'ordinal', domain: BANDS.map((b) => BAND_LABELS[b]), range: BANDS.map((b) => BAND_FILLS[b]) },
    marks: [
      Plot.barX(data, Plot.stackX({
        y: 'cycle', x: 'share', fill: 'band', order: BANDS.map((b) => BAND_LABELS[b]), stroke: 'white',
        title: (d: { cycle: string; band: string; count: number; share: number }) => `${d.cycle}: ${d.band}, ${plural(d.count, 'rating')} (${Math.round(d.share)}%)`,
      })),
      Plot.ruleX([0]),
    ],
  }) as unknown as Element;
  return accessibleChart(svg, document, { id, title: 'Section 11 ratings by cycle', description: describeDistribution(cycles) });
}
