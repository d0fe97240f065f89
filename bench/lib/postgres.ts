import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Tail, freePort, withTimeout } from './util';

export type PgTarget = {
  /** `throwaway cluster` or `BENCH_DATABASE_URL`. */
  source: string;
  serverVersion: string;
  /** A new, empty database on the server; returns its postgres:// URL. */
  createDatabase(): Promise<string>;
  /** Drops the databases created (BENCH_DATABASE_URL) or stops and removes the cluster. */
  close(): Promise<void>;
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * The PostgreSQL server the benchmark uses: BENCH_DATABASE_URL (a loopback server where the user may
 * create databases) when given, otherwise a throwaway cluster started with initdb/pg_ctl in os.tmpdir().
 */
export async function openPostgres(): Promise<PgTarget> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) {
    const url = new URL(given);
    if (!/^postgres(ql)?:$/.test(url.protocol)) throw new Error('BENCH_DATABASE_URL must be a postgres:// URL');
    if (!LOOPBACK.has(url.hostname)) throw new Error('BENCH_DATABASE_URL must point at 127.0.0.1 (the benchmark only targets the loopback interface)');
    return serverTarget(url, 'BENCH_DATABASE_URL', async () => undefined);
  }
  return startCluster();
}

let counter = 0;

async function serverTarget(adminUrl: URL, source: string, stopServer: () => Promise<void>): Promise<PgTarget> {
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await withTimeout(admin.connect(), 15_000, 'connecting to PostgreSQL');
  const version = (await admin.query<{ server_version: string }>('show server_version')).rows[0]!.server_version;
  const created: string[] = [];
  return {
    source,
    serverVersion: version,
    async createDatabase() {
      const name = `beacon_bench_${process.pid}_${Date.now().toString(36)}_${++counter}`;
      await admin.query(`create database "${name}"`);
      created.push(name);
      const url = new URL(adminUrl.toString());
      url.pathname = `/${name}`;
      return url.toString();
    },
    async close() {
      try {
        for (const name of created.splice(0)) await admin.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await admin.end().catch(() => undefined);
        await stopServer();
      }
    },
  };
}

type RunAs = { uid?: number; gid?: number };

function run(cmd: string, args: string[], runAs: RunAs, timeoutMs: number, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const out = new Tail(16_000);
    const child = spawn(cmd, args, { ...runAs, env, cwd: os.tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => out.push(d));
    const timer = setTimeout(() => { child.kill('SIGKILL'); }, timeoutMs);
    child.once('error', (err) => { clearTimeout(timer); reject(err); });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out.toString());
      else reject(new Error(`${path.basename(cmd)} ${args[0] ?? ''} failed (code ${code}, signal ${signal}):\n${out.toString()}`));
    });
  });
}

/** PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` OS user (created if missing). */
function postgresUser(): RunAs {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'inherit' });
    return { uid: id('-u'), gid: id('-g') };
  }
}

async function startCluster(): Promise<PgTarget> {
  const runAs = postgresUser();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-bench-pg-'));
  const dataDir = path.join(root, 'data');
  const logFile = path.join(root, 'postgres.log');
  if (runAs.uid !== undefined) fs.chownSync(root, runAs.uid, runAs.gid!);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, LANG: 'C', LC_ALL: 'C', HOME: root };
  let started = false;
  const stop = async () => {
    try {
      if (started) {
        await run('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '30'], runAs, 40_000, env).catch((err) => {
          // pg_ctl could not stop it: end the postmaster we started, by the pid it recorded.
          const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
          if (pid > 0) process.kill(pid, 'SIGQUIT');
          throw err;
        });
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  };
  try {
    await run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-instructions'], runAs, 120_000, env);
    const port = await freePort();
    const serverOpts = `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${root}`;
    started = true;
    await run('pg_ctl', ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', serverOpts], runAs, 70_000, env).catch((err) => {
      const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-4000) : '';
      throw new Error(`${(err as Error).message}\n--- postgres.log ---\n${log}`);
    });
    return await serverTarget(new URL(`postgres://postgres@127.0.0.1:${port}/postgres`), 'throwaway cluster (initdb + pg_ctl)', stop);
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
