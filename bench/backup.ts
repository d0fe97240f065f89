import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runBeacon } from '../src/testing/cli';
import { tableDigests, withoutAuditLog, type TableDigests } from '../src/testing/db-digest';
import { seedChildren, seedDemo } from '../src/db/seed/demo';
import { migrateToLatest } from '../src/db/migrate';
import { addPartnership } from '../src/features/partnerships/partnerships.service';
import { openDb } from './lib/children-data';
import type { DbEnv } from './lib/server';
import { round } from './lib/util';

/**
 * `beacon backup` and `beacon restore` as a person runs them (bin/beacon.js in a process of its own) on the
 * demo (200 children) with a third partnership of --backup-children children and their journeys (the demo
 * seed's generator): the backup's time and size, then
 * a restore of it into a fresh database of each dialect measured (PGlite → PostgreSQL and back included),
 * and every table of the restored database compared with the original's (counts and ordered MD5s in SQL).
 */

type Dialect = 'pglite' | 'postgres';

export type BackupResult = {
  dialect: Dialect;
  children: number;
  rows: number;
  tables: number;
  seedS: number;
  backupS: number;
  bytes: number;
  restores: { into: Dialect; restoreS: number; rowsPerS: number; equal: boolean; differing: string[] }[];
};

async function digestsOf(env: DbEnv): Promise<TableDigests> {
  const handle = await openDb(env);
  try {
    return withoutAuditLog(await tableDigests(handle.db));
  } finally {
    await handle.close();
  }
}

async function beacon(env: DbEnv, args: string[]): Promise<{ s: number; json: Record<string, unknown> }> {
  const started = performance.now();
  const res = await runBeacon(env as Record<string, string>, [...args, '--format', 'json']);
  const s = round((performance.now() - started) / 1000, 1);
  if (res.code !== 0) throw new Error(`beacon ${args[0]} exited ${res.code}: ${res.stderr.trim()}`);
  return { s, json: JSON.parse(res.stdout) as Record<string, unknown> };
}

export async function backupBench(opts: {
  dialect: Dialect; into: Dialect[]; fresh: (d: Dialect) => () => Promise<DbEnv>; children: number; workDir: string; log: (line: string) => void;
}): Promise<BackupResult> {
  const source = await opts.fresh(opts.dialect)();
  const started = performance.now();
  const handle = await openDb(source);
  try {
    const today = new Date().toISOString().slice(0, 10);
    await migrateToLatest(handle.db);
    await seedDemo(handle.db, { children: 200, today });
    const third = await addPartnership(handle.db, { laCode: '992', name: 'Westbrook Safeguarding Children Partnership' });
    await seedChildren(handle.db, third.id, '992', opts.children, 3, today);
  } finally {
    await handle.close();
  }
  const seedS = round((performance.now() - started) / 1000, 1);
  const file = path.join(opts.workDir, `backup-${opts.dialect}.beacon`);
  const made = await beacon(source, ['backup', '--out', file]);
  const bytes = fs.statSync(file).size;
  const rows = Number(made.json.rows);
  opts.log(`  seeded in ${seedS} s; backup of ${rows.toLocaleString('en-GB')} rows: ${made.s} s, ${(bytes / 2 ** 20).toFixed(1)} MB`);
  const original = await digestsOf(source);
  const restores: BackupResult['restores'] = [];
  for (const into of opts.into) {
    const target = await opts.fresh(into)();
    const restored = await beacon(target, ['restore', file]);
    const after = await digestsOf(target);
    const differing = Object.keys({ ...original, ...after }).filter((t) => JSON.stringify(original[t]) !== JSON.stringify(after[t]));
    restores.push({ into, restoreS: restored.s, rowsPerS: Math.round(rows / restored.s), equal: differing.length === 0, differing });
    opts.log(`  restored into ${into}: ${restored.s} s; ${differing.length === 0 ? 'every table equal' : `DIFFERENT: ${differing.join(', ')}`}`);
  }
  fs.rmSync(file, { force: true });
  return { dialect: opts.dialect, children: opts.children + 200, rows, tables: Number(made.json.tables), seedS, backupS: made.s, bytes, restores };
}
