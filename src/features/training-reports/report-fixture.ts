import type { Db } from '../../db/create-db';
import type { Fixture } from '../../testing/test-app';
import { addAgency } from '../agencies/agencies.service';
import { addCourse, addPractitioner, addSession, book } from '../training-attendance/test-records';

/**
 * A small training year in partnership A whose figures are counted by hand, for the report's tests and
 * the CLI's. The financial year 2025 to 2026 runs 1 April 2025 to 31 March 2026 (London dates).
 *
 * Delivered in the year: S1, S2, S3, S4 (4 sessions) of C1, C2, C3 (3 courses); face to face S1, S2: 50%.
 * - S1 C1 (face to face), May 2025: p1 (council), p2 (police), p3 (school) attended; p4 (police) did not, charged £25.
 * - S2 C1 (face to face), November 2025: not marked: p1, p3 confirmed (counted, and said so); p2 waiting, p4 cancelled (not counted).
 * - S3 C2 (virtual), January 2026: p2, p4 (police) attended.
 * - S4 C3 (e-learning), ends 23:30 on 31 March 2026 in London (22:30 UTC): p3 attended.
 * Not delivered in the year: S5 C1 ends 00:30 on 1 April 2026 in London (23:30 UTC on 31 March); S6 cancelled;
 * S7 planned; S8 in March 2025; and partnership B's session.
 *
 * Participants 8: council 2, police 3, school 3. Marked 7, 1 did not attend (14.3%).
 * Evaluations: S1 p1 (5, yes, 2→4), S1 p2 (4, partly, 3→4), S3 p2 (3, yes, 1→3), S4 p3 (4, no, 3→3); and S5's (not counted).
 * Impact: S1 p1 now 4, S3 p2 now 3.
 */
export async function seedReportFixture(db: Db, fixture: Fixture) {
  const a = fixture.a.id;
  const police = await addAgency(db, a, { name: 'Northshire Police', type: 'police' });
  const school = await addAgency(db, a, { name: 'Riverside School', type: 'education' });
  const p1 = await addPractitioner(db, a, fixture.a.agencyId, 'p1@a.test', 'Pat One');
  const p2 = await addPractitioner(db, a, police.id, 'p2@a.test', 'Pat Two');
  const p3 = await addPractitioner(db, a, school.id, 'p3@a.test', 'Pat Three');
  const p4 = await addPractitioner(db, a, police.id, 'p4@a.test', 'Pat Four');
  const c1 = await addCourse(db, a, { title: 'Neglect', delivery: 'face_to_face', themes: ['neglect'] });
  const c2 = await addCourse(db, a, { title: 'Exploitation', delivery: 'virtual', themes: ['exploitation', 'neglect'] });
  const c3 = await addCourse(db, a, { title: 'Online safety basics', delivery: 'e_learning', themes: ['online_harm'] });
  const s1 = await addSession(db, a, c1, { startsAt: '2025-05-10T09:00:00Z' });
  const s2 = await addSession(db, a, c1, { startsAt: '2025-11-12T10:00:00Z' });
  const s3 = await addSession(db, a, c2, { startsAt: '2026-01-15T10:00:00Z' });
  const s4 = await addSession(db, a, c3, { startsAt: '2026-03-01T09:00:00Z', endsAt: '2026-03-31T22:30:00Z' });
  const s5 = await addSession(db, a, c1, { startsAt: '2026-03-31T20:30:00Z', endsAt: '2026-03-31T23:30:00Z' });
  const s6 = await addSession(db, a, c2, { startsAt: '2025-06-01T09:00:00Z', status: 'cancelled' });
  const s7 = await addSession(db, a, c1, { startsAt: '2025-07-01T09:00:00Z', status: 'planned' });
  const s8 = await addSession(db, a, c1, { startsAt: '2025-03-20T09:00:00Z' });

  const b1 = await book(db, a, s1, p1, { attendance: 'attended' });
  const b2 = await book(db, a, s1, p2, { attendance: 'attended' });
  await book(db, a, s1, p3, { attendance: 'attended' });
  const absent = await book(db, a, s1, p4, { attendance: 'absent' });
  await db.updateTable('booking').set({ charge_pence: 2500 }).where('id', '=', absent).execute();
  await book(db, a, s2, p1);
  await book(db, a, s2, p3);
  await book(db, a, s2, p2, { status: 'waiting' });
  await book(db, a, s2, p4, { status: 'cancelled' });
  const b3 = await book(db, a, s3, p2, { attendance: 'attended' });
  await book(db, a, s3, p4, { attendance: 'attended' });
  const b4 = await book(db, a, s4, p3, { attendance: 'attended' });
  const b5 = await book(db, a, s5, p1, { attendance: 'attended' });
  await book(db, a, s6, p1, { status: 'cancelled' });
  await book(db, a, s6, p2, { status: 'cancelled' });
  await book(db, a, s7, p3);
  await book(db, a, s8, p4, { attendance: 'attended' });
  const bCourse = await addCourse(db, fixture.b.id, { title: 'Neglect in Beta' });
  const bPerson = await db.selectFrom('app_user').select('id').where('email', '=', 'practitioner@b.test').executeTakeFirstOrThrow();
  await book(db, fixture.b.id, await addSession(db, fixture.b.id, bCourse, { startsAt: '2025-09-01T09:00:00Z' }), bPerson.id, { attendance: 'attended' });

  const evaluate = (bookingId: string, kind: 'evaluation' | 'impact', v: { overall?: number; met?: string; before?: number; after: number; change?: string }) =>
    db.insertInto('training_evaluation').values({
      partnership_id: a, booking_id: bookingId, kind, submitted_at: new Date('2026-04-10T09:00:00Z'), overall: v.overall ?? null,
      confidence_before: v.before ?? null, confidence_after: v.after, answers: JSON.stringify(v.met ? { outcomesMet: v.met } : {}), practice_change: v.change ?? null,
    }).execute();
  await evaluate(b1, 'evaluation', { overall: 5, met: 'yes', before: 2, after: 4 });
  await evaluate(b2, 'evaluation', { overall: 4, met: 'partly', before: 3, after: 4 });
  await evaluate(b3, 'evaluation', { overall: 3, met: 'yes', before: 1, after: 3 });
  await evaluate(b4, 'evaluation', { overall: 4, met: 'no', before: 3, after: 3 });
  await evaluate(b5, 'evaluation', { overall: 1, met: 'no', before: 5, after: 1 });
  await evaluate(b1, 'impact', { after: 4, change: 'I now use the graded care profile with every family I visit.' });
  await evaluate(b3, 'impact', { after: 3 });
}

