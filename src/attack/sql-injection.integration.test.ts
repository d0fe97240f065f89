import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_NAMES } from '../platform/permissions';
import { tableDigests, withoutAuditLog, type TableDigests } from '../testing/db-digest';
import { addTestPerson, createTestApp, signIn, type Client, type TestApp } from '../testing/test-app';
import { dialects } from '../testing/test-db';

/**
 * SQL injection through every search, filter and sort: each page whose handler reads its query string is
 * asked with every parameter name the handlers and their filter parsers read, set to each payload. No 500,
 * nothing of the other partnership's shown, no table touched; LIKE's wildcards match only themselves.
 */

const PAYLOADS = [
  "' OR 1=1 --", "'; DROP TABLE child; --", '%', '_', '\\', "') UNION SELECT id, la_child_id, first_name, last_name FROM child --",
  '\u2019 OR \u20181\u2019=\u20181', '1; SELECT pg_sleep(5)', "Bea' OR last_name LIKE '%", '%%\\%_',
];
/** What only partnership B's pages hold: its child's name and LA id. */
const OTHERS = ['Bea Testchild', '802000001'];

/** Parameter names a handler or the feature code it calls reads from a query string (`q.x`, `query.x`, `filters.x`, `{ x?: string }`). */
function parameterNames(sources: string[]): string[] {
  const names = new Set<string>();
  for (const src of sources) {
    for (const m of src.matchAll(/\b(?:q|query|filters?|raw|input)\??\.([a-zA-Z_]\w{0,30})\b/g)) names.add(m[1]!);
    for (const m of src.matchAll(/req\.query as \{([^}]*)\}/g)) for (const n of m[1]!.matchAll(/(\w+)\??:/g)) names.add(n[1]!);
    for (const m of src.matchAll(/\b(?:q|query)\[['"](\w+)['"]\]/g)) names.add(m[1]!);
  }
  for (const builtIn of ['length', 'slice', 'trim', 'map', 'split', 'filter', 'toString', 'includes', 'get', 'then']) names.delete(builtIn);
  return [...names].sort();
}

const featureSources = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
  const p = path.join(dir, e.name);
  return e.isDirectory() ? featureSources(p) : /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [fs.readFileSync(p, 'utf8')] : [];
});

describe.each(dialects())('SQL injection in searches and filters (%s)', (dialect) => {
  let t: TestApp;
  let everyone: Client;
  let before: TableDigests;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    // Every role at once, in partnership A: every page is open to them, none of B's.
    await addTestPerson(t.db, t.fixture.a.id, { email: 'all.roles@a.test', agencyId: t.fixture.a.agencyId, roles: [...ROLE_NAMES] });
    everyone = await signIn(t, 'all.roles@a.test');
    before = withoutAuditLog(await tableDigests(t.db));
  });
  afterAll(async () => { await t?.close(); });

  // The handlers as written (the router holds them bound, which hides their source).
  const queried = () => t.app.beaconRoutes.filter((r) => r.method === 'GET' && String(r.handler).includes('req.query')).map((r) => ({ path: r.url, handler: r.handler }));

  it('finds the pages that read a query string, the searches among them', () => {
    const urls = queried().map((r) => r.path);
    expect(urls).toEqual(expect.arrayContaining(['/children', '/admin/audit', '/actions', '/governance/challenges', '/returns/imports/:runId/issues', '/training', '/outside-home']));
  });

  it('answers every page with every parameter set to each payload without a 500 or another partnership’s data, touching no table', async () => {
    const names = parameterNames([...queried().map((r) => String(r.handler)), ...featureSources('src/features'), fs.readFileSync('src/platform/audit.ts', 'utf8')]);
    expect(names).toEqual(expect.arrayContaining(['q', 'user', 'action', 'recordId', 'rule', 'child', 'status', 'page']));
    const failures: string[] = [];
    for (const r of queried()) {
      const address = r.path.replace(':childId', t.fixture.a.childId).replace(/:\w+/g, '00000000-0000-0000-0000-000000000000');
      for (const payload of PAYLOADS) {
        const query = new URLSearchParams(names.map((n) => [n, payload])).toString();
        const res = await everyone.get(`${address}?${query}`);
        if (res.statusCode >= 500) failures.push(`${r.path} with ${payload}: ${res.statusCode}`);
        const shown = OTHERS.find((o) => res.body.includes(o));
        if (shown) failures.push(`${r.path} with ${payload}: shows ${shown}`);
      }
    }
    expect(failures).toEqual([]);
    expect(withoutAuditLog(await tableDigests(t.db))).toEqual(before);
  });

  it('takes LIKE’s wildcards and escape as the characters they are, in the search for a child and in the audit log', async () => {
    expect((await everyone.get('/children?q=Ada')).body).toContain('Testchild');
    // A name is searched by its letters (with ' and -), so these come to nothing; ids match whole.
    for (const q of ['%', '_', '\\', '%%', '\\%', 'A_a', '80%', '801%', '8010000_1']) {
      const res = await everyone.get(`/children?q=${encodeURIComponent(q)}`);
      expect(res.statusCode).toBe(200);
      expect(res.body, q).not.toContain('Testchild');
    }
    expect((await everyone.get('/admin/audit?user=all.roles')).body).toContain('all.roles@a.test');
    for (const user of ['%', '_', '%roles', 'all_roles', '\\']) {
      const res = await everyone.get(`/admin/audit?user=${encodeURIComponent(user)}`);
      expect(res.statusCode).toBe(200);
      expect(res.body, user).not.toContain('all.roles@a.test');
    }
  });

  it('answers a payload in an address’s own parameters as a missing record, never a 500', async () => {
    const failures: string[] = [];
    for (const r of t.app.beaconRoutes.filter((x) => x.method === 'GET' && x.url.includes(':')).map((x) => ({ path: x.url }))) {
      for (const payload of ["' OR 1=1 --", "1') UNION SELECT 1 --"]) {
        const res = await everyone.get(r.path.replace(/:\w+/g, encodeURIComponent(payload)));
        if (res.statusCode >= 500) failures.push(`${r.path} with ${payload}: ${res.statusCode}`);
        if (OTHERS.some((o) => res.body.includes(o))) failures.push(`${r.path} with ${payload}: shows another partnership's data`);
      }
    }
    expect(failures).toEqual([]);
  });
});
