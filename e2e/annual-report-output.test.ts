import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LA_CODE } from '../src/db/seed/demo';
import { docxBody, pdfInfo, pdfPagesText } from '../src/features/report-output/fixtures/read-outputs';
import { Person, expectAccessible, hasChromium, launchBrowser, signIn, startServer, type Server } from './support';

/*
 * The business manager previews the annual report being drafted, as partners will read it, then downloads
 * the public version as a PDF and the internal version as a Word document through the page's links: each
 * file is named for the partnership, year and version, and opens as what it claims to be.
 */

describe.skipIf(!hasChromium)('the annual report: preview and downloads', { timeout: 180_000 }, () => {
  let server: Server;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    dir = await mkdtemp(path.join(os.tmpdir(), 'beacon-report-e2e-'));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('previews the report and downloads it as a PDF and a Word document', async () => {
    const report = await server.db.db.selectFrom('annual_report as r').innerJoin('partnership as p', 'p.id', 'r.partnership_id')
      .select(['r.id', 'r.title', 'r.period_from', 'r.period_to']).where('p.la_code', '=', DEMO_LA_CODE).where('r.status', '=', 'drafting')
      .orderBy('r.period_to', 'desc').executeTakeFirstOrThrow();
    const year = `${report.period_from.slice(0, 4)}-${report.period_to.slice(2, 4)}`;
    const manager = await Person.open(browser, server.baseUrl);
    const { page } = manager;
    await signIn(page, 'business.manager@northmere.gov.uk');

    await page.goto(`/reports/annual/${report.id}/preview`);
    await expect.poll(() => page.locator('h1').textContent()).toBe(report.title);
    await expect.poll(() => page.locator('.beacon-report__draft').textContent()).toContain('Draft: not yet approved by the Executive');
    expect(await page.locator('nav.beacon-report__contents a').count()).toBe(await page.locator('section.beacon-report__section').count());
    await expectAccessible(page, 'annual report preview');

    // The contents take the reader to the section.
    const police = page.locator('nav.beacon-report__contents a', { hasText: /^Police$/ });
    await police.click();
    await expect.poll(() => page.url()).toMatch(/#section-\d+$/);

    // GOV.UK's visually hidden text is read with a space either side: "PDF , public version".
    const pdfLink = page.getByRole('link', { name: /^PDF\W+public version/ });
    const [pdfDownload] = await Promise.all([page.waitForEvent('download'), pdfLink.click()]);
    expect(pdfDownload.suggestedFilename()).toBe(`northmere-annual-report-${year}-public.pdf`);
    const pdfFile = path.join(dir, pdfDownload.suggestedFilename());
    await pdfDownload.saveAs(pdfFile);
    const pdf = await readFile(pdfFile);
    const info = await pdfInfo(pdf);
    expect(info.Title).toBe(report.title);
    expect(info.Tagged).toBe('yes');
    const text = (await pdfPagesText(pdf)).join('\n');
    expect(text).toContain('Public version: numbers from 1 to 5 are shown as c');
    expect(text).toContain('Police');

    const docxLink = page.getByRole('link', { name: /^Word document \(DOCX\)\W+internal version/ });
    const [docxDownload] = await Promise.all([page.waitForEvent('download'), docxLink.click()]);
    expect(docxDownload.suggestedFilename()).toBe(`northmere-annual-report-${year}-internal.docx`);
    const docxFile = path.join(dir, docxDownload.suggestedFilename());
    await docxDownload.saveAs(docxFile);
    const { body } = await docxBody(await readFile(docxFile));
    const headings = body.flatMap((b) => (b.kind === 'p' && b.style === 'Heading1' ? [b.text] : []));
    expect(headings).toEqual(await page.locator('section.beacon-report__section h2').allTextContents());

    // The public version's preview, one link away, is checked too.
    await page.getByRole('link', { name: 'Preview the public version' }).click();
    await expect.poll(() => page.locator('.govuk-inset-text p').first().textContent()).toContain('This is the public version');
    await expectAccessible(page, 'annual report preview (public version)');
    expect(manager.cspErrors()).toEqual([]);
    await manager.close();
  });
});
