import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { ReturnUnreadable } from './import-run';

/**
 * Reading an SSDA903 return: one CSV file per table, as DfE's collection takes them.
 */

export type Table903 = 'header' | 'episodes' | 'reviews' | 'uasc' | 'oc2' | 'oc3' | 'ad1' | 'placed_for_adoption' | 'previous_permanence' | 'missing' | 'sw_episodes' | 'dolo';

/** DfE column names in order, per table (csc-validator-be-903 config.py, liia-tools SSDA903_schema_2024.yml). */
export const COLUMNS_903: Record<Table903, readonly string[]> = {
  header: ['CHILD', 'SEX', 'DOB', 'ETHNIC', 'UPN', 'MOTHER', 'MC_DOB'],
  episodes: ['CHILD', 'DECOM', 'RNE', 'LS', 'CIN', 'PLACE', 'PLACE_PROVIDER', 'DEC', 'REC', 'REASON_PLACE_CHANGE', 'HOME_POST', 'PL_POST', 'URN'],
  reviews: ['CHILD', 'DOB', 'REVIEW', 'REVIEW_CODE'],
  uasc: ['CHILD', 'SEX', 'DOB', 'DUC'],
  oc2: ['CHILD', 'DOB', 'SDQ_SCORE', 'SDQ_REASON', 'CONVICTED', 'HEALTH_CHECK', 'IMMUNISATIONS', 'TEETH_CHECK', 'HEALTH_ASSESSMENT', 'SUBSTANCE_MISUSE', 'INTERVENTION_RECEIVED', 'INTERVENTION_OFFERED'],
  oc3: ['CHILD', 'DOB', 'IN_TOUCH', 'ACTIV', 'ACCOM'],
  ad1: ['CHILD', 'DOB', 'DATE_INT', 'DATE_MATCH', 'FOSTER_CARE', 'NB_ADOPTR', 'SEX_ADOPTR', 'LS_ADOPTR'],
  placed_for_adoption: ['CHILD', 'DOB', 'DATE_PLACED', 'DATE_PLACED_CEASED', 'REASON_PLACED_CEASED'],
  previous_permanence: ['CHILD', 'DOB', 'PREV_PERM', 'LA_PERM', 'DATE_PERM'],
  missing: ['CHILD', 'DOB', 'MISSING', 'MIS_START', 'MIS_END'],
  sw_episodes: ['CHILD', 'DOB', 'SW_ID', 'SW_DECOM', 'SW_DEC', 'SW_REASON'],
  dolo: ['CHILD', 'DOB', 'DOLO_START', 'DOLO_END'],
};

/** One CSV row: DfE column name → value (dates as YYYY-MM-DD, empty → null), with where it came from. */
export interface Row903 { table: Table903; file: string; row: number; values: Record<string, string | null> }

/** The tables' names as DfE's guidance and validator call them, for messages. */
export const TABLE_NAMES_903: Record<Table903, string> = {
  header: 'Header', episodes: 'Episodes', reviews: 'Reviews', uasc: 'UASC', oc2: 'OC2', oc3: 'OC3', ad1: 'AD1',
  placed_for_adoption: 'PlacedAdoption', previous_permanence: 'PrevPerm', missing: 'Missing', sw_episodes: 'SWEpisodes', dolo: 'DoLo',
};

export const TABLES_903 = Object.keys(COLUMNS_903) as Table903[];

/**
 * The columns that hold a date. DATE_PERM is not one: it may be partly unknown ("zz/zz/2010") and is
 * kept as written.
 */
export const DATE_COLUMNS_903: ReadonlySet<string> = new Set([
  'DOB', 'MC_DOB', 'DECOM', 'DEC', 'REVIEW', 'DUC', 'DATE_INT', 'DATE_MATCH', 'DATE_PLACED', 'DATE_PLACED_CEASED',
  'MIS_START', 'MIS_END', 'SW_DECOM', 'SW_DEC', 'DOLO_START', 'DOLO_END',
]);

/**
 * Reads one CSV file of a 903 return, streaming, telling `onRow` each row in order.
 *
 * The table is known from the header row (the file's name is free, as local authorities' systems name
 * them differently); the columns may come in any order, as DfE's validator reads them by name. A UTF-8
 * BOM, Windows or Unix line endings and quoted fields are all read; blank lines and rows of empty cells
 * (a spreadsheet's leftovers) are skipped. Rows are numbered as lines of the file, the header being row
 * 1, so a row number is what a text editor shows for the row's first line.
 *
 * Throws ReturnUnreadable naming the file, row and column where the file cannot be read as a 903 table.
 */
