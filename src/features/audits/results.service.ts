import type { Db } from '../../db/create-db';
import type { AuditScale } from '../../db/schema-audits';
import { LEARNING_THEMES, type LearningTheme } from '../../domain/assurance';
import { londonInstant } from '../../domain/london';
import { csvCell } from '../../platform/spreadsheet-safe';
import { roundReference, type Theme } from './programme.service';
import { DEFAULT_SCORE_LABELS, gradeOptions, isGoodOrBetter, type GradeOption } from './tool';

/** What the audits found over time: grades by round, each agency's sections on time, and the year's summary. */

export type RoundGrades = { roundId: string; reference: string; plannedDate: string; counts: Record<string, number>; total: number; goodOrBetter: number | null };

const percent = (part: number, whole: number) => (whole ? Math.round((part / whole) * 100) : null);

function gradesOf(scale: AuditScale, rows: { grade: string; n: number }[]) {
  const counts = Object.fromEntries(gradeOptions(scale, DEFAULT_SCORE_LABELS).map((o) => [o.value, 0]));
  for (const r of rows) if (Object.hasOwn(counts, r.grade)) counts[r.grade]! += r.n;
  const total = Object.values(counts).reduce((s, n) => s + n, 0);
  const good = Object.entries(counts).filter(([g]) => isGoodOrBetter(scale, g)).reduce((s, [, n]) => s + n, 0);
  return { counts, total, goodOrBetter: percent(good, total) };
}

/** The moderated grades of each completed round of a theme, oldest first. */
export async function themeGrades(db: Db, partnershipId: number, theme: Theme): Promise<{ options: GradeOption[]; rounds: RoundGrades[] }> {
  const rows = await db.selectFrom('audit_round as r').leftJoin('audit_case as c', (j) => j.onRef('c.round_id', '=', 'r.id').on('c.status', '=', 'selected')
    .on('c.moderated_grade', 'is not', null))
    .select(['r.id', 'r.planned_date', 'c.moderated_grade', (eb) => eb.fn.count<string>('c.id').as('n')])
    .where('r.partnership_id', '=', partnershipId).where('r.theme_id', '=', theme.id).where('r.status', '=', 'completed')
    .groupBy(['r.id', 'r.planned_date', 'c.moderated_grade']).orderBy('r.planned_date').execute();
  const rounds = new Map<string, { plannedDate: string; grades: { grade: string; n: number }[] }>();
  for (const r of rows) {
    const round = rounds.get(r.id) ?? { plannedDate: r.planned_date, grades: [] };
    if (r.moderated_grade) round.grades.push({ grade: r.moderated_grade, n: Number(r.n) });
    rounds.set(r.id, round);
  }
  return {
    options: gradeOptions(theme.scale, theme.scoreLabels),
    rounds: [...rounds].map(([roundId, r]) => ({ roundId, reference: roundReference(theme.shortName, r.plannedDate), plannedDate: r.plannedDate, ...gradesOf(theme.scale, r.grades) })),
  };
}

export type Completion = { sections: number; submitted: number; onTime: number };

