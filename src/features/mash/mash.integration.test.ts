import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rag } from '../../db/schema';
import { createMailer } from '../../platform/email';
import { runCli } from '../../testing/cli';
import { startTestSmtp, type TestSmtp } from '../../testing/smtp';
import { createTestApp, signIn, type TestApp, addTestPerson } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { addAgency } from '../agencies/agencies.service';
import { createContact } from '../front-door/contacts.service';
import { DEFAULT_MASH_SETTINGS, checkDueAt } from './mash-clock';
import { escalateOverdueChecks } from './mash.service';

const HOUR = 3_600_000;

describe.each(dialects())('the MASH (%s)', (dialect) => {
  let t: TestApp;
  let smtp: TestSmtp;
  const agencies = {} as Record<'police' | 'health' | 'education', number>;
  let managerId: number;

  const officer = async (email: string, agencyId: number, partnershipId: number) => {
    return addTestPerson(t.db, partnershipId, { email, agencyId, roles: ['mash_officer'] });
  };

  /** A contact the front door screened into the MASH, as its screening decision leaves it. */
  const openEnquiry = async (opts: { partnershipId?: number; rag?: Rag; children?: { firstName: string; lastName: string; dateOfBirth: string }[]; referrerEmail?: string } = {}) => {
    const partnershipId = opts.partnershipId ?? t.fixture.a.id;
    const now = t.clock.now();
    const contact = await createContact(t.db, partnershipId, {
      children: (opts.children ?? [{ firstName: 'Ada', lastName: 'Quill', dateOfBirth: '2016-04-02' }]).map((c) => ({ ...c, confirmedNew: true })),
      source: '5A', reason: 'Teacher saw bruising on Ada’s arm; Ada said her stepfather grabbed her.', receivedAt: new Date(now.getTime() - HOUR),
      referrer: { name: 'Jo Marsh', role: 'Designated safeguarding lead', agencyName: 'Riverside Primary', email: opts.referrerEmail ?? null },
      domesticAbuse: false, consent: 'given',
    }, { userId: managerId }, now);
    await t.db.updateTable('front_door_contact').set({ status: 'in_mash', decision: 'mash_enquiry', decision_at: now, decided_by: managerId }).where('id', '=', contact.id).execute();
    const enquiry = await t.db.insertInto('mash_enquiry').values({
      partnership_id: partnershipId, front_door_contact_id: contact.id, rag: opts.rag ?? 'amber', opened_at: now, opened_by: managerId, updated_at: now,
    }).returning('id').executeTakeFirstOrThrow();
    return { id: enquiry.id, contactId: contact.id };
  };

  const versionOf = async (id: string) => String((await t.db.selectFrom('mash_enquiry').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version);
  const checksOf = (enquiryId: string) => t.db.selectFrom('agency_check').selectAll().where('mash_enquiry_id', '=', enquiryId).orderBy('agency_id').execute();

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestApp(dialect, { SMTP_URL: smtp.url });
    // Monday 1 June 2026, 10:00 in London.
    t.clock.current = new Date('2026-06-01T09:00:00Z');
    const a = t.fixture.a.id;
    agencies.police = (await addAgency(t.db, a, { name: 'Alpha Police', type: 'police' })).id;
    agencies.health = (await addAgency(t.db, a, { name: 'Alpha Health Trust', type: 'health' })).id;
    agencies.education = (await addAgency(t.db, a, { name: 'Alpha Schools', type: 'education' })).id;
    await addAgency(t.db, t.fixture.b.id, { name: 'Alpha Police', type: 'police' });
    await officer('police.officer@a.test', agencies.police, a);
    await officer('second.police@a.test', agencies.police, a);
    await officer('health.officer@a.test', agencies.health, a);
    // A police officer of the other partnership: not told of partnership A's checks.
    await officer('police.officer@b.test', agencies.police, t.fixture.b.id);
    managerId = (await t.db.selectFrom('app_user').select('id').where('email', '=', 'team_manager@a.test').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => { await t?.close(); await smtp?.close(); });

  it('keeps the MASH settings, refusing bad ones with each problem named', async () => {
    const admin = await signIn(t, 'partnership_admin@a.test');
    const page = await admin.get('/admin/mash');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('value="09:00"');
    expect(page.body).toContain('value="72"');

    const bad = await admin.post('/admin/mash', { start: '9am', end: '17:00', clock: 'working', red: '30', amber: '24', green: 'three days' });
    // A field posted twice is read by its first value, as every form does.
    const twice = await admin.post('/admin/mash', { start: ['9am', '09:00'], end: '17:00', clock: ['working', 'x'], red: ['x', '2'], amber: '24', green: '48', days: '1' });
    expect(twice.statusCode).toBe(400);
    expect(twice.body).toContain('href="#red"');
    expect(bad.statusCode).toBe(400);
    for (const message of ['Enter the opening time as a 24-hour time, like 09:00', 'Select at least one day the MASH is open', 'Enter the green limit as a number of hours']) {
      expect(bad.body).toContain(message);
    }
    expect(bad.body).toContain('href="#start"');
    expect(bad.body).toContain('value="three days"');

    const good = await admin.post('/admin/mash', { start: '08:00', end: '20:00', days: ['1', '2', '3', '4', '5', '6'], clock: 'elapsed', red: '2', amber: '12', green: '48' });
    expect(good.statusCode).toBe(303);
    const saved = await t.db.selectFrom('partnership').select('settings').where('id', '=', t.fixture.a.id).executeTakeFirstOrThrow();
    expect(saved.settings.mash).toEqual({ start: '08:00', end: '20:00', days: [1, 2, 3, 4, 5, 6], clock: 'elapsed', limits: { red: 2, amber: 12, green: 48 } });

    // A check requested now is timed by the saved settings: 2 elapsed hours for red.
    const e = await openEnquiry({ rag: 'red' });
    const manager = await signIn(t, 'team_manager@a.test');
    await manager.get(`/mash/enquiries/${e.id}`);
    expect((await manager.post(`/mash/enquiries/${e.id}/checks`, { agencies: String(agencies.police), version: await versionOf(e.id) })).statusCode).toBe(303);
    const [check] = await checksOf(e.id);
    expect(check!.due_at.getTime() - check!.requested_at.getTime()).toBe(2 * HOUR);

    // Back to the defaults for the rest.
    await admin.get('/admin/mash');
    expect((await admin.post('/admin/mash', { start: '09:00', end: '17:00', days: ['1', '2', '3', '4', '5'], clock: 'working', red: '4', amber: '24', green: '72' })).statusCode).toBe(303);
    await t.db.deleteFrom('mash_enquiry').where('id', '=', e.id).execute();
  });

  it('requests checks from the agencies chosen, each due by the enquiry’s RAG, and refuses a stale form', async () => {
    const e = await openEnquiry({ rag: 'amber' });
    const worker = await signIn(t, 'social_worker@a.test');
    const page = await worker.get(`/mash/enquiries/${e.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Ada Quill');
    expect(page.body).toContain('Alpha Police');
    const version = await versionOf(e.id);

    const none = await worker.post(`/mash/enquiries/${e.id}/checks`, { version });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Select at least one agency to ask for a check');
    // An agency id past what an id can be names no agency of the partnership.
    const huge = await worker.post(`/mash/enquiries/${e.id}/checks`, { agencies: [String(agencies.police), '775621571059981490059549559136'], version });
    expect(huge.statusCode).toBe(400);
    expect(huge.body).toContain('Select agencies that work with this partnership');

    const res = await worker.post(`/mash/enquiries/${e.id}/checks`, { agencies: [String(agencies.police), String(agencies.health)], version });
    expect(res.statusCode).toBe(303);
    const checks = await checksOf(e.id);
    expect(checks.map((c) => c.agency_id)).toEqual([agencies.police, agencies.health].sort((x, y) => x - y));
    const now = t.clock.now();
    for (const c of checks) {
      expect(c).toMatchObject({ status: 'requested', rag: 'amber' });
      expect(c.due_at).toEqual(checkDueAt(now, 'amber', DEFAULT_MASH_SETTINGS));
    }

    // The form the worker opened before the checks were requested is out of date.
    const stale = await worker.post(`/mash/enquiries/${e.id}/checks`, { agencies: String(agencies.education), version });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('Someone else changed this enquiry after you opened it');
    expect(await checksOf(e.id)).toHaveLength(2);
    // A version no form ever held (edited by hand, or past what a number keeps) is a stale form too, never a server error.
    for (const bad of ['abc', '-625946177730585588748930888535', '1e30', '2147483648']) {
      const res = await worker.post(`/mash/enquiries/${e.id}/checks`, { agencies: String(agencies.education), version: bad });
      expect(res.statusCode, bad).toBe(409);
    }
    expect(await checksOf(e.id)).toHaveLength(2);

    const list = await worker.get('/mash');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`/mash/enquiries/${e.id}`);
    expect(list.body).toContain('0 of 2');
    const audited = await t.db.selectFrom('audit_event').select(['action']).where('action', 'in', ['mash_enquiry.list', 'mash_enquiry.read', 'agency_check.request']).execute();
    expect(new Set(audited.map((a) => a.action))).toEqual(new Set(['mash_enquiry.list', 'mash_enquiry.read', 'agency_check.request']));
  });

  it('shows an agency’s officer only their own agency’s checks in their own partnership', async () => {
    const e = await openEnquiry({ children: [{ firstName: 'Ben', lastName: 'Ortiz', dateOfBirth: '2019-01-15' }] });
    const manager = await signIn(t, 'team_manager@a.test');
    await manager.get(`/mash/enquiries/${e.id}`);
    await manager.post(`/mash/enquiries/${e.id}/checks`, { agencies: [String(agencies.police), String(agencies.health)], version: await versionOf(e.id) });
    const checks = await checksOf(e.id);
    const policeCheck = checks.find((c) => c.agency_id === agencies.police)!;
    const healthCheck = checks.find((c) => c.agency_id === agencies.health)!;
    const other = await openEnquiry({ partnershipId: t.fixture.b.id, children: [{ firstName: 'Cara', lastName: 'Other', dateOfBirth: '2014-05-05' }] });
    const otherCheck = await t.db.insertInto('agency_check').values({
      partnership_id: t.fixture.b.id, mash_enquiry_id: other.id, agency_id: agencies.police, rag: 'amber', requested_at: t.clock.now(), due_at: new Date(t.clock.now().getTime() + HOUR),
    }).returning('id').executeTakeFirstOrThrow();

    const police = await signIn(t, 'police.officer@a.test');
    const queue = await police.get('/mash/checks');
    expect(queue.statusCode).toBe(200);
    expect(queue.body).toContain(`/mash/checks/${policeCheck.id}`);
    expect(queue.body).toContain('Ben Ortiz (born 15 January 2019)');
    expect(queue.body).not.toContain(healthCheck.id);
    expect(queue.body).not.toContain('Cara');
    expect(queue.body).toMatch(/Due in \d+ h \d+ min|Due in \d+ days? \d+ h/);
    expect((await police.get(`/mash/checks/${policeCheck.id}`)).statusCode).toBe(200);
    expect((await police.get(`/mash/checks/${otherCheck.id}`)).statusCode).toBe(404);

    const health = await signIn(t, 'health.officer@a.test');
    expect((await health.get(`/mash/checks/${policeCheck.id}`)).statusCode).toBe(404);
    const healthPage = await health.get(`/mash/checks/${healthCheck.id}`);
    expect(healthPage.statusCode).toBe(200);
    expect(healthPage.body).toContain('Teacher saw bruising');
    expect((await health.post(`/mash/checks/${policeCheck.id}`, { information: 'Nothing', version: '1' })).statusCode).toBe(404);
    expect((await t.db.selectFrom('agency_check').select('status').where('id', '=', policeCheck.id).executeTakeFirstOrThrow()).status).toBe('requested');

    const listed = await t.db.selectFrom('audit_event').select(['detail']).where('action', '=', 'agency_check.list').where('user_email', '=', 'police.officer@a.test').executeTakeFirstOrThrow();
    expect(listed.detail).toMatchObject({ children: expect.any(Number) });
  });

  it('pages a long queue by due time, 50 at a time, with the counts of all that are open', async () => {
    const housing = (await addAgency(t.db, t.fixture.a.id, { name: 'Alpha Housing', type: 'housing' })).id;
    await officer('housing.officer@a.test', housing, t.fixture.a.id);
    const now = t.clock.now();
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      const e = await openEnquiry({ children: [{ firstName: 'Kit', lastName: `Page${String(i).padStart(2, '0')}`, dateOfBirth: '2015-02-02' }] });
      // Five already overdue; the rest due an hour apart.
      ids.push((await t.db.insertInto('agency_check').values({ partnership_id: t.fixture.a.id, mash_enquiry_id: e.id, agency_id: housing, rag: 'green',
        requested_at: now, due_at: new Date(now.getTime() + (i - 5) * HOUR + 60_000) }).returning('id').executeTakeFirstOrThrow()).id);
    }
    const officerClient = await signIn(t, 'housing.officer@a.test');
    const first = await officerClient.get('/mash/checks');
    expect(first.body).toMatch(/60 outstanding, <strong>5 overdue<\/strong>\. Page 1 of 2\./);
    expect(ids.slice(0, 50).every((id) => first.body.includes(id))).toBe(true);
    expect(first.body.indexOf(ids[0]!)).toBeLessThan(first.body.indexOf(ids[49]!));
    expect(first.body).not.toContain(ids[50]);
    const second = await officerClient.get('/mash/checks?page=2');
    expect(ids.slice(50).every((id) => second.body.includes(id))).toBe(true);
    expect(second.body).not.toContain(ids[0]);
    expect((await officerClient.get('/mash/checks?page=99')).body).toContain('Page 2 of 2.');
  });

  it('completes a check once, with what the agency knows, need-to-know marked for the MASH team', async () => {
    const e = await openEnquiry({ children: [{ firstName: 'Dan', lastName: 'Price', dateOfBirth: '2012-07-30' }] });
    const manager = await signIn(t, 'team_manager@a.test');
    await manager.get(`/mash/enquiries/${e.id}`);
    await manager.post(`/mash/enquiries/${e.id}/checks`, { agencies: String(agencies.police), version: await versionOf(e.id) });
    const [check] = await checksOf(e.id);

    const police = await signIn(t, 'police.officer@a.test');
    await police.get(`/mash/checks/${check!.id}`);
    const empty = await police.post(`/mash/checks/${check!.id}`, { information: '  ', version: String(check!.version) });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter what your agency knows');
    const done = await police.post(`/mash/checks/${check!.id}`, { information: 'Stepfather arrested for assault in 2024; investigation ongoing.', needToKnow: 'yes', version: String(check!.version) });
    expect(done.statusCode).toBe(303);
    const row = await t.db.selectFrom('agency_check').selectAll().where('id', '=', check!.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'completed', need_to_know: true, information: 'Stepfather arrested for assault in 2024; investigation ongoing.' });
    expect(row.responded_at).toEqual(t.clock.now());

    const again = await police.post(`/mash/checks/${check!.id}`, { information: 'Something else', version: String(row.version) });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('This check has already been completed');
    expect((await t.db.selectFrom('agency_check').select('information').where('id', '=', check!.id).executeTakeFirstOrThrow()).information).toContain('Stepfather');

    const page = await manager.get(`/mash/enquiries/${e.id}`);
    expect(page.body).toContain('Stepfather arrested for assault');
    expect(page.body).toContain('Need to know: for the MASH team only');
    expect((await police.get('/mash/checks')).body).toContain('Completed in the last 14 days');
  });

  it('changes the RAG only with a reason, logs it and times the outstanding checks again', async () => {
    const e = await openEnquiry({ rag: 'green' });
    const manager = await signIn(t, 'team_manager@a.test');
    await manager.get(`/mash/enquiries/${e.id}`);
    await manager.post(`/mash/enquiries/${e.id}/checks`, { agencies: [String(agencies.police), String(agencies.health)], version: await versionOf(e.id) });
    const requestedAt = t.clock.now();
    const [first] = await checksOf(e.id);
    // One check is answered before the change: its due time stays as it was.
    await t.db.updateTable('agency_check').set({ status: 'completed', information: 'Not known to us', responded_at: requestedAt }).where('id', '=', first!.id).execute();
    t.clock.advance(HOUR);
    const manager2 = await signIn(t, 'team_manager@a.test');
    await manager2.get(`/mash/enquiries/${e.id}`);

    const noReason = await manager2.post(`/mash/enquiries/${e.id}/rag`, { rag: 'red', ragReason: ' ', version: await versionOf(e.id) });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Enter why the RAG rating is changing');
    expect((await t.db.selectFrom('mash_enquiry').select('rag').where('id', '=', e.id).executeTakeFirstOrThrow()).rag).toBe('green');

    const res = await manager2.post(`/mash/enquiries/${e.id}/rag`, { rag: 'red', ragReason: 'Police report a new incident at the address last night', version: await versionOf(e.id) });
    expect(res.statusCode).toBe(303);
    const checks = await checksOf(e.id);
    const answered = checks.find((c) => c.id === first!.id)!;
    const open = checks.find((c) => c.id !== first!.id)!;
    expect(answered.due_at).toEqual(checkDueAt(requestedAt, 'green', DEFAULT_MASH_SETTINGS));
    expect(open).toMatchObject({ rag: 'red' });
    expect(open.due_at).toEqual(checkDueAt(requestedAt, 'red', DEFAULT_MASH_SETTINGS));
    const logged = await t.db.selectFrom('mash_rag_change').selectAll().where('mash_enquiry_id', '=', e.id).execute();
    expect(logged).toMatchObject([{ from_rag: 'green', to_rag: 'red', reason: 'Police report a new incident at the address last night', changed_by: managerId }]);
    const audit = await t.db.selectFrom('audit_event').select(['detail']).where('action', '=', 'mash_enquiry.rag_change').where('record_id', '=', e.id).executeTakeFirstOrThrow();
    expect(audit.detail).toEqual({ from: 'green', to: 'red', checksRetimed: 1 });
    expect((await manager2.get(`/mash/enquiries/${e.id}`)).body).toContain('Police report a new incident');
  });

  it('decides only when the outstanding checks are confirmed, opens referrals, flags a re-referral and emails the referrer', async () => {
    const e = await openEnquiry({
      rag: 'red', referrerEmail: 'jo.marsh@riverside.test',
      children: [{ firstName: 'Eve', lastName: 'Stone', dateOfBirth: '2015-02-02' }, { firstName: 'Finn', lastName: 'Stone', dateOfBirth: '2018-09-09' }],
    });
    const kids = await t.db.selectFrom('contact').innerJoin('child', 'child.id', 'contact.child_id').select(['child.id', 'child.first_name'])
      .where('front_door_contact_id', '=', e.contactId).execute();
    const eve = kids.find((k) => k.first_name === 'Eve')!;
    // Eve was referred four months ago: this is a re-referral for her, not for Finn.
    await t.db.insertInto('referral').values({ partnership_id: t.fixture.a.id, child_id: eve.id, referral_date: '2026-02-01' }).execute();

    const manager = await signIn(t, 'team_manager@a.test');
    await manager.get(`/mash/enquiries/${e.id}`);
    await manager.post(`/mash/enquiries/${e.id}/checks`, { agencies: String(agencies.health), version: await versionOf(e.id) });
    const page = await manager.get(`/mash/enquiries/${e.id}`);
    expect(page.body).toContain('Decide without the outstanding checks');

    const noSummary = await manager.post(`/mash/enquiries/${e.id}/decision`, { decision: 'referral', summary: '', version: await versionOf(e.id) });
    expect(noSummary.statusCode).toBe(400);
    expect(noSummary.body).toContain('Enter a summary of the decision');
    const unconfirmed = await manager.post(`/mash/enquiries/${e.id}/decision`, { decision: 'referral', summary: 'Injuries and history: assessment needed.', version: await versionOf(e.id) });
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.body).toContain('Alpha Health Trust has not completed its check: confirm you are deciding without it');
    expect(unconfirmed.body).toContain('Injuries and history: assessment needed.');
    expect((await t.db.selectFrom('mash_enquiry').select('status').where('id', '=', e.id).executeTakeFirstOrThrow()).status).toBe('open');

    const before = smtp.messages.length;
    const res = await manager.post(`/mash/enquiries/${e.id}/decision`, {
      decision: 'referral', summary: 'Injuries and history: assessment needed.', confirmOutstanding: 'yes', includeSummary: 'yes', version: await versionOf(e.id),
    });
    expect(res.statusCode).toBe(303);
    const enquiry = await t.db.selectFrom('mash_enquiry').selectAll().where('id', '=', e.id).executeTakeFirstOrThrow();
    expect(enquiry).toMatchObject({ status: 'decided', decision: 'referral', decision_summary: 'Injuries and history: assessment needed.', decided_by: managerId });
    const contact = await t.db.selectFrom('front_door_contact').selectAll().where('id', '=', e.contactId).executeTakeFirstOrThrow();
    expect(contact).toMatchObject({ status: 'decided', decision: 'mash_enquiry', decided_by: managerId });
    expect(contact.decision_at).toEqual(t.clock.now());
    expect(contact.referrer_told_at).toEqual(t.clock.now());
    const rows = await t.db.selectFrom('contact').innerJoin('child', 'child.id', 'contact.child_id').select(['child.first_name', 'contact.referral_id', 'contact.re_referral'])
      .where('front_door_contact_id', '=', e.contactId).orderBy('child.first_name').execute();
    expect(rows.map((r) => [r.first_name, r.referral_id !== null, r.re_referral])).toEqual([['Eve', true, true], ['Finn', true, false]]);

    const mail = smtp.messages.slice(before);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.to).toEqual(['jo.marsh@riverside.test']);
    expect(mail[0]!.text).toContain('Eve S. and Finn S.');
    expect(mail[0]!.text).toContain('Referral to children’s social care');
    expect(mail[0]!.text).toContain('Injuries and history: assessment needed.');
    expect(mail[0]!.text).not.toContain('Stone');

    const decided = await manager.get(`/mash/enquiries/${e.id}`);
    expect(decided.body).toContain('Decision: Referral to children’s social care');
    expect(decided.body).not.toContain('Record the decision');
    expect((await manager.get('/mash')).body).not.toContain(e.id);
    const again = await manager.post(`/mash/enquiries/${e.id}/decision`, { decision: 'nfa', summary: 'x', version: String(enquiry.version) });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('The enquiry has already been decided');
  });

  it('decides with every check in, without confirming, and leaves the summary out of the referrer’s email unless asked', async () => {
    const e = await openEnquiry({ referrerEmail: 'gp@surgery.test', children: [{ firstName: 'Gia', lastName: 'Hart', dateOfBirth: '2020-03-03' }] });
    const manager = await signIn(t, 'team_manager@a.test');
    await manager.get(`/mash/enquiries/${e.id}`);
    const before = smtp.messages.length;
    const res = await manager.post(`/mash/enquiries/${e.id}/decision`, { decision: 'early_help', summary: 'Family agree to early help for parenting support.', version: await versionOf(e.id) });
    expect(res.statusCode).toBe(303);
    expect(await t.db.selectFrom('referral').select('referral.id').innerJoin('contact', 'contact.referral_id', 'referral.id').where('contact.front_door_contact_id', '=', e.contactId).execute()).toEqual([]);
    const mail = smtp.messages.slice(before);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.text).toContain('Gia H.');
    expect(mail[0]!.text).toContain('Early help');
    expect(mail[0]!.text).not.toContain('parenting support');
  });

  it('escalates each overdue check once, to its agency’s officers and the team managers, by the sweep and by the command', async () => {
    const e = await openEnquiry({ rag: 'red', children: [{ firstName: 'Hal', lastName: 'Irwin', dateOfBirth: '2013-11-11' }] });
    const manager = await signIn(t, 'team_manager@a.test');
    await manager.get(`/mash/enquiries/${e.id}`);
    await manager.post(`/mash/enquiries/${e.id}/checks`, { agencies: [String(agencies.police), String(agencies.education)], version: await versionOf(e.id) });
    const checks = await checksOf(e.id);
    const policeCheck = checks.find((c) => c.agency_id === agencies.police)!;
    const educationCheck = checks.find((c) => c.agency_id === agencies.education)!;
    // Every check of the earlier tests is answered or not yet due, bar those this test makes overdue.
    await t.db.updateTable('agency_check').set({ escalated_at: new Date(0) }).where('mash_enquiry_id', '<>', e.id).where('escalated_at', 'is', null).execute();

    const mailer = createMailer({ smtpUrl: smtp.url, from: 'beacon@a.test' });
    const early = await escalateOverdueChecks(t.db, mailer, new Date(policeCheck.due_at.getTime() - 60_000));
    expect(early).toEqual([]);

    const before = smtp.messages.length;
    const at = new Date(policeCheck.due_at.getTime() + 60_000);
    const escalated = await escalateOverdueChecks(t.db, mailer, at, { publicUrl: 'https://beacon.test' });
    const police = escalated.find((x) => x.checkId === policeCheck.id)!;
    expect(police.emailed.sort()).toEqual(['police.officer@a.test', 'second.police@a.test', 'team_manager@a.test']);
    const mail = smtp.messages.slice(before);
    const toPolice = mail.find((m) => m.to[0] === 'police.officer@a.test' && m.subject.includes('Alpha Police'))!;
    expect(toPolice.subject).toBe('Overdue red MASH check: Alpha Police');
    expect(toPolice.text).toContain(`https://beacon.test/mash/checks/${policeCheck.id}`);
    expect(toPolice.text).not.toContain('Hal');
    expect(mail.some((m) => m.to[0] === 'police.officer@b.test')).toBe(false);
    expect(mail.find((m) => m.to[0] === 'team_manager@a.test' && m.subject.includes('Alpha Police'))!.text).toContain(`https://beacon.test/mash/enquiries/${e.id}`);
    expect((await t.db.selectFrom('agency_check').select('escalated_at').where('id', '=', policeCheck.id).executeTakeFirstOrThrow()).escalated_at).toEqual(at);
    // The education agency has no MASH officer here: the team manager still hears.
    expect(escalated.find((x) => x.checkId === educationCheck.id)!.emailed).toEqual(['team_manager@a.test']);

    const count = smtp.messages.length;
    expect(await escalateOverdueChecks(t.db, mailer, new Date(at.getTime() + HOUR))).toEqual([]);
    expect(smtp.messages.length).toBe(count);

    t.clock.current = at;
    const officer = await signIn(t, 'police.officer@a.test');
    const queue = await officer.get('/mash/checks');
    expect(queue.body).toContain('Escalated');
    expect(queue.body).toMatch(/Overdue by \d+ min/);
    expect((await (await signIn(t, 'team_manager@a.test')).get(`/mash/enquiries/${e.id}`)).body).toContain('Escalated');

    // The command escalates what the sweep has not, once.
    await t.db.updateTable('agency_check').set({ escalated_at: null }).where('id', '=', educationCheck.id).execute();
    const cli = (args: string[]) => runCli(async (fn) => fn({ db: t.db, dialect, describe: 'test', close: async () => {} }), args);
    const first = await cli(['mash', 'escalate', '--format', 'json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).escalated).toMatchObject([{ check: educationCheck.id, agency: 'Alpha Schools', rag: 'red', emailed: 1 }]);
    const second = await cli(['mash', 'escalate']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('No overdue checks to escalate');
  });
});