export async function read903(fileName: string, input: Readable, onRow: (row: Row903) => void | Promise<void>): Promise<{ table: Table903; rows: number }> {
  // Blank lines are not skipped by the parser, so that each record counts as the lines it spans:
  // csv-parse's own line count is off by one after a quoted line break in a file with CRLF endings.
  const records = input.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: false }));
  let line = 1;
  let table: Table903 | null = null;
  let order: string[] = [];
  let rows = 0;
  try {
    for await (const record of records as AsyncIterable<string[]>) {
      const at = line;
      line += 1 + lineBreaksIn(record);
      if (table === null) {
        ({ table, order } = identify(fileName, record));
        continue;
      }
      if (record.every((v) => v.trim() === '')) continue;
      if (record.length !== order.length) {
        const cut = record.length < order.length ? ' (is the file cut short?)' : '';
        throw new ReturnUnreadable(`${fileName} row ${at}: ${record.length} field${record.length === 1 ? '' : 's'} where the ${TABLE_NAMES_903[table]} table has ${order.length} columns${cut}`);
      }
      const values: Record<string, string | null> = {};
      for (const column of COLUMNS_903[table]) values[column] = null;
      record.forEach((raw, i) => { values[order[i]!] = valueOf(fileName, at, order[i]!, raw); });
      rows++;
      await onRow({ table, file: fileName, row: at, values });
    }
  } catch (err) {
    if (err instanceof ReturnUnreadable) throw err;
    if (err instanceof CsvError) throw new ReturnUnreadable(`${fileName}: not a readable CSV file near line ${(err as CsvError & { lines?: number }).lines ?? line}: ${err.message}`);
    throw err;
  } finally {
    input.destroy();
  }
  if (table === null) throw new ReturnUnreadable(`${fileName} is empty: a 903 table begins with a row of its column names`);
  return { table, rows };
}

const lineBreaksIn = (record: string[]) => record.reduce((n, v) => n + (v.match(/\r\n|\r|\n/g)?.length ?? 0), 0);

/** A cell's value: null when empty, a date as YYYY-MM-DD, anything else as written (checking codes is the validator's work). */
function valueOf(fileName: string, row: number, column: string, raw: string): string | null {
  // No record can keep a NUL (PostgreSQL text cannot hold one): it is a file damaged or saved in another encoding.
  if (raw.includes('\u0000')) throw new ReturnUnreadable(`${fileName} row ${row}, ${column}: holds a NUL character; save the file again as UTF-8 CSV`);
  if (raw.trim() === '') return null;
  if (DATE_COLUMNS_903.has(column)) {
    const iso = isoDate(raw.trim());
    if (iso === null) throw new ReturnUnreadable(`${fileName} row ${row}, ${column}: "${raw}" is not a date (dd/mm/yyyy)`);
    return iso;
  }
  // The export puts an apostrophe before a value a spreadsheet would take for a formula; it is read back without it.
  return /^'[=+\-@\t\r]/.test(raw) ? raw.slice(1) : raw;
}

/** dd/mm/yyyy (a day or month may have one digit, as spreadsheets write them) to YYYY-MM-DD, or null if it is no calendar date. */
export function isoDate(text: string): string | null {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  if (!m) return null;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  if (year < 1000 || d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return `${m[3]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const ALL_COLUMNS = new Set(Object.values(COLUMNS_903).flat());

/** The table a header row names, with the column of each field; or why it names none, against the closest table. */
function identify(fileName: string, record: string[]): { table: Table903; order: string[] } {
  const order = record.map((c) => c.trim().toUpperCase());
  const twice = order.find((c, i) => order.indexOf(c) !== i);
  if (twice !== undefined) throw new ReturnUnreadable(`${fileName}: column ${twice || '(blank)'} appears twice in the header row`);
  const given = new Set(order);
  const exact = TABLES_903.find((t) => COLUMNS_903[t].length === given.size && COLUMNS_903[t].every((c) => given.has(c)));
  if (exact) return { table: exact, order };

  // The closest table shares the most columns, then differs the least.
  const score = (t: Table903) => {
    const shared = COLUMNS_903[t].filter((c) => given.has(c)).length;
    return shared * 100 - (COLUMNS_903[t].length - shared) - (given.size - shared);
  };
  const closest = [...TABLES_903].sort((a, b) => score(b) - score(a))[0]!;
  const name = TABLE_NAMES_903[closest];
  const expected = COLUMNS_903[closest];
  if (!expected.some((c) => given.has(c))) {
    throw new ReturnUnreadable(`${fileName}: the first row (${record.join(', ')}) is not the header of a 903 table; `
      + `the tables are ${TABLES_903.map((t) => `${TABLE_NAMES_903[t]} (${COLUMNS_903[t].join(', ')})`).join('; ')}`);
  }
  const problems = [
    ...order.filter((c) => !expected.includes(c)).map((c) => ALL_COLUMNS.has(c) ? `column ${c} is not a column of the ${name} table` : `column ${c || '(blank)'} is not a 903 column`),
    ...expected.filter((c) => !given.has(c)).map((c) => `column ${c} is missing`),
  ];
  throw new ReturnUnreadable(`${fileName}: ${problems.join(', ')}; the ${name} table has ${expected.join(', ')}`);
}
