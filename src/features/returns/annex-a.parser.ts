import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type ExcelJS from 'exceljs';
import { codeList, type CodeListId } from '../../domain/codes';
import { ReturnUnreadable } from './import-run';

/**
 * Ofsted's ILACS Annex A workbook: eleven child-level lists, one sheet each ("List 1" … "List 11").
 *
 * The workbook is read with exceljs's streaming reader, a row at a time, so a large workbook does not
 * sit in memory (see `worksheetsOf` for how the zip is opened).
 * Columns are found by name on the header row, not by position: LAs reorder and retitle them.
 *
 * Which columns are read: a column Beacon imports (`imported`) must be there; a column Beacon derives
 * from its own records (ages, counts over the last 12 months, case status, team and worker) is never
 * imported, as it would go stale the day after (`derived`); the rest describe things Beacon keeps no
 * record of (last social work visit, permanence plan, placement location…) and are passed over.
 * The export writes every column, in this order, which is Ofsted's.
 */

export type ListNo = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11;
export const LIST_NOS: readonly ListNo[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

/** How a column's cells are read and written. */
export type Kind = 'text' | 'code' | 'date' | 'yn' | 'int' | 'sex' | 'suitable';

/**
 * How the template labels a column's values, where the sample workbook shows it: "a) WBRI" (letter),
 * "q) 6: Police" (letterCode), "N1 - Abuse or Neglect" (dash), "E1: Placement order" (colon), "Physical
 * abuse" (label), "a) Yes" (letter, for Y/N), "Yes" (plain). Values the sample does not show go as the code.
 */
export type LabelStyle = 'letter' | 'letterCode' | 'letterDash' | 'dash' | 'colon' | 'label' | 'plain' | 'code';

export interface Column {
  key: string;
  /** Ofsted's title, as the liia-tools Annex A spec names it. */
  header: string;
  kind: Kind;
  /** Other titles seen for the column (normalised as `norm` does). */
  aliases?: string[];
  /** For titles that vary more than in case and spacing. */
  match?: RegExp;
  /** Read into Beacon's records, so the column must be there. */
  imported?: boolean;
  /** Computed by Beacon on export, never imported. */
  derived?: boolean;
  codes?: CodeListId;
  /** The DfE rule reported for a code not on the list; 'AA-CODE' where no DfE rule guards this use of it. */
  rule?: string;
  label?: LabelStyle;
  width?: number;
}

export interface ListSpec {
  no: ListNo;
  title: string;
  columns: Column[];
}

const col = (key: string, header: string, kind: Kind, extra: Partial<Column> = {}): Column => ({ key, header, kind, ...extra });
const imported = (key: string, header: string, kind: Kind, extra: Partial<Column> = {}) => col(key, header, kind, { imported: true, ...extra });
const derived = (key: string, header: string, kind: Kind, extra: Partial<Column> = {}) => col(key, header, kind, { derived: true, ...extra });

const childId = imported('child_id', 'Child Unique ID', 'text', { aliases: ['child id', 'la child id', 'unique child id', 'child unique identifier'] });
const gender = imported('sex', 'Gender', 'sex', { aliases: ['sex'], rule: '4180', label: 'letter' });
const ethnicity = imported('ethnicity', 'Ethnicity', 'code', { codes: 'ethnicity', rule: '4220', label: 'letter' });
const birth = imported('date_of_birth', 'Date of Birth', 'date', { aliases: ['dob'] });
const age = derived('age', 'Age of Child (Years)', 'int', { aliases: ['age'] });
const disability = imported('disability', 'Does the Child have a Disability', 'yn', { aliases: ['disability'], label: 'letter' });
const team = derived('team', 'Allocated Team', 'text', { width: 26 });
const worker = derived('worker', 'Allocated Worker', 'text', { width: 22 });
const common = [childId, gender, ethnicity, birth, age];

export const ANNEX_A: readonly ListSpec[] = [
  { no: 1, title: 'Contacts', columns: [...common,
    imported('contact_date', 'Date of Contact', 'date'),
    imported('contact_source', 'Contact Source', 'code', { codes: 'referralSource', rule: 'AA-CODE', label: 'letterCode' }),
  ] },
  { no: 2, title: 'Early Help Assessments', columns: [...common,
    imported('start_date', 'Assessment start date', 'date'),
    imported('completion_date', 'Assessment completion date', 'date'),
    imported('organisation', 'Organisation completing assessment', 'text', { width: 28 }),
  ] },
  { no: 3, title: 'Referrals', columns: [...common,
    imported('referral_date', 'Date of referral', 'date'),
    imported('referral_source', 'Referral Source', 'code', { codes: 'referralSource', rule: '8866', label: 'letterCode' }),
    imported('referral_nfa', 'Referral NFA?', 'yn', { label: 'plain' }),
    derived('referrals_12m', 'Number of Referrals in Last 12 Months', 'int'),
    team, worker,
  ] },
  { no: 4, title: 'Assessments', columns: [...common, disability,
    imported('start_date', 'Continuous Assessment Start Date', 'date'),
    imported('child_seen', 'Child Seen During Continuous Assessment', 'yn', { label: 'plain' }),
    imported('authorisation_date', 'Continuous Assessment Date of Authorisation', 'date'),
    derived('needs_support', "Was the child assessed as requiring LA children's social care support?", 'yn', { label: 'plain' }),
    team, worker,
  ] },
  { no: 5, title: 'Section 47 Enquiries and ICPC', columns: [...common, disability,
    imported('s47_start', 'Strategy discussion initiating Section 47 Enquiry Start Date', 'date'),
    imported('icpc_not_required', 'Was an Initial Child Protection Conference deemed unnecessary?', 'yn', { label: 'plain' }),
    imported('icpc_date', 'Date of Initial Child Protection Conference', 'date'),
    imported('icpc_plan', 'Did the Initial Child Protection Conference Result in a Child Protection Plan', 'yn', { label: 'plain' }),
    derived('s47s_12m', 'Number of Section 47 Enquiries in the last 12 months', 'int'),
    derived('icpcs_12m', 'Number of ICPCs in the last 12 months', 'int'),
    team, worker,
  ] },
  { no: 6, title: 'Children in Need', columns: [...common, disability,
    imported('cin_start', 'CIN Start Date', 'date'),
    imported('primary_need', 'Primary Need Code', 'code', { codes: 'primaryNeed', rule: '8650', label: 'dash' }),
    derived('last_seen', 'Date Child Was Last Seen', 'date'),
    imported('closure_date', 'CIN Closure Date', 'date'),
    imported('closure_reason', 'Reason for Closure', 'code', { codes: 'reasonForClosure', rule: '8640', label: 'code' }),
    derived('case_status', 'Case Status', 'text', { width: 22 }),
    team, worker,
  ] },
  { no: 7, title: 'Child Protection', columns: [...common, disability,
    imported('start_date', 'Child Protection Plan Start Date', 'date'),
    imported('initial_category', 'Initial Category of Abuse', 'code', { codes: 'categoryOfAbuse', rule: '8905', label: 'label' }),
    imported('latest_category', 'Latest Category of Abuse', 'code', { codes: 'categoryOfAbuse', rule: '8910', label: 'label' }),
    imported('last_visit', 'Date of the Last Statutory Visit', 'date'),
    imported('seen_alone', 'Was the Child Seen Alone?', 'yn', { label: 'letter' }),
    imported('last_review', 'Date of latest review conference', 'date'),
    imported('end_date', 'Child Protection Plan End Date', 'date'),
    derived('epo', 'Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)', 'yn',
      { match: /subject to emergency protection order/, label: 'letter' }),
    imported('previous_plans', 'Number of Previous Child Protection Plans', 'int'),
    team, worker,
  ] },
  { no: 8, title: 'Children in Care', columns: [...common,
    imported('uasc', 'Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)', 'yn', { match: /unaccompanied asylum seeking child/, label: 'letter' }),
    disability,
    imported('period_start', 'Date Started to be Looked After', 'date'),
    imported('category_of_need', "Child's Category of Need", 'code', { codes: 'primaryNeed903', rule: '145', label: 'dash', match: /child s category of need/ }),
    derived('second_period', 'Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)', 'yn',
      { match: /second or subsequent .* looked after child/, label: 'letter' }),
    imported('legal_status_start', 'Start date of current legal status', 'date'),
    imported('legal_status', "Child's Legal Status", 'code', { codes: 'legalStatus', rule: '144', label: 'colon', match: /child s legal status/ }),
    imported('last_review', 'Date of Latest Statutory Review', 'date'),
    col('last_sw_visit', 'Date of Last Social Work Visit', 'date'),
    col('permanence_plan', 'What is the permanence plan for this child?', 'text'),
    col('last_iro_visit', 'Date of Last IRO Visit / Contact to the Child', 'date'),
    imported('last_health_assessment', 'Date of Last Health Assessment', 'date'),
    col('last_dental_check', 'Date of Last Dental Check', 'date'),
    derived('placements_12m', 'Number of Placements in the Last 12 months', 'int'),
    imported('ceased', 'Date Ceased to be Looked After', 'date'),
    imported('reason_ceased', 'Reason Ceased to be Looked After', 'code', { codes: 'reasonEpisodeCeased', rule: '149', label: 'code' }),
    imported('placement_start', 'Start Date of Most Recent Placement', 'date'),
    imported('placement_type', 'Placement Type', 'code', { codes: 'placementType', rule: '146', label: 'code' }),
    imported('placement_provider', 'Placement Provider', 'code', { codes: 'placementProvider', rule: '178', label: 'letterDash' }),
    imported('placement_postcode', 'Placement postcode', 'text'),
    imported('urn', 'URN of Placement', 'text'),
    col('placement_location', 'Placement Location', 'text'),
    col('placement_la', 'LA of Placement', 'text'),
    derived('missing_12m', "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months", 'int',
      { match: /number of episodes .* missing .* last 12 months/ }),
    derived('absent_12m', "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months", 'int',
      { match: /number of episodes .* absent .* last 12 months/ }),
    derived('ri_offered', 'Was the child offered a Return Interview after their last missing episode (Y/N)?', 'yn', { label: 'letter' }),
    derived('ri_accepted', 'Did the child accept a Return Interview after their last missing episode (Y/N)?', 'yn', { label: 'letter' }),
    team, worker,
  ] },
  { no: 9, title: 'Leaving Care Services', columns: [...common, disability, team, worker,
    imported('eligibility', 'Eligibility Category', 'code', { label: 'code', width: 24 }),
    imported('in_touch', 'LA in Touch', 'code', { codes: 'inTouch', rule: '131', label: 'letter' }),
    // The 903's ACCOM is this letter with the suitability as 1 or 2; Annex A asks for the two apart.
    imported('accommodation', 'Type of Accommodation', 'code', { rule: 'AA-CODE', label: 'code' }),
    imported('accommodation_suitable', 'Suitability of Accommodation', 'suitable', { label: 'letter' }),
    imported('activity', 'Activity Status', 'code', { codes: 'activity', rule: '132', label: 'code' }),
  ] },
  { no: 10, title: 'Adoption', columns: [childId,
    col('family_id', 'Family identifier', 'text'),
    gender, ethnicity, birth, age, disability,
    derived('entered_care', 'Date the Child Entered Care', 'date'),
    imported('decision_date', 'Date of Decision that Child Should be Placed for Adoption', 'date'),
    imported('placement_order_date', 'Date of Placement Order', 'date'),
    imported('matching_date', 'Date of Matching Child and Prospective Adopters', 'date'),
    imported('placed_date', 'Date Placed for Adoption', 'date'),
    imported('adoption_order_date', 'Date of Adoption Order', 'date'),
    imported('ceased_date', 'Date of Decision that Child Should No Longer be Placed for Adoption', 'date'),
    imported('reason_ceased', 'Reason Why Child No Longer Placed for Adoption', 'code', { codes: 'reasonPlacedCeased', rule: '120', label: 'code' }),
    imported('ffa_date', 'Date the child was placed for fostering in FFA or concurrent planning placement', 'date'),
  ] },
  { no: 11, title: 'Adopters', columns: [
    imported('adopter_ref', 'Individual adopter identifier', 'text', { aliases: ['adopter identifier', 'adopter id'] }),
    imported('family_ref', 'Family identifier', 'text'),
    imported('gender', 'Gender', 'sex', { rule: 'AA-CODE', label: 'letter' }),
    imported('ethnicity', 'Ethnicity', 'code', { codes: 'ethnicity', rule: 'AA-CODE', label: 'letter' }),
    imported('disability', 'Disability', 'yn', { label: 'letter' }),
    imported('fostering_for_adoption', 'Is the (prospective) adopter fostering for adoption?', 'yn', { label: 'plain' }),
    imported('enquiry_date', 'Date enquiry received', 'date'),
    imported('stage1_start', 'Date Stage 1 started', 'date'),
    imported('stage1_end', 'Date Stage 1 ended', 'date'),
    imported('stage2_start', 'Date Stage 2 started', 'date'),
    imported('stage2_end', 'Date Stage 2 ended', 'date'),
    imported('application_submitted', 'Date application submitted', 'date'),
    imported('application_approved', 'Date application approved', 'date'),
    imported('matched_date', 'Date adopter matched with child(ren)', 'date'),
    imported('placed_date', 'Date child/children placed with adopter(s)', 'date'),
    imported('children_placed', 'No. of children placed', 'int'),
    imported('adoption_order_date', 'Date of Adoption Order', 'date'),
    imported('left_date', 'Date of leaving adoption process', 'date'),
    imported('left_reason', 'Reason for leaving adoption process', 'text'),
  ] },
];

export const listSpec = (no: ListNo): ListSpec => ANNEX_A[no - 1]!;

export type Value = string | number | boolean | null;

/** One row of a list, its imported columns read: codes as codes, dates as YYYY-MM-DD, Y/N as booleans. */
export interface AnnexARow {
  list: ListNo;
  /** The row's number in its sheet, as Excel shows it. */
  row: number;
  values: Record<string, Value>;
}

export interface AnnexASummary {
  /** Rows read from each list found. */
  rows: Partial<Record<ListNo, number>>;
  /** The latest date in the rows read, for the collection year. */
  latestDate: string | null;
}

/** Where a row is: "List 3 row 12". */
export const at = (r: { list: ListNo; row: number }, column?: string) => `List ${r.list} row ${r.row}${column ? `, ${column}` : ''}`;

/**
 * Reads every list of the workbook, calling `onRow` for each non-blank row (awaited, so a caller may
 * write in batches as it goes). Throws ReturnUnreadable where the workbook breaks.
 */
export async function readAnnexA(stream: Readable, onRow: (row: AnnexARow) => void | Promise<void>): Promise<AnnexASummary> {
  // Held from the start: the stream may already be flowing (a listener counting its bytes), and the
  // first chunks would be gone by the time the temporary file is ready to take them.
  const held = stream.pipe(new PassThrough());
  const summary: AnnexASummary = { rows: {}, latestDate: null };
  let callers: unknown = null;
  try {
    for await (const { sheet, date1904 } of worksheetsOf(held)) {
      const name = sheet.name;
      const no = listOfTitle(name);
      let columns: Map<Column, number> | null = null;
      for await (const row of sheet) {
        if (no === null || (columns === null && row.number > HEADER_SEARCH_ROWS)) continue;
        const cells = (row.values as unknown[]) ?? [];
        if (columns === null) {
          columns = headerOf(listSpec(no), name, cells);
          if (columns !== null) {
            if (summary.rows[no] !== undefined) throw new ReturnUnreadable(`Sheet "${name}": the workbook has two sheets for List ${no}`);
            summary.rows[no] = 0;
          }
          continue;
        }
        const parsed = readRow(no, row.number, columns, cells, date1904);
        if (!parsed) continue;
        for (const v of Object.values(parsed.values)) {
          if (typeof v === 'string' && ISO_DATE.test(v) && (summary.latestDate === null || v > summary.latestDate)) summary.latestDate = v;
        }
        summary.rows[no]! += 1;
        try {
          await onRow(parsed);
        } catch (err) {
          callers = err;
          throw err;
        }
      }
      if (no !== null && columns === null) {
        throw new ReturnUnreadable(`Sheet "${name}": no header row with a "${listSpec(no).columns[0]!.header}" column in its first ${HEADER_SEARCH_ROWS} rows`);
      }
    }
  } catch (err) {
    if (err instanceof ReturnUnreadable || err === callers) throw err;
    // exceljs's and unzipper's own failures (not a zip, not a workbook) speak of their insides.
    throw new ReturnUnreadable(`The file cannot be read as an Excel workbook (.xlsx): ${(err as Error).message}`);
  }
  if (Object.keys(summary.rows).length === 0) throw new ReturnUnreadable('The workbook has no sheet named "List 1" … "List 11"');
  return summary;
}

// exceljs's own dependency, the zip reader its streaming reader is built on.
const unzipper = createRequire(createRequire(import.meta.url).resolve('exceljs'))('unzipper') as {
  Open: { file(file: string): Promise<{ files: ZipEntry[] }> };
};

type ZipEntry = { path: string; type: string; uncompressedSize: number; compressedSize: number; stream(): Readable };

/**
 * What a workbook may unpack to. A real Annex A's largest sheet is some tens of megabytes of XML; a zip
 * bomb is a small file whose parts unpack to gigabytes (one huge part, very many parts, or a directory that
 * understates its parts' sizes). The zip's directory is checked before anything is unpacked, and each part
 * read is counted as it unpacks and stopped at what the directory said.
 */
export const ZIP_LIMITS = { partBytes: 100 * 1024 * 1024, totalBytes: 300 * 1024 * 1024, entries: 1000 };
const MB = 1024 * 1024;

function checkDirectory(entries: ZipEntry[]) {
  if (entries.length > ZIP_LIMITS.entries) throw new ReturnUnreadable(`The file is not a workbook Beacon can read: its zip holds ${entries.length} parts, more than the ${ZIP_LIMITS.entries} a workbook has`);
  let total = 0;
  for (const e of entries) {
    // Beacon writes no part to disk, but a part named outside the workbook is no Excel file's.
    if (e.path.startsWith('/') || e.path.includes('\\') || e.path.split('/').includes('..') || /^[a-z]:/i.test(e.path)) {
      throw new ReturnUnreadable(`The file is not a workbook Beacon can read: its zip names a part outside itself ("${e.path.slice(0, 100)}")`);
    }
    if (e.uncompressedSize > ZIP_LIMITS.partBytes) {
      throw new ReturnUnreadable(`The file is not a workbook Beacon can read: its part "${e.path.slice(0, 100)}" unpacks to ${Math.ceil(e.uncompressedSize / MB)} MB, more than the ${ZIP_LIMITS.partBytes / MB} MB Beacon reads in one sheet`);
    }
    total += e.uncompressedSize;
  }
  if (total > ZIP_LIMITS.totalBytes) {
    throw new ReturnUnreadable(`The file is not a workbook Beacon can read: it unpacks to ${Math.ceil(total / MB)} MB, more than the ${ZIP_LIMITS.totalBytes / MB} MB Beacon reads in one workbook`);
  }
}

/** A part's contents as they unpack, stopped with an error past the size the zip's directory gave it. */
function unpacked(entry: ZipEntry): Readable {
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > entry.uncompressedSize) done(new ReturnUnreadable(`The file is not a workbook Beacon can read: its part "${entry.path.slice(0, 100)}" unpacks to more than its zip directory says (${entry.uncompressedSize} bytes), as a zip bomb does`));
      else done(null, chunk);
    },
  });
  pipeline(entry.stream(), counter).catch(() => { /* the error reaches the reader through the counter */ });
  return counter;
}

