import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CALENDAR_RANGE, CalendarRangeError, DEFAULT_MASH_HOURS, InvalidDateError, type MashHours,
  addMonths, addWorkingDays, addWorkingHours, isBankHoliday, isWorkingDay, twelveMonthsBefore, workingDaysBetween, workingHoursBetween,
} from './calendar';

const DAY_MS = 86_400_000;
const isoOf = (dn: number) => new Date(dn * DAY_MS).toISOString().slice(0, 10);
const dn = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;

/** Dates from 2015-01-01 to 2027-12-31: a year of 2028 left over for additions to land in. */
const date = fc.integer({ min: dn('2015-01-01'), max: dn('2027-12-31') }).map(isoOf);
const workingDate = date.filter(isWorkingDay);

/** The rule read literally, one day at a time, to check the arithmetic against. */
function countByHand(a: string, b: string): number {
  let n = 0;
  for (let d = dn(a) + 1; d <= dn(b); d++) if (isWorkingDay(isoOf(d))) n++;
  return n;
}

describe('working days', () => {
  it('counts weekends and bank holidays out, and the special days too', () => {
    expect(isWorkingDay('2024-03-04')).toBe(true);
    expect(isWorkingDay('2024-03-02')).toBe(false);
    expect(isWorkingDay('2024-03-03')).toBe(false);
    // VE day 2020: the early May holiday moved from Monday 4 May to Friday 8 May.
    expect(isWorkingDay('2020-05-08')).toBe(false);
    expect(isWorkingDay('2020-05-04')).toBe(true);
    expect(addWorkingDays('2020-05-07', 1)).toBe('2020-05-11');
    // Platinum Jubilee 2022: spring holiday moved to Thursday 2 June, and Friday 3 June added.
    expect(isWorkingDay('2022-05-30')).toBe(true);
    expect(addWorkingDays('2022-06-01', 1)).toBe('2022-06-06');
    expect(workingDaysBetween('2022-05-31', '2022-06-06')).toBe(2);
    expect(addWorkingDays('2022-09-16', 1)).toBe('2022-09-20');
    // Coronation 2023: two Monday holidays in May a week apart.
    expect(isBankHoliday('2023-05-08')).toBe(true);
    expect(addWorkingDays('2023-05-05', 1)).toBe('2023-05-09');
    expect(workingDaysBetween('2023-04-28', '2023-05-12')).toBe(8);
  });

  it('follows the substitute days when Christmas falls on a weekend', () => {
    // 2021: Christmas on Saturday, Boxing Day on Sunday; both move to 27 and 28 December, New Year to 3 January.
    expect(isWorkingDay('2021-12-27')).toBe(false);
    expect(isWorkingDay('2021-12-28')).toBe(false);
    expect(addWorkingDays('2021-12-24', 1)).toBe('2021-12-29');
    expect(workingDaysBetween('2021-12-24', '2022-01-04')).toBe(4);
    expect(addWorkingDays('2021-12-20', 15)).toBe('2022-01-13');
    // 2022: Christmas on Sunday; Boxing Day Monday, Christmas substitute Tuesday.
    expect(isBankHoliday('2022-12-25')).toBe(false);
    expect(isWorkingDay('2022-12-26')).toBe(false);
    expect(isWorkingDay('2022-12-27')).toBe(false);
    expect(addWorkingDays('2022-12-23', 1)).toBe('2022-12-28');
  });

  it('knows Easter, and counts across a year end', () => {
    expect(isWorkingDay('2024-03-29')).toBe(false);
    expect(isWorkingDay('2024-04-01')).toBe(false);
    expect(addWorkingDays('2024-03-28', 1)).toBe('2024-04-02');
    expect(workingDaysBetween('2015-12-31', '2016-01-04')).toBe(1);
    expect(addWorkingDays('2024-12-20', 10)).toBe('2025-01-08');
    expect(addWorkingDays('2023-04-03', 45)).toBe('2023-06-12');
  });

  it('counts the next working day as 1 and the same day as 0, whatever day it is', () => {
    expect(workingDaysBetween('2024-03-04', '2024-03-04')).toBe(0);
    expect(workingDaysBetween('2024-03-04', '2024-03-05')).toBe(1);
    expect(workingDaysBetween('2024-03-01', '2024-03-03')).toBe(0);
    expect(workingDaysBetween('2024-03-02', '2024-03-04')).toBe(1);
    expect(addWorkingDays('2024-03-02', 0)).toBe('2024-03-02');
    expect(addWorkingDays('2024-03-02', 1)).toBe('2024-03-04');
  });

  it('mirrors a backwards range as a negative count', () => {
    expect(workingDaysBetween('2024-03-05', '2024-03-04')).toBe(-1);
    expect(workingDaysBetween('2022-01-04', '2021-12-24')).toBe(-4);
  });

  it('counts the working days of every year the table covers', () => {
    expect(CALENDAR_RANGE).toEqual({ from: '2015-01-01', to: '2028-12-31' });
    // 2015-01-01 itself is a holiday, so starting the count from it loses nothing.
    expect(workingDaysBetween('2015-01-01', '2028-12-31')).toBe(3537);
    expect(workingDaysBetween('2021-12-31', '2022-12-31')).toBe(250);
    expect(workingDaysBetween('2023-12-31', '2024-12-31')).toBe(254);
  });

  it('refuses dates outside the table, and additions that would leave it, naming the date and the range', () => {
    expect(() => isWorkingDay('2014-12-31')).toThrow(CalendarRangeError);
    expect(() => isWorkingDay('2014-12-31')).toThrow('2014-12-31 is outside the years whose bank holidays Beacon knows (2015-01-01 to 2028-12-31)');
    expect(() => workingDaysBetween('2024-01-01', '2029-01-01')).toThrow(/2029-01-01 is outside/);
    expect(() => addWorkingDays('2030-06-01', 0)).toThrow(CalendarRangeError);
    expect(addWorkingDays('2028-12-28', 1)).toBe('2028-12-29');
    expect(() => addWorkingDays('2028-12-29', 1)).toThrow('1 working day after 2028-12-29 is after 2028-12-31');
    expect(() => addWorkingDays('2015-01-01', 10_000)).toThrow(CalendarRangeError);
    try {
      isWorkingDay('2029-01-01');
    } catch (err) {
      expect(err).toMatchObject({ date: '2029-01-01', covered: { from: '2015-01-01', to: '2028-12-31' } });
    }
  });

  it('refuses strings that are not dates', () => {
    for (const bad of ['2023-02-30', '2023-2-3', '2023-13-01', '2023-00-10', '2023-02-29', '', '3 March 2023', '2023-03-03T10:00']) {
      expect(() => isWorkingDay(bad), bad).toThrow(InvalidDateError);
    }
    expect(() => workingDaysBetween('2023-02-30', '2023-03-03')).toThrow('No such date: "2023-02-30"');
    expect(() => addWorkingDays('2023-2-3', 1)).toThrow('Not a date in the form YYYY-MM-DD: "2023-2-3"');
    expect(isWorkingDay('2024-02-29')).toBe(true);
  });

  it('refuses a number of working days that is negative or not whole', () => {
    expect(() => addWorkingDays('2024-03-04', -1)).toThrow(/whole number, 0 or more/);
    expect(() => addWorkingDays('2024-03-04', 1.5)).toThrow(/whole number/);
    expect(() => addWorkingDays('2024-03-04', Number.NaN)).toThrow(/whole number/);
  });

  it('agrees with counting one day at a time', () => {
    fc.assert(fc.property(date, fc.integer({ min: 0, max: 60 }), (a, span) => {
      const b = isoOf(dn(a) + span);
      expect(workingDaysBetween(a, b)).toBe(countByHand(a, b));
    }));
  });

  it('lands addWorkingDays on a working day n working days on', () => {
    fc.assert(fc.property(date, fc.integer({ min: 1, max: 250 }), (a, n) => {
      const b = addWorkingDays(a, n);
      expect(isWorkingDay(b)).toBe(true);
      expect(workingDaysBetween(a, b)).toBe(n);
      // and no earlier day has got that far
      expect(workingDaysBetween(a, isoOf(dn(b) - 1))).toBe(n - 1);
    }));
  });

  it('undoes workingDaysBetween with addWorkingDays for a working day b after a', () => {
    fc.assert(fc.property(date, workingDate, (a, b) => {
      fc.pre(a < b);
      expect(addWorkingDays(a, workingDaysBetween(a, b))).toBe(b);
    }));
  });

  it('is monotonic in both arguments', () => {
    fc.assert(fc.property(date, date, date, (x, a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      expect(workingDaysBetween(x, lo)).toBeLessThanOrEqual(workingDaysBetween(x, hi));
      expect(workingDaysBetween(lo, x)).toBeGreaterThanOrEqual(workingDaysBetween(hi, x));
    }));
    fc.assert(fc.property(date, date, fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 200 }), (a, b, n, m) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      expect(addWorkingDays(lo, n) <= addWorkingDays(hi, n)).toBe(true);
      if (n < m) expect(addWorkingDays(a, n) < addWorkingDays(a, m)).toBe(true);
    }));
  });

  it('adds up a -> b -> c whatever the order, and mirrors b -> a', () => {
    fc.assert(fc.property(date, date, date, (a, b, c) => {
      expect(workingDaysBetween(a, b) + workingDaysBetween(b, c)).toBe(workingDaysBetween(a, c));
      expect(workingDaysBetween(b, a) + workingDaysBetween(a, b)).toBe(0);
    }));
  });

  it('reads "within N working days" the same either way for a working day b', () => {
    fc.assert(fc.property(date, workingDate, fc.integer({ min: 0, max: 60 }), (a, b, n) => {
      expect(workingDaysBetween(a, b) <= n).toBe(b <= addWorkingDays(a, n));
    }));
  });

  it('reads "within N working days" for any b as: before the (N+1)-th working day', () => {
    fc.assert(fc.property(date, date, fc.integer({ min: 0, max: 60 }), (a, b, n) => {
      expect(workingDaysBetween(a, b) <= n).toBe(b < addWorkingDays(a, n + 1));
    }));
    // Why the working-day form needs b to be a working day: a Saturday after a Friday deadline is still
    // within 1 working day of Thursday (no working day has passed), yet later than the deadline.
    expect(addWorkingDays('2024-03-07', 1)).toBe('2024-03-08');
    expect(workingDaysBetween('2024-03-07', '2024-03-09')).toBe(1);
  });

  it('counts a span of years without walking it', () => {
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) workingDaysBetween('2015-01-01', '2028-12-31');
    for (let i = 0; i < 1_000; i++) addWorkingDays('2015-01-01', 3000);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('calendar months', () => {
  it('adds months to the same day, or the last day of a shorter month', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2023-08-31', 1)).toBe('2023-09-30');
    expect(addMonths('2023-03-31', -1)).toBe('2023-02-28');
    expect(addMonths('2023-11-15', 3)).toBe('2024-02-15');
    expect(addMonths('2023-12-31', 2)).toBe('2024-02-29');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2024-02-29', 48)).toBe('2028-02-29');
    expect(addMonths('2024-05-10', 0)).toBe('2024-05-10');
    expect(addMonths('2024-01-15', -1)).toBe('2023-12-15');
  });

  it('needs no bank holidays, so works outside the table, but still refuses non-dates', () => {
    expect(addMonths('2031-01-31', 1)).toBe('2031-02-28');
    expect(addMonths('2000-02-29', -12)).toBe('1999-02-28');
    expect(() => addMonths('2023-02-30', 1)).toThrow(InvalidDateError);
    expect(() => addMonths('2023-02-03', 0.5)).toThrow(/whole number/);
  });

  it('starts "the 12 months before" a date on the same day a year earlier, 29 February on 28 February', () => {
    expect(twelveMonthsBefore('2024-02-29')).toBe('2023-02-28');
    expect(twelveMonthsBefore('2025-02-28')).toBe('2024-02-28');
    expect(twelveMonthsBefore('2023-03-01')).toBe('2022-03-01');
    expect(twelveMonthsBefore('2024-01-01')).toBe('2023-01-01');
  });

  it('never overflows into the month after', () => {
    fc.assert(fc.property(date, fc.integer({ min: -60, max: 60 }), (a, n) => {
      const b = addMonths(a, n);
      const [ay, am, ad] = a.split('-').map(Number) as [number, number, number];
      const [by, bm, bd] = b.split('-').map(Number) as [number, number, number];
      expect(by * 12 + bm).toBe(ay * 12 + am + n);
      const monthLength = new Date(Date.UTC(by, bm, 0)).getUTCDate();
      expect(bd).toBe(Math.min(ad, monthLength));
    }));
  });
});

