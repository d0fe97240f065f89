import { describe, expect, it } from 'vitest';
import {
  NO_SUMS, addSums, byAgencyType, fillMonths, monthsBetween, percent, ratio, scoresByCourse, scoresByTheme, scoresOf, totalScores,
  type CourseSums, type ScoreSums,
} from './aggregate';

/** Sums as SQL would give them for these responses: [overall, outcomes met, before, after] each, and impact "confidence now" answers. */
function sumsOf(responses: [number | null, 'yes' | 'partly' | 'no' | null, number | null, number | null][], now: (number | null)[] = []): ScoreSums {
  const s = { ...NO_SUMS };
  for (const [overall, met, before, after] of responses) {
    s.responses += 1;
    if (overall !== null) { s.overallSum += overall; s.overallCount += 1; }
    if (met !== null) { s.outcomesAnswered += 1; if (met === 'yes') s.outcomesMet += 1; }
    if (before !== null) { s.beforeSum += before; s.beforeCount += 1; }
    if (after !== null) { s.afterSum += after; s.afterCount += 1; }
    if (before !== null && after !== null) { s.upliftSum += after - before; s.upliftCount += 1; }
  }
  for (const n of now) {
    s.impactResponses += 1;
    if (n !== null) { s.nowSum += n; s.nowCount += 1; }
  }
  return s;
}

const neglect: CourseSums = { courseId: 'c1', title: 'Neglect', themes: ['neglect'], sums: sumsOf([[5, 'yes', 2, 4], [4, 'partly', 3, 4], [3, 'yes', 2, 3]], [4, 3]) };
const exploitation: CourseSums = { courseId: 'c2', title: 'Exploitation and missing', themes: ['exploitation', 'neglect'], sums: sumsOf([[4, 'no', 1, 4], [null, null, null, 5]], [4]) };
const empty: CourseSums = { courseId: 'c3', title: 'Allegations', themes: [], sums: NO_SUMS };

describe('training report arithmetic', () => {
  it('rounds to one decimal place and has no value without a denominator', () => {
    expect(ratio(1, 3)).toBe(0.3);
    expect(ratio(2, 3)).toBe(0.7);
    expect(ratio(0.25, 1)).toBe(0.3);
    expect(ratio(-0.25, 1)).toBe(-0.3);
    expect(percent(17, 20)).toBe(85);
    expect(percent(1, 7)).toBe(14.3);
    expect(percent(0, 0)).toBeNull();
  });

  it('gives a course its means, % outcomes met and confidence uplift from the answers given', () => {
    expect(scoresOf(neglect.sums)).toEqual({
      responses: 3, meanOverall: 4, outcomesMetPct: 66.7, meanConfidenceBefore: 2.3, meanConfidenceAfter: 3.7, uplift: 1.3,
      impactResponses: 2, meanConfidenceNow: 3.5,
    });
    // A blank answer is left out of its mean, and the uplift is of the one response with both.
    expect(scoresOf(exploitation.sums)).toEqual({
      responses: 2, meanOverall: 4, outcomesMetPct: 0, meanConfidenceBefore: 1, meanConfidenceAfter: 4.5, uplift: 3,
      impactResponses: 1, meanConfidenceNow: 4,
    });
    expect(scoresOf(NO_SUMS)).toEqual({
      responses: 0, meanOverall: null, outcomesMetPct: null, meanConfidenceBefore: null, meanConfidenceAfter: null, uplift: null,
      impactResponses: 0, meanConfidenceNow: null,
    });
  });

  it('lists courses by title', () => {
    expect(scoresByCourse([neglect, exploitation, empty]).map((c) => c.title)).toEqual(['Allegations', 'Exploitation and missing', 'Neglect']);
  });

  it('rolls a course into each of its themes, in the order of the learning themes, and each response once into the total', () => {
    const themes = scoresByTheme([neglect, exploitation, empty]);
    expect(themes.map((t) => [t.theme, t.label, t.courses, t.responses])).toEqual([
      ['neglect', 'Neglect', 2, 5],
      ['exploitation', 'Child exploitation (sexual and criminal)', 1, 2],
    ]);
    // Neglect: the five responses of both courses; outcomes met 2 of the 4 who answered; before 2,3,2,1 → 2; after 4,4,3,4,5 → 4; uplift of the four pairs (2+1+1+3)/4.
    expect(themes[0]).toMatchObject({ meanOverall: 4, outcomesMetPct: 50, meanConfidenceBefore: 2, meanConfidenceAfter: 4, uplift: 1.8, impactResponses: 3, meanConfidenceNow: 3.7 });
    expect(totalScores([neglect, exploitation, empty])).toEqual(scoresOf(addSums(neglect.sums, exploitation.sums)));
    expect(totalScores([neglect, exploitation]).responses).toBe(5);
  });

  it('names a theme no longer in the list by its code, after the others', () => {
    const themes = scoresByTheme([{ ...empty, themes: ['retired_theme'] }, { ...empty, courseId: 'x', themes: ['online_harm'] }]);
    expect(themes.map((t) => t.label)).toEqual(['Online harm', 'retired_theme']);
  });

  it('counts a theme listed twice on one course once', () => {
    expect(scoresByTheme([{ ...neglect, themes: ['neglect', 'neglect'] }])[0]).toMatchObject({ courses: 1, responses: 3 });
  });

  it('lists the months of a period, across a year end, with empty months as zeros', () => {
    expect(monthsBetween('2025-11-15', '2026-02-01')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2025-04-01', '2026-03-31')).toHaveLength(12);
    expect(fillMonths('2025-11-01', '2026-01-31', [{ month: '2025-12', sessions: 2, faceToFace: 1, participants: 30 }])).toEqual([
      { month: '2025-11', sessions: 0, faceToFace: 0, participants: 0 },
      { month: '2025-12', sessions: 2, faceToFace: 1, participants: 30 },
      { month: '2026-01', sessions: 0, faceToFace: 0, participants: 0 },
    ]);
  });

  it('adds agencies up by kind, largest first, with each kind’s share', () => {
    expect(byAgencyType([
      { agency: 'Northmere Council', agencyType: 'local_authority', participants: 10 },
      { agency: 'Riverside School', agencyType: 'education', participants: 3 },
      { agency: 'Northmere Police', agencyType: 'police', participants: 4 },
      { agency: 'Hill School', agencyType: 'education', participants: 3 },
    ])).toEqual([
      { agencyType: 'local_authority', label: 'Local authority', participants: 10, pct: 50 },
      { agencyType: 'education', label: 'Education', participants: 6, pct: 30 },
      { agencyType: 'police', label: 'Police', participants: 4, pct: 20 },
    ]);
  });
});
