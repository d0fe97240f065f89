import type { Db } from '../../db/create-db';
import { listAgencies, type Agency } from '../agencies/agencies.service';
import { compare, type ComparedRow, type PartnerTable } from './comparison';

/** Partner agencies' tables, always within one partnership. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type LoadInput = {
  partnershipId: number;
  agencyId: number;
  periodEnd: string;
  fileName: string;
  fileHash: string;
  uploadedBy: string;
  uploadedAt: Date;
  tables: PartnerTable[];
};

/**
 * Loads an agency's tables for a period end. A set already there for that agency and period is
 * replaced whole, in one transaction: loading the same file twice leaves the same figures.
 */
export async function loadPartnerData(db: Db, input: LoadInput): Promise<{ setId: string; replaced: boolean; rows: number }> {
  return db.transaction().execute(async (tx) => {
    const before = await tx.selectFrom('partner_data_set').select('id')
      .where('partnership_id', '=', input.partnershipId).where('agency_id', '=', input.agencyId).where('period_end', '=', input.periodEnd)
      .executeTakeFirst();
    const set = { file_name: input.fileName, file_hash: input.fileHash, uploaded_by: input.uploadedBy, uploaded_at: input.uploadedAt };
    const { id } = await tx.insertInto('partner_data_set')
      .values({ partnership_id: input.partnershipId, agency_id: input.agencyId, period_end: input.periodEnd, ...set })
      .onConflict((oc) => oc.columns(['partnership_id', 'agency_id', 'period_end']).doUpdateSet(set))
      .returning('id').executeTakeFirstOrThrow();
    await tx.deleteFrom('partner_data_row').where('set_id', '=', id).execute();
    const rows = input.tables.flatMap((t) => t.rows.map((r) => ({ table_name: t.table, ...r })))
      .map((r, i) => ({ set_id: id, partnership_id: input.partnershipId, row_order: i + 1, ...r }));
    if (rows.length > 0) await tx.insertInto('partner_data_row').values(rows).execute();
    return { setId: id, replaced: before !== undefined, rows: rows.length };
  });
}

export type SetSummary = { id: string; agency_id: number; agency: string; period_end: string; file_name: string; uploaded_by: string; uploaded_at: Date; rows: number };

const setColumns = ['s.id', 's.agency_id', 'a.name as agency', 's.period_end', 's.file_name', 's.file_hash', 's.uploaded_by', 's.uploaded_at'] as const;

export async function listSets(db: Db, partnershipId: number): Promise<SetSummary[]> {
  return db.selectFrom('partner_data_set as s').innerJoin('agency as a', 'a.id', 's.agency_id')
    .select([...setColumns, (eb) => eb.selectFrom('partner_data_row as r').whereRef('r.set_id', '=', 's.id').select(eb.fn.countAll<number>().as('n')).as('rows')])
    .where('s.partnership_id', '=', partnershipId)
    .orderBy('s.period_end', 'desc').orderBy('a.name').execute() as Promise<SetSummary[]>;
}

export type ComparedTable = { table: string; rows: ComparedRow[] };

export async function setOf(db: Db, partnershipId: number, setId: string) {
  if (!UUID.test(setId)) return undefined;
  const set = await db.selectFrom('partner_data_set as s').innerJoin('agency as a', 'a.id', 's.agency_id').select(setColumns)
    .where('s.partnership_id', '=', partnershipId).where('s.id', '=', setId).executeTakeFirst();
  if (!set) return undefined;
  return { ...set, tables: await tablesOf(db, partnershipId, [set.id]).then((m) => m.get(set.id) ?? []) };
}

export type AgencyTables = { agency: string; period_end: string; tables: ComparedTable[] };

/**
 * Every agency's tables for a period end (or one agency's), with the change and % change of each row:
 * what `beacon partner-data show`, the dashboard and the annual report print.
 */
