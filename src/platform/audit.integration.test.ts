import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, dialects, type TestDb } from '../testing/test-db';
import { accessToChild, recordAudit, verifyAuditChain } from './audit';

describe.each(dialects())('audit log (%s)', (dialect) => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb(dialect);
    for (let i = 0; i < 10; i++) {
      await recordAudit(t.db, { userEmail: `person${i}@a.test`, action: 'child.read', recordType: 'child', recordId: `child-${i % 3}`, partnershipId: 1, outcome: 'allowed', detail: { i } });
    }
  });
  afterEach(async () => { await t?.close(); });

  /** What someone with the database owner's rights could do: switch the append-only guard off. */
  const asOwner = async (statement: ReturnType<typeof sql>) => {
    await sql`alter table audit_event disable trigger audit_event_no_change`.execute(t.db);
    await statement.execute(t.db);
    await sql`alter table audit_event enable trigger audit_event_no_change`.execute(t.db);
  };

  it('verifies an untouched chain', async () => {
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, entries: 10, headSeq: 10 });
  });

  it('refuses updates and deletes outright', async () => {
    await expect(sql`update audit_event set action = 'x' where seq = 3`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_event where seq = 3`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_event`.execute(t.db)).rejects.toThrow(/append-only/);
  });

  it('detects an altered entry', async () => {
    await asOwner(sql`update audit_event set user_email = 'someone.else@a.test' where seq = 4`);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, brokenAt: 4, reason: 'entry 4 has been altered' });
  });

  it('detects an altered detail and time', async () => {
    await asOwner(sql`update audit_event set at = at + interval '1 second' where seq = 7`);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, brokenAt: 7 });
  });

  it('detects a deleted entry', async () => {
    await asOwner(sql`delete from audit_event where seq = 5`);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, brokenAt: 5, reason: 'entry 5 is missing' });
  });

  it('detects a re-hashed forgery by its broken link', async () => {
    await asOwner(sql`update audit_event set hash = repeat('a', 64) where seq = 6`);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, brokenAt: 6 });
  });

  it('detects entries cut from the end since the last verification', async () => {
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
    await asOwner(sql`delete from audit_event where seq > 8`);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, reason: 'entries from 9 to 10 have been deleted since an earlier verification' });
  });

  it('keeps the chain whole under concurrent writers', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => recordAudit(t.db, { action: 'child.read', outcome: 'allowed', recordId: String(i) })));
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, entries: 30, headSeq: 30 });
  });

  it('lists everyone who accessed a child, oldest first', async () => {
    const rows = await accessToChild(t.db, 1, 'child-1');
    expect(rows.map((r) => r.user_email)).toEqual(['person1@a.test', 'person4@a.test', 'person7@a.test']);
    expect(await accessToChild(t.db, 2, 'child-1')).toEqual([]);
  });

  it('keeps an entry whose record id or detail quotes a NUL from a request, which PostgreSQL text cannot hold, as \\0, and the chain still verifies', async () => {
    await recordAudit(t.db, { action: 'record.not_found', recordType: 'front_door_contact', recordId: 'a\u0000b', outcome: 'denied', detail: { filter: ['x\u0000'], q: '\u0000' } });
    const row = await t.db.selectFrom('audit_event').select(['record_id', 'detail']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(row).toEqual({ record_id: 'a\\0b', detail: { filter: ['x\\0'], q: '\\0' } });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });
});
