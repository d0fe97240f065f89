import { addMonths, addWorkingDays, addWorkingHours, workingDaysBetween, workingHoursBetween, type MashHours } from './calendar';

/**
 * The statutory and local timescales (Working Together, the Care Planning Regulations, the missing
 * children guidance and local protocols) as data: each rule's limit, what starts and stops its clock,
 * and whether the partnership may set its own limit. The engine turns a start (and a stop, once there is
 * one) into a due date and a status.
 */

export type Limit =
  | { unit: 'working_days'; amount: number }
  | { unit: 'calendar_days'; amount: number }
  | { unit: 'months'; amount: number }
  | { unit: 'hours'; amount: number }
  | { unit: 'working_hours'; amount: number };

export type TimescaleRule = {
  id: string;
  name: string;
  limit: Limit;
  starts: string;
  stops: string;
  basis: string;
  /** A local limit: the partnership sets it, within `max` where the guidance gives one. */
  local?: { max?: number };
};

const wd = (amount: number): Limit => ({ unit: 'working_days', amount });
const months = (amount: number): Limit => ({ unit: 'months', amount });

export const TIMESCALE_RULES = [
  { id: 'contact_decision', name: 'Decision on a contact', limit: wd(1), starts: 'contact received', stops: 'decision recorded', basis: 'Working Together' },
  { id: 'mash_check_red', name: 'MASH agency check (red)', limit: { unit: 'working_hours', amount: 4 }, starts: 'check requested', stops: 'agency response', basis: 'local MASH protocol', local: {} },
  { id: 'mash_check_amber', name: 'MASH agency check (amber)', limit: { unit: 'working_hours', amount: 24 }, starts: 'check requested', stops: 'agency response', basis: 'local MASH protocol', local: {} },
  { id: 'mash_check_green', name: 'MASH agency check (green)', limit: { unit: 'working_hours', amount: 72 }, starts: 'check requested', stops: 'agency response', basis: 'local MASH protocol', local: {} },
  { id: 'strategy_discussion', name: 'Strategy discussion', limit: wd(1), starts: 'concern of significant harm', stops: 'discussion held', basis: 'local (at most 3 working days)', local: { max: 3 } },
  { id: 'assessment', name: 'Assessment', limit: wd(45), starts: 'referral', stops: 'assessment authorised', basis: 'Working Together' },
  { id: 'initial_conference', name: 'Initial child protection conference', limit: wd(15), starts: 'strategy discussion that initiated the Section 47 enquiry', stops: 'conference held', basis: 'Working Together' },
  { id: 'first_core_group', name: 'First core group', limit: wd(10), starts: 'initial conference', stops: 'core group held', basis: 'Working Together' },
  { id: 'first_review_conference', name: 'First review conference', limit: months(3), starts: 'initial conference', stops: 'review held', basis: 'Working Together' },
  { id: 'review_conference', name: 'Review conference', limit: months(6), starts: 'previous review', stops: 'next review', basis: 'Working Together' },
  { id: 'cp_visit', name: 'Visit to a child on a protection plan', limit: wd(10), starts: 'previous visit', stops: 'next visit', basis: 'local', local: {} },
  { id: 'care_plan', name: 'Care plan', limit: wd(10), starts: 'placement start', stops: 'care plan recorded', basis: 'Care Planning Regulations reg 4' },
  { id: 'initial_health_assessment', name: 'Initial health assessment', limit: wd(20), starts: 'became looked after', stops: 'assessment done', basis: 'Care Planning Regulations reg 7 and local standard', local: {} },
  { id: 'review_health_assessment_under_5', name: 'Review health assessment (under 5)', limit: months(6), starts: 'previous health assessment', stops: 'next assessment', basis: 'statutory guidance 2015' },
  { id: 'review_health_assessment', name: 'Review health assessment (5 and over)', limit: months(12), starts: 'previous health assessment', stops: 'next assessment', basis: 'statutory guidance 2015' },
  { id: 'first_cla_review', name: 'First looked-after review', limit: wd(20), starts: 'became looked after', stops: 'review held', basis: 'Care Planning Regulations reg 33(1)' },
  { id: 'second_cla_review', name: 'Second looked-after review', limit: months(3), starts: 'first review', stops: 'second review', basis: 'Care Planning Regulations reg 33(2)' },
  { id: 'cla_review', name: 'Looked-after review', limit: months(6), starts: 'previous review', stops: 'next review', basis: 'Care Planning Regulations reg 33(2)' },
  { id: 'placement_visit', name: 'Visit after placement', limit: { unit: 'calendar_days', amount: 7 }, starts: 'placement start', stops: 'visit', basis: 'Care Planning Regulations reg 28' },
  { id: 'return_interview', name: 'Return home interview', limit: { unit: 'hours', amount: 72 }, starts: 'child returned', stops: 'interview offered', basis: 'missing children guidance 2014' },
  { id: 'serious_incident_notification', name: 'Serious incident notification to the National Panel', limit: wd(5), starts: 'partnership aware', stops: 'notified', basis: 'Children Act 2004 s16C' },
  { id: 'rapid_review', name: 'Rapid review to the National Panel', limit: wd(15), starts: 'serious incident notification', stops: 'rapid review sent', basis: 'Panel guidance' },
  { id: 'practice_review_publication', name: 'Practice review published', limit: months(6), starts: 'decision to commission', stops: 'published', basis: 'Panel guidance (local target)', local: {} },
  { id: 'lado_referral', name: 'Allegation referred to the LADO', limit: wd(1), starts: 'allegation known', stops: 'LADO informed', basis: 'local', local: {} },
] as const satisfies readonly TimescaleRule[];

export type TimescaleRuleId = (typeof TIMESCALE_RULES)[number]['id'];

