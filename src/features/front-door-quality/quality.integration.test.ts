import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContact } from '../front-door/contacts.service';
import { createTestApp, signIn, type Client, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { QUESTIONS } from './questions';
import { gradesByMonth, monthSummary, sample, saveAuditSettings, seededRandom, selectAudits } from './quality.service';

const HOUR = 3_600_000;

describe.each(dialects())('front door quality assurance (%s)', (dialect) => {
  let t: TestApp;
  let manager: Client;
  let managerId: number;
  const may: string[] = [];
  const mayMash: string[] = [];
  const mayReReferral: string[] = [];
  let juneDecided: string;
  let mayUndecided: string;
  let otherPartnershipAudit: string;

  /** A contact received and decided at the times given (decision null: still awaiting one). */
  const contact = async (partnershipId: number, receivedAt: string, decidedAt: string | null, opts: { mash?: boolean; reReferral?: boolean } = {}) => {
    const received = new Date(receivedAt);
    const { id } = await createContact(t.db, partnershipId, {
      children: [{ firstName: 'Kit', lastName: `Sample${Math.random().toString(36).slice(2, 7)}`, dateOfBirth: '2014-02-03', confirmedNew: true }],
      source: '5A', reason: 'Teacher worried about bruising.', receivedAt: received, domesticAbuse: false, consent: 'given',
    }, { userId: managerId }, new Date(received.getTime() + HOUR));
    if (decidedAt) {
      await t.db.updateTable('front_door_contact').set({ status: 'decided', decision: opts.mash ? 'referral' : 'nfa', decision_reason: 'Threshold not met.', decision_at: new Date(decidedAt), decided_by: managerId })
        .where('id', '=', id).execute();
    }
    if (opts.mash) {
      await t.db.insertInto('mash_enquiry').values({ partnership_id: partnershipId, front_door_contact_id: id, rag: 'amber', opened_at: received, opened_by: managerId, updated_at: received }).execute();
    }
    if (opts.reReferral) await t.db.updateTable('contact').set({ re_referral: true }).where('front_door_contact_id', '=', id).execute();
    return id;
  };

  beforeAll(async () => {
    t = await createTestApp(dialect);
    t.clock.current = new Date('2026-06-10T09:00:00Z');
    managerId = (await t.db.selectFrom('app_user').select('id').where('email', '=', 'team_manager@a.test').executeTakeFirstOrThrow()).id;
    const a = t.fixture.a.id;
    // May 2026 in London runs from 2026-04-30T23:00Z to 2026-05-31T23:00Z.
    for (let i = 0; i < 14; i++) may.push(await contact(a, `2026-05-${String(2 + i).padStart(2, '0')}T09:00:00Z`, `2026-05-${String(2 + i).padStart(2, '0')}T15:00:00Z`));
    for (let i = 0; i < 4; i++) mayMash.push(await contact(a, `2026-05-2${i}T09:00:00Z`, `2026-05-2${i}T16:00:00Z`, { mash: true }));
    for (let i = 0; i < 2; i++) mayReReferral.push(await contact(a, `2026-05-2${5 + i}T09:00:00Z`, `2026-05-2${5 + i}T16:00:00Z`, { reReferral: true }));
    // Decided just after midnight in London on 1 June: June's, not May's.
    juneDecided = await contact(a, '2026-05-31T20:00:00Z', '2026-05-31T23:30:00Z');
    // Decided late on 30 April in UTC, which is 1 May in London: May's.
    may.push(await contact(a, '2026-04-30T20:00:00Z', '2026-04-30T23:30:00Z'));
    mayUndecided = await contact(a, '2026-05-29T09:00:00Z', null);
    // Another partnership's decision of May, and its audit.
    const b = await contact(t.fixture.b.id, '2026-05-12T09:00:00Z', '2026-05-12T12:00:00Z');
    otherPartnershipAudit = (await t.db.insertInto('front_door_audit').values({ partnership_id: t.fixture.b.id, month: '2026-06-01', kind: 'manager', front_door_contact_id: b })
      .returning('id').executeTakeFirstOrThrow()).id;
    manager = await signIn(t, 'team_manager@a.test');
  });
  afterAll(async () => { await t?.close(); });

  const auditsOf = (month: string) => t.db.selectFrom('front_door_audit').selectAll().where('partnership_id', '=', t.fixture.a.id).where('month', '=', `${month}-01`).execute();

  it('samples without repeats, uniformly from what is offered', () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    const picked = sample(items, 4, seededRandom(7));
    expect(new Set(picked).size).toBe(4);
    expect(picked.every((p) => items.includes(p))).toBe(true);
    expect(sample(items, 20, seededRandom(7))).toHaveLength(10);
    expect(sample(items, 4, seededRandom(7))).toEqual(picked);
  });

  it('selects only decided contacts of the month, up to each target, multi-agency from MASH enquiries and dip audits from re-referrals', async () => {
    const outcome = await selectAudits(t.db, t.fixture.a.id, '2026-06', '2026-05', seededRandom(1));
    expect(outcome).toEqual({
      manager: { wanted: 9, selected: 9, available: 21 },
      multi_agency: { wanted: 12, selected: 4, available: 4 },
      dip: { wanted: 3, selected: 2, available: 2 },
    });
    const audits = await auditsOf('2026-06');
    const mayContacts = new Set([...may, ...mayMash, ...mayReReferral]);
    expect(audits.every((a) => mayContacts.has(a.front_door_contact_id))).toBe(true);
    expect(audits.some((a) => a.front_door_contact_id === juneDecided || a.front_door_contact_id === mayUndecided)).toBe(false);
    expect(audits.filter((a) => a.kind === 'multi_agency').map((a) => a.front_door_contact_id).sort()).toEqual([...mayMash].sort());
    expect(audits.filter((a) => a.kind === 'dip').map((a) => a.front_door_contact_id).sort()).toEqual([...mayReReferral].sort());
  });

  it('selecting again tops up to the target and never repeats a contact for a kind', async () => {
    await saveAuditSettings(t.db, t.fixture.a.id, { manager: '12', multi_agency: '12', dip: '3', dipReReferrals: 'no' });
    const outcome = await selectAudits(t.db, t.fixture.a.id, '2026-06', '2026-05', seededRandom(2));
    expect(outcome.manager).toEqual({ wanted: 3, selected: 3, available: 12 });
    expect(outcome.dip).toEqual({ wanted: 1, selected: 1, available: 19 });
    const audits = await auditsOf('2026-06');
    expect(audits.filter((a) => a.kind === 'manager')).toHaveLength(12);
    for (const kind of ['manager', 'multi_agency', 'dip']) {
      const ids = audits.filter((a) => a.kind === kind).map((a) => a.front_door_contact_id);
      expect(new Set(ids).size).toBe(ids.length);
    }
    // Next month, the same decisions are not offered again for a kind they were audited for.
    const july = await selectAudits(t.db, t.fixture.a.id, '2026-07', '2026-05', seededRandom(3));
    expect(july.manager.available).toBe(21 - 12);
    await t.db.deleteFrom('front_door_audit').where('month', '=', '2026-07-01').execute();
  });

  it('the schedule page shows targets, selected, completed and compliance, and is audited', async () => {
    const res = await manager.get('/front-door/quality?month=2026-06');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('June 2026');
    const summary = await monthSummary(t.db, t.fixture.a.id, '2026-06');
    expect(summary.map((s) => [s.kind, s.target, s.scheduled, s.completed, s.compliance])).toEqual([
      ['manager', 12, 12, 0, 0], ['multi_agency', 12, 4, 0, 0], ['dip', 3, 3, 0, 0],
    ]);
    expect(res.body).toMatch(/govuk-tag--red">\s*0%/);
    expect((await t.db.selectFrom('audit_event').select('action').where('action', '=', 'front_door_audit.list').execute())).toHaveLength(1);
    // Only the most specific navigation item is the current page.
    const current = [...res.body.matchAll(/href="([^"]+)"\s+aria-current="true"/g)].map((m) => m[1]);
    expect(current).toEqual(['/front-door/quality']);
  });

  it('the select button schedules decisions of the month before and says what it did', async () => {
    await saveAuditSettings(t.db, t.fixture.a.id, { manager: '13', multi_agency: '12', dip: '3', dipReReferrals: 'no' });
    await manager.get('/front-door/quality?month=2026-06');
    const res = await manager.post('/front-door/quality/select', { month: '2026-06', decisionsFrom: 'previous' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/front-door/quality?month=2026-06');
    const page = await manager.get(String(res.headers.location));
    expect(page.body).toContain('1 decision from May 2026 selected for audit.');
    expect((await auditsOf('2026-06')).filter((a) => a.kind === 'manager')).toHaveLength(13);
  });

  it('the audit form shows the decision, refuses an incomplete form with each error, and completes a good one', async () => {
    const audit = (await auditsOf('2026-06')).find((a) => a.kind === 'manager')!;
    const form = await manager.get(`/front-door/quality/audits/${audit.id}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Threshold not met.');
    expect(form.body).toContain('Within one working day');

    const bad = await manager.post(`/front-door/quality/audits/${audit.id}`, { 'answer-threshold': 'no', grade: 'inadequate' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Say why the answer is No for: Was the threshold applied correctly?');
    expect(bad.body).toContain('href="#comment-threshold"');
    expect(bad.body).toContain('Select Yes, Partly or No for: Was consent handled lawfully?');
    expect(bad.body).toContain('href="#answer-consent"');
    expect(bad.body).toContain('Enter the learning points: a grade below good needs them');
    expect(bad.body).toContain('href="#learningPoints"');
    // The values entered stay.
    expect(bad.body).toMatch(/value="inadequate" checked/);
    expect((await t.db.selectFrom('front_door_audit').select('status').where('id', '=', audit.id).executeTakeFirstOrThrow()).status).toBe('scheduled');

    const answers = Object.fromEntries(QUESTIONS.flatMap((q) => [[`answer-${q.id}`, 'yes'], [`comment-${q.id}`, '']]));
    const good = await manager.post(`/front-door/quality/audits/${audit.id}`, { ...answers, 'answer-voice': 'partly', 'comment-voice': 'The child was not asked directly.', grade: 'requires_improvement', learningPoints: 'Speak to the child.' });
    expect(good.statusCode).toBe(303);
    const saved = await t.db.selectFrom('front_door_audit').selectAll().where('id', '=', audit.id).executeTakeFirstOrThrow();
    expect(saved).toMatchObject({ status: 'completed', grade: 'requires_improvement', auditor_id: managerId, learning_points: 'Speak to the child.' });
    expect(saved.completed_at).toEqual(t.clock.now());
    expect((saved.answers as Record<string, unknown>).voice).toEqual({ answer: 'partly', comment: 'The child was not asked directly.' });
    const events = await t.db.selectFrom('audit_event').select(['action', 'detail']).where('record_id', '=', audit.id).execute();
    expect(events.map((e) => e.action)).toContain('front_door_audit.complete');
    expect(JSON.stringify(events)).not.toContain('Speak to the child');

    const page = await manager.get('/front-door/quality?month=2026-06');
    expect(page.body).toContain('Speak to the child.');
    expect(page.body).toContain('team_manager a');
    const summary = await monthSummary(t.db, t.fixture.a.id, '2026-06');
    expect(summary[0]).toMatchObject({ completed: 1, target: 13, compliance: 8 });
    const grades = await gradesByMonth(t.db, t.fixture.a.id, '2026-06');
    expect(grades).toHaveLength(12);
    expect(grades.at(-1)).toMatchObject({ month: '2026-06', total: 1, goodOrBetter: 0, counts: { requires_improvement: 1 } });
    expect(grades[0]!.month).toBe('2025-07');
    expect(page.body).toContain('<svg');
  });

  it('another partnership’s audit is not found, to read or to complete', async () => {
    expect((await manager.get(`/front-door/quality/audits/${otherPartnershipAudit}`)).statusCode).toBe(404);
    const answers = Object.fromEntries(QUESTIONS.map((q) => [`answer-${q.id}`, 'yes']));
    expect((await manager.post(`/front-door/quality/audits/${otherPartnershipAudit}`, { ...answers, grade: 'good' })).statusCode).toBe(404);
    expect((await t.db.selectFrom('front_door_audit').select('status').where('id', '=', otherPartnershipAudit).executeTakeFirstOrThrow()).status).toBe('scheduled');
  });

  it('the settings form checks each number and keeps the other settings', async () => {
    await t.db.updateTable('partnership').set({ settings: JSON.stringify({ timescales: { strategy_discussion: 2 } }) }).where('id', '=', t.fixture.a.id).execute();
    await manager.get('/front-door/quality/settings');
    const bad = await manager.post('/front-door/quality/settings', { manager: 'nine', multi_agency: '', dip: '3' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('The number of team manager audits a month must be a whole number from 0 to 100');
    expect(bad.body).toContain('Enter the number of multi-agency audits a month');
    expect(bad.body).toContain('Select whether dip audits look at re-referrals only');
    expect(bad.body).toContain('value="nine"');
    const ok = await manager.post('/front-door/quality/settings', { manager: '10', multi_agency: '12', dip: '2', dipReReferrals: 'yes' });
    expect(ok.statusCode).toBe(303);
    const { settings } = await t.db.selectFrom('partnership').select('settings').where('id', '=', t.fixture.a.id).executeTakeFirstOrThrow();
    expect(settings).toEqual({ timescales: { strategy_discussion: 2 }, frontDoorAudit: { targets: { manager: 10, multi_agency: 12, dip: 2 }, dipReReferrals: true } });
    const page = await manager.get('/front-door/quality/settings');
    expect(page.body).toContain('value="10"');
  });
});
