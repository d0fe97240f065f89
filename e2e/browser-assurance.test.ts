import { describe, expect, it } from 'vitest';
import { browserTests, expectAccessible, expectErrorSummary, followErrorLink, hasChromium, heading, signIn } from './support';

/*
 * Learning and assurance in a real browser: the action tracker, Section 11, governance, serious incidents and
 * reviews, and the multi-agency audits, each page checked with axe and the Content-Security-Policy (see
 * browser.test.ts).
 */

// A generous timeout: the whole suite may share two cores with the other test files.
describe.skipIf(!hasChromium)('Beacon in a browser: learning and assurance', { timeout: 60_000 }, () => {
  const { person, demoDb } = browserTests();

  it('the action tracker: the business manager filters it and adds an action; the police lead updates it, after an error; a stale form is refused', async () => {
    const manager = await person();
    await signIn(manager.page, 'business.manager@northmere.gov.uk');
    await manager.page.getByRole('navigation').getByRole('link', { name: 'Assurance', exact: true }).click();
    await manager.page.getByRole('link', { name: 'Action tracker', exact: true }).click();
    await heading(manager.page, 'Action tracker');
    await expectAccessible(manager.page, 'action tracker');
    await manager.page.getByLabel('RAG rating').selectOption({ label: 'Overdue' });
    await manager.page.getByRole('button', { name: 'Show actions' }).click();
    await manager.page.waitForURL((url) => url.searchParams.get('rag') === 'red');
    const tags = await manager.page.locator('table .govuk-tag').allTextContents();
    expect(tags.length).toBeGreaterThan(0);
    expect(new Set(tags.map((t) => t.trim()))).toEqual(new Set(['Overdue']));
    await expectAccessible(manager.page, 'action tracker filtered');

    await manager.page.getByRole('link', { name: 'Add an action' }).click();
    await heading(manager.page, 'Add an action');
    await manager.page.getByRole('button', { name: 'Add the action' }).click();
    await expectErrorSummary(manager.page, ['Select where the action comes from', 'Enter a reference', 'Enter the action', 'Select the agency that owns the action', 'Enter the due date']);
    await followErrorLink(manager.page, 'Enter the due date', 'dueDate-day');
    await expectAccessible(manager.page, 'new action form with errors');
    await manager.page.getByLabel('Partnership meeting').check();
    await manager.page.getByLabel('Reference', { exact: true }).fill('Exec 2026/11 4');
    await manager.page.getByLabel('Action', { exact: true }).fill('Audit police attendance at strategy discussions for the last quarter.');
    await manager.page.getByLabel('Owner agency').selectOption({ label: 'Northmere and Eastholm Police' });
    const due = manager.page.getByRole('group', { name: 'Due date' });
    await due.getByLabel('Day').fill('31');
    await due.getByLabel('Month').fill('3');
    await due.getByLabel('Year').fill('2027');
    await manager.page.getByRole('button', { name: 'Add the action' }).click();
    await manager.page.locator('.govuk-notification-banner', { hasText: 'Action added to the tracker.' }).waitFor();
    await heading(manager.page, 'Action Exec 2026/11 4');
    await expectAccessible(manager.page, 'action');
    const actionUrl = manager.page.url();

    // The police lead finds it among the police's actions, and corrects an update before saving it.
    const lead = await person();
    await signIn(lead.page, 'safeguarding.lead@nep.police.uk');
    await lead.page.goto('/actions');
    await lead.page.getByRole('link', { name: /My agency’s actions/ }).click();
    await lead.page.getByRole('link', { name: 'Exec 2026/11 4', exact: true }).click();
    await heading(lead.page, 'Action Exec 2026/11 4');
    await lead.page.getByRole('group', { name: 'Status' }).getByLabel('In progress', { exact: true }).check();
    await lead.page.getByLabel('Progress note').fill('Dip sample of 30 strategy discussions arranged with the MASH.');
    await lead.page.getByRole('button', { name: 'Save update' }).click();
    await lead.page.locator('.govuk-notification-banner', { hasText: 'Status changed to in progress.' }).waitFor();

    // The business manager's page was opened before that update: hers is refused, and she sees what is recorded now.
    await manager.page.getByRole('group', { name: 'Status' }).getByLabel('Cancelled', { exact: true }).check();
    await manager.page.getByLabel('Progress note').fill('Covered by the audit programme.');
    await manager.page.getByRole('button', { name: 'Save update' }).click();
    await manager.page.locator('.govuk-warning-text', { hasText: 'Someone else updated this action' }).waitFor();
    expect(await manager.page.locator('#history').textContent()).toContain('Dip sample of 30 strategy discussions arranged with the MASH.');
    await expectAccessible(manager.page, 'action updated by someone else (409)');

    await lead.page.getByRole('group', { name: 'Status' }).getByLabel('Completed', { exact: true }).check();
    await lead.page.getByRole('button', { name: 'Save update' }).click();
    await expectErrorSummary(lead.page, ['Enter the evidence that the action is completed, such as what an audit or a check found']);
    await expectAccessible(lead.page, 'action update with errors');
    await lead.page.getByLabel('Evidence', { exact: true }).fill('Dip sample of 30 strategy discussions: the police attended 28.');
    await lead.page.getByRole('button', { name: 'Save update' }).click();
    await lead.page.locator('.govuk-notification-banner', { hasText: 'Status changed to completed.' }).waitFor();
    await lead.page.goto('/actions?rag=blue');
    const row = lead.page.locator('tr', { has: lead.page.getByRole('link', { name: 'Exec 2026/11 4', exact: true }) });
    expect((await row.locator('.govuk-tag--blue').textContent())?.trim()).toBe('Completed');
    expect(actionUrl).toMatch(/\/actions\/[0-9a-f-]{36}$/);
  });

  it('Section 11: the business manager compares the agencies and challenges the police’s return; the ICB’s lead completes a standard after correcting it', async () => {
    const { page } = await person();
    await signIn(page, 'business.manager@northmere.gov.uk');
    await page.goto('/assurance');
    await page.getByRole('link', { name: 'Section 11', exact: true }).click();
    await heading(page, 'Section 11');
    expect(await page.getByRole('table', { name: 'Audit cycles' }).locator('tbody tr').count()).toBe(2);
    await expectAccessible(page, 'Section 11 cycles');

    await page.getByRole('table', { name: 'Audit cycles' }).locator('tbody tr').first().getByRole('link').click();
    await heading(page, /Section 11 audit /);
    await expectAccessible(page, 'Section 11 cycle');
    await page.getByRole('link', { name: 'Compare the agencies’ ratings' }).click();
    await heading(page, 'Agencies compared');
    expect(await page.getByRole('img', { name: /How agencies rated each standard/ }).count()).toBe(1);
    expect(await page.getByRole('table', { name: 'Agencies by rating, each standard' }).locator('tbody tr').count()).toBe(8);
    await expectAccessible(page, 'Section 11 comparison with its chart');
    await page.goBack();
    await heading(page, /Section 11 audit /);

    await page.getByRole('link', { name: 'Northmere and Eastholm Police' }).click();
    await heading(page, 'Northmere and Eastholm Police: Section 11 self-assessment');
    await page.getByRole('link', { name: /^8\. Information sharing/ }).click();
    await heading(page, 'Standard 8: Information sharing');
    await page.getByRole('button', { name: 'Add the challenge' }).click();
    await expectErrorSummary(page, ['Enter a comment, or select the agreed rating']);
    await expectAccessible(page, 'Section 11 peer challenge with errors');
    await page.getByLabel('Your challenge').fill('The audit of information shared with the MASH is due in March: we agree requires improvement until then.');
    await page.getByRole('group', { name: /Rating agreed at peer challenge/ }).getByLabel('2 Requires improvement').check();
    await page.getByRole('button', { name: 'Add the challenge' }).click();
    await page.locator('.govuk-notification-banner', { hasText: 'Agreed rating recorded: 2 Requires improvement.' }).waitFor();
    await expectAccessible(page, 'Section 11 peer challenge');

    await page.goto('/section-11/trends');
    await heading(page, 'Section 11 across cycles');
    expect(await page.getByRole('img', { name: 'Section 11 ratings by cycle' }).count()).toBe(1);
    await expectAccessible(page, 'Section 11 across cycles');

    const nurse = (await person()).page;
    await signIn(nurse, 'designated.nurse@nhs.net');
    await nurse.goto('/section-11');
    await nurse.getByRole('table', { name: /Northmere Integrated Care Board’s returns/ }).getByRole('link').first().click();
    await heading(nurse, 'Northmere Integrated Care Board: Section 11 self-assessment');
    await nurse.getByRole('button', { name: 'Submit the return' }).click();
    await nurse.locator('.govuk-error-summary').waitFor();
    expect(await nurse.locator('.govuk-error-summary__list a').allTextContents()).toContain('Confirm that the return is a true account of the agency');
    await expectAccessible(nurse, 'Section 11 return with errors');
    await nurse.getByRole('link', { name: /^Standard 5: Training and development for staff/ }).click();
    await heading(nurse, 'Standard 5: Training and development for staff');
    await nurse.getByLabel('2 Requires improvement').check();
    await nurse.getByLabel('Evidence', { exact: true }).fill('78% of GP practices are up to date with level 3 training.');
    await nurse.locator('#action-1-description').fill('Bring every GP practice up to date with level 3 training');
    await nurse.getByRole('button', { name: 'Save the standard' }).click();
    await expectErrorSummary(nurse, ['Enter the date new action 1 is due']);
    await followErrorLink(nurse, 'Enter the date new action 1 is due', 'action-1-due-day');
    await expectAccessible(nurse, 'Section 11 standard form with errors');
    const due = new Date(Date.now() + 120 * 86_400_000);
    await nurse.locator('#action-1-due-day').fill(String(due.getUTCDate()));
    await nurse.locator('#action-1-due-month').fill(String(due.getUTCMonth() + 1));
    await nurse.locator('#action-1-due-year').fill(String(due.getUTCFullYear()));
    await nurse.getByRole('button', { name: 'Save the standard' }).click();
    await nurse.locator('.govuk-notification-banner', { hasText: 'Standard 5 saved with 1 new action.' }).waitFor();
    await expectAccessible(nurse, 'Section 11 return task list');
  });

  it('governance: the business manager reads the groups, a group’s attendance, a meeting’s action log and the challenge log, and records a response after an error', async () => {
    const { page } = await person();
    await signIn(page, 'business.manager@northmere.gov.uk');
    await page.getByRole('navigation').getByRole('link', { name: 'Assurance', exact: true }).click();
    await page.getByRole('link', { name: 'Governance', exact: true }).click();
    await heading(page, 'Governance');
    expect(await page.locator('table', { hasText: 'Subgroups' }).textContent()).toContain('Quality Assurance and Performance');
    expect(await page.locator('table', { hasText: 'The Executive' }).textContent()).toContain('Margaret Ellison');
    await expectAccessible(page, 'governance');

    await page.getByRole('link', { name: 'Quality Assurance and Performance', exact: true }).click();
    await heading(page, 'Quality Assurance and Performance');
    expect(await page.getByRole('img', { name: /^Attendance by agency, / }).count()).toBe(1);
    expect(await page.locator('table', { hasText: 'Meetings attended by each agency' }).textContent()).toContain('Northmere and Eastholm Police');
    await expectAccessible(page, 'a governance group');
    await page.getByRole('button', { name: 'Add a member' }).click();
    await heading(page, 'Add a member to Quality Assurance and Performance');
    await page.getByLabel('Someone without a Beacon account').check();
    await page.getByRole('button', { name: 'Add the member' }).click();
    await expectErrorSummary(page, ['Enter the member’s name', 'Select the agency they represent, or independent']);
    await expectAccessible(page, 'a group member form with errors');
    await page.goBack();
    await page.goBack();
    await heading(page, 'Quality Assurance and Performance');

    await page.locator('table', { hasText: 'Earlier meetings' }).getByRole('link').first().click();
    await heading(page, /^Meeting on /);
    const log = page.locator('table', { hasText: 'Actions agreed at this meeting' });
    expect(await log.textContent()).toMatch(/QA \d{4}-\d{2}-\d{2} A1/);
    expect(await page.locator('h3', { hasText: 'The group’s actions to review' }).count()).toBe(1);
    await expectAccessible(page, 'a meeting with its action log');
    await page.getByRole('button', { name: 'Change attendance' }).click();
    await heading(page, 'Record attendance');
    expect(await page.getByRole('group', { name: /Dr Ruth Carter, Northmere Integrated Care Board \(Chair\)/ }).getByLabel('Present').isChecked()).toBe(true);
    await expectAccessible(page, 'a meeting’s attendance');

    await page.goto('/governance/challenges/new');
    await heading(page, 'Raise a challenge');
    await page.getByLabel('An agency').check();
    await page.getByRole('button', { name: 'Raise the challenge' }).click();
    await expectErrorSummary(page, ['Select the agency raising the challenge', 'Select the agency being challenged', 'Enter what the challenge is about', 'Enter the challenge']);
    await expectAccessible(page, 'a new challenge with errors');

    await page.goto('/governance/challenges');
    await heading(page, 'Challenge log');
    await page.getByLabel('Status').selectOption('overdue');
    await page.getByRole('button', { name: 'Show challenges' }).click();
    await page.getByRole('link', { name: /^CH \d{4}\/\d{2}$/ }).first().waitFor();
    expect(await page.locator('table').textContent()).toContain('Timeliness of initial health assessment requests');
    await expectAccessible(page, 'the challenge log');

    await page.getByRole('link', { name: /^CH \d{4}\/\d{2}$/ }).first().click();
    await heading(page, /Timeliness of initial health assessment requests/);
    await page.getByRole('button', { name: 'Save the response' }).click();
    await expectErrorSummary(page, ['Enter the agency’s response']);
    await followErrorLink(page, 'Enter the agency’s response', 'response');
    await expectAccessible(page, 'a challenge response with errors');
    await page.getByLabel('Respond to the challenge').fill('Given at the Executive: requests now go the day a child becomes looked after.');
    await page.getByRole('button', { name: 'Save the response' }).click();
    await page.locator('.govuk-notification-banner', { hasText: 'Response recorded on Northmere Council’s behalf.' }).waitFor();
    expect(await page.locator('body').textContent()).toContain('on Northmere Council’s behalf');
  });

  it('serious incidents and reviews: the business manager reads the list, a rapid review, a practice review and a briefing, records an incident after correcting it and takes it to a rapid review with a recommendation for the police; the police lead completes the police’s return', async () => {
    const db = demoDb();
    const rapid = await db.selectFrom('review').select(['id', 'reference']).where('notified_on', 'is not', null).where('rr_sent_on', 'is', null).executeTakeFirstOrThrow();
    const cspr = await db.selectFrom('review').select(['id', 'reference']).where('rr_decision', '=', 'practice_review').where('cspr_published_on', 'is', null).executeTakeFirstOrThrow();
    const briefing = await db.selectFrom('learning_briefing').select(['id', 'review_id', 'title']).orderBy('id').executeTakeFirstOrThrow();

    const { page } = await person();
    await signIn(page, 'business.manager@northmere.gov.uk');
    await page.getByRole('navigation').getByRole('link', { name: 'Assurance', exact: true }).click();
    await page.getByRole('link', { name: 'Serious incidents and reviews' }).click();
    await heading(page, 'Serious incidents and reviews');
    expect(await page.locator('table', { hasText: 'Rapid reviews held' }).textContent()).toContain('Practice reviews published');
    await expectAccessible(page, 'reviews');
    await page.getByLabel('Stage').selectOption('practice_review');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator('caption', { hasText: '1 review, filtered' }).waitFor();

    await page.goto(`/reviews/${rapid.id}`);
    await heading(page, rapid.reference);
    await page.getByText('5 working days left').waitFor();
    expect(await page.locator('tr', { hasText: 'Northmere and Eastholm Police' }).textContent()).toContain('Not started');
    await expectAccessible(page, 'a review at the rapid review stage');

    await page.goto(`/reviews/${cspr.id}`);
    await heading(page, cspr.reference);
    const milestones = page.locator('table', { hasText: 'Milestones' });
    expect(await milestones.textContent()).toContain('Overdue');
    expect(await milestones.textContent()).toContain('Done');
    await expectAccessible(page, 'a practice review with its milestones');

    await page.goto(`/reviews/${briefing.review_id}/briefings/${briefing.id}`);
    await heading(page, briefing.title);
    await expectAccessible(page, 'a learning briefing');

    await page.goto('/reviews/new');
    await heading(page, 'Record a serious incident');
    await page.getByRole('button', { name: 'Record the serious incident' }).click();
    await expectErrorSummary(page, ['Enter the date the partnership became aware', 'Enter what happened', 'Select whether abuse or neglect is known or suspected',
      'Select whether the child died or was seriously harmed', 'Select the agencies involved with the child or family']);
    await followErrorLink(page, 'Enter the date the partnership became aware', 'awareOn-day');
    await expectAccessible(page, 'serious incident form with errors');
    const yesterday = new Date(Date.now() - 86_400_000);
    const aware = page.getByRole('group', { name: 'Date the partnership became aware' });
    await aware.getByLabel('Day').fill(String(yesterday.getUTCDate()));
    await aware.getByLabel('Month').fill(String(yesterday.getUTCMonth() + 1));
    await aware.getByLabel('Year').fill(String(yesterday.getUTCFullYear()));
    await page.getByLabel('What happened').fill('A baby of five months was admitted with a skull fracture; no explanation was given.');
    await page.getByRole('group', { name: 'Is abuse or neglect known or suspected?' }).getByLabel('Suspected', { exact: true }).check();
    await page.getByRole('group', { name: 'Did the child die or were they seriously harmed?' }).getByLabel('The child was seriously harmed', { exact: true }).check();
    await page.getByRole('group', { name: 'Agencies involved' }).getByLabel('Northmere and Eastholm Police').check();
    await page.getByRole('button', { name: 'Record the serious incident' }).click();
    await page.locator('.govuk-notification-banner', { hasText: /Serious incident recorded: SIN \d{4}\/\d+\./ }).waitFor();
    await page.getByText('Notification to the National Panel').first().waitFor();

    // The decision to notify, the rapid review and its decision, and a recommendation with an action for the police.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
    const fillDate = async (legend: string, iso: string) => {
      const group = page.getByRole('group', { name: legend, exact: true });
      await group.getByLabel('Day').fill(String(Number(iso.slice(8, 10))));
      await group.getByLabel('Month').fill(String(Number(iso.slice(5, 7))));
      await group.getByLabel('Year').fill(iso.slice(0, 4));
    };
    await page.getByRole('button', { name: 'Record the decision to notify' }).click();
    await heading(page, 'Decision to notify the National Panel');
    await page.getByRole('group', { name: 'Decision to notify' }).getByLabel('Notify the National Panel').check();
    await page.getByLabel('Reasons for the decision').fill('Abuse is suspected and the baby was seriously harmed.');
    await fillDate('Date of the decision', today);
    await fillDate('Date notified to the National Panel', today);
    await page.getByRole('button', { name: 'Save the decision' }).click();
    await page.locator('.govuk-notification-banner', { hasText: /The review is now RR \d{4}\/\d+\./ }).waitFor();
    const reference = (await page.locator('h1').textContent())!.trim();
    await page.getByRole('button', { name: 'Record the rapid review' }).click();
    await heading(page, 'Rapid review');
    await fillDate('Date of the rapid review meeting', today);
    await page.getByRole('group', { name: 'Decision of the rapid review' }).getByLabel('No practice review').check();
    await page.getByLabel('Reasons for the rapid review decision').fill('Single-agency learning for the police; no wider partnership learning.');
    await fillDate('Date of the rapid review decision', today);
    await page.getByRole('button', { name: 'Save the rapid review' }).click();
    await page.locator('.govuk-notification-banner', { hasText: 'The rapid review is saved.' }).waitFor();
    await page.getByRole('button', { name: 'Add a recommendation' }).click();
    await heading(page, 'Add a recommendation');
    await expectAccessible(page, 'recommendation form');
    await page.getByLabel('Recommendation', { exact: true }).fill('Officers should record every child present at a domestic incident.');
    await page.getByLabel('What needs to be done').fill('Brief response officers on recording children present.');
    await page.getByLabel('Agency that owns the action').selectOption({ label: 'Northmere and Eastholm Police' });
    await fillDate('Due date', new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10));
    await page.getByRole('button', { name: 'Add the recommendation' }).click();
    await page.locator('.govuk-notification-banner', { hasText: `Recommendation ${reference} R1 added with 1 action.` }).waitFor();
    expect(await page.getByRole('link', { name: 'Brief response officers on recording children present.' }).getAttribute('href')).toMatch(/^\/actions\/[0-9a-f-]{36}$/);

    const lead = (await person()).page;
    await signIn(lead, 'safeguarding.lead@nep.police.uk');
    await lead.goto('/reviews');
    await lead.locator('caption', { hasText: 'Information returns for Northmere and Eastholm Police' }).waitFor();
    await lead.getByRole('link', { name: `Complete the return for ${rapid.reference}` }).click();
    await heading(lead, 'Information return from Northmere and Eastholm Police');
    await lead.getByRole('button', { name: 'Submit the return' }).click();
    await expectErrorSummary(lead, ['Enter the chronology and summary of your agency’s involvement', 'Enter the learning your agency has identified']);
    await expectAccessible(lead, 'information return with errors');
    await lead.getByLabel('Chronology and summary of the agency’s involvement').fill('Two domestic incidents at the address in the last year; the baby was not recorded as present.');
    await lead.getByLabel('Learning identified').fill('Officers should record every child in the household.');
    await lead.getByRole('button', { name: 'Submit the return' }).click();
    await lead.locator('.govuk-notification-banner', { hasText: 'Northmere and Eastholm Police’s information return is submitted.' }).waitFor();
  });

  it('multi-agency audits: the business manager reads the programme, neglect’s results and the CSE round; the school’s lead submits a section after correcting it; the business manager moderates a case after an error', async () => {
    const { page } = await person();
    await signIn(page, 'business.manager@northmere.gov.uk');
    await page.goto('/assurance');
    await page.getByRole('link', { name: 'Multi-agency audits', exact: true }).click();
    await heading(page, 'Multi-agency audits');
    expect(await page.getByRole('table', { name: 'Rounds planned and under way' }).locator('tbody tr').count()).toBe(3);
    await expectAccessible(page, 'audit programme');

    await page.getByRole('link', { name: 'Neglect', exact: true }).click();
    await heading(page, 'Neglect');
    expect(await page.getByRole('img', { name: 'Moderated grades by round: Neglect' }).count()).toBe(1);
    expect(await page.getByRole('table', { name: 'Moderated grades of cases, by completed round' }).locator('tbody tr').count()).toBe(3);
    await expectAccessible(page, 'audit theme with its results chart');

    await page.goto('/audits');
    await page.getByRole('link', { name: /^MAA CSE / }).click();
    await heading(page, /^MAA CSE /);
    const round = page.url();
    // The business manager does not read children's records: cases by number only.
    expect((await page.getByRole('table', { name: 'Cases drawn at random' }).locator('thead th').allTextContents()).map((h) => h.trim())).not.toContain('Child');
    expect(await page.locator('main').textContent()).toContain('Children are named only to those who can read children’s records.');
    await expectAccessible(page, 'audit round');

    const dsl = (await person()).page;
    await signIn(dsl, 'dsl@riverside.sch.uk');
    await dsl.goto('/audits');
    await dsl.getByRole('table', { name: 'Rounds under way with your agency’s sections' }).getByRole('link').click();
    await dsl.getByRole('link', { name: 'Complete Riverside Academy’s section for Case 3' }).click();
    await heading(dsl, 'Riverside Academy’s section for case 3');
    await dsl.getByRole('button', { name: 'Submit the section' }).click();
    await dsl.locator('.govuk-error-summary').waitFor();
    const messages = await dsl.locator('.govuk-error-summary__list a').allTextContents();
    expect(messages.at(-1)).toBe('Select the agency’s overall grade for the case');
    expect(messages[0]).toMatch(/^Select a grade for question 1: /);
    await followErrorLink(dsl, 'Select the agency’s overall grade for the case', 'overallGrade');
    await expectAccessible(dsl, 'audit section form with errors');
    for (const group of await dsl.getByRole('group', { name: /^\d\. / }).all()) await group.getByLabel('2: Mostly evidenced').check();
    await dsl.getByRole('group', { name: 'Overall grade for the case' }).getByLabel('2: Mostly evidenced').check();
    await dsl.getByLabel('Strengths').fill('The designated safeguarding lead knew her well and shared attendance concerns the same day.');
    await dsl.getByRole('button', { name: 'Submit the section' }).click();
    await dsl.locator('.govuk-notification-banner', { hasText: 'Case 3 submitted for Riverside Academy.' }).waitFor();

    await page.goto(round);
    await page.getByRole('button', { name: 'Start moderation' }).click();
    await expectErrorSummary(page, ['3 sections are not submitted: confirm that moderation goes ahead without them']);
    await page.getByLabel(/Go ahead with moderation without them/).check();
    await page.getByRole('button', { name: 'Start moderation' }).click();
    await page.locator('.govuk-notification-banner', { hasText: 'Moderation has started' }).waitFor();
    await page.getByRole('link', { name: 'Moderate Case 1' }).click();
    await heading(page, 'Case 1');
    await page.getByRole('button', { name: 'Save the moderation' }).click();
    await expectErrorSummary(page, ['Select the moderated grade for the case', 'Enter the moderation notes: why the case has this grade']);
    await expectAccessible(page, 'audit case moderation with errors');
    await page.getByRole('group', { name: 'Moderated grade for the case' }).getByLabel('2: Mostly evidenced').check();
    await page.getByLabel('Moderation notes').fill('Agreed with the police and health: risks identified early; the school’s view not heard.');
    await page.getByRole('button', { name: 'Save the moderation' }).click();
    await page.locator('.govuk-notification-banner', { hasText: 'Case 1 moderated: 2: Mostly evidenced.' }).waitFor();
    await expectAccessible(page, 'audit round in moderation');
    await page.getByRole('button', { name: 'Add a finding' }).click();
    await heading(page, 'Add a finding');
    await page.getByLabel('Finding', { exact: true }).fill('Schools were not invited to strategy discussions about exploitation.');
    await page.getByLabel('An area for improvement').check();
    await page.getByRole('button', { name: 'Save the finding' }).click();
    await expectErrorSummary(page, ['Enter the action to be taken', 'Select the agency that owns the action', 'Enter the date the action is due']);
    await expectAccessible(page, 'audit finding form with errors');
  });
});
