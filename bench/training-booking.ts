import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../src/db/migrate';
import { addAgency } from '../src/features/agencies/agencies.service';
import { addPartnership } from '../src/features/partnerships/partnerships.service';
import { hashPassword } from '../src/features/users/password-policy';
import { SESSION_COOKIE, createSession } from '../src/platform/sessions';
import { openDb } from './lib/children-data';
import { startServer, waitForHealth, type DbEnv } from './lib/server';
import { freePort, percentile, round } from './lib/util';

/**
 * 200 practitioners, each signed in with a session of their own, press Book on one session of 20 places at
 * the same moment, against the real server over HTTP. Exactly 20 must be confirmed and 180 put on the
 * waiting list (the session row is locked while each booking counts the places), and every request must
 * be answered with the redirect a browser follows. Reports each request's latency, from the moment all
 * 200 were sent.
 */

export const TRAINING_PEOPLE = 200;
export const TRAINING_PLACES = 20;

export type TrainingBookingResult = {
  dialect: 'pglite' | 'postgres';
  people: number;
  places: number;
  confirmed: number;
  waiting: number;
  /** Answers other than the 303 to the session's page. */
  failures: number;
  elapsedMs: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** What went wrong, when the counts are not exactly the places and the rest waiting. */
  problem: string | null;
};

/** A browser's cookies for one person: their session, and the CSRF secret the first page sets. */
class Jar {
  private cookies = new Map<string, string>();
  constructor(session: string) { this.cookies.set(SESSION_COOKIE, session); }
  take(res: Response) {
    for (const header of res.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const eq = pair!.indexOf('=');
      if (eq > 0) this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  }
  header() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }
}

