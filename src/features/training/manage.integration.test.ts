import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSmtp, type TestSmtp } from '../../testing/smtp';
import { signIn, type Client, type TestApp, createTestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { addCourse, addPractitioners, addSession, calendarOf } from './test-support';

describe.each(dialects())('managing training (%s)', (dialect) => {
  let t: TestApp;
  let smtp: TestSmtp;
  let trainer: Client;
  let learners: { id: number; email: string }[];

  const course = {
    title: 'Child exploitation: spotting the signs', summary: 'Criminal and sexual exploitation and what to do.', description: 'A half day.',
    audience: 'Everyone working with adolescents', level: '2', delivery: 'face_to_face', durationHours: '3.5',
    learningOutcomes: '- Recognise the signs of exploitation\n- Make a referral using the partnership’s pathway', themes: ['exploitation', 'adolescent_risk'],
  };
  const session = { 'date-day': '15', 'date-month': '9', 'date-year': '2026', startTime: '09:30', endTime: '13:00', venue: 'Riverside Hub, Room 1', capacity: '2', trainers: 'Grace Adeyemi', trainerUserId: '', status: 'scheduled' };
  const statuses = async (sessionId: string) => Object.fromEntries((await t.db.selectFrom('booking').select(['user_id', 'status']).where('session_id', '=', sessionId).execute())
    .map((b) => [b.user_id, b.status]));

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestApp(dialect, { SMTP_URL: smtp.url, PUBLIC_URL: 'https://beacon.test' });
    learners = await addPractitioners(t.db, t.fixture.a.id, t.fixture.a.agencyId, 4, 'staff');
    // The clock only moves on (each sign-in steps it past the last authenticator code), from Monday 1 June 2026.
    trainer = await signIn(t, 'trainer@a.test');
  });
  afterAll(async () => { await t?.close(); await smtp?.close(); });

  it('adds a course after correcting the form, and refuses a second with the same title', async () => {
    await trainer.get('/training/manage/courses/new');
    const bad = await trainer.post('/training/manage/courses/new', { ...course, title: '', durationHours: 'half a day', level: '7', learningOutcomes: '', themes: ['not_a_theme'] });
    expect(bad.statusCode).toBe(400);
    for (const m of ['Enter the course title', 'The length must be a number of hours', 'Select the course’s level', 'Enter at least one learning outcome', 'Select themes from the list']) {
      expect(bad.body).toContain(m);
    }
    const ok = await trainer.post('/training/manage/courses/new', course);
    expect(ok.statusCode).toBe(303);
    const row = await t.db.selectFrom('course').selectAll().where('title', '=', course.title).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ partnership_id: t.fixture.a.id, level: '2', delivery: 'face_to_face', duration_minutes: 210,
      learning_outcomes: ['Recognise the signs of exploitation', 'Make a referral using the partnership’s pathway'], themes: ['exploitation', 'adolescent_risk'], status: 'active' });
    const twice = await trainer.post('/training/manage/courses/new', course);
    expect(twice.statusCode).toBe(400);
    expect(twice.body).toContain('The partnership already has a course with this title');
    expect((await t.db.selectFrom('audit_event').select('action').where('record_id', '=', row.id).execute()).map((e) => e.action)).toContain('course.create');
  });

  it('adds sessions as the course is delivered: a venue face to face, a link online, a window for e-learning', async () => {
    const f2f = await addCourse(t.db, t.fixture.a.id, { title: 'Safer sleep' });
    await trainer.get(`/training/manage/courses/${f2f}/sessions/new`);
    const bad = await trainer.post(`/training/manage/courses/${f2f}/sessions/new`, { ...session, 'date-day': '31', 'date-month': '2', venue: '', capacity: '0', endTime: '08:00' });
    expect(bad.statusCode).toBe(400);
    for (const m of ['The date must be a real date', 'The end time must be after the start time', 'Enter the venue: a face-to-face session needs one', 'The number of places must be a whole number from 1 to 1,000']) {
      expect(bad.body).toContain(m);
    }
    const past = await trainer.post(`/training/manage/courses/${f2f}/sessions/new`, { ...session, 'date-year': '2025' });
    expect(past.body).toContain('The session must start in the future');
    const ok = await trainer.post(`/training/manage/courses/${f2f}/sessions/new`, session);
    expect(ok.statusCode).toBe(303);
    const made = await t.db.selectFrom('course_session').selectAll().where('course_id', '=', f2f).executeTakeFirstOrThrow();
    // 09:30 in London in September is 08:30 UTC.
    expect(made).toMatchObject({ starts_at: new Date('2026-09-15T08:30:00Z'), ends_at: new Date('2026-09-15T12:00:00Z'), venue: 'Riverside Hub, Room 1', capacity: 2, status: 'scheduled' });

    const online = await addCourse(t.db, t.fixture.a.id, { title: 'Domestic abuse and the child', delivery: 'virtual' });
    await trainer.get(`/training/manage/courses/${online}/sessions/new`);
    const noLink = await trainer.post(`/training/manage/courses/${online}/sessions/new`, { ...session, venue: '', joiningLink: 'javascript:alert(1)' });
    expect(noLink.body).toContain('Enter the joining link as a full web address starting https://');
    expect((await trainer.post(`/training/manage/courses/${online}/sessions/new`, { ...session, joiningLink: 'https://meet.example.test/j/42' })).statusCode).toBe(303);
    expect(await t.db.selectFrom('course_session').select(['venue', 'joining_link']).where('course_id', '=', online).executeTakeFirstOrThrow())
      .toEqual({ venue: null, joining_link: 'https://meet.example.test/j/42' });

    const elearning = await addCourse(t.db, t.fixture.a.id, { title: 'The neglect toolkit', delivery: 'e_learning' });
    await trainer.get(`/training/manage/courses/${elearning}/sessions/new`);
    const window = { 'date-day': '1', 'date-month': '9', 'date-year': '2026', 'endDate-day': '30', 'endDate-month': '9', 'endDate-year': '2026', capacity: '100', status: 'scheduled' };
    const backwards = await trainer.post(`/training/manage/courses/${elearning}/sessions/new`, { ...window, 'endDate-day': '1', 'endDate-month': '8' });
    expect(backwards.body).toContain('The completion date must be on or after the date enrolment opens');
    expect((await trainer.post(`/training/manage/courses/${elearning}/sessions/new`, window)).statusCode).toBe(303);
    const w = await t.db.selectFrom('course_session').selectAll().where('course_id', '=', elearning).executeTakeFirstOrThrow();
    expect(w).toMatchObject({ venue: null, joining_link: null, capacity: 100, starts_at: new Date('2026-08-31T23:00:00Z'), ends_at: new Date('2026-09-30T22:59:00Z') });
    // Enrolling is booking: no calendar invitation, as there is no fixed time.
    const learner = await signIn(t, learners[0]!.email);
    const since = smtp.messages.length;
    await learner.post(`/training/sessions/${w.id}/book`);
    const mail = smtp.messages.slice(since).find((m) => m.to.includes(learners[0]!.email))!;
    expect(mail.text).toContain('complete by Wednesday 30 September 2026');
    expect(calendarOf(mail)).toBeNull();
  });

  it('gives new places to the people waiting, tells those booked of a new time, and refuses fewer places than booked', async () => {
    const courseId = await addCourse(t.db, t.fixture.a.id, { title: 'Professional curiosity' });
    const sessionId = await addSession(t.db, t.fixture.a.id, courseId, { capacity: 1, startsAt: new Date('2026-10-06T08:30:00Z') });
    for (const l of learners.slice(0, 3)) await (await signIn(t, l.email)).post(`/training/sessions/${sessionId}/book`);
    const page = await trainer.get(`/training/manage/sessions/${sessionId}`);
    expect(page.body).toContain('Learner staff 1');
    expect(page.body).toMatch(/number 2/);
    const values = { 'date-day': '6', 'date-month': '10', 'date-year': '2026', startTime: '09:30', endTime: '15:30', venue: 'Northmere Civic Centre, Room 2', capacity: '2', trainers: 'Grace Adeyemi', trainerUserId: '', status: 'scheduled', version: '1' };

    const fewer = await trainer.post(`/training/manage/sessions/${sessionId}`, { ...values, capacity: '0' });
    expect(fewer.body).toContain('The number of places must be a whole number from 1 to 1,000');
    const since = smtp.messages.length;
    const more = await trainer.post(`/training/manage/sessions/${sessionId}`, { ...values, startTime: '10:00', endTime: '16:00' });
    expect(more.statusCode).toBe(303);
    expect(await statuses(sessionId)).toEqual({ [learners[0]!.id]: 'confirmed', [learners[1]!.id]: 'confirmed', [learners[2]!.id]: 'waiting' });
    const sent = smtp.messages.slice(since);
    expect(sent.find((m) => m.to.includes(learners[1]!.email))!.subject).toBe('A place for you: Professional curiosity');
    const updated = sent.find((m) => m.to.includes(learners[0]!.email))!;
    expect(updated.subject).toBe('Session changed: Professional curiosity');
    expect(calendarOf(updated)).toMatchObject({ METHOD: 'REQUEST', SEQUENCE: '2', DTSTART: '20261006T090000Z' });
    expect(sent.filter((m) => m.to.includes(learners[2]!.email))).toEqual([]);

    // From a page opened before that change: refused, nothing saved.
    const stale = await trainer.post(`/training/manage/sessions/${sessionId}`, { ...values, capacity: '5' });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('Someone else changed this session after you opened it');
    const below = await trainer.post(`/training/manage/sessions/${sessionId}`, { ...values, version: '2', startTime: '10:00', endTime: '16:00', capacity: '1' });
    expect(below.body).toContain('The number of places cannot be fewer than the 2 people already booked');
  });

  it('cancels anyone’s booking at any time, giving the place to the first waiting', async () => {
    const courseId = await addCourse(t.db, t.fixture.a.id, { title: 'Bruising in non-mobile babies' });
    const sessionId = await addSession(t.db, t.fixture.a.id, courseId, { capacity: 1, startsAt: new Date('2026-06-02T08:30:00Z') });
    for (const l of learners.slice(0, 2)) await (await signIn(t, l.email)).post(`/training/sessions/${sessionId}/book`);
    const first = await t.db.selectFrom('booking').select('id').where('session_id', '=', sessionId).where('user_id', '=', learners[0]!.id).executeTakeFirstOrThrow();
    await trainer.get(`/training/manage/sessions/${sessionId}`);
    const since = smtp.messages.length;
    // A day before: past the person's own cut-off, not the training team's.
    const res = await trainer.post(`/training/manage/bookings/${first.id}/cancel`);
    expect(res.statusCode).toBe(303);
    expect(await statuses(sessionId)).toEqual({ [learners[0]!.id]: 'cancelled', [learners[1]!.id]: 'confirmed' });
    const told = smtp.messages.slice(since).find((m) => m.to.includes(learners[0]!.email))!;
    expect(told.text).toContain('The training team has cancelled your booking');
    expect(calendarOf(told)).toMatchObject({ METHOD: 'CANCEL' });
    expect((await trainer.post(`/training/manage/bookings/${first.id}/cancel`)).body).toContain('This booking has already been cancelled');
  });

  it('cancels a session with a reason, cancelling every booking and emailing everyone booked or waiting', async () => {
    const courseId = await addCourse(t.db, t.fixture.a.id, { title: 'DSL refresher' });
    const sessionId = await addSession(t.db, t.fixture.a.id, courseId, { capacity: 2, startsAt: new Date('2026-11-03T09:30:00Z') });
    for (const l of learners.slice(0, 3)) await (await signIn(t, l.email)).post(`/training/sessions/${sessionId}/book`);
    await trainer.get(`/training/manage/sessions/${sessionId}`);
    const noReason = await trainer.post(`/training/manage/sessions/${sessionId}/cancel`, { reason: ' ' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Enter why the session is cancelled');
    const since = smtp.messages.length;
    expect((await trainer.post(`/training/manage/sessions/${sessionId}/cancel`, { reason: 'The trainer is unwell.' })).statusCode).toBe(303);
    expect(Object.values(await statuses(sessionId))).toEqual(['cancelled', 'cancelled', 'cancelled']);
    const sent = smtp.messages.slice(since);
    expect(sent.map((m) => m.to[0]).sort()).toEqual(learners.slice(0, 3).map((l) => l.email).sort());
    for (const m of sent) expect(m.text).toContain('Reason: The trainer is unwell.');
    expect(sent.filter((m) => calendarOf(m)?.METHOD === 'CANCEL')).toHaveLength(2);
    const learner = await signIn(t, learners[3]!.email);
    const refused = await learner.post(`/training/sessions/${sessionId}/book`);
    expect(refused.body).toContain('This session has been cancelled');
  });

  it('keeps practitioners out of the manage pages and another partnership’s courses out of reach', async () => {
    const learner = await signIn(t, learners[0]!.email);
    expect((await learner.get('/training/manage')).statusCode).toBe(403);
    const other = await addCourse(t.db, t.fixture.b.id, { title: 'Beta only' });
    expect((await trainer.get(`/training/manage/courses/${other}`)).statusCode).toBe(404);
    expect((await trainer.post(`/training/manage/courses/${other}/sessions/new`, session)).statusCode).toBe(404);
    expect(await t.db.selectFrom('course_session').select('id').where('course_id', '=', other).execute()).toEqual([]);
  });
});
