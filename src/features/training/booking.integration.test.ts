import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestSmtp, type TestSmtp } from '../../testing/smtp';
import { Client, createTestApp, signIn, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { createMailer } from '../../platform/email';
import { bookPlace, remindBookings } from './booking.service';
import { addCourse, addPractitioners, addSession, calendarOf } from './test-support';

describe.each(dialects())('training booking (%s)', (dialect) => {
  let t: TestApp;
  let smtp: TestSmtp;
  let courseId: string;
  let learners: { id: number; email: string }[];
  const clients = new Map<string, Client>();
  const as = async (email: string) => {
    if (!clients.has(email)) clients.set(email, await signIn(t, email));
    return clients.get(email)!;
  };
  const statusOf = async (sessionId: string, userId: number) =>
    (await t.db.selectFrom('booking').select('status').where('session_id', '=', sessionId).where('user_id', '=', userId).orderBy('booked_at', 'desc').executeTakeFirst())?.status;
  const mailsTo = (email: string, since = 0) => smtp.messages.slice(since).filter((m) => m.to.includes(email));

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestApp(dialect, { SMTP_URL: smtp.url, PUBLIC_URL: 'https://beacon.test' });
    courseId = await addCourse(t.db, t.fixture.a.id);
    learners = await addPractitioners(t.db, t.fixture.a.id, t.fixture.a.agencyId, 6);
  });
  afterAll(async () => { await t?.close(); await smtp?.close(); });
  // Sessions expire as the clock moves: each test signs its people in afresh.
  beforeEach(() => { t.clock.current = new Date('2026-06-01T09:00:00Z'); clients.clear(); });

  it('books a place, emails a confirmation with a calendar invitation, and refuses a second booking of the same person', async () => {
    const sessionId = await addSession(t.db, t.fixture.a.id, courseId, { capacity: 5 });
    const c = await as(learners[0]!.email);
    const page = await c.get(`/training/sessions/${sessionId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Book a place');
    expect(page.body).toContain('5 places left');
    const before = smtp.messages.length;
    const res = await c.post(`/training/sessions/${sessionId}/book`);
    expect(res.statusCode).toBe(303);
    expect((await c.get(res.headers.location as string)).body).toContain('Your place is booked');
    expect(await statusOf(sessionId, learners[0]!.id)).toBe('confirmed');

    const [mail] = mailsTo(learners[0]!.email, before);
    expect(mail!.subject).toBe('Booking confirmed: Cumulative impact of neglect');
    expect(mail!.text).toContain('Venue: Northmere Civic Centre, Room 2');
    const cal = calendarOf(mail!)!;
    const booking = await t.db.selectFrom('booking').select('id').where('session_id', '=', sessionId).where('user_id', '=', learners[0]!.id).executeTakeFirstOrThrow();
    expect(cal).toMatchObject({ METHOD: 'REQUEST', UID: `${booking.id}@beacon-training`, DTSTART: '20260714T083000Z', DTEND: '20260714T143000Z', LOCATION: 'Northmere Civic Centre\\, Room 2', STATUS: 'CONFIRMED' });

    // Twice from the page, and straight into the table: the second is refused with a clear message, the index holds.
    const again = await c.post(`/training/sessions/${sessionId}/book`);
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('You are already booked on this session');
    expect(again.body).toContain('There is a problem');
    await expect(t.db.insertInto('booking').values({ partnership_id: t.fixture.a.id, session_id: sessionId, user_id: learners[0]!.id, status: 'waiting', booked_at: new Date() }).execute())
      .rejects.toMatchObject({ code: '23505' });
    expect(await t.db.selectFrom('booking').select('id').where('session_id', '=', sessionId).where('user_id', '=', learners[0]!.id).execute()).toHaveLength(1);
  });

  it('puts people on the waiting list when the session is full, with their place in the queue', async () => {
    const sessionId = await addSession(t.db, t.fixture.a.id, courseId, { capacity: 1 });
    await (await as(learners[0]!.email)).post(`/training/sessions/${sessionId}/book`);
    const second = await as(learners[1]!.email);
    const full = await second.get(`/training/sessions/${sessionId}`);
    expect(full.body).toContain('Join the waiting list');
    expect(full.body).toContain('Full: waiting list');
    const since = smtp.messages.length;
    const res = await second.post(`/training/sessions/${sessionId}/book`);
    expect((await second.get(res.headers.location as string)).body).toContain('you are number 1 on the waiting list');
    const third = await as(learners[2]!.email);
    await third.post(`/training/sessions/${sessionId}/book`);
    expect((await third.get(`/training/sessions/${sessionId}`)).body).toMatch(/number 2 on the waiting list/);
    expect(await statusOf(sessionId, learners[1]!.id)).toBe('waiting');
    const [mail] = mailsTo(learners[1]!.email, since);
    expect(mail!.subject).toBe('On the waiting list: Cumulative impact of neglect');
    expect(mail!.attachments).toEqual([]);
    expect((await third.get('/training/my-bookings')).body).toContain('number 2');
  });

  it('refuses a cancelled, planned or past session with a clear message', async () => {
    const c = await as(learners[3]!.email);
    const cases: [string, string][] = [
      [await addSession(t.db, t.fixture.a.id, courseId, { status: 'cancelled' }), 'This session has been cancelled'],
      [await addSession(t.db, t.fixture.a.id, courseId, { status: 'planned' }), 'Booking for this session has not opened yet'],
      [await addSession(t.db, t.fixture.a.id, courseId, { startsAt: new Date('2026-05-20T08:30:00Z') }), 'This session has already started'],
    ];
    for (const [sessionId, message] of cases) {
      const res = await c.post(`/training/sessions/${sessionId}/book`);
      expect(res.statusCode).toBe(409);
      expect(res.body).toContain(message);
      expect(await statusOf(sessionId, learners[3]!.id)).toBeUndefined();
    }
  });

  it('refuses a cancellation after the cut-off, and gives a freed place to the first person waiting with an invitation', async () => {
    const sessionId = await addSession(t.db, t.fixture.a.id, courseId, { capacity: 1, startsAt: new Date('2026-06-10T08:30:00Z') });
    await (await as(learners[0]!.email)).post(`/training/sessions/${sessionId}/book`);
    await (await as(learners[1]!.email)).post(`/training/sessions/${sessionId}/book`);
    await (await as(learners[2]!.email)).post(`/training/sessions/${sessionId}/book`);
    const mine = await t.db.selectFrom('booking').select('id').where('session_id', '=', sessionId).where('user_id', '=', learners[0]!.id).executeTakeFirstOrThrow();

    // 47 hours before the start: past the default 48-hour cut-off.
    t.clock.current = new Date('2026-06-08T09:30:00Z');
    clients.clear();
    const c = await as(learners[0]!.email);
    const late = await c.post(`/training/sessions/${sessionId}/cancel`);
    expect(late.statusCode).toBe(409);
    expect(late.body).toContain('You can no longer cancel: the cut-off was Monday 8 June 2026 at 09:30. Contact the training team.');
    expect(await statusOf(sessionId, learners[0]!.id)).toBe('confirmed');

    // The partnership's own cut-off of 24 hours lets it through.
    await t.db.updateTable('partnership').set({ settings: JSON.stringify({ training: { cancellationCutoffHours: 24, nonAttendanceChargePence: null } }) }).where('id', '=', t.fixture.a.id).execute();
    const since = smtp.messages.length;
    const ok = await c.post(`/training/sessions/${sessionId}/cancel`, { from: 'my-bookings' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/training/my-bookings');
    expect(await statusOf(sessionId, learners[0]!.id)).toBe('cancelled');
    expect(await statusOf(sessionId, learners[1]!.id)).toBe('confirmed');
    expect(await statusOf(sessionId, learners[2]!.id)).toBe('waiting');

    const cancelled = calendarOf(mailsTo(learners[0]!.email, since)[0]!)!;
    expect(cancelled).toMatchObject({ METHOD: 'CANCEL', UID: `${mine.id}@beacon-training`, STATUS: 'CANCELLED' });
    const promotedMail = mailsTo(learners[1]!.email, since)[0]!;
    expect(promotedMail.subject).toBe('A place for you: Cumulative impact of neglect');
    const promoted = await t.db.selectFrom('booking').select('id').where('session_id', '=', sessionId).where('user_id', '=', learners[1]!.id).executeTakeFirstOrThrow();
    expect(calendarOf(promotedMail)).toMatchObject({ METHOD: 'REQUEST', UID: `${promoted.id}@beacon-training` });
    expect(mailsTo(learners[2]!.email, since)).toEqual([]);
    // Leaving a waiting list is allowed after the cut-off.
    expect((await (await as(learners[2]!.email)).post(`/training/sessions/${sessionId}/cancel`)).statusCode).toBe(303);
    expect(await statusOf(sessionId, learners[2]!.id)).toBe('cancelled');
    const events = await t.db.selectFrom('audit_event').select(['action', 'record_id']).where('action', 'in', ['booking.cancel', 'booking.promote']).execute();
    expect(events).toEqual(expect.arrayContaining([{ action: 'booking.cancel', record_id: mine.id }, { action: 'booking.promote', record_id: promoted.id }]));
    await t.db.updateTable('partnership').set({ settings: JSON.stringify({}) }).where('id', '=', t.fixture.a.id).execute();
  });

  it('gives the last place to exactly one of several people taking it at once', async () => {
    const sessionId = await addSession(t.db, t.fixture.a.id, courseId, { capacity: 2 });
    await (await as(learners[5]!.email)).post(`/training/sessions/${sessionId}/book`);
    const racers = learners.slice(0, 5);
    const pages = await Promise.all(racers.map((l) => as(l.email)));
    const answers = await Promise.all(pages.map((c) => c.post(`/training/sessions/${sessionId}/book`)));
    expect(answers.map((a) => a.statusCode)).toEqual(racers.map(() => 303));
    const rows = await t.db.selectFrom('booking').select(['status']).where('session_id', '=', sessionId).execute();
    expect(rows.filter((r) => r.status === 'confirmed')).toHaveLength(2);
    expect(rows.filter((r) => r.status === 'waiting')).toHaveLength(4);

    // And through the service with no web server in between: one place, five people.
    const again = await addSession(t.db, t.fixture.a.id, courseId, { capacity: 1 });
    const mail = { mailer: createMailer({ from: 'beacon@a.test' }), publicUrl: 'https://beacon.test', mailFrom: 'beacon@a.test' };
    const outcomes = await Promise.all(racers.map((l) => bookPlace(t.db, mail, t.fixture.a.id, again, l.id, new Date('2026-06-01T09:00:00Z'))));
    expect(outcomes.filter((o) => o.status === 'confirmed')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'waiting').map((o) => o.position).sort()).toEqual([1, 2, 3, 4]);
  });

  it('answers another partnership’s session and booking as not found', async () => {
    const other = await addCourse(t.db, t.fixture.b.id, { title: 'Beta course' });
    const sessionId = await addSession(t.db, t.fixture.b.id, other);
    const c = await as(learners[0]!.email);
    expect((await c.get(`/training/sessions/${sessionId}`)).statusCode).toBe(404);
    expect((await c.post(`/training/sessions/${sessionId}/book`)).statusCode).toBe(404);
    expect((await c.get(`/training/courses/${other}`)).statusCode).toBe(404);
    expect((await c.post(`/training/sessions/${sessionId}/cancel`)).statusCode).toBe(404);
    // Cancelling is of one's own booking: on a session where someone else is booked, there is nothing to cancel.
    const own = await addSession(t.db, t.fixture.a.id, courseId);
    await (await as(learners[1]!.email)).post(`/training/sessions/${own}/book`);
    const nothing = await c.post(`/training/sessions/${own}/cancel`);
    expect(nothing.statusCode).toBe(409);
    expect(nothing.body).toContain('You have no booking on this session to cancel');
    expect(await statusOf(own, learners[1]!.id)).toBe('confirmed');
  });

  it('shows a line manager only their own staff’s bookings', async () => {
    const sessionId = await addSession(t.db, t.fixture.a.id, courseId, { startsAt: new Date('2026-09-01T08:30:00Z') });
    const manager = await t.db.selectFrom('app_user').select('id').where('email', '=', 'agency_lead@a.test').executeTakeFirstOrThrow();
    await t.db.updateTable('app_user').set({ line_manager_id: manager.id }).where('id', '=', learners[4]!.id).execute();
    await t.db.updateTable('app_user').set({ job_title: 'Health visitor' }).where('id', '=', learners[4]!.id).execute();
    await (await as(learners[4]!.email)).post(`/training/sessions/${sessionId}/book`);
    await (await as(learners[3]!.email)).post(`/training/sessions/${sessionId}/book`);
    const lead = await as('agency_lead@a.test');
    const page = await lead.get('/training/my-team');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Learner learner 5');
    expect(page.body).toContain('Health visitor');
    expect(page.body).not.toContain('Learner learner 4');
    // Someone who manages no one sees no one's bookings.
    const other = await as('team_manager@a.test');
    const none = await other.get('/training/my-team');
    expect(none.statusCode).toBe(200);
    expect(none.body).toContain('No one has named you as their line manager');
    expect(none.body).not.toContain('Learner learner');
  });

  it('reminds each person booked two working days before, once', async () => {
    // Thursday 2 July 2026: two working days after Tuesday 30 June.
    const sessionId = await addSession(t.db, t.fixture.a.id, courseId, { startsAt: new Date('2026-07-02T08:30:00Z'), venue: 'Riverside Hub' });
    await (await as(learners[2]!.email)).post(`/training/sessions/${sessionId}/book`);
    const mail = { mailer: createMailer({ smtpUrl: smtp.url, from: 'beacon@a.test' }), publicUrl: 'https://beacon.test', mailFrom: 'beacon@a.test' };
    const ofThis = async (at: string) => (await remindBookings(t.db, mail, new Date(at), { partnershipId: t.fixture.a.id })).filter((r) => r.sessionId === sessionId);
    expect(await ofThis('2026-06-29T09:00:00Z')).toEqual([]);
    const since = smtp.messages.length;
    expect((await ofThis('2026-06-30T07:00:00Z')).map((r) => r.to)).toEqual([learners[2]!.email]);
    expect(await ofThis('2026-06-30T08:00:00Z')).toEqual([]);
    const [reminder] = mailsTo(learners[2]!.email, since);
    expect(reminder!.subject).toMatch(/^Reminder: Cumulative impact of neglect/);
    expect(reminder!.text).toContain('Venue: Riverside Hub');
  });
});
