import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgency } from '../agencies/agencies.service';
import { addPartnership } from '../partnerships/partnerships.service';
import { addUser } from '../users/users.service';
import { PASSWORD, createTestApp, signIn, type Client, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { totalOf, trendPeriod } from './trend.routes';

/*
 * The test clock stands at 1 June 2026, so the default period is the 12 months 2 June 2025 to 1 June 2026.
 * Partnership A: Ada referred in January 2025 (before the period), September 2025 and March 2026 (both
 * re-referrals), Cal in March 2026 and Dee in May 2026.
 * Partnership B: Bea referred in May 2025 (before the period) and again in February 2026, a re-referral.
 */

/** The trend table's rows as [month, value, ...]: what a reader sees. */
function tableRows(html: string, id: string): string[][] {
  const table = new RegExp(`<table[^>]*id="${id}"[\\s\\S]*?</table>`).exec(html)?.[0] ?? '';
  const body = /<tbody[\s\S]*<\/tbody>/.exec(table)?.[0] ?? '';
  return [...body.matchAll(/<tr[\s\S]*?<\/tr>/g)].map(([row]) =>
    [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map(([, cell]) => cell!.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim()));
}

describe('trendPeriod', () => {
  const today = '2026-06-01';
  it('takes the period that includes the date, or the 12 months to it, and defaults to the 12 months to today', () => {
    expect(trendPeriod({}, today)).toEqual({ choice: { kind: 'rolling', to: today }, errors: [] });
    expect(trendPeriod({ period: 'fy', to: '2025-03-31' }, today).choice).toEqual({ kind: 'fy', year: 2024 });
    expect(trendPeriod({ period: 'quarter', to: '2026-02-10' }, today).choice).toEqual({ kind: 'quarter', year: 2025, quarter: 4 });
    expect(trendPeriod({ period: 'quarter', to: '2025-07-01' }, today).choice).toEqual({ kind: 'quarter', year: 2025, quarter: 2 });
    expect(trendPeriod({ period: 'month', to: '2026-02-28' }, today).choice).toEqual({ kind: 'month', year: 2026, month: 2 });
    expect(trendPeriod({ period: 'rolling', 'to-day': '31', 'to-month': '3', 'to-year': '2026' }, today).choice).toEqual({ kind: 'rolling', to: '2026-03-31' });
  });
  it('refuses what is not a real, past date or a known period, falling back to the default', () => {
    for (const q of [{ to: '2026-02-30' }, { to: 'yesterday' }, { to: '2026-06-02' }, { 'to-day': '1', 'to-month': '13', 'to-year': '2026' }]) {
      const parsed = trendPeriod(q, today);
      expect(parsed.errors.map((e) => e.field)).toEqual(['to']);
      expect(parsed.choice).toEqual({ kind: 'rolling', to: today });
    }
    expect(trendPeriod({ period: 'decade' }, today).errors).toEqual([{ field: 'period', message: 'Select the period to show' }]);
  });
});

describe('totalOf', () => {
  it('adds counts, and works a percentage or rate out again from the summed parts', () => {
    expect(totalOf([{ value: 3, numerator: 3, denominator: null }, { value: 4, numerator: 4, denominator: null }], 'count')).toEqual({ value: 7, numerator: 7, denominator: null });
    // 1 of 4 and 1 of 1: 2 of 5 is 40%, where the average of 25% and 100% would be 62.5%.
    expect(totalOf([{ value: 25, numerator: 1, denominator: 4 }, { value: 100, numerator: 1, denominator: 1 }], 'percent').value).toBe(40);
    expect(totalOf([{ value: null, numerator: 0, denominator: 0 }, { value: null, numerator: 0, denominator: 0 }], 'percent').value).toBeNull();
    expect(totalOf([{ value: 2, numerator: 4, denominator: 20_000 }, { value: null, numerator: 1, denominator: null }], 'rate_per_10k').value).toBeNull();
    expect(totalOf([{ value: 2, numerator: 4, denominator: 20_000 }, { value: 4, numerator: 2, denominator: 5_000 }], 'rate_per_10k').value).toBe(2.4);
  });
});

describe.each(dialects())('an indicator’s trend, the children behind it and the view across partnerships (%s)', (dialect) => {
  let t: TestApp;
  let manager: Client;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const { a, b } = t.fixture;
    const child = async (partnershipId: number, laChildId: string, first: string, last: string) =>
      (await t.db.insertInto('child').values({ partnership_id: partnershipId, la_child_id: laChildId, first_name: first, last_name: last } as never)
        .returning('id').executeTakeFirstOrThrow()).id;
    ids.ada = a.childId;
    ids.cal = await child(a.id, '801000002', 'Cal', 'Brown');
    ids.dee = await child(a.id, '801000003', 'Dee', 'Clark');
    ids.bea = b.childId;
    const referral = (partnershipId: number, childId: string, date: string) =>
      t.db.insertInto('referral').values({ partnership_id: partnershipId, child_id: childId, referral_date: date }).execute();
    await referral(a.id, ids.ada, '2025-01-15');
    await referral(a.id, ids.ada, '2025-09-01');
    await referral(a.id, ids.ada, '2026-03-10');
    await referral(a.id, ids.cal, '2026-03-20');
    await referral(a.id, ids.dee, '2026-05-05');
    await referral(b.id, ids.bea, '2025-05-01');
    await referral(b.id, ids.bea, '2026-02-01');
    manager = await signIn(t, 'team_manager@a.test');
  });
  afterAll(async () => { await t?.close(); });

  it('shows the indicator for the period and its monthly values in a table beside the chart', async () => {
    const res = await manager.get('/dashboard/indicators/referrals');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1 class="govuk-heading-l">Referrals</h1>');
    expect(res.body).toContain('12 months to 1 June 2026');
    expect(res.body).toMatch(/Value\s*<\/dt>\s*<dd[^>]*>\s*4\s*</);
    const rows = tableRows(res.body, 'trend-table');
    expect(rows).toHaveLength(24);
    expect(rows[0]).toEqual(['June 2026', '0']);
    const byMonth = Object.fromEntries(rows.map(([month, value]) => [month, value]));
    expect(byMonth).toMatchObject({ 'May 2026': '1', 'March 2026': '2', 'September 2025': '1', 'January 2025': '1', 'July 2024': '0', 'April 2026': '0' });
    expect(rows.at(-1)![0]).toBe('July 2024');

    const svg = /<svg[\s\S]*?<\/svg>/.exec(res.body)![0];
    expect(svg).toContain('role="img"');
    expect(svg).toContain('<title id="trend-chart-title">Referrals by month</title>');
    expect(svg.match(/<circle/g)).toHaveLength(24);
    expect(svg).not.toMatch(/<style|style=/);
    expect(res.headers['content-security-policy']).toContain("style-src 'self'");
    expect(res.body).toContain('See the 3 children behind this figure');
  });

  it('shows a percentage with its parts, for the period the scorecard links with', async () => {
    const res = await manager.get('/dashboard/indicators/re_referral_rate?period=month&to=2026-03-31');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('March 2026');
    // March 2026: Ada's re-referral of the two referrals.
    expect(res.body).toMatch(/Value\s*<\/dt>\s*<dd[^>]*>\s*50\.0%\s*</);
    const rows = tableRows(res.body, 'trend-table');
    expect(rows[0]).toEqual(['March 2026', '50.0%', '1', '2']);
    expect(rows.find((r) => r[0] === 'February 2026')).toEqual(['February 2026', 'No value', '0', '0']);
    expect(res.body).toContain('See the 1 child behind this figure');
  });

  it('answers an unknown indicator with page not found, and a date that is not real with the error summary', async () => {
    expect((await manager.get('/dashboard/indicators/nonsense')).statusCode).toBe(404);
    const bad = await manager.get('/dashboard/indicators/referrals?period=month&to-day=31&to-month=2&to-year=2026');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('There is a problem');
    expect(bad.body).toContain('href="#to-day"');
  });

  it('lists exactly the children counted, linked to their records, and logs the ids it showed', async () => {
    const res = await manager.get('/dashboard/indicators/referrals/children?period=rolling&to=2026-06-01');
    expect(res.statusCode).toBe(200);
    const rows = tableRows(res.body, 'children');
    expect(rows).toEqual([
      ['801000002', 'Brown, Cal', '20 March 2026'],
      ['801000003', 'Clark, Dee', '5 May 2026'],
      ['801000001', 'Testchild, Ada', '10 March 2026'],
    ]);
    for (const id of [ids.ada, ids.cal, ids.dee]) expect(res.body).toContain(`href="/children/${id}"`);
    const entry = await t.db.selectFrom('audit_event').select(['action', 'record_type', 'detail', 'user_email'])
      .where('action', '=', 'child.list').where('user_email', '=', 'team_manager@a.test').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(entry.record_type).toBe('child');
    expect(entry.detail).toMatchObject({ list: 'indicator:referrals', from: '2025-06-02', to: '2026-06-01', results: 3 });
    expect([...(entry.detail!.ids as string[])].sort()).toEqual([ids.ada, ids.cal, ids.dee].sort());
  });

  it('pages a long list, logging only the children each page showed', async () => {
    const { a } = t.fixture;
    const many = await t.db.insertInto('child').values(Array.from({ length: 55 }, (_, i) => ({
      partnership_id: a.id, la_child_id: `8019${String(i).padStart(5, '0')}`, first_name: 'Many', last_name: `Child${String(i).padStart(2, '0')}`,
    })) as never).returning('id').execute();
    await t.db.insertInto('contact').values(many.map((c) => ({ partnership_id: a.id, child_id: c.id, contact_date: '2026-04-01' })) as never).execute();
    const first = await manager.get('/dashboard/indicators/contacts/children');
    expect(tableRows(first.body, 'children')).toHaveLength(50);
    expect(first.body).toContain('55 children, page 1 of 2');
    expect(first.body).toContain('href="?period=rolling&amp;to=2026-06-01&amp;page=2"');
    const second = await manager.get('/dashboard/indicators/contacts/children?period=rolling&to=2026-06-01&page=2');
    expect(tableRows(second.body, 'children').map((r) => r[1])).toEqual(['Child50, Many', 'Child51, Many', 'Child52, Many', 'Child53, Many', 'Child54, Many']);
    const entry = await t.db.selectFrom('audit_event').select('detail').where('action', '=', 'child.list').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(entry.detail).toMatchObject({ list: 'indicator:contacts', page: 2, total: 55, results: 5 });
    expect([...(entry.detail!.ids as string[])].sort()).toEqual(many.slice(50).map((c) => c.id).sort());
  });

  it('shows the analyst the children without links to records she may not open', async () => {
    const analyst = await signIn(t, 'data_analyst@a.test');
    const res = await analyst.get('/dashboard/indicators/referrals/children');
    expect(tableRows(res.body, 'children').map((r) => r[0])).toEqual(['801000002', '801000003', '801000001']);
    expect(res.body).not.toContain('href="/children/');
  });

  it('refuses the list to a social worker, and shows no link to it', async () => {
    const worker = await signIn(t, 'social_worker@a.test');
    expect((await worker.get('/dashboard/indicators/referrals')).body).not.toContain('children behind this figure');
    expect((await worker.get('/dashboard/indicators/referrals/children')).statusCode).toBe(403);
  });

  it('shows another partnership’s team manager only their own figures and children', async () => {
    const other = await signIn(t, 'team_manager@b.test');
    const page = await other.get('/dashboard/indicators/referrals');
    expect(page.body).toMatch(/Value\s*<\/dt>\s*<dd[^>]*>\s*1\s*</);
    const list = await other.get('/dashboard/indicators/referrals/children');
    expect(tableRows(list.body, 'children')).toEqual([['802000001', 'Testchild, Bea', '1 February 2026']]);
    for (const id of [ids.ada, ids.cal, ids.dee]) expect(list.body).not.toContain(id);
  });

  describe('across partnerships', () => {
    let police: Client;
    beforeAll(async () => {
      const { a, b } = t.fixture;
      const c = await addPartnership(t.db, { laCode: '803', name: 'Gamma Partnership' });
      const force = await addAgency(t.db, a.id, { name: 'Shire Police', type: 'police' });
      await addAgency(t.db, b.id, { name: 'Shire Police', type: 'police' });
      await addAgency(t.db, c.id, { name: 'Shire Police', type: 'police' });
      const input = { email: 'analyst@police.test', name: 'Pat Police', agencyId: force.id, password: PASSWORD };
      await addUser(t.db, a.id, { ...input, roles: ['business_manager'] });
      await addUser(t.db, b.id, { ...input, roles: ['business_manager'] });
      // In Gamma the analyst only trains: no dashboard there, so Gamma is not shown.
      await addUser(t.db, c.id, { ...input, roles: ['practitioner'] });
      police = await signIn(t, 'analyst@police.test');
    });

    it('puts each partnership of the force side by side, adding counts and working percentages out again', async () => {
      const res = await police.get('/dashboard/across');
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Shire Police: 12 months to 1 June 2026');
      expect(res.body).toMatch(/<option value="\d+" selected>Shire Police<\/option>/);
      const table = /<table[^>]*id="across"[\s\S]*?<\/table>/.exec(res.body)![0];
      expect(table).toMatch(/Alpha Partnership<\/th>\s*<th[^>]*>Beta Partnership<\/th>\s*<th[^>]*>Total/);
      expect(table).not.toContain('Gamma');
      const rows = Object.fromEntries(tableRows(res.body, 'across').map(([label, ...cells]) => [label, cells]));
      expect(rows.Referrals).toEqual(['4', '1', '5']);
      expect(rows['Re-referrals']).toEqual(['2', '1', '3']);
      // 3 of 5 referrals: 60.0%, not the average of 50.0% and 100.0%.
      expect(rows['Re-referral rate']).toEqual(['50.0%', '100.0%', '60.0%']);
      expect(rows['Referral rate per 10,000 children']).toEqual(['No value', 'No value', 'No value']);
      expect(res.body).not.toMatch(/Testchild|href="\/children\//);
    });

    it('offers the agencies of the person’s partnerships, and no other', async () => {
      const res = await police.get('/dashboard/across');
      const select = /<select[^>]*id="agency"[\s\S]*?<\/select>/.exec(res.body)![0];
      const options = [...select.matchAll(/<option value="(\d+)"[^>]*>([^<]+)<\/option>/g)].map((m) => m[2]);
      expect(options).toEqual(['Alpha Partnership Council', 'Beta Partnership Council', 'Shire Police']);
      const alpha = await t.db.selectFrom('agency').select('id').where('name', '=', 'Alpha Partnership Council').executeTakeFirstOrThrow();
      const alphaPage = await police.get(`/dashboard/across?agency=${alpha.id}`);
      expect(tableRows(alphaPage.body, 'across').find((r) => r[0] === 'Referrals')).toEqual(['Referrals', '4', '4']);
      expect((await police.get('/dashboard/across?agency=999999')).statusCode).toBe(404);
    });

    it('shows one partnership’s team manager that partnership alone', async () => {
      const res = await manager.get('/dashboard/across');
      const rows = Object.fromEntries(tableRows(res.body, 'across').map(([label, ...cells]) => [label, cells]));
      expect(rows.Referrals).toEqual(['4', '4']);
      expect(res.body).not.toContain('Beta Partnership</th>');
    });
  });
});
