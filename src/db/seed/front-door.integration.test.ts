import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKED_DEMO, createDemoTestDb, type DemoTestDb } from '../../testing/demo-db';
import { seedDialects } from '../../testing/test-db';

describe.each(seedDialects())('the demo front door (%s)', (dialect) => {
  let t: DemoTestDb;
  beforeAll(async () => { t = await createDemoTestDb(dialect, CHECKED_DEMO); });
  afterAll(async () => { await t?.close(); });

  it('has contacts awaiting a decision now (one overdue, one immediate), most decided, referrals opened, and consultation calls, the same each time', async () => {
    const { partnershipId } = t.demo;
    const now = new Date(`${CHECKED_DEMO.today}T12:00:00Z`);
    const contacts = await t.db.selectFrom('front_door_contact').select(['status', 'decision', 'urgency', 'decision_due_at', 'domestic_abuse', 'source', 'referrer_told_at'])
      .where('partnership_id', '=', partnershipId).execute();
    expect(contacts.length).toBeGreaterThanOrEqual(35);
    const awaiting = contacts.filter((c) => c.status === 'awaiting_decision');
    expect(awaiting.length).toBeGreaterThanOrEqual(5);
    expect(awaiting.length).toBeLessThanOrEqual(8);
    expect(awaiting.filter((c) => c.decision_due_at < now)).toHaveLength(1);
    expect(awaiting.filter((c) => c.urgency === 'immediate')).toHaveLength(1);
    expect(contacts.filter((c) => c.status === 'in_mash').length).toBeGreaterThan(0);
    expect(new Set(contacts.map((c) => c.decision).filter(Boolean)).size).toBe(6);
    expect(new Set(contacts.map((c) => c.source)).size).toBeGreaterThanOrEqual(5);
    expect(contacts.some((c) => c.domestic_abuse)).toBe(true);
    const referred = await t.db.selectFrom('contact').select('referral_id').where('partnership_id', '=', partnershipId)
      .where('front_door_contact_id', 'is not', null).where('referral_id', 'is not', null).execute();
    expect(referred.length).toBeGreaterThanOrEqual(9);
    const calls = await t.db.selectFrom('consultation').select('request_for_support').where('partnership_id', '=', partnershipId).execute();
    expect(calls.length).toBeGreaterThanOrEqual(20);
    expect(calls.some((c) => c.request_for_support) && calls.some((c) => !c.request_for_support)).toBe(true);
  });
});
