import crypto from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/create-db';
import type { Database } from '../db/schema';

export type AuditEntry = {
  userId?: number | null;
  userEmail?: string | null;
  agencyId?: number | null;
  role?: string | null;
  partnershipId?: number | null;
  action: string;
  recordType?: string | null;
  recordId?: string | null;
  outcome: 'allowed' | 'denied' | 'failed';
  ip?: string | null;
  userAgent?: string | null;
  /** Identifiers and counts only: never the sensitive values themselves. */
  detail?: Record<string, unknown> | null;
};

const GENESIS = '0'.repeat(64);
// One lock id for the chain: entries are numbered and linked one at a time.
const CHAIN_LOCK = 7_214_001;

type Row = {
  seq: number; at: Date; user_id: number | null; user_email: string | null; agency_id: number | null;
  role: string | null; partnership_id: number | null; action: string; record_type: string | null;
  record_id: string | null; outcome: string; ip: string | null; user_agent: string | null;
  detail: Record<string, unknown> | null;
};

function hashOf(row: Row, prevHash: string): string {
  const canonical = JSON.stringify([
    row.seq, row.at.toISOString(), row.user_id, row.user_email, row.agency_id, row.role, row.partnership_id,
    row.action, row.record_type, row.record_id, row.outcome, row.ip, row.user_agent,
    row.detail === null ? null : canonicalJson(row.detail), prevHash,
  ]);
  return crypto.createHash('sha256').update(canonical).digest('hex');
}

/** JSON with keys sorted, so that jsonb's own key order cannot change a hash. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Appends entries to the hash chain, in one transaction of their own. */
export async function recordAudit(db: Db, ...entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.transaction().execute((tx) => appendAudit(tx, entries));
}

/** Appends entries to the chain inside the caller's transaction: they commit, or vanish, with its work (a restore). */
export async function appendAudit(tx: Transaction<Database>, entries: AuditEntry[]): Promise<void> {
  await sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`.execute(tx);
  const last = await tx.selectFrom('audit_event').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  let seq = last ? Number(last.seq) : 0;
  let prev = last?.hash ?? GENESIS;
  const rows = entries.map((e) => {
    seq += 1;
    const row: Row = {
      seq, at: new Date(), user_id: e.userId ?? null, user_email: e.userEmail ?? null, agency_id: e.agencyId ?? null,
      role: e.role ?? null, partnership_id: e.partnershipId ?? null, action: e.action, record_type: e.recordType ?? null,
      record_id: e.recordId === null || e.recordId === undefined ? null : storable(e.recordId), outcome: e.outcome, ip: e.ip ?? null,
      user_agent: e.userAgent === null || e.userAgent === undefined ? null : storable(e.userAgent.slice(0, 300)),
      detail: e.detail === null || e.detail === undefined ? null : storable(e.detail),
    };
    const hash = hashOf(row, prev);
    const out = { ...row, detail: row.detail === null ? null : JSON.stringify(row.detail), prev_hash: prev, hash };
    prev = hash;
    return out;
  });
  await tx.insertInto('audit_event').values(rows as never).execute();
}

/**
 * A value as the log can keep it: a record id or detail may quote the request (an address, a filter), and
 * PostgreSQL text and JSON cannot hold a NUL character, so it is kept as the two characters \0, before the entry is hashed.
 */
function storable<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '\\0') as T;
  if (Array.isArray(value)) return value.map(storable) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), storable(v)])) as T;
  }
  return value;
}

export type VerifyResult =
  | { ok: true; entries: number; headSeq: number }
  | { ok: false; entries: number; brokenAt: number; reason: string };

/**
 * Walks the whole chain: an altered row fails its own hash, a deleted row breaks the numbering and
 * the link, and a deleted tail is caught against the last checkpoint a verification wrote.
 */
export async function verifyAuditChain(db: Db, onProgress?: (done: number, total: number) => void): Promise<VerifyResult> {
  const total = Number((await db.selectFrom('audit_event').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const checkpoint = await db.selectFrom('audit_checkpoint').select(['seq', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirst();
  let prev = GENESIS;
  let expected = 1;
  let checked = 0;
  const batch = 5000;
  for (;;) {
    const rows = await db.selectFrom('audit_event').selectAll().where('seq', '>=', expected).orderBy('seq').limit(batch).execute();
    for (const r of rows) {
      const seq = Number(r.seq);
      if (seq !== expected) return { ok: false, entries: checked, brokenAt: expected, reason: `entry ${expected} is missing` };
      if (r.prev_hash !== prev) return { ok: false, entries: checked, brokenAt: seq, reason: `entry ${seq} does not link to the entry before it` };
      const row: Row = { ...r, seq, at: new Date(r.at), detail: r.detail ?? null } as Row;
      if (hashOf(row, prev) !== r.hash) return { ok: false, entries: checked, brokenAt: seq, reason: `entry ${seq} has been altered` };
      if (checkpoint && Number(checkpoint.seq) === seq && checkpoint.hash !== r.hash) {
        return { ok: false, entries: checked, brokenAt: seq, reason: `entry ${seq} differs from the checkpoint taken at an earlier verification` };
      }
      prev = r.hash;
      expected += 1;
      checked += 1;
    }
    onProgress?.(checked, total);
    if (rows.length < batch) break;
  }
  if (checkpoint && Number(checkpoint.seq) >= expected) {
    return { ok: false, entries: checked, brokenAt: expected, reason: `entries from ${expected} to ${checkpoint.seq} have been deleted since an earlier verification` };
  }
  if (checked > 0) await db.insertInto('audit_checkpoint').values({ seq: checked, hash: prev }).execute();
  return { ok: true, entries: checked, headSeq: checked };
}

export type AuditSearch = {
  partnershipId?: number;
  userEmail?: string;
  action?: string;
  recordType?: string;
  recordId?: string;
  outcome?: string;
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
};

export async function searchAudit(db: Db, q: AuditSearch) {
  let query = db.selectFrom('audit_event').selectAll();
  if (q.partnershipId !== undefined) query = query.where('partnership_id', '=', q.partnershipId);
  if (q.userEmail) query = query.where('user_email', 'ilike', `%${q.userEmail.replace(/[%_\\]/g, '\\$&')}%`);
  if (q.action) query = query.where('action', 'like', `${q.action.replace(/[%_\\]/g, '\\$&')}%`);
  if (q.recordType) query = query.where('record_type', '=', q.recordType);
  if (q.recordId) query = query.where('record_id', '=', q.recordId);
  if (q.outcome) query = query.where('outcome', '=', q.outcome as 'allowed');
  if (q.from) query = query.where('at', '>=', new Date(`${q.from}T00:00:00Z`));
  if (q.to) query = query.where('at', '<', new Date(new Date(`${q.to}T00:00:00Z`).getTime() + 86_400_000));
  return query.orderBy('seq', 'desc').limit(q.limit ?? 50).offset(q.offset ?? 0).execute();
}

/** Everyone who read or changed a child's record: the Record Guarantee's promise. */
export async function accessToChild(db: Db, partnershipId: number, childId: string) {
  return db.selectFrom('audit_event')
    .select(['seq', 'at', 'user_email', 'role', 'agency_id', 'action', 'outcome', 'ip'])
    .where('record_type', '=', 'child').where('record_id', '=', childId).where('partnership_id', '=', partnershipId)
    .orderBy('seq').execute();
}
