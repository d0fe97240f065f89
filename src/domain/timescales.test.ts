import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addWorkingDays } from './calendar';
import { TIMESCALE_RULES, dueOf, evaluate, limitOf, localLimitProblem, ruleOf } from './timescales';

const ctx = (today: string, now = new Date(`${today}T12:00:00Z`)) => ({ today, now });

describe('timescale rules', () => {
  it('hold every rule of the statutory table once', () => {
    const ids = TIMESCALE_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ruleOf('assessment').limit).toEqual({ unit: 'working_days', amount: 45 });
    expect(ruleOf('initial_conference').limit).toEqual({ unit: 'working_days', amount: 15 });
    expect(ruleOf('return_interview').limit).toEqual({ unit: 'hours', amount: 72 });
  });

  it('let a partnership set only the local limits, within their maximum', () => {
    expect(localLimitProblem('strategy_discussion', 2)).toBeNull();
    expect(localLimitProblem('strategy_discussion', 4)).toMatch(/at most 3 working days/);
    expect(localLimitProblem('assessment', 30)).toMatch(/set nationally/);
    expect(localLimitProblem('mash_check_red', 0)).toMatch(/1 or more/);
    expect(localLimitProblem('nonsense', 1)).toMatch(/no timescale/);
    expect(limitOf(ruleOf('mash_check_red'), { mash_check_red: 2 })).toEqual({ unit: 'working_hours', amount: 2 });
    expect(limitOf(ruleOf('assessment'), { assessment: 10 } as never)).toEqual({ unit: 'working_days', amount: 45 });
  });
});

describe('an assessment (45 working days from referral)', () => {
  const referral = '2024-03-01';
  it('authorised on working day 45 is on time, on working day 46 late', () => {
    expect(evaluate('assessment', referral, addWorkingDays(referral, 45), ctx('2024-06-01')).status).toBe('met_on_time');
    expect(evaluate('assessment', referral, addWorkingDays(referral, 46), ctx('2024-06-01'))).toMatchObject({ status: 'met_late', rag: 'red' });
  });
  it('is due on working day 45, skipping Easter and the May bank holidays', () => {
    // 2024: Good Friday 29 March, Easter Monday 1 April, 6 May and 27 May.
    expect(dueOf(ruleOf('assessment').limit, referral)).toBe('2024-05-08');
  });
  it('while open is on time, then due soon, then overdue', () => {
    expect(evaluate('assessment', referral, null, ctx('2024-04-15')).status).toBe('on_time');
    expect(evaluate('assessment', referral, null, ctx('2024-05-02')).status).toBe('on_time');
    expect(evaluate('assessment', referral, null, ctx('2024-05-07'))).toMatchObject({ status: 'due_soon', rag: 'amber' });
    expect(evaluate('assessment', referral, null, ctx('2024-05-08')).status).toBe('due_soon');
    expect(evaluate('assessment', referral, null, ctx('2024-05-09'))).toMatchObject({ status: 'overdue', rag: 'red' });
  });
});

describe('an initial conference (15 working days from the strategy discussion)', () => {
  it('held on working day 15 is on time, on working day 16 late', () => {
    const strategy = '2023-12-18';
    expect(evaluate('initial_conference', strategy, addWorkingDays(strategy, 15), ctx('2024-02-01')).status).toBe('met_on_time');
    expect(evaluate('initial_conference', strategy, addWorkingDays(strategy, 16), ctx('2024-02-01')).status).toBe('met_late');
    // Christmas, Boxing Day and New Year's Day fall inside the 15 days.
    expect(addWorkingDays(strategy, 15)).toBe('2024-01-11');
  });
  it('is not late on the weekend after its last working day', () => {
    // Due Thursday 28 March 2024; Good Friday, the weekend and Easter Monday add no working day.
    expect(evaluate('initial_conference', '2024-03-07', null, ctx('2024-03-30')).status).toBe('due_soon');
    expect(evaluate('initial_conference', '2024-03-07', null, ctx('2024-04-02')).status).toBe('overdue');
    const start = '2024-02-16';
    const due = addWorkingDays(start, 15); // a Friday
    expect(new Date(`${due}T00:00:00Z`).getUTCDay()).toBe(5);
    const saturday = new Date(Date.parse(`${due}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect(evaluate('initial_conference', start, saturday, ctx('2024-04-01')).status).toBe('met_on_time');
  });
});

describe('month-based reviews', () => {
  it('fall on the same day of the month, or the last day of a shorter month', () => {
    expect(dueOf(ruleOf('first_review_conference').limit, '2023-11-30')).toBe('2024-02-29');
    expect(evaluate('review_conference', '2024-01-31', '2024-07-31', ctx('2024-08-01')).status).toBe('met_on_time');
    expect(evaluate('review_conference', '2024-01-31', '2024-08-01', ctx('2024-08-02')).status).toBe('met_late');
  });
});

describe('the return home interview (72 hours)', () => {
  const returned = new Date('2024-06-07T22:00:00Z');
  it('counts elapsed hours, weekends included', () => {
    expect(evaluate('return_interview', returned, new Date('2024-06-10T21:59:00Z'), ctx('2024-06-11')).status).toBe('met_on_time');
    expect(evaluate('return_interview', returned, new Date('2024-06-10T22:01:00Z'), ctx('2024-06-11')).status).toBe('met_late');
    expect(evaluate('return_interview', returned, null, ctx('2024-06-10', new Date('2024-06-10T08:00:00Z'))).status).toBe('due_soon');
    expect(evaluate('return_interview', returned, null, ctx('2024-06-11', new Date('2024-06-11T08:00:00Z'))).status).toBe('overdue');
  });
});

describe('a red MASH check (4 working hours)', () => {
  it('asked for late on a Friday is due on Monday morning', () => {
    // Friday 16:00 BST: one hour that day, three on Monday from 09:00 BST.
    const asked = new Date('2024-06-14T15:00:00Z');
    expect((dueOf(ruleOf('mash_check_red').limit, asked) as Date).toISOString()).toBe('2024-06-17T11:00:00.000Z');
    expect(evaluate('mash_check_red', asked, new Date('2024-06-17T10:30:00Z'), ctx('2024-06-17')).status).toBe('met_on_time');
  });
});

describe('every working-day rule', () => {
  it('is met on time exactly up to its due date', () => {
    const rules = TIMESCALE_RULES.filter((r) => r.limit.unit === 'working_days');
    fc.assert(fc.property(
      fc.constantFrom(...rules.map((r) => r.id)),
      fc.integer({ min: Date.parse('2016-01-01'), max: Date.parse('2027-06-30') }),
      fc.integer({ min: 0, max: 40 }),
      (id, startMs, extra) => {
        const start = new Date(startMs).toISOString().slice(0, 10);
        const n = ruleOf(id).limit.amount;
        const stop = addWorkingDays(start, Math.max(0, n - 3) + extra);
        const status = evaluate(id, start, stop, ctx('2028-01-01')).status;
        expect(status).toBe(Math.max(0, n - 3) + extra <= n ? 'met_on_time' : 'met_late');
      },
    ));
  });
});
