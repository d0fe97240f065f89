import crypto from 'node:crypto';
import * as oidc from 'openid-client';
import type { Db } from '../../db/create-db';
import { isSingleEmailAddress } from '../../platform/email';
import { openRequest, requestStatusOf } from '../users/account-requests.service';
import { insecureAllowed, ssoForEmail, ssoOfAgency, type ActiveSso } from './sso-config.service';

/** How long a person has at their provider before Beacon forgets the sign-in it started. */
export const ATTEMPT_MS = 10 * 60_000;
export const SSO_COOKIE = 'beacon_sso';
export const CALLBACK_PATH = '/sign-in/organisation/callback';

const digest = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

/** Discovery answers are kept an hour: a provider's endpoints and keys change rarely, and openid-client refetches keys it does not know. */
const DISCOVERY_MS = 3_600_000;
const discovered = new Map<string, { at: number; config: Promise<oidc.Configuration>; authorizationOrigin?: string }>();

const cacheKey = (s: { agencyId: number; issuerUrl: string; clientId: string; updatedAt: Date }) => [s.agencyId, s.issuerUrl, s.clientId, s.updatedAt.getTime()].join('|');

function providerConfig(sso: ActiveSso, production: boolean): Promise<oidc.Configuration> {
  const key = cacheKey(sso);
  const hit = discovered.get(key);
  if (hit && Date.now() - hit.at < DISCOVERY_MS) return hit.config;
  const issuer = new URL(sso.issuerUrl);
  const config = oidc.discovery(issuer, sso.clientId, undefined, oidc.ClientSecretBasic(sso.clientSecret), {
    timeout: 10, execute: insecureAllowed(issuer, production) ? [oidc.allowInsecureRequests] : [],
  });
  const entry: { at: number; config: Promise<oidc.Configuration>; authorizationOrigin?: string } = { at: Date.now(), config };
  discovered.set(key, entry);
  // A failed discovery is not kept: the next person tries again.
  config.then((c) => {
    const endpoint = c.serverMetadata().authorization_endpoint;
    if (endpoint) entry.authorizationOrigin = new URL(endpoint).origin;
  }, () => discovered.delete(key));
  return config;
}

/**
 * The origins the organisation sign-in form may lead to. The page's Content-Security-Policy names them
 * in form-action: browsers check a form's redirects against it, and the form's answer is the redirect to
 * the provider.
 */
export async function providerOrigins(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('agency_sso').select(['agency_id', 'issuer_url', 'client_id', 'updated_at']).where('enabled', '=', true).execute();
  const origins = new Set<string>();
  for (const r of rows) {
    try { origins.add(new URL(r.issuer_url).origin); } catch { /* saved only after validation; nothing to add */ }
    // Where discovery found the provider's sign-in page elsewhere than its issuer, for the configuration as it is now.
    const found = discovered.get(cacheKey({ agencyId: r.agency_id, issuerUrl: r.issuer_url, clientId: r.client_id, updatedAt: r.updated_at }))?.authorizationOrigin;
    if (found) origins.add(found);
  }
  return [...origins];
}

export class SsoUnavailable extends Error {}

export type SsoOptions = { key: string | null; production: boolean; publicUrl: string; now: Date };

/**
 * Starts a sign-in at the provider of the agency the email's domain belongs to: PKCE, state and nonce
 * are kept in a row found by the browser's cookie, so they never travel through the browser. Null when
 * no agency signs in that way.
 */
export async function startSsoSignIn(db: Db, email: string, next: string, opts: SsoOptions): Promise<{ agencyId: number; url: string; cookie: string } | null> {
  const sso = await ssoForEmail(db, email, opts.key);
  if (!sso) return null;
  let config: oidc.Configuration;
  try {
    config = await providerConfig(sso, opts.production);
  } catch (err) {
    throw new SsoUnavailable(`Discovery of ${sso.issuerUrl} failed: ${(err as Error).message}`);
  }
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const cookie = crypto.randomBytes(32).toString('base64url');
  await db.deleteFrom('sso_attempt').where('created_at', '<', new Date(opts.now.getTime() - ATTEMPT_MS)).execute();
  await db.insertInto('sso_attempt').values({
    id: digest(cookie), agency_id: sso.agencyId, state, nonce, code_verifier: verifier, next, created_at: opts.now,
  }).execute();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: `${opts.publicUrl}${CALLBACK_PATH}`, scope: 'openid email profile', response_type: 'code',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, nonce,
    login_hint: email.trim().toLowerCase(),
  });
  return { agencyId: sso.agencyId, url: url.href, cookie };
}

