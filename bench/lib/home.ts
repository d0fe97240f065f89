import autocannon from 'autocannon';
import { signIn } from './sign-in';
import { ServerFailed, startServer, waitForHealth, type DbEnv } from './server';
import { freePort, percentile, round } from './util';

export type CannonSummary = {
  durationS: number;
  requests: number;
  rpsMean: number;
  rpsOverall: number;
  latencyMs: { mean: number; p50: number; p90: number; p95: number; p99: number; max: number };
  statusCodes: Record<string, number>;
  non2xx: number;
  errors: number;
  timeouts: number;
};

export type HomeResult = {
  dialect: 'pglite' | 'postgres';
  url: 'GET /';
  user: string;
  connections: number;
  warmup: CannonSummary | null;
  measured: CannonSummary;
};

const MAX_SAMPLES = 5_000_000;

/** `extra`: more of autocannon's options, such as `requests` that each build their own request. */
export function cannon(url: string, cookie: string, connections: number, durationS: number, extra: Partial<autocannon.Options> = {}): Promise<CannonSummary> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const codes: Record<string, number> = {};
    const guard: { timer?: NodeJS.Timeout } = {};
    const instance = autocannon({ url, connections, duration: durationS, timeout: 10, headers: { cookie }, ...extra }, (err, result) => {
      clearTimeout(guard.timer);
      if (err) return reject(err);
      latencies.sort((a, b) => a - b);
      const wall = (result.finish.getTime() - result.start.getTime()) / 1000;
      resolve({
        durationS: round(wall, 2),
        requests: result.requests.total,
        rpsMean: round(result.requests.average),
        rpsOverall: round(result.requests.total / wall),
        latencyMs: {
          mean: round(result.latency.mean, 2),
          p50: round(percentile(latencies, 50), 2),
          p90: round(percentile(latencies, 90), 2),
          p95: round(percentile(latencies, 95), 2),
          p99: round(percentile(latencies, 99), 2),
          max: round(result.latency.max, 2),
        },
        statusCodes: codes,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
      });
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      codes[statusCode] = (codes[statusCode] ?? 0) + 1;
      if (latencies.length < MAX_SAMPLES) latencies.push(responseTime);
    });
    // autocannon stops itself after durationS; this only bounds a run that would hang.
    guard.timer = setTimeout(() => instance.stop(), (durationS + 30) * 1000);
  });
}

export function assertAllOk(s: CannonSummary, what: string) {
  const not200 = Object.entries(s.statusCodes).filter(([code]) => code !== '200');
  if (s.non2xx || s.errors || s.timeouts || not200.length || !s.requests) {
    throw new Error(`${what}: not every response was 200 — status codes ${JSON.stringify(s.statusCodes)}, non-2xx ${s.non2xx}, ` +
      `errors ${s.errors}, timeouts ${s.timeouts}, requests ${s.requests}`);
  }
}

/** The signed-in home page under load: a warm-up, then the measured run, both of which must be all 200s. */
export async function homeBench(opts: {
  dialect: 'pglite' | 'postgres';
  db: DbEnv;
  connections: number;
  warmupS: number;
  durationS: number;
  log: (line: string) => void;
}): Promise<HomeResult> {
  const server = startServer({ command: 'node', port: await freePort(), db: opts.db, logLevel: 'silent' });
  try {
    await waitForHealth(server, { intervalMs: 20, timeoutMs: 120_000 });
    const base = `http://127.0.0.1:${server.port}`;
    const user = 'social.worker@northmere.gov.uk';
    const cookie = await signIn(base, user);
    const url = `${base}/`;
    let warmup: CannonSummary | null = null;
    let measured: CannonSummary;
    try {
      if (opts.warmupS > 0) {
        warmup = await cannon(url, cookie, opts.connections, opts.warmupS);
        assertAllOk(warmup, `home ${opts.dialect} warm-up`);
      }
      measured = await cannon(url, cookie, opts.connections, opts.durationS);
      assertAllOk(measured, `home ${opts.dialect}`);
    } catch (err) {
      throw new ServerFailed((err as Error).message, server.output());
    }
    opts.log(`  home ${opts.dialect}: ${measured.rpsMean} req/s, p95 ${measured.latencyMs.p95} ms (${measured.requests} requests)`);
    return { dialect: opts.dialect, url: 'GET /', user, connections: opts.connections, warmup, measured };
  } finally {
    const stop = await server.stop();
    if (!stop.clean) opts.log(`  warning: the ${opts.dialect} server did not stop cleanly (code ${stop.code}, signal ${stop.signal})`);
  }
}
