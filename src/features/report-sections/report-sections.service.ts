import type { Db } from '../../db/create-db';
import type { SectionStatus, SentenceEdits } from '../../db/schema-annual-report';
import {
  applySentenceEdits, catalogueEntry, staleEdits, textItems, type Block, type TextItem,
} from '../../domain/annual-report';
import { EmailRefused, type Mailer } from '../../platform/email';
import { Forbidden, NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import {
  assertEditable, findReport, findSection, latestVersions, type AnnualReport, type ReportSection,
} from '../annual-report/report.repository';
import { generateDataSection } from '../report-data/report-data.service';
import { voiceBlocks } from '../voice/voice.service';

export const BODY_MAX = 50_000;
export const NOTE_MAX = 500;
export const COMMENT_MAX = 2_000;
export const REASON_MAX = 2_000;
export const SENTENCE_MAX = 2_000;

export const STATUS_LABELS: Record<SectionStatus, string> = {
  not_started: 'Not started', drafting: 'Drafting', submitted: 'Submitted for review', accepted: 'Accepted',
};
export const STATUS_TAGS: Record<SectionStatus, string> = {
  not_started: 'govuk-tag--grey', drafting: 'govuk-tag--light-blue', submitted: 'govuk-tag--purple', accepted: 'govuk-tag--green',
};

/** Someone else saved, submitted or reviewed the section after the person opened the page. */
export class SectionConflict extends Error {
  readonly statusCode = 409;
}

export type Person = { id: number; name: string; email: string };
export type SectionContext = { report: AnnualReport; section: ReportSection; owner: Person | null };

async function person(db: Db, id: number | null): Promise<Person | null> {
  if (id === null) return null;
  return (await db.selectFrom('app_user').select(['id', 'name', 'email']).where('id', '=', id).executeTakeFirst()) ?? null;
}

/** The partnership's report and one of its sections (removed or not), or NotFound. */
export async function loadSection(db: Db, partnershipId: number, reportId: string, sectionId: string): Promise<SectionContext> {
  const report = await findReport(db, partnershipId, reportId);
  const section = await findSection(db, partnershipId, report.id, sectionId);
  return { report, section, owner: await person(db, section.owner_user_id) };
}

/** Who may change a section: its owner with report.write, or the business manager (report.manage), who may edit any. */
export function mayEdit(section: ReportSection, userId: number, scopes: { has(scope: string): boolean }): boolean {
  return scopes.has('report.manage') || (scopes.has('report.write') && section.owner_user_id !== null && section.owner_user_id === userId);
}

/** A change to a removed section is refused as if the section were not there: its drafts are kept, not worked on. */
function assertChangeable(ctx: { report: AnnualReport; section: ReportSection }) {
  assertEditable(ctx.report);
  if (ctx.section.removed_at !== null) throw new NotFound('Report section not found', 'report_section', String(ctx.section.id));
}

// ---- Versions ----

export type VersionRow = {
  number: number; body: string | null; sentenceEdits: SentenceEdits | null; note: string | null; createdAt: Date; createdBy: string | null;
};

export async function listVersions(db: Db, partnershipId: number, sectionId: number): Promise<VersionRow[]> {
  const rows = await db.selectFrom('report_section_version as v').leftJoin('app_user as u', 'u.id', 'v.created_by')
    .select(['v.number', 'v.body', 'v.sentence_edits', 'v.note', 'v.created_at', 'u.name'])
    .where('v.partnership_id', '=', partnershipId).where('v.section_id', '=', sectionId)
    .orderBy('v.number', 'desc').execute();
  return rows.map((r) => ({ number: r.number, body: r.body, sentenceEdits: r.sentence_edits, note: r.note, createdAt: r.created_at, createdBy: r.name }));
}

export async function latestVersion(db: Db, partnershipId: number, sectionId: number) {
  return (await latestVersions(db, partnershipId, [sectionId])).get(sectionId) ?? null;
}

/** A written section's text to start from: the latest draft, or the catalogue's template for a first one. */
export async function startingText(db: Db, partnershipId: number, section: ReportSection): Promise<{ body: string; openedAt: number }> {
  const latest = await latestVersion(db, partnershipId, section.id);
  if (latest) return { body: latest.body ?? '', openedAt: latest.number };
  return { body: (section.catalogue_key && catalogueEntry(section.catalogue_key)?.template) || '', openedAt: 0 };
}

/**
 * Saves the next version under a lock on the section, if the latest is still the one the form was opened
 * at; a section that was not started, or had been accepted, is being drafted again.
 */
async function saveVersion(db: Db, partnershipId: number, ctx: SectionContext, openedAt: number,
  values: { body: string | null; sentence_edits: string | null; note: string | null }, userId: number, now: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const section = await trx.selectFrom('report_section').select(['id', 'status']).where('partnership_id', '=', partnershipId)
      .where('id', '=', ctx.section.id).forUpdate().executeTakeFirstOrThrow();
    const latest = await trx.selectFrom('report_section_version').select((eb) => eb.fn.max('number').as('n'))
      .where('partnership_id', '=', partnershipId).where('section_id', '=', section.id).executeTakeFirst();
    const current = Number(latest?.n ?? 0);
    if (current !== openedAt) throw new SectionConflict(`Version ${current} was saved after you opened this page`);
    await trx.insertInto('report_section_version').values({
      partnership_id: partnershipId, section_id: section.id, number: current + 1, ...values, created_by: userId, created_at: now,
    }).execute();
    await trx.updateTable('report_section').set((eb) => ({
      status: section.status === 'submitted' ? 'submitted' : 'drafting', updated_at: now, version: eb('version', '+', 1),
    })).where('id', '=', section.id).execute();
    return current + 1;
  });
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

