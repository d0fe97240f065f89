/**
 * The decision clock in words, as the queue and the contact's page show it: "Due in 3 hours",
 * "Overdue by 1 day 2 hours". Whole minutes under an hour, whole hours under a day; rounded down, so that
 * a contact is never said to have more time than it has.
 */
export type Countdown = { text: string; overdue: boolean; soon: boolean };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function countdown(due: Date, now: Date): Countdown {
  const left = due.getTime() - now.getTime();
  const overdue = left < 0;
  const span = spanInWords(Math.abs(left));
  return { text: overdue ? `Overdue by ${span}` : `Due in ${span}`, overdue, soon: !overdue && left <= 4 * HOUR };
}

function spanInWords(ms: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (ms < HOUR) return plural(Math.max(1, Math.floor(ms / MINUTE)), 'minute');
  if (ms < DAY) return plural(Math.floor(ms / HOUR), 'hour');
  const days = Math.floor(ms / DAY);
  const hours = Math.floor((ms % DAY) / HOUR);
  return hours ? `${plural(days, 'day')} ${plural(hours, 'hour')}` : plural(days, 'day');
}
