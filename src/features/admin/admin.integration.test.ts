import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, PASSWORD, createTestApp, signIn, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';

describe.each(dialects())('administration (%s)', (dialect) => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    admin = await signIn(t, 'partnership_admin@a.test');
  });
  afterAll(async () => { await t?.close(); });

  it('adds a person through the form, naming each wrong field', async () => {
    await admin.get('/admin/users/new');
    const bad = await admin.post('/admin/users/new', { name: '', email: 'not-an-email', agencyId: '' });
    expect(bad.statusCode).toBe(400);
    for (const href of ['#name', '#email', '#agencyId', '#roles']) expect(bad.body).toContain(`href="${href}"`);
    const otherAgency = await admin.post('/admin/users/new', { name: 'Eve', email: 'eve@a.test', agencyId: String(t.fixture.b.agencyId), roles: 'auditor' });
    expect(otherAgency.body).toContain('Select an agency that works with this partnership');
    const ok = await admin.post('/admin/users/new', { name: 'Kim Lowe', email: 'Kim.Lowe@a.test', agencyId: String(t.fixture.a.agencyId), roles: ['social_worker', 'auditor'] });
    expect(ok.statusCode).toBe(200);
    const password = /id="temporary-password">([^<]+)</.exec(ok.body)![1]!;
    const kim = new Client(t.app);
    await kim.get('/sign-in');
    // A social worker must set up MFA before anything else.
    expect((await kim.post('/sign-in', { email: 'kim.lowe@a.test', password })).headers.location).toBe('/mfa/set-up?next=%2F');
    const users = await admin.get('/admin/users');
    expect(users.body).toContain('Kim Lowe');
  });

  it('changes roles, disables an account and ends its sessions at once', async () => {
    const sw = await signIn(t, 'social_worker@a.test');
    expect((await sw.get('/children')).statusCode).toBe(200);
    const id = (await t.db.selectFrom('app_user').select('id').where('email', '=', 'social_worker@a.test').executeTakeFirstOrThrow()).id;
    await admin.get(`/admin/users/${id}`);
    // A person's id past what an id can be is no one: 404, as for a missing person.
    expect((await admin.get('/admin/users/99999999999999999999')).statusCode).toBe(404);
    expect((await admin.post('/admin/users/2147483648/roles', { roles: 'practitioner' })).statusCode).toBe(404);
    const noRoles = await admin.post(`/admin/users/${id}/roles`, {});
    expect(noRoles.body).toContain('Select at least one role');
    expect((await admin.post(`/admin/users/${id}/roles`, { roles: ['practitioner'] })).statusCode).toBe(302);
    // Changed roles end the person's sessions: they sign in again to work under the new ones.
    expect((await sw.get('/children')).headers.location).toContain('/sign-in');
    expect((await (await signIn(t, 'social_worker@a.test')).get('/children')).statusCode).toBe(403);
    expect((await admin.post(`/admin/users/${id}/roles`, { roles: ['social_worker'] })).statusCode).toBe(302);
    expect((await admin.post(`/admin/users/${id}/status`, { status: 'disabled' })).statusCode).toBe(302);
    expect((await sw.get('/children')).headers.location).toContain('/sign-in');
    const again = new Client(t.app);
    await again.get('/sign-in');
    expect((await again.post('/sign-in', { email: 'social_worker@a.test', password: PASSWORD })).statusCode).toBe(401);
    await admin.post(`/admin/users/${id}/status`, { status: 'active' });
    const back = await signIn(t, 'social_worker@a.test');
    await admin.post(`/admin/users/${id}/end-sessions`);
    expect((await back.get('/')).headers.location).toContain('/sign-in');
    const entries = await t.db.selectFrom('audit_event').select('action').where('record_type', '=', 'user').where('record_id', '=', String(id)).execute();
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['user.roles', 'user.disable', 'user.enable', 'user.end_sessions']));
  });

  it('will not let an administrator disable themselves', async () => {
    const me = (await t.db.selectFrom('app_user').select('id').where('email', '=', 'partnership_admin@a.test').executeTakeFirstOrThrow()).id;
    await admin.get(`/admin/users/${me}`);
    const res = await admin.post(`/admin/users/${me}/status`, { status: 'disabled' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('You cannot disable your own account');
  });

  it('sets the child population for a year and for every year, refusing nonsense', async () => {
    await admin.get('/admin/partnership');
    const bad = await admin.post('/admin/partnership/population', { childPopulation: '-5', year: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#childPopulation"');
    await admin.post('/admin/partnership/population', { childPopulation: '61500', year: '' });
    await admin.post('/admin/partnership/population', { childPopulation: '60900', year: '2023' });
    const page = await admin.get('/admin/partnership');
    expect(page.body).toContain('61,500');
    expect(page.body).toContain('60,900');
  });

  it('adds an agency, linking one that already works with another partnership', async () => {
    await admin.get('/admin/partnership');
    const bad = await admin.post('/admin/agencies', { name: 'Some Police', type: '', emailDomains: 'not a domain' });
    expect(bad.body).toContain('href="#agency-type"');
    expect(bad.body).toContain('href="#agency-domains"');
    await admin.post('/admin/agencies', { name: 'Beta Partnership Council', type: 'local_authority', emailDomains: '' });
    const agencies = await t.db.selectFrom('agency').select('id').where('name', '=', 'Beta Partnership Council').execute();
    expect(agencies).toHaveLength(1);
    expect((await admin.get('/admin/partnership')).body).toContain('Beta Partnership Council');
  });

  it('searches the audit log of its own partnership only, and verifies the chain', async () => {
    const sw = await signIn(t, 'social_worker@a.test');
    await sw.get(`/children/${t.fixture.a.childId}`);
    const page = await admin.get(`/admin/audit?recordType=child&recordId=${t.fixture.a.childId}`);
    expect(page.body).toContain('social_worker@a.test');
    expect(page.body).toContain('child.read');
    const other = await signIn(t, 'partnership_admin@b.test');
    const theirs = await other.get(`/admin/audit?recordId=${t.fixture.a.childId}`);
    expect(theirs.body).not.toContain('social_worker@a.test');
    await admin.get('/admin/audit');
    const verified = await admin.post('/admin/audit/verify');
    expect(verified.statusCode).toBe(302);
    expect((await admin.get('/admin/audit')).body).toContain('The audit log is intact');
  });
});

describe.each(dialects())('children and partnerships (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp(dialect); });
  afterAll(async () => { await t?.close(); });

  it('logs each read of a child and each search that returns children', async () => {
    const sw = await signIn(t, 'team_manager@a.test');
    const found = await sw.get('/children?q=Ada');
    expect(found.body).toContain(`/children/${t.fixture.a.childId}`);
    expect(found.body).not.toContain(t.fixture.b.childId);
    const record = await sw.get(`/children/${t.fixture.a.childId}`);
    expect(record.statusCode).toBe(200);
    expect(record.headers['cache-control']).toBe('no-store');
    const log = await t.db.selectFrom('audit_event').selectAll().where('user_email', '=', 'team_manager@a.test').orderBy('seq').execute();
    expect(log.map((e) => e.action)).toEqual(expect.arrayContaining(['child.search', 'child.read']));
    expect(log.find((e) => e.action === 'child.read')).toMatchObject({ record_id: t.fixture.a.childId, partnership_id: t.fixture.a.id, role: 'team_manager', outcome: 'allowed' });
  });

  it('answers another partnership’s child exactly as a child that does not exist, and logs the attempt', async () => {
    const sw = await signIn(t, 'social_worker@b.test');
    const theirs = await sw.get(`/children/${t.fixture.a.childId}`);
    expect(theirs.statusCode).toBe(404);
    expect(theirs.body).toContain('Page not found');
    const search = await sw.get('/children?q=Ada');
    expect(search.body).toContain('No children match');
    const denied = await t.db.selectFrom('audit_event').selectAll().where('action', '=', 'record.not_found').where('record_id', '=', t.fixture.a.childId).executeTakeFirst();
    expect(denied).toMatchObject({ user_email: 'social_worker@b.test', outcome: 'denied', partnership_id: t.fixture.b.id });
  });

  it('switches partnership only to one the person belongs to', async () => {
    await t.db.insertInto('membership').values({ user_id: (await t.db.selectFrom('app_user').select('id').where('email', '=', 'auditor@a.test').executeTakeFirstOrThrow()).id, partnership_id: t.fixture.b.id, role: 'auditor' }).execute();
    const c = await signIn(t, 'auditor@a.test');
    const home = await c.get('/');
    expect(home.body).toContain('id="switch-partnership"');
    await c.post('/partnership', { partnershipId: String(t.fixture.b.id) });
    expect((await c.get(`/children/${t.fixture.b.childId}`)).statusCode).toBe(200);
    expect((await c.get(`/children/${t.fixture.a.childId}`)).statusCode).toBe(404);
    await c.get('/');
    await c.post('/partnership', { partnershipId: '999999' });
    expect((await c.get(`/children/${t.fixture.b.childId}`)).statusCode).toBe(200);
    // The next sign-in starts where the person last worked.
    const next = await signIn(t, 'auditor@a.test');
    expect((await next.get('/')).body).toContain('Beta Partnership</span>');
  });
});

describe.each(dialects())('local timescales (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp(dialect); });
  afterAll(async () => { await t?.close(); });

  it('are set by the partnership administrator within their limits, blank meaning the usual', async () => {
    const admin = await signIn(t, 'partnership_admin@a.test');
    await admin.get('/admin/partnership');
    const tooLong = await admin.post('/admin/partnership/timescales', { strategy_discussion: '5', cp_visit: 'ten' });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain('href="#strategy_discussion"');
    expect(tooLong.body).toContain('at most 3 working days');
    expect(tooLong.body).toContain('href="#cp_visit"');
    const ok = await admin.post('/admin/partnership/timescales', { strategy_discussion: '2', cp_visit: '', mash_check_red: '2' });
    expect(ok.statusCode).toBe(302);
    const p = await t.db.selectFrom('partnership').select('settings').where('id', '=', t.fixture.a.id).executeTakeFirstOrThrow();
    expect(p.settings).toEqual({ timescales: { strategy_discussion: 2, mash_check_red: 2 } });
    const other = await t.db.selectFrom('partnership').select('settings').where('id', '=', t.fixture.b.id).executeTakeFirstOrThrow();
    expect(other.settings).toEqual({});
  });

  it('read a field posted twice by its first value, as every form does', async () => {
    const admin = await signIn(t, 'partnership_admin@a.test');
    await admin.get('/admin/partnership');
    const twice = await admin.post('/admin/partnership/timescales', { strategy_discussion: ['1', 'ten'], mash_check_green: ['x', '2'] });
    expect(twice.statusCode).toBe(400);
    expect(twice.body).toContain('href="#mash_check_green"');
    expect(twice.body).not.toContain('href="#strategy_discussion"');
  });
});
