/**
 * London wall-clock time: what people read on the clock in front of them and type into forms, and the
 * day an instant falls on for the returns and the clocks. Times are kept as UTC instants; these convert.
 */

const london = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});

/** The London date (YYYY-MM-DD) and time (HH:MM:SS) of an instant. */
export function londonParts(instant: Date): { date: string; time: string } {
  const p = Object.fromEntries(london.formatToParts(instant).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}:${p.second}` };
}

/** The instant a London wall-clock date and time (HH:MM:SS) names; in the hour skipped in spring, the hour after. */
export function londonInstant(date: string, time: string): Date {
  const asUtc = Date.parse(`${date}T${time}Z`);
  // London is UTC or UTC+1: try both offsets and keep the one that reads back as the same wall clock.
  for (const offsetHours of [0, 1]) {
    const candidate = new Date(asUtc - offsetHours * 3_600_000);
    const back = londonParts(candidate);
    if (back.date === date && back.time === time) return candidate;
  }
  return new Date(asUtc);
}
