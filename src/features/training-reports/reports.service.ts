import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/create-db';
import { londonInstant } from '../../domain/london';
import { csvCell } from '../../platform/spreadsheet-safe';
import {
  NO_SUMS, byAgencyType, fillMonths, percent, scoresByCourse, scoresByTheme, totalScores,
  type AgencyParticipants, type AgencyTypeParticipants, type CourseScores, type CourseSums, type MonthFigures, type Scores, type ThemeScores,
} from './aggregate';

/**
 * The training programme's figures for a period, as the annual report gives them ("75 multi-agency courses
 * to 1,260 participants, 85% face to face"), worked out set-based in SQL.
 *
 * - A session is delivered in the period if it was scheduled (not planned, not cancelled) and ended within
 *   it, by London dates, and has ended by now.
 * - Courses delivered: distinct courses with at least one session delivered.
 * - Participants: places taken on delivered sessions, counted per session (a person on two courses counts
 *   twice): bookings marked attended, and where attendance has not been marked yet, confirmed bookings —
 *   counted and said separately so that the figure can be trusted.
 * - Non-attendance: of the bookings marked, the share marked did not attend.
 * - Evaluation and impact scores: responses about the sessions delivered in the period, whenever sent.
 */

export type TrainingSummary = {
  from: string;
  to: string;
  coursesDelivered: number;
  sessionsDelivered: number;
  faceToFaceSessions: number;
  faceToFacePct: number | null;
  participants: number;
  /** Of the participants, confirmed bookings counted because attendance was not marked; and their sessions. */
  participantsUnmarked: number;
  sessionsUnmarked: number;
  byAgency: AgencyParticipants[];
  byAgencyType: AgencyTypeParticipants[];
  nonAttendance: { marked: number; attended: number; absent: number; ratePct: number | null; charged: number; chargedPence: number };
  evaluation: Scores;
  byCourse: (CourseScores & { sessions: number; participants: number; delivery: string })[];
  byTheme: ThemeScores[];
  months: MonthFigures[];
};

const addDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** The sessions delivered in [from, to] (London dates) that had ended by `now`, with their course's delivery. */
function delivered(partnershipId: number, from: string, to: string, now: Date): RawBuilder<unknown> {
  const start = londonInstant(from, '00:00:00');
  const periodEnd = londonInstant(addDay(to), '00:00:00');
  const end = periodEnd < now ? periodEnd : now;
  return sql`select s.id, s.course_id, c.delivery, s.ends_at
    from course_session s join course c on c.id = s.course_id and c.partnership_id = s.partnership_id
    where s.partnership_id = ${partnershipId} and s.status = 'scheduled' and s.ends_at >= ${start} and s.ends_at < ${end}`;
}

/** A booking counted as a participant: attended, or confirmed on a session whose attendance is not yet marked. */
const PARTICIPANT = sql`(b.attendance = 'attended' or (b.attendance is null and b.status = 'confirmed'))`;

