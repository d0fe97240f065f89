import { describe, expect, it } from 'vitest';
import { describeGrades, gradesChartSvg } from './chart';
import type { MonthGrades } from './quality.service';

const month = (m: string, good: number, ri: number): MonthGrades => {
  const total = good + ri;
  return { month: m, counts: { outstanding: 0, good, requires_improvement: ri, inadequate: 0 }, total, goodOrBetter: total ? Math.round((good / total) * 100) : null };
};

describe('the grades chart', () => {
  const months = [month('2026-09', 8, 1), month('2026-10', 0, 0), month('2026-11', 3, 3)];

  it('says in words what it shows, months without audits included', () => {
    expect(describeGrades(months)).toBe('Audits graded good or better, September 2026 to November 2026. Latest 50% of 6 in November 2026; '
      + 'highest 89% of 9 in September 2026; lowest 50% of 6 in November 2026. 1 month has no completed audit.');
    expect(describeGrades([month('2026-11', 0, 0)])).toBe('Audits graded good or better, November 2026 to November 2026: no audit was completed.');
  });

  it('is an SVG image named by its title and described by its summary, with no inline style', () => {
    const svg = gradesChartSvg(months);
    const open = svg.slice(0, svg.indexOf('>'));
    expect(open).toContain('role="img"');
    expect(open).toContain('aria-labelledby="grades-chart-title"');
    expect(open).toContain('aria-describedby="grades-chart-desc"');
    expect(svg).toContain('<title id="grades-chart-title">Front door audits graded good or better, by month</title>');
    expect(svg).not.toMatch(/<style|style="/);
    // A bar for each month with audits, none for the month without.
    expect(svg.match(/<rect/g)?.length).toBe(2);
  });
});
