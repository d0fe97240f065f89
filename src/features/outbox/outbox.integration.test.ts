import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../platform/email';
import { startTestSmtp, type TestSmtp } from '../../testing/smtp';
import { createTestApp, signIn, type Client, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';

describe.each(dialects())('the outbox (%s)', (dialect) => {
  let t: TestApp;
  let admin: Client;
  let smtp: TestSmtp;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestApp(dialect);
    smtp = await startTestSmtp();
    const sending = createMailer({ smtpUrl: smtp.url, from: 'beacon@a.test' });
    const offline = createMailer({ from: 'beacon@a.test' });
    const dead = createMailer({ smtpUrl: 'smtp://127.0.0.1:1', from: 'beacon@a.test' });
    ids.sent = (await sending.send(t.db, { to: 'dsl@school.test', subject: 'Outcome of your contact', body: 'Dear DSL,\nThe contact about <b>Ada</b> was referred.', partnershipId: t.fixture.a.id })).id;
    ids.queued = (await offline.send(t.db, { to: 'gp@surgery.test', subject: 'Agency check requested', body: 'Please respond.', partnershipId: t.fixture.a.id })).id;
    ids.failed = (await dead.send(t.db, { to: 'police@force.test', subject: 'Strategy discussion', body: 'Today at 2pm.', partnershipId: t.fixture.a.id })).id;
    ids.other = (await offline.send(t.db, { to: 'x@b.test', subject: 'Beta only', body: 'Not for A.', partnershipId: t.fixture.b.id })).id;
    admin = await signIn(t, 'partnership_admin@a.test');
  });
  afterAll(async () => { await smtp?.close(); await t?.close(); });

  it('lists the partnership’s emails, newest first, with their status and a failure’s error, and audits the read', async () => {
    const res = await admin.get('/admin/outbox');
    expect(res.statusCode).toBe(200);
    const subjects = [...res.body.matchAll(/href="\/admin\/outbox\/[0-9a-f-]+">([^<]+)</g)].map((m) => m[1]);
    expect(subjects).toEqual(['Strategy discussion', 'Agency check requested', 'Outcome of your contact']);
    expect(res.body).not.toContain('Beta only');
    expect(res.body).toMatch(/govuk-tag--green">\s*Sent/);
    expect(res.body).toMatch(/govuk-tag--grey">\s*Queued/);
    expect(res.body).toMatch(/govuk-tag--red">\s*Failed/);
    expect(res.body).toMatch(/ECONNREFUSED|connect/);
    const audit = await t.db.selectFrom('audit_event').select(['action', 'detail']).where('action', '=', 'email.list').execute();
    expect(audit).toHaveLength(1);
  });

  it('shows one email with its body as escaped text, audited', async () => {
    const res = await admin.get(`/admin/outbox/${ids.sent}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Dear DSL,<br />\nThe contact about &lt;b&gt;Ada&lt;/b&gt; was referred.');
    const audit = await t.db.selectFrom('audit_event').select(['record_id']).where('action', '=', 'email.read').execute();
    expect(audit.map((a) => a.record_id)).toEqual([ids.sent]);
  });

  it('answers another partnership’s email, and a malformed id, as not found', async () => {
    expect((await admin.get(`/admin/outbox/${ids.other}`)).statusCode).toBe(404);
    expect((await admin.get('/admin/outbox/not-an-id')).statusCode).toBe(404);
  });

  it('pages fifty at a time', async () => {
    const offline = createMailer({ from: 'beacon@a.test' });
    for (let i = 0; i < 50; i++) await offline.send(t.db, { to: 'a@b.test', subject: `Bulk ${i}`, body: 'x', partnershipId: t.fixture.a.id });
    const first = await admin.get('/admin/outbox');
    expect(first.body).toContain('href="/admin/outbox?page=2"');
    const second = await admin.get('/admin/outbox?page=2');
    expect([...second.body.matchAll(/href="\/admin\/outbox\/[0-9a-f-]{36}"/g)]).toHaveLength(3);
    expect(second.body).toContain('href="/admin/outbox?page=1"');
  });
});
