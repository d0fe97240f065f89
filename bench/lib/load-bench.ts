import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../src/db/seed/demo';
import { verifyAuditChain } from '../../src/platform/audit';
import { startTestSmtp } from '../../src/testing/smtp';
import { openDb } from './children-data';
import { Browser, StepFailed } from './load-client';
import { JOURNEY_STEPS, type Person } from './load-journeys';
import {
  JOURNEY_WEIGHTS, JOURNEYS, apportion, isError, mulberry32, signInOrder, summarise, thinkTime, type Journey, type PageRow, type Sample,
} from './load-mix';
import { prepareLoad } from './load-setup';
import { ServerFailed, startServer, waitForHealth, type DbEnv } from './server';
import { freePort, round, sleep } from './util';

/**
 * The load benchmark: `users` people, each signed in through the sign-in and authenticator pages with a
 * session of their own, each doing their role's journey over and over with a think time between steps,
 * for `minutes` once all are signed in, against the server as `npm start` runs it, on the seeded demo.
 * Every answer a step did not expect, every 5xx and every request not answered is an error; the run must
 * have none. The machine's load, the server's CPU and memory are sampled throughout.
 */

export type LoadOptions = {
  dialect: 'pglite' | 'postgres';
  db: DbEnv;
  users: number;
  minutes: number;
  thinkMs: { min: number; max: number };
  log: (line: string) => void;
};

export type Resources = {
  loadAverage1m: { start: number; max: number; end: number };
  /** Of one core: 100 is one core busy all the time. */
  serverCpuPct: { mean: number; max: number };
  /** Of the whole machine (every core), from /proc/stat: the database server, the load's own clients and everything else on it. */
  machineCpuPct: { mean: number; max: number };
  /** The benchmark process making the load, of one core: it shares the machine with the server. */
  clientCpuPct: number;
  serverRssMb: { start: number; max: number; end: number };
};

export type LoadResult = {
  dialect: 'pglite' | 'postgres';
  users: number;
  journeys: Record<Journey, number>;
  weights: Record<Journey, number>;
  thinkMs: { min: number; max: number };
  rampS: number;
  windowS: number;
  signIn: { pages: PageRow[]; all: PageRow };
  steady: { pages: PageRow[]; all: PageRow };
  journeysDone: Record<Journey, number>;
  journeysFailed: number;
  /** Errors in the whole run, sign-in and ramp-up included. */
  errors: number;
  errorMessages: string[];
  /** Error lines the server logged. */
  serverErrors: string[];
  emailsSent: number;
  auditChain: { ok: boolean; events: number; detail: string };
  resources: Resources;
};

/** Sign-ins are spread over this long, about three a second, as people arrive in the morning. */
const rampSeconds = (users: number) => Math.min(60, Math.max(2, Math.ceil(users / 3)));

