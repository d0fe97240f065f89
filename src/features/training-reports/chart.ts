import * as Plot from '@observablehq/plot';
import { accessibleChart, chartDocument, chartFrame } from '../../platform/chart-svg';
import type { AgencyTypeParticipants, MonthFigures, ThemeScores } from './aggregate';

const BRAND = '#1d70b8';
const PALE = '#5694ca';
const DARK = '#003078';
const monthFormat = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const shortMonth = new Intl.DateTimeFormat('en-GB', { month: 'short', timeZone: 'UTC' });
const monthDate = (month: string) => new Date(`${month}-01T00:00:00Z`);
export const monthName = (month: string) => monthFormat.format(monthDate(month));
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;

/** The monthly chart in words: the span, the total, the busiest and quietest months. */
export function describeMonths(months: MonthFigures[]): string {
  if (!months.length) return 'No months to show.';
  const span = `Participants in training by month, ${monthName(months[0]!.month)} to ${monthName(months.at(-1)!.month)}`;
  const total = months.reduce((n, m) => n + m.participants, 0);
  if (!total) return `${span}: no sessions were delivered.`;
  const busiest = months.reduce((a, b) => (b.participants > a.participants ? b : a));
  const quietest = months.reduce((a, b) => (b.participants < a.participants ? b : a));
  return `${span}: ${plural(total, 'participant')} in all. Most in ${monthName(busiest.month)} (${plural(busiest.participants, 'participant')}); fewest in ${monthName(quietest.month)} (${plural(quietest.participants, 'participant')}).`;
}

/** Participants each month as bars, with the sessions delivered in each bar's title. */
export function monthsChartSvg(months: MonthFigures[], id = 'months-chart'): string {
  const document = chartDocument();
  const data = months.map((m) => ({ label: `${shortMonth.format(monthDate(m.month))} ${m.month.slice(2, 4)}`, ...m }));
  const svg = Plot.plot({
    ...chartFrame(document),
    x: { type: 'band', label: null, domain: data.map((d) => d.label), padding: 0.2 },
    y: { label: 'Participants', grid: true, zero: true, nice: true, tickFormat: ',d', domain: data.some((d) => d.participants) ? undefined : [0, 10] },
    marks: [
      Plot.barY(data, { x: 'label', y: 'participants', fill: BRAND, title: (d: MonthFigures) => `${monthName(d.month)}: ${plural(d.participants, 'participant')}, ${plural(d.sessions, 'session')}` }),
      Plot.ruleY([0]),
    ],
  }) as unknown as Element;
  return accessibleChart(svg, document, { id, title: 'Participants in training by month', description: describeMonths(months) });
}

/** The confidence chart in words: each theme's mean before and after, largest rise first. */
export function describeConfidence(themes: ThemeScores[]): string {
  const known = themes.filter((t) => t.meanConfidenceBefore !== null && t.meanConfidenceAfter !== null);
  if (!known.length) return 'No evaluations give confidence before and after a course yet.';
  const ordered = [...known].sort((a, b) => (b.uplift ?? 0) - (a.uplift ?? 0));
  return `Mean confidence out of 5 before and after training, by theme. ${ordered.map((t) => `${t.label}: ${t.meanConfidenceBefore} before, ${t.meanConfidenceAfter} after`
    + (t.meanConfidenceNow !== null ? `, ${t.meanConfidenceNow} some weeks later` : '')).join('; ')}.`;
}

/** For each theme, mean confidence before (pale) and after (dark) the course joined by a line, and some weeks later (ring). */
export function confidenceChartSvg(themes: ThemeScores[], id = 'confidence-chart'): string {
  const document = chartDocument();
  const known = themes.filter((t) => t.meanConfidenceBefore !== null && t.meanConfidenceAfter !== null);
  const svg = Plot.plot({
    ...chartFrame(document, { height: Math.max(140, 34 * known.length + 60), marginLeft: 250 }),
    x: { label: 'Mean confidence (1 to 5)', domain: [1, 5], grid: true, ticks: 5 },
    y: { label: null, domain: known.map((t) => t.label), padding: 0.5 },
    marks: [
      Plot.link(known, { x1: 'meanConfidenceBefore', x2: 'meanConfidenceAfter', y1: 'label', y2: 'label', stroke: '#b1b4b6', strokeWidth: 3 }),
      Plot.dot(known, { x: 'meanConfidenceBefore', y: 'label', fill: PALE, r: 6, title: (t: ThemeScores) => `${t.label}: ${t.meanConfidenceBefore} before` }),
      Plot.dot(known, { x: 'meanConfidenceAfter', y: 'label', fill: DARK, r: 6, title: (t: ThemeScores) => `${t.label}: ${t.meanConfidenceAfter} after` }),
      Plot.dot(known.filter((t) => t.meanConfidenceNow !== null), { x: 'meanConfidenceNow', y: 'label', stroke: DARK, strokeWidth: 2, r: 9,
        title: (t: ThemeScores) => `${t.label}: ${t.meanConfidenceNow} some weeks later` }),
    ],
  }) as unknown as Element;
  return accessibleChart(svg, document, { id, title: 'Confidence before and after training, by theme', description: describeConfidence(themes) });
}

export function describeAgencyTypes(types: AgencyTypeParticipants[]): string {
  if (!types.length) return 'No participants in the period.';
  return `Participants by kind of agency: ${types.map((t) => `${t.label} ${plural(t.participants, 'participant')} (${t.pct}%)`).join('; ')}.`;
}

/** Participants by kind of agency, as horizontal bars, largest first. */
export function agencyTypesChartSvg(types: AgencyTypeParticipants[], id = 'agency-types-chart'): string {
  const document = chartDocument();
  const svg = Plot.plot({
    ...chartFrame(document, { height: Math.max(120, 34 * types.length + 50), marginLeft: 200 }),
    x: { label: 'Participants', grid: true, zero: true, nice: true, tickFormat: ',d', domain: types.length ? undefined : [0, 10] },
    y: { label: null, domain: types.map((t) => t.label), padding: 0.2 },
    marks: [
      Plot.barX(types, { x: 'participants', y: 'label', fill: BRAND, title: (t: AgencyTypeParticipants) => `${t.label}: ${plural(t.participants, 'participant')} (${t.pct}%)` }),
      Plot.ruleX([0]),
    ],
  }) as unknown as Element;
  return accessibleChart(svg, document, { id, title: 'Participants by kind of agency', description: describeAgencyTypes(types) });
}
