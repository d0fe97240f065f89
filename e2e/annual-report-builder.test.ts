import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastFinancialYearEnd } from '../src/db/seed/partner-data';
import { londonParts } from '../src/domain/london';
import { expectAccessible, hasChromium, heading, launchBrowser, Person, type Server, signIn, startServer } from './support';

/*
 * The business manager finds this year's annual report half written in the demo, moves a section, adds a
 * section of the partnership's own (after correcting the form) and reads the report's history; a member of
 * the Executive opens the report's approval page. Each page is checked with axe.
 */

/** The contents' section headings, in order. */
async function contents(page: Page): Promise<string[]> {
  return page.locator('table.beacon-contents tbody tr td:nth-child(2) a').allTextContents();
}

describe.skipIf(!hasChromium)('annual report: the builder and the Executive’s approval page', { timeout: 240_000 }, () => {
  let server: Server;
  let browser: Browser;
  const end = lastFinancialYearEnd(londonParts(new Date()).date);
  const title = `Annual report ${Number(end.slice(0, 4)) - 1} to ${end.slice(0, 4)}`;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('moves a section, adds one of the partnership’s own and reads the history; the Executive opens the approval page', async () => {
    const manager = await Person.open(browser, server.baseUrl);
    const bm = manager.page;
    await signIn(bm, 'business.manager@northmere.gov.uk');
    await bm.getByRole('link', { name: 'Annual report', exact: true }).click();
    await heading(bm, 'Annual report');
    await expect.poll(() => bm.getByRole('heading', { name: 'Sections you are writing' }).count()).toBe(1);
    await expectAccessible(bm, 'annual reports');

    await bm.getByRole('link', { name: title, exact: true }).click();
    await heading(bm, title);
    await expectAccessible(bm, 'annual report builder');
    const before = await contents(bm);
    expect(before.slice(0, 2)).toEqual(['Introduction', 'Foreword from the Executive']);
    expect(before).toContain('Domestic abuse and Operation Encompass');
    expect(await bm.getByRole('table', { name: 'Sections removed from the report' }).getByRole('rowheader', { name: 'Child death overview panel' }).count()).toBe(1);

    await bm.getByRole('button', { name: 'Move down Introduction' }).click();
    await bm.locator('.govuk-notification-banner', { hasText: 'Moved Introduction down.' }).waitFor();
    expect((await contents(bm)).slice(0, 2)).toEqual(['Foreword from the Executive', 'Introduction']);

    await bm.getByRole('link', { name: 'Add a section' }).click();
    await heading(bm, 'Add a section');
    await expectAccessible(bm, 'add a section');
    await bm.getByLabel('A section of your own').check();
    await bm.getByRole('button', { name: 'Add the section' }).click();
    await bm.locator('.govuk-error-summary', { hasText: 'Enter the section’s heading' }).waitFor();
    await expectAccessible(bm, 'add a section (errors)');
    await bm.getByLabel('A section of your own').check();
    await bm.getByLabel('Heading').fill('Private fostering');
    await bm.getByLabel('Who writes it').selectOption({ label: 'Rebecca Hall, Northmere Council' });
    await bm.getByLabel('Where does it go?').selectOption({ label: `After ${before.indexOf('Children in care') + 1}. Children in care` });
    await bm.getByRole('button', { name: 'Add the section' }).click();
    await bm.locator('.govuk-notification-banner', { hasText: 'Private fostering is added to the report.' }).waitFor();
    const after = await contents(bm);
    expect(after[after.indexOf('Children in care') + 1]).toBe('Private fostering');

    await bm.getByRole('link', { name: 'History of the report' }).click();
    await heading(bm, 'History of the report');
    await expectAccessible(bm, 'annual report history');
    const rows = bm.locator('table tbody tr');
    await expect.poll(() => rows.first().textContent()).toContain('Section added');
    expect(await rows.first().textContent()).toContain('Private fostering');
    expect(await bm.locator('table tbody', { hasText: 'Section moved' }).count()).toBe(1);
    expect(manager.cspErrors()).toEqual([]);
    await manager.close();

    const executive = await Person.open(browser, server.baseUrl);
    const ex = executive.page;
    await signIn(ex, 'director.childrens@northmere.gov.uk');
    await ex.getByRole('link', { name: 'Annual report', exact: true }).click();
    await heading(ex, 'Annual report');
    const lastYear = `Annual report ${Number(end.slice(0, 4)) - 2} to ${Number(end.slice(0, 4)) - 1}`;
    await ex.getByRole('link', { name: lastYear, exact: true }).click();
    await heading(ex, lastYear);
    const reportUrl = new URL(ex.url()).pathname;
    await ex.goto(`${reportUrl}/approval`);
    await heading(ex, `Approval of ${lastYear}`);
    const decisions = ex.getByRole('table', { name: 'Decisions on the report as sent' });
    await expect.poll(() => decisions.locator('tbody tr').count()).toBe(3);
    expect(await decisions.textContent()).toContain('Northmere and Eastholm Police');
    await expectAccessible(ex, 'annual report approval');
    await ex.goto('/reports/annual');
    await ex.getByRole('link', { name: title, exact: true }).click();
    await heading(ex, title);
    await ex.goto(`${new URL(ex.url()).pathname}/approval`);
    await heading(ex, `Approval of ${title}`);
    expect(await ex.getByText('The report is being drafted.').count()).toBe(1);
    await expectAccessible(ex, 'annual report approval (drafting)');
    await executive.close();
  });
});
