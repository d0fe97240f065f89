import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonParts } from '../../domain/london';
import { createMailer, type Mailer } from '../../platform/email';
import { runCli } from '../../testing/cli';
import { startTestSmtp, type TestSmtp } from '../../testing/smtp';
import { PASSWORD, createTestApp, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { addAgency } from '../agencies/agencies.service';
import { addUser } from '../users/users.service';
import { createActions } from './actions.service';
import { remindActions } from './reminders.service';
import { addDays } from './tracker.service';

const DAY = 86_400_000;

describe.each(dialects())('action reminders (%s)', (dialect) => {
  let t: TestApp;
  let smtp: TestSmtp;
  let mailer: Mailer;
  let police: number;
  let housing: number;
  const ids: Record<string, string> = {};
  // Monday 1 June 2026, 10:00 in London.
  const start = new Date('2026-06-01T09:00:00Z');
  const remindedAt = async (id: string) => (await t.db.selectFrom('action').select('last_reminded_at').where('id', '=', id).executeTakeFirstOrThrow()).last_reminded_at;
  const mailTo = (since: number) => smtp.messages.slice(since).map((m) => m.to.join(',')).sort();

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestApp(dialect, { SMTP_URL: smtp.url });
    mailer = createMailer({ smtpUrl: smtp.url, from: 'beacon@a.test' });
    const a = t.fixture.a.id;
    const council = t.fixture.a.agencyId;
    police = (await addAgency(t.db, a, { name: 'Alpha Police', type: 'police' })).id;
    housing = (await addAgency(t.db, a, { name: 'Alpha Housing', type: 'housing' })).id;
    await addAgency(t.db, t.fixture.b.id, { name: 'Alpha Police', type: 'police' });
    for (const [email, p, role] of [['lead.one@police.test', a, 'agency_lead'], ['lead.two@police.test', a, 'agency_lead'], ['owner@police.test', a, 'auditor'],
      ['lead.b@police.test', t.fixture.b.id, 'agency_lead']] as const) {
      await addUser(t.db, p, { email, name: email.split('@')[0]!.replace('.', ' '), agencyId: police, roles: [role], password: PASSWORD });
    }
    // A lead who has left: never emailed.
    const gone = await addUser(t.db, a, { email: 'gone@police.test', name: 'Gone', agencyId: police, roles: ['agency_lead'], password: PASSWORD });
    await t.db.updateTable('app_user').set({ status: 'disabled' }).where('id', '=', gone.id).execute();
    const owner = await t.db.selectFrom('app_user').select('id').where('email', '=', 'owner@police.test').executeTakeFirstOrThrow();
    const made = await createActions(t.db, a, [
      { source: 'review', reference: 'P-OVERDUE', description: 'Police attend every strategy discussion.', ownerAgencyId: police, dueDate: '2026-05-20' },
      { source: 'audit', reference: 'P-SOON', description: 'Brief officers on the exploitation tool.', ownerAgencyId: police, dueDate: '2026-06-05' },
      { source: 'section_11', reference: 'P-OWNED', description: 'Supervision records show safeguarding.', ownerAgencyId: police, ownerUserId: owner.id, dueDate: '2026-05-25' },
      { source: 'meeting', reference: 'C-LATER', description: 'Due in a month.', ownerAgencyId: council, dueDate: '2026-07-01' },
      { source: 'inspection', reference: 'C-DONE', description: 'Done already.', ownerAgencyId: council, dueDate: '2026-05-01' },
      { source: 'other', reference: 'C-WEEK', description: 'Due in exactly a week.', ownerAgencyId: council, dueDate: '2026-06-08' },
      { source: 'other', reference: 'H-1', description: 'An agency with no lead in Beacon.', ownerAgencyId: housing, ownerName: 'Housing manager', dueDate: '2026-05-01' },
    ], null, start);
    ['P-OVERDUE', 'P-SOON', 'P-OWNED', 'C-LATER', 'C-DONE', 'C-WEEK', 'H-1'].forEach((r, i) => { ids[r] = made[i]!; });
    await t.db.updateTable('action').set({ status: 'completed', evidence: 'Done', completed_at: start }).where('id', '=', ids['C-DONE']!).execute();
    [ids['B-1']] = await createActions(t.db, t.fixture.b.id, [{ source: 'review', reference: 'B-1', description: 'Beta police action.', ownerAgencyId: police, dueDate: '2026-05-01' }], null, start);
  });
  afterAll(async () => { await t?.close(); await smtp?.close(); });

  it('emails each person once, listing their overdue and due-soon actions, to the owner or else the agency’s leads', async () => {
    const before = smtp.messages.length;
    const run = await remindActions(t.db, mailer, start, { publicUrl: 'https://beacon.test', partnershipId: t.fixture.a.id });
    expect(mailTo(before)).toEqual(['agency_lead@a.test', 'lead.one@police.test', 'lead.two@police.test', 'owner@police.test']);
    expect(run.reminded.map((r) => [r.reference, r.kind, r.emailed.length])).toEqual([
      ['P-OVERDUE', 'overdue', 2], ['P-OWNED', 'overdue', 1], ['P-SOON', 'due_soon', 2], ['C-WEEK', 'due_soon', 1],
    ]);
    expect(run.noOneToRemind.map((n) => n.reference)).toEqual(['H-1']);
    expect(run.emails).toContainEqual({ to: 'lead.one@police.test', partnershipId: t.fixture.a.id, actions: 2 });

    const lead = smtp.messages.slice(before).find((m) => m.to[0] === 'lead.one@police.test')!;
    expect(lead.subject).toBe('Partnership actions: 1 action overdue, 1 action due soon');
    expect(lead.text).toContain('Hello lead one,');
    expect(lead.text).toContain('These actions of Alpha Partnership are owned by you or your agency');
    expect(lead.text).toContain(['Overdue (1)', '', '- P-OVERDUE: Police attend every strategy discussion.', '  Due 20 May 2026 (12 days overdue)',
      `  https://beacon.test/actions/${ids['P-OVERDUE']}`].join('\n'));
    expect(lead.text).toContain(['Due within 7 days (1)', '', '- P-SOON: Brief officers on the exploitation tool.', '  Due 5 June 2026 (due in 4 days)',
      `  https://beacon.test/actions/${ids['P-SOON']}`].join('\n'));
    expect(lead.text).not.toContain('P-OWNED');
    expect(lead.text).not.toContain('Testchild');
    const owner = smtp.messages.slice(before).find((m) => m.to[0] === 'owner@police.test')!;
    expect(owner.subject).toBe('Partnership actions: 1 action overdue');
    expect(owner.text).toContain('P-OWNED');
    expect(owner.text).not.toContain('P-OVERDUE');
    expect(await remindedAt(ids['P-OVERDUE']!)).toEqual(start);
    for (const r of ['C-LATER', 'C-DONE', 'H-1']) expect(await remindedAt(ids[r]!)).toBeNull();
    expect(await remindedAt(ids['B-1']!)).toBeNull();
    const outbox = await t.db.selectFrom('email_outbox').select(['to_address', 'record_type', 'partnership_id', 'status']).where('to_address', '=', 'owner@police.test').execute();
    expect(outbox).toEqual([{ to_address: 'owner@police.test', record_type: 'action', partnership_id: t.fixture.a.id, status: 'sent' }]);
  });

  it('reminds of an action at most once in 7 days, and not once it is completed', async () => {
    const before = smtp.messages.length;
    expect((await remindActions(t.db, mailer, new Date(start.getTime() + 3_600_000), { partnershipId: t.fixture.a.id })).reminded).toEqual([]);
    expect((await remindActions(t.db, mailer, new Date(start.getTime() + 7 * DAY - 60_000), { partnershipId: t.fixture.a.id })).reminded).toEqual([]);
    expect(smtp.messages.length).toBe(before);
    await t.db.updateTable('action').set({ status: 'completed', evidence: 'Attendance audited', completed_at: start }).where('id', '=', ids['P-OVERDUE']!).execute();
    const week = await remindActions(t.db, mailer, new Date(start.getTime() + 7 * DAY), { partnershipId: t.fixture.a.id });
    expect(week.reminded.map((r) => [r.reference, r.kind])).toEqual([['P-OWNED', 'overdue'], ['P-SOON', 'overdue'], ['C-WEEK', 'due_soon']]);
    expect(mailTo(before)).toEqual(['agency_lead@a.test', 'lead.one@police.test', 'lead.two@police.test', 'owner@police.test']);
  });

  it('reminds every partnership’s people of their own partnership’s actions, and the command does the same once', async () => {
    const before = smtp.messages.length;
    const at = new Date(start.getTime() + 7 * DAY + 3_600_000);
    const run = await remindActions(t.db, mailer, at);
    expect(run.reminded.map((r) => r.reference)).toEqual(['B-1']);
    expect(mailTo(before)).toEqual(['lead.b@police.test']);
    expect(smtp.messages.at(-1)!.text).toContain('These actions of Beta Partnership');

    // The command runs on today's clock: an action of B due yesterday, and the same sweep run twice.
    const today = londonParts(new Date()).date;
    const [recent] = await createActions(t.db, t.fixture.b.id, [{ source: 'other', reference: 'B-2', description: 'Due yesterday.', ownerAgencyId: police, dueDate: addDays(today, -1) }], null, new Date());
    const saved = process.env.SMTP_URL;
    process.env.SMTP_URL = smtp.url;
    try {
      const cli = (args: string[]) => runCli(async (fn) => fn({ db: t.db, dialect, describe: 'test', close: async () => {} }), args);
      const sent = smtp.messages.length;
      const first = await cli(['actions', 'remind', '--la', '802', '--format', 'json']);
      expect(first.code).toBe(0);
      const out = JSON.parse(first.stdout) as { reminded: { action: string; reference: string; kind: string; emailed: string[] }[]; emails: unknown[] };
      expect(out.reminded.filter((r) => r.action === recent)).toEqual([{ action: recent, reference: 'B-2', kind: 'overdue', due: addDays(today, -1), emailed: ['lead.b@police.test'] }]);
      expect(smtp.messages.slice(sent).some((m) => m.to[0] === 'lead.b@police.test' && m.text.includes('B-2'))).toBe(true);
      const audit = await t.db.selectFrom('audit_event').select(['record_id', 'detail']).where('action', '=', 'action.remind').where('record_id', '=', recent!).execute();
      expect(audit).toEqual([{ record_id: recent, detail: { kind: 'overdue', emails: 1 } }]);
      const second = await cli(['actions', 'remind', '--la', '802']);
      expect(second.code).toBe(0);
      expect(second.stdout).toContain('No actions to remind anyone of');
      const unknown = await cli(['actions', 'remind', '--la', '999']);
      expect(unknown).toMatchObject({ code: 2, stderr: 'Error: --la: no partnership has LA code 999 (see: beacon partnership list)\n' });
    } finally {
      if (saved === undefined) delete process.env.SMTP_URL; else process.env.SMTP_URL = saved;
    }
  });
});