export type DraftForm = { body?: string; note?: string; openedAt?: string };

export function parseDraftForm(form: DraftForm): { body: string; note: string | null; openedAt: number } {
  const errors: FieldError[] = [];
  const body = (form.body ?? '').replace(/\r\n?/g, '\n').replace(/\s+$/, '');
  const note = oneLine(form.note ?? '');
  if (body.trim() === '') errors.push({ field: 'body', message: 'Enter the section’s text' });
  else if (body.length > BODY_MAX) errors.push({ field: 'body', message: `The section’s text must be ${BODY_MAX.toLocaleString('en-GB')} characters or fewer` });
  if (note.length > NOTE_MAX) errors.push({ field: 'note', message: `What changed must be ${NOTE_MAX} characters or fewer` });
  if (errors.length) throw new ValidationFailed(errors);
  const openedAt = /^\d{1,9}$/.test(form.openedAt ?? '') ? Number(form.openedAt) : -1;
  return { body, note: note || null, openedAt };
}

/** A new draft of a written section. Throws ValidationFailed, SectionConflict (a stale form) or ReportLocked. */
export async function saveDraft(db: Db, partnershipId: number, ctx: SectionContext, form: DraftForm, userId: number, now: Date): Promise<number> {
  assertChangeable(ctx);
  if (ctx.section.kind !== 'written') throw new NotFound('Report section not found', 'report_section', String(ctx.section.id));
  const { body, note, openedAt } = parseDraftForm(form);
  return saveVersion(db, partnershipId, ctx, openedAt, { body, sentence_edits: null, note }, userId, now);
}

// ---- Generated sections ----

export type DataView = {
  /** The internal edition with the editors' rewording put in. */
  blocks: Block[];
  /** The public edition as it would be published: suppressed sentences keep Beacon's wording. */
  publicBlocks: Block[];
  /** Reworded sentences Beacon now generates differently, or no longer generates. */
  stale: { id: string; text: string; generated: string }[];
  edits: SentenceEdits;
  /** The generated sentences, as Beacon writes them for the internal edition. */
  generated: Block[];
  /** Ids of sentences in which the public edition hides a small number. */
  suppressed: Set<string>;
  latestNumber: number;
};

