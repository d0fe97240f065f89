import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { ReportEventKind, ReportStatus, SectionKind, SectionStatus } from '../../db/schema-annual-report';
import { REPORT_CATALOGUE, catalogueEntry, type CatalogueEntry, type OwnerHint } from '../../domain/annual-report';
import { EmailRefused, type Mailer } from '../../platform/email';
import { NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import { dateFrom, text, type Form } from '../../platform/forms';
import { ROLE_NAMES, ROLES, type Role, type Scope } from '../../platform/permissions';
import { assertEditable, findReportForPeriod, findSection, type AnnualReport, type ReportSection } from './report.repository';

/**
 * The annual report's shape: creating a report for a period with the catalogue's sections and suggested
 * owners, the contents' order, sections added, removed and restored, and who writes each. Every change
 * to the structure runs in one transaction that locks the report's row, refuses a report that is not
 * being drafted (ReportLocked) and checks the version the person's page was showing.
 */

export const REPORT_STATUS: Record<ReportStatus, { text: string; classes: string }> = {
  drafting: { text: 'Drafting', classes: 'govuk-tag--blue' },
  awaiting_approval: { text: 'With the Executive', classes: 'govuk-tag--yellow' },
  approved: { text: 'Approved', classes: 'govuk-tag--green' },
};

export const SECTION_STATUS: Record<SectionStatus, { text: string; classes: string }> = {
  not_started: { text: 'Not started', classes: 'govuk-tag--grey' },
  drafting: { text: 'Drafting', classes: 'govuk-tag--blue' },
  submitted: { text: 'Submitted', classes: 'govuk-tag--yellow' },
  accepted: { text: 'Accepted', classes: 'govuk-tag--green' },
};

export const SECTION_KINDS: Record<SectionKind, string> = { written: 'Written', data: 'Beacon’s figures', voice: 'Voice of the child' };

export const EVENT_LABELS: Record<ReportEventKind, string> = {
  created: 'Report started', section_added: 'Section added', section_removed: 'Section removed', section_restored: 'Section restored',
  section_moved: 'Section moved', owner_assigned: 'Owner changed', submitted: 'Section submitted', returned: 'Section returned to its owner',
  accepted: 'Section accepted', sent_for_approval: 'Sent to the Executive', approved: 'Approved by the Executive',
  changes_requested: 'Changes requested by the Executive', reopened: 'Taken back for changes',
};

/** The structure's page was out of date: someone changed the report since it was opened. Nothing was changed. */
export class StructureConflict extends Error {
  readonly statusCode = 409;
  constructor() { super('Someone changed this report since you opened the page. Nothing was changed: check the contents as they are now and try again.'); }
}

// ---- Dates and periods ----

const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
export const dateText = (iso: string) => longDate.format(new Date(`${iso}T12:00:00Z`));
export const periodText = (from: string, to: string) => `${dateText(from)} to ${dateText(to)}`;

/** The last complete financial year (1 April to 31 March) before today: the period a report usually covers. */
export function lastCompleteFinancialYear(today: string): { from: string; to: string } {
  const year = Number(today.slice(0, 4));
  const endYear = today.slice(5) > '03-31' ? year : year - 1;
  return { from: `${endYear - 1}-04-01`, to: `${endYear}-03-31` };
}

export const defaultTitle = (from: string, to: string) => `Annual report ${from.slice(0, 4)} to ${to.slice(0, 4)}`;


// ---- People ----

/** The roles that may draft a section: only holders of these can be a section's owner. */
export const WRITER_ROLES: Role[] = ROLE_NAMES.filter((r) => (ROLES[r].scopes as readonly Scope[]).includes('report.write'));

export type Writer = { id: number; name: string; email: string; agencyName: string; agencyType: string; roles: string[] };

/** The partnership's active people who may draft a section, by name. */
export async function writers(db: Db, partnershipId: number): Promise<Writer[]> {
  const rows = await db.selectFrom('app_user as u').innerJoin('membership as m', 'm.user_id', 'u.id').innerJoin('agency as a', 'a.id', 'u.agency_id')
    .select(['u.id', 'u.name', 'u.email', 'a.name as agencyName', 'a.type as agencyType', 'm.role'])
    .where('m.partnership_id', '=', partnershipId).where('m.role', 'in', WRITER_ROLES).where('u.status', '=', 'active')
    .orderBy('u.name').orderBy('u.id').execute();
  const byId = new Map<number, Writer>();
  for (const r of rows) {
    const w = byId.get(r.id) ?? { id: r.id, name: r.name, email: r.email, agencyName: r.agencyName, agencyType: r.agencyType, roles: [] };
    w.roles.push(r.role);
    byId.set(r.id, w);
  }
  return [...byId.values()];
}

/** The emails of the partnership's active people holding a role. */
export async function emailsOfRole(db: Db, partnershipId: number, role: Role): Promise<{ id: number; email: string; name: string }[]> {
  return db.selectFrom('app_user as u').innerJoin('membership as m', 'm.user_id', 'u.id').select(['u.id', 'u.email', 'u.name']).distinct()
    .where('m.partnership_id', '=', partnershipId).where('m.role', '=', role).where('u.status', '=', 'active').orderBy('u.email').execute();
}

/**
 * Who each catalogue section's owner hint points at today: a group's current chair, an agency's lead, or the
 * business manager starting the report. Only a person who can draft (report.write) is suggested: a chair
 * without that role (an auditor chairing QA, an independent chair without an account) leaves the section
 * for the business manager to give to someone.
 */
export async function ownerSuggester(db: Db, partnershipId: number, today: string, creatorId: number): Promise<(hint: OwnerHint | undefined) => number | null> {
  const people = await writers(db, partnershipId);
  const canWrite = new Set(people.map((p) => p.id));
  const chairs = await db.selectFrom('group_member as gm').innerJoin('assurance_group as g', 'g.id', 'gm.group_id')
    .select(['g.short_name', 'gm.user_id'])
    .where('gm.partnership_id', '=', partnershipId).where('g.partnership_id', '=', partnershipId).where('g.active', '=', true)
    .where('gm.role', '=', 'chair').where('gm.user_id', 'is not', null).where('gm.from_date', '<=', today)
    .where((eb) => eb.or([eb('gm.to_date', 'is', null), eb('gm.to_date', '>', today)]))
    .orderBy('gm.from_date', 'desc').orderBy('gm.id', 'desc').execute();
  const chairOf = new Map<string, number>();
  for (const c of chairs) if (c.short_name && c.user_id !== null && canWrite.has(c.user_id) && !chairOf.has(c.short_name)) chairOf.set(c.short_name, c.user_id);
  const agencies = new Set((await db.selectFrom('agency_partnership').select('agency_id').where('partnership_id', '=', partnershipId).execute()).map((a) => a.agency_id));
  const withAgency = await db.selectFrom('app_user').select(['id', 'agency_id']).where('id', 'in', people.length ? people.map((p) => p.id) : [0]).execute();
  const agencyOf = new Map(withAgency.map((u) => [u.id, u.agency_id]));
  const leadOf = (type: string) => {
    const ofType = people.filter((p) => p.agencyType === type && agencies.has(agencyOf.get(p.id)!));
    return (ofType.find((p) => p.roles.includes('agency_lead')) ?? ofType[0])?.id ?? null;
  };
  return (hint) => {
    if (!hint) return null;
    if ('group' in hint) return chairOf.get(hint.group) ?? null;
    if ('agencyType' in hint) return leadOf(hint.agencyType);
    return canWrite.has(creatorId) ? creatorId : null;
  };
}

// ---- Reading ----

export type ReportSummary = AnnualReport & { sections: number; accepted: number };

export async function listReports(db: Db, partnershipId: number): Promise<ReportSummary[]> {
  const rows = await db.selectFrom('annual_report as r')
    .select((eb) => [
      'r.id', 'r.partnership_id', 'r.title', 'r.period_from', 'r.period_to', 'r.status', 'r.sent_for_approval_at', 'r.approved_at', 'r.created_by',
      'r.created_at', 'r.updated_at', 'r.version',
      eb.selectFrom('report_section as s').select(sql<number>`count(*)::int`.as('n')).whereRef('s.report_id', '=', 'r.id').where('s.removed_at', 'is', null).as('sections'),
      eb.selectFrom('report_section as s').select(sql<number>`count(*)::int`.as('n')).whereRef('s.report_id', '=', 'r.id').where('s.removed_at', 'is', null)
        .where('s.status', '=', 'accepted').as('accepted'),
    ])
    .where('r.partnership_id', '=', partnershipId).orderBy('r.period_to', 'desc').execute();
  return rows.map((r) => ({ ...r, sections: r.sections ?? 0, accepted: r.accepted ?? 0 }));
}

/** The sections a person owns in reports still being drafted: what they are asked to write. */
export async function sectionsOwnedBy(db: Db, partnershipId: number, userId: number) {
  return db.selectFrom('report_section as s').innerJoin('annual_report as r', 'r.id', 's.report_id')
    .select(['s.id', 's.heading', 's.status', 's.kind', 'r.id as reportId', 'r.title as reportTitle'])
    .where('s.partnership_id', '=', partnershipId).where('r.partnership_id', '=', partnershipId)
    .where('s.owner_user_id', '=', userId).where('s.removed_at', 'is', null).where('r.status', '=', 'drafting')
    .orderBy('r.period_to', 'desc').orderBy('s.position').execute();
}

export type ContentsRow = ReportSection & { number: number; ownerName: string | null };

/** The report's sections with their owners: the active ones numbered in order, and the removed ones. */
export async function reportContents(db: Db, partnershipId: number, reportId: string): Promise<{ active: ContentsRow[]; removed: ContentsRow[] }> {
  const rows = await db.selectFrom('report_section as s').leftJoin('app_user as u', 'u.id', 's.owner_user_id')
    .selectAll('s').select('u.name as ownerName')
    .where('s.partnership_id', '=', partnershipId).where('s.report_id', '=', reportId)
    .orderBy('s.position').orderBy('s.id').execute();
  const active = rows.filter((r) => r.removed_at === null).map((r, i) => ({ ...r, number: i + 1 }));
  const removed = rows.filter((r) => r.removed_at !== null).map((r) => ({ ...r, number: 0 }));
  return { active, removed };
}

/** The catalogue's sections the report has never had (a removed one is restored, not added again). */
export async function missingCatalogueEntries(db: Db, partnershipId: number, reportId: string): Promise<CatalogueEntry[]> {
  const present = new Set((await db.selectFrom('report_section').select('catalogue_key')
    .where('partnership_id', '=', partnershipId).where('report_id', '=', reportId).where('catalogue_key', 'is not', null).execute()).map((r) => r.catalogue_key));
  return REPORT_CATALOGUE.filter((e) => !present.has(e.key));
}

export type HistoryRow = { at: Date; kind: string; label: string; by: string | null; sectionId: number | null; section: string | null; reason: string | null };

/** The report's history, newest first: its events and each Executive member's approval. */
export async function reportHistory(db: Db, partnershipId: number, reportId: string): Promise<HistoryRow[]> {
  const events = await db.selectFrom('report_event as e').leftJoin('app_user as u', 'u.id', 'e.by_user_id').leftJoin('report_section as s', 's.id', 'e.section_id')
    .select(['e.id', 'e.at', 'e.kind', 'e.reason', 'e.section_id', 'u.name as by', 's.heading'])
    .where('e.partnership_id', '=', partnershipId).where('e.report_id', '=', reportId).execute();
  const approvals = await db.selectFrom('report_approval as a').innerJoin('app_user as u', 'u.id', 'a.user_id').leftJoin('agency as g', 'g.id', 'a.agency_id')
    .select(['a.id', 'a.decided_at', 'a.comment', 'u.name', 'g.name as agency'])
    .where('a.partnership_id', '=', partnershipId).where('a.report_id', '=', reportId).where('a.decision', '=', 'approved').execute();
  const rows: (HistoryRow & { order: number })[] = [
    ...events.map((e) => ({
      at: new Date(e.at), kind: e.kind, label: EVENT_LABELS[e.kind], by: e.by, sectionId: e.section_id, section: e.heading, reason: e.reason, order: e.id * 2,
    })),
    ...approvals.map((a) => ({
      at: new Date(a.decided_at), kind: 'member_approved', label: `Approved for ${a.agency ?? 'the Executive'}`, by: a.name, sectionId: null, section: null,
      reason: a.comment, order: a.id * 2 + 1,
    })),
  ];
  return rows.sort((x, y) => y.at.getTime() - x.at.getTime() || y.order - x.order).map(({ order: _order, ...r }) => r);
}

// ---- Creating a report ----

export type NewReport = { title: string; from: string; to: string };

export function parseNewReport(form: Form): NewReport {
  const errors: FieldError[] = [];
  const title = text(form, 'title');
  if (!title) errors.push({ field: 'title', message: 'Enter the report’s title' });
  else if (title.length > 200) errors.push({ field: 'title', message: 'The title must be 200 characters or fewer' });
  const from = dateFrom(form, 'periodFrom');
  const to = dateFrom(form, 'periodTo');
  if (from === null) errors.push({ field: 'periodFrom-day', message: 'Enter the date the period starts' });
  else if (from === 'invalid') errors.push({ field: 'periodFrom-day', message: 'The date the period starts must be a real date, like 1 4 2025' });
  if (to === null) errors.push({ field: 'periodTo-day', message: 'Enter the date the period ends' });
  else if (to === 'invalid') errors.push({ field: 'periodTo-day', message: 'The date the period ends must be a real date, like 31 3 2026' });
  if (errors.length === 0 && to! <= from!) errors.push({ field: 'periodTo-day', message: 'The date the period ends must be after the date it starts' });
  if (errors.length === 0 && Date.parse(to!) - Date.parse(from!) > 2 * 366 * 86_400_000) {
    errors.push({ field: 'periodTo-day', message: 'A report covers two years at most' });
  }
  if (errors.length) throw new ValidationFailed(errors);
  return { title, from: from!, to: to! };
}

const duplicatePeriod = (existing: AnnualReport) => new ValidationFailed([{
  field: 'periodFrom-day', message: `There is already a report for ${periodText(existing.period_from, existing.period_to)}: ${existing.title}`,
}]);

/**
 * A new report in drafting with every catalogue section in order and its suggested owner, in one
 * transaction: a report is never seen half-built.
 */
export async function createReport(db: Db, partnershipId: number, input: NewReport, userId: number, now: Date, today: string): Promise<AnnualReport> {
  const existing = await findReportForPeriod(db, partnershipId, input.from, input.to);
  if (existing) throw duplicatePeriod(existing);
  const owner = await ownerSuggester(db, partnershipId, today, userId);
  try {
    return await db.transaction().execute(async (tx) => {
      const report = await tx.insertInto('annual_report').values({
        partnership_id: partnershipId, title: input.title, period_from: input.from, period_to: input.to, created_by: userId, created_at: now, updated_at: now,
      }).returningAll().executeTakeFirstOrThrow();
      await tx.insertInto('report_section').values(REPORT_CATALOGUE.map((e, i) => ({
        partnership_id: partnershipId, report_id: report.id, position: i + 1, catalogue_key: e.key, kind: e.kind, heading: e.heading, guidance: e.guidance,
        owner_user_id: owner(e.owner), status: 'not_started' as const, created_at: now, updated_at: now,
      }))).execute();
      await tx.insertInto('report_event').values({ partnership_id: partnershipId, report_id: report.id, kind: 'created', by_user_id: userId, at: now }).execute();
      return report;
    });
  } catch (err) {
    // Another person started a report for the same period at the same moment.
    if ((err as { code?: string }).code === '23505') {
      const other = await findReportForPeriod(db, partnershipId, input.from, input.to);
      if (other) throw duplicatePeriod(other);
    }
    throw err;
  }
}

// ---- Changing the structure ----

/**
 * Runs a change to the report's structure: locks the report's row, refuses it unless it is being drafted
 * and unless the page showed the version now stored, runs the change and moves the version on.
 */
async function changeStructure<T>(db: Db, partnershipId: number, reportId: string, version: string | undefined, now: Date,
  change: (tx: Db, report: AnnualReport) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    const report = await tx.selectFrom('annual_report').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', reportId)
      .forUpdate().executeTakeFirst();
    if (!report) throw new NotFound('Annual report not found', 'annual_report', reportId);
    assertEditable(report);
    if (version !== undefined && version !== String(report.version)) throw new StructureConflict();
    const result = await change(tx, report);
    await tx.updateTable('annual_report').set({ version: report.version + 1, updated_at: now }).where('id', '=', reportId).execute();
    return result;
  });
}

