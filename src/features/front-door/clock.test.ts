import { describe, expect, it } from 'vitest';
import { countdown } from './clock';

describe('the decision clock in words', () => {
  const now = new Date('2026-06-01T09:00:00Z');
  const at = (minutes: number) => countdown(new Date(now.getTime() + minutes * 60_000), now);

  it('says how long is left, rounded down, and marks the last four hours', () => {
    expect(at(3 * 60 + 59)).toEqual({ text: 'Due in 3 hours', overdue: false, soon: true });
    expect(at(25)).toEqual({ text: 'Due in 25 minutes', overdue: false, soon: true });
    expect(at(0.5)).toEqual({ text: 'Due in 1 minute', overdue: false, soon: true });
    expect(at(23 * 60)).toEqual({ text: 'Due in 23 hours', overdue: false, soon: false });
    expect(at(26 * 60)).toEqual({ text: 'Due in 1 day 2 hours', overdue: false, soon: false });
    expect(at(72 * 60)).toEqual({ text: 'Due in 3 days', overdue: false, soon: false });
  });

  it('says by how much a decision is overdue', () => {
    expect(at(-1)).toEqual({ text: 'Overdue by 1 minute', overdue: true, soon: false });
    expect(at(-(2 * 60 + 10))).toEqual({ text: 'Overdue by 2 hours', overdue: true, soon: false });
  });
});
