import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';

describe.each(dialects())('a child’s chronology (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    const { a } = t.fixture;
    const referral = await t.db.insertInto('referral').values({ partnership_id: a.id, child_id: a.childId, referral_date: '2025-01-06', referral_source: '6', primary_need: 'N1' })
      .returning('id').executeTakeFirstOrThrow();
    await t.db.insertInto('assessment').values({ partnership_id: a.id, referral_id: referral.id, start_date: '2025-01-07', authorisation_date: '2025-02-20', factors: ['3A', '4B'] }).execute();
    const plan = await t.db.insertInto('cp_plan').values({ partnership_id: a.id, referral_id: referral.id, start_date: '2025-02-03', initial_category: 'NEG', latest_category: 'NEG', previous_plans: 0 })
      .returning('id').executeTakeFirstOrThrow();
    await t.db.insertInto('cp_visit').values({ partnership_id: a.id, cp_plan_id: plan.id, visit_date: '2025-02-14', seen_alone: true }).execute();
    await t.db.insertInto('missing_episode').values({ partnership_id: a.id, child_id: a.childId, missing_type: 'M', start_date: '2025-03-01', end_date: '2025-03-02' }).execute();
  });
  afterAll(async () => { await t?.close(); });

  it('lists every event newest first, and filters by area', async () => {
    const c = await signIn(t, 'social_worker@a.test');
    const page = await c.get(`/children/${t.fixture.a.childId}`);
    const order = ['Returned', 'Missing', 'Assessment authorised', 'Statutory visit', 'Child protection plan started', 'Assessment started', 'Referral received']
      .map((title) => page.body.indexOf(`>${title}<`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(page.body).toMatch(/factors 3A: [^;]+; 4B: /);
    expect(page.body).toContain('source 6: Police');
    const protection = await c.get(`/children/${t.fixture.a.childId}?kind=protection`);
    expect(protection.body).toContain('Child protection plan started');
    expect(protection.body).not.toContain('>Referral received<');
    const nonsense = await c.get(`/children/${t.fixture.a.childId}?kind=<script>`);
    expect(nonsense.statusCode).toBe(200);
    expect(nonsense.body).not.toContain('<script>');
  });

  it('shows nothing of another partnership’s child', async () => {
    const c = await signIn(t, 'social_worker@b.test');
    expect((await c.get(`/children/${t.fixture.a.childId}?kind=protection`)).statusCode).toBe(404);
  });
});

describe.each(dialects())('a child’s statutory timescales (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp(dialect); });
  afterAll(async () => { await t?.close(); });

  it('shows an assessment authorised on working day 46 as late and a conference on working day 15 as on time', async () => {
    const { a } = t.fixture;
    const { addWorkingDays } = await import('../../domain/calendar');
    // The test clock stands at 1 June 2026.
    const referralDate = '2026-03-02';
    const referral = await t.db.insertInto('referral').values({ partnership_id: a.id, child_id: a.childId, referral_date: referralDate }).returning('id').executeTakeFirstOrThrow();
    await t.db.insertInto('assessment').values({ partnership_id: a.id, referral_id: referral.id, start_date: referralDate, authorisation_date: addWorkingDays(referralDate, 46) }).execute();
    const strategy = await t.db.insertInto('strategy_discussion').values({ partnership_id: a.id, referral_id: referral.id, concern_date: '2026-03-10', discussion_date: '2026-03-11', s47_initiated: true }).returning('id').executeTakeFirstOrThrow();
    await t.db.insertInto('s47_enquiry').values({ partnership_id: a.id, referral_id: referral.id, strategy_discussion_id: strategy.id, start_date: '2026-03-11' }).execute();
    await t.db.insertInto('initial_conference').values({ partnership_id: a.id, referral_id: referral.id, conference_date: addWorkingDays('2026-03-11', 15), resulted_in_plan: true }).execute();
    const plan = await t.db.insertInto('cp_plan').values({ partnership_id: a.id, referral_id: referral.id, start_date: addWorkingDays('2026-03-11', 15), initial_category: 'NEG' }).returning('id').executeTakeFirstOrThrow();
    await t.db.insertInto('cp_visit').values({ partnership_id: a.id, cp_plan_id: plan.id, visit_date: '2026-04-20' }).execute();

    const c = await signIn(t, 'social_worker@a.test');
    const page = (await c.get(`/children/${a.childId}`)).body;
    const row = (name: string) => {
      const start = page.indexOf(`>${name}<`);
      expect(start, name).toBeGreaterThan(0);
      return page.slice(start, page.indexOf('</tr>', start));
    };
    expect(row('Assessment')).toContain('Met late');
    expect(row('Initial child protection conference')).toContain('Met on time');
    // No core group recorded more than 10 working days after the conference; the last visit was weeks ago.
    expect(row('First core group')).toContain('Overdue');
    expect(row('Visit to a child on a protection plan')).toContain('Overdue');
    expect(page.indexOf('>First core group<')).toBeLessThan(page.indexOf('>Assessment<'));
  });
});
