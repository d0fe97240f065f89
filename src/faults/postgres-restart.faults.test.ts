import { afterAll, describe, expect, it, vi } from 'vitest';
import { createDb } from '../db/create-db';
import { migrateToLatest } from '../db/migrate';
import {
  Browser, adminQuery, clusterUnavailable, destroyClusters, envInt, freePort, killAll, server, signedInPeople, sleep, startCluster, waitForHealth,
  type People,
} from './support';

/**
 * The PostgreSQL server restarted (pg_ctl restart -m fast), then stopped for a few seconds and started,
 * while signed-in people keep loading pages. While it is down a request is answered at once with a 503
 * page that says the database cannot be reached (never a hang, never a crash); the server process never
 * exits; once the database is back every request succeeds, in the same sessions, without restarting Beacon.
 * The cluster is the test's own, on a port of its own. FAULTS_PG_DOWN_MS sets how long it stays stopped.
 */

// Each step starts a real process: slow on a busy machine; every wait inside is bounded on its own.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

const DOWN_MS = envInt('FAULTS_PG_DOWN_MS', 3000);
const PEOPLE = 4;
/** The longest a page may take, database down or not. */
const ANSWER_WITHIN_MS = 5000;

type Answer = { at: number; status: number; ms: number; body: string };

afterAll(async () => {
  await killAll();
  await destroyClusters();
});

const unavailable = clusterUnavailable();

describe('PostgreSQL restarted under traffic', () => {
  it.skipIf(unavailable)(`recovers without a restart of Beacon${unavailable ? ` (skipped: ${unavailable})` : ''}`, async () => {
    const cluster = await startCluster();
    await adminQuery(cluster.url, 'create database beacon');
    const url = cluster.url.replace(/\/postgres$/, '/beacon');
    let people: People;
    const h = await createDb({ databaseUrl: url });
    try {
      await migrateToLatest(h.db);
      people = await signedInPeople(h.db, PEOPLE);
    } finally {
      await h.close();
    }

    const port = await freePort();
    const proc = server(port, { DATABASE_URL: url, LOG_LEVEL: 'error' });
    await waitForHealth(proc, port);
    const base = `http://127.0.0.1:${port}`;
    const answers: Answer[] = [];
    let running = true;
    const traffic = people.users.map(async (u) => {
      const browser = new Browser(base, u.token);
      while (running) {
        const at = Date.now();
        try {
          const res = await browser.get('/', ANSWER_WITHIN_MS);
          answers.push({ at, status: res.status, ms: Date.now() - at, body: res.body });
        } catch (err) {
          answers.push({ at, status: 0, ms: Date.now() - at, body: (err as Error).message });
        }
        await sleep(50);
      }
    });
    const window = async (ms: number) => { const from = Date.now(); await sleep(ms); return answers.filter((a) => a.at >= from); };

    try {
      const before = await window(1000);
      expect(before.length).toBeGreaterThan(0);
      expect(before.every((a) => a.status === 200)).toBe(true);

      const restarting = Date.now();
      await cluster.ctl('restart', '-m', 'fast');
      const restarted = Date.now();
      await sleep(500);
      const afterRestart = await window(1500);
      expect(afterRestart.map((a) => a.status).filter((s) => s !== 200)).toEqual([]);

      const stopped = Date.now();
      await cluster.ctl('stop', '-m', 'fast');
      const down = await window(DOWN_MS);
      await cluster.ctl('start');
      const startedAgain = Date.now();
      await sleep(500);
      const afterStart = await window(1500);

      expect(proc.exitInfo(), proc.output().slice(-3000)).toBeNull();
      // While it was down: answered, at once, with the page that says so.
      expect(down.length).toBeGreaterThan(0);
      for (const a of down) {
        expect(a.status).toBe(503);
        expect(a.body).toMatch(/Sorry, the service is unavailable/);
        expect(a.body).toMatch(/cannot reach its database/);
      }
      // Nothing anywhere waited past the limit or failed otherwise: each answer a page or the 503.
      const brief = (list: Answer[]) => list.map((a) => `${a.status} at ${a.at - stopped} ms, in ${a.ms} ms`);
      expect(brief(answers.filter((a) => a.ms >= ANSWER_WITHIN_MS || ![200, 503].includes(a.status)))).toEqual([]);
      const outage = (a: Answer) => (a.at >= restarting - 100 && a.at <= restarted + 500) || (a.at >= stopped - 100 && a.at <= startedAgain + 500);
      expect(brief(answers.filter((a) => a.status === 503 && !outage(a)))).toEqual([]);
      // Back, in the same sessions: each person's home page again.
      expect(afterStart.length).toBeGreaterThan(0);
      expect(afterStart.every((a) => a.status === 200)).toBe(true);
      for (const u of people.users) {
        const home = await new Browser(base, u.token).get('/');
        expect(home.status).toBe(200);
        expect(home.body).toContain(u.email.startsWith('learner') ? `Learner ${u.email.match(/\d+/)![0]}` : u.email);
      }
      expect(proc.output()).toMatch(/the database is unavailable/);
      console.log(`postgres restart: ${answers.length} requests, ${answers.filter((a) => a.status === 503).length} answered 503, slowest ${Math.max(...answers.map((a) => a.ms))} ms`);
    } finally {
      if (proc.exitInfo()) console.error(`the server exited (${JSON.stringify(proc.exitInfo())}):\n${proc.output().slice(-4000)}`);
      running = false;
      await Promise.all(traffic);
      await proc.kill9();
    }
  });
});
