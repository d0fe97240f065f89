import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestSmtp, type TestSmtp } from '../../testing/smtp';
import { Client, createTestApp, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { addAgency } from '../agencies/agencies.service';
import { addUser } from '../users/users.service';

const PASSWORD = 'river-kettle-lantern-north';

describe.each(dialects())('self-registration for training (%s)', (dialect) => {
  let t: TestApp;
  let smtp: TestSmtp;
  let icb: number;
  let school: number;

  const form = (over: Record<string, string> = {}) => ({
    partnership: String(t.fixture.a.id), name: 'Siân Roberts', email: 'sian.roberts@nhs.net', agencyId: String(icb), jobTitle: 'Health visitor',
    lineManagerEmail: '', password: PASSWORD, ...over,
  });
  const register = async (over: Record<string, string> = {}) => {
    const c = new Client(t.app);
    await c.get(`/register?partnership=${t.fixture.a.id}`);
    return { c, res: await c.post('/register', form(over)) };
  };
  const linkIn = (text: string) => /\/register\/verify\?token=([A-Za-z0-9_-]+)/.exec(text)?.[1];
  const signInAs = async (email: string, password = PASSWORD) => {
    const c = new Client(t.app);
    await c.get('/sign-in');
    return c.post('/sign-in', { email, password });
  };

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestApp(dialect, { SMTP_URL: smtp.url, PUBLIC_URL: 'https://beacon.test' });
    icb = (await addAgency(t.db, t.fixture.a.id, { name: 'Northmere ICB', type: 'health', emailDomains: 'nhs.net' })).id;
    school = (await addAgency(t.db, t.fixture.a.id, { name: 'Riverside Academy', type: 'education', emailDomains: 'riverside.sch.uk, riverside.org.uk' })).id;
    await addAgency(t.db, t.fixture.b.id, { name: 'Beta Trust', type: 'health', emailDomains: 'beta.nhs.uk' });
  });
  afterAll(async () => { await t?.close(); await smtp?.close(); });
  beforeEach(() => { t.clock.current = new Date('2026-06-01T09:00:00Z'); });

  it('asks which partnership first when there are several, listed by name', async () => {
    const c = new Client(t.app);
    const page = await c.get('/register');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Which safeguarding children partnership do you work in?');
    expect(page.body.indexOf('Alpha Partnership')).toBeLessThan(page.body.indexOf('Beta Partnership'));
    const chosen = await c.get(`/register?partnership=${t.fixture.a.id}`);
    expect(chosen.body).toContain('Northmere ICB');
    expect(chosen.body).toContain('@riverside.sch.uk or @riverside.org.uk');
    expect(chosen.body).not.toContain('Beta Trust');
    expect((await c.get('/register?partnership=999999')).statusCode).toBe(400);
  });

  it('refuses an address outside the agency’s domains, naming the domains allowed, and every other bad field', async () => {
    const { res } = await register({ email: 'sian@gmail.com' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Your email address must end with @nhs.net for Northmere ICB');
    const school2 = await register({ agencyId: String(school), email: 'x@nhs.net' });
    expect(school2.res.body).toContain('Your email address must end with @riverside.sch.uk or @riverside.org.uk for Riverside Academy');
    const bad = await register({ name: '', jobTitle: '', password: 'short', lineManagerEmail: 'not an address', agencyId: '' });
    for (const message of ['Enter your full name', 'Select the agency you work for', 'Enter your job title', 'Enter your line manager’s email address in the correct format',
      'Password must be 12 characters or more']) expect(bad.res.body).toContain(message);
    // The values entered are kept.
    expect(bad.res.body).toContain('value="sian.roberts@nhs.net"');
    expect(await t.db.selectFrom('app_user').select('id').where('email', '=', 'sian@gmail.com').execute()).toEqual([]);
  });

  it('verifies the address with a one-time link before the account can sign in, and the link works once', async () => {
    const manager = await t.db.selectFrom('app_user').select('id').where('email', '=', 'agency_lead@a.test').executeTakeFirstOrThrow();
    const since = smtp.messages.length;
    const { res } = await register({ lineManagerEmail: 'agency_lead@a.test' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Check your email');
    const user = await t.db.selectFrom('app_user').select(['id', 'status', 'email_verified_at', 'line_manager_id', 'job_title', 'agency_id'])
      .where('email', '=', 'sian.roberts@nhs.net').executeTakeFirstOrThrow();
    expect(user).toMatchObject({ status: 'disabled', email_verified_at: null, line_manager_id: manager.id, job_title: 'Health visitor', agency_id: icb });
    const roles = await t.db.selectFrom('membership').select(['partnership_id', 'role']).where('user_id', '=', user.id).execute();
    expect(roles).toEqual([{ partnership_id: t.fixture.a.id, role: 'practitioner' }]);

    const mail = smtp.messages.slice(since).find((m) => m.to.includes('sian.roberts@nhs.net'))!;
    expect(mail.subject).toBe('Confirm your email address to book training');
    const token = linkIn(mail.text)!;
    expect(mail.text).toContain(`https://beacon.test/register/verify?token=${token}`);
    // Only the digest is kept.
    const stored = await t.db.selectFrom('email_verification').select('token_hash').where('user_id', '=', user.id).execute();
    expect(stored.map((s) => s.token_hash)).not.toContain(token);
    expect(stored[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);

    const before = await signInAs('sian.roberts@nhs.net');
    expect(before.statusCode).toBe(401);
    expect(before.body).toContain('Confirm your email address first');
    // A wrong password says nothing about the account.
    expect((await signInAs('sian.roberts@nhs.net', 'a-wrong-password-entirely')).body).not.toContain('Confirm your email address');

    const c = new Client(t.app);
    const page = await c.get(`/register/verify?token=${token}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Confirm my email address');
    // Opening the link twice (a mail scanner, say) does not use it up.
    expect((await c.get(`/register/verify?token=${token}`)).statusCode).toBe(200);
    const done = await c.post('/register/verify', { token });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Your email address is confirmed');
    const again = await c.post('/register/verify', { token });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('This link has already been used');

    const after = await signInAs('sian.roberts@nhs.net');
    expect(after.statusCode).toBe(302);
    expect((await t.db.selectFrom('app_user').select('status').where('id', '=', user.id).executeTakeFirstOrThrow()).status).toBe('active');
    const events = await t.db.selectFrom('audit_event').select('action').where('record_id', '=', String(user.id)).execute();
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['user.register.created', 'user.verify_email']));
  });

  it('lets a link expire after 24 hours, and an unknown token does nothing', async () => {
    const since = smtp.messages.length;
    await register({ email: 'late.one@nhs.net', name: 'Late One' });
    const token = linkIn(smtp.messages.slice(since).find((m) => m.to.includes('late.one@nhs.net'))!.text)!;
    t.clock.current = new Date('2026-06-02T09:00:01Z');
    const c = new Client(t.app);
    await c.get(`/register?partnership=${t.fixture.a.id}`);
    const page = await c.get(`/register/verify?token=${token}`);
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('This link has expired');
    expect((await c.post('/register/verify', { token })).statusCode).toBe(400);
    expect((await c.post('/register/verify', { token: 'made-up' })).body).toContain('This link is not right');
    expect((await t.db.selectFrom('app_user').select('status').where('email', '=', 'late.one@nhs.net').executeTakeFirstOrThrow()).status).toBe('disabled');

    // Registering again sends a fresh link, which works.
    const resend = smtp.messages.length;
    const { res } = await register({ email: 'late.one@nhs.net', name: 'Late One' });
    expect(res.body).toContain('Check your email');
    const fresh = linkIn(smtp.messages.slice(resend).find((m) => m.to.includes('late.one@nhs.net'))!.text)!;
    expect(fresh).not.toBe(token);
    // A post without the page's own token is refused.
    expect((await new Client(t.app).post('/register/verify', { token: fresh })).statusCode).toBe(403);
    const c2 = new Client(t.app);
    await c2.get(`/register/verify?token=${fresh}`);
    expect((await c2.post('/register/verify', { token: fresh })).body).toContain('Your email address is confirmed');
  });

  it('answers an address that already has an account exactly as a new one, and emails its owner instead', async () => {
    await addUser(t.db, t.fixture.a.id, { email: 'existing@nhs.net', name: 'Existing Person', agencyId: icb, roles: ['practitioner'], password: 'copper-meadow-violin-7' });
    const since = smtp.messages.length;
    const known = await register({ email: 'existing@nhs.net' });
    const unknown = await register({ email: 'brand.new@nhs.net' });
    const strip = (html: string) => html.replace(/nonce-?[0-9a-zA-Z+/=_"-]+|value="[^"]+"/g, '').replace(/existing@nhs\.net|brand\.new@nhs\.net/g, 'ADDRESS');
    expect(known.res.statusCode).toBe(unknown.res.statusCode);
    expect(strip(known.res.body)).toBe(strip(unknown.res.body));
    const toOwner = smtp.messages.slice(since).filter((m) => m.to.includes('existing@nhs.net'));
    expect(toOwner.map((m) => m.subject)).toEqual(['You already have an account']);
    expect(linkIn(toOwner[0]!.text)).toBeUndefined();
    // Nothing about the account changed: the password is still the owner's.
    expect((await signInAs('existing@nhs.net', 'copper-meadow-violin-7')).statusCode).toBe(302);
    expect((await signInAs('existing@nhs.net')).statusCode).toBe(401);
  });

  it('is rate-limited', async () => {
    const c = new Client(t.app, '10.9.9.9');
    let last = 0;
    for (let i = 0; i < 21; i++) last = (await c.get(`/register?partnership=${t.fixture.a.id}`)).statusCode;
    expect(last).toBe(429);
  });
});
