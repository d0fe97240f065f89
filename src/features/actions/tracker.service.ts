import { sql, type ExpressionBuilder } from 'kysely';
import type { Db } from '../../db/create-db';
import type { Database } from '../../db/schema';
import type { ActionSource, ActionStatus } from '../../db/schema-assurance';
import {
  ACTION_RAG_LABELS, ACTION_SOURCES, ACTION_STATUSES, DUE_SOON_DAYS, actionRag, isLearningTheme,
  type ActionRag, type LearningTheme,
} from '../../domain/assurance';
import { londonInstant, londonParts } from '../../domain/london';
import type { FieldError } from '../../platform/errors';

/**
 * The tracker: every action of the partnership whatever its source, filtered, counted and paged, and the
 * same set for the CSV download, the export command and the annual report's figures.
 */

export const TRACKER_PAGE = 50;
export const ACTION_RAGS: ActionRag[] = ['red', 'amber', 'green', 'blue', 'none'];
export const ACTION_SOURCE_CODES = Object.keys(ACTION_SOURCES) as ActionSource[];
export const ACTION_STATUS_CODES = Object.keys(ACTION_STATUSES) as ActionStatus[];
const ACTIVE: ActionStatus[] = ['open', 'in_progress'];

export type ActionFilters = {
  groupId?: number;
  agencyId?: number;
  theme?: LearningTheme;
  status?: ActionStatus;
  source?: ActionSource;
  rag?: ActionRag;
};

export const isActionSource = (v: string): v is ActionSource => Object.hasOwn(ACTION_SOURCES, v);
export const isActionStatus = (v: string): v is ActionStatus => Object.hasOwn(ACTION_STATUSES, v);
export const isActionRag = (v: string): v is ActionRag => Object.hasOwn(ACTION_RAG_LABELS, v);

/**
 * The tracker's filters from a query string. Groups and agencies must be the partnership's own (the
 * caller knows them); an unknown value is an error naming the filter rather than a silently empty list.
 */
export function parseActionFilters(query: Record<string, unknown>, known: { groups: Set<number>; agencies: Set<number> }): { filters: ActionFilters; page: number; errors: FieldError[] } {
  const one = (k: string) => { const v = query[k]; return (Array.isArray(v) ? v[0] : v) === undefined ? '' : String(Array.isArray(v) ? v[0] : v).trim(); };
  const filters: ActionFilters = {};
  const errors: FieldError[] = [];
  const id = (k: string, set: Set<number>, message: string) => {
    const v = one(k);
    if (!v) return undefined;
    const n = /^\d{1,9}$/.test(v) ? Number(v) : NaN;
    if (!set.has(n)) { errors.push({ field: k, message }); return undefined; }
    return n;
  };
  filters.groupId = id('group', known.groups, 'Select a group from the list');
  filters.agencyId = id('agency', known.agencies, 'Select an owner agency from the list');
  const theme = one('theme');
  if (theme && isLearningTheme(theme)) filters.theme = theme;
  else if (theme) errors.push({ field: 'theme', message: 'Select a learning theme from the list' });
  const status = one('status');
  if (status && isActionStatus(status)) filters.status = status;
  else if (status) errors.push({ field: 'status', message: 'Select a status from the list' });
  const source = one('source');
  if (source && isActionSource(source)) filters.source = source;
  else if (source) errors.push({ field: 'source', message: 'Select a source from the list' });
  const rag = one('rag');
  if (rag && isActionRag(rag)) filters.rag = rag;
  else if (rag) errors.push({ field: 'rag', message: 'Select a RAG rating from the list' });
  for (const k of Object.keys(filters) as (keyof ActionFilters)[]) if (filters[k] === undefined) delete filters[k];
  const p = one('page');
  const page = /^\d{1,6}$/.test(p) && Number(p) >= 1 ? Number(p) : 1;
  return { filters, page, errors };
}

