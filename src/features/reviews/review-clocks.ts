import type { AbuseOrNeglect, Harm, NotifyDecision, RapidReviewDecision } from '../../db/schema-reviews';
import { addMonths, workingDaysBetween } from '../../domain/calendar';
import { evaluate, limitOf, ruleOf, unitName, type ClockContext, type TimescaleStatus } from '../../domain/timescales';

/**
 * What the Child Safeguarding Practice Review Group reads off a review at a glance: its stage, its three
 * clocks (notification to the National Panel in 5 working days from becoming aware, the rapid review to the
 * Panel in 15 working days from notification, publication of a practice review within the partnership's
 * target from the decision to commission) and the reference everyone uses instead of the child's name.
 */

export type Stage = 'notification' | 'rapid_review' | 'practice_review' | 'published' | 'closed';
export const STAGES: Stage[] = ['notification', 'rapid_review', 'practice_review', 'published', 'closed'];
export const STAGE_LABELS: Record<Stage, string> = {
  notification: 'Notification', rapid_review: 'Rapid review', practice_review: 'Practice review', published: 'Published', closed: 'Closed',
};
export const isStage = (value: unknown): value is Stage => typeof value === 'string' && (STAGES as string[]).includes(value);

export const ABUSE_LABELS: Record<AbuseOrNeglect, string> = { known: 'Known', suspected: 'Suspected', neither: 'Neither known nor suspected' };
export const HARM_LABELS: Record<Harm, string> = { died: 'The child died', serious_harm: 'The child was seriously harmed', neither: 'Neither' };
export const NOTIFY_LABELS: Record<NotifyDecision, string> = { notify: 'Notify the National Panel', not_notify: 'Do not notify' };
export const RR_DECISION_LABELS: Record<RapidReviewDecision, string> = {
  practice_review: 'Commission a local child safeguarding practice review',
  no_practice_review: 'No practice review',
  other_learning: 'Other learning, such as an appreciative enquiry or a single-agency review',
};

/** The fields of a review the clocks and the stage are read from. */
export type ReviewDates = {
  aware_on: string;
  abuse_or_neglect: AbuseOrNeglect;
  harm: Harm;
  notify_decision: NotifyDecision | null;
  decided_on: string | null;
  notified_on: string | null;
  rr_decision: RapidReviewDecision | null;
  rr_sent_on: string | null;
  cspr_commissioned_on: string | null;
  cspr_published_on: string | null;
  closed_on: string | null;
};

/** The notification criteria: abuse or neglect known or suspected, and the child died or was seriously harmed. */
export function meetsCriteria(r: Pick<ReviewDates, 'abuse_or_neglect' | 'harm'>): boolean {
  return r.abuse_or_neglect !== 'neither' && r.harm !== 'neither';
}

export function stageOf(r: ReviewDates): Stage {
  if (r.closed_on) return 'closed';
  if (r.cspr_published_on) return 'published';
  if (r.rr_decision === 'practice_review') return 'practice_review';
  if (r.notify_decision === 'notify') return 'rapid_review';
  return 'notification';
}

/**
 * "RR 2026/03" once the Panel is to be notified (every notification goes to a rapid review), "SIN 2026/03"
 * (serious incident notification) before the decision and when the decision is not to notify. The number
 * counts the partnership's serious incidents in the year it became aware of them and never changes, so
 * the prefix can follow the decision without two reviews ever sharing a reference.
 */
export function referenceOf(decision: NotifyDecision | null, year: number, number: number): string {
  return `${decision === 'notify' ? 'RR' : 'SIN'} ${year}/${String(number).padStart(2, '0')}`;
}

export type ClockKind = 'notification' | 'rapid_review' | 'publication';
const RULE = { notification: 'serious_incident_notification', rapid_review: 'rapid_review', publication: 'practice_review_publication' } as const;
/** Where each clock starts, in the group's words. */
const STARTS: Record<ClockKind, string> = { notification: 'becoming aware', rapid_review: 'the notification', publication: 'the decision to commission' };
export const CLOCK_LABELS: Record<ClockKind, string> = {
  notification: 'Notification to the National Panel',
  rapid_review: 'Rapid review to the National Panel',
  publication: 'Practice review published',
};

export type Countdown = { text: string; overdue: boolean };

export type ReviewClock = {
  kind: ClockKind;
  label: string;
  /** "5 working days from becoming aware", with the partnership's own limit where it has one. */
  limitText: string;
  start: string;
  due: string;
  stop: string | null;
  status: TimescaleStatus;
  rag: 'red' | 'amber' | 'green';
  /** While the clock runs: working days (or days, for publication) left or overdue. */
  countdown: Countdown | null;
  /** While a working-day clock runs: its limit less the working days since it started (negative when overdue). */
  workingDaysLeft: number | null;
};