export class GenerationFailed extends Error {}

async function generate(db: Db, partnershipId: number, report: AnnualReport, key: string | null, publish: boolean, now: Date): Promise<Block[]> {
  if (!key) throw new GenerationFailed('This section was added by the partnership, so Beacon has nothing to generate for it.');
  return generateDataSection(db, key, { partnershipId, from: report.period_from, to: report.period_to, publish, now });
}

export async function dataView(db: Db, partnershipId: number, ctx: SectionContext, now: Date): Promise<DataView> {
  const [generated, published, latest] = await Promise.all([
    generate(db, partnershipId, ctx.report, ctx.section.catalogue_key, false, now),
    generate(db, partnershipId, ctx.report, ctx.section.catalogue_key, true, now),
    latestVersion(db, partnershipId, ctx.section.id),
  ]);
  const edits = latest?.sentence_edits ?? {};
  const suppressed = new Set(textItems(published).filter((i) => i.suppressed && i.id !== undefined).map((i) => i.id!));
  return {
    blocks: applySentenceEdits(generated, edits),
    publicBlocks: applySentenceEdits(published, edits),
    stale: staleEdits(generated, edits).map((id) => ({ id, ...edits[id]! })),
    edits, generated, suppressed, latestNumber: latest?.number ?? 0,
  };
}

export async function voiceView(db: Db, partnershipId: number, ctx: SectionContext): Promise<{ blocks: Block[]; publicBlocks: Block[] }> {
  const [blocks, publicBlocks] = await Promise.all([
    voiceBlocks(db, { partnershipId, reportId: ctx.report.id, publish: false }),
    voiceBlocks(db, { partnershipId, reportId: ctx.report.id, publish: true }),
  ]);
  return { blocks, publicBlocks };
}

/** The generated sentences that can be reworded, in order: each with its id. */
export function editableSentences(blocks: Block[]): (TextItem & { id: string })[] {
  return textItems(blocks).filter((i): i is TextItem & { id: string } => i.id !== undefined);
}

export type SentenceForm = Record<string, string | undefined>;

/**
 * Reads the sentences form: `sentence-i` is the text for the sentence whose id is `id-i` and which read
 * `generated-i` when the form was opened. Keeps only the sentences that differ from Beacon's wording.
 */
export function parseSentenceForm(form: SentenceForm, current: (TextItem & { id: string })[]): { edits: SentenceEdits; openedAt: number; figuresChanged: boolean } {
  const posted = new Map<string, { index: number; text: string; generated: string }>();
  for (const [name, id] of Object.entries(form)) {
    const m = /^id-(\d{1,5})$/.exec(name);
    if (m && id !== undefined) posted.set(id, { index: Number(m[1]), text: form[`sentence-${m[1]}`] ?? '', generated: form[`generated-${m[1]}`] ?? '' });
  }
  const figuresChanged = posted.size !== current.length || current.some((s) => posted.get(s.id)?.generated !== s.text);
  const errors: FieldError[] = [];
  const edits: SentenceEdits = {};
  current.forEach((s, i) => {
    const text = oneLine(posted.get(s.id)?.text ?? s.text);
    if (text === '') errors.push({ field: `sentence-${i}`, message: `Enter the sentence in place of “${s.text}”, or Beacon’s own wording` });
    else if (text.length > SENTENCE_MAX) errors.push({ field: `sentence-${i}`, message: `The sentence in place of “${s.text}” must be ${SENTENCE_MAX.toLocaleString('en-GB')} characters or fewer` });
    else if (text !== s.text) edits[s.id] = { text, generated: s.text };
  });
  if (errors.length && !figuresChanged) throw new ValidationFailed(errors);
  const openedAt = /^\d{1,9}$/.test(form.openedAt ?? '') ? Number(form.openedAt) : -1;
  return { edits, openedAt, figuresChanged };
}