/** What `beacon training report --la 801 --from 2025-04-01 --to 2026-03-31 --format json` prints for the fixture, every figure counted by hand. */
export const EXPECTED_REPORT_JSON = {
  la: '801', from: '2025-04-01', to: '2026-03-31',
  courses_delivered: 3,
  sessions_delivered: 4,
  participants: 8,
  participants_unmarked: 2,
  face_to_face_pct: 50,
  by_agency: [
    { agency: 'Northshire Police', agency_type: 'police', participants: 3 },
    { agency: 'Riverside School', agency_type: 'education', participants: 3 },
    { agency: 'Alpha Partnership Council', agency_type: 'local_authority', participants: 2 },
  ],
  by_agency_type: [
    { agency_type: 'education', participants: 3, pct: 37.5 },
    { agency_type: 'police', participants: 3, pct: 37.5 },
    { agency_type: 'local_authority', participants: 2, pct: 25 },
  ],
  non_attendance: { marked: 7, absent: 1, rate_pct: 14.3, charged: 1, charged_pence: 2500 },
  evaluation: { responses: 4, mean_overall: 4, outcomes_met_pct: 50, mean_confidence_before: 2.3, mean_confidence_after: 3.5, confidence_uplift: 1.3 },
  impact: { responses: 2, mean_confidence_now: 3.5 },
  by_course: [
    { course: 'Exploitation', delivery: 'virtual', sessions: 1, participants: 2,
      evaluation: { responses: 1, mean_overall: 3, outcomes_met_pct: 100, mean_confidence_before: 1, mean_confidence_after: 3, confidence_uplift: 2 },
      impact: { responses: 1, mean_confidence_now: 3 } },
    { course: 'Neglect', delivery: 'face_to_face', sessions: 2, participants: 5,
      evaluation: { responses: 2, mean_overall: 4.5, outcomes_met_pct: 50, mean_confidence_before: 2.5, mean_confidence_after: 4, confidence_uplift: 1.5 },
      impact: { responses: 1, mean_confidence_now: 4 } },
    { course: 'Online safety basics', delivery: 'e_learning', sessions: 1, participants: 1,
      evaluation: { responses: 1, mean_overall: 4, outcomes_met_pct: 0, mean_confidence_before: 3, mean_confidence_after: 3, confidence_uplift: 0 },
      impact: { responses: 0, mean_confidence_now: null } },
  ],
  by_theme: [
    { theme: 'neglect', courses: 2,
      evaluation: { responses: 3, mean_overall: 4, outcomes_met_pct: 66.7, mean_confidence_before: 2, mean_confidence_after: 3.7, confidence_uplift: 1.7 },
      impact: { responses: 2, mean_confidence_now: 3.5 } },
    { theme: 'exploitation', courses: 1,
      evaluation: { responses: 1, mean_overall: 3, outcomes_met_pct: 100, mean_confidence_before: 1, mean_confidence_after: 3, confidence_uplift: 2 },
      impact: { responses: 1, mean_confidence_now: 3 } },
    { theme: 'online_harm', courses: 1,
      evaluation: { responses: 1, mean_overall: 4, outcomes_met_pct: 0, mean_confidence_before: 3, mean_confidence_after: 3, confidence_uplift: 0 },
      impact: { responses: 0, mean_confidence_now: null } },
  ],
  months: [
    { month: '2025-04', sessions: 0, face_to_face: 0, participants: 0 },
    { month: '2025-05', sessions: 1, face_to_face: 1, participants: 3 },
    { month: '2025-06', sessions: 0, face_to_face: 0, participants: 0 },
    { month: '2025-07', sessions: 0, face_to_face: 0, participants: 0 },
    { month: '2025-08', sessions: 0, face_to_face: 0, participants: 0 },
    { month: '2025-09', sessions: 0, face_to_face: 0, participants: 0 },
    { month: '2025-10', sessions: 0, face_to_face: 0, participants: 0 },
    { month: '2025-11', sessions: 1, face_to_face: 1, participants: 2 },
    { month: '2025-12', sessions: 0, face_to_face: 0, participants: 0 },
    { month: '2026-01', sessions: 1, face_to_face: 0, participants: 2 },
    { month: '2026-02', sessions: 0, face_to_face: 0, participants: 0 },
    { month: '2026-03', sessions: 1, face_to_face: 0, participants: 1 },
  ],
};
