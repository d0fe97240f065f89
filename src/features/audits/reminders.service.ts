import type { Db } from '../../db/create-db';
import { workingDaysBetween } from '../../domain/calendar';
import { londonParts } from '../../domain/london';
import { EmailRefused, type Mailer } from '../../platform/email';
import { dateText } from './forms';
import { roundReference } from './programme.service';

/**
 * Emails to the agencies taking part in a round: that their sections are due when the round starts, a
 * reminder when sections are still draft within three working days of the due date, and another once
 * they are overdue, each once per agency and round. An email names the round and case numbers, never a child.
 */

export const DUE_SOON_WORKING_DAYS = 3;

/** The agency's safeguarding leads and auditors in the partnership, who complete its sections. */
async function recipients(db: Db, partnershipId: number, agencyId: number): Promise<string[]> {
  const rows = await db.selectFrom('app_user as u').innerJoin('membership as m', 'm.user_id', 'u.id').select('u.email').distinct()
    .where('m.partnership_id', '=', partnershipId).where('m.role', 'in', ['agency_lead', 'auditor']).where('u.agency_id', '=', agencyId)
    .where('u.status', '=', 'active').orderBy('u.email').execute();
  return rows.map((r) => r.email);
}

async function sendAll(db: Db, mailer: Mailer, to: string[], email: { subject: string; body: string; partnershipId: number; roundId: string }): Promise<string[]> {
  const sent: string[] = [];
  for (const address of to) {
    try {
      await mailer.send(db, { to: address, subject: email.subject, body: email.body, partnershipId: email.partnershipId, record: { type: 'audit_round', id: email.roundId } });
      sent.push(address);
    } catch (err) {
      // An address the mailer will not take is skipped: the others still hear.
      if (!(err instanceof EmailRefused)) throw err;
    }
  }
  return sent;
}

type RoundAgency = {
  roundId: string; partnershipId: number; agencyId: number; agency: string; theme: string; shortName: string; plannedDate: string; sectionsDue: string;
};

async function roundAgencies(db: Db, filter: { roundId?: string; partnershipId?: number }): Promise<RoundAgency[]> {
  const rows = await db.selectFrom('audit_round_agency as ra').innerJoin('audit_round as r', 'r.id', 'ra.round_id')
    .innerJoin('audit_theme as t', 't.id', 'r.theme_id').innerJoin('agency as a', 'a.id', 'ra.agency_id')
    .select(['ra.round_id', 'ra.partnership_id', 'ra.agency_id', 'a.name', 't.name as theme', 't.short_name', 'r.planned_date', 'r.sections_due'])
    .where('r.status', '=', 'in_progress')
    .$if(filter.roundId !== undefined, (q) => q.where('ra.round_id', '=', filter.roundId!))
    .$if(filter.partnershipId !== undefined, (q) => q.where('ra.partnership_id', '=', filter.partnershipId!))
    .orderBy('r.sections_due').orderBy('a.name').execute();
  return rows.map((r) => ({
    roundId: r.round_id, partnershipId: r.partnership_id, agencyId: r.agency_id, agency: r.name, theme: r.theme, shortName: r.short_name,
    plannedDate: r.planned_date, sectionsDue: r.sections_due!,
  }));
}

/** The case numbers of an agency's sections in a round not yet submitted. */
async function draftCases(db: Db, ra: RoundAgency): Promise<number[]> {
  const rows = await db.selectFrom('audit_section as s').innerJoin('audit_case as c', 'c.id', 's.case_id').select('c.case_number')
    .where('s.partnership_id', '=', ra.partnershipId).where('s.round_id', '=', ra.roundId).where('s.agency_id', '=', ra.agencyId)
    .where('s.status', '=', 'draft').where('c.status', '=', 'selected').orderBy('c.case_number').execute();
  return rows.map((r) => r.case_number);
}

const link = (base: string, roundId: string) => `${base}/audits/rounds/${roundId}`;
const cases = (numbers: number[]) => (numbers.length === 1 ? `case ${numbers[0]}` : `cases ${numbers.slice(0, -1).join(', ')} and ${numbers.at(-1)}`);

export type Notified = { agencyId: number; agency: string; emailed: string[] };

