import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/platform/config';
import { startTestSmtp, type TestSmtp } from '../src/testing/smtp';
import type { TestDb } from '../src/testing/test-db';
import { demoDatabase, expectAccessible, hasChromium, heading, launchBrowser, Person, signIn } from './support';

/*
 * One enquiry from contact to decision, by the three people who share it: a social worker at the front
 * door records a police contact and sends it to the MASH, asks the police and health for their checks;
 * the police and the health MASH officers each answer from their own queue; the social worker reads
 * their answers and decides. The referrer's emails are read from a real SMTP server. Each page is
 * checked with axe.
 */

const POLICE = 'Northmere and Eastholm Police';
const HEALTH = 'Northmere Hospitals NHS Foundation Trust';

describe.skipIf(!hasChromium)('the front door and the MASH, three people and one enquiry', { timeout: 180_000 }, () => {
  let smtp: TestSmtp;
  let db: TestDb;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    db = await demoDatabase();
    app = await buildApp({ db: db.db, config: loadConfig({ NODE_ENV: 'test', SMTP_URL: smtp.url }) });
    baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.close();
    await smtp?.close();
  });

  it('goes from a police contact to a MASH decision with a referral, the referrer told', async () => {
    const worker = await Person.open(browser, baseUrl);
    const sw = worker.page;
    await signIn(sw, 'social.worker@northmere.gov.uk');

    // The front door: a police contact about a new child, sent to the MASH as red.
    await sw.goto('/front-door/contacts/new');
    await heading(sw, 'Record a contact');
    await sw.locator('#children-0-firstName').fill('Milo');
    await sw.locator('#children-0-lastName').fill('Quarrie');
    await sw.locator('#children-0-dob-day').fill('14');
    await sw.locator('#children-0-dob-month').fill('2');
    await sw.locator('#children-0-dob-year').fill('2018');
    await sw.locator('#referrer-name').fill('PC Jane Holt');
    await sw.locator('#referrer-email').fill('jane.holt@police.test');
    await sw.locator('#source').selectOption('6');
    await sw.locator('#reason').fill('Officers attended a report of shouting; Milo was found alone at 23:00 and his mother returned intoxicated.');
    await sw.getByLabel('Given', { exact: true }).check();
    await sw.getByRole('button', { name: 'Save the contact', exact: true }).click();
    await heading(sw, 'Contact about Milo Quarrie');
    await expectAccessible(sw, 'contact (flow)');
    await sw.getByLabel('MASH enquiry', { exact: true }).check();
    await sw.getByLabel('Red', { exact: true }).check();
    await sw.locator('#reason').fill('Possible neglect: the police and health hold information we need today.');
    await sw.getByRole('button', { name: 'Record the decision', exact: true }).click();
    await sw.locator('.govuk-notification-banner', { hasText: 'Decision recorded: MASH enquiry.' }).waitFor();

    // The MASH enquiry: checks asked of the police and health, due by the red timescale.
    await sw.getByRole('link', { name: /Red RAG rating, opened/ }).click();
    await heading(sw, 'Milo Quarrie');
    await sw.getByLabel(POLICE, { exact: true }).check();
    await sw.getByLabel(HEALTH, { exact: true }).check();
    await sw.getByRole('button', { name: 'Request checks' }).click();
    await sw.locator('table', { hasText: POLICE }).first().waitFor();
    await expectAccessible(sw, 'MASH enquiry with checks requested (flow)');
    const enquiryUrl = sw.url();

    // Each agency's MASH officer answers from their own queue.
    for (const [email, information, needToKnow] of [
      ['mash.police@nep.police.uk', 'Two previous call-outs to the address this year; mother known for alcohol-related incidents.', true],
      ['mash.health@nhs.net', 'Milo is registered with Riverside Surgery; missed his last two appointments.', false],
    ] as const) {
      const officer = await Person.open(browser, baseUrl);
      await signIn(officer.page, email);
      await officer.page.goto('/mash/checks');
      await heading(officer.page, 'MASH checks for your agency');
      await expectAccessible(officer.page, `MASH checks of ${email.split('@')[0]} (flow)`);
      await officer.page.getByRole('link', { name: /^Milo Quarrie/ }).click();
      await heading(officer.page, 'Milo Quarrie');
      await officer.page.getByLabel('What your agency knows about the children and their family').fill(information);
      if (needToKnow) await officer.page.getByLabel('Need to know: share only with the MASH team').check();
      await officer.page.getByRole('button', { name: 'Complete the check' }).click();
      await officer.page.locator('.govuk-notification-banner', { hasText: 'Check completed.' }).waitFor();
      // Answered: among the completed checks now.
      expect(await officer.page.locator('table').last().getByRole('link', { name: /^Milo Quarrie/ }).count()).toBe(1);
      await officer.close();
    }

    // Back at the MASH: both answers in, the decision, and a referral opened.
    await sw.goto(enquiryUrl);
    await sw.getByText('Two previous call-outs to the address this year').waitFor();
    await sw.getByText('missed his last two appointments').waitFor();
    expect(await sw.getByLabel('Decide without the outstanding checks').count()).toBe(0);
    await expectAccessible(sw, 'MASH enquiry with the agencies’ answers (flow)');
    await sw.getByLabel('Referral to children’s social care', { exact: false }).first().check();
    await sw.locator('#summary').fill('Police and health information shows a pattern of neglect: referral for a child and family assessment.');
    await sw.getByLabel('Include the summary in the referrer’s email').check();
    await sw.getByRole('button', { name: 'Record the decision' }).click();
    await sw.locator('.govuk-notification-banner', { hasText: '1 referral opened' }).waitFor();
    await expectAccessible(sw, 'MASH enquiry decided (flow)');

    const child = await db.db.selectFrom('child').select('id').where('first_name', '=', 'Milo').where('last_name', '=', 'Quarrie').executeTakeFirstOrThrow();
    const referrals = await db.db.selectFrom('referral').select(['referral_source']).where('child_id', '=', child.id).execute();
    expect(referrals).toEqual([{ referral_source: '6' }]);

    // The referrer hears twice: that the contact went to the MASH, then its outcome; with the child's
    // first name and initial only, and never the reason for the contact.
    const toReferrer = () => smtp.messages.filter((m) => m.to.includes('jane.holt@police.test'));
    await expect.poll(() => toReferrer().length, { timeout: 10_000 }).toBe(2);
    const [sent, outcome] = toReferrer();
    expect(sent!.text).toMatch(/multi-agency safeguarding hub/i);
    expect(outcome!.text).toContain('referral for a child and family assessment');
    for (const email of [sent!, outcome!]) {
      expect(email.text).toContain('Milo Q.');
      expect(email.text).not.toContain('Quarrie');
      expect(email.text).not.toContain('intoxicated');
    }
    await worker.close();
  });
});