const RULES = new Map<string, TimescaleRule>(TIMESCALE_RULES.map((r) => [r.id, r]));

export function ruleOf(id: TimescaleRuleId): TimescaleRule {
  return RULES.get(id)!;
}

/** A partnership's own limits for the local rules, by rule id, in the rule's unit. */
export type LocalLimits = Partial<Record<TimescaleRuleId, number>>;

export function limitOf(rule: TimescaleRule, local: LocalLimits = {}): Limit {
  const own = local[rule.id as TimescaleRuleId];
  return rule.local && own !== undefined ? { ...rule.limit, amount: own } : rule.limit;
}

/** Checks a partnership's local limits: only local rules, whole positive amounts, within any maximum. */
export function localLimitProblem(id: string, amount: number): string | null {
  const rule = RULES.get(id);
  if (!rule) return `There is no timescale called ${id}`;
  if (!rule.local) return `${rule.name} is set nationally and cannot be changed`;
  if (!Number.isInteger(amount) || amount < 1) return `${rule.name}: enter a whole number of ${unitName(rule.limit.unit)}, 1 or more`;
  if (rule.local.max !== undefined && amount > rule.local.max) return `${rule.name}: at most ${rule.local.max} ${unitName(rule.limit.unit)}`;
  return null;
}

export function unitName(unit: Limit['unit']): string {
  return { working_days: 'working days', calendar_days: 'days', months: 'months', hours: 'hours', working_hours: 'working hours' }[unit];
}

/** A clock starts on a date (day-based rules) or at an instant (hour-based rules). */
export type ClockPoint = string | Date;

export type TimescaleStatus = 'on_time' | 'due_soon' | 'overdue' | 'met_on_time' | 'met_late';

export type Timescale = {
  rule: TimescaleRuleId;
  name: string;
  due: ClockPoint;
  status: TimescaleStatus;
  /** Red, amber or green, as the lists show it. */
  rag: 'red' | 'amber' | 'green';
};

export type ClockContext = { today: string; now: Date; mashHours?: MashHours; local?: LocalLimits };

const DAY_MS = 86_400_000;

function toDate(point: ClockPoint): string {
  return typeof point === 'string' ? point : point.toISOString().slice(0, 10);
}

function toInstant(point: ClockPoint): Date {
  return typeof point === 'string' ? new Date(`${point}T00:00:00Z`) : point;
}

/** When the clock runs out. */
export function dueOf(limit: Limit, start: ClockPoint, mashHours?: MashHours): ClockPoint {
  switch (limit.unit) {
    case 'working_days': return addWorkingDays(toDate(start), limit.amount);
    case 'calendar_days': return new Date(toInstant(start).getTime() + limit.amount * DAY_MS).toISOString().slice(0, 10);
    case 'months': return addMonths(toDate(start), limit.amount);
    case 'hours': return new Date(toInstant(start).getTime() + limit.amount * 3_600_000);
    case 'working_hours': return addWorkingHours(toInstant(start), limit.amount, mashHours);
  }
}

/**
 * Whether `stop` (or, while the clock runs, now) is within the limit. Working days count as
 * indicators.md says: within N working days of a means workingDaysBetween(a, b) <= N, so a weekend
 * after the last working day is not yet late.
 */
function within(limit: Limit, start: ClockPoint, end: ClockPoint, mashHours?: MashHours): boolean {
  switch (limit.unit) {
    case 'working_days': return workingDaysBetween(toDate(start), toDate(end)) <= limit.amount;
    case 'working_hours': return workingHoursBetween(toInstant(start), toInstant(end), mashHours) <= limit.amount;
    case 'hours': return toInstant(end).getTime() <= toInstant(start).getTime() + limit.amount * 3_600_000;
    default: return toDate(end) <= (dueOf(limit, start) as string);
  }
}

/** How close "due soon" is: the last 2 working days, the last week of a month-based limit, the last quarter of an hour-based one. */
function dueSoon(limit: Limit, start: ClockPoint, ctx: ClockContext): boolean {
  const due = dueOf(limit, start, ctx.mashHours);
  switch (limit.unit) {
    case 'working_days': return workingDaysBetween(ctx.today, due as string) <= Math.min(2, limit.amount - 1);
    case 'calendar_days':
    case 'months': return Date.parse(`${due as string}T00:00:00Z`) - Date.parse(`${ctx.today}T00:00:00Z`) <= 7 * DAY_MS;
    case 'hours': return (due as Date).getTime() - ctx.now.getTime() <= (limit.amount * 3_600_000) / 4;
    case 'working_hours': return workingHoursBetween(ctx.now, due as Date, ctx.mashHours) <= limit.amount / 4;
  }
}

/** The state of one clock: started at `start`, stopped at `stop` if the event has happened. */
export function evaluate(id: TimescaleRuleId, start: ClockPoint, stop: ClockPoint | null, ctx: ClockContext): Timescale {
  const rule = ruleOf(id);
  const limit = limitOf(rule, ctx.local);
  const due = dueOf(limit, start, ctx.mashHours);
  let status: TimescaleStatus;
  if (stop !== null) status = within(limit, start, stop, ctx.mashHours) ? 'met_on_time' : 'met_late';
  else if (!within(limit, start, isHourBased(limit) ? ctx.now : ctx.today, ctx.mashHours)) status = 'overdue';
  else status = dueSoon(limit, start, ctx) ? 'due_soon' : 'on_time';
  const rag = status === 'overdue' || status === 'met_late' ? 'red' : status === 'due_soon' ? 'amber' : 'green';
  return { rule: id, name: rule.name, due, status, rag };
}

function isHourBased(limit: Limit): boolean {
  return limit.unit === 'hours' || limit.unit === 'working_hours';
}
