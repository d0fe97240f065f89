import * as Plot from '@observablehq/plot';
import { accessibleChart, chartDocument, chartFrame } from '../../platform/chart-svg';
import type { IndicatorKind } from '../indicators/indicator-codes';

export type TrendPoint = { month: string /* YYYY-MM */; value: number | null };
export type ChartOptions = { title: string; yLabel: string; kind: IndicatorKind; /** Prefix of the ids the SVG's title and description take: unique on the page. */ id?: string };

const BRAND = '#1d70b8'; // GOV.UK brand blue: the line and dots stand out from the black axes.
const monthFormat = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const numberFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

const monthDate = (month: string) => new Date(`${month}-01T00:00:00Z`);
export const monthName = (month: string) => monthFormat.format(monthDate(month));

function spokenValue(value: number | null, kind: IndicatorKind): string {
  if (value === null) return 'no value';
  const n = numberFormat.format(value);
  return kind === 'percent' ? `${n}%` : kind === 'rate_per_10k' ? `${n} per 10,000 children` : n;
}

/** One sentence a screen reader can take in instead of the picture: the span, the latest, highest and lowest. */
export function describeTrend(points: TrendPoint[], { title, kind }: ChartOptions): string {
  if (points.length === 0) return `${title}: no months to show.`;
  const span = `${title}, ${monthName(points[0]!.month)} to ${monthName(points.at(-1)!.month)}`;
  const known = points.filter((p): p is { month: string; value: number } => p.value !== null);
  if (known.length === 0) return `${span}: no month has a value.`;
  const at = (p: { month: string; value: number }) => `${spokenValue(p.value, kind)} in ${monthName(p.month)}`;
  // The first month reaching the extreme: a flat series names its start, not an arbitrary month.
  const highest = known.reduce((a, b) => (b.value > a.value ? b : a));
  const lowest = known.reduce((a, b) => (b.value < a.value ? b : a));
  const gaps = points.length - known.length;
  return `${span}. Latest ${at(known.at(-1)!)}; highest ${at(highest)}; lowest ${at(lowest)}.`
    + (gaps ? ` ${gaps} month${gaps === 1 ? ' has' : 's have'} no value.` : '');
}

/**
 * The monthly trend as an SVG string, drawn by Observable Plot on the server (see accessibleChart for
 * what makes it fit for the page). A month without a value (a rate with no population, say) leaves a
 * gap in the line rather than a zero.
 */
export function trendChartSvg(points: TrendPoint[], options: ChartOptions): string {
  const document = chartDocument();
  const data = points.map((p) => ({ date: monthDate(p.month), month: p.month, value: p.value }));
  const known = data.filter((d) => d.value !== null);
  const svg = Plot.plot({
    ...chartFrame(document, { height: 320 }),
    x: {
      type: 'utc',
      label: null,
      // A tick every third month keeps 24 labels from running into each other.
      ticks: '3 months',
      tickFormat: (d: Date) => `${d.toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' })} ${d.getUTCFullYear()}`,
      domain: data.length ? [data[0]!.date, data.at(-1)!.date] : undefined,
    },
    y: {
      label: options.yLabel,
      grid: true,
      zero: true,
      nice: true,
      domain: known.length ? undefined : [0, 1],
      tickFormat: options.kind === 'count' ? ',d' : ',.1~f',
    },
    marks: [
      Plot.lineY(data, { x: 'date', y: 'value', stroke: BRAND, strokeWidth: 2 }),
      Plot.dot(known, {
        x: 'date', y: 'value', fill: BRAND, r: 3.5,
        title: (d: { month: string; value: number }) => `${monthName(d.month)}: ${spokenValue(d.value, options.kind)}`,
      }),
    ],
  }) as unknown as Element;
  return accessibleChart(svg, document, { id: options.id ?? 'trend-chart', title: options.title, description: describeTrend(points, options) });
}
