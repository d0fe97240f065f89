import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { Database } from '../../db/schema';
import { collectionYearOf } from '../../domain/codes';

/**
 * Merging a return's records into the journey's, a batch at a time.
 *
 * A record is matched on its natural key (a child by LA child id, a referral by child and referral
 * date, an episode by child and start date, and so on). A record the return holds and Beacon does not
 * is inserted; one both hold is updated only when this return is at least as recent as the record
 * (see `yearOfRecord`) and something differs, so a later collection year takes precedence whatever the order
 * of import, and importing the same file twice changes nothing. Nothing is ever deleted: a return
 * speaks only for its own year.
 *
 * Batches keep a large return to a few statements per few hundred children rather than a few per record.
 */

export type Row = Record<string, unknown>;
export type Counts = Record<string, { created: number; updated: number; unchanged: number }>;
export type ReturnSource = 'cin' | '903' | 'annex_a';

export interface MergeContext {
  tx: Db;
  partnershipId: number;
  source: ReturnSource;
  /** The return's collection year (the year it starts): a record is only overwritten by the same or a later year. */
  year: number;
  counts: Counts;
}

export type MergeTable = keyof Database & string;

export interface MergeRow {
  key: Row;
  values: Row;
}

const keyOf = (row: Row, columns: readonly string[]) => columns.map((c) => String(row[c] ?? '')).join('\u0000');

// Parameters per statement stay well under PostgreSQL's 65,535.
const MAX_PARAMETERS = 30_000;

/**
 * Merges rows into `table` on `keyColumns` (the first of which narrows the search: a parent id or the
 * LA child id) and returns each row's id, in the order of `rows`. Two rows with the same key in one
 * batch are one record: the later one's values win, as they would had they come one after the other.
 */
export async function mergeMany(ctx: MergeContext, table: MergeTable, keyColumns: readonly string[], rows: readonly MergeRow[]): Promise<string[]> {
  const count = (ctx.counts[table] ??= { created: 0, updated: 0, unchanged: 0 });
  if (rows.length === 0) return [];
  const latest = new Map<string, MergeRow>();
  for (const r of rows) {
    const k = keyOf(r.key, keyColumns);
    const before = latest.get(k);
    latest.set(k, before ? { key: r.key, values: { ...before.values, ...r.values } } : r);
  }

  const first = keyColumns[0]!;
  const firsts = [...new Set([...latest.values()].map((r) => r.key[first]))];
  const t = table as 'child';
  const existing = new Map<string, Row>();
  for (let i = 0; i < firsts.length; i += 5000) {
    const found = await ctx.tx.selectFrom(t).selectAll().where('partnership_id', '=', ctx.partnershipId)
      .where(first as 'id', 'in', firsts.slice(i, i + 5000) as string[]).execute();
    for (const row of found as Row[]) existing.set(keyOf(row, keyColumns), row);
  }

  const ids = new Map<string, string>();
  const inserts: Row[] = [];
  for (const [k, r] of latest) {
    const current = existing.get(k);
    if (!current) {
      inserts.push({ ...r.key, ...r.values, partnership_id: ctx.partnershipId, source: ctx.source, source_year: ctx.year });
      continue;
    }
    ids.set(k, current.id as string);
    const older = yearOfRecord(current) <= ctx.year;
    const differs = Object.entries(r.values).some(([c, v]) => !same(current[c], v));
    if (older && differs) {
      await ctx.tx.updateTable(t).set({ ...r.values, source: ctx.source, source_year: ctx.year, version: sql`version + 1`, updated_at: new Date() } as never)
        .where('id', '=', current.id as string).execute();
      count.updated++;
    } else count.unchanged++;
  }

  if (inserts.length > 0) {
    const columns = Object.keys(inserts[0]!).length;
    const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns));
    for (let i = 0; i < inserts.length; i += perStatement) {
      const created = await ctx.tx.insertInto(t).values(inserts.slice(i, i + perStatement) as never[])
        .returning(['id', ...keyColumns] as never[]).execute();
      for (const row of created as Row[]) ids.set(keyOf(row, keyColumns), row.id as string);
    }
    count.created += inserts.length;
  }
  return rows.map((r) => ids.get(keyOf(r.key, keyColumns))!);
}

/**
 * The collection year a record speaks for: the return's that wrote it, or for a record entered in
 * Beacon the year it was last changed in, since it holds what was known then. So last year's return,
 * which shows an episode open because it closed after the year ended, never reopens it.
 */
function yearOfRecord(row: Row): number {
  if (row.source_year !== null && row.source_year !== undefined) return Number(row.source_year);
  return collectionYearOf(new Date(row.updated_at as string | Date).toISOString().slice(0, 10));
}

/** Equal as the database gives them back: dates as ISO strings, arrays as arrays, null for absent. */
function same(stored: unknown, incoming: unknown): boolean {
  return JSON.stringify(stored ?? null) === JSON.stringify(incoming ?? null);
}
