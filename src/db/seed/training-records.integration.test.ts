import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainingSummary } from '../../features/training-reports/reports.service';
import { CHECKED_DEMO, createDemoTestDb, type DemoTestDb } from '../../testing/demo-db';
import { seedDialects } from '../../testing/test-db';

describe.each(seedDialects())('the demo’s training records (%s)', (dialect) => {
  let t: DemoTestDb;
  let partnershipId: number;
  const { today } = CHECKED_DEMO;
  beforeAll(async () => {
    t = await createDemoTestDb(dialect, CHECKED_DEMO);
    ({ partnershipId } = t.demo);
  });
  afterAll(async () => { await t?.close(); });

  it('gives the last financial year the seed report’s kind of figures', async () => {
    const s = await trainingSummary(t.db, partnershipId, '2025-04-01', '2026-03-31', new Date(`${today}T12:00:00Z`));
    // "75 multi-agency courses to 1,260 participants, 85% face to face": the courses' runs are sessions here.
    expect(s.sessionsDelivered).toBeGreaterThanOrEqual(70);
    expect(s.sessionsDelivered).toBeLessThanOrEqual(80);
    expect(s.participants).toBeGreaterThanOrEqual(1_150);
    expect(s.participants).toBeLessThanOrEqual(1_350);
    expect(s.faceToFacePct).toBeGreaterThanOrEqual(80);
    expect(s.faceToFacePct).toBeLessThanOrEqual(90);
    expect(s.participantsUnmarked).toBe(0);
    // Every agency trained, and some people did not turn up and were charged.
    expect(s.byAgency.length).toBeGreaterThanOrEqual(5);
    expect(s.nonAttendance.ratePct).toBeGreaterThan(1);
    expect(s.nonAttendance.ratePct).toBeLessThan(10);
    expect(s.nonAttendance.chargedPence).toBe(s.nonAttendance.absent * 2_500);
    // Evaluations from most who attended, impact surveys from about a third.
    expect(s.evaluation.responses / s.participants).toBeGreaterThan(0.7);
    expect(s.evaluation.impactResponses / s.participants).toBeGreaterThan(0.25);
    expect(s.evaluation.impactResponses / s.participants).toBeLessThan(0.45);
    expect(s.evaluation.uplift).toBeGreaterThan(0.8);
  });

  it('raises confidence more on some themes than others', async () => {
    const s = await trainingSummary(t.db, partnershipId, '2025-04-01', '2026-03-31', new Date(`${today}T12:00:00Z`));
    const uplift = Object.fromEntries(s.byTheme.map((x) => [x.theme, x.uplift!]));
    expect(uplift.exploitation! - uplift.online_harm!).toBeGreaterThan(0.5);
    expect(uplift.non_mobile_babies! - uplift.education!).toBeGreaterThan(0.5);
  });

  it('gives each person attending a certificate number and leaves the latest register to mark', async () => {
    const attended = await t.db.selectFrom('booking').select(['certificate_number']).where('partnership_id', '=', partnershipId).where('attendance', '=', 'attended').execute();
    expect(attended.every((b) => /^NSCP-20\d\d-\d{6}$/.test(b.certificate_number ?? ''))).toBe(true);
    expect(new Set(attended.map((b) => b.certificate_number)).size).toBe(attended.length);
    const unmarked = await t.db.selectFrom('booking as b').innerJoin('course_session as s', 's.id', 'b.session_id').select('s.id').distinct()
      .where('b.partnership_id', '=', partnershipId).where('b.status', '=', 'confirmed').where('b.attendance', 'is', null)
      .where('s.status', '=', 'scheduled').where('s.ends_at', '<', new Date(`${today}T12:00:00Z`)).execute();
    expect(unmarked.length).toBeGreaterThanOrEqual(1);
  });
});
