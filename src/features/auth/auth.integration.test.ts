import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, PASSWORD, TOTP_SECRET, createTestApp, signIn, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';

describe.each(dialects())('sign-in and sessions (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp(dialect); });
  afterAll(async () => { await t?.close(); });

  const lastAudit = async (action: string) =>
    t.db.selectFrom('audit_event').selectAll().where('action', '=', action).orderBy('seq', 'desc').limit(1).executeTakeFirst();

  it('signs in with password and TOTP, shows the home page, and signs out', async () => {
    const c = await signIn(t, 'social_worker@a.test');
    const home = await c.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Welcome, social_worker a');
    expect(home.headers['cache-control']).toBe('no-store');
    const out = await c.post('/sign-out');
    expect(out.body).toContain('You have signed out');
    expect((await c.get('/')).headers.location).toBe('/sign-in?next=%2F');
    expect(await lastAudit('sign_out')).toMatchObject({ user_email: 'social_worker@a.test', outcome: 'allowed' });
  });

  it('refuses a wrong password with the error summary and an audit entry, revealing nothing', async () => {
    const c = new Client(t.app);
    await c.get('/sign-in');
    const res = await c.post('/sign-in', { email: 'auditor@a.test', password: 'not-the-password-at-all' });
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('govuk-error-summary');
    expect(res.body).toContain('Enter a correct email address and password');
    const unknown = await c.post('/sign-in', { email: 'nobody@a.test', password: 'not-the-password-at-all' });
    expect(unknown.body).toContain('Enter a correct email address and password');
    expect(await lastAudit('sign_in.failed')).toMatchObject({ user_email: 'nobody@a.test', outcome: 'denied' });
  });

  it('names the empty fields', async () => {
    const c = new Client(t.app);
    await c.get('/sign-in');
    const res = await c.post('/sign-in', { email: '', password: '' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#email"');
    expect(res.body).toContain('href="#password"');
  });

  it('locks an account for a while after repeated failures, then lets the right password in', async () => {
    const c = new Client(t.app);
    await c.get('/sign-in');
    for (let i = 0; i < 5; i++) await c.post('/sign-in', { email: 'trainer@a.test', password: 'wrong-password-number-x' });
    const locked = await c.post('/sign-in', { email: 'trainer@a.test', password: PASSWORD });
    expect(locked.body).toContain('too many failed attempts');
    expect(await lastAudit('sign_in.locked')).toMatchObject({ user_email: 'trainer@a.test', outcome: 'denied' });
    t.clock.advance(16 * 60_000);
    const ok = await c.post('/sign-in', { email: 'trainer@a.test', password: PASSWORD });
    expect(ok.statusCode).toBe(302);
  });

  it('keeps a signed-in password session away from child data until the code is given, and refuses a reused code', async () => {
    const c = new Client(t.app);
    await c.get('/sign-in');
    await c.post('/sign-in', { email: 'team_manager@a.test', password: PASSWORD });
    expect((await c.get('/children')).headers.location).toBe('/sign-in/mfa');
    t.clock.advance(31_000);
    await c.get('/sign-in/mfa');
    const code = await generate({ secret: TOTP_SECRET, epoch: Math.floor(t.clock.now().getTime() / 1000) });
    expect((await c.post('/sign-in/mfa', { code: '000000' })).statusCode).toBe(401);
    expect((await c.post('/sign-in/mfa', { code: ['000000', '111111'] })).statusCode).toBe(401);
    expect((await c.post('/sign-in/mfa', { code })).headers.location).toBe('/');
    expect((await c.get('/children')).statusCode).toBe(200);

    const again = new Client(t.app);
    await again.get('/sign-in');
    await again.post('/sign-in', { email: 'team_manager@a.test', password: PASSWORD });
    await again.get('/sign-in/mfa');
    const replay = await again.post('/sign-in/mfa', { code });
    expect(replay.statusCode).toBe(401);
  });

  it('enrols a new person in MFA when their role sees child-level data', async () => {
    await t.db.updateTable('app_user').set({ mfa_secret: null, mfa_enrolled_at: null }).where('email', '=', 'data_analyst@a.test').execute();
    const c = new Client(t.app);
    await c.get('/sign-in');
    const res = await c.post('/sign-in', { email: 'data_analyst@a.test', password: PASSWORD });
    expect(res.headers.location).toBe('/mfa/set-up?next=%2F');
    expect((await c.get('/')).headers.location).toBe('/mfa/set-up');
    const page = await c.get('/mfa/set-up');
    const secret = /id="mfa-secret">([A-Z2-7]+)</.exec(page.body)![1]!;
    expect(page.body).toContain('<svg');
    t.clock.advance(31_000);
    const code = await generate({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) });
    expect((await c.post('/mfa/set-up', { code, next: '/' })).headers.location).toBe('/');
    expect((await c.get('/')).statusCode).toBe(200);
  });

  it('lets a practitioner without child-level access in on a password alone', async () => {
    await t.db.updateTable('app_user').set({ mfa_secret: null, mfa_enrolled_at: null }).where('email', '=', 'practitioner@a.test').execute();
    const c = new Client(t.app);
    await c.get('/sign-in');
    expect((await c.post('/sign-in', { email: 'practitioner@a.test', password: PASSWORD })).headers.location).toBe('/');
    expect((await c.get('/')).statusCode).toBe(200);
  });

  it('ends a session after 30 idle minutes and after 12 hours however active', async () => {
    const c = await signIn(t, 'auditor@a.test');
    t.clock.advance(29 * 60_000);
    expect((await c.get('/')).statusCode).toBe(200);
    t.clock.advance(31 * 60_000);
    const expired = await c.get('/');
    expect(expired.headers.location).toBe('/sign-in?next=%2F&expired=idle');
    expect((await c.get('/sign-in?expired=idle')).body).toContain('without activity');
    expect(await lastAudit('session.expired')).toMatchObject({ user_email: 'auditor@a.test' });

    const d = await signIn(t, 'auditor@a.test');
    for (let h = 0; h < 14; h++) {
      t.clock.advance(25 * 60_000);
      expect((await d.get('/')).statusCode).toBe(200);
      t.clock.advance(25 * 60_000);
      await d.get('/');
    }
    t.clock.advance(25 * 60_000);
    expect((await d.get('/')).headers.location).toBe('/sign-in?next=%2F&expired=absolute');
  });

  it('refuses a forged or missing CSRF token with the GOV.UK page and an audit entry', async () => {
    const c = await signIn(t, 'partnership_admin@a.test');
    await c.get('/admin/partnership');
    const forged = await c.post('/admin/partnership/population', { childPopulation: '1' }, { csrf: 'forged-token' });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('Your form could not be sent');
    const missing = await c.post('/admin/partnership/population', { childPopulation: '1' }, { csrf: null });
    expect(missing.statusCode).toBe(403);
    expect(await lastAudit('csrf.rejected')).toMatchObject({ outcome: 'denied', user_email: 'partnership_admin@a.test' });
    const p = await t.db.selectFrom('partnership').select('default_child_population').where('id', '=', t.fixture.a.id).executeTakeFirstOrThrow();
    expect(p.default_child_population).toBeNull();
  });

  it('lets a person change their password, ending their other sessions', async () => {
    const other = await signIn(t, 'business_manager@a.test');
    const c = await signIn(t, 'business_manager@a.test');
    await c.get('/account');
    const weak = await c.post('/account/password', { currentPassword: PASSWORD, newPassword: 'password1234' });
    expect(weak.body).toContain('Password is too common');
    const short = await c.post('/account/password', { currentPassword: PASSWORD, newPassword: 'short' });
    expect(short.body).toContain('12 characters or more');
    // A field posted twice is read by its first value, as every form does.
    const twice = await c.post('/account/password', { currentPassword: [PASSWORD, 'x'], newPassword: ['short', 'three random words here'] });
    expect(twice.statusCode).toBe(400);
    expect(twice.body).toContain('12 characters or more');
    const ok = await c.post('/account/password', { currentPassword: PASSWORD, newPassword: 'three random words here' });
    expect(ok.headers.location).toBe('/account');
    expect((await c.get('/account')).statusCode).toBe(200);
    expect((await other.get('/')).statusCode).toBe(302);
  });

  it('does not follow a next address off the site', async () => {
    const c = new Client(t.app);
    await c.get('/sign-in');
    await t.db.updateTable('app_user').set({ mfa_secret: null, mfa_enrolled_at: null }).where('email', '=', 'practitioner@b.test').execute();
    const res = await c.post('/sign-in', { email: 'practitioner@b.test', password: PASSWORD, next: '//evil.example/' });
    expect(res.headers.location).toBe('/');
  });

  it('limits sign-in attempts from one address', async () => {
    const c = new Client(t.app, '127.9.9.9');
    await c.get('/sign-in');
    const codes = [];
    for (let i = 0; i < 21; i++) codes.push((await c.post('/sign-in', { email: `guess${i}@a.test`, password: 'guessing-passwords-here' })).statusCode);
    expect(codes.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(codes[20]).toBe(429);
    expect(await lastAudit('request.rate_limited')).toMatchObject({ ip: '127.9.9.9', outcome: 'denied', detail: { method: 'POST', path: '/sign-in' } });
  });

  it('answers /health', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('sends the security headers with a strict CSP', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/sign-in' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self' 'nonce-[0-9a-f]+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    const nonce = /'nonce-([0-9a-f]+)'/.exec(csp)![1];
    expect(res.body).toContain(`<script nonce="${nonce}">`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('shows the GOV.UK 404 page for an unknown address', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/no-such-page' });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('Page not found');
  });
});
