import { describe, expect, it } from 'vitest';
import type { ClockContext } from '../../domain/timescales';
import {
  childLabel, clocksOf, financialYearOf, meetsCriteria, ragOf, referenceOf, reminderStateOf, stageOf, standardMilestones, workingDayCountdown,
  type ReviewDates,
} from './review-clocks';

const ctx = (today: string, local: ClockContext['local'] = {}): ClockContext => ({ today, now: new Date(`${today}T12:00:00Z`), local });

const base: ReviewDates = {
  aware_on: '2026-06-05', abuse_or_neglect: 'suspected', harm: 'serious_harm', notify_decision: null, decided_on: null, notified_on: null,
  rr_decision: null, rr_sent_on: null, cspr_commissioned_on: null, cspr_published_on: null, closed_on: null,
};

describe('the notification clock: 5 working days from becoming aware', () => {
  it('runs over a weekend: aware on Friday 5 June 2026, due Friday 12 June', () => {
    const [c] = clocksOf(base, ctx('2026-06-09'));
    expect(c).toMatchObject({ kind: 'notification', due: '2026-06-12', status: 'on_time', rag: 'green', workingDaysLeft: 3 });
    expect(c!.countdown).toEqual({ text: '3 working days left', overdue: false });
    expect(clocksOf(base, ctx('2026-06-10'))[0]).toMatchObject({ workingDaysLeft: 2, status: 'due_soon', rag: 'amber' });
    expect(clocksOf(base, ctx('2026-06-12'))[0]!.countdown).toEqual({ text: 'Due today', overdue: false });
    // The weekend after the last working day is not yet late.
    expect(clocksOf(base, ctx('2026-06-13'))[0]).toMatchObject({ status: 'due_soon', workingDaysLeft: 0, countdown: { text: 'No working days left', overdue: false } });
    expect(clocksOf(base, ctx('2026-06-15'))[0]).toMatchObject({ status: 'overdue', rag: 'red', workingDaysLeft: -1, countdown: { text: '1 working day overdue', overdue: true } });
    expect(clocksOf(base, ctx('2026-06-17'))[0]!.countdown!.text).toBe('3 working days overdue');
  });

  it('skips Christmas, the Boxing Day substitute and New Year’s Day: aware Thursday 24 December 2026, due Tuesday 5 January 2027', () => {
    const r = { ...base, aware_on: '2026-12-24' };
    expect(clocksOf(r, ctx('2026-12-24'))[0]).toMatchObject({ due: '2027-01-05', workingDaysLeft: 5 });
    expect(clocksOf(r, ctx('2027-01-01'))[0]).toMatchObject({ workingDaysLeft: 2, countdown: { text: '2 working days left' } });
    expect(clocksOf(r, ctx('2027-01-04'))[0]!.countdown!.text).toBe('1 working day left');
  });

  it('stops when the Panel is notified, on time or late', () => {
    const onTime = clocksOf({ ...base, notify_decision: 'notify', notified_on: '2026-06-12' }, ctx('2026-07-01'))[0]!;
    expect(onTime).toMatchObject({ status: 'met_on_time', rag: 'green', countdown: null, workingDaysLeft: null });
    expect(clocksOf({ ...base, notify_decision: 'notify', notified_on: '2026-06-15' }, ctx('2026-07-01'))[0]).toMatchObject({ status: 'met_late', rag: 'red' });
  });

  it('does not apply once the decision is not to notify', () => {
    expect(clocksOf({ ...base, notify_decision: 'not_notify', decided_on: '2026-06-08' }, ctx('2026-07-01'))).toEqual([]);
  });
});

describe('the rapid review clock: 15 working days from notification', () => {
  it('counts round the spring bank holiday: notified Tuesday 19 May 2026, due Wednesday 10 June', () => {
    const r = { ...base, aware_on: '2026-05-15', notify_decision: 'notify' as const, notified_on: '2026-05-19' };
    const [, rr] = clocksOf(r, ctx('2026-05-26'));
    expect(rr).toMatchObject({ kind: 'rapid_review', due: '2026-06-10', workingDaysLeft: 11, status: 'on_time' });
    expect(clocksOf(r, ctx('2026-06-09'))[1]).toMatchObject({ workingDaysLeft: 1, status: 'due_soon' });
    expect(clocksOf(r, ctx('2026-06-11'))[1]).toMatchObject({ status: 'overdue', countdown: { text: '1 working day overdue', overdue: true } });
    expect(clocksOf({ ...r, rr_sent_on: '2026-06-10' }, ctx('2026-06-20'))[1]).toMatchObject({ status: 'met_on_time', countdown: null });
  });

  it('counts round Easter: notified Thursday 2 April 2026, five working days on is Monday 13 April', () => {
    const r = { ...base, aware_on: '2026-03-30', notify_decision: 'notify' as const, notified_on: '2026-04-02' };
    expect(clocksOf(r, ctx('2026-04-13'))[1]!.workingDaysLeft).toBe(10);
    expect(clocksOf(r, ctx('2026-04-06'))[1]!.workingDaysLeft).toBe(15);
  });
});

