import { describe, expect, it } from 'vitest';
import { comparisonChartSvg, describeComparison, describeDistribution, distributionChartSvg } from './chart';
import type { Comparison, CycleDistribution } from './comparison.service';

const comparison = (counts: Record<string, number>[]): Comparison => ({
  cycle: { id: 1, name: '2025–26', openDate: '2025-10-01', dueDate: '2026-01-31', scoring: 'score', status: 'open', agencyIds: [], openedAt: null, closedAt: null },
  standards: counts.map((c, i) => {
    const answered = Object.values(c).reduce((a, b) => a + b, 0);
    return { standardId: i + 1, number: i + 1, title: `Standard title ${i + 1}`, counts: { 4: 0, 3: 0, 2: 0, 1: 0, ...c }, answered, belowGood: (c[2] ?? 0) + (c[1] ?? 0) };
  }),
  agencies: [], cells: {}, invited: 4, submitted: 3,
});

describe('the Section 11 charts', () => {
  it('say in words what they show', () => {
    const c = comparison([{ 3: 3 }, { 3: 1, 2: 2 }, { 4: 1, 1: 2 }]);
    expect(describeComparison(c)).toBe('2025–26: 3 of 4 agencies submitted their returns. Most often below good: standard 2, Standard title 2 (2 of 3). Good or better for every agency: standard 1.');
    expect(describeComparison(comparison([{}, {}]))).toBe('2025–26: 3 of 4 agencies submitted their returns. No standard has been rated yet.');
    expect(describeComparison(comparison([{ 3: 2 }]))).toContain('Every rating is good or better.');
    const cycles: CycleDistribution[] = [
      { cycleId: 1, name: '2023–24', scoring: 'rag', invited: 5, submitted: 5, bands: { good: 30, requires_improvement: 8, inadequate: 2 }, total: 40, goodShare: 75 },
      { cycleId: 2, name: '2025–26', scoring: 'score', invited: 5, submitted: 0, bands: { good: 0, requires_improvement: 0, inadequate: 0 }, total: 0, goodShare: null },
    ];
    expect(describeDistribution(cycles)).toBe('Ratings good or better: 75% in 2023–24 (40 ratings from 5 returns).');
    expect(describeDistribution([cycles[1]!])).toBe('No cycle has a submitted return yet.');
  });

  it('are SVG images named by their title and described by their summary, with no inline style, a bar segment for each rating given', () => {
    const svg = comparisonChartSvg(comparison([{ 3: 3 }, { 3: 1, 2: 2 }]));
    const open = svg.slice(0, svg.indexOf('>'));
    expect(open).toContain('role="img"');
    expect(open).toContain('aria-labelledby="comparison-chart-title"');
    expect(svg).toContain('<title id="comparison-chart-title">How agencies rated each standard, 2025–26</title>');
    expect(svg).not.toMatch(/<style|style="/);
    expect(svg.match(/<rect/g)?.length).toBe(3);
    const bands = distributionChartSvg([{ cycleId: 1, name: '2023–24', scoring: 'rag', invited: 5, submitted: 5, bands: { good: 30, requires_improvement: 10, inadequate: 0 }, total: 40, goodShare: 75 }]);
    expect(bands).toContain('<title id="distribution-chart-title">Section 11 ratings by cycle</title>');
    expect(bands.match(/<rect/g)?.length).toBe(2);
  });
});
