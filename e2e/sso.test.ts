import net from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type BeaconApp } from '../src/app';
import { loadConfig } from '../src/platform/config';
import { startTestProvider, type TestProvider } from '../src/testing/oidc-provider';
import type { TestDb } from '../src/testing/test-db';
import { demoDatabase, expectAccessible, hasChromium, heading, launchBrowser, Person, signIn } from './support';

/*
 * Single sign-on in the browser: the partnership administrator sets up the police's identity provider
 * (a real oidc-provider on a loopback port); a detective new to Beacon signs in with their organisation,
 * waits for approval, is approved with a role, and signs in again; a safeguarding lead already known to
 * Beacon signs in with the provider's second factor. Each of Beacon's pages on the way is checked with axe.
 */

const ADMIN = 'admin@northmere.gov.uk';
const SECRET = 'the-police-provider-secret-for-beacon';

/** A free loopback port, so Beacon's address (and so its redirect URI) is known before it starts. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.skipIf(!hasChromium)('single sign-on with a partner agency’s identity provider', { timeout: 240_000 }, () => {
  let db: TestDb;
  let app: BeaconApp;
  let provider: TestProvider;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    provider = await startTestProvider({
      clientId: 'beacon', clientSecret: SECRET, redirectUri: `${baseUrl}/sign-in/organisation/callback`,
      accounts: [
        { sub: 'dc-new', email: 'dc.new@nep.police.uk', email_verified: true, name: 'DC Amira Khan' },
        { sub: 'lead', email: 'safeguarding.lead@nep.police.uk', email_verified: true, name: 'DI Claire Hughes' },
      ],
    });
    db = await demoDatabase();
    app = await buildApp({ db: db.db, config: loadConfig({ NODE_ENV: 'test', TRUST_PROXY: 'true', PUBLIC_URL: baseUrl }) });
    await app.listen({ port, host: '127.0.0.1' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.close();
    await provider?.close();
  });

  it('the administrator sets it up; a new detective waits for approval, is approved and signs in; a known lead signs in', async () => {
    const admin = await Person.open(browser, baseUrl);
    const a = admin.page;
    await signIn(a, ADMIN);
    await a.getByRole('link', { name: 'Partnership', exact: true }).click();
    await a.getByRole('link', { name: /single sign-on for Northmere and Eastholm Police/ }).click();
    await heading(a, 'Single sign-on');
    await expectAccessible(a, 'agency single sign-on set-up');
    await a.getByLabel('Issuer URL').fill('https://');
    await a.getByLabel('Client ID').fill('beacon');
    await a.getByRole('button', { name: 'Save single sign-on' }).click();
    await a.locator('.govuk-error-summary').waitFor();
    await expectAccessible(a, 'agency single sign-on with errors');
    await a.getByLabel('Issuer URL').fill(provider.issuer);
    await a.getByLabel('Client secret').fill(SECRET);
    await a.getByRole('group', { name: /still sign in with a Beacon password/ }).getByLabel('Yes', { exact: true }).check();
    await a.getByRole('group', { name: 'Turn single sign-on on?' }).getByLabel('Yes', { exact: true }).check();
    await a.getByRole('button', { name: 'Save single sign-on' }).click();
    await a.getByText('Single sign-on saved and turned on.').waitFor();
    await expect.poll(() => a.locator('main').textContent()).toContain('Saved (not shown)');

    const detective = await Person.open(browser, baseUrl);
    const d = detective.page;
    await d.goto('/sign-in');
    await d.getByRole('button', { name: 'Sign in with your organisation' }).click();
    await heading(d, 'What is your work email address?');
    await expectAccessible(d, 'sign in with your organisation');
    await d.getByLabel('What is your work email address?').fill('someone@example.org');
    await d.getByRole('button', { name: 'Continue' }).click();
    await d.locator('.govuk-error-summary').waitFor();
    await expectAccessible(d, 'sign in with your organisation, with an error');
    await d.getByLabel('What is your work email address?').fill('dc.new@nep.police.uk');
    await d.getByRole('button', { name: 'Continue' }).click();
    // At the provider's own sign-in page.
    await d.waitForURL((url) => url.origin === provider.issuer);
    await d.locator('input[name=login]').fill('dc-new');
    await d.getByRole('button', { name: 'Sign in' }).click();
    await heading(d, 'Your account is waiting for approval');
    await expectAccessible(d, 'waiting for approval');

    await a.goto('/admin/users');
    await a.getByRole('table', { name: /Waiting for approval/ }).waitFor();
    await a.getByRole('link', { name: 'DC Amira Khan' }).click();
    await heading(a, 'DC Amira Khan');
    await expectAccessible(a, 'account request');
    await a.getByRole('button', { name: 'Approve' }).click();
    await a.locator('.govuk-error-summary').waitFor();
    await a.getByLabel('Practitioner (training only)').check();
    await a.getByRole('button', { name: 'Approve' }).click();
    await a.getByText('DC Amira Khan can now sign in.').waitFor();

    await d.goto('/sign-in/organisation');
    await d.getByLabel('What is your work email address?').fill('dc.new@nep.police.uk');
    await d.getByRole('button', { name: 'Continue' }).click();
    // The provider remembers them: straight back to Beacon, signed in.
    await d.waitForURL((url) => url.origin === baseUrl && url.pathname === '/');
    await heading(d, 'Welcome, DC Amira Khan');

    const lead = await Person.open(browser, baseUrl);
    const l = lead.page;
    await l.goto('/sign-in/organisation');
    await l.getByLabel('What is your work email address?').fill('safeguarding.lead@nep.police.uk');
    await l.getByRole('button', { name: 'Continue' }).click();
    await l.waitForURL((url) => url.origin === provider.issuer);
    await l.locator('input[name=login]').fill('lead');
    await l.getByRole('button', { name: 'Sign in' }).click();
    // No second factor at the provider's page: Beacon asks for its own code.
    await l.waitForURL((url) => url.pathname === '/sign-in/mfa');
    for (const p of [admin, detective, lead]) expect(p.cspErrors()).toEqual([]);
    for (const p of [admin, detective, lead]) await p.close();
  });
});
