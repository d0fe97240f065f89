import type { Command } from 'commander';
import { CALENDAR_RANGE, CalendarRangeError, addWorkingDays, workingDaysBetween } from '../domain/calendar';
import { type CliContext, dateArg, Rejected, UsageError, addFormat, outputOf } from './context';

const EXIT_CODES = `
Working days exclude Saturdays, Sundays and England and Wales bank holidays.
Exit codes: 0 done; 1 a date outside ${CALENDAR_RANGE.from} to ${CALENDAR_RANGE.to} (the years whose bank
holidays Beacon knows), or a result beyond them; 2 a malformed date or number.`;

/** A well-formed date inside the bank holiday table, or the reason why not, naming the argument. */
function calendarDateArg(name: string, value: string): string {
  dateArg(name, value);
  if (value < CALENDAR_RANGE.from || value > CALENDAR_RANGE.to) {
    throw new Rejected(`${name} ${value} is outside the years whose bank holidays Beacon knows (${CALENDAR_RANGE.from} to ${CALENDAR_RANGE.to})`);
  }
  return value;
}

/** A computation that steps past the table is refused like a date outside it: well-formed, but unanswerable. */
function rejectingRange<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CalendarRangeError) throw new Rejected(err.message);
    throw err;
  }
}

/** Working-day arithmetic as the indicators count it. No database: these only read the bank holiday table. */
export function calendarCommands(program: Command, ctx: CliContext) {
  const group = program.command('calendar').description('working days, as the indicators and timescales count them')
    .addHelpText('after', EXIT_CODES);

  addFormat(group.command('add-working-days <date> <n>').description('the n-th working day after a date (n = 0: the date itself)')
    .addHelpText('after', EXIT_CODES))
    .action((date: string, n: string, opts: { format?: string }) => {
      const out = outputOf(opts);
      const start = calendarDateArg('<date>', date);
      if (!/^\d+$/.test(n) || !Number.isSafeInteger(Number(n))) throw new UsageError(`<n> must be a whole number of working days, 0 or more, not "${n}"`);
      const workingDays = Number(n);
      const result = rejectingRange(() => addWorkingDays(start, workingDays));
      ctx.print(out, { date: start, workingDays, result }, () => result);
    });

  addFormat(group.command('working-days-between <from> <to>')
    .description('the working days after <from> up to and including <to>: same day 0, next working day 1, negative when <to> is earlier')
    .addHelpText('after', EXIT_CODES))
    .action((from: string, to: string, opts: { format?: string }) => {
      const out = outputOf(opts);
      const a = calendarDateArg('<from>', from);
      const b = calendarDateArg('<to>', to);
      const workingDays = rejectingRange(() => workingDaysBetween(a, b));
      ctx.print(out, { from: a, to: b, workingDays }, () => String(workingDays));
    });
}