describe('the publication target: 6 months from the decision to commission, or the partnership’s own', () => {
  const r = { ...base, notify_decision: 'notify' as const, notified_on: '2026-06-10', rr_decision: 'practice_review' as const, rr_sent_on: '2026-06-20', cspr_commissioned_on: '2026-08-31' };

  it('is due the same day six months on, or the last day of a shorter month', () => {
    const pub = clocksOf(r, ctx('2026-09-01'))[2]!;
    expect(pub).toMatchObject({ kind: 'publication', due: '2027-02-28', status: 'on_time', countdown: { text: '180 days left', overdue: false } });
    expect(pub.limitText).toBe('6 months from the decision to commission');
    expect(clocksOf(r, ctx('2027-03-02'))[2]).toMatchObject({ status: 'overdue', countdown: { text: '2 days overdue', overdue: true } });
  });

  it('takes the partnership’s own limit', () => {
    const pub = clocksOf(r, ctx('2026-09-01', { practice_review_publication: 9 }))[2]!;
    expect(pub.due).toBe('2027-05-31');
    expect(pub.limitText).toBe('9 months from the decision to commission (the partnership’s own limit)');
  });

  it('stops when published', () => {
    expect(clocksOf({ ...r, cspr_published_on: '2027-03-15' }, ctx('2027-04-01'))[2]).toMatchObject({ status: 'met_late', countdown: null });
  });
});

describe('stage, RAG, reference and reminders', () => {
  it('reads the stage from what is recorded', () => {
    expect(stageOf(base)).toBe('notification');
    expect(stageOf({ ...base, notify_decision: 'not_notify' })).toBe('notification');
    expect(stageOf({ ...base, notify_decision: 'notify' })).toBe('rapid_review');
    expect(stageOf({ ...base, notify_decision: 'notify', rr_decision: 'other_learning' })).toBe('rapid_review');
    expect(stageOf({ ...base, notify_decision: 'notify', rr_decision: 'practice_review' })).toBe('practice_review');
    expect(stageOf({ ...base, notify_decision: 'notify', rr_decision: 'practice_review', cspr_commissioned_on: '2026-07-01', cspr_published_on: '2027-01-01' })).toBe('published');
    expect(stageOf({ ...base, notify_decision: 'not_notify', closed_on: '2026-07-01' })).toBe('closed');
  });

  it('rates a review by its worst running clock', () => {
    const r = { ...base, aware_on: '2026-06-01', notify_decision: 'notify' as const, notified_on: '2026-06-10' };
    expect(ragOf(clocksOf(r, ctx('2026-06-12')))).toBe('green');
    expect(ragOf(clocksOf(r, ctx('2026-06-30')))).toBe('amber');
    expect(ragOf(clocksOf(r, ctx('2026-07-02')))).toBe('red');
    expect(ragOf(clocksOf({ ...r, rr_sent_on: '2026-07-02' }, ctx('2026-07-10')))).toBe('none');
  });

  it('numbers references and keeps the number when the decision changes the prefix', () => {
    expect(referenceOf(null, 2026, 3)).toBe('SIN 2026/03');
    expect(referenceOf('not_notify', 2026, 12)).toBe('SIN 2026/12');
    expect(referenceOf('notify', 2026, 3)).toBe('RR 2026/03');
    expect(referenceOf('notify', 2026, 104)).toBe('RR 2026/104');
  });

  it('reminds with one working day left, and again when overdue', () => {
    expect(reminderStateOf(clocksOf(base, ctx('2026-06-10'))[0]!)).toBeNull();
    expect(reminderStateOf(clocksOf(base, ctx('2026-06-11'))[0]!)).toBe('due_soon');
    expect(reminderStateOf(clocksOf(base, ctx('2026-06-13'))[0]!)).toBe('due_soon');
    expect(reminderStateOf(clocksOf(base, ctx('2026-06-15'))[0]!)).toBe('overdue');
    expect(reminderStateOf(clocksOf({ ...base, notify_decision: 'notify', notified_on: '2026-06-15' }, ctx('2026-06-15'))[0]!)).toBeNull();
  });

  it('words countdowns', () => {
    expect(workingDayCountdown(1, '2026-06-11', '2026-06-12').text).toBe('1 working day left');
    expect(workingDayCountdown(-2, '2026-06-16', '2026-06-12')).toEqual({ text: '2 working days overdue', overdue: true });
  });

  it('tests the criteria', () => {
    expect(meetsCriteria({ abuse_or_neglect: 'known', harm: 'died' })).toBe(true);
    expect(meetsCriteria({ abuse_or_neglect: 'neither', harm: 'died' })).toBe(false);
    expect(meetsCriteria({ abuse_or_neglect: 'suspected', harm: 'neither' })).toBe(false);
  });

  it('letters children in the order linked', () => {
    expect([0, 1, 25, 26, 27].map(childLabel)).toEqual(['Child A', 'Child B', 'Child Z', 'Child AA', 'Child AB']);
  });

  it('finds the financial year', () => {
    expect(financialYearOf('2026-03-31')).toEqual({ from: '2025-04-01', to: '2026-03-31', label: '2025-26' });
    expect(financialYearOf('2026-04-01')).toEqual({ from: '2026-04-01', to: '2027-03-31', label: '2026-27' });
    expect(financialYearOf('2099-12-01').label).toBe('2099-00');
  });

  it('spreads the usual milestones before the publication target', () => {
    const m = standardMilestones('2026-01-15', '2026-07-15');
    expect(m.map((x) => x.due_on)).toEqual(['2026-02-15', '2026-03-15', '2026-04-15', '2026-05-15', '2026-06-15']);
    expect(m.every((x) => x.due_on < '2026-07-15')).toBe(true);
  });
});
