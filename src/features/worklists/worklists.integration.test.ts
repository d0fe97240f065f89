import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths } from '../../domain/calendar';
import { evaluate } from '../../domain/timescales';
import { ValidationFailed } from '../../platform/errors';
import { addUser } from '../users/users.service';
import { createTestApp, signIn, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { addTeam, addTeamMember, allocate, outsideHomeSummary } from './worklists.service';

/*
 * The test clock stands at 09:00 on Monday 1 June 2026. A bad filter in the address (a locality or
 * place the partnership does not have, a worker not in the teams) is answered 400 with the GOV.UK
 * error summary naming the field, and no list: never an empty list that looks like "no children".
 */
const TODAY = '2026-06-01';
const HOUR = 3_600_000;

describe.each(dialects())('worklists (%s)', (dialect) => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  const userIds: Record<string, number> = {};
  const places: Record<string, string> = {};

  const userId = async (email: string) => (await t.db.selectFrom('app_user').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;

  async function addChild(partnershipId: number, lastName: string, locality: string | null = null) {
    const row = await t.db.insertInto('child').values({
      partnership_id: partnershipId, la_child_id: `LA${Object.keys(ids).length + 100}`, first_name: 'Test', last_name: lastName,
      date_of_birth: '2011-05-05', sex: 'M', locality,
    } as never).returning('id').executeTakeFirstOrThrow();
    ids[lastName] = row.id;
    return row.id;
  }

  async function openReferral(partnershipId: number, childId: string, referralDate: string) {
    return (await t.db.insertInto('referral').values({ partnership_id: partnershipId, child_id: childId, referral_date: referralDate }).returning('id').executeTakeFirstOrThrow()).id;
  }

  async function missing(partnershipId: number, childId: string, startDate: string, opts: { type?: 'M' | 'A'; returnedAfterHours?: number | null; offeredAfterHours?: number | null; placeId?: string | null } = {}) {
    const started = new Date(`${startDate}T18:00:00Z`);
    const returned = opts.returnedAfterHours === null ? null : new Date(started.getTime() + (opts.returnedAfterHours ?? 6) * HOUR);
    const offered = returned && opts.offeredAfterHours != null ? new Date(returned.getTime() + opts.offeredAfterHours * HOUR) : null;
    await t.db.insertInto('missing_episode').values({
      partnership_id: partnershipId, child_id: childId, missing_type: opts.type ?? 'M', start_date: startDate, started_at: started,
      end_date: returned ? returned.toISOString().slice(0, 10) : null, returned_at: returned, return_interview_offered_at: offered,
      place_of_concern_id: opts.placeId ?? null,
    }).execute();
  }

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const { a, b } = t.fixture;
    for (const role of ['social_worker', 'team_manager'] as const) userIds[role] = await userId(`${role}@a.test`);
    userIds.kit = (await addUser(t.db, a.id, { email: 'kit.worker@a.test', name: 'Kit Worker', agencyId: a.agencyId, roles: ['social_worker'] })).id;
    userIds.sw_b = await userId('social_worker@b.test');

    // Sam's caseload (the fixture's social worker): one of each urgency, and a child with no clock.
    const ctx = { today: TODAY, now: t.clock.now() };
    let soon = TODAY;
    while (evaluate('assessment', soon, null, ctx).status !== 'due_soon') soon = new Date(Date.parse(`${soon}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const late = await openReferral(a.id, await addChild(a.id, 'Lateby'), '2026-01-05');
    // A second clock overdue, not the most urgent: listed under the first.
    await t.db.insertInto('strategy_discussion').values({ partnership_id: a.id, referral_id: late, concern_date: '2026-05-01' }).execute();
    await openReferral(a.id, await addChild(a.id, 'Soonby'), soon);
    await openReferral(a.id, await addChild(a.id, 'Intime'), '2026-05-20');
    await addChild(a.id, 'Noclock');
    // Kit holds one child for the team and one of their own, outside it.
    await openReferral(a.id, await addChild(a.id, 'Kitteam'), '2026-02-02');
    await openReferral(a.id, await addChild(a.id, 'Kitown'), '2026-01-12');

    const team = await addTeam(t.db, a.id, { name: 'Assessment team' });
    await addTeamMember(t.db, a.id, team.id, userIds.team_manager!, { manager: true });
    await addTeamMember(t.db, a.id, team.id, userIds.social_worker!);
    for (const name of ['Lateby', 'Soonby', 'Intime', 'Noclock']) {
      await allocate(t.db, a.id, { childId: ids[name], userId: userIds.social_worker, teamId: team.id, fromDate: '2026-01-10' });
    }
    await allocate(t.db, a.id, { childId: ids.Kitteam, userId: userIds.kit, teamId: team.id, fromDate: '2026-02-03' });
    await allocate(t.db, a.id, { childId: ids.Kitown, userId: userIds.kit, fromDate: '2026-02-03' });

    // Partnership B: its own worker, child and place of concern.
    await openReferral(b.id, b.childId, '2026-01-05');
    await allocate(t.db, b.id, { childId: b.childId, userId: userIds.sw_b, fromDate: '2026-01-10' });
    const bPlace = await t.db.insertInto('place_of_concern').values({ partnership_id: b.id, name: 'Beta bus station', locality: 'North' }).returning('id').executeTakeFirstOrThrow();
    places.beta = bPlace.id;
    await missing(b.id, b.childId, '2026-04-01', { placeId: bPlace.id });

    // Outside the home, partnership A.
    for (const [key, name, locality] of [['arcade', 'The Arcade', 'Central'], ['park', 'Riverside Park', 'South'], ['quiet', 'Quiet Lane', 'West']] as const) {
      places[key] = (await t.db.insertInto('place_of_concern').values({ partnership_id: a.id, name, locality }).returning('id').executeTakeFirstOrThrow()).id;
    }
    // Repeat: three missing episodes in the year (and one away), the last interview offered within a day.
    const repeat = await addChild(a.id, 'Repeatmiss', 'North');
    await missing(a.id, repeat, '2025-03-01', { placeId: places.quiet, offeredAfterHours: 10 });
    await missing(a.id, repeat, '2025-09-10', { placeId: places.arcade, offeredAfterHours: 30 });
    await missing(a.id, repeat, '2026-01-15', { placeId: places.arcade, offeredAfterHours: 100 });
    await missing(a.id, repeat, '2026-03-02', { type: 'A', offeredAfterHours: 20 });
    await missing(a.id, repeat, '2026-05-20', { placeId: places.arcade, offeredAfterHours: 20 });
    // Once missing, the interview offered late; high risk of criminal exploitation at the park.
    const once = await addChild(a.id, 'Oncemiss', 'South');
    await missing(a.id, once, '2026-04-10', { placeId: places.arcade, offeredAfterHours: 80 });
    await t.db.insertInto('exploitation_assessment').values({ partnership_id: a.id, child_id: once, kind: 'sexual', assessment_date: '2026-01-05', risk_level: 'medium', place_of_concern_id: places.park }).execute();
    await t.db.insertInto('exploitation_assessment').values({ partnership_id: a.id, child_id: once, kind: 'criminal', assessment_date: '2026-04-20', risk_level: 'high', place_of_concern_id: places.park }).execute();
    // Assessed only, at the park; and one whose missing episodes are all more than a year ago.
    const assessed = await addChild(a.id, 'Assessedonly', 'South');
    await t.db.insertInto('exploitation_assessment').values({ partnership_id: a.id, child_id: assessed, kind: 'sexual', assessment_date: '2025-12-01', risk_level: 'medium', place_of_concern_id: places.park }).execute();
    const old = await addChild(a.id, 'Longago', 'North');
    for (const d of ['2024-06-01', '2024-08-01', '2024-10-01', '2025-05-31']) await missing(a.id, old, d, { placeId: places.quiet, offeredAfterHours: 10 });
    // Still missing: went on Saturday evening, not back yet.
    const gone = await addChild(a.id, 'Stillgone', 'North');
    await missing(a.id, gone, '2026-05-30', { returnedAfterHours: null });
  });
  afterAll(async () => { await t?.close(); });

  it('lists the worker’s children most urgent first, with coloured tags and due dates, and logs the list', async () => {
    const sw = await signIn(t, 'social_worker@a.test');
    const page = await sw.get('/my-work');
    expect(page.statusCode).toBe(200);
    const order = ['Lateby', 'Soonby', 'Intime', 'Noclock'].map((n) => page.body.indexOf(`/children/${ids[n]}`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(page.body).toMatch(/<caption[^>]*>\s*4 children allocated to you/);
    expect(page.body).toMatch(/govuk-tag--red">\s*Overdue/);
    expect(page.body).toMatch(/govuk-tag--yellow">\s*Due soon/);
    expect(page.body).toMatch(/govuk-tag--green">\s*On time/);
    // The assessment of the referral of 5 January 2026 was due on working day 45; the strategy discussion a working day after the concern.
    const lateRow = page.body.split('<tr class="govuk-table__row">').find((r) => r.includes(`/children/${ids.Lateby}`))!;
    expect(lateRow).toMatch(/>\s*Assessment\s*</);
    expect(lateRow).toContain('9 March 2026');
    expect(lateRow).toContain('Strategy discussion: overdue, 5 May 2026');
    expect(page.body).not.toContain('Kitteam');
    expect(page.body).not.toContain('See your team’s work');
    const entry = await t.db.selectFrom('audit_event').select(['action', 'record_type', 'detail', 'partnership_id'])
      .where('user_email', '=', 'social_worker@a.test').where('action', '=', 'child.list').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ record_type: 'child', partnership_id: t.fixture.a.id });
    expect(entry.detail).toMatchObject({ list: 'my-work', results: 4, ids: ['Lateby', 'Soonby', 'Intime', 'Noclock'].map((n) => ids[n]) });
  });

  it('shows a person of another partnership none of these children, and theirs to them', async () => {
    const other = await signIn(t, 'social_worker@b.test');
    const work = await other.get('/my-work');
    expect(work.body).toContain(`/children/${t.fixture.b.childId}`);
    for (const id of Object.values(ids)) expect(work.body).not.toContain(id);
    const outside = await other.get('/outside-home');
    expect(outside.body).toContain('Beta bus station');
    for (const id of Object.values(ids)) expect(outside.body).not.toContain(id);
    expect(outside.body).not.toContain('The Arcade');
    const manager = await signIn(t, 'team_manager@b.test');
    expect((await manager.get('/my-team')).body).toContain('You do not manage a team');
    // A's filters name A's places: B's place is not one of them.
    const sw = await signIn(t, 'social_worker@a.test');
    expect((await sw.get(`/outside-home?place=${places.beta}`)).statusCode).toBe(400);
    const summary = await outsideHomeSummary(t.db, t.fixture.b.id, { today: TODAY, now: t.clock.now() });
    expect(summary.byPlace).toEqual([{ id: places.beta, name: 'Beta bus station', locality: 'North', children: 1 }]);
  });

  it('refuses to allocate across partnerships, and keeps one current allocation per child', async () => {
    const { a, b } = t.fixture;
    await expect(allocate(t.db, a.id, { childId: b.childId, userId: userIds.social_worker, fromDate: '2026-05-01' })).rejects.toThrow(ValidationFailed);
    await expect(allocate(t.db, a.id, { childId: ids.Intime, userId: userIds.sw_b, fromDate: '2026-05-01' })).rejects.toThrow(ValidationFailed);
    await expect(allocate(t.db, a.id, { childId: ids.Intime, userId: userIds.kit, fromDate: '2025-12-01' })).rejects.toThrow(/cannot start before/);
    const stray = await addChild(a.id, 'Moving');
    await allocate(t.db, a.id, { childId: stray, userId: userIds.kit, fromDate: '2026-03-01' });
    await allocate(t.db, a.id, { childId: stray, userId: userIds.social_worker, fromDate: '2026-04-01' });
    const rows = await t.db.selectFrom('allocation').select(['user_id', 'from_date', 'to_date']).where('child_id', '=', stray).orderBy('from_date').execute();
    expect(rows).toEqual([
      { user_id: userIds.kit, from_date: '2026-03-01', to_date: '2026-04-01' },
      { user_id: userIds.social_worker, from_date: '2026-04-01', to_date: null },
    ]);
    await expect(t.db.insertInto('allocation').values({ partnership_id: a.id, child_id: stray, user_id: userIds.kit, from_date: '2026-05-01' }).execute()).rejects.toThrow();
    await t.db.deleteFrom('allocation').where('child_id', '=', stray).execute();
  });

  it('shows a team manager every child of the team, with the worker, filtered by worker and status', async () => {
    const tm = await signIn(t, 'team_manager@a.test');
    expect((await tm.get('/my-work')).body).toContain('See your team’s work');
    const all = await tm.get('/my-team');
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('Assessment team');
    for (const n of ['Lateby', 'Soonby', 'Intime', 'Noclock', 'Kitteam']) expect(all.body).toContain(`/children/${ids[n]}`);
    expect(all.body).not.toContain(`/children/${ids.Kitown}`);
    expect(all.body).toContain('Kit Worker (Assessment team)');
    const order = ['Lateby', 'Kitteam', 'Soonby', 'Intime', 'Noclock'].map((n) => all.body.indexOf(`/children/${ids[n]}`));
    expect([...order].sort((x, y) => x - y)).toEqual(order);

    const kit = await tm.get(`/my-team?worker=${userIds.kit}`);
    expect(kit.body).toContain(`/children/${ids.Kitteam}`);
    expect(kit.body).not.toContain(`/children/${ids.Lateby}`);
    expect(kit.body).toMatch(/1 child allocated to Kit Worker/);
    const overdue = await tm.get('/my-team?status=overdue');
    for (const n of ['Lateby', 'Kitteam']) expect(overdue.body).toContain(`/children/${ids[n]}`);
    for (const n of ['Soonby', 'Intime', 'Noclock']) expect(overdue.body).not.toContain(`/children/${ids[n]}`);
    const soon = await tm.get(`/my-team?status=due_soon&worker=${userIds.social_worker}`);
    expect(soon.body).toContain(`/children/${ids.Soonby}`);
    expect(soon.body).not.toContain(`/children/${ids.Lateby}`);
    const entry = await t.db.selectFrom('audit_event').select('detail').where('user_email', '=', 'team_manager@a.test')
      .where('action', '=', 'child.list').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(entry.detail).toMatchObject({ list: 'my-team', results: 1, ids: [ids.Soonby] });

    for (const url of [`/my-team?worker=${userIds.sw_b}`, '/my-team?worker=abc', '/my-team?worker=1&worker=2']) {
      const bad = await tm.get(url);
      expect(bad.statusCode, url).toBe(400);
      expect(bad.body).toContain('govuk-error-summary');
      expect(bad.body).toContain('href="#worker"');
      expect(bad.body).not.toContain(`/children/${ids.Lateby}`);
    }
    const badStatus = await tm.get('/my-team?status=late');
    expect(badStatus.statusCode).toBe(400);
    expect(badStatus.body).toContain('href="#status"');

    const sw = await signIn(t, 'social_worker@a.test');
    const none = await sw.get('/my-team');
    expect(none.statusCode).toBe(200);
    expect(none.body).toContain('You do not manage a team');
  });

  it('lists children at risk outside the home with repeat missing, latest risk, return interviews and place counts, set-based', async () => {
    const ctx = { today: TODAY, now: t.clock.now() };
    const summary = await outsideHomeSummary(t.db, t.fixture.a.id, ctx);
    expect(summary.since).toBe(addMonths(TODAY, -12));
    expect(summary.byPlace.map((p) => [p.name, p.children])).toEqual([['Riverside Park', 2], ['The Arcade', 2]]);
    expect(summary.byLocality).toEqual([
      { locality: 'North', children: 2, repeatMissing: 1 },
      { locality: 'South', children: 2, repeatMissing: 0 },
    ]);

    const sw = await signIn(t, 'social_worker@a.test');
    const page = await sw.get('/outside-home');
    expect(page.statusCode).toBe(200);
    const rows = page.body.split('<tr class="govuk-table__row">').filter((r) => r.includes('/children/'));
    const rowOf = (name: string) => rows.find((r) => r.includes(`/children/${ids[name]}`))!;
    expect(rows.map((r) => Object.keys(ids).find((n) => r.includes(`/children/${ids[n]}`)))).toEqual(['Repeatmiss', 'Oncemiss', 'Stillgone', 'Assessedonly']);
    expect(rowOf('Repeatmiss')).toContain('Repeat missing');
    expect(rowOf('Repeatmiss')).toContain('and 1 away from placement');
    expect(rowOf('Repeatmiss')).toContain('Within 72 hours');
    expect(rowOf('Repeatmiss')).toContain('The Arcade');
    expect(rowOf('Repeatmiss')).not.toContain('Quiet Lane');
    expect(rowOf('Oncemiss')).not.toContain('Repeat missing');
    expect(rowOf('Oncemiss')).toContain('Offered late');
    expect(rowOf('Oncemiss')).toMatch(/govuk-tag--red">\s*High/);
    expect(rowOf('Oncemiss')).toContain('Criminal exploitation, 20 April 2026');
    expect(rowOf('Oncemiss')).toContain('Riverside Park, The Arcade');
    expect(rowOf('Assessedonly')).toContain('No missing episode');
    expect(rowOf('Stillgone')).toContain('Still missing');
    expect(page.body).not.toContain(ids.Longago);
    expect(page.body).toMatch(/<caption[^>]*>\s*4 children/);
    const entry = await t.db.selectFrom('audit_event').select('detail').where('user_email', '=', 'social_worker@a.test')
      .where('action', '=', 'child.list').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(entry.detail).toMatchObject({ list: 'outside-home', results: 4 });

    const south = await sw.get('/outside-home?locality=South');
    expect(south.body).toMatch(/2 children living in South/);
    expect(south.body).toContain(`/children/${ids.Oncemiss}`);
    expect(south.body).not.toContain(`/children/${ids.Repeatmiss}`);
    const park = await sw.get(`/outside-home?place=${places.park}`);
    expect(park.body).toMatch(/2 children linked to Riverside Park/);
    expect(park.body).toContain(`/children/${ids.Assessedonly}`);
    expect(park.body).not.toContain(`/children/${ids.Repeatmiss}`);
    const both = await sw.get(`/outside-home?locality=North&place=${places.park}`);
    expect(both.body).toContain('No children match');
  });

  it('answers a locality or place the partnership does not have with the error summary, not an empty list', async () => {
    const sw = await signIn(t, 'social_worker@a.test');
    const unknown = await sw.get('/outside-home?locality=Atlantis');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('<title>Error: ');
    expect(unknown.body).toContain('govuk-error-summary');
    expect(unknown.body).toContain('href="#locality"');
    expect(unknown.body).toContain('Select a locality from the list');
    expect(unknown.body).not.toContain(`/children/${ids.Repeatmiss}`);
    for (const url of ['/outside-home?place=not-a-place', `/outside-home?place=${'x'.repeat(500)}`, '/outside-home?locality=North&locality=South']) {
      const bad = await sw.get(url);
      expect(bad.statusCode, url).toBe(400);
      expect(bad.body).toMatch(/href="#(place|locality)"/);
    }
    const escaped = await sw.get('/outside-home?locality=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    expect(escaped.statusCode).toBe(400);
    expect(escaped.body).not.toContain('<script>alert(1)');
  });
});