const event = (tx: Db, partnershipId: number, reportId: string, kind: ReportEventKind, userId: number, now: Date, sectionId: number | null = null, reason: string | null = null) =>
  tx.insertInto('report_event').values({ partnership_id: partnershipId, report_id: reportId, section_id: sectionId, kind, reason, by_user_id: userId, at: now }).execute();

/** Swaps a section with the one before or after it in the contents. */
export async function moveSection(db: Db, partnershipId: number, reportId: string, sectionId: string, direction: string, version: string | undefined,
  userId: number, now: Date): Promise<ReportSection> {
  if (direction !== 'up' && direction !== 'down') throw new ValidationFailed([{ field: 'direction', message: 'Choose to move the section up or down' }]);
  return changeStructure(db, partnershipId, reportId, version, now, async (tx) => {
    const section = await findSection(tx, partnershipId, reportId, sectionId);
    if (section.removed_at) throw new ValidationFailed([{ field: 'direction', message: 'A removed section has no place in the contents: restore it first' }]);
    const active = await tx.selectFrom('report_section').select(['id', 'position']).where('partnership_id', '=', partnershipId).where('report_id', '=', reportId)
      .where('removed_at', 'is', null).orderBy('position').orderBy('id').execute();
    const i = active.findIndex((s) => s.id === section.id);
    const other = active[direction === 'up' ? i - 1 : i + 1];
    if (!other) throw new ValidationFailed([{ field: 'direction', message: direction === 'up' ? 'This section is already first' : 'This section is already last' }]);
    await tx.updateTable('report_section').set({ position: other.position, updated_at: now, version: sql`version + 1` }).where('id', '=', section.id).execute();
    await tx.updateTable('report_section').set({ position: active[i]!.position, updated_at: now, version: sql`version + 1` }).where('id', '=', other.id).execute();
    await event(tx, partnershipId, reportId, 'section_moved', userId, now, section.id, direction === 'up' ? 'Moved up' : 'Moved down');
    return section;
  });
}

