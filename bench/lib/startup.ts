import fs from 'node:fs';
import path from 'node:path';
import { ServerFailed, startServer, waitForHealth, type DbEnv } from './server';
import { freePort, median, round } from './util';

export type StartPhase = { ms: number; seeded: boolean; migrated: boolean; cleanStop: boolean };
export type StartupRun = { first: StartPhase; second: StartPhase };
export type StartupResult = {
  dialect: 'pglite' | 'postgres';
  command: 'node --import tsx src/server.ts' | 'npm start';
  runs: StartupRun[];
  medianFirstMs: number;
  medianSecondMs: number;
};

/** One start of the server until the first 200 from /health, then a clean stop. */
async function startOnce(command: 'node' | 'npm', db: DbEnv): Promise<StartPhase> {
  const server = startServer({ command, port: await freePort(), db, logLevel: 'silent' });
  try {
    const ms = await waitForHealth(server, { intervalMs: 20, timeoutMs: 120_000 });
    const stop = await server.stop();
    const out = server.output();
    if (!stop.clean) throw new ServerFailed(`the server did not stop cleanly (code ${stop.code}, signal ${stop.signal})`, out);
    // The embedded database's lock is released on a clean close: the second start must find no stale lock.
    if ('BEACON_DATA_DIR' in db && fs.existsSync(path.join(db.BEACON_DATA_DIR, 'beacon.lock'))) {
      throw new ServerFailed('the server stopped but left beacon.lock in its data directory', out);
    }
    return { ms: round(ms), seeded: out.includes('Demo partnership'), migrated: out.includes('Database migrated'), cleanStop: stop.clean };
  } finally {
    await server.stop();
  }
}

/**
 * A first start on an empty database (migrations and the demo seed run) and a second on the same,
 * now seeded database; `freshDb` gives the empty database of each repetition.
 */
export async function startupBench(opts: {
  dialect: 'pglite' | 'postgres';
  command: 'node' | 'npm';
  repeats: number;
  freshDb: () => Promise<DbEnv>;
  log: (line: string) => void;
}): Promise<StartupResult> {
  const runs: StartupRun[] = [];
  const label = `${opts.dialect}, ${opts.command === 'node' ? 'node --import tsx src/server.ts' : 'npm start'}`;
  for (let i = 0; i < opts.repeats; i++) {
    const db = await opts.freshDb();
    const first = await startOnce(opts.command, db);
    if (!first.migrated || !first.seeded) throw new Error(`${label}: the first start on an empty database did not report migrating and seeding`);
    const second = await startOnce(opts.command, db);
    if (second.migrated || second.seeded) throw new Error(`${label}: the second start migrated or seeded again`);
    runs.push({ first, second });
    opts.log(`  startup ${label} #${i + 1}: first ${first.ms} ms, second ${second.ms} ms`);
  }
  return {
    dialect: opts.dialect,
    command: opts.command === 'node' ? 'node --import tsx src/server.ts' : 'npm start',
    runs,
    medianFirstMs: round(median(runs.map((r) => r.first.ms))),
    medianSecondMs: round(median(runs.map((r) => r.second.ms))),
  };
}
