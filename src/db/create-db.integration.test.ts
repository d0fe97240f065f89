import { Kysely, PGliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDb } from './create-db';
import type { Database } from './schema';

/** Queries queued back to back, each a millisecond or more, and when the event loop first turned among them. */
async function turnAmong(db: Kysely<Database>, queries: number): Promise<{ finishedBefore: number }> {
  let done = 0;
  let finishedBefore = -1;
  setImmediate(() => { finishedBefore = done; });
  await Promise.all(Array.from({ length: queries }, () => sql`select pg_sleep(0.001)`.execute(db).then(() => { done++; })));
  return { finishedBefore: finishedBefore < 0 ? done : finishedBefore };
}

describe('the embedded database under a queue of queries', () => {
  it('lets the event loop serve I/O while queries queue, rather than only once none is left', async () => {
    const handle = await createDb({ databaseUrl: 'memory://' });
    try {
      // Without the plugin: every queued query runs before the loop turns (what starved new connections and SMTP replies under load).
      const bare = new Kysely<Database>({ dialect: new PGliteDialect({ pglite: handle.pglite! }) });
      expect((await turnAmong(bare, 100)).finishedBefore).toBe(100);
      // With it: the loop turns after about 10 ms of queries.
      expect((await turnAmong(handle.db, 100)).finishedBefore).toBeLessThan(50);
    } finally {
      await handle.close();
    }
  });
});
