import type { MashSettings, PartnershipSettings, Rag } from '../../db/schema';
import { addWorkingHours, type MashHours } from '../../domain/calendar';
import type { FieldError } from '../../platform/errors';

/**
 * The MASH clock: when each agency's check is due, from the partnership's MASH hours and its limit for
 * the enquiry's RAG. Pure: the routes and the sweep read the settings and hand them in.
 */

export const DEFAULT_MASH_SETTINGS: MashSettings = Object.freeze({
  start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5], clock: 'working', limits: { red: 4, amber: 24, green: 72 },
}) as MashSettings;

export const RAGS: Rag[] = ['red', 'amber', 'green'];
export const RAG_LABELS: Record<Rag, string> = { red: 'Red', amber: 'Amber', green: 'Green' };
export const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** The partnership's MASH settings, each missing part the default. */
export function mashSettingsOf(settings: PartnershipSettings | null | undefined): MashSettings {
  const own = settings?.mash;
  return {
    ...DEFAULT_MASH_SETTINGS,
    ...own,
    days: own?.days?.length ? [...own.days] : [...DEFAULT_MASH_SETTINGS.days],
    limits: { ...DEFAULT_MASH_SETTINGS.limits, ...own?.limits },
  };
}

export function mashHoursOf(s: MashSettings): MashHours {
  return { start: s.start, end: s.end, days: s.days, timeZone: 'Europe/London' };
}

/**
 * When a check requested at `requestedAt` is due: the RAG's limit in hours on the MASH's clock, counted
 * only while the MASH is open (working), or round the clock (elapsed).
 */
export function checkDueAt(requestedAt: Date, rag: Rag, s: MashSettings): Date {
  const limit = s.limits[rag];
  if (s.clock === 'elapsed') return new Date(requestedAt.getTime() + Math.round(limit * 3_600_000));
  return addWorkingHours(requestedAt, limit, mashHoursOf(s));
}

const TIME = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const HOURS = /^\d{1,3}(\.\d{1,2})?$/;
/** A month: a longer limit is a typing error, not a MASH timescale. */
const MAX_LIMIT = 720;

export type MashSettingsForm = { start?: string | string[]; end?: string | string[]; days?: string | string[]; clock?: string | string[]; red?: string | string[]; amber?: string | string[]; green?: string | string[] };

/** A field's value; where a name was posted twice, the first counts, as in every form. */
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';

/** The settings a form describes, or every problem with it by field. */
export function parseMashSettings(form: MashSettingsForm): { settings: MashSettings; errors: [] } | { settings: null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const start = one(form.start).trim();
  const end = one(form.end).trim();
  if (!TIME.test(start) || start === '24:00') errors.push({ field: 'start', message: 'Enter the opening time as a 24-hour time, like 09:00' });
  if (!TIME.test(end)) errors.push({ field: 'end', message: 'Enter the closing time as a 24-hour time, like 17:00 (24:00 for midnight)' });
  else if (TIME.test(start) && start >= end) errors.push({ field: 'end', message: 'The closing time must be later than the opening time on the same day' });
  const days = [...new Set(([] as string[]).concat(form.days ?? []).map(Number))].filter((d) => Number.isInteger(d) && d >= 1 && d <= 7).sort((a, b) => a - b);
  if (days.length === 0) errors.push({ field: 'days', message: 'Select at least one day the MASH is open' });
  const clock = one(form.clock) === 'working' || one(form.clock) === 'elapsed' ? one(form.clock) as 'working' | 'elapsed' : null;
  if (!clock) errors.push({ field: 'clock', message: 'Select how the clock runs for agency checks' });
  const limits = {} as Record<Rag, number>;
  for (const rag of RAGS) {
    const raw = one(form[rag]).trim();
    const n = Number(raw);
    if (!HOURS.test(raw) || n <= 0 || n > MAX_LIMIT) {
      errors.push({ field: rag, message: `Enter the ${rag} limit as a number of hours more than 0 and at most ${MAX_LIMIT}, like ${DEFAULT_MASH_SETTINGS.limits[rag]}` });
    } else limits[rag] = n;
  }
  if (limits.red !== undefined && limits.amber !== undefined && limits.red > limits.amber) {
    errors.push({ field: 'amber', message: 'The amber limit must be at least as long as the red limit' });
  } else if (limits.amber !== undefined && limits.green !== undefined && limits.amber > limits.green) {
    errors.push({ field: 'green', message: 'The green limit must be at least as long as the amber limit' });
  }
  if (errors.length) return { settings: null, errors };
  return { settings: { start, end, days, clock: clock!, limits }, errors: [] };
}

/** How long until a due time, or how long past it, in words a person reads at a glance. */
export function countdown(due: Date, now: Date): { text: string; overdue: boolean } {
  const ms = due.getTime() - now.getTime();
  const overdue = ms < 0;
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const span = d > 0 ? `${d} ${d === 1 ? 'day' : 'days'} ${h} h` : h > 0 ? `${h} h ${m} min` : `${m} min`;
  return { text: overdue ? `overdue by ${span}` : `due in ${span}`, overdue };
}
