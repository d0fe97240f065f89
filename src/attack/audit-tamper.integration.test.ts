import fs from 'node:fs';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDb } from '../db/create-db';
import { migrateToLatest } from '../db/migrate';
import { recordAudit, verifyAuditChain } from '../platform/audit';
import { runCli } from '../testing/cli';
import { createTestDb, dialects, type TestDb } from '../testing/test-db';

/**
 * Tampering with the audit log as someone holding the database owner's rights would (the trigger switched
 * off), found by `beacon audit verify`, which exits 1 naming the first entry broken. And the production
 * set-up the README gives: the application's own role can add to the log but not change or remove it.
 */

describe.each(dialects())('audit log tampering (%s)', (dialect) => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb(dialect);
    for (let i = 1; i <= 8; i++) {
      await recordAudit(t.db, { userEmail: `person${i}@a.test`, action: 'child.read', recordType: 'child', recordId: `child-${i}`, partnershipId: 1, outcome: 'allowed', detail: { i } });
    }
  });
  afterEach(async () => { await t?.close(); });

  const verify = () => runCli(async (fn) => fn({ db: t.db, dialect, describe: 'test', close: async () => {} }), ['audit', 'verify', '--format', 'json']);
  const asOwner = async (...statements: ReturnType<typeof sql>[]) => {
    await sql`alter table audit_event disable trigger audit_event_no_change`.execute(t.db);
    for (const s of statements) await s.execute(t.db);
    await sql`alter table audit_event enable trigger audit_event_no_change`.execute(t.db);
  };
  async function broken(at: number, reason: RegExp) {
    const run = await verify();
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as { ok: boolean; brokenAt: number; reason: string };
    expect(result).toMatchObject({ ok: false, brokenAt: at });
    expect(result.reason).toMatch(reason);
  }

  it('passes the untouched log, exiting 0', async () => {
    const run = await verify();
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, entries: 8 });
  });

  it('names an entry whose detail was changed', async () => {
    await asOwner(sql`update audit_event set detail = '{"i": 99}'::jsonb where seq = 3`);
    await broken(3, /entry 3 has been altered/);
  });

  it('names the place of a deleted entry', async () => {
    await asOwner(sql`delete from audit_event where seq = 5`);
    await broken(5, /entry 5 is missing/);
  });

  it('names a forged entry inserted after the last, and one put in a gap', async () => {
    const last = await t.db.selectFrom('audit_event').selectAll().where('seq', '=', 8).executeTakeFirstOrThrow();
    await t.db.insertInto('audit_event').values({ ...last, seq: 9, user_email: 'forger@a.test', prev_hash: last.hash, hash: 'f'.repeat(64), detail: JSON.stringify({ forged: true }) } as never).execute();
    await broken(9, /entry 9 has been altered/);
    await asOwner(sql`delete from audit_event where seq = 9`);
    await t.db.insertInto('audit_event').values({ ...last, seq: 11, prev_hash: last.hash, detail: JSON.stringify(last.detail) } as never).execute();
    await broken(9, /entry 9 is missing/);
  });

  it('names the first of two entries swapped in order', async () => {
    await asOwner(sql`update audit_event set seq = -4 where seq = 4`, sql`update audit_event set seq = 4 where seq = 6`, sql`update audit_event set seq = 6 where seq = -4`);
    await broken(4, /entry 4 does not link to the entry before it|entry 4 has been altered/);
  });
});

/** The README's grants, as an administrator would run them: a role that owns nothing, given only what Beacon needs. */
function readmeGrants(role: string): string[] {
  const block = /```sql\n([\s\S]*?beacon_app[\s\S]*?)```/.exec(fs.readFileSync('README.md', 'utf8'))![1]!;
  return block.split(';').map((s) => s.replace(/--.*$/gm, '').trim()).filter(Boolean).map((s) => s.replaceAll('beacon_app', role).replace(/PASSWORD '[^']*'/, "PASSWORD 'test-only'"));
}

describe.runIf(dialects().includes('postgres'))('the application’s own role on PostgreSQL (README)', () => {
  it('adds to the audit log and verifies it, but cannot change, remove or unguard it', async () => {
    const t = await createTestDb('postgres');
    const role = `beacon_app_${process.pid}_${Date.now()}`;
    const { rows } = await sql<{ db: string }>`select current_database() as db`.execute(t.db);
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${rows[0]!.db}`;
    url.username = role;
    url.password = 'test-only';
    let app: Awaited<ReturnType<typeof createDb>> | undefined;
    try {
      for (const statement of readmeGrants(role)) await sql.raw(statement).execute(t.db);
      await recordAudit(t.db, { action: 'child.read', outcome: 'allowed', recordId: 'owner' });
      app = await createDb({ databaseUrl: url.toString() });
      // Beacon's start-up migration check, with nothing to migrate.
      await migrateToLatest(app.db);
      await recordAudit(app.db, { action: 'child.read', outcome: 'allowed', recordId: 'app' });
      expect(await verifyAuditChain(app.db)).toMatchObject({ ok: true, entries: 2 });
      await app.db.insertInto('partnership').values({ la_code: '999', name: 'Role check' } as never).execute();
      await app.db.updateTable('partnership').set({ name: 'Role checked' }).where('la_code', '=', '999').execute();
      for (const statement of [
        sql`update audit_event set user_email = 'x' where seq = 1`,
        sql`delete from audit_event where seq = 1`,
        sql`truncate audit_event`,
        sql`delete from audit_checkpoint`,
        sql`alter table audit_event disable trigger audit_event_no_change`,
        sql`drop trigger audit_event_no_change on audit_event`,
      ]) {
        await expect(statement.execute(app.db)).rejects.toThrow(/permission denied|must be owner/);
      }
      expect(await verifyAuditChain(app.db)).toMatchObject({ ok: true, entries: 2 });
    } finally {
      await app?.close();
      // A role belongs to the whole server: its grants go with it, before the test database does.
      await sql.raw(`drop owned by ${role}`).execute(t.db).catch(() => undefined);
      await sql.raw(`drop role if exists ${role}`).execute(t.db);
      await t.close();
    }
  });
});