/** For each started round of a theme and each agency in it: its sections, those submitted, and those submitted by the due date. */
export async function agencyCompletion(db: Db, partnershipId: number, theme: Theme) {
  const rows = await db.selectFrom('audit_section as s').innerJoin('audit_round as r', 'r.id', 's.round_id').innerJoin('audit_case as c', 'c.id', 's.case_id')
    .innerJoin('agency as a', 'a.id', 's.agency_id')
    .select(['r.id', 'r.planned_date', 'r.sections_due', 's.agency_id', 'a.name', 's.status', 's.submitted_at'])
    .where('s.partnership_id', '=', partnershipId).where('r.theme_id', '=', theme.id).where('c.status', '=', 'selected').execute();
  const rounds = [...new Map(rows.map((r) => [r.id, { id: r.id, plannedDate: r.planned_date, reference: roundReference(theme.shortName, r.planned_date), sectionsDue: r.sections_due! }])).values()]
    .sort((a, b) => a.plannedDate.localeCompare(b.plannedDate));
  const agencies = [...new Map(rows.map((r) => [r.agency_id, r.name])).entries()].sort((a, b) => a[1].localeCompare(b[1]));
  const onTime = (r: (typeof rows)[number]) => r.submitted_at !== null && r.submitted_at < londonInstant(addDay(r.sections_due!), '00:00:00');
  return {
    rounds,
    agencies: agencies.map(([id, name]) => ({
      id, name,
      cells: rounds.map((round) => {
        const own = rows.filter((r) => r.id === round.id && r.agency_id === id);
        if (!own.length) return null;
        const cell: Completion = { sections: own.length, submitted: own.filter((r) => r.status === 'submitted').length, onTime: own.filter(onTime).length };
        return cell;
      }),
    })),
  };
}

const addDay = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

export type ThemeSummary = {
  themeId: number; name: string; learningTheme: string; scale: AuditScale; roundsCompleted: number; casesAudited: number; grades: Record<string, number>;
  goodOrBetter: number | null; sectionsOnTime: number | null; findings: number; actions: number;
  rounds: { id: string; reference: string; completedAt: Date; cases: number; grades: Record<string, number> }[];
};

export type AuditSummary = {
  from: string; to: string; roundsCompleted: number; casesAudited: number; goodOrBetter: number | null; sectionsOnTime: number | null;
  /** Moderated grades of every round completed, on each scale. */
  grades: { ofsted: Record<string, number>; score: Record<string, number> };
  themes: ThemeSummary[];
};

/**
 * The audit programme's year for the annual report: rounds completed between two dates (London, both
 * included), the cases they audited, their moderated grades, the agencies' sections on time, and the
 * findings and actions, by theme.
 */