/** Tells each agency of a round just started that its sections are due, and by when. */
export async function notifyRoundStarted(db: Db, mailer: Mailer, partnershipId: number, roundId: string, now: Date, opts: { publicUrl?: string } = {}): Promise<Notified[]> {
  const today = londonParts(now).date;
  const out: Notified[] = [];
  for (const ra of await roundAgencies(db, { roundId, partnershipId })) {
    const numbers = await draftCases(db, ra);
    const reference = roundReference(ra.shortName, ra.plannedDate);
    const body = [
      `${ra.agency} is asked to complete its sections of the multi-agency audit "${ra.theme}" (${reference}).`,
      '',
      `Cases to audit: ${numbers.length} (${cases(numbers)}).`,
      `Sections due by: ${dateText(ra.sectionsDue)}.`,
      '',
      'Each case is identified in Beacon by its case number. Grade each question, give your agency’s overall grade, its strengths and areas for development, and submit the section.',
      '',
      `Open the round in Beacon: ${link(opts.publicUrl ?? '', roundId)}`,
    ].join('\n');
    const emailed = await sendAll(db, mailer, await recipients(db, partnershipId, ra.agencyId), {
      subject: `Multi-agency audit sections due ${dateText(ra.sectionsDue)}: ${ra.theme}`, body, partnershipId, roundId,
    });
    // Started this close to the due date, the start email is the reminder.
    const dueSoon = workingDaysBetween(today, ra.sectionsDue) <= DUE_SOON_WORKING_DAYS;
    await db.updateTable('audit_round_agency').set({ notified_at: now, ...(dueSoon ? { due_soon_reminded_at: now } : {}) })
      .where('round_id', '=', roundId).where('agency_id', '=', ra.agencyId).execute();
    out.push({ agencyId: ra.agencyId, agency: ra.agency, emailed });
  }
  return out;
}

export type Reminded = { partnershipId: number; roundId: string; agencyId: number; agency: string; kind: 'due_soon' | 'overdue'; cases: number[]; emailed: string[] };

/**
 * Reminds each agency with sections still draft: once within three working days of the due date, and
 * once when overdue (an agency that reached overdue without the first hears only the second). Each
 * reminder is claimed before it is sent, so two sweeps at once send it once.
 */
export async function remindAuditSections(db: Db, mailer: Mailer, now: Date, opts: { publicUrl?: string; partnershipId?: number } = {}): Promise<Reminded[]> {
  const today = londonParts(now).date;
  const out: Reminded[] = [];
  for (const ra of await roundAgencies(db, { partnershipId: opts.partnershipId })) {
    const overdue = ra.sectionsDue < today;
    if (!overdue && workingDaysBetween(today, ra.sectionsDue) > DUE_SOON_WORKING_DAYS) continue;
    const numbers = await draftCases(db, ra);
    if (!numbers.length) continue;
    const claim = db.updateTable('audit_round_agency').where('round_id', '=', ra.roundId).where('agency_id', '=', ra.agencyId);
    const claimed = overdue
      ? await claim.set((eb) => ({ overdue_reminded_at: now, due_soon_reminded_at: eb.fn.coalesce('due_soon_reminded_at', eb.val(now)) }))
        .where('overdue_reminded_at', 'is', null).returning('round_id').executeTakeFirst()
      : await claim.set({ due_soon_reminded_at: now }).where('due_soon_reminded_at', 'is', null).returning('round_id').executeTakeFirst();
    if (!claimed) continue;
    const reference = roundReference(ra.shortName, ra.plannedDate);
    const body = [
      overdue
        ? `${ra.agency}’s sections of the multi-agency audit "${ra.theme}" (${reference}) were due on ${dateText(ra.sectionsDue)} and are overdue.`
        : `${ra.agency}’s sections of the multi-agency audit "${ra.theme}" (${reference}) are due on ${dateText(ra.sectionsDue)}.`,
      '',
      `Not yet submitted: ${numbers.length} (${cases(numbers)}).`,
      '',
      `Open the round in Beacon: ${link(opts.publicUrl ?? '', ra.roundId)}`,
    ].join('\n');
    const emailed = await sendAll(db, mailer, await recipients(db, ra.partnershipId, ra.agencyId), {
      subject: `${overdue ? 'Overdue' : 'Reminder'}: multi-agency audit sections${overdue ? '' : ` due ${dateText(ra.sectionsDue)}`}, ${ra.theme}`,
      body, partnershipId: ra.partnershipId, roundId: ra.roundId,
    });
    out.push({ partnershipId: ra.partnershipId, roundId: ra.roundId, agencyId: ra.agencyId, agency: ra.agency, kind: overdue ? 'overdue' : 'due_soon', cases: numbers, emailed });
  }
  return out;
}
