import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { ContactDecision } from '../../db/schema';
import { addWorkingDays, isIsoDate } from '../../domain/calendar';
import { checkCode } from '../../domain/codes';
import { londonInstant, londonParts } from '../../domain/london';
import { isSingleEmailAddress } from '../../platform/email';
import { NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import { possibleDuplicates, type PossibleDuplicate } from '../children/child-details.service';

/**
 * Contacts: what the front door receives, about one or more children, whether typed in by the front
 * door or sent by a partner's system. Each child of a contact is a `contact` row (the per-child contact
 * the returns and the indicators count); the contact itself carries the referrer, the consent, and the
 * one-working-day decision clock.
 */

/** A child of a contact: one already recorded, or a new one by name. */
export type ContactChild =
  | { childId: string }
  | { firstName: string; lastName: string; dateOfBirth: string | null; /** the person has seen the possible matches and says this is another child */ confirmedNew?: boolean };

export type ContactInput = {
  children: ContactChild[];
  /** CIN census referral source code (1A ... 10). */
  source: string;
  reason: string;
  receivedAt: Date;
  referrer?: { name?: string | null; role?: string | null; agencyId?: number | null; agencyName?: string | null; email?: string | null; phone?: string | null };
  domesticAbuse: boolean;
  /** The note for the child's school after a domestic abuse incident. */
  schoolNote?: string | null;
  consent: 'given' | 'refused' | 'not_sought';
  consentNotSoughtReason?: string | null;
  lawfulBasis?: string | null;
  urgency?: 'immediate' | 'urgent' | 'routine';
};

export type RecordedBy = { userId: number } | { tokenId: string };

export class PossibleDuplicateChildren extends Error {
  /** For each child of the input (by index) with possible matches: the matches. */
  constructor(readonly matches: Map<number, PossibleDuplicate[]>) {
    super('A child of this contact may already be recorded');
  }
}

const MAX_TEXT = 10_000;

/**
 * The decision is due one working day after receipt, at the same London clock time: a contact received
 * on Friday at 15:00 is due on Monday at 15:00; one received on Saturday is due on Monday.
 */
export function decisionDueAt(receivedAt: Date): Date {
  const local = londonParts(receivedAt);
  const dueDate = addWorkingDays(local.date, 1);
  return londonInstant(dueDate, local.time);
}

/** Every problem with a contact, by field; the form and the API name the fields the same way. */
export function contactProblems(input: ContactInput, now: Date): FieldError[] {
  const errors: FieldError[] = [];
  const text = (field: string, value: string | null | undefined, label: string, required: boolean) => {
    if (value === null || value === undefined || value.trim() === '') {
      if (required) errors.push({ field, message: `Enter ${label}` });
    } else if (value.length > MAX_TEXT) errors.push({ field, message: `${label[0]!.toUpperCase()}${label.slice(1)} must be ${MAX_TEXT.toLocaleString('en-GB')} characters or fewer` });
  };
  if (input.children.length === 0) errors.push({ field: 'children', message: 'Add at least one child' });
  if (input.children.length > 20) errors.push({ field: 'children', message: 'A contact can be about 20 children at most' });
  input.children.forEach((c, i) => {
    if ('childId' in c) return;
    text(`children.${i}.firstName`, c.firstName, "the child's first name", true);
    text(`children.${i}.lastName`, c.lastName, "the child's last name", true);
    if (c.dateOfBirth !== null && (!isIsoDate(c.dateOfBirth) || c.dateOfBirth > now.toISOString().slice(0, 10))) {
      errors.push({ field: `children.${i}.dateOfBirth`, message: 'Date of birth must be a real date in the past, like 2015-03-27' });
    }
  });
  if (!input.source || !checkCode('referralSource', input.source, collectionYear(now), {}).ok) {
    errors.push({ field: 'source', message: 'Select the source of the contact (a referral source code such as 6 for the police)' });
  }
  text('reason', input.reason, 'the reason for the contact', true);
  if (Number.isNaN(input.receivedAt.getTime())) errors.push({ field: 'receivedAt', message: 'Enter when the contact was received' });
  else if (input.receivedAt.getTime() > now.getTime() + 5 * 60_000) errors.push({ field: 'receivedAt', message: 'When the contact was received must not be in the future' });
  const r = input.referrer ?? {};
  text('referrer.name', r.name, "the referrer's name", false);
  text('referrer.role', r.role, "the referrer's role", false);
  text('referrer.agencyName', r.agencyName, "the referrer's agency", false);
  if (r.email && !isSingleEmailAddress(r.email.trim())) errors.push({ field: 'referrer.email', message: 'Enter the referrer’s email address in the right form, like name@example.org' });
  text('referrer.phone', r.phone, "the referrer's phone number", false);
  text('schoolNote', input.schoolNote, 'the note to the school', false);
  if (input.schoolNote && !input.domesticAbuse) errors.push({ field: 'schoolNote', message: 'A note to the school goes with a domestic abuse notification only' });
  if (!['given', 'refused', 'not_sought'].includes(input.consent)) errors.push({ field: 'consent', message: 'Select whether consent was given, refused or not sought' });
  if (input.consent === 'not_sought') {
    text('consentNotSoughtReason', input.consentNotSoughtReason, 'why consent was not sought', true);
    text('lawfulBasis', input.lawfulBasis, 'the lawful basis for sharing without consent', true);
  }
  if (input.urgency && !['immediate', 'urgent', 'routine'].includes(input.urgency)) errors.push({ field: 'urgency', message: 'Select how urgent the contact is' });
  return errors;
}

/** The CIN collection year a date falls in (April to March), for the code lists. */
const collectionYear = (d: Date) => {
  const iso = d.toISOString();
  return Number(iso.slice(0, 4)) - (iso.slice(5, 7) < '04' ? 1 : 0);
};

/**
 * Records a contact with its children in one transaction and returns its id. A new child who may
 * already be recorded stops it (PossibleDuplicateChildren) unless confirmed as new; an existing child
 * must be one of the partnership's.
 */
export async function createContact(db: Db, partnershipId: number, input: ContactInput, by: RecordedBy, now: Date): Promise<{ id: string; decisionDueAt: Date }> {
  const errors = contactProblems(input, now);
  if (errors.length) throw new ValidationFailed(errors);
  const matches = new Map<number, PossibleDuplicate[]>();
  for (const [i, c] of input.children.entries()) {
    if ('childId' in c) {
      const found = /^[0-9a-f-]{36}$/i.test(c.childId)
        && await db.selectFrom('child').select('id').where('partnership_id', '=', partnershipId).where('id', '=', c.childId).executeTakeFirst();
      if (!found) throw new ValidationFailed([{ field: `children.${i}.childId`, message: 'Select a child recorded in this partnership' }]);
    } else if (!c.confirmedNew && c.dateOfBirth) {
      const m = await possibleDuplicates(db, partnershipId, { first_name: c.firstName.trim(), last_name: c.lastName.trim(), date_of_birth: c.dateOfBirth });
      if (m.length) matches.set(i, m);
    }
  }
  if (matches.size) throw new PossibleDuplicateChildren(matches);

  const due = decisionDueAt(input.receivedAt);
  const r = input.referrer ?? {};
  const blank = (v: string | null | undefined) => (v && v.trim() ? v.trim() : null);
  return db.transaction().execute(async (tx) => {
    const contact = await tx.insertInto('front_door_contact').values({
      partnership_id: partnershipId,
      received_at: input.receivedAt,
      source: input.source,
      reason: input.reason.trim(),
      referrer_name: blank(r.name), referrer_role: blank(r.role), referrer_agency_id: r.agencyId ?? null,
      referrer_agency_name: blank(r.agencyName), referrer_email: blank(r.email), referrer_phone: blank(r.phone),
      domestic_abuse: input.domesticAbuse,
      school_note: input.domesticAbuse ? blank(input.schoolNote) : null,
      consent: input.consent,
      consent_not_sought_reason: input.consent === 'not_sought' ? blank(input.consentNotSoughtReason) : null,
      lawful_basis: input.consent === 'not_sought' ? blank(input.lawfulBasis) : null,
      urgency: input.urgency ?? 'routine',
      decision_due_at: due,
      recorded_by: 'userId' in by ? by.userId : null,
      api_token_id: 'tokenId' in by ? by.tokenId : null,
      updated_at: now,
    }).returning('id').executeTakeFirstOrThrow();
    const contactDate = londonParts(input.receivedAt).date;
    for (const c of input.children) {
      const childId = 'childId' in c ? c.childId : (await tx.insertInto('child').values({
        partnership_id: partnershipId,
        // The front door names a new child before the case system numbers them: a provisional id.
        la_child_id: `FD-${randomUUID().slice(0, 8).toUpperCase()}`,
        first_name: c.firstName.trim(), last_name: c.lastName.trim(), date_of_birth: c.dateOfBirth,
      }).returning('id').executeTakeFirstOrThrow()).id;
      await tx.insertInto('contact').values({
        partnership_id: partnershipId, child_id: childId, contact_date: contactDate, contact_source: input.source, front_door_contact_id: contact.id,
      }).execute();
    }
    return { id: contact.id, decisionDueAt: due };
  });
}

export type ContactView = {
  id: string;
  receivedAt: Date;
  source: string;
  reason: string;
  status: 'awaiting_decision' | 'in_mash' | 'decided';
  decision: ContactDecision | null;
  decisionAt: Date | null;
  decisionDueAt: Date;
  domesticAbuse: boolean;
  urgency: 'immediate' | 'urgent' | 'routine';
  children: { childId: string; laChildId: string; firstName: string | null; lastName: string | null; dateOfBirth: string | null; referralId: string | null; reReferral: boolean | null }[];
};

/** One contact of the partnership with its children; NotFound for any other. */
export async function findContact(db: Db, partnershipId: number, id: string): Promise<ContactView> {
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await db.selectFrom('front_door_contact').selectAll()
    .where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst() : undefined;
  if (!row) throw new NotFound('No such contact', 'front_door_contact', id.slice(0, 60));
  const children = await db.selectFrom('contact as x').innerJoin('child as c', 'c.id', 'x.child_id')
    .select(['c.id as childId', 'c.la_child_id as laChildId', 'c.first_name as firstName', 'c.last_name as lastName', 'c.date_of_birth as dateOfBirth',
      'x.referral_id as referralId', 're_referral as reReferral'])
    .where('x.partnership_id', '=', partnershipId).where('x.front_door_contact_id', '=', id).orderBy('c.last_name').orderBy('c.first_name').execute();
  return {
    id: row.id, receivedAt: row.received_at, source: row.source, reason: row.reason, status: row.status, decision: row.decision,
    decisionAt: row.decision_at, decisionDueAt: row.decision_due_at, domesticAbuse: row.domestic_abuse, urgency: row.urgency, children,
  };
}

/** Whether a referral for this child on `date` is a re-referral: another started within the 12 months before it. */
export async function isReReferral(db: Db, childId: string, date: string): Promise<boolean> {
  const row = await sql<{ found: boolean }>`select exists (select 1 from referral where child_id = ${childId}
    and referral_date < ${date}::date and referral_date >= (${date}::date - interval '1 year')::date) as found`.execute(db);
  return row.rows[0]!.found;
}

export type OpenedReferral = { childId: string; referralId: string; reReferral: boolean };

/**
 * Opens a referral (a CIN episode) for each child of a contact, dated the day of the decision in
 * London, with the contact's source; for an immediate strategy discussion, the discussion too, its
 * concern dated the same day. A child who already has a referral on that date keeps it (the natural
 * key is the child and the date). Each child's contact row records the referral and whether it was a
 * re-referral (another referral started in the 12 months before). Runs in the caller's transaction.
 */
export async function openReferrals(tx: Db, partnershipId: number, contactId: string, decidedAt: Date,
  opts: { strategyDiscussion: boolean }): Promise<OpenedReferral[]> {
  const date = londonParts(decidedAt).date;
  const contact = await tx.selectFrom('front_door_contact').select('source').where('partnership_id', '=', partnershipId).where('id', '=', contactId).executeTakeFirst();
  if (!contact) throw new NotFound('No such contact', 'front_door_contact', contactId);
  const rows = await tx.selectFrom('contact').select(['id', 'child_id']).where('partnership_id', '=', partnershipId).where('front_door_contact_id', '=', contactId).execute();
  const opened: OpenedReferral[] = [];
  for (const row of rows) {
    const reReferral = await isReReferral(tx, row.child_id, date);
    const existing = await tx.selectFrom('referral').select('id').where('child_id', '=', row.child_id).where('referral_date', '=', date).executeTakeFirst();
    const referralId = existing?.id ?? (await tx.insertInto('referral').values({
      partnership_id: partnershipId, child_id: row.child_id, referral_date: date, referral_source: contact.source, referral_nfa: false,
    }).returning('id').executeTakeFirstOrThrow()).id;
    if (opts.strategyDiscussion) {
      await tx.insertInto('strategy_discussion').values({ partnership_id: partnershipId, referral_id: referralId, concern_date: date })
        .onConflict((oc) => oc.columns(['referral_id', 'concern_date']).doNothing()).execute();
    }
    await tx.updateTable('contact').set({ referral_id: referralId, re_referral: reReferral, updated_at: sql`now()` }).where('id', '=', row.id).execute();
    opened.push({ childId: row.child_id, referralId, reReferral });
  }
  return opened;
}
