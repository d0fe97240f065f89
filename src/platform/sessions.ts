import crypto from 'node:crypto';
import type { Db } from '../db/create-db';

export type Membership = { partnershipId: number; laCode: string; name: string; roles: string[] };

export type SignedInUser = {
  id: number;
  email: string;
  name: string;
  agencyId: number;
  agencyName: string;
  agencyType: string;
  mfaEnrolled: boolean;
};

export type LoadedSession = {
  id: string;
  user: SignedInUser;
  mfaPassed: boolean;
  partnershipId: number | null;
  memberships: Membership[];
  createdAt: Date;
  lastSeenAt: Date;
};

export const SESSION_COOKIE = 'beacon_session';

const digest = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

/** Starts a session and returns the token for the cookie; only its digest is stored. */
export async function createSession(
  db: Db, userId: number,
  opts: { mfaPassed: boolean; partnershipId: number | null; ip?: string; userAgent?: string; sso?: { amr: string[] | null; acr: string | null } },
  now: Date,
): Promise<string> {
  const token = crypto.randomBytes(32).toString('base64url');
  await db.insertInto('session').values({
    id: digest(token), user_id: userId, partnership_id: opts.partnershipId, mfa_passed: opts.mfaPassed,
    ip: opts.ip ?? null, user_agent: opts.userAgent?.slice(0, 300) ?? null, created_at: now, last_seen_at: now,
    ended_at: null, end_reason: null, sso_amr: opts.sso?.amr ?? null, sso_acr: opts.sso?.acr ?? null,
  }).execute();
  return token;
}

export type SessionState =
  | { state: 'none' }
  | { state: 'expired'; reason: 'idle' | 'absolute'; userId: number; email: string }
  | { state: 'active'; session: LoadedSession };

/** Finds the live session for a cookie, ending it if it has run past either timeout. */
export async function loadSession(db: Db, token: string, now: Date, limits: { idleMs: number; absoluteMs: number }): Promise<SessionState> {
  const id = digest(token);
  const row = await db.selectFrom('session as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .innerJoin('agency as a', 'a.id', 'u.agency_id')
    .select(['s.id', 's.user_id', 's.partnership_id', 's.mfa_passed', 's.created_at', 's.last_seen_at', 's.ended_at',
      'u.email', 'u.name', 'u.status', 'u.agency_id', 'u.mfa_enrolled_at', 'a.name as agency_name', 'a.type as agency_type'])
    .where('s.id', '=', id).executeTakeFirst();
  if (!row || row.ended_at || row.status !== 'active') return { state: 'none' };
  const reason = now.getTime() - row.last_seen_at.getTime() > limits.idleMs ? 'idle'
    : now.getTime() - row.created_at.getTime() > limits.absoluteMs ? 'absolute' : null;
  if (reason) {
    await endSession(db, id, reason === 'idle' ? 'idle timeout' : 'absolute timeout', now);
    return { state: 'expired', reason, userId: row.user_id, email: row.email };
  }
  const memberships = await membershipsOf(db, row.user_id);
  // The last-seen time is refreshed at most once a minute: a write on every request buys nothing.
  if (now.getTime() - row.last_seen_at.getTime() > 60_000) {
    await db.updateTable('session').set({ last_seen_at: now }).where('id', '=', id).execute();
  }
  return {
    state: 'active',
    session: {
      id, mfaPassed: row.mfa_passed, partnershipId: row.partnership_id, memberships, createdAt: row.created_at, lastSeenAt: row.last_seen_at,
      user: {
        id: row.user_id, email: row.email, name: row.name, agencyId: row.agency_id, agencyName: row.agency_name,
        agencyType: row.agency_type, mfaEnrolled: row.mfa_enrolled_at !== null,
      },
    },
  };
}

export async function membershipsOf(db: Db, userId: number): Promise<Membership[]> {
  const rows = await db.selectFrom('membership as m').innerJoin('partnership as p', 'p.id', 'm.partnership_id')
    .select(['p.id', 'p.la_code', 'p.name', 'm.role']).where('m.user_id', '=', userId).orderBy('p.name').execute();
  const byId = new Map<number, Membership>();
  for (const r of rows) {
    const m = byId.get(r.id) ?? { partnershipId: r.id, laCode: r.la_code, name: r.name, roles: [] };
    m.roles.push(r.role);
    byId.set(r.id, m);
  }
  return [...byId.values()];
}

export async function endSession(db: Db, sessionId: string, reason: string, now = new Date()) {
  await db.updateTable('session').set({ ended_at: now, end_reason: reason }).where('id', '=', sessionId).where('ended_at', 'is', null).execute();
}

export async function endSessionsOfUser(db: Db, userId: number, reason: string): Promise<number> {
  const result = await db.updateTable('session').set({ ended_at: new Date(), end_reason: reason })
    .where('user_id', '=', userId).where('ended_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Moves a live session to a new token and ends the old one, wherever the session gains rights (the second
 * factor passed, another partnership's roles): a token known before the step (planted in the browser before
 * sign-in, or seen on the way) is dead after it. The sign-in time carries over, for the absolute timeout.
 * Returns the new token for the cookie, or null if the session had already ended.
 */
export async function rotateSession(db: Db, sessionId: string, changes: { mfaPassed?: boolean; partnershipId?: number }, reason: string, now: Date): Promise<string | null> {
  const token = crypto.randomBytes(32).toString('base64url');
  return db.transaction().execute(async (tx) => {
    const old = await tx.updateTable('session').set({ ended_at: now, end_reason: reason })
      .where('id', '=', sessionId).where('ended_at', 'is', null).returningAll().executeTakeFirst();
    if (!old) return null;
    await tx.insertInto('session').values({
      ...old, id: digest(token), mfa_passed: changes.mfaPassed ?? old.mfa_passed, partnership_id: changes.partnershipId ?? old.partnership_id,
      last_seen_at: now, ended_at: null, end_reason: null,
    }).execute();
    return token;
  });
}

/** Works in another of the person's partnerships, under a new token: the roles there are other rights. */
export async function switchPartnership(db: Db, sessionId: string, userId: number, partnershipId: number, now: Date): Promise<string | null> {
  const token = await rotateSession(db, sessionId, { partnershipId }, 'partnership switched', now);
  await db.updateTable('app_user').set({ last_partnership_id: partnershipId }).where('id', '=', userId).execute();
  return token;
}