/** RFC 8176 methods by the kind of factor each is: two kinds, or the provider's own `mfa`, is multi-factor. */
const FACTOR: Record<string, 'knows' | 'has' | 'is'> = {
  pwd: 'knows', pin: 'knows', kba: 'knows',
  otp: 'has', hwk: 'has', swk: 'has', sc: 'has', sms: 'has', tel: 'has',
  fpt: 'is', face: 'is', iris: 'is', retina: 'is', vbm: 'is',
};

export function multiFactorByProvider(amr: readonly string[] | undefined): boolean {
  if (!amr?.length) return false;
  if (amr.includes('mfa')) return true;
  return new Set(amr.map((m) => FACTOR[m]).filter(Boolean)).size >= 2;
}

export type SsoProblem =
  | 'no_attempt' | 'expired' | 'sso_off' | 'provider_refused' | 'provider_error' | 'invalid_response'
  | 'email_unverified' | 'domain_not_allowed' | 'other_agency' | 'identity_mismatch';

export type SsoOutcome =
  | { outcome: 'signed_in'; userId: number; email: string; agencyId: number; next: string; amr: string[] | null; acr: string | null; mfaByProvider: boolean }
  | { outcome: 'pending'; userId: number; email: string; agencyId: number; partnershipId: number; created: boolean }
  | { outcome: 'refused' | 'disabled'; userId: number; email: string; agencyId: number }
  | { outcome: 'problem'; problem: SsoProblem; agencyId: number | null; email: string | null; providerError?: string };

/**
 * Completes a sign-in on the provider's return. openid-client checks the state, exchanges the code
 * with the PKCE verifier, and validates the ID token (signature, issuer, audience, expiry, nonce). The
 * verified email then finds the person: one of the agency's people signs in; an address new to Beacon
 * at an allowed domain becomes a disabled account waiting for the partnership's approval.
 */
