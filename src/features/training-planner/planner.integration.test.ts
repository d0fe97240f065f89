import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { addCourse, addSession, book, userId } from '../training-attendance/test-records';
import { monthsFrom, quartersOf, themeGaps, type PlannerCourse, type PlannerSession } from './planner.service';

describe('programme planner quarters and gaps', () => {
  it('groups 15 months into the financial-year quarters they fall in', () => {
    const months = monthsFrom('2026-06');
    expect(months).toHaveLength(15);
    expect(months.at(-1)).toBe('2027-08');
    expect(quartersOf(months).map((q) => [q.label, q.months.length])).toEqual([
      ['Q1 2026/27', 1], ['Q2 2026/27', 3], ['Q3 2026/27', 3], ['Q4 2026/27', 3], ['Q1 2027/28', 3], ['Q2 2027/28', 2],
    ]);
  });

  it('counts each theme’s sessions by quarter, a quarter without one a gap', () => {
    const courses: PlannerCourse[] = [
      { id: 'n', title: 'Neglect', delivery: 'face_to_face', durationMinutes: 180, themes: ['neglect'] },
      { id: 'e', title: 'Exploitation', delivery: 'virtual', durationMinutes: 120, themes: ['exploitation', 'neglect'] },
    ];
    const s = (courseId: string, month: string, themes: string[]) => ({ courseId, month, themes }) as PlannerSession;
    const quarters = quartersOf(['2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09']);
    const gaps = themeGaps(courses, [s('n', '2026-04', ['neglect']), s('e', '2026-05', ['exploitation', 'neglect'])], quarters);
    expect(gaps.map((g) => [g.theme, g.byQuarter.map((q) => q.sessions), g.gaps])).toEqual([
      ['neglect', [2, 0], 1],
      ['exploitation', [1, 0], 1],
    ]);
  });
});

