import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_CATALOGUE } from '../../domain/annual-report';
import { startTestSmtp, type TestSmtp } from '../../testing/smtp';
import { addTestPerson, createTestApp, signIn, type Client, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { addAgency } from '../agencies/agencies.service';

const summaryOf = (html: string) => [...html.matchAll(/<a href="(#[^"]+)">([^<]+)<\/a>/g)].map((m) => `${m[1]} ${m[2]!.trim()}`);
const versionIn = (html: string) => /name="version" value="(\d+)"/.exec(html)![1]!;
const date = (prefix: string, iso: string) => {
  const [y, m, d] = iso.split('-');
  return { [`${prefix}-day`]: String(Number(d)), [`${prefix}-month`]: String(Number(m)), [`${prefix}-year`]: y! };
};
/** Words of a draft: never in an email, which could reach a shared inbox before the text is agreed. */
const DRAFT = 'Our draft says the neglect audits found drift in four of six cases.';

describe.each(dialects())('annual report: the builder and the Executive’s approval (%s)', (dialect) => {
  let t: TestApp;
  let smtp: TestSmtp;
  let manager: Client;
  const people = {} as Record<'policeLead' | 'healthLead' | 'trustLead' | 'qaChair' | 'formerChair' | 'execCouncil' | 'execCouncil2' | 'execPolice' | 'execHealth', number>;
  const agencies = {} as Record<'police' | 'icb' | 'trust', number>;
  let bmId: number;
  let reportId: string;

  const person = async (email: string, agencyId: number, roles: string[], partnershipId = t.fixture.a.id) => {
    return addTestPerson(t.db, partnershipId, { email, name: email.split('@')[0]!.replace('.', ' '), agencyId, roles });
  };
  const sections = () => t.db.selectFrom('report_section').selectAll().where('report_id', '=', reportId).orderBy('position').orderBy('id').execute();
  const activeHeadings = async () => (await sections()).filter((s) => !s.removed_at).map((s) => s.heading);
  const report = () => t.db.selectFrom('annual_report').selectAll().where('id', '=', reportId).executeTakeFirstOrThrow();
  const acceptAll = () => t.db.updateTable('report_section').set({ status: 'accepted' }).where('report_id', '=', reportId).execute();
  const builderVersion = async () => String((await report()).version);

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestApp(dialect, { SMTP_URL: smtp.url, PUBLIC_URL: 'https://beacon.test' });
    t.clock.current = new Date('2026-06-10T09:00:00Z');
    const a = t.fixture.a.id;
    agencies.police = (await addAgency(t.db, a, { name: 'Alpha Police', type: 'police' })).id;
    agencies.icb = (await addAgency(t.db, a, { name: 'Alpha Integrated Care Board', type: 'health' })).id;
    agencies.trust = (await addAgency(t.db, a, { name: 'Alpha Hospitals Trust', type: 'health' })).id;
    people.policeLead = await person('police.lead@a.test', agencies.police, ['agency_lead']);
    // Two health writers: the agency lead is preferred to the team manager.
    people.trustLead = await person('trust.manager@a.test', agencies.trust, ['team_manager']);
    people.healthLead = await person('health.lead@a.test', agencies.icb, ['agency_lead']);
    people.qaChair = await person('qa.chair@a.test', agencies.icb, ['auditor']);
    people.formerChair = await person('former.chair@a.test', agencies.police, ['agency_lead']);
    people.execCouncil = await person('dcs@a.test', t.fixture.a.agencyId, ['executive']);
    people.execCouncil2 = await person('deputy.dcs@a.test', t.fixture.a.agencyId, ['executive']);
    people.execPolice = await person('chief.super@a.test', agencies.police, ['executive']);
    people.execHealth = await person('chief.nurse@a.test', agencies.icb, ['executive']);
    bmId = (await t.db.selectFrom('app_user').select('id').where('email', '=', 'business_manager@a.test').executeTakeFirstOrThrow()).id;
    // The groups whose chairs write their sections: CSPR chaired by the police lead (its former chair has left);
    // QA chaired by an auditor, who cannot write report sections; L&D inactive.
    const group = async (name: string, short: string, active = true) => (await t.db.insertInto('assurance_group')
      .values({ partnership_id: a, name, short_name: short, kind: 'subgroup', active }).returning('id').executeTakeFirstOrThrow()).id;
    const seat = (group_id: number, user_id: number, from_date: string, to_date: string | null = null) => t.db.insertInto('group_member')
      .values({ partnership_id: a, group_id, user_id, role: 'chair', from_date, to_date, updated_at: new Date() }).execute();
    const cspr = await group('Child Safeguarding Practice Review Group', 'CSPR');
    await seat(cspr, people.formerChair, '2022-01-01', '2026-01-31');
    await seat(cspr, people.policeLead, '2026-02-01');
    await seat(await group('Quality Assurance and Performance', 'QA'), people.qaChair, '2024-01-01');
    await seat(await group('Learning and Development', 'L&D', false), people.healthLead, '2024-01-01');
    manager = await signIn(t, 'business_manager@a.test');
  });
  afterAll(async () => { await t?.close(); await smtp?.close(); });

  it('offers the last complete financial year with its title, and refuses a form with errors naming each field', async () => {
    const page = await manager.get('/reports/annual/new');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('value="Annual report 2025 to 2026"');
    expect(page.body).toMatch(/name="periodFrom-day"[^>]*value="1"/);
    expect(page.body).toMatch(/name="periodFrom-month"[^>]*value="4"/);
    expect(page.body).toMatch(/name="periodTo-day"[^>]*value="31"/);
    expect(page.body).toMatch(/name="periodTo-year"[^>]*value="2026"/);

    const empty = await manager.post('/reports/annual/new', { title: ' ', 'periodFrom-day': '31', 'periodFrom-month': '2', 'periodFrom-year': '2025' });
    expect(empty.statusCode).toBe(400);
    expect(summaryOf(empty.body)).toEqual([
      '#title Enter the report’s title',
      '#periodFrom-day The date the period starts must be a real date, like 1 4 2025',
      '#periodTo-day Enter the date the period ends',
    ]);
    const backwards = await manager.post('/reports/annual/new', { title: 'Backwards', ...date('periodFrom', '2026-03-31'), ...date('periodTo', '2025-04-01') });
    expect(backwards.statusCode).toBe(400);
    expect(summaryOf(backwards.body)).toEqual(['#periodTo-day The date the period ends must be after the date it starts']);
    // The values entered are kept.
    expect(backwards.body).toContain('value="Backwards"');
    expect(await t.db.selectFrom('annual_report').select('id').execute()).toEqual([]);
  });

  it('creates the report with the catalogue’s sections in order and each suggested owner, once per period', async () => {
    const res = await manager.post('/reports/annual/new', { title: 'Annual report 2025 to 2026', ...date('periodFrom', '2025-04-01'), ...date('periodTo', '2026-03-31') });
    expect(res.statusCode).toBe(303);
    reportId = String(res.headers.location).split('/').pop()!;
    const r = await report();
    expect(r).toMatchObject({ title: 'Annual report 2025 to 2026', period_from: '2025-04-01', period_to: '2026-03-31', status: 'drafting', created_by: bmId });
    const rows = await sections();
    expect(rows.map((s) => s.catalogue_key)).toEqual(REPORT_CATALOGUE.map((e) => e.key));
    expect(rows.map((s) => s.position)).toEqual(REPORT_CATALOGUE.map((_, i) => i + 1));
    expect(rows.every((s) => s.status === 'not_started' && s.public && s.removed_at === null)).toBe(true);
    const owner = (key: string) => rows.find((s) => s.catalogue_key === key)!.owner_user_id;
    expect(owner('introduction')).toBe(bmId); // the business manager starting it
    expect(owner('subgroup_cspr')).toBe(people.policeLead); // the current chair, not the former one
    expect(owner('subgroup_qa')).toBeNull(); // its chair cannot write sections
    expect(owner('subgroup_learning')).toBeNull(); // the group is no longer active
    expect(owner('health')).toBe(people.healthLead); // the health agency's lead before a team manager
    expect(owner('childrens_services')).toBe((await t.db.selectFrom('app_user').select('id').where('email', '=', 'agency_lead@a.test').executeTakeFirstOrThrow()).id);
    expect(owner('education')).toBeNull(); // no school in the partnership
    expect(owner('police')).toBeNull(); // a data section has no owner hint
    expect(rows.find((s) => s.catalogue_key === 'training_figures')!.kind).toBe('data');
    const events = await t.db.selectFrom('report_event').select(['kind', 'by_user_id']).where('report_id', '=', reportId).execute();
    expect(events).toEqual([{ kind: 'created', by_user_id: bmId }]);
    const audit = await t.db.selectFrom('audit_event').select('action').where('record_id', '=', reportId).where('action', '=', 'annual_report.create').execute();
    expect(audit).toHaveLength(1);

    const builder = await manager.get(`/reports/annual/${reportId}`);
    expect(builder.statusCode).toBe(200);
    expect(builder.body).toContain('Annual report 2025 to 2026');
    expect(builder.body).toContain(`href="/reports/annual/${reportId}/sections/${rows[0]!.id}">Introduction</a>`);
    expect(builder.body).toContain('Beacon’s figures');
    expect(builder.body).toContain(`/reports/annual/${reportId}/download?format=docx&amp;edition=public`);

    const again = await manager.post('/reports/annual/new', { title: 'A second one', ...date('periodFrom', '2025-04-01'), ...date('periodTo', '2026-03-31') });
    expect(again.statusCode).toBe(400);
    expect(summaryOf(again.body)).toEqual(['#periodFrom-day There is already a report for 1 April 2025 to 31 March 2026: Annual report 2025 to 2026']);
    expect(await t.db.selectFrom('annual_report').select('id').execute()).toHaveLength(1);

    const list = await manager.get('/reports/annual');
    expect(list.body).toContain(`href="/reports/annual/${reportId}">Annual report 2025 to 2026</a>`);
    expect(list.body).toContain(`0 of ${REPORT_CATALOGUE.length}`);
  });

  it('shows a writer the sections they are writing, and keeps them from managing the report', async () => {
    const lead = await signIn(t, 'police.lead@a.test');
    const list = await lead.get('/reports/annual');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Sections you are writing');
    expect(list.body).toContain('Child Safeguarding Practice Review Group</a>');
    expect(list.body).not.toContain('Start a report');
    const builder = await lead.get(`/reports/annual/${reportId}`);
    expect(builder.statusCode).toBe(200);
    expect(builder.body).not.toContain('Move up');
    const first = (await sections())[1]!;
    expect((await lead.post(`/reports/annual/${reportId}/sections/${first.id}/move`, { direction: 'up', version: await builderVersion() })).statusCode).toBe(403);
    expect((await lead.post('/reports/annual/new', { title: 'Mine' })).statusCode).toBe(403);
    expect((await lead.get(`/reports/annual/${reportId}/sections/${first.id}/owner`)).statusCode).toBe(403);
    expect(await activeHeadings()).toEqual(REPORT_CATALOGUE.map((e) => e.heading));
  });

  it('answers another partnership’s report as one that does not exist', async () => {
    const other = await signIn(t, 'business_manager@b.test');
    const res = await other.get(`/reports/annual/${reportId}`);
    expect(res.statusCode).toBe(404);
    const missing = await other.get('/reports/annual/00000000-0000-0000-0000-000000000000');
    expect(res.body.replace(/nonce-?[0-9a-f"=]+|value="[^"]+"/g, '')).toBe(missing.body.replace(/nonce-?[0-9a-f"=]+|value="[^"]+"/g, ''));
    const section = (await sections())[3]!;
    expect((await other.post(`/reports/annual/${reportId}/sections/${section.id}/move`, { direction: 'up' })).statusCode).toBe(404);
    expect((await other.get('/reports/annual')).body).not.toContain('Annual report 2025 to 2026');
  });

  it('moves a section up and down, refusing a page out of date and a move past the ends', async () => {
    const [first, second] = await sections();
    const version = await builderVersion();
    const up = await manager.post(`/reports/annual/${reportId}/sections/${second!.id}/move`, { direction: 'up', version });
    expect(up.statusCode).toBe(303);
    expect((await activeHeadings()).slice(0, 2)).toEqual(['Foreword from the Executive', 'Introduction']);
    // The same page again: its version is out of date, and nothing moves.
    const stale = await manager.post(`/reports/annual/${reportId}/sections/${first!.id}/move`, { direction: 'up', version });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('Someone changed this report since you opened the page');
    expect((await activeHeadings()).slice(0, 2)).toEqual(['Foreword from the Executive', 'Introduction']);
    const top = await manager.post(`/reports/annual/${reportId}/sections/${second!.id}/move`, { direction: 'up', version: await builderVersion() });
    expect(top.statusCode).toBe(400);
    expect(summaryOf(top.body)).toEqual(['#contents This section is already first']);
    const down = await manager.post(`/reports/annual/${reportId}/sections/${second!.id}/move`, { direction: 'down', version: await builderVersion() });
    expect(down.statusCode).toBe(303);
    expect((await activeHeadings()).slice(0, 2)).toEqual(['Introduction', 'Foreword from the Executive']);
    const moved = await t.db.selectFrom('report_event').select(['kind', 'section_id', 'reason']).where('report_id', '=', reportId).where('kind', '=', 'section_moved').execute();
    expect(moved).toEqual([
      { kind: 'section_moved', section_id: second!.id, reason: 'Moved up' },
      { kind: 'section_moved', section_id: second!.id, reason: 'Moved down' },
    ]);
  });

  it('removes a section after confirmation, keeps it in a list with its reason, and restores it to its place', async () => {
    const cdop = (await sections()).find((s) => s.catalogue_key === 'cdop')!;
    const confirm = await manager.get(`/reports/annual/${reportId}/sections/${cdop.id}/remove`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Remove Child death overview panel?');
    const removed = await manager.post(`/reports/annual/${reportId}/sections/${cdop.id}/remove`, { version: versionIn(confirm.body), reason: 'The panel publishes its own report this year' });
    expect(removed.statusCode).toBe(303);
    expect(await activeHeadings()).not.toContain('Child death overview panel');
    const builder = await manager.get(`/reports/annual/${reportId}`);
    expect(builder.body).toContain('Removed sections');
    expect(builder.body).toMatch(/Restore<span class="govuk-visually-hidden"> Child death overview panel/);
    const history = await manager.get(`/reports/annual/${reportId}/history`);
    expect(history.body).toContain('Section removed');
    expect(history.body).toContain('The panel publishes its own report this year');

    const restored = await manager.post(`/reports/annual/${reportId}/sections/${cdop.id}/restore`, { version: versionIn(builder.body) });
    expect(restored.statusCode).toBe(303);
    expect(await activeHeadings()).toEqual(['Introduction', 'Foreword from the Executive', ...REPORT_CATALOGUE.slice(2).map((e) => e.heading)]);
  });

  it('adds a section of the partnership’s own where asked, or a catalogue section the report lacks, refusing one it has', async () => {
    const form = await manager.get(`/reports/annual/${reportId}/sections/new`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('The report has every usual section');
    const rows = await sections();
    const structure = rows.find((s) => s.catalogue_key === 'structure')!;
    const invalid = await manager.post(`/reports/annual/${reportId}/sections/new`, { version: versionIn(form.body), source: 'custom', heading: '', after: String(structure.id), owner: '999999' });
    expect(invalid.statusCode).toBe(400);
    expect(summaryOf(invalid.body)).toEqual(['#heading Enter the section’s heading', '#owner Choose someone who can write report sections, or no one yet']);
    const present = await manager.post(`/reports/annual/${reportId}/sections/new`, { version: versionIn(form.body), source: 'police', after: 'start' });
    expect(present.statusCode).toBe(400);
    expect(summaryOf(present.body)).toEqual(['#source Choose a section of your own']);

    const added = await manager.post(`/reports/annual/${reportId}/sections/new`, {
      version: versionIn(form.body), source: 'custom', heading: 'Domestic abuse and   children', guidance: 'Operation Encompass and the MARAC.', owner: String(people.policeLead),
      internal: 'yes', after: String(structure.id),
    });
    expect(added.statusCode).toBe(303);
    const after = (await sections()).filter((s) => !s.removed_at);
    const i = after.findIndex((s) => s.id === structure.id);
    expect(after[i + 1]).toMatchObject({ heading: 'Domestic abuse and children', catalogue_key: null, kind: 'written', owner_user_id: people.policeLead, public: false, status: 'not_started' });
    const builder = await manager.get(`/reports/annual/${reportId}`);
    expect(builder.body).toMatch(/Domestic abuse and children<\/a> <strong class="govuk-tag govuk-tag--purple">\s*Internal only/);

    // A report made before a catalogue entry existed lacks it: it is offered, and goes where asked, with its suggested owner.
    await t.db.deleteFrom('report_section').where('report_id', '=', reportId).where('catalogue_key', '=', 'subgroup_cspr').execute();
    const offered = await manager.get(`/reports/annual/${reportId}/sections/new`);
    expect(offered.body).toContain('value="subgroup_cspr"');
    const catalogue = await manager.post(`/reports/annual/${reportId}/sections/new`, { version: versionIn(offered.body), source: 'subgroup_cspr', after: 'start' });
    expect(catalogue.statusCode).toBe(303);
    expect((await sections()).find((s) => !s.removed_at)).toMatchObject({ catalogue_key: 'subgroup_cspr', heading: 'Child Safeguarding Practice Review Group', owner_user_id: people.policeLead });
    const positions = (await sections()).map((s) => s.position);
    expect(new Set(positions).size).toBe(positions.length);
  });

  it('gives a section to a new owner and emails them a link to it, never its text', async () => {
    const health = (await sections()).find((s) => s.catalogue_key === 'health')!;
    await t.db.insertInto('report_section_version').values({ partnership_id: t.fixture.a.id, section_id: health.id, number: 1, body: DRAFT, created_by: people.healthLead }).execute();
    const page = await manager.get(`/reports/annual/${reportId}/sections/${health.id}/owner`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(new RegExp(`value="${people.healthLead}" checked`));
    // An auditor cannot write sections: not offered, and refused if sent.
    expect(page.body).not.toContain(`value="${people.qaChair}"`);
    const refused = await manager.post(`/reports/annual/${reportId}/sections/${health.id}/owner`, { owner: String(people.qaChair), version: versionIn(page.body) });
    expect(refused.statusCode).toBe(400);
    expect(summaryOf(refused.body)).toEqual(['#owner Choose someone who can write report sections, or no one yet']);

    const before = smtp.messages.length;
    const res = await manager.post(`/reports/annual/${reportId}/sections/${health.id}/owner`, { owner: String(people.trustLead), version: versionIn(page.body) });
    expect(res.statusCode).toBe(303);
    expect((await sections()).find((s) => s.id === health.id)!.owner_user_id).toBe(people.trustLead);
    await expect.poll(() => smtp.messages.length).toBe(before + 1);
    const email = smtp.messages.at(-1)!;
    expect(email.to).toEqual(['trust.manager@a.test']);
    expect(email.subject).toBe('Annual report: you have a section to write, Health');
    expect(email.text).toContain(`https://beacon.test/reports/annual/${reportId}/sections/${health.id}`);
    expect(email.raw).not.toContain('neglect audits');
    const event = await t.db.selectFrom('report_event').select(['kind', 'reason']).where('section_id', '=', health.id).where('kind', '=', 'owner_assigned').executeTakeFirstOrThrow();
    expect(event.reason).toBe('Now written by trust manager');
  });

  it('refuses to send the report until every section is accepted, naming those that are not', async () => {
    await t.db.updateTable('report_section').set({ status: 'accepted' }).where('report_id', '=', reportId)
      .where('catalogue_key', 'not in', ['foreword', 'police']).execute();
    const page = await manager.get(`/reports/annual/${reportId}/send`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Send to the Executive</button>');
    const res = await manager.post(`/reports/annual/${reportId}/send`, { version: await builderVersion() });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('The report cannot go to the Executive yet');
    const foreword = (await sections()).find((s) => s.catalogue_key === 'foreword')!;
    expect(res.body).toContain(`href="/reports/annual/${reportId}/sections/${foreword.id}">Foreword from the Executive</a>`);
    expect(res.body).toContain('>Police</a>');
    expect((await report()).status).toBe('drafting');
  });

  it('sends the report to the Executive, emailing each member, and then refuses every change with the reason', async () => {
    await acceptAll();
    const before = smtp.messages.length;
    const res = await manager.post(`/reports/annual/${reportId}/send`, { version: await builderVersion() });
    expect(res.statusCode).toBe(303);
    expect(await report()).toMatchObject({ status: 'awaiting_approval', sent_for_approval_at: t.clock.current });
    // Every Executive member of the partnership (the fixture's own among them), and no one else.
    await expect.poll(() => smtp.messages.length).toBe(before + 5);
    const sent = smtp.messages.slice(before);
    expect(sent.flatMap((m) => m.to).sort()).toEqual(['chief.nurse@a.test', 'chief.super@a.test', 'dcs@a.test', 'deputy.dcs@a.test', 'executive@a.test']);
    expect(sent[0]!.text).toContain(`https://beacon.test/reports/annual/${reportId}/approval`);

    const section = (await sections())[4]!;
    const move = await manager.post(`/reports/annual/${reportId}/sections/${section.id}/move`, { direction: 'up', version: await builderVersion() });
    expect(move.statusCode).toBe(409);
    expect(move.body).toContain('This report is with the Executive for approval, so it cannot be changed.');
    expect((await manager.get(`/reports/annual/${reportId}/sections/${section.id}/owner`)).statusCode).toBe(409);
    expect((await manager.get(`/reports/annual/${reportId}/sections/new`)).statusCode).toBe(409);
    expect((await manager.post(`/reports/annual/${reportId}/sections/${section.id}/remove`, { version: await builderVersion() })).statusCode).toBe(409);
    expect((await manager.post(`/reports/annual/${reportId}/send`, {})).statusCode).toBe(409);
    expect((await sections())[4]!.removed_at).toBeNull();
  });

  it('is approved once a member for each statutory partner approves, one decision each', async () => {
    const council = await signIn(t, 'dcs@a.test');
    const page = await council.get(`/reports/annual/${reportId}/approval`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Do you approve the report for Alpha Partnership Council?');
    const none = await council.post(`/reports/annual/${reportId}/approval`, {});
    expect(none.statusCode).toBe(400);
    expect(summaryOf(none.body)).toEqual(['#decision Choose whether you approve the report or ask for changes']);

    expect((await council.post(`/reports/annual/${reportId}/approval`, { decision: 'approved' })).statusCode).toBe(303);
    const twice = await council.post(`/reports/annual/${reportId}/approval`, { decision: 'approved' });
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('You have already recorded your decision');
    // A second member for the local authority does not stand for the police or health.
    const deputy = await signIn(t, 'deputy.dcs@a.test');
    expect((await deputy.post(`/reports/annual/${reportId}/approval`, { decision: 'approved', comment: 'A clear account of the year.' })).statusCode).toBe(303);
    const police = await signIn(t, 'chief.super@a.test');
    expect((await police.post(`/reports/annual/${reportId}/approval`, { decision: 'approved' })).statusCode).toBe(303);
    const waiting = await police.get(`/reports/annual/${reportId}/approval`);
    expect(waiting.body).toMatch(/Still to approve:<\/p>\s*<ul class="govuk-list govuk-list--bullet"><li>Health \(the Integrated Care Board\)<\/li><\/ul>/);
    expect((await report()).status).toBe('awaiting_approval');

    const before = smtp.messages.length;
    const health = await signIn(t, 'chief.nurse@a.test');
    expect((await health.post(`/reports/annual/${reportId}/approval`, { decision: 'approved' })).statusCode).toBe(303);
    expect(await report()).toMatchObject({ status: 'approved', approved_at: t.clock.current });
    await expect.poll(() => smtp.messages.length).toBe(before + 1);
    expect(smtp.messages.at(-1)).toMatchObject({ to: ['business_manager@a.test'], subject: 'Annual report 2025 to 2026: approved by the Executive' });
    const late = await police.post(`/reports/annual/${reportId}/approval`, { decision: 'changes_requested', comment: 'Too late' });
    expect(late.statusCode).toBe(409);
    const history = await manager.get(`/reports/annual/${reportId}/history`);
    expect(history.body).toContain('Approved by the Executive');
    expect(history.body).toContain('Approved for Alpha Police');
  });

  it('takes an approved report back for a correction with a reason, when it needs approval again', async () => {
    const noReason = await manager.post(`/reports/annual/${reportId}/reopen`, { reason: '' });
    expect(noReason.statusCode).toBe(400);
    expect(summaryOf(noReason.body)).toEqual(['#reason Say why the report is being taken back']);
    expect((await report()).status).toBe('approved');
    const res = await manager.post(`/reports/annual/${reportId}/reopen`, { reason: 'The police table for missing episodes had last year’s figures' });
    expect(res.statusCode).toBe(303);
    expect(await report()).toMatchObject({ status: 'drafting', approved_at: null });
    const open = await t.db.selectFrom('report_approval').select('id').where('report_id', '=', reportId).where('superseded_at', 'is', null).execute();
    expect(open).toEqual([]);
    const approval = await (await signIn(t, 'chief.nurse@a.test')).get(`/reports/annual/${reportId}/approval`);
    expect(approval.body).toContain('Earlier decisions, on text since changed');
    expect(approval.body).not.toContain('Your decision');
  });

  it('returns the report to drafting when a member asks for changes, which needs a comment', async () => {
    await acceptAll();
    expect((await manager.post(`/reports/annual/${reportId}/send`, { version: await builderVersion() })).statusCode).toBe(303);
    const police = await signIn(t, 'chief.super@a.test');
    expect((await police.post(`/reports/annual/${reportId}/approval`, { decision: 'approved' })).statusCode).toBe(303);
    const health = await signIn(t, 'chief.nurse@a.test');
    const bare = await health.post(`/reports/annual/${reportId}/approval`, { decision: 'changes_requested', comment: ' ' });
    expect(bare.statusCode).toBe(400);
    expect(summaryOf(bare.body)).toEqual(['#comment Say what needs to change']);
    const before = smtp.messages.length;
    const res = await health.post(`/reports/annual/${reportId}/approval`, { decision: 'changes_requested', comment: 'Add the ICB’s work on the looked-after children’s health assessments.' });
    expect(res.statusCode).toBe(303);
    expect((await report()).status).toBe('drafting');
    const open = await t.db.selectFrom('report_approval').select('id').where('report_id', '=', reportId).where('superseded_at', 'is', null).execute();
    expect(open).toEqual([]);
    await expect.poll(() => smtp.messages.length).toBe(before + 1);
    expect(smtp.messages.at(-1)!.subject).toBe('Annual report 2025 to 2026: the Executive asks for changes');
    expect(smtp.messages.at(-1)!.raw).not.toContain('health assessments');
    const history = await manager.get(`/reports/annual/${reportId}/history`);
    expect(history.body).toContain('Changes requested by the Executive');
    expect(history.body).toContain('Add the ICB’s work on the looked-after children’s health assessments.');
    // Back in drafting, the business manager can change it again.
    const section = (await sections()).find((s) => !s.removed_at)!;
    expect((await manager.post(`/reports/annual/${reportId}/sections/${section.id}/move`, { direction: 'down', version: await builderVersion() })).statusCode).toBe(303);
  });
});
