import { ImportRejected, ReturnUnreadable, type Progress, type ReturnFile, type ReturnImporter } from './import-run';
import { mergeMany, type MergeContext, type MergeRow, type MergeTable, type Row } from './merge';
import { COLUMNS_903, read903, TABLE_NAMES_903, type Row903, type Table903 } from './ssda903.parser';
import { validate903 } from './ssda903.validate';

/**
 * The SSDA903 return: a set of CSV tables, checked against DfE's rules for the year, then merged into
 * the journey's records. Its files say nothing of the year, so the caller gives it (`--year`).
 *
 * The header describes the children; every other table hangs its rows on a child by CHILD. A child in
 * another table but not in the header is still created, from CHILD and its date of birth.
 */

const BATCH = 500;

type Values = Row903['values'];

/** Where each table's rows land: the record's table, its natural key after the child, and its columns. */
interface Landing {
  table: MergeTable;
  key: readonly string[];
  row(v: Values, year: number): Row;
}

/** 1 or 0; a spreadsheet may have written them 1.0 and 0.0 (the fake data's MOTHER does). */
const YES_NO = /^([01])(\.0+)?$/;
const bool = (v: string | null) => (v === null ? null : YES_NO.exec(v)?.[1] === '1');
const int = (v: string | null) => (v === null ? null : Number(v));

const LANDINGS: Partial<Record<Table903, Landing>> = {
  episodes: { table: 'cla_episode', key: ['start_date'], row: (v) => ({
    start_date: v.DECOM, reason_new_episode: v.RNE, legal_status: v.LS, category_of_need: v.CIN, placement_type: v.PLACE,
    placement_provider: v.PLACE_PROVIDER, end_date: v.DEC, reason_ceased: v.REC, reason_place_change: v.REASON_PLACE_CHANGE,
    home_postcode: v.HOME_POST, placement_postcode: v.PL_POST, urn: v.URN,
  }) },
  reviews: { table: 'cla_review', key: ['review_date'], row: (v) => ({ review_date: v.REVIEW, review_code: v.REVIEW_CODE }) },
  oc2: { table: 'cla_outcome', key: ['collection_year'], row: (v, year) => ({
    collection_year: year, sdq_score: int(v.SDQ_SCORE), sdq_reason: v.SDQ_REASON, convicted: bool(v.CONVICTED), health_check: bool(v.HEALTH_CHECK),
    immunisations: bool(v.IMMUNISATIONS), teeth_check: bool(v.TEETH_CHECK), health_assessment: bool(v.HEALTH_ASSESSMENT),
    substance_misuse: bool(v.SUBSTANCE_MISUSE), intervention_received: bool(v.INTERVENTION_RECEIVED), intervention_offered: bool(v.INTERVENTION_OFFERED),
  }) },
  oc3: { table: 'care_leaver', key: ['collection_year'], row: (v, year) => ({ collection_year: year, in_touch: v.IN_TOUCH, activity: v.ACTIV, accommodation: v.ACCOM }) },
  ad1: { table: 'adoption', key: ['date_int'], row: (v) => ({
    date_int: v.DATE_INT, date_match: v.DATE_MATCH, foster_care: bool(v.FOSTER_CARE), nb_adoptr: v.NB_ADOPTR, sex_adoptr: v.SEX_ADOPTR, ls_adoptr: v.LS_ADOPTR,
  }) },
  placed_for_adoption: { table: 'placed_for_adoption', key: ['decision_date'], row: (v) => ({
    decision_date: v.DATE_PLACED, ceased_date: v.DATE_PLACED_CEASED, reason_ceased: v.REASON_PLACED_CEASED,
  }) },
  previous_permanence: { table: 'previous_permanence', key: ['collection_year'], row: (v, year) => ({
    collection_year: year, prev_perm: v.PREV_PERM, la_perm: v.LA_PERM, date_perm: v.DATE_PERM,
  }) },
  missing: { table: 'missing_episode', key: ['start_date'], row: (v) => ({ missing_type: v.MISSING, start_date: v.MIS_START, end_date: v.MIS_END }) },
  sw_episodes: { table: 'sw_episode', key: ['start_date', 'sw_id'], row: (v) => ({ sw_id: v.SW_ID, start_date: v.SW_DECOM, end_date: v.SW_DEC, reason: v.SW_REASON }) },
  dolo: { table: 'deprivation_of_liberty', key: ['start_date'], row: (v) => ({ start_date: v.DOLO_START, end_date: v.DOLO_END }) },
};

/** The header's child, as Beacon keeps it. SEX 1/2 (to 2023-24) is kept as M/F, the item from 2024-25. */
const SEXES: Record<string, string> = { 1: 'M', 2: 'F' };
const sexOf = (v: string | null) => (v === null ? null : SEXES[v] ?? v);
const UPN_UNKNOWN = /^UN[1-5]$/;

