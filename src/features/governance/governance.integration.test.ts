import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../testing/cli';
import { createTestApp, signIn, type Client, type TestApp, addTestPerson } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { createActions, updateAction } from '../actions/actions.service';
import { addAgency } from '../agencies/agencies.service';
import { governanceSummary } from './governance.service';
import { attendanceByAgency } from './meetings.service';

/** The error summary's links, in order: each names the field it belongs to. */
const summaryOf = (html: string) => [...html.matchAll(/<a href="(#[^"]+)">([^<]+)<\/a>/g)].map((m) => `${m[1]} ${m[2]!.trim()}`);
const date = (prefix: string, iso: string) => {
  const [y, m, d] = iso.split('-');
  return { [`${prefix}-day`]: String(Number(d)), [`${prefix}-month`]: String(Number(m)), [`${prefix}-year`]: y! };
};

describe.each(dialects())('governance: groups, members and meetings (%s)', (dialect) => {
  let t: TestApp;
  let manager: Client;
  const agencies = {} as Record<'council' | 'police' | 'health', number>;
  const users = {} as Record<'policeLead' | 'healthLead' | 'manager' | 'otherPolice', number>;
  let groupId: number;
  let otherGroupId: number;
  const members = {} as Record<'chair' | 'police' | 'health' | 'council' | 'left', number>;
  const meetings = {} as Record<'april' | 'may' | 'july', string>;

  const person = async (email: string, agencyId: number, roles: string[], partnershipId = t.fixture.a.id) => {
    return addTestPerson(t.db, partnershipId, { email, name: email.split('@')[0]!.replace('.', ' '), agencyId, roles });
  };

  beforeAll(async () => {
    t = await createTestApp(dialect);
    // Wednesday 10 June 2026, 10:00 in London: the financial year April 2026 to March 2027.
    t.clock.current = new Date('2026-06-10T09:00:00Z');
    const a = t.fixture.a.id;
    agencies.council = t.fixture.a.agencyId;
    agencies.police = (await addAgency(t.db, a, { name: 'Alpha Police', type: 'police' })).id;
    agencies.health = (await addAgency(t.db, a, { name: 'Alpha Integrated Care Board', type: 'health' })).id;
    users.policeLead = await person('police.lead@a.test', agencies.police, ['agency_lead']);
    users.healthLead = await person('health.lead@a.test', agencies.health, ['agency_lead']);
    users.manager = (await t.db.selectFrom('app_user').select('id').where('email', '=', 'business_manager@a.test').executeTakeFirstOrThrow()).id;
    const otherPolice = (await addAgency(t.db, t.fixture.b.id, { name: 'Beta Police', type: 'police' })).id;
    users.otherPolice = await person('police.lead@b.test', otherPolice, ['agency_lead'], t.fixture.b.id);
    otherGroupId = (await t.db.insertInto('assurance_group').values({ partnership_id: t.fixture.b.id, name: 'Beta Executive', kind: 'executive' })
      .returning('id').executeTakeFirstOrThrow()).id;
    manager = await signIn(t, 'business_manager@a.test');
  });
  afterAll(async () => { await t?.close(); });

  it('adds a group after correcting the form, refuses a second of the same name, and edits it', async () => {
    await manager.get('/governance/groups/new');
    const bad = await manager.post('/governance/groups/new', { name: '', shortName: 'Q  A!', kind: 'board', remit: '' });
    expect(bad.statusCode).toBe(400);
    expect(summaryOf(bad.body)).toEqual([
      '#name Enter the group’s name', '#shortName The short name may have letters, numbers, spaces, &amp; / and - only', '#kind Select the kind of group',
    ]);
    expect(bad.body).toContain('value="Q  A!"');
    expect(await t.db.selectFrom('assurance_group').select('id').where('partnership_id', '=', t.fixture.a.id).execute()).toEqual([]);

    const good = await manager.post('/governance/groups/new', { name: 'Quality Assurance and Performance', shortName: 'QA', kind: 'subgroup', remit: 'The dashboard and audits.' });
    expect(good.statusCode).toBe(303);
    groupId = Number(String(good.headers.location).split('/').pop());

    await manager.get('/governance/groups/new');
    const again = await manager.post('/governance/groups/new', { name: 'quality assurance and performance', kind: 'subgroup' });
    expect(again.statusCode).toBe(400);
    expect(summaryOf(again.body)).toEqual(['#name The partnership already has a group of this name']);

    await manager.get(`/governance/groups/${groupId}/edit`);
    const noActive = await manager.post(`/governance/groups/${groupId}/edit`, { name: 'Quality Assurance and Performance', shortName: 'QA', kind: 'subgroup', remit: 'x' });
    expect(summaryOf(noActive.body)).toEqual(['#active Select whether the group is meeting']);
    const edited = await manager.post(`/governance/groups/${groupId}/edit`, { name: 'Quality Assurance and Performance', shortName: 'QA', kind: 'subgroup', remit: 'The dashboard, audits and Section 11.', active: 'yes' });
    expect(edited.statusCode).toBe(303);
    const page = await manager.get(`/governance/groups/${groupId}`);
    expect(page.body).toContain('The dashboard, audits and Section 11.');

    const audit = await t.db.selectFrom('audit_event').select(['action', 'record_id']).where('action', 'like', 'assurance_group.%').orderBy('seq').execute();
    expect(audit).toEqual([{ action: 'assurance_group.create', record_id: String(groupId) }, { action: 'assurance_group.update', record_id: String(groupId) }]);
  });

  it('adds members with accounts and without, for an agency or independent, and refuses bad ones', async () => {
    const url = `/governance/groups/${groupId}/members/new`;
    await manager.get(url);
    const nothing = await manager.post(url, { role: '', 'fromDate-day': '31', 'fromDate-month': '2', 'fromDate-year': '2026' });
    expect(nothing.statusCode).toBe(400);
    expect(summaryOf(nothing.body)).toEqual([
      '#who Select whether the member has a Beacon account', '#role Select the member’s role in the group', '#fromDate-day The date they joined must be a real date',
    ]);
    const named = await manager.post(url, { who: 'named', name: '', agencyId: '', role: 'chair', ...date('fromDate', '2026-04-01'), ...date('toDate', '2026-03-01') });
    expect(summaryOf(named.body)).toEqual([
      '#name Enter the member’s name', '#agencyId Select the agency they represent, or independent', '#toDate-day The date they left must be on or after the date they joined',
    ]);
    // Another partnership's person and agency are as good as unknown.
    const foreign = await manager.post(url, { who: 'user', userId: String(users.otherPolice), role: 'member', ...date('fromDate', '2026-04-01') });
    expect(summaryOf(foreign.body)).toEqual(['#userId Select a person with a Beacon account in this partnership']);
    const foreignAgency = await manager.post(url, { who: 'named', name: 'Someone', agencyId: String((await t.db.selectFrom('agency').select('id').where('name', '=', 'Beta Police').executeTakeFirstOrThrow()).id), role: 'member', ...date('fromDate', '2026-04-01') });
    expect(summaryOf(foreignAgency.body)).toEqual(['#agencyId Select an agency of this partnership']);

    const add = async (form: Record<string, string>) => {
      const res = await manager.post(url, form);
      expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
      return (await t.db.selectFrom('group_member').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
    };
    members.chair = await add({ who: 'named', name: 'Dr Mary Quinn', agencyId: 'independent', jobTitle: 'Independent Chair', role: 'chair', ...date('fromDate', '2025-04-01') });
    members.health = await add({ who: 'user', userId: String(users.healthLead), role: 'vice_chair', jobTitle: 'Designated Nurse', ...date('fromDate', '2025-04-01') });
    members.police = await add({ who: 'user', userId: String(users.policeLead), role: 'member', ...date('fromDate', '2025-04-01') });
    members.council = await add({ who: 'named', name: 'Sam Reid', agencyId: String(agencies.council), role: 'member', ...date('fromDate', '2025-04-01') });
    members.left = await add({ who: 'named', name: 'Pat Old', agencyId: String(agencies.council), role: 'adviser', ...date('fromDate', '2025-04-01'), ...date('toDate', '2026-04-30') });

    // One seat at a time: the police lead cannot join twice over the same dates; a person who left may return later.
    const twice = await manager.post(url, { who: 'user', userId: String(users.policeLead), role: 'adviser', ...date('fromDate', '2026-05-01') });
    expect(summaryOf(twice.body)).toEqual(['#userId This person is already a member of the group over some of these dates']);
    const overlapOld = await manager.post(url, { who: 'named', name: 'pat old', agencyId: String(agencies.council), role: 'member', ...date('fromDate', '2026-04-15') });
    expect(summaryOf(overlapOld.body)).toEqual(['#name This person is already a member of the group over some of these dates']);

    const stored = await t.db.selectFrom('group_member').select(['user_id', 'name', 'agency_id', 'role']).where('id', '=', members.police).executeTakeFirstOrThrow();
    expect(stored).toEqual({ user_id: users.policeLead, name: null, agency_id: agencies.police, role: 'member' });

    const page = await manager.get(`/governance/groups/${groupId}`);
    expect(page.statusCode).toBe(200);
    const current = page.body.slice(page.body.indexOf('Current members'), page.body.indexOf('Statutory partners on the group'));
    expect(current).toContain('Dr Mary Quinn');
    expect(current).toContain('Independent');
    expect(current).not.toContain('Pat Old');
    expect(page.body).toContain('Past members (1)');
    // Every statutory partner is on the group.
    expect(page.body).not.toContain('Not represented');
    const list = await manager.get('/governance');
    expect(list.body).toMatch(/Quality Assurance and Performance<\/a>\s*<\/th>\s*<td[^>]*>\s*Dr Mary Quinn\s*<\/td>\s*<td[^>]*>\s*4\s*<\/td>/);
  });

  it('changes a membership, ending it, and keeps the past member', async () => {
    const url = `/governance/groups/${groupId}/members/${members.council}`;
    const form = await manager.get(url);
    expect(form.body).toContain('Sam Reid');
    const bad = await manager.post(url, { role: 'boss', ...date('fromDate', '2025-04-01'), 'toDate-day': '40', 'toDate-month': '1', 'toDate-year': '2027' });
    expect(summaryOf(bad.body)).toEqual(['#role Select the member’s role in the group', '#toDate-day The date they left must be a real date']);
    expect((await manager.post(url, { role: 'member', ...date('fromDate', '2025-04-01'), ...date('toDate', '2026-12-31') })).statusCode).toBe(303);
    expect((await t.db.selectFrom('group_member').select('to_date').where('id', '=', members.council).executeTakeFirstOrThrow()).to_date).toBe('2026-12-31');
    // Still a member today, to the end of the year.
    const page = await manager.get(`/governance/groups/${groupId}`);
    expect(page.body.slice(page.body.indexOf('Current members'), page.body.indexOf('Statutory partners on the group'))).toContain('Sam Reid');
    // Another partnership's group, or a member of another group, is not found.
    expect((await manager.get(`/governance/groups/${otherGroupId}/members/${members.council}`)).statusCode).toBe(404);
    expect((await manager.get(`/governance/groups/${groupId}/members/999999`)).statusCode).toBe(404);
  });

  it('sets up meetings, refusing a bad date or time, and one still to come cannot be held', async () => {
    const url = `/governance/groups/${groupId}/meetings/new`;
    await manager.get(url);
    const bad = await manager.post(url, { 'date-day': '30', 'date-month': '2', 'date-year': '2026', time: '25:00' });
    expect(bad.statusCode).toBe(400);
    expect(summaryOf(bad.body)).toEqual(['#date-day The date of the meeting must be a real date', '#time Enter the time like 09:30 or 14:00']);
    const add = async (iso: string, time: string) => {
      const res = await manager.post(url, { ...date('date', iso), time, location: 'Town Hall, room 2' });
      expect(res.statusCode).toBe(303);
      return String(res.headers.location).split('/').pop()!;
    };
    meetings.april = await add('2026-04-15', '10:00');
    meetings.may = await add('2026-05-20', '14:30');
    meetings.july = await add('2026-07-01', '09:30');
    const stored = await t.db.selectFrom('group_meeting').select(['starts_at', 'status']).where('id', '=', meetings.may).executeTakeFirstOrThrow();
    // 14:30 in London in May is 13:30 UTC.
    expect(stored).toEqual({ starts_at: new Date('2026-05-20T13:30:00Z'), status: 'planned' });

    const edit = await manager.get(`/governance/meetings/${meetings.july}/edit`);
    const version = /name="version" value="(\d+)"/.exec(edit.body)![1]!;
    const held = await manager.post(`/governance/meetings/${meetings.july}/edit`, { ...date('date', '2026-07-01'), time: '09:30', status: 'held', version });
    expect(summaryOf(held.body)).toEqual(['#status A meeting still to come cannot have been held']);
    // Someone else's change in between: the form is refused and shows theirs.
    await t.db.updateTable('group_meeting').set({ version: Number(version) + 1, location: 'Online' }).where('id', '=', meetings.july).execute();
    const stale = await manager.post(`/governance/meetings/${meetings.july}/edit`, { ...date('date', '2026-07-02'), time: '09:30', status: 'planned', version });
    expect(stale.statusCode).toBe(400);
    expect(stale.body).toContain('Someone else changed this meeting while you had it open');
    expect((await t.db.selectFrom('group_meeting').select('starts_at').where('id', '=', meetings.july).executeTakeFirstOrThrow()).starts_at).toEqual(new Date('2026-07-01T08:30:00Z'));

    const list = await manager.get('/governance');
    expect(list.body).toContain(`/governance/meetings/${meetings.july}`);
  });

  it('records attendance against the membership of the day, with deputies and guests, and not before the meeting', async () => {
    const url = `/governance/meetings/${meetings.april}/attendance`;
    const page = await manager.get(url);
    // Pat Old was still a member on 15 April.
    expect(page.body).toContain('Pat Old');
    const version = /name="version" value="(\d+)"/.exec(page.body)![1]!;
    const bad = await manager.post(url, {
      version, [`attendance-${members.chair}`]: 'present', [`attendance-${members.police}`]: 'present', [`deputy-${members.police}`]: 'DS Lee',
      [`attendance-${members.health}`]: 'late',
    });
    expect(bad.statusCode).toBe(400);
    const lead = await t.db.selectFrom('app_user').select('name').where('id', '=', users.healthLead).executeTakeFirstOrThrow();
    expect(summaryOf(bad.body)).toEqual([
      `#attendance-${members.health} Select whether ${lead.name} was present, sent apologies or was absent`,
      `#deputy-${members.police} A deputy can only be named for police lead when they sent apologies`,
      `#attendance-${members.council} Select whether Sam Reid was present, sent apologies or was absent`,
      `#attendance-${members.left} Select whether Pat Old was present, sent apologies or was absent`,
    ]);
    expect(await t.db.selectFrom('meeting_attendance').select('id').where('meeting_id', '=', meetings.april).execute()).toEqual([]);

    const good = await manager.post(url, {
      version, [`attendance-${members.chair}`]: 'present', [`attendance-${members.police}`]: 'apologies', [`deputy-${members.police}`]: 'DS Lee',
      [`attendance-${members.health}`]: 'present', [`attendance-${members.council}`]: 'apologies', [`attendance-${members.left}`]: 'absent',
    });
    expect(good.statusCode).toBe(303);
    expect((await t.db.selectFrom('group_meeting').select('status').where('id', '=', meetings.april).executeTakeFirstOrThrow()).status).toBe('held');

    // May: the police absent, Pat Old gone.
    const may = await manager.get(`/governance/meetings/${meetings.may}/attendance`);
    expect(may.body).not.toContain('Pat Old');
    const mayVersion = /name="version" value="(\d+)"/.exec(may.body)![1]!;
    expect((await manager.post(`/governance/meetings/${meetings.may}/attendance`, {
      version: mayVersion, [`attendance-${members.chair}`]: 'present', [`attendance-${members.police}`]: 'absent',
      [`attendance-${members.health}`]: 'apologies', [`attendance-${members.council}`]: 'present',
    })).statusCode).toBe(303);

    // A guest, refused without a name, then added and removed.
    const noName = await manager.post(`/governance/meetings/${meetings.may}/guests`, { guestName: '', guestAgencyId: '99999' });
    expect(summaryOf(noName.body)).toEqual(['#guestName Enter the guest’s name', '#guestAgencyId Select an agency of this partnership']);
    expect((await manager.post(`/governance/meetings/${meetings.may}/guests`, { guestName: 'Jo Bright', guestRole: 'Presenting the neglect audit', guestAgencyId: String(agencies.health) })).statusCode).toBe(303);
    const spare = await manager.post(`/governance/meetings/${meetings.may}/guests`, { guestName: 'Spare Guest' });
    expect(spare.statusCode).toBe(303);
    const spareId = (await t.db.selectFrom('meeting_attendance').select('id').where('guest_name', '=', 'Spare Guest').executeTakeFirstOrThrow()).id;
    expect((await manager.post(`/governance/meetings/${meetings.may}/guests/${spareId}/remove`)).statusCode).toBe(303);
    // A member's row is not a guest to remove.
    const memberRow = (await t.db.selectFrom('meeting_attendance').select('id').where('meeting_id', '=', meetings.may).where('member_id', 'is not', null).executeTakeFirstOrThrow()).id;
    expect((await manager.post(`/governance/meetings/${meetings.may}/guests/${memberRow}/remove`)).statusCode).toBe(404);

    // The July meeting has not happened.
    const july = await manager.get(`/governance/meetings/${meetings.july}/attendance`);
    const notYet = await manager.post(`/governance/meetings/${meetings.july}/attendance`, {
      version: /name="version" value="(\d+)"/.exec(july.body)![1]!, [`attendance-${members.chair}`]: 'present', [`attendance-${members.police}`]: 'present',
      [`attendance-${members.health}`]: 'present', [`attendance-${members.council}`]: 'present',
    });
    expect(notYet.statusCode).toBe(400);
    expect(notYet.body).toContain('The meeting has not happened yet');

    const meeting = await manager.get(`/governance/meetings/${meetings.may}`);
    expect(meeting.body).toContain('Jo Bright, Presenting the neglect audit (Alpha Integrated Care Board)');
    expect(meeting.body).not.toContain('Spare Guest');
    const april = await manager.get(`/governance/meetings/${meetings.april}`);
    expect(april.body).toContain('Apologies, DS Lee attended as deputy');

    // Once attendance is recorded, the meeting cannot go back to planned.
    const edit = await manager.get(`/governance/meetings/${meetings.april}/edit`);
    const back = await manager.post(`/governance/meetings/${meetings.april}/edit`, { ...date('date', '2026-04-15'), time: '10:00', status: 'planned', version: /name="version" value="(\d+)"/.exec(edit.body)![1]! });
    expect(summaryOf(back.body)).toEqual(['#status Attendance has been recorded, so the meeting was held']);
  });

  it('counts each agency’s attendance over the year: a deputy attends, apologies alone do not', async () => {
    const rows = await attendanceByAgency(t.db, t.fixture.a.id, '2026-04-01', '2027-03-31', groupId);
    expect(rows.map((r) => [r.agency, r.meetings, r.attended, r.apologies, r.absent, r.rate])).toEqual([
      // April: Sam Reid sent apologies and Pat Old was absent (the council: apologies); May: Sam Reid present.
      ['Alpha Partnership Council', 2, 1, 1, 0, 50],
      // April: the health lead present; May: apologies.
      ['Alpha Integrated Care Board', 2, 1, 1, 0, 50],
      // April: apologies with a deputy, so represented; May: absent.
      ['Alpha Police', 2, 1, 0, 1, 50],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    // The independent chair stands for no agency; the guest is not a member.
    expect(rows.some((r) => r.agency === 'Independent')).toBe(false);
    // A year with no meetings has no figures.
    expect(await attendanceByAgency(t.db, t.fixture.a.id, '2025-04-01', '2026-03-31', groupId)).toEqual([]);

    const page = await manager.get(`/governance/groups/${groupId}`);
    expect(page.body).toContain('Attendance by agency, April 2026 to March 2027');
    const svg = /<svg[^>]*>/.exec(page.body)![0];
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-labelledby="attendance-chart-title"');
    expect(page.body).toContain('Alpha Police 1 of 2 (50%)');
    expect(page.body).toContain('Meetings attended by each agency');
    const list = await manager.get('/governance');
    expect(list.body).toContain('Statutory partners’ attendance at all groups, April 2026 to March 2027');
  });

  it('keeps the meeting’s agenda, minutes and decisions', async () => {
    const url = `/governance/meetings/${meetings.may}/items/new`;
    await manager.get(url);
    const bad = await manager.post(url, { title: '', minutes: 'x'.repeat(20_001) });
    expect(summaryOf(bad.body)).toEqual(['#title Enter the agenda item', '#minutes The minutes must be 20,000 characters or fewer']);
    expect((await manager.post(url, { title: 'Multi-agency dashboard', minutes: 'Re-referrals up to 24%.', decisions: 'Deep dive into re-referrals.' })).statusCode).toBe(303);
    expect((await manager.post(url, { title: 'Section 11 returns' })).statusCode).toBe(303);
    const items = await t.db.selectFrom('meeting_item').select(['id', 'position', 'title']).where('meeting_id', '=', meetings.may).orderBy('position').execute();
    expect(items.map((i) => [i.position, i.title])).toEqual([[1, 'Multi-agency dashboard'], [2, 'Section 11 returns']]);
    expect((await manager.post(`/governance/meetings/${meetings.may}/items/${items[1]!.id}`, { title: 'Section 11 returns: three outstanding' })).statusCode).toBe(303);
    const page = await manager.get(`/governance/meetings/${meetings.may}`);
    expect(page.body).toContain('1. Multi-agency dashboard');
    expect(page.body).toContain('Deep dive into re-referrals.');
    expect(page.body).toContain('2. Section 11 returns: three outstanding');
    // An item of another meeting is not found under this one.
    expect((await manager.get(`/governance/meetings/${meetings.april}/items/${items[0]!.id}`)).statusCode).toBe(404);
  });

  it('adds actions to the meeting’s log, numbered, through the tracker, and refuses bad ones', async () => {
    const url = `/governance/meetings/${meetings.april}/actions/new`;
    await manager.get(url);
    const bad = await manager.post(url, { description: '', ownerAgencyId: '', ...date('dueDate', '2026-04-01'), themes: 'astrology' });
    expect(bad.statusCode).toBe(400);
    expect(summaryOf(bad.body)).toEqual([
      '#description Enter the action', '#ownerAgencyId Select the agency that owns the action',
      '#dueDate-day The due date must be on or after the date the action was agreed', '#themes Select learning themes from the list',
    ]);
    // The tracker's own checks: the owner must work for the owning agency.
    const wrongOwner = await manager.post(url, { description: 'Audit strategy discussions', ownerAgencyId: String(agencies.police), ownerUserId: String(users.healthLead), ...date('dueDate', '2026-05-31') });
    expect(summaryOf(wrongOwner.body)).toEqual(['#ownerUserId The owner must work for the owner agency']);
    expect(await t.db.selectFrom('action').select('id').execute()).toEqual([]);

    const a1 = await manager.post(url, { description: 'Audit police attendance at strategy discussions', ownerAgencyId: String(agencies.police), ownerUserId: String(users.policeLead), ...date('dueDate', '2026-05-31'), themes: ['information_sharing'] });
    expect(a1.statusCode).toBe(303);
    const a2 = await manager.post(url, { description: 'Report repeat child protection plans', ownerAgencyId: String(agencies.council), ownerName: 'Sam Reid', ...date('dueDate', '2026-09-30') });
    expect(a2.statusCode).toBe(303);
    const a3 = await manager.post(url, { description: 'Share the neglect toolkit with GPs', ownerAgencyId: String(agencies.health), ...date('dueDate', '2026-06-20') });
    expect(a3.statusCode).toBe(303);
    const actions = await t.db.selectFrom('action').select(['id', 'reference', 'source', 'source_id', 'group_id', 'owner_agency_id', 'themes', 'created_by'])
      .where('source', '=', 'meeting').orderBy('reference').execute();
    expect(actions.map((a) => [a.reference, a.source, a.source_id, a.group_id, a.owner_agency_id, a.created_by])).toEqual([
      ['QA 2026-04-15 A1', 'meeting', meetings.april, groupId, agencies.police, users.manager],
      ['QA 2026-04-15 A2', 'meeting', meetings.april, groupId, agencies.council, users.manager],
      ['QA 2026-04-15 A3', 'meeting', meetings.april, groupId, agencies.health, users.manager],
    ]);
    expect(actions[0]!.themes).toEqual(['information_sharing']);

    const page = await manager.get(`/governance/meetings/${meetings.april}`);
    expect(page.body).toContain(`href="/actions/${actions[0]!.id}"`);
    expect(page.body).toContain('QA 2026-04-15 A1');
    // Due 31 May, open on 10 June: overdue.
    expect(page.body).toMatch(/QA 2026-04-15 A1[\s\S]*?govuk-tag--red[^>]*>\s*Overdue/);
    const audit = await t.db.selectFrom('audit_event').select('action').where('action', '=', 'action.create').execute();
    expect(audit).toHaveLength(3);
  });

  it('lists at each meeting the group’s actions still open when it met, with their RAG now', async () => {
    const [a1, a2, a3] = await t.db.selectFrom('action').select(['id', 'version']).where('source', '=', 'meeting').orderBy('reference').execute();
    // A1 completed on 1 May, before the May meeting; A3 completed on 1 June, after it.
    await updateAction(t.db, t.fixture.a.id, a1!.id, a1!.version, { status: 'completed', evidence: 'Audit of 20 strategy discussions.' }, users.policeLead, new Date('2026-05-01T10:00:00Z'));
    await updateAction(t.db, t.fixture.a.id, a3!.id, a3!.version, { status: 'in_progress', note: 'Started' }, users.healthLead, new Date('2026-05-02T10:00:00Z'));
    await updateAction(t.db, t.fixture.a.id, a3!.id, a3!.version + 1, { status: 'completed', evidence: 'Toolkit sent to every practice.' }, users.healthLead, new Date('2026-06-01T10:00:00Z'));
    // An inspection action for the group, added before May's meeting; another group's; and one added after May's meeting.
    await createActions(t.db, t.fixture.a.id, [
      { source: 'inspection', reference: 'ILACS 2', description: 'Report repeat plans each quarter', ownerAgencyId: agencies.council, groupId, dueDate: '2026-08-31' },
    ], null, new Date('2026-05-10T09:00:00Z'));
    await createActions(t.db, t.fixture.a.id, [
      { source: 'other', reference: 'LATE 1', description: 'Added after the May meeting', ownerAgencyId: agencies.council, groupId, dueDate: '2026-08-31' },
    ], null, new Date('2026-05-25T09:00:00Z'));

    const may = await manager.get(`/governance/meetings/${meetings.may}`);
    const carried = may.body.slice(may.body.indexOf('The group’s actions to review'));
    expect(carried).not.toContain('QA 2026-04-15 A1');
    expect(carried).toContain('QA 2026-04-15 A2');
    // Open when the group met in May, though completed since: shown with its RAG now, blue.
    expect(carried).toMatch(/QA 2026-04-15 A3[\s\S]*?Completed[\s\S]*?govuk-tag--blue/);
    expect(carried).toContain('ILACS 2');
    expect(carried).toContain('Inspection');
    expect(carried).not.toContain('LATE 1');
    expect(carried).toContain(`href="/actions/${a2!.id}"`);

    // July reviews what is open now: not A3, completed on 1 June; LATE 1 now.
    const july = await manager.get(`/governance/meetings/${meetings.july}`);
    const julyCarried = july.body.slice(july.body.indexOf('The group’s actions to review'));
    expect(julyCarried).toContain('QA 2026-04-15 A2');
    expect(julyCarried).not.toContain('QA 2026-04-15 A3');
    expect(julyCarried).toContain('LATE 1');
    // The April meeting's own actions are its log, not carried forward into it.
    const april = await manager.get(`/governance/meetings/${meetings.april}`);
    expect(april.body.slice(april.body.indexOf('The group’s actions to review'))).not.toContain('QA 2026-04-15 A2');

    const list = await manager.get('/governance');
    // A2, ILACS 2 and LATE 1 are open.
    expect(list.body).toContain(`<a class="govuk-link" href="/actions?group=${groupId}">3<span class="govuk-visually-hidden"> open actions of Quality Assurance and Performance</span></a>`);
  });

  it('shows the pages to an agency’s lead without the business manager’s forms, and audits each meeting read', async () => {
    const lead = await signIn(t, 'police.lead@a.test');
    const page = await lead.get(`/governance/meetings/${meetings.april}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Add an action');
    expect(page.body).not.toContain('Record attendance');
    expect((await lead.get(`/governance/groups/${groupId}`)).body).not.toContain('Add a member');
    expect((await lead.get(`/governance/meetings/${meetings.april}/attendance`)).statusCode).toBe(403);
    expect((await lead.post(`/governance/meetings/${meetings.april}/actions/new`, { description: 'x' })).statusCode).toBe(403);
    expect((await lead.post('/governance/groups/new', { name: 'Rogue', kind: 'subgroup' })).statusCode).toBe(403);
    const reads = await t.db.selectFrom('audit_event').select(['user_email', 'record_id']).where('action', '=', 'group_meeting.read').where('user_email', '=', 'police.lead@a.test').execute();
    expect(reads).toEqual([{ user_email: 'police.lead@a.test', record_id: meetings.april }]);
  });

  it('answers another partnership’s groups and meetings as not found', async () => {
    const other = await signIn(t, 'business_manager@b.test');
    for (const url of [`/governance/groups/${groupId}`, `/governance/meetings/${meetings.april}`, `/governance/meetings/${meetings.april}/attendance`, '/governance/meetings/not-a-uuid', '/governance/groups/abc']) {
      expect((await other.get(url)).statusCode, url).toBe(404);
    }
    expect((await other.post(`/governance/meetings/${meetings.april}/items/new`, { title: 'Sneaky' })).statusCode).toBe(404);
    expect((await other.get('/governance')).body).not.toContain('Quality Assurance and Performance');
  });

  it('sums up the year for the annual report: meetings held, statutory partners’ attendance', async () => {
    const s = await governanceSummary(t.db, t.fixture.a.id, '2026-04-01', '2027-03-31');
    expect(s.meetings).toEqual([{ groupId, group: 'Quality Assurance and Performance', kind: 'subgroup', held: 2, cancelled: 0 }]);
    expect(s.attendance.map((a) => [a.agency, a.type, a.attended, a.meetings])).toEqual([
      ['Alpha Integrated Care Board', 'health', 1, 2], ['Alpha Partnership Council', 'local_authority', 1, 2], ['Alpha Police', 'police', 1, 2],
    ]);
    const before = await governanceSummary(t.db, t.fixture.a.id, '2025-04-01', '2026-03-31');
    expect(before.meetings[0]!.held).toBe(0);
    expect(before.attendance).toEqual([]);

    const cli = (args: string[]) => runCli(async (fn) => fn({ db: t.db, dialect, describe: 'test', close: async () => {} }), args);
    const json = await cli(['governance', 'summary', '--la', '801', '--from', '2026-04-01', '--to', '2027-03-31', '--format', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).meetings).toEqual([{ groupId, group: 'Quality Assurance and Performance', kind: 'subgroup', held: 2, cancelled: 0 }]);
    const text = await cli(['governance', 'summary', '--la', '801', '--from', '2026-04-01', '--to', '2027-03-31']);
    expect(text.stdout).toContain('Alpha Police: 1 of 2 (50%)');
    expect((await cli(['governance', 'summary', '--la', '801', '--from', '2026-02-30', '--to', '2027-03-31'])).code).toBe(2);
    expect((await cli(['governance', 'summary', '--la', '801', '--from', '2027-04-01', '--to', '2027-03-31'])).code).toBe(2);
    const unknown = await cli(['governance', 'summary', '--la', '999', '--from', '2026-04-01', '--to', '2027-03-31']);
    expect(unknown.code).toBe(1);
  });
});
