import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/create-db';
import { createTestApp, signIn, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { createContact } from '../front-door/contacts.service';
import { frontDoorMeasures, frontDoorMonths } from './measures.service';

/**
 * Partnership A's front door in October 2026 (London time): five contacts, built so that each measure
 * has a known answer; partnership B's one contact must never show.
 *
 * 1. police, domestic abuse, two children, decided referral the next morning (in time); child 1 had a
 *    referral in March 2026, so one of the two referrals opened is a re-referral.
 * 2. school, decided information and advice two working days later (late).
 * 3. police, domestic abuse, sent to the MASH, which decided early help in time.
 * 4. health, awaiting a decision.
 * Contact 1 was received at 23:30 UTC on 30 September, 00:30 on 1 October in London (inside the period);
 * one received at 00:30 on 1 November (GMT) is outside it. The MASH asked two agencies: one answered in
 * time, the police late. Three consultation calls, one needing a request for support.
 */

const NOW = new Date('2026-11-10T12:00:00Z');
const OCTOBER = { from: '2026-10-01', to: '2026-10-31' };

async function seed(db: Db, p: number, childId: string, agencyId: number) {
  const by = { userId: (await db.selectFrom('app_user').select('id').executeTakeFirstOrThrow()).id };
  const base = { reason: 'A worry about the children.', consent: 'given' as const };
  const at = (iso: string) => new Date(iso);
  const decide = (id: string, decision: string, when: string) => db.updateTable('front_door_contact')
    .set({ status: 'decided', decision: decision as never, decision_at: at(when) }).where('id', '=', id).execute();

  await db.insertInto('referral').values({ partnership_id: p, child_id: childId, referral_date: '2026-03-02' }).execute();
  const one = await createContact(db, p, { ...base, source: '6', domesticAbuse: true, receivedAt: at('2026-09-30T23:30:00Z'),
    children: [{ childId }, { firstName: 'Rosa', lastName: 'Vale', dateOfBirth: '2019-02-02' }] }, by, NOW);
  await decide(one.id, 'referral', '2026-10-01T09:00:00Z');
  const children = await db.selectFrom('contact').select(['id', 'child_id']).where('front_door_contact_id', '=', one.id).execute();
  for (const c of children) {
    const r = await db.insertInto('referral').values({ partnership_id: p, child_id: c.child_id, referral_date: '2026-10-01' }).returning('id').executeTakeFirstOrThrow();
    await db.updateTable('contact').set({ referral_id: r.id, re_referral: c.child_id === childId }).where('id', '=', c.id).execute();
  }
  const two = await createContact(db, p, { ...base, source: '2A', domesticAbuse: false, receivedAt: at('2026-10-05T10:00:00Z'),
    children: [{ firstName: 'Tom', lastName: 'Reed', dateOfBirth: '2014-06-01' }] }, by, NOW);
  await decide(two.id, 'information_advice', '2026-10-07T10:00:00Z');
  const three = await createContact(db, p, { ...base, source: '6', domesticAbuse: true, receivedAt: at('2026-10-12T08:00:00Z'),
    children: [{ firstName: 'Amy', lastName: 'Cole', dateOfBirth: '2016-09-09' }] }, by, NOW);
  await decide(three.id, 'mash_enquiry', '2026-10-12T15:00:00Z');
  const enquiry = await db.insertInto('mash_enquiry').values({ partnership_id: p, front_door_contact_id: three.id, rag: 'amber', opened_at: at('2026-10-12T08:30:00Z'),
    status: 'decided', decision: 'early_help', decision_at: at('2026-10-12T15:00:00Z'), updated_at: at('2026-10-12T15:00:00Z') }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('agency_check').values([
    // In time, late, and one still open past its due time.
    { partnership_id: p, mash_enquiry_id: enquiry.id, agency_id: agencyId, rag: 'amber', requested_at: at('2026-10-12T08:30:00Z'), due_at: at('2026-10-13T16:30:00Z'), status: 'completed', responded_at: at('2026-10-12T12:00:00Z') },
  ]).execute();
  const police = await db.insertInto('agency').values({ name: 'Test Police', type: 'police' }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('agency_check').values([
    { partnership_id: p, mash_enquiry_id: enquiry.id, agency_id: police.id, rag: 'amber', requested_at: at('2026-10-12T08:30:00Z'), due_at: at('2026-10-13T16:30:00Z'), status: 'completed', responded_at: at('2026-10-14T09:00:00Z') },
  ]).execute();
  await createContact(db, p, { ...base, source: '3A', domesticAbuse: false, receivedAt: at('2026-10-30T16:00:00Z'),
    children: [{ firstName: 'Ian', lastName: 'Moss', dateOfBirth: '2012-01-01' }] }, by, NOW);
  // Outside the period: 1 November 00:30 GMT.
  await createContact(db, p, { ...base, source: '3A', domesticAbuse: false, receivedAt: at('2026-11-01T00:30:00Z'),
    children: [{ firstName: 'Ned', lastName: 'Moss', dateOfBirth: '2013-03-03' }] }, by, NOW);
  await db.insertInto('consultation').values([
    { partnership_id: p, called_at: at('2026-10-02T10:00:00Z'), caller_name: 'A teacher', question: 'Q', advice: 'A', request_for_support: true },
    { partnership_id: p, called_at: at('2026-10-03T10:00:00Z'), caller_name: 'A GP', question: 'Q', advice: 'A', request_for_support: false },
    { partnership_id: p, called_at: at('2026-10-04T10:00:00Z'), caller_name: 'A nurse', question: 'Q', advice: 'A', request_for_support: false },
  ]).execute();
}

describe.each(dialects())('front door measures (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    t.clock.current = NOW;
    await seed(t.db, t.fixture.a.id, t.fixture.a.childId, t.fixture.a.agencyId);
    await createContact(t.db, t.fixture.b.id, { reason: 'B', consent: 'given', source: '6', domesticAbuse: true, receivedAt: new Date('2026-10-10T10:00:00Z'),
      children: [{ childId: t.fixture.b.childId }] }, { userId: (await t.db.selectFrom('app_user').select('id').executeTakeFirstOrThrow()).id }, NOW);
  });
  afterAll(async () => { await t?.close(); });

  it('counts contacts, timeliness, outcomes, re-referrals, checks and calls for the period', async () => {
    const m = await frontDoorMeasures(t.db, t.fixture.a.id, OCTOBER, NOW);
    expect(m).toMatchObject({
      contacts: 4, childContacts: 5, domesticAbuse: 2, decided: 3, decidedWithinOneWorkingDay: 2, decidedWithinOneWorkingDayPct: 66.7,
      awaitingDecision: 1, sentToMash: 1, toReferral: 1, conversionToReferralPct: 33.3, domesticAbuseToReferral: 1,
      referralsOpened: 2, reReferrals: 1, reReferralPct: 50, consultations: 3, consultationsNeedingRequest: 1, consultationsNeedingRequestPct: 33.3,
    });
    expect(m.outcomes).toEqual({ nfa: 0, information_advice: 1, early_help: 1, referral: 1, strategy_discussion: 0 });
    const own = (await t.db.selectFrom('agency').select('name').where('id', '=', t.fixture.a.agencyId).executeTakeFirstOrThrow()).name;
    const byAgency = Object.fromEntries(m.checks.map((c) => [c.agency, [c.rag, c.requested, c.withinTimescale, c.withinTimescalePct]]));
    expect(byAgency).toEqual({ 'Test Police': ['amber', 1, 0, 0], [own]: ['amber', 1, 1, 100] });
    expect(m.checksAll).toMatchObject({ requested: 2, completed: 2, withinTimescale: 1, withinTimescalePct: 50 });
  });

  it('gives the months, and the page shows the measures in words and figures', async () => {
    const months = await frontDoorMonths(t.db, t.fixture.a.id, 3, '2026-11-10', NOW);
    expect(months.map((m) => [m.month, m.contacts, m.withinPct])).toEqual([['2026-09', 0, null], ['2026-10', 4, 66.7], ['2026-11', 1, null]]);
    const manager = await signIn(t, 'business_manager@a.test');
    const res = await manager.get('/dashboard/front-door?period=month&to=2026-10-31');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('4 contacts were received, of which 2 were domestic abuse notifications, and 1 progressed to referral.');
    expect(res.body).toContain('66.7% of the 3 contacts decided were decided within one working day.');
    expect(res.body).toContain('Contacts received by month');
    expect((await manager.get('/dashboard/front-door?period=month&to=2026-13-01')).statusCode).toBe(400);
    // Reached from the scorecard, for the same period.
    expect((await manager.get('/dashboard?period=month&to=2026-10-31')).body).toContain('href="/dashboard/front-door?period=month&amp;from=2026-10-01&amp;to=2026-10-31"');
  });
});