function headerChild(v: Values): Row {
  const unknown = v.UPN !== null && UPN_UNKNOWN.test(v.UPN);
  return {
    sex: sexOf(v.SEX), date_of_birth: v.DOB, ethnicity: v.ETHNIC, upn: unknown ? null : v.UPN, upn_unknown: unknown ? v.UPN : null,
    is_mother: bool(v.MOTHER), mother_child_dob: v.MC_DOB,
  };
}

/** The tables of a child's records, loaded after the header and UASC have made the children. */
const RECORD_TABLES = Object.keys(LANDINGS) as Table903[];

export function create903Importer(input: { partnershipId: number; collectionYear: number }): ReturnImporter {
  // The check pass learns which file holds which table; the load pass reads them in its own order.
  let tableOfFile: Table903[] = [];
  return {
    kind: '903',
    async check(files, report, progress) {
      if (files.length === 0) throw new ReturnUnreadable('A 903 return needs at least its header table');
      const reader = counting(progress);
      const tables: Partial<Record<Table903, Row903[]>> = {};
      const found: Table903[] = [];
      const heldBy = new Map<Table903, string>();
      for (const file of files) {
        const { table } = await read903(file.name, reader.open(file), (row) => {
          const broken = unkeepable(row);
          if (broken) throw new ImportRejected(`${row.file} row ${row.row}: ${broken}`);
          (tables[row.table] ??= []).push(row);
          reader.record();
        });
        const other = heldBy.get(table);
        if (other !== undefined) throw new ReturnUnreadable(`${other} and ${file.name} both hold the ${TABLE_NAMES_903[table]} table`);
        heldBy.set(table, file.name);
        found.push(table);
      }
      if (!heldBy.has('header')) throw new ReturnUnreadable(`None of the files is the Header table (${COLUMNS_903.header.join(', ')})`);
      for (const issue of validate903(input.collectionYear, tables)) report(issue);
      tableOfFile = found;
      return { collectionYear: input.collectionYear };
    },
    async load(tx, files, collectionYear, counts, progress) {
      const ctx: MergeContext = { tx, partnershipId: input.partnershipId, source: '903', year: collectionYear, counts };
      const reader = counting(progress);
      const counted: Record<string, number> = {};
      const byTable = new Map(files.map((f, i) => [tableOfFile[i]!, f]));
      /**
       * A table's rows, a batch at a time. Rows with the same natural key are one record (the later
       * row wins, as DfE's would): they are folded together first, so that batches never disagree and
       * a second import finds nothing to change.
       */
      const read = async (table: Table903, onBatch: (rows: Values[]) => Promise<void>) => {
        const file = byTable.get(table);
        if (!file) return;
        const key = naturalKey(table);
        const records = new Map<string, Values>();
        await read903(file.name, reader.open(file), (row) => {
          const k = key(row.values);
          records.delete(k);
          records.set(k, row.values);
          reader.record();
        });
        const all = [...records.values()];
        for (let i = 0; i < all.length; i += BATCH) await onBatch(all.slice(i, i + BATCH));
        counted[table] = records.size;
      };

      // UASC is a child's status: read first (a row per UASC child, few) so it merges with the header's child.
      const uasc = new Map<string, Values>();
      await read('uasc', async (rows) => { for (const v of rows) uasc.set(v.CHILD!, v); });
      const uascOf = (child: string): Row => {
        const u = uasc.get(child);
        return u ? { uasc: true, uasc_ceased_date: u.DUC } : {};
      };
      const children = new Map<string, string>();
      await read('header', async (rows) => {
        const ids = await mergeMany(ctx, 'child', ['la_child_id'], rows.map((v) => ({ key: { la_child_id: v.CHILD }, values: { ...headerChild(v), ...uascOf(v.CHILD!) } })));
        rows.forEach((v, i) => children.set(v.CHILD!, ids[i]!));
      });
      // Children of the UASC table not in the header.
      const uascOnly = [...uasc.values()].filter((v) => !children.has(v.CHILD!));
      for (let i = 0; i < uascOnly.length; i += BATCH) {
        await childrenOf(ctx, children, uascOnly.slice(i, i + BATCH), (v) => ({ sex: sexOf(v.SEX) }), (v) => uascOf(v.CHILD!));
      }

      for (const table of RECORD_TABLES) {
        const landing = LANDINGS[table]!;
        await read(table, async (batch) => {
          await childrenOf(ctx, children, batch, () => ({}), () => ({}));
          const keyColumns = ['child_id', ...landing.key];
          await mergeMany(ctx, landing.table, keyColumns, batch.map((v): MergeRow => {
            const record: Row = { child_id: children.get(v.CHILD!), ...landing.row(v, collectionYear) };
            const [key, values] = [{} as Row, {} as Row];
            for (const [c, value] of Object.entries(record)) (keyColumns.includes(c) ? key : values)[c] = value;
            return { key, values };
          }));
        });
      }
      return { rows: counted };
    },
  };
}

