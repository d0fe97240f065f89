import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type Client, type TestApp } from '../../testing/test-app';
import { startTestSmtp, type TestSmtp } from '../../testing/smtp';
import { dialects } from '../../testing/test-db';
import { createContact } from './contacts.service';

/** The form as a person fills it in: one new child, a police contact received this morning. */
function goodForm(extra: Record<string, string> = {}): Record<string, string> {
  return {
    childCount: '1',
    'children-0-firstName': 'Ava', 'children-0-lastName': 'Stone',
    'children-0-dob-day': '2', 'children-0-dob-month': '5', 'children-0-dob-year': '2017',
    'receivedAt-day': '1', 'receivedAt-month': '6', 'receivedAt-year': '2026', 'receivedAt-time': '09:30',
    'referrer-name': 'PC Jo Blake', 'referrer-role': 'Response officer', 'referrer-email': 'jo.blake@police.example',
    source: '6', reason: 'Police attended a domestic incident at the home overnight; SECRET-REASON-WORDS.', urgency: 'routine',
    domesticAbuse: 'yes', schoolNote: 'Ava may be tired today.', consent: 'given',
    ...extra,
  };
}

const count = async (t: TestApp, table: 'front_door_contact' | 'contact' | 'child' | 'consultation' | 'mash_enquiry' | 'referral') =>
  Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

const idFrom = (location: unknown) => /\/front-door\/contacts\/([0-9a-f-]{36})$/.exec(String(location))![1]!;

