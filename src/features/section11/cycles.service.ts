import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { Section11CycleStatus, Section11Scoring } from '../../db/schema-section11';
import { CALENDAR_RANGE, isIsoDate } from '../../domain/calendar';
import { londonParts } from '../../domain/london';
import type { Mailer } from '../../platform/email';
import { NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import { listAgencies } from '../agencies/agencies.service';
import { emailAgencyLeads, openedEmail } from './emails';
import { isScoring } from './ratings';
import { ensureDefaultStandards } from './standards.service';

/**
 * A Section 11 cycle is planned with its dates, its scoring and the agencies invited; it opens on its
 * open date (or when the business manager opens it sooner), which gives each invited agency a return
 * over the standards then in force and emails the agency's leads; the business manager closes it once
 * the peer challenge is done, after which nothing in it changes.
 */

export class Section11Conflict extends Error {}

export type Cycle = {
  id: number; name: string; openDate: string; dueDate: string; scoring: Section11Scoring; status: Section11CycleStatus;
  agencyIds: number[]; openedAt: Date | null; closedAt: Date | null;
};

export type CycleListItem = Cycle & { invited: number; submitted: number };

const CYCLE_COLUMNS = ['id', 'name', 'open_date', 'due_date', 'scoring', 'status', 'agency_ids', 'opened_at', 'closed_at'] as const;
type CycleRow = { id: number; name: string; open_date: string; due_date: string; scoring: Section11Scoring; status: Section11CycleStatus; agency_ids: number[]; opened_at: Date | null; closed_at: Date | null };
const toCycle = (r: CycleRow): Cycle => ({
  id: r.id, name: r.name, openDate: r.open_date, dueDate: r.due_date, scoring: r.scoring, status: r.status,
  agencyIds: r.agency_ids, openedAt: r.opened_at, closedAt: r.closed_at,
});

export const today = (now: Date) => londonParts(now).date;

/** The partnership's cycles, latest first, with the agencies invited and the returns submitted. */
export async function listCycles(db: Db, partnershipId: number): Promise<CycleListItem[]> {
  const rows = await db.selectFrom('section11_cycle as c')
    .select(CYCLE_COLUMNS.map((c) => `c.${c}` as const))
    .select((eb) => [
      eb.selectFrom('section11_return as r').select((x) => x.fn.countAll<string>().as('n')).whereRef('r.cycle_id', '=', 'c.id').as('returns'),
      eb.selectFrom('section11_return as r').select((x) => x.fn.countAll<string>().as('n')).whereRef('r.cycle_id', '=', 'c.id').where('r.status', '=', 'submitted').as('submitted'),
    ])
    .where('c.partnership_id', '=', partnershipId)
    .orderBy('c.open_date', 'desc').orderBy('c.id', 'desc').execute();
  return rows.map((r) => ({
    ...toCycle(r), invited: r.status === 'planned' ? r.agency_ids.length : Number(r.returns ?? 0), submitted: Number(r.submitted ?? 0),
  }));
}

export async function findCycle(db: Db, partnershipId: number, id: string | number): Promise<Cycle> {
  const n = Number(id);
  const row = Number.isSafeInteger(n) && n > 0 && n < 2 ** 31
    ? await db.selectFrom('section11_cycle').select([...CYCLE_COLUMNS]).where('partnership_id', '=', partnershipId).where('id', '=', n).executeTakeFirst()
    : undefined;
  if (!row) throw new NotFound('No such Section 11 cycle', 'section11_cycle', String(id).slice(0, 60));
  return toCycle(row);
}

/** The GOV.UK date input's three boxes as an ISO date: null when all are empty, 'invalid' when they make no real date. */
export function dateFromInput(input: Record<string, unknown>, name: string): string | null | 'invalid' {
  const [d, m, y] = ['day', 'month', 'year'].map((k) => String(input[`${name}-${k}`] ?? '').trim());
  if (!d && !m && !y) return null;
  if (!/^\d{1,2}$/.test(d!) || !/^\d{1,2}$/.test(m!) || !/^\d{4}$/.test(y!)) return 'invalid';
  const iso = `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : 'invalid';
}

/** An ISO date as the date input's values. */
export function dateInputValues(name: string, iso: string | null): Record<string, string> {
  if (!iso) return {};
  const [y, m, d] = iso.split('-');
  return { [`${name}-day`]: String(Number(d)), [`${name}-month`]: String(Number(m)), [`${name}-year`]: y! };
}

const MAX_NAME = 100;

export type CycleForm = { name: string; openDate: string; dueDate: string; scoring: Section11Scoring; agencyIds: number[] };

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === null || v === '' ? [] : [String(v)]);

/**
 * Reads the cycle form. Once a cycle is open its open date, scoring and returns are fixed: only its
 * name and due date change, and agencies may be added.
 */
export function parseCycleForm(input: Record<string, unknown>, ctx: { partnershipAgencyIds: number[]; today: string; existing?: Cycle }): CycleForm {
  const errors: FieldError[] = [];
  const open = !!ctx.existing && ctx.existing.status !== 'planned';
  const name = String(input.name ?? '').trim();
  if (!name) errors.push({ field: 'name', message: 'Enter a name for the cycle, like 2025–26' });
  else if (name.length > MAX_NAME) errors.push({ field: 'name', message: `The name must be ${MAX_NAME} characters or fewer` });

  const openDate = open ? ctx.existing!.openDate : dateFromInput(input, 'openDate');
  if (openDate === null) errors.push({ field: 'openDate-day', message: 'Enter the date the cycle opens' });
  else if (openDate === 'invalid') errors.push({ field: 'openDate-day', message: 'The open date must be a real date, like 1 10 2025' });
  const dueDate = dateFromInput(input, 'dueDate');
  if (dueDate === null) errors.push({ field: 'dueDate-day', message: 'Enter the date returns are due' });
  else if (dueDate === 'invalid') errors.push({ field: 'dueDate-day', message: 'The due date must be a real date, like 31 1 2026' });
  else if (dueDate > CALENDAR_RANGE.to || dueDate < CALENDAR_RANGE.from) errors.push({ field: 'dueDate-day', message: `The due date must be between ${CALENDAR_RANGE.from.slice(0, 4)} and ${CALENDAR_RANGE.to.slice(0, 4)}` });
  else if (openDate && openDate !== 'invalid' && dueDate <= openDate) errors.push({ field: 'dueDate-day', message: 'The due date must be after the open date' });
  // Agencies are emailed the due date: a deadline already gone is no use to them.
  else if (dueDate < ctx.today && dueDate !== ctx.existing?.dueDate) errors.push({ field: 'dueDate-day', message: 'The due date must be today or in the future' });

  const scoring = open ? ctx.existing!.scoring : input.scoring;
  if (!isScoring(scoring)) errors.push({ field: 'scoring', message: 'Select how the standards are rated' });

  const chosen = asList(input.agencies).map(Number);
  const known = new Set(ctx.partnershipAgencyIds);
  const agencyIds = [...new Set([...(open ? ctx.existing!.agencyIds : []), ...chosen.filter((id) => known.has(id))])].sort((a, b) => a - b);
  if (chosen.some((id) => !known.has(id))) errors.push({ field: 'agencies', message: 'Select agencies of this partnership' });
  else if (agencyIds.length === 0) errors.push({ field: 'agencies', message: 'Select the agencies invited to complete a return' });

  if (errors.length) throw new ValidationFailed(errors);
  return { name, openDate: openDate as string, dueDate: dueDate as string, scoring: scoring as Section11Scoring, agencyIds };
}

async function nameTaken(db: Db, partnershipId: number, name: string, exceptId?: number): Promise<boolean> {
  let q = db.selectFrom('section11_cycle').select('id').where('partnership_id', '=', partnershipId)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()));
  if (exceptId) q = q.where('id', '<>', exceptId);
  return !!(await q.executeTakeFirst());
}

export type Opening = { cycleId: number; partnershipId: number; returns: { returnId: string; agencyId: number; agencyName: string; emailed: string[] }[] };

/**
 * Plans a cycle; one whose open date has come opens at once. Nothing is written if any field is wrong.
 */
export async function planCycle(db: Db, mailer: Mailer, partnershipId: number, input: Record<string, unknown>, userId: number | null, now: Date,
  opts: { publicUrl: string }): Promise<{ cycle: Cycle; opening: Opening | null }> {
  const agencies = await listAgencies(db, partnershipId);
  const form = parseCycleForm(input, { partnershipAgencyIds: agencies.map((a) => a.id), today: today(now) });
  if (await nameTaken(db, partnershipId, form.name)) throw new ValidationFailed([{ field: 'name', message: `There is already a cycle called ${form.name}` }]);
  const row = await db.insertInto('section11_cycle').values({
    partnership_id: partnershipId, name: form.name, open_date: form.openDate, due_date: form.dueDate, scoring: form.scoring,
    agency_ids: form.agencyIds, created_by: userId, created_at: now, updated_at: now,
  }).returning('id').executeTakeFirstOrThrow();
  const opening = form.openDate <= today(now) ? await openCycle(db, mailer, partnershipId, row.id, userId, now, opts) : null;
  return { cycle: await findCycle(db, partnershipId, row.id), opening };
}

/**
 * Changes a cycle. A planned one changes freely (and opens if its new open date has come); an open one
 * takes a new name and due date, and agencies added are given their returns and told at once. A later
 * due date is a new deadline, so reminders already sent for the old one may go again.
 */
export async function updateCycle(db: Db, mailer: Mailer, partnershipId: number, id: number, input: Record<string, unknown>, userId: number | null, now: Date,
  opts: { publicUrl: string }): Promise<{ cycle: Cycle; opening: Opening | null }> {
  const cycle = await findCycle(db, partnershipId, id);
  if (cycle.status === 'closed') throw new Section11Conflict(`${cycle.name} is closed and can no longer be changed.`);
  const agencies = await listAgencies(db, partnershipId);
  const form = parseCycleForm(input, { partnershipAgencyIds: agencies.map((a) => a.id), today: today(now), existing: cycle });
  if (await nameTaken(db, partnershipId, form.name, cycle.id)) throw new ValidationFailed([{ field: 'name', message: `There is already a cycle called ${form.name}` }]);
  const added = form.agencyIds.filter((a) => !cycle.agencyIds.includes(a));
  let opening: Opening | null = null;
  await db.transaction().execute(async (tx) => {
    const locked = await tx.selectFrom('section11_cycle').select('status').where('id', '=', cycle.id).forUpdate().executeTakeFirstOrThrow();
    if (locked.status !== cycle.status) throw new Section11Conflict(`${cycle.name} changed while you were editing it: look at it again.`);
    await tx.updateTable('section11_cycle').set({
      name: form.name, open_date: form.openDate, due_date: form.dueDate, scoring: form.scoring, agency_ids: form.agencyIds, updated_at: now,
    }).where('id', '=', cycle.id).execute();
    if (cycle.status === 'open') {
      if (form.dueDate > cycle.dueDate) {
        await tx.updateTable('section11_return').set({ due_soon_reminded_at: null, overdue_reminded_at: null })
          .where('cycle_id', '=', cycle.id).where('status', '<>', 'submitted').execute();
      }
      if (added.length) opening = { cycleId: cycle.id, partnershipId, returns: await createReturns(tx, partnershipId, cycle.id, added, userId, now) };
    }
  });
  if (opening) await tellAgencies(db, mailer, opening, { cycleName: form.name, dueDate: form.dueDate, publicUrl: opts.publicUrl });
  if (cycle.status === 'planned' && form.openDate <= today(now)) opening = await openCycle(db, mailer, partnershipId, cycle.id, userId, now, opts);
  return { cycle: await findCycle(db, partnershipId, cycle.id), opening };
}

async function createReturns(tx: Db, partnershipId: number, cycleId: number, agencyIds: number[], userId: number | null, now: Date) {
  const rows = await tx.insertInto('section11_return')
    .values(agencyIds.map((agencyId) => ({ partnership_id: partnershipId, cycle_id: cycleId, agency_id: agencyId, created_at: now, updated_at: now })))
    .onConflict((oc) => oc.constraint('section11_return_agency_uq').doNothing())
    .returning(['id', 'agency_id']).execute();
  if (rows.length) {
    await tx.insertInto('section11_return_event').values(rows.map((r) => ({ return_id: r.id, partnership_id: partnershipId, at: now, user_id: userId, event: 'opened' as const }))).execute();
  }
  const names = new Map((await tx.selectFrom('agency').select(['id', 'name']).where('id', 'in', agencyIds).execute()).map((a) => [a.id, a.name]));
  return rows.map((r) => ({ returnId: r.id, agencyId: r.agency_id, agencyName: names.get(r.agency_id) ?? '', emailed: [] as string[] }));
}

async function tellAgencies(db: Db, mailer: Mailer, opening: Opening, about: { cycleName: string; dueDate: string; publicUrl: string }) {
  for (const r of opening.returns) {
    r.emailed = await emailAgencyLeads(db, mailer, opening.partnershipId, r.agencyId, r.returnId,
      openedEmail({ ...about, agencyName: r.agencyName, returnId: r.returnId }));
  }
}

/**
 * Opens a planned cycle: the standards in force, as now worded, become the cycle's; each invited agency
 * still working with the partnership gets a return; then each agency's leads are emailed. Opened once,
 * however many people (or sweeps) try at the same time.
 */
export async function openCycle(db: Db, mailer: Mailer, partnershipId: number, id: number, userId: number | null, now: Date,
  opts: { publicUrl: string }): Promise<Opening> {
  const cycle = await findCycle(db, partnershipId, id);
  if (cycle.status !== 'planned') throw new Section11Conflict(`${cycle.name} is already open.`);
  await ensureDefaultStandards(db, partnershipId, now);
  const opening = await db.transaction().execute(async (tx) => {
    const claimed = await tx.updateTable('section11_cycle')
      .set({ status: 'open', opened_at: now, updated_at: now, open_date: sql<string>`least(open_date, ${today(now)}::date)` })
      .where('id', '=', cycle.id).where('partnership_id', '=', partnershipId).where('status', '=', 'planned')
      .returning(['agency_ids']).executeTakeFirst();
    if (!claimed) throw new Section11Conflict(`${cycle.name} is already open.`);
    const inForce = await tx.insertInto('section11_cycle_standard')
      .columns(['cycle_id', 'standard_id', 'partnership_id', 'number', 'title', 'description', 'prompts'])
      .expression((eb) => eb.selectFrom('section11_standard')
        .select([eb.val(cycle.id).as('cycle_id'), 'id', 'partnership_id', 'number', 'title', 'description', 'prompts'])
        .where('partnership_id', '=', partnershipId).where('retired_at', 'is', null))
      .returning('standard_id').execute();
    if (inForce.length === 0) throw new ValidationFailed([{ field: 'standards', message: 'There are no standards in force: add or reinstate one first' }]);
    const working = new Set((await listAgencies(tx, partnershipId)).map((a) => a.id));
    const agencyIds = claimed.agency_ids.filter((a) => working.has(a));
    return { cycleId: cycle.id, partnershipId, returns: await createReturns(tx, partnershipId, cycle.id, agencyIds, userId, now) };
  });
  await tellAgencies(db, mailer, opening, { cycleName: cycle.name, dueDate: cycle.dueDate, publicUrl: opts.publicUrl });
  return opening;
}

/** Closes an open cycle: its returns, answers and challenge are kept as they stand and change no more. */
export async function closeCycle(db: Db, partnershipId: number, id: number, now: Date): Promise<Cycle> {
  const cycle = await findCycle(db, partnershipId, id);
  const closed = await db.updateTable('section11_cycle').set({ status: 'closed', closed_at: now, updated_at: now })
    .where('id', '=', cycle.id).where('partnership_id', '=', partnershipId).where('status', '=', 'open').executeTakeFirst();
  if (Number(closed.numUpdatedRows) !== 1) throw new Section11Conflict(cycle.status === 'closed' ? `${cycle.name} is already closed.` : `${cycle.name} has not opened yet.`);
  return { ...cycle, status: 'closed', closedAt: now };
}

/** Planned cycles whose open date has come, of every partnership, for the sweep. */
export function cyclesDueToOpen(db: Db, now: Date) {
  return db.selectFrom('section11_cycle').select(['id', 'partnership_id']).where('status', '=', 'planned').where('open_date', '<=', today(now)).orderBy('id').execute();
}

export type Section11Counts = {
  /** Open cycles' returns: asked for, submitted, and past their due date unsubmitted. */
  invited: number; submitted: number; overdue: number;
  /** The viewer's agency's return in the latest open cycle, if it was asked for one. */
  agencyReturn: { id: string; cycleName: string; status: string; dueDate: string } | null;
};

/** Section 11 at a glance, for the assurance hub. */
export async function section11Counts(db: Db, partnershipId: number, agencyId: number, now: Date): Promise<Section11Counts> {
  const day = today(now);
  const row = await db.selectFrom('section11_return as r').innerJoin('section11_cycle as c', 'c.id', 'r.cycle_id')
    .select((eb) => [
      eb.fn.countAll<string>().as('invited'),
      eb.fn.countAll<string>().filterWhere('r.status', '=', 'submitted').as('submitted'),
      eb.fn.countAll<string>().filterWhere((w) => w.and([w('r.status', '<>', 'submitted'), w('c.due_date', '<', day)])).as('overdue'),
    ])
    .where('r.partnership_id', '=', partnershipId).where('c.status', '=', 'open').executeTakeFirstOrThrow();
  const own = await db.selectFrom('section11_return as r').innerJoin('section11_cycle as c', 'c.id', 'r.cycle_id')
    .select(['r.id', 'c.name', 'r.status', 'c.due_date'])
    .where('r.partnership_id', '=', partnershipId).where('c.status', '=', 'open').where('r.agency_id', '=', agencyId)
    .orderBy('c.open_date', 'desc').limit(1).executeTakeFirst();
  return {
    invited: Number(row.invited), submitted: Number(row.submitted), overdue: Number(row.overdue),
    agencyReturn: own ? { id: own.id, cycleName: own.name, status: own.status, dueDate: own.due_date } : null,
  };
}
