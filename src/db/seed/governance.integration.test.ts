import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionRag } from '../../domain/assurance';
import { createMailer } from '../../platform/email';
import { CHECKED_DEMO, createDemoTestDb, type DemoTestDb } from '../../testing/demo-db';
import { seedDialects } from '../../testing/test-db';
import { listChallenges, remindOverdueChallenges } from '../../features/governance/challenges.service';
import { governanceSummary } from '../../features/governance/governance.service';
import { listGroups, listMembers } from '../../features/governance/groups.service';
import { carriedForward, findMeeting, listMeetings } from '../../features/governance/meetings.service';

describe.each(seedDialects())('the demo’s governance (%s)', (dialect) => {
  let t: DemoTestDb;
  beforeAll(async () => { t = await createDemoTestDb(dialect, CHECKED_DEMO); });
  afterAll(async () => { await t?.close(); });

  it('has chaired groups, a year of meetings with the police missing some, action logs in every state, and a challenge log', async () => {
    const { today } = CHECKED_DEMO;
    const now = new Date(`${today}T12:00:00Z`);
    const { partnershipId } = t.demo;
    const groups = await listGroups(t.db, partnershipId, today, now);
    const byName = new Map(groups.map((g) => [g.name, g]));
    expect(byName.get('Executive Board')!.chairs).toEqual(['Margaret Ellison']);
    // Health colleagues chair three subgroups and the practice review group.
    const chairOf = async (name: string) => (await listMembers(t.db, partnershipId, byName.get(name)!.id, today)).find((m) => m.current && m.role === 'chair')!;
    for (const name of ['Learning and Development', 'Quality Assurance and Performance', 'Childhood Neglect', 'Child Safeguarding Practice Review Group']) {
      expect((await chairOf(name)).agencyType, name).toBe('health');
    }
    for (const g of groups) {
      expect(g.nextMeeting, g.name).not.toBeNull();
      expect(g.nextMeeting!.startsAt > now).toBe(true);
    }
    // The neglect group every six weeks, subgroups each quarter, the Executive every two months.
    const held = async (name: string) => (await listMeetings(t.db, partnershipId, byName.get(name)!.id)).filter((m) => m.status === 'held');
    expect((await held('Childhood Neglect')).length).toBe(9);
    expect((await held('Quality Assurance and Performance')).length).toBe(4);
    expect((await held('Executive Board')).length).toBe(6);
    // The police's QA member changed seven months ago: the one who left is kept.
    const qa = await listMembers(t.db, partnershipId, byName.get('Quality Assurance and Performance')!.id, today);
    expect(qa.filter((m) => !m.current).map((m) => m.name)).toEqual(['DS Gary Holt']);

    const summary = await governanceSummary(t.db, partnershipId, '2025-11-25', today);
    const police = summary.attendance.find((a) => a.type === 'police')!;
    expect(police.absent).toBeGreaterThan(0);
    expect(police.rate!).toBeLessThan(90);
    expect(summary.attendance.find((a) => a.type === 'local_authority')!.rate!).toBeGreaterThan(police.rate!);

    // Action logs with actions open, in progress and completed, none updated after today.
    const actions = await t.db.selectFrom('action').select(['status', 'due_date', 'reference']).where('partnership_id', '=', partnershipId).where('source', '=', 'meeting').execute();
    expect(new Set(actions.map((a) => a.status))).toEqual(new Set(['open', 'in_progress', 'completed']));
    expect(new Set(actions.map((a) => actionRag(a, today)))).toContain('red');
    expect(actions.every((a) => /^(Exec|CSPR|L&D|QA|ECS|CN) \d{4}-\d{2}-\d{2} A\d$/.test(a.reference))).toBe(true);
    const late = await t.db.selectFrom('action_update').select('at').where('partnership_id', '=', partnershipId).where('at', '>', new Date(`${today}T23:59:59Z`)).execute();
    expect(late).toEqual([]);
    // The latest QA meeting reviews the group's earlier actions still open.
    const qaMeetings = await held('Quality Assurance and Performance');
    const latest = await findMeeting(t.db, partnershipId, qaMeetings[0]!.id);
    expect((await carriedForward(t.db, partnershipId, latest)).length).toBeGreaterThan(0);

    const log = await listChallenges(t.db, partnershipId, {}, today);
    const bySubject = new Map(log.map((c) => [c.subject, c]));
    expect(bySubject.get('Police attendance at strategy discussions')).toMatchObject({ status: 'resolved', raisedByKind: 'independent_chair', toAgency: 'Northmere and Eastholm Police', actions: 1 });
    const iha = bySubject.get('Timeliness of initial health assessment requests')!;
    expect(iha).toMatchObject({ status: 'open', toAgency: 'Northmere Council', raisedByAgency: 'Northmere Integrated Care Board' });
    expect(iha.responseDue < today).toBe(true);
    expect(bySubject.get('Feedback from the front door to referrers')).toMatchObject({ status: 'escalated', responseOnBehalf: true, raisedByAgency: 'Riverside Academy' });
    expect(log.some((c) => c.status === 'responded')).toBe(true);

    // The overdue response is reminded, once: to the council's safeguarding leads, or the business manager if it has none in Beacon.
    const leads = (await t.db.selectFrom('app_user as u').innerJoin('membership as m', 'm.user_id', 'u.id').select('u.email')
      .where('m.partnership_id', '=', partnershipId).where('m.role', '=', 'agency_lead').where('u.agency_id', '=', iha.toAgencyId).orderBy('u.email').execute()).map((u) => u.email);
    const reminded = await remindOverdueChallenges(t.db, createMailer({ from: 'beacon@northmere.test' }), now);
    expect(reminded.map((r) => [r.reference, r.emailed])).toEqual([[iha.reference, leads.length ? leads : ['business.manager@northmere.gov.uk']]]);
    expect(await remindOverdueChallenges(t.db, createMailer({ from: 'beacon@northmere.test' }), now)).toEqual([]);
  }, 180_000);
});
