import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../src/db/seed/demo';
import { ROLES, type Scope } from '../src/platform/permissions';
import { linksOf, routeMatcher } from '../src/fuzz/crawl';
import { formulaCells, PAYLOADS, plantPayloads, showsPayloadAsText, xssSignals, XSS_MARK, type PlantResult } from '../src/testing/xss';
import { demoUser, expectAccessible, hasChromium, launchBrowser, Person, startServer, type Server } from './support';

/*
 * Stored cross-site scripting (issue 10, point 5). After the demo seed, payloads that break out of every
 * context a page can put text in are written into every text column of every table, and through the real
 * forms of the main workflows; then every page of the app is visited in Chromium, each by a demo person
 * allowed to see it, found by following links from their home page. Every page is read for any sign that
 * a payload ran or became markup, the Content-Security-Policy refused nothing, and payloads show as the
 * text they are. The annual report's HTML download, the outbox's messages and the CSV exports are checked
 * too. XSS_AXE=all runs axe on every page (by default on a sample of the pages richest in user text).
 */

/** GET routes not visited here, and why. A new route must be visited (linked from a page) or listed. */
const NOT_VISITED: Record<string, string> = {
  'GET /health': 'JSON, not a page',
  'GET /assets/*': 'static file', 'GET /stylesheets/*': 'static file', 'GET /javascripts/*': 'static file', 'GET /govuk/*': 'static file',
  'GET /api/openapi.json': 'JSON, not a page',
  'GET /api/v1/contacts/:id': 'JSON for a partner system\'s bearer token, not a page',
  'GET /sign-in/organisation/callback': 'the identity provider\'s redirect back, which needs a sign-in under way (tested in e2e/sso.test.ts)',
  'GET /register/verify': 'the link in a verification email, which needs its token',
  'GET /reviews/:id/children': 'needs both assurance.manage and child.read, which no role holds (the authorisation matrix allows no one)',
  'GET /returns/imports/:runId/progress': 'JSON polled by the import page, not a page',
  'GET /returns/imports/:runId/issues.json': 'JSON, not a page',
  'GET /training/bookings/:id/certificate.pdf': 'a PDF',
  'GET /partner-data/template.csv': 'a fixed template: no user text in it',
};

/**
 * Pages linked only from some records' pages (a review at a later stage, a round not yet started), or from
 * nowhere: reached by an address made from the database's ids instead, by the first person allowed.
 */
const BY_ID: Record<string, string> = {
  'GET /returns/imports/:runId/issues': `select '/returns/imports/' || import_run_id || '/issues' from validation_issue`,
  'GET /returns/imports/:runId/issues.csv': `select '/returns/imports/' || import_run_id || '/issues.csv' from validation_issue`,
  'GET /dashboard/across': `select '/dashboard/across'`,
  'GET /dashboard/indicators/:code/children': `select '/dashboard/indicators/referrals/children'`,
  'GET /governance/meetings/:id/items/:itemId': `select '/governance/meetings/' || meeting_id || '/items/' || id from meeting_item`,
  'GET /audits/rounds/:id/date': `select '/audits/rounds/' || id || '/date' from audit_round order by status = 'planned' desc`,
  'GET /audits/rounds/:id/start': `select '/audits/rounds/' || id || '/start' from audit_round order by status = 'planned' desc`,
  'GET /audits/rounds/:id/cases/:caseId': `select '/audits/rounds/' || round_id || '/cases/' || id from audit_case`,
  'GET /audits/rounds/:id/findings/new': `select '/audits/rounds/' || round_id || '/findings/new' from audit_finding`,
  'GET /audits/rounds/:id/findings/:findingId': `select '/audits/rounds/' || round_id || '/findings/' || id from audit_finding`,
  'GET /reviews/:id/rapid-review': `select '/reviews/' || id || '/rapid-review' from review where notify_decision is not null`,
  'GET /reviews/:id/practice-review': `select '/reviews/' || id || '/practice-review' from review where cspr_commissioned_on is not null`,
  'GET /reviews/:id/milestones/new': `select '/reviews/' || id || '/milestones/new' from review where cspr_commissioned_on is not null`,
  'GET /reviews/:id/milestones/:milestoneId': `select '/reviews/' || review_id || '/milestones/' || id from review_milestone`,
  'GET /reviews/:id/children': `select '/reviews/' || id || '/children' from review where closed_on is null`,
  'GET /reviews/:id/recommendations/new': `select '/reviews/' || id || '/recommendations/new' from review where closed_on is null and rr_decision is not null`,
  'GET /reviews/:id/briefings/:briefingId': `select '/reviews/' || review_id || '/briefings/' || id from learning_briefing`,
  'GET /reviews/:id/briefings/:briefingId/edit': `select '/reviews/' || review_id || '/briefings/' || id || '/edit' from learning_briefing`,
  'GET /reviews/:id/close': `select '/reviews/' || id || '/close' from review where closed_on is null and rr_decision is not null`,
  'GET /reports/annual/:id/sections/:sectionId/sentences': `select '/reports/annual/' || s.report_id || '/sections/' || s.id || '/sentences' from report_section s join annual_report r on r.id = s.report_id where s.kind = 'data' and s.removed_at is null order by r.status = 'drafting' desc`,
  'GET /reports/annual/:id/approval': `select '/reports/annual/' || id || '/approval' from annual_report`,
  'GET /reports/annual/:id/voice': `select '/reports/annual/' || id || '/voice' from annual_report`,
  'GET /reports/annual/:id/preview': `select '/reports/annual/' || id || '/preview' from annual_report`,
};

