import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, seedDialects, type TestDb } from '../../testing/test-db';
import { addAgency } from '../../features/agencies/agencies.service';
import { addPartnership } from '../../features/partnerships/partnerships.service';
import { listReviews, reviewYearSummary } from '../../features/reviews/reviews.service';
import { addUser } from '../../features/users/users.service';
import { seedAssuranceGroups } from './assurance-groups';
import { DEMO_PASSWORD, DEMO_USERS, seedChildren } from './demo';
import { seedReviews } from './reviews';

/** The demo partnership as far as the reviews need it: its agencies, people, children with their journeys, and groups. */
async function demoPartnership(db: TestDb['db'], today: string): Promise<number> {
  const p = await addPartnership(db, { laCode: '990', name: 'Northmere Safeguarding Children Partnership' });
  const agencies = new Map<string, number>();
  for (const [key, name, type] of [['council', 'Northmere Council', 'local_authority'], ['police', 'Northmere and Eastholm Police', 'police'],
    ['icb', 'Northmere Integrated Care Board', 'health'], ['trust', 'Northmere Hospitals NHS Foundation Trust', 'health'], ['school', 'Riverside Academy', 'education']] as const) {
    agencies.set(key, (await addAgency(db, p.id, { name, type })).id);
  }
  for (const u of DEMO_USERS) await addUser(db, p.id, { ...u, agencyId: agencies.get(u.agency), password: DEMO_PASSWORD });
  await seedChildren(db, p.id, '990', 80, 1, today);
  const groups = await seedAssuranceGroups(db, { partnershipId: p.id, today, agencies });
  await seedReviews(db, { partnershipId: p.id, today, agencies, groups });
  return p.id;
}

// Late in a financial year and early in one: the last year's figures are the seed report's either way.
describe.each(seedDialects().flatMap((d) => [[d, '2026-11-20'], [d, '2026-05-06']] as const))('the demo reviews (%s, today %s)', (dialect, today) => {
  let t: TestDb;
  let partnershipId: number;
  beforeAll(async () => {
    t = await createTestDb(dialect);
    partnershipId = await demoPartnership(t.db, today);
  });
  afterAll(async () => { await t?.close(); });

  it('has last year’s rapid review, two published practice reviews about neglect and an appreciative enquiry', async () => {
    const y = Number(today.slice(0, 4)) - (today.slice(5) >= '04-01' ? 1 : 2);
    const summary = await reviewYearSummary(t.db, partnershipId, `${y}-04-01`, `${y + 1}-03-31`);
    expect(summary).toMatchObject({ rapidReviews: 1, practiceReviewsCompleted: 2, practiceReviewsPublished: 2, otherLearningCompleted: 1 });
    expect(summary.publishedThemes).toContainEqual({ theme: 'neglect', reviews: 2 });
  });

  it('has a notification with two working days left, a rapid review awaiting the police’s return, and a practice review part done', async () => {
    const ctx = { today, now: new Date(`${today}T12:00:00Z`) };
    const reviews = await listReviews(t.db, partnershipId, ctx);
    const notification = reviews.filter((r) => r.stage === 'notification');
    expect(notification).toHaveLength(1);
    expect(notification[0]!.clocks[0]).toMatchObject({ workingDaysLeft: 2, rag: 'amber' });

    const rapid = reviews.filter((r) => r.stage === 'rapid_review' && r.clocks.some((c) => c.kind === 'rapid_review' && c.stop === null));
    expect(rapid).toHaveLength(1);
    const returns = await t.db.selectFrom('review_agency as ra').innerJoin('agency as a', 'a.id', 'ra.agency_id').select(['a.type', 'ra.status'])
      .where('ra.review_id', '=', rapid[0]!.id).execute();
    expect(returns.find((r) => r.type === 'police')!.status).toBe('not_started');
    expect(returns.filter((r) => r.status === 'submitted').length).toBeGreaterThanOrEqual(3);

    const cspr = reviews.filter((r) => r.stage === 'practice_review');
    expect(cspr).toHaveLength(1);
    expect(cspr[0]!.clocks.find((c) => c.kind === 'publication')).toMatchObject({ stop: null, rag: 'green' });
    const milestones = await t.db.selectFrom('review_milestone').select(['due_on', 'completed_on']).where('review_id', '=', cspr[0]!.id).execute();
    expect(milestones.filter((m) => m.completed_on).length).toBeGreaterThanOrEqual(1);
    expect(milestones.filter((m) => !m.completed_on && m.due_on < today)).toHaveLength(1);
    expect(milestones.filter((m) => m.due_on > today).length).toBeGreaterThanOrEqual(2);

    // Every date recorded has happened.
    const future = await t.db.selectFrom('review').select('reference')
      .where((eb) => eb.or(['aware_on', 'decided_on', 'notified_on', 'rr_meeting_on', 'rr_sent_on', 'cspr_published_on', 'closed_on'].map((c) => eb(c as 'aware_on', '>', today))))
      .execute();
    expect(future).toEqual([]);
  });

  it('numbers references in the order the partnership became aware, and links children of the journey', async () => {
    const rows = await t.db.selectFrom('review').select(['ref_year', 'ref_number', 'aware_on', 'reference']).where('partnership_id', '=', partnershipId).orderBy('aware_on').execute();
    for (const year of new Set(rows.map((r) => r.ref_year))) {
      expect(rows.filter((r) => r.ref_year === year).map((r) => r.ref_number)).toEqual(rows.filter((r) => r.ref_year === year).map((_, i) => i + 1));
    }
    expect(rows.some((r) => r.reference.startsWith('SIN '))).toBe(true);
    const linked = await t.db.selectFrom('review_child').select('child_id').where('partnership_id', '=', partnershipId).execute();
    expect(linked.length).toBeGreaterThanOrEqual(3);
  });

  it('gives the reviews’ recommendations actions in the tracker in every state', async () => {
    const actions = await t.db.selectFrom('action').select(['reference', 'status', 'evidence', 'due_date']).where('partnership_id', '=', partnershipId).where('source', '=', 'review').execute();
    expect(actions.every((a) => / R\d+$/.test(a.reference))).toBe(true);
    const completed = actions.filter((a) => a.status === 'completed');
    expect(completed.length).toBeGreaterThanOrEqual(3);
    expect(completed.every((a) => a.evidence)).toBe(true);
    expect(actions.filter((a) => a.status !== 'completed' && a.due_date < today).length).toBeGreaterThanOrEqual(2);
    expect(actions.filter((a) => a.status !== 'completed' && a.due_date >= today).length).toBeGreaterThanOrEqual(2);
  });
});
