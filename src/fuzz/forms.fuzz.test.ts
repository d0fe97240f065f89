import { Writable } from 'node:stream';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app';
import { DEMO_USERS, seedDemo } from '../db/seed/demo';
import { loadConfig } from '../platform/config';
import { ROLES, type Scope } from '../platform/permissions';
import { Client, TestClock, TOTP_SECRET, seedFixture, signIn, type TestApp } from '../testing/test-app';
import { createTestDb, dialects } from '../testing/test-db';
import { formsOf, linksOf, routeMatcher, type Field, type FoundForm } from './crawl';
import { junkName, junkValue, runs } from './generators';

/**
 * Every form of the web app, posted fuzzed bodies by a person allowed to use it: the demo partnership
 * gives each form real records, found by following the pages' links. Whatever the body (fields missing,
 * repeated, renamed, values of the wrong kind, far too long, impossible dates, another partnership's
 * ids, JSON with numbers and objects where text belongs) and whatever the record's id in the address,
 * the answer is never a server error and nothing is logged as an error.
 */

type Pair = [string, string];
type Case = { url: string; pairs: Pair[]; json: Record<string, unknown> | null };

const DOWNLOAD = /\.(csv|xlsx|json|pdf|docx|ics|html)(\?|$)/;

describe.each(dialects())('every form, fuzzed (%s)', (dialect) => {
  let t: TestApp;
  const errors: string[] = [];
  let found = new Map<string, FoundForm[]>();
  let idPool: string[] = [];
  let routeKeys: { key: string; url: string; access: string }[] = [];
  const clients = new Map<string, Client>();

  beforeAll(async () => {
    const testDb = await createTestDb(dialect);
    const fixture = await seedFixture(testDb.db);
    await seedDemo(testDb.db, { children: 30, today: '2026-06-01' });
    // The demo's people sign in as the fixture's do: the test password and authenticator key.
    const hash = (await testDb.db.selectFrom('app_user').select('password_hash').where('email', '=', 'business_manager@a.test').executeTakeFirstOrThrow()).password_hash;
    await testDb.db.updateTable('app_user').set({ password_hash: hash, mfa_secret: TOTP_SECRET, mfa_enrolled_at: new Date() })
      .where('email', 'in', DEMO_USERS.map((u) => u.email)).execute();
    const clock = new TestClock();
    const logStream = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) {
          const entry = JSON.parse(line) as { level: number; msg?: string; err?: { message?: string } };
          if (entry.level >= 50) errors.push(`${entry.msg}: ${entry.err?.message ?? ''}`);
        }
        done();
      },
    });
    const app = await buildApp({ db: testDb.db, config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'error' }), now: clock.now, logStream });
    t = { app, db: testDb.db, clock, fixture, close: async () => { await app.close(); await testDb.close(); } };
    routeKeys = app.beaconRoutes.filter((r) => r.method === 'POST').map((r) => ({ key: `POST ${r.url}`, url: r.url, access: String(r.access) }));

    // Ids of the demo's records and of other partnerships', to put in addresses and choices.
    const { rows: tables } = await sql<{ name: string }>`select c.table_name as name from information_schema.columns c
      join information_schema.columns p on p.table_name = c.table_name and p.table_schema = c.table_schema and p.column_name = 'partnership_id'
      where c.table_schema = 'public' and c.column_name = 'id'`.execute(t.db);
    for (const { name } of tables) {
      const { rows } = await sql<{ id: string }>`select id::text as id from ${sql.table(name)} order by partnership_id desc limit 3`.execute(t.db);
      idPool.push(...rows.map((r) => r.id));
    }
    idPool = [...new Set(idPool)];
    found = await crawl();
  }, 300_000);
  afterAll(async () => { await t?.close(); });

  /**
   * A signed-in client for the person, kept between cases and signed in again if a case ended their session.
   * A case may have disabled the person or locked them out (an administrator's form posted at themself): they are let back in.
   */
  async function clientOf(email: string): Promise<Client> {
    let c = clients.get(email);
    if (!c) {
      await t.db.updateTable('app_user').set({ status: 'active', failed_sign_ins: 0, locked_until: null }).where('email', '=', email).execute();
      c = await signIn(t, email);
      await c.get('/');
      clients.set(email, c);
    }
    return c;
  }

  /** Follows links from each demo person's home page, one page per route, keeping the forms found. */
  async function crawl(): Promise<Map<string, FoundForm[]>> {
    const getRoute = routeMatcher(t.app.beaconRoutes, 'GET');
    const postRoute = routeMatcher(t.app.beaconRoutes, 'POST');
    const forms = new Map<string, FoundForm[]>();
    const seenRoutes = new Map<string, number>();
    for (const user of DEMO_USERS) {
      const c = await clientOf(user.email);
      const queue = ['/'];
      const visited = new Set<string>();
      while (queue.length > 0) {
        const url = queue.shift()!;
        const route = getRoute(url);
        if (!route || visited.has(route) || (seenRoutes.get(route) ?? 0) >= 3) continue;
        visited.add(route);
        seenRoutes.set(route, (seenRoutes.get(route) ?? 0) + 1);
        const res = await c.get(url);
        if (res.statusCode !== 200 || !String(res.headers['content-type']).includes('text/html')) continue;
        for (const form of formsOf(res.body, url)) {
          const key = postRoute(form.url);
          if (!key) continue;
          const list = forms.get(key) ?? [];
          if (list.length < 3) list.push({ route: key, url: form.url, fields: form.fields, email: user.email });
          forms.set(key, list);
        }
        for (const link of linksOf(res.body)) if (!DOWNLOAD.test(link) && !link.startsWith('/api/') && !link.startsWith('/sign-')) queue.push(link);
      }
    }
    return forms;
  }

  /** Someone allowed to post to a route: the demo person whose form it was, or any whose roles hold its scope. */
  const personFor = (access: string): string | null => {
    if (access === 'public') return null;
    const user = DEMO_USERS.find((u) => access === 'session' || u.roles.some((r) => (ROLES[r].scopes as readonly Scope[]).includes(access as Scope)));
    return user?.email ?? null;
  };

  const junkId = fc.oneof(fc.constantFrom(...['1', '0', '-1', '1.5', '99999999999999999999', 'abc', '%00', '..', 'null', '00000000-0000-0000-0000-000000000000', 'ZZZZZZZZ-0000-0000-0000-000000000000']),
    fc.constant('x'.repeat(3000)), fc.constantFrom(...(idPool.length ? idPool : ['1'])));

  const valueFor = (f: Field): fc.Arbitrary<string | string[]> => fc.oneof(
    { weight: 3, arbitrary: f.values.length > 0 ? fc.constantFrom(...f.values) : junkValue },
    { weight: 3, arbitrary: f.kind === 'date-part' ? fc.oneof(fc.integer({ min: -5, max: 100_000 }).map(String), junkValue) : junkValue },
    { weight: 1, arbitrary: fc.constantFrom(...idPool) },
    { weight: 1, arbitrary: fc.array(junkValue, { minLength: 2, maxLength: 3 }) },
  );

  function caseFor(url: string, fields: Field[]): fc.Arbitrary<Case> {
    const names = fields.map((f) => f.name);
    const segments = url.split('/');
    const idSegments = segments.map((s, i) => (/^[0-9a-f-]{8,}$|^\d+$/.test(s) ? i : -1)).filter((i) => i >= 0);
    const address = idSegments.length === 0 ? fc.constant(url) : fc.oneof({ weight: 4, arbitrary: fc.constant(url) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...idSegments), junkId).map(([i, id]) => segments.map((s, j) => (j === i ? encodeURIComponent(id) : s)).join('/')) });
    const chosen = fields.length === 0 ? fc.constant([] as Pair[][])
      : fc.subarray(fields).chain((fs) => (fs.length === 0 ? fc.constant([] as Pair[][]) : fc.tuple(...fs.map((f) => valueFor(f).map((v) => ([] as string[]).concat(v).map((x): Pair => [f.name, x]))))));
    const extra = fc.array(fc.tuple(junkName(names), junkValue), { maxLength: 3 });
    const json = fc.option(fc.dictionary(junkName(names), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<unknown>, { maxKeys: 6 }), { freq: 6 });
    return fc.record({ url: address, chosen, extra, json }).map(({ url: u, chosen: c, extra: x, json: j }) => ({ url: u, pairs: [...c.flat(), ...x], json: j as Record<string, unknown> | null }));
  }

  async function post(c: Client, { url, pairs, json }: Case) {
    const headers = { cookie: c.jar.header() };
    if (json) {
      return t.app.inject({ method: 'POST', url, payload: JSON.stringify({ ...json, _csrf: c.csrf }), headers: { ...headers, 'content-type': 'application/json' } });
    }
    const body = new URLSearchParams([...pairs, ['_csrf', c.csrf]]);
    return t.app.inject({ method: 'POST', url, payload: body.toString(), headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' } });
  }

  it('finds a form for most routes by following the pages', () => {
    expect(found.size).toBeGreaterThan(routeKeys.length / 2);
  });

  it('answers every upload, whatever its fields, file names and contents, with no server error', async () => {
    const fileName = fc.oneof(junkValue, fc.constantFrom('../../etc/passwd', 'a\u0000b.csv', 'return.xml', 'CON', '', '.', 'x'.repeat(300) + '.csv', 'ünïcødé.xlsx'));
    const file = fc.record({ field: fc.constantFrom('file', 'files', 'other'), name: fileName, content: fc.oneof(junkValue, fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b))) });
    const upload = fc.record({
      url: fc.constantFrom('/returns/import', '/partner-data/upload'),
      fields: fc.dictionary(junkName(['kind', 'year', 'strict', 'agency', 'periodEnd-day', 'periodEnd-month', 'periodEnd-year']), junkValue, { maxKeys: 6 }),
      files: fc.array(file, { maxLength: 3 }),
    });
    const failures: string[] = [];
    await fc.check(fc.asyncProperty(upload, async ({ url, fields, files }) => {
      const email = url === '/returns/import' ? 'analyst@northmere.gov.uk' : 'business.manager@northmere.gov.uk';
      const client = await clientOf(email);
      const before = errors.length;
      let res;
      try {
        res = await client.upload(url, fields, files.map((f) => ({ ...f, name: f.name.replace(/["\r\n]/g, '') })));
      } catch (err) {
        // A header no HTTP client could send never reaches Beacon.
        if (/Invalid character|ERR_INVALID_CHAR/.test(String(err))) return;
        throw err;
      }
      if (String(res.headers.location ?? '').startsWith('/sign-in')) clients.delete(email);
      // An import goes on after its answer: give it a moment to fail, as it may, in the log.
      await new Promise((r) => setTimeout(r, 20));
      if (res.statusCode >= 500 || errors.length > before) failures.push(`${url}: ${res.statusCode} ${JSON.stringify({ fields, files: files.map((f) => f.name) }).slice(0, 300)} ${errors.slice(before).join(' | ')}`);
    }), { numRuns: runs(60) });
    expect(failures).toEqual([]);
  }, 300_000);

  it('answers every POST route with no server error and logs none, whatever its body', async () => {
    const failures: string[] = [];
    let cases = 0;
    for (const route of routeKeys) {
      const forms = found.get(route.key) ?? [];
      const targets = forms.length > 0 ? forms.map((f) => ({ url: f.url, fields: f.fields, email: f.email as string | null }))
        : [{ url: route.url.replace(/:[A-Za-z]+/g, () => idPool[0] ?? '1'), fields: [] as Field[], email: personFor(route.access) }];
      const target = fc.constantFrom(...targets).chain((tg) => caseFor(tg.url, tg.fields).map((c) => ({ c, email: tg.email })));
      const result = await fc.check(fc.asyncProperty(target, async ({ c, email }) => {
        cases++;
        const client = email === null ? new Client(t.app) : await clientOf(email);
        if (email === null) await client.get('/sign-in');
        const before = errors.length;
        const res = await post(client, c);
        client.jar.take(res.headers['set-cookie']);
        if (email !== null && String(res.headers.location ?? '').startsWith('/sign-in')) clients.delete(email);
        if (res.statusCode >= 500 || errors.length > before) {
          throw new Error(`${route.key} as ${email ?? 'anonymous'}: ${res.statusCode} for ${c.url} ${JSON.stringify(c.json ?? c.pairs).slice(0, 400)} ${errors.slice(before).join(' | ')}`);
        }
      }), { numRuns: runs(25), endOnFailure: true });
      if (result.failed) failures.push(String((result.errorInstance as Error | undefined)?.message ?? result.counterexample));
    }
    console.log(`forms fuzz: ${routeKeys.length} POST routes, ${found.size} reached through a page's form, ${cases} cases`);
    expect(failures).toEqual([]);
  }, 600_000);
});
