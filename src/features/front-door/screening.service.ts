import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { ContactDecision, Rag } from '../../db/schema';
import { labelOf } from '../../domain/codes';
import { EmailRefused, type Mailer } from '../../platform/email';
import { NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import { openReferrals, type OpenedReferral } from './contacts.service';

/**
 * Screening at the front door: the queue of contacts awaiting a decision, a contact as the worker
 * reads it, the decision with what follows from it (referrals, a MASH enquiry), and telling the
 * referrer the outcome.
 */

export const DECISIONS: { value: ContactDecision; text: string; hint: string }[] = [
  { value: 'nfa', text: 'No further action', hint: 'Nothing for children’s services to do' },
  { value: 'information_advice', text: 'Information and advice', hint: 'Advice to the referrer or the family, and no further action' },
  { value: 'early_help', text: 'Early help (family wellbeing)', hint: 'Passed to the family wellbeing service with the family’s consent' },
  { value: 'mash_enquiry', text: 'MASH enquiry', hint: 'The partner agencies check what they know before a decision' },
  { value: 'referral', text: 'Referral to children’s social care', hint: 'Opens a referral for each child' },
  { value: 'strategy_discussion', text: 'Immediate strategy discussion', hint: 'Opens a referral and a strategy discussion for each child' },
];

export const decisionText = (d: ContactDecision | null) => DECISIONS.find((x) => x.value === d)?.text ?? '';

const URGENCY_ORDER = sql<number>`case urgency when 'immediate' then 0 when 'urgent' then 1 else 2 end`;

export type QueueTab = 'awaiting' | 'in_mash' | 'decided';
export const QUEUE_TABS: QueueTab[] = ['awaiting', 'in_mash', 'decided'];
/** The "recently decided" tab looks back this far. */
const RECENT_DAYS = 14;

export type QueueRow = {
  id: string; receivedAt: Date; source: string; sourceLabel: string; urgency: 'immediate' | 'urgent' | 'routine'; domesticAbuse: boolean;
  decisionDueAt: Date; decision: ContactDecision | null; decisionAt: Date | null;
  children: { id: string; la_child_id: string; first_name: string | null; last_name: string | null }[];
};

/**
 * One tab of the queue. Awaiting a decision: the most urgent first, then the soonest due. In the MASH:
 * the oldest first. Decided: the last fortnight, the latest first.
 */
export async function queue(db: Db, partnershipId: number, tab: QueueTab, now: Date): Promise<QueueRow[]> {
  let q = db.selectFrom('front_door_contact')
    .select(['id', 'received_at', 'source', 'urgency', 'domestic_abuse', 'decision_due_at', 'decision', 'decision_at'])
    .where('partnership_id', '=', partnershipId);
  if (tab === 'awaiting') q = q.where('status', '=', 'awaiting_decision').orderBy(URGENCY_ORDER).orderBy('decision_due_at').orderBy('received_at');
  else if (tab === 'in_mash') q = q.where('status', '=', 'in_mash').orderBy('received_at');
  else q = q.where('status', '=', 'decided').where('decision_at', '>=', new Date(now.getTime() - RECENT_DAYS * 86_400_000)).orderBy('decision_at', 'desc');
  const rows = await q.limit(500).execute();
  const children = rows.length ? await db.selectFrom('contact as x').innerJoin('child as c', 'c.id', 'x.child_id')
    .select(['x.front_door_contact_id as contactId', 'c.id', 'c.la_child_id', 'c.first_name', 'c.last_name'])
    .where('x.partnership_id', '=', partnershipId).where('x.front_door_contact_id', 'in', rows.map((r) => r.id))
    .orderBy('c.last_name').orderBy('c.first_name').execute() : [];
  return rows.map((r) => ({
    id: r.id, receivedAt: r.received_at, source: r.source, sourceLabel: labelOf('referralSource', r.source) ?? r.source, urgency: r.urgency,
    domesticAbuse: r.domestic_abuse, decisionDueAt: r.decision_due_at, decision: r.decision, decisionAt: r.decision_at,
    children: children.filter((c) => c.contactId === r.id).map(({ contactId: _, ...c }) => c),
  }));
}

export type QueueCounts = Record<QueueTab, number>;

export async function queueCounts(db: Db, partnershipId: number, now: Date): Promise<QueueCounts> {
  const since = new Date(now.getTime() - RECENT_DAYS * 86_400_000);
  const row = await db.selectFrom('front_door_contact')
    .select([
      sql<number>`count(*) filter (where status = 'awaiting_decision')::int`.as('awaiting'),
      sql<number>`count(*) filter (where status = 'in_mash')::int`.as('in_mash'),
      sql<number>`count(*) filter (where status = 'decided' and decision_at >= ${since})::int`.as('decided'),
    ])
    .where('partnership_id', '=', partnershipId).executeTakeFirstOrThrow();
  return row;
}

/** Everything recorded about one contact of the partnership; NotFound for any other. */
export async function contactRecord(db: Db, partnershipId: number, id: string) {
  const row = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? await db.selectFrom('front_door_contact as f')
    .leftJoin('agency as a', 'a.id', 'f.referrer_agency_id')
    .leftJoin('app_user as r', 'r.id', 'f.recorded_by')
    .leftJoin('app_user as d', 'd.id', 'f.decided_by')
    .leftJoin('api_token as t', 't.id', 'f.api_token_id')
    .selectAll('f')
    .select(['a.name as referrer_agency', 'r.name as recorded_by_name', 'd.name as decided_by_name', 't.name as api_token_name'])
    .where('f.partnership_id', '=', partnershipId).where('f.id', '=', id).executeTakeFirst() : undefined;
  if (!row) throw new NotFound('No such contact', 'front_door_contact', id.slice(0, 60));
  const children = await db.selectFrom('contact as x').innerJoin('child as c', 'c.id', 'x.child_id')
    .select(['c.id', 'c.la_child_id', 'c.first_name', 'c.last_name', 'c.date_of_birth', 'x.referral_id', 'x.re_referral'])
    .where('x.partnership_id', '=', partnershipId).where('x.front_door_contact_id', '=', id).orderBy('c.last_name').orderBy('c.first_name').execute();
  const mashEnquiry = await db.selectFrom('mash_enquiry').select(['id', 'rag', 'status', 'opened_at'])
    .where('partnership_id', '=', partnershipId).where('front_door_contact_id', '=', id).executeTakeFirst();
  const email = await db.selectFrom('email_outbox').select(['status', 'created_at', 'sent_at'])
    .where('partnership_id', '=', partnershipId).where('record_type', '=', 'front_door_contact').where('record_id', '=', id)
    .orderBy('created_at', 'desc').limit(1).executeTakeFirst();
  return { ...row, sourceLabel: labelOf('referralSource', row.source) ?? row.source, children, mashEnquiry: mashEnquiry ?? null, email: email ?? null };
}

export type DecisionInput = { decision: string; reason: string; rag?: string | null; version: number };

/** Someone else decided the contact (or it changed) after this person opened it. */
export class DecisionConflict extends Error {
  constructor(readonly status: 'awaiting_decision' | 'in_mash' | 'decided', readonly decidedBy: string | null) {
    super('The contact was decided by someone else');
  }
}

export function decisionProblems(input: DecisionInput): FieldError[] {
  const errors: FieldError[] = [];
  if (!DECISIONS.some((d) => d.value === input.decision)) errors.push({ field: 'decision', message: 'Select the decision' });
  if (input.decision === 'mash_enquiry' && !['red', 'amber', 'green'].includes(input.rag ?? '')) {
    errors.push({ field: 'rag', message: 'Select the RAG rating of the MASH enquiry' });
  }
  if (!input.reason.trim()) errors.push({ field: 'reason', message: 'Enter the reason for the decision' });
  else if (input.reason.length > 10_000) errors.push({ field: 'reason', message: 'The reason must be 10,000 characters or fewer' });
  return errors;
}

export type DecisionOutcome = { decision: ContactDecision; referrals: OpenedReferral[]; mashEnquiryId: string | null; schoolNoteRecorded: boolean };

/**
 * Records the decision on a contact awaiting one, in one transaction with what it sets going: a
 * referral (and for an immediate strategy discussion, the discussion) for each child, or a MASH enquiry
 * with its RAG rating. The version the person saw must still be the contact's, or nothing is written.
 * The note to the school after a domestic abuse notification is marked as recorded with the decision.
 */
export async function decideContact(db: Db, partnershipId: number, id: string, input: DecisionInput, userId: number, now: Date): Promise<DecisionOutcome> {
  // An address that is no contact's id is answered as a missing contact, before the database is asked.
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFound('No such contact', 'front_door_contact', id.slice(0, 60));
  const errors = decisionProblems(input);
  if (errors.length) throw new ValidationFailed(errors);
  const decision = input.decision as ContactDecision;
  return db.transaction().execute(async (tx) => {
    const updated = await tx.updateTable('front_door_contact')
      .set({
        status: decision === 'mash_enquiry' ? 'in_mash' : 'decided', decision, decision_reason: input.reason.trim(), decision_at: now, decided_by: userId,
        school_notified_at: sql`case when school_note is not null then ${now}::timestamptz end`,
        version: sql`version + 1`, updated_at: now,
      })
      .where('partnership_id', '=', partnershipId).where('id', '=', id).where('status', '=', 'awaiting_decision').where('version', '=', input.version)
      .returning(['school_notified_at']).executeTakeFirst();
    if (!updated) {
      const current = await tx.selectFrom('front_door_contact as f').leftJoin('app_user as u', 'u.id', 'f.decided_by').select(['f.status', 'u.name'])
        .where('f.partnership_id', '=', partnershipId).where('f.id', '=', id).executeTakeFirst();
      if (!current) throw new NotFound('No such contact', 'front_door_contact', id);
      throw new DecisionConflict(current.status, current.name);
    }
    let referrals: OpenedReferral[] = [];
    let mashEnquiryId: string | null = null;
    if (decision === 'referral' || decision === 'strategy_discussion') {
      referrals = await openReferrals(tx, partnershipId, id, now, { strategyDiscussion: decision === 'strategy_discussion' });
    } else if (decision === 'mash_enquiry') {
      mashEnquiryId = (await tx.insertInto('mash_enquiry').values({
        partnership_id: partnershipId, front_door_contact_id: id, rag: input.rag as Rag, opened_at: now, opened_by: userId, updated_at: now,
      }).returning('id').executeTakeFirstOrThrow()).id;
    }
    return { decision, referrals, mashEnquiryId, schoolNoteRecorded: updated.school_notified_at !== null };
  });
}

const NEXT_STEPS: Record<ContactDecision, string> = {
  nfa: 'Children’s services will take no further action. If your concerns continue or change, please contact us again.',
  information_advice: 'We have given information and advice, and children’s services will take no further action at this stage.',
  early_help: 'The family will be offered support from the family wellbeing (early help) service.',
  mash_enquiry: 'The Multi-Agency Safeguarding Hub is gathering information from partner agencies before a decision about next steps. An agency may contact you for more information.',
  referral: 'A social worker from children’s social care will follow this up.',
  strategy_discussion: 'Children’s social care and partner agencies are meeting urgently to decide what happens next. A social worker may contact you.',
};

/** How the referrer's email names a child: the first name and the initial of the last, no more. */
export function nameForReferrer(c: { first_name: string | null; last_name: string | null }): string {
  const initial = c.last_name?.trim().charAt(0).toUpperCase();
  if (!c.first_name?.trim()) return initial ? `a child (${initial}.)` : 'a child';
  return initial ? `${c.first_name.trim()} ${initial}.` : c.first_name.trim();
}

const listInWords = (items: string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/** The referrer's email: the outcome in words, in the partnership's name; never the reason for it. */
export function referrerEmail(contact: { received_at: Date; referrer_name: string | null; decision: ContactDecision },
  children: { first_name: string | null; last_name: string | null }[], partnershipName: string): { subject: string; body: string } {
  const when = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' }).format(contact.received_at);
  const about = listInWords(children.map(nameForReferrer));
  return {
    subject: `${partnershipName}: the outcome of your contact of ${when}`,
    body: [
      `Dear ${contact.referrer_name?.trim() || 'colleague'},`,
      '',
      `Thank you for your contact to the front door on ${when} about ${about}.`,
      '',
      `We have considered it and decided: ${decisionText(contact.decision).replace(/^./, (c) => c.toLowerCase())}.`,
      NEXT_STEPS[contact.decision],
      '',
      'If you have new information, or a child is at immediate risk, contact the front door again straight away. In an emergency, call 999.',
      '',
      'This email is sent to the professional who made the contact. Please do not forward it.',
      '',
      partnershipName,
    ].join('\n'),
  };
}

/**
 * Tells the referrer the outcome, after the decision is committed; marks the contact when the email
 * went or waits in the outbox. Returns the email's status, or null when there is no address.
 */
export async function tellReferrer(db: Db, mailer: Mailer, partnershipId: number, partnershipName: string, id: string, now: Date) {
  const contact = await db.selectFrom('front_door_contact').select(['received_at', 'referrer_name', 'referrer_email', 'decision'])
    .where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
  if (!contact?.referrer_email || !contact.decision) return null;
  const children = await db.selectFrom('contact as x').innerJoin('child as c', 'c.id', 'x.child_id').select(['c.first_name', 'c.last_name'])
    .where('x.partnership_id', '=', partnershipId).where('x.front_door_contact_id', '=', id).orderBy('c.first_name').execute();
  const { subject, body } = referrerEmail({ ...contact, decision: contact.decision }, children, partnershipName);
  let sent: Awaited<ReturnType<Mailer['send']>>;
  try {
    sent = await mailer.send(db, { to: contact.referrer_email, subject, body, partnershipId, record: { type: 'front_door_contact', id } });
  } catch (err) {
    // An address recorded before the form's check matched the mailer's: the page says the referrer was not told.
    if (err instanceof EmailRefused) return 'failed' as const;
    throw err;
  }
  if (sent.status !== 'failed') {
    await db.updateTable('front_door_contact').set({ referrer_told_at: now }).where('partnership_id', '=', partnershipId).where('id', '=', id).execute();
  }
  return sent.status;
}
