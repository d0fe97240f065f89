import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { CourseDelivery, SessionStatus } from '../../db/schema-training';
import { LEARNING_THEMES, isLearningTheme } from '../../domain/assurance';
import { addMonths } from '../../domain/calendar';
import { londonInstant } from '../../domain/london';
import { NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import { isUuid } from '../training/training.service';

/**
 * The programme planner: the partnership's training month by month over the next 15 months, so that
 * partners can plan their staff's training well ahead. It shows each course's sessions, planned (a month
 * and an approximate date, not yet open for booking) and scheduled, with places booked; and the gaps: a
 * priority (a theme that the partnership's active courses serve) with no session in a quarter.
 */

export const PLANNER_MONTHS = 15;
/** A planned session starts at this London time until it is scheduled with its real times. */
const PLANNED_START = '09:30:00';
const MAX_CAPACITY = 500;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export const isMonth = (v: unknown): v is string => typeof v === 'string' && MONTH.test(v);
export const monthsFrom = (start: string, n = PLANNER_MONTHS) => Array.from({ length: n }, (_, i) => addMonths(`${start}-01`, i).slice(0, 7));

export type PlannerSession = {
  id: string; courseId: string; courseTitle: string; delivery: CourseDelivery; themes: string[]; startsAt: Date; status: SessionStatus;
  capacity: number; booked: number; waiting: number; month: string;
};

/** The sessions, planned and scheduled (not cancelled), of active courses starting in the months [first, last]. */
export async function plannerSessions(db: Db, partnershipId: number, months: string[]): Promise<PlannerSession[]> {
  const start = londonInstant(`${months[0]}-01`, '00:00:00');
  const end = londonInstant(addMonths(`${months.at(-1)}-01`, 1), '00:00:00');
  const rows = await db.selectFrom('course_session as s').innerJoin('course as c', 'c.id', 's.course_id')
    .select((eb) => ['s.id', 's.course_id', 'c.title', 'c.delivery', 'c.themes', 's.starts_at', 's.status', 's.capacity',
      sql<string>`to_char(s.starts_at at time zone 'Europe/London', 'YYYY-MM')`.as('month'),
      eb.selectFrom('booking as b').select(sql<number>`count(*)::int`.as('n')).whereRef('b.session_id', '=', 's.id').where('b.status', '=', 'confirmed').as('booked'),
      eb.selectFrom('booking as b').select(sql<number>`count(*)::int`.as('n')).whereRef('b.session_id', '=', 's.id').where('b.status', '=', 'waiting').as('waiting')])
    .where('s.partnership_id', '=', partnershipId).where('c.partnership_id', '=', partnershipId)
    .where('s.status', '<>', 'cancelled').where('c.status', '=', 'active')
    .where('s.starts_at', '>=', start).where('s.starts_at', '<', end)
    .orderBy('s.starts_at').orderBy('c.title').execute();
  return rows.map((r) => ({
    id: r.id, courseId: r.course_id, courseTitle: r.title, delivery: r.delivery, themes: r.themes, startsAt: r.starts_at, status: r.status,
    capacity: r.capacity, booked: Number(r.booked ?? 0), waiting: Number(r.waiting ?? 0), month: r.month,
  }));
}

export type PlannerCourse = { id: string; title: string; delivery: CourseDelivery; durationMinutes: number; themes: string[] };

export async function activeCourses(db: Db, partnershipId: number): Promise<PlannerCourse[]> {
  const rows = await db.selectFrom('course').select(['id', 'title', 'delivery', 'duration_minutes', 'themes'])
    .where('partnership_id', '=', partnershipId).where('status', '=', 'active').orderBy('title').execute();
  return rows.map((r) => ({ id: r.id, title: r.title, delivery: r.delivery, durationMinutes: r.duration_minutes, themes: r.themes }));
}

export type Quarter = { key: string; label: string; months: string[] };

/** The financial-year quarters (April to June is quarter 1) the months fall in, each with the months of it shown. */
export function quartersOf(months: string[]): Quarter[] {
  const out = new Map<string, Quarter>();
  for (const month of months) {
    const [y, m] = month.split('-').map(Number) as [number, number];
    const fy = m >= 4 ? y : y - 1;
    const q = m >= 4 ? Math.floor((m - 4) / 3) + 1 : 4;
    const key = `${fy}-Q${q}`;
    const entry = out.get(key) ?? { key, label: `Q${q} ${fy}/${String(fy + 1).slice(2)}`, months: [] };
    entry.months.push(month);
    out.set(key, entry);
  }
  return [...out.values()];
}

export type ThemeGaps = { theme: string; label: string; byQuarter: { quarter: string; sessions: number }[]; gaps: number };

/**
 * For each theme that an active course serves, the sessions in each quarter: a quarter with none is a gap
 * to fill. Themes in the order LEARNING_THEMES lists them.
 */
export function themeGaps(courses: PlannerCourse[], sessions: PlannerSession[], quarters: Quarter[]): ThemeGaps[] {
  const themes = [...new Set(courses.flatMap((c) => c.themes))];
  const order = Object.keys(LEARNING_THEMES);
  const rank = (t: string) => (isLearningTheme(t) ? order.indexOf(t) : order.length);
  const quarterOf = new Map(quarters.flatMap((q) => q.months.map((m) => [m, q.key] as const)));
  return themes.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).map((theme) => {
    const byQuarter = quarters.map((q) => ({
      quarter: q.key,
      sessions: sessions.filter((s) => quarterOf.get(s.month) === q.key && s.themes.includes(theme)).length,
    }));
    return { theme, label: isLearningTheme(theme) ? LEARNING_THEMES[theme] : theme, byQuarter, gaps: byQuarter.filter((q) => q.sessions === 0).length };
  });
}