describe.each(dialects())('programme planner (%s)', (dialect) => {
  let t: TestApp;
  let neglect: string;
  let elearning: string;
  let scheduled: string;
  let plannedBooked: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    t.clock.current = new Date('2026-06-10T09:00:00Z');
    const a = t.fixture.a.id;
    neglect = await addCourse(t.db, a, { title: 'Neglect: recognising and responding', themes: ['neglect'], durationMinutes: 210 });
    elearning = await addCourse(t.db, a, { title: 'Online safety basics', delivery: 'e_learning', themes: ['online_harm'] });
    await addCourse(t.db, a, { title: 'Exploitation', delivery: 'virtual', themes: ['exploitation'] });
    scheduled = await addSession(t.db, a, neglect, { startsAt: '2026-07-14T08:30:00Z', capacity: 24 });
    await book(t.db, a, scheduled, await userId(t.db, 'practitioner@a.test'));
    await book(t.db, a, scheduled, await userId(t.db, 'agency_lead@a.test'), { status: 'waiting' });
    plannedBooked = await addSession(t.db, a, neglect, { startsAt: '2026-09-15T08:30:00Z', status: 'planned' });
    await book(t.db, a, plannedBooked, await userId(t.db, 'trainer@a.test'));
  });
  afterAll(async () => { await t?.close(); });

  it('shows partners the programme by month, read-only, with places booked and the gaps', async () => {
    const lead = await signIn(t, 'agency_lead@a.test');
    const res = await lead.get('/training/planner');
    expect(res.statusCode).toBe(200);
    const body = res.body.replace(/\s+/g, ' ');
    expect(body).toContain('June 2026 to August 2027');
    expect(body).toContain('<caption class="govuk-table__caption govuk-table__caption--s">July 2026</caption>');
    expect(body).toContain('Open for booking');
    expect(body).toMatch(/>24<\/td> <td class="govuk-table__cell govuk-table__cell--numeric">1<\/td> <td class="govuk-table__cell govuk-table__cell--numeric">23 \(1 waiting\)<\/td>/);
    expect(body).toContain('About 15 September 2026');
    expect(body).not.toContain('Plan a session');
    expect(body).not.toContain('Remove');
    // Exploitation and online harm have nothing planned: every quarter a gap; neglect has sessions in Q2 only.
    expect(body).toContain('Child exploitation (sexual and criminal)');
    expect((body.match(/>\s*Gap\s*</g) ?? []).length).toBe(2 * 6 + 5);
    expect((await (await signIn(t, 'practitioner@a.test')).get('/training/planner')).statusCode).toBe(200);
    expect((await (await signIn(t, 'partnership_admin@a.test')).get('/training/planner')).statusCode).toBe(403);
  });

  it('links a scheduled session to a page the person can open: its management page for those who run training, else the booking page', async () => {
    for (const [email, href] of [['agency_lead@a.test', `/training/sessions/${scheduled}`], ['business_manager@a.test', `/training/manage/sessions/${scheduled}`]] as const) {
      const c = await signIn(t, email);
      const links = [...(await c.get('/training/planner')).body.matchAll(/href="(\/training\/[^"]*sessions\/[^"]+)">Details/g)].map((m) => m[1]);
      expect(links, email).toEqual([href]);
      expect((await c.get(href)).statusCode, email).toBe(200);
    }
  });

  it('lets those who manage training plan a session by month and approximate day, checked', async () => {
    const manager = await signIn(t, 'business_manager@a.test');
    const page = await manager.get('/training/planner');
    expect(page.body).toContain('Plan a session');
    const bad = await manager.post('/training/planner', { course: 'nope', month: '2030-01', day: '32', capacity: '0' });
    expect(bad.statusCode).toBe(400);
    for (const m of ['Select the course to plan a session of', 'Select the month of the session', 'The approximate day must be a day of the month, from 1 to 31',
      'The number of places must be a whole number from 1 to 500']) expect(bad.body).toContain(m);
    // A field posted twice is read by its first value, as every form does.
    const twice = await manager.post('/training/planner', { course: ['nope', 'x'], month: '2030-01', day: ['32', '1'], capacity: ['0', '5'] });
    expect(twice.statusCode).toBe(400);
    expect(twice.body).toContain('The number of places must be a whole number from 1 to 500');
    const feb = await manager.post('/training/planner', { course: neglect, month: '2027-02', day: '30', capacity: '20' });
    expect(feb.body).toContain('The approximate day must be a day of the month, from 1 to 28');
    const ok = await manager.post('/training/planner', { course: neglect, month: '2027-02', day: '', capacity: '25' });
    expect(ok.statusCode).toBe(303);
    const row = await t.db.selectFrom('course_session').selectAll().where('course_id', '=', neglect).where('capacity', '=', 25).executeTakeFirstOrThrow();
    // 09:30 on the 15th in London (GMT in February), as long as the course.
    expect(row).toMatchObject({ status: 'planned', starts_at: new Date('2027-02-15T09:30:00Z'), ends_at: new Date('2027-02-15T13:00:00Z'), partnership_id: t.fixture.a.id });
    await manager.post('/training/planner', { course: elearning, month: '2026-08', day: '3', capacity: '100' });
    const e = await t.db.selectFrom('course_session').selectAll().where('course_id', '=', elearning).executeTakeFirstOrThrow();
    expect([e.starts_at, e.ends_at]).toEqual([new Date('2026-08-03T08:30:00Z'), new Date('2026-09-03T08:30:00Z')]);
    const audit = await t.db.selectFrom('audit_event').select(['action', 'record_id']).where('action', '=', 'course_session.plan').execute();
    expect(audit.map((x) => x.record_id).sort()).toEqual([row.id, e.id].sort());
    expect((await (await signIn(t, 'agency_lead@a.test')).post('/training/planner', { course: neglect, month: '2027-02', capacity: '5' })).statusCode).toBe(403);
  });

  it('takes a planned session off the planner, but not a scheduled one or one with bookings', async () => {
    const trainer = await signIn(t, 'trainer@a.test');
    const planned = await addSession(t.db, t.fixture.a.id, neglect, { startsAt: '2026-11-15T09:30:00Z', status: 'planned' });
    expect((await trainer.post(`/training/planner/sessions/${planned}/remove`)).statusCode).toBe(303);
    expect(await t.db.selectFrom('course_session').select('id').where('id', '=', planned).execute()).toEqual([]);
    await trainer.post(`/training/planner/sessions/${scheduled}/remove`);
    await trainer.post(`/training/planner/sessions/${plannedBooked}/remove`);
    expect((await t.db.selectFrom('course_session').select('id').where('id', 'in', [scheduled, plannedBooked]).execute()).length).toBe(2);
    const page = await trainer.get('/training/planner');
    expect(page.body).toContain('People are booked on this session: cancel it from its page, so that they are told');
    const beta = await signIn(t, 'trainer@b.test');
    expect((await beta.post(`/training/planner/sessions/${plannedBooked}/remove`)).statusCode).toBe(404);
  });
});
