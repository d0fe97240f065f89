import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyAuditChain } from '../platform/audit';
import { Browser, envInt, faultDb, faultDialects, freePort, killAll, server, signedInPeople, waitForHealth, withOpen, type FaultDb, type People } from './support';

/**
 * kill -9 of the server in the middle of a burst of bookings: many people, each signed in, press Book on
 * one session with few places at once; the server is killed after the first answers, and started again.
 * Every booking answered as made is there, no session has more confirmed than its places, every booking
 * has its email in the outbox and its audit entry (they commit together), and the server serves again.
 * FAULTS_BOOKERS and FAULTS_PLACES set the sizes.
 */

// Each step starts a real process: slow on a busy machine; every wait inside is bounded on its own.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

const BOOKERS = envInt('FAULTS_BOOKERS', 40);
const PLACES = envInt('FAULTS_PLACES', 8);
/** Answers awaited before the kill: past the first, well short of all. */
const KILL_AFTER = Math.max(2, Math.floor(BOOKERS / 5));

afterAll(killAll);

describe.each(faultDialects())('kill -9 during a booking burst on %s', (dialect) => {
  let db: FaultDb;
  let people: People;
  let sessionId: string;
  const answered = new Map<number, number>();

  beforeAll(async () => {
    db = await faultDb(dialect, 'migrated');
    await withOpen(db, async (h) => {
      people = await signedInPeople(h, BOOKERS);
      const course = await h.insertInto('course').values({
        partnership_id: people.partnershipId, title: 'The cumulative impact of neglect', summary: 'A day on neglect.', description: 'A day on neglect.',
        audience: 'Everyone', level: '3', delivery: 'face_to_face', duration_minutes: 390, learning_outcomes: ['Recognise neglect'], themes: ['neglect'],
      }).returning('id').executeTakeFirstOrThrow();
      const starts = new Date(Date.now() + 30 * 86_400_000);
      sessionId = (await h.insertInto('course_session').values({
        partnership_id: people.partnershipId, course_id: course.id, starts_at: starts, ends_at: new Date(starts.getTime() + 6.5 * 3_600_000),
        venue: 'Northmere Civic Centre', capacity: PLACES, status: 'scheduled',
      }).returning('id').executeTakeFirstOrThrow()).id;
    });
  });

  afterAll(async () => {
    await killAll();
    await db?.drop();
  });

  it('is killed mid-burst', async () => {
    const port = await freePort();
    const proc = server(port, db.env);
    await waitForHealth(proc, port);
    const base = `http://127.0.0.1:${port}`;
    const browsers = people.users.map((u) => ({ id: u.id, browser: new Browser(base, u.token) }));
    // Each person has the session's page open, with its form, before anyone presses Book.
    for (let i = 0; i < browsers.length; i += 10) {
      await Promise.all(browsers.slice(i, i + 10).map(async ({ browser }) => expect((await browser.get(`/training/sessions/${sessionId}`)).status).toBe(200)));
    }
    let killed = false;
    let kill: Promise<void> = Promise.resolve();
    await Promise.all(browsers.map(async ({ id, browser }) => {
      try {
        const res = await browser.post(`/training/sessions/${sessionId}/book`);
        if (!killed) answered.set(id, res.status);
      } catch { /* cut off by the kill: the booking may or may not have been made */ }
      if (answered.size >= KILL_AFTER && !killed) {
        killed = true;
        kill = proc.kill9();
      }
    }));
    await kill;
    expect(killed).toBe(true);
    expect([...answered.values()].every((s) => s === 303)).toBe(true);
    expect(answered.size).toBeLessThan(BOOKERS);
    console.log(`${dialect}: ${answered.size} of ${BOOKERS} bookings answered before the kill`);
  });

  it('starts again with every answered booking, none over the places, none half-made, and serves again', async () => {
    const booked = await withOpen(db, async (h) => {
      const bookings = await h.selectFrom('booking').select(['id', 'user_id', 'status']).where('session_id', '=', sessionId).execute();
      for (const [userId] of answered) expect(bookings.some((b) => b.user_id === userId && b.status !== 'cancelled'), `user ${userId}'s booking`).toBe(true);
      expect(bookings.filter((b) => b.status === 'confirmed').length).toBeLessThanOrEqual(PLACES);
      expect(bookings.length).toBeGreaterThanOrEqual(answered.size);
      const ids = bookings.map((b) => b.id);
      const emails = await h.selectFrom('email_outbox').select('record_id').where('record_type', '=', 'booking').where('record_id', 'in', ids).execute();
      const audits = await h.selectFrom('audit_event').select('record_id')
        .where('record_type', '=', 'booking').where('action', 'in', ['booking.create', 'booking.wait']).where('record_id', 'in', ids).execute();
      expect(new Set(emails.map((e) => e.record_id))).toEqual(new Set(ids));
      expect(emails).toHaveLength(ids.length);
      expect(new Set(audits.map((a) => a.record_id))).toEqual(new Set(ids));
      expect(audits).toHaveLength(ids.length);
      expect((await verifyAuditChain(h)).ok).toBe(true);
      return new Set(bookings.map((b) => b.user_id));
    });

    const port = await freePort();
    const proc = server(port, db.env);
    await waitForHealth(proc, port);
    const base = `http://127.0.0.1:${port}`;
    // Someone who has not booked yet books now: the first free place, or the waiting list.
    const newcomer = people.users.find((u) => !booked.has(u.id));
    if (newcomer) {
      const browser = new Browser(base, newcomer.token);
      expect((await browser.get(`/training/sessions/${sessionId}`)).status).toBe(200);
      const res = await browser.post(`/training/sessions/${sessionId}/book`);
      expect(res.status).toBe(303);
      const page = await browser.get(res.location!);
      expect(page.body).toMatch(/Your place is booked|on the waiting list/);
    }
    await proc.kill9();
  });
});