export async function trainingSummary(db: Db, partnershipId: number, from: string, to: string, now = new Date()): Promise<TrainingSummary> {
  const d = delivered(partnershipId, from, to, now);
  const [sessions, agencies, attendance, evaluations, courses, sessionMonths, participantMonths] = await Promise.all([
    sql<{ sessions: number; courses: number; f2f: number }>`with d as (${d})
      select count(*) as sessions, count(distinct course_id) as courses, count(*) filter (where delivery = 'face_to_face') as f2f from d`.execute(db),
    sql<{ agency: string; agency_type: string; participants: number; unmarked: number }>`with d as (${d})
      select a.name as agency, a.type as agency_type, count(*) as participants, count(*) filter (where b.attendance is null) as unmarked
      from booking b join d on d.id = b.session_id join app_user u on u.id = b.user_id join agency a on a.id = u.agency_id
      where b.partnership_id = ${partnershipId} and ${PARTICIPANT}
      group by a.name, a.type order by count(*) desc, a.name`.execute(db),
    sql<{ attended: number; absent: number; charged: number; charged_pence: number | null; unmarked_sessions: number }>`with d as (${d})
      select count(*) filter (where b.attendance = 'attended') as attended, count(*) filter (where b.attendance = 'absent') as absent,
        count(*) filter (where b.attendance = 'absent' and b.charge_pence > 0) as charged,
        sum(b.charge_pence) filter (where b.attendance = 'absent') as charged_pence,
        count(distinct b.session_id) filter (where b.attendance is null and b.status = 'confirmed') as unmarked_sessions
      from booking b join d on d.id = b.session_id where b.partnership_id = ${partnershipId}`.execute(db),
    sql<EvaluationSumsRow>`with d as (${d})
      select d.course_id, ${EVALUATION_SUMS}
      from training_evaluation e join booking b on b.id = e.booking_id join d on d.id = b.session_id
      where e.partnership_id = ${partnershipId} and b.partnership_id = ${partnershipId}
      group by d.course_id`.execute(db),
    sql<{ id: string; title: string; themes: string[]; delivery: string; sessions: number; participants: number }>`with d as (${d})
      select c.id, c.title, c.themes, c.delivery, count(distinct d.id) as sessions,
        (select count(*) from booking b join d d2 on d2.id = b.session_id
          where d2.course_id = c.id and b.partnership_id = ${partnershipId} and ${PARTICIPANT}) as participants
      from d join course c on c.id = d.course_id group by c.id, c.title, c.themes, c.delivery`.execute(db),
    sql<{ month: string; sessions: number; f2f: number }>`with d as (${d})
      select to_char(ends_at at time zone 'Europe/London', 'YYYY-MM') as month, count(*) as sessions, count(*) filter (where delivery = 'face_to_face') as f2f
      from d group by 1`.execute(db),
    sql<{ month: string; participants: number }>`with d as (${d})
      select to_char(d.ends_at at time zone 'Europe/London', 'YYYY-MM') as month, count(*) as participants
      from booking b join d on d.id = b.session_id where b.partnership_id = ${partnershipId} and ${PARTICIPANT} group by 1`.execute(db),
  ]);

  const s = sessions.rows[0]!;
  const byAgency = agencies.rows.map((r) => ({ agency: r.agency, agencyType: r.agency_type, participants: Number(r.participants) }));
  const participants = byAgency.reduce((n, a) => n + a.participants, 0);
  const a = attendance.rows[0]!;
  const marked = Number(a.attended) + Number(a.absent);
  const sumsByCourse = new Map(evaluations.rows.map((r) => [r.course_id, sumsOf(r)]));
  const courseSums: CourseSums[] = courses.rows.map((c) => ({ courseId: c.id, title: c.title, themes: c.themes, sums: sumsByCourse.get(c.id) ?? NO_SUMS }));
  const courseFacts = new Map(courses.rows.map((c) => [c.id, c]));
  const participantsByMonth = new Map(participantMonths.rows.map((r) => [r.month, Number(r.participants)]));
  return {
    from, to,
    coursesDelivered: Number(s.courses),
    sessionsDelivered: Number(s.sessions),
    faceToFaceSessions: Number(s.f2f),
    faceToFacePct: percent(Number(s.f2f), Number(s.sessions)),
    participants,
    participantsUnmarked: agencies.rows.reduce((n, r) => n + Number(r.unmarked), 0),
    sessionsUnmarked: Number(a.unmarked_sessions),
    byAgency,
    byAgencyType: byAgencyType(byAgency),
    nonAttendance: {
      marked, attended: Number(a.attended), absent: Number(a.absent), ratePct: percent(Number(a.absent), marked),
      charged: Number(a.charged), chargedPence: Number(a.charged_pence ?? 0),
    },
    evaluation: totalScores(courseSums),
    byCourse: scoresByCourse(courseSums).map((c) => {
      const f = courseFacts.get(c.courseId)!;
      return { ...c, sessions: Number(f.sessions), participants: Number(f.participants), delivery: f.delivery };
    }),
    byTheme: scoresByTheme(courseSums),
    months: fillMonths(from, to, sessionMonths.rows.map((r) => ({
      month: r.month, sessions: Number(r.sessions), faceToFace: Number(r.f2f), participants: participantsByMonth.get(r.month) ?? 0,
    }))),
  };
}