export async function trainingBookingBench(opts: { dialect: 'pglite' | 'postgres'; db: DbEnv; log: (line: string) => void }): Promise<TrainingBookingResult> {
  // The partnership, its practitioners, a course and one session of 20 places a month ahead, each person signed in.
  const handle = await openDb(opts.db);
  let sessionId: string;
  const tokens: string[] = [];
  try {
    await migrateToLatest(handle.db);
    const db = handle.db;
    const p = await addPartnership(db, { laCode: '990', name: 'Northmere Safeguarding Children Partnership' });
    const agency = await addAgency(db, p.id, { name: 'Northmere Council', type: 'local_authority', emailDomains: 'northmere.gov.uk' });
    // One hash for everyone: no one signs in with it, the sessions are made here.
    const passwordHash = await hashPassword('bench-password-no-one-uses');
    const users = await db.insertInto('app_user').values(Array.from({ length: TRAINING_PEOPLE }, (_, i) => ({
      email: `learner${i + 1}@northmere.gov.uk`, name: `Learner ${i + 1}`, agency_id: agency.id, password_hash: passwordHash, status: 'active' as const,
      email_verified_at: new Date(), last_partnership_id: p.id,
    }))).returning('id').execute();
    await db.insertInto('membership').values(users.map((u) => ({ user_id: u.id, partnership_id: p.id, role: 'practitioner' }))).execute();
    const course = await db.insertInto('course').values({
      partnership_id: p.id, title: 'The cumulative impact of neglect', summary: 'A full day on neglect.', description: 'A full day on neglect.',
      audience: 'Everyone', level: '3', delivery: 'face_to_face', duration_minutes: 390, learning_outcomes: ['Recognise neglect'], themes: ['neglect'],
    }).returning('id').executeTakeFirstOrThrow();
    const starts = new Date(Date.now() + 30 * 86_400_000);
    sessionId = (await db.insertInto('course_session').values({
      partnership_id: p.id, course_id: course.id, starts_at: starts, ends_at: new Date(starts.getTime() + 6.5 * 3_600_000), venue: 'Northmere Civic Centre',
      capacity: TRAINING_PLACES, status: 'scheduled',
    }).returning('id').executeTakeFirstOrThrow()).id;
    for (const u of users) tokens.push(await createSession(db, u.id, { mfaPassed: true, partnershipId: p.id }, new Date()));
  } finally {
    await handle.close();
  }

  const port = await freePort();
  const server = startServer({ command: 'node', port, db: opts.db, logLevel: 'warn' });
  let result: Omit<TrainingBookingResult, 'confirmed' | 'waiting' | 'problem'>;
  try {
    await waitForHealth(server, { timeoutMs: 120_000 });
    const base = `http://127.0.0.1:${port}`;
    // Each person opens the session's page first (not timed), as they would before pressing Book.
    const people: { jar: Jar; csrf: string }[] = [];
    for (let i = 0; i < tokens.length; i += 20) {
      people.push(...await Promise.all(tokens.slice(i, i + 20).map(async (token) => {
        const jar = new Jar(token);
        const res = await fetch(`${base}/training/sessions/${sessionId}`, { headers: { cookie: jar.header() }, redirect: 'manual' });
        if (res.status !== 200) throw new Error(`GET the session page answered ${res.status}`);
        jar.take(res);
        const csrf = /name="_csrf" value="([^"]+)"/.exec(await res.text())?.[1];
        if (!csrf) throw new Error('no CSRF token on the session page');
        return { jar, csrf };
      })));
    }
    opts.log(`  ${opts.dialect}: ${people.length} people signed in on the session's page; all press Book at once…`);
    const started = performance.now();
    const answers = await Promise.all(people.map(async ({ jar, csrf }) => {
      const res = await fetch(`${base}/training/sessions/${sessionId}/book`, {
        method: 'POST', redirect: 'manual', signal: AbortSignal.timeout(120_000),
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf }).toString(),
      });
      await res.arrayBuffer();
      return { status: res.status, ms: performance.now() - started };
    }));
    const elapsedMs = performance.now() - started;
    const sorted = answers.map((a) => a.ms).sort((a, b) => a - b);
    result = {
      dialect: opts.dialect, people: people.length, places: TRAINING_PLACES, failures: answers.filter((a) => a.status !== 303).length, elapsedMs: round(elapsedMs),
      latencyMs: { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1)!) },
    };
  } finally {
    await server.stop();
  }

  const counts = await bookingCounts(opts.db, sessionId);
  const n = (status: string) => Number(counts.find((r) => r.status === status)?.n ?? 0);
  const confirmed = n('confirmed');
  const waiting = n('waiting');
  const ok = confirmed === TRAINING_PLACES && waiting === TRAINING_PEOPLE - TRAINING_PLACES && result.failures === 0;
  const out = { ...result, confirmed, waiting, problem: ok ? null
    : `expected ${TRAINING_PLACES} confirmed and ${TRAINING_PEOPLE - TRAINING_PLACES} waiting with every request answered, got ${confirmed} confirmed, ${waiting} waiting, ${result.failures} failed` };
  opts.log(`  ${opts.dialect}: ${confirmed} confirmed, ${waiting} waiting, ${out.failures} failed; p50 ${out.latencyMs.p50} ms, p95 ${out.latencyMs.p95} ms, p99 ${out.latencyMs.p99} ms`);
  return out;
}

/**
 * The session's bookings by status, read after the server has stopped. On PostgreSQL one client rather than
 * a pool: its end waits for the server to let the connection go, so the database can be dropped at once.
 */
async function bookingCounts(db: DbEnv, sessionId: string): Promise<{ status: string; n: number }[]> {
  const query = 'select status, count(*)::int as n from booking where session_id = $1 group by status';
  if ('DATABASE_URL' in db) {
    const client = new pg.Client({ connectionString: db.DATABASE_URL });
    await client.connect();
    try {
      return (await client.query<{ status: string; n: number }>(query, [sessionId])).rows;
    } finally {
      await client.end();
    }
  }
  const handle = await openDb(db);
  try {
    return (await sql<{ status: string; n: number }>`select status, count(*)::int as n from booking where session_id = ${sessionId} group by status`.execute(handle.db)).rows;
  } finally {
    await handle.close();
  }
}