describe.each(dialects())('the front door (%s)', (dialect) => {
  let t: TestApp;
  let smtp: TestSmtp;
  let worker: Client;
  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestApp(dialect, { SMTP_URL: smtp.url });
    worker = await signIn(t, 'social_worker@a.test');
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  /** A contact recorded through the service, received `hoursAgo` before the test clock. */
  const contactFor = async (children: ({ childId: string } | { firstName: string; lastName: string; dateOfBirth: string | null })[],
    opts: { hoursAgo?: number; urgency?: 'immediate' | 'urgent' | 'routine'; email?: string | null; partnershipId?: number } = {}) => {
    const receivedAt = new Date(t.clock.now().getTime() - (opts.hoursAgo ?? 1) * 3_600_000);
    return (await createContact(t.db, opts.partnershipId ?? t.fixture.a.id, {
      children, source: '2A', reason: 'The school is worried.', receivedAt, domesticAbuse: false, consent: 'given', urgency: opts.urgency,
      referrer: { name: 'Ms Head', email: opts.email === undefined ? 'head@school.example' : opts.email },
    }, { userId: 1 }, t.clock.now())).id;
  };

  it('records a good contact with a new child, the decision due one working day later, and shows it', async () => {
    await worker.get('/front-door/contacts/new');
    const before = await count(t, 'child');
    const res = await worker.post('/front-door/contacts/new', goodForm());
    expect(res.statusCode).toBe(303);
    const id = idFrom(res.headers.location);
    const row = await t.db.selectFrom('front_door_contact').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ partnership_id: t.fixture.a.id, source: '6', status: 'awaiting_decision', domestic_abuse: true, consent: 'given',
      referrer_name: 'PC Jo Blake', school_note: 'Ava may be tired today.', urgency: 'routine' });
    // 09:30 London (BST) on Monday 1 June is 08:30 UTC; due on Tuesday at the same time.
    expect(row.received_at.toISOString()).toBe('2026-06-01T08:30:00.000Z');
    expect(row.decision_due_at.toISOString()).toBe('2026-06-02T08:30:00.000Z');
    expect(await count(t, 'child')).toBe(before + 1);
    const contacts = await t.db.selectFrom('contact').innerJoin('child', 'child.id', 'contact.child_id').select(['child.first_name', 'contact.contact_date', 'child.la_child_id'])
      .where('front_door_contact_id', '=', id).execute();
    expect(contacts).toEqual([{ first_name: 'Ava', contact_date: '2026-06-01', la_child_id: expect.stringMatching(/^FD-/) }]);

    const page = await worker.get(`/front-door/contacts/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Contact recorded.');
    expect(page.body).toContain('Ava Stone');
    expect(page.body).toContain('Decision due 2 Jun 2026, 09:30');
    expect(page.body).toContain('Due in 23 hours');
    const audit = await t.db.selectFrom('audit_event').select(['action', 'record_id', 'detail']).where('record_id', '=', id).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['front_door_contact.create', 'front_door_contact.read']);
  });

  it('reads a field posted twice by its first value, as every form does, and takes a decision’s unreadable version for a stale form', async () => {
    await worker.get('/front-door/contacts/new');
    const contact = await worker.post('/front-door/contacts/new', { 'receivedAt-time': ['25:00', '08:00'], 'children-0-dob-month': ['13', '1'], source: ['x', '6'] });
    expect(contact.statusCode).toBe(400);
    expect(contact.body).toContain('href="#receivedAt-day"');
    const call = await worker.post('/front-door/consultations/new', { callerName: ['', 'Dr Patel'], 'calledAt-day': ['1', '2'] });
    expect(call.statusCode).toBe(400);
    expect(call.body).toContain('href="#callerName"');
    // A decision whose version no contact can have is a stale form, never a database error.
    const contact2 = await t.db.insertInto('front_door_contact').values({ partnership_id: t.fixture.a.id, received_at: t.clock.now(), source: '2A', reason: 'Twice',
      consent: 'given', decision_due_at: t.clock.now(), updated_at: t.clock.now() }).returning('id').executeTakeFirstOrThrow();
    await t.db.insertInto('contact').values({ partnership_id: t.fixture.a.id, child_id: t.fixture.a.childId, contact_date: '2026-06-01', front_door_contact_id: contact2.id }).execute();
    await worker.get(`/front-door/contacts/${contact2.id}`);
    for (const version of ['abc', '1e30']) {
      const res = await worker.post(`/front-door/contacts/${contact2.id}/decision`, { decision: 'nfa', reason: 'No further action needed.', version });
      expect(res.statusCode, version).toBe(409);
    }
    // An id that is no contact's answers 404, as a missing contact does.
    expect((await worker.post('/front-door/contacts/1/decision', { decision: 'nfa', reason: 'No further action needed.', version: '1' })).statusCode).toBe(404);
  });

  it('links an existing child found by search, and adds a second child row without JavaScript', async () => {
    await worker.get('/front-door/contacts/new');
    const found = await worker.post('/front-door/contacts/new', { childCount: '1', 'children-0-search': 'Testchild', action: 'find-0' });
    expect(found.statusCode).toBe(200);
    expect(found.body).toContain(`value="${t.fixture.a.childId}"`);
    expect(found.body).not.toContain('Bea Testchild');
    const two = await worker.post('/front-door/contacts/new', { childCount: '1', 'children-0-childId': t.fixture.a.childId, action: 'add-child' });
    expect(two.body).toContain('id="children-1-firstName"');
    expect(two.body).toContain('Ada Testchild');
    const res = await worker.post('/front-door/contacts/new', goodForm({
      childCount: '2', 'children-0-childId': t.fixture.a.childId, 'children-0-firstName': '', 'children-0-lastName': '',
      'children-0-dob-day': '', 'children-0-dob-month': '', 'children-0-dob-year': '',
      'children-1-firstName': 'Leo', 'children-1-lastName': 'Testchild',
    }));
    expect(res.statusCode).toBe(303);
    const children = await t.db.selectFrom('contact').select('child_id').where('front_door_contact_id', '=', idFrom(res.headers.location)).execute();
    expect(children).toHaveLength(2);
    expect(children.map((c) => c.child_id)).toContain(t.fixture.a.childId);
  });

  it('names every bad field in the error summary, keeps the values, and writes nothing', async () => {
    await worker.get('/front-door/contacts/new');
    const before = await Promise.all([count(t, 'front_door_contact'), count(t, 'child'), count(t, 'contact')]);
    const res = await worker.post('/front-door/contacts/new', goodForm({
      'children-0-firstName': '', 'children-0-dob-day': '31', 'children-0-dob-month': '2', 'receivedAt-year': '2027',
      'referrer-email': 'not an email', source: '', reason: ' ', consent: 'not_sought', domesticAbuse: '', 'referrer-agency': '99999',
    }));
    expect(res.statusCode).toBe(400);
    const summary = [...res.body.matchAll(/<a href="(#[^"]+)">([^<]+)<\/a>/g)].map((m) => m[1]);
    expect(summary).toEqual(['#children-0-firstName', '#children-0-dob-day', '#receivedAt-day', '#referrer-agency', '#referrer-email', '#source', '#reason',
      '#consentNotSoughtReason', '#lawfulBasis']);
    for (const id of summary) expect(res.body).toContain(`id="${id!.slice(1)}"`);
    expect(res.body).toContain('value="Stone"');
    expect(res.body).toContain('value="PC Jo Blake"');
    expect(await Promise.all([count(t, 'front_door_contact'), count(t, 'child'), count(t, 'contact')])).toEqual(before);
  });

  it('asks about a possible duplicate child, then links the one chosen or records a new one when confirmed', async () => {
    await worker.get('/front-door/contacts/new');
    const form = goodForm({ 'children-0-firstName': 'Adah', 'children-0-lastName': 'Testchild', 'children-0-dob-day': '4', 'children-0-dob-month': '3', 'children-0-dob-year': '2015' });
    const contactsBefore = await count(t, 'front_door_contact');
    const asked = await worker.post('/front-door/contacts/new', form);
    expect(asked.statusCode).toBe(409);
    expect(asked.body).toContain('Adah Testchild may already be recorded');
    expect(asked.body).toContain(`name="children-0-match" type="radio" value="${t.fixture.a.childId}"`);
    expect(await count(t, 'front_door_contact')).toBe(contactsBefore);

    const linked = await worker.post('/front-door/contacts/new', { ...form, 'children-0-match': t.fixture.a.childId });
    expect(linked.statusCode).toBe(303);
    const rows = await t.db.selectFrom('contact').select('child_id').where('front_door_contact_id', '=', idFrom(linked.headers.location)).execute();
    expect(rows).toEqual([{ child_id: t.fixture.a.childId }]);

    const childrenBefore = await count(t, 'child');
    const created = await worker.post('/front-door/contacts/new', { ...form, 'children-0-match': 'new' });
    expect(created.statusCode).toBe(303);
    expect(await count(t, 'child')).toBe(childrenBefore + 1);
  });

  it('orders the queue by urgency, then by the time the decision is due, with the overdue in red', async () => {
    await t.db.deleteFrom('front_door_contact').where('status', '=', 'awaiting_decision').execute();
    const routineOld = await contactFor([{ firstName: 'Ruth', lastName: 'Old', dateOfBirth: null }], { hoursAgo: 100 });
    const routineNew = await contactFor([{ firstName: 'Rob', lastName: 'New', dateOfBirth: null }], { hoursAgo: 1 });
    const immediate = await contactFor([{ firstName: 'Ivy', lastName: 'Now', dateOfBirth: null }], { hoursAgo: 0.5, urgency: 'immediate' });
    const urgent = await contactFor([{ firstName: 'Uma', lastName: 'Soon', dateOfBirth: null }], { hoursAgo: 2, urgency: 'urgent' });
    await contactFor([{ firstName: 'Other', lastName: 'Partnership', dateOfBirth: null }], { partnershipId: t.fixture.b.id });
    const res = await worker.get('/front-door');
    expect(res.statusCode).toBe(200);
    const order = [...res.body.matchAll(/href="\/front-door\/contacts\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
    expect(order).toEqual([immediate, urgent, routineOld, routineNew]);
    expect(res.body).not.toContain('Other Partnership');
    expect(res.body).toMatch(/govuk-tag--red">\s*Overdue by/);
    const audit = await t.db.selectFrom('audit_event').select('detail').where('action', '=', 'front_door_contact.list').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect((audit.detail as { children: string[] }).children).toHaveLength(4);
  });

  const decide = async (id: string, form: Record<string, string>) => {
    const page = await worker.get(`/front-door/contacts/${id}`);
    const version = /name="version" value="(\d+)"/.exec(page.body)?.[1] ?? '1';
    return worker.post(`/front-door/contacts/${id}/decision`, { version, ...form });
  };

  it('opens referrals for a referral decision, flags a re-referral, tells the referrer without the reason, and refuses a second decision', async () => {
    await t.db.insertInto('referral').values({ partnership_id: t.fixture.a.id, child_id: t.fixture.a.childId, referral_date: '2025-09-01' }).execute();
    const id = await contactFor([{ childId: t.fixture.a.childId }, { firstName: 'Noah', lastName: 'Brook', dateOfBirth: '2019-01-01' }]);
    const sent = smtp.messages.length;
    const res = await decide(id, { decision: 'referral', reason: 'PRIVATE-DECISION-REASON: repeated incidents.' });
    expect(res.statusCode).toBe(303);
    const contact = await t.db.selectFrom('front_door_contact').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(contact).toMatchObject({ status: 'decided', decision: 'referral', version: 2 });
    expect(contact.referrer_told_at).not.toBeNull();
    const rows = await t.db.selectFrom('contact').select(['child_id', 'referral_id', 're_referral']).where('front_door_contact_id', '=', id).execute();
    expect(rows.every((r) => r.referral_id)).toBe(true);
    expect(rows.find((r) => r.child_id === t.fixture.a.childId)!.re_referral).toBe(true);
    expect(rows.find((r) => r.child_id !== t.fixture.a.childId)!.re_referral).toBe(false);

    expect(smtp.messages.length).toBe(sent + 1);
    const mail = smtp.messages.at(-1)!;
    expect(mail.to).toEqual(['head@school.example']);
    expect(mail.subject).toBe('Alpha Partnership: the outcome of your contact of 1 June 2026');
    expect(mail.text).toContain('referral to children’s social care');
    expect(mail.text).toContain('Ada T. and Noah B.');
    expect(mail.text).not.toContain('PRIVATE-DECISION-REASON');
    expect(mail.text).not.toContain('Testchild');

    const page = await worker.get(`/front-door/contacts/${id}`);
    expect(page.body).toContain('The referrer has been told by email.');
    expect(page.body).toContain('Re-referral');

    const again = await worker.post(`/front-door/contacts/${id}/decision`, { version: '1', decision: 'nfa', reason: 'Second go' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('recorded a decision on this contact after you opened it');
    expect((await t.db.selectFrom('front_door_contact').select('decision').where('id', '=', id).executeTakeFirstOrThrow()).decision).toBe('referral');
    const audit = await t.db.selectFrom('audit_event').select(['action', 'outcome']).where('record_id', '=', id).where('action', 'like', 'front_door_contact.decide%').orderBy('seq').execute();
    expect(audit).toEqual([{ action: 'front_door_contact.decide', outcome: 'allowed' }, { action: 'front_door_contact.decide_conflict', outcome: 'failed' }]);
  });

  it('opens a MASH enquiry with the RAG chosen, which the decision requires', async () => {
    const id = await contactFor([{ firstName: 'Mia', lastName: 'Hub', dateOfBirth: null }], { email: null });
    const missing = await decide(id, { decision: 'mash_enquiry', reason: '' });
    expect(missing.statusCode).toBe(400);
    expect([...missing.body.matchAll(/<a href="(#[^"]+)">/g)].map((m) => m[1])).toEqual(['#rag', '#reason']);
    expect(await t.db.selectFrom('mash_enquiry').select('id').where('front_door_contact_id', '=', id).execute()).toEqual([]);
    const res = await decide(id, { decision: 'mash_enquiry', rag: 'amber', reason: 'Need the agencies’ checks.' });
    expect(res.statusCode).toBe(303);
    const enquiry = await t.db.selectFrom('mash_enquiry').selectAll().where('front_door_contact_id', '=', id).executeTakeFirstOrThrow();
    expect(enquiry).toMatchObject({ partnership_id: t.fixture.a.id, rag: 'amber', status: 'open' });
    expect(enquiry.opened_at.toISOString()).toBe(t.clock.now().toISOString());
    const contact = await t.db.selectFrom('front_door_contact').select(['status', 'decision', 'referrer_told_at']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(contact).toEqual({ status: 'in_mash', decision: 'mash_enquiry', referrer_told_at: null });
    const inMash = await worker.get('/front-door?show=in_mash');
    expect(inMash.body).toContain(`/front-door/contacts/${id}`);
  });

  it('records each other decision, a strategy discussion with its referral, and the note to the school', async () => {
    for (const decision of ['nfa', 'information_advice', 'early_help', 'strategy_discussion']) {
      const id = await contactFor([{ firstName: 'Kit', lastName: decision, dateOfBirth: null }], { email: null });
      if (decision === 'early_help') await t.db.updateTable('front_door_contact').set({ domestic_abuse: true, school_note: 'A note' }).where('id', '=', id).execute();
      const res = await decide(id, { decision, reason: `Because ${decision}` });
      expect(res.statusCode, decision).toBe(303);
      const row = await t.db.selectFrom('front_door_contact').select(['status', 'decision', 'decided_by', 'decision_at', 'school_notified_at']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'decided', decision });
      expect(row.decided_by).not.toBeNull();
      expect(row.school_notified_at !== null).toBe(decision === 'early_help');
      const referrals = await t.db.selectFrom('contact').innerJoin('strategy_discussion as s', 's.referral_id', 'contact.referral_id').select('s.id')
        .where('front_door_contact_id', '=', id).execute();
      expect(referrals.length, decision).toBe(decision === 'strategy_discussion' ? 1 : 0);
      if (decision === 'early_help') expect((await worker.get(`/front-door/contacts/${id}`)).body).toContain('Note to school recorded');
    }
  });

  it('shows a failed email to the referrer on the contact’s page and leaves the contact unmarked', async () => {
    const id = await contactFor([{ firstName: 'Zed', lastName: 'Mail', dateOfBirth: null }]);
    await smtp.close();
    try {
      const res = await decide(id, { decision: 'nfa', reason: 'No concerns' });
      expect(res.statusCode).toBe(303);
      const page = await worker.get(`/front-door/contacts/${id}`);
      expect(page.body).toContain('The email to the referrer could not be sent.');
      expect(page.body).toContain('could not be sent. Tell them another way.');
      expect((await t.db.selectFrom('front_door_contact').select('referrer_told_at').where('id', '=', id).executeTakeFirstOrThrow()).referrer_told_at).toBeNull();
    } finally {
      smtp = await startTestSmtp({ port: smtp.port });
    }
  });

  it('answers 404 for another partnership’s contact, as for one that does not exist, and lets nobody decide it', async () => {
    const theirs = await contactFor([{ firstName: 'Bo', lastName: 'Beta', dateOfBirth: null }], { partnershipId: t.fixture.b.id });
    expect((await worker.get(`/front-door/contacts/${theirs}`)).statusCode).toBe(404);
    expect((await worker.get('/front-door/contacts/00000000-0000-0000-0000-000000000000')).statusCode).toBe(404);
    const res = await worker.post(`/front-door/contacts/${theirs}/decision`, { version: '1', decision: 'nfa', reason: 'x' });
    expect(res.statusCode).toBe(404);
    expect((await t.db.selectFrom('front_door_contact').select('status').where('id', '=', theirs).executeTakeFirstOrThrow()).status).toBe('awaiting_decision');
  });

  it('logs a consultation call, refuses a bad one naming each field, and counts the month', async () => {
    await worker.get('/front-door/consultations/new');
    const before = await count(t, 'consultation');
    const bad = await worker.post('/front-door/consultations/new', {
      'calledAt-day': '1', 'calledAt-month': '6', 'calledAt-year': '2026', 'calledAt-time': '25:00', callerName: '', callerEmail: 'nope',
      question: '', advice: 'Some advice',
    });
    expect(bad.statusCode).toBe(400);
    expect([...bad.body.matchAll(/<a href="(#[^"]+)">/g)].map((m) => m[1])).toEqual(['#calledAt-day', '#callerName', '#callerEmail', '#question', '#requestForSupport']);
    expect(bad.body).toContain('Some advice');
    expect(await count(t, 'consultation')).toBe(before);

    const good = {
      'calledAt-day': '1', 'calledAt-month': '6', 'calledAt-year': '2026', 'calledAt-time': '08:15', callerName: 'Dr Patel', callerRole: 'GP',
      callerAgencyName: 'Riverside Surgery', question: 'Worried about bruising on a toddler.', advice: 'Make a request for support today.', requestForSupport: 'yes',
      childId: t.fixture.a.childId,
    };
    const res = await worker.post('/front-door/consultations/new', good);
    expect(res.statusCode).toBe(303);
    await worker.post('/front-door/consultations/new', { ...good, childId: '', childName: 'Baby Jones', requestForSupport: 'no' });
    const row = await t.db.selectFrom('consultation').selectAll().where('child_name', '=', 'Baby Jones').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ caller_name: 'Dr Patel', request_for_support: false, child_id: null, partnership_id: t.fixture.a.id });
    expect(row.called_at.toISOString()).toBe('2026-06-01T07:15:00.000Z');

    const list = await worker.get('/front-door/consultations');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Ada Testchild');
    expect(list.body).toContain('Baby Jones (not recorded)');
    expect(list.body).toMatch(/June 2026<\/td>\s*<td class="govuk-table__cell govuk-table__cell--numeric">2<\/td>\s*<td class="govuk-table__cell govuk-table__cell--numeric">1<\/td>\s*<td class="govuk-table__cell govuk-table__cell--numeric">50%/);
    const audit = await t.db.selectFrom('audit_event').select('action').where('action', 'like', 'consultation.%').execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['consultation.create', 'consultation.create', 'consultation.list']);
  });
});