/** Downloads: the CSV exports are checked for formula injection, the annual report's HTML download in the browser. */
const DOWNLOAD = /\.(csv|xlsx|json|pdf|docx|ics|html)(\?|$)|\/download\?/;

/** Pages where a payload is certainly in a field the page shows: each must show it as text. */
const SHOWS_TEXT = [
  'GET /children/:childId', 'GET /front-door/contacts/:id', 'GET /governance/challenges/:id', 'GET /reviews/:id',
  'GET /voice/:id', 'GET /actions/:id', 'GET /training/courses/:id', 'GET /admin/outbox/:id', 'GET /governance/meetings/:id',
];

/** Axe by default on these, rich in user text: axe is most of this file's time, and every page is axe-checked without payloads elsewhere. */
const AXE_SAMPLE = new Set(['GET /children/:childId', 'GET /front-door/contacts/:id', 'GET /reports/annual/:id/preview']);
const axeAll = process.env.XSS_AXE === 'all';

/** The demo people whose pages are visited, in this order: together they hold every scope. */
const PEOPLE = [
  'business.manager@northmere.gov.uk', 'admin@northmere.gov.uk', 'team.manager@northmere.gov.uk',
  'analyst@northmere.gov.uk', 'safeguarding.lead@nep.police.uk', 'mash.police@nep.police.uk',
  'trainer@northmere.gov.uk', 'practitioner@riverside.sch.uk', 'director.childrens@northmere.gov.uk',
];

type Visit = { route: string; url: string; email: string; showsText: boolean };

/** Signs in through the sign-in and code forms with the browser context's own requests: the page's cookies, without drawing the pages. */
async function signInQuickly(person: Person, email: string) {
  const csrfOf = async (url: string) => /name="_csrf" value="([^"]+)"/.exec(await (await person.context.request.get(url)).text())![1]!;
  await person.context.request.post('/sign-in', { form: { _csrf: await csrfOf('/sign-in'), email, password: DEMO_PASSWORD } });
  const res = await person.context.request.post('/sign-in/mfa', { form: { _csrf: await csrfOf('/sign-in/mfa'), code: await generate({ secret: DEMO_TOTP_SECRET }) } });
  expect(new URL(res.url()).pathname, `${email} signed in`).toBe('/');
}

