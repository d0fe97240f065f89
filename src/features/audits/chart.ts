import * as Plot from '@observablehq/plot';
import { accessibleChart, chartDocument, chartFrame } from '../../platform/chart-svg';
import { monthText } from './forms';
import type { RoundGrades } from './results.service';
import type { GradeOption } from './tool';

/** Best to worst: GOV.UK green, a lighter green, orange and red, the colours a RAG reader expects. */
export const GRADE_COLOURS = ['#00703c', '#85994b', '#f47738', '#d4351c'];

const shortMonth = new Intl.DateTimeFormat('en-GB', { month: 'short', year: '2-digit', timeZone: 'UTC' });
const roundLabel = (r: RoundGrades) => shortMonth.format(new Date(`${r.plannedDate.slice(0, 7)}-01T12:00:00Z`));

/** The chart in a few sentences, for a screen reader: the rounds, the first and the latest share good or better. */
export function describeRoundGrades(theme: string, rounds: RoundGrades[]): string {
  const graded = rounds.filter((r): r is RoundGrades & { goodOrBetter: number } => r.goodOrBetter !== null);
  if (!graded.length) return `No completed round of the ${theme} audit has moderated grades yet.`;
  const at = (r: RoundGrades & { goodOrBetter: number }) => `${r.goodOrBetter}% of ${r.total} cases good or better in ${monthText(r.plannedDate)}`;
  const first = graded[0]!;
  const last = graded.at(-1)!;
  return `Moderated grades of ${graded.length} completed ${graded.length === 1 ? 'round' : 'rounds'} of the ${theme} audit. `
    + (graded.length === 1 ? `${at(last)}.` : `First, ${at(first)}; latest, ${at(last)}.`);
}

/**
 * Each completed round's moderated grades as one bar of 100%, stacked best at the bottom, so that a shift
 * from requires improvement to good shows as green rising round by round. The legend and the counts are
 * the page's (a table beside the chart); the bars carry their figures as tooltips.
 */
export function roundGradesChartSvg(theme: string, options: GradeOption[], rounds: RoundGrades[], id = 'round-grades-chart'): string {
  const document = chartDocument();
  const order = options.map((o) => o.text);
  const data = rounds.flatMap((r) => options.map((o) => ({
    label: roundLabel(r), grade: o.text, n: r.counts[o.value] ?? 0, total: r.total,
    share: r.total ? ((r.counts[o.value] ?? 0) / r.total) * 100 : 0,
  }))).filter((d) => d.n > 0);
  const svg = Plot.plot({
    ...chartFrame(document),
    x: { type: 'band', label: null, domain: rounds.map(roundLabel), padding: 0.25 },
    y: { label: 'Cases (%)', domain: [0, 100], grid: true },
    color: { type: 'ordinal', domain: order, range: GRADE_COLOURS },
    marks: [
      Plot.barY(data, {
        x: 'label', y: 'share', fill: 'grade', order,
        title: (d: (typeof data)[number]) => `${d.grade}: ${d.n} of ${d.total} cases`,
      }),
      Plot.ruleY([0]),
    ],
  }) as unknown as Element;
  return accessibleChart(svg, document, { id, title: `Moderated grades by round: ${theme}`, description: describeRoundGrades(theme, rounds) });
}