export type PlanForm = { course?: string; month?: string; day?: string; capacity?: string };
export type PlannedInput = { courseId: string; month: string; day: number; capacity: number };

const daysIn = (month: string) => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();

/** Reads the form that adds a planned session: a course, one of the planner's months, an approximate day (the 15th if none) and the places. */
export function parsePlan(form: PlanForm, courses: PlannerCourse[], months: string[]): PlannedInput {
  const errors: FieldError[] = [];
  const course = courses.find((c) => c.id === form.course);
  if (!course) errors.push({ field: 'course', message: 'Select the course to plan a session of' });
  const month = form.month ?? '';
  if (!months.includes(month)) errors.push({ field: 'month', message: 'Select the month of the session' });
  const dayText = (form.day ?? '').trim();
  let day = 15;
  if (dayText) {
    day = Number(dayText);
    if (!/^\d{1,2}$/.test(dayText) || day < 1 || (months.includes(month) ? day > daysIn(month) : day > 31)) {
      errors.push({ field: 'day', message: months.includes(month) ? `The approximate day must be a day of the month, from 1 to ${daysIn(month)}` : 'The approximate day must be a day of the month, from 1 to 31' });
    }
  }
  const capacityText = (form.capacity ?? '').trim();
  const capacity = Number(capacityText);
  if (!capacityText) errors.push({ field: 'capacity', message: 'Enter how many places the session will have' });
  else if (!/^\d+$/.test(capacityText) || capacity < 1 || capacity > MAX_CAPACITY) errors.push({ field: 'capacity', message: `The number of places must be a whole number from 1 to ${MAX_CAPACITY}` });
  if (errors.length) throw new ValidationFailed(errors);
  return { courseId: course!.id, month, day, capacity };
}

/** Adds a planned session: on the planner, not open for booking until it is scheduled with its times and venue. */
export async function addPlannedSession(db: Db, partnershipId: number, input: PlannedInput, course: PlannerCourse): Promise<string> {
  const date = `${input.month}-${String(input.day).padStart(2, '0')}`;
  const startsAt = londonInstant(date, PLANNED_START);
  // An e-learning session is an enrolment window: planned as a month to complete the module in.
  const endsAt = course.delivery === 'e_learning'
    ? londonInstant(addMonths(date, 1), PLANNED_START)
    : new Date(startsAt.getTime() + course.durationMinutes * 60_000);
  const row = await db.insertInto('course_session').values({
    partnership_id: partnershipId, course_id: course.id, starts_at: startsAt, ends_at: endsAt, capacity: input.capacity, status: 'planned',
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Takes a planned session off the planner; a scheduled one is cancelled on its own page, telling those booked. */
export async function removePlannedSession(db: Db, partnershipId: number, sessionId: string): Promise<{ courseTitle: string }> {
  if (!isUuid(sessionId)) throw new NotFound('No such session', 'course_session', sessionId);
  return db.transaction().execute(async (tx) => {
    const s = await tx.selectFrom('course_session as s').innerJoin('course as c', 'c.id', 's.course_id').select(['s.id', 's.status', 'c.title'])
      .where('s.id', '=', sessionId).where('s.partnership_id', '=', partnershipId).forUpdate().executeTakeFirst();
    if (!s) throw new NotFound('No such session', 'course_session', sessionId);
    if (s.status !== 'planned') throw new ValidationFailed([{ field: 'session', message: 'Only a planned session can be taken off the planner: cancel a scheduled one from its page, so that those booked are told' }]);
    const booked = await tx.selectFrom('booking').select('id').where('session_id', '=', s.id).where('status', '<>', 'cancelled').executeTakeFirst();
    if (booked) throw new ValidationFailed([{ field: 'session', message: 'People are booked on this session: cancel it from its page, so that they are told' }]);
    await tx.deleteFrom('course_session').where('id', '=', s.id).where('partnership_id', '=', partnershipId).execute();
    return { courseTitle: s.title };
  });
}