export class FiguresChanged extends Error {
  readonly statusCode = 409;
  constructor() { super('Beacon’s figures changed after you opened this page, so its sentences are not the ones you reworded. Nothing was saved: the sentences below are Beacon’s new ones.'); }
}

/**
 * A new version of a data section's sentence edits, holding only the sentences reworded. Nothing is saved
 * when nothing changed (returns null). Throws ValidationFailed, FiguresChanged, SectionConflict, ReportLocked.
 */
export async function saveSentenceEdits(db: Db, partnershipId: number, ctx: SectionContext, form: SentenceForm, userId: number, now: Date): Promise<number | null> {
  assertChangeable(ctx);
  if (ctx.section.kind !== 'data') throw new NotFound('Report section not found', 'report_section', String(ctx.section.id));
  const view = await dataView(db, partnershipId, ctx, now);
  const { edits, openedAt, figuresChanged } = parseSentenceForm(form, editableSentences(view.generated));
  if (figuresChanged) throw new FiguresChanged();
  if (openedAt !== view.latestNumber) throw new SectionConflict(`Version ${view.latestNumber} was saved after you opened this page`);
  if (sameEdits(edits, view.edits)) return null;
  const note = oneLine(form.note ?? '');
  if (note.length > NOTE_MAX) throw new ValidationFailed([{ field: 'note', message: `What changed must be ${NOTE_MAX} characters or fewer` }]);
  return saveVersion(db, partnershipId, ctx, openedAt, { body: null, sentence_edits: JSON.stringify(edits), note: note || null }, userId, now);
}

function sameEdits(a: SentenceEdits, b: SentenceEdits): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k]!.text === b[k]!.text && a[k]!.generated === b[k]!.generated);
}

// ---- Review: submit, accept, return ----

async function businessManagers(db: Db, partnershipId: number): Promise<Person[]> {
  return db.selectFrom('app_user as u').innerJoin('membership as m', 'm.user_id', 'u.id').select(['u.id', 'u.name', 'u.email']).distinct()
    .where('m.partnership_id', '=', partnershipId).where('m.role', '=', 'business_manager').where('u.status', '=', 'active')
    .orderBy('u.email').execute();
}

/**
 * The emails carry the section's heading and a link, never a reviewer's reason or the text itself: those
 * stay in Beacon, where who reads them is controlled and recorded.
 */
async function sendEach(db: Db, mailer: Mailer, partnershipId: number, to: Person[], sectionId: number, subject: string, lines: string[]): Promise<string[]> {
  const sent: string[] = [];
  for (const p of to) {
    try {
      await mailer.send(db, { to: p.email, subject, body: lines.join('\n'), partnershipId, record: { type: 'report_section', id: String(sectionId) } });
      sent.push(p.email);
    } catch (err) {
      if (!(err instanceof EmailRefused)) throw err;
    }
  }
  return sent;
}

export type MailContext = { mailer: Mailer; publicUrl: string };

/** Moves the section from one status to the next under a lock, refusing when someone else moved it first; records the event. */
async function transition(db: Db, partnershipId: number, ctx: SectionContext, from: SectionStatus[], to: SectionStatus,
  event: { kind: 'submitted' | 'returned' | 'accepted'; reason?: string | null; userId: number }, now: Date, check?: (trx: Db) => Promise<void>) {
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('report_section').select(['status', 'removed_at']).where('partnership_id', '=', partnershipId)
      .where('id', '=', ctx.section.id).forUpdate().executeTakeFirstOrThrow();
    if (!from.includes(row.status)) throw new SectionConflict(`The section is ${STATUS_LABELS[row.status].toLowerCase()}`);
    await check?.(trx);
    await trx.updateTable('report_section').set((eb) => ({ status: to, updated_at: now, version: eb('version', '+', 1) }))
      .where('id', '=', ctx.section.id).execute();
    await trx.insertInto('report_event').values({
      partnership_id: partnershipId, report_id: ctx.report.id, section_id: ctx.section.id, kind: event.kind, reason: event.reason ?? null, by_user_id: event.userId, at: now,
    }).execute();
  });
}