export async function removeSection(db: Db, partnershipId: number, reportId: string, sectionId: string, input: { version?: string; reason: string },
  userId: number, now: Date): Promise<ReportSection> {
  if (input.reason.length > 2000) throw new ValidationFailed([{ field: 'reason', message: 'The reason must be 2,000 characters or fewer' }]);
  return changeStructure(db, partnershipId, reportId, input.version, now, async (tx) => {
    const section = await findSection(tx, partnershipId, reportId, sectionId);
    if (section.removed_at) return section;
    await tx.updateTable('report_section').set({ removed_at: now, updated_at: now, version: sql`version + 1` }).where('id', '=', section.id).execute();
    await event(tx, partnershipId, reportId, 'section_removed', userId, now, section.id, input.reason || null);
    return section;
  });
}

/** Puts a removed section back where it was, with its drafts. */
export async function restoreSection(db: Db, partnershipId: number, reportId: string, sectionId: string, version: string | undefined,
  userId: number, now: Date): Promise<ReportSection> {
  return changeStructure(db, partnershipId, reportId, version, now, async (tx) => {
    const section = await findSection(tx, partnershipId, reportId, sectionId);
    if (!section.removed_at) return section;
    await tx.updateTable('report_section').set({ removed_at: null, updated_at: now, version: sql`version + 1` }).where('id', '=', section.id).execute();
    await event(tx, partnershipId, reportId, 'section_restored', userId, now, section.id);
    return section;
  });
}