export async function completeSsoSignIn(db: Db, cookie: string | undefined, callbackUrl: URL, opts: SsoOptions): Promise<SsoOutcome> {
  const problem = (p: SsoProblem, agencyId: number | null = null, email: string | null = null, providerError?: string): SsoOutcome =>
    ({ outcome: 'problem', problem: p, agencyId, email, ...(providerError ? { providerError } : {}) });
  if (!cookie) return problem('no_attempt');
  // Used once: a replayed callback finds nothing.
  const attempt = await db.deleteFrom('sso_attempt').where('id', '=', digest(cookie)).returningAll().executeTakeFirst();
  if (!attempt) return problem('no_attempt');
  if (opts.now.getTime() - attempt.created_at.getTime() > ATTEMPT_MS) return problem('expired', attempt.agency_id);
  const sso = await ssoOfAgency(db, attempt.agency_id, opts.key);
  if (!sso) return problem('sso_off', attempt.agency_id);

  let claims: oidc.IDToken;
  let profile: Record<string, unknown>;
  try {
    const config = await providerConfig(sso, opts.production);
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: attempt.code_verifier, expectedState: attempt.state, expectedNonce: attempt.nonce, idTokenExpected: true,
    });
    claims = tokens.claims()!;
    // A provider may keep the email and name for its userinfo endpoint (as OpenID Connect allows when an
    // access token is issued); openid-client checks that answer is about the ID token's subject.
    profile = claims.email === undefined ? { ...(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)), ...claims } : claims;
  } catch (err) {
    if (err instanceof oidc.AuthorizationResponseError) {
      return problem(err.error === 'access_denied' ? 'provider_refused' : 'provider_error', sso.agencyId, null, err.error);
    }
    if (err instanceof oidc.ResponseBodyError) return problem('provider_error', sso.agencyId, null, err.error);
    return problem('invalid_response', sso.agencyId, null, (err as { code?: string }).code);
  }

  const email = typeof profile.email === 'string' ? profile.email.trim().toLowerCase() : null;
  if (!email || profile.email_verified !== true) return problem('email_unverified', sso.agencyId, email);
  // One plain address, as Beacon's emails and forms take it.
  if (email.length > 254 || !isSingleEmailAddress(email)) return problem('domain_not_allowed', sso.agencyId, null);
  if (!sso.emailDomains.includes(email.split('@')[1] ?? '')) return problem('domain_not_allowed', sso.agencyId, email);
  const amr = Array.isArray(claims.amr) ? claims.amr.map(String) : null;
  const acr = typeof claims.acr === 'string' ? claims.acr : null;
  const issuer = claims.iss;
  const subject = claims.sub;

  const user = await db.selectFrom('app_user').select(['id', 'status', 'agency_id']).where('email', '=', email).executeTakeFirst();
  if (!user) {
    const userId = await provisionPendingPerson(db, {
      email, name: nameFrom(profile, email), agencyId: sso.agencyId, partnershipId: sso.partnershipId, issuer, subject, amr, acr, now: opts.now,
    });
    return { outcome: 'pending', userId, email, agencyId: sso.agencyId, partnershipId: sso.partnershipId, created: true };
  }
  // The provider vouches for its own agency's people only: it cannot sign in someone Beacon knows at another agency.
  if (user.agency_id !== sso.agencyId) return problem('other_agency', sso.agencyId, email);
  const linked = await db.selectFrom('sso_identity').select('subject').where('user_id', '=', user.id).where('issuer', '=', issuer).executeTakeFirst();
  // An address handed on to someone new at the provider is another subject: it does not inherit the account.
  if (linked && linked.subject !== subject) return problem('identity_mismatch', sso.agencyId, email);
  const taken = linked ? null : await db.selectFrom('sso_identity').select('user_id').where('issuer', '=', issuer).where('subject', '=', subject).executeTakeFirst();
  if (taken) return problem('identity_mismatch', sso.agencyId, email);
  if (linked) {
    await db.updateTable('sso_identity').set({ last_amr: amr, last_acr: acr, last_sign_in_at: opts.now }).where('user_id', '=', user.id).where('issuer', '=', issuer).execute();
  } else {
    await db.insertInto('sso_identity').values({ user_id: user.id, issuer, subject, last_amr: amr, last_acr: acr, last_sign_in_at: opts.now }).execute();
  }
  if (user.status !== 'active') {
    const request = await requestStatusOf(db, user.id);
    const outcome = request === 'pending' ? 'pending' : request === 'refused' ? 'refused' : 'disabled';
    return outcome === 'pending'
      ? { outcome, userId: user.id, email, agencyId: sso.agencyId, partnershipId: sso.partnershipId, created: false }
      : { outcome, userId: user.id, email, agencyId: sso.agencyId };
  }
  return { outcome: 'signed_in', userId: user.id, email, agencyId: sso.agencyId, next: attempt.next ?? '/', amr, acr, mfaByProvider: multiFactorByProvider(amr ?? undefined) };
}

/**
 * Someone Beacon does not know, vouched for by their agency's provider: an account that cannot be used
 * (disabled, with no password) and a request for the partnership's administrators to approve or refuse.
 */
export function provisionPendingPerson(db: Db, p: {
  email: string; name: string; agencyId: number; partnershipId: number; issuer: string; subject: string; amr: string[] | null; acr: string | null; now: Date;
}): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const created = await tx.insertInto('app_user').values({
      email: p.email, name: p.name, agency_id: p.agencyId,
      // An empty hash never verifies: this person signs in through their organisation only.
      password_hash: '', mfa_secret: null, mfa_enrolled_at: null, mfa_last_step: null, status: 'disabled', locked_until: null,
      last_sign_in_at: null, last_partnership_id: p.partnershipId, email_verified_at: p.now,
    }).returning('id').executeTakeFirstOrThrow();
    await tx.insertInto('sso_identity').values({ user_id: created.id, issuer: p.issuer, subject: p.subject, last_amr: p.amr, last_acr: p.acr, last_sign_in_at: p.now }).execute();
    await openRequest(tx, { partnershipId: p.partnershipId, userId: created.id, agencyId: p.agencyId, now: p.now });
    return created.id;
  });
}

function nameFrom(claims: Record<string, unknown>, email: string): string {
  const joined = [claims.given_name, claims.family_name].filter((p) => typeof p === 'string' && p.trim()).join(' ');
  const name = (typeof claims.name === 'string' && claims.name.trim()) || joined || email.split('@')[0]!;
  return name.trim().slice(0, 200);
}
