import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type Client, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { namesAChild, voiceBlocks } from './voice.service';

type Form = Record<string, string | string[]>;

/** A quote with consent given by the young person and anonymised, collected in May 2026. */
const quote = (over: Form = {}): Form => ({
  kind: 'quote', title: 'What is the best way to help me?', body: 'Ask me what I need.\n- Treat me as me, not my file.',
  source: 'Children in Care Council', 'collectedOn-day': '12', 'collectedOn-month': '5', 'collectedOn-year': '2026', ageRange: '13_to_15', respondents: '',
  themes: ['help_and_support', 'being_heard'], consent: 'given', consentFrom: 'young_person',
  'consentRecordedOn-day': '12', 'consentRecordedOn-month': '5', 'consentRecordedOn-year': '2026', anonymised: 'yes', ...over,
});

const survey = (over: Form = {}): Form => ({
  kind: 'survey', title: 'Year 9 wellbeing survey', body: 'Most said they feel safe at school.\n\n- Bullying online worries them most.',
  source: 'Schools’ wellbeing survey', 'collectedOn-day': '3', 'collectedOn-month': '2', 'collectedOn-year': '2026', ageRange: '13_to_15', respondents: '214',
  themes: ['education', 'online_safety'], ...over,
});

const idFrom = (location: unknown) => String(location).split('/').pop()!;

