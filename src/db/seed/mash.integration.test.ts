import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKED_DEMO, createDemoTestDb, type DemoTestDb } from '../../testing/demo-db';
import { seedDialects } from '../../testing/test-db';

describe.each(seedDialects())('the demo MASH (%s)', (dialect) => {
  let t: DemoTestDb;
  beforeAll(async () => {
    t = await createDemoTestDb(dialect, CHECKED_DEMO);
  });
  afterAll(async () => { await t?.close(); });

  it('has open enquiries with checks in every state, and decided ones with referrals and re-referrals', async () => {
    const p = await t.db.selectFrom('partnership').select('id').where('la_code', '=', '990').executeTakeFirstOrThrow();
    const now = new Date(`${CHECKED_DEMO.today}T12:00:00Z`);
    const checks = await t.db.selectFrom('agency_check as k').innerJoin('mash_enquiry as e', 'e.id', 'k.mash_enquiry_id').innerJoin('agency as a', 'a.id', 'k.agency_id')
      .select(['e.status as enquiry', 'k.status', 'k.need_to_know', 'k.escalated_at', 'k.due_at', 'a.type']).where('k.partnership_id', '=', p.id).execute();
    const open = checks.filter((c) => c.enquiry === 'open');
    expect(new Set(open.map((c) => c.type))).toEqual(new Set(['police', 'health', 'education']));
    expect(open.filter((c) => c.status === 'completed').length).toBeGreaterThanOrEqual(5);
    expect(open.filter((c) => c.need_to_know)).toHaveLength(1);
    const escalated = open.filter((c) => c.status === 'requested' && c.escalated_at);
    expect(escalated).toHaveLength(2);
    for (const c of escalated) expect(c.due_at.getTime()).toBeLessThan(now.getTime());

    const enquiries = await t.db.selectFrom('mash_enquiry').select(['status', 'decision']).where('partnership_id', '=', p.id).execute();
    expect(enquiries.filter((e) => e.status === 'open').length).toBeGreaterThanOrEqual(8);
    const decided = enquiries.filter((e) => e.status === 'decided');
    expect(decided.length).toBeGreaterThanOrEqual(15);
    expect(new Set(decided.map((e) => e.decision))).toEqual(new Set(['nfa', 'information_advice', 'early_help', 'referral', 'strategy_discussion']));
    const referred = await t.db.selectFrom('contact').innerJoin('mash_enquiry as e', 'e.front_door_contact_id', 'contact.front_door_contact_id')
      .select(['contact.referral_id', 'contact.re_referral']).where('e.decision', 'in', ['referral', 'strategy_discussion'])
      // The MASH's own decided enquiries (other demo data may describe decisions made elsewhere).
      .where((eb) => eb.or([eb('e.decision_summary', 'like', 'Police and health information show%'), eb('e.decision_summary', 'like', 'A child may be suffering%')])).execute();
    expect(referred.length).toBeGreaterThanOrEqual(7);
    expect(referred.every((r) => r.referral_id !== null)).toBe(true);
    expect(referred.some((r) => r.re_referral)).toBe(true);
  });
});
