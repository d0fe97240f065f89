import childProcess from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeCinCensus } from '../../bench/lib/returns-data';
import { verifyAuditChain } from '../platform/audit';
import { tableDigests, type TableDigests } from '../testing/db-digest';
import { Browser, beacon, envInt, freePort, killAll, pgliteDb, server, signedInPeople, tempDir, waitFor, waitForHealth, withOpen, type FaultDb, type People } from './support';

/**
 * The embedded database's disk full: its data directory on a small tmpfs, filled to the last byte. A large
 * import by the command and a booking in the browser each fail with a message that says the disk is full
 * (the command exits non-zero; the page is a 503, and the server logs it), and write nothing. Once space is
 * freed the database opens with everything committed before it, the audit chain verifies, and writes work
 * again, in the same server process. Mounting needs root (CI runs as root): otherwise the test is skipped.
 * FAULTS_DISK_MB sets the tmpfs's size; FAULTS_DISK_CHILDREN the census's.
 */

// Each step starts a real process: slow on a busy machine; every wait inside is bounded on its own.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

const DISK_MB = envInt('FAULTS_DISK_MB', 80);
const CHILDREN = envInt('FAULTS_DISK_CHILDREN', 3000);
const notRoot = process.getuid?.() !== 0 ? 'mounting a tmpfs needs root' : null;

const work = tempDir('disk');
const mountPoint = path.join(work, 'disk');
const filler = path.join(mountPoint, 'filler');
let mounted = false;

/** Fills the disk to its last byte, in big writes then small ones. */
function fillDisk() {
  const fd = fs.openSync(filler, 'a');
  try {
    for (const size of [1 << 20, 1 << 12, 1 << 9]) {
      const block = Buffer.alloc(size);
      try { for (;;) fs.writeSync(fd, block); } catch (err) { if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err; }
    }
  } finally {
    fs.closeSync(fd);
  }
}

const freeDisk = () => fs.rmSync(filler, { force: true });

beforeAll(() => {
  if (notRoot) return;
  fs.mkdirSync(mountPoint);
  childProcess.execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK_MB}m`, 'tmpfs', mountPoint]);
  mounted = true;
});

afterAll(async () => {
  await killAll();
  if (mounted) childProcess.execFileSync('umount', [mountPoint]);
  fs.rmSync(work, { recursive: true, force: true });
});

/** Everything but the runs, their findings and the audit log: a failed run is recorded, and so is who did what. */
const data = (d: TableDigests) => Object.fromEntries(Object.entries(d).filter(([t]) => !['import_run', 'validation_issue', 'audit_event', 'audit_checkpoint'].includes(t)));

describe.skipIf(notRoot)(`the embedded database's disk full${notRoot ? ` (skipped: ${notRoot})` : ''}`, () => {
  let db: FaultDb;
  let people: People;
  let sessionId: string;
  let before: TableDigests;
  let census: string;

  beforeAll(async () => {
    census = path.join(work, 'census.xml');
    await writeCinCensus(census, { la: '990', children: CHILDREN });
    db = await pgliteDb(path.join(mountPoint, 'data'), 'migrated');
    await withOpen(db, async (h) => {
      people = await signedInPeople(h, 2);
      const course = await h.insertInto('course').values({
        partnership_id: people.partnershipId, title: 'Working with fathers', summary: 'Half a day.', description: 'Half a day.',
        audience: 'Everyone', level: '2', delivery: 'face_to_face', duration_minutes: 180, learning_outcomes: ['Involve fathers'], themes: ['fathers'],
      }).returning('id').executeTakeFirstOrThrow();
      const starts = new Date(Date.now() + 30 * 86_400_000);
      sessionId = (await h.insertInto('course_session').values({
        partnership_id: people.partnershipId, course_id: course.id, starts_at: starts, ends_at: new Date(starts.getTime() + 3 * 3_600_000),
        venue: 'Northmere Civic Centre', capacity: 10, status: 'scheduled',
      }).returning('id').executeTakeFirstOrThrow()).id;
      before = await tableDigests(h);
    });
  });

  it('refuses an import with a message that the disk is full, and writes nothing of it', async () => {
    fillDisk();
    const run = await beacon(['import', 'cin', census], db.env).waitExit(180_000);
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/the disk that holds the database is full/);
    freeDisk();
    await withOpen(db, async (h) => {
      expect(data(await tableDigests(h))).toEqual(data(before));
      expect((await h.selectFrom('import_run').select('outcome').execute()).map((r) => r.outcome)).not.toContain('succeeded');
    });
    const verify = await beacon(['audit', 'verify'], db.env).waitExit(120_000);
    expect(verify.code, verify.output).toBe(0);
  });

  it('answers a booking with a 503 page that the disk is full, then books once there is room, without a restart', async () => {
    const port = await freePort();
    const proc = server(port, { ...db.env, LOG_LEVEL: 'error' });
    await waitForHealth(proc, port);
    const browser = new Browser(`http://127.0.0.1:${port}`, people.users[0]!.token);
    expect((await browser.get(`/training/sessions/${sessionId}`)).status).toBe(200);

    fillDisk();
    const refused = await browser.post(`/training/sessions/${sessionId}/book`);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatch(/the disk that holds its database is full/);
    // The log is written as the page goes out: give it a moment to arrive.
    await waitFor('the log to say the disk is full', () => /the database’s disk is full/.test(proc.output()), { timeoutMs: 10_000 });
    freeDisk();

    const booked = await browser.post(`/training/sessions/${sessionId}/book`);
    expect(booked.status).toBe(303);
    expect((await browser.get(booked.location!)).body).toMatch(/Your place is booked/);
    expect(proc.exitInfo()).toBeNull();
    await proc.kill9();

    await withOpen(db, async (h) => {
      const bookings = await h.selectFrom('booking').select(['id', 'user_id']).execute();
      expect(bookings.map((b) => b.user_id)).toEqual([people.users[0]!.id]);
      expect(await h.selectFrom('email_outbox').select('record_id').where('record_type', '=', 'booking').execute()).toEqual([{ record_id: bookings[0]!.id }]);
      // Everything else as it was before the disk filled: one booking, its email and its audit entry are all that is new.
      const now = await tableDigests(h);
      for (const t of ['booking', 'email_outbox', 'audit_event', 'audit_checkpoint', 'import_run', 'validation_issue', 'session']) delete now[t];
      const was = { ...before };
      for (const t of ['booking', 'email_outbox', 'audit_event', 'audit_checkpoint', 'import_run', 'validation_issue', 'session']) delete was[t];
      expect(now).toEqual(was);
      expect((await verifyAuditChain(h)).ok).toBe(true);
    });
  });
});
