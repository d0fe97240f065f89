import { describe, expect, it } from 'vitest';
import { describeRoundGrades, roundGradesChartSvg } from './chart';
import type { RoundGrades } from './results.service';
import { gradeOptions } from './tool';

const round = (plannedDate: string, counts: Record<string, number>): RoundGrades => {
  const total = Object.values(counts).reduce((s, n) => s + n, 0);
  const good = (counts.outstanding ?? 0) + (counts.good ?? 0);
  return { roundId: plannedDate, reference: `MAA Neglect ${plannedDate.slice(0, 7)}`, plannedDate, counts, total, goodOrBetter: total ? Math.round((good / total) * 100) : null };
};

describe('the round grades chart', () => {
  const rounds = [
    round('2025-12-10', { outstanding: 0, good: 1, requires_improvement: 4, inadequate: 1 }),
    round('2026-04-10', { outstanding: 0, good: 3, requires_improvement: 3, inadequate: 0 }),
    round('2026-08-10', { outstanding: 1, good: 4, requires_improvement: 1, inadequate: 0 }),
  ];

  it('says in words what it shows: the first and latest share good or better', () => {
    expect(describeRoundGrades('Neglect', rounds)).toBe('Moderated grades of 3 completed rounds of the Neglect audit. '
      + 'First, 17% of 6 cases good or better in December 2025; latest, 83% of 6 cases good or better in August 2026.');
    expect(describeRoundGrades('Neglect', [rounds[0]!])).toBe('Moderated grades of 1 completed round of the Neglect audit. 17% of 6 cases good or better in December 2025.');
    expect(describeRoundGrades('Neglect', [round('2026-01-10', {})])).toBe('No completed round of the Neglect audit has moderated grades yet.');
  });

  it('is an SVG image named and described, a stacked bar segment for each grade given in each round, no inline style', () => {
    const svg = roundGradesChartSvg('Neglect', gradeOptions('ofsted', []), rounds);
    const open = svg.slice(0, svg.indexOf('>'));
    expect(open).toContain('role="img"');
    expect(open).toContain('aria-labelledby="round-grades-chart-title"');
    expect(svg).toContain('<title id="round-grades-chart-title">Moderated grades by round: Neglect</title>');
    expect(svg).not.toMatch(/<style|style="/);
    // 3 + 2 + 3 grades with cases, each a segment with its count as a tooltip.
    expect(svg.match(/<rect/g)?.length).toBe(8);
    expect(svg).toContain('Requires improvement: 4 of 6 cases');
    // Best grade green, worst red.
    expect(svg).toContain('fill="#00703c"');
    expect(svg).toContain('fill="#d4351c"');
  });
});
