import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { addWorkingDays } from '../src/domain/calendar';
import { londonParts } from '../src/domain/london';
import { loadConfig } from '../src/platform/config';
import type { TestDb } from '../src/testing/test-db';
import { demoDatabase, expectAccessible, fillDate, hasChromium, heading, launchBrowser, Person, signIn } from './support';

/*
 * From a serious incident to an action completed with evidence, by the two people who share it: the
 * business manager records the incident, the decision to notify the National Panel and the rapid review,
 * and turns its recommendation into an action owned by the police; the police's safeguarding lead finds
 * the action in the tracker and completes it with evidence; the business manager sees it completed on the
 * review. Each page is checked with axe.
 */

const POLICE = 'Northmere and Eastholm Police';

function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

describe.skipIf(!hasChromium)('learning and assurance: a rapid review to an action completed with evidence', { timeout: 180_000 }, () => {
  let db: TestDb;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    db = await demoDatabase();
    app = await buildApp({ db: db.db, config: loadConfig({ NODE_ENV: 'test' }) });
    baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.close();
  });

  it('records a serious incident, its rapid review and a recommendation whose action the police complete', async () => {
    const today = londonParts(new Date()).date;
    const aware = daysBefore(today, 21);
    const notified = addWorkingDays(aware, 3);
    const rapidReview = addWorkingDays(notified, 10);
    const due = daysBefore(today, -60);

    const manager = await Person.open(browser, baseUrl);
    const bm = manager.page;
    await signIn(bm, 'business.manager@northmere.gov.uk');
    await bm.getByRole('link', { name: 'Assurance', exact: true }).click();
    await heading(bm, 'Learning and assurance');
    await expectAccessible(bm, 'assurance hub (flow)');
    await bm.getByRole('link', { name: 'Serious incidents and reviews' }).click();
    await bm.getByRole('button', { name: 'Record a serious incident' }).click();
    await heading(bm, 'Record a serious incident');

    await fillDate(bm, 'Date the partnership became aware', aware);
    await bm.getByLabel('What happened').fill('A baby of four months was taken to hospital with a fractured skull; the explanation given did not fit the injury.');
    await bm.getByRole('group', { name: 'Is abuse or neglect known or suspected?' }).getByLabel('Suspected', { exact: true }).check();
    await bm.getByRole('group', { name: 'Did the child die or were they seriously harmed?' }).getByLabel('The child was seriously harmed', { exact: true }).check();
    await bm.getByRole('group', { name: 'Agencies involved' }).getByLabel(POLICE, { exact: true }).check();
    await bm.getByRole('button', { name: 'Record the serious incident' }).click();
    const recorded = bm.locator('.govuk-notification-banner', { hasText: 'Serious incident recorded: SIN' });
    await recorded.waitFor();
    const sin = /SIN (\d{4}\/\d{2})/.exec(await recorded.innerText())![1]!;
    await expectAccessible(bm, 'serious incident recorded (flow)');

    // The decision to notify the National Panel, within its 5 working days.
    await bm.getByRole('button', { name: 'Record the decision to notify' }).click();
    await bm.getByRole('group', { name: 'Decision to notify' }).getByLabel('Notify the National Panel', { exact: true }).check();
    await bm.getByLabel('Reasons for the decision').fill('Serious harm to a non-mobile baby with abuse suspected: the criteria are met.');
    await fillDate(bm, 'Date of the decision', notified);
    await fillDate(bm, 'Date notified to the National Panel', notified);
    await bm.getByRole('button', { name: 'Save the decision' }).click();
    await bm.locator('.govuk-notification-banner', { hasText: `The review is now RR ${sin}` }).waitFor();

    // The rapid review, sent within its 15 working days.
    await bm.getByRole('button', { name: 'Record the rapid review' }).click();
    await fillDate(bm, 'Date of the rapid review meeting', rapidReview);
    await bm.getByRole('group', { name: 'Decision of the rapid review' }).getByLabel('No practice review', { exact: true }).check();
    await bm.getByLabel('Reasons for the rapid review decision').fill('The learning is known from the partnership’s review of bruising in non-mobile babies; a learning briefing and actions will address it.');
    await fillDate(bm, 'Date of the rapid review decision', rapidReview);
    await fillDate(bm, 'Date the rapid review was sent to the National Panel', rapidReview);
    await bm.getByRole('button', { name: 'Save the rapid review' }).click();
    await bm.locator('.govuk-notification-banner', { hasText: 'The rapid review is saved.' }).waitFor();
    await expectAccessible(bm, 'review after the rapid review (flow)');

    // The recommendation and its action, owned by the police.
    await bm.getByRole('button', { name: 'Add a recommendation' }).click();
    await heading(bm, 'Add a recommendation');
    await bm.getByLabel('Recommendation', { exact: true }).fill('Officers attending incidents recognise bruising in non-mobile babies as a safeguarding concern.');
    const action = bm.getByRole('group', { name: 'Action 1' });
    await action.getByLabel('What needs to be done').fill('Brief every response officer on the bruising protocol and add it to the attendance checklist.');
    await action.getByLabel('Agency that owns the action').selectOption({ label: POLICE });
    await fillDate(bm, 'Due date', due);
    await bm.getByRole('button', { name: 'Add the recommendation' }).click();
    await bm.locator('.govuk-notification-banner', { hasText: `Recommendation RR ${sin} R1 added with 1 action.` }).waitFor();
    await expectAccessible(bm, 'review with its recommendation (flow)');
    // Without the fragment, so that going back loads the page afresh.
    const reviewUrl = bm.url().split('#')[0]!;

    // The police's safeguarding lead finds the action among the police's and completes it with evidence.
    const police = await Person.open(browser, baseUrl);
    const lead = police.page;
    await signIn(lead, 'safeguarding.lead@nep.police.uk');
    await lead.goto('/assurance');
    await lead.getByText('Waiting for Northmere and Eastholm Police').waitFor();
    await expectAccessible(lead, 'assurance hub of an agency’s lead (flow)');
    await lead.getByRole('link', { name: 'Action tracker' }).click();
    await lead.getByRole('link', { name: 'My agency’s actions' }).click();
    await expectAccessible(lead, 'the police’s actions (flow)');
    await lead.getByRole('link', { name: `RR ${sin} R1`, exact: true }).click();
    await heading(lead, `RR ${sin} R1`);
    const status = lead.getByRole('group', { name: 'Status' });
    await status.getByLabel('Completed', { exact: true }).check();
    await lead.getByLabel('Progress note').fill('Briefing delivered at every response team’s shift briefing.');
    await lead.getByLabel('Evidence').fill('312 of 320 response officers briefed by 1 November; the checklist now asks about bruising in babies under six months.');
    await lead.getByRole('button', { name: 'Save update' }).click();
    await lead.locator('.govuk-notification-banner', { hasText: 'Status changed to completed.' }).waitFor();
    await expectAccessible(lead, 'action completed (flow)');

    // The business manager sees the action completed on the review.
    await bm.goto(reviewUrl);
    const row = bm.locator('tr', { hasText: 'Brief every response officer' });
    await row.getByText('Completed').first().waitFor();

    const stored = await db.db.selectFrom('action').select(['status', 'evidence', 'source', 'owner_agency_id'])
      .where('reference', '=', `RR ${sin} R1`).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ status: 'completed', source: 'review' });
    expect(stored.evidence).toContain('312 of 320');
    const history = await db.db.selectFrom('action_update').innerJoin('action', 'action.id', 'action_update.action_id')
      .innerJoin('app_user', 'app_user.id', 'action_update.user_id')
      .select(['action_update.status', 'app_user.email']).where('action.reference', '=', `RR ${sin} R1`).orderBy('action_update.at').execute();
    expect(history).toEqual([
      { status: 'open', email: 'business.manager@northmere.gov.uk' },
      { status: 'completed', email: 'safeguarding.lead@nep.police.uk' },
    ]);
    expect([...manager.cspErrors(), ...police.cspErrors()]).toEqual([]);
    await manager.close();
    await police.close();
  });
});