type EvaluationSumsRow = {
  course_id: string; responses: number; overall_sum: number | null; overall_count: number; outcomes_met: number; outcomes_answered: number;
  before_sum: number | null; before_count: number; after_sum: number | null; after_count: number; uplift_sum: number | null; uplift_count: number;
  impact_responses: number; now_sum: number | null; now_count: number;
};

// The impact survey keeps "confidence now" in confidence_after; its "before" is the evaluation's.
const EVALUATION_SUMS = sql`
  count(*) filter (where e.kind = 'evaluation') as responses,
  sum(e.overall) filter (where e.kind = 'evaluation') as overall_sum,
  count(e.overall) filter (where e.kind = 'evaluation') as overall_count,
  count(*) filter (where e.kind = 'evaluation' and e.answers->>'outcomesMet' = 'yes') as outcomes_met,
  count(*) filter (where e.kind = 'evaluation' and e.answers->>'outcomesMet' is not null) as outcomes_answered,
  sum(e.confidence_before) filter (where e.kind = 'evaluation') as before_sum,
  count(e.confidence_before) filter (where e.kind = 'evaluation') as before_count,
  sum(e.confidence_after) filter (where e.kind = 'evaluation') as after_sum,
  count(e.confidence_after) filter (where e.kind = 'evaluation') as after_count,
  sum(e.confidence_after - e.confidence_before) filter (where e.kind = 'evaluation') as uplift_sum,
  count(e.confidence_after - e.confidence_before) filter (where e.kind = 'evaluation') as uplift_count,
  count(*) filter (where e.kind = 'impact') as impact_responses,
  sum(e.confidence_after) filter (where e.kind = 'impact') as now_sum,
  count(e.confidence_after) filter (where e.kind = 'impact') as now_count`;

const sumsOf = (r: EvaluationSumsRow) => ({
  responses: Number(r.responses), overallSum: Number(r.overall_sum ?? 0), overallCount: Number(r.overall_count),
  outcomesMet: Number(r.outcomes_met), outcomesAnswered: Number(r.outcomes_answered),
  beforeSum: Number(r.before_sum ?? 0), beforeCount: Number(r.before_count), afterSum: Number(r.after_sum ?? 0), afterCount: Number(r.after_count),
  upliftSum: Number(r.uplift_sum ?? 0), upliftCount: Number(r.uplift_count),
  impactResponses: Number(r.impact_responses), nowSum: Number(r.now_sum ?? 0), nowCount: Number(r.now_count),
});

/** The summary as the CLI prints it in JSON, keys in snake case, money in pence. */
export function summaryJson(s: TrainingSummary, la: string) {
  const scores = (x: Scores) => ({
    responses: x.responses, mean_overall: x.meanOverall, outcomes_met_pct: x.outcomesMetPct,
    mean_confidence_before: x.meanConfidenceBefore, mean_confidence_after: x.meanConfidenceAfter, confidence_uplift: x.uplift,
  });
  const impact = (x: Scores) => ({ responses: x.impactResponses, mean_confidence_now: x.meanConfidenceNow });
  return {
    la, from: s.from, to: s.to,
    courses_delivered: s.coursesDelivered,
    sessions_delivered: s.sessionsDelivered,
    participants: s.participants,
    participants_unmarked: s.participantsUnmarked,
    face_to_face_pct: s.faceToFacePct,
    by_agency: s.byAgency.map((a) => ({ agency: a.agency, agency_type: a.agencyType, participants: a.participants })),
    by_agency_type: s.byAgencyType.map((a) => ({ agency_type: a.agencyType, participants: a.participants, pct: a.pct })),
    non_attendance: { marked: s.nonAttendance.marked, absent: s.nonAttendance.absent, rate_pct: s.nonAttendance.ratePct, charged: s.nonAttendance.charged, charged_pence: s.nonAttendance.chargedPence },
    evaluation: scores(s.evaluation),
    impact: impact(s.evaluation),
    by_course: s.byCourse.map((c) => ({ course: c.title, delivery: c.delivery, sessions: c.sessions, participants: c.participants, evaluation: scores(c), impact: impact(c) })),
    by_theme: s.byTheme.map((t) => ({ theme: t.theme, courses: t.courses, evaluation: scores(t), impact: impact(t) })),
    months: s.months.map((m) => ({ month: m.month, sessions: m.sessions, face_to_face: m.faceToFace, participants: m.participants })),
  };
}