export type NewSection = {
  catalogueKey: string | null; heading: string; guidance: string | null; ownerId: number | null; public: boolean;
  /** The section it goes after, or null for the start of the report. */
  afterId: number | null;
};

/** Reads the form adding a section: a catalogue section the report lacks, or one of the partnership's own. */
export async function parseNewSection(db: Db, partnershipId: number, reportId: string, form: Form, today: string, userId: number): Promise<NewSection> {
  const errors: FieldError[] = [];
  const source = text(form, 'source');
  const missing = await missingCatalogueEntries(db, partnershipId, reportId);
  const people = await writers(db, partnershipId);
  const after = text(form, 'after');
  let afterId: number | null = null;
  if (after !== 'start') {
    const active = await db.selectFrom('report_section').select('id').where('partnership_id', '=', partnershipId).where('report_id', '=', reportId)
      .where('removed_at', 'is', null).execute();
    afterId = /^\d{1,9}$/.test(after) && active.some((s) => s.id === Number(after)) ? Number(after) : null;
    if (afterId === null) errors.push({ field: 'after', message: 'Choose where the section goes' });
  }
  if (source === 'custom') {
    // One line: the heading is a heading in every output and goes into an email's subject.
    const heading = text(form, 'heading').replace(/\s+/g, ' ');
    const guidance = text(form, 'guidance');
    const owner = text(form, 'owner');
    if (!heading) errors.push({ field: 'heading', message: 'Enter the section’s heading' });
    else if (heading.length > 200) errors.push({ field: 'heading', message: 'The heading must be 200 characters or fewer' });
    if (guidance.length > 2000) errors.push({ field: 'guidance', message: 'The guidance must be 2,000 characters or fewer' });
    const ownerId = owner === '' || owner === 'none' ? null : people.find((p) => String(p.id) === owner)?.id;
    if (ownerId === undefined) errors.push({ field: 'owner', message: 'Choose someone who can write report sections, or no one yet' });
    if (errors.length) throw new ValidationFailed(errors);
    return { catalogueKey: null, heading, guidance: guidance || null, ownerId: ownerId ?? null, public: text(form, 'internal') !== 'yes', afterId };
  }
  const entry = missing.find((e) => e.key === source);
  if (!entry) errors.push({ field: 'source', message: missing.length ? 'Choose a section from the list, or a section of your own' : 'Choose a section of your own' });
  if (errors.length) throw new ValidationFailed(errors);
  const owner = await ownerSuggester(db, partnershipId, today, userId);
  return { catalogueKey: entry!.key, heading: entry!.heading, guidance: entry!.guidance, ownerId: owner(entry!.owner), public: true, afterId };
}

