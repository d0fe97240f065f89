import * as Plot from '@observablehq/plot';
import { accessibleChart, chartDocument, chartFrame } from '../../platform/chart-svg';
import type { AgencyAttendance } from './meetings.service';

const BRAND = '#1d70b8';

/** The chart in words, for a screen reader: each agency's meetings attended of those it was expected at. */
export function describeAttendance(rows: AgencyAttendance[], period: string): string {
  if (!rows.length) return `No meetings with recorded attendance, ${period}.`;
  return `Meetings attended by each agency, ${period}: `
    + rows.map((r) => `${r.agency} ${r.attended} of ${r.meetings} (${r.rate}%)`).join('; ') + '.';
}

/** Each agency's attendance as a share of the meetings it was expected at, as horizontal bars, drawn on the server. */
export function attendanceChartSvg(rows: AgencyAttendance[], period: string, id = 'attendance-chart'): string {
  const document = chartDocument();
  const svg = Plot.plot({
    ...chartFrame(document, { height: 60 + 36 * Math.max(rows.length, 1), marginLeft: 240, marginRight: 24 }),
    x: { label: 'Meetings attended (%)', domain: [0, 100], grid: true },
    y: { label: null, domain: rows.map((r) => r.agency), padding: 0.25 },
    marks: [
      Plot.barX(rows, { y: 'agency', x: 'rate', fill: BRAND, title: (r: AgencyAttendance) => `${r.agency}: ${r.attended} of ${r.meetings} meetings` }),
      Plot.ruleX([0]),
    ],
  }) as unknown as Element;
  return accessibleChart(svg, document, { id, title: `Attendance by agency, ${period}`, description: describeAttendance(rows, period) });
}
