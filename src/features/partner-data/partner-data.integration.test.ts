import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgency } from '../agencies/agencies.service';
import { createTestApp, signIn, type Client, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { markdownTable } from './comparison';
import { PartnerDataInvalid } from './partner-data.csv';
import { latestPartnerTables, loadPartnerData, partnerTables } from './partner-data.repository';
import { importPartnerCsv } from './partner-data.service';
import { partnerMeasureSentence } from './narrative';

const FIXTURE = fs.readFileSync(new URL('./fixtures/seed-police-2022-23.csv', import.meta.url));
const REPORT = fs.readFileSync(new URL('../../../../shared/seed/scp-annual-report-2022-23.txt', import.meta.url), 'utf8');
const PERIOD_END = '2023-03-31';

/** The report's police tables, header and measure rows, as printed: its separator rows vary and are left out. */
function reportTableLines(): string[] {
  const section = REPORT.slice(REPORT.indexOf('\nAvon and Somerset Police'), REPORT.indexOf('Initial Child Protection Conferences - '));
  return section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('|---'));
}

const countRows = async (t: TestApp) => Number((await t.db.selectFrom('partner_data_row').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe.each(dialects())('partner data (%s)', (dialect) => {
  let t: TestApp;
  let police: number;
  let manager: Client;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    police = (await addAgency(t.db, t.fixture.a.id, { name: 'Avon and Somerset Police', type: 'police' })).id;
    manager = await signIn(t, 'business_manager@a.test');
  });
  afterAll(async () => { await t?.close(); });

  const load = (bytes: Buffer | string, fileName = 'police.csv') => importPartnerCsv(t.db, {
    partnershipId: t.fixture.a.id, agencyId: police, periodEnd: PERIOD_END, fileName, bytes: Buffer.from(bytes), uploadedBy: 'test', now: new Date(),
  });

  it('loads the seed report’s police tables and prints them exactly as the report does, Chg and % Chg included', async () => {
    const loaded = await load(FIXTURE);
    expect(loaded).toMatchObject({ tables: 3, rows: 16, replaced: false });
    const [agency] = await partnerTables(t.db, t.fixture.a.id, PERIOD_END);
    expect(agency!.agency).toBe('Avon and Somerset Police');
    const rendered = agency!.tables.flatMap(markdownTable).filter((l) => !l.startsWith('|---'));
    const expected = reportTableLines();
    expect(expected).toHaveLength(3 + 16);
    expect(rendered).toEqual(expected);
  });

  it('says of the measures what the report says, where the report uses the same words', async () => {
    const [agency] = await partnerTables(t.db, t.fixture.a.id, PERIOD_END);
    const said = agency!.tables.flatMap((tb) => tb.rows).map((r) => partnerMeasureSentence(r.measure, r.current, r.previous))
      .filter((s) => REPORT.includes(s.slice(0, -1)));
    expect(said).toEqual(['The number of missing children reports fell to 370 in the last 12 months compared with 389 in the previous 12 months, a fall of 4.9%.']);
  });

  it('refuses a file with errors by row and loads none of it', async () => {
    const before = await countRows(t);
    const broken = FIXTURE.toString('utf8').replace(',422,441', ',422,lots').replace(',26,21', ',-26,21');
    const err = await load(broken).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PartnerDataInvalid);
    expect((err as PartnerDataInvalid).errors).toEqual([
      { row: 2, column: 'previous', message: 'must be a whole number, 0 or more, not “lots”' },
      { row: 17, column: 'current', message: 'must be a whole number, 0 or more, not “-26”' },
    ]);
    expect(await countRows(t)).toBe(before);
  });

  it('replaces an agency’s figures for the period when they are loaded again, and keeps other periods', async () => {
    const first = await load(FIXTURE);
    expect(first.replaced).toBe(true);
    const again = await load('table,measure,current,previous\nMissing Children (12 month rolling),Number of Missing Children,155,137\n', 'corrected.csv');
    expect(again).toMatchObject({ setId: first.setId, replaced: true, rows: 1 });
    const [agency] = await partnerTables(t.db, t.fixture.a.id, PERIOD_END);
    expect(agency!.tables).toEqual([{ table: 'Missing Children (12 month rolling)', rows: [{ measure: 'Number of Missing Children', current: 155, previous: 137, change: '+18', pct_change: '+13.1%' }] }]);
    await importPartnerCsv(t.db, { partnershipId: t.fixture.a.id, agencyId: police, periodEnd: '2022-03-31', fileName: 'old.csv', bytes: FIXTURE, uploadedBy: 'test', now: new Date() });
    expect((await partnerTables(t.db, t.fixture.a.id, '2022-03-31'))[0]!.tables).toHaveLength(3);
    expect((await partnerTables(t.db, t.fixture.a.id, PERIOD_END))[0]!.tables).toHaveLength(1);
    await load(FIXTURE);
  });

  it('keeps each partnership’s figures to itself', async () => {
    expect(await partnerTables(t.db, t.fixture.b.id, PERIOD_END)).toEqual([]);
    // Partnership B's police is not A's: the database refuses figures from an agency not working with the partnership.
    await expect(importPartnerCsv(t.db, { partnershipId: t.fixture.b.id, agencyId: police, periodEnd: PERIOD_END, fileName: 'x.csv', bytes: FIXTURE, uploadedBy: 'test', now: new Date() }))
      .rejects.toThrow();
    const other = await signIn(t, 'business_manager@b.test');
    const set = await t.db.selectFrom('partner_data_set').select('id').where('partnership_id', '=', t.fixture.a.id).where('period_end', '=', PERIOD_END).executeTakeFirstOrThrow();
    expect((await other.get(`/partner-data/${set.id}`)).statusCode).toBe(404);
    expect((await other.get('/partner-data')).body).not.toContain('Avon and Somerset Police');
    await other.get('/partner-data/upload');
    const res = await other.upload('/partner-data/upload', { agency: String(police), 'periodEnd-day': '31', 'periodEnd-month': '3', 'periodEnd-year': '2023' }, [{ field: 'file', name: 'p.csv', content: FIXTURE }]);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Select the agency the figures are from');
  });

  it('reads the latest period’s tables on or before a date in one query, as partnerTables gives them, an agency with no rows included', async () => {
    const health = await addAgency(t.db, t.fixture.a.id, { name: 'Health', type: 'health' });
    await loadPartnerData(t.db, { partnershipId: t.fixture.a.id, agencyId: health.id, periodEnd: PERIOD_END, fileName: 'empty.csv', fileHash: 'x', uploadedBy: 'test', uploadedAt: new Date(), tables: [] });
    const latest = await latestPartnerTables(t.db, t.fixture.a.id, '2023-06-30');
    expect(latest.agencies.map((a) => [a.agency, a.tables.length])).toEqual([['Avon and Somerset Police', 3], ['Health', 0]]);
    expect(latest).toEqual({ periodEnd: PERIOD_END, agencies: await partnerTables(t.db, t.fixture.a.id, PERIOD_END) });
    expect(await latestPartnerTables(t.db, t.fixture.a.id, '2023-03-30')).toEqual({ periodEnd: '2022-03-31', agencies: await partnerTables(t.db, t.fixture.a.id, '2022-03-31') });
    expect(await latestPartnerTables(t.db, t.fixture.a.id, '2022-03-30')).toEqual({ periodEnd: null, agencies: [] });
    expect(await latestPartnerTables(t.db, t.fixture.b.id, '2030-01-01')).toEqual({ periodEnd: null, agencies: [] });
    await t.db.deleteFrom('partner_data_set').where('agency_id', '=', health.id).execute();
  });

  it('takes a file whatever its name, keeping it without control characters', async () => {
    await manager.get('/partner-data/upload');
    const res = await manager.upload('/partner-data/upload', { agency: String(police), 'periodEnd-day': '31', 'periodEnd-month': '3', 'periodEnd-year': '2023' },
      [{ field: 'file', name: `pol\u0000ice\u0007${'x'.repeat(300)}.csv`, content: FIXTURE }]);
    expect(res.statusCode).toBe(303);
    const set = await t.db.selectFrom('partner_data_set').select('file_name').where('agency_id', '=', police).where('period_end', '=', PERIOD_END).executeTakeFirstOrThrow();
    expect(set.file_name).toBe(`${'x'.repeat(196)}.csv`);
  });

  it('uploads a file in the browser and shows its tables with a sentence for each measure', async () => {
    const page = await manager.get('/partner-data/upload');
    expect(page.body).toContain('href="/partner-data/template.csv"');
    const res = await manager.upload('/partner-data/upload', { agency: String(police), 'periodEnd-day': '31', 'periodEnd-month': '03', 'periodEnd-year': '2023' },
      [{ field: 'file', name: 'police-2022-23.csv', content: FIXTURE }]);
    expect(res.statusCode).toBe(303);
    const location = String(res.headers.location);
    expect(location).toMatch(/^\/partner-data\/[0-9a-f-]{36}$/);
    const set = await manager.get(location);
    expect(set.body).toContain('Replaced Avon and Somerset Police’s figures: 3 tables, 16 rows.');
    expect(set.body).toContain('The 12 months to 31 March 2023');
    expect(set.body).toContain('Missing Children (12 month rolling)');
    expect(set.body).toMatch(/<td class="govuk-table__cell govuk-table__cell--numeric">-4\.9%<\/td>/);
    expect(set.body).toContain('The number of missing children reports fell to 370 in the last 12 months compared with 389 in the previous 12 months, a fall of 4.9%.');
    const list = await manager.get('/partner-data');
    expect(list.body).toContain(`href="${location}"`);
    const audit = await t.db.selectFrom('audit_event').select(['action', 'record_id']).where('action', '=', 'partner_data.import').executeTakeFirstOrThrow();
    expect(audit.record_id).toBe(location.split('/').pop());
  });

  it('lists every problem in the error summary, by row, and loads nothing', async () => {
    const before = await countRows(t);
    await manager.get('/partner-data/upload');
    const bad = 'table,measure,current,previous\r\nMissing,Number of Missing Children,154,\r\nMissing,Number of Missing Children,1.5,2\r\n';
    const res = await manager.upload('/partner-data/upload', { agency: String(police), 'periodEnd-day': '31', 'periodEnd-month': '3', 'periodEnd-year': '2023' },
      [{ field: 'file', name: 'bad.csv', content: bad }]);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('govuk-error-summary');
    expect(res.body).toContain('Row 2, previous: must be a whole number, 0 or more, not “”');
    expect(res.body).toContain('Row 3, current: must be a whole number, 0 or more, not “1.5”');
    expect(res.body).toContain('Row 3, measure: repeats row 2: a measure appears once in its table');
    expect(res.body).toContain('href="#file"');
    expect(await countRows(t)).toBe(before);
  });

  it('asks for what is missing, and refuses an upload without its CSRF token', async () => {
    await manager.get('/partner-data/upload');
    const empty = await manager.upload('/partner-data/upload', { agency: '', 'periodEnd-day': '31', 'periodEnd-month': '2', 'periodEnd-year': '2023' }, []);
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Select the agency the figures are from');
    expect(empty.body).toContain('The period end must be a real date');
    expect(empty.body).toContain('Select the CSV file');
    const future = await manager.upload('/partner-data/upload', { agency: String(police), 'periodEnd-day': '31', 'periodEnd-month': '3', 'periodEnd-year': '2099' }, [{ field: 'file', name: 'p.csv', content: FIXTURE }]);
    expect(future.body).toContain('The period end must be today or in the past');
    const forged = await manager.upload('/partner-data/upload', { agency: String(police) }, [{ field: 'file', name: 'p.csv', content: FIXTURE }], { csrf: 'forged' });
    expect(forged.statusCode).toBe(403);
    const without = await manager.upload('/partner-data/upload', { agency: String(police) }, [{ field: 'file', name: 'p.csv', content: FIXTURE }], { csrf: null });
    expect(without.statusCode).toBe(403);
  });

  it('offers a template to fill in, safe to open in a spreadsheet', async () => {
    const res = await manager.get('/partner-data/template.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('attachment');
    expect(res.body.split('\r\n')[0]).toBe('table,measure,current,previous');
  });
});
