import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_NAMES } from '../platform/permissions';
import { isApiAccess } from '../platform/permissions';
import { tableDigests, withoutAuditLog, type TableDigests } from '../testing/db-digest';
import { Client, addTestPerson, createTestApp, signIn, type TestApp } from '../testing/test-app';
import { routerRoutes, type RouterRoute } from './router';

/**
 * Every route as the router holds it, not as Beacon's own list says: each declares its access (deny by
 * default) and is in that list, HEAD included; and every state-changing route refuses a request without
 * the session's CSRF token (none, another session's, a forged one) and writes nothing. The exemption is a
 * bearer-token API route, which a session cookie does not reach at all.
 */

const STATE_CHANGING = ['POST', 'PUT', 'PATCH', 'DELETE'];
/** An address for a route: any value will do in a parameter, as the token is checked before a handler looks. */
const addressOf = (url: string) => url.replace(/:[A-Za-z]+/g, '1').replace('*', 'x');

// PGlite only: routing, HEAD and the CSRF check come before any query, and are the same whatever database is behind them.
describe('routes under attack (pglite)', () => {
  let t: TestApp;
  let router: RouterRoute[];

  beforeAll(async () => {
    const { built, routes } = await routerRoutes(() => createTestApp('pglite'));
    t = built;
    router = routes;
    // One person holding every role, so each route's handler is reached where the token is checked in it (uploads).
    await addTestPerson(t.db, t.fixture.a.id, { email: 'all.roles@a.test', agencyId: t.fixture.a.agencyId, roles: [...ROLE_NAMES] });
  });
  afterAll(async () => { await t?.close(); });

  it('holds in its router exactly the routes Beacon lists, HEAD too, each declaring its access', () => {
    const key = (m: string, p: string) => `${m} ${p}`;
    expect(router.map((r) => key(r.method, r.path)).sort()).toEqual(t.app.beaconRoutes.map((r) => key(r.method, r.url)).sort());
    expect(t.app.beaconRoutes.filter((r) => !r.access)).toEqual([]);
    // Fastify's automatic HEAD routes: one for each GET, none without one.
    const gets = new Set(t.app.beaconRoutes.filter((r) => r.method === 'GET').map((r) => r.url));
    const heads = t.app.beaconRoutes.filter((r) => r.method === 'HEAD');
    expect(heads.map((r) => r.url).sort()).toEqual([...gets].sort());
  });

  it('answers HEAD as it answers GET, to someone signed out and to someone without the route’s scope', async () => {
    const practitioner = await signIn(t, 'practitioner@a.test');
    const failures: string[] = [];
    for (const r of t.app.beaconRoutes.filter((x) => x.method === 'GET')) {
      const url = addressOf(r.url);
      for (const cookie of ['', practitioner.jar.header()]) {
        const [get, head] = await Promise.all(['GET', 'HEAD'].map((method) => t.app.inject({ method: method as 'GET', url, headers: { cookie } })));
        // Where to: a HEAD is not sent back to itself after sign-in, so the address is compared without its query.
        const where = (res: typeof get) => String(res!.headers.location ?? '').split('?')[0];
        if (get!.statusCode !== head!.statusCode || where(get) !== where(head)) {
          failures.push(`${r.url}${cookie ? ' (practitioner)' : ''}: GET ${get!.statusCode} ${get!.headers.location ?? ''}, HEAD ${head!.statusCode} ${head!.headers.location ?? ''}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  describe('CSRF', () => {
    let victim: Client;
    let other: Client;
    let before: TableDigests;
    const routes = () => t.app.beaconRoutes.filter((r) => STATE_CHANGING.includes(r.method));

    beforeAll(async () => {
      victim = await signIn(t, 'all.roles@a.test');
      other = await signIn(t, 'partnership_admin@a.test');
      await victim.get('/account');
      await other.get('/account');
      before = withoutAuditLog(await tableDigests(t.db));
    });

    it('finds state-changing routes to try, the uploads and the sign-in and sign-out among them', () => {
      const urls = routes().map((r) => r.url);
      expect(urls.length).toBeGreaterThan(100);
      expect(urls).toEqual(expect.arrayContaining(['/sign-in', '/sign-out', '/returns/import', '/partner-data/upload', '/admin/users/:userId/roles']));
    });

    const variants: [string, () => string | null][] = [
      ['no token', () => null],
      ['another session’s token', () => other.csrf],
      ['a forged token', () => 'forged-token-0123456789'],
      ['the token with its last character changed', () => victim.csrf.slice(0, -1) + (victim.csrf.endsWith('a') ? 'b' : 'a')],
    ];

    it('refuses every one without the session’s own token (403), forms and uploads alike, and writes nothing', async () => {
      expect(victim.csrf).not.toBe(other.csrf);
      const failures: string[] = [];
      for (const r of routes()) {
        const url = addressOf(r.url);
        if (isApiAccess(r.access!)) continue;
        for (const [name, token] of variants) {
          const form = await victim.post(url, { name: 'x', status: 'disabled', roles: 'practitioner' }, { csrf: token() });
          if (form.statusCode !== 403) failures.push(`${r.method} ${r.url} with ${name}: ${form.statusCode}`);
          if (r.url === '/returns/import' || r.url === '/partner-data/upload') {
            const upload = await victim.upload(url, { kind: 'cin', agency: String(t.fixture.a.agencyId) }, [{ field: 'files', name: 'x.csv', content: 'a,b\n1,2\n' }], { csrf: token() });
            if (upload.statusCode !== 403) failures.push(`${r.method} ${r.url} upload with ${name}: ${upload.statusCode}`);
          }
        }
      }
      expect(failures).toEqual([]);
      const after = withoutAuditLog(await tableDigests(t.db));
      expect(Object.keys(after).filter((table) => after[table]!.md5 !== before[table]!.md5)).toEqual([]);
      // Each refusal is in the audit log.
      const rejected = await t.db.selectFrom('audit_event').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'csrf.rejected').executeTakeFirstOrThrow();
      expect(Number(rejected.n)).toBeGreaterThanOrEqual(routes().length * variants.length - 4 * variants.length);
    });

    it('takes the session’s own token (the same requests go through with it)', async () => {
      const res = await victim.post('/partnership', { partnershipId: String(t.fixture.a.id) });
      expect(res.statusCode).toBe(302);
    });

    it('lets no session cookie reach the bearer-token API: 401 asking for a token, whatever CSRF token comes with it', async () => {
      const api = t.app.beaconRoutes.filter((r) => r.access && isApiAccess(r.access));
      expect(api.length).toBeGreaterThan(0);
      for (const r of api) {
        const res = await t.app.inject({
          method: r.method as 'GET', url: addressOf(r.url).replace('/1', '/00000000-0000-0000-0000-000000000000'),
          headers: { cookie: victim.jar.header(), 'x-csrf-token': victim.csrf, 'content-type': 'application/json' },
          ...(r.method === 'GET' || r.method === 'HEAD' ? {} : { payload: JSON.stringify({ source: '6' }) }),
        });
        expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
        expect(String(res.headers['www-authenticate'])).toMatch(/^Bearer/);
      }
    });

    it('sets the CSRF secret’s cookie HttpOnly and SameSite=Lax', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/sign-in' });
      const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('_csrf='))!;
      expect(cookie).toMatch(/; HttpOnly/i);
      expect(cookie).toMatch(/; SameSite=Lax/i);
    });
  });
});
