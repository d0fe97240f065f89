import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type Client, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';

const date = (name: string, d: string) => {
  const [y, m, day] = d.split('-');
  return { [`${name}-day`]: String(Number(day)), [`${name}-month`]: String(Number(m)), [`${name}-year`]: y! };
};

describe.each(dialects())('recording the journey (%s)', (dialect) => {
  let t: TestApp;
  let sw: Client;
  let child: string;
  const base = () => `/children/${child}/records`;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    child = t.fixture.a.childId;
    sw = await signIn(t, 'social_worker@a.test');
  });
  afterAll(async () => { await t?.close(); });

  const post = async (type: string, form: Record<string, string | string[]>) => {
    await sw.get(`${base()}/${type}/new`);
    return sw.post(`${base()}/${type}/new`, form);
  };
  const referralId = async (d: string) =>
    (await t.db.selectFrom('referral').select('id').where('child_id', '=', child).where('referral_date', '=', d).executeTakeFirstOrThrow()).id;

  it('saves a referral, shows it in the chronology and logs the write', async () => {
    const res = await post('referral', { ...date('referral_date', '2026-01-05'), referral_source: '6', primary_need: 'N1' });
    expect(res.headers.location).toBe(`/children/${child}#chronology`);
    const page = await sw.get(`/children/${child}`);
    expect(page.body).toContain('Referral saved.');
    expect(page.body).toContain('source 6: Police');
    const audit = await t.db.selectFrom('audit_event').selectAll().where('action', '=', 'child.record.create').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ record_type: 'child', record_id: child, user_email: 'social_worker@a.test', outcome: 'allowed' });
  });

  it('names every wrong field and saves nothing', async () => {
    const before = await t.db.selectFrom('referral').select('id').execute();
    const future = await post('referral', { ...date('referral_date', '2026-07-01'), referral_source: '' });
    expect(future.statusCode).toBe(400);
    expect(future.body).toContain('href="#referral_date-day"');
    expect(future.body).toContain('Date of referral must be today or in the past');
    expect(future.body).toContain('href="#referral_source"');
    const impossible = await post('referral', { 'referral_date-day': '31', 'referral_date-month': '2', 'referral_date-year': '2026', referral_source: '6' });
    expect(impossible.body).toContain('must be a real date');
    const order = await post('referral', { ...date('referral_date', '2026-02-02'), referral_source: '6', ...date('closure_date', '2026-01-30'), closure_reason: 'RC8' });
    expect(order.body).toContain('The case cannot close before the referral');
    const badCode = await post('referral', { ...date('referral_date', '2021-06-01'), referral_source: '5D' });
    expect(badCode.body).toContain('ReferralSource &#39;5D&#39; is not a valid code for 2021-22');
    const duplicate = await post('referral', { ...date('referral_date', '2026-01-05'), referral_source: '2A' });
    expect(duplicate.body).toContain('A referral on this date is already recorded for this child');
    expect(await t.db.selectFrom('referral').select('id').execute()).toHaveLength(before.length);
  });

  it('will not start a protection plan before its conference, nor overlap a child in need plan', async () => {
    const referral = await referralId('2026-01-05');
    const noConference = await post('cp_plan', { parentId: referral, ...date('start_date', '2026-02-01'), initial_category: 'NEG' });
    expect(noConference.body).toContain('Record the initial child protection conference first');
    expect((await post('initial_conference', { parentId: referral, ...date('conference_date', '2026-02-10'), resulted_in_plan: 'yes' })).statusCode).toBe(302);
    const early = await post('cp_plan', { parentId: referral, ...date('start_date', '2026-02-09'), initial_category: 'NEG' });
    expect(early.body).toContain('A plan cannot start before its conference (2026-02-10)');
    expect((await post('cp_plan', { parentId: referral, ...date('start_date', '2026-02-10'), initial_category: 'NEG' })).statusCode).toBe(302);
    const overlap = await post('cin_plan', { parentId: referral, ...date('start_date', '2026-03-01') });
    expect(overlap.body).toContain('A child in need plan cannot overlap a child protection plan');
  });

  it('refuses a parent record that is not this child’s', async () => {
    const res = await post('assessment', { parentId: '00000000-0000-4000-8000-000000000000', ...date('start_date', '2026-01-06') });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#parentId"');
  });

  it('reads times as London clock time and keeps the return interview after the return', async () => {
    const wrong = await post('missing_episode', { missing_type: 'M', 'started_at-date': '1/5/2026', 'started_at-time': '21:30', 'returned_at-date': '1/5/2026', 'returned_at-time': '20:00' });
    expect(wrong.body).toContain('The child cannot return before going missing');
    const ok = await post('missing_episode', { missing_type: 'M', 'started_at-date': '1/5/2026', 'started_at-time': '21:30', 'returned_at-date': '2/5/2026', 'returned_at-time': '07:15' });
    expect(ok.statusCode).toBe(302);
    const saved = await t.db.selectFrom('missing_episode').selectAll().where('child_id', '=', child).executeTakeFirstOrThrow();
    // 21:30 BST is 20:30 UTC.
    expect(saved.started_at!.toISOString()).toBe('2026-05-01T20:30:00.000Z');
    expect(saved.start_date).toBe('2026-05-01');
  });

  it('keeps both versions when two people edit the same record, and loses nothing', async () => {
    const id = await referralId('2026-01-05');
    const url = `${base()}/referral/${id}`;
    const tm = await signIn(t, 'team_manager@a.test');
    const mine = await sw.get(url);
    expect(mine.body).toContain('value="2026"');
    await tm.get(url);
    const first = await tm.post(url, { version: '1', ...date('referral_date', '2026-01-05'), referral_source: '2A', primary_need: 'N1' });
    expect(first.statusCode).toBe(302);
    const second = await sw.post(url, { version: '1', ...date('referral_date', '2026-01-05'), referral_source: '6', primary_need: 'N4' });
    expect(second.statusCode).toBe(409);
    expect(second.body).toContain('Someone else saved this record after you opened it');
    for (const version of ['abc', '4e-323']) {
      expect((await sw.post(url, { version, ...date('referral_date', '2026-01-05'), referral_source: '6', primary_need: 'N4' })).statusCode, version).toBe(409);
    }
    expect(second.body).toMatch(/Referral source<\/td>\s*<td[^>]*>\s*2A\s*<\/td>\s*<td[^>]*>\s*6\s*<\/td>/);
    // The form still holds this person's changes, now against the saved version.
    expect(second.body).toContain('name="version" value="2"');
    expect(second.body).toMatch(/<option value="N4" selected>/);
    const saved = await t.db.selectFrom('referral').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(saved).toMatchObject({ referral_source: '2A', version: 2 });
    const again = await sw.post(url, { version: '2', ...date('referral_date', '2026-01-05'), referral_source: '6', primary_need: 'N4' });
    expect(again.statusCode).toBe(302);
    expect(await t.db.selectFrom('referral').selectAll().where('id', '=', id).executeTakeFirstOrThrow()).toMatchObject({ referral_source: '6', primary_need: 'N4', version: 3 });
  });

  it('lets no one of another partnership or without the write scope near the forms', async () => {
    const other = await signIn(t, 'social_worker@b.test');
    expect((await other.get(`${base()}/referral/new`)).statusCode).toBe(404);
    const auditor = await signIn(t, 'auditor@a.test');
    expect((await auditor.get(`${base()}/referral/new`)).statusCode).toBe(403);
  });
});