const sectionUrl = (mail: MailContext, ctx: SectionContext) => `${mail.publicUrl}/reports/annual/${ctx.report.id}/sections/${ctx.section.id}`;
const headingOf = (ctx: SectionContext) => oneLine(ctx.section.heading);

/**
 * The owner (or the business manager) submits the section for review; the business managers are told.
 * A written section needs text first. Says whom it emailed.
 */
export async function submitSection(db: Db, mail: MailContext, partnershipId: number, ctx: SectionContext, user: Person, now: Date): Promise<string[]> {
  assertChangeable(ctx);
  if (ctx.section.kind === 'written') {
    const latest = await latestVersion(db, partnershipId, ctx.section.id);
    if (!latest || (latest.body ?? '').trim() === '') {
      throw new ValidationFailed([{ field: 'submit', message: 'Write the section before submitting it for review' }]);
    }
  }
  const from: SectionStatus[] = ctx.section.kind === 'written' ? ['drafting'] : ['not_started', 'drafting'];
  await transition(db, partnershipId, ctx, from, 'submitted', { kind: 'submitted', userId: user.id }, now);
  const to = (await businessManagers(db, partnershipId)).filter((p) => p.id !== user.id);
  return sendEach(db, mail.mailer, partnershipId, to, ctx.section.id, `Annual report: “${headingOf(ctx)}” submitted for review`, [
    `${user.name} has submitted the section “${headingOf(ctx)}” of ${oneLine(ctx.report.title)} for review.`,
    '',
    `Read it, then accept it or return it to its owner with your reasons, in Beacon: ${sectionUrl(mail, ctx)}`,
  ]);
}

export type ReviewForm = { decision?: string; reason?: string; reviewedVersion?: string };

/**
 * The business manager accepts a submitted section, or returns it to drafting with a reason; the owner
 * (or, for a section with none, whoever submitted it) is told. The decision holds for the version the
 * reviewer read: a newer draft saved meanwhile is a conflict.
 */
export async function reviewSection(db: Db, mail: MailContext, partnershipId: number, ctx: SectionContext, form: ReviewForm, user: Person, now: Date): Promise<{ decision: 'accept' | 'return'; emailed: string[] }> {
  assertChangeable(ctx);
  const decision = form.decision === 'accept' || form.decision === 'return' ? form.decision : null;
  const reason = (form.reason ?? '').trim();
  if (!decision) throw new ValidationFailed([{ field: 'decision', message: 'Choose whether to accept the section or return it' }]);
  if (decision === 'return' && reason === '') throw new ValidationFailed([{ field: 'reason', message: 'Enter why you are returning the section, for its owner' }]);
  if (reason.length > REASON_MAX) throw new ValidationFailed([{ field: 'reason', message: `The reason must be ${REASON_MAX.toLocaleString('en-GB')} characters or fewer` }]);
  const reviewed = /^\d{1,9}$/.test(form.reviewedVersion ?? '') ? Number(form.reviewedVersion) : -1;
  await transition(db, partnershipId, ctx, ['submitted'], decision === 'accept' ? 'accepted' : 'drafting',
    { kind: decision === 'accept' ? 'accepted' : 'returned', reason: decision === 'return' ? reason : null, userId: user.id }, now,
    async (trx) => {
      const latest = await latestVersion(trx, partnershipId, ctx.section.id);
      if ((latest?.number ?? 0) !== reviewed) throw new SectionConflict('A newer version was saved after you opened this page');
    });
  const recipient = ctx.owner ?? await lastSubmitter(db, partnershipId, ctx.section.id);
  const to = recipient && recipient.id !== user.id ? [recipient] : [];
  const heading = headingOf(ctx);
  const emailed = decision === 'accept'
    ? await sendEach(db, mail.mailer, partnershipId, to, ctx.section.id, `Annual report: “${heading}” accepted`, [
      `${user.name} has accepted the section “${heading}” of ${oneLine(ctx.report.title)}.`,
      '',
      `Read it in Beacon: ${sectionUrl(mail, ctx)}`,
    ])
    : await sendEach(db, mail.mailer, partnershipId, to, ctx.section.id, `Annual report: “${heading}” returned to you`, [
      `${user.name} has returned the section “${heading}” of ${oneLine(ctx.report.title)} to you, with the changes they would like.`,
      '',
      `Read their reasons, make the changes and submit it again, in Beacon: ${sectionUrl(mail, ctx)}`,
    ]);
  return { decision, emailed };
}