describe('MASH working hours', () => {
  const at = (s: string) => new Date(s);

  it('counts only the hours the MASH is open, from the next opening when asked out of hours', () => {
    // Friday 16:00 GMT plus 4 working hours: 1 on Friday, 3 on Monday morning.
    expect(addWorkingHours(at('2024-03-01T16:00:00Z'), 4)).toEqual(at('2024-03-04T12:00:00Z'));
    expect(addWorkingHours(at('2024-03-02T11:00:00Z'), 4)).toEqual(at('2024-03-04T13:00:00Z'));
    expect(addWorkingHours(at('2024-03-04T07:00:00Z'), 1)).toEqual(at('2024-03-04T10:00:00Z'));
    expect(addWorkingHours(at('2024-03-04T18:00:00Z'), 1)).toEqual(at('2024-03-05T10:00:00Z'));
    expect(addWorkingHours(at('2024-03-04T09:00:00Z'), 24)).toEqual(at('2024-03-06T17:00:00Z'));
    expect(workingHoursBetween(at('2024-03-01T16:00:00Z'), at('2024-03-04T12:00:00Z'))).toBe(4);
    expect(workingHoursBetween(at('2024-03-02T10:00:00Z'), at('2024-03-03T10:00:00Z'))).toBe(0);
  });

  it('ends at closing, not the next opening, when the hours run out exactly', () => {
    expect(addWorkingHours(at('2024-03-08T09:00:00Z'), 8)).toEqual(at('2024-03-08T17:00:00Z'));
  });

  it('treats zero hours as the instant itself, open or not', () => {
    expect(addWorkingHours(at('2024-03-02T23:00:00Z'), 0)).toEqual(at('2024-03-02T23:00:00Z'));
  });

  it('skips Easter and follows the clocks going forward the same weekend', () => {
    // Maundy Thursday 2024-03-28 15:00 GMT; Good Friday, the weekend (BST from Sunday 31 March) and
    // Easter Monday closed; Tuesday opens at 09:00 BST = 08:00 UTC.
    expect(addWorkingHours(at('2024-03-28T15:00:00Z'), 4)).toEqual(at('2024-04-02T10:00:00Z'));
    expect(workingHoursBetween(at('2024-03-28T15:00:00Z'), at('2024-04-02T10:00:00Z'))).toBe(4);
  });

  it('follows the clocks going back in October', () => {
    // Friday 25 October 2024 16:00 BST is 15:00 UTC; Monday 28 October opens at 09:00 GMT = 09:00 UTC.
    expect(addWorkingHours(at('2024-10-25T15:00:00Z'), 2)).toEqual(at('2024-10-28T10:00:00Z'));
    expect(workingHoursBetween(at('2024-10-25T15:00:00Z'), at('2024-10-28T10:00:00Z'))).toBe(2);
    expect(workingHoursBetween(at('2024-10-28T10:00:00Z'), at('2024-10-25T15:00:00Z'))).toBe(-2);
  });

  it('gives a day of 23 or 25 hours when the clocks change, for a MASH open round the clock', () => {
    const always: MashHours = { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7], timeZone: 'Europe/London' };
    expect(workingHoursBetween(at('2024-03-31T00:00:00Z'), at('2024-03-31T23:00:00Z'), always)).toBe(23);
    expect(workingHoursBetween(at('2024-10-26T23:00:00Z'), at('2024-10-28T00:00:00Z'), always)).toBe(25);
    // Still closed on bank holidays: Easter Monday 2024-04-01 (BST) adds nothing.
    expect(workingHoursBetween(at('2024-03-31T23:00:00Z'), at('2024-04-01T23:00:00Z'), always)).toBe(0);
    expect(addWorkingHours(at('2024-03-30T23:30:00Z'), 1, always)).toEqual(at('2024-03-31T00:30:00Z'));
  });

  it('reads a local time the clocks skip as after the change, and a repeated one as the first', () => {
    const night: MashHours = { start: '01:30', end: '03:00', days: [7], timeZone: 'Europe/London' };
    // 31 March 2024: 01:30 does not happen, read as 02:30 BST; closing 03:00 BST. Half an hour open.
    expect(workingHoursBetween(at('2024-03-30T12:00:00Z'), at('2024-03-31T12:00:00Z'), night)).toBe(0.5);
    // 27 October 2024: 01:30 happens twice; from the first (00:30 UTC) to 03:00 GMT is 2.5 hours.
    expect(workingHoursBetween(at('2024-10-26T12:00:00Z'), at('2024-10-27T12:00:00Z'), night)).toBe(2.5);
  });

  it('follows a partnership’s own hours', () => {
    const long: MashHours = { start: '08:00', end: '18:30', days: [1, 2, 3, 4, 5, 6], timeZone: 'Europe/London' };
    // Friday 18:00 GMT + 1 hour: half an hour on Friday, half an hour on Saturday from 08:00.
    expect(addWorkingHours(at('2024-03-01T18:00:00Z'), 1, long)).toEqual(at('2024-03-02T08:30:00Z'));
    expect(DEFAULT_MASH_HOURS).toEqual({ start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5], timeZone: 'Europe/London' });
  });

  it('refuses hours that make no sense, and instants outside the table', () => {
    const hours = (start: string, end: string, days = [1]): MashHours => ({ start, end, days, timeZone: 'Europe/London' });
    expect(() => addWorkingHours(at('2024-03-01T12:00:00Z'), 1, hours('17:00', '09:00'))).toThrow(/close after they open/);
    expect(() => addWorkingHours(at('2024-03-01T12:00:00Z'), 1, hours('9:00', '17:00'))).toThrow(/HH:MM/);
    expect(() => addWorkingHours(at('2024-03-01T12:00:00Z'), 1, hours('09:00', '17:00', [0]))).toThrow(/1 \(Monday\) to 7/);
    expect(() => addWorkingHours(at('2024-03-01T12:00:00Z'), 1, hours('09:00', '17:00', []))).toThrow(/at least one/);
    expect(() => addWorkingHours(at('2024-03-01T12:00:00Z'), -1)).toThrow(/0 or more/);
    expect(() => addWorkingHours(new Date(Number.NaN), 1)).toThrow(/not a valid instant/);
    expect(() => addWorkingHours(at('2028-12-29T16:00:00Z'), 2)).toThrow(/2029-01-01 is outside/);
    expect(() => workingHoursBetween(at('2014-12-31T12:00:00Z'), at('2015-01-05T12:00:00Z'))).toThrow(CalendarRangeError);
  });

  const instant = fc.integer({ min: Date.parse('2015-03-15T00:00:00Z'), max: Date.parse('2027-12-31T00:00:00Z') }).map((ms) => new Date(ms));
  const minutes = fc.integer({ min: 0, max: 120 * 60 });

  it('undoes addWorkingHours with workingHoursBetween, ending inside opening hours', () => {
    fc.assert(fc.property(instant, minutes, (a, m) => {
      const b = addWorkingHours(a, m / 60);
      expect(workingHoursBetween(a, b)).toBeCloseTo(m / 60, 9);
      if (m > 0) {
        const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hourCycle: 'h23', hour: '2-digit', minute: '2-digit', weekday: 'short' }).format(b);
        const [day, time] = local.split(' ') as [string, string];
        expect(['Mon', 'Tue', 'Wed', 'Thu', 'Fri']).toContain(day);
        expect(time >= '09:00' && time <= '17:00').toBe(true);
      }
    }));
  });

  it('adds up a -> b -> c and grows with the hours', () => {
    const within60Days = fc.integer({ min: -60 * DAY_MS, max: 60 * DAY_MS });
    fc.assert(fc.property(instant, within60Days, within60Days, (a, toB, toC) => {
      const b = new Date(a.getTime() + toB);
      const c = new Date(a.getTime() + toC);
      expect(workingHoursBetween(a, b) + workingHoursBetween(b, c)).toBeCloseTo(workingHoursBetween(a, c), 9);
    }));
    fc.assert(fc.property(instant, minutes, minutes, (a, m, k) => {
      const [lo, hi] = m <= k ? [m, k] : [k, m];
      expect(addWorkingHours(a, lo / 60).getTime()).toBeLessThanOrEqual(addWorkingHours(a, hi / 60).getTime());
    }));
  });
});
