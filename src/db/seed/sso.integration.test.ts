import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgency } from '../../features/agencies/agencies.service';
import { addTestPerson, Client, createTestApp, signIn, type TestApp } from '../../testing/test-app';
import { SsoBrowser, startTestProvider, type TestProvider } from '../../testing/oidc-provider';
import { runCli } from '../../testing/cli';
import { DEVELOPMENT_SSO_KEY } from '../../platform/config';
import { seedDialects } from '../../testing/test-db';
import { DEMO_PROVIDER, DEMO_PROVIDER_ACCOUNTS, demoIssuer, seedSso } from './sso';

const PUBLIC_URL = 'http://localhost:3000';

/**
 * The demo's single sign-on as a newcomer tries it: the police force set up with the demo provider's
 * address, that provider running as `beacon demo sso-provider` runs it, and the force's people signing in.
 */
describe.each(seedDialects())('demo seed: the police force’s single sign-on (%s)', (dialect) => {
  let t: TestApp;
  let provider: TestProvider;
  let policeId: number;

  beforeAll(async () => {
    t = await createTestApp(dialect, { PUBLIC_URL });
    policeId = (await addAgency(t.db, t.fixture.a.id, { name: 'Northmere and Eastholm Police', type: 'police', emailDomains: 'nep.police.uk' })).id;
    await addTestPerson(t.db, t.fixture.a.id, { email: 'safeguarding.lead@nep.police.uk', name: 'DI Claire Hughes', agencyId: policeId, roles: ['agency_lead'] });
    await seedSso(t.db, { partnershipId: t.fixture.a.id, today: '2026-11-24', policeAgencyId: policeId, key: DEVELOPMENT_SSO_KEY });
    provider = await startTestProvider({
      clientId: DEMO_PROVIDER.clientId, clientSecret: DEMO_PROVIDER.clientSecret, redirectUri: `${PUBLIC_URL}/sign-in/organisation/callback`,
      accounts: DEMO_PROVIDER_ACCOUNTS, port: DEMO_PROVIDER.port, chooser: true,
    });
  });
  afterAll(async () => { await provider?.close(); await t?.close(); });

  async function ssoSignIn(email: string, login: Record<string, string>) {
    const client = new Client(t.app);
    await client.get('/sign-in/organisation');
    const start = await client.post('/sign-in/organisation', { email });
    expect(start.statusCode, start.body).toBe(302);
    const browser = new SsoBrowser(t.app, client.jar, PUBLIC_URL);
    return browser.beacon(await browser.toProvider(String(start.headers.location), login));
  }

  it('sets the force up with the demo provider, its people free to use their passwords too', async () => {
    expect(provider.issuer).toBe(demoIssuer());
    const sso = await t.db.selectFrom('agency_sso').selectAll().where('agency_id', '=', policeId).executeTakeFirstOrThrow();
    expect(sso).toMatchObject({ issuer_url: demoIssuer(), client_id: DEMO_PROVIDER.clientId, email_domains: ['nep.police.uk'], password_allowed: true, enabled: true });
    expect(JSON.stringify(sso)).not.toContain(DEMO_PROVIDER.clientSecret);
  });

  it('offers the force’s accounts on the provider’s page, and signs a known officer in with the provider’s second factor', async () => {
    const client = new Client(t.app);
    await client.get('/sign-in/organisation');
    const start = await client.post('/sign-in/organisation', { email: 'safeguarding.lead@nep.police.uk' });
    const authorise = await fetch(String(start.headers.location), { redirect: 'manual' });
    const cookie = authorise.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const html = await (await fetch(new URL(authorise.headers.get('location')!, provider.issuer), { headers: { cookie } })).text();
    for (const a of DEMO_PROVIDER_ACCOUNTS) expect(html).toContain(`value="${a.sub}"`);
    expect(html).toContain('<legend>Who are you at the force?</legend>');

    const res = await ssoSignIn('safeguarding.lead@nep.police.uk', { login: 'nep-08812', amr: 'pwd,mfa' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/');
  });

  it('has two officers waiting for approval, and provisions a new starter who signs in', async () => {
    const admin = await signIn(t, 'partnership_admin@a.test');
    const before = await admin.get('/admin/users');
    expect(before.body).toContain('PC Jordan Reid');
    expect(before.body).toContain('DS Aisha Khan');
    const waiting = await ssoSignIn('pc.jordan.reid@nep.police.uk', { login: 'nep-11920' });
    expect(waiting.body).toContain('Your account is waiting for approval');
    const fresh = await ssoSignIn('pc.new.starter@nep.police.uk', { login: 'nep-12044' });
    expect(fresh.body).toContain('Your account is waiting for approval');
    const pending = await t.db.selectFrom('account_request as r').innerJoin('app_user as u', 'u.id', 'r.user_id').select('u.email')
      .where('r.partnership_id', '=', t.fixture.a.id).where('r.status', '=', 'pending').orderBy('u.email').execute();
    expect(pending.map((p) => p.email)).toEqual(['ds.aisha.khan@nep.police.uk', 'pc.jordan.reid@nep.police.uk', 'pc.new.starter@nep.police.uk']);
  });

  it('has no single sign-on where the server keeps no key for secrets', async () => {
    await seedSso(t.db, { partnershipId: t.fixture.b.id, today: '2026-11-24', policeAgencyId: t.fixture.b.agencyId, key: null });
    expect(await t.db.selectFrom('agency_sso').select('agency_id').where('partnership_id', '=', t.fixture.b.id).execute()).toEqual([]);
  });

  it('refuses a port that is not one', async () => {
    const res = await runCli(async (fn) => fn({ db: t.db, dialect, describe: 'test', close: async () => {} }), ['demo', 'sso-provider', '--port', 'eighty']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--port must be a port number, not "eighty"');
  });
});
