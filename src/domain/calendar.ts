/**
 * Working days, calendar months and MASH working hours, as the indicators and timescales count them.
 *
 * Dates are ISO strings (YYYY-MM-DD) and instants are Dates (UTC). Inside, a date is its day number
 * (days since 1970-01-01), so that counting working days is arithmetic on weekdays less a binary search
 * over the bank holidays, never a walk over the calendar.
 */
import table from './bank-holidays-england-and-wales.json' with { type: 'json' };

/** A string that is not a date in the form YYYY-MM-DD, or names a day that does not exist. */
export class InvalidDateError extends Error {
  override name = 'InvalidDateError';
}

/**
 * A date, or a date a computation would reach, outside the years whose bank holidays Beacon knows.
 * Past the table, a holiday would silently count as a working day: refusing is the only right answer.
 */
export class CalendarRangeError extends RangeError {
  override name = 'CalendarRangeError';
  constructor(message: string, readonly date: string, readonly covered: { from: string; to: string }) {
    super(message);
  }
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

function dayNumber(y: number, m: number, d: number): number {
  // setUTCFullYear, unlike Date.UTC, takes years 0-99 literally.
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  return Math.round(t.getTime() / DAY_MS);
}

function daysInMonth(y: number, m: number): number {
  return dayNumber(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1) - dayNumber(y, m, 1);
}

function parts(dn: number): { y: number; m: number; d: number } {
  const t = new Date(dn * DAY_MS);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

function iso(dn: number): string {
  const { y, m, d } = parts(dn);
  if (y < 0 || y > 9999) throw new RangeError(`A date in year ${y} cannot be written as YYYY-MM-DD`);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function parse(date: string): number {
  const match = typeof date === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) : null;
  if (!match) throw new InvalidDateError(`Not a date in the form YYYY-MM-DD: "${String(date)}"`);
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) throw new InvalidDateError(`No such date: "${date}"`);
  return dayNumber(y, m, d);
}

/** Whether a string is a real date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  try {
    parse(value);
    return true;
  } catch {
    return false;
  }
}

/** 1 = Monday ... 7 = Sunday; day 0 (1970-01-01) was a Thursday. */
function isoWeekday(dn: number): number {
  return (((dn + 3) % 7) + 7) % 7 + 1;
}

// ---------------------------------------------------------------------------------------------------------
// The bank holiday table, checked once as the module loads.

const events = (table as { events: { date: string; title: string }[] }).events;
const years = events.map((e) => Number(e.date.slice(0, 4)));
const FIRST_YEAR = Math.min(...years);
const LAST_YEAR = Math.max(...years);
for (let y = FIRST_YEAR; y <= LAST_YEAR; y++) {
  // A year missing from the middle of the table would pass as a year without holidays.
  if (!years.includes(y)) throw new Error(`The bank holiday table has no dates for ${y}`);
}

/** The dates the table covers: whole years, first to last. */
export const CALENDAR_RANGE = { from: `${FIRST_YEAR}-01-01`, to: `${LAST_YEAR}-12-31` } as const;
const FIRST_DAY = dayNumber(FIRST_YEAR, 1, 1);
const LAST_DAY = dayNumber(LAST_YEAR, 12, 31);

const holidaySet = new Set(events.map((e) => parse(e.date)));
/** Holidays on weekdays, sorted: a holiday on a weekend (none so far) takes no working day away. */
const weekdayHolidays = [...holidaySet].filter((dn) => isoWeekday(dn) <= 5).sort((a, b) => a - b);

function rangeError(date: string): CalendarRangeError {
  return new CalendarRangeError(
    `${date} is outside the years whose bank holidays Beacon knows (${CALENDAR_RANGE.from} to ${CALENDAR_RANGE.to})`,
    date, CALENDAR_RANGE);
}

function covered(date: string): number {
  const dn = parse(date);
  if (dn < FIRST_DAY || dn > LAST_DAY) throw rangeError(date);
  return dn;
}

function requireCoveredDay(dn: number): void {
  if (dn < FIRST_DAY || dn > LAST_DAY) throw rangeError(iso(dn));
}

/** Mondays to Fridays from an arbitrary Monday (1969-12-29, day -3) up to and including dn. */
function weekdaysThrough(dn: number): number {
  const days = dn + 4;
  const weeks = Math.floor(days / 7);
  return weeks * 5 + Math.min(days - weeks * 7, 5);
}

/** Weekday bank holidays up to and including dn: the first index holding a later day. */
function holidaysThrough(dn: number): number {
  let lo = 0;
  let hi = weekdayHolidays.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (weekdayHolidays[mid]! <= dn) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A running count of working days: it rises by one on each working day and nowhere else. */
function workingThrough(dn: number): number {
  return weekdaysThrough(dn) - holidaysThrough(dn);
}

function workingDayNumber(dn: number): boolean {
  return isoWeekday(dn) <= 5 && !holidaySet.has(dn);
}

// ---------------------------------------------------------------------------------------------------------
// Working days

export function isBankHoliday(date: string): boolean {
  return holidaySet.has(covered(date));
}

/** Not a Saturday, a Sunday or an England and Wales bank holiday. */
export function isWorkingDay(date: string): boolean {
  return workingDayNumber(covered(date));
}

/**
 * The number of working days d with a < d <= b: same day 0, the next working day 1. When b is before a
 * the count is mirrored and negative, -workingDaysBetween(b, a), so that a -> b -> c always adds up.
 */
export function workingDaysBetween(a: string, b: string): number {
  return workingThrough(covered(b)) - workingThrough(covered(a));
}

/**
 * The n-th working day after date (n >= 0); n = 0 is the date itself, working day or not.
 * A deadline "within n working days of a" is met by a working day b <= addWorkingDays(a, n); for any b,
 * workingDaysBetween(a, b) <= n is the rule, as a weekend after the deadline adds no working day.
 */
export function addWorkingDays(date: string, n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`The number of working days must be a whole number, 0 or more, not ${n}`);
  const start = covered(date);
  if (n === 0) return date;
  const target = workingThrough(start) + n;
  if (target > workingThrough(LAST_DAY)) {
    throw new CalendarRangeError(
      `${n} working ${n === 1 ? 'day' : 'days'} after ${date} is after ${CALENDAR_RANGE.to}, beyond the years whose bank holidays Beacon knows (${CALENDAR_RANGE.from} to ${CALENDAR_RANGE.to})`,
      date, CALENDAR_RANGE);
  }
  let dn = start;
  for (;;) {
    const short = target - workingThrough(dn);
    if (short === 0) return iso(dn);
    // A week holds at most 5 working days, so a jump of (short - 1) / 5 weeks stays short of the target
    // and the last steps, a day at a time, stop on the working day that reaches it.
    dn += short > 5 ? Math.floor((short - 1) / 5) * 7 : 1;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Calendar months: pure date arithmetic, valid for any date (no bank holidays needed).

/** The same day of the month n months later (or earlier, n < 0), or the last day of a shorter month. */
export function addMonths(date: string, n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`The number of months must be a whole number, not ${n}`);
  const { y, m, d } = parts(parse(date));
  const index = y * 12 + (m - 1) + n;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return iso(dayNumber(year, month, Math.min(d, daysInMonth(year, month))));
}

/** The start of "the 12 months before" a date (on or after this day): 29 February maps to 28 February. */
export function twelveMonthsBefore(date: string): string {
  return addMonths(date, -12);
}

// ---------------------------------------------------------------------------------------------------------
// MASH working hours, in London local time

export type MashHours = {
  /** Opening and closing, local time, 'HH:MM' (closing may be '24:00'); the window may not cross midnight. */
  start: string;
  end: string;
  /** Open days, 1 = Monday ... 7 = Sunday. Bank holidays are always closed. */
  days: number[];
  timeZone: 'Europe/London';
};

export const DEFAULT_MASH_HOURS: MashHours = Object.freeze({ start: '09:00', end: '17:00', days: Object.freeze([1, 2, 3, 4, 5]) as number[], timeZone: 'Europe/London' });

function minutesOf(label: string, hhmm: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (hhmm === '24:00') return 24 * 60;
  if (!match) throw new RangeError(`MASH ${label} must be a time HH:MM, not "${hhmm}"`);
  return Number(match[1]) * 60 + Number(match[2]);
}

function checkHours(mash: MashHours): { start: number; end: number; days: Set<number>; timeZone: string } {
  const start = minutesOf('opening', mash.start);
  const end = minutesOf('closing', mash.end);
  if (start >= end) throw new RangeError(`MASH hours must close after they open on the same day, not ${mash.start}-${mash.end}`);
  if (mash.days.length === 0 || mash.days.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
    throw new RangeError(`MASH days must be 1 (Monday) to 7 (Sunday), at least one, not [${mash.days.join(', ')}]`);
  }
  return { start, end, days: new Set(mash.days), timeZone: mash.timeZone };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** How far local time is ahead of UTC at an instant, in ms (London: 0 in GMT, one hour in BST). */
function offsetAt(ms: number, timeZone: string): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, format);
  }
  const p: Record<string, number> = {};
  for (const part of format.formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const wall = dayNumber(p.year!, p.month!, p.day!) * DAY_MS + ((p.hour! * 60 + p.minute!) * 60 + p.second!) * 1000;
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

function localDay(ms: number, timeZone: string): number {
  return Math.floor((ms + offsetAt(ms, timeZone)) / DAY_MS);
}

const localInstants = new Map<string, number>();

/**
 * The instant a local date and time happen. A time skipped when the clocks go forward is read with the
 * offset before the change (01:30 becomes 02:30 BST); a time that happens twice is the first of the two.
 */
function localInstant(dn: number, minutes: number, timeZone: string): number {
  const key = `${timeZone} ${dn} ${minutes}`;
  const known = localInstants.get(key);
  if (known !== undefined) return known;
  const wall = dn * DAY_MS + minutes * 60_000;
  const before = wall - offsetAt(wall - DAY_MS, timeZone);
  const after = wall - offsetAt(wall + DAY_MS, timeZone);
  const fits = [before, after].filter((t) => t + offsetAt(t, timeZone) === wall).sort((x, y) => x - y);
  const result = fits[0] ?? before;
  localInstants.set(key, result);
  return result;
}

function instantMs(label: string, instant: Date): number {
  const ms = instant instanceof Date ? instant.getTime() : NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${label} is not a valid instant`);
  return ms;
}

/** The open window of a local day, or null when closed (not an open day, or a bank holiday). */
function windowOf(dn: number, hours: ReturnType<typeof checkHours>): [number, number] | null {
  requireCoveredDay(dn);
  if (!hours.days.has(isoWeekday(dn)) || holidaySet.has(dn)) return null;
  return [localInstant(dn, hours.start, hours.timeZone), localInstant(dn, hours.end, hours.timeZone)];
}

/**
 * The instant at which `hours` working hours have passed since `instant`. Out of hours the clock starts at
 * the next opening; a limit used up exactly at closing ends at closing. Zero hours is the instant itself.
 */
export function addWorkingHours(instant: Date, hours: number, mashHours: MashHours = DEFAULT_MASH_HOURS): Date {
  if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`The number of working hours must be 0 or more, not ${hours}`);
  const h = checkHours(mashHours);
  const from = instantMs('The start', instant);
  let remaining = Math.round(hours * HOUR_MS);
  if (remaining === 0) return new Date(from);
  for (let dn = localDay(from, h.timeZone); ; dn++) {
    const window = windowOf(dn, h);
    if (!window) continue;
    const open = Math.max(window[0], from);
    if (open >= window[1]) continue;
    if (remaining <= window[1] - open) return new Date(open + remaining);
    remaining -= window[1] - open;
  }
}

/** Working hours from a to b within the MASH hours; mirrored and negative when b is before a. */
export function workingHoursBetween(a: Date, b: Date, mashHours: MashHours = DEFAULT_MASH_HOURS): number {
  const h = checkHours(mashHours);
  const from = instantMs('The start', a);
  const to = instantMs('The end', b);
  if (to < from) return 0 - workingHoursBetween(b, a, mashHours);
  const first = localDay(from, h.timeZone);
  const last = localDay(to, h.timeZone);
  requireCoveredDay(first);
  requireCoveredDay(last);
  let ms = 0;
  for (let dn = first; dn <= last; dn++) {
    const window = windowOf(dn, h);
    if (window) ms += Math.max(0, Math.min(window[1], to) - Math.max(window[0], from));
  }
  return ms / HOUR_MS;
}
