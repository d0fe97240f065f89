import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays } from '../domain/calendar';
import { londonInstant, londonParts } from '../domain/london';
import { addCourse, addPractitioners, addSession } from '../features/training/test-support';
import { runCli } from '../testing/cli';
import { createTestApp, type TestApp } from '../testing/test-app';
import { dialects } from '../testing/test-db';

describe.each(dialects())('beacon training remind (%s)', (dialect) => {
  let t: TestApp;
  let soon: string;
  const cli = (args: string[]) => runCli(async (fn) => fn({ db: t.db, dialect, describe: 'test', close: async () => {} }), args);

  beforeAll(async () => {
    t = await createTestApp(dialect);
    // The next working day at 10:00 in London: within two working days of now, whenever the test runs.
    const day = addWorkingDays(londonParts(new Date()).date, 1);
    const courseId = await addCourse(t.db, t.fixture.a.id);
    soon = await addSession(t.db, t.fixture.a.id, courseId, { startsAt: londonInstant(day, '10:00:00') });
    const later = await addSession(t.db, t.fixture.a.id, courseId, { startsAt: londonInstant(addWorkingDays(day, 10), '10:00:00') });
    const [one, two] = await addPractitioners(t.db, t.fixture.a.id, t.fixture.a.agencyId, 2);
    for (const [session, user] of [[soon, one!], [later, two!]] as const) {
      await t.db.insertInto('booking').values({ partnership_id: t.fixture.a.id, session_id: session, user_id: user.id, status: 'confirmed', booked_at: new Date(), confirmed_at: new Date() }).execute();
    }
  });
  afterAll(async () => { await t?.close(); });

  it('reminds those booked on a session within two working days, once, and says so as JSON', async () => {
    const first = await cli(['training', 'remind', '--la', '801', '--format', 'json']);
    expect(first.code).toBe(0);
    const out = JSON.parse(first.stdout) as { reminded: { session: string; to: string }[] };
    expect(out.reminded).toEqual([expect.objectContaining({ session: soon, to: 'learner1@a.test' })]);
    const email = await t.db.selectFrom('email_outbox').select(['to_address', 'subject', 'body']).where('to_address', '=', 'learner1@a.test').executeTakeFirstOrThrow();
    expect(email.subject).toMatch(/^Reminder: Cumulative impact of neglect/);
    expect(email.body).toContain('Venue: Northmere Civic Centre, Room 2');
    expect((await t.db.selectFrom('audit_event').select('action').where('action', '=', 'booking.remind').execute())).toHaveLength(1);

    const again = await cli(['training', 'remind']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No one to remind');
  });

  it('refuses an unknown LA code or format as usage (exit 2)', async () => {
    expect((await cli(['training', 'remind', '--la', '999'])).code).toBe(2);
    expect((await cli(['training', 'remind', '--la', 'abc'])).code).toBe(2);
    expect((await cli(['training', 'remind', '--format', 'xml'])).code).toBe(2);
  });
});
