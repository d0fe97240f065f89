import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/create-db';
import type { ApiScope } from './permissions';

/**
 * Partner systems' bearer tokens, as the platform sees them on each request: found by the SHA-256
 * digest of what was presented (a unique index, never a scan or a string comparison in JavaScript),
 * and each use kept. Making, rotating and revoking tokens is the API feature's work.
 */

export const TOKEN_PREFIX = 'bcn_';
/** `bcn_` and 32 random bytes in base64url. */
const TOKEN_FORM = /^bcn_[A-Za-z0-9_-]{43}$/;
/** How many characters of a token are kept in clear to recognise it by in lists and the audit log. */
export const RECOGNISABLE_LENGTH = 12;

export type ApiPrincipal = {
  id: string;
  partnershipId: number;
  agencyId: number;
  /** The token's first characters: what people and the audit log call it. */
  prefix: string;
  scopes: ApiScope[];
  revoked: boolean;
};

export function tokenDigest(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newTokenSecret(): { token: string; digest: string; prefix: string } {
  const token = `${TOKEN_PREFIX}${crypto.randomBytes(32).toString('base64url')}`;
  return { token, digest: tokenDigest(token), prefix: token.slice(0, RECOGNISABLE_LENGTH) };
}

/** The token an `Authorization: Bearer …` header presents; null when there is none or none is known. */
export async function findApiToken(db: Db, authorization: string | undefined): Promise<ApiPrincipal | null> {
  const m = authorization ? /^Bearer +(\S+) *$/i.exec(authorization) : null;
  if (!m || !TOKEN_FORM.test(m[1]!)) return null;
  const row = await db.selectFrom('api_token').select(['id', 'partnership_id', 'agency_id', 'token_prefix', 'scopes', 'revoked_at'])
    .where('token_hash', '=', tokenDigest(m[1]!)).executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id, partnershipId: row.partnership_id, agencyId: row.agency_id, prefix: row.token_prefix,
    scopes: row.scopes as ApiScope[], revoked: row.revoked_at !== null,
  };
}

/** Keeps one use of a token, with the answer it was given, and marks the token last used now: one statement. */
export async function recordTokenUse(db: Db, tokenId: string, use: { method: string; path: string; status: number; ip: string | null }, at: Date) {
  await sql`with used as (
      insert into api_token_use (token_id, at, method, path, status, ip) values (${tokenId}, ${at}, ${use.method}, ${use.path}, ${use.status}, ${use.ip})
    )
    update api_token set last_used_at = ${at} where id = ${tokenId}`.execute(db);
}