async function lastSubmitter(db: Db, partnershipId: number, sectionId: number): Promise<Person | null> {
  const row = await db.selectFrom('report_event').select('by_user_id').where('partnership_id', '=', partnershipId)
    .where('section_id', '=', sectionId).where('kind', '=', 'submitted').orderBy('at', 'desc').orderBy('id', 'desc').executeTakeFirst();
  return person(db, row?.by_user_id ?? null);
}

export type SectionEvent = { kind: 'submitted' | 'returned' | 'accepted'; reason: string | null; by: string | null; at: Date };

/** The section's own history: each submission and each decision on it, newest first. */
export async function sectionEvents(db: Db, partnershipId: number, sectionId: number): Promise<SectionEvent[]> {
  const rows = await db.selectFrom('report_event as e').leftJoin('app_user as u', 'u.id', 'e.by_user_id')
    .select(['e.kind', 'e.reason', 'e.at', 'u.name']).where('e.partnership_id', '=', partnershipId).where('e.section_id', '=', sectionId)
    .where('e.kind', 'in', ['submitted', 'returned', 'accepted']).orderBy('e.at', 'desc').orderBy('e.id', 'desc').execute();
  return rows.map((r) => ({ kind: r.kind as SectionEvent['kind'], reason: r.reason, by: r.name, at: r.at }));
}

// ---- Comments ----

export type CommentRow = { id: number; body: string; authorId: number; author: string; createdAt: Date; resolvedAt: Date | null; resolvedBy: string | null };

export async function listComments(db: Db, partnershipId: number, sectionId: number): Promise<CommentRow[]> {
  const rows = await db.selectFrom('report_section_comment as c').innerJoin('app_user as a', 'a.id', 'c.author_id').leftJoin('app_user as r', 'r.id', 'c.resolved_by')
    .select(['c.id', 'c.body', 'c.author_id', 'a.name as author', 'c.created_at', 'c.resolved_at', 'r.name as resolver'])
    .where('c.partnership_id', '=', partnershipId).where('c.section_id', '=', sectionId).orderBy('c.created_at').orderBy('c.id').execute();
  return rows.map((r) => ({ id: r.id, body: r.body, authorId: r.author_id, author: r.author, createdAt: r.created_at, resolvedAt: r.resolved_at, resolvedBy: r.resolver }));
}