export const STATUS_LABELS: Record<TimescaleStatus, string> = {
  on_time: 'On time', due_soon: 'Due soon', overdue: 'Overdue', met_on_time: 'Met on time', met_late: 'Met late',
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Working days left on a clock as people say it: "2 working days left", "Due today", "3 working days overdue". */
export function workingDayCountdown(left: number, today: string, due: string): Countdown {
  if (left > 0) return { text: `${plural(left, 'working day', 'working days')} left`, overdue: false };
  // A weekend or bank holiday after the last working day is not yet late, but no working day is left.
  if (left === 0) return { text: today === due ? 'Due today' : 'No working days left', overdue: false };
  return { text: `${plural(-left, 'working day', 'working days')} overdue`, overdue: true };
}

function dayCountdown(today: string, due: string): Countdown {
  const days = Math.round((Date.parse(`${due}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
  if (days > 0) return { text: `${plural(days, 'day', 'days')} left`, overdue: false };
  if (days === 0) return { text: 'Due today', overdue: false };
  return { text: `${plural(-days, 'day', 'days')} overdue`, overdue: true };
}

function clock(kind: ClockKind, start: string, stop: string | null, ctx: ClockContext): ReviewClock {
  const rule = ruleOf(RULE[kind]);
  const limit = limitOf(rule, ctx.local);
  const t = evaluate(RULE[kind], start, stop, ctx);
  const due = t.due as string;
  let countdown: Countdown | null = null;
  let workingDaysLeft: number | null = null;
  if (stop === null) {
    if (limit.unit === 'working_days') {
      workingDaysLeft = limit.amount - workingDaysBetween(start, ctx.today);
      countdown = workingDayCountdown(workingDaysLeft, ctx.today, due);
    } else {
      countdown = dayCountdown(ctx.today, due);
    }
  }
  const own = rule.local && limit.amount !== rule.limit.amount ? ' (the partnership’s own limit)' : '';
  return {
    kind, label: CLOCK_LABELS[kind], limitText: `${limit.amount} ${unitName(limit.unit)} from ${STARTS[kind]}${own}`,
    start, due, stop, status: t.status, rag: t.rag, countdown, workingDaysLeft,
  };
}

/** The clocks that apply to a review so far, in the order they run. */
export function clocksOf(r: ReviewDates, ctx: ClockContext): ReviewClock[] {
  const out: ReviewClock[] = [];
  // A decision not to notify ends the notification work: there is no notification to be late.
  if (r.notify_decision !== 'not_notify') out.push(clock('notification', r.aware_on, r.notified_on, ctx));
  if (r.notified_on) out.push(clock('rapid_review', r.notified_on, r.rr_sent_on, ctx));
  if (r.rr_decision === 'practice_review' && r.cspr_commissioned_on) out.push(clock('publication', r.cspr_commissioned_on, r.cspr_published_on, ctx));
  return out;
}

export type ReviewRag = 'red' | 'amber' | 'green' | 'none';
export const REVIEW_RAG_LABELS: Record<ReviewRag, string> = { red: 'Overdue', amber: 'Due soon', green: 'On time', none: 'No clock running' };

/** A review's RAG is its worst running clock's; a review whose clocks have all stopped has none. */
export function ragOf(clocks: ReviewClock[]): ReviewRag {
  const running = clocks.filter((c) => c.stop === null);
  if (running.some((c) => c.rag === 'red')) return 'red';
  if (running.some((c) => c.rag === 'amber')) return 'amber';
  return running.length ? 'green' : 'none';
}

export type ReminderState = 'due_soon' | 'overdue';

/** When the business managers are emailed about a working-day clock: one working day (or less) left, then overdue. */
export function reminderStateOf(c: ReviewClock): ReminderState | null {
  if (c.stop !== null || c.workingDaysLeft === null) return null;
  if (c.workingDaysLeft < 0) return 'overdue';
  return c.workingDaysLeft <= 1 ? 'due_soon' : null;
}

/** "Child A", "Child B", ... "Child Z", "Child AA": how a review names its children to those who may not see names. */
export function childLabel(index: number): string {
  let n = index;
  let letters = '';
  do {
    letters = String.fromCharCode(65 + (n % 26)) + letters;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return `Child ${letters}`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "5 June 2026", for messages and emails (pages use the date filter). */
export function longDate(date: string): string {
  return `${Number(date.slice(8, 10))} ${MONTHS[Number(date.slice(5, 7)) - 1]} ${date.slice(0, 4)}`;
}

/** The financial year (1 April to 31 March) a date falls in, as the annual report counts. */
export function financialYearOf(date: string): { from: string; to: string; label: string } {
  const y = Number(date.slice(0, 4));
  const start = date.slice(5) >= '04-01' ? y : y - 1;
  return { from: `${start}-04-01`, to: `${start + 1}-03-31`, label: `${start}-${String((start + 1) % 100).padStart(2, '0')}` };
}

/** The usual milestones of a practice review, spread over the time to its publication target. */
export function standardMilestones(commissionedOn: string, publicationDue: string): { name: string; due_on: string }[] {
  const months = Math.max(1, monthsBetween(commissionedOn, publicationDue));
  const at = (share: number) => addMonths(commissionedOn, Math.max(1, Math.round(months * share)));
  return [
    { name: 'Terms of reference agreed', due_on: addMonths(commissionedOn, 1) },
    { name: 'Practitioner learning event', due_on: at(1 / 3) },
    { name: 'Family engagement', due_on: at(1 / 2) },
    { name: 'Draft report to the partnership', due_on: at(2 / 3) },
    { name: 'Partnership and Panel sign-off', due_on: at(5 / 6) },
  ];
}

function monthsBetween(a: string, b: string): number {
  return (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));
}
