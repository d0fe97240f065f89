import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { AgencyType, MashDecision, MashSettings, Rag } from '../../db/schema';
import { EmailRefused, type Mailer } from '../../platform/email';
import { NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import { openReferrals, type OpenedReferral } from '../front-door/contacts.service';
import { settingsOf } from '../partnerships/partnerships.service';
import { RAGS, RAG_LABELS, checkDueAt, mashSettingsOf, parseMashSettings, type MashSettingsForm } from './mash-clock';

/**
 * The MASH: an enquiry opened by the front door's screening decision, each partner agency's check of
 * what it knows about the children, due by the enquiry's RAG, and the MASH's decision. Every query takes
 * the partnership; an agency's officer reaches only their own agency's checks.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TEXT = 10_000;

export const MASH_DECISIONS: { value: MashDecision; label: string }[] = [
  { value: 'nfa', label: 'No further action' },
  { value: 'information_advice', label: 'Information and advice' },
  { value: 'early_help', label: 'Early help' },
  { value: 'referral', label: 'Referral to children’s social care' },
  { value: 'strategy_discussion', label: 'Immediate strategy discussion' },
];
export const decisionLabel = (d: MashDecision) => MASH_DECISIONS.find((x) => x.value === d)!.label;

/** Someone saved the enquiry or the check after the form was opened: nothing was changed. */
export class EditConflict extends Error {
  constructor(readonly recordType: 'mash_enquiry' | 'agency_check') {
    super(`The ${recordType === 'agency_check' ? 'check' : 'enquiry'} was changed by someone else`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Settings

export async function mashSettings(db: Db, partnershipId: number): Promise<MashSettings> {
  return mashSettingsOf(await settingsOf(db, partnershipId));
}

export async function saveMashSettings(db: Db, partnershipId: number, form: MashSettingsForm): Promise<MashSettings> {
  const parsed = parseMashSettings(form);
  if (!parsed.settings) throw new ValidationFailed(parsed.errors);
  // One statement merges the key into the settings, so that another key saved at the same time is kept.
  await db.updateTable('partnership')
    .set({ settings: sql`coalesce(settings, '{}'::jsonb) || jsonb_build_object('mash', ${JSON.stringify(parsed.settings)}::jsonb)` as never })
    .where('id', '=', partnershipId).execute();
  return parsed.settings;
}

// ---------------------------------------------------------------------------------------------------------
// Children of an enquiry

export type EnquiryChild = { contactId: string; childId: string; laChildId: string; firstName: string | null; lastName: string | null; dateOfBirth: string | null };

async function childrenOfContacts(db: Db, partnershipId: number, contactIds: string[]): Promise<Map<string, EnquiryChild[]>> {
  const byContact = new Map<string, EnquiryChild[]>();
  if (contactIds.length === 0) return byContact;
  const rows = await db.selectFrom('contact as x').innerJoin('child as c', 'c.id', 'x.child_id')
    .select(['x.front_door_contact_id as contactId', 'c.id as childId', 'c.la_child_id as laChildId', 'c.first_name as firstName', 'c.last_name as lastName', 'c.date_of_birth as dateOfBirth'])
    .where('x.partnership_id', '=', partnershipId).where('x.front_door_contact_id', 'in', contactIds)
    .orderBy('c.last_name').orderBy('c.first_name').execute();
  for (const r of rows) {
    const list = byContact.get(r.contactId!) ?? [];
    list.push({ ...r, contactId: r.contactId! });
    byContact.set(r.contactId!, list);
  }
  return byContact;
}

// ---------------------------------------------------------------------------------------------------------
// The MASH team's list and enquiry

export type EnquirySummary = {
  id: string; rag: Rag; openedAt: Date; contactId: string; reason: string; children: EnquiryChild[];
  checksRequested: number; checksDone: number; nextDueAt: Date | null; escalated: number;
};

/** Open enquiries, the earliest outstanding check first (enquiries with no check requested yet at the top). */
export async function listOpenEnquiries(db: Db, partnershipId: number): Promise<EnquirySummary[]> {
  const rows = await db.selectFrom('mash_enquiry as e').innerJoin('front_door_contact as f', 'f.id', 'e.front_door_contact_id')
    .leftJoin('agency_check as k', 'k.mash_enquiry_id', 'e.id')
    .select((eb) => [
      'e.id', 'e.rag', 'e.opened_at as openedAt', 'f.id as contactId', 'f.reason',
      eb.fn.count<string>('k.id').as('checksRequested'),
      sql<string>`count(*) filter (where k.status = 'completed')`.as('checksDone'),
      sql<Date | null>`min(k.due_at) filter (where k.status = 'requested')`.as('nextDueAt'),
      sql<string>`count(*) filter (where k.status = 'requested' and k.escalated_at is not null)`.as('escalated'),
    ])
    .where('e.partnership_id', '=', partnershipId).where('e.status', '=', 'open')
    .groupBy(['e.id', 'f.id'])
    .orderBy(sql`min(k.due_at) filter (where k.status = 'requested') asc nulls first`).orderBy('e.opened_at')
    .execute();
  const children = await childrenOfContacts(db, partnershipId, rows.map((r) => r.contactId));
  return rows.map((r) => ({
    ...r, checksRequested: Number(r.checksRequested), checksDone: Number(r.checksDone), escalated: Number(r.escalated),
    nextDueAt: r.nextDueAt ? new Date(r.nextDueAt) : null, children: children.get(r.contactId) ?? [],
  }));
}

export type CheckView = {
  id: string; agencyId: number; agencyName: string; agencyType: AgencyType; rag: Rag; requestedAt: Date; dueAt: Date;
  status: 'requested' | 'completed'; information: string | null; needToKnow: boolean; respondedAt: Date | null; respondedBy: string | null; escalatedAt: Date | null;
};

export type EnquiryView = {
  id: string; rag: Rag; status: 'open' | 'decided'; openedAt: Date; openedBy: string | null; version: number;
  decision: MashDecision | null; decisionSummary: string | null; decisionAt: Date | null; decidedBy: string | null;
  contact: {
    id: string; receivedAt: Date; source: string; reason: string; urgency: string; domesticAbuse: boolean;
    consent: 'given' | 'refused' | 'not_sought'; consentNotSoughtReason: string | null; lawfulBasis: string | null;
    referrer: { name: string | null; role: string | null; agency: string | null; email: string | null; phone: string | null };
    referrerToldAt: Date | null;
  };
  children: EnquiryChild[];
  checks: CheckView[];
  ragChanges: { fromRag: Rag; toRag: Rag; reason: string; changedBy: string | null; changedAt: Date }[];
};

function checksQuery(db: Db, partnershipId: number) {
  return db.selectFrom('agency_check as k').innerJoin('agency as a', 'a.id', 'k.agency_id').leftJoin('app_user as u', 'u.id', 'k.responded_by')
    .select(['k.id', 'k.agency_id as agencyId', 'a.name as agencyName', 'a.type as agencyType', 'k.rag', 'k.requested_at as requestedAt', 'k.due_at as dueAt',
      'k.status', 'k.information', 'k.need_to_know as needToKnow', 'k.responded_at as respondedAt', 'u.name as respondedBy', 'k.escalated_at as escalatedAt'])
    .where('k.partnership_id', '=', partnershipId);
}

/** One enquiry of the partnership with its contact, children, checks and RAG changes; NotFound for any other. */
export async function findEnquiry(db: Db, partnershipId: number, id: string): Promise<EnquiryView> {
  const row = UUID.test(id) ? await db.selectFrom('mash_enquiry as e').innerJoin('front_door_contact as f', 'f.id', 'e.front_door_contact_id')
    .leftJoin('app_user as o', 'o.id', 'e.opened_by').leftJoin('app_user as d', 'd.id', 'e.decided_by').leftJoin('agency as ra', 'ra.id', 'f.referrer_agency_id')
    .select(['e.id', 'e.rag', 'e.status', 'e.opened_at', 'o.name as opened_by_name', 'e.version', 'e.decision', 'e.decision_summary', 'e.decision_at', 'd.name as decided_by_name',
      'f.id as contact_id', 'f.received_at', 'f.source', 'f.reason', 'f.urgency', 'f.domestic_abuse', 'f.consent', 'f.consent_not_sought_reason', 'f.lawful_basis',
      'f.referrer_name', 'f.referrer_role', 'f.referrer_agency_name', 'ra.name as referrer_agency', 'f.referrer_email', 'f.referrer_phone', 'f.referrer_told_at'])
    .where('e.partnership_id', '=', partnershipId).where('e.id', '=', id).executeTakeFirst() : undefined;
  if (!row) throw new NotFound('No such MASH enquiry', 'mash_enquiry', id.slice(0, 60));
  const children = (await childrenOfContacts(db, partnershipId, [row.contact_id])).get(row.contact_id) ?? [];
  // Lower case, so that PGlite's C collation and a server's locale give the same order.
  const checks = await checksQuery(db, partnershipId).where('k.mash_enquiry_id', '=', id).orderBy(sql`lower(a.name)`).execute();
  const ragChanges = await db.selectFrom('mash_rag_change as r').leftJoin('app_user as u', 'u.id', 'r.changed_by')
    .select(['r.from_rag as fromRag', 'r.to_rag as toRag', 'r.reason', 'u.name as changedBy', 'r.changed_at as changedAt'])
    .where('r.mash_enquiry_id', '=', id).orderBy('r.changed_at').orderBy('r.id').execute();
  return {
    id: row.id, rag: row.rag, status: row.status, openedAt: row.opened_at, openedBy: row.opened_by_name, version: row.version,
    decision: row.decision, decisionSummary: row.decision_summary, decisionAt: row.decision_at, decidedBy: row.decided_by_name,
    contact: {
      id: row.contact_id, receivedAt: row.received_at, source: row.source, reason: row.reason, urgency: row.urgency, domesticAbuse: row.domestic_abuse,
      consent: row.consent, consentNotSoughtReason: row.consent_not_sought_reason, lawfulBasis: row.lawful_basis,
      referrer: { name: row.referrer_name, role: row.referrer_role, agency: row.referrer_agency ?? row.referrer_agency_name, email: row.referrer_email, phone: row.referrer_phone },
      referrerToldAt: row.referrer_told_at,
    },
    children, checks, ragChanges,
  };
}

/** Bumps the enquiry's version if it is still the one the form was opened at, and still open. */
async function claimEnquiry(tx: Db, partnershipId: number, id: string, version: number): Promise<{ rag: Rag; front_door_contact_id: string }> {
  const row = await tx.updateTable('mash_enquiry').set({ version: sql`version + 1`, updated_at: new Date() })
    .where('partnership_id', '=', partnershipId).where('id', '=', id).where('version', '=', version).where('status', '=', 'open')
    .returning(['rag', 'front_door_contact_id']).executeTakeFirst();
  if (!row) throw new EditConflict('mash_enquiry');
  return row;
}

// ---------------------------------------------------------------------------------------------------------
// Requesting checks

/** Requests a check from each agency chosen, timed by the enquiry's RAG; an agency already asked is not asked twice. */
export async function requestChecks(db: Db, partnershipId: number, enquiryId: string, version: number, agencyIds: unknown, by: number, now: Date): Promise<{ requested: string[] }> {
  const posted = ([] as unknown[]).concat(agencyIds ?? []).map(Number).filter((n) => Number.isInteger(n) && n > 0);
  if (posted.length === 0) throw new ValidationFailed([{ field: 'agencies', message: 'Select at least one agency to ask for a check' }]);
  // An id past what the column holds is no agency's: refused like any other, before the database is asked.
  if (posted.some((n) => n > 2_147_483_647)) throw new ValidationFailed([{ field: 'agencies', message: 'Select agencies that work with this partnership' }]);
  const ids = [...new Set(posted)];
  const enquiry = await findEnquiry(db, partnershipId, enquiryId);
  if (enquiry.status !== 'open') throw new ValidationFailed([{ field: 'agencies', message: 'The enquiry has been decided: no more checks can be requested' }]);
  const agencies = await db.selectFrom('agency').innerJoin('agency_partnership as ap', 'ap.agency_id', 'agency.id')
    .select(['agency.id', 'agency.name']).where('ap.partnership_id', '=', partnershipId).where('agency.id', 'in', ids).execute();
  if (agencies.length !== ids.length) throw new ValidationFailed([{ field: 'agencies', message: 'Select agencies that work with this partnership' }]);
  const already = new Set(enquiry.checks.map((c) => c.agencyId));
  const fresh = agencies.filter((a) => !already.has(a.id));
  if (fresh.length === 0) throw new ValidationFailed([{ field: 'agencies', message: 'Each agency selected has already been asked for a check' }]);
  const settings = await mashSettings(db, partnershipId);
  await db.transaction().execute(async (tx) => {
    const { rag } = await claimEnquiry(tx, partnershipId, enquiryId, version);
    await tx.insertInto('agency_check').values(fresh.map((a) => ({
      partnership_id: partnershipId, mash_enquiry_id: enquiryId, agency_id: a.id, rag, requested_at: now, requested_by: by, due_at: checkDueAt(now, rag, settings),
    }))).execute();
  });
  return { requested: fresh.map((a) => a.name) };
}

// ---------------------------------------------------------------------------------------------------------
// Changing the RAG

/**
 * Changes the enquiry's RAG with the reason, logged; each check still open is timed again from when it
 * was requested, by the new RAG's limit. A check whose new due time is still ahead is no longer
 * escalated: the sweep escalates it again if the new time passes.
 */
export async function changeRag(db: Db, partnershipId: number, enquiryId: string, version: number, input: { rag?: string; reason?: string }, by: number, now: Date) {
  const errors: FieldError[] = [];
  const to = RAGS.find((r) => r === input.rag);
  const reason = (input.reason ?? '').trim();
  if (!to) errors.push({ field: 'rag', message: 'Select the new RAG rating' });
  if (!reason) errors.push({ field: 'ragReason', message: 'Enter why the RAG rating is changing' });
  else if (reason.length > MAX_TEXT) errors.push({ field: 'ragReason', message: `The reason must be ${MAX_TEXT.toLocaleString('en-GB')} characters or fewer` });
  const enquiry = await findEnquiry(db, partnershipId, enquiryId);
  if (to && to === enquiry.rag) errors.push({ field: 'rag', message: `The enquiry is already ${RAG_LABELS[to].toLowerCase()}: select a different rating` });
  if (enquiry.status !== 'open') errors.push({ field: 'rag', message: 'The enquiry has been decided: its RAG rating can no longer change' });
  if (errors.length) throw new ValidationFailed(errors);
  const settings = await mashSettings(db, partnershipId);
  return db.transaction().execute(async (tx) => {
    const { rag: from } = await claimEnquiry(tx, partnershipId, enquiryId, version);
    await tx.updateTable('mash_enquiry').set({ rag: to! }).where('id', '=', enquiryId).execute();
    await tx.insertInto('mash_rag_change').values({ mash_enquiry_id: enquiryId, from_rag: from, to_rag: to!, reason, changed_by: by, changed_at: now }).execute();
    const open = await tx.selectFrom('agency_check').select(['id', 'requested_at', 'escalated_at'])
      .where('partnership_id', '=', partnershipId).where('mash_enquiry_id', '=', enquiryId).where('status', '=', 'requested').execute();
    for (const c of open) {
      const due = checkDueAt(c.requested_at, to!, settings);
      await tx.updateTable('agency_check').set({ rag: to!, due_at: due, escalated_at: due > now ? null : c.escalated_at, version: sql`version + 1` })
        .where('id', '=', c.id).execute();
    }
    return { from, to: to!, recomputed: open.length };
  });
}

// ---------------------------------------------------------------------------------------------------------
// The MASH decision

export type DecisionInput = { decision?: string; summary?: string; confirmOutstanding?: string; includeSummary?: string };

export type DecisionResult = { decision: MashDecision; referrals: OpenedReferral[]; outstanding: string[]; referrerTold: boolean };

/** The name a referrer's email may carry: a first name and an initial. */
const initialled = (c: EnquiryChild) => [c.firstName, c.lastName ? `${c.lastName[0]!.toUpperCase()}.` : null].filter(Boolean).join(' ') || 'the child';

/**
 * Decides the enquiry: the decision with its summary, the contact decided with it, and for a referral or
 * an immediate strategy discussion a referral opened for each child (flagged when a re-referral), all in
 * one transaction. While checks are still outstanding the worker must say they decide without them.
 * Then the referrer, if they gave an email address, is told the outcome.
 */
export async function decideEnquiry(db: Db, mailer: Mailer, partnershipId: number, enquiryId: string, version: number, input: DecisionInput, by: number, now: Date): Promise<DecisionResult> {
  const enquiry = await findEnquiry(db, partnershipId, enquiryId);
  const errors: FieldError[] = [];
  const decision = MASH_DECISIONS.find((d) => d.value === input.decision)?.value;
  const summary = (input.summary ?? '').trim();
  if (enquiry.status !== 'open') errors.push({ field: 'decision', message: 'The enquiry has already been decided' });
  if (!decision) errors.push({ field: 'decision', message: 'Select the MASH decision' });
  if (!summary) errors.push({ field: 'summary', message: 'Enter a summary of the decision' });
  else if (summary.length > MAX_TEXT) errors.push({ field: 'summary', message: `The summary must be ${MAX_TEXT.toLocaleString('en-GB')} characters or fewer` });
  const outstanding = enquiry.checks.filter((c) => c.status === 'requested').map((c) => c.agencyName);
  if (outstanding.length && input.confirmOutstanding !== 'yes') {
    errors.push({ field: 'confirmOutstanding', message: `${outstanding.join(', ')} ${outstanding.length === 1 ? 'has' : 'have'} not completed ${outstanding.length === 1 ? 'its check' : 'their checks'}: confirm you are deciding without ${outstanding.length === 1 ? 'it' : 'them'}` });
  }
  if (errors.length) throw new ValidationFailed(errors);

  const referrals = await db.transaction().execute(async (tx) => {
    const { front_door_contact_id: contactId } = await claimEnquiry(tx, partnershipId, enquiryId, version);
    await tx.updateTable('mash_enquiry').set({ status: 'decided', decision: decision!, decision_summary: summary, decision_at: now, decided_by: by })
      .where('id', '=', enquiryId).execute();
    // The contact's decision stays 'mash_enquiry': the screening decision; the MASH's own is the enquiry's.
    await tx.updateTable('front_door_contact').set({ status: 'decided', decision_at: now, decided_by: by, version: sql`version + 1`, updated_at: now })
      .where('partnership_id', '=', partnershipId).where('id', '=', contactId).execute();
    if (decision !== 'referral' && decision !== 'strategy_discussion') return [];
    return openReferrals(tx, partnershipId, contactId, now, { strategyDiscussion: decision === 'strategy_discussion' });
  });

  let referrerTold = false;
  const email = enquiry.contact.referrer.email;
  if (email) {
    const partnership = await db.selectFrom('partnership').select('name').where('id', '=', partnershipId).executeTakeFirstOrThrow();
    const names = enquiry.children.map(initialled);
    const about = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0] ?? 'a child';
    const received = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' }).format(enquiry.contact.receivedAt);
    const body = [
      `Thank you for your contact of ${received} about ${about}.`,
      '',
      `The multi-agency safeguarding hub has decided: ${decisionLabel(decision!)}.`,
      ...(input.includeSummary === 'yes' ? ['', summary] : []),
      '',
      'If you have new concerns about a child, contact the front door again. If a child is at immediate risk, call 999.',
      '',
      partnership.name,
    ].join('\n');
    try {
      // An email the server did not take now stays in the outbox and is tried again: the referrer is told either way.
      await mailer.send(db, { to: email, subject: 'The outcome of your contact with the front door', body, partnershipId, record: { type: 'mash_enquiry', id: enquiryId } });
      await db.updateTable('front_door_contact').set({ referrer_told_at: now }).where('partnership_id', '=', partnershipId).where('id', '=', enquiry.contact.id).execute();
      referrerTold = true;
    } catch (err) {
      if (!(err instanceof EmailRefused)) throw err;
    }
  }
  return { decision: decision!, referrals, outstanding, referrerTold };
}

// ---------------------------------------------------------------------------------------------------------
// An agency MASH officer's checks

export type QueueCheck = CheckView & { enquiryId: string; contactId: string; children: EnquiryChild[] };

async function withChildren(db: Db, partnershipId: number, rows: (CheckView & { enquiryId: string; contactId: string })[]): Promise<QueueCheck[]> {
  const children = await childrenOfContacts(db, partnershipId, [...new Set(rows.map((r) => r.contactId))]);
  return rows.map((r) => ({ ...r, children: children.get(r.contactId) ?? [] }));
}

export const QUEUE_PAGE = 50;

export type AgencyQueue = {
  open: QueueCheck[];
  completed: QueueCheck[];
  /** Over all the agency's open checks, not only the page shown. */
  counts: { open: number; overdue: number; escalated: number };
  page: number;
  pages: number;
};

/**
 * The checks asked of one agency in the partnership: a page of the open ones by due time (a busy
 * force can have thousands open across the hub; a page of 50 keeps the queue quick to load and to
 * read), their counts, and those completed in the last 14 days.
 */
export async function agencyQueue(db: Db, partnershipId: number, agencyId: number, now: Date, page = 1): Promise<AgencyQueue> {
  const base = () => checksQuery(db, partnershipId).innerJoin('mash_enquiry as e', 'e.id', 'k.mash_enquiry_id')
    .select(['e.id as enquiryId', 'e.front_door_contact_id as contactId']).where('k.agency_id', '=', agencyId);
  const counted = await db.selectFrom('agency_check').where('partnership_id', '=', partnershipId).where('agency_id', '=', agencyId).where('status', '=', 'requested')
    .select([
      sql<number>`count(*)::int`.as('open'),
      sql<number>`(count(*) filter (where due_at < ${now}))::int`.as('overdue'),
      sql<number>`(count(*) filter (where escalated_at is not null))::int`.as('escalated'),
    ]).executeTakeFirstOrThrow();
  const pages = Math.max(1, Math.ceil(counted.open / QUEUE_PAGE));
  const shown = Math.min(Math.max(1, Math.floor(page) || 1), pages);
  const open = await base().where('k.status', '=', 'requested').orderBy('k.due_at').orderBy('k.id')
    .limit(QUEUE_PAGE).offset((shown - 1) * QUEUE_PAGE).execute();
  const completed = await base().where('k.status', '=', 'completed').where('k.responded_at', '>=', new Date(now.getTime() - 14 * 86_400_000))
    .orderBy('k.responded_at', 'desc').limit(QUEUE_PAGE).execute();
  return {
    open: await withChildren(db, partnershipId, open), completed: await withChildren(db, partnershipId, completed),
    counts: counted, page: shown, pages,
  };
}

export type CheckPage = QueueCheck & { version: number; reason: string; source: string; domesticAbuse: boolean; receivedAt: Date; enquiryStatus: 'open' | 'decided' };

/** One check asked of the agency; another agency's check, or another partnership's, is NotFound. */
export async function findAgencyCheck(db: Db, partnershipId: number, agencyId: number, id: string): Promise<CheckPage> {
  const row = UUID.test(id) ? await checksQuery(db, partnershipId).innerJoin('mash_enquiry as e', 'e.id', 'k.mash_enquiry_id')
    .innerJoin('front_door_contact as f', 'f.id', 'e.front_door_contact_id')
    .select(['e.id as enquiryId', 'e.front_door_contact_id as contactId', 'e.status as enquiryStatus', 'k.version', 'f.reason', 'f.source', 'f.domestic_abuse as domesticAbuse', 'f.received_at as receivedAt'])
    .where('k.agency_id', '=', agencyId).where('k.id', '=', id).executeTakeFirst() : undefined;
  if (!row) throw new NotFound('No such agency check', 'agency_check', id.slice(0, 60));
  const [withKids] = await withChildren(db, partnershipId, [row]);
  return { ...row, ...withKids! };
}

/** Records what the agency knows and completes its check, once. */
export async function completeCheck(db: Db, partnershipId: number, agencyId: number, id: string, version: number, input: { information?: string; needToKnow?: string }, by: number, now: Date) {
  const check = await findAgencyCheck(db, partnershipId, agencyId, id);
  const information = (input.information ?? '').trim();
  const errors: FieldError[] = [];
  if (check.status === 'completed') errors.push({ field: 'information', message: 'This check has already been completed' });
  else if (!information) errors.push({ field: 'information', message: 'Enter what your agency knows about the children and family, or that it holds nothing about them' });
  else if (information.length > MAX_TEXT) errors.push({ field: 'information', message: `The information must be ${MAX_TEXT.toLocaleString('en-GB')} characters or fewer` });
  if (errors.length) throw new ValidationFailed(errors);
  const done = await db.updateTable('agency_check')
    .set({ status: 'completed', information, need_to_know: input.needToKnow === 'yes', responded_at: now, responded_by: by, version: sql`version + 1` })
    .where('partnership_id', '=', partnershipId).where('agency_id', '=', agencyId).where('id', '=', id)
    .where('version', '=', version).where('status', '=', 'requested').returning('id').executeTakeFirst();
  if (!done) throw new EditConflict('agency_check');
}

// ---------------------------------------------------------------------------------------------------------
// Escalation

export type Escalated = { checkId: string; partnershipId: number; enquiryId: string; agency: string; rag: Rag; dueAt: Date; emailed: string[] };

/**
 * Escalates every check past its due time and still outstanding, in every partnership, once: the check
 * is marked first (only one sweep can mark it), then its agency's MASH officers in that partnership and
 * the partnership's team managers are emailed. The email names no child: it says which check, and links to it.
 */
export async function escalateOverdueChecks(db: Db, mailer: Mailer, now: Date, opts: { publicUrl?: string } = {}): Promise<Escalated[]> {
  const base = opts.publicUrl ?? '';
  const due = await db.selectFrom('agency_check').select('id')
    .where('status', '=', 'requested').where('escalated_at', 'is', null).where('due_at', '<=', now).orderBy('due_at').execute();
  const escalated: Escalated[] = [];
  for (const { id } of due) {
    const claimed = await db.updateTable('agency_check').set({ escalated_at: now })
      .where('id', '=', id).where('status', '=', 'requested').where('escalated_at', 'is', null)
      .returning(['id', 'partnership_id', 'mash_enquiry_id', 'agency_id', 'rag', 'due_at', 'requested_at']).executeTakeFirst();
    if (!claimed) continue;
    const agency = await db.selectFrom('agency').select('name').where('id', '=', claimed.agency_id).executeTakeFirstOrThrow();
    const recipients = await db.selectFrom('app_user as u').innerJoin('membership as m', 'm.user_id', 'u.id')
      .select(['u.email', 'm.role']).distinct()
      .where('m.partnership_id', '=', claimed.partnership_id).where('u.status', '=', 'active')
      .where((eb) => eb.or([
        eb.and([eb('m.role', '=', 'mash_officer'), eb('u.agency_id', '=', claimed.agency_id)]),
        eb('m.role', '=', 'team_manager'),
      ])).orderBy('u.email').execute();
    const when = (d: Date) => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' }).format(d);
    const emailed: string[] = [];
    const seen = new Set<string>();
    for (const r of recipients) {
      // A person who is both (a manager who is also an officer) hears once.
      if (seen.has(r.email)) continue;
      seen.add(r.email);
      const link = r.role === 'mash_officer' ? `${base}/mash/checks/${claimed.id}` : `${base}/mash/enquiries/${claimed.mash_enquiry_id}`;
      const body = [
        `A ${claimed.rag} MASH check asked of ${agency.name} is overdue.`,
        '',
        `Requested: ${when(claimed.requested_at)}`,
        `Due: ${when(claimed.due_at)}`,
        '',
        `Open it in Beacon: ${link}`,
      ].join('\n');
      try {
        await mailer.send(db, { to: r.email, subject: `Overdue ${claimed.rag} MASH check: ${agency.name}`, body, partnershipId: claimed.partnership_id, record: { type: 'agency_check', id: claimed.id } });
        emailed.push(r.email);
      } catch (err) {
        if (!(err instanceof EmailRefused)) throw err;
      }
    }
    escalated.push({ checkId: claimed.id, partnershipId: claimed.partnership_id, enquiryId: claimed.mash_enquiry_id, agency: agency.name, rag: claimed.rag, dueAt: claimed.due_at, emailed });
  }
  return escalated;
}
