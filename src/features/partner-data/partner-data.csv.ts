import { parse } from 'csv-parse/sync';
import type { PartnerTable } from './comparison';
import { csvCell } from '../../platform/spreadsheet-safe';

/**
 * A partner agency's CSV: `table,measure,current,previous`, one row a measure. Every row is checked and
 * every problem reported by row and column before anything is loaded: a partner corrects the whole file
 * once rather than one error at a time. Rows are numbered as a spreadsheet shows them, the header row 1.
 */

export const COLUMNS = ['table', 'measure', 'current', 'previous'] as const;
type Column = (typeof COLUMNS)[number];

export type CsvError = { row: number; column: Column | null; message: string };

/** The file cannot be read as CSV at all (not UTF-8, a quote never closed, empty). */
export class PartnerDataUnreadable extends Error {}

/** The file reads, but rows are wrong: nothing from it may be loaded. */
export class PartnerDataInvalid extends Error {
  constructor(readonly errors: CsvError[]) {
    super(`${errors.length} problem${errors.length === 1 ? '' : 's'} in the file`);
  }
}

export const MAX_ROWS = 2000;
const MAX_TEXT = 200;
const MAX_COUNT = 2_147_483_647;

export function formatCsvError(e: CsvError): string {
  return `row ${e.row}${e.column ? `, ${e.column}` : ''}: ${e.message}`;
}

/** Parses and validates; throws PartnerDataUnreadable or PartnerDataInvalid, else the tables in the file's order. */
export function parsePartnerCsv(bytes: Uint8Array): PartnerTable[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new PartnerDataUnreadable('The file is not UTF-8 text: save it from the spreadsheet as “CSV UTF-8”');
  }
  if (text.replace(/^\uFEFF/, '').trim() === '') throw new PartnerDataUnreadable('The file is empty');

  let records: string[][];
  try {
    // Blank lines are kept (and ignored below) so that row numbers stay those the spreadsheet shows.
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: false }) as string[][];
  } catch (err) {
    throw new PartnerDataUnreadable(`The file is not valid CSV: ${(err as Error).message}`);
  }

  const header = (records[0] ?? []).map((h) => h.trim());
  if (header.join(',') !== COLUMNS.join(',')) {
    throw new PartnerDataInvalid([{ row: 1, column: null, message: `the header must be exactly ${COLUMNS.join(',')}, not ${quote(header.join(','))}` }]);
  }

  const errors: CsvError[] = [];
  const tables = new Map<string, PartnerTable>();
  const seen = new Map<string, number>();
  let rows = 0;
  records.forEach((record, i) => {
    const row = i + 1;
    if (row === 1 || record.every((v) => v.trim() === '')) return;
    rows += 1;
    if (rows > MAX_ROWS) {
      if (rows === MAX_ROWS + 1) errors.push({ row, column: null, message: `a file may hold at most ${MAX_ROWS} rows` });
      return;
    }
    if (record.length !== COLUMNS.length) {
      errors.push({ row, column: null, message: `has ${record.length} column${record.length === 1 ? '' : 's'}, not ${COLUMNS.length}` });
      return;
    }
    const [table, measure] = [text_(record[0]!), text_(record[1]!)];
    const before = errors.length;
    for (const [column, value] of [['table', table], ['measure', measure]] as const) {
      if (value === '') errors.push({ row, column, message: `enter the ${column}’s name` });
      else if (value.length > MAX_TEXT) errors.push({ row, column, message: `must be ${MAX_TEXT} characters or fewer` });
      // A NUL cannot be stored at all, and other control characters are a file saved in another encoding, not a name.
      // eslint-disable-next-line no-control-regex
      else if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) errors.push({ row, column, message: 'must not hold control characters (is the file saved as “CSV UTF-8”?)' });
    }
    const current = count(record[2]!);
    const previous = count(record[3]!);
    if (current === null) errors.push({ row, column: 'current', message: `must be a whole number, 0 or more, not ${quote(record[2]!)}` });
    if (previous === null) errors.push({ row, column: 'previous', message: `must be a whole number, 0 or more, not ${quote(record[3]!)}` });
    if (table && measure) {
      const key = `${table.toLowerCase()}\u0000${measure.toLowerCase()}`;
      const first = seen.get(key);
      if (first !== undefined) errors.push({ row, column: 'measure', message: `repeats row ${first}: a measure appears once in its table` });
      else seen.set(key, row);
    }
    if (errors.length > before || current === null || previous === null) return;
    if (!tables.has(table)) tables.set(table, { table, rows: [] });
    tables.get(table)!.rows.push({ measure, current, previous });
  });
  if (rows === 0) errors.push({ row: 2, column: null, message: 'the file has no figures: add a row under the header for each measure' });
  if (errors.length > 0) throw new PartnerDataInvalid(errors);
  return [...tables.values()];
}

/**
 * A name is text, whatever it looks like: it is stored as written, never evaluated. The apostrophe a
 * spreadsheet-safe export puts before a formula-like cell (`'=…`) is taken off again.
 */
function text_(value: string): string {
  const trimmed = value.trim();
  return /^'[=+\-@]/.test(trimmed) ? trimmed.slice(1) : trimmed;
}

/** A count: digits, with thousands separators allowed as a spreadsheet may write them ("1,475"). */
function count(value: string): number | null {
  const v = value.trim();
  if (!/^\d+$/.test(v) && !/^\d{1,3}(,\d{3})+$/.test(v)) return null;
  const n = Number(v.replace(/,/g, ''));
  return n <= MAX_COUNT ? n : null;
}

function quote(value: string): string {
  return `“${value.length > 40 ? `${value.slice(0, 40)}…` : value}”`;
}

/** The template a partner fills in: the header and two example rows, every cell safe to open in a spreadsheet. */
export function templateCsv(): string {
  const rows = [
    [...COLUMNS],
    ['Missing Children (12 month rolling)', 'Number of Missing Children', '154', '137'],
    ['Missing Children (12 month rolling)', 'Number of Missing Children Reports', '370', '389'],
  ];
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

