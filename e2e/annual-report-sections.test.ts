import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, expectFrontendJsRan, hasChromium, heading, launchBrowser, Person, type Server, signIn, startServer } from './support';

/*
 * A section of the annual report from its owner's draft to its acceptance: the ICB's designated nurse,
 * who owns the Neglect Working Group's section, writes it after an error and submits it; the business
 * manager accepts it, rewords a sentence of "What does our data tell us?" and reads how a section changed
 * between two versions. Each page is checked with axe.
 */

const NURSE = 'designated.nurse@nhs.net';
const MANAGER = 'business.manager@northmere.gov.uk';

describe.skipIf(!hasChromium)('annual report sections: drafting, review and reworded figures', { timeout: 240_000 }, () => {
  let server: Server;
  let browser: Browser;
  let sectionUrl: (key: string) => Promise<string>;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const report = await server.db.db.selectFrom('annual_report').select('id').where('status', '=', 'drafting').executeTakeFirstOrThrow();
    sectionUrl = async (key) => {
      const s = await server.db.db.selectFrom('report_section').select('id').where('report_id', '=', report.id).where('catalogue_key', '=', key).executeTakeFirstOrThrow();
      return `/reports/annual/${report.id}/sections/${s.id}`;
    };
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the owner drafts a section after an error and submits it; the business manager accepts it, rewords a sentence and compares versions', async () => {
    const neglect = await sectionUrl('subgroup_neglect');
    const nurse = await Person.open(browser, server.baseUrl);
    const n = nurse.page;
    await signIn(n, NURSE);
    await n.goto(neglect);
    await heading(n, 'Neglect Working Group');
    await expect.poll(() => n.locator('main').textContent()).toContain('Not written yet.');
    await expectAccessible(n, 'report section (written, not started)');

    await n.getByRole('button', { name: 'Edit Neglect Working Group' }).click();
    await heading(n, 'Edit: Neglect Working Group');
    await expectFrontendJsRan(n);
    const text = n.getByLabel('The section’s text');
    await expect.poll(() => text.inputValue()).toContain('## What we did well');
    await text.fill('');
    await n.getByRole('button', { name: 'Save', exact: true }).click();
    await n.locator('.govuk-error-summary', { hasText: 'Enter the section’s text' }).waitFor();
    await expectAccessible(n, 'report section edit (with an error)');
    await n.locator('.govuk-error-summary').getByRole('link', { name: 'Enter the section’s text' }).click();
    await expect.poll(() => n.evaluate(() => document.activeElement?.id)).toBe('body');

    await text.fill([
      '## What we did well',
      '',
      '- Finished the strengths and needs toolkit and trained 140 practitioners to use it',
      '- Audited neglect cases every four months with the Quality Assurance subgroup',
      '',
      '## Future objectives',
      '',
      '- Bring the toolkit into early help assessments',
    ].join('\n'));
    await n.getByLabel('What changed (optional)').fill('First draft from the working group');
    await n.getByRole('button', { name: 'Save', exact: true }).click();
    await n.locator('.govuk-notification-banner', { hasText: 'Version 1 saved.' }).waitFor();
    await n.getByRole('heading', { name: 'Future objectives', level: 3 }).waitFor();
    await n.getByRole('button', { name: 'Submit for review' }).click();
    await n.locator('.govuk-notification-banner', { hasText: 'is submitted for review' }).waitFor();
    await expect.poll(() => n.locator('.govuk-summary-list').textContent()).toContain('Submitted for review');
    await expectAccessible(n, 'report section (written, submitted)');
    expect(nurse.cspErrors()).toEqual([]);
    await nurse.close();

    const manager = await Person.open(browser, server.baseUrl);
    const bm = manager.page;
    await signIn(bm, MANAGER);
    await bm.goto(neglect);
    await bm.getByRole('heading', { name: 'Review this section' }).waitFor();
    await expectAccessible(bm, 'report section (review)');
    await bm.getByRole('button', { name: 'Accept the section' }).click();
    await bm.locator('.govuk-notification-banner', { hasText: 'is accepted' }).waitFor();
    await expect.poll(() => bm.locator('.govuk-summary-list').textContent()).toContain('Accepted');

    // The data section, with the business manager's earlier rewording, and its public version.
    const data = await sectionUrl('data_tell_us');
    await bm.goto(data);
    await heading(bm, 'What does our data tell us?');
    await expect.poll(() => bm.locator('main').textContent()).toContain('partners recorded the following');
    await bm.locator('.govuk-details__summary', { hasText: 'Public version' }).click();
    await expect.poll(() => bm.locator('.govuk-details').getAttribute('open')).not.toBeNull();
    await expectAccessible(bm, 'report section (data)');
    await bm.getByRole('button', { name: 'Reword sentences' }).click();
    await heading(bm, 'Reword the sentences: What does our data tell us?');
    await expectAccessible(bm, 'report section sentences');
    const missing = bm.locator('textarea').filter({ hasText: /went missing|No child went missing/ }).first();
    const generated = await missing.inputValue();
    await missing.fill('');
    await bm.getByRole('button', { name: 'Save the sentences' }).click();
    await bm.locator('.govuk-error-summary', { hasText: 'Enter the sentence in place of' }).waitFor();
    await expectAccessible(bm, 'report section sentences (with an error)');
    const reworded = `Missing from home or care: ${generated.charAt(0).toLowerCase()}${generated.slice(1)}`;
    await bm.locator('textarea.govuk-textarea--error').fill(reworded);
    await bm.getByLabel('What changed (optional)').fill('The missing children sentence');
    await bm.getByRole('button', { name: 'Save the sentences' }).click();
    await bm.locator('.govuk-notification-banner', { hasText: 'Version 2 saved' }).waitFor();
    await expect.poll(() => bm.locator('main').textContent()).toContain(reworded);

    // The CSPR group's section in its third version, compared with its second.
    const cspr = await sectionUrl('subgroup_cspr');
    await bm.goto(cspr);
    await bm.getByRole('link', { name: 'Version 3' }).click();
    await heading(bm, /^Version 3: /);
    await bm.getByRole('table', { name: /Line by line, version 2 to version 3/ }).waitFor();
    await expect.poll(() => bm.locator('table').last().textContent()).toMatch(/Added/);
    await expectAccessible(bm, 'report section version comparison');
    expect(manager.cspErrors()).toEqual([]);
    expect(manager.pageErrors).toEqual([]);
    await manager.close();
  });
});
