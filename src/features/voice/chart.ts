import * as Plot from '@observablehq/plot';
import { VOICE_THEMES } from '../../domain/voice';
import { accessibleChart, chartDocument, chartFrame } from '../../platform/chart-svg';
import type { ThemeCount } from './voice.service';

const BRAND = '#1d70b8';
const LIGHT = '#8eb8dc';

/** The chart in one sentence, for a screen reader: the total and the themes heard most and least. */
export function describeThemes(counts: ThemeCount[]): string {
  const heard = counts.filter((c) => c.entries > 0);
  if (!heard.length) return 'No entries match, so no theme has any.';
  const most = heard.reduce((a, b) => (b.entries > a.entries ? b : a));
  const least = heard.reduce((a, b) => (b.entries < a.entries ? b : a));
  const silent = counts.length - heard.length;
  return `Entries by theme. Most: ${VOICE_THEMES[most.theme]}, ${most.entries}; fewest: ${VOICE_THEMES[least.theme]}, ${least.entries}.`
    + (silent ? ` ${silent} theme${silent === 1 ? ' has' : 's have'} no entry.` : '');
}

/**
 * Entries by theme as horizontal bars, the part that may be published darker: where children have been
 * heard, and where the partnership has little to show for it. Drawn on the server (see accessibleChart).
 */
export function themesChartSvg(counts: ThemeCount[], id = 'themes-chart'): string {
  const document = chartDocument();
  const data = counts.map((c) => ({ label: VOICE_THEMES[c.theme], ...c }));
  const parts = data.flatMap((d) => [
    { label: d.label, part: 'May be published', n: d.publishable },
    { label: d.label, part: 'Internal only', n: d.entries - d.publishable },
  ]).filter((p) => p.n > 0);
  const svg = Plot.plot({
    ...chartFrame(document, { height: 40 + data.length * 28, marginLeft: 280, marginBottom: 40 }),
    y: { label: null, domain: data.map((d) => d.label), padding: 0.25 },
    x: { label: 'Entries', grid: true, tickFormat: 'd' },
    color: { domain: ['May be published', 'Internal only'], range: [BRAND, LIGHT] },
    marks: [
      Plot.barX(parts, Plot.stackX({ y: 'label', x: 'n', fill: 'part', order: ['May be published', 'Internal only'] })),
      Plot.ruleX([0]),
    ],
  }) as unknown as Element;
  return accessibleChart(svg, document, { id, title: 'Entries by theme, the part that may be published in darker blue', description: describeThemes(counts) });
}
