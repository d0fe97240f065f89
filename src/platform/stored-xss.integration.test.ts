import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type Client, type TestApp } from '../testing/test-app';
import { dialects } from '../testing/test-db';

/**
 * Pages that built markup around stored text (a link around a rule's code, a code element around a file's
 * fingerprint) and let the text through unescaped, found by e2e/xss.test.ts: the text must reach the page
 * as text. The rule and the fingerprint are Beacon's own, but a page escapes whatever it is given.
 */

const PAYLOAD = '"><img src=x onerror="window.__xss=1"><script>window.__xss=1</script>';
const ESCAPED = '&quot;&gt;&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;&lt;script&gt;window.__xss=1&lt;/script&gt;';

function expectEscaped(body: string) {
  expect(body).not.toContain('<img src=x');
  expect(body).not.toContain('<script>window.__xss');
  expect(body).toContain(ESCAPED);
}

describe.each(dialects())('stored text in markup built by a page (%s)', (dialect) => {
  let t: TestApp;
  let analyst: Client;
  let runId: string;
  let setId: string;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    const a = t.fixture.a;
    const run = await t.db.insertInto('import_run').values({ partnership_id: a.id, kind: 'cin', file_name: 'cin.xml', file_hash: PAYLOAD, outcome: 'succeeded',
      imported_by: 'data_analyst@a.test', started_at: new Date(), finished_at: new Date() }).returning('id').executeTakeFirstOrThrow();
    runId = run.id;
    await t.db.insertInto('validation_issue').values({ import_run_id: runId, partnership_id: a.id, rule: PAYLOAD, severity: 'error', la_child_id: 'C1', location: 'Child 1', message: 'A message' }).execute();
    const set = await t.db.insertInto('partner_data_set').values({ partnership_id: a.id, agency_id: a.agencyId, period_end: '2025-03-31',
      file_name: 'police.csv', file_hash: PAYLOAD, uploaded_by: 'data_analyst@a.test', uploaded_at: new Date() }).returning('id').executeTakeFirstOrThrow();
    setId = set.id;
    analyst = await signIn(t, 'data_analyst@a.test');
  });
  afterAll(async () => { await t?.close(); });

  it('shows an import\'s fingerprint and its rules as text', async () => {
    const run = await analyst.get(`/returns/imports/${runId}`);
    expect(run.statusCode).toBe(200);
    expectEscaped(run.body);
    const issues = await analyst.get(`/returns/imports/${runId}/issues`);
    expect(issues.statusCode).toBe(200);
    expectEscaped(issues.body);
  });

  it('shows a partner data file\'s fingerprint as text', async () => {
    const res = await analyst.get(`/partner-data/${setId}`);
    expect(res.statusCode).toBe(200);
    expectEscaped(res.body);
  });
});
