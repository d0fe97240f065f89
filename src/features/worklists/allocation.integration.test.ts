import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { addTeam, addTeamMember } from './worklists.service';

describe.each(dialects())('allocating a child (%s)', (dialect) => {
  let t: TestApp;
  let worker: number;
  let team: number;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    const { a } = t.fixture;
    team = (await addTeam(t.db, a.id, { name: 'Assessment team' })).id;
    worker = (await t.db.selectFrom('app_user').select('id').where('email', '=', 'social_worker@a.test').executeTakeFirstOrThrow()).id;
    await addTeamMember(t.db, a.id, team, worker);
  });
  afterAll(async () => { await t?.close(); });

  it('lets a team manager allocate a child to a worker, who then sees the child in My work', async () => {
    const tm = await signIn(t, 'team_manager@a.test');
    const page = await tm.get(`/children/${t.fixture.a.childId}/allocation`);
    expect(page.body).toContain('The case has not been allocated');
    const bad = await tm.post(`/children/${t.fixture.a.childId}/allocation`, { worker: '', fromDate: '2026-05-01' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#worker"');
    const badDate = await tm.post(`/children/${t.fixture.a.childId}/allocation`, { worker: `${team}:${worker}`, fromDate: '2026-02-30' });
    expect(badDate.body).toContain('href="#fromDate"');
    const ok = await tm.post(`/children/${t.fixture.a.childId}/allocation`, { worker: `${team}:${worker}`, fromDate: '2026-05-01' });
    expect(ok.statusCode).toBe(302);
    expect((await tm.get(`/children/${t.fixture.a.childId}/allocation`)).body).toContain('social_worker a (Assessment team)');
    const sw = await signIn(t, 'social_worker@a.test');
    expect((await sw.get('/my-work')).body).toContain(`/children/${t.fixture.a.childId}`);
  });

  it('refuses a worker of another partnership', async () => {
    const other = (await t.db.selectFrom('app_user').select('id').where('email', '=', 'social_worker@b.test').executeTakeFirstOrThrow()).id;
    const tm = await signIn(t, 'team_manager@a.test');
    await tm.get(`/children/${t.fixture.a.childId}/allocation`);
    const res = await tm.post(`/children/${t.fixture.a.childId}/allocation`, { worker: `${team}:${other}`, fromDate: '2026-05-02' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Select a worker of this partnership');
  });
});
