import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { browserTests, CHROMIUM_PATH, demoUser, expectAccessible, expectErrorSummary, expectFrontendJsRan, followErrorLink, hasChromium, heading, signIn } from './support';

/*
 * Beacon in a real browser, used as people use it: sign-in with an authenticator code, the worklists,
 * finding a child, adding a person, the returns, the indicators, the partners' data and the scorecard, the
 * error pages. Every page type is checked with axe against WCAG 2.x A and AA, and no page may have a script or
 * style refused by the Content-Security-Policy. The other areas' pages are in the other browser-*.test.ts files,
 * each its own server on its own copy of the demo, so the test workers share them.
 */

if (!hasChromium) {
  console.warn(`Skipping the browser tests: ${CHROMIUM_PATH} not found (install Debian's chromium package: apt-get install chromium).`);
}

// A generous timeout: the whole suite may share two cores with the other test files.
describe.skipIf(!hasChromium)('Beacon in a browser', { timeout: 60_000 }, () => {
  const { person } = browserTests();

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
    // Officers who signed in through the police's identity provider wait above the people already here.
    expect(await page.getByRole('table', { name: 'Waiting for approval (2)' }).textContent()).toContain('PC Jordan Reid');
    expect(await page.getByRole('table', { name: 'people in this partnership' }).textContent()).toContain('Sam Okoro');
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
