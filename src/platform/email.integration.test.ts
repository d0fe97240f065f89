import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestSmtp, type TestSmtp } from '../testing/smtp';
import { createTestDb, dialects, type TestDb } from '../testing/test-db';
import { createMailer, EmailRefused, MAX_ATTEMPTS } from './email';

const FROM = 'beacon@partnership.test';

describe.each(dialects())('the mailer (%s)', (dialect) => {
  let testDb: TestDb;
  let smtp: TestSmtp | null;
  beforeEach(async () => { testDb = await createTestDb(dialect); smtp = await startTestSmtp(); });
  afterEach(async () => { await smtp?.close(); await testDb.close(); });

  const row = (id: string) => testDb.db.selectFrom('email_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('sends to a real SMTP server and records the email as sent', async () => {
    const mailer = createMailer({ smtpUrl: smtp!.url, from: FROM });
    const out = await mailer.send(testDb.db, { to: 'referrer@school.test', subject: 'Your contact was received — ref 12', body: 'Thank you.\nWe will decide within one working day.' });
    expect(out.status).toBe('sent');
    expect(smtp!.messages).toHaveLength(1);
    expect(smtp!.messages[0]).toMatchObject({
      from: FROM, to: ['referrer@school.test'], subject: 'Your contact was received — ref 12',
      text: 'Thank you.\nWe will decide within one working day.',
    });
    expect(await row(out.id)).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
    expect((await row(out.id)).sent_at).toBeInstanceOf(Date);
  });

  it('keeps a failure on the row without throwing, and sends it once when the server is back and the wait is over', async () => {
    const port = smtp!.port;
    const url = smtp!.url;
    await smtp!.close();
    smtp = null;
    let now = new Date('2026-06-01T09:00:00Z');
    const mailer = createMailer({ smtpUrl: url, from: FROM, now: () => now });

    const out = await mailer.send(testDb.db, { to: 'dsl@school.test', subject: 'Outcome of your contact', body: 'Referred for assessment.' });
    expect(out.status).toBe('failed');
    const failed = await row(out.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.last_error).toMatch(/ECONNREFUSED|connect/i);

    smtp = await startTestSmtp({ port });
    // The first wait is two minutes: a minute on, nothing is tried.
    now = new Date('2026-06-01T09:01:00Z');
    expect(await mailer.retryUnsent(testDb.db, now)).toEqual({ sent: 0, failed: 0 });
    expect(smtp.messages).toHaveLength(0);

    now = new Date('2026-06-01T09:02:00Z');
    expect(await mailer.retryUnsent(testDb.db, now)).toEqual({ sent: 1, failed: 0 });
    expect(await mailer.retryUnsent(testDb.db, new Date('2026-06-01T10:00:00Z'))).toEqual({ sent: 0, failed: 0 });
    expect(smtp.messages.map((m) => m.subject)).toEqual(['Outcome of your contact']);
    expect(await row(out.id)).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
  });

  it('waits twice as long after each failure and gives up after five attempts', async () => {
    const url = smtp!.url;
    await smtp!.close();
    smtp = null;
    const start = new Date('2026-06-01T09:00:00Z').getTime();
    const mailer = createMailer({ smtpUrl: url, from: FROM, now: () => new Date(start) });
    const { id } = await mailer.send(testDb.db, { to: 'a@b.test', subject: 'S', body: 'B' });
    const minutes = (m: number) => new Date(start + m * 60_000);
    // Tried at 0, then 2, 2 + 4, 6 + 8, 14 + 16 minutes on.
    const tries: number[] = [];
    for (let m = 0; m <= 60; m++) {
      const r = await mailer.retryUnsent(testDb.db, minutes(m));
      if (r.failed) tries.push(m);
    }
    expect(tries).toEqual([2, 6, 14, 30]);
    expect(await row(id)).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
  });

  it('sends emails queued while no server was configured once one is', async () => {
    const offline = createMailer({ from: FROM });
    expect(offline.sends).toBe(false);
    const out = await offline.send(testDb.db, { to: 'a@b.test', subject: 'Queued', body: 'Body' });
    expect(out.status).toBe('queued');
    expect(await offline.retryUnsent(testDb.db, new Date())).toEqual({ sent: 0, failed: 0 });

    const online = createMailer({ smtpUrl: smtp!.url, from: FROM });
    expect(await online.retryUnsent(testDb.db, new Date())).toEqual({ sent: 1, failed: 0 });
    expect(smtp!.messages.map((m) => m.subject)).toEqual(['Queued']);
  });

  it('refuses a subject or address that could add headers, writing nothing', async () => {
    const mailer = createMailer({ smtpUrl: smtp!.url, from: FROM });
    for (const email of [
      { to: 'a@b.test', subject: 'Hello\r\nBcc: everyone@elsewhere.test', body: 'x' },
      { to: 'a@b.test', subject: 'Hello\nX-Injected: 1', body: 'x' },
      { to: 'a@b.test\r\nBcc: everyone@elsewhere.test', subject: 'Hello', body: 'x' },
      { to: 'a@b.test, everyone@elsewhere.test', subject: 'Hello', body: 'x' },
    ]) {
      await expect(mailer.send(testDb.db, email)).rejects.toBeInstanceOf(EmailRefused);
    }
    expect(await testDb.db.selectFrom('email_outbox').select('id').execute()).toEqual([]);
    expect(smtp!.messages).toEqual([]);
  });

  it('sends a text attachment with the body, keeps it in the outbox, and sends it again with a retried email', async () => {
    const invitation = { filename: 'invite.ics', contentType: 'text/calendar; charset=utf-8; method=REQUEST', content: 'BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:Café\r\nEND:VCALENDAR\r\n' };
    const mailer = createMailer({ smtpUrl: smtp!.url, from: FROM });
    const out = await mailer.send(testDb.db, { to: 'a@b.test', subject: 'Booked', body: 'You are booked.', attachments: [invitation] });
    expect(out.status).toBe('sent');
    expect(smtp!.messages[0]).toMatchObject({ text: 'You are booked.', attachments: [{ filename: 'invite.ics', content: invitation.content }] });
    expect(smtp!.messages[0]!.attachments[0]!.contentType).toMatch(/^text\/calendar;.*method=REQUEST/i);
    expect((await row(out.id)).attachments).toEqual([invitation]);

    // Queued while no server was configured, then sent by the retry with its attachment.
    const offline = await createMailer({ from: FROM }).send(testDb.db, { to: 'c@d.test', subject: 'Later', body: 'B', attachments: [invitation] });
    expect(offline.status).toBe('queued');
    expect(await mailer.retryUnsent(testDb.db, new Date())).toEqual({ sent: 1, failed: 0 });
    expect(smtp!.messages[1]!.attachments.map((a) => a.content)).toEqual([invitation.content]);
  });

  it('refuses an attachment whose name or type could add headers, writing nothing', async () => {
    const mailer = createMailer({ smtpUrl: smtp!.url, from: FROM });
    for (const a of [{ filename: 'a.ics', contentType: 'text/calendar\r\nBcc: x@y.test', content: 'x' }, { filename: '../etc/passwd', contentType: 'text/plain', content: 'x' }]) {
      await expect(mailer.send(testDb.db, { to: 'a@b.test', subject: 'S', body: 'B', attachments: [a] })).rejects.toBeInstanceOf(EmailRefused);
    }
    expect(await testDb.db.selectFrom('email_outbox').select('id').execute()).toEqual([]);
  });

  it('a body with header-like lines stays in the body', async () => {
    const mailer = createMailer({ smtpUrl: smtp!.url, from: FROM });
    await mailer.send(testDb.db, { to: 'a@b.test', subject: 'Hello', body: '\r\nBcc: everyone@elsewhere.test\r\n\r\nText' });
    expect(smtp!.messages[0]!.to).toEqual(['a@b.test']);
    const raw = smtp!.messages[0]!.raw;
    expect(raw.slice(0, raw.indexOf('\r\n\r\n'))).not.toMatch(/^Bcc:/im);
    expect(smtp!.messages[0]!.text).toContain('Bcc: everyone@elsewhere.test');
  });

  it('gives up on a server that accepts the connection but never answers, within its timeout', async () => {
    const silent = net.createServer(() => { /* never greets */ });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: FROM, timeouts: { greetingMs: 300, connectionMs: 300 } });
      const started = Date.now();
      const out = await mailer.send(testDb.db, { to: 'a@b.test', subject: 'S', body: 'B' });
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(out.status).toBe('failed');
      expect((await row(out.id)).last_error).toMatch(/greeting|timeout/i);
    } finally {
      silent.close();
    }
  });
});
