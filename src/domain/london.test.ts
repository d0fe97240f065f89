import { describe, expect, it } from 'vitest';
import { londonInstant, londonParts } from './london';

describe('London wall-clock time', () => {
  it('reads an instant as London shows it, in winter and in summer', () => {
    expect(londonParts(new Date('2026-01-15T23:30:00Z'))).toEqual({ date: '2026-01-15', time: '23:30:00' });
    expect(londonParts(new Date('2026-07-15T23:30:00Z'))).toEqual({ date: '2026-07-16', time: '00:30:00' });
  });

  it('turns a London date and time back into the instant, and the hour skipped in spring into the hour after', () => {
    expect(londonInstant('2026-01-15', '09:00:00').toISOString()).toBe('2026-01-15T09:00:00.000Z');
    expect(londonInstant('2026-07-15', '09:00:00').toISOString()).toBe('2026-07-15T08:00:00.000Z');
    expect(londonInstant('2026-03-29', '01:30:00').toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });
});
