import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { ApiPrincipal } from '../../platform/api-tokens';
import { NotFound, ValidationFailed } from '../../platform/errors';
import { contactProblems, createContact, findContact, type ContactChild, type ContactInput } from '../front-door/contacts.service';
import { apiContactRequest, apiFieldErrors } from './contacts.schema';

/**
 * Contacts sent by partner systems. The contact belongs to the token's partnership, and its referrer
 * agency is the token's agency. A child named exactly as one already recorded (first name, last name
 * and date of birth, ignoring case) is that child; any other is a new child, even when similar to one
 * recorded: the front door merges such records, a partner's system cannot be asked which it meant.
 */

export type ApiContact = {
  id: string;
  receivedAt: Date;
  source: string;
  reason: string;
  domesticAbuse: boolean;
  urgency: 'immediate' | 'urgent' | 'routine';
  status: 'awaiting_decision' | 'in_mash' | 'decided';
  decision: string | null;
  decisionAt: Date | null;
  decisionDueAt: Date;
  children: { firstName: string | null; lastName: string | null; dateOfBirth: string | null }[];
};

export async function submitContact(db: Db, token: ApiPrincipal, body: unknown, now: Date): Promise<{ id: string; children: number; linked: number }> {
  const parsed = apiContactRequest.safeParse(body);
  if (!parsed.success) throw new ValidationFailed(apiFieldErrors(parsed.error.issues));
  const b = parsed.data;
  const input: ContactInput = {
    children: b.children.map((c) => ({ firstName: c.firstName, lastName: c.lastName, dateOfBirth: c.dateOfBirth, confirmedNew: true })),
    source: b.source,
    reason: b.reason,
    receivedAt: new Date(b.receivedAt),
    referrer: { ...b.referrer, agencyId: token.agencyId },
    domesticAbuse: b.domesticAbuse,
    consent: b.consent,
    consentNotSoughtReason: b.consentNotSoughtReason ?? null,
    lawfulBasis: b.lawfulBasis ?? null,
    urgency: b.urgency,
  };
  // The front door's own rules first, so that a matching child is looked for only in a valid contact.
  const problems = contactProblems(input, now);
  if (problems.length) throw new ValidationFailed(problems);
  let linked = 0;
  const children: ContactChild[] = [];
  for (const c of input.children) {
    const known = 'firstName' in c && c.dateOfBirth ? await exactChild(db, token.partnershipId, c.firstName, c.lastName, c.dateOfBirth) : undefined;
    if (known) linked++;
    children.push(known ? { childId: known } : c);
  }
  const made = await createContact(db, token.partnershipId, { ...input, children }, { tokenId: token.id }, now);
  return { id: made.id, children: children.length, linked };
}

/** The child recorded with exactly these names (ignoring case and outer spaces) and date of birth; the earliest recorded if several. */
async function exactChild(db: Db, partnershipId: number, firstName: string, lastName: string, dateOfBirth: string): Promise<string | undefined> {
  const row = await db.selectFrom('child').select('id')
    .where('partnership_id', '=', partnershipId).where('date_of_birth', '=', dateOfBirth)
    .where(sql<boolean>`lower(first_name) = lower(${firstName.trim()}) and lower(last_name) = lower(${lastName.trim()})`)
    .orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
  return row?.id;
}

/**
 * A contact the token's agency sent through the API (with this token or another of the agency's in the
 * partnership, such as the one it replaced). Any other contact, of this partnership or another, is
 * answered exactly as one that does not exist.
 */
export async function readContact(db: Db, token: ApiPrincipal, id: string): Promise<ApiContact> {
  const own = /^[0-9a-f-]{36}$/i.test(id) && await db.selectFrom('front_door_contact as c').innerJoin('api_token as t', 't.id', 'c.api_token_id').select('c.id')
    .where('c.partnership_id', '=', token.partnershipId).where('c.id', '=', id).where('t.agency_id', '=', token.agencyId).executeTakeFirst();
  if (!own) throw new NotFound('No such contact', 'front_door_contact', id.slice(0, 60));
  const c = await findContact(db, token.partnershipId, id);
  return {
    id: c.id, receivedAt: c.receivedAt, source: c.source, reason: c.reason, domesticAbuse: c.domesticAbuse, urgency: c.urgency,
    status: c.status, decision: c.decision, decisionAt: c.decisionAt, decisionDueAt: c.decisionDueAt,
    children: c.children.map((x) => ({ firstName: x.firstName, lastName: x.lastName, dateOfBirth: x.dateOfBirth })),
  };
}
