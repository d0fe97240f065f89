import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PartnerDataInvalid, PartnerDataUnreadable, parsePartnerCsv } from '../features/partner-data/partner-data.csv';
import { readAnnexA } from '../features/returns/annex-a.parser';
import { CinParseError, parseCinCensus } from '../features/returns/cin-census.parser';
import { ReturnUnreadable } from '../features/returns/import-run';
import { read903 } from '../features/returns/ssda903.parser';
import { junkValue, mutateBytes, mutateCsv, mutateXml, runs } from './generators';

/**
 * Every importer's parser, given broken files: mutations of the public sample returns (elements and
 * columns dropped, repeated, swapped, values of the wrong kind, files cut short, re-encoded) and junk.
 * Each either reads the file or refuses it with its own error saying where; nothing else escapes.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const returnsFixture = (name: string) => path.join(here, '..', 'features', 'returns', 'fixtures', name);
const CIN = fs.readFileSync(returnsFixture('data-to-insight__csc-validator-be-cin__fake_data__CIN2rows.xml'), 'utf8');
const CIN_2026 = fs.readFileSync(returnsFixture('data-to-insight__csc-validator-be-cin__fake_data__CIN_Census_2026.xml'), 'utf8');
const head = (file: string, lines: number) => fs.readFileSync(returnsFixture(path.join('903', file)), 'utf8').split(/\r?\n/).slice(0, lines).join('\r\n');
const T903 = {
  header: head('data-to-insight__csc-validator-be-903__tests__fake_data__header.csv', 12),
  episodes: head('data-to-insight__csc-validator-be-903__tests__fake_data__episodes.csv', 12),
  missing: head('data-to-insight__csc-validator-be-903__tests__fake_data__missing.csv', 12),
  oc2: head('data-to-insight__csc-validator-be-903__tests__fake_data__oc2.csv', 12),
  sw: head('data-to-insight__csc-validator-be-903__tests__fake_data__sw_episodes.csv', 12),
};
const PARTNER = fs.readFileSync(path.join(here, '..', 'features', 'partner-data', 'fixtures', 'seed-police-2022-23.csv'), 'utf8');
const ANNEX_A = fs.readFileSync(returnsFixture('SocialFinanceDigitalLabs__liia-tools__liiatools__spec__annex_a__samples__Annex_A.xlsx'));

const stream = (bytes: string | Uint8Array) => Readable.from([typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes)]);

/** Consumes every record a CIN census yields; a refusal must be the parser's own, naming line and column. */
async function readCin(bytes: string | Uint8Array) {
  try {
    for await (const _ of parseCinCensus(stream(bytes))) { /* read through */ }
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(CinParseError);
    expect((err as Error).message).toMatch(/^Line \d+, column \d+/);
  }
}

async function read903File(name: string, bytes: string | Uint8Array) {
  try {
    await read903(name, stream(bytes), () => undefined);
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(ReturnUnreadable);
    expect((err as Error).message.startsWith(name)).toBe(true);
    expect((err as Error).message).toMatch(/row \d+|line \d+|column|header|is empty/);
  }
}

function readPartner(bytes: Uint8Array) {
  try {
    parsePartnerCsv(bytes);
  } catch (err) {
    if (err instanceof PartnerDataInvalid) {
      expect(err.errors.length).toBeGreaterThan(0);
      for (const e of err.errors) expect(e.row).toBeGreaterThanOrEqual(1);
      return;
    }
    expect(err, String(err)).toBeInstanceOf(PartnerDataUnreadable);
    expect((err as Error).message).not.toBe('');
  }
}

async function readWorkbook(bytes: Uint8Array) {
  try {
    await readAnnexA(stream(bytes), () => undefined);
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(ReturnUnreadable);
    expect((err as Error).message).toMatch(/List \d+ row \d+|Sheet "|workbook|zip/i);
  }
}

describe('CIN census parser, fuzzed', () => {
  it('reads or refuses, naming line and column, every mutation of the sample returns', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(mutateXml(CIN), mutateXml(CIN_2026)), readCin), { numRuns: runs(600) });
  });
  it('refuses junk and re-encoded files with its own error', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string(), fc.string({ unit: 'binary' }).map((s) => `<Message>${s}</Message>`), mutateBytes(Buffer.from(CIN))), readCin), { numRuns: runs(300) });
  });
});

