import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import { NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import { openSecret, sealSecret } from '../../platform/secret-box';
import { findAgencyInPartnership, type Agency } from '../agencies/agencies.service';

/** What an administrator may see of an agency's single sign-on: never the client secret. */
export type AgencySsoView = {
  agencyId: number;
  issuerUrl: string;
  clientId: string;
  emailDomains: string[];
  passwordAllowed: boolean;
  enabled: boolean;
  updatedAt: Date;
};

export type AgencySsoPage = {
  agency: Agency;
  /** Null when none is set up, or when another partnership keeps it (whose settings stay out of sight). */
  sso: AgencySsoView | null;
  managedElsewhere: boolean;
};

/** The key from the configuration, or a refusal that says what the operator must do. */
function requireKey(key: string | null): string {
  if (!key) throw new ValidationFailed([{ field: 'clientSecret', message: 'Single sign-on cannot be set up until the server has SSO_SECRET_KEY set: ask whoever runs Beacon' }]);
  return key;
}

const secretContext = (agencyId: number) => `agency_sso:${agencyId}`;

const DOMAIN = /^(?=.{3,253}$)([a-z0-9-]+\.)+[a-z]{2,}$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A provider on this machine may use plain HTTP outside production (a test or a developer's provider); anything else needs HTTPS. */
export function insecureAllowed(issuer: URL, production: boolean): boolean {
  return !production && issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);
}

function toView(row: { agency_id: number; issuer_url: string; client_id: string; email_domains: string[]; password_allowed: boolean; enabled: boolean; updated_at: Date }): AgencySsoView {
  return {
    agencyId: row.agency_id, issuerUrl: row.issuer_url, clientId: row.client_id, emailDomains: row.email_domains,
    passwordAllowed: row.password_allowed, enabled: row.enabled, updatedAt: row.updated_at,
  };
}

/** An agency of the partnership and its single sign-on; an agency that does not work with the partnership is 404. */
export async function agencySsoPage(db: Db, partnershipId: number, agencyId: number): Promise<AgencySsoPage> {
  const agency = await findAgencyInPartnership(db, partnershipId, agencyId);
  if (!agency) throw new NotFound('No such agency', 'agency', String(agencyId));
  const row = await db.selectFrom('agency_sso').selectAll().where('agency_id', '=', agencyId).executeTakeFirst();
  if (row && row.partnership_id !== partnershipId) return { agency, sso: null, managedElsewhere: true };
  return { agency, sso: row ? toView(row) : null, managedElsewhere: false };
}

export type SsoInput = {
  issuerUrl?: string; clientId?: string; clientSecret?: string; emailDomains?: string | string[];
  passwordAllowed?: string | boolean; enabled?: string | boolean;
};

const yes = (v: string | boolean | undefined) => v === true || v === 'yes' || v === 'true';

/**
 * Sets up or changes an agency's single sign-on. A blank client secret keeps the one saved; the email
 * domains default to the agency's own; a domain another agency already signs in through is refused,
 * since an address must lead to one provider.
 */
export async function setAgencySso(
  db: Db, partnershipId: number, agencyId: number, input: SsoInput,
  opts: { key: string | null; production: boolean; userId: number | null; now: Date },
): Promise<AgencySsoView> {
  const page = await agencySsoPage(db, partnershipId, agencyId);
  const errors: FieldError[] = [];
  if (page.managedElsewhere) {
    throw new ValidationFailed([{ field: 'issuerUrl', message: `Single sign-on for ${page.agency.name} is set up by another partnership that works with it` }]);
  }
  const issuerText = (input.issuerUrl ?? '').trim();
  let issuer: URL | null = null;
  try { issuer = new URL(issuerText); } catch { /* reported below */ }
  if (!issuerText) errors.push({ field: 'issuerUrl', message: 'Enter the issuer URL of the agency’s identity provider' });
  else if (!issuer || !['https:', 'http:'].includes(issuer.protocol) || issuer.search || issuer.hash) {
    errors.push({ field: 'issuerUrl', message: 'Enter the issuer URL like https://login.example.org/tenant' });
  } else if (issuer.protocol !== 'https:' && !insecureAllowed(issuer, opts.production)) {
    errors.push({ field: 'issuerUrl', message: 'The issuer URL must start with https://' });
  }
  const clientId = (input.clientId ?? '').trim();
  if (!clientId) errors.push({ field: 'clientId', message: 'Enter the client ID Beacon was given by the identity provider' });
  else if (clientId.length > 300) errors.push({ field: 'clientId', message: 'The client ID must be 300 characters or fewer' });
  const clientSecret = (input.clientSecret ?? '').trim();
  if (!clientSecret && !page.sso) errors.push({ field: 'clientSecret', message: 'Enter the client secret Beacon was given by the identity provider' });
  else if (clientSecret.length > 1000) errors.push({ field: 'clientSecret', message: 'The client secret must be 1,000 characters or fewer' });
  const given = (Array.isArray(input.emailDomains) ? input.emailDomains : (input.emailDomains ?? '').split(/[\s,]+/))
    .map((d) => d.trim().toLowerCase().replace(/^@/, '')).filter(Boolean);
  const domains = [...new Set(given.length ? given : page.agency.email_domains)];
  const bad = domains.find((d) => !DOMAIN.test(d));
  if (bad) errors.push({ field: 'emailDomains', message: `${bad} is not an email domain: enter domains like nep.police.uk` });
  else if (!domains.length) errors.push({ field: 'emailDomains', message: 'Enter the email domains whose people sign in this way, like nep.police.uk' });
  const enabled = yes(input.enabled);
  if (!bad && domains.length && enabled) {
    const taken = await db.selectFrom('agency_sso').innerJoin('agency', 'agency.id', 'agency_sso.agency_id')
      .select(['agency.name', 'agency_sso.email_domains']).where('agency_sso.enabled', '=', true).where('agency_sso.agency_id', '<>', agencyId).execute();
    const clash = taken.flatMap((t) => t.email_domains.filter((d) => domains.includes(d)).map((d) => ({ d, name: t.name })))[0];
    if (clash) errors.push({ field: 'emailDomains', message: `${clash.d} already signs in through ${clash.name}’s identity provider` });
  }
  if (errors.length) throw new ValidationFailed(errors);
  const key = requireKey(opts.key);
  const values = {
    issuer_url: issuer!.href.replace(/\/$/, ''), client_id: clientId, email_domains: domains,
    password_allowed: yes(input.passwordAllowed), enabled, updated_at: opts.now, updated_by: opts.userId,
    ...(clientSecret ? { client_secret_sealed: sealSecret(key, clientSecret, secretContext(agencyId)) } : {}),
  };
  const row = page.sso
    ? await db.updateTable('agency_sso').set(values).where('agency_id', '=', agencyId).where('partnership_id', '=', partnershipId).returningAll().executeTakeFirstOrThrow()
    : await db.insertInto('agency_sso').values({ ...values, agency_id: agencyId, partnership_id: partnershipId, client_secret_sealed: values.client_secret_sealed! })
      .returningAll().executeTakeFirstOrThrow();
  return toView(row);
}

/** Turns single sign-on off; the settings stay for turning it on again. Everyone of the agency signs in with a password meanwhile. */
export async function disableAgencySso(db: Db, partnershipId: number, agencyId: number, opts: { userId: number | null; now: Date }): Promise<void> {
  const page = await agencySsoPage(db, partnershipId, agencyId);
  if (!page.sso) throw new NotFound('No single sign-on for this agency', 'agency', String(agencyId));
  await db.updateTable('agency_sso').set({ enabled: false, updated_at: opts.now, updated_by: opts.userId })
    .where('agency_id', '=', agencyId).where('partnership_id', '=', partnershipId).execute();
}

/** Which agencies of the partnership sign in through their own provider, for the partnership page. */
export async function ssoStateOfAgencies(db: Db, partnershipId: number): Promise<Map<number, 'on' | 'off' | 'elsewhere'>> {
  const rows = await db.selectFrom('agency_sso').innerJoin('agency_partnership as ap', 'ap.agency_id', 'agency_sso.agency_id')
    .select(['agency_sso.agency_id', 'agency_sso.partnership_id', 'agency_sso.enabled']).where('ap.partnership_id', '=', partnershipId).execute();
  return new Map(rows.map((r) => [r.agency_id, r.partnership_id !== partnershipId ? 'elsewhere' : r.enabled ? 'on' : 'off']));
}

export type ActiveSso = {
  agencyId: number; partnershipId: number; issuerUrl: string; clientId: string; clientSecret: string;
  emailDomains: string[]; passwordAllowed: boolean; updatedAt: Date;
};

/** The enabled single sign-on for an email address's domain, with its secret opened; null when there is none. */
export async function ssoForEmail(db: Db, email: string, key: string | null): Promise<ActiveSso | null> {
  const domain = email.trim().toLowerCase().split('@')[1];
  if (!domain) return null;
  const row = await db.selectFrom('agency_sso').selectAll()
    .where('enabled', '=', true).where(sql<boolean>`${domain} = any(email_domains)`).executeTakeFirst();
  return row ? opened(row, key) : null;
}

/** An agency's enabled single sign-on, with its secret opened; null when off or gone. */
export async function ssoOfAgency(db: Db, agencyId: number, key: string | null): Promise<ActiveSso | null> {
  const row = await db.selectFrom('agency_sso').selectAll().where('agency_id', '=', agencyId).where('enabled', '=', true).executeTakeFirst();
  return row ? opened(row, key) : null;
}

/** True when the person's agency signs in through its own provider and has turned password sign-in off. */
export async function passwordRefusedFor(db: Db, userId: number): Promise<boolean> {
  const row = await db.selectFrom('app_user as u').innerJoin('agency_sso as s', 's.agency_id', 'u.agency_id').select('s.agency_id')
    .where('u.id', '=', userId).where('s.enabled', '=', true).where('s.password_allowed', '=', false).executeTakeFirst();
  return Boolean(row);
}

function opened(row: { agency_id: number; partnership_id: number; issuer_url: string; client_id: string; client_secret_sealed: string; email_domains: string[]; password_allowed: boolean; updated_at: Date }, key: string | null): ActiveSso | null {
  const clientSecret = key ? openSecret(key, row.client_secret_sealed, secretContext(row.agency_id)) : null;
  // A secret sealed under another key (SSO_SECRET_KEY changed or missing) cannot be used: as if not set up.
  if (clientSecret === null) return null;
  return {
    agencyId: row.agency_id, partnershipId: row.partnership_id, issuerUrl: row.issuer_url, clientId: row.client_id, clientSecret,
    emailDomains: row.email_domains, passwordAllowed: row.password_allowed, updatedAt: row.updated_at,
  };
}