export async function auditSummary(db: Db, partnershipId: number, from: string, to: string): Promise<AuditSummary> {
  const start = londonInstant(from, '00:00:00');
  const end = londonInstant(addDay(to), '00:00:00');
  const rounds = await db.selectFrom('audit_round as r').innerJoin('audit_theme as t', 't.id', 'r.theme_id')
    .select(['r.id', 'r.theme_id', 't.name', 't.short_name', 't.learning_theme', 't.scale', 'r.planned_date', 'r.completed_at', 'r.sections_due',
      (eb) => eb.selectFrom('audit_finding as f').select(eb.fn.countAll<string>().as('n')).whereRef('f.round_id', '=', 'r.id').as('findings'),
      (eb) => eb.selectFrom('audit_finding as f').select(eb.fn.countAll<string>().as('n')).whereRef('f.round_id', '=', 'r.id').where('f.action_id', 'is not', null).as('actions')])
    .where('r.partnership_id', '=', partnershipId).where('r.status', '=', 'completed').where('r.completed_at', '>=', start).where('r.completed_at', '<', end)
    .orderBy('t.name').orderBy('r.planned_date').execute();
  const ids = rounds.map((r) => r.id);
  const grades = ids.length ? await db.selectFrom('audit_case').select(['round_id', 'moderated_grade', (eb) => eb.fn.countAll<string>().as('n')])
    .where('partnership_id', '=', partnershipId).where('round_id', 'in', ids).where('status', '=', 'selected').where('moderated_grade', 'is not', null)
    .groupBy(['round_id', 'moderated_grade']).execute() : [];
  const sections = ids.length ? await db.selectFrom('audit_section as s').innerJoin('audit_case as c', 'c.id', 's.case_id')
    .select(['s.round_id', 's.submitted_at']).where('s.partnership_id', '=', partnershipId).where('s.round_id', 'in', ids).where('c.status', '=', 'selected').execute() : [];

  const themes = new Map<number, ThemeSummary>();
  const byScale = { ofsted: gradesOf('ofsted', []).counts, score: gradesOf('score', []).counts };
  let sectionsAll = 0;
  let onTimeAll = 0;
  const themeSections = new Map<number, { all: number; onTime: number }>();
  for (const r of rounds) {
    const roundGrades = gradesOf(r.scale, grades.filter((g) => g.round_id === r.id).map((g) => ({ grade: g.moderated_grade!, n: Number(g.n) })));
    const t = themes.get(r.theme_id) ?? {
      themeId: r.theme_id, name: r.name, learningTheme: LEARNING_THEMES[r.learning_theme as LearningTheme] ?? r.learning_theme, scale: r.scale,
      roundsCompleted: 0, casesAudited: 0, grades: gradesOf(r.scale, []).counts, goodOrBetter: null, sectionsOnTime: null, findings: 0, actions: 0, rounds: [],
    };
    t.roundsCompleted++;
    t.casesAudited += roundGrades.total;
    t.findings += Number(r.findings ?? 0);
    t.actions += Number(r.actions ?? 0);
    for (const [g, n] of Object.entries(roundGrades.counts)) {
      t.grades[g]! += n;
      byScale[r.scale][g]! += n;
    }
    t.rounds.push({ id: r.id, reference: roundReference(r.short_name, r.planned_date), completedAt: r.completed_at!, cases: roundGrades.total, grades: roundGrades.counts });
    themes.set(r.theme_id, t);
    const due = londonInstant(addDay(r.sections_due!), '00:00:00');
    const own = sections.filter((s) => s.round_id === r.id);
    const onTime = own.filter((s) => s.submitted_at !== null && s.submitted_at < due).length;
    const ts = themeSections.get(r.theme_id) ?? { all: 0, onTime: 0 };
    themeSections.set(r.theme_id, { all: ts.all + own.length, onTime: ts.onTime + onTime });
    sectionsAll += own.length;
    onTimeAll += onTime;
  }
  let good = 0;
  let graded = 0;
  for (const t of themes.values()) {
    const g = gradesOf(t.scale, Object.entries(t.grades).map(([grade, n]) => ({ grade, n })));
    t.goodOrBetter = g.goodOrBetter;
    const s = themeSections.get(t.themeId)!;
    t.sectionsOnTime = percent(s.onTime, s.all);
    graded += g.total;
    good += Object.entries(t.grades).filter(([grade]) => isGoodOrBetter(t.scale, grade)).reduce((sum, [, n]) => sum + n, 0);
  }
  return {
    from, to, roundsCompleted: rounds.length, casesAudited: graded, goodOrBetter: percent(good, graded), sectionsOnTime: percent(onTimeAll, sectionsAll),
    grades: byScale, themes: [...themes.values()],
  };
}

/**
 * A theme's completed rounds as CSV, for people: each round's moderated grades, share good or better, and
 * the agencies' sections submitted by the due date. Cells are safe to open in a spreadsheet.
 */
export function resultsCsv(grades: { options: GradeOption[]; rounds: RoundGrades[] }, completion: Awaited<ReturnType<typeof agencyCompletion>>): string {
  const onTime = (roundId: string) => {
    const i = completion.rounds.findIndex((r) => r.id === roundId);
    const cells = completion.agencies.map((a) => a.cells[i]).filter((c): c is Completion => !!c);
    return [cells.reduce((s, c) => s + c.sections, 0), cells.reduce((s, c) => s + c.onTime, 0)];
  };
  const rows: (string | number | null)[][] = [
    ['Round', 'Planned for', 'Cases', ...grades.options.map((o) => o.text), 'Good or better (%)', 'Sections', 'Sections on time'],
    ...grades.rounds.map((r) => [r.reference, r.plannedDate, r.total, ...grades.options.map((o) => r.counts[o.value] ?? 0), r.goodOrBetter, ...onTime(r.roundId)]),
  ];
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