/** The parts of exceljs's streaming WorkbookReader driven here; not in its type declarations. */
interface ReaderInsides {
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncIterable<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(entry: Readable, sheetNo: string): Iterable<{ eventType: string; value: SheetReader }>;
  properties?: { model?: { date1904?: boolean } };
}

type SheetReader = AsyncIterable<ExcelJS.Row> & { name: string };

/**
 * The workbook's sheets, in order, each read a row at a time by exceljs's streaming WorkbookReader.
 *
 * exceljs reads the zip in one pass with unzipper, and on Node 18+ that pass drops entries when the
 * reader pauses between them (exceljs issues #3064 and #2790): on the sample workbook it lost the
 * shared strings and the last sheets on most runs. So the upload is spooled to a temporary file and
 * opened by its central directory, and the reader is given the workbook's parts in the order it needs
 * them: relationships, workbook, shared strings and styles, then each sheet as a stream. Memory holds a
 * row and the shared strings; the disk holds the compressed file until the read ends.
 */
async function* worksheetsOf(stream: Readable): AsyncGenerator<{ sheet: SheetReader; date1904: boolean }> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'beacon-annex-a-'));
  try {
    const file = path.join(dir, 'workbook.xlsx');
    await pipeline(stream, fs.createWriteStream(file));
    const zip = await unzipper.Open.file(file);
    checkDirectory(zip.files);
    const found = (name: string) => zip.files.find((f) => f.path === name);
    const part = (name: string) => { const f = found(name); return f && { stream: () => unpacked(f) }; };
    // Loaded when first needed: it takes half a second to load, which every start of the app would pay.
    const { default: Excel } = await import('exceljs');
    const reader = new Excel.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' }) as unknown as ReaderInsides;
    const rels = part('xl/_rels/workbook.xml.rels');
    const book = part('xl/workbook.xml');
    if (!rels || !book) throw new ReturnUnreadable('The file is a zip but not an Excel workbook: it has no xl/workbook.xml');
    await reader._parseRels(rels.stream());
    await reader._parseWorkbook(book.stream());
    const strings = part('xl/sharedStrings.xml');
    if (strings) for await (const _ of reader._parseSharedStrings(strings.stream())) { /* cached on the reader */ }
    const styles = part('xl/styles.xml');
    if (styles) await reader._parseStyles(styles.stream());
    const date1904 = Boolean(reader.properties?.model?.date1904);
    const sheets = zip.files
      .map((f) => ({ f, no: /^xl\/worksheets\/sheet(\d+)\.xml$/.exec(f.path)?.[1] }))
      .filter((s): s is { f: (typeof zip.files)[number]; no: string } => s.no !== undefined)
      .sort((a, b) => Number(a.no) - Number(b.no));
    for (const { f, no } of sheets) {
      for (const { eventType, value } of reader._parseWorksheet(unpacked(f), no)) {
        if (eventType === 'worksheet') yield { sheet: value, date1904 };
      }
    }
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

const HEADER_SEARCH_ROWS = 10;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** "List 3", "List3", "list 03", "List 3 - Referrals", "List_3", "Annex A List 3" → 3. */
export function listOfTitle(title: string): ListNo | null {
  const m = /\blist[\s_-]*0*(\d{1,2})(?!\d)/i.exec(title);
  const n = Number(m?.[1]);
  return m && n >= 1 && n <= 11 ? (n as ListNo) : null;
}

/** Case, spacing, curly quotes and punctuation do not tell titles apart. */
export const norm = (s: string) => s.toLowerCase().replace(/[‘’`']/g, ' ').replace(/[^a-z0-9]+/g, ' ').trim();

/** The row is the header if it has the list's first column; then every imported column must be found. */
function headerOf(spec: ListSpec, sheet: string, cells: unknown[]): Map<Column, number> | null {
  const titles = cells.map((c, i) => ({ i, t: norm(text(c)) })).filter((x) => x.t !== '');
  const find = (c: Column) => {
    const names = [norm(c.header), ...(c.aliases ?? [])];
    return (titles.find((x) => names.includes(x.t)) ?? (c.match ? titles.find((x) => c.match!.test(x.t)) : undefined))?.i;
  };
  if (find(spec.columns[0]!) === undefined) return null;
  const found = new Map<Column, number>();
  for (const c of spec.columns) {
    const i = find(c);
    if (i !== undefined) found.set(c, i);
    else if (c.imported) throw new ReturnUnreadable(`Sheet "${sheet}": the column "${c.header}" is missing`);
  }
  return found;
}

function readRow(list: ListNo, row: number, columns: Map<Column, number>, cells: unknown[], date1904: boolean): AnnexARow | null {
  const values: Record<string, Value> = {};
  let blank = true;
  for (const [c, i] of columns) {
    if (!c.imported) continue;
    const raw = unwrap(cells[i]);
    if (raw !== null) blank = false;
    values[c.key] = readCell(c, raw, date1904, () => at({ list, row }, c.header));
  }
  return blank ? null : { list, row, values };
}

/** The value a cell shows: a formula's result, rich text as its text; an error such as #N/A as blank. */
function unwrap(v: unknown): string | number | boolean | Date | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    // Undo the export's guard against formula injection: "'=1+2" is the text "=1+2".
    const s = v.trim().replace(/^'(?=[=+\-@\t\r])/, '');
    return s === '' ? null : s;
  }
  if (typeof v === 'object') {
    const o = v as { result?: unknown; richText?: { text: string }[]; text?: unknown; error?: unknown };
    if ('error' in o) return null;
    if ('result' in o || 'formula' in o || 'sharedFormula' in o) return unwrap(o.result);
    if (o.richText) return unwrap(o.richText.map((r) => r.text).join(''));
    if ('text' in o) return unwrap(o.text);
  }
  return null;
}

const text = (v: unknown): string => {
  const u = unwrap(v);
  return u === null ? '' : u instanceof Date ? u.toISOString() : String(u);
};

function readCell(c: Column, raw: ReturnType<typeof unwrap>, date1904: boolean, where: () => string): Value {
  if (raw === null) return null;
  const shown = raw instanceof Date ? raw.toISOString() : String(raw);
  switch (c.kind) {
    case 'date': {
      const d = dateOf(raw, date1904);
      if (d === null) throw new ReturnUnreadable(`${where()}: "${shown}" is not a date`);
      return d;
    }
    case 'int': {
      const n = typeof raw === 'number' ? raw : /^\d+$/.test(shown) ? Number(shown) : NaN;
      if (!Number.isInteger(n) || n < 0) throw new ReturnUnreadable(`${where()}: "${shown}" is not a whole number`);
      return n;
    }
    case 'text':
      return raw instanceof Date ? shown : String(raw);
    // Y/N, sex and suitability are read to a value where they can be; what cannot is kept as written
    // (prefixed "?") for the check to report, and loads as blank.
    case 'yn':
      return yesNo(shown) ?? `?${shown}`;
    case 'suitable':
      return suitability(shown) ?? `?${shown}`;
    case 'sex':
      return sexOf(shown) ?? `?${shown}`;
    case 'code':
      return codeOf(shown, c.codes);
  }
}

/** "b) Female" → "Female": the template's answer letter. */
const unlettered = (s: string) => s.trim().replace(/^[a-z]{1,2}\)\s*/i, '');

export function yesNo(s: string): boolean | null {
  const v = unlettered(s).toLowerCase();
  if (['yes', 'y', 'true', '1'].includes(v)) return true;
  if (['no', 'n', 'false', '0'].includes(v)) return false;
  return null;
}

function suitability(s: string): boolean | null {
  const v = unlettered(s).toLowerCase();
  if (v === 'suitable' || v === 'yes' || v === 'y') return true;
  if (v === 'unsuitable' || v === 'not suitable' || v === 'no' || v === 'n') return false;
  return null;
}

/**
 * The CIN census Sex (M/F/U) of an Annex A gender: the template's "a) Male", "b) Female",
 * "c) Not stated/recorded", the words alone, or the CIN codes (M/F/U, and GenderCurrent 1/2/0/9).
 */
export function sexOf(s: string): 'M' | 'F' | 'U' | null {
  const v = unlettered(s).toLowerCase();
  if (['male', 'm', '1'].includes(v)) return 'M';
  if (['female', 'f', '2'].includes(v)) return 'F';
  if (['u', '0', '9', 'unknown', 'unborn', 'indeterminate', 'neither', 'not stated', 'not recorded', 'not stated/recorded', 'not stated recorded'].includes(v)) return 'U';
  return null;
}

/**
 * The code of a labelled value: "a) WBRI" → WBRI, "q) 6: Police" → 6, "N1 - Abuse or Neglect" → N1,
 * "e) PR4 - Private provision" → PR4, and a label alone ("Physical abuse") → its code (PHY). The
 * template is typed by hand, so case is forgiven here on purpose. A value that is no code of the list
 * comes back as written (its code part, if it has one) for the check to report.
 */
export function codeOf(raw: string, listId: CodeListId | undefined): string {
  const s = unlettered(raw);
  const codePart = /^([A-Za-z0-9]+)(?:\s*:|\s+[-–]\s)/.exec(s)?.[1] ?? s;
  if (!listId) return codePart;
  const codes = codeList(listId).codes;
  const byCode = codes.find((c) => c.code === codePart.toUpperCase());
  if (byCode) return byCode.code;
  const byLabel = codes.find((c) => c.label.toLowerCase() === s.toLowerCase());
  return byLabel?.code ?? codePart;
}

/** YYYY-MM-DD of a cell: an Excel date, a date serial, or text as dd/mm/yyyy or yyyy-mm-dd. */
export function dateOf(v: string | number | boolean | Date, date1904 = false): string | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString().slice(0, 10);
  if (typeof v === 'number') {
    // Serial days from 30 December 1899 (or 1 January 1904); up to 31 December 9999.
    if (v < 1 || v > 2958465) return null;
    const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
    return new Date(epoch + Math.floor(v + 1e-9) * 86_400_000).toISOString().slice(0, 10);
  }
  if (typeof v !== 'string') return null;
  const s = v.trim();
  // A time of midnight, as some systems write every date, is no part of it.
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+00:00(?::00)?)?$/.exec(s);
  const ymd = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?Z?)?$/.exec(s);
  const [y, m, d] = dmy ? [dmy[3], dmy[2], dmy[1]] : ymd ? [ymd[1], ymd[2], ymd[3]] : [];
  if (!y) return null;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  // The round trip refuses 31/02/2023, which Date would roll over into March.
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d)) return null;
  return date.toISOString().slice(0, 10);
}
