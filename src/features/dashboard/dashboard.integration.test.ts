import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/create-db';
import { createTestApp, signIn, type Client, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { loadPartnerData } from '../partner-data/partner-data.repository';

/**
 * The scorecard over seeded records of partnership A for the financial year 2025 to 2026 and the year
 * before: what it shows, how it rates, what the exports hold, and who may see and change it.
 *
 * Current year (April 2025 to March 2026): 8 referrals, one of them a re-referral (12.5%); 4 assessments,
 * 3 within 45 working days (75.0%). Previous year: 6 referrals, none re-referred; 2 assessments, both in time.
 */

const FY = 'period=fy&to=2026-03-31';

async function seed(db: Db, partnershipId: number, laCode: string) {
  const children: string[] = [];
  for (let i = 0; i < 13; i++) {
    const c = await db.insertInto('child').values({ partnership_id: partnershipId, la_child_id: `${laCode}S${i}`, date_of_birth: '2015-01-01' } as never)
      .returning('id').executeTakeFirstOrThrow();
    children.push(c.id);
  }
  const referral = async (child: number, date: string) => (await db.insertInto('referral')
    .values({ partnership_id: partnershipId, child_id: children[child]!, referral_date: date }).returning('id').executeTakeFirstOrThrow()).id;
  const assessment = (referralId: string, start: string, end: string) => db.insertInto('assessment')
    .values({ partnership_id: partnershipId, referral_id: referralId, start_date: start, authorisation_date: end }).execute();

  // The year before: 6 referrals of 6 children, the first in January 2025.
  const before = [await referral(0, '2025-01-10'), await referral(1, '2024-05-02'), await referral(2, '2024-07-15'),
    await referral(3, '2024-09-09'), await referral(4, '2024-11-20'), await referral(5, '2025-03-03')];
  await assessment(before[1]!, '2024-05-02', '2024-06-10');
  await assessment(before[2]!, '2024-07-15', '2024-08-30');
  // This year: child 0 again within 12 months (a re-referral), and children 6 to 12 new to the service, June to December.
  const now = [await referral(0, '2025-06-10')];
  for (let i = 6; i <= 12; i++) now.push(await referral(i, `2025-${String(i).padStart(2, '0')}-15`));
  await assessment(now[0]!, '2025-06-10', '2025-07-01');
  await assessment(now[1]!, '2025-06-16', '2025-07-30');
  await assessment(now[2]!, '2025-07-15', '2025-08-20');
  // Started 15 August, authorised 30 October: more than 45 working days.
  await assessment(now[3]!, '2025-08-15', '2025-10-30');
}

/** The cells of the scorecard row whose indicator link goes to this code. */
function rowOf(html: string, code: string): string[] {
  const row = html.split('<tr').find((r) => r.includes(`/dashboard/indicators/${code}?`));
  if (!row) throw new Error(`no row for ${code}`);
  return [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim());
}

/** RFC 4180 as the export writes it: quoted fields may hold commas and doubled quotes. */
function parseCsv(text: string): Record<string, string>[] {
  const lines = text.replace(/^\uFEFF/, '').trim().split('\r\n').map((line) => {
    const cells: string[] = [];
    let i = 0;
    while (i <= line.length) {
      if (line[i] === '"') {
        let value = '';
        for (i++; i < line.length; i++) {
          if (line[i] === '"' && line[i + 1] === '"') { value += '"'; i++; } else if (line[i] === '"') break; else value += line[i];
        }
        cells.push(value);
        i += 2;
      } else {
        const end = line.indexOf(',', i);
        cells.push(line.slice(i, end === -1 ? line.length : end));
        i = end === -1 ? line.length + 1 : end + 1;
      }
    }
    return cells;
  });
  const [head, ...rows] = lines;
  return rows.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i] ?? ''])));
}