describe('SSDA903 parser, fuzzed', () => {
  it('reads or refuses, naming the file, row and column, every mutation of the sample tables', async () => {
    const table = fc.constantFrom(...Object.values(T903)).chain(mutateCsv);
    await fc.assert(fc.asyncProperty(table, (csv) => read903File('episodes.csv', csv)), { numRuns: runs(600) });
  });
  it('refuses junk and re-encoded files with its own error', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string(), fc.uint8Array({ maxLength: 500 }), mutateBytes(Buffer.from(T903.header))), (b) => read903File('header.csv', b)), { numRuns: runs(300) });
  });
});

describe('partner data CSV, fuzzed', () => {
  it('reads or refuses, naming the row, every mutation of the sample file', () => {
    fc.assert(fc.property(mutateCsv(PARTNER), (csv) => readPartner(Buffer.from(csv))), { numRuns: runs(1000) });
  });
  it('refuses junk and re-encoded files with its own error', () => {
    fc.assert(fc.property(fc.oneof(fc.string().map((s) => Buffer.from(s)), fc.uint8Array({ maxLength: 500 }), mutateBytes(Buffer.from(PARTNER))), readPartner), { numRuns: runs(1000) });
  });
});

/** A cell's value as a workbook may hold it: text, a number, a date, a formula, rich text, an error. */
const cellValue: fc.Arbitrary<ExcelJS.CellValue> = fc.oneof(
  junkValue,
  fc.double(),
  fc.integer({ min: -100_000, max: 3_000_000 }),
  fc.boolean(),
  fc.date({ min: new Date('0100-01-01'), max: new Date('9999-12-31') }),
  fc.constant(null),
  junkValue.map((s) => ({ formula: 'A1', result: s })),
  junkValue.map((s) => ({ richText: [{ text: s }] })),
  fc.constant({ error: '#N/A' } as ExcelJS.CellErrorValue),
);

type Edit = { kind: 'cell'; sheet: number; row: number; col: number; value: ExcelJS.CellValue } | { kind: 'dropColumn' | 'dupRow' | 'dropRow'; sheet: number; at: number } | { kind: 'rename'; sheet: number; name: string };
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('cell' as const), sheet: fc.nat(12), row: fc.integer({ min: 1, max: 8 }), col: fc.integer({ min: 1, max: 40 }), value: cellValue }),
  fc.record({ kind: fc.constantFrom('dropColumn' as const, 'dupRow' as const, 'dropRow' as const), sheet: fc.nat(12), at: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ kind: fc.constant('rename' as const), sheet: fc.nat(12), name: fc.constantFrom('List 1', 'List 3', 'List 12', 'list_03', 'Other', 'List 3 (2)') }),
);

/** The edited workbook, or null where exceljs cannot make or write the edit (a shared formula cut from its master, a blank row duplicated). */
async function editedWorkbook(edits: Edit[]): Promise<Uint8Array | null> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(ANNEX_A as unknown as ArrayBuffer);
  try {
    for (const e of edits) {
      const ws = wb.worksheets[e.sheet % wb.worksheets.length]!;
      if (e.kind === 'cell') ws.getCell(e.row, e.col).value = e.value;
      else if (e.kind === 'dropColumn') ws.spliceColumns(e.at, 1);
      else if (e.kind === 'dropRow') ws.spliceRows(e.at, 1);
      else if (e.kind === 'dupRow') ws.duplicateRow(e.at, 1, true);
      else if (e.kind === 'rename' && !wb.worksheets.some((w) => w.name === e.name)) ws.name = e.name;
    }
    return new Uint8Array(await wb.xlsx.writeBuffer());
  } catch {
    return null;
  }
}

describe('Ofsted Annex A parser, fuzzed', () => {
  it('reads or refuses, naming the list, row and column, every edit of the sample workbook', async () => {
    await fc.assert(fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
      const bytes = await editedWorkbook(edits);
      fc.pre(bytes !== null);
      await readWorkbook(bytes);
    }), { numRuns: runs(120) });
  }, 120_000);
  it('refuses broken zips and junk with its own error', async () => {
    await fc.assert(fc.asyncProperty(mutateBytes(ANNEX_A), readWorkbook), { numRuns: runs(150) });
  }, 120_000);
});