export async function partnerTables(db: Db, partnershipId: number, periodEnd: string, agencyId?: number): Promise<AgencyTables[]> {
  let q = db.selectFrom('partner_data_set as s').innerJoin('agency as a', 'a.id', 's.agency_id').select(['s.id', 'a.name as agency', 's.period_end'])
    .where('s.partnership_id', '=', partnershipId).where('s.period_end', '=', periodEnd);
  if (agencyId !== undefined) q = q.where('s.agency_id', '=', agencyId);
  const sets = await q.orderBy('a.name').execute();
  const tables = await tablesOf(db, partnershipId, sets.map((s) => s.id));
  return sets.map((s) => ({ agency: s.agency, period_end: s.period_end, tables: tables.get(s.id) ?? [] }));
}

/**
 * The latest period end, on or before `onOrBefore`, for which any agency has supplied figures, and every
 * agency's tables for it: what the scorecard shows, read in one query rather than three as the page is
 * opened often.
 */
export async function latestPartnerTables(db: Db, partnershipId: number, onOrBefore: string): Promise<{ periodEnd: string | null; agencies: AgencyTables[] }> {
  const latest = db.selectFrom('partner_data_set').select((eb) => eb.fn.max('period_end').as('end'))
    .where('partnership_id', '=', partnershipId).where('period_end', '<=', onOrBefore);
  const rows = await db.selectFrom('partner_data_set as s').innerJoin('agency as a', 'a.id', 's.agency_id')
    .leftJoin('partner_data_row as r', (j) => j.onRef('r.set_id', '=', 's.id').onRef('r.partnership_id', '=', 's.partnership_id'))
    .select(['s.id', 'a.name as agency', 's.period_end', 'r.table_name', 'r.measure', 'r.current', 'r.previous'])
    .where('s.partnership_id', '=', partnershipId).where('s.period_end', '=', latest)
    .orderBy('a.name').orderBy('s.id').orderBy('r.row_order').execute();
  const agencies: AgencyTables[] = [];
  let setId: string | null = null;
  for (const r of rows) {
    if (r.id !== setId) { setId = r.id; agencies.push({ agency: r.agency, period_end: r.period_end, tables: [] }); }
    // A set with no rows comes back once, with no table.
    if (r.table_name !== null) addRow(agencies.at(-1)!.tables, r as CompareInput);
  }
  return { periodEnd: rows[0]?.period_end ?? null, agencies };
}

/** The rows of sets, grouped into tables in the order the file gave them. */
async function tablesOf(db: Db, partnershipId: number, setIds: string[]): Promise<Map<string, ComparedTable[]>> {
  const out = new Map<string, ComparedTable[]>();
  if (setIds.length === 0) return out;
  const rows = await db.selectFrom('partner_data_row').select(['set_id', 'table_name', 'measure', 'current', 'previous'])
    .where('partnership_id', '=', partnershipId).where('set_id', 'in', setIds).orderBy('set_id').orderBy('row_order').execute();
  for (const r of rows) {
    const tables = out.get(r.set_id) ?? [];
    out.set(r.set_id, tables);
    addRow(tables, r);
  }
  return out;
}

type CompareInput = { table_name: string; measure: string; current: number; previous: number };

/** A row into its table, the tables in the order the file gave them. */
function addRow(tables: ComparedTable[], r: CompareInput) {
  let table = tables.find((t) => t.table === r.table_name);
  if (!table) tables.push(table = { table: r.table_name, rows: [] });
  table.rows.push(compare({ measure: r.measure, current: r.current, previous: r.previous }));
}

/** The partnership's agency of that name (any case), or undefined: another partnership's agencies are not offered. */
export async function partnershipAgency(db: Db, partnershipId: number, name: string): Promise<Agency | undefined> {
  const wanted = name.trim().toLowerCase();
  return (await listAgencies(db, partnershipId)).find((a) => a.name.toLowerCase() === wanted);
}
