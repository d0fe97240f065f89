import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgency } from '../agencies/agencies.service';
import { createTestApp, signIn, type Client, type TestApp, addTestPerson } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { startTestSmtp, type TestSmtp } from '../../testing/smtp';
import { createMailer } from '../../platform/email';
import { seededRandom } from '../front-door-quality/quality.service';
import { auditCounts, findTheme } from './programme.service';
import { remindAuditSections } from './reminders.service';
import { auditSummary, themeGrades } from './results.service';
import { casesOf, findRound, replaceCase, selectCases } from './rounds.service';

const NEGLECT_NAMES = ['Nia', 'Noah', 'Nell', 'Nate', 'Nora'];

describe.each(dialects())('the multi-agency audit programme (%s)', (dialect) => {
  let t: TestApp;
  let smtp: TestSmtp;
  let manager: Client;
  let police: Client;
  let a: number;
  let policeId: number;
  let healthId: number;
  const neglect: string[] = [];
  let emotional: string;
  let ended: string;
  let otherPartnershipChild: string;
  let themeId: number;
  let roundId: string;

  const insertChild = async (partnershipId: number, first: string, n: number) => (await t.db.insertInto('child').values({
    partnership_id: partnershipId, la_child_id: `LA${partnershipId}${String(n).padStart(4, '0')}`, first_name: first, last_name: 'Auditchild', date_of_birth: '2016-05-06',
  } as never).returning('id').executeTakeFirstOrThrow()).id;

  const plan = async (partnershipId: number, childId: string, start: string, end: string | null, category: string) => {
    const r = await t.db.insertInto('referral').values({ partnership_id: partnershipId, child_id: childId, referral_date: start }).returning('id').executeTakeFirstOrThrow();
    await t.db.insertInto('cp_plan').values({ partnership_id: partnershipId, referral_id: r.id, start_date: start, end_date: end, initial_category: category, latest_category: category }).execute();
  };

  const user = async (email: string, agencyId: number, role: 'agency_lead' | 'auditor') => {
    await addTestPerson(t.db, a, { email, agencyId, roles: [role] });
  };

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestApp(dialect, { SMTP_URL: smtp.url, PUBLIC_URL: 'https://beacon.example' });
    t.clock.current = new Date('2026-03-02T09:00:00Z');
    a = t.fixture.a.id;
    policeId = (await addAgency(t.db, a, { name: 'Alpha Police', type: 'police' })).id;
    healthId = (await addAgency(t.db, a, { name: 'Alpha Health', type: 'health' })).id;
    await user('police.lead@a.test', policeId, 'agency_lead');
    await user('health.auditor@a.test', healthId, 'auditor');
    for (const [i, name] of NEGLECT_NAMES.entries()) {
      const id = await insertChild(a, name, i + 1);
      await plan(a, id, `2025-0${i + 3}-10`, i === 4 ? '2025-12-01' : null, 'NEG');
      neglect.push(id);
    }
    emotional = await insertChild(a, 'Emil', 10);
    await plan(a, emotional, '2025-06-01', null, 'EMO');
    ended = await insertChild(a, 'Olly', 11);
    await plan(a, ended, '2023-01-01', '2024-01-01', 'NEG');
    otherPartnershipChild = await insertChild(t.fixture.b.id, 'Bram', 12);
    await plan(t.fixture.b.id, otherPartnershipChild, '2025-09-01', null, 'NEG');
    manager = await signIn(t, 'business_manager@a.test');
    police = await signIn(t, 'police.lead@a.test');
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  const events = (action: string) => t.db.selectFrom('audit_event').select(['user_email', 'record_id', 'detail']).where('action', '=', action).execute();

  it('refuses a theme form with each error and keeps what was entered, then adds the theme', async () => {
    await manager.get('/audits/themes/new');
    const bad = await manager.post('/audits/themes/new', { name: 'Neglect', shortName: 'Neglect!', frequencyMonths: '40', sampleSize: '', agencies: String(policeId), scale: 'score', scoreLabel0: '' });
    expect(bad.statusCode).toBe(400);
    for (const message of ['The short name must be up to 30 letters, numbers, spaces or hyphens', 'Select the learning theme',
      'How often must be a whole number of months from 1 to 36', 'Enter the number of cases audited in each round',
      'Select at least two agencies: a multi-agency audit needs more than one', 'Enter what a score of 0 means']) {
      expect(bad.body).toContain(message);
    }
    expect(bad.body).toContain('href="#shortName"');
    expect(bad.body).toContain('value="Neglect!"');
    expect(await t.db.selectFrom('audit_theme').selectAll().execute()).toHaveLength(0);

    const good = await manager.post('/audits/themes/new', {
      name: 'Neglect', shortName: 'Neglect', learningTheme: 'neglect', frequencyMonths: '4', sampleSize: '4', scale: 'ofsted',
      agencies: [String(t.fixture.a.agencyId), String(policeId), String(healthId)], description: 'Joint audit of children on plans for neglect.',
    });
    expect(good.statusCode).toBe(303);
    themeId = Number(String(good.headers.location).split('/').pop());
    const theme = await findTheme(t.db, a, themeId);
    expect(theme).toMatchObject({ name: 'Neglect', frequencyMonths: 4, sampleSize: 4, scale: 'ofsted', active: true });
    expect(theme.agencies.map((x) => x.id).sort()).toEqual([t.fixture.a.agencyId, policeId, healthId].sort());
    const again = await manager.post('/audits/themes/new', { name: 'neglect', shortName: 'NEG', learningTheme: 'neglect', frequencyMonths: '4', sampleSize: '4', scale: 'ofsted', agencies: [String(policeId), String(healthId)] });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('The partnership already has a theme of that name');
  });

  it('sets the case selection criteria from the fixed rules, refusing missing parameters', async () => {
    await manager.get(`/audits/themes/${themeId}/criteria`);
    const none = await manager.post(`/audits/themes/${themeId}/criteria`, {});
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Select at least one rule a child must meet to be audited');
    const bad = await manager.post(`/audits/themes/${themeId}/criteria`, { rules: ['cp_plan', 'missing'], 'cp_plan-category': 'XXX', 'cp_plan-months': '99', 'missing-months': '6' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Select the category of abuse for the child protection plan under a category rule');
    expect(bad.body).toContain('The number of months for the child protection plan under a category rule must be a whole number from 1 to 36');
    expect(bad.body).toContain('Enter the number of missing episodes for the missing from home or care rule');
    expect(bad.body).toContain('Select whether a child must meet all the rules or any one of them');
    const good = await manager.post(`/audits/themes/${themeId}/criteria`, { rules: 'cp_plan', 'cp_plan-category': 'NEG', 'cp_plan-months': '12' });
    expect(good.statusCode).toBe(303);
    expect((await findTheme(t.db, a, themeId)).criteria).toEqual({ match: 'all', rules: [{ rule: 'cp_plan', category: 'NEG', months: 12 }] });
    const page = await manager.get(`/audits/themes/${themeId}`);
    expect(page.body).toContain('A child protection plan under the category neglect (at the start or latest), open at some time in the last 12 months');
  });

  it('builds the audit tool: adds questions, moves one, removes one', async () => {
    await manager.get(`/audits/themes/${themeId}/questions/new`);
    expect((await manager.post(`/audits/themes/${themeId}/questions/new`, { text: '' })).body).toContain('Enter the question');
    for (const text of ['Was the impact of neglect on the child understood?', 'Was the child seen and heard?', 'Did agencies share information?', 'Was a chronology used?']) {
      expect((await manager.post(`/audits/themes/${themeId}/questions/new`, { text, help: '' })).statusCode).toBe(303);
    }
    const qs = await t.db.selectFrom('audit_question').select(['id', 'position', 'text']).where('theme_id', '=', themeId).orderBy('position').execute();
    const moved = await manager.post(`/audits/themes/${themeId}/questions/${qs[2]!.id}`, { text: qs[2]!.text, help: 'Check the police and health records too.', position: '1' });
    expect(moved.statusCode).toBe(303);
    expect((await manager.post(`/audits/themes/${themeId}/questions/${qs[2]!.id}`, { text: 'x', position: '9' })).body).toContain('The position must be a whole number from 1 to 4');
    expect((await manager.post(`/audits/themes/${themeId}/questions/${qs[3]!.id}/remove`)).statusCode).toBe(303);
    const after = await t.db.selectFrom('audit_question').select(['text', 'position']).where('theme_id', '=', themeId).orderBy('position').execute();
    expect(after).toEqual([
      { text: 'Did agencies share information?', position: 1 }, { text: 'Was the impact of neglect on the child understood?', position: 2 }, { text: 'Was the child seen and heard?', position: 3 },
    ]);
  });

  it('schedules a round once a month, and flags the next round due from the last plus the frequency', async () => {
    await manager.get(`/audits/themes/${themeId}/rounds/new`);
    const bad = await manager.post(`/audits/themes/${themeId}/rounds/new`, { 'plannedDate-day': '30', 'plannedDate-month': '2', 'plannedDate-year': '2026' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('The planned date must be a real date, like 14 3 2026');
    expect(bad.body).toContain('href="#plannedDate-day"');
    const old = await manager.post(`/audits/themes/${themeId}/rounds/new`, { 'plannedDate-day': '10', 'plannedDate-month': '3', 'plannedDate-year': '2026' });
    expect(old.statusCode).toBe(303);
    roundId = String(old.headers.location).split('/').pop()!;
    const twice = await manager.post(`/audits/themes/${themeId}/rounds/new`, { 'plannedDate-day': '20', 'plannedDate-month': '3', 'plannedDate-year': '2026' });
    expect(twice.body).toContain('The theme already has a round in March 2026: a theme has one round a month');
    const programme = await manager.get('/audits');
    expect(programme.statusCode).toBe(200);
    expect(programme.body).toContain('MAA Neglect 2026-03');
  });

  it('selects cases only from the partnership’s children who meet the criteria, never twice, and replaces a case with a reason', async () => {
    const outcome = await selectCases(t.db, a, roundId, null, t.clock.now(), seededRandom(3));
    // The ended plan, the emotional abuse plan and the other partnership's child do not qualify.
    expect(outcome).toEqual({ wanted: 4, selected: 4, available: 5 });
    let cases = await casesOf(t.db, a, roundId);
    expect(cases.map((c) => c.caseNumber).sort()).toEqual([1, 2, 3, 4]);
    expect(cases.every((c) => neglect.includes(c.childId) && c.matched.includes('cp_plan'))).toBe(true);
    const full = await manager.post(`/audits/rounds/${roundId}/select`);
    expect(full.statusCode).toBe(400);
    expect(full.body).toContain('The round already has its 4 cases');

    const noReason = await manager.post(`/audits/rounds/${roundId}/cases/${cases[1]!.id}/replace`, { reason: '' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Enter why the case is replaced');
    const replaced = await manager.post(`/audits/rounds/${roundId}/cases/${cases[1]!.id}/replace`, { reason: 'The family moved away before the period audited.' });
    expect(replaced.statusCode).toBe(303);
    cases = await casesOf(t.db, a, roundId);
    const current = cases.filter((c) => c.status === 'selected');
    expect(current).toHaveLength(4);
    expect(current.find((c) => c.caseNumber === 2)!.childId).not.toBe(cases.find((c) => c.status === 'replaced')!.childId);
    expect(new Set(cases.map((c) => c.childId)).size).toBe(5);
    // No qualifying child is left: a second replacement removes the case, and selecting again finds nobody new.
    const last = await replaceCase(t.db, a, roundId, current[0]!.id, 'Open to another authority.', null, t.clock.now());
    expect(last.replacedBy).toBeNull();
    expect(await selectCases(t.db, a, roundId, null, t.clock.now())).toEqual({ wanted: 1, selected: 0, available: 0 });
    expect((await casesOf(t.db, a, roundId)).filter((c) => c.status === 'selected')).toHaveLength(3);
    expect((await events('audit_case.replace'))).toHaveLength(1);
  });

  it('shows children’s names only to those who may read children’s records, and audits the names shown', async () => {
    const managerPage = await manager.get(`/audits/rounds/${roundId}`);
    expect(managerPage.statusCode).toBe(200);
    expect(managerPage.body).toContain('Case 1');
    for (const name of NEGLECT_NAMES) expect(managerPage.body).not.toContain(`${name} Auditchild`);
    expect(managerPage.body).not.toContain(`LA${a}000`);
    const auditor = await signIn(t, 'auditor@a.test');
    const auditorPage = await auditor.get(`/audits/rounds/${roundId}`);
    expect(NEGLECT_NAMES.some((n) => auditorPage.body.includes(`${n} Auditchild`))).toBe(true);
    const listed = (await events('child.list')).filter((e) => e.user_email === 'auditor@a.test');
    expect(listed).toHaveLength(1);
    expect((listed[0]!.detail as { list: string; results: number }).results).toBe(5);
    expect((await events('child.list')).some((e) => e.user_email === 'business_manager@a.test')).toBe(false);
  });

  it('starts the round: refuses a past due date, then opens each agency’s sections and emails its leads and auditors without naming a child', async () => {
    await manager.get(`/audits/rounds/${roundId}/start`);
    const past = await manager.post(`/audits/rounds/${roundId}/start`, { 'sectionsDue-day': '1', 'sectionsDue-month': '3', 'sectionsDue-year': '2026' });
    expect(past.statusCode).toBe(400);
    expect(past.body).toContain('The due date must be today or later');
    const started = await manager.post(`/audits/rounds/${roundId}/start`, { 'sectionsDue-day': '20', 'sectionsDue-month': '3', 'sectionsDue-year': '2026' });
    expect(started.statusCode).toBe(303);
    const round = await findRound(t.db, a, roundId);
    expect(round).toMatchObject({ status: 'in_progress', sectionsDue: '2026-03-20' });
    expect(round.tool!.questions.map((q) => q.text)[0]).toBe('Did agencies share information?');
    expect(await t.db.selectFrom('audit_section').select('id').where('round_id', '=', roundId).execute()).toHaveLength(3 * 3);
    // The fixture's agency lead and auditor work for the council, which takes part too.
    await expect.poll(() => smtp.messages.length).toBe(4);
    expect(smtp.messages.map((m) => m.to[0]).sort()).toEqual(['agency_lead@a.test', 'auditor@a.test', 'health.auditor@a.test', 'police.lead@a.test']);
    const toPolice = smtp.messages.find((m) => m.to[0] === 'police.lead@a.test')!;
    expect(toPolice.subject).toBe('Multi-agency audit sections due 20 March 2026: Neglect');
    expect(toPolice.text).toContain('Alpha Police is asked to complete its sections of the multi-agency audit "Neglect" (MAA Neglect 2026-03).');
    expect(toPolice.text).toContain(`https://beacon.example/audits/rounds/${roundId}`);
    for (const m of smtp.messages) for (const name of NEGLECT_NAMES) expect(m.text).not.toContain(name);
    // The tool of a started round does not change with the theme's.
    await manager.post(`/audits/themes/${themeId}/questions/new`, { text: 'A question added later' });
    expect((await findRound(t.db, a, roundId)).tool!.questions).toHaveLength(3);
  });

  const sectionUrl = async (agencyId: number, caseNumber = 1) => {
    const c = (await casesOf(t.db, a, roundId)).find((x) => x.status === 'selected' && x.caseNumber >= caseNumber)!;
    return `/audits/rounds/${roundId}/cases/${c.id}/agencies/${agencyId}`;
  };
  const answers = async (grade: string, comment = '') => {
    const round = await findRound(t.db, a, roundId);
    return Object.fromEntries(round.tool!.questions.flatMap((q) => [[`grade-${q.id}`, grade], [`comment-${q.id}`, comment]]));
  };

  it('lets an agency complete only its own sections: drafts, errors on submit, submission, and nothing after', async () => {
    const own = await sectionUrl(policeId);
    const page = await police.get(own);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Alpha Police’s section for case');
    for (const name of NEGLECT_NAMES) expect(page.body).not.toContain(name);
    expect((await police.get(await sectionUrl(healthId))).statusCode).toBe(403);
    expect((await police.post(await sectionUrl(healthId), { ...(await answers('good')), overallGrade: 'good', intent: 'submit', version: '1' })).statusCode).toBe(403);
    const teamManager = await signIn(t, 'team_manager@a.test');
    expect((await teamManager.get(own)).statusCode).toBe(403);
    const read = await manager.get(own);
    expect(read.statusCode).toBe(200);
    expect(read.body).not.toContain('Submit the section');

    await police.get(own);
    const draft = await police.post(own, { ...(await answers('requires_improvement')), intent: 'save', version: '1' });
    expect(draft.statusCode).toBe(303);
    let row = await t.db.selectFrom('audit_section').selectAll().where('round_id', '=', roundId).where('agency_id', '=', policeId).where('updated_at', 'is not', null).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'draft', version: 2 });

    await police.get(own);
    const incomplete = await police.post(own, { ...(await answers('requires_improvement')), overallGrade: 'inadequate', intent: 'submit', version: '2' });
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.body).toContain('Say why, for the grade of question 1: a grade below good needs a comment');
    expect(incomplete.body).toContain('Enter the areas for development: an overall grade below good needs them');
    expect(incomplete.body).toMatch(/value="inadequate" checked/);

    const stale = await police.post(own, { ...(await answers('good')), overallGrade: 'good', intent: 'submit', version: '1' });
    expect(stale.statusCode).toBe(400);
    expect(stale.body).toContain('Someone else saved this section after you opened it');
    for (const version of ['abc', '4e-323']) {
      expect((await police.post(own, { ...(await answers('good')), overallGrade: 'good', intent: 'submit', version })).statusCode, version).toBe(400);
    }

    const submitted = await police.post(own, { ...(await answers('requires_improvement', 'No chronology on file.')), overallGrade: 'requires_improvement',
      strengths: 'Prompt information sharing.', development: 'Use the neglect toolkit.', intent: 'submit', version: '2' });
    expect(submitted.statusCode).toBe(303);
    row = await t.db.selectFrom('audit_section').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'submitted', overall_grade: 'requires_improvement', development: 'Use the neglect toolkit.' });
    expect(row.submitted_at).toEqual(t.clock.now());
    const again = await police.post(own, { ...(await answers('good')), overallGrade: 'good', intent: 'submit', version: '3' });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('This section has already been submitted and can no longer be changed');
    expect(await events('audit_section.submit')).toHaveLength(1);
    expect(JSON.stringify(await events('audit_section.submit'))).not.toContain('neglect toolkit');
  });

  it('reminds agencies with draft sections once within three working days of the due date and once when overdue', async () => {
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'beacon@a.test' });
    const sent = () => smtp.messages.length;
    const before = sent();
    // Friday 13 March: five working days before Friday 20 March.
    t.clock.current = new Date('2026-03-13T09:00:00Z');
    expect(await remindAuditSections(t.db, mailer, t.clock.now())).toEqual([]);
    // Tuesday 17 March: three working days before.
    t.clock.current = new Date('2026-03-17T09:00:00Z');
    const soon = await remindAuditSections(t.db, mailer, t.clock.now(), { publicUrl: 'https://beacon.example' });
    expect(soon.map((r) => [r.agency, r.kind, r.cases.length]).sort()).toEqual([['Alpha Health', 'due_soon', 3], ['Alpha Partnership Council', 'due_soon', 3], ['Alpha Police', 'due_soon', 2]]);
    await expect.poll(sent).toBe(before + 4);
    const reminder = smtp.messages.find((m) => m.to[0] === 'police.lead@a.test' && m.subject.startsWith('Reminder'))!;
    expect(reminder.subject).toBe('Reminder: multi-agency audit sections due 20 March 2026, Neglect');
    expect(reminder.text).toMatch(/Not yet submitted: 2 \(cases \d and \d\)\./);
    expect(await remindAuditSections(t.db, mailer, t.clock.now())).toEqual([]);
    // Monday 23 March: overdue.
    t.clock.current = new Date('2026-03-23T09:00:00Z');
    const overdue = await remindAuditSections(t.db, mailer, t.clock.now());
    expect(overdue.map((r) => r.kind)).toEqual(['overdue', 'overdue', 'overdue']);
    await expect.poll(sent).toBe(before + 8);
    expect(smtp.messages.at(-1)!.subject).toMatch(/^Overdue: multi-agency audit sections, Neglect$/);
    expect(await remindAuditSections(t.db, mailer, t.clock.now())).toEqual([]);
    for (const m of smtp.messages) for (const name of NEGLECT_NAMES) expect(m.text).not.toContain(name);
    // A week on, everyone signs in again.
    manager = await signIn(t, 'business_manager@a.test');
    police = await signIn(t, 'police.lead@a.test');
    const page = await manager.get('/audits');
    expect(page.body).toContain('Sections overdue');
    expect(await auditCounts(t.db, a, '2026-03-23', policeId)).toEqual({ roundsUnderWay: 1, themesOverdue: 0, sectionsOverdue: 8, agencySectionsToSubmit: 2 });
    expect(await auditCounts(t.db, a, '2026-03-20', healthId)).toMatchObject({ sectionsOverdue: 0, agencySectionsToSubmit: 3 });
  });

  it('moderates: going ahead without missing sections only when confirmed, then a grade and notes for each case', async () => {
    await manager.get(`/audits/rounds/${roundId}`);
    const unconfirmed = await manager.post(`/audits/rounds/${roundId}/moderation`, {});
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.body).toContain('8 sections are not submitted: confirm that moderation goes ahead without them');
    expect(unconfirmed.body).toContain('href="#proceed"');
    expect((await findRound(t.db, a, roundId)).status).toBe('in_progress');
    const confirmed = await manager.post(`/audits/rounds/${roundId}/moderation`, { proceed: 'yes' });
    expect(confirmed.statusCode).toBe(303);
    expect((await findRound(t.db, a, roundId)).status).toBe('moderation');
    // Sections are closed to the agencies now.
    const own = await sectionUrl(policeId, 3);
    await police.get(own);
    const late = await police.post(own, { ...(await answers('good')), overallGrade: 'good', intent: 'submit', version: '1' });
    expect(late.statusCode).toBe(400);
    expect(late.body).toContain('Changing a section is not possible: the round is in moderation');

    const cases = (await casesOf(t.db, a, roundId)).filter((c) => c.status === 'selected');
    const casePage = await manager.get(`/audits/rounds/${roundId}/cases/${cases[0]!.id}`);
    expect(casePage.statusCode).toBe(200);
    expect(casePage.body).toContain('Alpha Police');
    const bad = await manager.post(`/audits/rounds/${roundId}/cases/${cases[0]!.id}`, { grade: 'excellent', notes: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Select the moderated grade for the case');
    expect(bad.body).toContain('Enter the moderation notes: why the case has this grade');
    for (const [i, c] of cases.entries()) {
      const res = await manager.post(`/audits/rounds/${roundId}/cases/${c.id}`, { grade: i === 0 ? 'requires_improvement' : 'good', notes: 'Agreed at the moderation meeting.' });
      expect(res.statusCode).toBe(303);
    }
  });

  it('records findings, and completing the round turns the areas for improvement into actions, all or none', async () => {
    await manager.get(`/audits/rounds/${roundId}/findings/new`);
    const bad = await manager.post(`/audits/rounds/${roundId}/findings/new`, { kind: 'improvement', text: 'Chronologies were missing.', 'dueDate-day': '31', 'dueDate-month': '2', 'dueDate-year': '2027' });
    expect(bad.statusCode).toBe(400);
    for (const m of ['Enter the action to be taken', 'Select the agency that owns the action', 'The due date must be a real date, like 30 6 2026']) expect(bad.body).toContain(m);
    const due = { 'dueDate-day': '30', 'dueDate-month': '9', 'dueDate-year': '2026' };
    expect((await manager.post(`/audits/rounds/${roundId}/findings/new`, { kind: 'strength', text: 'Information was shared promptly at strategy discussions.' })).statusCode).toBe(303);
    expect((await manager.post(`/audits/rounds/${roundId}/findings/new`, { kind: 'improvement', text: 'Chronologies were missing in most cases.', actionDescription: 'Brief police staff on neglect chronologies.', ownerAgencyId: String(policeId), themes: ['neglect'], ...due })).statusCode).toBe(303);
    expect((await manager.post(`/audits/rounds/${roundId}/findings/new`, { kind: 'improvement', text: 'Health visitors were not invited to core groups.', actionDescription: 'Add health visitors to core group invitations.', ownerAgencyId: String(healthId), ...due })).statusCode).toBe(303);

    // The health agency leaves the partnership before the round is completed: the tracker refuses its action, and nothing is written.
    await t.db.deleteFrom('agency_partnership').where('agency_id', '=', healthId).where('partnership_id', '=', a).execute();
    const refused = await manager.post(`/audits/rounds/${roundId}/complete`, { summary: 'Practice is improving.' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Finding F3: Select the agency that owns the action');
    expect(await t.db.selectFrom('action').select('id').where('source', '=', 'audit').execute()).toHaveLength(0);
    expect((await findRound(t.db, a, roundId)).status).toBe('moderation');
    await t.db.insertInto('agency_partnership').values({ agency_id: healthId, partnership_id: a }).execute();

    const done = await manager.post(`/audits/rounds/${roundId}/complete`, { summary: 'Practice is improving.' });
    expect(done.statusCode).toBe(303);
    const actions = await t.db.selectFrom('action').selectAll().where('source', '=', 'audit').orderBy('reference').execute();
    expect(actions.map((x) => [x.reference, x.source_id, x.owner_agency_id, x.due_date, x.themes])).toEqual([
      ['MAA Neglect 2026-03 F2', roundId, policeId, '2026-09-30', ['neglect']],
      ['MAA Neglect 2026-03 F3', roundId, healthId, '2026-09-30', ['neglect']],
    ]);
    expect(actions[0]!.recommendation).toBe('Chronologies were missing in most cases.');
    const round = await findRound(t.db, a, roundId);
    expect(round).toMatchObject({ status: 'completed', summary: 'Practice is improving.' });
    const page = await manager.get(`/audits/rounds/${roundId}`);
    expect(page.body).toContain(`href="/actions/${actions[0]!.id}"`);
    expect(page.body).toContain('Brief police staff on neglect chronologies.');
    expect((await manager.post(`/audits/rounds/${roundId}/complete`, {})).statusCode).toBe(400);
  });

  it('shows the results over time, and sums the year for the annual report', async () => {
    const theme = await findTheme(t.db, a, themeId);
    const grades = await themeGrades(t.db, a, theme);
    expect(grades.rounds).toEqual([expect.objectContaining({ reference: 'MAA Neglect 2026-03', total: 3, goodOrBetter: 67, counts: { outstanding: 0, good: 2, requires_improvement: 1, inadequate: 0 } })]);
    const page = await manager.get(`/audits/themes/${themeId}`);
    expect(page.body).toContain('<svg');
    expect(page.body).toContain('Moderated grades by round: Neglect');
    expect(page.body).toContain('1 of 3 on time');
    const csv = await manager.get(`/audits/themes/${themeId}/results.csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toBe('Round,Planned for,Cases,Outstanding,Good,Requires improvement,Inadequate,Good or better (%),Sections,Sections on time\r\n'
      + 'MAA Neglect 2026-03,2026-03-10,3,0,2,1,0,67,9,1\r\n');
    // Four months after the March round, the next is overdue until scheduled.
    expect((await auditCounts(t.db, a, '2026-07-11')).themesOverdue).toBe(1);
    const summary = await auditSummary(t.db, a, '2025-04-01', '2026-03-31');
    expect(summary).toMatchObject({ roundsCompleted: 1, casesAudited: 3, goodOrBetter: 67, sectionsOnTime: 11, grades: { ofsted: { good: 2, requires_improvement: 1 } } });
    expect(summary.themes[0]).toMatchObject({ name: 'Neglect', findings: 3, actions: 2 });
    expect((await auditSummary(t.db, a, '2026-04-01', '2027-03-31')).roundsCompleted).toBe(0);
  });

  it('answers another partnership’s theme, round, case and section as not found', async () => {
    const other = await signIn(t, 'business_manager@b.test');
    const c = (await casesOf(t.db, a, roundId))[0]!;
    for (const url of [`/audits/themes/${themeId}`, `/audits/rounds/${roundId}`, `/audits/rounds/${roundId}/cases/${c.id}`, `/audits/rounds/${roundId}/cases/${c.id}/agencies/${policeId}`]) {
      expect((await other.get(url)).statusCode, url).toBe(404);
    }
    expect((await other.post(`/audits/rounds/${roundId}/select`)).statusCode).toBe(404);
    expect((await other.get('/audits')).body).not.toContain('Neglect');
  });
});