export async function addComment(db: Db, partnershipId: number, ctx: SectionContext, form: { comment?: string }, userId: number, now: Date): Promise<number> {
  assertChangeable(ctx);
  const body = (form.comment ?? '').replace(/\r\n?/g, '\n').trim();
  if (body === '') throw new ValidationFailed([{ field: 'comment', message: 'Enter your comment' }]);
  if (body.length > COMMENT_MAX) throw new ValidationFailed([{ field: 'comment', message: `Your comment must be ${COMMENT_MAX.toLocaleString('en-GB')} characters or fewer` }]);
  const row = await db.insertInto('report_section_comment').values({ partnership_id: partnershipId, section_id: ctx.section.id, author_id: userId, body, created_at: now })
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Marks a comment dealt with: its author may, and the business manager; says whether it was still open. */
export async function resolveComment(db: Db, partnershipId: number, ctx: SectionContext, commentId: string, user: { id: number; manages: boolean }, now: Date): Promise<'resolved' | 'already'> {
  assertChangeable(ctx);
  const id = /^\d{1,9}$/.test(commentId) ? Number(commentId) : null;
  const comment = id === null ? undefined : await db.selectFrom('report_section_comment').select(['id', 'author_id', 'resolved_at'])
    .where('partnership_id', '=', partnershipId).where('section_id', '=', ctx.section.id).where('id', '=', id).executeTakeFirst();
  if (!comment) throw new NotFound('Comment not found', 'report_section_comment', commentId);
  if (comment.author_id !== user.id && !user.manages) throw new Forbidden('Only the comment’s author or the business manager can resolve it');
  if (comment.resolved_at !== null) return 'already';
  await db.updateTable('report_section_comment').set({ resolved_at: now, resolved_by: user.id })
    .where('id', '=', comment.id).where('resolved_at', 'is', null).execute();
  return 'resolved';
}

// ---- Comparing versions ----

export type DiffLine = { change: 'added' | 'removed' | 'same'; text: string };

/** Past this many cells the longest common subsequence is not worth its time: the changed middle shows as removed, then added. */
const DIFF_CELLS = 4_000_000;

/** A line-by-line comparison: the lines of `before` removed, those of `after` added, and those both keep. */
export function diffLines(before: string[], after: string[]): DiffLine[] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before[endB - 1] === after[endA - 1]) { endB--; endA--; }
  const head = before.slice(0, start).map((text): DiffLine => ({ change: 'same', text }));
  const tail = before.slice(endB).map((text): DiffLine => ({ change: 'same', text }));
  const b = before.slice(start, endB);
  const a = after.slice(start, endA);
  let middle: DiffLine[];
  if ((b.length + 1) * (a.length + 1) > DIFF_CELLS) {
    middle = [...b.map((text): DiffLine => ({ change: 'removed', text })), ...a.map((text): DiffLine => ({ change: 'added', text }))];
  } else {
    // lcs[i][j]: the longest common subsequence of b[i..] and a[j..].
    const w = a.length + 1;
    const lcs = new Uint32Array((b.length + 1) * w);
    for (let i = b.length - 1; i >= 0; i--) {
      for (let j = a.length - 1; j >= 0; j--) {
        lcs[i * w + j] = b[i] === a[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
      }
    }
    middle = [];
    let i = 0;
    let j = 0;
    while (i < b.length && j < a.length) {
      if (b[i] === a[j]) { middle.push({ change: 'same', text: b[i]! }); i++; j++; }
      else if (lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!) middle.push({ change: 'removed', text: b[i++]! });
      else middle.push({ change: 'added', text: a[j++]! });
    }
    while (i < b.length) middle.push({ change: 'removed', text: b[i++]! });
    while (j < a.length) middle.push({ change: 'added', text: a[j++]! });
  }
  return [...head, ...middle, ...tail];
}

/** A version as lines to compare: a written section's text, or a data section's reworded sentences. */
export function versionLines(v: { body: string | null; sentenceEdits: SentenceEdits | null }): string[] {
  if (v.body !== null) return v.body.replace(/\r\n?/g, '\n').split('\n');
  return Object.keys(v.sentenceEdits ?? {}).sort().map((id) => v.sentenceEdits![id]!.text);
}

export async function findVersion(db: Db, partnershipId: number, sectionId: number, number: string): Promise<{ version: VersionRow; previous: VersionRow | null }> {
  const n = /^\d{1,9}$/.test(number) ? Number(number) : null;
  const rows = n === null ? [] : (await listVersions(db, partnershipId, sectionId)).filter((v) => v.number === n || v.number === n - 1);
  const version = rows.find((v) => v.number === n);
  if (!version) throw new NotFound('Version not found', 'report_section_version', number);
  return { version, previous: rows.find((v) => v.number === n! - 1) ?? null };
}
