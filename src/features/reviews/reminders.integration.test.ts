import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { londonParts } from '../../domain/london';
import { createMailer } from '../../platform/email';
import { runCli } from '../../testing/cli';
import { startTestSmtp, type TestSmtp } from '../../testing/smtp';
import { PASSWORD, createTestApp, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { addUser } from '../users/users.service';
import { sendReviewReminders } from './reminders.service';

describe.each(dialects())('review reminders (%s)', (dialect) => {
  let t: TestApp;
  let smtp: TestSmtp;
  const SUMMARY = 'Ada Testchild, aged two, was found with burns to her hands.';

  /** A review as the pages leave it: `notified` and `sent` when those have happened. */
  const review = async (partnershipId: number, number: number, awareOn: string, more: { notified?: string; sent?: string; closed?: string; notNotify?: boolean } = {}) => {
    const decision = more.notNotify ? 'not_notify' as const : more.notified ? 'notify' as const : null;
    const row = await t.db.insertInto('review').values({
      partnership_id: partnershipId, ref_year: Number(awareOn.slice(0, 4)), ref_number: number, reference: `${decision === 'notify' ? 'RR' : 'SIN'} ${awareOn.slice(0, 4)}/${String(number).padStart(2, '0')}`,
      aware_on: awareOn, summary: SUMMARY, abuse_or_neglect: 'known', harm: 'serious_harm', notify_decision: decision,
      decided_on: decision ? awareOn : null, notified_on: more.notified ?? null, rr_decision: more.sent ? 'no_practice_review' : null, rr_sent_on: more.sent ?? null,
      closed_on: more.closed ?? null, updated_at: new Date(),
    }).returning(['id', 'reference']).executeTakeFirstOrThrow();
    await t.db.insertInto('review_child').values({ review_id: row.id, child_id: partnershipId === t.fixture.a.id ? t.fixture.a.childId : t.fixture.b.childId, partnership_id: partnershipId, position: 1, linked_at: new Date() }).execute();
    return row;
  };

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestApp(dialect, { SMTP_URL: smtp.url });
    await addUser(t.db, t.fixture.a.id, { email: 'second.bm@a.test', name: 'Second BM', agencyId: t.fixture.a.agencyId, roles: ['business_manager'], password: PASSWORD });
    const gone = await addUser(t.db, t.fixture.a.id, { email: 'former.bm@a.test', name: 'Former BM', agencyId: t.fixture.a.agencyId, roles: ['business_manager'], password: PASSWORD });
    await t.db.updateTable('app_user').set({ status: 'disabled' }).where('id', '=', gone.id).execute();
  });
  afterAll(async () => { await t?.close(); await smtp?.close(); });

  it('emails the business managers once at one working day left and once when overdue, naming no child', async () => {
    const a = t.fixture.a.id;
    // Wednesday 3 June 2026 in London.
    const wednesday = new Date('2026-06-03T08:00:00Z');
    // Aware Thursday 28 May: due Thursday 4 June, one working day left.
    const nearly = await review(a, 1, '2026-05-28');
    // Aware Wednesday 20 May: due Thursday 28 May (after the spring bank holiday), four working days overdue.
    const late = await review(a, 2, '2026-05-20');
    // Notified Wednesday 13 May: the rapid review is due Thursday 4 June.
    const rapid = await review(a, 3, '2026-05-12', { notified: '2026-05-13' });
    // Not yet near (until Friday), sent already, not notified, closed: none of these.
    const monday = await review(a, 4, '2026-06-01');
    await review(a, 5, '2026-05-01', { notified: '2026-05-05', sent: '2026-05-20' });
    await review(a, 6, '2026-05-01', { notNotify: true });
    await review(a, 7, '2026-05-01', { closed: '2026-05-30' });
    const other = await review(t.fixture.b.id, 1, '2026-05-20');

    const mailer = createMailer({ smtpUrl: smtp.url, from: 'beacon@a.test' });
    const before = smtp.messages.length;
    const sent = await sendReviewReminders(t.db, mailer, wednesday, { publicUrl: 'https://beacon.test' });
    expect(sent.map((s) => [s.reference, s.clock, s.state, s.due, s.countdown, s.emailed])).toEqual([
      [rapid.reference, 'rapid_review', 'due_soon', '2026-06-04', '1 working day left', ['business_manager@a.test', 'second.bm@a.test']],
      [late.reference, 'notification', 'overdue', '2026-05-28', '4 working days overdue', ['business_manager@a.test', 'second.bm@a.test']],
      [nearly.reference, 'notification', 'due_soon', '2026-06-04', '1 working day left', ['business_manager@a.test', 'second.bm@a.test']],
      [other.reference, 'notification', 'overdue', '2026-05-28', '4 working days overdue', ['business_manager@b.test']],
    ]);
    const mail = smtp.messages.slice(before);
    expect(mail).toHaveLength(7);
    const overdue = mail.find((m) => m.to[0] === 'second.bm@a.test' && m.subject.startsWith(late.reference))!;
    expect(overdue.subject).toBe(`${late.reference}: notification to the National Panel is overdue`);
    expect(overdue.text).toContain('Due: 28 May 2026 (5 working days from becoming aware on 20 May 2026)');
    expect(overdue.text).toContain('Now: 4 working days overdue');
    expect(overdue.text).toContain(`https://beacon.test/reviews/${late.id}`);
    expect(mail.find((m) => m.subject.startsWith(rapid.reference))!.subject).toBe(`${rapid.reference}: rapid review to the National Panel due by 4 June 2026`);
    for (const m of mail) {
      expect(m.text).not.toContain('Ada');
      expect(m.text).not.toContain('Testchild');
      expect(m.text).not.toContain('burns');
    }
    expect(mail.some((m) => m.to.includes('former.bm@a.test'))).toBe(false);
    expect(mail.filter((m) => m.to.includes('business_manager@b.test')).map((m) => m.subject)).toEqual([`${other.reference}: notification to the National Panel is overdue`]);
    const outbox = await t.db.selectFrom('email_outbox').select(['record_type', 'status']).where('record_id', '=', late.id).execute();
    expect(outbox).toEqual([{ record_type: 'review', status: 'sent' }, { record_type: 'review', status: 'sent' }]);

    // The same day again, and later the same day: nothing more.
    expect(await sendReviewReminders(t.db, mailer, wednesday)).toEqual([]);
    expect(await sendReviewReminders(t.db, mailer, new Date('2026-06-03T16:00:00Z'))).toEqual([]);
    expect(smtp.messages.length).toBe(before + 7);

    // Friday 5 June: the two due on Thursday are now overdue, Monday's has a working day left; the one already overdue is not sent again.
    const friday = await sendReviewReminders(t.db, mailer, new Date('2026-06-05T08:00:00Z'));
    expect(friday.map((s) => [s.reference, s.clock, s.state, s.countdown])).toEqual([
      [rapid.reference, 'rapid_review', 'overdue', '1 working day overdue'],
      [nearly.reference, 'notification', 'overdue', '1 working day overdue'],
      [monday.reference, 'notification', 'due_soon', '1 working day left'],
    ]);
    expect(await sendReviewReminders(t.db, mailer, new Date('2026-06-08T08:00:00Z'))).toEqual([]);
    expect(await t.db.selectFrom('review_reminder').select(['clock', 'state', 'emails']).where('review_id', '=', nearly.id).orderBy('state').execute())
      .toEqual([{ clock: 'notification', state: 'due_soon', emails: 2 }, { clock: 'notification', state: 'overdue', emails: 2 }]);
  });

  it('sends the same reminders from the command, once', async () => {
    // The command runs on the real clock: only a notification three weeks overdue today is open.
    await t.db.updateTable('review').set({ closed_on: '2026-06-30' }).where('closed_on', 'is', null).execute();
    const today = londonParts(new Date()).date;
    const aware = new Date(Date.parse(`${today}T12:00:00Z`) - 35 * 86_400_000).toISOString().slice(0, 10);
    const overdue = await review(t.fixture.a.id, 50, aware);
    vi.stubEnv('SMTP_URL', smtp.url);
    vi.stubEnv('PUBLIC_URL', 'https://beacon.test');
    try {
      const cli = (args: string[]) => runCli(async (fn) => fn({ db: t.db, dialect, describe: 'test', close: async () => {} }), args);
      const before = smtp.messages.length;
      const first = await cli(['reviews', 'remind', '--format', 'json']);
      expect(first.code, first.stderr).toBe(0);
      expect(JSON.parse(first.stdout).reminders).toEqual([
        { review: overdue.id, reference: overdue.reference, clock: 'notification', state: 'overdue', due: expect.any(String), emailed: 2 },
      ]);
      expect(smtp.messages.slice(before).map((m) => m.to[0]).sort()).toEqual(['business_manager@a.test', 'second.bm@a.test']);
      expect(smtp.messages.at(-1)!.text).toContain(`https://beacon.test/reviews/${overdue.id}`);
      const second = await cli(['reviews', 'remind']);
      expect(second.code).toBe(0);
      expect(second.stdout).toContain('No reminders to send');
      expect(smtp.messages.length).toBe(before + 2);
      const audit = await t.db.selectFrom('audit_event').select(['action', 'detail']).where('record_id', '=', overdue.id).execute();
      expect(audit).toEqual([{ action: 'review.remind', detail: { clock: 'notification', state: 'overdue', emails: 2 } }]);
      expect((await cli(['reviews', 'remind', '--format', 'yaml'])).code).toBe(2);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
