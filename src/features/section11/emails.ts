import type { Db } from '../../db/create-db';
import { EmailRefused, type Mailer } from '../../platform/email';

/**
 * Emails to an agency's safeguarding leads about its Section 11 return. Section 11 holds no child's
 * details, and these emails say no more than the cycle, the agency, the dates and where to go.
 */

const weekdayFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'long', timeZone: 'UTC' });
const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
/** "Friday 31 July 2026", as GOV.UK writes a date with its day. */
export function longDate(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  return `${weekdayFormat.format(d)} ${dateFormat.format(d)}`;
}

/** The active agency leads of an agency in a partnership, by email. */
export async function agencyLeads(db: Db, partnershipId: number, agencyId: number): Promise<string[]> {
  const rows = await db.selectFrom('app_user as u').innerJoin('membership as m', 'm.user_id', 'u.id')
    .select('u.email').distinct()
    .where('m.partnership_id', '=', partnershipId).where('m.role', '=', 'agency_lead')
    .where('u.agency_id', '=', agencyId).where('u.status', '=', 'active')
    .orderBy('u.email').execute();
  return rows.map((r) => r.email);
}

export type ReturnEmail = { subject: string; lines: string[] };

/** Sends one email to each of the agency's leads; an address the mailer refuses is skipped. Says who was emailed. */
export async function emailAgencyLeads(db: Db, mailer: Mailer, partnershipId: number, agencyId: number, returnId: string, email: ReturnEmail): Promise<string[]> {
  const emailed: string[] = [];
  for (const to of await agencyLeads(db, partnershipId, agencyId)) {
    try {
      await mailer.send(db, { to, subject: email.subject, body: email.lines.join('\n'), partnershipId, record: { type: 'section11_return', id: returnId } });
      emailed.push(to);
    } catch (err) {
      if (!(err instanceof EmailRefused)) throw err;
    }
  }
  return emailed;
}

type About = { cycleName: string; agencyName: string; dueDate: string; returnId: string; publicUrl: string };

const link = (a: About) => `${a.publicUrl}/section-11/returns/${a.returnId}`;

export const openedEmail = (a: About): ReturnEmail => ({
  subject: `Section 11 audit ${a.cycleName} is open: ${a.agencyName}`,
  lines: [
    `The partnership’s Section 11 audit ${a.cycleName} is open, and ${a.agencyName} is asked to complete its self-assessment.`,
    '',
    `Due: ${longDate(a.dueDate)}`,
    '',
    'Rate the agency against each standard, give the evidence, and add actions where there is work to do.',
    `Open the return in Beacon: ${link(a)}`,
  ],
});

export const dueSoonEmail = (a: About): ReturnEmail => ({
  subject: `Section 11 return due ${longDate(a.dueDate)}: ${a.agencyName}`,
  lines: [
    `${a.agencyName}’s Section 11 return for ${a.cycleName} has not been submitted, and is due on ${longDate(a.dueDate)}.`,
    '',
    `Open the return in Beacon: ${link(a)}`,
  ],
});

export const overdueEmail = (a: About): ReturnEmail => ({
  subject: `Section 11 return overdue: ${a.agencyName}`,
  lines: [
    `${a.agencyName}’s Section 11 return for ${a.cycleName} was due on ${longDate(a.dueDate)} and has not been submitted.`,
    '',
    'Please submit it as soon as you can, or tell the partnership’s business manager when it will be ready.',
    `Open the return in Beacon: ${link(a)}`,
  ],
});

export const reopenedEmail = (a: About & { reason: string }): ReturnEmail => ({
  subject: `Section 11 return reopened: ${a.agencyName}`,
  lines: [
    `The partnership’s business manager has reopened ${a.agencyName}’s Section 11 return for ${a.cycleName}, so that it can be changed and submitted again.`,
    '',
    'The reason given:',
    a.reason,
    '',
    `Due: ${longDate(a.dueDate)}`,
    `Open the return in Beacon: ${link(a)}`,
  ],
});
