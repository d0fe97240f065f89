import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCourse, addSession, book, userId } from '../features/training-attendance/test-records';
import { EXPECTED_REPORT_JSON, seedReportFixture } from '../features/training-reports/report-fixture';
import { runCli } from '../testing/cli';
import { seedFixture } from '../testing/test-app';
import { createTestDb, dialects, type TestDb } from '../testing/test-db';

describe.each(dialects())('beacon training report (%s)', (dialect) => {
  let t: TestDb;
  const cli = (args: string[]) => runCli(async (fn) => fn({ db: t.db, dialect: t.dialect, describe: 'test', close: async () => {} }), args);
  const year = ['--la', '801', '--from', '2025-04-01', '--to', '2026-03-31'];

  beforeAll(async () => {
    t = await createTestDb(dialect);
    await seedReportFixture(t.db, await seedFixture(t.db));
  });
  afterAll(async () => { await t?.close(); });

  it('prints the year’s figures as JSON, exactly as counted by hand', async () => {
    const res = await cli(['training', 'report', ...year, '--format', 'json']);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
    expect(JSON.parse(res.stdout)).toEqual(EXPECTED_REPORT_JSON);
    const audit = await t.db.selectFrom('audit_event').select(['action', 'detail']).where('action', '=', 'training_report.view').executeTakeFirstOrThrow();
    expect(audit.detail).toEqual({ from: '2025-04-01', to: '2026-03-31', format: 'json' });
  });

  it('prints them for people, as text or CSV', async () => {
    const text = await cli(['training', 'report', ...year]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Alpha Partnership (801), 1 April 2025 to 31 March 2026');
    expect(text.stdout).toContain('3 multi-agency courses (4 sessions) to 8 participants, 50% face to face.');
    expect(text.stdout).toContain('Attendance not yet marked for 1 session: 2 confirmed bookings counted as participants.');
    expect(text.stdout).toMatch(/Northshire Police\s+3\n/);
    expect(text.stdout).toContain('Did not attend: 14.3% of 7 marked (1); 1 charged, £25.00');
    expect(text.stdout).toContain('confidence 2.3 before, 3.5 after (a rise of 1.3)');
    const csv = await cli(['training', 'report', ...year, '--format', 'csv']);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\r\n')).toEqual(expect.arrayContaining(['section,name,measure,value', 'period,2025-04-01 to 2026-03-31,participants,8', 'agency,Riverside School,participants,3']));
  });

  it('refuses a bad date, a period back to front, an unknown LA or format with exit 2, naming the option', async () => {
    for (const [args, message] of [
      [['--la', '801', '--from', '2025-02-30', '--to', '2026-03-31'], '--from must be a real date written YYYY-MM-DD, not "2025-02-30"'],
      [['--la', '801', '--from', '2025-04-01', '--to', '31/03/2026'], '--to must be a real date written YYYY-MM-DD, not "31/03/2026"'],
      [['--la', '801', '--from', '2026-04-01', '--to', '2026-03-31'], '--from (2026-04-01) must not be after --to (2026-03-31)'],
      [['--la', '999', '--from', '2025-04-01', '--to', '2026-03-31'], '--la: no partnership has LA code 999'],
      [['--la', 'kent', '--from', '2025-04-01', '--to', '2026-03-31'], '--la must be a 3-digit DfE local authority code, not "kent"'],
      [[...year, '--format', 'xml'], '--format must be text, json or csv, not "xml"'],
    ] as const) {
      const res = await cli(['training', 'report', ...args]);
      expect(res.code, message).toBe(2);
      expect(res.stderr).toContain(message);
      expect(res.stdout).toBe('');
    }
    expect((await cli(['training', 'report', '--la', '801', '--from', '2025-04-01'])).code).toBe(2);
  });

  it('sends the surveys due, once, and says how many', async () => {
    const a = (await t.db.selectFrom('partnership').select('id').where('la_code', '=', '801').executeTakeFirstOrThrow()).id;
    const course = await addCourse(t.db, a, { title: 'Safe sleep' });
    const ended = Date.now() - (8 * 7 * 86_400_000 + 3_600_000);
    const session = await addSession(t.db, a, course, { startsAt: new Date(ended - 3 * 3_600_000).toISOString(), endsAt: new Date(ended).toISOString() });
    const invited = await book(t.db, a, session, await userId(t.db, 'p1@a.test'), { attendance: 'attended' });
    const reminded = await book(t.db, a, session, await userId(t.db, 'p2@a.test'), { attendance: 'attended' });
    await t.db.updateTable('booking').set({ evaluation_requested_at: new Date(Date.now() - 8 * 86_400_000) }).where('id', '=', reminded).execute();
    const first = await cli(['training', 'surveys', '--format', 'json']);
    expect(first.code).toBe(0);
    const out = JSON.parse(first.stdout) as { evaluation_reminders: number; impact_invitations: number; emails: { kind: string; booking: string }[] };
    expect(out).toMatchObject({ evaluation_reminders: 1, impact_invitations: 2 });
    expect(out.emails).toContainEqual({ kind: 'evaluation_reminder', booking: reminded, emailed: true });
    expect(out.emails).toContainEqual({ kind: 'impact_invitation', booking: invited, emailed: true });
    expect(await t.db.selectFrom('email_outbox').select('subject').where('to_address', '=', 'p1@a.test').execute()).toEqual([{ subject: 'How has Safe sleep changed your practice?' }]);
    expect((await cli(['training', 'surveys'])).stdout).toBe('0 evaluation reminders and 0 impact survey invitations sent\n');
  });
});
