import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type Client, type TestApp, addTestPerson } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { addAgency } from '../agencies/agencies.service';
import { createActions } from './actions.service';
import { actionSummary } from './tracker.service';

/** The references in the tracker's table, in the order shown. */
const references = (html: string) => [...html.matchAll(/<a class="govuk-link" href="\/actions\/[0-9a-f-]{36}">([^<]+)<\/a>/g)].map((m) => m[1]);
const errorSummary = (html: string) => [...(/govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '').matchAll(/<a href="(#[^"]+)">([^<]+)<\/a>/g)].map((m) => `${m[1]} ${m[2]}`);

describe.each(dialects())('the action tracker (%s)', (dialect) => {
  let t: TestApp;
  let police: number;
  let council: number;
  const groups = {} as Record<'qa' | 'neglect' | 'b', number>;
  const ids = {} as Record<'review' | 'audit' | 's11' | 'inspection' | 'other' | 'b', string>;
  let policeLeadId: number;
  let manager: Client;
  let policeLead: Client;

  const person = async (email: string, partnershipId: number, agencyId: number, role: string) => {
    return addTestPerson(t.db, partnershipId, { email, name: `${email.split('@')[0]} person`, agencyId, roles: [role] });
  };
  const actionRow = (id: string) => t.db.selectFrom('action').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const historyOf = (id: string) => t.db.selectFrom('action_update').select(['status', 'note', 'evidence', 'user_id']).where('action_id', '=', id).orderBy('id').execute();

  beforeAll(async () => {
    t = await createTestApp(dialect);
    // Monday 1 June 2026, 10:00 in London.
    t.clock.current = new Date('2026-06-01T09:00:00Z');
    const a = t.fixture.a.id;
    council = t.fixture.a.agencyId;
    police = (await addAgency(t.db, a, { name: 'Alpha Police', type: 'police' })).id;
    await addAgency(t.db, t.fixture.b.id, { name: 'Alpha Police', type: 'police' });
    policeLeadId = await person('lead.police@a.test', a, police, 'agency_lead');
    await person('lead.police@b.test', t.fixture.b.id, police, 'agency_lead');
    for (const [key, p, name, kind] of [['qa', a, 'Quality Assurance', 'subgroup'], ['neglect', a, 'Neglect', 'working_group'], ['b', t.fixture.b.id, 'Beta QA', 'subgroup']] as const) {
      groups[key] = (await t.db.insertInto('assurance_group').values({ partnership_id: p, name, kind }).returning('id').executeTakeFirstOrThrow()).id;
    }
    const created = new Date('2026-03-02T10:00:00Z');
    [ids.review, ids.audit, ids.s11, ids.inspection, ids.other] = await createActions(t.db, a, [
      { source: 'review', sourceId: 'rev-1', reference: 'RR 2026/01 R1', recommendation: 'Agencies share what they know before a strategy discussion.', description: 'Police attend every strategy discussion in person or by video.', ownerAgencyId: police, groupId: groups.qa, themes: ['neglect', 'information_sharing'], dueDate: '2026-05-20' },
      { source: 'audit', sourceId: 'round-1', reference: 'MAA 2026 F2', description: 'Brief practitioners on the exploitation screening tool.', ownerAgencyId: council, themes: ['exploitation'], dueDate: '2026-06-10' },
      { source: 'section_11', sourceId: 'ret-1', reference: 'S11 2026 Police 4', description: 'Supervision records show safeguarding discussion.', ownerAgencyId: police, ownerUserId: policeLeadId, groupId: groups.neglect, dueDate: '2026-09-01' },
      { source: 'inspection', reference: 'ILACS 1', description: 'Fortnightly audits of front door decisions.', ownerAgencyId: council, dueDate: '2026-04-30' },
      { source: 'other', reference: 'Dev day 1', description: '=HYPERLINK("http://evil.test") a learning event', ownerAgencyId: council, ownerName: 'Head of service', dueDate: '2026-05-01' },
    ], null, created);
    await t.db.updateTable('action').set({ status: 'completed', evidence: 'Audits held.', completed_at: new Date('2026-04-28T12:00:00Z') }).where('id', '=', ids.inspection).execute();
    await t.db.updateTable('action').set({ status: 'cancelled' }).where('id', '=', ids.other).execute();
    [ids.b] = await createActions(t.db, t.fixture.b.id, [{ source: 'review', reference: 'BETA R1', description: 'Beta action', ownerAgencyId: police, dueDate: '2026-05-01' }], null, created);
    manager = await signIn(t, 'business_manager@a.test');
    policeLead = await signIn(t, 'lead.police@a.test');
  });
  afterAll(async () => { await t?.close(); });

  it('lists the partnership’s actions, open ones soonest due first, with their RAG, counts and links', async () => {
    const res = await manager.get('/actions');
    expect(res.statusCode).toBe(200);
    expect(references(res.body)).toEqual(['RR 2026/01 R1', 'MAA 2026 F2', 'S11 2026 Police 4', 'ILACS 1', 'Dev day 1']);
    expect(res.body).not.toContain('BETA R1');
    expect(res.body).toContain('5 actions');
    const counts = /id="tracker-counts">([\s\S]*?)<\/p>/.exec(res.body)![1]!.replace(/\s+/g, ' ');
    expect(counts).toMatch(/Overdue <\/strong> 1 .*Due soon <\/strong> 1 .*On track <\/strong> 1 .*Completed <\/strong> 1 .*Cancelled <\/strong> 1/);
    expect(res.body).toContain(`href="/actions/${ids.review}"`);
    expect(res.body).toMatch(/govuk-tag--red">\s*Overdue/);
    expect(res.body).toMatch(/govuk-tag--blue">\s*Completed/);
    expect(res.body).toContain('Add an action');
    const audit = await t.db.selectFrom('audit_event').select(['detail', 'user_email']).where('action', '=', 'action.list').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ user_email: 'business_manager@a.test', detail: { results: 5 } });
  });

  it('filters by RAG, agency, theme, group, status and source, together, and says how many match', async () => {
    const refs = async (q: string) => references((await manager.get(`/actions?${q}`)).body);
    expect(await refs('rag=red')).toEqual(['RR 2026/01 R1']);
    expect(await refs('rag=amber')).toEqual(['MAA 2026 F2']);
    expect(await refs('rag=blue')).toEqual(['ILACS 1']);
    expect(await refs(`agency=${police}`)).toEqual(['RR 2026/01 R1', 'S11 2026 Police 4']);
    expect(await refs('theme=neglect')).toEqual(['RR 2026/01 R1']);
    expect(await refs(`group=${groups.neglect}`)).toEqual(['S11 2026 Police 4']);
    expect(await refs('status=cancelled')).toEqual(['Dev day 1']);
    expect(await refs('source=audit')).toEqual(['MAA 2026 F2']);
    expect(await refs(`agency=${police}&rag=green`)).toEqual(['S11 2026 Police 4']);
    const none = await manager.get(`/actions?agency=${police}&source=audit`);
    expect(none.body).toContain('No actions match');
    const two = await manager.get(`/actions?agency=${police}`);
    expect(two.body).toContain('2 actions match the filters');
    // The filters stay chosen, and the download keeps them.
    expect(two.body).toMatch(new RegExp(`<option value="${police}" selected>`));
    expect(two.body).toContain(`href="/actions/export.csv?agency=${police}"`);
  });

  it('refuses a filter it does not know, naming it, rather than showing an empty list', async () => {
    const bad = await manager.get(`/actions?rag=purple&agency=99999&group=${groups.b}&theme=nonsense&status=done&source=x`);
    expect(bad.statusCode).toBe(400);
    expect(errorSummary(bad.body)).toEqual([
      '#group Select a group from the list', '#agency Select an owner agency from the list', '#theme Select a learning theme from the list',
      '#status Select a status from the list', '#source Select a source from the list', '#rag Select a RAG rating from the list',
    ]);
    expect(references(bad.body)).toEqual([]);
    expect((await manager.get('/actions/export.csv?status=done')).statusCode).toBe(400);
  });

  it('shows an agency user a shortcut to their agency’s actions', async () => {
    const res = await policeLead.get('/actions');
    expect(res.body).toContain(`href="/actions?agency=${police}"`);
    expect(res.body).not.toContain('Add an action');
  });

  it('downloads the filtered set as CSV, with labels and no formula a spreadsheet would run', async () => {
    const res = await manager.get('/actions/export.csv?source=other');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toBe('attachment; filename="actions-2026-06-01.csv"');
    expect(res.body).toBe('Reference,Source,Action,Owner agency,Owner,Group,Learning themes,Due,Status,RAG\r\n'
      + `Dev day 1,Other,"'=HYPERLINK(""http://evil.test"") a learning event",Alpha Partnership Council,Head of service,,,2026-05-01,Cancelled,Cancelled\r\n`);
    const audit = await t.db.selectFrom('audit_event').select('detail').where('action', '=', 'action.export').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(audit.detail).toMatchObject({ format: 'csv', filters: 'source=other', rows: 1 });
  });

  it('shows an action with its source, owner, themes, due date, RAG and history, and logs the read', async () => {
    const res = await manager.get(`/actions/${ids.review}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<a class="govuk-link" href="/reviews/rev-1">RR 2026/01 R1');
    expect(res.body).toContain('Agencies share what they know before a strategy discussion.');
    expect(res.body).toContain('Alpha Police');
    expect(res.body).toContain('Neglect, Information sharing between agencies');
    expect(res.body).toContain('Quality Assurance');
    expect(res.body).toContain('20 May 2026');
    expect(res.body).toContain('Action added');
    expect(res.body).toContain('Save update');
    expect(res.body).toContain('Change the due date, owner or group');
    const audit = await t.db.selectFrom('audit_event').select(['record_id', 'record_type']).where('action', '=', 'action.read').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(audit).toEqual({ record_id: ids.review, record_type: 'action' });
    // Each source links to its own page; an inspection has none.
    expect((await manager.get(`/actions/${ids.audit}`)).body).toContain('href="/audits/rounds/round-1"');
    expect((await manager.get(`/actions/${ids.s11}`)).body).toContain('href="/section-11/returns/ret-1"');
    expect((await manager.get(`/actions/${ids.inspection}`)).body).not.toContain('href="/reviews/');
  });

  it('answers another partnership’s action, or no action, as not found', async () => {
    expect((await manager.get(`/actions/${ids.b}`)).statusCode).toBe(404);
    expect((await manager.get('/actions/not-a-uuid')).statusCode).toBe(404);
    expect((await manager.get('/actions/00000000-0000-0000-0000-000000000000')).statusCode).toBe(404);
    const bPolice = await signIn(t, 'lead.police@b.test');
    expect((await bPolice.get(`/actions/${ids.review}`)).statusCode).toBe(404);
    const before = await actionRow(ids.review);
    const res = await bPolice.post(`/actions/${ids.review}`, { status: 'completed', evidence: 'x', version: String(before.version) });
    expect(res.statusCode).toBe(404);
    expect((await actionRow(ids.review)).status).toBe('open');
  });

  it('lets an agency update only the actions it owns; the rest read them', async () => {
    const version = String((await actionRow(ids.review)).version);
    const ok = await policeLead.post(`/actions/${ids.review}`, { status: 'in_progress', note: 'Attendance standard drafted with the LA.', evidence: '', version });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(`/actions/${ids.review}`);
    const row = await actionRow(ids.review);
    expect(row).toMatchObject({ status: 'in_progress', version: Number(version) + 1, completed_at: null });
    expect((await historyOf(ids.review)).at(-1)).toEqual({ status: 'in_progress', note: 'Attendance standard drafted with the LA.', evidence: null, user_id: policeLeadId });
    const audit = await t.db.selectFrom('audit_event').select(['record_id', 'detail', 'user_email']).where('action', '=', 'action.update').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(audit).toEqual({ record_id: ids.review, detail: { from: 'open', to: 'in_progress' }, user_email: 'lead.police@a.test' });
    expect((await policeLead.get(`/actions/${ids.review}`)).body).toContain('Attendance standard drafted with the LA.');

    // The council's lead and the team manager read the police's action without a form, and are refused an update.
    const councilLead = await signIn(t, 'agency_lead@a.test');
    const page = await councilLead.get(`/actions/${ids.review}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Save update');
    expect(page.body).toContain('Only the business manager and Alpha Police can update this action.');
    expect((await councilLead.post(`/actions/${ids.review}`, { status: 'cancelled', note: 'Not ours', version: String(row.version) })).statusCode).toBe(403);
    const teamManager = await signIn(t, 'team_manager@a.test');
    expect((await teamManager.post(`/actions/${ids.review}`, { status: 'cancelled', note: 'x', version: String(row.version) })).statusCode).toBe(403);
    expect((await teamManager.get(`/actions/${ids.review}`)).body).not.toContain('Save update');
    // The council's lead updates the council's own action.
    const own = await councilLead.post(`/actions/${ids.audit}`, { status: 'in_progress', note: 'Briefings booked.', version: String((await actionRow(ids.audit)).version) });
    expect(own.statusCode).toBe(303);
    expect((await actionRow(ids.review)).version).toBe(row.version);
    const denied = await t.db.selectFrom('audit_event').select('outcome').where('action', '=', 'access.denied').where('user_email', '=', 'agency_lead@a.test').execute();
    expect(denied.length).toBeGreaterThan(0);
  });

  it('refuses to complete an action without evidence, or to cancel it without a reason, and keeps what was typed', async () => {
    const before = await actionRow(ids.review);
    const noEvidence = await policeLead.post(`/actions/${ids.review}`, { status: 'completed', note: 'Done', evidence: '  ', version: String(before.version) });
    expect(noEvidence.statusCode).toBe(400);
    expect(errorSummary(noEvidence.body)).toEqual(['#evidence Enter the evidence that the action is completed, such as what an audit or a check found']);
    expect(noEvidence.body).toMatch(/<input class="govuk-radios__input" id="status-3" name="status" type="radio" value="completed" checked/);
    expect(noEvidence.body).toContain('>Done</textarea>');
    const noReason = await policeLead.post(`/actions/${ids.review}`, { status: 'cancelled', version: String(before.version) });
    expect(errorSummary(noReason.body)).toEqual(['#note Enter the reason for cancelling the action']);
    const nothing = await policeLead.post(`/actions/${ids.review}`, { status: 'in_progress', version: String(before.version) });
    expect(errorSummary(nothing.body)).toEqual(['#note Enter a progress note, or change the status']);
    const noStatus = await policeLead.post(`/actions/${ids.review}`, { status: 'finished', note: 'x', version: String(before.version) });
    expect(errorSummary(noStatus.body)).toEqual(['#status Select the status of the action']);
    expect(await actionRow(ids.review)).toEqual(before);

    const at = t.clock.now();
    const done = await policeLead.post(`/actions/${ids.review}`, { status: 'completed', evidence: 'Audit of 20 strategy discussions in May: police attended 19.', version: String(before.version) });
    expect(done.statusCode).toBe(303);
    const row = await actionRow(ids.review);
    expect(row).toMatchObject({ status: 'completed', evidence: 'Audit of 20 strategy discussions in May: police attended 19.', completed_at: at });
    const tracker = await policeLead.get('/actions?rag=blue');
    expect(references(tracker.body)).toEqual(['ILACS 1', 'RR 2026/01 R1']);
    expect(tracker.body).toMatch(/govuk-tag--blue">\s*Completed/);
  });

  it('refuses an update from a page someone else has saved since, with a 409 that shows what is recorded now', async () => {
    const page = await manager.get(`/actions/${ids.s11}`);
    const stale = /name="version" value="(\d+)"/.exec(page.body)![1]!;
    const first = await policeLead.post(`/actions/${ids.s11}`, { status: 'in_progress', note: 'Supervision template changed.', version: stale });
    expect(first.statusCode).toBe(303);
    const second = await manager.post(`/actions/${ids.s11}`, { status: 'cancelled', note: 'Superseded by the new standard.', version: stale });
    expect(second.statusCode).toBe(409);
    expect(second.body).toContain('Someone else updated this action after you opened it');
    expect(second.body).toContain('Supervision template changed.');
    expect(second.body).toContain('>Superseded by the new standard.</textarea>');
    expect(second.body).toContain(`name="version" value="${Number(stale) + 1}"`);
    expect((await actionRow(ids.s11)).status).toBe('in_progress');
    expect((await historyOf(ids.s11)).map((h) => h.note)).toEqual(['Action added', 'Supervision template changed.']);
    // So is one whose version no action can have, never a database error.
    for (const version of ['abc', '4e-323', '1e30']) {
      expect((await manager.post(`/actions/${ids.s11}`, { status: 'cancelled', note: 'Again.', version })).statusCode, version).toBe(409);
      expect((await manager.post(`/actions/${ids.s11}/change`, { reason: 'Again.', version })).statusCode, version).not.toBe(500);
    }
  });

  it('lets the business manager move the due date, owner and group, each change with its reason in the history', async () => {
    const before = await actionRow(ids.audit);
    const v = String(before.version);
    const form = { 'dueDate-day': '31', 'dueDate-month': '7', 'dueDate-year': '2026', ownerAgencyId: String(police), ownerUserId: String(policeLeadId), ownerName: '', groupId: String(groups.qa), version: v };
    const noReason = await manager.post(`/actions/${ids.audit}/change`, form);
    expect(noReason.statusCode).toBe(400);
    expect(errorSummary(noReason.body)).toEqual(['#reason Enter the reason for the change']);
    const wrongPerson = await manager.post(`/actions/${ids.audit}/change`, { ...form, ownerAgencyId: String(council), reason: 'x' });
    expect(errorSummary(wrongPerson.body)).toEqual(['#ownerUserId The owner must work for the owner agency']);
    const badDate = await manager.post(`/actions/${ids.audit}/change`, { ...form, 'dueDate-day': '31', 'dueDate-month': '2', reason: 'x' });
    expect(errorSummary(badDate.body)).toEqual(['#dueDate-day The due date must be a real date, like 31 3 2027']);
    const otherGroup = await manager.post(`/actions/${ids.audit}/change`, { ...form, groupId: String(groups.b), reason: 'x' });
    expect(errorSummary(otherGroup.body)).toEqual(['#groupId Select a group of this partnership']);
    expect(await actionRow(ids.audit)).toEqual(before);

    const ok = await manager.post(`/actions/${ids.audit}/change`, { ...form, reason: 'The police lead the exploitation screening now.' });
    expect(ok.statusCode).toBe(303);
    expect(await actionRow(ids.audit)).toMatchObject({ due_date: '2026-07-31', owner_agency_id: police, owner_user_id: policeLeadId, group_id: groups.qa, status: 'in_progress' });
    expect((await historyOf(ids.audit)).at(-1)!.note).toBe('Due date changed from 2026-06-10 to 2026-07-31. Owner agency changed from Alpha Partnership Council to Alpha Police. '
      + 'Owner changed from no one named to lead.police person. Group changed from none to Quality Assurance. Reason: The police lead the exploitation screening now.');
    const same = await manager.post(`/actions/${ids.audit}/change`, { ...form, version: String(Number(v) + 1), reason: 'Nothing' });
    expect(errorSummary(same.body)).toEqual(['#dueDate-day Change the due date, the owner or the group']);
    const stale = await manager.post(`/actions/${ids.audit}/change`, { ...form, 'dueDate-day': '1', 'dueDate-month': '8', reason: 'Later', version: v });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('Someone else updated this action after you opened it');
    // Only the business manager changes an action's plan.
    expect((await policeLead.post(`/actions/${ids.audit}/change`, { ...form, reason: 'x' })).statusCode).toBe(403);
  });

  it('adds an action directly, naming each field in error, and nothing when the form is wrong', async () => {
    const count = async () => Number((await t.db.selectFrom('action').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const n = await count();
    const empty = await manager.post('/actions/new', { source: '', reference: '', description: '', ownerAgencyId: '', 'dueDate-day': '', 'dueDate-month': '', 'dueDate-year': '' });
    expect(empty.statusCode).toBe(400);
    expect(errorSummary(empty.body)).toEqual([
      '#source Select where the action comes from', '#reference Enter a reference', '#description Enter the action',
      '#ownerAgencyId Select the agency that owns the action', '#dueDate-day Enter the due date',
    ]);
    // Right except the person, who is of another agency, and a source the tracker does not add itself: nothing is written.
    const wrong = await manager.post('/actions/new', {
      source: 'review', reference: 'Dev day 2', description: 'Run a neglect toolkit refresher.', ownerAgencyId: String(council), ownerUserId: String(policeLeadId),
      groupId: String(groups.neglect), themes: ['neglect', 'made_up'], 'dueDate-day': '30', 'dueDate-month': '9', 'dueDate-year': '2026',
    });
    expect(errorSummary(wrong.body)).toEqual(['#source Select where the action comes from', '#ownerUserId The owner must work for the owner agency', '#themes Unknown learning theme: made_up']);
    expect(wrong.body).toContain('value="Dev day 2"');
    expect(await count()).toBe(n);

    const ok = await manager.post('/actions/new', {
      source: 'other', reference: 'Dev day 2', recommendation: 'Practitioners asked for a refresher on the neglect toolkit.', description: 'Run a neglect toolkit refresher.',
      ownerAgencyId: String(council), ownerName: 'Principal social worker', groupId: String(groups.neglect), themes: ['neglect'],
      'dueDate-day': '30', 'dueDate-month': '9', 'dueDate-year': '2026',
    });
    expect(ok.statusCode).toBe(303);
    const id = /^\/actions\/([0-9a-f-]{36})$/.exec(String(ok.headers.location))![1]!;
    expect(await actionRow(id)).toMatchObject({ source: 'other', reference: 'Dev day 2', owner_name: 'Principal social worker', group_id: groups.neglect, themes: ['neglect'], due_date: '2026-09-30', status: 'open' });
    const page = await manager.get(`/actions/${id}`);
    expect(page.body).toContain('Action added to the tracker.');
    expect(page.body).toContain('Principal social worker');
    const audit = await t.db.selectFrom('audit_event').select(['record_id', 'detail']).where('action', '=', 'action.create').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(audit).toEqual({ record_id: id, detail: { source: 'other' } });
  });

  it('gives the annual report the actions raised, completed on time and late, and overdue, by source', async () => {
    const year = await actionSummary(t.db, t.fixture.a.id, '2026-01-01', '2026-12-31', { asAt: '2026-06-02' });
    expect(year.total.raised).toBe(6);
    // ILACS 1 was completed two days before it was due; the review's action two weeks after.
    expect(year.bySource.inspection).toEqual({ raised: 1, completedOnTime: 1, completedLate: 0, overdue: 0 });
    expect(year.bySource.review).toEqual({ raised: 1, completedOnTime: 0, completedLate: 1, overdue: 0 });
    expect(year.total).toMatchObject({ completedOnTime: 1, completedLate: 1 });
    // As at 25 May the review's action was overdue, and still open then.
    expect((await actionSummary(t.db, t.fixture.a.id, '2026-01-01', '2026-12-31', { asAt: '2026-05-25' })).bySource.review.overdue).toBe(1);
    const before = await actionSummary(t.db, t.fixture.a.id, '2025-04-01', '2026-03-01', { asAt: '2026-03-01' });
    expect(before.total).toEqual({ raised: 0, completedOnTime: 0, completedLate: 0, overdue: 0 });
    expect((await actionSummary(t.db, t.fixture.b.id, '2026-01-01', '2026-12-31', { asAt: '2026-06-02' })).total).toEqual({ raised: 1, completedOnTime: 0, completedLate: 0, overdue: 1 });
  });

  it('pages the tracker 50 at a time, keeping the filters in the page links', async () => {
    await createActions(t.db, t.fixture.a.id, Array.from({ length: 60 }, (_, i) => ({
      source: 'meeting' as const, reference: `Exec ${String(i + 1).padStart(2, '0')}`, description: `Minute ${i + 1}`, ownerAgencyId: council, dueDate: '2026-12-01',
    })), null, t.clock.now());
    const first = await manager.get('/actions?source=meeting');
    expect(references(first.body)).toHaveLength(50);
    expect(first.body).toContain('60 actions match the filters');
    expect(first.body).toContain('href="/actions?source=meeting&amp;page=2"');
    const second = await manager.get('/actions?source=meeting&page=2');
    expect(references(second.body)).toEqual(Array.from({ length: 10 }, (_, i) => `Exec ${51 + i}`));
    // A page past the end shows the last.
    expect(references((await manager.get('/actions?source=meeting&page=9')).body)).toHaveLength(10);
  });
});
