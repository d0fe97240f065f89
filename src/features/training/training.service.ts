import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { CourseDelivery, CourseLevel, SessionStatus, TrainingSettings } from '../../db/schema-training';
import { LEARNING_THEMES, isLearningTheme } from '../../domain/assurance';
import { londonInstant, londonParts } from '../../domain/london';
import { NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import { timeFrom } from '../front-door/contact-form';

/**
 * The partnership's training catalogue: courses and their sessions. A face-to-face session has a venue, a
 * virtual one a joining link; an e-learning session is an enrolment window with neither and no fixed time:
 * it opens on a date and the module is to be completed by another, and its capacity is the licences held.
 */

export const DELIVERY: Record<CourseDelivery, string> = { face_to_face: 'Face to face', virtual: 'Virtual (online, live)', e_learning: 'E-learning' };
export const DELIVERY_CODES = Object.keys(DELIVERY) as CourseDelivery[];
export const LEVELS: Record<CourseLevel, string> = {
  1: 'Level 1: awareness', 2: 'Level 2: practitioners in contact with children', 3: 'Level 3: multi-agency practice', 4: 'Level 4: specialist and leaders',
};
export const LEVEL_CODES = Object.keys(LEVELS) as CourseLevel[];
export const SESSION_STATUS: Record<SessionStatus, string> = { planned: 'Planned (not yet open for booking)', scheduled: 'Open for booking', cancelled: 'Cancelled' };

export const DEFAULT_TRAINING_SETTINGS: TrainingSettings = { cancellationCutoffHours: 48, nonAttendanceChargePence: null };

export async function trainingSettings(db: Db, partnershipId: number): Promise<TrainingSettings> {
  const row = await db.selectFrom('partnership').select('settings').where('id', '=', partnershipId).executeTakeFirstOrThrow();
  return { ...DEFAULT_TRAINING_SETTINGS, ...(row.settings?.training ?? {}) };
}

export const themeLabel = (t: string) => (isLearningTheme(t) ? LEARNING_THEMES[t] : t);

/** "6 hours", "1 hour 30 minutes", "45 minutes". */
export function durationText(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const parts = [h ? `${h} ${h === 1 ? 'hour' : 'hours'}` : '', m ? `${m} ${m === 1 ? 'minute' : 'minutes'}` : ''].filter(Boolean);
  return parts.join(' ') || '0 minutes';
}

// ---------------------------------------------------------------------------------------------------------
// Courses

export type Course = {
  id: string; title: string; summary: string; description: string; audience: string; level: CourseLevel; delivery: CourseDelivery;
  durationMinutes: number; learningOutcomes: string[]; themes: string[]; status: 'active' | 'retired';
};

const courseColumns = ['id', 'title', 'summary', 'description', 'audience', 'level', 'delivery', 'duration_minutes', 'learning_outcomes', 'themes', 'status'] as const;
type CourseRow = { id: string; title: string; summary: string; description: string; audience: string; level: CourseLevel; delivery: CourseDelivery;
  duration_minutes: number; learning_outcomes: string[]; themes: string[]; status: 'active' | 'retired' };
const toCourse = (r: CourseRow): Course => ({
  id: r.id, title: r.title, summary: r.summary, description: r.description, audience: r.audience, level: r.level, delivery: r.delivery,
  durationMinutes: r.duration_minutes, learningOutcomes: r.learning_outcomes, themes: r.themes, status: r.status,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: string) => UUID.test(v);

export async function findCourse(db: Db, partnershipId: number, id: string): Promise<Course> {
  if (!isUuid(id)) throw new NotFound('No such course', 'course', id);
  const row = await db.selectFrom('course').select(courseColumns).where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('No such course', 'course', id);
  return toCourse(row);
}

export type CourseFilters = { theme?: string; delivery?: string; level?: string };

export async function listCourses(db: Db, partnershipId: number, filters: CourseFilters & { includeRetired?: boolean } = {}): Promise<Course[]> {
  let q = db.selectFrom('course').select(courseColumns).where('partnership_id', '=', partnershipId);
  if (!filters.includeRetired) q = q.where('status', '=', 'active');
  if (filters.theme) q = q.where(sql<boolean>`${filters.theme} = any(themes)`);
  if (filters.delivery) q = q.where('delivery', '=', filters.delivery as CourseDelivery);
  if (filters.level) q = q.where('level', '=', filters.level as CourseLevel);
  return (await q.orderBy('title').execute()).map(toCourse);
}

export type CourseForm = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => ((Array.isArray(v) ? v[0] : v) ?? '').trim();
const many = (v: string | string[] | undefined) => ([] as string[]).concat(v ?? []).map((x) => x.trim()).filter(Boolean);

/** The course form checked: every problem at once, in the order the form asks. */
export function parseCourse(form: CourseForm, editing: boolean): { course: Omit<Course, 'id'>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const text = (field: string, label: string, max: number) => {
    const v = one(form[field]);
    if (!v) errors.push({ field, message: `Enter the ${label}` });
    else if (v.length > max) errors.push({ field, message: `The ${label} must be ${max.toLocaleString('en-GB')} characters or fewer` });
    return v;
  };
  const title = text('title', 'course title', 200);
  const summary = text('summary', 'summary', 300);
  const description = text('description', 'description', 10_000);
  const audience = text('audience', 'audience', 500);
  const level = one(form.level);
  if (!LEVEL_CODES.includes(level as CourseLevel)) errors.push({ field: 'level', message: 'Select the course’s level' });
  const delivery = one(form.delivery);
  if (!DELIVERY_CODES.includes(delivery as CourseDelivery)) errors.push({ field: 'delivery', message: 'Select how the course is delivered' });
  const hoursText = one(form.durationHours);
  const hours = Number(hoursText);
  let durationMinutes = 0;
  if (!hoursText) errors.push({ field: 'durationHours', message: 'Enter how long the course lasts, in hours' });
  else if (!/^\d{1,2}(\.\d{1,2})?$/.test(hoursText) || hours <= 0 || hours > 40) errors.push({ field: 'durationHours', message: 'The length must be a number of hours from 0.25 to 40, like 3 or 1.5' });
  else durationMinutes = Math.round(hours * 60);
  const learningOutcomes = one(form.learningOutcomes).split(/\r?\n/).map((l) => l.replace(/^[-•*]\s*/, '').trim()).filter(Boolean);
  if (learningOutcomes.length === 0) errors.push({ field: 'learningOutcomes', message: 'Enter at least one learning outcome, one a line' });
  else if (learningOutcomes.length > 20 || learningOutcomes.some((l) => l.length > 500)) errors.push({ field: 'learningOutcomes', message: 'Enter up to 20 learning outcomes of 500 characters or fewer each' });
  const themes = many(form.themes);
  if (themes.some((t) => !isLearningTheme(t))) errors.push({ field: 'themes', message: 'Select themes from the list' });
  const status = editing ? one(form.status) : 'active';
  if (status !== 'active' && status !== 'retired') errors.push({ field: 'status', message: 'Select whether the course is offered' });
  return {
    course: { title, summary, description, audience, level: level as CourseLevel, delivery: delivery as CourseDelivery, durationMinutes,
      learningOutcomes, themes: [...new Set(themes)], status: status as 'active' | 'retired' },
    errors,
  };
}

const duplicateTitle = (err: unknown) => (err as { code?: string }).code === '23505';

export async function createCourse(db: Db, partnershipId: number, form: CourseForm): Promise<string> {
  const { course, errors } = parseCourse(form, false);
  if (errors.length) throw new ValidationFailed(errors);
  try {
    const row = await db.insertInto('course').values({
      partnership_id: partnershipId, title: course.title, summary: course.summary, description: course.description, audience: course.audience,
      level: course.level, delivery: course.delivery, duration_minutes: course.durationMinutes, learning_outcomes: course.learningOutcomes, themes: course.themes,
    }).returning('id').executeTakeFirstOrThrow();
    return row.id;
  } catch (err) {
    if (duplicateTitle(err)) throw new ValidationFailed([{ field: 'title', message: 'The partnership already has a course with this title' }]);
    throw err;
  }
}

export async function updateCourse(db: Db, partnershipId: number, id: string, form: CourseForm): Promise<void> {
  const existing = await findCourse(db, partnershipId, id);
  const { course, errors } = parseCourse(form, true);
  // Sessions already on the programme were planned for one way of delivering: a venue or a joining link.
  if (!errors.some((e) => e.field === 'delivery') && course.delivery !== existing.delivery) {
    const live = await db.selectFrom('course_session').select('id').where('course_id', '=', id).where('status', '<>', 'cancelled').limit(1).executeTakeFirst();
    if (live) errors.push({ field: 'delivery', message: 'The delivery cannot change while the course has sessions: cancel them, or add a new course' });
  }
  if (errors.length) throw new ValidationFailed(errors);
  try {
    await db.updateTable('course').set({
      title: course.title, summary: course.summary, description: course.description, audience: course.audience, level: course.level,
      delivery: course.delivery, duration_minutes: course.durationMinutes, learning_outcomes: course.learningOutcomes, themes: course.themes, status: course.status,
    }).where('partnership_id', '=', partnershipId).where('id', '=', id).execute();
  } catch (err) {
    if (duplicateTitle(err)) throw new ValidationFailed([{ field: 'title', message: 'The partnership already has a course with this title' }]);
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Sessions

export type Session = {
  id: string; courseId: string; courseTitle: string; delivery: CourseDelivery; level: CourseLevel; durationMinutes: number;
  startsAt: Date; endsAt: Date; venue: string | null; joiningLink: string | null; capacity: number; trainers: string; trainerUserId: number | null;
  status: SessionStatus; cancelledReason: string | null; version: number; confirmed: number; waiting: number; placesLeft: number;
};

/** When booking closes: a session's start, or an e-learning window's end (its completion date). */
export const bookingClosesAt = (s: { delivery: CourseDelivery; startsAt: Date; endsAt: Date }) => (s.delivery === 'e_learning' ? s.endsAt : s.startsAt);
export const isPast = (s: { delivery: CourseDelivery; startsAt: Date; endsAt: Date }, now: Date) => bookingClosesAt(s) <= now;

function sessionQuery(db: Db, partnershipId: number) {
  return db.selectFrom('course_session as s').innerJoin('course as c', 'c.id', 's.course_id')
    .select((eb) => ['s.id', 's.course_id', 'c.title', 'c.delivery', 'c.level', 'c.duration_minutes', 's.starts_at', 's.ends_at', 's.venue', 's.joining_link',
      's.capacity', 's.trainers', 's.trainer_user_id', 's.status', 's.cancelled_reason', 's.version',
      eb.selectFrom('booking as b').select(sql<number>`count(*)::int`.as('n')).whereRef('b.session_id', '=', 's.id').where('b.status', '=', 'confirmed').as('confirmed'),
      eb.selectFrom('booking as b').select(sql<number>`count(*)::int`.as('n')).whereRef('b.session_id', '=', 's.id').where('b.status', '=', 'waiting').as('waiting'),
    ])
    .where('s.partnership_id', '=', partnershipId);
}
type SessionRow = Awaited<ReturnType<ReturnType<typeof sessionQuery>['execute']>>[number];
const toSession = (r: SessionRow): Session => {
  const confirmed = Number(r.confirmed ?? 0);
  return {
    id: r.id, courseId: r.course_id, courseTitle: r.title, delivery: r.delivery, level: r.level, durationMinutes: r.duration_minutes,
    startsAt: r.starts_at, endsAt: r.ends_at, venue: r.venue, joiningLink: r.joining_link, capacity: r.capacity, trainers: r.trainers,
    trainerUserId: r.trainer_user_id, status: r.status, cancelledReason: r.cancelled_reason, version: r.version,
    confirmed, waiting: Number(r.waiting ?? 0), placesLeft: Math.max(0, r.capacity - confirmed),
  };
};

export async function findSession(db: Db, partnershipId: number, id: string): Promise<Session> {
  if (!isUuid(id)) throw new NotFound('No such session', 'course_session', id);
  const row = await sessionQuery(db, partnershipId).where('s.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('No such session', 'course_session', id);
  return toSession(row);
}

/** A course's sessions, the latest first, or only those still to come (booking not yet closed). */
export async function sessionsOfCourse(db: Db, partnershipId: number, courseId: string, opts: { upcomingAt?: Date } = {}): Promise<Session[]> {
  let q = sessionQuery(db, partnershipId).where('s.course_id', '=', courseId);
  if (opts.upcomingAt) q = q.where(sql<boolean>`(case when c.delivery = 'e_learning' then s.ends_at else s.starts_at end) > ${opts.upcomingAt}`);
  return (await q.orderBy('s.starts_at', opts.upcomingAt ? 'asc' : 'desc').execute()).map(toSession);
}

/** Every session to come of the partnership's active courses (the catalogue's and the planner's), soonest first. */
export async function upcomingSessions(db: Db, partnershipId: number, now: Date, opts: { courseIds?: string[]; includeCancelled?: boolean; until?: Date } = {}): Promise<Session[]> {
  if (opts.courseIds && opts.courseIds.length === 0) return [];
  let q = sessionQuery(db, partnershipId).where('c.status', '=', 'active')
    .where(sql<boolean>`(case when c.delivery = 'e_learning' then s.ends_at else s.starts_at end) > ${now}`);
  if (!opts.includeCancelled) q = q.where('s.status', '<>', 'cancelled');
  if (opts.courseIds) q = q.where('s.course_id', 'in', opts.courseIds);
  if (opts.until) q = q.where('s.starts_at', '<', opts.until);
  return (await q.orderBy('s.starts_at').execute()).map(toSession);
}

/** Sessions of the partnership in a period, for the manage page. */
export async function sessionsBetween(db: Db, partnershipId: number, from: Date, to: Date): Promise<Session[]> {
  return (await sessionQuery(db, partnershipId).where('s.starts_at', '>=', from).where('s.starts_at', '<', to).orderBy('s.starts_at').execute()).map(toSession);
}

/** People of the partnership who manage training: a session's Beacon trainer is one of them. */
export async function partnershipTrainers(db: Db, partnershipId: number): Promise<{ id: number; name: string }[]> {
  return db.selectFrom('app_user as u').innerJoin('membership as m', 'm.user_id', 'u.id')
    .select(['u.id', 'u.name']).distinct()
    .where('m.partnership_id', '=', partnershipId).where('m.role', 'in', ['trainer', 'business_manager']).where('u.status', '=', 'active')
    .orderBy('u.name').execute();
}

export type SessionForm = Record<string, string | string[] | undefined>;
export type SessionInput = {
  startsAt: Date; endsAt: Date; venue: string | null; joiningLink: string | null; capacity: number; trainers: string;
  trainerUserId: number | null; status: 'planned' | 'scheduled';
};

/** Day, month and year boxes as a real ISO date; null when all are empty; 'invalid' otherwise. */
export function dateOf(form: SessionForm, prefix: string): string | null {
  const [d, m, y] = ['day', 'month', 'year'].map((k) => one(form[`${prefix}-${k}`]));
  if (!d && !m && !y) return null;
  if (!/^\d{1,2}$/.test(d!) || !/^\d{1,2}$/.test(m!) || !/^\d{4}$/.test(y!)) return 'invalid';
  const iso = `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
  return new Date(`${iso}T00:00:00Z`).toISOString().startsWith(iso) ? iso : 'invalid';
}

export function dateBoxes(prefix: string, iso: string): Record<string, string> {
  const [y, m, d] = iso.split('-');
  return { [`${prefix}-day`]: String(Number(d)), [`${prefix}-month`]: String(Number(m)), [`${prefix}-year`]: y! };
}

/** A session's values as the form shows them. */
export function sessionFormValues(s: Session): SessionForm {
  const start = londonParts(s.startsAt);
  const end = londonParts(s.endsAt);
  return s.delivery === 'e_learning'
    ? { ...dateBoxes('date', start.date), ...dateBoxes('endDate', end.date), capacity: String(s.capacity), trainers: s.trainers,
      trainerUserId: s.trainerUserId ? String(s.trainerUserId) : '', status: s.status === 'planned' ? 'planned' : 'scheduled', version: String(s.version) }
    : { ...dateBoxes('date', start.date), startTime: start.time.slice(0, 5), endTime: end.time.slice(0, 5), venue: s.venue ?? '', joiningLink: s.joiningLink ?? '',
      capacity: String(s.capacity), trainers: s.trainers, trainerUserId: s.trainerUserId ? String(s.trainerUserId) : '',
      status: s.status === 'planned' ? 'planned' : 'scheduled', version: String(s.version) };
}

/** The session form checked against the course's way of delivery; trainers must be of the partnership. */
export function parseSession(form: SessionForm, delivery: CourseDelivery, trainerIds: Set<number>): { input: SessionInput; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const date = dateOf(form, 'date');
  let startsAt = new Date(Number.NaN);
  let endsAt = new Date(Number.NaN);
  if (delivery === 'e_learning') {
    const end = dateOf(form, 'endDate');
    if (date === null) errors.push({ field: 'date', message: 'Enter the date enrolment opens' });
    else if (date === 'invalid') errors.push({ field: 'date', message: 'The date enrolment opens must be a real date, like 14 9 2026' });
    if (end === null) errors.push({ field: 'endDate', message: 'Enter the date to complete the module by' });
    else if (end === 'invalid') errors.push({ field: 'endDate', message: 'The completion date must be a real date, like 30 9 2026' });
    if (date && date !== 'invalid' && end && end !== 'invalid') {
      startsAt = londonInstant(date, '00:00:00');
      endsAt = londonInstant(end, '23:59:00');
      if (end < date) errors.push({ field: 'endDate', message: 'The completion date must be on or after the date enrolment opens' });
    }
  } else {
    if (date === null) errors.push({ field: 'date', message: 'Enter the date of the session' });
    else if (date === 'invalid') errors.push({ field: 'date', message: 'The date must be a real date, like 14 9 2026' });
    const start = timeFrom(one(form.startTime));
    const end = timeFrom(one(form.endTime));
    if (!one(form.startTime)) errors.push({ field: 'startTime', message: 'Enter the start time' });
    else if (!start) errors.push({ field: 'startTime', message: 'Enter the start time on the 24-hour clock, like 09:30' });
    if (!one(form.endTime)) errors.push({ field: 'endTime', message: 'Enter the end time' });
    else if (!end) errors.push({ field: 'endTime', message: 'Enter the end time on the 24-hour clock, like 16:00' });
    if (start && end && end <= start) errors.push({ field: 'endTime', message: 'The end time must be after the start time' });
    if (date && date !== 'invalid' && start && end) {
      startsAt = londonInstant(date, start);
      endsAt = londonInstant(date, end);
    }
  }
  const venue = one(form.venue);
  const link = one(form.joiningLink);
  if (delivery === 'face_to_face') {
    if (!venue) errors.push({ field: 'venue', message: 'Enter the venue: a face-to-face session needs one' });
    else if (venue.length > 500) errors.push({ field: 'venue', message: 'The venue must be 500 characters or fewer' });
  }
  if (delivery === 'virtual') {
    if (!link) errors.push({ field: 'joiningLink', message: 'Enter the joining link: a virtual session needs one' });
    else if (!isWebLink(link)) errors.push({ field: 'joiningLink', message: 'Enter the joining link as a full web address starting https://' });
  }
  const capacityText = one(form.capacity);
  const capacity = Number(capacityText);
  if (!capacityText) errors.push({ field: 'capacity', message: 'Enter the number of places' });
  else if (!/^\d{1,4}$/.test(capacityText) || capacity < 1 || capacity > 1000) errors.push({ field: 'capacity', message: 'The number of places must be a whole number from 1 to 1,000' });
  const trainers = one(form.trainers);
  if (trainers.length > 300) errors.push({ field: 'trainers', message: 'The trainers’ names must be 300 characters or fewer' });
  const trainerText = one(form.trainerUserId);
  const trainerUserId = trainerText ? Number(trainerText) : null;
  if (trainerUserId !== null && !trainerIds.has(trainerUserId)) errors.push({ field: 'trainerUserId', message: 'Select a trainer from the list' });
  const status = one(form.status);
  if (status !== 'planned' && status !== 'scheduled') errors.push({ field: 'status', message: 'Select whether the session is open for booking' });
  return {
    input: {
      startsAt, endsAt, venue: delivery === 'face_to_face' ? venue : null, joiningLink: delivery === 'virtual' ? link : null,
      capacity, trainers, trainerUserId, status: status as 'planned' | 'scheduled',
    },
    errors,
  };
}

/** An https address with a host, nothing that could break out of a link or a calendar line. */
export function isWebLink(value: string): boolean {
  if (value.length > 500 || /[\s"<>]/.test(value)) return false;
  try {
    const u = new URL(value);
    return u.protocol === 'https:' && u.hostname.includes('.');
  } catch {
    return false;
  }
}
