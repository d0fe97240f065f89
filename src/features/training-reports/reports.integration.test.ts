import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { EXPECTED_REPORT_JSON, seedReportFixture } from './report-fixture';
import { summaryJson, trainingSummary } from './reports.service';

describe.each(dialects())('training reports (%s)', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    await seedReportFixture(t.db, t.fixture);
  });
  afterAll(async () => { await t?.close(); });

  it('counts the financial year as counted by hand: courses, sessions, participants by agency, face to face, attendance and scores', async () => {
    const s = await trainingSummary(t.db, t.fixture.a.id, '2025-04-01', '2026-03-31', new Date('2026-06-01T09:00:00Z'));
    expect(summaryJson(s, '801')).toEqual(EXPECTED_REPORT_JSON);
  });

  it('counts a session only once it has ended, and only the days asked for', async () => {
    // At 11:00 on 15 January 2026 the January session is still running.
    const during = await trainingSummary(t.db, t.fixture.a.id, '2025-04-01', '2026-03-31', new Date('2026-01-15T11:00:00Z'));
    expect([during.sessionsDelivered, during.coursesDelivered, during.participants]).toEqual([2, 1, 5]);
    // One London day: 1 April 2026 holds only the session that ended at 00:30 that morning.
    const april = await trainingSummary(t.db, t.fixture.a.id, '2026-04-01', '2026-04-01', new Date('2026-06-01T09:00:00Z'));
    expect([april.sessionsDelivered, april.participants, april.evaluation.responses, april.evaluation.meanOverall]).toEqual([1, 1, 1, 1]);
    const none = await trainingSummary(t.db, t.fixture.b.id, '2026-04-01', '2026-05-31', new Date('2026-06-01T09:00:00Z'));
    expect([none.sessionsDelivered, none.faceToFacePct, none.evaluation.meanOverall, none.nonAttendance.ratePct]).toEqual([0, null, null, null]);
  });

  it('shows the figures, charts beside their tables, and says what is not yet marked', async () => {
    const manager = await signIn(t, 'business_manager@a.test');
    const res = await manager.get('/training/reports?period=fy&to=2026-03-31');
    expect(res.statusCode).toBe(200);
    const body = res.body.replace(/\s+/g, ' ');
    expect(body).toContain('the partnership delivered 3 multi-agency courses (4 sessions) to 8 participants, 50% face to face.');
    expect(body).toContain('Attendance has not been marked for 1 session: their 2 confirmed bookings are counted as participants until it is.');
    expect(body).toContain('14.3% of those marked (1 of 7)');
    expect(body).toContain('2.3 before, 3.5 after: a rise of 1.3');
    for (const id of ['months-chart', 'agency-types-chart', 'confidence-chart']) {
      expect(body).toMatch(new RegExp(`<svg[^>]*aria-labelledby="${id}-title"`));
    }
    for (const id of ['training-months', 'training-agency-types', 'training-agencies', 'training-themes', 'training-courses']) expect(body).toContain(`id="${id}"`);
    expect(body).toContain('Riverside School');
    expect(body).toContain('Child exploitation (sexual and criminal)');
    expect(body).toContain('I now use the graded care profile with every family I visit.');
    const audit = await t.db.selectFrom('audit_event').select('detail').where('action', '=', 'training_report.view').executeTakeFirstOrThrow();
    expect(audit.detail).toEqual({ from: '2025-04-01', to: '2026-03-31' });
    // The trainer sees it too; a practitioner does not.
    expect((await (await signIn(t, 'trainer@a.test')).get('/training/reports')).statusCode).toBe(200);
    expect((await (await signIn(t, 'practitioner@a.test')).get('/training/reports')).statusCode).toBe(403);
  });

  it('asks again for a period it cannot read', async () => {
    const manager = await signIn(t, 'business_manager@a.test');
    const res = await manager.get('/training/reports?period=fy&to-day=31&to-month=2&to-year=2026');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('The date must be a real date');
    expect((await manager.get('/training/reports?period=decade')).statusCode).toBe(400);
  });

  it('downloads the figures as CSV', async () => {
    const manager = await signIn(t, 'business_manager@a.test');
    const res = await manager.get('/training/reports.csv?period=fy&to=2026-03-31');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="training-801-2025-04-01-to-2026-03-31.csv"');
    const lines = res.body.trim().split('\r\n');
    expect(lines[0]).toBe('section,name,measure,value');
    expect(lines).toContain('period,2025-04-01 to 2026-03-31,courses_delivered,3');
    expect(lines).toContain('period,2025-04-01 to 2026-03-31,face_to_face_pct,50');
    expect(lines).toContain('agency,Northshire Police,participants,3');
    expect(lines).toContain('theme,Neglect,mean_confidence_after,3.7');
    expect(lines).toContain('month,2026-03,participants,1');
  });
});