describe.each(dialects())('the voice of the child (%s)', (dialect) => {
  let t: TestApp;
  let worker: Client;
  let manager: Client;
  let reportId: string;
  let lockedReportId: string;
  let approvedReportId: string;

  const report = async (partnershipId: number, from: string, to: string, status: 'drafting' | 'awaiting_approval' | 'approved' = 'drafting') =>
    (await t.db.insertInto('annual_report').values({ partnership_id: partnershipId, title: `Annual report ${from.slice(0, 4)}`, period_from: from, period_to: to, status, updated_at: new Date() })
      .returning('id').executeTakeFirstOrThrow()).id;

  const record = async (client: Client, form: Form) => {
    await client.get('/voice/new');
    const res = await client.post('/voice/new', form);
    expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
    return idFrom(res.headers.location);
  };
  const entry = (id: string) => t.db.selectFrom('voice_entry').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const choices = (rid: string) => t.db.selectFrom('report_voice_choice').select(['voice_entry_id', 'position']).where('report_id', '=', rid).orderBy('position').execute();
  const audits = (action: string) => t.db.selectFrom('audit_event').select(['action', 'record_id']).where('action', '=', action).execute();

  beforeAll(async () => {
    t = await createTestApp(dialect);
    worker = await signIn(t, 'social_worker@a.test');
    manager = await signIn(t, 'business_manager@a.test');
    reportId = await report(t.fixture.a.id, '2025-04-01', '2026-03-31');
    lockedReportId = await report(t.fixture.a.id, '2024-04-01', '2025-03-31', 'awaiting_approval');
    approvedReportId = await report(t.fixture.a.id, '2023-04-01', '2024-03-31', 'approved');
  });
  afterAll(async () => { await t?.close(); });

  it('refuses an empty form, naming each field in the error summary', async () => {
    await worker.get('/voice/new');
    const res = await worker.post('/voice/new', {});
    expect(res.statusCode).toBe(400);
    for (const [href, text] of [
      ['#kind', 'Select what kind of views these are'], ['#title', 'Enter a title'], ['#body', 'Enter what the children and young people said'],
      ['#collectedOn-day', 'Enter the date the views were collected'], ['#themes', 'Select at least one theme'],
    ]) {
      expect(res.body).toContain(`href="${href}"`);
      expect(res.body).toContain(text);
    }
    expect(await t.db.selectFrom('voice_entry').select('id').execute()).toHaveLength(0);
  });

  it('checks each field: dates, age, respondents by kind, themes and consent for one child’s words', async () => {
    await worker.get('/voice/new');
    const cases: [Form, string, string][] = [
      [quote({ 'collectedOn-day': '2', 'collectedOn-month': '6' }), 'collectedOn-day', 'Date collected must be today or in the past'],
      [quote({ 'collectedOn-day': '31', 'collectedOn-month': '2' }), 'collectedOn-day', 'Date collected must be a real date'],
      [quote({ title: 'x'.repeat(201) }), 'title', 'Title must be 200 characters or fewer'],
      [quote({ ageRange: 'teen' }), 'ageRange', 'Select an age range from the list'],
      [quote({ respondents: '3' }), 'respondents', 'Leave the number who answered empty for a quote'],
      [quote({ themes: [] }), 'themes', 'Select at least one theme'],
      [quote({ themes: ['feeling_safe', 'weather'] }), 'themes', 'Select themes from the list'],
      [quote({ consent: '' }), 'consent', 'Select whether consent to use this quote was given, refused or withdrawn'],
      [quote({ consentFrom: '' }), 'consentFrom', 'Select who gave consent'],
      [quote({ 'consentRecordedOn-day': '', 'consentRecordedOn-month': '', 'consentRecordedOn-year': '' }), 'consentRecordedOn-day', 'Enter the date consent was recorded'],
      [quote({ 'consentRecordedOn-year': '2027' }), 'consentRecordedOn-day', 'Date consent was recorded must be today or in the past'],
      [quote({ kind: 'case_study', body: '' }), 'body', 'Enter what the children and young people said'],
      [quote({ body: '' }), 'body', 'Enter the child’s or young person’s own words'],
      [survey({ respondents: '' }), 'respondents', 'Enter how many children and young people answered the survey'],
      [survey({ respondents: '0' }), 'respondents', 'Number who answered must be a whole number, 1 or more'],
      [survey({ respondents: '12.5' }), 'respondents', 'Number who answered must be a whole number, 1 or more'],
    ];
    for (const [form, field, message] of cases) {
      const res = await worker.post('/voice/new', form);
      expect(res.statusCode, message).toBe(400);
      expect(res.body, message).toContain(`href="#${field}"`);
      expect(res.body, message).toContain(message);
    }
    // The values entered are kept in the form.
    const kept = await worker.post('/voice/new', quote({ consentFrom: '' }));
    expect(kept.body).toContain('What is the best way to help me?');
    expect(kept.body).toMatch(/value="given" checked/);
    expect(await t.db.selectFrom('voice_entry').select('id').execute()).toHaveLength(0);
  });

  it('refuses the full name of a child of the partnership, anywhere in the words, whatever the case or punctuation', async () => {
    await worker.get('/voice/new');
    const named = await worker.post('/voice/new', quote({ body: 'I told my worker: “ada   TESTCHILD is happy now.”' }));
    expect(named.statusCode).toBe(400);
    expect(named.body).toContain('href="#body"');
    expect(named.body).toContain('The words must not contain the full name of a child known to the partnership');
    const inTitle = await worker.post('/voice/new', quote({ title: 'Ada Testchild’s story' }));
    expect(inTitle.statusCode).toBe(400);
    expect(inTitle.body).toContain('href="#title"');
    // The error never repeats the name it found.
    expect(inTitle.body.match(/Ada Testchild/g)?.length).toBe(1);
    expect(await namesAChild(t.db, t.fixture.a.id, 'Adam Testchildren came')).toBe(false);
    expect(await namesAChild(t.db, t.fixture.a.id, 'Ada')).toBe(false);
    expect(await namesAChild(t.db, t.fixture.a.id, '(ada-testchild)')).toBe(true);
    // Another partnership's child is not this partnership's to know of.
    expect(await namesAChild(t.db, t.fixture.a.id, 'Bea Testchild')).toBe(false);
    expect(await namesAChild(t.db, t.fixture.b.id, 'Bea Testchild')).toBe(true);
  });

  it('records a quote with consent, shows it and audits the record and each reading', async () => {
    const id = await record(worker, quote());
    const saved = await entry(id);
    expect(saved).toMatchObject({ kind: 'quote', consent: 'given', consent_from: 'young_person', consent_recorded_on: '2026-05-12', anonymised: true,
      respondents: null, age_range: '13_to_15', themes: ['being_heard', 'help_and_support'], collected_on: '2026-05-12', version: 1 });
    const page = await worker.get(`/voice/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('May appear in the public version');
    expect(page.body).toContain('Not chosen into any annual report');
    expect((await audits('voice_entry.create')).map((a) => a.record_id)).toEqual([id]);
    expect((await audits('voice_entry.read')).map((a) => a.record_id)).toContain(id);
  });

  it('a group’s or survey’s views need no consent: whatever the form says of it is not kept', async () => {
    const id = await record(worker, survey({ consent: 'refused', consentFrom: 'both', anonymised: 'yes' }));
    expect(await entry(id)).toMatchObject({ consent: 'not_needed', consent_from: null, consent_recorded_on: null, respondents: 214 });
  });

  it('edits an entry at the version it was opened at, and refuses a stale form with 409 keeping what was entered', async () => {
    const id = await record(worker, quote({ title: 'Feeling safe at home' }));
    const form = await worker.get(`/voice/${id}/edit`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('name="version" value="1"');
    const first = await worker.post(`/voice/${id}/edit`, quote({ title: 'Feeling safe at home and at school', version: '1' }));
    expect(first.statusCode).toBe(303);
    expect(await entry(id)).toMatchObject({ title: 'Feeling safe at home and at school', version: 2 });
    const stale = await worker.post(`/voice/${id}/edit`, quote({ title: 'An older edit', version: '1' }));
    expect(stale.statusCode).toBe(409);
    for (const version of ['abc', '4e-323']) expect((await worker.post(`/voice/${id}/edit`, quote({ title: 'An older edit', version }))).statusCode, version).toBe(409);
    expect(stale.body).toContain('Someone else saved this entry after you opened it');
    expect(stale.body).toContain('value="An older edit"');
    expect(stale.body).toContain('name="version" value="2"');
    expect((await entry(id)).title).toBe('Feeling safe at home and at school');
    const invalid = await worker.post(`/voice/${id}/edit`, quote({ title: '', version: '2' }));
    expect(invalid.statusCode).toBe(400);
    expect((await audits('voice_entry.update')).map((a) => a.record_id)).toEqual([id]);
  });

  it('another partnership’s entry is not found, to read, edit or withdraw', async () => {
    const id = await record(worker, quote({ title: 'Partnership A only' }));
    const other = await signIn(t, 'social_worker@b.test');
    expect((await other.get(`/voice/${id}`)).statusCode).toBe(404);
    expect((await other.get(`/voice/${id}/edit`)).statusCode).toBe(404);
    await other.get('/voice');
    expect((await other.post(`/voice/${id}/edit`, quote({ version: '1' }))).statusCode).toBe(404);
    expect((await other.post(`/voice/${id}`, { reason: 'Not theirs' })).statusCode).toBe(404);
    expect((await other.get('/voice/not-a-uuid')).statusCode).toBe(404);
    const bManager = await signIn(t, 'business_manager@b.test');
    expect((await bManager.get(`/reports/annual/${reportId}/voice`)).statusCode).toBe(404);
    expect((await entry(id)).consent).toBe('given');
  });

  it('lists entries with filters, 25 a page, and counts them by theme in a chart with its table', async () => {
    await t.db.deleteFrom('voice_entry').execute();
    const rows = Array.from({ length: 28 }, (_, i) => ({
      partnership_id: t.fixture.a.id, kind: i % 2 ? 'quote' as const : 'participation_group' as const, title: `Entry ${String(i + 1).padStart(2, '0')}`, body: 'Said.',
      collected_on: `2025-${String((i % 12) + 1).padStart(2, '0')}-10`, themes: i % 3 === 0 ? ['feeling_safe', 'education'] : ['feeling_safe'],
      consent: i % 2 ? (i % 4 === 1 ? 'given' as const : 'refused' as const) : 'not_needed' as const,
      consent_from: i % 4 === 1 ? 'young_person' as const : null, consent_recorded_on: i % 4 === 1 ? '2025-01-10' : null, anonymised: i % 5 !== 0, updated_at: new Date(),
    }));
    await t.db.insertInto('voice_entry').values(rows).execute();
    await t.db.insertInto('voice_entry').values({ ...rows[0]!, partnership_id: t.fixture.b.id, title: 'Partnership B entry' }).execute();

    const all = await worker.get('/voice');
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('28 entries');
    expect(all.body.match(/href="\/voice\/[0-9a-f-]{36}"/g)).toHaveLength(25);
    expect(all.body).not.toContain('Partnership B entry');
    expect(all.body).toContain('role="img"');
    expect(all.body).toContain('Entries by theme');
    const page2 = await worker.get('/voice?page=2');
    expect(page2.body.match(/href="\/voice\/[0-9a-f-]{36}"/g)).toHaveLength(3);

    const quotes = await worker.get('/voice?kind=quote&consent=refused');
    expect(quotes.body).toContain('7 entries match the filters');
    const education = await worker.get('/voice?theme=education');
    expect(education.body).toContain('10 entries match the filters');
    const spring = await worker.get('/voice?from-day=1&from-month=3&from-year=2025&to-day=31&to-month=5&to-year=2025');
    expect(spring.body).toContain('8 entries match the filters');
    // The table beside the chart: feeling safe 28, of which may be published (consent not needed or given, and anonymised).
    const publishable = rows.filter((r) => r.consent !== 'refused' && r.anonymised).length;
    expect(all.body).toMatch(new RegExp(`Feeling safe</th>\\s*<td[^>]*>\\s*28\\s*</td>\\s*<td[^>]*>\\s*${publishable}\\s*</td>`));

    const bad = await worker.get('/voice?kind=poem&from-day=40&from-month=1&from-year=2025');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#kind"');
    expect(bad.body).toContain('href="#from-day"');
    const backwards = await worker.get('/voice?from-day=1&from-month=5&from-year=2025&to-day=1&to-month=3&to-year=2025');
    expect(backwards.statusCode).toBe(400);
    expect(backwards.body).toContain('Collected to must be the same as or after collected from');
    await t.db.deleteFrom('voice_entry').execute();
  });

  describe('choosing entries into a report', () => {
    let given: string;
    let group: string;
    let notAnonymised: string;
    let refused: string;
    let outOfPeriod: string;

    beforeAll(async () => {
      await t.db.deleteFrom('voice_entry').execute();
      given = await record(worker, quote({ title: 'How do you feel about people at home?', body: '“They love me.”\n- We have fun together.\n\nI feel safe with them.', 'collectedOn-year': '2025', 'collectedOn-month': '9', 'consentRecordedOn-year': '2025', 'consentRecordedOn-month': '9' }));
      group = await record(worker, survey({ kind: 'participation_group', title: 'Care Leavers Forum', source: 'Care Leavers Forum', body: 'The forum reviewed the local offer.\n\n- Clearer letters\n- Help with rent', respondents: '', 'collectedOn-year': '2025', 'collectedOn-month': '11', themes: ['leaving_care'], anonymised: 'yes' }));
      notAnonymised = await record(worker, quote({ kind: 'case_study', title: 'A journey through care', body: 'First paragraph.\n\nSecond paragraph.', anonymised: '', 'collectedOn-year': '2025', 'collectedOn-month': '10', 'consentRecordedOn-year': '2025' }));
      refused = await record(worker, quote({ kind: 'case_study', title: 'A story not to be told', consent: 'refused', consentFrom: '', 'collectedOn-year': '2025', 'consentRecordedOn-year': '2025' }));
      outOfPeriod = await record(worker, quote({ title: 'Said this spring' }));
    });

    it('a social worker records but may not choose into a report', async () => {
      expect((await worker.get(`/reports/annual/${reportId}/voice`)).statusCode).toBe(403);
      expect((await worker.post(`/reports/annual/${reportId}/voice`, { action: 'choose', entries: given })).statusCode).toBe(403);
    });

    it('offers the report period’s entries, each saying whether it may be public and why not, never one whose consent was refused', async () => {
      const page = await manager.get(`/reports/annual/${reportId}/voice`);
      expect(page.statusCode).toBe(200);
      for (const id of [given, group, notAnonymised]) expect(page.body).toContain(`value="${id}"`);
      expect(page.body).not.toContain(`value="${refused}"`);
      expect(page.body).not.toContain(`value="${outOfPeriod}"`);
      expect(page.body).toContain('Internal only: not anonymised');
      expect(page.body).toContain('1 entry of this period cannot be chosen: consent was refused or withdrawn.');
      const byTheme = await manager.get(`/reports/annual/${reportId}/voice?theme=leaving_care`);
      expect(byTheme.body).toContain(`value="${group}"`);
      expect(byTheme.body).not.toContain(`value="${given}"`);
      const later = await manager.get(`/reports/annual/${reportId}/voice?from-day=1&from-month=4&from-year=2026&to-day=1&to-month=6&to-year=2026`);
      expect(later.body).toContain(`value="${outOfPeriod}"`);
    });

    it('chooses entries in order, moves them, refuses nothing selected or a refused entry, and audits each change', async () => {
      await manager.get(`/reports/annual/${reportId}/voice`);
      const none = await manager.post(`/reports/annual/${reportId}/voice`, { action: 'choose' });
      expect(none.statusCode).toBe(400);
      expect(none.body).toContain('Select at least one entry to add to the report');
      const barred = await manager.post(`/reports/annual/${reportId}/voice`, { action: 'choose', entries: [given, refused] });
      expect(barred.statusCode).toBe(400);
      expect(await choices(reportId)).toEqual([]);

      const res = await manager.post(`/reports/annual/${reportId}/voice`, { action: 'choose', entries: [given, group, notAnonymised] });
      expect(res.statusCode).toBe(303);
      expect((await choices(reportId)).map((c) => c.voice_entry_id)).toEqual([given, group, notAnonymised]);
      // Choosing one again adds nothing.
      await manager.post(`/reports/annual/${reportId}/voice`, { action: 'choose', entries: [given] });
      expect(await choices(reportId)).toHaveLength(3);

      await manager.post(`/reports/annual/${reportId}/voice`, { action: 'up', entry: notAnonymised });
      expect((await choices(reportId)).map((c) => c.voice_entry_id)).toEqual([given, notAnonymised, group]);
      await manager.post(`/reports/annual/${reportId}/voice`, { action: 'down', entry: given });
      expect((await choices(reportId)).map((c) => c.voice_entry_id)).toEqual([notAnonymised, given, group]);
      // At the top, up moves nothing.
      await manager.post(`/reports/annual/${reportId}/voice`, { action: 'up', entry: notAnonymised });
      expect((await choices(reportId)).map((c) => [c.voice_entry_id, c.position])).toEqual([[notAnonymised, 1], [given, 2], [group, 3]]);
      await manager.post(`/reports/annual/${reportId}/voice`, { action: 'down', entry: notAnonymised });
      expect((await choices(reportId)).map((c) => c.voice_entry_id)).toEqual([given, notAnonymised, group]);

      const page = await manager.get(`/reports/annual/${reportId}/voice`);
      expect(page.body).toContain('Move up<span class="govuk-visually-hidden">: Care Leavers Forum</span>');
      const entryPage = await worker.get(`/voice/${given}`);
      expect(entryPage.body).toContain('Annual report 2025');
      expect(await audits('report_voice.choose')).toHaveLength(2);
      expect(await audits('report_voice.move')).toHaveLength(4);
    });

    it('builds the section’s blocks: the public version only the entries that may be published, the internal all with a note', async () => {
      const pub = await voiceBlocks(t.db, { partnershipId: t.fixture.a.id, reportId, publish: true });
      expect(pub).toEqual([
        { type: 'subheading', text: 'How do you feel about people at home?' },
        { type: 'paragraph', text: 'Children in Care Council, September 2025: in the words of a young person aged 13 to 15.' },
        { type: 'quote', text: 'They love me.', attribution: 'Young person aged 13 to 15' },
        { type: 'quote', text: 'We have fun together.', attribution: 'Young person aged 13 to 15' },
        { type: 'quote', text: 'I feel safe with them.', attribution: 'Young person aged 13 to 15' },
        { type: 'subheading', text: 'Care Leavers Forum' },
        { type: 'paragraph', text: 'Care Leavers Forum, November 2025: children and young people aged 13 to 15 took part.' },
        { type: 'paragraph', text: 'The forum reviewed the local offer.' },
        { type: 'list', items: [{ text: 'Clearer letters' }, { text: 'Help with rent' }] },
      ]);
      const internal = await voiceBlocks(t.db, { partnershipId: t.fixture.a.id, reportId, publish: false });
      expect(internal.filter((b) => b.type === 'subheading').map((b) => (b as { text: string }).text))
        .toEqual(['How do you feel about people at home?', 'A journey through care', 'Care Leavers Forum']);
      expect(internal).toContainEqual({ type: 'paragraph', text: 'Internal only: not anonymised. Not in the public version.' });
      expect(internal).toContainEqual({ type: 'paragraph', text: 'Second paragraph.' });
      expect(await voiceBlocks(t.db, { partnershipId: t.fixture.a.id, reportId: null, publish: true })).toEqual([]);
      // Another partnership asking for this report's entries gets none.
      expect(await voiceBlocks(t.db, { partnershipId: t.fixture.b.id, reportId, publish: false })).toEqual([]);
    });

    it('a report with the Executive or approved cannot have its choices changed: 409', async () => {
      await t.db.insertInto('report_voice_choice').values([
        { partnership_id: t.fixture.a.id, report_id: lockedReportId, voice_entry_id: given, position: 1 },
        { partnership_id: t.fixture.a.id, report_id: approvedReportId, voice_entry_id: given, position: 1 },
      ]).execute();
      const page = await manager.get(`/reports/annual/${lockedReportId}/voice`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('so its entries cannot be changed');
      expect(page.body).not.toContain('Add to the report');
      const add = await manager.post(`/reports/annual/${lockedReportId}/voice`, { action: 'choose', entries: group });
      expect(add.statusCode).toBe(409);
      expect(add.body).toContain('with the Executive for approval');
      expect((await manager.post(`/reports/annual/${approvedReportId}/voice`, { action: 'remove', entry: given })).statusCode).toBe(409);
      expect(await choices(lockedReportId)).toHaveLength(1);
      expect(await choices(approvedReportId)).toHaveLength(1);
    });

    it('withdrawing consent needs a reason, takes the entry out of drafting reports, keeps the record of approved ones and stops its publication', async () => {
      await worker.get(`/voice/${given}`);
      const blank = await worker.post(`/voice/${given}`, { reason: ' ' });
      expect(blank.statusCode).toBe(400);
      expect(blank.body).toContain('href="#reason"');
      expect(blank.body).toContain('Enter why consent was withdrawn');
      const res = await worker.post(`/voice/${given}`, { reason: 'The young person asked their personal adviser to stop using it.' });
      expect(res.statusCode).toBe(303);
      expect(await entry(given)).toMatchObject({ consent: 'withdrawn', consent_withdrawn_reason: 'The young person asked their personal adviser to stop using it.' });
      expect((await choices(reportId)).map((c) => c.voice_entry_id)).toEqual([notAnonymised, group]);
      expect(await choices(lockedReportId)).toHaveLength(1);
      expect(await choices(approvedReportId)).toHaveLength(1);
      const approvedPublic = await voiceBlocks(t.db, { partnershipId: t.fixture.a.id, reportId: approvedReportId, publish: true });
      expect(approvedPublic).toEqual([]);
      const approvedInternal = await voiceBlocks(t.db, { partnershipId: t.fixture.a.id, reportId: approvedReportId, publish: false });
      expect(approvedInternal).toContainEqual({ type: 'paragraph', text: 'Internal only: consent withdrawn. Not in the public version.' });
      const page = await worker.get(`/voice/${given}`);
      expect(page.body).toContain('The young person asked their personal adviser to stop using it.');
      expect(page.body).not.toContain('action="/voice/' + given + '"');
      // Withdrawn: it can be chosen again only once consent is given again.
      await manager.get(`/reports/annual/${reportId}/voice`);
      expect((await manager.post(`/reports/annual/${reportId}/voice`, { action: 'choose', entries: given })).statusCode).toBe(400);
      expect((await worker.post(`/voice/${given}`, { reason: 'Again' })).statusCode).toBe(400);
      expect((await audits('voice_entry.consent_withdrawn')).map((a) => a.record_id)).toEqual([given]);
    });

    it('consent recorded as refused on an edit takes the entry out of drafting reports too', async () => {
      const current = await entry(group);
      expect(current.consent).toBe('not_needed');
      const form = await worker.get(`/voice/${notAnonymised}/edit`);
      const version = /name="version" value="(\d+)"/.exec(form.body)![1]!;
      const res = await worker.post(`/voice/${notAnonymised}/edit`, quote({ kind: 'case_study', title: 'A journey through care', body: 'First paragraph.', consent: 'refused', consentFrom: '', anonymised: '', version }));
      expect(res.statusCode).toBe(303);
      expect((await choices(reportId)).map((c) => c.voice_entry_id)).toEqual([group]);
      await manager.get(`/reports/annual/${reportId}/voice`);
      await manager.post(`/reports/annual/${reportId}/voice`, { action: 'remove', entry: group });
      expect(await choices(reportId)).toEqual([]);
      expect((await manager.post(`/reports/annual/${reportId}/voice`, { action: 'remove', entry: group })).statusCode).toBe(404);
    });
  });
});