export async function addSection(db: Db, partnershipId: number, reportId: string, input: NewSection, version: string | undefined,
  userId: number, now: Date): Promise<number> {
  return changeStructure(db, partnershipId, reportId, version, now, async (tx) => {
    let position = 1;
    if (input.afterId !== null) {
      const after = await findSection(tx, partnershipId, reportId, String(input.afterId));
      position = after.position + 1;
    }
    // Make room: every section (removed ones keep their places too) from that position on moves down one.
    await tx.updateTable('report_section').set({ position: sql`position + 1` })
      .where('partnership_id', '=', partnershipId).where('report_id', '=', reportId).where('position', '>=', position).execute();
    const kind = input.catalogueKey ? catalogueEntry(input.catalogueKey)!.kind : 'written';
    const { id } = await tx.insertInto('report_section').values({
      partnership_id: partnershipId, report_id: reportId, position, catalogue_key: input.catalogueKey, kind, heading: input.heading,
      guidance: input.guidance, owner_user_id: input.ownerId, public: input.public, status: 'not_started', created_at: now, updated_at: now,
    }).returning('id').executeTakeFirstOrThrow();
    await event(tx, partnershipId, reportId, 'section_added', userId, now, id);
    return id;
  });
}

/**
 * Gives a section to another writer. The new owner is emailed a link to the section, never its text: the
 * text may be a draft not yet shared.
 */
