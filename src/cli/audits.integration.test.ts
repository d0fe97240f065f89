import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths, addWorkingDays } from '../domain/calendar';
import { londonParts } from '../domain/london';
import { runCli } from '../testing/cli';
import { startTestSmtp, type TestSmtp } from '../testing/smtp';
import { createTestApp, type TestApp } from '../testing/test-app';
import { dialects } from '../testing/test-db';

describe.each(dialects())('beacon audits (%s)', (dialect) => {
  let t: TestApp;
  let smtp: TestSmtp;
  const saved = { SMTP_URL: process.env.SMTP_URL, PUBLIC_URL: process.env.PUBLIC_URL };
  const today = londonParts(new Date()).date;
  const cli = (args: string[]) => runCli(async (fn) => fn({ db: t.db, dialect, describe: 'test', close: async () => {} }), args);

  /** A round of partnership A with one case and the fixture agency's section for it. */
  const round = async (themeId: number, plannedDate: string, status: 'in_progress' | 'completed', sectionsDue: string) => {
    const a = t.fixture.a.id;
    const r = await t.db.insertInto('audit_round').values({
      partnership_id: a, theme_id: themeId, planned_date: plannedDate, status, sections_due: sectionsDue, started_at: new Date(),
      tool: JSON.stringify({ scale: 'ofsted', scoreLabels: [], questions: [] }), ...(status === 'completed' ? { completed_at: new Date() } : {}),
    }).returning('id').executeTakeFirstOrThrow();
    await t.db.insertInto('audit_round_agency').values({ round_id: r.id, agency_id: t.fixture.a.agencyId, partnership_id: a }).execute();
    const c = await t.db.insertInto('audit_case').values({ partnership_id: a, round_id: r.id, child_id: t.fixture.a.childId, case_number: 1, selected_at: new Date(),
      ...(status === 'completed' ? { moderated_grade: 'good', moderation_notes: 'Agreed.', moderated_at: new Date() } : {}) }).returning('id').executeTakeFirstOrThrow();
    await t.db.insertInto('audit_section').values({ partnership_id: a, round_id: r.id, case_id: c.id, agency_id: t.fixture.a.agencyId }).execute();
    return r.id;
  };

  beforeAll(async () => {
    smtp = await startTestSmtp();
    process.env.SMTP_URL = smtp.url;
    process.env.PUBLIC_URL = 'https://beacon.example';
    t = await createTestApp(dialect);
    const theme = (name: string) => t.db.insertInto('audit_theme').values({ partnership_id: t.fixture.a.id, name, short_name: name, learning_theme: 'neglect',
      frequency_months: 4, sample_size: 1, scale: 'ofsted' }).returning('id').executeTakeFirstOrThrow();
    const neglect = await theme('Neglect');
    const cse = await theme('CSE');
    await round(neglect.id, today, 'in_progress', addWorkingDays(today, 2));
    await round(cse.id, addMonths(today, -1), 'in_progress', addMonths(today, -1));
    await round(neglect.id, addMonths(today, -5), 'completed', addMonths(today, -5));
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  });

  it('reminds each agency with draft sections once, when due soon and when overdue, over SMTP', async () => {
    const r = await cli(['audits', 'remind', '--format', 'json']);
    expect(r.code).toBe(0);
    const { reminded } = JSON.parse(r.stdout) as { reminded: { agency: string; kind: string; cases: number[]; emailed: number }[] };
    expect(reminded.map((x) => [x.kind, x.cases, x.emailed]).sort()).toEqual([['due_soon', [1], 2], ['overdue', [1], 2]]);
    // The fixture agency's lead and auditor, for each round.
    await expect.poll(() => smtp.messages.length).toBe(4);
    expect(smtp.messages.every((m) => ['agency_lead@a.test', 'auditor@a.test'].includes(m.to[0]!))).toBe(true);
    expect(smtp.messages.map((m) => m.text).join('\n')).not.toContain('Testchild');
    expect(smtp.messages.some((m) => m.text.includes('https://beacon.example/audits/rounds/'))).toBe(true);
    const again = await cli(['audits', 'remind']);
    expect(again).toMatchObject({ code: 0, stdout: 'No audit sections to remind\n' });
    const logged = await t.db.selectFrom('audit_event').select('detail').where('action', '=', 'audit_round.remind').execute();
    expect(logged).toHaveLength(2);
  });

  it('sums a period’s completed rounds for the annual report, and refuses bad dates or an unknown partnership', async () => {
    const r = await cli(['audits', 'summary', '--la', '801', '--from', addMonths(today, -12), '--to', today, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ roundsCompleted: 1, casesAudited: 1, goodOrBetter: 100, themes: [{ name: 'Neglect', roundsCompleted: 1 }] });
    const text = await cli(['audits', 'summary', '--la', '801', '--from', addMonths(today, -12), '--to', today]);
    expect(text.stdout).toContain('Rounds completed: 1; cases audited: 1; good or better: 100%');
    expect((await cli(['audits', 'summary', '--la', '801', '--from', '2026-02-30', '--to', today])).code).toBe(2);
    expect((await cli(['audits', 'summary', '--la', '801', '--from', today, '--to', addMonths(today, -1)])).code).toBe(2);
    const unknown = await cli(['audits', 'summary', '--la', '999', '--from', addMonths(today, -12), '--to', today]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No partnership has LA code 999');
  });
});
