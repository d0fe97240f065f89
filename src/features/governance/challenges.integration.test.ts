import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../platform/email';
import { runCli } from '../../testing/cli';
import { startTestSmtp, type TestSmtp } from '../../testing/smtp';
import { createTestApp, signIn, type Client, type TestApp, addTestPerson } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { addAgency } from '../agencies/agencies.service';
import { remindOverdueChallenges } from './challenges.service';
import { governanceSummary } from './governance.service';

const summaryOf = (html: string) => [...html.matchAll(/<a href="(#[^"]+)">([^<]+)<\/a>/g)].map((m) => `${m[1]} ${m[2]!.trim()}`);
const date = (prefix: string, iso: string) => {
  const [y, m, d] = iso.split('-');
  return { [`${prefix}-day`]: String(Number(d)), [`${prefix}-month`]: String(Number(m)), [`${prefix}-year`]: y! };
};
const versionIn = (html: string) => /name="version" value="(\d+)"/.exec(html)![1]!;
/** Words the challenge's own text carries: never in an email, which could reach a shared inbox. */
const DETAIL = 'Strategy discussions on 3, 9 and 17 May went ahead without the police.';

describe.each(dialects())('governance: the challenge log (%s)', (dialect) => {
  let t: TestApp;
  let smtp: TestSmtp;
  let manager: Client;
  const agencies = {} as Record<'council' | 'police' | 'health' | 'school', number>;
  const challenges = {} as Record<'police' | 'council' | 'school', string>;
  let groupId: number;
  let meetingId: string;
  let otherGroupMeetingId: string;

  const person = async (email: string, agencyId: number, roles: string[], partnershipId = t.fixture.a.id) => {
    return addTestPerson(t.db, partnershipId, { email, name: email.split('@')[0]!.replace('.', ' '), agencyId, roles });
  };
  const raiseForm = (over: Record<string, string>) => ({
    ...date('raisedOn', '2026-06-01'), raisedByKind: 'independent_chair', raisedByName: 'Dr Mary Quinn, Independent Chair', toAgencyId: String(agencies.police),
    subject: 'Police attendance at strategy discussions', detail: DETAIL, ...date('responseDue', '2026-07-01'), ...over,
  });

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestApp(dialect, { SMTP_URL: smtp.url, PUBLIC_URL: 'https://beacon.test' });
    t.clock.current = new Date('2026-06-10T09:00:00Z');
    const a = t.fixture.a.id;
    agencies.council = t.fixture.a.agencyId;
    agencies.police = (await addAgency(t.db, a, { name: 'Alpha Police', type: 'police' })).id;
    agencies.health = (await addAgency(t.db, a, { name: 'Alpha Integrated Care Board', type: 'health' })).id;
    agencies.school = (await addAgency(t.db, a, { name: 'Alpha Academy', type: 'education' })).id;
    await person('police.lead@a.test', agencies.police, ['agency_lead']);
    await person('police.deputy@a.test', agencies.police, ['agency_lead']);
    await person('health.lead@a.test', agencies.health, ['agency_lead']);
    await person('health.auditor@a.test', agencies.health, ['auditor']);
    // A police lead in the other partnership is not told of partnership A's challenges.
    const otherPolice = (await addAgency(t.db, t.fixture.b.id, { name: 'Alpha Police', type: 'police' })).id;
    await person('police.lead@b.test', otherPolice, ['agency_lead'], t.fixture.b.id);
    groupId = (await t.db.insertInto('assurance_group').values({ partnership_id: a, name: 'Executive Board', kind: 'executive' }).returning('id').executeTakeFirstOrThrow()).id;
    const other = (await t.db.insertInto('assurance_group').values({ partnership_id: a, name: 'Learning and Development', kind: 'subgroup' }).returning('id').executeTakeFirstOrThrow()).id;
    meetingId = (await t.db.insertInto('group_meeting').values({ partnership_id: a, group_id: groupId, starts_at: new Date('2026-06-01T09:00:00Z'), status: 'held', updated_at: new Date() })
      .returning('id').executeTakeFirstOrThrow()).id;
    otherGroupMeetingId = (await t.db.insertInto('group_meeting').values({ partnership_id: a, group_id: other, starts_at: new Date('2026-05-01T09:00:00Z'), status: 'held', updated_at: new Date() })
      .returning('id').executeTakeFirstOrThrow()).id;
    manager = await signIn(t, 'business_manager@a.test');
  });
  afterAll(async () => { await t?.close(); await smtp?.close(); });

  it('refuses a challenge with each problem named, and writes nothing', async () => {
    const form = await manager.get('/governance/challenges/new');
    expect(form.body).toContain('Do not name children, family members or staff');
    const empty = await manager.post('/governance/challenges/new', {});
    expect(empty.statusCode).toBe(400);
    expect(summaryOf(empty.body)).toEqual([
      '#raisedOn-day Enter the date the challenge was raised', '#raisedByKind Select who raised the challenge', '#toAgencyId Select the agency being challenged',
      '#subject Enter what the challenge is about', '#detail Enter the challenge', '#responseDue-day Enter the date a response is due',
    ]);
    const bad = await manager.post('/governance/challenges/new', raiseForm({
      ...date('raisedOn', '2026-06-11'), raisedByKind: 'agency', raisedByAgencyId: String(agencies.police), groupId: String(groupId), meetingId: otherGroupMeetingId,
      ...date('responseDue', '2026-06-01'),
    }));
    expect(summaryOf(bad.body)).toEqual([
      '#raisedOn-day The date raised must be today or in the past', '#toAgencyId An agency cannot challenge itself: select another agency',
      '#meetingId The meeting must be one of the group chosen', '#responseDue-day The response due date must be on or after the date raised',
    ]);
    expect(bad.body).toContain('Police attendance at strategy discussions');
    expect(await t.db.selectFrom('challenge').select('id').execute()).toEqual([]);
    expect(smtp.messages).toEqual([]);
  });

  it('raises a challenge, numbered in its year, and emails the challenged agency’s leads without its words', async () => {
    const res = await manager.post('/governance/challenges/new', raiseForm({ meetingId }));
    expect(res.statusCode).toBe(303);
    challenges.police = String(res.headers.location).split('/').pop()!;
    const row = await t.db.selectFrom('challenge').selectAll().where('id', '=', challenges.police).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      reference: 'CH 2026/01', raised_on: '2026-06-01', raised_by_kind: 'independent_chair', raised_by_agency_id: null, to_agency_id: agencies.police,
      group_id: groupId, meeting_id: meetingId, response_due: '2026-07-01', status: 'open',
    });
    await expect.poll(() => smtp.messages.length).toBe(2);
    expect(smtp.messages.flatMap((m) => m.to).sort()).toEqual(['police.deputy@a.test', 'police.lead@a.test']);
    const email = smtp.messages[0]!;
    expect(email.subject).toBe('Challenge CH 2026/01 to Alpha Police: response due 1 July 2026');
    expect(email.text).toContain('The Independent Chair has raised a challenge with Alpha Police');
    expect(email.text).toContain(`https://beacon.test/governance/challenges/${challenges.police}`);
    expect(email.text).not.toContain('May went ahead');
    expect(email.text).not.toContain('strategy discussions');

    const page = await manager.get(res.headers.location as string);
    expect(page.body).toContain('CH 2026/01: Police attendance at strategy discussions');
    expect(page.body).toContain(`href="/governance/meetings/${meetingId}"`);
    expect((await manager.get(`/governance/meetings/${meetingId}`)).body).toContain(`/governance/challenges/${challenges.police}`);
    const audit = await t.db.selectFrom('audit_event').select(['action', 'detail']).where('record_id', '=', challenges.police).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['challenge.raise', 'challenge.notify', 'challenge.read']);
  });

  it('lets an agency’s lead raise a challenge from their own agency only', async () => {
    const lead = await signIn(t, 'health.lead@a.test');
    const form = await lead.get('/governance/challenges/new');
    expect(form.body).toContain('Alpha Integrated Care Board');
    expect(form.body).not.toContain('name="raisedByKind"');
    const self = await lead.post('/governance/challenges/new', raiseForm({ toAgencyId: String(agencies.health) }));
    expect(summaryOf(self.body)).toEqual(['#toAgencyId An agency cannot challenge itself: select another agency']);
    // Claiming to be the Independent Chair makes no difference: the lead raises for their agency.
    const res = await lead.post('/governance/challenges/new', raiseForm({
      raisedByKind: 'independent_chair', raisedByName: 'Designated Nurse', toAgencyId: String(agencies.council),
      subject: 'Timeliness of initial health assessment requests', detail: 'Requests reach health after the 5 working days agreed.', ...date('responseDue', '2026-06-08'),
    }));
    expect(res.statusCode).toBe(303);
    challenges.council = String(res.headers.location).split('/').pop()!;
    expect(await t.db.selectFrom('challenge').select(['reference', 'raised_by_kind', 'raised_by_agency_id']).where('id', '=', challenges.council).executeTakeFirstOrThrow())
      .toEqual({ reference: 'CH 2026/02', raised_by_kind: 'agency', raised_by_agency_id: agencies.health });
    // The council's lead (the fixture's agency lead) is told.
    await expect.poll(() => smtp.messages.some((m) => m.to.includes('agency_lead@a.test'))).toBe(true);

    // A team manager reads the log but raises nothing.
    const tm = await signIn(t, 'team_manager@a.test');
    expect((await tm.get('/governance/challenges')).statusCode).toBe(200);
    expect((await tm.get('/governance/challenges/new')).statusCode).toBe(403);
    expect((await tm.post('/governance/challenges/new', raiseForm({}))).statusCode).toBe(403);
  });

  it('takes a response only from the challenged agency’s own people, or from the business manager on its behalf', async () => {
    const url = `/governance/challenges/${challenges.police}/response`;
    const health = await signIn(t, 'health.lead@a.test');
    const seen = await health.get(`/governance/challenges/${challenges.police}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.body).not.toContain('Save the response');
    expect((await health.post(url, { response: 'Not ours to answer', version: '1' })).statusCode).toBe(403);
    const healthAuditor = await signIn(t, 'health.auditor@a.test');
    await healthAuditor.get(`/governance/challenges/${challenges.police}`);
    expect((await healthAuditor.post(url, { response: 'No', version: '1' })).statusCode).toBe(403);
    const tm = await signIn(t, 'team_manager@a.test');
    await tm.get(`/governance/challenges/${challenges.police}`);
    expect((await tm.post(url, { response: 'No', version: '1' })).statusCode).toBe(403);

    const police = await signIn(t, 'police.lead@a.test');
    const page = await police.get(`/governance/challenges/${challenges.police}`);
    expect(page.body).toContain('Save the response');
    const version = versionIn(page.body);
    const empty = await police.post(url, { response: '  ', version });
    expect(empty.statusCode).toBe(400);
    expect(summaryOf(empty.body)).toEqual(['#response Enter the agency’s response']);
    const good = await police.post(url, { response: 'A duty DS now joins every strategy discussion by phone within the hour.', version });
    expect(good.statusCode).toBe(303);
    expect(await t.db.selectFrom('challenge').select(['status', 'response_on_behalf']).where('id', '=', challenges.police).executeTakeFirstOrThrow())
      .toEqual({ status: 'responded', response_on_behalf: false });

    // The second police lead amends it from the page they opened before; a stale copy is refused.
    const deputy = await signIn(t, 'police.deputy@a.test');
    const stale = await deputy.post(url, { response: 'Overwriting blindly', version });
    expect(stale.statusCode).toBe(400);
    expect(stale.body).toContain('Someone else changed this challenge while you had it open');
    const fresh = await deputy.get(`/governance/challenges/${challenges.police}`);
    expect((await deputy.post(url, { response: 'A duty DS joins every strategy discussion within the hour; audited monthly.', version: versionIn(fresh.body) })).statusCode).toBe(303);

    // The business manager records the council's answer given at the Executive, on its behalf.
    const councilPage = await manager.get(`/governance/challenges/${challenges.council}`);
    expect(councilPage.body).toContain('it will be shown as recorded on the agency’s behalf');
    expect((await manager.post(`/governance/challenges/${challenges.council}/response`, { response: 'Given at the Executive: a new weekly tracker.', version: versionIn(councilPage.body) })).statusCode).toBe(303);
    const after = await manager.get(`/governance/challenges/${challenges.council}`);
    expect(after.body).toContain('on Alpha Partnership Council’s behalf');
    const events = await t.db.selectFrom('challenge_event').select(['kind', 'on_behalf']).where('challenge_id', '=', challenges.council).orderBy('id').execute();
    expect(events).toEqual([{ kind: 'raised', on_behalf: false }, { kind: 'responded', on_behalf: true }]);
    const audit = await t.db.selectFrom('audit_event').select(['user_email', 'detail']).where('action', '=', 'challenge.respond').orderBy('seq').execute();
    expect(audit.map((a) => [a.user_email, a.detail])).toEqual([
      ['police.lead@a.test', { onBehalf: false }], ['police.deputy@a.test', { onBehalf: false }], ['business_manager@a.test', { onBehalf: true }],
    ]);
    // Denied attempts are in the log too.
    expect(await t.db.selectFrom('audit_event').select('user_email').where('action', '=', 'access.denied').where('user_email', '=', 'health.lead@a.test').execute()).toHaveLength(1);
  });

  it('resolves a challenge once answered, escalates one with a reason, and the Executive may resolve it', async () => {
    const school = await manager.post('/governance/challenges/new', raiseForm({
      raisedByKind: 'agency', raisedByAgencyId: String(agencies.school), toAgencyId: String(agencies.council),
      subject: 'Feedback from the front door to referrers', detail: 'Schools are not told the outcome of their referrals.',
    }));
    challenges.school = String(school.headers.location).split('/').pop()!;
    const open = await manager.get(`/governance/challenges/${challenges.school}`);
    const tooSoon = await manager.post(`/governance/challenges/${challenges.school}/outcome`, { outcome: 'resolve', resolution: '', version: versionIn(open.body) });
    expect(summaryOf(tooSoon.body)).toEqual([
      '#outcome Record the agency’s response before resolving the challenge, or escalate it', '#resolution Enter how the challenge was resolved',
    ]);
    const noReason = await manager.post(`/governance/challenges/${challenges.school}/outcome`, { outcome: 'escalate', version: versionIn(open.body) });
    expect(summaryOf(noReason.body)).toEqual(['#escalationReason Enter why the challenge is escalated to the Executive']);
    expect((await manager.post(`/governance/challenges/${challenges.school}/outcome`, { outcome: 'escalate', escalationReason: 'No response after two subgroup meetings.', version: versionIn(open.body) })).statusCode).toBe(303);
    expect((await t.db.selectFrom('challenge').select(['status', 'escalation_reason']).where('id', '=', challenges.school).executeTakeFirstOrThrow()))
      .toEqual({ status: 'escalated', escalation_reason: 'No response after two subgroup meetings.' });
    // The Executive's page lists it.
    expect((await manager.get(`/governance/groups/${groupId}`)).body).toContain('CH 2026/03: Feedback from the front door to referrers');
    // An agency lead cannot record the outcome.
    const council = await signIn(t, 'agency_lead@a.test');
    const councilPage = await council.get(`/governance/challenges/${challenges.school}`);
    expect((await council.post(`/governance/challenges/${challenges.school}/outcome`, { outcome: 'resolve', resolution: 'x', version: versionIn(councilPage.body) })).statusCode).toBe(403);
    // The council responds late; the challenge stays with the Executive until it is resolved.
    expect((await council.post(`/governance/challenges/${challenges.school}/response`, { response: 'Referrers will get an outcome letter.', version: versionIn(councilPage.body) })).statusCode).toBe(303);
    expect((await t.db.selectFrom('challenge').select('status').where('id', '=', challenges.school).executeTakeFirstOrThrow()).status).toBe('escalated');

    const police = await manager.get(`/governance/challenges/${challenges.police}`);
    expect((await manager.post(`/governance/challenges/${challenges.police}/outcome`, { outcome: 'resolve', resolution: 'The Chair accepts the audit.', version: versionIn(police.body) })).statusCode).toBe(303);
    const resolved = await manager.get(`/governance/challenges/${challenges.police}`);
    expect(resolved.body).toContain('The Chair accepts the audit.');
    expect(resolved.body).not.toContain('Save the response');
    expect(resolved.body).not.toContain('Record the outcome');
    const lead = await signIn(t, 'police.lead@a.test');
    const leadPage = await lead.get(`/governance/challenges/${challenges.police}`);
    expect(leadPage.body).not.toContain('Save the response');
    const late = await lead.post(`/governance/challenges/${challenges.police}/response`, { response: 'One more thing', version: '0' });
    expect(summaryOf(late.body)).toEqual(['#response The challenge is resolved: its response can no longer change']);
    const current = (await t.db.selectFrom('challenge').select('version').where('id', '=', challenges.police).executeTakeFirstOrThrow()).version;
    const again = await manager.post(`/governance/challenges/${challenges.police}/outcome`, { outcome: 'escalate', escalationReason: 'x', version: String(current) });
    expect(summaryOf(again.body)).toEqual(['#outcome The challenge is already resolved']);
    expect((await t.db.selectFrom('audit_event').select('action').where('record_id', 'in', [challenges.police, challenges.school]).where('action', 'in', ['challenge.resolve', 'challenge.escalate']).orderBy('seq').execute()).map((a) => a.action))
      .toEqual(['challenge.escalate', 'challenge.resolve']);
  });

  it('adds the actions arising to the tracker, numbered under the challenge', async () => {
    const url = `/governance/challenges/${challenges.school}/actions/new`;
    const form = await manager.get(url);
    expect(form.body).toMatch(new RegExp(`<option value="${agencies.council}" selected>`));
    const bad = await manager.post(url, { description: '', ownerAgencyId: String(agencies.council), 'dueDate-day': '31', 'dueDate-month': '6' });
    expect(summaryOf(bad.body)).toEqual(['#description Enter the action', '#dueDate-day The due date must be a real date']);
    expect((await manager.post(url, { description: 'Send referrers an outcome letter within 3 working days', ownerAgencyId: String(agencies.council), ...date('dueDate', '2026-09-30') })).statusCode).toBe(303);
    const action = await t.db.selectFrom('action').select(['reference', 'source', 'source_id', 'group_id', 'recommendation']).where('source', '=', 'challenge').executeTakeFirstOrThrow();
    expect(action).toEqual({ reference: 'CH 2026/03 A1', source: 'challenge', source_id: challenges.school, group_id: null, recommendation: 'Challenge CH 2026/03: Feedback from the front door to referrers' });
    expect((await manager.get(`/governance/challenges/${challenges.school}`)).body).toContain('CH 2026/03 A1');
    const lead = await signIn(t, 'agency_lead@a.test');
    expect((await lead.get(url)).statusCode).toBe(403);
  });

  it('filters the log by agency, status and year, and exports it spreadsheet-safe', async () => {
    const ids = (html: string) => [...html.matchAll(/href="\/governance\/challenges\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
    expect(ids((await manager.get('/governance/challenges')).body)).toHaveLength(3);
    expect(ids((await manager.get(`/governance/challenges?agency=${agencies.police}`)).body)).toEqual([challenges.police]);
    // The health board raised the council challenge: it is one of health's too.
    expect(ids((await manager.get(`/governance/challenges?agency=${agencies.health}`)).body)).toEqual([challenges.council]);
    expect(ids((await manager.get('/governance/challenges?status=escalated')).body)).toEqual([challenges.school]);
    expect(ids((await manager.get('/governance/challenges?year=2025')).body)).toEqual([]);
    expect(ids((await manager.get('/governance/challenges?year=2026&status=nonsense&agency=abc')).body)).toHaveLength(3);

    // A subject a spreadsheet would run as a formula.
    await t.db.updateTable('challenge').set({ subject: '=HYPERLINK("http://evil.test","x")' }).where('id', '=', challenges.council).execute();
    const csv = await manager.get(`/governance/challenges.csv?agency=${agencies.council}`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="challenge-log-2026-06-10.csv"');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('Reference,Raised on,Raised by,Raised by (person),Challenged agency,Subject,Challenge,Group,Meeting,Response due,Status,Overdue,Responded on,Response,Response recorded on the agency’s behalf,Resolved on,Resolution,Escalated on,Reason for escalation,Actions');
    expect(lines).toHaveLength(3);
    const council = lines.find((l) => l.startsWith('CH 2026/02'))!;
    expect(council).toContain(`"'=HYPERLINK(""http://evil.test"",""x"")"`);
    expect(council).toContain('Alpha Integrated Care Board');
    expect(council).toContain(',Responded,No,2026-06-10,Given at the Executive: a new weekly tracker.,Yes,');
    expect(lines.find((l) => l.startsWith('CH 2026/03'))).toMatch(/,Escalated to the Executive,No,.*No response after two subgroup meetings\.,1$/);
    const exported = await t.db.selectFrom('audit_event').select('detail').where('action', '=', 'challenge.export').executeTakeFirstOrThrow();
    expect(exported.detail).toEqual({ agencyId: agencies.council, results: 2 });
  });

  it('reminds each overdue response once, by the sweep and by the command, over a real SMTP server', async () => {
    // The council challenge was due 8 June and was answered; an open one to the police is overdue, and one to the school, which has no lead.
    const a = t.fixture.a.id;
    const overdue = await t.db.insertInto('challenge').values({
      partnership_id: a, reference: 'CH 2026/90', raised_on: '2026-05-01', raised_by_kind: 'partnership', to_agency_id: agencies.police,
      subject: 'Domestic abuse notifications', detail: 'Late notifications.', response_due: '2026-06-01', updated_at: new Date(),
    }).returning('id').executeTakeFirstOrThrow();
    const noLead = await t.db.insertInto('challenge').values({
      partnership_id: a, reference: 'CH 2026/91', raised_on: '2026-05-01', raised_by_kind: 'agency', raised_by_agency_id: agencies.health, to_agency_id: agencies.school,
      subject: 'Attendance data', detail: 'Not shared.', response_due: '2026-06-09', updated_at: new Date(),
    }).returning('id').executeTakeFirstOrThrow();
    // Not yet overdue: due today.
    await t.db.insertInto('challenge').values({
      partnership_id: a, reference: 'CH 2026/92', raised_on: '2026-05-01', raised_by_kind: 'partnership', to_agency_id: agencies.police,
      subject: 'Due today', detail: 'x', response_due: '2026-06-10', updated_at: new Date(),
    }).execute();
    smtp.messages.length = 0;
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'beacon@test' });
    const now = t.clock.now();
    const first = await remindOverdueChallenges(t.db, mailer, now, { publicUrl: 'https://beacon.test' });
    expect(first.map((r) => [r.reference, r.emailed.sort()])).toEqual([
      ['CH 2026/90', ['police.deputy@a.test', 'police.lead@a.test']],
      ['CH 2026/91', ['business_manager@a.test']],
    ]);
    expect(smtp.messages).toHaveLength(3);
    const police = smtp.messages.find((m) => m.to.includes('police.lead@a.test'))!;
    expect(police.subject).toBe('Reminder: response to challenge CH 2026/90 was due 1 June 2026');
    expect(police.text).toContain(`https://beacon.test/governance/challenges/${overdue.id}`);
    expect(police.text).not.toContain('Late notifications');
    expect(smtp.messages.find((m) => m.to.includes('business_manager@a.test'))!.text).toContain('No safeguarding lead of Alpha Academy has a Beacon account');
    expect((await t.db.selectFrom('challenge').select('reminded_at').where('id', '=', noLead.id).executeTakeFirstOrThrow()).reminded_at).toEqual(now);

    // Once each: the sweep again, and the command, remind nothing more.
    expect(await remindOverdueChallenges(t.db, mailer, new Date(now.getTime() + 3_600_000))).toEqual([]);
    // The command runs on the real clock, by which the one due today is long overdue: out of its way.
    await t.db.deleteFrom('challenge').where('reference', '=', 'CH 2026/92').execute();
    const cli = (args: string[]) => runCli(async (fn) => fn({ db: t.db, dialect, describe: 'test', close: async () => {} }), args);
    const none = await cli(['governance', 'remind']);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('No overdue challenge responses to remind');
    // The command reminds one the sweep has not, once.
    await t.db.updateTable('challenge').set({ reminded_at: null }).where('id', '=', overdue.id).execute();
    const run = await cli(['governance', 'remind', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).reminded).toEqual([{ challenge: overdue.id, reference: 'CH 2026/90', agency: 'Alpha Police', response_due: '2026-06-01', emailed: 2 }]);
    expect((await cli(['governance', 'remind', '--format', 'json'])).stdout).toBe('{"reminded":[]}');
    expect(await t.db.selectFrom('challenge_event').select('kind').where('challenge_id', '=', overdue.id).where('kind', '=', 'reminded').execute()).toHaveLength(2);
    const audited = await t.db.selectFrom('audit_event').select(['record_id', 'user_email']).where('action', '=', 'challenge.remind').execute();
    expect(audited).toEqual([{ record_id: overdue.id, user_email: expect.stringMatching(/^cli:/) }]);
    // A challenge answered, resolved or escalated is never reminded.
    const reminded = await t.db.selectFrom('challenge').select('reference').where('reminded_at', 'is not', null).orderBy('reference').execute();
    expect(reminded.map((r) => r.reference)).toEqual(['CH 2026/90', 'CH 2026/91']);
    await t.db.deleteFrom('challenge').where('reference', 'in', ['CH 2026/90', 'CH 2026/91', 'CH 2026/92']).execute();
  });

  it('answers another partnership’s challenges as not found and lists none of them', async () => {
    const other = await signIn(t, 'business_manager@b.test');
    expect((await other.get(`/governance/challenges/${challenges.police}`)).statusCode).toBe(404);
    expect((await other.post(`/governance/challenges/${challenges.police}/outcome`, { outcome: 'resolve', resolution: 'x', version: '1' })).statusCode).toBe(404);
    expect((await other.get(`/governance/challenges/${challenges.police}/actions/new`)).statusCode).toBe(404);
    expect((await other.get('/governance/challenges')).body).not.toContain('CH 2026/01');
    expect((await other.get('/governance/challenges.csv')).body.trim().split('\r\n')).toHaveLength(1);
    const otherLead = await signIn(t, 'police.lead@b.test');
    expect((await otherLead.post(`/governance/challenges/${challenges.police}/response`, { response: 'x', version: '1' })).statusCode).toBe(404);
    // Nor was the other partnership's police lead ever emailed.
    expect(smtp.messages.some((m) => m.to.includes('police.lead@b.test'))).toBe(false);
  });

  it('counts the challenges of a period for the annual report', async () => {
    const s = await governanceSummary(t.db, t.fixture.a.id, '2026-04-01', '2027-03-31');
    expect(s.challenges).toMatchObject({ raised: 3, responded: 3, respondedOnTime: 2, resolved: 1, escalated: 1, awaitingResponse: 0 });
    expect(s.challenges.byAgency.map((a) => [a.agency, a.raised, a.received])).toEqual([
      ['Alpha Academy', 1, 0], ['Alpha Integrated Care Board', 1, 0], ['Alpha Partnership Council', 0, 2], ['Alpha Police', 0, 1],
    ]);
    const earlier = await governanceSummary(t.db, t.fixture.a.id, '2025-04-01', '2026-03-31');
    expect(earlier.challenges).toMatchObject({ raised: 0, responded: 0, resolved: 0, escalated: 0, awaitingResponse: 0 });
  });
});
