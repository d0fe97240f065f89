import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import { ValidationFailed, type FieldError } from '../../platform/errors';
import { londonInstant, londonParts } from '../../domain/london';

/**
 * The consultation line: professionals ring the front door for advice about a worry, before (or instead
 * of) making a request for support. Each call is logged with the advice given and whether a request for
 * support is needed, which the annual report counts.
 */

export type ConsultationInput = {
  calledAt: Date;
  callerName: string;
  callerRole?: string | null;
  callerAgencyId?: number | null;
  callerAgencyName?: string | null;
  callerPhone?: string | null;
  callerEmail?: string | null;
  childId?: string | null;
  childName?: string | null;
  question: string;
  advice: string;
  requestForSupport: boolean | null;
};

const MAX_TEXT = 10_000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function consultationProblems(input: ConsultationInput, now: Date): FieldError[] {
  const errors: FieldError[] = [];
  const text = (field: string, value: string | null | undefined, label: string, required: boolean) => {
    if (!value?.trim()) {
      if (required) errors.push({ field, message: `Enter ${label}` });
    } else if (value.length > MAX_TEXT) errors.push({ field, message: `${label[0]!.toUpperCase()}${label.slice(1)} must be ${MAX_TEXT.toLocaleString('en-GB')} characters or fewer` });
  };
  if (Number.isNaN(input.calledAt.getTime())) errors.push({ field: 'calledAt', message: 'Enter when the call was received, like 24 11 2026 and 14:05' });
  else if (input.calledAt.getTime() > now.getTime() + 5 * 60_000) errors.push({ field: 'calledAt', message: 'When the call was received must not be in the future' });
  text('callerName', input.callerName, 'the caller’s name', true);
  text('callerRole', input.callerRole, 'the caller’s role', false);
  text('callerAgencyName', input.callerAgencyName, 'the caller’s agency', false);
  text('callerPhone', input.callerPhone, 'the caller’s phone number', false);
  if (input.callerEmail && !EMAIL.test(input.callerEmail)) errors.push({ field: 'callerEmail', message: 'Enter the caller’s email address in the right form, like name@example.org' });
  text('childName', input.childName, 'the child’s name', false);
  text('question', input.question, 'what the caller asked about', true);
  text('advice', input.advice, 'the advice given', true);
  if (input.requestForSupport === null) errors.push({ field: 'requestForSupport', message: 'Select whether a request for support is needed' });
  return errors;
}

/** Logs a call; a child must be one of the partnership's. */
export async function recordConsultation(db: Db, partnershipId: number, input: ConsultationInput, userId: number, now: Date): Promise<string> {
  const errors = consultationProblems(input, now);
  if (input.childId) {
    const child = /^[0-9a-f-]{36}$/i.test(input.childId)
      && await db.selectFrom('child').select('id').where('partnership_id', '=', partnershipId).where('id', '=', input.childId).executeTakeFirst();
    if (!child) errors.push({ field: 'childSearch', message: 'Select a child recorded in this partnership' });
  }
  if (errors.length) throw new ValidationFailed(errors);
  const blank = (v: string | null | undefined) => (v?.trim() ? v.trim() : null);
  const row = await db.insertInto('consultation').values({
    partnership_id: partnershipId, called_at: input.calledAt, caller_name: input.callerName.trim(), caller_role: blank(input.callerRole),
    caller_agency_id: input.callerAgencyId ?? null, caller_agency_name: blank(input.callerAgencyName), caller_phone: blank(input.callerPhone),
    caller_email: blank(input.callerEmail), child_id: input.childId || null, child_name: input.childId ? null : blank(input.childName),
    question: input.question.trim(), advice: input.advice.trim(), request_for_support: input.requestForSupport!, recorded_by: userId,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** The latest calls, newest first. */
export function listConsultations(db: Db, partnershipId: number, limit = 100) {
  return db.selectFrom('consultation as k')
    .leftJoin('child as c', 'c.id', 'k.child_id')
    .leftJoin('agency as a', 'a.id', 'k.caller_agency_id')
    .select(['k.id', 'k.called_at', 'k.caller_name', 'k.caller_role', 'k.caller_agency_name', 'a.name as agency', 'k.child_id', 'k.child_name',
      'c.first_name', 'c.last_name', 'c.la_child_id', 'k.question', 'k.advice', 'k.request_for_support'])
    .where('k.partnership_id', '=', partnershipId).orderBy('k.called_at', 'desc').limit(limit).execute();
}

export type MonthCount = { label: string; calls: number; requestsForSupport: number; percent: number | null };

/** Calls this month and last month (London months), and the share that needed a request for support. */
export async function consultationCounts(db: Db, partnershipId: number, now: Date): Promise<{ thisMonth: MonthCount; lastMonth: MonthCount }> {
  const [y, m] = londonParts(now).date.split('-').map(Number) as [number, number];
  const monthStart = (year: number, month: number) => {
    const yy = month < 1 ? year - 1 : year;
    const mm = month < 1 ? month + 12 : month;
    return { at: londonInstant(`${yy}-${String(mm).padStart(2, '0')}-01`, '00:00:00'), label: new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(yy, mm - 1, 1))) };
  };
  const last = monthStart(y, m - 1);
  const current = monthStart(y, m);
  const next = monthStart(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1);
  const row = await db.selectFrom('consultation')
    .select([
      sql<number>`count(*) filter (where called_at >= ${current.at})::int`.as('this_calls'),
      sql<number>`count(*) filter (where called_at >= ${current.at} and request_for_support)::int`.as('this_rfs'),
      sql<number>`count(*) filter (where called_at < ${current.at})::int`.as('last_calls'),
      sql<number>`count(*) filter (where called_at < ${current.at} and request_for_support)::int`.as('last_rfs'),
    ])
    .where('partnership_id', '=', partnershipId).where('called_at', '>=', last.at).where('called_at', '<', next.at).executeTakeFirstOrThrow();
  const count = (label: string, calls: number, rfs: number): MonthCount => ({ label, calls, requestsForSupport: rfs, percent: calls ? Math.round((100 * rfs) / calls) : null });
  return { thisMonth: count(current.label, row.this_calls, row.this_rfs), lastMonth: count(last.label, row.last_calls, row.last_rfs) };
}
