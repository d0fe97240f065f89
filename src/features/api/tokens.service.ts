import type { Db } from '../../db/create-db';
import { newTokenSecret } from '../../platform/api-tokens';
import { NotFound, ValidationFailed } from '../../platform/errors';
import { API_SCOPES, isApiScope, type ApiScope } from '../../platform/permissions';

/**
 * Partner systems' API tokens: each made for one agency working with one partnership, with the API
 * scopes it may use. The token is shown once, when made; Beacon keeps its SHA-256 digest and its first
 * characters to recognise it by. Rotating makes a new token with the same partnership, agency and
 * scopes, and revokes the old one, which names its replacement.
 */

export type TokenSummary = {
  id: string;
  prefix: string;
  name: string;
  partnershipId: number;
  agency: string;
  scopes: ApiScope[];
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  replacedBy: string | null;
};

/** Scopes as typed on a command line (comma-separated), checked against the API's. */
export function parseScopes(value: string): ApiScope[] {
  const scopes = [...new Set(value.split(',').map((s) => s.trim()).filter(Boolean))];
  const unknown = scopes.filter((s) => !isApiScope(s));
  if (unknown.length || scopes.length === 0) {
    throw new ValidationFailed([{ field: 'scopes', message: `${unknown.length ? `Unknown scope ${unknown.join(', ')}: ` : 'Name at least one scope: '}the scopes are ${API_SCOPES.join(', ')}` }]);
  }
  return scopes as ApiScope[];
}

function summaries(db: Db) {
  return db.selectFrom('api_token as t').innerJoin('agency as a', 'a.id', 't.agency_id')
    .select(['t.id', 't.token_prefix as prefix', 't.name', 't.partnership_id as partnershipId', 'a.name as agency', 't.scopes', 't.created_by as createdBy',
      't.created_at as createdAt', 't.last_used_at as lastUsedAt', 't.revoked_at as revokedAt', 't.replaced_by as replacedBy']);
}

const asSummary = (r: Omit<TokenSummary, 'scopes'> & { scopes: string[] }): TokenSummary => ({ ...r, scopes: r.scopes as ApiScope[] });

/** Makes a token; the caller has checked that the agency works with the partnership. */
export async function createToken(db: Db, input: { partnershipId: number; agencyId: number; name: string; scopes: ApiScope[]; createdBy: string }, now: Date):
  Promise<{ token: string; summary: TokenSummary }> {
  const name = input.name.trim();
  if (!name || name.length > 200) throw new ValidationFailed([{ field: 'name', message: 'Name the token in 1 to 200 characters' }]);
  const secret = newTokenSecret();
  const row = await db.insertInto('api_token').values({
    partnership_id: input.partnershipId, agency_id: input.agencyId, name, scopes: input.scopes,
    token_hash: secret.digest, token_prefix: secret.prefix, created_by: input.createdBy, created_at: now,
  }).returning('id').executeTakeFirstOrThrow();
  return { token: secret.token, summary: asSummary(await summaries(db).where('t.id', '=', row.id).executeTakeFirstOrThrow()) };
}

/** A partnership's tokens, the live ones first, newest first. */
export async function listTokens(db: Db, partnershipId: number): Promise<TokenSummary[]> {
  const rows = await summaries(db).where('t.partnership_id', '=', partnershipId)
    .orderBy((eb) => eb('t.revoked_at', 'is', null), 'desc').orderBy('t.created_at', 'desc').execute();
  return rows.map(asSummary);
}

/** A token by its id or by the first characters shown when it was made (`bcn_` and 8 more). */
export async function findToken(db: Db, ref: string): Promise<TokenSummary> {
  const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref);
  const rows = await summaries(db).where(byId ? 't.id' : 't.token_prefix', '=', ref).limit(2).execute();
  if (rows.length === 0) throw new NotFound(`No token has the id or prefix ${ref}`, 'api_token', ref.slice(0, 60));
  if (rows.length > 1) throw new ValidationFailed([{ field: 'token', message: `More than one token starts ${ref}: name it by its id (beacon token list)` }]);
  return asSummary(rows[0]!);
}

/** Revokes a token; one already revoked stays as it was. */
export async function revokeToken(db: Db, ref: string, now: Date): Promise<{ token: TokenSummary; alreadyRevoked: boolean }> {
  const token = await findToken(db, ref);
  if (token.revokedAt) return { token, alreadyRevoked: true };
  await db.updateTable('api_token').set({ revoked_at: now }).where('id', '=', token.id).where('revoked_at', 'is', null).execute();
  return { token: await findToken(db, token.id), alreadyRevoked: false };
}

/** A new token with the same partnership, agency, name and scopes; the old one revoked, naming its replacement. */
export async function rotateToken(db: Db, ref: string, createdBy: string, now: Date): Promise<{ token: string; summary: TokenSummary; replaced: TokenSummary }> {
  const old = await findToken(db, ref);
  return db.transaction().execute(async (tx) => {
    // The row lock makes two rotations of one token at once yield one replacement, not two.
    const locked = await tx.selectFrom('api_token').select(['revoked_at', 'agency_id']).where('id', '=', old.id).forUpdate().executeTakeFirstOrThrow();
    if (locked.revoked_at) throw new ValidationFailed([{ field: 'token', message: `Token ${old.prefix} was revoked: make a new one with beacon token create` }]);
    const made = await createToken(tx, { partnershipId: old.partnershipId, agencyId: locked.agency_id, name: old.name, scopes: old.scopes, createdBy }, now);
    await tx.updateTable('api_token').set({ revoked_at: now, replaced_by: made.summary.id }).where('id', '=', old.id).execute();
    return { ...made, replaced: await findToken(tx, old.id) };
  });
}