describe.each(dialects())('the performance scorecard (%s)', (dialect) => {
  let t: TestApp;
  let manager: Client;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    await seed(t.db, t.fixture.a.id, t.fixture.a.laCode);
    // Partnership B's records are of another year: none of them may reach A's scorecard.
    await seed(t.db, t.fixture.b.id, t.fixture.b.laCode);
    await t.db.insertInto('referral').values({ partnership_id: t.fixture.b.id, child_id: t.fixture.b.childId, referral_date: '2025-12-01' }).execute();
    manager = await signIn(t, 'business_manager@a.test');
  });
  afterAll(async () => { await t?.close(); });

  it('shows each indicator for the period and the period before, with the change, rating and comparators', async () => {
    const res = await manager.get(`/dashboard?${FY}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Financial year 2025 to 2026');
    expect(rowOf(res.body, 'referrals').slice(0, 4)).toEqual(['Referrals Referrals to children’s social care in the period, including those needing no further action', '8', '6', '+2']);
    const reReferral = rowOf(res.body, 're_referral_rate');
    expect(reReferral.slice(1, 6)).toEqual(['12.5%', '0.0%', '+12.5 pts', '20.0% or less (amber up to 25.0%)', 'Green']);
    expect(reReferral[6]).toBe('22.6% 2024 to 2025');
    const timely = rowOf(res.body, 'assessments_within_45wd_pct');
    expect(timely.slice(1, 6)).toEqual(['75.0%', '100.0%', '-25.0 pts', '90.0% or more (amber down to 80.0%)', 'Red']);
    expect(res.body).toContain('govuk-tag--red');
    // Each label links to the indicator's trend page for the same period.
    expect(res.body).toContain('href="/dashboard/indicators/referrals?period=fy&amp;from=2025-04-01&amp;to=2026-03-31"');
    // A sparkline for every indicator, labelled with its first and last values.
    expect(res.body.match(/<svg class="beacon-sparkline" role="img" aria-label="/g)).toHaveLength(26);
    expect(res.body).toMatch(/aria-label="Referrals, 24 months: 0 in April 2024, [0-9]+ in March 2026"/);
    // Aggregates only: no child is named or linked.
    expect(res.body).not.toContain('/children/');
    expect(res.body).not.toContain('Testchild');
  });

  it('says each indicator in words, and shows the partners’ latest figures for the period beside them', async () => {
    const before = await manager.get(`/dashboard?${FY}`);
    expect(before.body).toContain('No partner agency has supplied figures');
    expect(before.body).toMatch(/rose to 8 in this period compared with 6 in the period before/i);
    await loadPartnerData(t.db, {
      partnershipId: t.fixture.a.id, agencyId: t.fixture.a.agencyId, periodEnd: '2026-03-31', fileName: 'police.csv', fileHash: 'x',
      uploadedBy: 'analyst@a.test', uploadedAt: new Date(), tables: [{ table: 'Missing Children', rows: [{ measure: 'Number of Missing Children Reports', current: 370, previous: 389 }] }],
    });
    const res = await manager.get(`/dashboard?${FY}`);
    const partners = res.body.slice(res.body.indexOf('id="partners"'));
    expect(partners).toContain('Missing Children');
    expect(partners).toMatch(/Number of Missing Children Reports<\/th>\s*<td[^>]*>370<\/td>\s*<td[^>]*>389<\/td>\s*<td[^>]*>-19<\/td>\s*<td[^>]*>-4.9%<\/td>/);
    // Partnership B's scorecard holds none of A's partner figures.
    const other = await signIn(t, 'business_manager@b.test');
    expect((await other.get(`/dashboard?${FY}`)).body).not.toContain('Number of Missing Children Reports');
  });

  it('asks again for a period it cannot read, naming the field', async () => {
    const res = await manager.get('/dashboard?period=rolling&to-day=31&to-month=2&to-year=2025');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('The date must be a real date, like 31 3 2026');
    expect(res.body).toContain('href="#to-day"');
    expect(res.body).not.toContain('id="scorecard"');
  });

  it('lets the business manager set a rule, which changes the rating; the form says what is wrong first', async () => {
    await manager.get('/dashboard/rules/assessments_within_45wd_pct');
    const bad = await manager.post('/dashboard/rules/assessments_within_45wd_pct', { method: 'target', target: 'seventy', tolerance: '5' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('The target must be a number, like 85');
    expect(bad.body).toContain('Select whether higher or lower is better');
    // A field posted twice is read by its first value, as every form does.
    const twice = await manager.post('/dashboard/rules/assessments_within_45wd_pct', { method: ['target', 'none'], target: ['seventy', '75'], tolerance: '5', neighbour: ['x', '1'] });
    expect(twice.statusCode).toBe(400);
    expect(twice.body).toContain('The target must be a number, like 85');

    const res = await manager.post('/dashboard/rules/assessments_within_45wd_pct', { method: 'target', target: '75', tolerance: '5', polarity: 'higher', neighbour: '83.4' });
    expect(res.statusCode).toBe(303);
    const row = rowOf((await manager.get(`/dashboard?${FY}`)).body, 'assessments_within_45wd_pct');
    expect(row.slice(4, 8)).toEqual(['75.0% or more (amber down to 70.0%)', 'Green', '85.7% 2024 to 2025', '83.4%']);
    const audit = await t.db.selectFrom('audit_event').selectAll().where('action', '=', 'dashboard.rule_set').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ user_email: 'business_manager@a.test', record_id: 'assessments_within_45wd_pct', partnership_id: t.fixture.a.id });

    // Direction of travel: fewer timely assessments than last year is worse.
    await manager.post('/dashboard/rules/assessments_within_45wd_pct', { method: 'direction', polarity: 'higher' });
    expect(rowOf((await manager.get(`/dashboard?${FY}`)).body, 'assessments_within_45wd_pct')[5]).toBe('Red');

    // Partnership B's scorecard keeps the default.
    const other = await signIn(t, 'business_manager@b.test');
    expect(rowOf((await other.get(`/dashboard?${FY}`)).body, 'assessments_within_45wd_pct')[4]).toBe('90.0% or more (amber down to 80.0%)');
  });

  it('shows the scorecard to the roles with dashboard.view, and the rules to the business manager only', async () => {
    for (const role of ['social_worker', 'team_manager', 'data_analyst', 'auditor', 'partnership_admin'] as const) {
      const c = await signIn(t, `${role}@a.test`);
      expect((await c.get(`/dashboard?${FY}`)).statusCode, role).toBe(200);
      expect((await c.get('/dashboard/rules')).statusCode, role).toBe(403);
      expect((await c.post('/dashboard/rules/re_referral_rate', { method: 'none' })).statusCode, role).toBe(403);
    }
    for (const role of ['mash_officer', 'trainer', 'practitioner'] as const) {
      const c = await signIn(t, `${role}@a.test`);
      expect((await c.get(`/dashboard?${FY}`)).statusCode, role).toBe(403);
      expect((await c.get(`/dashboard/export.csv?${FY}`)).statusCode, role).toBe(403);
    }
    expect((await manager.get('/dashboard/rules/not_an_indicator')).statusCode).toBe(404);
  });

  it('exports exact figures as CSV and Excel, and audits each export', async () => {
    const csv = await manager.get(`/dashboard/export.csv?${FY}`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="scorecard-${t.fixture.a.laCode}-2025-04-01-to-2026-03-31.csv"`);
    const rows = parseCsv(csv.body);
    expect(rows).toHaveLength(26);
    const by = (code: string) => rows.find((r) => r.Code === code)!;
    expect(by('referrals')).toMatchObject({ 'This period': '8', 'Previous period': '6', Change: '2', 'Period from': '2025-04-01', 'Previous period to': '2025-03-31' });
    expect(by('re_referrals')).toMatchObject({ 'This period': '1', 'Previous period': '0', Change: '1' });
    expect(by('assessments_within_45wd_pct')).toMatchObject({ 'This period': '75', 'Previous period': '100', Change: '-25', England: '85.7' });

    const xlsx = await manager.get(`/dashboard/export.xlsx?${FY}`);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ExcelJS.Buffer);
    const ws = wb.getWorksheet('Scorecard')!;
    const header = ws.getRow(4).values as unknown[];
    const col = (name: string) => header.indexOf(name);
    const xrow = (code: string) => ws.getRows(5, 26)!.find((r) => r.getCell(col('Code')).value === code)!;
    expect(xrow('referrals').getCell(col('This period')).value).toBe(8);
    expect(xrow('assessments_completed').getCell(col('This period')).value).toBe(4);
    expect(xrow('assessments_within_45wd_pct').getCell(col('Change')).value).toBe(-25);

    const audits = await t.db.selectFrom('audit_event').select(['detail', 'partnership_id']).where('action', '=', 'dashboard.export').execute();
    expect(audits.map((a) => a.detail)).toEqual(expect.arrayContaining([
      { format: 'csv', publish: false, from: '2025-04-01', to: '2026-03-31' }, { format: 'xlsx', publish: false, from: '2025-04-01', to: '2026-03-31' },
    ]));
  });

  it('for publication, shows counts from 1 to 5 as c and hides what they could be worked out from', async () => {
    const rows = parseCsv((await manager.get(`/dashboard/export.csv?${FY}&publish=1`)).body);
    const by = (code: string) => rows.find((r) => r.Code === code)!;
    expect(by('referrals')).toMatchObject({ 'This period': '8', 'Previous period': '6', Change: '2' });
    // 1 re-referral: hidden, with the rate it is the numerator of, and the change.
    expect(by('re_referrals')).toMatchObject({ 'This period': 'c', 'Previous period': '0', Change: 'c' });
    expect(by('re_referral_rate')).toMatchObject({ 'This period': 'c', Change: 'c' });
    // 4 assessments: hidden, and so is the percentage of them in time.
    expect(by('assessments_completed')).toMatchObject({ 'This period': 'c', 'Previous period': 'c' });
    expect(by('assessments_within_45wd_pct')).toMatchObject({ 'This period': 'c', 'Previous period': 'c', Change: 'c' });

    const xlsx = await manager.get(`/dashboard/export.xlsx?${FY}&publish=1`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ExcelJS.Buffer);
    const ws = wb.getWorksheet('Scorecard')!;
    expect(ws.getCell('A2').value).toContain('For publication');
    const re = ws.getRows(5, 26)!.find((r) => r.getCell(3).value === 're_referrals')!;
    expect(re.getCell(7).value).toBe('c');
  });

  it('neutralises text a spreadsheet would run as a formula', async () => {
    await t.db.updateTable('partnership').set({ name: '=HYPERLINK("http://evil.example","Open")' }).where('id', '=', t.fixture.a.id).execute();
    try {
      const csv = await manager.get(`/dashboard/export.csv?${FY}`);
      const line = csv.body.split('\r\n')[1]!;
      expect(line.startsWith(`"'=HYPERLINK(""http://evil.example"",""Open"")"`)).toBe(true);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await manager.get(`/dashboard/export.xlsx?${FY}`)).rawPayload as unknown as ExcelJS.Buffer);
      const ws = wb.getWorksheet('Scorecard')!;
      expect(String(ws.getCell('A1').value).startsWith("'=HYPERLINK")).toBe(true);
      expect(String(ws.getCell('A5').value).startsWith("'=HYPERLINK")).toBe(true);
      ws.eachRow((row) => row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)));
    } finally {
      await t.db.updateTable('partnership').set({ name: 'Alpha Partnership' }).where('id', '=', t.fixture.a.id).execute();
    }
  });
});
