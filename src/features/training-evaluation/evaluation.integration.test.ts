import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../platform/email';
import { startTestSmtp, type TestSmtp } from '../../testing/smtp';
import { createTestApp, signIn, type Client, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { addCourse, addPractitioner, addSession, book } from '../training-attendance/test-records';
import { sendTrainingSurveys } from './evaluation.service';

const GOOD = { overall: '4', outcomesMet: 'yes', confidenceBefore: '2', confidenceAfter: '4', practiceChange: 'Ask about who lives in the home.', comments: 'Good venue.' };

describe.each(dialects())('training evaluation and impact survey (%s)', (dialect) => {
  let t: TestApp;
  let smtp: TestSmtp;
  let ada: Client;
  let sessionId: string;
  let attended: string;
  let unmarked: string;
  let absent: string;
  let someoneElses: string;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestApp(dialect, { SMTP_URL: smtp.url, PUBLIC_URL: 'https://beacon.example' });
    t.clock.current = new Date('2026-06-10T15:00:00Z');
    const a = t.fixture.a.id;
    const adaId = await addPractitioner(t.db, a, t.fixture.a.agencyId, 'ada@a.test', 'Ada Lovelace');
    const benId = await addPractitioner(t.db, a, t.fixture.a.agencyId, 'ben@a.test', 'Ben Okoro');
    const course = await addCourse(t.db, a, { title: 'Exploitation: spotting the signs', outcomes: ['Know the signs of criminal exploitation'] });
    sessionId = await addSession(t.db, a, course, { startsAt: '2026-06-10T09:00:00Z', endsAt: '2026-06-10T12:00:00Z' });
    const other = await addSession(t.db, a, course, { startsAt: '2026-06-11T09:00:00Z' });
    const third = await addSession(t.db, a, course, { startsAt: '2026-06-01T09:00:00Z' });
    attended = await book(t.db, a, sessionId, adaId, { attendance: 'attended' });
    await t.db.updateTable('booking').set({ evaluation_requested_at: new Date('2026-06-10T13:00:00Z') }).where('id', '=', attended).execute();
    unmarked = await book(t.db, a, other, adaId);
    absent = await book(t.db, a, third, adaId, { attendance: 'absent' });
    someoneElses = await book(t.db, a, sessionId, benId, { attendance: 'attended' });
    await t.db.updateTable('booking').set({ evaluation_requested_at: new Date('2026-06-10T13:00:00Z') }).where('id', '=', someoneElses).execute();
    ada = await signIn(t, 'ada@a.test');
  });
  afterAll(async () => { await t?.close(); await smtp?.close(); });

  it('is open only once the person is marked as attending', async () => {
    for (const id of [unmarked, absent]) {
      const page = await ada.get(`/training/bookings/${id}/evaluation`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('You can evaluate the course once the trainer has marked you as attending it');
      expect(page.body).not.toContain('Send your evaluation');
      const post = await ada.post(`/training/bookings/${id}/evaluation`, GOOD);
      expect(post.statusCode).toBe(400);
    }
    expect(await t.db.selectFrom('training_evaluation').select('id').execute()).toEqual([]);
  });

  it('is the attendee’s own: another person’s booking, or another partnership’s, is not found', async () => {
    expect((await ada.get(`/training/bookings/${someoneElses}/evaluation`)).statusCode).toBe(404);
    expect((await ada.post(`/training/bookings/${someoneElses}/evaluation`, GOOD)).statusCode).toBe(404);
    const manager = await signIn(t, 'trainer@a.test');
    expect((await manager.get(`/training/bookings/${attended}/evaluation`)).statusCode).toBe(404);
    const beta = await signIn(t, 'practitioner@b.test');
    expect((await beta.get(`/training/bookings/${attended}/evaluation`)).statusCode).toBe(404);
    expect((await ada.get('/training/bookings/nonsense/evaluation')).statusCode).toBe(404);
  });

  it('names each answer missing or wrong, and keeps what was entered', async () => {
    const page = await ada.get(`/training/bookings/${attended}/evaluation`);
    expect(page.body).toContain('Know the signs of criminal exploitation');
    const res = await ada.post(`/training/bookings/${attended}/evaluation`, { overall: '6', confidenceAfter: '3', comments: 'x'.repeat(5001), practiceChange: ' ' });
    expect(res.statusCode).toBe(400);
    for (const [field, message] of [
      ['overall', 'Select your overall rating of the course, from 1 to 5'],
      ['outcomesMet', 'Select whether the course’s learning outcomes were met'],
      ['confidenceBefore', 'Select how confident you were before the course, from 1 to 5'],
      ['practiceChange', 'Enter what you will do differently in your practice'],
      ['comments', 'Your comments must be 5,000 characters or fewer'],
    ]) expect(res.body).toContain(`href="#${field}">${message}`);
    expect(res.body).toMatch(/name="confidenceAfter" type="radio" value="3" checked/);
  });

  it('records the evaluation once', async () => {
    const res = await ada.post(`/training/bookings/${attended}/evaluation`, GOOD);
    expect(res.statusCode).toBe(303);
    const saved = await t.db.selectFrom('training_evaluation').selectAll().where('booking_id', '=', attended).execute();
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ kind: 'evaluation', overall: 4, confidence_before: 2, confidence_after: 4, answers: { outcomesMet: 'yes' },
      practice_change: 'Ask about who lives in the home.', comments: 'Good venue.', partnership_id: t.fixture.a.id });
    const page = await ada.get(`/training/bookings/${attended}/evaluation`);
    expect(page.body).toContain('You sent your evaluation on');
    expect(page.body).not.toContain('Send your evaluation');
    const again = await ada.post(`/training/bookings/${attended}/evaluation`, { ...GOOD, overall: '1' });
    expect(again.statusCode).toBe(409);
    expect(await t.db.selectFrom('training_evaluation').select('overall').where('booking_id', '=', attended).execute()).toEqual([{ overall: 4 }]);
    const audit = await t.db.selectFrom('audit_event').select(['action', 'user_email']).where('action', '=', 'training_evaluation.submit').execute();
    expect(audit).toEqual([{ action: 'training_evaluation.submit', user_email: 'ada@a.test' }]);
  });

  it('reminds once, a week on, those who have not sent their evaluation', async () => {
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'beacon@example.test' });
    const before = smtp.messages.length;
    expect(await sendTrainingSurveys(t.db, mailer, new Date('2026-06-16T12:00:00Z'), { publicUrl: 'https://beacon.example' })).toEqual([]);
    const sent = await sendTrainingSurveys(t.db, mailer, new Date('2026-06-17T14:00:00Z'), { publicUrl: 'https://beacon.example' });
    // Ada has sent hers: only Ben is reminded.
    expect(sent).toEqual([{ kind: 'evaluation_reminder', bookingId: someoneElses, partnershipId: t.fixture.a.id, to: 'ben@a.test', emailed: true }]);
    await expect.poll(() => smtp.messages.length - before).toBe(1);
    const mail = smtp.messages.at(-1)!;
    expect(mail.subject).toBe('Reminder: your evaluation of Exploitation: spotting the signs');
    expect(mail.text).toContain(`https://beacon.example/training/bookings/${someoneElses}/evaluation`);
    expect(await sendTrainingSurveys(t.db, mailer, new Date('2026-06-24T14:00:00Z'), { publicUrl: 'https://beacon.example' })).toEqual([]);
  });

  it('opens the impact survey 8 weeks after the session, and invites each attendee once', async () => {
    const early = await ada.get(`/training/bookings/${attended}/impact`);
    expect(early.body).toContain('The impact survey opens on 5 August 2026');
    expect((await ada.post(`/training/bookings/${attended}/impact`, { confidenceNow: '4', changedPractice: 'no' })).statusCode).toBe(400);

    const mailer = createMailer({ smtpUrl: smtp.url, from: 'beacon@example.test' });
    const before = smtp.messages.length;
    expect((await sendTrainingSurveys(t.db, mailer, new Date('2026-08-05T11:59:00Z'))).filter((s) => s.kind === 'impact_invitation')).toEqual([]);
    const sent = await sendTrainingSurveys(t.db, mailer, new Date('2026-08-05T12:00:00Z'), { publicUrl: 'https://beacon.example' });
    expect(sent.map((s) => [s.kind, s.to]).sort()).toEqual([['impact_invitation', 'ada@a.test'], ['impact_invitation', 'ben@a.test']]);
    await expect.poll(() => smtp.messages.length - before).toBe(2);
    const toAda = smtp.messages.find((m) => m.to.includes('ada@a.test') && m.subject.startsWith('How has'))!;
    expect(toAda.subject).toBe('How has Exploitation: spotting the signs changed your practice?');
    expect(toAda.text).toContain(`https://beacon.example/training/bookings/${attended}/impact`);
    const rows = await t.db.selectFrom('booking').select(['id', 'impact_requested_at']).where('impact_requested_at', 'is not', null).orderBy('id').execute();
    expect(rows.map((r) => r.id).sort()).toEqual([attended, someoneElses].sort());
    // Once: the sweep again, an hour later, sends nothing.
    expect(await sendTrainingSurveys(t.db, mailer, new Date('2026-08-05T13:00:00Z'))).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages.length - before).toBe(2);
  });

  it('takes the impact survey once, with an example where practice changed', async () => {
    t.clock.current = new Date('2026-08-06T09:00:00Z');
    ada = await signIn(t, 'ada@a.test');
    const page = await ada.get(`/training/bookings/${attended}/impact`);
    expect(page.body).toContain('Send your answers');
    const bad = await ada.post(`/training/bookings/${attended}/impact`, { confidenceNow: '9', changedPractice: 'yes', practiceChange: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Select how confident you feel now, from 1 to 5');
    expect(bad.body).toContain('Enter an example of what you now do differently');
    const ok = await ada.post(`/training/bookings/${attended}/impact`, { confidenceNow: '5', changedPractice: 'yes', practiceChange: 'I use the exploitation screening tool at every review.', barriers: 'Time.' });
    expect(ok.statusCode).toBe(303);
    const saved = await t.db.selectFrom('training_evaluation').selectAll().where('booking_id', '=', attended).where('kind', '=', 'impact').executeTakeFirstOrThrow();
    expect(saved).toMatchObject({ confidence_after: 5, overall: null, practice_change: 'I use the exploitation screening tool at every review.', answers: { changedPractice: 'yes', barriers: 'Time.' } });
    expect((await ada.post(`/training/bookings/${attended}/impact`, { confidenceNow: '1', changedPractice: 'no' })).statusCode).toBe(409);
  });

  it('sends the impact survey when the partnership’s weeks have passed, and not one long overdue', async () => {
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'beacon@example.test' });
    const a = t.fixture.a.id;
    await t.db.updateTable('partnership').set({ settings: JSON.stringify({ training: { cancellationCutoffHours: 48, nonAttendanceChargePence: null, impactSurveyWeeks: 4 } }) })
      .where('id', '=', a).execute();
    const course = await addCourse(t.db, a, { title: 'Safe sleep' });
    const cal = await addPractitioner(t.db, a, t.fixture.a.agencyId, 'cal@a.test', 'Cal Evans');
    const recent = await book(t.db, a, await addSession(t.db, a, course, { startsAt: '2026-07-01T09:00:00Z', endsAt: '2026-07-01T12:00:00Z' }), cal, { attendance: 'attended' });
    const old = await book(t.db, a, await addSession(t.db, a, course, { startsAt: '2025-07-01T09:00:00Z' }), cal, { attendance: 'attended' });
    expect(await sendTrainingSurveys(t.db, mailer, new Date('2026-07-29T11:00:00Z'), { partnershipId: a })).toEqual([]);
    const sent = await sendTrainingSurveys(t.db, mailer, new Date('2026-07-29T12:00:00Z'), { partnershipId: a });
    expect(sent.map((s) => s.bookingId)).toEqual([recent]);
    expect((await t.db.selectFrom('booking').select('impact_requested_at').where('id', '=', old).executeTakeFirstOrThrow()).impact_requested_at).toBeNull();
  });
});
