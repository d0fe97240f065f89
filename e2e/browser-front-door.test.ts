import { describe, expect, it } from 'vitest';
import { browserTests, expectAccessible, expectErrorSummary, followErrorLink, hasChromium, heading, signIn } from './support';

/*
 * The front door, the MASH, the outbox and the audit of the front door's decisions in a real browser, each
 * page checked with axe and the Content-Security-Policy (see browser.test.ts).
 */

// A generous timeout: the whole suite may share two cores with the other test files.
describe.skipIf(!hasChromium)('Beacon in a browser: the front door and the MASH', { timeout: 60_000 }, () => {
  const { person, demoDb } = browserTests();

  it('the team manager screens the front door: reads the queue, records a contact after correcting it, sends it to the MASH, and logs a consultation call', async () => {
    const { page } = await person();
    await signIn(page, 'team.manager@northmere.gov.uk');
    await page.getByRole('navigation').getByRole('link', { name: 'Front door', exact: true }).click();
    await heading(page, 'Front door');
    expect(await page.locator('table tbody tr').count()).toBeGreaterThanOrEqual(5);
    expect(await page.locator('.govuk-tag--red', { hasText: /^\s*Overdue by/ }).count()).toBe(1);
    await expectAccessible(page, 'front door queue');

    await page.getByRole('button', { name: 'Record a contact', exact: true }).click();
    await heading(page, 'Record a contact');
    await expectAccessible(page, 'record a contact');
    await page.getByRole('button', { name: 'Save the contact', exact: true }).click();
    await expectErrorSummary(page, ['Add at least one child', 'Select the source of the contact (a referral source code such as 6 for the police)',
      'Enter the reason for the contact', 'Select whether consent was given, refused or not sought']);
    await followErrorLink(page, 'Add at least one child', 'children-0-firstName');
    await expectAccessible(page, 'record a contact with errors');

    // The fields that belong to one answer appear when it is chosen.
    expect(await page.locator('#consentNotSoughtReason').isVisible()).toBe(false);
    await page.getByLabel('Not sought', { exact: true }).check();
    await page.locator('#consentNotSoughtReason').waitFor({ state: 'visible' });
    await page.getByLabel('This is a domestic abuse notification').check();
    await page.locator('#schoolNote').waitFor({ state: 'visible' });
    await expectAccessible(page, 'record a contact with its conditional fields shown');

    await page.locator('#children-0-firstName').fill('Ruby');
    await page.locator('#children-0-lastName').fill('Kestrel');
    await page.locator('#children-0-dob-day').fill('3');
    await page.locator('#children-0-dob-month').fill('4');
    await page.locator('#children-0-dob-year').fill('2016');
    await page.locator('#source').selectOption('6');
    await page.locator('#reason').fill('Police attended an incident at home last night; Ruby was present.');
    await page.locator('#schoolNote').fill('Ruby may need a quiet check-in this morning.');
    await page.locator('#consentNotSoughtReason').fill('Asking could put Ruby’s mother at risk.');
    await page.locator('#lawfulBasis').fill('Data Protection Act 2018, Schedule 8');
    await page.getByRole('button', { name: 'Save the contact', exact: true }).click();
    await heading(page, 'Contact about Ruby Kestrel');
    await page.locator('.govuk-notification-banner', { hasText: 'Contact recorded.' }).waitFor();
    expect(await page.locator('.govuk-inset-text').textContent()).toMatch(/Due in \d+ (hours?|minutes?)/);
    await expectAccessible(page, 'contact');

    expect(await page.locator('#rag').isVisible()).toBe(false);
    await page.getByLabel('MASH enquiry', { exact: true }).check();
    await page.getByLabel('Amber', { exact: true }).check();
    await page.locator('#reason').fill('Needs the police and school checks.');
    await page.getByRole('button', { name: 'Record the decision', exact: true }).click();
    await page.locator('.govuk-notification-banner', { hasText: 'Decision recorded: MASH enquiry.' }).waitFor();
    expect(await page.locator('.govuk-summary-list', { hasText: 'Note to school recorded' }).count()).toBe(1);
    await expectAccessible(page, 'contact with its decision');

    await page.getByRole('link', { name: 'Back to the front door' }).click();
    await heading(page, 'Front door');
    await page.getByRole('button', { name: 'Consultation line', exact: true }).click();
    await heading(page, 'Consultation line');
    await expectAccessible(page, 'consultation line');
    await page.getByRole('button', { name: 'Log a call', exact: true }).click();
    await heading(page, 'Log a consultation call');
    await page.getByRole('button', { name: 'Save the call', exact: true }).click();
    await expectErrorSummary(page, ['Enter the caller’s name', 'Enter what the caller asked about', 'Enter the advice given', 'Select whether a request for support is needed']);
    await expectAccessible(page, 'consultation call with errors');
    await page.locator('#callerName').fill('Dr Lena Ford');
    await page.locator('#question').fill('A baby has a bruise on the ear.');
    await page.locator('#advice').fill('Make a request for support today.');
    await page.getByLabel('Yes', { exact: true }).check();
    await page.getByRole('button', { name: 'Save the call', exact: true }).click();
    await page.locator('.govuk-notification-banner', { hasText: 'Consultation call logged.' }).waitFor();
    expect(await page.locator('table', { hasText: 'Dr Lena Ford' }).count()).toBe(1);
  });

  it('the MASH: the team manager reads the enquiries and an enquiry, a health officer answers a check, and the administrator sets the MASH hours', async () => {
    const manager = (await person()).page;
    await signIn(manager, 'team.manager@northmere.gov.uk');
    await manager.getByRole('navigation').getByRole('link', { name: 'MASH', exact: true }).click();
    await heading(manager, 'MASH enquiries');
    await manager.getByRole('link', { name: 'Ivy Carr, Noah Carr' }).waitFor();
    await expectAccessible(manager, 'MASH enquiries');
    await manager.getByRole('link', { name: 'Ivy Carr, Noah Carr' }).click();
    await heading(manager, 'Ivy Carr, Noah Carr');
    await manager.getByText('Escalated').first().waitFor();
    await expectAccessible(manager, 'MASH enquiry');
    await manager.getByRole('button', { name: 'Record the decision' }).click();
    await expectErrorSummary(manager, ['Select the MASH decision', 'Enter a summary of the decision',
      'Northmere and Eastholm Police, Northmere Hospitals NHS Foundation Trust have not completed their checks: confirm you are deciding without them']);
    await expectAccessible(manager, 'MASH enquiry with errors');

    const officer = (await person()).page;
    await signIn(officer, 'mash.health@nhs.net');
    await officer.getByRole('navigation').getByRole('link', { name: 'MASH checks', exact: true }).click();
    await heading(officer, 'MASH checks for your agency');
    await expectAccessible(officer, 'MASH checks for an agency');
    await officer.getByRole('link', { name: /^Ivy Carr/ }).click();
    await heading(officer, 'Ivy Carr, Noah Carr');
    await expectAccessible(officer, 'MASH check');
    await officer.getByRole('button', { name: 'Complete the check' }).click();
    await expectErrorSummary(officer, ['Enter what your agency knows about the children and family, or that it holds nothing about them']);
    await expectAccessible(officer, 'MASH check with errors');
    await officer.getByLabel('What your agency knows about the children and their family').fill('Both children registered with Riverside Surgery; Noah missed his 12-month review.');
    await officer.getByRole('button', { name: 'Complete the check' }).click();
    await officer.locator('.govuk-notification-banner', { hasText: 'Check completed.' }).waitFor();

    const admin = (await person()).page;
    await signIn(admin, 'admin@northmere.gov.uk');
    await admin.goto('/admin/mash');
    await heading(admin, 'MASH hours and check timescales');
    await expectAccessible(admin, 'MASH settings');
    await admin.getByLabel('Red').fill('');
    await admin.getByRole('button', { name: 'Save MASH settings' }).click();
    await expectErrorSummary(admin, ['Enter the red limit as a number of hours more than 0 and at most 720, like 4']);
    await expectAccessible(admin, 'MASH settings with errors');
  });

  it('the partnership administrator reads the outbox and one email in it', async () => {
    const demo = await demoDb().selectFrom('partnership').select('id').where('la_code', '=', '990').executeTakeFirstOrThrow();
    await demoDb().insertInto('email_outbox').values({
      partnership_id: demo.id, to_address: 'dsl@riverside.sch.uk', subject: 'Outcome of your contact about a pupil',
      body: 'Dear Ms Marsh,\nThank you for your contact. It has been passed to a social worker for assessment.', status: 'failed', attempts: 1, last_error: 'connect ECONNREFUSED 127.0.0.1:25',
    }).execute();
    const { page } = await person();
    await signIn(page, 'admin@northmere.gov.uk');
    await page.getByRole('navigation').getByRole('link', { name: 'Outbox', exact: true }).click();
    await heading(page, 'Outbox');
    expect(await page.locator('table').textContent()).toContain('ECONNREFUSED');
    await expectAccessible(page, 'outbox');
    await page.getByRole('link', { name: 'Outcome of your contact about a pupil' }).click();
    await heading(page, 'Outcome of your contact about a pupil');
    expect(await page.locator('#email-body').textContent()).toContain('passed to a social worker');
    await expectAccessible(page, 'an email in the outbox');
  });

  it('the team manager sets the audit regime, selects decisions to audit, and completes an audit after correcting it', async () => {
    const { page } = await person();
    await signIn(page, 'team.manager@northmere.gov.uk');
    await page.getByRole('navigation').getByRole('link', { name: 'Front door quality', exact: true }).click();
    await page.locator('.govuk-caption-l', { hasText: 'Front door quality assurance' }).waitFor();
    expect(await page.getByRole('img', { name: 'Front door audits graded good or better, by month' }).count()).toBe(1);
    await expectAccessible(page, 'front door quality schedule');

    await page.getByRole('link', { name: 'Change the audit regime' }).click();
    await heading(page, 'Front door audit regime');
    await expectAccessible(page, 'front door audit regime');
    await page.getByLabel('Team manager and senior social worker audits').fill('');
    await page.getByRole('button', { name: 'Save the audit regime' }).click();
    await expectErrorSummary(page, ['Enter the number of team manager audits a month']);
    await expectAccessible(page, 'front door audit regime with errors');
    await page.getByLabel('Team manager and senior social worker audits').fill('12');
    await page.getByRole('button', { name: 'Save the audit regime' }).click();
    await page.locator('.govuk-notification-banner', { hasText: 'The audit regime is saved.' }).waitFor();

    await page.getByRole('radio', { name: /Decisions made in/ }).first().check();
    await page.getByRole('button', { name: 'Select decisions to audit' }).click();
    await page.locator('.govuk-notification-banner', { hasText: /selected for audit/ }).waitFor();
    await page.getByRole('link', { name: /Audit the decision about/ }).first().click();
    await heading(page, 'Audit of a front door decision');
    await expectAccessible(page, 'front door audit form');

    await page.getByRole('button', { name: 'Complete the audit' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    expect(await page.locator('.govuk-error-summary__list a').allTextContents()).toContain('Select the overall grade');
    await followErrorLink(page, 'Select the overall grade', 'grade');
    await expectAccessible(page, 'front door audit form with errors');

    for (const question of ['Was the threshold applied correctly?', 'Was consent handled lawfully?', 'Was the child’s voice considered?',
      'Were the right agencies checked?', 'Was the decision timely?', 'Was management oversight recorded?']) {
      await page.getByRole('group', { name: question }).getByLabel('Yes', { exact: true }).check();
    }
    await page.getByLabel('Requires improvement', { exact: true }).check();
    await page.getByRole('button', { name: 'Complete the audit' }).click();
    await expectErrorSummary(page, ['Enter the learning points: a grade below good needs them']);
    await page.getByLabel('Learning points').fill('Record what the child said in their own words.');
    await page.getByRole('button', { name: 'Complete the audit' }).click();
    await page.locator('.govuk-notification-banner', { hasText: 'Audit completed: Requires improvement.' }).waitFor();
    expect(await page.locator('body').textContent()).toContain('Record what the child said in their own words.');
  });
});
