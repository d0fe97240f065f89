import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgency } from '../agencies/agencies.service';
import { Client, PASSWORD, addTestPerson, createTestApp, signIn, type TestApp } from '../../testing/test-app';
import { SsoBrowser, startTestProvider, type TestProvider } from '../../testing/oidc-provider';
import { startTestSmtp, type TestSmtp } from '../../testing/smtp';
import { dialects } from '../../testing/test-db';

const PUBLIC_URL = 'https://beacon.test';
const CLIENT_SECRET = 'the-provider-gave-beacon-this-secret';

/**
 * Single sign-on against a real OpenID Connect provider (oidc-provider) on a loopback port: Beacon's
 * pages through inject(), the provider over HTTP, a browser's cookies on each side. Northshire Police
 * works with partnership A and signs its people in through the provider.
 */
describe.each(dialects())('single sign-on (%s)', (dialect) => {
  let t: TestApp;
  let smtp: TestSmtp;
  let provider: TestProvider;
  let policeId: number;
  let officerId: number;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestApp(dialect, { SMTP_URL: smtp.url, PUBLIC_URL });
    provider = await startTestProvider({
      clientId: 'beacon', clientSecret: CLIENT_SECRET, redirectUri: `${PUBLIC_URL}/sign-in/organisation/callback`,
      accounts: [
        { sub: 'officer-1', email: 'pc.hale@northshire.police.uk', email_verified: true, name: 'Sam Hale' },
        { sub: 'new-1', email: 'dc.okafor@northshire.police.uk', email_verified: true, given_name: 'Ada', family_name: 'Okafor' },
        { sub: 'new-2', email: 'pcso.reed@northshire.police.uk', email_verified: true, name: 'Jo Reed' },
        { sub: 'unverified', email: 'pc.unverified@northshire.police.uk', email_verified: false, name: 'Not Verified' },
        { sub: 'elsewhere', email: 'pc.elsewhere@northshire-police.org', email_verified: true, name: 'Other Domain' },
        { sub: 'seconded', email: 'seconded@northshire.police.uk', email_verified: true, name: 'Seconded Worker' },
        { sub: 'impostor', email: 'pc.hale@northshire.police.uk', email_verified: true, name: 'Someone Else' },
      ],
    });
    const police = await addAgency(t.db, t.fixture.a.id, { name: 'Northshire Police', type: 'police', emailDomains: 'northshire.police.uk' });
    policeId = police.id;
    officerId = await addTestPerson(t.db, t.fixture.a.id, { email: 'pc.hale@northshire.police.uk', name: 'Sam Hale', agencyId: policeId, roles: ['agency_lead'] });
    // Known to Beacon at the council, with an address at the police's domain.
    await addTestPerson(t.db, t.fixture.a.id, { email: 'seconded@northshire.police.uk', agencyId: t.fixture.a.agencyId, roles: ['practitioner'] });
  });
  afterAll(async () => { await provider?.close(); await t?.close(); await smtp?.close(); });

  /** A person at the sign-in page choosing their organisation, signing in at the provider, and arriving back at Beacon. */
  async function ssoSignIn(email: string, login: Record<string, string> | null, client = new Client(t.app)) {
    await client.get('/sign-in/organisation');
    const start = await client.post('/sign-in/organisation', { email });
    expect(start.statusCode, start.body).toBe(302);
    const browser = new SsoBrowser(t.app, client.jar, PUBLIC_URL);
    const back = await browser.toProvider(String(start.headers.location), login);
    return { client, browser, back, res: await browser.beacon(back) };
  }

  const sessionsOf = (userId: number) => t.db.selectFrom('session').selectAll().where('user_id', '=', userId).where('ended_at', 'is', null).execute();
  const audits = (action: string) => t.db.selectFrom('audit_event').selectAll().where('action', '=', action).execute();

  it('lets a partnership administrator set up an agency’s single sign-on, after correcting the form, never showing the secret again', async () => {
    const admin = await signIn(t, 'partnership_admin@a.test');
    expect((await admin.get('/admin/partnership')).body).toContain(`/admin/agencies/${policeId}/sso`);
    const page = await admin.get(`/admin/agencies/${policeId}/sso`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Set up single sign-on');
    expect(page.body).toContain(`${PUBLIC_URL}/sign-in/organisation/callback`);
    // The agency's own domains are offered.
    expect(page.body).toContain('value="northshire.police.uk"');
    // An agency id past what an id can be is no agency: 404, as for a missing one.
    expect((await admin.get('/admin/agencies/99999999999999999999/sso')).statusCode).toBe(404);
    expect((await admin.post('/admin/agencies/2147483648/sso', { issuerUrl: 'https://idp.example.org' })).statusCode).toBe(404);
    // A field posted twice is read by its first value, as every form does.
    const twice = await admin.post(`/admin/agencies/${policeId}/sso`, { issuerUrl: ['ftp://idp', 'https://idp.example.org'], clientId: ['', 'beacon'], clientSecret: '', emailDomains: 'not a domain', passwordAllowed: 'no', enabled: 'yes' });
    expect(twice.statusCode).toBe(400);
    expect(twice.body).toContain('href="#issuerUrl"');

    const bad = await admin.post(`/admin/agencies/${policeId}/sso`, { issuerUrl: 'ftp://idp', clientId: '', clientSecret: '', emailDomains: 'not a domain', passwordAllowed: 'no', enabled: 'yes' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('govuk-error-summary');
    for (const field of ['#issuerUrl', '#clientId', '#clientSecret', '#emailDomains']) expect(bad.body).toContain(`href="${field}"`);
    const insecure = await admin.post(`/admin/agencies/${policeId}/sso`, { issuerUrl: 'http://idp.example.org', clientId: 'beacon', clientSecret: 'x', emailDomains: 'northshire.police.uk', passwordAllowed: 'no', enabled: 'yes' });
    expect(insecure.statusCode).toBe(400);
    expect(insecure.body).toContain('must start with https://');
    // What was typed comes back, except the secret.
    expect(insecure.body).toContain('value="beacon"');

    const saved = await admin.post(`/admin/agencies/${policeId}/sso`, {
      issuerUrl: provider.issuer, clientId: 'beacon', clientSecret: CLIENT_SECRET, emailDomains: 'northshire.police.uk', passwordAllowed: 'no', enabled: 'yes',
    });
    expect(saved.statusCode).toBe(302);
    const shown = await admin.get(`/admin/agencies/${policeId}/sso`);
    expect(shown.body).toContain('Saved (not shown)');
    expect(shown.body).not.toContain(CLIENT_SECRET);
    const row = await t.db.selectFrom('agency_sso').selectAll().where('agency_id', '=', policeId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ partnership_id: t.fixture.a.id, client_id: 'beacon', enabled: true, password_allowed: false, email_domains: ['northshire.police.uk'] });
    expect(row.client_secret_sealed).not.toContain(CLIENT_SECRET);
    const entry = (await audits('agency_sso.set')).at(-1)!;
    expect(entry.record_id).toBe(String(policeId));
    expect(JSON.stringify(entry.detail)).not.toContain(CLIENT_SECRET);

    // Another partnership's administrator cannot reach an agency that does not work with them.
    const otherAdmin = await signIn(t, 'partnership_admin@b.test');
    expect((await otherAdmin.get(`/admin/agencies/${policeId}/sso`)).statusCode).toBe(404);
    expect((await otherAdmin.post(`/admin/agencies/${policeId}/sso`, { issuerUrl: 'https://evil.example', clientId: 'x', clientSecret: 'y', enabled: 'yes' })).statusCode).toBe(404);
  });

  it('offers sign-in with your organisation, and says when an email’s organisation does not sign in that way', async () => {
    const c = new Client(t.app);
    const page = await c.get('/sign-in');
    expect(page.body).toContain('Sign in with your organisation');
    expect(page.body).toContain('href="/sign-in/organisation"');
    // The form's answer is a redirect to the provider: browsers hold that redirect to the page's form-action.
    const form = await c.get('/sign-in/organisation');
    expect(String(form.headers['content-security-policy'])).toContain(`form-action 'self' ${provider.issuer}`);
    const blank = await c.post('/sign-in/organisation', { email: '' });
    expect(blank.statusCode).toBe(400);
    expect(blank.body).toContain('Enter your work email address');
    const malformed = await c.post('/sign-in/organisation', { email: 'pc.hale@' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.body).toContain('correct format');
    const council = await c.post('/sign-in/organisation', { email: 'social_worker@a.test' });
    expect(council.statusCode).toBe(400);
    expect(council.body).toContain('does not sign in to Beacon this way');
  });

  it('signs in one of the agency’s people in a new session, the provider’s second factor standing for Beacon’s', async () => {
    // Someone else was signed in in this browser: their session ends and a new token is issued.
    const client = await signIn(t, 'practitioner@a.test');
    const before = client.jar.get('beacon_session');
    const { res } = await ssoSignIn('PC.Hale@northshire.police.uk', { login: 'officer-1', amr: 'pwd,otp', acr: 'urn:northshire:loa:2' }, client);
    expect(res.statusCode, res.body).toBe(302);
    expect(res.headers.location).toBe('/');
    const after = client.jar.get('beacon_session');
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    const practitioner = await t.db.selectFrom('app_user').select('id').where('email', '=', 'practitioner@a.test').executeTakeFirstOrThrow();
    expect(await sessionsOf(practitioner.id)).toHaveLength(0);
    const home = await client.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Sam Hale');
    const [session] = await sessionsOf(officerId);
    expect(session).toMatchObject({ mfa_passed: true, sso_amr: ['pwd', 'otp'], sso_acr: 'urn:northshire:loa:2', partnership_id: t.fixture.a.id });
    const entry = (await audits('sign_in.sso')).at(-1)!;
    expect(entry).toMatchObject({ user_id: officerId, outcome: 'allowed' });
    expect(entry.detail).toMatchObject({ amr: ['pwd', 'otp'], mfaByProvider: true });
    // The link to the provider's subject is kept.
    expect(await t.db.selectFrom('sso_identity').select(['subject', 'issuer']).where('user_id', '=', officerId).execute()).toEqual([{ subject: 'officer-1', issuer: provider.issuer }]);
  });

  it('asks for Beacon’s own security code when the provider used one factor', async () => {
    const { res, client } = await ssoSignIn('pc.hale@northshire.police.uk', { login: 'officer-1', amr: 'pwd' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/sign-in/mfa?next=%2F');
    expect((await client.get('/')).headers.location).toBe('/sign-in/mfa');
  });

  it('refuses a Beacon password for the agency whose people must sign in with it', async () => {
    const c = new Client(t.app);
    await c.get('/sign-in');
    const res = await c.post('/sign-in', { email: 'pc.hale@northshire.police.uk', password: PASSWORD });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Your organisation signs you in to Beacon');
    expect(c.jar.get('beacon_session')).toBeUndefined();
  });

  it('provisions an unknown person of an allowed domain as waiting for approval, not signed in', async () => {
    const { res, client } = await ssoSignIn('dc.okafor@northshire.police.uk', { login: 'new-1', amr: 'pwd' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Your account is waiting for approval');
    expect(res.body).toContain('Alpha Partnership');
    expect(client.jar.get('beacon_session')).toBeUndefined();
    const user = await t.db.selectFrom('app_user').selectAll().where('email', '=', 'dc.okafor@northshire.police.uk').executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Okafor', agency_id: policeId, status: 'disabled' });
    expect(await t.db.selectFrom('membership').select('role').where('user_id', '=', user.id).execute()).toEqual([]);
    expect(await t.db.selectFrom('account_request').select(['status', 'partnership_id']).where('user_id', '=', user.id).execute())
      .toEqual([{ status: 'pending', partnership_id: t.fixture.a.id }]);
    expect((await audits('user.sso_provisioned')).map((a) => a.user_id)).toContain(user.id);
    // Coming back before approval: still waiting, still no session, no second account.
    const again = await ssoSignIn('dc.okafor@northshire.police.uk', { login: 'new-1' });
    expect(again.res.body).toContain('waiting for approval');
    expect(again.client.jar.get('beacon_session')).toBeUndefined();
    expect(await t.db.selectFrom('account_request').select('id').where('user_id', '=', user.id).execute()).toHaveLength(1);
  });

  it('lets the partnership’s administrator approve them with roles, emailing them, after which they sign in; another partnership’s cannot', async () => {
    const user = await t.db.selectFrom('app_user').select('id').where('email', '=', 'dc.okafor@northshire.police.uk').executeTakeFirstOrThrow();
    const request = await t.db.selectFrom('account_request').select('id').where('user_id', '=', user.id).executeTakeFirstOrThrow();

    const otherAdmin = await signIn(t, 'partnership_admin@b.test');
    expect((await otherAdmin.get('/admin/users')).body).not.toContain('dc.okafor@northshire.police.uk');
    expect((await otherAdmin.get(`/admin/users/requests/${request.id}`)).statusCode).toBe(404);
    expect((await otherAdmin.post(`/admin/users/requests/${request.id}/approve`, { roles: 'partnership_admin' })).statusCode).toBe(404);
    expect((await otherAdmin.post(`/admin/users/requests/${request.id}/refuse`)).statusCode).toBe(404);
    expect((await otherAdmin.get('/admin/users/requests/not-a-uuid')).statusCode).toBe(404);
    expect(await t.db.selectFrom('account_request').select('status').where('id', '=', request.id).executeTakeFirstOrThrow()).toEqual({ status: 'pending' });

    const admin = await signIn(t, 'partnership_admin@a.test');
    const list = await admin.get('/admin/users');
    expect(list.body).toContain('Waiting for approval (1)');
    expect(list.body).toContain(`/admin/users/requests/${request.id}`);
    const page = await admin.get(`/admin/users/requests/${request.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Ada Okafor');
    const noRoles = await admin.post(`/admin/users/requests/${request.id}/approve`, {});
    expect(noRoles.statusCode).toBe(400);
    expect(noRoles.body).toContain('Select at least one role');
    expect(noRoles.body).toContain('href="#roles"');
    const approved = await admin.post(`/admin/users/requests/${request.id}/approve`, { roles: ['practitioner', 'agency_lead'] });
    expect(approved.statusCode).toBe(302);
    expect((await admin.post(`/admin/users/requests/${request.id}/refuse`)).statusCode).toBe(400);
    expect((await t.db.selectFrom('membership').select('role').where('user_id', '=', user.id).orderBy('role').execute()).map((m) => m.role)).toEqual(['agency_lead', 'practitioner']);
    const mail = smtp.messages.find((m) => m.to.includes('dc.okafor@northshire.police.uk'));
    expect(mail?.subject).toBe('Your Beacon account has been approved');
    expect(mail?.text).toContain(`${PUBLIC_URL}/sign-in/organisation`);
    expect((await audits('account_request.approve')).map((a) => a.record_id)).toContain(String(user.id));
    expect((await admin.get('/admin/users')).body).not.toContain('Waiting for approval');

    const { res, client } = await ssoSignIn('dc.okafor@northshire.police.uk', { login: 'new-1', amr: 'mfa,pwd' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/');
    expect((await client.get('/')).body).toContain('Ada Okafor');
  });

  it('keeps out someone refused, and someone whose account is disabled', async () => {
    const first = await ssoSignIn('pcso.reed@northshire.police.uk', { login: 'new-2' });
    expect(first.res.body).toContain('waiting for approval');
    const user = await t.db.selectFrom('app_user').select('id').where('email', '=', 'pcso.reed@northshire.police.uk').executeTakeFirstOrThrow();
    const request = await t.db.selectFrom('account_request').select('id').where('user_id', '=', user.id).executeTakeFirstOrThrow();
    const admin = await signIn(t, 'partnership_admin@a.test');
    expect((await admin.post(`/admin/users/requests/${request.id}/refuse`)).statusCode).toBe(302);
    expect(smtp.messages.find((m) => m.to.includes('pcso.reed@northshire.police.uk'))?.subject).toBe('Your request to use Beacon');
    const refused = await ssoSignIn('pcso.reed@northshire.police.uk', { login: 'new-2', amr: 'mfa' });
    expect(refused.res.statusCode).toBe(403);
    expect(refused.res.body).toContain('was not approved');
    expect(refused.client.jar.get('beacon_session')).toBeUndefined();

    await admin.get(`/admin/users/${officerId}`);
    expect((await admin.post(`/admin/users/${officerId}/status`, { status: 'disabled' })).statusCode).toBe(302);
    const disabled = await ssoSignIn('pc.hale@northshire.police.uk', { login: 'officer-1', amr: 'mfa' });
    expect(disabled.res.statusCode).toBe(403);
    expect(disabled.res.body).toContain('has been disabled');
    expect(disabled.client.jar.get('beacon_session')).toBeUndefined();
    await admin.post(`/admin/users/${officerId}/status`, { status: 'active' });
  });

  it('rejects a callback whose state was changed, and a callback used twice', async () => {
    const client = new Client(t.app);
    await client.get('/sign-in/organisation');
    const start = await client.post('/sign-in/organisation', { email: 'pc.hale@northshire.police.uk' });
    const browser = new SsoBrowser(t.app, client.jar, PUBLIC_URL);
    const back = new URL(await browser.toProvider(String(start.headers.location), { login: 'officer-1', amr: 'mfa' }));
    back.searchParams.set('state', 'forged-state');
    const res = await browser.beacon(back.href);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Your sign-in could not be checked');
    expect(client.jar.get('beacon_session')).toBeUndefined();
    // The attempt was used up: the untouched address now finds nothing either.
    back.searchParams.delete('state');
    const replay = await browser.beacon(back.href);
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('Beacon has no record of starting this sign-in');
    expect((await audits('sign_in.sso_failed')).map((a) => (a.detail as { problem: string }).problem)).toEqual(expect.arrayContaining(['invalid_response', 'no_attempt']));
  });

  it('rejects an email the provider has not verified, a domain not in the agency’s list, and a person of another agency', async () => {
    const unverified = await ssoSignIn('pc.unverified@northshire.police.uk', { login: 'unverified' });
    expect(unverified.res.statusCode).toBe(403);
    expect(unverified.res.body).toContain('did not confirm your email address');
    const elsewhere = await ssoSignIn('pc.someone@northshire.police.uk', { login: 'elsewhere' });
    expect(elsewhere.res.statusCode).toBe(403);
    expect(elsewhere.res.body).toContain('not allowed to sign in to Beacon this way');
    for (const email of ['pc.unverified@northshire.police.uk', 'pc.elsewhere@northshire-police.org']) {
      expect(await t.db.selectFrom('app_user').select('id').where('email', '=', email).executeTakeFirst()).toBeUndefined();
    }
    const seconded = await ssoSignIn('seconded@northshire.police.uk', { login: 'seconded', amr: 'mfa' });
    expect(seconded.res.statusCode).toBe(403);
    expect(seconded.res.body).toContain('belongs to another organisation');
    // Another subject at the provider with the officer's address does not inherit the officer's account.
    const impostor = await ssoSignIn('pc.hale@northshire.police.uk', { login: 'impostor', amr: 'mfa' });
    expect(impostor.res.statusCode).toBe(403);
    expect(impostor.res.body).toContain('linked to someone else');
    expect(impostor.client.jar.get('beacon_session')).toBeUndefined();
  });

  it('gives a clear page when the person cancels at the provider, or takes too long', async () => {
    const cancelled = await ssoSignIn('pc.hale@northshire.police.uk', { cancel: '1' });
    expect(cancelled.res.statusCode).toBe(403);
    expect(cancelled.res.body).toContain('Your organisation did not sign you in');
    expect(cancelled.res.body).toContain('govuk-heading-l');

    const client = new Client(t.app);
    await client.get('/sign-in/organisation');
    const start = await client.post('/sign-in/organisation', { email: 'pc.hale@northshire.police.uk' });
    const browser = new SsoBrowser(t.app, client.jar, PUBLIC_URL);
    const back = await browser.toProvider(String(start.headers.location), { login: 'officer-1', amr: 'mfa' });
    t.clock.advance(11 * 60_000);
    const late = await browser.beacon(back);
    expect(late.statusCode).toBe(400);
    expect(late.body).toContain('Your sign-in timed out');
    const none = await new SsoBrowser(t.app, new Client(t.app).jar, PUBLIC_URL).beacon('/sign-in/organisation/callback?error=access_denied');
    expect(none.statusCode).toBe(400);
  });

  it('falls back to passwords when the administrator turns single sign-on off', async () => {
    const admin = await signIn(t, 'partnership_admin@a.test');
    await admin.get(`/admin/agencies/${policeId}/sso`);
    expect((await admin.post(`/admin/agencies/${policeId}/sso/disable`)).statusCode).toBe(302);
    expect((await audits('agency_sso.disable')).map((a) => a.record_id)).toContain(String(policeId));
    const c = new Client(t.app);
    await c.get('/sign-in/organisation');
    const res = await c.post('/sign-in/organisation', { email: 'pc.hale@northshire.police.uk' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('does not sign in to Beacon this way');
    // Password sign-in was refused while single sign-on was on; now it works again.
    const withPassword = await signIn(t, 'pc.hale@northshire.police.uk');
    expect((await withPassword.get('/')).statusCode).toBe(200);
  });
});
