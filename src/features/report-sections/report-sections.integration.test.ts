import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogueEntry } from '../../domain/annual-report';
import { startTestSmtp, type TestSmtp } from '../../testing/smtp';
import { addTestPerson, createTestApp, signIn, type Client, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { addAgency } from '../agencies/agencies.service';
import { createContact } from '../front-door/contacts.service';
import { generateDataSection } from '../report-data/report-data.service';
import { diffLines } from './report-sections.service';

const decode = (html: string) => html.replace(/&#39;/g, '\'').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
/** The sentences form's fields as the page gives them: each sentence's index, id and Beacon's wording. */
const fieldsOf = (html: string) => [...html.matchAll(/name="id-(\d+)" value="([^"]+)">\s*<input type="hidden" name="generated-\1" value="([^"]*)">/g)]
  .map((m) => ({ index: m[1]!, id: m[2]!, generated: m[3]! }));
/** The form as a browser sends it, each sentence as Beacon wrote it unless `change` rewords it. */
const formOf = (fields: { index: string; id: string; generated: string }[], openedAt: string, change: Record<string, string> = {}) =>
  Object.fromEntries([['openedAt', openedAt], ...fields.flatMap((f) => [
    [`id-${f.index}`, f.id], [`generated-${f.index}`, f.generated], [`sentence-${f.index}`, change[f.id] ?? f.generated],
  ])]);
const flashOf = async (c: Client, res: { headers: Record<string, unknown> }) => decode((await c.get(String(res.headers.location))).body);

describe('diffLines', () => {
  it('keeps the common lines and marks those removed and added', () => {
    expect(diffLines(['a', 'b', 'c', 'd'], ['a', 'c', 'x', 'd'])).toEqual([
      { change: 'same', text: 'a' }, { change: 'removed', text: 'b' }, { change: 'same', text: 'c' }, { change: 'added', text: 'x' }, { change: 'same', text: 'd' },
    ]);
    expect(diffLines([], ['new'])).toEqual([{ change: 'added', text: 'new' }]);
    expect(diffLines(['old'], [])).toEqual([{ change: 'removed', text: 'old' }]);
  });
});

describe.each(dialects())('annual report sections (%s)', (dialect) => {
  let t: TestApp;
  let smtp: TestSmtp;
  let owner: Client;
  let manager: Client;
  let ownerId: number;
  let reportId: string;
  let written: number;
  let data: number;
  let base: string;
  let dataBase: string;

  const idOf = async (email: string) => (await t.db.selectFrom('app_user').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  const sectionRow = (id: number) => t.db.selectFrom('report_section').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const versionsOf = (id: number) => t.db.selectFrom('report_section_version').selectAll().where('section_id', '=', id).orderBy('number').execute();
  const eventsOf = (id: number) => t.db.selectFrom('report_event').select(['kind', 'reason']).where('section_id', '=', id).orderBy('id').execute();
  const addSection = async (partnershipId: number, report: string, position: number, values: { key: string | null; kind: 'written' | 'data' | 'voice'; heading: string; owner?: number | null }) =>
    (await t.db.insertInto('report_section').values({
      partnership_id: partnershipId, report_id: report, position, catalogue_key: values.key, kind: values.kind, heading: values.heading,
      guidance: values.key ? catalogueEntry(values.key)?.guidance ?? null : null, owner_user_id: values.owner ?? null, updated_at: new Date(),
    }).returning('id').executeTakeFirstOrThrow()).id;
  const addReport = async (partnershipId: number) => (await t.db.insertInto('annual_report').values({
    partnership_id: partnershipId, title: 'Annual report 2025 to 2026', period_from: '2025-04-01', period_to: '2026-03-31', updated_at: new Date(),
  }).returning('id').executeTakeFirstOrThrow()).id;
  /** Beacon's sentence on the period's contacts, as the data section generates it now (internal edition). */
  const contactsSentence = async () => {
    const blocks = await generateDataSection(t.db, 'data_tell_us', { partnershipId: t.fixture.a.id, from: '2025-04-01', to: '2026-03-31', publish: false, now: t.clock.now() });
    const item = blocks.flatMap((b) => (b.type === 'list' ? b.items : b.type === 'paragraph' ? [b] : [])).find((i) => i.id === 'contacts');
    return item!.text;
  };
  const waitForMail = async (n: number) => {
    for (let i = 0; i < 50 && smtp.messages.length < n; i++) await new Promise((r) => setTimeout(r, 20));
    return smtp.messages;
  };

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestApp(dialect, { SMTP_URL: smtp.url, PUBLIC_URL: 'https://beacon.test' });
    // British Summer Time: the pages show 16:xx in London for 15:xx UTC.
    t.clock.current = new Date('2026-06-02T15:00:00Z');
    // A second agency's safeguarding lead: a section owner's peer, who may read but not edit it.
    const police = await addAgency(t.db, t.fixture.a.id, { name: 'Alpha Police', type: 'police' });
    await addTestPerson(t.db, t.fixture.a.id, { email: 'police.lead@a.test', name: 'Pat Police', agencyId: police.id, roles: ['agency_lead'] });
    ownerId = await idOf('agency_lead@a.test');
    reportId = await addReport(t.fixture.a.id);
    written = await addSection(t.fixture.a.id, reportId, 1, { key: 'subgroup_training', kind: 'written', heading: 'Multi-agency training and development', owner: ownerId });
    data = await addSection(t.fixture.a.id, reportId, 2, { key: 'data_tell_us', kind: 'data', heading: 'What does our data tell us?' });
    base = `/reports/annual/${reportId}/sections/${written}`;
    dataBase = `/reports/annual/${reportId}/sections/${data}`;
    owner = await signIn(t, 'agency_lead@a.test');
    manager = await signIn(t, 'business_manager@a.test');
  });
  afterAll(async () => { await t?.close(); await smtp?.close(); });

  it('shows an unwritten section with its owner, status and guidance, and offers its owner the template', async () => {
    const page = await owner.get(base);
    expect(page.statusCode).toBe(200);
    const html = decode(page.body);
    expect(html).toContain('Multi-agency training and development');
    expect(html).toContain('agency_lead a');
    expect(html).toContain('Not started');
    expect(html).toContain('What the training programme did well this year');
    expect(html).toContain('Not written yet.');
    expect(html).toContain(`href="${base}/edit"`);
    // Nothing to submit before there is text.
    expect(html).not.toContain('Submit for review');

    const form = await owner.get(`${base}/edit`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('## What we did well');
    expect(form.body).toContain('name="openedAt" value="0"');
    expect(form.body).toContain('data-module="govuk-character-count"');
    expect(form.body).toContain('data-maxlength="50000"');
  });

  it('refuses an empty or overlong draft with each error and saves nothing, then saves version 1 and drafts the section', async () => {
    await owner.get(`${base}/edit`);
    const empty = await owner.post(`${base}/edit`, { body: '   ', openedAt: '0' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter the section’s text');
    expect(empty.body).toContain('href="#body"');
    const long = await owner.post(`${base}/edit`, { body: 'x'.repeat(50_001), openedAt: '0', note: 'n'.repeat(501) });
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('The section’s text must be 50,000 characters or fewer');
    expect(long.body).toContain('What changed must be 500 characters or fewer');
    expect(await versionsOf(written)).toHaveLength(0);

    const body = '## What we did well\n\n- Delivered 72 multi-agency sessions.\n- Launched the neglect toolkit.\n\nWe will keep the focus on neglect.';
    const saved = await owner.post(`${base}/edit`, { body, openedAt: '0', note: 'First draft' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(base);
    const page = await flashOf(owner, saved);
    expect(page).toContain('Version 1 saved.');
    expect(page).toMatch(/<h3 class="govuk-heading-s">What we did well<\/h3>/);
    expect(page).toContain('<li>Launched the neglect toolkit.</li>');
    expect(page).toContain('<p class="govuk-body">We will keep the focus on neglect.</p>');
    expect(page).toContain('Drafting');
    const [v1] = await versionsOf(written);
    expect(v1).toMatchObject({ number: 1, body, note: 'First draft', created_by: ownerId });
    expect((await sectionRow(written)).status).toBe('drafting');
    const audit = await t.db.selectFrom('audit_event').select(['action', 'record_id', 'detail']).where('action', '=', 'report_section.draft').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.record_id).toBe(String(written));
    expect(JSON.stringify(audit[0]!.detail)).not.toContain('neglect');
  });

  it('refuses a form opened before someone else saved: 409, nothing saved, the text kept', async () => {
    const ownerForm = await owner.get(`${base}/edit`);
    expect(ownerForm.body).toContain('name="openedAt" value="1"');
    await manager.get(`${base}/edit`);
    const bm = await manager.post(`${base}/edit`, { body: '## What we did well\n\n- Delivered 72 multi-agency sessions.\n\nThe business manager tidied this.', openedAt: '1', note: 'Tidied' });
    expect(bm.statusCode).toBe(303);
    const stale = await owner.post(`${base}/edit`, { body: 'My stale text', openedAt: '1' });
    expect(stale.statusCode).toBe(409);
    expect(decode(stale.body)).toContain('Someone else saved version 2 of this section after you opened it. Nothing was saved');
    expect(stale.body).toContain('My stale text');
    expect(stale.body).toContain('name="openedAt" value="2"');
    expect((await versionsOf(written)).map((v) => v.number)).toEqual([1, 2]);
  });

  it('lets only the owner and the business manager edit: another agency lead and a team manager are refused 403', async () => {
    const peer = await signIn(t, 'police.lead@a.test');
    expect((await peer.get(base)).statusCode).toBe(200);
    expect(decode((await peer.get(base)).body)).not.toContain(`href="${base}/edit"`);
    expect((await peer.get(`${base}/edit`)).statusCode).toBe(403);
    expect((await peer.post(`${base}/edit`, { body: 'Taken over', openedAt: '2' })).statusCode).toBe(403);
    expect((await peer.post(`${base}/submit`)).statusCode).toBe(403);
    const teamManager = await signIn(t, 'team_manager@a.test');
    expect((await teamManager.get(`${base}/edit`)).statusCode).toBe(403);
    const analyst = await signIn(t, 'data_analyst@a.test');
    expect((await analyst.get(base)).statusCode).toBe(200);
    expect((await analyst.get(`${base}/edit`)).statusCode).toBe(403);
    expect((await versionsOf(written)).map((v) => v.number)).toEqual([1, 2]);

    await owner.get(`${base}/edit`);
    const third = await owner.post(`${base}/edit`, { body: '## What we did well\n\n- Delivered 74 multi-agency sessions.\n\nThe business manager tidied this.', openedAt: '2', note: 'Corrected the count' });
    expect(third.statusCode).toBe(303);
  });

  it('lists the version history and compares each version with the one before, line by line', async () => {
    const page = decode((await owner.get(base)).body);
    for (const n of [1, 2, 3]) expect(page).toContain(`href="${base}/versions/${n}"`);
    expect(page).toContain('Corrected the count');
    expect(page).toContain('business_manager a');
    expect(page).toMatch(/2 Jun 2026, 16:\d\d/);

    const v3 = decode((await owner.get(`${base}/versions/3`)).body);
    expect(v3).toContain('Compared with <a class="govuk-link" href="' + base + '/versions/2">version 2</a>');
    expect(v3).toContain('1 line added, 1 line removed.');
    expect(v3).toMatch(/<strong>Removed<\/strong><\/td>\s*<td class="govuk-table__cell"><del>- Delivered 72 multi-agency sessions.<\/del>/);
    expect(v3).toMatch(/<strong>Added<\/strong><\/td>\s*<td class="govuk-table__cell"><ins>- Delivered 74 multi-agency sessions.<\/ins>/);
    const v1 = decode((await owner.get(`${base}/versions/1`)).body);
    expect(v1).toContain('This is the first version.');
    expect(v1).toContain('<li>Launched the neglect toolkit.</li>');
    expect((await owner.get(`${base}/versions/9`)).statusCode).toBe(404);
    expect((await owner.get(`${base}/versions/x`)).statusCode).toBe(404);
  });

  it('submits, returns with a reason and accepts, emailing the business manager and the owner; editing an accepted section drafts it again', async () => {
    const before = smtp.messages.length;
    await owner.get(base);
    const submitted = await owner.post(`${base}/submit`);
    expect(submitted.statusCode).toBe(303);
    expect(await flashOf(owner, submitted)).toContain('is submitted for review. The business manager has been emailed.');
    expect((await sectionRow(written)).status).toBe('submitted');
    const toManager = (await waitForMail(before + 1)).slice(before);
    expect(toManager.map((m) => m.to)).toEqual([['business_manager@a.test']]);
    expect(toManager[0]!.subject).toBe('Annual report: “Multi-agency training and development” submitted for review');
    expect(toManager[0]!.text).toContain(`https://beacon.test${base}`);
    expect(toManager[0]!.text).toContain('agency_lead a has submitted');
    // Submitted twice is a conflict, not a second event.
    expect((await owner.post(`${base}/submit`)).statusCode).toBe(409);

    const reviewPage = decode((await manager.get(base)).body);
    expect(reviewPage).toContain('Review this section');
    expect(reviewPage).toContain('name="reviewedVersion" value="3"');
    const noReason = await manager.post(`${base}/review`, { decision: 'return', reason: ' ', reviewedVersion: '3' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Enter why you are returning the section, for its owner');
    expect(noReason.body).toContain('href="#reason"');
    // The owner alone cannot accept.
    expect((await owner.post(`${base}/review`, { decision: 'accept', reviewedVersion: '3' })).statusCode).toBe(403);
    const returned = await manager.post(`${base}/review`, { decision: 'return', reason: 'Add the evaluation results, please.', reviewedVersion: '3' });
    expect(returned.statusCode).toBe(303);
    expect((await sectionRow(written)).status).toBe('drafting');
    const toOwner = (await waitForMail(before + 2)).slice(before + 1);
    expect(toOwner.map((m) => m.to)).toEqual([['agency_lead@a.test']]);
    expect(toOwner[0]!.subject).toBe('Annual report: “Multi-agency training and development” returned to you');
    // The reason stays in Beacon.
    expect(toOwner[0]!.text).not.toContain('evaluation results');
    const ownerPage = decode((await owner.get(base)).body);
    expect(ownerPage).toContain('Returned by business_manager a');
    expect(ownerPage).toContain('Add the evaluation results, please.');

    await owner.get(base);
    await owner.post(`${base}/submit`);
    const reviewedAt3 = decode((await manager.get(base)).body);
    expect(reviewedAt3).toContain('name="reviewedVersion" value="3"');
    // The owner saves a fourth version while the section is with the reviewer: it stays submitted, and a decision on version 3 is refused.
    await owner.get(`${base}/edit`);
    await owner.post(`${base}/edit`, { body: '## What we did well\n\n- Delivered 74 multi-agency sessions; 92% rated them good.', openedAt: '3' });
    expect((await sectionRow(written)).status).toBe('submitted');
    const late = await manager.post(`${base}/review`, { decision: 'accept', reviewedVersion: '3' });
    expect(late.statusCode).toBe(409);
    expect((await sectionRow(written)).status).toBe('submitted');
    await manager.get(base);
    const accepted = await manager.post(`${base}/review`, { decision: 'accept', reviewedVersion: '4' });
    expect(accepted.statusCode).toBe(303);
    expect((await sectionRow(written)).status).toBe('accepted');
    const acceptedMail = (await waitForMail(before + 4)).slice(before + 2);
    expect(acceptedMail.map((m) => [m.to[0], m.subject])).toEqual([
      ['business_manager@a.test', 'Annual report: “Multi-agency training and development” submitted for review'],
      ['agency_lead@a.test', 'Annual report: “Multi-agency training and development” accepted'],
    ]);
    expect((await eventsOf(written)).map((e) => [e.kind, e.reason])).toEqual([
      ['submitted', null], ['returned', 'Add the evaluation results, please.'], ['submitted', null], ['accepted', null],
    ]);
    const audit = await t.db.selectFrom('audit_event').select('action').where('record_id', '=', String(written)).where('action', 'like', 'report_section.%').execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['report_section.submit', 'report_section.return', 'report_section.accept']));

    const editAccepted = await owner.get(`${base}/edit`);
    expect(decode(editAccepted.body)).toContain('This section has been accepted. Saving a change puts it back to drafting');
    const reopened = await owner.post(`${base}/edit`, { body: 'A late change.', openedAt: '4' });
    expect(await flashOf(owner, reopened)).toContain('it is back to drafting');
    expect((await sectionRow(written)).status).toBe('drafting');
  });

  it('refuses to submit a written section with no text', async () => {
    const empty = await addSection(t.fixture.a.id, reportId, 3, { key: 'health', kind: 'written', heading: 'Health', owner: ownerId });
    await owner.get(`/reports/annual/${reportId}/sections/${empty}`);
    const res = await owner.post(`/reports/annual/${reportId}/sections/${empty}/submit`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Write the section before submitting it for review');
    expect(res.body).toContain('href="#text"');
    expect((await sectionRow(empty)).status).toBe('not_started');
  });

  it('takes comments from anyone who reads the report, and lets the author or the business manager resolve them', async () => {
    const analyst = await signIn(t, 'data_analyst@a.test');
    await analyst.get(base);
    const empty = await analyst.post(`${base}/comments`, { comment: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter your comment');
    const long = await analyst.post(`${base}/comments`, { comment: 'c'.repeat(2001) });
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('Your comment must be 2,000 characters or fewer');
    // A field posted twice is read by its first value, as every form does.
    const twice = await analyst.post(`${base}/comments`, { comment: ['', 'Second'] });
    expect(twice.statusCode).toBe(400);
    expect(twice.body).toContain('Enter your comment');
    const added = await analyst.post(`${base}/comments`, { comment: 'The training figures say 74, not 72.' });
    expect(added.statusCode).toBe(303);
    const page = decode((await analyst.get(base)).body);
    expect(page).toContain('The training figures say 74, not 72.');
    expect(page).toContain('data_analyst a');
    expect(page).toMatch(/data_analyst a <span class="govuk-body-s">2 Jun 2026, 16:\d\d<\/span>/);
    const comment = await t.db.selectFrom('report_section_comment').select('id').where('section_id', '=', written).executeTakeFirstOrThrow();
    const peer = await signIn(t, 'police.lead@a.test');
    expect((await peer.post(`${base}/comments/${comment.id}/resolve`)).statusCode).toBe(403);
    expect((await analyst.post(`${base}/comments/${comment.id}/resolve`)).statusCode).toBe(303);
    const resolved = await t.db.selectFrom('report_section_comment').selectAll().where('id', '=', comment.id).executeTakeFirstOrThrow();
    expect(resolved.resolved_by).toBe(await idOf('data_analyst@a.test'));
    expect(decode((await analyst.get(base)).body)).toContain('Resolved');

    const second = await owner.post(`${base}/comments`, { comment: 'Noted, thank you.' });
    expect(second.statusCode).toBe(303);
    const ownersComment = await t.db.selectFrom('report_section_comment').select('id').where('body', '=', 'Noted, thank you.').executeTakeFirstOrThrow();
    expect((await manager.post(`${base}/comments/${ownersComment.id}/resolve`)).statusCode).toBe(303);
    expect((await manager.post(`${base}/comments/999999/resolve`)).statusCode).toBe(404);
  });

  it('shows a data section’s generated text with a public version, and keeps only the reworded sentences', async () => {
    const none = await contactsSentence();
    const page = decode((await manager.get(dataBase)).body);
    expect(page).toContain('The text, as Beacon generates it');
    expect(page).toContain(none);
    expect(page).toContain('Public version');
    // No owner: only the business manager rewords it.
    expect((await owner.get(`${dataBase}/sentences`)).statusCode).toBe(403);
    expect((await owner.get(`${base}/sentences`)).statusCode).toBe(404);
    expect((await manager.get(`${dataBase}/edit`)).statusCode).toBe(404);

    const fields = fieldsOf(decode((await manager.get(`${dataBase}/sentences`)).body));
    expect(fields.length).toBeGreaterThan(3);
    const contacts = fields.find((f) => f.id === 'contacts')!;
    expect(contacts.generated).toBe(none);
    const post = (openedAt: string, change: Record<string, string> = {}) => formOf(fields, openedAt, change);

    const blank = await manager.post(`${dataBase}/sentences`, post('0', { contacts: '  ' }));
    expect(blank.statusCode).toBe(400);
    expect(decode(blank.body)).toContain(`Enter the sentence in place of “${none}”, or Beacon’s own wording`);
    expect(blank.body).toContain(`href="#sentence-${contacts.index}"`);
    expect(await versionsOf(data)).toHaveLength(0);

    const saved = await manager.post(`${dataBase}/sentences`, post('0', { contacts: 'The front door received no contacts this year.' }));
    expect(saved.statusCode).toBe(303);
    const [v1] = await versionsOf(data);
    expect(v1!.sentence_edits).toEqual({ contacts: { text: 'The front door received no contacts this year.', generated: none } });
    expect(v1!.body).toBeNull();
    expect((await sectionRow(data)).status).toBe('drafting');
    const after = decode((await manager.get(dataBase)).body);
    expect(after).toContain('The front door received no contacts this year.');
    expect(after).not.toContain(none);
    // Saving the same again makes no version.
    await manager.get(`${dataBase}/sentences`);
    const same = await manager.post(`${dataBase}/sentences`, post('1', { contacts: 'The front door received no contacts this year.' }));
    expect(await flashOf(manager, same)).toContain('No sentence was changed');
    expect(await versionsOf(data)).toHaveLength(1);
    const v = decode((await manager.get(`${dataBase}/versions/1`)).body);
    expect(v).toContain('The front door received no contacts this year.');
  });

  it('sets a rewording aside when Beacon’s figures change, and says so', async () => {
    const none = await contactsSentence();
    const child = await t.db.selectFrom('child').select('id').where('partnership_id', '=', t.fixture.a.id).executeTakeFirstOrThrow();
    await createContact(t.db, t.fixture.a.id, { reason: 'A worry.', consent: 'given', source: '6', domesticAbuse: false,
      receivedAt: new Date('2025-10-01T10:00:00Z'), children: [{ childId: child.id }] }, { userId: ownerId }, new Date('2025-10-01T11:00:00Z'));
    const one = await contactsSentence();
    expect(one).not.toBe(none);
    const page = decode((await manager.get(dataBase)).body);
    expect(page).toContain('Beacon’s figures changed since this sentence was reworded; the new sentence is used');
    expect(page).toContain(`“The front door received no contacts this year.” was written in place of “${none}”`);
    expect(page).toContain(one);

    // A form opened before the figures changed is refused: its sentences are not Beacon's any more.
    const form = decode((await manager.get(`${dataBase}/sentences`)).body);
    expect(form).toContain('Saving this form leaves them out');
    // One contact is a small number: the public version hides it, and keeps Beacon's wording of that sentence.
    expect(form).toMatch(/id="sentence-\d+-hint" class="govuk-hint">\s*The public version hides a small number in this sentence/);
    const fields = fieldsOf(form);
    const outdated = formOf(fields.map((f) => (f.id === 'contacts' ? { ...f, generated: none } : f)), '1');
    const refused = await manager.post(`${dataBase}/sentences`, outdated);
    expect(refused.statusCode).toBe(409);
    expect(decode(refused.body)).toContain('Beacon’s figures changed after you opened this page');
    expect(await versionsOf(data)).toHaveLength(1);
    // Saved with Beacon's wording throughout, the stale edit is cleared.
    expect((await manager.post(`${dataBase}/sentences`, formOf(fields, '1'))).statusCode).toBe(303);
    expect((await versionsOf(data)).at(-1)!.sentence_edits).toEqual({});
    expect(decode((await manager.get(dataBase)).body)).not.toContain('Beacon’s figures changed since');
  });

  it('submits and accepts a data section with no owner through the business manager', async () => {
    await manager.get(dataBase);
    expect((await manager.post(`${dataBase}/submit`)).statusCode).toBe(303);
    expect((await manager.post(`${dataBase}/review`, { decision: 'accept', reviewedVersion: '2' })).statusCode).toBe(303);
    expect((await sectionRow(data)).status).toBe('accepted');
  });

  it('shows the voice of the child section with a link to choose entries', async () => {
    const voice = await addSection(t.fixture.a.id, reportId, 4, { key: 'voice', kind: 'voice', heading: 'The voice of the child' });
    const page = decode((await manager.get(`/reports/annual/${reportId}/sections/${voice}`)).body);
    expect(page).toContain('No views are chosen for this report yet.');
    expect(page).toContain(`href="/reports/annual/${reportId}/voice"`);
  });

  it('refuses every change while the report is with the Executive: 409, nothing saved', async () => {
    await t.db.updateTable('annual_report').set({ status: 'awaiting_approval' }).where('id', '=', reportId).execute();
    const versions = (await versionsOf(written)).length;
    const page = decode((await owner.get(base)).body);
    expect(page).toContain('This report is with the Executive for approval');
    expect(page).not.toContain(`href="${base}/edit"`);
    expect((await owner.get(`${base}/edit`)).statusCode).toBe(409);
    const edit = await owner.post(`${base}/edit`, { body: 'Too late.', openedAt: String(versions) });
    expect(edit.statusCode).toBe(409);
    expect(decode(edit.body)).toContain('This report is with the Executive for approval, so it cannot be changed.');
    expect((await owner.post(`${base}/submit`)).statusCode).toBe(409);
    expect((await owner.post(`${base}/comments`, { comment: 'Too late.' })).statusCode).toBe(409);
    expect((await manager.post(`${dataBase}/sentences`, { openedAt: '2' })).statusCode).toBe(409);
    expect(await versionsOf(written)).toHaveLength(versions);
    await t.db.updateTable('annual_report').set({ status: 'drafting' }).where('id', '=', reportId).execute();
  });

  it('answers 404 for another partnership’s report or section, another report’s section, and a change to a removed section', async () => {
    const other = await signIn(t, 'business_manager@b.test');
    expect((await other.get(base)).statusCode).toBe(404);
    expect((await other.get(`${base}/edit`)).statusCode).toBe(404);
    expect((await other.post(`${base}/edit`, { body: 'Not mine.', openedAt: '5' })).statusCode).toBe(404);
    expect((await other.post(`${base}/comments`, { comment: 'Not mine.' })).statusCode).toBe(404);
    const otherReport = await addReport(t.fixture.b.id);
    const otherSection = await addSection(t.fixture.b.id, otherReport, 1, { key: 'foreword', kind: 'written', heading: 'Foreword' });
    // A's report with B's section in the address.
    expect((await manager.get(`/reports/annual/${reportId}/sections/${otherSection}`)).statusCode).toBe(404);
    expect((await manager.get(`/reports/annual/${otherReport}/sections/${otherSection}`)).statusCode).toBe(404);
    expect((await manager.get(`/reports/annual/not-a-uuid/sections/${written}`)).statusCode).toBe(404);

    await t.db.updateTable('report_section').set({ removed_at: new Date() }).where('id', '=', written).execute();
    const removed = decode((await owner.get(base)).body);
    expect(removed).toContain('This section was removed from the report');
    expect((await owner.get(`${base}/edit`)).statusCode).toBe(404);
    expect((await owner.post(`${base}/edit`, { body: 'Still here?', openedAt: '5' })).statusCode).toBe(404);
    expect((await owner.post(`${base}/comments`, { comment: 'Still here?' })).statusCode).toBe(404);
    await t.db.updateTable('report_section').set({ removed_at: null }).where('id', '=', written).execute();
  });
});