export async function loadBench(opts: LoadOptions): Promise<LoadResult> {
  const counts = apportion(opts.users);
  const order = signInOrder(counts);
  opts.log(`  ${opts.dialect}: ${JOURNEYS.map((j) => `${counts[j]} ${j}`).join(', ')}; think time ${opts.thinkMs.min / 1000}–${opts.thinkMs.max / 1000} s`);
  const prepared = await prepareLoad({ db: opts.db, order, minutes: opts.minutes, log: opts.log });

  const smtp = await startTestSmtp();
  const server = startServer({ command: 'node', port: await freePort(), db: opts.db, logLevel: 'warn', env: { SMTP_URL: smtp.url } });
  const sampler = new Sampler(server.pid);
  try {
    await waitForHealth(server, { timeoutMs: 180_000 });
    const base = new URL(`http://127.0.0.1:${server.port}`);
    sampler.start();

    type Phase = 'ramp' | 'steady';
    let phase: Phase = 'ramp';
    const signInSamples: Sample[] = [];
    const rampSamples: Sample[] = [];
    const steadySamples: Sample[] = [];
    const messages: string[] = [];
    const note = (m: string) => { if (messages.length < 50) messages.push(m); };
    const record = (s: Sample) => {
      if (s.page.startsWith('Sign in')) signInSamples.push(s);
      else (phase === 'steady' ? steadySamples : rampSamples).push(s);
    };
    let stopping = false;
    const done = Object.fromEntries(JOURNEYS.map((j) => [j, 0])) as Record<Journey, number>;
    let failed = 0;

    class Stop extends Error {}
    const rampS = rampSeconds(opts.users);
    const started = performance.now();
    const runPerson = async (entry: { email: string; journey: Journey }, i: number) => {
      const random = mulberry32(i + 1);
      await sleep((rampS * 1000 * i) / opts.users);
      // Each person's own loopback address: 127.0.0.2, 127.0.0.3…
      const browser = new Browser(base, `127.0.${Math.floor(i / 250)}.${(i % 250) + 2}`, record);
      const person: Person = { ...entry, browser };
      try {
        try {
          await browser.signIn(entry.email, DEMO_PASSWORD, DEMO_TOTP_SECRET);
        } catch (err) {
          note(`${entry.email} could not sign in: ${(err as Error).message}`);
          return;
        }
        const think = async () => {
          await sleep(thinkTime(random, opts.thinkMs.min, opts.thinkMs.max));
          if (stopping) throw new Stop();
        };
        for (let round = 0; !stopping; round++) {
          try {
            await JOURNEY_STEPS[entry.journey]({ person, targets: prepared.targets, think, random, round });
            done[entry.journey]++;
            await think();
          } catch (err) {
            if (err instanceof Stop) break;
            failed++;
            note(`${entry.email} (${entry.journey}): ${err instanceof StepFailed ? err.message : (err as Error).stack}`);
            await sleep(thinkTime(random, opts.thinkMs.min, opts.thinkMs.max));
          }
        }
      } finally {
        browser.close();
      }
    };
    const everyone = Promise.all(prepared.people.map(runPerson));
    await sleep(Math.max(0, rampS * 1000 - (performance.now() - started)));
    // The sign-ins still under way finish in the window: the window opens once the last has been started.
    phase = 'steady';
    const windowStart = performance.now();
    opts.log(`  ${opts.dialect}: ${prepared.people.length} people signing in over ${rampS} s; measuring for ${opts.minutes} min…`);
    const progress = setInterval(() => {
      const s = summarise(steadySamples, (performance.now() - windowStart) / 1000).all;
      opts.log(`    ${Math.round((performance.now() - windowStart) / 1000)} s: ${s.latency.count} requests, ${s.perSecond}/s, p95 ${s.latency.p95} ms, `
        + `errors ${[...signInSamples, ...rampSamples, ...steadySamples].filter(isError).length}, load ${os.loadavg()[0]!.toFixed(2)}`);
    }, 30_000);
    await sleep(opts.minutes * 60_000);
    stopping = true;
    await everyone;
    clearInterval(progress);
    const windowS = (performance.now() - windowStart) / 1000;
    const resources = sampler.stop();

    const serverErrors = server.output().split('\n').filter((l) => /"level":(50|60)/.test(l)).slice(0, 20);
    const errors = [...signInSamples, ...rampSamples, ...steadySamples].filter(isError).length;
    const result = {
      dialect: opts.dialect, users: opts.users, journeys: counts, weights: { ...JOURNEY_WEIGHTS }, thinkMs: opts.thinkMs, rampS, windowS: round(windowS, 1),
      signIn: summarise(signInSamples, rampS), steady: summarise(steadySamples, windowS), journeysDone: done, journeysFailed: failed,
      errors, errorMessages: messages, serverErrors, emailsSent: smtp.messages.length, resources,
    };
    const stop = await server.stop();
    if (!stop.clean) opts.log(`  warning: the ${opts.dialect} server did not stop cleanly (code ${stop.code}, signal ${stop.signal})`);
    const auditChain = await checkAuditChain(opts.db);
    const s = result.steady.all;
    opts.log(`  ${opts.dialect}: ${s.latency.count} requests in ${result.windowS} s (${s.perSecond}/s), p50 ${s.latency.p50} ms, p95 ${s.latency.p95} ms, `
      + `p99 ${s.latency.p99} ms; ${errors} errors; audit chain ${auditChain.ok ? 'intact' : 'BROKEN'} (${auditChain.events} events)`);
    return { ...result, auditChain };
  } catch (err) {
    if (err instanceof ServerFailed) throw err;
    throw new ServerFailed((err as Error).message, server.output());
  } finally {
    sampler.stop();
    await server.stop();
    await smtp.close();
  }
}

