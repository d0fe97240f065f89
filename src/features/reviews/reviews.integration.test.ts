import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type Client, type TestApp, addTestPerson } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { addAgency } from '../agencies/agencies.service';
import { setLocalTimescales } from '../partnerships/partnerships.service';
import { reviewYearSummary } from './reviews.service';

/** The boxes of a GOV.UK date input. */
const date = (name: string, iso: string) => ({ [`${name}-day`]: String(Number(iso.slice(8))), [`${name}-month`]: String(Number(iso.slice(5, 7))), [`${name}-year`]: iso.slice(0, 4) });
const idFrom = (location: unknown) => /\/reviews\/([0-9a-f-]{36})/.exec(String(location))![1]!;

describe.each(dialects())('serious incidents and reviews (%s)', (dialect) => {
  let t: TestApp;
  const agency = {} as Record<'council' | 'police' | 'health', number>;
  let otherPolice: number;
  let bm: Client;

  const person = async (email: string, agencyId: number, roles: string[], partnershipId = t.fixture.a.id) => {
    return addTestPerson(t.db, partnershipId, { email, agencyId, roles });
  };
  const review = (id: string) => t.db.selectFrom('review').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const version = async (id: string) => String((await review(id)).version);

  /** A serious incident recorded through the form, as the business manager does. */
  const record = async (awareOn: string, agencies = [agency.council, agency.police, agency.health], extra: Record<string, string | string[]> = {}) => {
    await bm.get('/reviews/new');
    const res = await bm.post('/reviews/new', {
      ...date('awareOn', awareOn), summary: 'A baby of four months was admitted with a fractured femur; the explanation given does not fit the injury.',
      abuseOrNeglect: 'suspected', harm: 'serious_harm', agencies: agencies.map(String), ...extra,
    });
    expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
    return idFrom(res.headers.location);
  };
  const notify = async (id: string, decidedOn: string, notifiedOn: string) => {
    await bm.get(`/reviews/${id}/decision`);
    const res = await bm.post(`/reviews/${id}/decision`, { decision: 'notify', rationale: 'Criteria met.', ...date('decidedOn', decidedOn), ...date('notifiedOn', notifiedOn), version: await version(id) });
    expect(res.statusCode, res.body.slice(0, 3000)).toBe(303);
  };

  beforeAll(async () => {
    t = await createTestApp(dialect);
    // Monday 1 June 2026, 10:00 in London.
    t.clock.current = new Date('2026-06-01T09:00:00Z');
    const a = t.fixture.a.id;
    agency.council = t.fixture.a.agencyId;
    agency.police = (await addAgency(t.db, a, { name: 'Alpha Police', type: 'police' })).id;
    agency.health = (await addAgency(t.db, a, { name: 'Alpha Health', type: 'health' })).id;
    otherPolice = (await addAgency(t.db, t.fixture.b.id, { name: 'Beta Police', type: 'police' })).id;
    await person('lead.police@a.test', agency.police, ['agency_lead']);
    await person('lead.health@a.test', agency.health, ['agency_lead']);
    await person('auditor.police@a.test', agency.police, ['auditor']);
    await person('officer.police@a.test', agency.police, ['mash_officer']);
    // A business manager who also reads children's records: the one who may link children.
    await person('bm.reader@a.test', agency.council, ['business_manager', 'team_manager']);
    bm = await signIn(t, 'business_manager@a.test');
  });
  afterAll(async () => { await t?.close(); });

  it('records a serious incident, refusing bad input with each problem named, and numbers it in its year', async () => {
    const form = await bm.get('/reviews/new');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Alpha Police');
    const empty = await bm.post('/reviews/new', {});
    expect(empty.statusCode).toBe(400);
    for (const m of ['Enter the date the partnership became aware', 'Enter what happened', 'Select whether abuse or neglect is known or suspected',
      'Select whether the child died or was seriously harmed', 'Select the agencies involved with the child or family']) expect(empty.body).toContain(m);
    expect(empty.body).toContain('href="#awareOn-day"');

    const bad = await bm.post('/reviews/new', {
      ...date('awareOn', '2026-06-02'), summary: 'x'.repeat(2_001), abuseOrNeglect: 'perhaps', harm: 'died', agencies: [String(otherPolice)],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('The date the partnership became aware must be today or in the past');
    expect(bad.body).toContain('What happened must be 2,000 characters or fewer');
    expect(bad.body).toContain('Select agencies that work with this partnership');
    const nodate = await bm.post('/reviews/new', { 'awareOn-day': '31', 'awareOn-month': '2', 'awareOn-year': '2026', summary: 'Kept', abuseOrNeglect: 'known', harm: 'died', agencies: [String(agency.police)] });
    expect(nodate.body).toContain('The date the partnership became aware must be a real date');
    // What was entered comes back.
    expect(nodate.body).toContain('value="31"');
    expect(nodate.body).toMatch(/value="known"\s+checked/);
    expect(await t.db.selectFrom('review').select('id').execute()).toEqual([]);

    const first = await record('2026-05-29');
    const second = await record('2026-05-29');
    const lastYear = await record('2025-12-30');
    expect((await review(first)).reference).toBe('SIN 2026/01');
    expect((await review(second)).reference).toBe('SIN 2026/02');
    expect((await review(lastYear)).reference).toBe('SIN 2025/01');
    const agencies = await t.db.selectFrom('review_agency').select('agency_id').where('review_id', '=', first).orderBy('agency_id').execute();
    expect(agencies.map((x) => x.agency_id)).toEqual([agency.council, agency.police, agency.health].sort((x, y) => x - y));

    const page = await bm.get(`/reviews/${first}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('SIN 2026/01');
    // Aware on Friday 29 May: one working day gone by Monday 1 June, four left, due Friday 5 June.
    expect(page.body).toContain('4 working days left');
    expect(page.body).toContain('5 June 2026');
  });

  it('shows the notification clock across a bank holiday and a weekend, overdue in red', async () => {
    // Aware Thursday 21 May 2026: Friday 22, then Tuesday 26 to Friday 29 (Monday 25 is the spring bank holiday): due Friday 29 May.
    const id = await record('2026-05-21');
    const list = await bm.get('/reviews');
    const row = list.body.split('<tr').find((r) => r.includes(`/reviews/${id}`))!;
    expect(row).toContain('29 May 2026');
    expect(row).toMatch(/govuk-tag--red[^>]*>\s*1 working day overdue/);
    t.clock.current = new Date('2026-05-28T09:00:00Z');
    expect((await bm.get(`/reviews/${id}`)).body).toMatch(/govuk-tag--yellow[^>]*>\s*1 working day left/);
    t.clock.current = new Date('2026-05-30T09:00:00Z');
    expect((await bm.get(`/reviews/${id}`)).body).toMatch(/govuk-tag--yellow[^>]*>\s*No working days left/);
    t.clock.current = new Date('2026-06-01T09:00:00Z');
  });

  it('records the decision to notify: the reference becomes RR, the notification clock stops and the rapid review clock starts', async () => {
    const id = await record('2026-05-29');
    const ref = (await review(id)).reference;
    await bm.get(`/reviews/${id}/decision`);
    const empty = await bm.post(`/reviews/${id}/decision`, { version: await version(id) });
    expect(empty.statusCode).toBe(400);
    for (const m of ['Select whether to notify the National Panel', 'Enter the reasons for the decision', 'Enter the date of the decision']) expect(empty.body).toContain(m);
    const bad = await bm.post(`/reviews/${id}/decision`, { decision: 'not_notify', rationale: 'Accidental injury.', ...date('decidedOn', '2026-05-28'), ...date('notifiedOn', '2026-05-29'), version: await version(id) });
    expect(bad.body).toContain('The date of the decision must be on or after the date the partnership became aware (29 May 2026)');
    expect(bad.body).toContain('Leave the date notified blank when the decision is not to notify');

    await notify(id, '2026-05-29', '2026-06-01');
    const r = await review(id);
    expect(r.reference).toBe(ref.replace('SIN', 'RR'));
    expect(r.notified_on).toBe('2026-06-01');
    const page = await bm.get(`/reviews/${id}`);
    expect(page.body).toContain('Met on time');
    // Notified Monday 1 June: the 15 working days end on Monday 22 June.
    expect(page.body).toContain('22 June 2026');
    expect(page.body).toContain('15 working days left');

    // A stale form is refused, and says why.
    const stale = await bm.post(`/reviews/${id}/decision`, { decision: 'notify', rationale: 'Again.', ...date('decidedOn', '2026-05-29'), version: '1' });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('Someone else changed this review after you opened it');
    // So is one whose version no review can have: never a database error.
    for (const v of ['abc', '', '1e30', '99999999999999999999']) {
      const res = await bm.post(`/reviews/${id}/themes`, { themes: 'neglect', version: v });
      expect(res.statusCode, v).toBe(409);
    }
  });

  it('records the rapid review: a decision needs its reasons and dates, and commissioning a practice review starts the publication clock with the usual milestones', async () => {
    const id = await record('2026-05-18');
    const unnotified = await bm.post(`/reviews/${id}/rapid-review`, { version: await version(id) });
    expect(unnotified.statusCode).toBe(400);
    expect(unnotified.body).toContain('Record the date the National Panel was notified before the rapid review');
    await notify(id, '2026-05-19', '2026-05-19');

    const half = await bm.post(`/reviews/${id}/rapid-review`, { rrDecision: 'other_learning', ...date('rrSentOn', '2026-05-29'), panelResponse: 'agrees', version: await version(id) });
    expect(half.statusCode).toBe(400);
    for (const m of ['Enter the date of the rapid review meeting', 'Enter the reasons for the decision', 'Enter the date of the rapid review decision',
      'Enter the form the other learning takes, such as an appreciative enquiry', 'Enter the date of the Panel’s response']) expect(half.body).toContain(m);
    const early = await bm.post(`/reviews/${id}/rapid-review`, { ...date('rrMeetingOn', '2026-05-18'), version: await version(id) });
    expect(early.body).toContain('The date of the rapid review meeting must be on or after the date the National Panel was notified (19 May 2026)');

    const ok = await bm.post(`/reviews/${id}/rapid-review`, {
      ...date('rrMeetingOn', '2026-05-28'), rrDecision: 'practice_review', rrRationale: 'Multi-agency learning about non-mobile babies.',
      ...date('rrDecidedOn', '2026-05-28'), ...date('rrSentOn', '2026-05-29'), panelResponse: 'agrees', ...date('panelResponseOn', '2026-06-01'), version: await version(id),
    });
    expect(ok.statusCode, ok.body.slice(0, 3000)).toBe(303);
    const r = await review(id);
    expect(r).toMatchObject({ rr_decision: 'practice_review', cspr_commissioned_on: '2026-05-28', rr_sent_on: '2026-05-29', panel_response: 'agrees' });
    const milestones = await t.db.selectFrom('review_milestone').select(['name', 'due_on']).where('review_id', '=', id).orderBy('due_on').execute();
    expect(milestones.map((m) => m.name)).toEqual(['Terms of reference agreed', 'Practitioner learning event', 'Family engagement', 'Draft report to the partnership', 'Partnership and Panel sign-off']);
    const page = await bm.get(`/reviews/${id}`);
    expect(page.body).toContain('Practice review published');
    // Six months from 28 May 2026.
    expect(page.body).toContain('28 November 2026');
    expect(page.body).toContain('Stage: Practice review');
    // Sent within 15 working days of 19 May (due 10 June, after the spring bank holiday).
    expect(page.body).toContain('10 June 2026');

    // The practice review's page checks what it is given.
    await bm.get(`/reviews/${id}/practice-review`);
    const cspr = await bm.post(`/reviews/${id}/practice-review`, {
      ...date('commissionedOn', '2026-05-28'), leadReviewer: 'Dr Jane Example', ...date('publishedOn', '2026-05-30'), publicationUrl: 'javascript:alert(1)', version: await version(id),
    });
    expect(cspr.statusCode).toBe(400);
    for (const m of ['Select whether the lead reviewer is independent', 'Enter the address of the published report, starting https://', 'Enter the date the final report was completed']) expect(cspr.body).toContain(m);
    const saved = await bm.post(`/reviews/${id}/practice-review`, {
      ...date('commissionedOn', '2026-05-28'), terms: 'The period from birth to the injury.', leadReviewer: 'Dr Jane Example', independent: 'yes', version: await version(id),
    });
    expect(saved.statusCode).toBe(303);
    expect(await review(id)).toMatchObject({ cspr_lead_reviewer: 'Dr Jane Example', cspr_reviewer_independent: true });

    // The partnership's own publication target moves the due date.
    await setLocalTimescales(t.db, t.fixture.a.id, { practice_review_publication: '9' });
    const nine = await bm.get(`/reviews/${id}`);
    expect(nine.body).toContain('28 February 2027');
    expect(nine.body).toContain('9 months from the decision to commission (the partnership’s own limit)');
    await setLocalTimescales(t.db, t.fixture.a.id, {});

    // Milestones: added, completed, removed; a bad one refused.
    await bm.get(`/reviews/${id}/milestones/new`);
    const badMilestone = await bm.post(`/reviews/${id}/milestones/new`, { name: '', ...date('completedOn', '2026-07-01') });
    expect(badMilestone.statusCode).toBe(400);
    for (const m of ['Enter the milestone', 'Enter the date the milestone is due', 'The date the milestone was completed must be today or in the past']) expect(badMilestone.body).toContain(m);
    const added = await bm.post(`/reviews/${id}/milestones/new`, { name: 'Scoping meeting', ...date('dueOn', '2026-06-05') });
    expect(added.statusCode).toBe(303);
    const scoping = await t.db.selectFrom('review_milestone').select('id').where('review_id', '=', id).where('name', '=', 'Scoping meeting').executeTakeFirstOrThrow();
    await bm.get(`/reviews/${id}/milestones/${scoping.id}`);
    expect((await bm.post(`/reviews/${id}/milestones/${scoping.id}`, { name: 'Scoping meeting', ...date('dueOn', '2026-06-05'), ...date('completedOn', '2026-06-01') })).statusCode).toBe(303);
    expect((await t.db.selectFrom('review_milestone').select('completed_on').where('id', '=', scoping.id).executeTakeFirstOrThrow()).completed_on).toBe('2026-06-01');
    expect((await bm.post(`/reviews/${id}/milestones/${scoping.id}/remove`)).statusCode).toBe(303);
    expect(await t.db.selectFrom('review_milestone').select('id').where('id', '=', scoping.id).execute()).toEqual([]);

    // Once the review is under way, the decision to commission it stays.
    const change = await bm.post(`/reviews/${id}/rapid-review`, {
      ...date('rrMeetingOn', '2026-05-28'), rrDecision: 'no_practice_review', rrRationale: 'Changed our minds.', ...date('rrDecidedOn', '2026-05-28'), version: await version(id),
    });
    expect(change.body).toContain('The practice review is under way: the decision to commission it can no longer change');
  });

  it('lets each agency complete only its own information return, and the business manager any', async () => {
    const id = await record('2026-05-26');
    await notify(id, '2026-05-27', '2026-05-27');
    const url = `/reviews/${id}/returns/${agency.police}`;

    const police = await signIn(t, 'lead.police@a.test');
    const list = await police.get('/reviews');
    expect(list.body).toContain('Information returns for Alpha Police');
    expect(list.body).toContain(url);
    expect((await police.get(url)).statusCode).toBe(200);
    const empty = await police.post(url, { action: 'submit', version: '1' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter the chronology and summary of your agency’s involvement');
    expect(empty.body).toContain('Enter the learning your agency has identified');
    const draft = await police.post(url, { action: 'draft', chronology: '12 May: officers attended a domestic incident at the home.', version: '1' });
    expect(draft.statusCode).toBe(303);
    expect((await t.db.selectFrom('review_agency').select(['status', 'submitted_at']).where('review_id', '=', id).where('agency_id', '=', agency.police).executeTakeFirstOrThrow()))
      .toMatchObject({ status: 'draft', submitted_at: null });
    const stale = await police.post(url, { action: 'draft', chronology: 'Overwrites?', version: '1' });
    expect(stale.statusCode).toBe(409);
    const submitted = await police.post(url, { action: 'submit', chronology: '12 May: officers attended a domestic incident at the home.', learning: 'The children were not seen.', version: '2' });
    expect(submitted.statusCode).toBe(303);
    expect((await police.get(`/reviews/${id}`)).body).toMatch(/Alpha Police[\s\S]*?govuk-tag--green[^>]*>\s*Submitted/);

    // The police's auditor is of the police too; health's lead, a team manager, a MASH officer are not.
    expect((await (await signIn(t, 'auditor.police@a.test')).get(url)).statusCode).toBe(200);
    const health = await signIn(t, 'lead.health@a.test');
    expect((await health.get(url)).statusCode).toBe(403);
    expect((await health.post(url, { action: 'draft', chronology: 'Not ours', version: '3' })).statusCode).toBe(403);
    expect((await health.get(`/reviews/${id}/returns/${agency.health}`)).statusCode).toBe(200);
    expect((await (await signIn(t, 'team_manager@a.test')).get(url)).statusCode).toBe(403);
    expect((await (await signIn(t, 'officer.police@a.test')).get(url)).statusCode).toBe(403);
    // An agency not involved has no return; another partnership's review is not found.
    expect((await bm.get(`/reviews/${id}/returns/${otherPolice}`)).statusCode).toBe(404);
    expect((await (await signIn(t, 'agency_lead@b.test')).get(url)).statusCode).toBe(404);

    // The business manager completes health's return for them.
    await bm.get(`/reviews/${id}/returns/${agency.health}`);
    expect((await bm.post(`/reviews/${id}/returns/${agency.health}`, { action: 'submit', chronology: 'Health visitor saw the baby at 8 weeks.', learning: 'Bruising protocol not followed.', version: '1' })).statusCode).toBe(303);

    // An involved agency that has started its return stays involved.
    const drop = await bm.post(`/reviews/${id}/notification`, {
      ...date('awareOn', '2026-05-26'), summary: 'Edited.', abuseOrNeglect: 'known', harm: 'serious_harm', agencies: [String(agency.council)], version: await version(id),
    });
    expect(drop.statusCode).toBe(400);
    expect(drop.body, drop.body.slice(drop.body.indexOf('govuk-error-summary'), drop.body.indexOf('govuk-error-summary') + 1500)).toContain('Alpha Health, Alpha Police started an information return: they stay involved');

    // Once the rapid review is sent, returns are closed to changes.
    await bm.post(`/reviews/${id}/rapid-review`, { ...date('rrMeetingOn', '2026-05-29'), rrDecision: 'no_practice_review', rrRationale: 'Single-agency learning only.',
      ...date('rrDecidedOn', '2026-05-29'), ...date('rrSentOn', '2026-06-01'), version: await version(id) });
    const locked = await police.post(url, { action: 'submit', chronology: 'Late change', learning: 'Late', version: '3' });
    expect(locked.statusCode).toBe(400);
    expect(locked.body).toContain('The rapid review was sent to the National Panel on 1 June 2026: returns can no longer be changed');
    expect((await police.get('/reviews')).body).not.toContain(url);
  });

  it('links children only for a business manager who reads children’s records, and names them only to child.read holders', async () => {
    const id = await record('2026-05-20');
    expect((await bm.get(`/reviews/${id}/children`)).statusCode).toBe(403);
    expect((await bm.post(`/reviews/${id}/children`, { childId: t.fixture.a.childId })).statusCode).toBe(403);

    const linker = await signIn(t, 'bm.reader@a.test');
    const search = await linker.get(`/reviews/${id}/children?q=801000001`);
    expect(search.statusCode).toBe(200);
    expect(search.body).toContain('Ada Testchild');
    const second = await t.db.insertInto('child').values({ partnership_id: t.fixture.a.id, la_child_id: '801000002', first_name: 'Bo', last_name: 'Testchild', date_of_birth: '2018-01-01', sex: 'M' } as never)
      .returning('id').executeTakeFirstOrThrow();
    expect((await linker.post(`/reviews/${id}/children`, { childId: second.id })).statusCode).toBe(303);
    expect((await linker.post(`/reviews/${id}/children`, { childId: t.fixture.a.childId })).statusCode).toBe(303);
    const twice = await linker.post(`/reviews/${id}/children`, { childId: t.fixture.a.childId });
    expect(twice.statusCode).toBe(400);
    expect(twice.body).toContain('This child is already linked to the review');
    expect((await linker.post(`/reviews/${id}/children`, { childId: t.fixture.b.childId })).body).toContain('Choose a child of this partnership');

    const reader = await signIn(t, 'team_manager@a.test');
    const named = await reader.get(`/reviews/${id}`);
    expect(named.body).toContain(`href="/children/${t.fixture.a.childId}"`);
    expect(named.body).toContain('Ada Testchild');
    expect(named.body.indexOf('Bo Testchild')).toBeLessThan(named.body.indexOf('Ada Testchild'));
    const logged = await t.db.selectFrom('audit_event').select(['record_id']).where('action', '=', 'child.list').where('user_email', '=', 'team_manager@a.test').execute();
    expect(logged.map((l) => l.record_id)).toEqual(expect.arrayContaining([t.fixture.a.childId, second.id]));

    for (const email of ['business_manager@a.test', 'lead.police@a.test']) {
      const page = await (await signIn(t, email)).get(`/reviews/${id}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('Testchild');
      expect(page.body).not.toContain('/children/');
      expect(page.body).not.toContain('801000001');
      // In the order linked: Bo first.
      expect(page.body).toMatch(/<li>Child A<\/li>\s*<li>Child B<\/li>/);
    }
    expect(await t.db.selectFrom('audit_event').select('seq').where('action', '=', 'child.list').where('user_email', '=', 'lead.police@a.test').execute()).toEqual([]);

    expect((await linker.post(`/reviews/${id}/children/${second.id}/remove`)).statusCode).toBe(303);
    expect((await (await signIn(t, 'lead.police@a.test')).get(`/reviews/${id}`)).body).toMatch(/<li>Child A<\/li>\s*<\/ul>/);
  });

  it('adds a recommendation with its actions all or none, each linked to the action tracker', async () => {
    const id = await record('2026-05-22');
    const early = await bm.post(`/reviews/${id}/recommendations/new`, { recommendation: 'Too soon', 'actions-0-description': 'x' });
    expect(early.body).toContain('Record the decision to notify first');
    await notify(id, '2026-05-22', '2026-05-26');
    const ref = (await review(id)).reference;

    const form = await bm.get(`/reviews/${id}/recommendations/new`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`${ref} R1`);
    const more = await bm.post(`/reviews/${id}/recommendations/new`, { action: 'add-action', actionCount: '1', recommendation: 'Kept' });
    expect(more.statusCode).toBe(200);
    expect(more.body).toContain('Action 2');
    expect(more.body).toContain('Kept');

    const row = (i: number, a: Record<string, string>) => Object.fromEntries(Object.entries(a).map(([k, v]) => [`actions-${i}-${k}`, v]));
    const empty = await bm.post(`/reviews/${id}/recommendations/new`, { actionCount: '2' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter the recommendation');
    expect(empty.body).toContain('Enter at least one action for the recommendation');

    // The second action's owner works for another agency: nothing at all is written.
    const policeLead = (await t.db.selectFrom('app_user').select('id').where('email', '=', 'lead.police@a.test').executeTakeFirstOrThrow()).id;
    const mixed = await bm.post(`/reviews/${id}/recommendations/new`, {
      actionCount: '2', recommendation: 'Agencies should follow the bruising protocol for non-mobile babies.', themes: ['non_mobile_babies'],
      ...row(0, { description: 'Audit use of the bruising protocol.', ownerAgencyId: String(agency.health), ...date('dueDate', '2026-09-30') }),
      ...row(1, { description: 'Brief response officers.', ownerAgencyId: String(agency.council), ownerUserId: String(policeLead), ...date('dueDate', '2026-08-31') }),
    });
    expect(mixed.statusCode).toBe(400);
    expect(mixed.body).toContain('The owner must work for the owner agency');
    expect(mixed.body).toContain('href="#actions-1-ownerUserId"');
    expect(await t.db.selectFrom('review_recommendation').select('id').where('review_id', '=', id).execute()).toEqual([]);
    expect(await t.db.selectFrom('action').select('id').where('source_id', '=', id).execute()).toEqual([]);
    const foreign = await bm.post(`/reviews/${id}/recommendations/new`, {
      recommendation: 'R', ...row(0, { description: 'D', ownerAgencyId: String(otherPolice), ...date('dueDate', '2026-09-30') }),
    });
    expect(foreign.body).toContain('Select the agency that owns the action');
    const badDate = await bm.post(`/reviews/${id}/recommendations/new`, { recommendation: 'R', ...row(0, { description: 'D', ownerAgencyId: String(agency.police), 'dueDate-day': '40', 'dueDate-month': '1', 'dueDate-year': '2026' }) });
    expect(badDate.body).toContain('The due date must be a real date');

    const good = await bm.post(`/reviews/${id}/recommendations/new`, {
      actionCount: '3', recommendation: 'Agencies should follow the bruising protocol for non-mobile babies.', themes: ['non_mobile_babies'],
      ...row(0, { description: 'Audit use of the bruising protocol.', ownerAgencyId: String(agency.health), ownerName: 'Named nurse', ...date('dueDate', '2026-09-30') }),
      ...row(2, { description: 'Brief response officers.', ownerAgencyId: String(agency.police), ownerUserId: String(policeLead), ...date('dueDate', '2026-05-31') }),
    });
    expect(good.statusCode, good.body.slice(0, 3000)).toBe(303);
    const actions = await t.db.selectFrom('action').selectAll().where('source', '=', 'review').where('source_id', '=', id).orderBy('due_date').execute();
    expect(actions.map((a) => [a.reference, a.description, a.owner_agency_id, a.due_date, a.themes])).toEqual([
      [`${ref} R1`, 'Brief response officers.', agency.police, '2026-05-31', ['non_mobile_babies']],
      [`${ref} R1`, 'Audit use of the bruising protocol.', agency.health, '2026-09-30', ['non_mobile_babies']],
    ]);
    expect(actions[0]!.recommendation).toBe('Agencies should follow the bruising protocol for non-mobile babies.');
    expect(actions[1]!.owner_name).toBe('Named nurse');

    const page = await bm.get(`/reviews/${id}`);
    for (const a of actions) expect(page.body).toContain(`href="/actions/${a.id}"`);
    expect(page.body).toMatch(/Brief response officers\.[\s\S]*?govuk-tag--red[^>]*>\s*Overdue/);

    const second = await bm.post(`/reviews/${id}/recommendations/new`, { recommendation: 'Second', ...row(0, { description: 'D2', ownerAgencyId: String(agency.council), ...date('dueDate', '2026-12-01') }) });
    expect(second.statusCode).toBe(303);
    expect((await t.db.selectFrom('action').select('reference').where('description', '=', 'D2').executeTakeFirstOrThrow()).reference).toBe(`${ref} R2`);

    // With recommendations made under the reference, the decision (and so the reference) stays.
    const change = await bm.post(`/reviews/${id}/decision`, { decision: 'not_notify', rationale: 'No.', ...date('decidedOn', '2026-05-22'), version: await version(id) });
    expect(change.body).toContain(`Recommendations have been made under ${ref}: the decision can no longer change`);
  });

  it('writes learning briefings with a printable page every reader may open', async () => {
    const id = await record('2026-05-27');
    await bm.get(`/reviews/${id}/briefings/new`);
    const bad = await bm.post(`/reviews/${id}/briefings/new`, { title: '', ...date('publishedOn', '2026-07-01') });
    expect(bad.statusCode).toBe(400);
    for (const m of ['Enter the title of the briefing', 'Enter the key messages', 'Enter who the briefing is for', 'The date the briefing was published must be today or in the past']) expect(bad.body).toContain(m);
    const ok = await bm.post(`/reviews/${id}/briefings/new`, { title: 'Bruising in babies who are not yet mobile', keyMessages: '- Bruising in a non-mobile baby is never normal.\n\n- Refer to children’s social care.', audience: 'All practitioners', ...date('publishedOn', '2026-06-01') });
    expect(ok.statusCode).toBe(303);
    const href = String(ok.headers.location);
    const printable = await (await signIn(t, 'lead.health@a.test')).get(href);
    expect(printable.statusCode).toBe(200);
    expect(printable.body).toContain('<li>Bruising in a non-mobile baby is never normal.</li>');
    expect(printable.body).toContain('<li>Refer to children’s social care.</li>');
    expect(printable.body).not.toContain('Change the briefing');
    expect((await (await signIn(t, 'business_manager@b.test')).get(href)).statusCode).toBe(404);
    expect((await bm.post(`${href}/edit`, { title: 'Renamed', keyMessages: 'One', audience: 'GPs' })).statusCode).toBe(303);
    expect((await bm.get(href)).body).toContain('Renamed');
  });

  it('filters the list by stage and theme, closes and reopens a review, and counts the year', async () => {
    const id = await record('2026-05-15', [agency.police], { themes: ['neglect'] });
    await bm.get(`/reviews/${id}/close`);
    const blocked = await bm.post(`/reviews/${id}/close`, { ...date('closedOn', '2026-06-01'), version: await version(id) });
    expect(blocked.body).toContain('Record the decision to notify the National Panel before closing the review');
    await bm.post(`/reviews/${id}/decision`, { decision: 'not_notify', rationale: 'The injury was accidental.', ...date('decidedOn', '2026-05-18'), version: await version(id) });
    expect((await review(id)).reference).toMatch(/^SIN 2026\//);
    const bad = await bm.post(`/reviews/${id}/close`, { ...date('closedOn', '2026-06-02'), version: await version(id) });
    expect(bad.body).toContain('The date the review closed must be today or in the past');
    expect((await bm.post(`/reviews/${id}/close`, { ...date('closedOn', '2026-06-01'), closingNote: 'Single-agency learning shared.', version: await version(id) })).statusCode).toBe(303);

    const neglect = await bm.get('/reviews?theme=neglect');
    expect(neglect.body).toContain(`/reviews/${id}"`);
    expect(neglect.body).toContain('1 review, filtered');
    const closed = await bm.get('/reviews?stage=closed');
    expect(closed.body).toContain(`/reviews/${id}"`);
    const open = await bm.get('/reviews?stage=notification');
    expect(open.body).not.toContain(`/reviews/${id}"`);
    const all = await bm.get('/reviews');
    const rows = all.body.split('<tr').filter((r) => r.includes('href="/reviews/'));
    expect(rows.at(-1)).toContain(id);

    const reopened = await bm.post(`/reviews/${id}/reopen`, { version: await version(id) });
    expect(reopened.statusCode).toBe(303);
    expect((await review(id)).closed_on).toBeNull();

    const summary = await reviewYearSummary(t.db, t.fixture.a.id, '2026-04-01', '2027-03-31');
    expect(summary).toMatchObject({ notNotified: 1, rapidReviews: 2, practiceReviewsCommissioned: 1, practiceReviewsPublished: 0 });
    expect(summary.incidents).toBe(await t.db.selectFrom('review').select('id').where('partnership_id', '=', t.fixture.a.id).where('aware_on', '>=', '2026-04-01').execute().then((r) => r.length));
    expect(await reviewYearSummary(t.db, t.fixture.b.id, '2026-04-01', '2027-03-31')).toMatchObject({ incidents: 0, notifications: 0 });
    expect(all.body).toContain('2025-26');
    expect(all.body).toContain('2026-27 to date');
  });

  it('keeps another partnership’s reviews out of sight and every look in the audit log', async () => {
    const id = await record('2026-05-28');
    const other = await signIn(t, 'business_manager@b.test');
    expect((await other.get(`/reviews/${id}`)).statusCode).toBe(404);
    expect((await other.get('/reviews')).body).not.toContain(id);
    expect((await other.post(`/reviews/${id}/decision`, { decision: 'notify' })).statusCode).toBe(404);
    expect((await bm.get('/reviews/not-a-uuid')).statusCode).toBe(404);
    expect((await (await signIn(t, 'social_worker@a.test')).get('/reviews')).statusCode).toBe(403);

    const actions = (await t.db.selectFrom('audit_event').select('action').where('record_id', '=', id).where('user_email', '=', 'business_manager@a.test').execute()).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['review.create']));
    await bm.get(`/reviews/${id}`);
    const read = await t.db.selectFrom('audit_event').select(['action', 'detail']).where('record_id', '=', id).where('action', '=', 'review.read').execute();
    expect(read.length).toBeGreaterThan(0);
    expect(await t.db.selectFrom('audit_event').select('seq').where('action', '=', 'review.list').executeTakeFirst()).toBeDefined();
  });
});
