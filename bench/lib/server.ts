import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Tail, sleep, withTimeout } from './util';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Settings Beacon reads; none is inherited from the shell running the benchmark. */
const CONFIG_KEYS = new Set([
  'NODE_ENV', 'PORT', 'HOST', 'DATABASE_URL', 'SESSION_SECRET', 'SESSION_IDLE_MINUTES', 'SESSION_ABSOLUTE_HOURS',
  'COOKIE_SECURE', 'TRUST_PROXY', 'LOGIN_MAX_FAILURES', 'LOGIN_LOCKOUT_MINUTES', 'LOG_LEVEL', 'API_RATE_LIMIT_PER_MINUTE',
]);

export type DbEnv = { DATABASE_URL: string } | { BEACON_DATA_DIR: string };

export type ServerOptions = {
  /** `node`: node --import tsx src/server.ts (what npm start runs); `npm`: npm start itself. */
  command: 'node' | 'npm';
  port: number;
  db: DbEnv;
  logLevel?: string;
  /** Settings of Beacon's own for this run. */
  env?: Record<string, string>;
};

export type RunningServer = {
  pid: number;
  port: number;
  /** performance.now() just before the spawn. */
  startedAt: number;
  output(): string;
  exitInfo(): { code: number | null; signal: NodeJS.Signals | null } | null;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops the server (SIGTERM; SIGKILL of its process group after 15 s). `clean`: it shut down by itself, exit code 0. */
  stop(): Promise<{ clean: boolean; code: number | null; signal: NodeJS.Signals | null }>;
};

function serverEnv(opts: ServerOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!CONFIG_KEYS.has(k) && !k.startsWith('BEACON_')) env[k] = v;
  return {
    ...env,
    ...opts.db,
    PORT: String(opts.port),
    HOST: '127.0.0.1',
    ...(opts.logLevel ? { LOG_LEVEL: opts.logLevel } : {}),
    ...opts.env,
  };
}

const running = new Set<RunningServer>();

/** Stops every server still running (an interrupted or failed benchmark). */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop()));
}

export function startServer(opts: ServerOptions): RunningServer {
  const [cmd, args] = opts.command === 'node'
    ? [process.execPath, ['--import', 'tsx', 'src/server.ts']]
    : ['npm', ['start']];
  const env = serverEnv(opts);
  const tail = new Tail();
  const startedAt = performance.now();
  // Its own process group, so that whatever it starts (npm starts a shell and node) can be ended with it.
  const child: ChildProcess = spawn(cmd, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout!.on('data', (d: Buffer) => tail.push(d));
  child.stderr!.on('data', (d: Buffer) => tail.push(d));
  let info: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => { info = { code, signal }; resolve(info); });
    child.once('error', (err) => { tail.push(`\n[spawn error] ${err.message}\n`); info = { code: null, signal: null }; resolve(info); });
  });
  const pid = child.pid ?? -1;

  const groupAlive = () => {
    if (pid <= 0) return false;
    try { process.kill(-pid, 0); return true; } catch { return false; }
  };
  const killGroup = (signal: NodeJS.Signals) => { try { process.kill(-pid, signal); } catch { /* already gone */ } };

  let stopping: ReturnType<RunningServer['stop']> | null = null;
  const stop: RunningServer['stop'] = () => {
    stopping ??= (async () => {
      let forced = false;
      if (!info && pid > 0) {
        // SIGTERM goes to the server process itself, below npm and sh, which then exit with its code
        // (npm does not wait for its script). Without /proc, the spawned process is signalled.
        const target = serverProcess(pid) ?? pid;
        try { process.kill(target, 'SIGTERM'); } catch { /* already gone */ }
        try {
          await withTimeout(exited, 15_000, 'server shutdown');
        } catch {
          forced = true;
          killGroup('SIGKILL');
          await withTimeout(exited, 5_000, 'server kill').catch(() => undefined);
        }
      }
      // Whatever of its group outlives it (the server behind npm may still be closing) gets 10 s, then SIGKILL.
      for (let i = 0; i < 100 && groupAlive(); i++) await sleep(100);
      if (groupAlive()) {
        forced = true;
        killGroup('SIGKILL');
        for (let i = 0; i < 50 && groupAlive(); i++) await sleep(100);
      }
      const end = info ?? { code: null, signal: null };
      running.delete(server);
      return { clean: end.code === 0 && !forced, ...end };
    })();
    return stopping;
  };

  const server: RunningServer = { pid, port: opts.port, startedAt, output: () => tail.toString(), exitInfo: () => info, exited, stop };
  running.add(server);
  return server;
}

/**
 * The node process running src/server.ts in the process group led by `leader` (the one with no child of
 * its own in the group), read from /proc; null where there is no /proc or it is not found.
 */
function serverProcess(leader: number): number | null {
  let entries: string[];
  try { entries = fs.readdirSync('/proc'); } catch { return null; }
  const group: { pid: number; ppid: number }[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so read after the last ')'.
      const [, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === leader) group.push({ pid: Number(name), ppid: Number(ppid) });
    } catch { /* gone meanwhile */ }
  }
  const leaves = group.filter((p) => !group.some((q) => q.ppid === p.pid));
  for (const { pid } of leaves) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (cmdline.includes('src/server.ts')) return pid;
    } catch { /* gone meanwhile */ }
  }
  return null;
}

/**
 * Polls GET /health every `intervalMs` until a 200, and returns the milliseconds since the spawn.
 * Fails if the process exits first or nothing answers within `timeoutMs`.
 */
export async function waitForHealth(server: RunningServer, opts: { intervalMs?: number; timeoutMs?: number } = {}): Promise<number> {
  const intervalMs = opts.intervalMs ?? 20;
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const url = `http://127.0.0.1:${server.port}/health`;
  const maxAttempts = Math.ceil(timeoutMs / intervalMs) + 1;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const exit = server.exitInfo();
    if (exit) throw new ServerFailed(`the server exited (code ${exit.code}, signal ${exit.signal}) before /health answered 200`, server.output());
    const elapsed = performance.now() - server.startedAt;
    if (elapsed > timeoutMs) break;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(Math.max(intervalMs, 2_000)) });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - server.startedAt;
    } catch { /* not listening yet */ }
    // The next tick of a fixed 20 ms grid from the spawn (a slow attempt skips ticks rather than bunching them).
    const since = performance.now() - server.startedAt;
    await sleep(Math.max(1, (Math.floor(since / intervalMs) + 1) * intervalMs - since));
  }
  throw new ServerFailed(`/health did not answer 200 within ${timeoutMs} ms`, server.output());
}

export class ServerFailed extends Error {
  constructor(message: string, readonly output: string) {
    super(`${message}\n--- server output (last lines) ---\n${output.split('\n').slice(-40).join('\n')}`);
  }
}
