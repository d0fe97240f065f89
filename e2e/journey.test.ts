import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays } from '../src/domain/calendar';
import { CHROMIUM_PATH, Person, expectAccessible, hasChromium, launchBrowser, signIn, startServer, type Server } from './support';

/*
 * A social worker records a child's journey in the browser and reads the statutory timescales back:
 * an assessment authorised on working day 46 shows as late, a conference on working day 15 as on time.
 */

if (!hasChromium) console.warn(`Skipping the journey browser test: ${CHROMIUM_PATH} not found.`);

const isoDaysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

async function fillDate(page: Page, name: string, iso: string) {
  const [y, m, d] = iso.split('-');
  await page.locator(`#${name}-day`).fill(String(Number(d)));
  await page.locator(`#${name}-month`).fill(String(Number(m)));
  await page.locator(`#${name}-year`).fill(y!);
}

async function addRecord(page: Page, childId: string, title: string) {
  await page.goto(`/children/${childId}`);
  await page.getByRole('button', { name: 'Add a record' }).click();
  await page.getByRole('link', { name: title, exact: true }).click();
  await page.locator('h1', { hasText: title }).waitFor();
}

async function save(page: Page, title: string) {
  await page.getByRole('button', { name: `Save ${title.toLowerCase()}` }).click();
  await page.locator('.govuk-notification-banner', { hasText: `${title} saved.` }).waitFor();
}

describe.skipIf(!hasChromium)('recording a journey in a browser', { timeout: 90_000 }, () => {
  let server: Server;
  let browser: Browser;
  let person: Person;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    person = await Person.open(browser, server.baseUrl);
  });
  afterAll(async () => {
    await person?.close();
    await browser?.close();
    await server?.close();
  });

  it('shows an assessment authorised on working day 46 as late and a conference on working day 15 as on time', async () => {
    const { page } = person;
    // A child of the demo partnership with no referral yet, born well before the dates used here.
    const child = await server.db.db.selectFrom('child as c').innerJoin('partnership as p', 'p.id', 'c.partnership_id')
      .select(['c.id']).where('p.la_code', '=', '990').where('c.date_of_birth', '<', isoDaysAgo(400))
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('referral as r').select('r.id').whereRef('r.child_id', '=', 'c.id'))))
      .limit(1).executeTakeFirstOrThrow();
    const referral = isoDaysAgo(100);
    const authorised = addWorkingDays(referral, 46);
    const concern = addWorkingDays(referral, 3);
    const conference = addWorkingDays(concern, 15);

    await signIn(page, 'social.worker@northmere.gov.uk');

    await addRecord(page, child.id, 'Referral');
    await page.getByRole('button', { name: 'Save referral' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    await expectAccessible(page, 'record form with errors');
    await fillDate(page, 'referral_date', referral);
    await page.locator('#referral_source').selectOption('6');
    await page.locator('#primary_need').selectOption('N1');
    await save(page, 'Referral');

    await addRecord(page, child.id, 'Assessment');
    await expectAccessible(page, 'assessment form');
    await page.locator('#parentId').selectOption({ label: `Referral of ${referral}` });
    await fillDate(page, 'start_date', referral);
    await fillDate(page, 'authorisation_date', authorised);
    await save(page, 'Assessment');

    await addRecord(page, child.id, 'Strategy discussion');
    await page.locator('#parentId').selectOption({ label: `Referral of ${referral}` });
    await fillDate(page, 'concern_date', concern);
    await fillDate(page, 'discussion_date', concern);
    await page.locator('#s47_initiated').check();
    await save(page, 'Strategy discussion');

    await addRecord(page, child.id, 'Initial child protection conference');
    await page.locator('#parentId').selectOption({ label: `Referral of ${referral}` });
    await fillDate(page, 'conference_date', conference);
    await page.locator('#resulted_in_plan').check();
    await save(page, 'Initial child protection conference');

    const row = (name: string) => page.locator('#timescales + table tr', { has: page.locator('td', { hasText: new RegExp(`^${name}$`) }) });
    await expect.poll(() => row('Assessment').locator('.govuk-tag').textContent()).toContain('Met late');
    expect(await row('Initial child protection conference').locator('.govuk-tag').textContent()).toContain('Met on time');
    await expectAccessible(page, 'child record with timescales and chronology');
    expect(person.cspErrors()).toEqual([]);
  });
});