/**
 * The summary as one long CSV table a spreadsheet can pivot: section, name, measure, value. Every cell goes
 * through csvCell, so a course or agency named like a formula is shown as text.
 */
export function summaryCsv(s: TrainingSummary): string {
  const rows: (string | number | null)[][] = [['section', 'name', 'measure', 'value']];
  const add = (section: string, name: string, values: Record<string, string | number | null>) => {
    for (const [measure, value] of Object.entries(values)) rows.push([section, name, measure, value]);
  };
  const scoreValues = (x: Scores) => ({
    evaluation_responses: x.responses, mean_overall: x.meanOverall, outcomes_met_pct: x.outcomesMetPct, mean_confidence_before: x.meanConfidenceBefore,
    mean_confidence_after: x.meanConfidenceAfter, confidence_uplift: x.uplift, impact_responses: x.impactResponses, mean_confidence_now: x.meanConfidenceNow,
  });
  add('period', `${s.from} to ${s.to}`, {
    courses_delivered: s.coursesDelivered, sessions_delivered: s.sessionsDelivered, face_to_face_sessions: s.faceToFaceSessions,
    face_to_face_pct: s.faceToFacePct, participants: s.participants, participants_unmarked: s.participantsUnmarked,
    bookings_marked: s.nonAttendance.marked, did_not_attend: s.nonAttendance.absent, non_attendance_pct: s.nonAttendance.ratePct,
    charged: s.nonAttendance.charged, charged_pounds: (s.nonAttendance.chargedPence / 100).toFixed(2), ...scoreValues(s.evaluation),
  });
  for (const a of s.byAgency) add('agency', a.agency, { agency_type: a.agencyType, participants: a.participants });
  for (const a of s.byAgencyType) add('agency_type', a.label, { participants: a.participants, pct: a.pct });
  for (const c of s.byCourse) add('course', c.title, { delivery: c.delivery, sessions: c.sessions, participants: c.participants, ...scoreValues(c) });
  for (const t of s.byTheme) add('theme', t.label, { courses: t.courses, ...scoreValues(t) });
  for (const m of s.months) add('month', m.month, { sessions: m.sessions, face_to_face_sessions: m.faceToFace, participants: m.participants });
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

export type PracticeExample = { course: string; submittedAt: Date; text: string };

/**
 * What people said changed in their practice, from the impact surveys about the period's sessions, the
 * latest first: the examples an annual report quotes. Without names: the course and when it was said.
 */
export async function practiceExamples(db: Db, partnershipId: number, from: string, to: string, now = new Date(), limit = 8): Promise<PracticeExample[]> {
  const d = delivered(partnershipId, from, to, now);
  const { rows } = await sql<{ title: string; submitted_at: Date; practice_change: string }>`with d as (${d})
    select c.title, e.submitted_at, e.practice_change
    from training_evaluation e join booking b on b.id = e.booking_id join d on d.id = b.session_id join course c on c.id = d.course_id
    where e.partnership_id = ${partnershipId} and e.kind = 'impact' and e.practice_change is not null
    order by e.submitted_at desc, e.id limit ${limit}`.execute(db);
  return rows.map((r) => ({ course: r.title, submittedAt: r.submitted_at, text: r.practice_change }));
}
