import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';

describe.each(dialects())('teams (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp(dialect); });
  afterAll(async () => { await t?.close(); });

  it('are set up by the partnership administrator, and make a team manager’s team list', async () => {
    const admin = await signIn(t, 'partnership_admin@a.test');
    await admin.get('/admin/teams');
    const empty = await admin.post('/admin/teams', { name: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('href="#team-name"');
    expect((await admin.post('/admin/teams', { name: 'Safeguarding team East' })).statusCode).toBe(302);
    expect((await admin.post('/admin/teams', { name: 'Safeguarding team East' })).body).toContain('There is already a team called Safeguarding team East');
    const team = await t.db.selectFrom('team').select('id').where('name', '=', 'Safeguarding team East').executeTakeFirstOrThrow();
    const id = async (email: string) => (await t.db.selectFrom('app_user').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
    // A team's id past what an id can be is no team: 404, as for a missing one.
    expect((await admin.post('/admin/teams/99999999999999999999/members', { userId: '1' })).statusCode).toBe(404);
    // A person's id that no one can have is asked for again, or (in the address) is no member: never a database error.
    expect((await admin.post(`/admin/teams/${team.id}/members`, { userId: '1e30' })).statusCode).toBe(400);
    expect((await admin.post(`/admin/teams/${team.id}/members`, { userId: ['1.5', '2'] })).statusCode).toBe(400);
    expect((await admin.post(`/admin/teams/${team.id}/members/1.5/remove`)).statusCode).toBe(404);
    const noPerson = await admin.post(`/admin/teams/${team.id}/members`, { userId: '' });
    expect(noPerson.body).toContain(`href="#person-${team.id}"`);
    await admin.post(`/admin/teams/${team.id}/members`, { userId: String(await id('team_manager@a.test')), manager: 'yes' });
    await admin.post(`/admin/teams/${team.id}/members`, { userId: String(await id('social_worker@a.test')) });
    const outsider = await admin.post(`/admin/teams/${team.id}/members`, { userId: String(await id('social_worker@b.test')) });
    expect(outsider.statusCode).toBe(404);
    const page = await admin.get('/admin/teams');
    expect(page.body).toMatch(/team_manager a<\/td>\s*<td[^>]*>\s*Manager/);

    const tm = await signIn(t, 'team_manager@a.test');
    expect((await tm.get('/my-team')).body).toContain('Safeguarding team East');

    await admin.get('/admin/teams');
    await admin.post(`/admin/teams/${team.id}/members/${await id('team_manager@a.test')}/remove`);
    expect((await tm.get('/my-team')).body).toContain('You do not manage a team');
  });
});