describe.skipIf(!hasChromium)('stored cross-site scripting: payloads in every text field, every page read in Chromium', { timeout: 240_000 }, () => {
  let server: Server;
  let browser: Browser;
  let planted: PlantResult;
  const people = new Map<string, Person>();
  const dialogs: string[] = [];
  const failures: string[] = [];
  const visits = new Map<string, Visit>();
  const downloads = new Map<string, { url: string; email: string }>();
  const timings: string[] = [];
  const spent = { goto: 0, signals: 0, axe: 0 };
  let started = 0;
  const lap = (what: string) => { timings.push(`${what} ${((Date.now() - started) / 1000).toFixed(1)} s`); };

  beforeAll(async () => {
    started = Date.now();
    server = await startServer();
    lap('demo seeded');
    browser = await launchBrowser();
    for (const email of PEOPLE) {
      const person = await Person.open(browser, server.baseUrl);
      person.page.on('dialog', (d) => { dialogs.push(`${person.page.url()}: ${d.type()} ${d.message()}`); void d.dismiss(); });
      await signInQuickly(person, email);
      people.set(email, person);
    }
    lap('signed in');
    planted = await plantPayloads(server.db.db);
    lap('payloads planted');
  }, 180_000);
  afterAll(async () => {
    for (const p of people.values()) await p.close();
    await browser?.close();
    await server?.close();
    console.log(`stored XSS timings: ${timings.join(', ')}; spent (ms): ${JSON.stringify(spent)}`);
  });

  /** Reads the page just loaded for every XSS signal, and runs axe where asked. */
  async function inspect(person: Person, page: Page, route: string, cspBefore: number) {
    const t0 = Date.now();
    const signals = await xssSignals(page);
    const csp = person.cspErrors().slice(cspBefore);
    for (const s of [...signals, ...csp]) failures.push(`${route} (${page.url()}): ${s}`);
    spent.signals += Date.now() - t0;
    if (axeAll || AXE_SAMPLE.has(route)) {
      const t1 = Date.now();
      await expectAccessible(page, `${route} with stored XSS payloads`);
      spent.axe += Date.now() - t1;
    }
  }

  it('stores payloads in every text column the database lets hold them', () => {
    const columns = planted.planted.map((p) => p.column);
    console.log(`stored XSS: planted ${columns.length} columns; refused by the database: ${planted.refused.map((r) => `${r.column} (${r.reason.slice(0, 80)})`).join('; ')}; kept: ${planted.kept.map((k) => k.column).join(', ')}`);
    for (const col of ['child.first_name', 'child.last_name', 'front_door_contact.referrer_name', 'agency.name', 'app_user.name', 'course.title', 'voice_entry.body', 'email_outbox.body', 'review.summary', 'challenge.subject']) {
      expect(columns, col).toContain(col);
    }
  });

  /**
   * The main forms, filled as a person would but with payloads in every text box (an email, a phone number,
   * a postcode, a number or a date where the form needs one), and sent: the app's validation and storage
   * take the payloads, and the page the form leads to shows them as text.
   */
  it('stores payloads typed into the main forms and shows them back as text', async () => {
    // Who fills it, where, what a field needs that a payload is not ('#2': the second choice), and where the text then shows if not on the page the form leads to.
    const forms: [string, string, Record<string, string>, string?][] = [
      ['team.manager@northmere.gov.uk', '/front-door/contacts/new', { 'receivedAt-time': '09:30' }],
      ['team.manager@northmere.gov.uk', '/children/new', { la_child_id: 'XSS0001', upn: '', former_upn: '', nhs_number: '', 'expected_birth_date-day': '', 'expected_birth_date-month': '', 'expected_birth_date-year': '' }],
      ['business.manager@northmere.gov.uk', '/governance/challenges/new', { meetingId: '', toAgencyId: '#2' }],
      ['business.manager@northmere.gov.uk', '/actions/new', { ownerUserId: '' }],
      ['business.manager@northmere.gov.uk', '/voice/new', {}],
      ['business.manager@northmere.gov.uk', '/training/manage/courses/new', { durationHours: '3' }],
      ['admin@northmere.gov.uk', '/admin/users/new', {}, '/admin/users'],
    ];
    const formFailures: string[] = [];
    for (const [email, url, overrides, then] of forms) {
      const person = people.get(email)!;
      const page = person.page;
      await page.goto(url);
      const form = page.locator('main form[method="post"]').filter({ has: page.locator('textarea, input[type="text"]') }).first();
      await form.evaluate((f: HTMLFormElement, { payloads, overrides: given }) => {
        let n = 0;
        const groups = new Set<string>();
        for (const el of [...f.elements] as HTMLInputElement[]) {
          const { name, type } = el;
          if (!name || name === '_csrf' || el.disabled || ['hidden', 'submit', 'file', 'button'].includes(type)) continue;
          const value = given[name];
          if (value !== undefined) {
            if (type === 'radio' || type === 'checkbox') el.checked = el.value === value;
            else if (value.startsWith('#')) el.value = [...(el as unknown as HTMLSelectElement).options].filter((o) => o.value)[Number(value.slice(1)) - 1]?.value ?? '';
            else el.value = value;
            continue;
          }
          if (el.tagName === 'SELECT') { const s = el as unknown as HTMLSelectElement; if (!s.value) s.value = [...s.options].find((o) => o.value)?.value ?? ''; continue; }
          if (type === 'radio' || type === 'checkbox') {
            if (!groups.has(name) && !f.querySelector(`input[name="${name}"]:checked`)) el.checked = true;
            groups.add(name);
            continue;
          }
          if (/-day$/.test(name)) el.value = '10';
          else if (/-month$/.test(name)) el.value = '3';
          else if (/-year$/.test(name)) el.value = '2026';
          else if (type === 'email' || /email/i.test(name)) el.value = 'xss.check@northmere.gov.uk';
          else if (type === 'number' || el.inputMode === 'numeric') el.value = '2';
          else if (type === 'tel' || /phone/i.test(name)) el.value = '01632 960123';
          else if (/postcode/i.test(name)) el.value = 'NE1 4XF';
          else el.value = payloads[n++ % payloads.length]!;
        }
      }, { payloads: [PAYLOADS.img, PAYLOADS.script, PAYLOADS.svg, PAYLOADS.textarea, PAYLOADS.title, PAYLOADS.template, PAYLOADS.polyglot], overrides });
      const cspBefore = person.cspErrors().length;
      // As pressing Enter in a text box sends it: with the form's first button, its default action.
      await Promise.all([page.waitForNavigation(), form.evaluate((f: HTMLFormElement) => f.requestSubmit(f.querySelector<HTMLButtonElement>('button:not([type="button"])')))]);
      const summary = page.locator('.govuk-error-summary');
      if (await summary.count()) { formFailures.push(`${url}: refused: ${(await summary.innerText()).replace(/\s+/g, ' ')}`); continue; }
      await inspect(person, page, `POST ${url}`, cspBefore);
      if (then) await page.goto(then);
      if (!await showsPayloadAsText(page)) formFailures.push(`${url}: the page it led to (${page.url()}) shows no payload as text`);
    }
    expect(formFailures).toEqual([]);
    expect(failures).toEqual([]);
  });

  it('visits every page as someone allowed to see it: nothing runs, nothing injected, the payloads shown as text', async () => {
    const getRoute = routeMatcher(server.app.beaconRoutes, 'GET');
    let rereads = 0;
    const access = new Map(server.app.beaconRoutes.map((r) => [`${r.method} ${r.url}`, String(r.access)]));
    const holds = (email: string, route: string) => demoUser(email).roles.some((r) => (ROLES[r].scopes as readonly Scope[]).includes(access.get(route) as Scope));

    /** Draws the page in the person's browser and reads it; null if it is not theirs to see (403, 404) or not at this stage (409). */
    async function visit(email: string, route: string, url: string): Promise<string | null> {
      const person = people.get(email)!;
      const cspBefore = person.cspErrors().length;
      const t0 = Date.now();
      const res = await person.page.goto(url, { waitUntil: 'domcontentloaded' });
      spent.goto += Date.now() - t0;
      const status = res?.status();
      if (status === 403 || status === 404 || status === 409) return null;
      if (status !== 200) { failures.push(`${route} (${url}) as ${email}: ${status}`); return null; }
      await inspect(person, person.page, route, cspBefore);
      visits.set(route, { route, url, email, showsText: await showsPayloadAsText(person.page) });
      return res!.text();
    }

    const scopesSeen = new Set<string>();
    for (const email of PEOPLE) {
      const person = people.get(email)!;
      const queue = ['/'];
      const expanded = new Set<string>();
      const scopesBefore = new Set(scopesSeen);
      while (queue.length > 0) {
        const url = queue.shift()!;
        const route = getRoute(url);
        if (!route || expanded.has(route) || NOT_VISITED[route]) continue;
        if (DOWNLOAD.test(url)) { if (!downloads.has(route)) downloads.set(route, { url, email }); continue; }
        expanded.add(route);
        scopesSeen.add(access.get(route)!);
        let html: string | null;
        if (!visits.has(route)) {
          html = await visit(email, route, url);
        } else if (!route.includes(':') || !scopesBefore.has(access.get(route)!)) {
          // Drawn already: read again for its links only, which may differ for this person. A record's page read by
          // someone of the same scope before shows much the same links; lists and hubs are read again each time.
          const res = await person.context.request.get(url);
          html = res.status() === 200 ? await res.text() : null;
          rereads++;
        } else continue;
        if (html) for (const link of linksOf(html)) if (!link.startsWith('/api/v1') && !link.startsWith('/sign-') && !link.startsWith('/register/verify')) queue.push(link);
      }
    }
    lap(`${visits.size} pages visited, ${rereads} read again for links`);

    for (const [route, query] of Object.entries(BY_ID)) {
      if (visits.has(route) || downloads.has(route)) continue;
      const { rows } = await sql.raw<{ url: string }>(`select url from (${query}) as q(url) limit 3`).execute(server.db.db);
      const allowed = PEOPLE.filter((e) => holds(e, route));
      if (!rows[0] || allowed.length === 0) { failures.push(`${route}: no record in the demo to visit, or no one allowed`); continue; }
      if (DOWNLOAD.test(rows[0].url)) { downloads.set(route, { url: rows[0].url, email: allowed[0]! }); continue; }
      // The first of the records that the first person allowed can open (one may be at a stage its page is not for).
      done: for (const { url } of rows) for (const email of allowed) if (await visit(email, route, url) !== null) break done;
    }
    lap('pages by id visited');

    // Public pages, signed out.
    const anon = await Person.open(browser, server.baseUrl);
    for (const url of ['/sign-in', '/sign-in/organisation', '/accessibility', '/privacy', '/register', '/api/docs']) {
      const route = getRoute(url)!;
      const res = await anon.page.goto(url);
      expect(res?.status(), url).toBe(200);
      await inspect(anon, anon.page, route, 0);
      visits.set(route, { route, url, email: 'signed out', showsText: false });
    }
    await anon.close();

    // Half signed in: the code page, and the authenticator's set-up for a person not yet enrolled.
    await server.db.db.updateTable('app_user').set({ mfa_enrolled_at: null }).where('email', '=', 'designated.nurse@nhs.net').execute();
    for (const [email, url] of [['chief.nurse@nhs.net', '/sign-in/mfa'], ['designated.nurse@nhs.net', '/mfa/set-up']] as const) {
      const half = await Person.open(browser, server.baseUrl);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await half.context.request.get('/sign-in')).text())![1]!;
      await half.context.request.post('/sign-in', { form: { _csrf: csrf, email, password: DEMO_PASSWORD } });
      const res = await half.page.goto(url);
      expect(new URL(half.page.url()).pathname, url).toBe(url);
      expect(res?.status(), url).toBe(200);
      await inspect(half, half.page, getRoute(url)!, 0);
      visits.set(getRoute(url)!, { route: getRoute(url)!, url, email, showsText: false });
      await half.close();
    }

    const unvisited = server.app.beaconRoutes.filter((r) => r.method === 'GET').map((r) => `GET ${r.url}`)
      .filter((k) => !visits.has(k) && !downloads.has(k) && !NOT_VISITED[k]);
    expect(failures).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(unvisited, 'GET routes neither visited (linked from a page some demo person sees) nor listed in NOT_VISITED with a reason').toEqual([]);
    const notShown = SHOWS_TEXT.filter((r) => !visits.get(r)?.showsText);
    expect(notShown, 'pages that should show a stored payload as text').toEqual([]);
  });

  it('keeps formulas in CSV and XLSX exports as text', async () => {
    const checked: string[] = [];
    for (const [route, { url, email }] of downloads) {
      if (!/\.csv(\?|$)/.test(url)) continue;
      const res = await people.get(email)!.context.request.get(url);
      expect(res.status(), url).toBe(200);
      const cells = formulaCells(await res.text());
      expect(cells, `${route}: cells a spreadsheet would run`).toEqual([]);
      checked.push(route);
    }
    expect(checked).toEqual(expect.arrayContaining(['GET /actions/export.csv', 'GET /governance/challenges.csv']));
    const text = await (await people.get(PEOPLE[0])!.context.request.get(downloads.get('GET /actions/export.csv')!.url)).text();
    expect(text, 'a planted formula appears, disarmed').toContain(`'${PAYLOADS.formulaAt}`);

    const xlsx = downloads.get('GET /dashboard/export.xlsx');
    expect(xlsx, 'the dashboard\'s workbook linked').toBeDefined();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await (await people.get(xlsx!.email)!.context.request.get(xlsx!.url)).body() as unknown as ArrayBuffer);
    const formulas: string[] = [];
    workbook.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => {
      if (cell.formula || (typeof cell.value === 'string' && formulaCells(`"${cell.value.replace(/"/g, '""')}"`).length > 0)) formulas.push(`${sheet.name}!${cell.address}: ${String(cell.value)}`);
    })));
    expect(formulas, 'workbook cells a spreadsheet would run').toEqual([]);
  });

  it('opens the annual report\'s HTML download with nothing run', async () => {
    const dl = [...downloads.entries()].find(([r, d]) => r === 'GET /reports/annual/:id/download' && d.url.includes('format=html'));
    expect(dl, 'an HTML download of the annual report linked').toBeDefined();
    const person = people.get(dl![1].email)!;
    const html = await (await person.context.request.get(dl![1].url)).text();
    const page = await person.context.newPage();
    // As a reader opens the file: no Content-Security-Policy to fall back on.
    await page.setContent(html);
    expect(await xssSignals(page)).toEqual([]);
    expect(await page.locator('body').innerText()).toContain(XSS_MARK);
    await page.close();
  });
});
