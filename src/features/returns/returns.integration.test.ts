import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type Client, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';

const fixture = (name: string) => fs.readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
// The public sample is LA 975's return; the test partnership is LA 801.
const CIN = fixture('data-to-insight__csc-validator-be-cin__fake_data__fake_CIN_data.xml').replace('<LEA>975</LEA>', '<LEA>801</LEA>');

async function finished(client: Client, location: string) {
  for (let i = 0; i < 200; i++) {
    const res = await client.get(`${location}/progress`);
    const { outcome } = JSON.parse(res.body) as { outcome: string };
    if (outcome !== 'running') return outcome;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the import did not finish');
}

describe.each(dialects())('returns in the browser (%s)', (dialect) => {
  let t: TestApp;
  let analyst: Client;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    analyst = await signIn(t, 'data_analyst@a.test');
  });
  afterAll(async () => { await t?.close(); });

  it('uploads a CIN census, follows it to its report by rule and by child, and downloads the findings', async () => {
    await analyst.get('/returns/import');
    const res = await analyst.upload('/returns/import', { kind: 'cin' }, [{ field: 'files', name: 'cin-2022.xml', content: CIN }]);
    expect(res.statusCode).toBe(303);
    const location = String(res.headers.location);
    expect(location).toMatch(/^\/returns\/imports\/[0-9a-f-]{36}$/);
    expect(await finished(analyst, location)).toBe('succeeded');

    const page = await analyst.get(location);
    expect(page.body).toContain('The return was loaded');
    expect(page.body).toMatch(/child<\/th>\s*<td[^>]*>332<\/td>/);
    expect(page.body).toContain('Validation findings by rule');
    const run = await t.db.selectFrom('import_run').selectAll().where('id', '=', location.split('/').pop()!).executeTakeFirstOrThrow();
    expect(run).toMatchObject({ outcome: 'succeeded', kind: 'cin', collection_year: 2022, imported_by: 'data_analyst@a.test' });
    expect(run.errors + run.queries).toBeGreaterThan(0);

    const issue = await t.db.selectFrom('validation_issue').selectAll().where('import_run_id', '=', run.id).where('child_id', 'is not', null).executeTakeFirstOrThrow();
    const byChild = await analyst.get(`${location}/issues?child=${encodeURIComponent(issue.la_child_id!)}`);
    expect(byChild.body).toContain(`href="/children/${issue.child_id}"`);
    expect(byChild.body).toContain(issue.rule);
    const byRule = await analyst.get(`${location}/issues?rule=${encodeURIComponent(issue.rule)}`);
    expect(byRule.body).toContain(issue.message.replace(/'/g, '&#39;').replace(/"/g, '&quot;').slice(0, 20));

    const csv = await analyst.get(`${location}/issues.csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')[0]).toBe('rule,severity,child,location,message');
    expect(csv.body.split('\r\n').length - 2).toBe(run.errors + run.queries);
    const json = JSON.parse((await analyst.get(`${location}/issues.json`)).body) as { errors: number; queries: number; issues: unknown[] };
    expect(json).toMatchObject({ errors: run.errors, queries: run.queries });
    expect(json.issues).toHaveLength(run.errors + run.queries);

    const list = await analyst.get('/returns');
    expect(list.body).toContain(`href="${location}"`);
    expect(list.body).toContain('2022-23');
  });

  it('shows where a broken file broke, and loads nothing', async () => {
    const before = await t.db.selectFrom('child').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    await analyst.get('/returns/import');
    const res = await analyst.upload('/returns/import', { kind: 'cin' }, [{ field: 'files', name: 'broken.xml', content: CIN.slice(0, 5000) }]);
    const location = String(res.headers.location);
    expect(await finished(analyst, location)).toBe('failed');
    const page = await analyst.get(location);
    expect(page.body).toContain('The return could not be imported');
    expect(page.body).toMatch(/Line \d+, column \d+/);
    const after = await t.db.selectFrom('child').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('asks for what is missing, and refuses an upload without its CSRF token', async () => {
    await analyst.get('/returns/import');
    const empty = await analyst.upload('/returns/import', { kind: '903' }, []);
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter the year the collection ends');
    expect(empty.body).toContain('Select the return’s CSV files');
    const forged = await analyst.upload('/returns/import', { kind: 'cin' }, [{ field: 'files', name: 'cin.xml', content: CIN }], { csrf: 'forged' });
    expect(forged.statusCode).toBe(403);
  });

  it('takes a file whatever its name: a NUL, a control character or a name longer than a file system keeps', async () => {
    await analyst.get('/returns/import');
    for (const name of ['cin\u0000.xml', 'c\u0007in.xml', `${'x'.repeat(300)}.xml`]) {
      const res = await analyst.upload('/returns/import', { kind: 'cin' }, [{ field: 'files', name, content: CIN }]);
      expect(res.statusCode, name.slice(0, 20)).toBe(303);
      expect(await finished(analyst, String(res.headers.location))).toBe('succeeded');
    }
    const names = (await t.db.selectFrom('import_run').select('file_name').orderBy('started_at', 'desc').limit(3).execute()).map((r) => r.file_name);
    expect(names).toEqual([`${'x'.repeat(196)}.xml`, 'cin.xml', 'cin.xml']);
  });
});
