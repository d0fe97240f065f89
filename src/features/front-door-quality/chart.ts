import * as Plot from '@observablehq/plot';
import { accessibleChart, chartDocument, chartFrame } from '../../platform/chart-svg';
import type { MonthGrades } from './quality.service';

const BRAND = '#1d70b8';
const monthFormat = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const shortMonth = new Intl.DateTimeFormat('en-GB', { month: 'short', timeZone: 'UTC' });
const monthDate = (month: string) => new Date(`${month}-01T00:00:00Z`);
export const monthName = (month: string) => monthFormat.format(monthDate(month));

/** The chart in one sentence, for a screen reader: the span, the latest month with audits, the best and worst. */
export function describeGrades(months: MonthGrades[]): string {
  if (!months.length) return 'No months to show.';
  const span = `Audits graded good or better, ${monthName(months[0]!.month)} to ${monthName(months.at(-1)!.month)}`;
  const known = months.filter((m): m is MonthGrades & { goodOrBetter: number } => m.goodOrBetter !== null);
  if (!known.length) return `${span}: no audit was completed.`;
  const at = (m: MonthGrades & { goodOrBetter: number }) => `${m.goodOrBetter}% of ${m.total} in ${monthName(m.month)}`;
  const best = known.reduce((a, b) => (b.goodOrBetter > a.goodOrBetter ? b : a));
  const worst = known.reduce((a, b) => (b.goodOrBetter < a.goodOrBetter ? b : a));
  const none = months.length - known.length;
  return `${span}. Latest ${at(known.at(-1)!)}; highest ${at(best)}; lowest ${at(worst)}.`
    + (none ? ` ${none} month${none === 1 ? ' has' : 's have'} no completed audit.` : '');
}

/**
 * The share of each month's completed audits graded good or better, as bars, drawn on the server as the
 * dashboard's trend chart is (see accessibleChart). A month without audits has no bar, not a zero.
 */
export function gradesChartSvg(months: MonthGrades[], id = 'grades-chart'): string {
  const document = chartDocument();
  const data = months.map((m) => ({ label: `${shortMonth.format(monthDate(m.month))} ${m.month.slice(2, 4)}`, ...m }));
  const svg = Plot.plot({
    ...chartFrame(document),
    x: { type: 'band', label: null, domain: data.map((d) => d.label), padding: 0.2 },
    y: { label: 'Good or better (%)', domain: [0, 100], grid: true },
    marks: [
      Plot.barY(data.filter((d) => d.goodOrBetter !== null), {
        x: 'label', y: 'goodOrBetter', fill: BRAND,
        title: (d: MonthGrades) => `${monthName(d.month)}: ${d.goodOrBetter}% of ${d.total} good or better`,
      }),
      Plot.ruleY([0]),
    ],
  }) as unknown as Element;
  return accessibleChart(svg, document, { id, title: 'Front door audits graded good or better, by month', description: describeGrades(months) });
}
