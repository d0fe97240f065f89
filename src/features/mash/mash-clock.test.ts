import { describe, expect, it } from 'vitest';
import { DEFAULT_MASH_SETTINGS, checkDueAt, countdown, mashSettingsOf, parseMashSettings } from './mash-clock';

const at = (iso: string) => new Date(iso);
const valid = { start: '09:00', end: '17:00', days: ['1', '2', '3', '4', '5'], clock: 'working', red: '4', amber: '24', green: '72' };

describe('checkDueAt', () => {
  it('counts a red check requested late on a Friday into Monday morning, on working hours', () => {
    // November: London is on GMT.
    expect(checkDueAt(at('2026-11-20T16:00:00Z'), 'red', DEFAULT_MASH_SETTINGS)).toEqual(at('2026-11-23T12:00:00Z'));
  });

  it('reads the MASH hours in London time in summer', () => {
    // 16:00 BST on Friday 5 June is 15:00 UTC; Monday 12:00 BST is 11:00 UTC.
    expect(checkDueAt(at('2026-06-05T15:00:00Z'), 'red', DEFAULT_MASH_SETTINGS)).toEqual(at('2026-06-08T11:00:00Z'));
  });

  it('skips bank holidays: an amber check on Christmas Eve is due three working days later', () => {
    // Thursday 24 Dec 10:00: 7 hours that day; Friday 25 and Monday 28 (Boxing Day's substitute) are closed;
    // 8 on Tuesday, 8 on Wednesday, and the last hour on Thursday 31.
    expect(checkDueAt(at('2026-12-24T10:00:00Z'), 'amber', DEFAULT_MASH_SETTINGS)).toEqual(at('2026-12-31T10:00:00Z'));
  });

  it('starts the clock at the next opening when requested out of hours', () => {
    expect(checkDueAt(at('2026-11-21T11:00:00Z'), 'red', DEFAULT_MASH_SETTINGS)).toEqual(at('2026-11-23T13:00:00Z'));
  });

  it('runs round the clock on the elapsed clock, weekends and bank holidays included', () => {
    const elapsed = { ...DEFAULT_MASH_SETTINGS, clock: 'elapsed' as const };
    expect(checkDueAt(at('2026-11-20T16:00:00Z'), 'red', elapsed)).toEqual(at('2026-11-20T20:00:00Z'));
    expect(checkDueAt(at('2026-12-24T10:00:00Z'), 'green', elapsed)).toEqual(at('2026-12-27T10:00:00Z'));
  });

  it('uses the partnership’s own limits and hours', () => {
    const own = mashSettingsOf({ mash: { start: '08:00', end: '20:00', days: [1, 2, 3, 4, 5, 6], clock: 'working', limits: { red: 2, amber: 12, green: 36 } } });
    // Saturday is open from 08:00: 16:00 Friday + 2 working hours is 18:00 Friday.
    expect(checkDueAt(at('2026-11-20T16:00:00Z'), 'red', own)).toEqual(at('2026-11-20T18:00:00Z'));
    // 12 hours from 16:00 Friday: 4 on Friday, 8 on Saturday.
    expect(checkDueAt(at('2026-11-20T16:00:00Z'), 'amber', own)).toEqual(at('2026-11-21T16:00:00Z'));
  });

  it('fills in defaults for settings never saved', () => {
    expect(mashSettingsOf({})).toEqual(DEFAULT_MASH_SETTINGS);
    expect(mashSettingsOf(null).limits).toEqual({ red: 4, amber: 24, green: 72 });
  });
});

describe('parseMashSettings', () => {
  it('accepts good settings', () => {
    expect(parseMashSettings(valid)).toEqual({ settings: { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5], clock: 'working', limits: { red: 4, amber: 24, green: 72 } }, errors: [] });
    expect(parseMashSettings({ ...valid, end: '24:00', days: '7', red: '1.5' }).settings).toMatchObject({ end: '24:00', days: [7], limits: { red: 1.5 } });
  });

  it('names each field that is wrong', () => {
    const { errors } = parseMashSettings({ start: '9am', end: '17:00', clock: 'sometimes', red: '0', amber: 'a day', green: '1000' });
    expect(errors.map((e) => e.field)).toEqual(['start', 'days', 'clock', 'red', 'amber', 'green']);
    expect(errors[0]!.message).toBe('Enter the opening time as a 24-hour time, like 09:00');
  });

  it('wants closing after opening, and limits that grow from red to green', () => {
    expect(parseMashSettings({ ...valid, start: '17:00', end: '09:00' }).errors).toEqual([{ field: 'end', message: 'The closing time must be later than the opening time on the same day' }]);
    expect(parseMashSettings({ ...valid, red: '30' }).errors).toEqual([{ field: 'amber', message: 'The amber limit must be at least as long as the red limit' }]);
    expect(parseMashSettings({ ...valid, green: '10' }).errors).toEqual([{ field: 'green', message: 'The green limit must be at least as long as the amber limit' }]);
  });
});

describe('countdown', () => {
  const now = at('2026-11-20T10:00:00Z');
  it('says how long is left, and how long overdue', () => {
    expect(countdown(at('2026-11-20T12:10:00Z'), now)).toEqual({ text: 'due in 2 h 10 min', overdue: false });
    expect(countdown(at('2026-11-20T09:35:00Z'), now)).toEqual({ text: 'overdue by 25 min', overdue: true });
    expect(countdown(at('2026-11-22T13:00:00Z'), now)).toEqual({ text: 'due in 2 days 3 h', overdue: false });
  });
});
