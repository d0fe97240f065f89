import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../platform/email';
import { ValidationFailed } from '../../platform/errors';
import { runCli } from '../../testing/cli';
import { startTestSmtp, type TestSmtp } from '../../testing/smtp';
import { createTestApp, signIn, type Client, type TestApp, addTestPerson } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { addAgency } from '../agencies/agencies.service';
import { cycleComparison, distributionByCycle, agencyHistory, section11Summary } from './comparison.service';
import { section11Counts } from './cycles.service';
import { section11Sweep } from './reminders.service';
import { findReturn, saveAnswer } from './returns.service';
import { DEFAULT_STANDARDS } from './standards.service';

const date = (prefix: string, iso: string) => {
  const [y, m, d] = iso.split('-');
  return { [`${prefix}-day`]: String(Number(d)), [`${prefix}-month`]: String(Number(m)), [`${prefix}-year`]: y! };
};

describe.each(dialects())('Section 11 (%s)', (dialect) => {
  let t: TestApp;
  let smtp: TestSmtp;
  let manager: Client;
  let policeLead: Client;
  let healthLead: Client;
  let councilLead: Client;
  let teamManager: Client;
  const agencies = {} as Record<'police' | 'health' | 'council', number>;
  let cycleId: number;
  const returns = {} as Record<'police' | 'health' | 'council', string>;
  let standardIds: number[] = [];
  let formulaStandard: number;

  const user = async (email: string, agencyId: number, role: 'agency_lead' | 'auditor' | 'team_manager') => {
    return addTestPerson(t.db, t.fixture.a.id, { email, agencyId, roles: [role] });
  };
  const rowOf = (id: string) => t.db.selectFrom('section11_return').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const answerOf = (returnId: string, standardId: number) => t.db.selectFrom('section11_answer').selectAll()
    .where('return_id', '=', returnId).where('standard_id', '=', standardId).executeTakeFirst();
  const actionsOf = (returnId: string) => t.db.selectFrom('action').selectAll().where('source', '=', 'section_11').where('source_id', '=', returnId).orderBy('reference').execute();
  const versionOf = async (returnId: string, standardId: number) => String((await answerOf(returnId, standardId))?.version ?? 0);
  const mailTo = (address: string, since = 0) => smtp.messages.slice(since).filter((m) => m.to.includes(address));

  /** Saves a standard through the form as the agency's lead would. */
  const save = async (client: Client, returnId: string, standardId: number, form: Record<string, string | string[]>) => {
    await client.get(`/section-11/returns/${returnId}/standards/${standardId}`);
    return client.post(`/section-11/returns/${returnId}/standards/${standardId}`, { version: await versionOf(returnId, standardId), ...form });
  };

  /** Sessions time out while the clock jumps weeks ahead: everyone signs in again. */
  const signInAgain = async () => {
    manager = await signIn(t, 'business_manager@a.test');
    policeLead = await signIn(t, 'lead@police.a.test');
    healthLead = await signIn(t, 'lead@health.a.test');
    councilLead = await signIn(t, 'agency_lead@a.test');
    teamManager = await signIn(t, 'team_manager@a.test');
  };

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestApp(dialect, { SMTP_URL: smtp.url, PUBLIC_URL: 'https://beacon.test' });
    // Monday 1 June 2026, 10:00 in London.
    t.clock.current = new Date('2026-06-01T09:00:00Z');
    const a = t.fixture.a.id;
    agencies.council = t.fixture.a.agencyId;
    agencies.police = (await addAgency(t.db, a, { name: 'Alpha Police', type: 'police' })).id;
    agencies.health = (await addAgency(t.db, a, { name: 'Alpha Health', type: 'health' })).id;
    await user('lead@police.a.test', agencies.police, 'agency_lead');
    await user('deputy@police.a.test', agencies.police, 'agency_lead');
    await user('auditor@police.a.test', agencies.police, 'auditor');
    await user('lead@health.a.test', agencies.health, 'agency_lead');
    await signInAgain();
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('gives a partnership the eight customary standards once, its own', async () => {
    const page = await manager.get('/section-11/standards');
    expect(page.statusCode).toBe(200);
    for (const s of DEFAULT_STANDARDS) expect(page.body).toContain(s.title);
    await manager.get('/section-11/standards');
    const rows = await t.db.selectFrom('section11_standard').select(['id', 'number', 'title']).where('partnership_id', '=', t.fixture.a.id).orderBy('number').execute();
    expect(rows.map((r) => r.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(rows[0]!.title).toBe('Senior management commitment to safeguarding');
    standardIds = rows.map((r) => r.id);
    expect(await t.db.selectFrom('section11_standard').select('id').where('partnership_id', '=', t.fixture.b.id).execute()).toEqual([]);
    // An agency lead reads the standards but cannot change them.
    const read = await policeLead.get('/section-11/standards');
    expect(read.statusCode).toBe(200);
    expect(read.body).not.toContain('Retire standard');
    expect((await policeLead.post('/section-11/standards/new', { title: 'Mine', description: 'x' })).statusCode).toBe(403);
  });

  it('adds, rewords, retires and reinstates standards, refusing a bad form', async () => {
    await manager.get('/section-11/standards/new');
    const bad = await manager.post('/section-11/standards/new', { title: '', description: '', prompts: 'x'.repeat(3001) });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter the standard');
    expect(bad.body).toContain('href="#description"');
    expect(bad.body).toContain('The prompts must be 3000 characters or fewer');
    const added = await manager.post('/section-11/standards/new', { title: 'Online safety', description: 'The agency keeps children safe online.', prompts: 'Filtering\n\n  Training  ' });
    expect(added.statusCode).toBe(303);
    const online = await t.db.selectFrom('section11_standard').selectAll().where('partnership_id', '=', t.fixture.a.id).where('number', '=', 9).executeTakeFirstOrThrow();
    expect(online).toMatchObject({ title: 'Online safety', prompts: 'Filtering\nTraining', retired_at: null });

    // A standard whose words a spreadsheet would run as a formula, to prove the export disarms it.
    await manager.post('/section-11/standards/new', { title: '=HYPERLINK("http://bad.test","Click")', description: 'Formula test.' });
    formulaStandard = (await t.db.selectFrom('section11_standard').select('id').where('number', '=', 10).where('partnership_id', '=', t.fixture.a.id).executeTakeFirstOrThrow()).id;

    await manager.get(`/section-11/standards/${online.id}`);
    expect((await manager.post(`/section-11/standards/${online.id}`, { title: '', description: 'x' })).statusCode).toBe(400);
    expect((await manager.post(`/section-11/standards/${online.id}`, { title: 'Keeping children safe online', description: 'Reworded.' })).statusCode).toBe(303);
    expect((await manager.post(`/section-11/standards/${online.id}/retire`)).statusCode).toBe(303);
    const retired = await t.db.selectFrom('section11_standard').select(['title', 'retired_at']).where('id', '=', online.id).executeTakeFirstOrThrow();
    expect(retired.title).toBe('Keeping children safe online');
    expect(retired.retired_at).toEqual(t.clock.now());
    const page = await manager.get('/section-11/standards');
    expect(page.body).toContain('Reinstate standard 9');
    // Another partnership's standard is not found.
    const other = await signIn(t, 'business_manager@b.test');
    expect((await other.get(`/section-11/standards/${online.id}`)).statusCode).toBe(404);
    expect((await other.post(`/section-11/standards/${online.id}/reinstate`)).statusCode).toBe(404);
  });

  it('refuses a cycle with bad or missing fields, writing nothing', async () => {
    await manager.get('/section-11/cycles/new');
    const empty = await manager.post('/section-11/cycles/new', {});
    expect(empty.statusCode).toBe(400);
    for (const [message, href] of [['Enter a name for the cycle, like 2025–26', 'name'], ['Enter the date the cycle opens', 'openDate-day'],
      ['Enter the date returns are due', 'dueDate-day'], ['Select how the standards are rated', 'scoring'], ['Select the agencies invited to complete a return', 'agencies']]) {
      expect(empty.body).toContain(message);
      expect(empty.body).toContain(`href="#${href}"`);
    }
    const backwards = await manager.post('/section-11/cycles/new', {
      name: '2026–27', ...date('openDate', '2026-07-01'), ...date('dueDate', '2026-06-30'), scoring: 'score', agencies: [String(agencies.police)],
    });
    expect(backwards.body).toContain('The due date must be after the open date');
    expect(backwards.body).toContain('value="2026–27"');
    const foreign = await addAgency(t.db, t.fixture.b.id, { name: 'Beta Health', type: 'health' });
    const wrongAgency = await manager.post('/section-11/cycles/new', {
      name: '2026–27', ...date('openDate', '2026-06-01'), ...date('dueDate', '2026-07-31'), scoring: 'traffic', agencies: [String(foreign.id)],
    });
    expect(wrongAgency.body).toContain('Select agencies of this partnership');
    expect(wrongAgency.body).toContain('Select how the standards are rated');
    const impossible = await manager.post('/section-11/cycles/new', { name: 'x', 'openDate-day': '31', 'openDate-month': '2', 'openDate-year': '2026', ...date('dueDate', '2026-07-31'), scoring: 'rag', agencies: String(agencies.police) });
    expect(impossible.body).toContain('The open date must be a real date');
    expect(await t.db.selectFrom('section11_cycle').select('id').execute()).toEqual([]);
    expect((await policeLead.post('/section-11/cycles/new', {})).statusCode).toBe(403);
  });

  it('plans a cycle that opens later, and opens it on request: a return for each agency over the standards in force, and each agency’s leads emailed', async () => {
    const planned = await manager.post('/section-11/cycles/new', {
      name: '2026–27', ...date('openDate', '2026-06-08'), ...date('dueDate', '2026-07-31'), scoring: 'score',
      agencies: [String(agencies.police), String(agencies.health), String(agencies.council)],
    });
    expect(planned.statusCode).toBe(303);
    const cycle = await t.db.selectFrom('section11_cycle').selectAll().executeTakeFirstOrThrow();
    cycleId = cycle.id;
    expect(cycle).toMatchObject({ status: 'planned', open_date: '2026-06-08', due_date: '2026-07-31', scoring: 'score' });
    expect(await t.db.selectFrom('section11_return').select('id').execute()).toEqual([]);
    const dup = await manager.post('/section-11/cycles/new', { name: '2026–27', ...date('openDate', '2026-06-08'), ...date('dueDate', '2026-07-31'), scoring: 'score', agencies: String(agencies.police) });
    expect(dup.body).toContain('There is already a cycle called 2026–27');

    const before = smtp.messages.length;
    await manager.get(`/section-11/cycles/${cycleId}`);
    const opened = await manager.post(`/section-11/cycles/${cycleId}/open`);
    expect(opened.statusCode).toBe(303);
    expect((await manager.get(String(opened.headers.location))).body).toContain('2026–27 is open: 3 agencies asked for a return, 4 leads emailed.');
    const rows = await t.db.selectFrom('section11_return').select(['id', 'agency_id', 'status']).where('cycle_id', '=', cycleId).execute();
    expect(rows.map((r) => r.agency_id).sort()).toEqual([agencies.police, agencies.health, agencies.council].sort());
    expect(rows.every((r) => r.status === 'not_started')).toBe(true);
    for (const k of ['police', 'health', 'council'] as const) returns[k] = rows.find((r) => r.agency_id === agencies[k])!.id;
    // Opened early: the cycle records the day it really opened.
    expect((await t.db.selectFrom('section11_cycle').select(['status', 'open_date']).where('id', '=', cycleId).executeTakeFirstOrThrow())).toEqual({ status: 'open', open_date: '2026-06-01' });
    // The retired standard is left out; the formula one is in.
    const snapshot = await t.db.selectFrom('section11_cycle_standard').select(['standard_id', 'number']).where('cycle_id', '=', cycleId).orderBy('number').execute();
    expect(snapshot.map((s) => s.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 10]);

    const mail = smtp.messages.slice(before);
    expect(mail.map((m) => m.to[0]).sort()).toEqual(['agency_lead@a.test', 'deputy@police.a.test', 'lead@health.a.test', 'lead@police.a.test']);
    const toPolice = mailTo('lead@police.a.test', before)[0]!;
    expect(toPolice.subject).toBe('Section 11 audit 2026–27 is open: Alpha Police');
    expect(toPolice.text).toContain('Due: Friday 31 July 2026');
    expect(toPolice.text).toContain(`https://beacon.test/section-11/returns/${returns.police}`);
    const outbox = await t.db.selectFrom('email_outbox').select(['record_type', 'record_id', 'status']).where('to_address', '=', 'lead@police.a.test').execute();
    expect(outbox).toEqual([{ record_type: 'section11_return', record_id: returns.police, status: 'sent' }]);

    const again = await manager.post(`/section-11/cycles/${cycleId}/open`);
    expect(again.statusCode).toBe(303);
    expect((await manager.get(`/section-11/cycles/${cycleId}`)).body).toContain('2026–27 is already open.');
    expect(smtp.messages.length).toBe(before + 4);
  });

  it('keeps the words a cycle opened with when a standard is reworded later', async () => {
    await manager.post(`/section-11/standards/${standardIds[0]}`, { title: 'Leadership and culture', description: 'Reworded after the cycle opened.' });
    const page = await policeLead.get(`/section-11/returns/${returns.police}`);
    expect(page.body).toContain('Senior management commitment to safeguarding');
    expect(page.body).not.toContain('Leadership and culture');
  });

  it('lets only the returning agency’s contributors change its return; the business manager reads it; another partnership finds nothing', async () => {
    const own = await policeLead.get(`/section-11/returns/${returns.police}`);
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('Submit the return');
    expect(own.body).toContain(`href="/section-11/returns/${returns.police}/standards/${standardIds[0]}"`);
    const form = await policeLead.get(`/section-11/returns/${returns.police}/standards/${standardIds[0]}`);
    expect(form.body).toContain('How well does Alpha Police meet this standard?');
    expect(form.body).toContain('Requires improvement');

    expect((await healthLead.get(`/section-11/returns/${returns.police}`)).statusCode).toBe(403);
    expect((await healthLead.get(`/section-11/returns/${returns.police}/standards/${standardIds[0]}`)).statusCode).toBe(403);
    await healthLead.get(`/section-11/returns/${returns.health}`);
    expect((await healthLead.post(`/section-11/returns/${returns.police}/standards/${standardIds[0]}`, { version: '0', rating: '3', evidence: 'Not ours' })).statusCode).toBe(403);
    expect((await healthLead.post(`/section-11/returns/${returns.police}/submit`, { confirm: 'yes' })).statusCode).toBe(403);
    const councilAuditor = await signIn(t, 'auditor@a.test');
    expect((await councilAuditor.post(`/section-11/returns/${returns.police}/standards/${standardIds[0]}`, { version: '0', rating: '3' })).statusCode).toBe(403);
    expect((await teamManager.get(`/section-11/returns/${returns.police}`)).statusCode).toBe(403);
    // The council's team manager reads the council's own return, without a form.
    const council = await teamManager.get(`/section-11/returns/${returns.council}`);
    expect(council.statusCode).toBe(200);
    expect(council.body).not.toContain('Submit the return');
    // The police's auditor completes the police's return too.
    const policeAuditor = await signIn(t, 'auditor@police.a.test');
    expect((await policeAuditor.get(`/section-11/returns/${returns.police}/standards/${standardIds[0]}`)).body).toContain('Save the standard');

    const read = await manager.get(`/section-11/returns/${returns.police}`);
    expect(read.statusCode).toBe(200);
    expect(read.body).not.toContain('Submit the return');
    expect(read.body).toContain('Save the peer reviewer');
    expect((await manager.post(`/section-11/returns/${returns.police}/standards/${standardIds[0]}`, { version: '0', rating: '3' })).statusCode).toBe(403);

    const other = await signIn(t, 'agency_lead@b.test');
    expect((await other.get(`/section-11/returns/${returns.police}`)).statusCode).toBe(404);
    expect((await other.post(`/section-11/returns/${returns.police}/standards/${standardIds[0]}`, { version: '0', rating: '3' })).statusCode).toBe(404);
    const otherManager = await signIn(t, 'business_manager@b.test');
    for (const url of [`/section-11/cycles/${cycleId}`, `/section-11/cycles/${cycleId}/comparison`, `/section-11/cycles/${cycleId}/comparison.csv`, `/section-11/cycles/${cycleId}/edit`, `/section-11/returns/${returns.police}`]) {
      expect((await otherManager.get(url)).statusCode, url).toBe(404);
    }
    expect((await otherManager.post(`/section-11/cycles/${cycleId}/close`)).statusCode).toBe(404);
    expect((await otherManager.post(`/section-11/returns/${returns.police}/reopen`, { reason: 'x' })).statusCode).toBe(404);
    expect((await otherManager.get('/section-11/returns/not-a-uuid')).statusCode).toBe(404);
    expect((await manager.get(`/section-11/returns/${returns.police}/standards/99999`)).statusCode).toBe(404);
    expect((await manager.get(`/section-11/returns/${returns.police}/standards/${(await t.db.selectFrom('section11_standard').select('id').where('number', '=', 9).where('partnership_id', '=', t.fixture.a.id).executeTakeFirstOrThrow()).id}`)).statusCode).toBe(404);
  });

  it('saves a standard with its actions all or none, refusing bad input and a stale page', async () => {
    const s1 = standardIds[0]!;
    const bad = await save(policeLead, returns.police, s1, {
      rating: 'purple', evidence: 'Board minutes.', 'action-1-description': 'Appoint a board champion', ...date('action-2-due', '2026-09-30'),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Select one of the ratings shown');
    expect(bad.body).toContain('Enter the date new action 1 is due');
    expect(bad.body).toContain('href="#action-1-due-day"');
    expect(bad.body).toContain('Enter new action 2, or clear its other fields');
    expect(bad.body).toContain('Appoint a board champion');
    const past = await save(policeLead, returns.police, s1, { rating: '2', evidence: 'x', 'action-1-description': 'Late', ...date('action-1-due', '2026-05-31') });
    expect(past.body).toContain('The due date of new action 1 must be today or in the future');
    expect(await answerOf(returns.police, s1)).toBeUndefined();
    expect(await actionsOf(returns.police)).toEqual([]);
    expect((await rowOf(returns.police)).status).toBe('not_started');

    // The tracker refuses one of two actions (a theme it does not know): neither, nor the answer, is kept.
    const ret = await findReturn(t.db, t.fixture.a.id, returns.police);
    const policeLeadId = (await t.db.selectFrom('app_user').select('id').where('email', '=', 'lead@police.a.test').executeTakeFirstOrThrow()).id;
    await expect(saveAnswer(t.db, t.fixture.a.id, ret, s1, {
      rating: '2', evidence: 'Minutes', version: 0,
      actions: [{ row: 1, description: 'Good one', dueDate: '2026-09-30', ownerName: null, themes: [] }, { row: 2, description: 'Bad one', dueDate: '2026-09-30', ownerName: null, themes: ['astrology'] }],
    }, policeLeadId, t.clock.now())).rejects.toBeInstanceOf(ValidationFailed);
    expect(await answerOf(returns.police, s1)).toBeUndefined();
    expect(await actionsOf(returns.police)).toEqual([]);

    const good = await save(policeLead, returns.police, s1, {
      rating: '2', evidence: 'Safeguarding is on the board’s agenda twice a year.',
      'action-1-description': 'Appoint a board champion for safeguarding', 'action-1-owner': 'Deputy Chief Constable', ...date('action-1-due', '2026-09-30'), 'action-1-themes': ['information_sharing'],
      'action-2-description': 'Report safeguarding to the board each quarter', ...date('action-2-due', '2026-12-31'),
    });
    expect(good.statusCode).toBe(303);
    expect((await policeLead.get(String(good.headers.location))).body).toContain('Standard 1 saved with 2 new actions.');
    expect(await answerOf(returns.police, s1)).toMatchObject({ rating: '2', evidence: 'Safeguarding is on the board’s agenda twice a year.', version: 1 });
    const actions = await actionsOf(returns.police);
    expect(actions.map((a) => [a.reference, a.owner_agency_id, a.due_date, a.owner_name, a.themes])).toEqual([
      ['S11 2026–27 Alpha Police 1.1', agencies.police, '2026-09-30', 'Deputy Chief Constable', ['information_sharing']],
      ['S11 2026–27 Alpha Police 1.2', agencies.police, '2026-12-31', null, []],
    ]);
    expect(actions.every((a) => a.recommendation === 'Standard 1: Senior management commitment to safeguarding')).toBe(true);
    expect((await rowOf(returns.police)).status).toBe('draft');

    // Two people with the page open: the second save is refused until made again deliberately.
    await policeLead.get(`/section-11/returns/${returns.police}/standards/${s1}`);
    const stale = await policeLead.post(`/section-11/returns/${returns.police}/standards/${s1}`, { version: '0', rating: '3', evidence: 'Older page' });
    expect(stale.statusCode).toBe(400);
    for (const version of ['abc', '4e-323', ['0', '1']]) {
      expect((await policeLead.post(`/section-11/returns/${returns.police}/standards/${s1}`, { version, rating: '3', evidence: 'Older page' })).statusCode, String(version)).toBe(400);
    }
    expect(stale.body).toContain('Someone else saved this standard after you opened it');
    expect(stale.body).toContain('name="version" value="1"');
    expect((await answerOf(returns.police, s1))!.rating).toBe('2');
    const third = await save(policeLead, returns.police, s1, { rating: '2', evidence: 'Minutes.', 'action-1-description': 'Audit attendance', ...date('action-1-due', '2026-10-30') });
    expect(third.statusCode).toBe(303);
    expect((await actionsOf(returns.police)).map((a) => a.reference)).toContain('S11 2026–27 Alpha Police 1.3');

    const events = await t.db.selectFrom('audit_event').select(['action', 'detail']).where('record_id', '=', returns.police).where('action', '=', 'section11_return.save').execute();
    expect(events.length).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toContain('board');
  });

  it('submits a return only when every standard is complete and the lead confirms it', async () => {
    const [, s2, s3, s4] = standardIds;
    await policeLead.get(`/section-11/returns/${returns.police}`);
    const incomplete = await policeLead.post(`/section-11/returns/${returns.police}/submit`, {});
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.body).toContain('Standard 2, A clear statement of responsibilities: select a rating');
    expect(incomplete.body).toContain('href="#standard-2"');
    expect(incomplete.body).toContain('id="standard-2"');
    expect(incomplete.body).toContain('Confirm that the return is a true account of the agency');
    expect(incomplete.body).not.toContain('Standard 1, Senior');

    // Good without evidence; below good without an action; the lowest with neither evidence nor action.
    await save(policeLead, returns.police, s2!, { rating: '3', evidence: '' });
    await save(policeLead, returns.police, s3!, { rating: '2', evidence: 'Supervision policy.' });
    await save(policeLead, returns.police, s4!, { rating: '1', evidence: '' });
    const page = await policeLead.get(`/section-11/returns/${returns.police}`);
    expect(page.body).toContain('To do: give the evidence for the rating');
    const still = await policeLead.post(`/section-11/returns/${returns.police}/submit`, { confirm: 'yes' });
    expect(still.statusCode).toBe(400);
    expect(still.body).toContain('Standard 2, A clear statement of responsibilities: give the evidence for the rating');
    expect(still.body).toContain('Standard 3, Clear lines of accountability: add at least one action to improve');
    expect(still.body).toContain('Standard 4, Services shaped by children’s needs and voices: add at least one action to improve');
    expect(still.body).not.toContain('Standard 4, Services shaped by children’s needs and voices: give the evidence');

    await save(policeLead, returns.police, s2!, { rating: '3', evidence: 'Policy reviewed March 2026.' });
    await save(policeLead, returns.police, s3!, { rating: '2', evidence: 'Supervision policy.', 'action-1-description': 'Audit supervision records', ...date('action-1-due', '2026-10-30') });
    await save(policeLead, returns.police, s4!, { rating: '1', evidence: '', 'action-1-description': 'Set up a youth panel', ...date('action-1-due', '2027-03-31') });
    for (const id of standardIds.slice(4)) await save(policeLead, returns.police, id, { rating: '4', evidence: 'Strong evidence.' });
    await save(policeLead, returns.police, formulaStandard, { rating: '3', evidence: 'Fine.' });
    const ok = await policeLead.post(`/section-11/returns/${returns.police}/submit`, { confirm: 'yes' });
    expect(ok.statusCode).toBe(303);
    const row = await rowOf(returns.police);
    expect(row).toMatchObject({ status: 'submitted', submitted_at: t.clock.now() });
    // Submitted: no more changes.
    const late = await save(policeLead, returns.police, s2!, { rating: '4', evidence: 'Changed my mind' });
    expect(late.statusCode).toBe(303);
    expect((await policeLead.get(String(late.headers.location))).body).toContain('The return has been submitted, so it cannot be changed unless the business manager reopens it.');
    expect((await answerOf(returns.police, s2!))!.rating).toBe('3');
    const events = await t.db.selectFrom('section11_return_event').select('event').where('return_id', '=', returns.police).orderBy('id').execute();
    expect(events.map((e) => e.event)).toEqual(['opened', 'submitted']);
  });

  it('lets the business manager alone reopen a submitted return, with a reason the agency’s leads are emailed', async () => {
    await policeLead.get(`/section-11/returns/${returns.police}`);
    expect((await policeLead.post(`/section-11/returns/${returns.police}/reopen`, { reason: 'I want to' })).statusCode).toBe(403);
    await manager.get(`/section-11/returns/${returns.police}`);
    const noReason = await manager.post(`/section-11/returns/${returns.police}/reopen`, { reason: '  ' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Enter why the return is reopened');
    const before = smtp.messages.length;
    const ok = await manager.post(`/section-11/returns/${returns.police}/reopen`, { reason: 'Standard 2 needs the date of the policy review.' });
    expect(ok.statusCode).toBe(303);
    expect((await rowOf(returns.police)).status).toBe('draft');
    const mail = smtp.messages.slice(before);
    expect(mail.map((m) => m.to[0]).sort()).toEqual(['deputy@police.a.test', 'lead@police.a.test']);
    expect(mail[0]!.subject).toBe('Section 11 return reopened: Alpha Police');
    expect(mail[0]!.text).toContain('Standard 2 needs the date of the policy review.');
    const page = await policeLead.get(`/section-11/returns/${returns.police}`);
    expect(page.body).toContain('Reason: Standard 2 needs the date of the policy review.');
    const twice = await manager.post(`/section-11/returns/${returns.police}/reopen`, { reason: 'Again' });
    expect(twice.statusCode).toBe(303);
    expect((await manager.get(`/section-11/returns/${returns.police}`)).body).toContain('The return is not submitted, so there is nothing to reopen.');
    expect((await policeLead.post(`/section-11/returns/${returns.police}/submit`, { confirm: 'yes' })).statusCode).toBe(303);
    const events = await t.db.selectFrom('section11_return_event').select(['event', 'reason']).where('return_id', '=', returns.police).orderBy('id').execute();
    expect(events.map((e) => e.event)).toEqual(['opened', 'submitted', 'reopened', 'submitted']);
  });

  it('takes peer challenge from the business manager and the peer agency, and responses from the returning agency, keeping the agreed rating beside the self-assessed one', async () => {
    const [s1, s2] = standardIds;
    const url = `/section-11/returns/${returns.police}/standards/${s1}/comments`;
    // No peer reviewer yet: the health lead may not challenge.
    expect((await healthLead.post(url, { comment: 'Why?' })).statusCode).toBe(403);
    await manager.get(`/section-11/returns/${returns.police}`);
    const self = await manager.post(`/section-11/returns/${returns.police}/peer`, { peerAgency: String(agencies.police) });
    expect(self.statusCode).toBe(400);
    expect(self.body).toContain('An agency cannot review its own return');
    expect((await manager.post(`/section-11/returns/${returns.police}/peer`, { peerAgency: String(agencies.health) })).statusCode).toBe(303);
    expect((await healthLead.get(`/section-11/returns/${returns.police}`)).statusCode).toBe(200);
    expect((await healthLead.get('/section-11')).body).toContain('Returns Alpha Health reviews as peer');

    await healthLead.get(`/section-11/returns/${returns.police}/standards/${s1}`);
    const empty = await healthLead.post(url, { comment: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter a comment, or select the agreed rating');
    const wrong = await healthLead.post(url, { comment: 'x', agreedRating: 'green' });
    expect(wrong.body).toContain('Select one of the ratings shown');
    expect((await healthLead.post(url, { comment: 'How often does the board discuss safeguarding?' })).statusCode).toBe(303);
    await policeLead.get(`/section-11/returns/${returns.police}/standards/${s1}`);
    expect((await policeLead.post(url, { comment: '' })).body).toContain('Enter the agency’s response');
    // The agency cannot set its own agreed rating: a response carries none.
    expect((await policeLead.post(url, { comment: 'Twice a year, and the champion starts in September.', agreedRating: '4' })).statusCode).toBe(303);
    expect((await answerOf(returns.police, s1!))!.agreed_rating).toBeNull();
    await manager.get(`/section-11/returns/${returns.police}/standards/${s1}`);
    expect((await manager.post(url, { comment: 'Agreed at the workshop.', agreedRating: '3' })).statusCode).toBe(303);
    expect((await manager.post(`/section-11/returns/${returns.police}/standards/${s2}/comments`, { agreedRating: '2' })).statusCode).toBe(303);

    expect(await answerOf(returns.police, s1!)).toMatchObject({ rating: '2', agreed_rating: '3' });
    const comments = await t.db.selectFrom('section11_comment').select(['kind', 'author_agency_id']).where('return_id', '=', returns.police).orderBy('created_at').orderBy('id').execute();
    expect(comments.map((c) => c.kind).sort()).toEqual(['challenge', 'challenge', 'response']);
    const page = await policeLead.get(`/section-11/returns/${returns.police}/standards/${s1}`);
    expect(page.body).toContain('How often does the board discuss safeguarding?');
    expect(page.body).toContain('Twice a year, and the champion starts in September.');
    expect(page.body).toMatch(/Agreed at peer challenge[\s\S]*3 Good/);
    expect(page.body).toContain('Add the response');

    expect((await councilLead.post(url, { comment: 'Not my review' })).statusCode).toBe(403);
    expect((await teamManager.post(url, { comment: 'Not mine' })).statusCode).toBe(403);
    // A draft return is not open to challenge yet.
    await save(healthLead, returns.health, s1!, { rating: '3', evidence: 'Board lead named.' });
    await manager.get(`/section-11/returns/${returns.health}/standards/${s1}`);
    const early = await manager.post(`/section-11/returns/${returns.health}/standards/${s1}/comments`, { comment: 'Too soon' });
    expect(early.statusCode).toBe(303);
    expect((await manager.get(String(early.headers.location))).body).toContain('Peer challenge starts when the return is submitted.');
  });

  it('compares the agencies of a cycle in figures, a grid and a chart, and sums the cycle up for the annual report', async () => {
    for (const id of [...standardIds, formulaStandard]) {
      const below = id === standardIds[0] || id === standardIds[2];
      await save(healthLead, returns.health, id, below
        ? { rating: '2', evidence: 'Partly in place.', 'action-1-description': 'Improve it', ...date('action-1-due', '2026-12-01') }
        : { rating: '3', evidence: 'In place.' });
    }
    await healthLead.get(`/section-11/returns/${returns.health}`);
    expect((await healthLead.post(`/section-11/returns/${returns.health}/submit`, { confirm: 'yes' })).statusCode).toBe(303);

    const c = await cycleComparison(t.db, t.fixture.a.id, cycleId);
    expect([c.invited, c.submitted]).toEqual([3, 2]);
    const byNumber = (n: number) => c.standards.find((s) => s.number === n)!;
    // Standard 1: police agreed 3 (self 2), health 2. Standard 2: police agreed 2 (self 3), health 3. Standard 3: both 2.
    expect(byNumber(1)).toMatchObject({ answered: 2, belowGood: 1, counts: { 4: 0, 3: 1, 2: 1, 1: 0 } });
    expect(byNumber(2)).toMatchObject({ answered: 2, belowGood: 1, counts: { 3: 1, 2: 1 } });
    expect(byNumber(3)).toMatchObject({ answered: 2, belowGood: 2 });
    expect(byNumber(4)).toMatchObject({ answered: 2, belowGood: 1, counts: { 1: 1, 3: 1 } });
    expect(c.cells[`${agencies.police}:${standardIds[0]}`]).toEqual({ rating: '3', agreed: '3', selfAssessed: '2' });

    const summary = await section11Summary(t.db, t.fixture.a.id, cycleId);
    expect(summary).toMatchObject({ invited: 3, submitted: 2, cycle: { name: '2026–27', scoring: 'score' } });
    expect(summary.mostOftenBelowGood).toEqual([
      { number: 3, title: 'Clear lines of accountability', belowGood: 2, answered: 2 },
      { number: 1, title: 'Senior management commitment to safeguarding', belowGood: 1, answered: 2 },
      { number: 2, title: 'A clear statement of responsibilities', belowGood: 1, answered: 2 },
    ]);
    await expect(section11Summary(t.db, t.fixture.b.id, cycleId)).rejects.toThrow('No such Section 11 cycle');

    const page = await councilLead.get(`/section-11/cycles/${cycleId}/comparison`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('2 of 3 agencies have submitted their returns.');
    expect(page.body).toContain('role="img"');
    expect(page.body).toContain('How agencies rated each standard, 2026–27');
    expect(page.body).toContain('Most often below good: standard 3, Clear lines of accountability (2 of 2).');
    expect(page.body).toContain('Self-assessed 2 Requires improvement');
    expect(page.body).toMatch(/Standard 3<\/th>[\s\S]*?2 of 2/);
    // The council's draft is not counted, and its evidence is on no comparison.
    expect(page.body).not.toContain('In place.');

    const cycles = await distributionByCycle(t.db, t.fixture.a.id);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toMatchObject({ name: '2026–27', submitted: 2, invited: 3, total: 18 });
    expect(cycles[0]!.bands.good + cycles[0]!.bands.requires_improvement + cycles[0]!.bands.inadequate).toBe(18);
    const history = await agencyHistory(t.db, t.fixture.a.id, agencies.police);
    expect(history.cycles.map((x) => x.name)).toEqual(['2026–27']);
    expect(history.standards.find((s) => s.standardId === standardIds[0])!.ratings[cycleId]).toEqual({ rating: '3', agreed: '3', selfAssessed: '2' });
    // The hub's figures: the open cycle's returns, and the viewer's agency's own.
    expect(await section11Counts(t.db, t.fixture.a.id, agencies.police, t.clock.now())).toEqual({
      invited: 3, submitted: 2, overdue: 0, agencyReturn: { id: returns.police, cycleName: '2026–27', status: 'submitted', dueDate: '2026-07-31' },
    });
    expect((await section11Counts(t.db, t.fixture.a.id, agencies.council, new Date('2026-08-01T12:00:00Z'))).overdue).toBe(1);
    expect(await section11Counts(t.db, t.fixture.b.id, agencies.police, t.clock.now())).toEqual({ invited: 0, submitted: 0, overdue: 0, agencyReturn: null });
    const trends = await manager.get(`/section-11/trends?agency=${agencies.police}`);
    expect(trends.statusCode).toBe(200);
    expect(trends.body).toContain('Section 11 ratings by cycle');
    expect(trends.body).toContain('Alpha Police: ratings by standard and cycle');
  });

  it('downloads the comparison as CSV that a spreadsheet cannot run', async () => {
    const res = await manager.get(`/section-11/cycles/${cycleId}/comparison.csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('attachment; filename="section-11-2026-27.csv"');
    const lines = res.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('Cycle,Agency,Return,Standard number,Standard,Self-assessed,Agreed,Rating used,Band');
    expect(lines).toHaveLength(1 + 3 * 9);
    expect(lines).toContain('2026–27,Alpha Police,Submitted,1,Senior management commitment to safeguarding,2 Requires improvement,3 Good,3 Good,Good or better');
    expect(lines).toContain('2026–27,Alpha Partnership Council,Not started,2,A clear statement of responsibilities,,,,');
    const formula = lines.find((l) => l.includes('HYPERLINK'))!;
    expect(formula).toContain('"\'=HYPERLINK(""http://bad.test"",""Click"")"');
    expect(lines.some((l) => /,=/.test(l))).toBe(false);
    const all = await teamManager.get('/section-11/trends.csv');
    expect(all.statusCode).toBe(200);
    expect(all.body.trimEnd().split('\r\n')).toHaveLength(1 + 3 * 9);
    const logged = await t.db.selectFrom('audit_event').select('action').where('action', '=', 'section11_cycle.export').execute();
    expect(logged).toHaveLength(2);
  });

  it('reminds the leads of each unsubmitted return once when due within five working days and once when overdue, by a real SMTP server', async () => {
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'beacon@a.test' });
    const opts = { publicUrl: 'https://beacon.test' };
    // Due Friday 31 July 2026: Thursday 23 July is six working days before, Friday 24 July five.
    expect(await section11Sweep(t.db, mailer, new Date('2026-07-23T09:00:00Z'), opts)).toEqual({ opened: [], reminded: [] });
    const before = smtp.messages.length;
    const soon = await section11Sweep(t.db, mailer, new Date('2026-07-24T09:00:00Z'), opts);
    expect(soon.reminded.map((r) => [r.agency, r.kind, r.emailed])).toEqual([['Alpha Partnership Council', 'due_soon', ['agency_lead@a.test']]]);
    const mail = smtp.messages.slice(before);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe('Section 11 return due Friday 31 July 2026: Alpha Partnership Council');
    expect(mail[0]!.text).toContain(`https://beacon.test/section-11/returns/${returns.council}`);
    expect((await section11Sweep(t.db, mailer, new Date('2026-07-30T09:00:00Z'), opts)).reminded).toEqual([]);
    // The due date itself is not overdue; the day after is.
    expect((await section11Sweep(t.db, mailer, new Date('2026-07-31T20:00:00Z'), opts)).reminded).toEqual([]);
    const overdue = await section11Sweep(t.db, mailer, new Date('2026-08-03T08:00:00Z'), opts);
    expect(overdue.reminded.map((r) => [r.agency, r.kind])).toEqual([['Alpha Partnership Council', 'overdue']]);
    expect(smtp.messages.at(-1)!.subject).toBe('Section 11 return overdue: Alpha Partnership Council');
    expect((await section11Sweep(t.db, mailer, new Date('2026-08-10T08:00:00Z'), opts)).reminded).toEqual([]);
    expect(smtp.messages.length).toBe(before + 2);
    expect(mailTo('lead@police.a.test', before)).toEqual([]);

    // Moving the due date on is a new deadline: the reminders may go again, from the command too.
    t.clock.current = new Date('2026-08-10T09:00:00Z');
    await signInAgain();
    await manager.get(`/section-11/cycles/${cycleId}/edit`);
    const moved = await manager.post(`/section-11/cycles/${cycleId}/edit`, { name: '2026–27', ...date('dueDate', '2026-08-14'), agencies: [] });
    expect(moved.statusCode).toBe(303);
    expect(await rowOf(returns.council)).toMatchObject({ due_soon_reminded_at: null, overdue_reminded_at: null });
    expect((await rowOf(returns.police)).due_soon_reminded_at).toBeNull();
    // The command runs on the real clock: the cycle's dates are set about it.
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    await t.db.updateTable('section11_cycle').set({ open_date: day(-20), due_date: day(-2) }).where('id', '=', cycleId).execute();
    const cli = (args: string[]) => runCli(async (fn) => fn({ db: t.db, dialect, describe: 'test', close: async () => {} }), args);
    const run = await cli(['section11', 'remind', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ opened: [], reminded: [{ agency: 'Alpha Partnership Council', kind: 'overdue', due_date: day(-2), emailed: 1 }] });
    expect((await t.db.selectFrom('audit_event').select('user_email').where('action', '=', 'section11_return.remind').executeTakeFirstOrThrow()).user_email).toMatch(/^cli:/);
    const second = await cli(['section11', 'remind']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('No cycles to open and no reminders to send');
  });

  it('opens a planned cycle on its open date from the sweep, once, and lets an open cycle take more agencies', async () => {
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'beacon@a.test' });
    const opts = { publicUrl: 'https://beacon.test' };
    await manager.get('/section-11/cycles/new');
    const planned = await manager.post('/section-11/cycles/new', {
      name: '2027–28', ...date('openDate', '2026-09-01'), ...date('dueDate', '2026-11-30'), scoring: 'rag', agencies: [String(agencies.police)],
    });
    expect(planned.statusCode).toBe(303);
    const id = (await t.db.selectFrom('section11_cycle').select('id').where('name', '=', '2027–28').executeTakeFirstOrThrow()).id;
    expect((await section11Sweep(t.db, mailer, new Date('2026-08-31T12:00:00Z'), opts)).opened).toEqual([]);
    const before = smtp.messages.length;
    const sweep = await section11Sweep(t.db, mailer, new Date('2026-09-01T06:00:00Z'), opts);
    expect(sweep.opened.map((o) => [o.cycleId, o.returns.length])).toEqual([[id, 1]]);
    expect(smtp.messages.slice(before).map((m) => m.to[0]).sort()).toEqual(['deputy@police.a.test', 'lead@police.a.test']);
    expect((await section11Sweep(t.db, mailer, new Date('2026-09-01T07:00:00Z'), opts)).opened).toEqual([]);

    t.clock.current = new Date('2026-09-02T09:00:00Z');
    await signInAgain();
    await manager.get(`/section-11/cycles/${id}/edit`);
    const added = await manager.post(`/section-11/cycles/${id}/edit`, { name: '2027–28', ...date('dueDate', '2026-11-30'), agencies: [String(agencies.health)] });
    expect(added.statusCode).toBe(303);
    expect((await t.db.selectFrom('section11_return').select('agency_id').where('cycle_id', '=', id).execute()).map((r) => r.agency_id).sort()).toEqual([agencies.police, agencies.health].sort());
    expect(smtp.messages.at(-1)!.to).toEqual(['lead@health.a.test']);
    // A RAG cycle's form offers red, amber and green.
    const healthReturn = (await t.db.selectFrom('section11_return').select('id').where('cycle_id', '=', id).where('agency_id', '=', agencies.health).executeTakeFirstOrThrow()).id;
    const form = await healthLead.get(`/section-11/returns/${healthReturn}/standards/${standardIds[1]}`);
    expect(form.body).toContain('value="amber"');
    expect((await save(healthLead, healthReturn, standardIds[1]!, { rating: '3' })).body).toContain('Select one of the ratings shown');
  });

  it('closes a cycle, after which nothing in it changes, and lists every read and write in the audit log', async () => {
    await manager.get(`/section-11/cycles/${cycleId}`);
    expect((await policeLead.post(`/section-11/cycles/${cycleId}/close`)).statusCode).toBe(403);
    expect((await manager.post(`/section-11/cycles/${cycleId}/close`)).statusCode).toBe(303);
    expect((await t.db.selectFrom('section11_cycle').select('status').where('id', '=', cycleId).executeTakeFirstOrThrow()).status).toBe('closed');
    const save1 = await save(councilLead, returns.council, standardIds[0]!, { rating: '3', evidence: 'Late' });
    expect(save1.statusCode).toBe(303);
    expect((await councilLead.get(String(save1.headers.location))).body).toContain('2026–27 is closed: the return cannot be changed.');
    expect((await manager.post(`/section-11/returns/${returns.police}/reopen`, { reason: 'x' })).statusCode).toBe(303);
    expect((await rowOf(returns.police)).status).toBe('submitted');
    const edit = await manager.get(`/section-11/cycles/${cycleId}/edit`);
    expect(edit.statusCode).toBe(303);
    expect((await manager.get(`/section-11/cycles/${cycleId}/comparison`)).statusCode).toBe(200);
    const list = await manager.get('/section-11');
    expect(list.body).toContain('2026–27');
    expect(list.body).toContain('Closed');

    const actions = new Set((await t.db.selectFrom('audit_event').select('action').where('action', 'like', 'section11%').execute()).map((e) => e.action));
    for (const a of ['section11_standard.list', 'section11_standard.create', 'section11_standard.update', 'section11_standard.retire', 'section11_cycle.list',
      'section11_cycle.create', 'section11_cycle.read', 'section11_cycle.open', 'section11_cycle.update', 'section11_cycle.invite', 'section11_cycle.close',
      'section11_cycle.compare', 'section11_cycle.trends', 'section11_cycle.export', 'section11_return.read', 'section11_return.save', 'section11_return.submit',
      'section11_return.reopen', 'section11_return.peer', 'section11_return.challenge', 'section11_return.response']) {
      expect(actions, a).toContain(a);
    }
    const denied = await t.db.selectFrom('audit_event').select(['user_email', 'detail']).where('outcome', '=', 'denied').where('action', '=', 'access.denied').execute();
    expect(denied.some((d) => d.user_email === 'lead@health.a.test' && JSON.stringify(d.detail).includes(returns.police))).toBe(true);
  });
});