/**
 * Makes sure each row's child is known: found in this partnership, or created from CHILD, DOB and
 * `created` when Beacon has never heard of them. A known child is merged only with `always`.
 */
async function childrenOf(ctx: MergeContext, children: Map<string, string>, rows: Values[], created: (v: Values) => Row, always: (v: Values) => Row) {
  const unknown = [...new Map(rows.filter((v) => !children.has(v.CHILD!) || Object.keys(always(v)).length > 0).map((v) => [v.CHILD!, v])).values()];
  if (unknown.length === 0) return;
  const existing = new Set((await ctx.tx.selectFrom('child').select('la_child_id').where('partnership_id', '=', ctx.partnershipId)
    .where('la_child_id', 'in', unknown.map((v) => v.CHILD!)).execute()).map((c) => c.la_child_id));
  const ids = await mergeMany(ctx, 'child', ['la_child_id'], unknown.map((v) => ({
    key: { la_child_id: v.CHILD },
    values: existing.has(v.CHILD!) ? always(v) : { date_of_birth: v.DOB ?? null, ...created(v), ...always(v) },
  })));
  unknown.forEach((v, i) => children.set(v.CHILD!, ids[i]!));
}

/** The natural key of a table's row: the child, and the date (or year) that tells its records apart. */
function naturalKey(table: Table903): (v: Values) => string {
  const columns = ['CHILD', ...(table === 'sw_episodes' ? ['SW_DECOM', 'SW_ID'] : DATE_KEYS[table] ? [DATE_KEYS[table]] : [])];
  return (v) => columns.map((c) => v[c] ?? '').join('\u0000');
}

/** Opens files with the bytes read and rows seen told to `progress`, across all the return's files. */
function counting(progress: Progress) {
  let bytes = 0;
  let records = 0;
  return {
    open: (file: ReturnFile) => file.open().on('data', (chunk: Buffer | string) => { bytes += chunk.length; }),
    record: () => progress(bytes, ++records),
  };
}

const DATE_KEYS: Partial<Record<Table903, string>> = {
  episodes: 'DECOM', reviews: 'REVIEW', ad1: 'DATE_INT', placed_for_adoption: 'DATE_PLACED', missing: 'MIS_START', sw_episodes: 'SW_DECOM', dolo: 'DOLO_START',
};
const ENDS: Partial<Record<Table903, [string, string]>> = {
  episodes: ['DECOM', 'DEC'], placed_for_adoption: ['DATE_PLACED', 'DATE_PLACED_CEASED'], missing: ['MIS_START', 'MIS_END'],
  sw_episodes: ['SW_DECOM', 'SW_DEC'], dolo: ['DOLO_START', 'DOLO_END'],
};
const BOOLEANS: Partial<Record<Table903, string[]>> = {
  header: ['MOTHER'], ad1: ['FOSTER_CARE'],
  oc2: ['CONVICTED', 'HEALTH_CHECK', 'IMMUNISATIONS', 'TEETH_CHECK', 'HEALTH_ASSESSMENT', 'SUBSTANCE_MISUSE', 'INTERVENTION_RECEIVED', 'INTERVENTION_OFFERED'],
};

/**
 * What Beacon's records cannot hold, so the import stops before writing anything: a row without the
 * child or the date that is its key, an end before its start, a yes/no that is neither, a score that
 * is no number. DfE's validator reports these too; codes that are merely wrong are left to it.
 */
function unkeepable({ table, values: v }: Row903): string | null {
  if (v.CHILD === null) return 'CHILD is empty, so the row belongs to no child';
  const key = DATE_KEYS[table];
  if (key && v[key] === null) return `${key} is empty, so the record cannot be matched`;
  if (table === 'sw_episodes' && v.SW_ID === null) return 'SW_ID is empty, so the social worker episode cannot be matched';
  if (table === 'missing' && v.MISSING !== 'M' && v.MISSING !== 'A') return `MISSING is "${v.MISSING ?? ''}": Beacon keeps M (missing) or A (away without authorisation)`;
  const ends = ENDS[table];
  if (ends && v[ends[1]] !== null && v[ends[1]]! < v[ends[0]]!) return `${ends[1]} ${v[ends[1]]} is before ${ends[0]} ${v[ends[0]]}`;
  for (const c of BOOLEANS[table] ?? []) if (v[c] !== null && !YES_NO.test(v[c]!)) return `${c} is "${v[c]}", where a 903 return has 1 (yes) or 0 (no)`;
  if (table === 'oc2' && v.SDQ_SCORE !== null && !/^\d{1,9}$/.test(v.SDQ_SCORE)) return `SDQ_SCORE is "${v.SDQ_SCORE}", not a whole number`;
  return null;
}
