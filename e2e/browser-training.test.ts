import { sql } from 'kysely';
import { LEARNING_THEMES, type LearningTheme } from '../src/domain/assurance';
import { describe, expect, it } from 'vitest';
import { browserTests, expectAccessible, expectErrorSummary, followErrorLink, hasChromium, heading, signIn } from './support';

/*
 * Training in a real browser: registration, the catalogue and booking, the programme's management, registers,
 * evaluations, certificates and reports, each page checked with axe and the Content-Security-Policy (see
 * browser.test.ts).
 */

// A generous timeout: the whole suite may share two cores with the other test files.
describe.skipIf(!hasChromium)('Beacon in a browser: training', { timeout: 60_000 }, () => {
  const { person, demoDb } = browserTests();

  it('training records: the trainer marks attendance after an error; the practitioner evaluates the course after errors, downloads the certificate and answers an earlier course’s impact survey; the business manager reads the reports with their charts and plans a session after an error; a partner reads the planner', async () => {
    const db = demoDb();
    const { id: pid } = await db.selectFrom('partnership').select('id').where('la_code', '=', '990').executeTakeFirstOrThrow();
    const uid = async (email: string) => (await db.selectFrom('app_user').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
    const course = await db.insertInto('course').values({ partnership_id: pid, title: 'Neglect in adolescence (browser test)', summary: 'Neglect of teenagers.',
      description: 'How neglect shows in adolescence.', audience: 'Practitioners of every agency', level: '2', delivery: 'face_to_face', duration_minutes: 180,
      learning_outcomes: ['Recognise neglect in teenagers', 'Know when to escalate'], themes: ['neglect', 'adolescent_risk'] }).returning('id').executeTakeFirstOrThrow();
    const session = async (startsAt: number) => (await db.insertInto('course_session').values({ partnership_id: pid, course_id: course.id, starts_at: new Date(startsAt),
      ends_at: new Date(startsAt + 3 * 3_600_000), capacity: 20, trainers: 'Grace Adeyemi', trainer_user_id: await uid('trainer@northmere.gov.uk'), venue: 'Civic Centre' })
      .returning('id').executeTakeFirstOrThrow()).id;
    const book = async (sessionId: string, email: string, attended = false) => (await db.insertInto('booking').values({ partnership_id: pid, session_id: sessionId,
      user_id: await uid(email), status: 'confirmed', booked_at: new Date(Date.now() - 30 * 86_400_000), confirmed_at: new Date(Date.now() - 30 * 86_400_000),
      attendance: attended ? 'attended' : null, certificate_number: attended ? `NSCP-BROWSER-${email.length}` : null }).returning('id').executeTakeFirstOrThrow()).id;
    const today = await session(Date.now() - 3_600_000);
    const emma = await book(today, 'practitioner@riverside.sch.uk');
    await book(today, 'safeguarding.lead@nep.police.uk');
    const earlier = await book(await session(Date.now() - 70 * 86_400_000), 'practitioner@riverside.sch.uk', true);

    const trainer = (await person()).page;
    await signIn(trainer, 'trainer@northmere.gov.uk');
    await trainer.goto(`/training/sessions/${today}/attendance`);
    await heading(trainer, 'Attendance');
    await expectAccessible(trainer, 'training attendance');
    await trainer.getByRole('group', { name: 'Emma Collins' }).getByLabel('Attended', { exact: true }).check();
    await trainer.getByRole('button', { name: 'Save attendance' }).click();
    await expectErrorSummary(trainer, ['Select whether DI Claire Hughes attended']);
    const claire = await db.selectFrom('booking').select('id').where('session_id', '=', today).where('user_id', '=', await uid('safeguarding.lead@nep.police.uk')).executeTakeFirstOrThrow();
    await followErrorLink(trainer, 'Select whether DI Claire Hughes attended', `attendance-${claire.id}`);
    await expectAccessible(trainer, 'training attendance with errors');
    await trainer.getByRole('group', { name: 'DI Claire Hughes' }).getByLabel('Did not attend').check();
    await trainer.getByRole('button', { name: 'Save attendance' }).click();
    await trainer.locator('.govuk-notification-banner', { hasText: 'Attendance saved: 1 attended, 1 did not attend.' }).waitFor();
    expect(await trainer.getByRole('link', { name: /Emma Collins: certificate NSCP-\d{4}-\d{6}/ }).count()).toBe(1);

    const emmaPage = (await person()).page;
    await signIn(emmaPage, 'practitioner@riverside.sch.uk');
    await emmaPage.goto(`/training/bookings/${emma}/evaluation`);
    await heading(emmaPage, 'Evaluate the course');
    await emmaPage.getByRole('group', { name: 'Overall, how would you rate the course?' }).getByLabel('4: Very good').check();
    await emmaPage.getByRole('button', { name: 'Send your evaluation' }).click();
    await expectErrorSummary(emmaPage, [
      'Select whether the course’s learning outcomes were met',
      'Select how confident you were before the course, from 1 to 5',
      'Select how confident you are after the course, from 1 to 5',
      'Enter what you will do differently in your practice',
    ]);
    await followErrorLink(emmaPage, 'Enter what you will do differently in your practice', 'practiceChange');
    await expectAccessible(emmaPage, 'training evaluation with errors');
    await emmaPage.getByRole('group', { name: /learning outcomes met/ }).getByLabel('Yes, all of them').check();
    await emmaPage.getByRole('group', { name: /Before the course/ }).getByLabel('2: Slightly confident').check();
    await emmaPage.getByRole('group', { name: 'And now, after the course?' }).getByLabel('4: Confident').check();
    await emmaPage.getByLabel('What will you do differently in your practice?').fill('Ask older children directly about food, warmth and who is at home.');
    await emmaPage.getByRole('button', { name: 'Send your evaluation' }).click();
    await emmaPage.locator('.govuk-notification-banner', { hasText: 'Thank you: your evaluation has been sent.' }).waitFor();
    await expectAccessible(emmaPage, 'training evaluation sent');
    const pdf = await emmaPage.request.get(`/training/bookings/${emma}/certificate.pdf`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');

    await emmaPage.goto(`/training/bookings/${earlier}/impact`);
    await heading(emmaPage, 'What has changed in your practice?');
    await expectAccessible(emmaPage, 'training impact survey');
    await emmaPage.getByRole('group', { name: /How confident do you feel now/ }).getByLabel('5: Very confident').check();
    await emmaPage.getByRole('group', { name: /changed what you do/ }).getByLabel('Yes').check();
    await emmaPage.getByLabel('What changed? Give an example').fill('I now check attendance patterns with the DSL before a referral.');
    await emmaPage.getByRole('button', { name: 'Send your answers' }).click();
    await emmaPage.locator('.govuk-notification-banner', { hasText: 'Thank you: your answers have been sent.' }).waitFor();

    const manager = (await person()).page;
    await signIn(manager, 'business.manager@northmere.gov.uk');
    await manager.goto(`/training/reports?period=fy&to=${new Date().toISOString().slice(0, 10)}`);
    await heading(manager, 'Training reports');
    for (const name of ['Participants in training by month', 'Participants by kind of agency', 'Confidence before and after training, by theme']) {
      expect(await manager.getByRole('img', { name }).count(), name).toBe(1);
    }
    expect(await manager.getByRole('table', { name: 'Evaluation and impact by theme' }).textContent()).toContain('Adolescents at risk outside the home');
    await expectAccessible(manager, 'training reports with charts');
    await manager.goto('/training/settings');
    await heading(manager, 'Training rules');
    await manager.getByLabel('Charge for not attending').fill('twenty');
    await manager.getByRole('button', { name: 'Save the training rules' }).click();
    await expectErrorSummary(manager, ['Enter the charge in pounds and pence, like 25 or 25.50, or leave it blank for no charge']);
    await followErrorLink(manager, 'Enter the charge in pounds and pence', 'charge');
    await expectAccessible(manager, 'training rules with errors');
    await manager.getByLabel('Charge for not attending').fill('25.00');
    await manager.getByRole('button', { name: 'Save the training rules' }).click();
    await manager.locator('.govuk-notification-banner', { hasText: 'The training rules are saved.' }).waitFor();
    await manager.goto(`/training/charges?period=fy&to=${new Date().toISOString().slice(0, 10)}`);
    await heading(manager, 'Charges for not attending');
    expect(await manager.getByRole('table', { name: 'Northmere and Eastholm Police' }).textContent()).toContain('DI Claire Hughes');
    await expectAccessible(manager, 'training charges by agency');
    await manager.goto('/training/planner');
    await heading(manager, 'Training programme planner');
    await manager.getByLabel('Course', { exact: true }).selectOption({ label: 'Neglect in adolescence (browser test)' });
    await manager.getByRole('button', { name: 'Add to the planner' }).click();
    await expectErrorSummary(manager, ['Select the month of the session']);
    await expectAccessible(manager, 'training planner with errors');
    await manager.getByLabel('Month', { exact: true }).selectOption({ index: 3 });
    await manager.getByRole('button', { name: 'Add to the planner' }).click();
    await manager.locator('.govuk-notification-banner', { hasText: 'Neglect in adolescence (browser test) is planned for' }).waitFor();
    await expectAccessible(manager, 'training planner');

    const lead = (await person()).page;
    await signIn(lead, 'safeguarding.lead@nep.police.uk');
    await lead.goto('/training/planner');
    await heading(lead, 'Training programme planner');
    expect(await lead.getByRole('button', { name: 'Add to the planner' }).count()).toBe(0);
    expect(await lead.locator('table', { hasText: 'Neglect in adolescence (browser test)' }).count()).toBeGreaterThan(0);
  });

  it('a practitioner registers for training after correcting the form, and confirms her address with the emailed link', async () => {
    const { page } = await person();
    await page.goto('/sign-in');
    await page.getByRole('link', { name: 'Register to book training' }).click();
    await heading(page, 'Which safeguarding children partnership do you work in?');
    await expectAccessible(page, 'registration: partnership');
    await page.getByLabel('Northmere Safeguarding Children Partnership').check();
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await heading(page, 'Register to book training');
    await expectAccessible(page, 'registration');

    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await expectErrorSummary(page, ['Enter your full name', 'Select the agency you work for', 'Enter your work email address', 'Enter your job title', 'Enter a password']);
    await followErrorLink(page, 'Select the agency you work for', 'agencyId');
    await page.locator('#name').fill('Siân Roberts');
    await page.locator('#agencyId').selectOption({ label: 'Northmere Integrated Care Board' });
    await page.locator('#email').fill('sian.roberts@gmail.com');
    await page.locator('#jobTitle').fill('Health visitor');
    await page.locator('#lineManagerEmail').fill('designated.nurse@nhs.net');
    await page.locator('#password').fill('river-kettle-lantern-north');
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await expectErrorSummary(page, ['Your email address must end with @nhs.net for Northmere Integrated Care Board']);
    await expectAccessible(page, 'registration with errors');
    await page.locator('#email').fill('sian.roberts@nhs.net');
    await page.locator('#password').fill('river-kettle-lantern-north');
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await heading(page, 'Check your email');
    await expectAccessible(page, 'registration: check your email');

    const email = await demoDb().selectFrom('email_outbox').select('body').where('to_address', '=', 'sian.roberts@nhs.net').executeTakeFirstOrThrow();
    const link = /\/register\/verify\?token=[A-Za-z0-9_-]+/.exec(email.body)![0];
    await page.goto(link);
    await heading(page, 'Confirm your email address');
    await expectAccessible(page, 'registration: confirm');
    await page.getByRole('button', { name: 'Confirm my email address' }).click();
    await heading(page, 'Your email address is confirmed');
    await expectAccessible(page, 'registration: confirmed');
  });

  it('a practitioner finds a course in the catalogue, books a place on a session and sees it in her bookings; her line manager sees it too', async () => {
    const db = demoDb();
    const emma = await db.selectFrom('app_user').select('id').where('email', '=', 'practitioner@riverside.sch.uk').executeTakeFirstOrThrow();
    // A face-to-face session with a place left that she has not booked, found through its course's first theme.
    const open = await db.selectFrom('course_session as s').innerJoin('course as c', 'c.id', 's.course_id')
      .select(['s.id', 's.capacity', 'c.title', 'c.themes'])
      .where('c.delivery', '=', 'face_to_face').where(sql<boolean>`cardinality(c.themes) > 0`).where('s.status', '=', 'scheduled')
      // After the cancellation cut-off, so that she may still cancel.
      .where('s.starts_at', '>', new Date(Date.now() + 4 * 86_400_000))
      .where((eb) => eb.not(eb.exists(eb.selectFrom('booking as b').select('b.id').whereRef('b.session_id', '=', 's.id').where('b.user_id', '=', emma.id))))
      .orderBy('s.starts_at').execute();
    const counts = await db.selectFrom('booking').select(['session_id', (eb) => eb.fn.countAll<number>().as('n')]).where('status', '=', 'confirmed')
      .where('session_id', 'in', open.map((s) => s.id)).groupBy('session_id').execute();
    const target = open.find((s) => Number(counts.find((c) => c.session_id === s.id)?.n ?? 0) < s.capacity)!;

    const { page } = await person();
    await signIn(page, 'practitioner@riverside.sch.uk');
    await page.getByRole('navigation').getByRole('link', { name: 'Training', exact: true }).click();
    await heading(page, 'Multi-agency training');
    await expectAccessible(page, 'training catalogue');
    await page.locator('#theme').selectOption({ label: LEARNING_THEMES[target.themes[0] as LearningTheme] });
    await page.getByRole('button', { name: 'Show courses' }).click();
    await page.getByRole('link', { name: target.title, exact: true }).click();
    await heading(page, target.title);
    await expectAccessible(page, 'training course');
    await page.locator(`a[href="/training/sessions/${target.id}"]`).click();
    await page.getByRole('button', { name: 'Book a place' }).waitFor();
    await expectAccessible(page, 'training session with Book');
    await page.getByRole('button', { name: 'Book a place' }).click();
    await page.locator('.govuk-notification-banner', { hasText: 'Your place is booked' }).waitFor();
    await page.getByRole('button', { name: 'Cancel my place' }).waitFor();
    await expectAccessible(page, 'training session booked');

    await page.getByRole('link', { name: 'Your bookings' }).first().click();
    await heading(page, 'Your training bookings');
    expect(await page.locator('table').first().textContent()).toContain(target.title);
    // She is in the queue for the full neglect day.
    expect(await page.locator('table').first().textContent()).toMatch(/Waiting list\s*number 3/);
    await expectAccessible(page, 'my training bookings');

    const dsl = await person();
    await signIn(dsl.page, 'dsl@riverside.sch.uk');
    await dsl.page.goto('/training/my-team');
    await heading(dsl.page, 'Your team’s training');
    expect(await dsl.page.locator('table').first().textContent()).toContain('Emma Collins');
    await expectAccessible(dsl.page, 'my team’s training');
  });

  it('the trainer manages the programme: corrects a new course and a session’s changes', async () => {
    const { page } = await person();
    await signIn(page, 'trainer@northmere.gov.uk');
    await page.getByRole('navigation').getByRole('link', { name: 'Manage training', exact: true }).click();
    await heading(page, 'Manage training');
    await expectAccessible(page, 'manage training');

    await page.getByRole('button', { name: 'Add a course' }).click();
    await heading(page, 'Add a course');
    await page.getByRole('button', { name: 'Add the course' }).click();
    await expectErrorSummary(page, ['Enter the course title', 'Enter the summary', 'Enter the description', 'Enter the audience', 'Select the course’s level',
      'Select how the course is delivered', 'Enter how long the course lasts, in hours', 'Enter at least one learning outcome, one a line']);
    await expectAccessible(page, 'add a course with errors');

    await page.goto('/training/manage');
    await page.locator('table').first().locator('tbody a').first().click();
    await page.getByRole('heading', { name: 'People booked' }).waitFor();
    await expectAccessible(page, 'manage a session');
    await page.locator('#capacity').fill('');
    await page.getByRole('button', { name: 'Save the session' }).click();
    await expectErrorSummary(page, ['Enter the number of places']);
    await expectAccessible(page, 'manage a session with errors');
  });
});
