import { sql, type Selectable } from 'kysely';
import type { Db } from '../../db/create-db';
import type { VoiceEntryTable } from '../../db/schema-annual-report';
import { parseWritten, type Block } from '../../domain/annual-report';
import { isIsoDate } from '../../domain/calendar';
import {
  AGE_RANGE_PHRASES, AGE_RANGES, CONSENT_ANSWERS, CONSENT_FROM, CONSENT_STATES, VOICE_KIND_LABELS, VOICE_KINDS, VOICE_THEME_CODES,
  consentStopsUse, isVoiceTheme, mayBePublished, needsConsent, publicationBlockers, splitQuotes, takesRespondents,
  type AgeRangeCode, type ConsentFromCode, type ConsentState, type VoiceKindCode, type VoiceTheme,
} from '../../domain/voice';
import { NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import { assertEditable, findReport, type AnnualReport } from '../annual-report/report.repository';

/**
 * The voice of the child: children's and young people's views as the partnership records them (a
 * participation group's summary, a survey's results, a child's own words, a story), tagged by theme, with
 * consent and anonymisation, and chosen into an annual report in order.
 */

export type VoiceEntry = Selectable<VoiceEntryTable>;
export const PAGE_SIZE = 25;
const MAX_TITLE = 200;
const MAX_SOURCE = 200;
const MAX_BODY = 20_000;
const MAX_REASON = 2_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class EditConflict extends Error {
  readonly statusCode = 409;
  constructor() { super('The entry was changed by someone else after the form was opened'); }
}

type Body = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => ((Array.isArray(v) ? v[0] : v) ?? '').trim();
const many = (v: string | string[] | undefined) => ([] as string[]).concat(v ?? []).map((x) => x.trim()).filter(Boolean);

/** The GOV.UK date input's three boxes as an ISO date; null when all are empty; 'invalid' when they make no date. */
export function dateOf(b: Body, prefix: string): string | null {
  const [d, m, y] = ['day', 'month', 'year'].map((k) => one(b[`${prefix}-${k}`]));
  if (!d && !m && !y) return null;
  if (!/^\d{1,2}$/.test(d!) || !/^\d{1,2}$/.test(m!) || !/^\d{4}$/.test(y!)) return 'invalid';
  const iso = `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : 'invalid';
}

export const dateBoxes = (prefix: string, iso: string | null): Record<string, string> => {
  if (!iso) return {};
  const [y, m, d] = iso.split('-');
  return { [`${prefix}-day`]: String(Number(d)), [`${prefix}-month`]: String(Number(m)), [`${prefix}-year`]: y! };
};

// -------------------------------------------------------------------------------------------------------
// Recording an entry

export type VoiceEntryInput = {
  kind: VoiceKindCode;
  title: string;
  body: string;
  source: string | null;
  collectedOn: string;
  ageRange: AgeRangeCode | null;
  respondents: number | null;
  themes: VoiceTheme[];
  consent: ConsentState;
  consentFrom: ConsentFromCode | null;
  consentRecordedOn: string | null;
  anonymised: boolean;
};

/** The entry's form, checked in the order it asks; every error at once. */
export function parseEntryForm(b: Body, today: string): VoiceEntryInput {
  const errors: FieldError[] = [];
  const kindRaw = one(b.kind);
  const kind = (VOICE_KINDS as readonly string[]).includes(kindRaw) ? kindRaw as VoiceKindCode : null;
  if (!kind) errors.push({ field: 'kind', message: 'Select what kind of views these are' });

  const title = one(b.title);
  if (!title) errors.push({ field: 'title', message: 'Enter a title' });
  else if (title.length > MAX_TITLE) errors.push({ field: 'title', message: `Title must be ${MAX_TITLE} characters or fewer` });

  const body = one(b.body);
  if (!body) errors.push({ field: 'body', message: kind === 'quote' ? 'Enter the child’s or young person’s own words' : 'Enter what the children and young people said' });
  else if (body.length > MAX_BODY) errors.push({ field: 'body', message: `The words must be ${MAX_BODY.toLocaleString('en-GB')} characters or fewer` });

  const source = one(b.source);
  if (source.length > MAX_SOURCE) errors.push({ field: 'source', message: `Source must be ${MAX_SOURCE} characters or fewer` });

  const collectedOn = dateOf(b, 'collectedOn');
  if (collectedOn === null) errors.push({ field: 'collectedOn', message: 'Enter the date the views were collected' });
  else if (collectedOn === 'invalid') errors.push({ field: 'collectedOn', message: 'Date collected must be a real date, for example 14 3 2026' });
  else if (collectedOn > today) errors.push({ field: 'collectedOn', message: 'Date collected must be today or in the past' });
  else if (collectedOn < '2000-01-01') errors.push({ field: 'collectedOn', message: 'Date collected must be in 2000 or later' });

  const ageRaw = one(b.ageRange);
  const ageRange = (AGE_RANGES as readonly string[]).includes(ageRaw) ? ageRaw as AgeRangeCode : null;
  if (ageRaw && !ageRange) errors.push({ field: 'ageRange', message: 'Select an age range from the list' });

  const respondentsRaw = one(b.respondents).replace(/,/g, '');
  let respondents: number | null = null;
  if (kind && !takesRespondents(kind) && respondentsRaw) {
    errors.push({ field: 'respondents', message: `Leave the number who answered empty for a ${VOICE_KIND_LABELS[kind].toLowerCase()}: it is one child’s or young person’s` });
  } else if (respondentsRaw) {
    if (!/^\d{1,7}$/.test(respondentsRaw) || Number(respondentsRaw) < 1) errors.push({ field: 'respondents', message: 'Number who answered must be a whole number, 1 or more' });
    else respondents = Number(respondentsRaw);
  } else if (kind === 'survey') {
    errors.push({ field: 'respondents', message: 'Enter how many children and young people answered the survey' });
  }

  const themesRaw = many(b.themes);
  const themes = VOICE_THEME_CODES.filter((t) => themesRaw.includes(t));
  if (themesRaw.some((t) => !isVoiceTheme(t))) errors.push({ field: 'themes', message: 'Select themes from the list' });
  else if (themes.length === 0) errors.push({ field: 'themes', message: 'Select at least one theme' });

  let consent: ConsentState = 'not_needed';
  let consentFrom: ConsentFromCode | null = null;
  let consentRecordedOn: string | null = null;
  if (kind && needsConsent(kind)) {
    const c = one(b.consent);
    if (!(CONSENT_ANSWERS as readonly string[]).includes(c)) {
      errors.push({ field: 'consent', message: `Select whether consent to use this ${VOICE_KIND_LABELS[kind].toLowerCase()} was given, refused or withdrawn` });
    } else {
      consent = c as ConsentState;
      if (consent === 'given') {
        const from = one(b.consentFrom);
        if ((CONSENT_FROM as readonly string[]).includes(from)) consentFrom = from as ConsentFromCode;
        else errors.push({ field: 'consentFrom', message: 'Select who gave consent' });
      }
      const on = dateOf(b, 'consentRecordedOn');
      if (on === null) errors.push({ field: 'consentRecordedOn', message: 'Enter the date consent was recorded' });
      else if (on === 'invalid') errors.push({ field: 'consentRecordedOn', message: 'Date consent was recorded must be a real date' });
      else if (on > today) errors.push({ field: 'consentRecordedOn', message: 'Date consent was recorded must be today or in the past' });
      else consentRecordedOn = on;
    }
  }
  const anonymised = one(b.anonymised) === 'yes';

  if (errors.length) throw new ValidationFailed(errors);
  return {
    kind: kind!, title, body, source: source || null, collectedOn: collectedOn!, ageRange,
    respondents: takesRespondents(kind!) ? respondents : null, themes, consent, consentFrom, consentRecordedOn, anonymised,
  };
}

/** The form's values for an entry as recorded, to edit it. */
export function entryFormValues(e: VoiceEntry): Body {
  return {
    kind: e.kind, title: e.title, body: e.body, source: e.source ?? '', ageRange: e.age_range ?? '',
    respondents: e.respondents === null ? '' : String(e.respondents), themes: e.themes,
    consent: e.consent === 'not_needed' ? '' : e.consent, consentFrom: e.consent_from ?? '', anonymised: e.anonymised ? 'yes' : '',
    ...dateBoxes('collectedOn', e.collected_on), ...dateBoxes('consentRecordedOn', e.consent_recorded_on),
  };
}

/**
 * Whether the text holds the full name of any child of the partnership, as whole words, whatever the case
 * and punctuation ("O'Neil" and "O Neil" alike). Set-based: one query over the partnership's children,
 * each name folded the same way as the text, so a name is matched however many children there are.
 */
export async function namesAChild(db: Db, partnershipId: number, text: string): Promise<boolean> {
  const fold = (x: ReturnType<typeof sql>) => sql`regexp_replace(lower(${x}), '[^[:alpha:]]+', ' ', 'g')`;
  const hit = await db.selectFrom('child').select('id')
    .where('partnership_id', '=', partnershipId)
    .where(sql<boolean>`length(trim(coalesce(first_name, ''))) > 0 and length(trim(coalesce(last_name, ''))) > 0`)
    .where(sql<boolean>`position(' ' || trim(${fold(sql`first_name || ' ' || last_name`)}) || ' ' in ' ' || ${fold(sql`${text}::text`)} || ' ') > 0`)
    .limit(1).executeTakeFirst();
  return hit !== undefined;
}

const NAME_MESSAGE = 'must not contain the full name of a child known to the partnership: describe them instead, for example “a young person aged 15”';

async function refuseNames(db: Db, partnershipId: number, input: VoiceEntryInput): Promise<void> {
  const errors: FieldError[] = [];
  if (await namesAChild(db, partnershipId, input.title)) errors.push({ field: 'title', message: `Title ${NAME_MESSAGE}` });
  if (await namesAChild(db, partnershipId, input.body)) errors.push({ field: 'body', message: `The words ${NAME_MESSAGE}` });
  if (input.source && await namesAChild(db, partnershipId, input.source)) errors.push({ field: 'source', message: `Source ${NAME_MESSAGE}` });
  if (errors.length) throw new ValidationFailed(errors);
}

const columns = (input: VoiceEntryInput) => ({
  kind: input.kind, title: input.title, body: input.body, source: input.source, collected_on: input.collectedOn, age_range: input.ageRange,
  respondents: input.respondents, themes: input.themes, consent: input.consent, consent_from: input.consentFrom,
  consent_recorded_on: input.consentRecordedOn, anonymised: input.anonymised,
});

/** Refused or withdrawn consent takes the entry out of every report still being drafted; an approved or sent report keeps its record. */
async function dropFromDraftingReports(tx: Db, partnershipId: number, entryId: string): Promise<number> {
  const removed = await tx.deleteFrom('report_voice_choice')
    .where('partnership_id', '=', partnershipId).where('voice_entry_id', '=', entryId)
    .where('report_id', 'in', (eb) => eb.selectFrom('annual_report').select('id').where('partnership_id', '=', partnershipId).where('status', '=', 'drafting'))
    .executeTakeFirst();
  return Number(removed.numDeletedRows);
}

export async function createEntry(db: Db, partnershipId: number, input: VoiceEntryInput, by: number, now: Date): Promise<string> {
  await refuseNames(db, partnershipId, input);
  const row = await db.insertInto('voice_entry').values({
    partnership_id: partnershipId, ...columns(input), recorded_by: by, created_at: now, updated_at: now,
    ...(input.consent === 'withdrawn' ? { consent_withdrawn_at: now, consent_withdrawn_by: by } : {}),
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Saves an edit made to the entry as it was at `version`; EditConflict when someone saved it since. Consent
 * set to withdrawn here is recorded as withdrawn now, by this person (the reason is given on the entry's
 * page); consent given again clears the withdrawal.
 */
export async function updateEntry(db: Db, partnershipId: number, id: string, version: number, input: VoiceEntryInput, by: number, now: Date): Promise<{ removedFrom: number }> {
  await refuseNames(db, partnershipId, input);
  return db.transaction().execute(async (tx) => {
    const current = await findEntry(tx, partnershipId, id);
    const withdrawal = input.consent !== 'withdrawn'
      ? { consent_withdrawn_at: null, consent_withdrawn_by: null, consent_withdrawn_reason: null }
      : current.consent === 'withdrawn' ? {} : { consent_withdrawn_at: now, consent_withdrawn_by: by, consent_withdrawn_reason: null };
    const saved = await tx.updateTable('voice_entry').set({ ...columns(input), ...withdrawal, updated_at: now, version: sql`version + 1` })
      .where('partnership_id', '=', partnershipId).where('id', '=', current.id).where('version', '=', version)
      .returning('id').executeTakeFirst();
    if (!saved) throw new EditConflict();
    return { removedFrom: consentStopsUse(input.consent) ? await dropFromDraftingReports(tx, partnershipId, current.id) : 0 };
  });
}

/** The partnership's entry, or NotFound: another partnership's entry does not exist here. */
export async function findEntry(db: Db, partnershipId: number, id: string): Promise<VoiceEntry> {
  const entry = UUID.test(id)
    ? await db.selectFrom('voice_entry').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst()
    : undefined;
  if (!entry) throw new NotFound('Voice of the child entry not found', 'voice_entry', id);
  return entry;
}

export type EntryReport = { id: string; title: string; status: AnnualReport['status']; periodFrom: string; periodTo: string; position: number };

/** The reports the entry is chosen into, the latest period first. */
export async function entryReports(db: Db, partnershipId: number, entryId: string): Promise<EntryReport[]> {
  return db.selectFrom('report_voice_choice as c').innerJoin('annual_report as r', 'r.id', 'c.report_id')
    .select(['r.id', 'r.title', 'r.status', 'r.period_from as periodFrom', 'r.period_to as periodTo', 'c.position'])
    .where('c.partnership_id', '=', partnershipId).where('r.partnership_id', '=', partnershipId).where('c.voice_entry_id', '=', entryId)
    .orderBy('r.period_to', 'desc').execute();
}

/** The names of the people who recorded the entry and withdrew consent, for its page. */
export async function entryPeople(db: Db, entry: VoiceEntry): Promise<{ recordedBy: string | null; withdrawnBy: string | null }> {
  const ids = [entry.recorded_by, entry.consent_withdrawn_by].filter((x): x is number => x !== null);
  const people = ids.length ? await db.selectFrom('app_user').select(['id', 'name']).where('id', 'in', ids).execute() : [];
  const name = (id: number | null) => people.find((p) => p.id === id)?.name ?? null;
  return { recordedBy: name(entry.recorded_by), withdrawnBy: name(entry.consent_withdrawn_by) };
}

/**
 * Consent withdrawn, with the reason: from now on the entry is in no public version of any report, and it
 * leaves the choices of every report still being drafted. A report with the Executive or approved keeps its
 * record of what was chosen (its approval was of that text), but its public version leaves the entry out.
 */
export async function withdrawConsent(db: Db, partnershipId: number, id: string, reason: string, by: number, now: Date): Promise<{ removedFrom: number }> {
  const text = reason.trim();
  if (!text) throw new ValidationFailed([{ field: 'reason', message: 'Enter why consent was withdrawn' }]);
  if (text.length > MAX_REASON) throw new ValidationFailed([{ field: 'reason', message: `Reason must be ${MAX_REASON.toLocaleString('en-GB')} characters or fewer` }]);
  return db.transaction().execute(async (tx) => {
    const entry = await tx.selectFrom('voice_entry').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', UUID.test(id) ? id : '00000000-0000-0000-0000-000000000000')
      .forUpdate().executeTakeFirst();
    if (!entry) throw new NotFound('Voice of the child entry not found', 'voice_entry', id);
    if (entry.consent !== 'given') throw new ValidationFailed([{ field: 'reason', message: 'Consent can be withdrawn only where it was given' }]);
    await tx.updateTable('voice_entry').set({
      consent: 'withdrawn', consent_withdrawn_at: now, consent_withdrawn_by: by, consent_withdrawn_reason: text, updated_at: now, version: sql`version + 1`,
    }).where('id', '=', entry.id).execute();
    return { removedFrom: await dropFromDraftingReports(tx, partnershipId, entry.id) };
  });
}

// -------------------------------------------------------------------------------------------------------
// Finding entries

export type VoiceFilters = { kind?: VoiceKindCode; theme?: VoiceTheme; consent?: ConsentState; from?: string; to?: string };

/** The list's filters from its query; an unknown value is an error for its field, not silently ignored. */
export function parseFilters(query: Body): { filters: VoiceFilters; page: number; errors: FieldError[] } {
  const filters: VoiceFilters = {};
  const errors: FieldError[] = [];
  const kind = one(query.kind);
  if ((VOICE_KINDS as readonly string[]).includes(kind)) filters.kind = kind as VoiceKindCode;
  else if (kind) errors.push({ field: 'kind', message: 'Select a kind from the list' });
  const theme = one(query.theme);
  if (isVoiceTheme(theme)) filters.theme = theme;
  else if (theme) errors.push({ field: 'theme', message: 'Select a theme from the list' });
  const consent = one(query.consent);
  if ((CONSENT_STATES as readonly string[]).includes(consent)) filters.consent = consent as ConsentState;
  else if (consent) errors.push({ field: 'consent', message: 'Select a consent state from the list' });
  const from = dateOf(query, 'from');
  const to = dateOf(query, 'to');
  if (from === 'invalid') errors.push({ field: 'from', message: 'Collected from must be a real date' });
  else if (from) filters.from = from;
  if (to === 'invalid') errors.push({ field: 'to', message: 'Collected to must be a real date' });
  else if (to) filters.to = to;
  if (filters.from && filters.to && filters.from > filters.to) errors.push({ field: 'to', message: 'Collected to must be the same as or after collected from' });
  const p = one(query.page);
  const page = /^\d{1,6}$/.test(p) && Number(p) >= 1 ? Number(p) : 1;
  return { filters, page, errors };
}

/** The filters as a query string, for links that keep them. */
export function filtersQuery(f: VoiceFilters): string {
  const params = new URLSearchParams();
  if (f.kind) params.set('kind', f.kind);
  if (f.theme) params.set('theme', f.theme);
  if (f.consent) params.set('consent', f.consent);
  for (const [k, v] of [['from', f.from], ['to', f.to]] as const) {
    if (!v) continue;
    const boxes = dateBoxes(k, v);
    for (const [bk, bv] of Object.entries(boxes)) params.set(bk, bv);
  }
  return params.toString();
}

function filtered(db: Db, partnershipId: number, f: VoiceFilters) {
  let q = db.selectFrom('voice_entry').where('partnership_id', '=', partnershipId);
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.theme) q = q.where(sql<boolean>`themes @> array[${f.theme}]::text[]`);
  if (f.consent) q = q.where('consent', '=', f.consent);
  if (f.from) q = q.where('collected_on', '>=', f.from);
  if (f.to) q = q.where('collected_on', '<=', f.to);
  return q;
}

export type EntryRow = VoiceEntry & { mayPublish: boolean; blockers: string[] };
export const withPublication = (e: VoiceEntry): EntryRow => ({ ...e, mayPublish: mayBePublished(e), blockers: publicationBlockers(e) });

export async function listEntries(db: Db, partnershipId: number, f: VoiceFilters, page: number): Promise<{ rows: EntryRow[]; total: number; page: number; pages: number }> {
  const { total } = await filtered(db, partnershipId, f).select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
  const pages = Math.max(1, Math.ceil(Number(total) / PAGE_SIZE));
  const at = Math.min(page, pages);
  const rows = await filtered(db, partnershipId, f).selectAll()
    .orderBy('collected_on', 'desc').orderBy('created_at', 'desc').orderBy('id')
    .limit(PAGE_SIZE).offset((at - 1) * PAGE_SIZE).execute();
  return { rows: rows.map(withPublication), total: Number(total), page: at, pages };
}

export type ThemeCount = { theme: VoiceTheme; entries: number; publishable: number };

/** Entries by theme (an entry counts under each of its themes), and how many of them may be published. */
export async function themeCounts(db: Db, partnershipId: number, f: VoiceFilters): Promise<ThemeCount[]> {
  const rows = await db.selectFrom(filtered(db, partnershipId, f)
    .select([sql<string>`unnest(themes)`.as('theme'), sql<boolean>`consent in ('not_needed', 'given') and anonymised`.as('publishable')]).as('t'))
    .select(['t.theme', (eb) => eb.fn.countAll<string>().as('entries'), sql<string>`count(*) filter (where t.publishable)`.as('publishable')])
    .groupBy('t.theme').execute();
  const byTheme = new Map(rows.map((r) => [r.theme, r]));
  return VOICE_THEME_CODES.map((theme) => ({ theme, entries: Number(byTheme.get(theme)?.entries ?? 0), publishable: Number(byTheme.get(theme)?.publishable ?? 0) }));
}

// -------------------------------------------------------------------------------------------------------
// Choosing entries into a report

export type Choice = EntryRow & { position: number };

/** The entries chosen into the report, in their order. */
export async function reportChoices(db: Db, partnershipId: number, reportId: string): Promise<Choice[]> {
  const rows = await db.selectFrom('report_voice_choice as c').innerJoin('voice_entry as e', 'e.id', 'c.voice_entry_id')
    .selectAll('e').select('c.position')
    .where('c.partnership_id', '=', partnershipId).where('e.partnership_id', '=', partnershipId).where('c.report_id', '=', reportId)
    .orderBy('c.position').orderBy('e.collected_on').execute();
  return rows.map((r) => ({ ...withPublication(r), position: r.position }));
}

export type CandidateFilters = { theme?: VoiceTheme; from: string; to: string };

/** Entries of the period not yet chosen into the report: those that may be chosen, and how many may not. */
export async function candidates(db: Db, partnershipId: number, reportId: string, f: CandidateFilters): Promise<{ rows: EntryRow[]; barred: number }> {
  const rows = await filtered(db, partnershipId, { theme: f.theme, from: f.from, to: f.to }).selectAll()
    .where('id', 'not in', (eb) => eb.selectFrom('report_voice_choice').select('voice_entry_id').where('partnership_id', '=', partnershipId).where('report_id', '=', reportId))
    .orderBy('collected_on', 'desc').orderBy('id').execute();
  const open = rows.filter((r) => !consentStopsUse(r.consent));
  return { rows: open.map(withPublication), barred: rows.length - open.length };
}

/** The report locked against others' changes while its choices change, and checked still editable. */
async function lockedReport(tx: Db, partnershipId: number, reportId: string): Promise<AnnualReport> {
  const report = await findReport(tx, partnershipId, reportId);
  await tx.selectFrom('annual_report').select('id').where('id', '=', report.id).forUpdate().execute();
  const current = await findReport(tx, partnershipId, report.id);
  assertEditable(current);
  return current;
}

/** Adds the entries at the end of the report's choices, in the order given. */
export async function chooseEntries(db: Db, partnershipId: number, reportId: string, entryIds: string[], now: Date): Promise<number> {
  const ids = [...new Set(entryIds)];
  return db.transaction().execute(async (tx) => {
    const report = await lockedReport(tx, partnershipId, reportId);
    if (ids.length === 0) throw new ValidationFailed([{ field: 'entries', message: 'Select at least one entry to add to the report' }]);
    if (ids.some((id) => !UUID.test(id))) throw new ValidationFailed([{ field: 'entries', message: 'Select entries from the list' }]);
    const entries = await tx.selectFrom('voice_entry').select(['id', 'consent']).where('partnership_id', '=', partnershipId).where('id', 'in', ids).execute();
    if (entries.length !== ids.length) throw new ValidationFailed([{ field: 'entries', message: 'Select entries from the list' }]);
    if (entries.some((e) => consentStopsUse(e.consent))) throw new ValidationFailed([{ field: 'entries', message: 'An entry whose consent was refused or withdrawn cannot be chosen' }]);
    const chosen = new Set((await tx.selectFrom('report_voice_choice').select('voice_entry_id').where('report_id', '=', report.id).execute()).map((c) => c.voice_entry_id));
    const fresh = ids.filter((id) => !chosen.has(id));
    if (fresh.length === 0) return 0;
    const { last } = await tx.selectFrom('report_voice_choice').select((eb) => eb.fn.max('position').as('last')).where('report_id', '=', report.id).executeTakeFirstOrThrow();
    const start = Number(last ?? 0);
    await tx.insertInto('report_voice_choice').values(fresh.map((id, i) => ({ partnership_id: partnershipId, report_id: report.id, voice_entry_id: id, position: start + i + 1 }))).execute();
    await tx.updateTable('annual_report').set({ updated_at: now }).where('id', '=', report.id).execute();
    return fresh.length;
  });
}

/** Moves a chosen entry one place up or down, swapping with its neighbour; at either end, nothing moves. */
export async function moveChoice(db: Db, partnershipId: number, reportId: string, entryId: string, direction: 'up' | 'down', now: Date): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const report = await lockedReport(tx, partnershipId, reportId);
    const order = await tx.selectFrom('report_voice_choice').select(['voice_entry_id', 'position']).where('report_id', '=', report.id).orderBy('position').execute();
    const i = order.findIndex((c) => c.voice_entry_id === entryId);
    if (i < 0) throw new NotFound('That entry is not chosen into this report', 'voice_entry', entryId);
    const j = direction === 'up' ? i - 1 : i + 1;
    if (j < 0 || j >= order.length) return false;
    // Renumbered 1..n as it moves, so positions stay distinct whatever gaps removals left.
    [order[i], order[j]] = [order[j]!, order[i]!];
    for (const [n, c] of order.entries()) {
      if (c.position !== n + 1) await tx.updateTable('report_voice_choice').set({ position: n + 1 }).where('report_id', '=', report.id).where('voice_entry_id', '=', c.voice_entry_id).execute();
    }
    await tx.updateTable('annual_report').set({ updated_at: now }).where('id', '=', report.id).execute();
    return true;
  });
}

export async function removeChoice(db: Db, partnershipId: number, reportId: string, entryId: string, now: Date): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const report = await lockedReport(tx, partnershipId, reportId);
    const removed = await tx.deleteFrom('report_voice_choice').where('report_id', '=', report.id).where('voice_entry_id', '=', UUID.test(entryId) ? entryId : '00000000-0000-0000-0000-000000000000')
      .executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw new NotFound('That entry is not chosen into this report', 'voice_entry', entryId);
    await tx.updateTable('annual_report').set({ updated_at: now }).where('id', '=', report.id).execute();
  });
}

// -------------------------------------------------------------------------------------------------------
// The report's voice of the child section

const monthYear = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** Where the views came from, when, and from whom, without a name: "Children in Care Council, March 2025: young people aged 13 to 15." */
export function contextSentence(e: Pick<VoiceEntry, 'kind' | 'source' | 'collected_on' | 'age_range' | 'respondents'>): string {
  const when = monthYear.format(new Date(`${e.collected_on}T00:00:00Z`));
  const where = e.source ? `${e.source}, ${when}` : `${VOICE_KIND_LABELS[e.kind]}, ${when}`;
  const ages = e.age_range ? ` ${AGE_RANGE_PHRASES[e.age_range]}` : '';
  const people = (n: number) => `${n.toLocaleString('en-GB')} ${n === 1 ? 'child or young person' : 'children and young people'}${ages}`;
  switch (e.kind) {
    case 'survey':
      return `${where}: ${e.respondents === null ? `children and young people${ages} answered` : `${people(e.respondents)} answered`}.`;
    case 'participation_group':
    case 'consultation':
      return `${where}: ${e.respondents === null ? `children and young people${ages} took part` : `${people(e.respondents)} took part`}.`;
    case 'quote':
      return `${where}: in the words of a ${e.age_range ? `young person${ages}` : 'child or young person'}.`;
    case 'case_study':
      return `${where}: one ${e.age_range ? `young person’s${ages}` : 'child’s or young person’s'} story, told with their consent.`;
  }
}

/**
 * The chosen entries of the report as blocks, in their order: each a subheading (its title), a sentence of
 * context, then its words (a quote entry's lines each a quote; the others as written). In the public edition,
 * only entries that may be published; in the internal edition, all of them, with a note on each that may not.
 */
export async function voiceBlocks(db: Db, input: { partnershipId: number; reportId: string | null; publish: boolean }): Promise<Block[]> {
  if (input.reportId === null) return [];
  const choices = await reportChoices(db, input.partnershipId, input.reportId);
  const blocks: Block[] = [];
  for (const e of choices) {
    if (input.publish && !e.mayPublish) continue;
    blocks.push({ type: 'subheading', text: e.title });
    blocks.push({ type: 'paragraph', text: contextSentence(e) });
    if (!e.mayPublish) blocks.push({ type: 'paragraph', text: `Internal only: ${e.blockers.join('; ')}. Not in the public version.` });
    if (e.kind === 'quote') {
      const attribution = e.age_range ? `Young person ${AGE_RANGE_PHRASES[e.age_range]}` : undefined;
      for (const text of splitQuotes(e.body)) blocks.push(attribution ? { type: 'quote', text, attribution } : { type: 'quote', text });
    } else {
      blocks.push(...parseWritten(e.body));
    }
  }
  return blocks;
}
