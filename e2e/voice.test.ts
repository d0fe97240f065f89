import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonParts } from '../src/domain/london';
import { expectAccessible, fillDate, hasChromium, heading, launchBrowser, Person, type Server, signIn, startServer } from './support';

/*
 * The voice of the child from a young person's words to the annual report: a social worker records a
 * quote from a review meeting, after the form tells her a theme is missing; the business manager opens
 * the report being drafted, from its voice of the child section, chooses the quote into it and moves it
 * up. Each page (the list with its chart, the form, the entry, the choosing page) is checked with axe.
 */

const WORKER = 'social.worker@northmere.gov.uk';
const MANAGER = 'business.manager@northmere.gov.uk';
const TITLE = 'Being asked what I think';

describe.skipIf(!hasChromium)('the voice of the child: a quote recorded and chosen into the annual report', { timeout: 240_000 }, () => {
  let server: Server;
  let browser: Browser;
  let report: { id: string; period_from: string; period_to: string };
  let voiceSection: string;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    report = await server.db.db.selectFrom('annual_report').select(['id', 'period_from', 'period_to']).where('status', '=', 'drafting').executeTakeFirstOrThrow();
    const section = await server.db.db.selectFrom('report_section').select('id').where('report_id', '=', report.id).where('catalogue_key', '=', 'voice').executeTakeFirstOrThrow();
    voiceSection = `/reports/annual/${report.id}/sections/${section.id}`;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a social worker records a quote after an error; the business manager chooses it into the report and moves it up', async () => {
    // Collected within the report's period, so the report's choosing page offers it.
    const collected = report.period_to;
    const today = londonParts(new Date()).date;

    const worker = await Person.open(browser, server.baseUrl);
    const w = worker.page;
    await signIn(w, WORKER);
    await w.getByRole('link', { name: 'Voice of the child', exact: true }).click();
    await heading(w, 'Voice of the child');
    await w.getByRole('img', { name: /Entries by theme/ }).waitFor();
    await w.getByRole('table', { name: 'Entries by theme' }).waitFor();
    await expectAccessible(w, 'voice of the child list with its chart');

    await w.getByRole('link', { name: 'Record the voice of the child' }).click();
    await heading(w, 'Record the voice of the child');
    await expectAccessible(w, 'voice of the child form');
    await w.getByRole('group', { name: 'What kind of views are these?' }).getByLabel('Quote', { exact: true }).check();
    await w.getByLabel('Title', { exact: true }).fill(TITLE);
    await w.getByLabel('What they said').fill('They asked me first this time.\nI got to say where I wanted to live.');
    await w.getByLabel('Source (optional)').fill('Child in care review');
    await fillDate(w, 'Date collected', collected);
    await w.getByLabel('Age range (optional)').selectOption('13_to_15');
    await w.getByRole('group', { name: 'Consent to use it' }).getByLabel('Given', { exact: true }).check();
    await w.getByRole('group', { name: 'Who gave consent' }).getByLabel('The young person', { exact: true }).check();
    await fillDate(w, 'Date consent was recorded', today);
    await w.getByLabel('I have anonymised this: no names, no details that identify the child').check();
    await w.getByRole('button', { name: 'Save the entry' }).click();
    const summary = w.locator('.govuk-error-summary', { hasText: 'Select at least one theme' });
    await summary.waitFor();
    await expectAccessible(w, 'voice of the child form (with an error)');
    // What was entered is kept.
    await expect.poll(() => w.getByLabel('Title', { exact: true }).inputValue()).toBe(TITLE);
    await summary.getByRole('link', { name: 'Select at least one theme' }).click();
    await w.getByRole('group', { name: 'Themes' }).getByLabel('Being listened to and heard', { exact: true }).check();
    await w.getByRole('group', { name: 'Themes' }).getByLabel('Being in care', { exact: true }).check();
    await w.getByRole('button', { name: 'Save the entry' }).click();
    await w.locator('.govuk-notification-banner', { hasText: 'Quote recorded.' }).waitFor();
    await heading(w, TITLE);
    await expect.poll(() => w.locator('main').textContent()).toContain('May appear in the public version');
    await expectAccessible(w, 'voice of the child entry');
    expect(worker.cspErrors()).toEqual([]);
    await worker.close();

    const manager = await Person.open(browser, server.baseUrl);
    const m = manager.page;
    await signIn(m, MANAGER);
    await m.goto(voiceSection);
    await m.getByRole('link', { name: /Choose entries/ }).click();
    await heading(m, 'The voice of the child');
    const chosen = m.getByRole('table', { name: 'Entries chosen for the report, in order' });
    const before = await chosen.locator('tbody tr').count();
    await m.getByRole('group', { name: /not yet chosen/ }).getByLabel(TITLE, { exact: true }).check();
    await m.getByRole('button', { name: 'Add to the report' }).click();
    await m.locator('.govuk-notification-banner', { hasText: '1 entry added to the report.' }).waitFor();
    await expect.poll(() => chosen.locator('tbody tr').count()).toBe(before + 1);
    await expect.poll(() => chosen.locator('tbody tr').last().textContent()).toContain(TITLE);
    // GOV.UK's visually hidden text is padded with spaces of its own: the name is matched loosely.
    await m.getByRole('button', { name: new RegExp(`^Move up\\W+${TITLE}`) }).click();
    await expect.poll(() => chosen.locator('tbody tr').nth(before - 1).textContent()).toContain(TITLE);
    await expectAccessible(m, 'choosing the voice of the child for a report');
    expect(manager.cspErrors()).toEqual([]);
    await manager.close();
  });
});
