import { existsSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { generate } from 'otplib';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { buildApp, type BeaconApp } from '../src/app';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS } from '../src/db/seed/demo';
import { loadConfig } from '../src/platform/config';
import { createDemoTestDb, type DemoTestDb } from '../src/testing/demo-db';
import type { TestDb } from '../src/testing/test-db';

/** Debian's chromium package; playwright's own browser downloads are not used. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM_PATH);

/** The WCAG 2.x A and AA rules the service is held to. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export type Server = { app: BeaconApp; db: TestDb; baseUrl: string; close(): Promise<void> };

/**
 * An in-memory PGlite of the caller's own with the demo partnership, seeded as of today: the browser tests' data.
 * It is seeded once per run and copied (src/testing/demo-db.ts), so a test file of its own costs little.
 */
export function demoDatabase(): Promise<DemoTestDb> {
  return createDemoTestDb('pglite', { children: 60 });
}

/** The real app on an ephemeral loopback port, over an in-memory PGlite with the demo partnership. */
export async function startServer(): Promise<Server> {
  const db = await demoDatabase();
  // Behind a (pretend) proxy: each person's browser gives its own address, as people at their own desks do,
  // so the per-address sign-in limit counts each person, not the whole suite.
  const app = await buildApp({ db: db.db, config: loadConfig({ NODE_ENV: 'test', TRUST_PROXY: 'true' }) });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, db, baseUrl: address, close: async () => { await app.close(); await db.close(); } };
}

/**
 * A file's tests of the app in a browser (call it inside the describe): one server and one browser for them all,
 * and each test's people, after whom nothing their pages loaded may have been refused by the
 * Content-Security-Policy and no script on them may have thrown. (Console errors for 4xx answers are expected.)
 */
export function browserTests(): { person: () => Promise<Person>; demoDb: () => TestDb['db'] } {
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
  afterEach(async () => {
    const all = people.splice(0);
    const refused = all.flatMap((p) => p.cspErrors());
    const thrown = all.flatMap((p) => p.pageErrors);
    await Promise.all(all.map((p) => p.close()));
    expect(refused, `Content-Security-Policy console errors:\n${refused.join('\n')}`).toEqual([]);
    expect(thrown, `Uncaught script errors:\n${thrown.join('\n')}`).toEqual([]);
  });
  return {
    person: async () => {
      const p = await Person.open(browser, server.baseUrl);
      people.push(p);
      return p;
    },
    demoDb: () => server.db.db,
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export function demoUser(email: string) {
  const user = DEMO_USERS.find((u) => u.email === email);
  if (!user) throw new Error(`No demo user ${email}`);
  return user;
}

/**
 * A person at a browser: one context (their own cookies), one page, and every console error and
 * uncaught page error the page produced, so a test can assert the Content-Security-Policy refused nothing.
 */
export class Person {
  consoleErrors: string[] = [];
  /** Uncaught exceptions in the page's scripts. */
  pageErrors: string[] = [];
  private constructor(public context: BrowserContext, public page: Page) {
    page.on('console', (msg) => { if (msg.type() === 'error') this.consoleErrors.push(`${page.url()}: ${msg.text()}`); });
    page.on('pageerror', (err) => this.pageErrors.push(`${page.url()}: ${err.message}`));
  }

  private static opened = 0;

  static async open(browser: Browser, baseUrl: string): Promise<Person> {
    // An address of the documentation range (TEST-NET-2) for each person: see startServer.
    const n = ++Person.opened;
    const context = await browser.newContext({ baseURL: baseUrl, extraHTTPHeaders: { 'x-forwarded-for': `198.51.100.${n % 250 + 1}` } });
    return new Person(context, await context.newPage());
  }

  /** Console errors that say the Content-Security-Policy blocked something. */
  cspErrors(): string[] {
    return this.consoleErrors.filter((e) => /content security policy|content-security-policy|refused to (load|execute|apply)/i.test(e));
  }

  async close() { await this.context.close(); }
}

const lastCodeStep = new Map<string, number>();

/** Signs in at /sign-in with the demo password and a fresh code from the demo authenticator, as a person would. */
export async function signIn(page: Page, email: string, check?: { signIn?: () => Promise<void>; mfa?: () => Promise<void> }) {
  await page.goto('/sign-in');
  await check?.signIn?.();
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/sign-in/mfa');
  await check?.mfa?.();
  // Each code is accepted once per person, and the service takes the code of the period before or after the
  // current one too (an authenticator's clock a little out): a second sign-in of the same person within a period
  // gives the next period's code, as an authenticator a little ahead would; a third waits for the next period.
  const now = () => Math.floor(Date.now() / 30_000);
  const step = Math.max(now(), (lastCodeStep.get(email) ?? -1) + 1);
  if (step > now() + 1) await new Promise((r) => setTimeout(r, (step - 1) * 30_000 - Date.now() + 100));
  lastCodeStep.set(email, step);
  await page.locator('#code').fill(await generate({ secret: DEMO_TOTP_SECRET, epoch: step * 30 }));
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/');
  await expect.poll(() => page.locator('h1').textContent()).toBe(`Welcome, ${demoUser(email).name}`);
}

/** Page types checked with axe in this run, for the closing summary. */
export const checkedPages: string[] = [];

/** Runs axe over the page with the WCAG A/AA rules and fails with a readable list of every violation. */
export async function expectAccessible(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  checkedPages.push(label);
  const report = results.violations.map((v) => [
    `• ${v.id} (${v.impact ?? 'unknown impact'}): ${v.help}`,
    `  ${v.helpUrl}`,
    ...v.nodes.map((n) => `  - ${n.target.join(' ')}\n    ${n.html}\n    ${(n.failureSummary ?? '').replace(/\n/g, '\n    ')}`),
  ].join('\n'));
  expect(report, `axe found ${results.violations.length} WCAG violation(s) on the ${label} page (${page.url()}):\n${report.join('\n')}`).toEqual([]);
}

/** GOV.UK Frontend's JavaScript ran: it needs the nonce'd inline script and the external module, so the CSP let both through. */
export async function expectFrontendJsRan(page: Page) {
  await expect.poll(() => page.locator('body').getAttribute('class')).toContain('govuk-frontend-supported');
}

/** Waits for the page whose h1 says this: the page a click or a form has led to. */
export async function heading(page: Page, text: string | RegExp) {
  await page.locator('h1', { hasText: text }).first().waitFor();
}

/** Fills a GOV.UK date input, found by its fieldset's legend, with an ISO date. */
export async function fillDate(page: Page, group: string, date: string) {
  const [year, month, day] = date.split('-');
  const fieldset = page.getByRole('group', { name: group, exact: true });
  await fieldset.getByLabel('Day').fill(String(Number(day)));
  await fieldset.getByLabel('Month').fill(String(Number(month)));
  await fieldset.getByLabel('Year').fill(year!);
}

function hasFocus(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => el === el.ownerDocument.activeElement);
}

/** The GOV.UK error summary: shown, focused, and each of its links leads to a field on the page. */
export async function expectErrorSummary(page: Page, messages: string[]) {
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
export async function followErrorLink(page: Page, message: string, fieldId: string) {
  await page.locator('.govuk-error-summary__list a', { hasText: message }).click();
  await expect.poll(() => hasFocus(page.locator(`#${fieldId}`)), { message: `focus on #${fieldId}` }).toBe(true);
}
