import crypto from 'node:crypto';
import { seedDemo, type SeedResult } from '../db/seed/demo';
import { createTestDb, oncePerRun, pgliteFrom, sourceDigest, type Dialect, type TestDb } from './test-db';

export type DemoOptions = { children: number; today?: string };
export type DemoTestDb = TestDb & { demo: SeedResult };

/**
 * A database of its own holding the demo partnership, as `beacon demo seed` makes it. Seeding takes ten seconds or
 * more, so PGlite's is seeded once per test run for each set of options and copied for each caller, who may change
 * the copy at will. It is kept under a digest of the code under src/ and the day, so a change to the seed, the
 * services it calls or the migrations seeds again. Without today the demo is seeded as of now, as `beacon demo
 * seed` does: a run's copies are as old as the run. Where the seeding itself is what is tested, call seedDemo
 * (demo.integration.test.ts does).
 */
export async function createDemoTestDb(dialect: Dialect, opts: DemoOptions): Promise<DemoTestDb> {
  const key = crypto.createHash('sha256')
    .update(JSON.stringify({ children: opts.children, today: opts.today ?? null, asOf: opts.today ?? new Date().toISOString().slice(0, 10) }))
    .update(sourceDigest('.'))
    .digest('hex').slice(0, 16);
  if (dialect === 'pglite') {
    const made = await oncePerRun(`demo-${key}`, async () => {
      const t = await createTestDb('pglite');
      const demo = await seedDemo(t.db, opts);
      const data = (await t.pglite!.dumpDataDir('none')) as Blob;
      await t.close();
      return { data, meta: JSON.stringify(demo) };
    });
    return { ...(await pgliteFrom(made.data)), demo: JSON.parse(made.meta) as SeedResult };
  }
  // On the server each test's demo is seeded for it: none is copied more than once in a run.
  const t = await createTestDb(dialect);
  return { ...t, demo: await seedDemo(t.db, opts) };
}

/**
 * The demo the seed's tests read (src/db/seed/*.integration.test.ts), the same for each so it is seeded once: a
 * fixed day, so what they check of it does not move with the calendar.
 */
export const CHECKED_DEMO = { children: 60, today: '2026-11-24' } as const satisfies DemoOptions;
