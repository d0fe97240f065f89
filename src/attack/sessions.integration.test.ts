import crypto from 'node:crypto';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgency } from '../features/agencies/agencies.service';
import { SsoBrowser, startTestProvider, type TestProvider } from '../testing/oidc-provider';
import { Client, PASSWORD, TOTP_SECRET, addTestPerson, createTestApp, signIn, type TestApp } from '../testing/test-app';
import { dialects } from '../testing/test-db';

/**
 * Session fixation: a token in the browser before a step that gives rights (the password, the second
 * factor, single sign-on, changed roles or password, another partnership) is never the token after it,
 * and is dead once the step is done; signing out ends the session on the server, not only in the browser.
 */

const PUBLIC_URL = 'https://beacon.test';
const CLIENT_SECRET = 'the-provider-gave-beacon-this-secret';
const COOKIE = 'beacon_session';

describe.each(dialects())('session fixation (%s)', (dialect) => {
  let t: TestApp;
  let provider: TestProvider;

  beforeAll(async () => {
    t = await createTestApp(dialect, { PUBLIC_URL });
    provider = await startTestProvider({
      clientId: 'beacon', clientSecret: CLIENT_SECRET, redirectUri: `${PUBLIC_URL}/sign-in/organisation/callback`,
      accounts: [{ sub: 'officer-1', email: 'pc.hale@northshire.police.uk', email_verified: true, name: 'Sam Hale' }],
    });
    const police = await addAgency(t.db, t.fixture.a.id, { name: 'Northshire Police', type: 'police', emailDomains: 'northshire.police.uk' });
    await addTestPerson(t.db, t.fixture.a.id, { email: 'pc.hale@northshire.police.uk', name: 'Sam Hale', agencyId: police.id, roles: ['agency_lead'] });
    const admin = await signIn(t, 'partnership_admin@a.test');
    await admin.get(`/admin/agencies/${police.id}/sso`);
    const saved = await admin.post(`/admin/agencies/${police.id}/sso`, {
      issuerUrl: provider.issuer, clientId: 'beacon', clientSecret: CLIENT_SECRET, emailDomains: 'northshire.police.uk', passwordAllowed: 'yes', enabled: 'yes',
    });
    expect(saved.statusCode, saved.body).toBe(302);
  });
  afterAll(async () => { await provider?.close(); await t?.close(); });

  const row = (token: string) => t.db.selectFrom('session').selectAll().where('id', '=', crypto.createHash('sha256').update(token).digest('hex')).executeTakeFirst();
  /** The token is refused: a page needing a session sends the browser to sign in. */
  async function dead(token: string) {
    const c = new Client(t.app);
    c.jar.take(`${COOKIE}=${token}`);
    const res = await c.get('/account');
    return res.statusCode === 302 && String(res.headers.location).startsWith('/sign-in');
  }
  const live = async (token: string) => !(await dead(token));

  /** The password step alone: the client holds a session that waits for the second factor. */
  async function passwordOnly(email: string, client = new Client(t.app)) {
    await client.get('/sign-in');
    const res = await client.post('/sign-in', { email, password: PASSWORD });
    expect(String(res.headers.location), `${res.statusCode} ${res.body.slice(0, 3000)}`).toMatch(/^\/sign-in\/mfa/);
    return client;
  }
  async function secondFactor(client: Client) {
    t.clock.advance(31_000);
    await client.get('/sign-in/mfa');
    const res = await client.post('/sign-in/mfa', { code: await generate({ secret: TOTP_SECRET, epoch: Math.floor(t.clock.now().getTime() / 1000) }) });
    expect(res.statusCode).toBe(302);
  }

  it('never takes on a session cookie an attacker chose before sign-in', async () => {
    const chosen = 'attacker-chosen-value-0123456789abcdef';
    const victim = new Client(t.app);
    victim.jar.take(`${COOKIE}=${chosen}`);
    await passwordOnly('social_worker@a.test', victim);
    expect(victim.jar.get(COOKIE)).not.toBe(chosen);
    await secondFactor(victim);
    expect(victim.jar.get(COOKIE)).not.toBe(chosen);
    expect(await row(chosen)).toBeUndefined();
    expect(await dead(chosen)).toBe(true);
    expect((await victim.get('/children')).statusCode).toBe(200);
  });

  it('ends a real session planted before sign-in, half signed in or whole, and issues the victim a new one', async () => {
    for (const whole of [false, true]) {
      const attacker = whole ? await signIn(t, 'practitioner@a.test') : await passwordOnly('practitioner@a.test');
      const planted = attacker.jar.get(COOKIE)!;
      // The cookie is planted while the victim's sign-in form is open (a browser holding a whole session is sent from the form to its home page).
      const victim = new Client(t.app);
      await victim.get('/sign-in');
      victim.jar.take(`${COOKIE}=${planted}`);
      const res = await victim.post('/sign-in', { email: 'team_manager@a.test', password: PASSWORD });
      expect(res.headers.location).toMatch(/^\/sign-in\/mfa/);
      await secondFactor(victim);
      const issued = victim.jar.get(COOKIE)!;
      expect(issued).not.toBe(planted);
      expect((await row(planted))?.ended_at).not.toBeNull();
      expect(await dead(planted)).toBe(true);
      // The victim's session is theirs alone: the attacker's copy of the old token reaches nothing.
      expect((await attacker.get('/account')).headers.location).toMatch(/^\/sign-in/);
      expect((await victim.get('/my-team')).statusCode).toBe(200);
    }
  });

  it('issues a new token when the second factor is passed, and the one issued after the password alone dies', async () => {
    const c = await passwordOnly('auditor@a.test');
    const afterPassword = c.jar.get(COOKIE)!;
    await secondFactor(c);
    const afterMfa = c.jar.get(COOKIE)!;
    expect(afterMfa).not.toBe(afterPassword);
    expect(await row(afterPassword)).toMatchObject({ end_reason: 'second factor passed' });
    expect(await dead(afterPassword)).toBe(true);
    expect(await live(afterMfa)).toBe(true);
    // The absolute timeout still counts from the sign-in.
    expect((await row(afterMfa))!.created_at.getTime()).toBe((await row(afterPassword))!.created_at.getTime());
  });

  it('issues a new token at enrolment in an authenticator app, the first sign-in of someone who must have one', async () => {
    await t.db.updateTable('app_user').set({ mfa_secret: null, mfa_enrolled_at: null }).where('email', '=', 'data_analyst@a.test').execute();
    const c = new Client(t.app);
    await c.get('/sign-in');
    expect((await c.post('/sign-in', { email: 'data_analyst@a.test', password: PASSWORD })).headers.location).toMatch(/^\/mfa\/set-up/);
    const before = c.jar.get(COOKIE)!;
    const page = await c.get('/mfa/set-up');
    const secret = /id="mfa-secret">([A-Z2-7]+)</.exec(page.body)![1]!;
    const code = await generate({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) });
    expect((await c.post('/mfa/set-up', { code })).statusCode).toBe(302);
    expect(c.jar.get(COOKIE)).not.toBe(before);
    expect(await dead(before)).toBe(true);
    expect(await live(c.jar.get(COOKIE)!)).toBe(true);
  });

  it('issues a new token at single sign-on and at the second factor after it, ending any session in the browser before', async () => {
    const client = new Client(t.app);
    const chosen = 'attacker-chosen-before-sso';
    client.jar.take(`${COOKIE}=${chosen}`);
    const planted = (await passwordOnly('practitioner@a.test')).jar.get(COOKIE)!;
    client.jar.take(`${COOKIE}=${planted}`);
    await client.get('/sign-in/organisation');
    const start = await client.post('/sign-in/organisation', { email: 'pc.hale@northshire.police.uk' });
    expect(start.statusCode, start.body).toBe(302);
    const browser = new SsoBrowser(t.app, client.jar, PUBLIC_URL);
    const back = await browser.toProvider(String(start.headers.location), { login: 'officer-1', amr: 'pwd' });
    const res = await browser.beacon(back);
    expect(res.headers.location).toMatch(/^\/sign-in\/mfa/);
    const afterSso = client.jar.get(COOKIE)!;
    expect(afterSso).not.toBe(planted);
    expect(await dead(planted)).toBe(true);
    await secondFactor(client);
    expect(client.jar.get(COOKIE)).not.toBe(afterSso);
    expect(await dead(afterSso)).toBe(true);
    expect((await client.get('/')).body).toContain('Sam Hale');
  });

  it('issues a new token at a change of password, and every older session of the person dies', async () => {
    const other = await signIn(t, 'executive@a.test');
    const c = await signIn(t, 'executive@a.test');
    const before = c.jar.get(COOKIE)!;
    await c.get('/account');
    const changed = await c.post('/account/password', { currentPassword: PASSWORD, newPassword: 'Tangerine-Lighthouse-Quartz-42' });
    expect(changed.statusCode).toBe(302);
    expect(c.jar.get(COOKIE)).not.toBe(before);
    expect(await dead(before)).toBe(true);
    expect(await dead(other.jar.get(COOKIE)!)).toBe(true);
    expect(await live(c.jar.get(COOKIE)!)).toBe(true);
  });

  it('ends a person’s sessions when an administrator changes their roles, and gives an administrator changing their own a new token', async () => {
    const person = await signIn(t, 'trainer@a.test');
    const token = person.jar.get(COOKIE)!;
    const admin = await signIn(t, 'partnership_admin@a.test');
    const trainer = await t.db.selectFrom('app_user').select('id').where('email', '=', 'trainer@a.test').executeTakeFirstOrThrow();
    await admin.get(`/admin/users/${trainer.id}`);
    // The same roles again change nothing, so the person's session goes on.
    expect((await admin.post(`/admin/users/${trainer.id}/roles`, { roles: ['trainer'] })).statusCode).toBe(302);
    expect(await live(token)).toBe(true);
    expect((await admin.post(`/admin/users/${trainer.id}/roles`, { roles: ['trainer', 'social_worker'] })).statusCode).toBe(302);
    expect(await dead(token)).toBe(true);
    // Their next session has the new rights.
    expect((await (await signIn(t, 'trainer@a.test')).get('/children')).statusCode).toBe(200);

    const self = await t.db.selectFrom('app_user').select('id').where('email', '=', 'partnership_admin@a.test').executeTakeFirstOrThrow();
    const before = admin.jar.get(COOKIE)!;
    await admin.get(`/admin/users/${self.id}`);
    expect((await admin.post(`/admin/users/${self.id}/roles`, { roles: ['partnership_admin', 'auditor'] })).statusCode).toBe(302);
    expect(admin.jar.get(COOKIE)).not.toBe(before);
    expect(await dead(before)).toBe(true);
    expect((await admin.get('/admin/users')).statusCode).toBe(200);
  });

  it('issues a new token on moving to another partnership, whose roles are other rights', async () => {
    const worker = await t.db.selectFrom('app_user').select('id').where('email', '=', 'social_worker@a.test').executeTakeFirstOrThrow();
    await t.db.insertInto('membership').values({ user_id: worker.id, partnership_id: t.fixture.b.id, role: 'auditor' }).execute();
    const c = await signIn(t, 'social_worker@a.test');
    const before = c.jar.get(COOKIE)!;
    await c.get('/account');
    expect((await c.post('/partnership', { partnershipId: String(t.fixture.b.id) })).statusCode).toBe(302);
    expect(c.jar.get(COOKIE)).not.toBe(before);
    expect(await dead(before)).toBe(true);
    expect((await row(c.jar.get(COOKIE)!))?.partnership_id).toBe(t.fixture.b.id);
  });

  it('ends the session on the server at sign-out: the cookie, replayed, reaches nothing', async () => {
    const c = await signIn(t, 'business_manager@a.test');
    const token = c.jar.get(COOKIE)!;
    await c.get('/account');
    expect((await c.post('/sign-out')).statusCode).toBe(200);
    expect((await row(token))).toMatchObject({ end_reason: 'signed out' });
    expect((await row(token))?.ended_at).not.toBeNull();
    expect(await dead(token)).toBe(true);
  });

  it('sets the session cookie HttpOnly, SameSite=Lax and host-only, for the whole site', async () => {
    const c = new Client(t.app);
    await c.get('/sign-in');
    const res = await c.post('/sign-in', { email: 'practitioner@a.test', password: PASSWORD });
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((h) => h.startsWith(`${COOKIE}=`))!;
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).toMatch(/; Path=\//i);
    expect(cookie).not.toMatch(/; Domain=/i);
  });
});
