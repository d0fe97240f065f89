import fs from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { sql } from 'kysely';
import { LEARNING_THEMES, type LearningTheme } from '../src/domain/assurance';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkedPages, CHROMIUM_PATH, demoUser, expectAccessible, expectFrontendJsRan, hasChromium, heading, launchBrowser, Person, type Server, signIn, startServer } from './support';

/*
 * Beacon in a real browser, used as people use it: sign-in with an authenticator code, the worklists,
 * finding a child, adding a person, the error pages. Every page type is checked with axe against WCAG 2.x A
 * and AA, and no page may have a script or style refused by the Content-Security-Policy.
 */

if (!hasChromium) {
  console.warn(`Skipping the browser tests: ${CHROMIUM_PATH} not found (install Debian's chromium package: apt-get install chromium).`);
}

function hasFocus(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => el === el.ownerDocument.activeElement);
}

/** Waits for the page to show this main heading. */
/** The GOV.UK error summary: shown, focused, and each of its links leads to a field on the page. */
async function expectErrorSummary(page: Page, messages: string[]) {
  const summary = page.locator('.govuk-error-summary');
  await summary.waitFor();
  expect(await page.title()).toMatch(/^Error: /);
  expect(await summary.locator('.govuk-error-summary__title').textContent()).toContain('There is a problem');
  const links = summary.locator('.govuk-error-summary__list a');
  expect((await links.allTextContents()).map((t) => t.trim())).toEqual(messages);
  // GOV.UK Frontend moves focus to the summary so screen reader users hear it first.
  await expect.poll(() => hasFocus(summary), { message: 'focus on the error summary' }).toBe(true);
  for (const href of await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
    expect(href, 'error summary link').toMatch(/^#/);
    expect(await page.locator(href!).count(), `the field ${href} the error summary links to`).toBe(1);
  }
  // Each field with an error shows its message beside it too.
  for (const message of messages) {
    expect(await page.locator('.govuk-error-message', { hasText: message }).count(), `inline error "${message}"`).toBeGreaterThan(0);
  }
}

/** Follows an error summary link and checks the field it names now has focus. */
async function followErrorLink(page: Page, message: string, fieldId: string) {
  await page.locator('.govuk-error-summary__list a', { hasText: message }).click();
  await expect.poll(() => hasFocus(page.locator(`#${fieldId}`)), { message: `focus on #${fieldId}` }).toBe(true);
}

// A generous timeout: the whole suite may share two cores with the other test files.
describe.skipIf(!hasChromium)('Beacon in a browser', { timeout: 60_000 }, () => {
  let server: Server;
  let browser: Browser;
  const people: Person[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (checkedPages.length) console.info(`axe (WCAG 2.x A/AA) checked ${checkedPages.length} pages: ${checkedPages.join(', ')}`);
  });

  async function person() {
    const p = await Person.open(browser, server.baseUrl);
    people.push(p);
    return p;
  }

  // Whatever a test did, nothing it loaded may have been refused by the Content-Security-Policy,
  // and no script on its pages may have thrown. (Console errors for 4xx answers are expected.)
  afterEach(async () => {
    const all = people.splice(0);
    const refused = all.flatMap((p) => p.cspErrors());
    const thrown = all.flatMap((p) => p.pageErrors);
    await Promise.all(all.map((p) => p.close()));
    expect(refused, `Content-Security-Policy console errors:\n${refused.join('\n')}`).toEqual([]);
    expect(thrown, `Uncaught script errors:\n${thrown.join('\n')}`).toEqual([]);
  });

  it('a social worker signs in with a password and code, finds a child, opens their record and signs out', async () => {
    const { page } = await person();
    const email = 'social.worker@northmere.gov.uk';
    await signIn(page, email, {
      signIn: async () => {
        await heading(page, 'Sign in to Beacon');
        await expectFrontendJsRan(page);
        // The password component's "Show" button is added by GOV.UK Frontend's JavaScript.
        await page.getByRole('button', { name: /show password/i }).waitFor();
        await expectAccessible(page, 'sign-in');
      },
      mfa: async () => {
        await heading(page, 'Enter your security code');
        await expectAccessible(page, 'MFA');
        await page.locator('#code').fill('12345');
        await page.getByRole('button', { name: 'Continue', exact: true }).click();
        await expectErrorSummary(page, ['Enter the 6-digit security code shown in your authenticator app now']);
        await followErrorLink(page, 'Enter the 6-digit security code', 'code');
        await expectAccessible(page, 'MFA with errors');
      },
    });
    await expectFrontendJsRan(page);
    await expectAccessible(page, 'home');

    await page.getByRole('navigation').getByRole('link', { name: 'My work', exact: true }).click();
    await heading(page, 'My work');
    await page.locator('caption', { hasText: /allocated to you/ }).waitFor();
    expect(await page.locator('table tbody tr a.govuk-link').count()).toBeGreaterThan(0);
    await expectAccessible(page, 'my work');

    await page.getByRole('navigation').getByRole('link', { name: 'Children', exact: true }).click();
    await heading(page, 'Find a child');
    await expectAccessible(page, 'children search');

    await page.getByLabel('Name, LA child ID, UPN or NHS number').fill('Smith');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/children' && url.searchParams.get('q') === 'Smith');
    const caption = page.locator('caption', { hasText: /children? found/ });
    await caption.waitFor();
    const results = page.locator('table tbody tr a.govuk-link');
    expect(await results.count()).toBeGreaterThan(0);
    for (const name of await results.allTextContents()) expect(name).toMatch(/^Smith, /);
    await expectAccessible(page, 'children search results');

    const first = (await results.first().textContent())!.trim();
    const [last, firstName] = first.split(', ');
    await results.first().click();
    await page.waitForURL(/\/children\/[^/?]+$/);
    await heading(page, `${firstName} ${last}`);
    expect(await page.locator('.govuk-summary-list').textContent()).toContain('Date of birth');
    await expectAccessible(page, 'child record');

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await heading(page, 'You have signed out');
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    await expectAccessible(page, 'signed out');

    // The session is over: the record is behind sign-in again.
    await page.goto('/children');
    await heading(page, 'Sign in to Beacon');
  });

  it('the partnership administrator adds a person, correcting the form first, and looks at the partnership and the audit log', async () => {
    const { page } = await person();
    await signIn(page, 'admin@northmere.gov.uk');
    // Priya works for two partnerships and starts where she last worked: she looks in on Eastholm, then goes back.
    expect(await page.locator('.govuk-caption-l').textContent()).toContain('Northmere Safeguarding Children Partnership');
    await page.getByLabel('Partnership', { exact: true }).selectOption({ label: 'Eastholm Safeguarding Children Partnership' });
    await page.getByRole('button', { name: 'Switch', exact: true }).click();
    await page.locator('.govuk-notification-banner', { hasText: 'You are now working in Eastholm Safeguarding Children Partnership.' }).waitFor();
    expect(await page.locator('.govuk-caption-l').textContent()).toContain('Eastholm Safeguarding Children Partnership');
    await page.getByLabel('Partnership', { exact: true }).selectOption({ label: 'Northmere Safeguarding Children Partnership' });
    await page.getByRole('button', { name: 'Switch', exact: true }).click();
    await page.locator('.govuk-notification-banner', { hasText: 'You are now working in Northmere Safeguarding Children Partnership.' }).waitFor();
    expect(await page.locator('.govuk-caption-l').textContent()).toContain('Northmere Safeguarding Children Partnership');
    await expectAccessible(page, 'home (administrator, with partnership switcher and notification banner)');

    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'People', exact: true }).click();
    await heading(page, 'People and roles');
    expect(await page.locator('table').textContent()).toContain('Sam Okoro');
    await expectAccessible(page, 'admin users');

    await page.getByRole('button', { name: 'Add a person' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/users/new');
    await heading(page, 'Add a person');
    await expectAccessible(page, 'add a person');

    await page.getByRole('button', { name: 'Add person', exact: true }).click();
    await expectErrorSummary(page, [
      'Enter an email address in the correct format, like name@example.org',
      'Enter the person’s full name',
      'Select the agency',
      'Select at least one role',
    ]);
    await followErrorLink(page, 'Enter the person’s full name', 'name');
    await followErrorLink(page, 'Select at least one role', 'roles');
    await expectAccessible(page, 'add a person with errors');

    await page.getByLabel('Full name', { exact: true }).fill('Alex Morgan');
    await page.getByLabel('Work email address', { exact: true }).fill('alex.morgan@northmere.gov.uk');
    await page.getByLabel('Agency', { exact: true }).selectOption({ label: 'Northmere Council' });
    await page.getByLabel('Team manager', { exact: true }).check();
    await page.getByRole('button', { name: 'Add person', exact: true }).click();
    await heading(page, 'Person added');
    expect((await page.locator('#temporary-password').textContent())!.trim()).toMatch(/^\S{16,}$/);
    await expectAccessible(page, 'person added');

    await page.getByRole('link', { name: 'View their account' }).click();
    await heading(page, 'Alex Morgan');
    await page.waitForURL(/\/admin\/users\/\d+$/);
    expect(await page.getByLabel('Team manager', { exact: true }).isChecked()).toBe(true);
    await expectAccessible(page, 'admin user');

    await nav.getByRole('link', { name: 'Partnership', exact: true }).click();
    await heading(page, 'Northmere Safeguarding Children Partnership');
    await expectAccessible(page, 'admin partnership');
    await page.getByRole('link', { name: 'Teams and their managers' }).click();
    await heading(page, 'Teams');
    await page.locator('h2', { hasText: 'Child protection team' }).waitFor();
    await expectAccessible(page, 'admin teams');

    await nav.getByRole('link', { name: 'Audit log', exact: true }).click();
    await heading(page, 'Audit log');
    const log = await page.locator('table').textContent();
    expect(log).toContain('user.create');
    expect(log).toContain('sign_in.mfa');
    await expectAccessible(page, 'admin audit log');
  });

  it('the team manager sees the work of her teams, filters it, and looks at the children at risk outside the home', async () => {
    const { page } = await person();
    await signIn(page, 'team.manager@northmere.gov.uk');
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'My work', exact: true }).click();
    await heading(page, 'My work');
    await page.getByRole('link', { name: 'See your team’s work' }).click();
    await heading(page, 'My team');
    expect(await page.locator('.govuk-caption-l').textContent()).toContain('Assessment team North, Child protection team');
    const rows = page.locator('table tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    expect(await page.locator('table').textContent()).toContain('Sam Okoro');
    await expectAccessible(page, 'my team');

    await page.getByLabel('Worker', { exact: true }).selectOption({ label: 'Sam Okoro' });
    await page.getByRole('button', { name: 'Show children', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/my-team' && url.searchParams.get('worker') !== '');
    await page.locator('caption', { hasText: /allocated to Sam Okoro/ }).waitFor();
    expect(await page.locator('table').textContent()).not.toContain('Amira Hussain');
    await expectAccessible(page, 'my team filtered');

    await nav.getByRole('link', { name: 'Outside the home', exact: true }).click();
    await heading(page, 'Children at risk outside the home');
    await page.locator('caption', { hasText: 'By place of concern' }).waitFor();
    await page.locator('caption', { hasText: /^\s*\d+ child(ren)?\s*$/ }).waitFor();
    await expectAccessible(page, 'outside the home');

    await page.getByLabel('Locality', { exact: true }).selectOption({ label: 'North' });
    await page.getByRole('button', { name: 'Show children', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/outside-home' && url.searchParams.get('locality') === 'North');
    await page.locator('caption', { hasText: 'living in North' }).or(page.getByText('No children match')).waitFor();
    expect(await page.getByLabel('Locality', { exact: true }).inputValue()).toBe('North');
    await expectAccessible(page, 'outside the home filtered');

    const bad = await page.goto('/outside-home?locality=Atlantis');
    expect(bad?.status()).toBe(400);
    await expectErrorSummary(page, ['Select a locality from the list']);
    await followErrorLink(page, 'Select a locality from the list', 'locality');
    await expectAccessible(page, 'outside the home with errors');

    // She reallocates a child of her team from its record.
    await page.goto('/my-team');
    await page.locator('table tbody tr a').first().click();
    await page.getByRole('link', { name: 'Allocation', exact: true }).click();
    await heading(page, 'Allocation');
    await page.getByLabel('Allocate to').selectOption({ index: 1 });
    await page.getByRole('button', { name: 'Allocate', exact: true }).click();
    await page.locator('.govuk-notification-banner', { hasText: 'Allocation saved.' }).waitFor();
    await expectAccessible(page, 'allocation');
  });

  it('the data analyst imports a CIN census, follows its progress and reads its report by rule and by child', async () => {
    const { page } = await person();
    await signIn(page, 'analyst@northmere.gov.uk');
    await page.getByRole('navigation').getByRole('link', { name: 'Returns', exact: true }).click();
    await heading(page, 'Returns');
    // The demo's own runs: last year's census, and a copy of it cut short.
    expect(await page.locator('table tbody tr').count()).toBeGreaterThanOrEqual(2);
    await expectAccessible(page, 'returns');

    await page.locator('table tbody tr', { hasText: 'Failed' }).first().getByRole('link').click();
    await page.getByText('The return could not be imported').waitFor();
    expect(await page.locator('.govuk-error-summary').textContent()).toMatch(/Line \d+, column \d+/);
    await expectAccessible(page, 'failed import');

    await page.goto('/returns/import');
    await heading(page, 'Import a return');
    await page.getByRole('button', { name: 'Check and import' }).click();
    await expectErrorSummary(page, ['Select the kind of return', 'Select the return’s file']);
    await expectAccessible(page, 'import a return with errors');

    const census = fs.readFileSync(new URL('../src/features/returns/fixtures/data-to-insight__csc-validator-be-cin__fake_data__fake_CIN_data.xml', import.meta.url), 'utf8')
      .replace('<LEA>975</LEA>', '<LEA>990</LEA>');
    await page.getByLabel('CIN census').check();
    await page.locator('#files').setInputFiles({ name: 'cin-2022-23.xml', mimeType: 'application/xml', buffer: Buffer.from(census) });
    await page.getByRole('button', { name: 'Check and import' }).click();
    await page.waitForURL(/\/returns\/imports\/[0-9a-f-]{36}$/);
    await page.getByText('The return was loaded').waitFor({ timeout: 30_000 });
    await page.locator('caption', { hasText: 'Records' }).waitFor();
    await expectAccessible(page, 'import report');

    await page.locator('table', { hasText: 'Findings' }).locator('tbody tr a').first().click();
    await heading(page, 'Validation findings');
    expect(await page.locator('table tbody tr').count()).toBeGreaterThan(0);
    await expectAccessible(page, 'validation findings');
  });

  it('the data analyst reads an indicator’s trend, the children behind it, and the indicators across her two partnerships', async () => {
    const { page } = await person();
    await signIn(page, 'analyst@northmere.gov.uk');
    await page.goto('/dashboard/indicators/referrals?period=rolling');
    await heading(page, 'Referrals');
    // The chart is drawn on the server: an image with its name, and the same figures in the table beside it.
    const chart = page.getByRole('img', { name: 'Referrals by month' });
    await chart.waitFor();
    expect(await chart.locator('circle').count()).toBe(24);
    expect(await page.locator('#trend-table tbody tr').count()).toBe(24);
    await expectAccessible(page, 'indicator trend');

    await page.getByRole('link', { name: /children behind this figure/ }).click();
    await heading(page, 'Children behind this figure');
    await page.locator('#children').or(page.getByText('No children are counted')).waitFor();
    // She may not open a child's record, so no name is a link.
    expect(await page.locator('main a[href^="/children/"]').count()).toBe(0);
    await expectAccessible(page, 'children behind an indicator');

    await page.goto('/dashboard/across');
    await heading(page, 'Indicators across partnerships');
    const head = await page.locator('#across thead').textContent();
    expect(head).toContain('Northmere Safeguarding Children Partnership');
    expect(head).toContain('Eastholm Safeguarding Children Partnership');
    expect(head).toContain('Total');
    await expectAccessible(page, 'indicators across partnerships');
  }, 120_000); // the same person as the test before: the sign-in may wait for the next authenticator code

  it('the business manager reads the partners’ tables and uploads the police’s figures, correcting the form and the file first', async () => {
    const { page } = await person();
    await signIn(page, 'business.manager@northmere.gov.uk');
    await page.getByRole('navigation').getByRole('link', { name: 'Partner data', exact: true }).click();
    await heading(page, 'Partner data');
    // The demo's own: the police's and the health board's figures for the last financial year.
    expect(await page.locator('table tbody tr').count()).toBe(2);
    await expectAccessible(page, 'partner data');

    await page.getByRole('link', { name: /^Northmere and Eastholm Police/ }).click();
    await heading(page, /^The 12 months to/);
    await page.locator('caption', { hasText: 'Missing Children (12 month rolling)' }).waitFor();
    await page.getByText('The number of missing children reports fell to 534 in the last 12 months compared with 561 in the previous 12 months, a fall of 4.8%.').waitFor();
    await expectAccessible(page, 'partner data set');

    await page.goto('/partner-data/upload');
    await heading(page, 'Upload partner data');
    await page.getByRole('button', { name: 'Check and upload' }).click();
    await expectErrorSummary(page, ['Select the agency the figures are from', 'Enter the last day of the 12 months the figures are for', 'Select the CSV file']);
    await expectAccessible(page, 'upload partner data with errors');

    const fill = async (csv: string) => {
      await page.getByLabel('Agency').selectOption({ label: 'Northmere and Eastholm Police' });
      await page.getByLabel('Day').fill('31');
      await page.getByLabel('Month').fill('3');
      await page.getByLabel('Year').fill('2024');
      await page.locator('#file').setInputFiles({ name: 'police-2023-24.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await page.getByRole('button', { name: 'Check and upload' }).click();
    };
    await fill('table,measure,current,previous\nMissing Children,Number of Missing Children,211,\nMissing Children,Number of Missing Children,lots,196\n');
    await expectErrorSummary(page, [
      'Row 2, previous: must be a whole number, 0 or more, not “”',
      'Row 3, current: must be a whole number, 0 or more, not “lots”',
      'Row 3, measure: repeats row 2: a measure appears once in its table',
    ]);
    await expectAccessible(page, 'partner data file with errors');

    await fill(fs.readFileSync(new URL('../src/features/partner-data/fixtures/seed-police-2022-23.csv', import.meta.url), 'utf8'));
    await page.waitForURL(/\/partner-data\/[0-9a-f-]{36}$/);
    await page.locator('.govuk-notification-banner', { hasText: 'Loaded Northmere and Eastholm Police’s figures: 3 tables, 16 rows.' }).waitFor();
    await heading(page, 'The 12 months to 31 March 2024');
  });

  it('a wrong password is refused with the error summary', async () => {
    const { page } = await person();
    await page.goto('/sign-in');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expectErrorSummary(page, ['Enter your email address', 'Enter your password']);
    await followErrorLink(page, 'Enter your password', 'password');
    await expectAccessible(page, 'sign-in with missing answers');

    await page.locator('#email').fill('team.manager@northmere.gov.uk');
    await page.locator('#password').fill('not-the-right-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expectErrorSummary(page, ['Enter a correct email address and password']);
    expect(page.url()).toMatch(/\/sign-in$/);
    expect(await page.locator('#email').inputValue()).toBe('team.manager@northmere.gov.uk');
    expect(await page.locator('#password').inputValue()).toBe('');
    await expectAccessible(page, 'sign-in with a wrong password');
  });

  it('the business manager reads the scorecard, corrects the period chooser, and changes how an indicator is rated', async () => {
    const { page } = await person();
    await signIn(page, 'business.manager@northmere.gov.uk');
    await page.getByRole('navigation').getByRole('link', { name: 'Dashboard', exact: true }).click();
    await heading(page, 'Performance scorecard');
    const rows = page.locator('#scorecard tbody tr');
    expect(await rows.count()).toBe(26);
    // Each indicator's line is a picture with its first and last values in words.
    expect(await page.getByRole('img', { name: /^Referrals, 24 months: / }).count()).toBe(1);
    // A rating is a word in a tag, never colour alone.
    expect(await page.locator('#scorecard .govuk-tag').allTextContents()).not.toContain('');
    await expectAccessible(page, 'scorecard');

    await page.getByLabel('Financial year that includes the date').check();
    await page.getByLabel('Day', { exact: true }).fill('31');
    await page.getByLabel('Month', { exact: true }).fill('2');
    await page.getByLabel('Year', { exact: true }).fill('2025');
    await page.getByRole('button', { name: 'Show scorecard', exact: true }).click();
    await expectErrorSummary(page, ['The date must be a real date, like 31 3 2026']);
    await followErrorLink(page, 'The date must be a real date', 'to-day');
    await expectAccessible(page, 'scorecard period chooser with errors');

    await page.getByLabel('Month', { exact: true }).fill('3');
    await page.getByRole('button', { name: 'Show scorecard', exact: true }).click();
    await page.locator('h2', { hasText: 'Financial year 2024 to 2025' }).waitFor();

    await page.getByRole('link', { name: 'Change how indicators are rated' }).click();
    await heading(page, 'How indicators are rated');
    await expectAccessible(page, 'RAG rules');
    await page.getByRole('link', { name: /^Re-referral rate/ }).click();
    await heading(page, 'How this indicator is rated');
    await page.getByLabel('Target', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Save rating', exact: true }).click();
    await expectErrorSummary(page, ['Enter the target']);
    await expectAccessible(page, 'RAG rule with errors');
    await page.getByLabel('Target', { exact: true }).fill('18');
    await page.getByLabel('Statistical neighbours’ figure (optional)').fill('21.4');
    await page.getByRole('button', { name: 'Save rating', exact: true }).click();
    await page.locator('.govuk-notification-banner', { hasText: 'Re-referral rate: rating saved.' }).waitFor();
    expect(await page.locator('#rules tbody tr', { hasText: 'Re-referral rate' }).textContent()).toContain('18.0% or less');
  });

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
    const demo = await server.db.db.selectFrom('partnership').select('id').where('la_code', '=', '990').executeTakeFirstOrThrow();
    await server.db.db.insertInto('email_outbox').values({
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
    const db = server.db.db;
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

  it('training records: the trainer marks attendance after an error; the practitioner evaluates the course after errors, downloads the certificate and answers an earlier course’s impact survey; the business manager reads the reports with their charts and plans a session after an error; a partner reads the planner', async () => {
    const db = server.db.db;
    const { id: pid } = await db.selectFrom('partnership').select('id').where('la_code', '=', '990').executeTakeFirstOrThrow();
    const uid = async (email: string) => (await db.selectFrom('app_user').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
    const course = await db.insertInto('course').values({ partnership_id: pid, title: 'Neglect in adolescence (browser test)', summary: 'Neglect of teenagers.',
      description: 'How neglect shows in adolescence.', audience: 'Practitioners of every agency', level: '2', delivery: 'face_to_face', duration_minutes: 180,
      learning_outcomes: ['Recognise neglect in teenagers', 'Know when to escalate'], themes: ['neglect', 'adolescent_risk'] }).returning('id').executeTakeFirstOrThrow();
    const session = async (startsAt: number) => (await db.insertInto('course_session').values({ partnership_id: pid, course_id: course.id, starts_at: new Date(startsAt),
      ends_at: new Date(startsAt + 3 * 3_600_000), capacity: 20, trainers: 'Grace Adeyemi', trainer_user_id: await uid('trainer@northmere.gov.uk'), venue: 'Civic Centre' })
      .returning('id').executeTakeFirstOrThrow()).id;
    const book = async (sessionId: string, email: string, attended = false) => (await db.insertInto('booking').values({ partnership_id: pid, session_id: sessionId,
      user_id: await uid(email), status: 'confirmed', booked_at: new Date(Date.now() - 30 * 86_400_000), confirmed_at: new Date(Date.now() - 30 * 86_400_000),
      attendance: attended ? 'attended' : null, certificate_number: attended ? `NSCP-BROWSER-${email.length}` : null }).returning('id').executeTakeFirstOrThrow()).id;
    const today = await session(Date.now() - 3_600_000);
    const emma = await book(today, 'practitioner@riverside.sch.uk');
    await book(today, 'safeguarding.lead@nep.police.uk');
    const earlier = await book(await session(Date.now() - 70 * 86_400_000), 'practitioner@riverside.sch.uk', true);

    const trainer = (await person()).page;
    await signIn(trainer, 'trainer@northmere.gov.uk');
    await trainer.goto(`/training/sessions/${today}/attendance`);
    await heading(trainer, 'Attendance');
    await expectAccessible(trainer, 'training attendance');
    await trainer.getByRole('group', { name: 'Emma Collins' }).getByLabel('Attended', { exact: true }).check();
    await trainer.getByRole('button', { name: 'Save attendance' }).click();
    await expectErrorSummary(trainer, ['Select whether DI Claire Hughes attended']);
    const claire = await db.selectFrom('booking').select('id').where('session_id', '=', today).where('user_id', '=', await uid('safeguarding.lead@nep.police.uk')).executeTakeFirstOrThrow();
    await followErrorLink(trainer, 'Select whether DI Claire Hughes attended', `attendance-${claire.id}`);
    await expectAccessible(trainer, 'training attendance with errors');
    await trainer.getByRole('group', { name: 'DI Claire Hughes' }).getByLabel('Did not attend').check();
    await trainer.getByRole('button', { name: 'Save attendance' }).click();
    await trainer.locator('.govuk-notification-banner', { hasText: 'Attendance saved: 1 attended, 1 did not attend.' }).waitFor();
    expect(await trainer.getByRole('link', { name: /Emma Collins: certificate NSCP-\d{4}-\d{6}/ }).count()).toBe(1);

    const emmaPage = (await person()).page;
    await signIn(emmaPage, 'practitioner@riverside.sch.uk');
    await emmaPage.goto(`/training/bookings/${emma}/evaluation`);
    await heading(emmaPage, 'Evaluate the course');
    await emmaPage.getByRole('group', { name: 'Overall, how would you rate the course?' }).getByLabel('4: Very good').check();
    await emmaPage.getByRole('button', { name: 'Send your evaluation' }).click();
    await expectErrorSummary(emmaPage, [
      'Select whether the course’s learning outcomes were met',
      'Select how confident you were before the course, from 1 to 5',
      'Select how confident you are after the course, from 1 to 5',
      'Enter what you will do differently in your practice',
    ]);
    await followErrorLink(emmaPage, 'Enter what you will do differently in your practice', 'practiceChange');
    await expectAccessible(emmaPage, 'training evaluation with errors');
    await emmaPage.getByRole('group', { name: /learning outcomes met/ }).getByLabel('Yes, all of them').check();
    await emmaPage.getByRole('group', { name: /Before the course/ }).getByLabel('2: Slightly confident').check();
    await emmaPage.getByRole('group', { name: 'And now, after the course?' }).getByLabel('4: Confident').check();
    await emmaPage.getByLabel('What will you do differently in your practice?').fill('Ask older children directly about food, warmth and who is at home.');
    await emmaPage.getByRole('button', { name: 'Send your evaluation' }).click();
    await emmaPage.locator('.govuk-notification-banner', { hasText: 'Thank you: your evaluation has been sent.' }).waitFor();
    await expectAccessible(emmaPage, 'training evaluation sent');
    const pdf = await emmaPage.request.get(`/training/bookings/${emma}/certificate.pdf`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');

    await emmaPage.goto(`/training/bookings/${earlier}/impact`);
    await heading(emmaPage, 'What has changed in your practice?');
    await expectAccessible(emmaPage, 'training impact survey');
    await emmaPage.getByRole('group', { name: /How confident do you feel now/ }).getByLabel('5: Very confident').check();
    await emmaPage.getByRole('group', { name: /changed what you do/ }).getByLabel('Yes').check();
    await emmaPage.getByLabel('What changed? Give an example').fill('I now check attendance patterns with the DSL before a referral.');
    await emmaPage.getByRole('button', { name: 'Send your answers' }).click();
    await emmaPage.locator('.govuk-notification-banner', { hasText: 'Thank you: your answers have been sent.' }).waitFor();

    const manager = (await person()).page;
    await signIn(manager, 'business.manager@northmere.gov.uk');
    await manager.goto(`/training/reports?period=fy&to=${new Date().toISOString().slice(0, 10)}`);
    await heading(manager, 'Training reports');
    for (const name of ['Participants in training by month', 'Participants by kind of agency', 'Confidence before and after training, by theme']) {
      expect(await manager.getByRole('img', { name }).count(), name).toBe(1);
    }
    expect(await manager.getByRole('table', { name: 'Evaluation and impact by theme' }).textContent()).toContain('Adolescents at risk outside the home');
    await expectAccessible(manager, 'training reports with charts');
    await manager.goto('/training/settings');
    await heading(manager, 'Training rules');
    await manager.getByLabel('Charge for not attending').fill('twenty');
    await manager.getByRole('button', { name: 'Save the training rules' }).click();
    await expectErrorSummary(manager, ['Enter the charge in pounds and pence, like 25 or 25.50, or leave it blank for no charge']);
    await followErrorLink(manager, 'Enter the charge in pounds and pence', 'charge');
    await expectAccessible(manager, 'training rules with errors');
    await manager.getByLabel('Charge for not attending').fill('25.00');
    await manager.getByRole('button', { name: 'Save the training rules' }).click();
    await manager.locator('.govuk-notification-banner', { hasText: 'The training rules are saved.' }).waitFor();
    await manager.goto(`/training/charges?period=fy&to=${new Date().toISOString().slice(0, 10)}`);
    await heading(manager, 'Charges for not attending');
    expect(await manager.getByRole('table', { name: 'Northmere and Eastholm Police' }).textContent()).toContain('DI Claire Hughes');
    await expectAccessible(manager, 'training charges by agency');
    await manager.goto('/training/planner');
    await heading(manager, 'Training programme planner');
    await manager.getByLabel('Course', { exact: true }).selectOption({ label: 'Neglect in adolescence (browser test)' });
    await manager.getByRole('button', { name: 'Add to the planner' }).click();
    await expectErrorSummary(manager, ['Select the month of the session']);
    await expectAccessible(manager, 'training planner with errors');
    await manager.getByLabel('Month', { exact: true }).selectOption({ index: 3 });
    await manager.getByRole('button', { name: 'Add to the planner' }).click();
    await manager.locator('.govuk-notification-banner', { hasText: 'Neglect in adolescence (browser test) is planned for' }).waitFor();
    await expectAccessible(manager, 'training planner');

    const lead = (await person()).page;
    await signIn(lead, 'safeguarding.lead@nep.police.uk');
    await lead.goto('/training/planner');
    await heading(lead, 'Training programme planner');
    expect(await lead.getByRole('button', { name: 'Add to the planner' }).count()).toBe(0);
    expect(await lead.locator('table', { hasText: 'Neglect in adolescence (browser test)' }).count()).toBeGreaterThan(0);
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

  it('a practitioner registers for training after correcting the form, and confirms her address with the emailed link', async () => {
    const { page } = await person();
    await page.goto('/sign-in');
    await page.getByRole('link', { name: 'Register to book training' }).click();
    await heading(page, 'Which safeguarding children partnership do you work in?');
    await expectAccessible(page, 'registration: partnership');
    await page.getByLabel('Northmere Safeguarding Children Partnership').check();
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await heading(page, 'Register to book training');
    await expectAccessible(page, 'registration');

    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await expectErrorSummary(page, ['Enter your full name', 'Select the agency you work for', 'Enter your work email address', 'Enter your job title', 'Enter a password']);
    await followErrorLink(page, 'Select the agency you work for', 'agencyId');
    await page.locator('#name').fill('Siân Roberts');
    await page.locator('#agencyId').selectOption({ label: 'Northmere Integrated Care Board' });
    await page.locator('#email').fill('sian.roberts@gmail.com');
    await page.locator('#jobTitle').fill('Health visitor');
    await page.locator('#lineManagerEmail').fill('designated.nurse@nhs.net');
    await page.locator('#password').fill('river-kettle-lantern-north');
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await expectErrorSummary(page, ['Your email address must end with @nhs.net for Northmere Integrated Care Board']);
    await expectAccessible(page, 'registration with errors');
    await page.locator('#email').fill('sian.roberts@nhs.net');
    await page.locator('#password').fill('river-kettle-lantern-north');
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await heading(page, 'Check your email');
    await expectAccessible(page, 'registration: check your email');

    const email = await server.db.db.selectFrom('email_outbox').select('body').where('to_address', '=', 'sian.roberts@nhs.net').executeTakeFirstOrThrow();
    const link = /\/register\/verify\?token=[A-Za-z0-9_-]+/.exec(email.body)![0];
    await page.goto(link);
    await heading(page, 'Confirm your email address');
    await expectAccessible(page, 'registration: confirm');
    await page.getByRole('button', { name: 'Confirm my email address' }).click();
    await heading(page, 'Your email address is confirmed');
    await expectAccessible(page, 'registration: confirmed');
  });

  it('a practitioner finds a course in the catalogue, books a place on a session and sees it in her bookings; her line manager sees it too', async () => {
    const db = server.db.db;
    const emma = await db.selectFrom('app_user').select('id').where('email', '=', 'practitioner@riverside.sch.uk').executeTakeFirstOrThrow();
    // A face-to-face session with a place left that she has not booked, found through its course's first theme.
    const open = await db.selectFrom('course_session as s').innerJoin('course as c', 'c.id', 's.course_id')
      .select(['s.id', 's.capacity', 'c.title', 'c.themes'])
      .where('c.delivery', '=', 'face_to_face').where(sql<boolean>`cardinality(c.themes) > 0`).where('s.status', '=', 'scheduled')
      // After the cancellation cut-off, so that she may still cancel.
      .where('s.starts_at', '>', new Date(Date.now() + 4 * 86_400_000))
      .where((eb) => eb.not(eb.exists(eb.selectFrom('booking as b').select('b.id').whereRef('b.session_id', '=', 's.id').where('b.user_id', '=', emma.id))))
      .orderBy('s.starts_at').execute();
    const counts = await db.selectFrom('booking').select(['session_id', (eb) => eb.fn.countAll<number>().as('n')]).where('status', '=', 'confirmed')
      .where('session_id', 'in', open.map((s) => s.id)).groupBy('session_id').execute();
    const target = open.find((s) => Number(counts.find((c) => c.session_id === s.id)?.n ?? 0) < s.capacity)!;

    const { page } = await person();
    await signIn(page, 'practitioner@riverside.sch.uk');
    await page.getByRole('navigation').getByRole('link', { name: 'Training', exact: true }).click();
    await heading(page, 'Multi-agency training');
    await expectAccessible(page, 'training catalogue');
    await page.locator('#theme').selectOption({ label: LEARNING_THEMES[target.themes[0] as LearningTheme] });
    await page.getByRole('button', { name: 'Show courses' }).click();
    await page.getByRole('link', { name: target.title, exact: true }).click();
    await heading(page, target.title);
    await expectAccessible(page, 'training course');
    await page.locator(`a[href="/training/sessions/${target.id}"]`).click();
    await page.getByRole('button', { name: 'Book a place' }).waitFor();
    await expectAccessible(page, 'training session with Book');
    await page.getByRole('button', { name: 'Book a place' }).click();
    await page.locator('.govuk-notification-banner', { hasText: 'Your place is booked' }).waitFor();
    await page.getByRole('button', { name: 'Cancel my place' }).waitFor();
    await expectAccessible(page, 'training session booked');

    await page.getByRole('link', { name: 'Your bookings' }).first().click();
    await heading(page, 'Your training bookings');
    expect(await page.locator('table').first().textContent()).toContain(target.title);
    // She is in the queue for the full neglect day.
    expect(await page.locator('table').first().textContent()).toMatch(/Waiting list\s*number 3/);
    await expectAccessible(page, 'my training bookings');

    const dsl = await person();
    await signIn(dsl.page, 'dsl@riverside.sch.uk');
    await dsl.page.goto('/training/my-team');
    await heading(dsl.page, 'Your team’s training');
    expect(await dsl.page.locator('table').first().textContent()).toContain('Emma Collins');
    await expectAccessible(dsl.page, 'my team’s training');
  });

  it('the trainer manages the programme: corrects a new course and a session’s changes', async () => {
    const { page } = await person();
    await signIn(page, 'trainer@northmere.gov.uk');
    await page.getByRole('navigation').getByRole('link', { name: 'Manage training', exact: true }).click();
    await heading(page, 'Manage training');
    await expectAccessible(page, 'manage training');

    await page.getByRole('button', { name: 'Add a course' }).click();
    await heading(page, 'Add a course');
    await page.getByRole('button', { name: 'Add the course' }).click();
    await expectErrorSummary(page, ['Enter the course title', 'Enter the summary', 'Enter the description', 'Enter the audience', 'Select the course’s level',
      'Select how the course is delivered', 'Enter how long the course lasts, in hours', 'Enter at least one learning outcome, one a line']);
    await expectAccessible(page, 'add a course with errors');

    await page.goto('/training/manage');
    await page.locator('table').first().locator('tbody a').first().click();
    await page.getByRole('heading', { name: 'People booked' }).waitFor();
    await expectAccessible(page, 'manage a session');
    await page.locator('#capacity').fill('');
    await page.getByRole('button', { name: 'Save the session' }).click();
    await expectErrorSummary(page, ['Enter the number of places']);
    await expectAccessible(page, 'manage a session with errors');
  });

  it('shows the API documentation to anyone, with each endpoint, field and example', async () => {
    const { page } = await person();
    const res = await page.goto('/api/docs');
    expect(res?.status()).toBe(200);
    await heading(page, 'API for partner systems');
    await page.getByRole('link', { name: 'POST /api/v1/contacts' }).click();
    expect(await page.locator('table', { hasText: 'Request body fields' }).locator('th[scope=row]').allTextContents()).toContain('children[].dateOfBirth');
    await expectFrontendJsRan(page);
    await expectAccessible(page, 'API documentation');
  });

  it('shows the page-not-found page, and a practitioner is told they do not have access to people and roles', async () => {
    const visitor = await person();
    const missing = await visitor.page.goto('/no-such-page');
    expect(missing?.status()).toBe(404);
    await heading(visitor.page, 'Page not found');
    await expectAccessible(visitor.page, '404');

    const { page } = await person();
    await signIn(page, 'practitioner@riverside.sch.uk');
    expect(await page.getByRole('navigation').getByRole('link', { name: 'People' }).count()).toBe(0);
    const denied = await page.goto('/admin/users');
    expect(denied?.status()).toBe(403);
    await heading(page, 'You do not have access to this page');
    expect(await page.locator('body').textContent()).toContain(`Signed in as ${demoUser('practitioner@riverside.sch.uk').name}`);
    await expectAccessible(page, '403');
  });
});