/** The filters as a query string, for links that keep them (pages, the download). */
export function filtersQuery(f: ActionFilters): string {
  const params = new URLSearchParams();
  if (f.groupId !== undefined) params.set('group', String(f.groupId));
  if (f.agencyId !== undefined) params.set('agency', String(f.agencyId));
  if (f.theme) params.set('theme', f.theme);
  if (f.status) params.set('status', f.status);
  if (f.source) params.set('source', f.source);
  if (f.rag) params.set('rag', f.rag);
  return params.toString();
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A RAG rating as SQL, the same cut-offs as `actionRag`. */
function ragWhere(eb: ExpressionBuilder<Database, 'action'>, rag: ActionRag, today: string) {
  const soon = addDays(today, DUE_SOON_DAYS);
  switch (rag) {
    case 'blue': return eb('action.status', '=', 'completed');
    case 'none': return eb('action.status', '=', 'cancelled');
    case 'red': return eb.and([eb('action.status', 'in', ACTIVE), eb('action.due_date', '<', today)]);
    case 'amber': return eb.and([eb('action.status', 'in', ACTIVE), eb('action.due_date', '>=', today), eb('action.due_date', '<=', soon)]);
    case 'green': return eb.and([eb('action.status', 'in', ACTIVE), eb('action.due_date', '>', soon)]);
  }
}

function filtered(db: Db, partnershipId: number, f: ActionFilters, today: string) {
  return db.selectFrom('action').where('action.partnership_id', '=', partnershipId).where((eb) => {
    const c = [];
    if (f.groupId !== undefined) c.push(eb('action.group_id', '=', f.groupId));
    if (f.agencyId !== undefined) c.push(eb('action.owner_agency_id', '=', f.agencyId));
    if (f.theme) c.push(sql<boolean>`${f.theme} = any(${eb.ref('action.themes')})`);
    if (f.status) c.push(eb('action.status', '=', f.status));
    if (f.source) c.push(eb('action.source', '=', f.source));
    if (f.rag) c.push(ragWhere(eb, f.rag, today));
    return eb.and(c);
  });
}

export type TrackerRow = {
  id: string;
  reference: string;
  description: string;
  source: ActionSource;
  sourceId: string | null;
  ownerAgencyId: number;
  ownerAgency: string;
  owner: string | null;
  group: string | null;
  themes: string[];
  dueDate: string;
  status: ActionStatus;
  rag: ActionRag;
};

export type TrackerCounts = Record<ActionRag, number> & { total: number };

/** Open and in-progress actions first, soonest due first (so the overdue lead), then the completed and cancelled. */
function rows(db: Db, partnershipId: number, f: ActionFilters, today: string) {
  return filtered(db, partnershipId, f, today)
    .innerJoin('agency', 'agency.id', 'action.owner_agency_id')
    .leftJoin('app_user as owner', 'owner.id', 'action.owner_user_id')
    .leftJoin('assurance_group as g', 'g.id', 'action.group_id')
    .select(['action.id', 'action.reference', 'action.description', 'action.source', 'action.source_id', 'action.owner_agency_id', 'agency.name as owner_agency',
      'owner.name as owner_user', 'action.owner_name', 'g.name as group_name', 'action.themes', 'action.due_date', 'action.status'])
    .orderBy(sql`case when action.status in ('open', 'in_progress') then 0 else 1 end`)
    .orderBy('action.due_date').orderBy('action.reference').orderBy('action.id');
}

type RawRow = Awaited<ReturnType<ReturnType<typeof rows>['execute']>>[number];

function trackerRow(r: RawRow, today: string): TrackerRow {
  return {
    id: r.id, reference: r.reference, description: r.description, source: r.source, sourceId: r.source_id,
    ownerAgencyId: r.owner_agency_id, ownerAgency: r.owner_agency, owner: r.owner_user ?? r.owner_name, group: r.group_name,
    themes: r.themes, dueDate: r.due_date, status: r.status, rag: actionRag(r, today),
  };
}

export async function trackerCounts(db: Db, partnershipId: number, f: ActionFilters, today: string): Promise<TrackerCounts> {
  const row = await filtered(db, partnershipId, f, today).select((eb) => [
    eb.fn.countAll<number>().as('total'),
    ...ACTION_RAGS.map((rag) => eb.fn.countAll<number>().filterWhere(ragWhere(eb, rag, today)).as(rag)),
  ]).executeTakeFirstOrThrow();
  return {
    total: Number(row.total), red: Number(row.red), amber: Number(row.amber), green: Number(row.green), blue: Number(row.blue), none: Number(row.none),
  };
}

export type TrackerPage = { rows: TrackerRow[]; counts: TrackerCounts; page: number; pages: number };

/** One page of the filtered tracker and the counts of the whole filtered set. */
export async function listActions(db: Db, partnershipId: number, f: ActionFilters, today: string, page = 1): Promise<TrackerPage> {
  const counts = await trackerCounts(db, partnershipId, f, today);
  const pages = Math.max(1, Math.ceil(counts.total / TRACKER_PAGE));
  const current = Math.min(Math.max(1, page), pages);
  const found = await rows(db, partnershipId, f, today).limit(TRACKER_PAGE).offset((current - 1) * TRACKER_PAGE).execute();
  return { rows: found.map((r) => trackerRow(r, today)), counts, page: current, pages };
}

/** Every action of the filtered set, in the tracker's order: for the download and the export. */
export async function allActions(db: Db, partnershipId: number, f: ActionFilters, today: string): Promise<TrackerRow[]> {
  return (await rows(db, partnershipId, f, today).execute()).map((r) => trackerRow(r, today));
}

/** The partnership's groups and the learning themes actions are tagged with, for the filters and forms. */
export function partnershipGroups(db: Db, partnershipId: number) {
  return db.selectFrom('assurance_group').select(['id', 'name', 'kind', 'active'])
    .where('partnership_id', '=', partnershipId).orderBy('active', 'desc').orderBy('name').execute();
}

// ---------------------------------------------------------------------------------------------------------
// The annual report's figures

export type ActionFigures = { raised: number; completedOnTime: number; completedLate: number; overdue: number };
export type ActionSummary = { from: string; to: string; asAt: string; total: ActionFigures; bySource: Record<ActionSource, ActionFigures> };

/**
 * For a report period (London dates, inclusive): actions raised in it, actions completed in it on or before
 * their due date and after it, and actions overdue as at `asAt` (default today): raised by then, past their
 * due date and not completed by then, nor cancelled. A due date moved by the business manager counts as
 * the date the action was held to.
 */
export async function actionSummary(db: Db, partnershipId: number, from: string, to: string, opts: { asAt?: string } = {}): Promise<ActionSummary> {
  const asAt = opts.asAt ?? londonParts(new Date()).date;
  const asAtEnd = londonInstant(addDays(asAt, 1), '00:00:00');
  const start = londonInstant(from, '00:00:00');
  const end = londonInstant(addDays(to, 1), '00:00:00');
  const completedDate = sql<string>`(action.completed_at at time zone 'Europe/London')::date`;
  const found = await db.selectFrom('action').where('action.partnership_id', '=', partnershipId)
    .select((eb) => [
      'action.source',
      eb.fn.countAll<number>().filterWhere((w) => w.and([w('action.created_at', '>=', start), w('action.created_at', '<', end)])).as('raised'),
      eb.fn.countAll<number>().filterWhere((w) => w.and([w('action.status', '=', 'completed'), w('action.completed_at', '>=', start), w('action.completed_at', '<', end),
        w(completedDate, '<=', w.ref('action.due_date'))])).as('on_time'),
      eb.fn.countAll<number>().filterWhere((w) => w.and([w('action.status', '=', 'completed'), w('action.completed_at', '>=', start), w('action.completed_at', '<', end),
        w(completedDate, '>', w.ref('action.due_date'))])).as('late'),
      eb.fn.countAll<number>().filterWhere((w) => w.and([w('action.due_date', '<', asAt), w('action.created_at', '<', asAtEnd),
        w.or([w('action.status', 'in', ACTIVE), w.and([w('action.status', '=', 'completed'), w('action.completed_at', '>=', asAtEnd)])])])).as('overdue'),
    ])
    .groupBy('action.source').execute();
  const zero = (): ActionFigures => ({ raised: 0, completedOnTime: 0, completedLate: 0, overdue: 0 });
  const bySource = Object.fromEntries(ACTION_SOURCE_CODES.map((s) => [s, zero()])) as Record<ActionSource, ActionFigures>;
  const total = zero();
  for (const r of found) {
    const figures = { raised: Number(r.raised), completedOnTime: Number(r.on_time), completedLate: Number(r.late), overdue: Number(r.overdue) };
    bySource[r.source] = figures;
    for (const k of Object.keys(total) as (keyof ActionFigures)[]) total[k] += figures[k];
  }
  return { from, to, asAt, total, bySource };
}
