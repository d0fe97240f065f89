import { LEARNING_THEMES, isLearningTheme } from '../../domain/assurance';
import { AGENCY_TYPES } from '../agencies/agencies.service';

/**
 * The arithmetic of the training reports, apart from the database: the database adds up (counts and sums
 * per course, set-based in SQL); these functions combine those sums into means, percentages and the
 * confidence uplift, and roll courses up into themes and a total. Means are of the answers given: a
 * question left blank is not a zero.
 */

/** What SQL adds up for a group of evaluations (one course, say). */
export type ScoreSums = {
  responses: number;
  overallSum: number; overallCount: number;
  /** Answers to "were the learning outcomes met?": yes, and any answer at all. */
  outcomesMet: number; outcomesAnswered: number;
  beforeSum: number; beforeCount: number;
  afterSum: number; afterCount: number;
  /** Over the responses that gave both: after less before, summed. */
  upliftSum: number; upliftCount: number;
  impactResponses: number;
  nowSum: number; nowCount: number;
};

export const NO_SUMS: ScoreSums = Object.freeze({
  responses: 0, overallSum: 0, overallCount: 0, outcomesMet: 0, outcomesAnswered: 0, beforeSum: 0, beforeCount: 0,
  afterSum: 0, afterCount: 0, upliftSum: 0, upliftCount: 0, impactResponses: 0, nowSum: 0, nowCount: 0,
});

export type Scores = {
  responses: number;
  meanOverall: number | null;
  outcomesMetPct: number | null;
  meanConfidenceBefore: number | null;
  meanConfidenceAfter: number | null;
  /** The mean rise in confidence of those who gave both before and after: the course's difference. */
  uplift: number | null;
  impactResponses: number;
  meanConfidenceNow: number | null;
};

/** Rounded to one decimal place, half away from zero; null when there is nothing to divide by. */
export function ratio(numerator: number, denominator: number, scale = 1): number | null {
  if (!denominator) return null;
  const v = (numerator * scale) / denominator;
  return Math.sign(v) * Math.round(Math.abs(v) * 10 + 1e-9) / 10;
}

export const percent = (part: number, whole: number) => ratio(part, whole, 100);

export function addSums(a: ScoreSums, b: ScoreSums): ScoreSums {
  const out = { ...a };
  for (const k of Object.keys(NO_SUMS) as (keyof ScoreSums)[]) out[k] = a[k] + b[k];
  return out;
}

export function scoresOf(s: ScoreSums): Scores {
  return {
    responses: s.responses,
    meanOverall: ratio(s.overallSum, s.overallCount),
    outcomesMetPct: percent(s.outcomesMet, s.outcomesAnswered),
    meanConfidenceBefore: ratio(s.beforeSum, s.beforeCount),
    meanConfidenceAfter: ratio(s.afterSum, s.afterCount),
    uplift: ratio(s.upliftSum, s.upliftCount),
    impactResponses: s.impactResponses,
    meanConfidenceNow: ratio(s.nowSum, s.nowCount),
  };
}

export type CourseSums = { courseId: string; title: string; themes: string[]; sums: ScoreSums };
export type CourseScores = { courseId: string; title: string; themes: string[] } & Scores;
export type ThemeScores = { theme: string; label: string; courses: number } & Scores;

export function scoresByCourse(courses: CourseSums[]): CourseScores[] {
  return courses
    .map((c) => ({ courseId: c.courseId, title: c.title, themes: c.themes, ...scoresOf(c.sums) }))
    .sort((a, b) => a.title.localeCompare(b.title, 'en-GB'));
}

/**
 * Each theme's scores from the courses that serve it: a course with two themes counts in both, so the
 * themes do not add up to the total. Themes come in the order LEARNING_THEMES lists them; a code that is
 * no longer a theme is shown by its code, last.
 */
export function scoresByTheme(courses: CourseSums[]): ThemeScores[] {
  const byTheme = new Map<string, { sums: ScoreSums; courses: number }>();
  for (const c of courses) {
    for (const theme of new Set(c.themes)) {
      const t = byTheme.get(theme) ?? { sums: NO_SUMS, courses: 0 };
      byTheme.set(theme, { sums: addSums(t.sums, c.sums), courses: t.courses + 1 });
    }
  }
  const order = Object.keys(LEARNING_THEMES);
  const rank = (t: string) => (isLearningTheme(t) ? order.indexOf(t) : order.length);
  return [...byTheme]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([theme, t]) => ({ theme, label: isLearningTheme(theme) ? LEARNING_THEMES[theme] : theme, courses: t.courses, ...scoresOf(t.sums) }));
}

/** Every course's responses once. */
export const totalScores = (courses: CourseSums[]): Scores => scoresOf(courses.reduce((acc, c) => addSums(acc, c.sums), NO_SUMS));

/** The calendar months (YYYY-MM) a period of dates touches, in order. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.slice(0, 7).split('-').map(Number) as [number, number];
  const last = to.slice(0, 7);
  for (;;) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    if (month > last) break;
    out.push(month);
    m += 1;
    if (m > 12) { m = 1; y += 1; }
  }
  return out;
}

export type MonthFigures = { month: string; sessions: number; faceToFace: number; participants: number };

/** A row for each month of the period, months with nothing delivered as zeros. */
export function fillMonths(from: string, to: string, rows: MonthFigures[]): MonthFigures[] {
  const byMonth = new Map(rows.map((r) => [r.month, r]));
  return monthsBetween(from, to).map((month) => byMonth.get(month) ?? { month, sessions: 0, faceToFace: 0, participants: 0 });
}

const AGENCY_TYPE_LABELS: Record<string, string> = Object.fromEntries(AGENCY_TYPES.map((t) => [t.value, t.label]));

export type AgencyParticipants = { agency: string; agencyType: string; participants: number };
export type AgencyTypeParticipants = { agencyType: string; label: string; participants: number; pct: number | null };

/** Participants by kind of agency, largest first, each with its share of all participants. */
export function byAgencyType(agencies: AgencyParticipants[]): AgencyTypeParticipants[] {
  const total = agencies.reduce((n, a) => n + a.participants, 0);
  const sums = new Map<string, number>();
  for (const a of agencies) sums.set(a.agencyType, (sums.get(a.agencyType) ?? 0) + a.participants);
  return [...sums]
    .map(([agencyType, participants]) => ({ agencyType, label: AGENCY_TYPE_LABELS[agencyType] ?? agencyType, participants, pct: percent(participants, total) }))
    .sort((a, b) => b.participants - a.participants || a.label.localeCompare(b.label));
}