async function checkAuditChain(db: DbEnv): Promise<LoadResult['auditChain']> {
  const handle = await openDb(db);
  try {
    const r = await verifyAuditChain(handle.db);
    return { ok: r.ok, events: r.entries, detail: r.ok ? 'every entry links to the one before it' : r.reason };
  } finally {
    await handle.close();
    // The pool lets its connections go a moment after end(): the database may be dropped just after.
    await sleep(500);
  }
}

/** Samples the machine's load average and CPU and the server process's CPU and RSS every two seconds, from /proc. */
class Sampler {
  private timer: NodeJS.Timeout | null = null;
  private load: number[] = [];
  private serverCpu: number[] = [];
  private machineCpu: number[] = [];
  private rss: number[] = [];
  private last: { at: number; server: number; busy: number; total: number } | null = null;
  private client = { cpu: process.cpuUsage(), at: performance.now() };
  private result: Resources | null = null;
  constructor(private readonly pid: number) {}

  start() {
    this.client = { cpu: process.cpuUsage(), at: performance.now() };
    this.tick();
    this.timer = setInterval(() => this.tick(), 2000);
  }

  private tick() {
    this.load.push(os.loadavg()[0]!);
    try {
      const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
      if (kb) this.rss.push(kb / 1024);
      const raw = fs.readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      // After the command's name: state ppid … utime (14th field) stime (15th).
      const stat = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(stat[11]) + Number(stat[12]);
      const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
      const total = cpu.reduce((a, b) => a + b, 0);
      const busy = total - cpu[3]! - (cpu[4] ?? 0);
      const at = performance.now();
      if (this.last) {
        // Clock ticks are 1/100 s on Linux.
        this.serverCpu.push(((ticks - this.last.server) / 100) / ((at - this.last.at) / 1000) * 100);
        if (total > this.last.total) this.machineCpu.push(((busy - this.last.busy) / (total - this.last.total)) * 100);
      }
      this.last = { at, server: ticks, busy, total };
    } catch { /* no /proc, or the server has gone */ }
  }

  stop(): Resources {
    if (this.result) return this.result;
    if (this.timer) clearInterval(this.timer);
    this.tick();
    const mean = (a: number[]) => (a.length ? round(a.reduce((s, v) => s + v, 0) / a.length, 1) : Number.NaN);
    const max = (a: number[]) => (a.length ? round(Math.max(...a), 1) : Number.NaN);
    const used = process.cpuUsage(this.client.cpu);
    this.result = {
      loadAverage1m: { start: round(this.load[0] ?? Number.NaN, 2), max: round(Math.max(...this.load), 2), end: round(this.load.at(-1) ?? Number.NaN, 2) },
      serverCpuPct: { mean: mean(this.serverCpu), max: max(this.serverCpu) },
      machineCpuPct: { mean: mean(this.machineCpu), max: max(this.machineCpu) },
      clientCpuPct: round(((used.user + used.system) / 1000) / (performance.now() - this.client.at) * 100, 1),
      serverRssMb: { start: round(this.rss[0] ?? Number.NaN, 0), max: round(Math.max(...this.rss), 0), end: round(this.rss.at(-1) ?? Number.NaN, 0) },
    };
    return this.result;
  }
}