export async function changeOwner(db: Db, mailer: Mailer, partnershipId: number, reportId: string, sectionId: string,
  input: { owner: string; version?: string }, by: { id: number; name: string }, now: Date, publicUrl: string): Promise<{ section: ReportSection; owner: Writer | null; emailed: boolean }> {
  const people = await writers(db, partnershipId);
  const owner = input.owner === 'none' ? null : people.find((p) => String(p.id) === input.owner);
  if (owner === undefined) throw new ValidationFailed([{ field: 'owner', message: 'Choose someone who can write report sections, or no one yet' }]);
  const { section, report, changed } = await changeStructure(db, partnershipId, reportId, input.version, now, async (tx, report) => {
    const section = await findSection(tx, partnershipId, reportId, sectionId);
    const changed = section.owner_user_id !== (owner?.id ?? null);
    if (changed) {
      await tx.updateTable('report_section').set({ owner_user_id: owner?.id ?? null, updated_at: now, version: sql`version + 1` }).where('id', '=', section.id).execute();
      await event(tx, partnershipId, reportId, 'owner_assigned', by.id, now, section.id, owner ? `Now written by ${owner.name}` : 'No owner');
    }
    return { section, report, changed };
  });
  let emailed = false;
  if (changed && owner && owner.id !== by.id) {
    const partnership = await db.selectFrom('partnership').select('name').where('id', '=', partnershipId).executeTakeFirstOrThrow();
    try {
      await mailer.send(db, {
        to: owner.email, subject: `Annual report: you have a section to write, ${section.heading}`.slice(0, 200), partnershipId,
        record: { type: 'report_section', id: String(section.id) },
        body: [
          `Dear ${owner.name},`, '',
          `${by.name} has asked you to write the section “${section.heading}” of ${partnership.name}’s ${report.title} (${periodText(report.period_from, report.period_to)}).`,
          '', 'Open the section in Beacon to read its guidance and write it:', `${publicUrl}/reports/annual/${reportId}/sections/${section.id}`, '',
          partnership.name,
        ].join('\n'),
      });
      emailed = true;
    } catch (err) {
      if (!(err instanceof EmailRefused)) throw err;
    }
  }
  return { section, owner, emailed };
}

