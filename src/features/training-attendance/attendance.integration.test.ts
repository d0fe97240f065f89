import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSmtp, type TestSmtp } from '../../testing/smtp';
import { pdfText } from '../../testing/pdf-text';
import { createTestApp, signIn, type Client, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { addAgency } from '../agencies/agencies.service';
import { addCourse, addPractitioner, addSession, book, userId } from './test-records';

const MINUTE = 60_000;

describe.each(dialects())('training attendance, charges and certificates (%s)', (dialect) => {
  let t: TestApp;
  let smtp: TestSmtp;
  let trainer: Client;
  let otherTrainer: Client;
  let manager: Client;
  let trainerId: number;
  let course: string;
  /** The trainer's own session, started an hour before the clock; and one no trainer is named for. */
  let own: string;
  let unassigned: string;
  let future: string;
  let cancelled: string;
  let ada: number; let ben: number; let cal: number;
  let adaBooking: string; let benBooking: string; let calBooking: string;
  let otherPartnershipSession: string;

  const bookingOf = (id: string) => t.db.selectFrom('booking').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestApp(dialect, { SMTP_URL: smtp.url, PUBLIC_URL: 'https://beacon.example' });
    t.clock.current = new Date('2026-06-10T10:30:00Z');
    const a = t.fixture.a.id;
    const police = await addAgency(t.db, a, { name: 'Northshire Police', type: 'police' });
    const evil = await addAgency(t.db, a, { name: '=HYPERLINK("x") Agency', type: 'voluntary' });
    trainerId = await userId(t.db, 'trainer@a.test');
    await addPractitioner(t.db, a, t.fixture.a.agencyId, 'trainer2@a.test', 'Second Trainer', ['trainer']);
    ada = await addPractitioner(t.db, a, t.fixture.a.agencyId, 'ada@a.test', 'Ada Lovelace');
    ben = await addPractitioner(t.db, a, police.id, 'ben@a.test', 'Ben Okoro');
    cal = await addPractitioner(t.db, a, evil.id, 'cal@a.test', 'Cal Evans');
    course = await addCourse(t.db, a, { title: 'Neglect: recognising and responding', themes: ['neglect'], outcomes: ['Use the graded care profile'] });
    own = await addSession(t.db, a, course, { startsAt: '2026-06-10T09:30:00Z', trainerUserId: trainerId });
    unassigned = await addSession(t.db, a, course, { startsAt: '2026-06-10T08:00:00Z' });
    future = await addSession(t.db, a, course, { startsAt: '2026-06-10T13:00:00Z', trainerUserId: trainerId });
    cancelled = await addSession(t.db, a, course, { startsAt: '2026-06-09T09:30:00Z', status: 'cancelled', trainerUserId: trainerId });
    adaBooking = await book(t.db, a, own, ada);
    benBooking = await book(t.db, a, own, ben);
    calBooking = await book(t.db, a, own, cal);
    // Not on the register: a waiting and a cancelled booking.
    await book(t.db, a, own, await userId(t.db, 'practitioner@a.test'), { status: 'waiting' });
    await book(t.db, a, own, await userId(t.db, 'agency_lead@a.test'), { status: 'cancelled' });
    await book(t.db, a, unassigned, ada);
    await book(t.db, a, future, ada);
    const bCourse = await addCourse(t.db, t.fixture.b.id, { title: 'Neglect in Beta' });
    otherPartnershipSession = await addSession(t.db, t.fixture.b.id, bCourse, { startsAt: '2026-06-10T09:30:00Z' });
    trainer = await signIn(t, 'trainer@a.test');
    otherTrainer = await signIn(t, 'trainer2@a.test');
    manager = await signIn(t, 'business_manager@a.test');
  });
  afterAll(async () => { await t?.close(); await smtp?.close(); });

  it('shows the trainer their session’s register: the confirmed places only', async () => {
    const res = await trainer.get(`/training/sessions/${own}/attendance`);
    expect(res.statusCode).toBe(200);
    for (const name of ['Ada Lovelace', 'Ben Okoro', 'Cal Evans']) expect(res.body).toContain(name);
    expect(res.body).not.toContain('practitioner a');
    expect(res.body).not.toContain('agency_lead a');
    expect(res.body).toContain('The partnership makes no charge for not attending');
    const read = await t.db.selectFrom('audit_event').select(['action', 'record_id']).where('action', '=', 'training_attendance.read').execute();
    expect(read).toContainEqual({ action: 'training_attendance.read', record_id: own });
  });

  it('refuses to mark before the session starts, or a cancelled session, and writes nothing', async () => {
    const page = await trainer.get(`/training/sessions/${future}/attendance`);
    expect(page.body).toContain('Attendance can be marked from the start of the session');
    expect(page.body).not.toContain('Save attendance');
    const early = await trainer.post(`/training/sessions/${future}/attendance`, { [`attendance-${adaBooking}`]: 'attended' });
    expect(early.statusCode).toBe(400);
    expect(early.body).toContain('Attendance can be marked from the start of the session, 10 June 2026 at 14:00');
    const gone = await trainer.post(`/training/sessions/${cancelled}/attendance`, {});
    expect(gone.statusCode).toBe(400);
    expect(gone.body).toContain('This session was cancelled');
    const marked = await t.db.selectFrom('booking').select('id').where('session_id', 'in', [future, cancelled]).where('attendance', 'is not', null).execute();
    expect(marked).toEqual([]);
  });

  it('lets only the session’s own trainer or the business manager mark it; a session with no trainer named, any trainer', async () => {
    expect((await otherTrainer.get(`/training/sessions/${own}/attendance`)).statusCode).toBe(403);
    expect((await otherTrainer.post(`/training/sessions/${own}/attendance`, { [`attendance-${adaBooking}`]: 'absent' })).statusCode).toBe(403);
    expect((await bookingOf(adaBooking)).attendance).toBeNull();
    expect((await otherTrainer.get(`/training/sessions/${unassigned}/attendance`)).statusCode).toBe(200);
    expect((await manager.get(`/training/sessions/${own}/attendance`)).statusCode).toBe(200);
    // Another partnership's session is not found, as one that does not exist.
    expect((await trainer.get(`/training/sessions/${otherPartnershipSession}/attendance`)).statusCode).toBe(404);
    expect((await trainer.get('/training/sessions/not-a-session/attendance')).statusCode).toBe(404);
  });

  it('needs everyone marked, names who is missing, and saves nothing until they are', async () => {
    const res = await trainer.post(`/training/sessions/${own}/attendance`, { [`attendance-${adaBooking}`]: 'attended', [`attendance-${benBooking}`]: 'maybe' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('There is a problem');
    expect(res.body).toContain(`href="#attendance-${benBooking}">Select whether Ben Okoro attended`);
    expect(res.body).toContain(`href="#attendance-${calBooking}">Select whether Cal Evans attended`);
    // What was entered is shown again.
    expect(res.body).toMatch(new RegExp(`name="attendance-${adaBooking}" type="radio" value="attended" checked`));
    expect((await bookingOf(adaBooking)).attendance).toBeNull();
  });

  it('marks the register together: a certificate number and an email for each person attending, no charge where none is set', async () => {
    const before = smtp.messages.length;
    const res = await trainer.post(`/training/sessions/${own}/attendance`, {
      [`attendance-${adaBooking}`]: 'attended', [`attendance-${benBooking}`]: 'attended', [`attendance-${calBooking}`]: 'absent',
    });
    expect(res.statusCode).toBe(303);
    const [a, b, c] = await Promise.all([bookingOf(adaBooking), bookingOf(benBooking), bookingOf(calBooking)]);
    expect(a).toMatchObject({ attendance: 'attended', attendance_marked_by: trainerId, charge_pence: null });
    expect(a.certificate_number).toMatch(/^AP-2026-\d{6}$/);
    expect(b.certificate_number).toMatch(/^AP-2026-\d{6}$/);
    expect(a.certificate_number).not.toBe(b.certificate_number);
    expect(a.evaluation_requested_at).toEqual(t.clock.current);
    expect(c).toMatchObject({ attendance: 'absent', charge_pence: null, certificate_number: null, evaluation_requested_at: null });
    await expect.poll(() => smtp.messages.length - before).toBe(2);
    const toAda = smtp.messages.find((m) => m.to.includes('ada@a.test'))!;
    expect(toAda.subject).toBe('Your certificate and evaluation: Neglect: recognising and responding');
    expect(toAda.text).toContain(`https://beacon.example/training/bookings/${adaBooking}/evaluation`);
    expect(toAda.text).toContain(`https://beacon.example/training/bookings/${adaBooking}/certificate.pdf`);
    expect(toAda.text).toContain(a.certificate_number!);
    expect(smtp.messages.some((m) => m.to.includes('cal@a.test'))).toBe(false);
    const audit = await t.db.selectFrom('audit_event').select(['detail']).where('action', '=', 'training_attendance.mark').where('record_id', '=', own).executeTakeFirstOrThrow();
    expect(audit.detail).toMatchObject({ attended: 2, absent: 1, changed: 3, charged: 0 });
  });

  it('keeps a certificate number and sends no second email when the register is saved again', async () => {
    const number = (await bookingOf(adaBooking)).certificate_number;
    const before = smtp.messages.length;
    t.clock.advance(10 * MINUTE);
    await trainer.get(`/training/sessions/${own}/attendance`);
    const res = await trainer.post(`/training/sessions/${own}/attendance`, {
      [`attendance-${adaBooking}`]: 'attended', [`attendance-${benBooking}`]: 'attended', [`attendance-${calBooking}`]: 'absent',
    });
    expect(res.statusCode).toBe(303);
    expect((await bookingOf(adaBooking)).certificate_number).toBe(number);
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages.length).toBe(before);
  });

  it('lets the business manager set the rules, validated, and no one else', async () => {
    expect((await trainer.get('/training/settings')).statusCode).toBe(403);
    expect((await trainer.post('/training/settings', { cancellationCutoffHours: '24', charge: '10', impactSurveyWeeks: '8' })).statusCode).toBe(403);
    const page = await manager.get('/training/settings');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('value="48"');
    const bad = await manager.post('/training/settings', { cancellationCutoffHours: '-1', charge: '25.555', impactSurveyWeeks: '1' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('The cut-off must be a whole number of hours from 0 to 720');
    expect(bad.body).toContain('Enter the charge in pounds and pence, like 25 or 25.50, or leave it blank for no charge');
    expect(bad.body).toContain('The impact survey must be sent between 2 and 52 weeks after a course');
    // A field posted twice is read by its first value, as every form does.
    const twice = await manager.post('/training/settings', { cancellationCutoffHours: ['x', '24'], charge: ['', '5'], impactSurveyWeeks: ['1', '8'] });
    expect(twice.statusCode).toBe(400);
    expect(twice.body).toContain('The cut-off must be a whole number of hours from 0 to 720');
    expect((await manager.post('/training/settings', { cancellationCutoffHours: '24', charge: '0', impactSurveyWeeks: '8' })).body)
      .toContain('Enter a charge of more than £0, or leave it blank for no charge');
    const blank = await manager.post('/training/settings', { cancellationCutoffHours: '', charge: '', impactSurveyWeeks: '' });
    expect(blank.body).toContain('Enter how many hours before a session people can cancel their place');
    expect(blank.body).toContain('Enter how many weeks after a course the impact survey is sent');
    let settings = (await t.db.selectFrom('partnership').select('settings').where('id', '=', t.fixture.a.id).executeTakeFirstOrThrow()).settings;
    expect(settings.training).toBeUndefined();
    const ok = await manager.post('/training/settings', { cancellationCutoffHours: '24', charge: '£25', impactSurveyWeeks: '6' });
    expect(ok.statusCode).toBe(303);
    settings = (await t.db.selectFrom('partnership').select('settings').where('id', '=', t.fixture.a.id).executeTakeFirstOrThrow()).settings;
    expect(settings.training).toEqual({ cancellationCutoffHours: 24, nonAttendanceChargePence: 2500, impactSurveyWeeks: 6 });
  });

  it('charges a person marked as not attending where a charge is set, and clears it if they are marked as attending after all', async () => {
    // Cal was marked absent before there was a charge: that stands.
    expect((await bookingOf(calBooking)).charge_pence).toBeNull();
    await trainer.get(`/training/sessions/${own}/attendance`);
    await trainer.post(`/training/sessions/${own}/attendance`, {
      [`attendance-${adaBooking}`]: 'attended', [`attendance-${benBooking}`]: 'absent', [`attendance-${calBooking}`]: 'absent',
    });
    const b = await bookingOf(benBooking);
    expect(b).toMatchObject({ attendance: 'absent', charge_pence: 2500 });
    // His certificate is no longer his to download.
    const ben_ = await signIn(t, 'ben@a.test');
    expect((await ben_.get(`/training/bookings/${benBooking}/certificate.pdf`)).statusCode).toBe(404);
    const page = await trainer.get(`/training/sessions/${own}/attendance`);
    expect(page.body).toContain('charged £25.00');
    expect(page.body).toContain('Each person marked as not attending is charged £25.00');
    // Cal is marked attended, then absent again: charged now, at the current rate.
    await trainer.post(`/training/sessions/${own}/attendance`, {
      [`attendance-${adaBooking}`]: 'attended', [`attendance-${benBooking}`]: 'absent', [`attendance-${calBooking}`]: 'attended',
    });
    expect(await bookingOf(calBooking)).toMatchObject({ attendance: 'attended', charge_pence: null });
    expect((await bookingOf(calBooking)).certificate_number).toMatch(/-2026-\d{6}$/);
    await trainer.post(`/training/sessions/${own}/attendance`, {
      [`attendance-${adaBooking}`]: 'attended', [`attendance-${benBooking}`]: 'absent', [`attendance-${calBooking}`]: 'absent',
    });
    expect(await bookingOf(calBooking)).toMatchObject({ attendance: 'absent', charge_pence: 2500 });
  });

  it('lists the charges by agency for the business manager, and as a spreadsheet-safe CSV', async () => {
    expect((await trainer.get('/training/charges')).statusCode).toBe(403);
    const page = await manager.get('/training/charges?period=month&to=2026-06-30');
    expect(page.statusCode).toBe(400);
    const june = await manager.get('/training/charges?period=month&to=2026-06-10');
    expect(june.statusCode).toBe(200);
    expect(june.body).toContain('Northshire Police');
    expect(june.body).toContain('Ben Okoro');
    expect(june.body).toContain('2 charges, £50.00 in all');
    const csv = await manager.get('/training/charges.csv?period=month&to=2026-06-10');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('Agency,Agency type,Person,Email,Course,Session date,Charge (£)');
    expect(lines).toContain('"\'=HYPERLINK(""x"") Agency",voluntary,Cal Evans,cal@a.test,Neglect: recognising and responding,2026-06-10,25.00');
    expect(lines).toContain('Northshire Police,police,Ben Okoro,ben@a.test,Neglect: recognising and responding,2026-06-10,25.00');
    expect(lines).toHaveLength(3);
    const may = await manager.get('/training/charges?period=month&to=2026-05-31');
    expect(may.body).toContain('No one was charged for not attending a session in this period');
  });

  it('gives the attendee their certificate as a PDF, and the trainer and manager too; no one else', async () => {
    const adaClient = await signIn(t, 'ada@a.test');
    const res = await adaClient.get(`/training/bookings/${adaBooking}/certificate.pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const number = (await bookingOf(adaBooking)).certificate_number!;
    const text = pdfText(res.rawPayload).join('\n');
    for (const part of ['Ada Lovelace', 'Alpha Partnership Council', 'Neglect: recognising and responding', `Certificate number ${number}`, 'Alpha Partnership', '10 June 2026', 'Use the graded care profile']) {
      expect(text).toContain(part);
    }
    expect((await manager.get(`/training/bookings/${adaBooking}/certificate.pdf`)).statusCode).toBe(200);
    expect((await trainer.get(`/training/bookings/${adaBooking}/certificate.pdf`)).statusCode).toBe(200);
    const calClient = await signIn(t, 'cal@a.test');
    expect((await calClient.get(`/training/bookings/${adaBooking}/certificate.pdf`)).statusCode).toBe(404);
    expect((await calClient.get(`/training/bookings/${calBooking}/certificate.pdf`)).statusCode).toBe(404);
    const bManager = await signIn(t, 'business_manager@b.test');
    expect((await bManager.get(`/training/bookings/${adaBooking}/certificate.pdf`)).statusCode).toBe(404);
    const reads = await t.db.selectFrom('audit_event').select(['user_email', 'detail']).where('action', '=', 'training_certificate.read').where('record_id', '=', adaBooking).execute();
    expect(reads.map((r) => [r.user_email, (r.detail as { own: boolean }).own])).toEqual(expect.arrayContaining([['ada@a.test', true], ['business_manager@a.test', false]]));
  });
});
