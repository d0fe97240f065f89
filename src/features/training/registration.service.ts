import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import { EmailRefused, isSingleEmailAddress, type Mailer } from '../../platform/email';
import { ValidationFailed, type FieldError } from '../../platform/errors';
import { hashPassword, passwordProblem } from '../users/password-policy';
import { findAgencyInPartnership } from '../agencies/agencies.service';

/**
 * Practitioners of the partner agencies register themselves to book training. The address must be at one
 * of the agency's email domains, and it is proved by a one-time link sent to it: until then the account
 * can neither sign in nor book. The page says the same whether or not the address already has an account;
 * the owner of an existing account is emailed instead, so no one learns from the form who is registered.
 */

export const VERIFICATION_HOURS = 24;

export type RegistrationInput = {
  partnershipId: number; name: string; email: string; agencyId: string; jobTitle: string; lineManagerEmail: string; password: string;
};

export type RegistrationOutcome = { outcome: 'created' | 'existing' | 'resent'; userId: number | null };

export const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

/** Partnerships people can register with: those with an agency taking self-registration. */
export async function registrationPartnerships(db: Db): Promise<{ id: number; name: string }[]> {
  return db.selectFrom('partnership as p').select(['p.id', 'p.name'])
    .where((eb) => eb.exists(eb.selectFrom('agency_partnership as ap').innerJoin('agency as a', 'a.id', 'ap.agency_id')
      .select('a.id').whereRef('ap.partnership_id', '=', 'p.id').where(sql<boolean>`cardinality(a.email_domains) > 0`)))
    .orderBy('p.name').execute();
}

/** The partnership's agencies whose staff may register: each has at least one email domain. */
export async function registrationAgencies(db: Db, partnershipId: number): Promise<{ id: number; name: string; email_domains: string[] }[]> {
  return db.selectFrom('agency as a').innerJoin('agency_partnership as ap', 'ap.agency_id', 'a.id')
    .select(['a.id', 'a.name', 'a.email_domains'])
    .where('ap.partnership_id', '=', partnershipId).where(sql<boolean>`cardinality(a.email_domains) > 0`)
    .orderBy('a.name').execute();
}

/** "@nhs.net" or "@a.gov.uk or @b.gov.uk". */
export const domainsText = (domains: string[]) => domains.map((d) => `@${d}`).join(' or ');

async function checkInput(db: Db, input: RegistrationInput): Promise<{ errors: FieldError[]; email: string; agencyId: number | null }> {
  const errors: FieldError[] = [];
  const name = input.name.trim();
  const email = input.email.trim().toLowerCase();
  if (!name) errors.push({ field: 'name', message: 'Enter your full name' });
  else if (name.length < 2 || name.length > 200) errors.push({ field: 'name', message: 'Your name must be from 2 to 200 characters' });
  if (!email) errors.push({ field: 'email', message: 'Enter your work email address' });
  else if (!isSingleEmailAddress(email) || email.length > 254) errors.push({ field: 'email', message: 'Enter your email address in the correct format, like name@example.org' });
  const agencyId = /^\d{1,9}$/.test(input.agencyId.trim()) ? Number(input.agencyId.trim()) : null;
  const agency = agencyId === null ? undefined : await findAgencyInPartnership(db, input.partnershipId, agencyId);
  if (!agency || agency.email_domains.length === 0) errors.push({ field: 'agencyId', message: 'Select the agency you work for' });
  else if (email && isSingleEmailAddress(email) && !agency.email_domains.includes(email.split('@')[1]!)) {
    errors.push({ field: 'email', message: `Your email address must end with ${domainsText(agency.email_domains)} for ${agency.name}` });
  }
  const jobTitle = input.jobTitle.trim();
  if (!jobTitle) errors.push({ field: 'jobTitle', message: 'Enter your job title' });
  else if (jobTitle.length > 200) errors.push({ field: 'jobTitle', message: 'Your job title must be 200 characters or fewer' });
  const manager = input.lineManagerEmail.trim().toLowerCase();
  if (manager && !isSingleEmailAddress(manager)) errors.push({ field: 'lineManagerEmail', message: 'Enter your line manager’s email address in the correct format, like name@example.org' });
  else if (manager && manager === email) errors.push({ field: 'lineManagerEmail', message: 'Enter your line manager’s email address, not your own' });
  if (!input.password) errors.push({ field: 'password', message: 'Enter a password' });
  else {
    const problem = passwordProblem(input.password, { email, name });
    if (problem) errors.push({ field: 'password', message: problem });
  }
  return { errors, email, agencyId: agency ? agency.id : null };
}

function verificationEmail(publicUrl: string, partnership: string, name: string, token: string, now: Date) {
  const until = new Date(now.getTime() + VERIFICATION_HOURS * 3_600_000);
  const when = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' }).format(until);
  return {
    subject: 'Confirm your email address to book training',
    body: `Dear ${name},\n\nTo finish registering for ${partnership}'s multi-agency training, confirm your email address with this link:\n\n${publicUrl}/register/verify?token=${token}\n\nThe link works once, until ${when}. Until you confirm, you cannot sign in or book.\n\nIf you did not register, ignore this email: nothing happens without the link.\n\n${partnership}`,
  };
}

/** A fresh one-time link for the person; only the token's digest is kept. */
async function issueToken(db: Db, userId: number, now: Date): Promise<string> {
  const token = crypto.randomBytes(32).toString('base64url');
  await db.insertInto('email_verification').values({ user_id: userId, token_hash: hashToken(token), expires_at: new Date(now.getTime() + VERIFICATION_HOURS * 3_600_000) }).execute();
  return token;
}

async function send(db: Db, mailer: Mailer, email: { to: string; subject: string; body: string; partnershipId: number; userId: number }) {
  try {
    await mailer.send(db, { to: email.to, subject: email.subject, body: email.body, partnershipId: email.partnershipId, record: { type: 'user', id: String(email.userId) } });
  } catch (err) {
    if (!(err instanceof EmailRefused)) throw err;
  }
}

/**
 * Registers a practitioner, or, for an address that has an account, emails its owner (a fresh link if
 * the account is still waiting to be confirmed). The answer to the person at the form is the same.
 */
export async function register(db: Db, mail: { mailer: Mailer; publicUrl: string }, input: RegistrationInput, now: Date): Promise<RegistrationOutcome> {
  const { errors, email, agencyId } = await checkInput(db, input);
  if (errors.length) throw new ValidationFailed(errors);
  const partnership = await db.selectFrom('partnership').select('name').where('id', '=', input.partnershipId).executeTakeFirstOrThrow();
  // Hashed whether or not the address is known, so the time taken does not tell.
  const passwordHash = await hashPassword(input.password);
  const name = input.name.trim();

  const existingOrResend = async (): Promise<RegistrationOutcome> => {
    const existing = await db.selectFrom('app_user').select(['id', 'name', 'status', 'email_verified_at']).where('email', '=', email).executeTakeFirstOrThrow();
    const pending = existing.status === 'disabled' && existing.email_verified_at === null
      && await db.selectFrom('email_verification').select('id').where('user_id', '=', existing.id).limit(1).executeTakeFirst();
    if (pending) {
      const token = await issueToken(db, existing.id, now);
      await send(db, mail.mailer, { to: email, ...verificationEmail(mail.publicUrl, partnership.name, existing.name, token, now), partnershipId: input.partnershipId, userId: existing.id });
      return { outcome: 'resent', userId: existing.id };
    }
    await send(db, mail.mailer, {
      to: email, partnershipId: input.partnershipId, userId: existing.id, subject: 'You already have an account',
      body: `Dear ${existing.name},\n\nSomeone, perhaps you, tried to register for ${partnership.name}'s multi-agency training with this email address. It already has an account, so nothing was changed.\n\nSign in at ${mail.publicUrl}/sign-in to book training. If you have forgotten your password, ask your partnership's administrator to reset it.\n\nIf it was not you, you need do nothing.\n\n${partnership.name}`,
    });
    return { outcome: 'existing', userId: existing.id };
  };

  if (await db.selectFrom('app_user').select('id').where('email', '=', email).executeTakeFirst()) return existingOrResend();

  const manager = input.lineManagerEmail.trim().toLowerCase();
  // Linked only to a person of the partnership; whether the address is known is never said on the page.
  const lineManager = manager ? await db.selectFrom('app_user as u').innerJoin('membership as m', 'm.user_id', 'u.id').select('u.id')
    .where('u.email', '=', manager).where('u.status', '=', 'active').where('m.partnership_id', '=', input.partnershipId).executeTakeFirst() : undefined;
  let created: { userId: number; token: string };
  try {
    created = await db.transaction().execute(async (tx) => {
      const user = await tx.insertInto('app_user').values({
        email, name, agency_id: agencyId!, password_hash: passwordHash, mfa_secret: null, mfa_enrolled_at: null, mfa_last_step: null,
        // Disabled until the address is confirmed: sign-in refuses it.
        status: 'disabled', locked_until: null, last_sign_in_at: null, last_partnership_id: input.partnershipId,
        job_title: input.jobTitle.trim(), line_manager_id: lineManager?.id ?? null, email_verified_at: null,
      }).returning('id').executeTakeFirstOrThrow();
      await tx.insertInto('membership').values({ user_id: user.id, partnership_id: input.partnershipId, role: 'practitioner' }).execute();
      return { userId: user.id, token: await issueToken(tx, user.id, now) };
    });
  } catch (err) {
    // Someone registered the same address a moment before: answered as an existing account.
    if ((err as { code?: string }).code === '23505') return existingOrResend();
    throw err;
  }
  await send(db, mail.mailer, { to: email, ...verificationEmail(mail.publicUrl, partnership.name, name, created.token, now), partnershipId: input.partnershipId, userId: created.userId });
  return { outcome: 'created', userId: created.userId };
}

export type VerificationState = 'valid' | 'used' | 'expired' | 'unknown';

/** Whether a link can still be used, without using it (the page asks the person to confirm with a button). */
export async function checkToken(db: Db, token: string, now: Date): Promise<VerificationState> {
  if (!token || token.length > 200) return 'unknown';
  const row = await db.selectFrom('email_verification').select(['used_at', 'expires_at']).where('token_hash', '=', hashToken(token)).executeTakeFirst();
  if (!row) return 'unknown';
  if (row.used_at) return 'used';
  return row.expires_at <= now ? 'expired' : 'valid';
}

/** Uses the link: the address is verified and the account made active. Once only, and only within its 24 hours. */
export async function verifyEmail(db: Db, token: string, now: Date): Promise<{ state: VerificationState; userId: number | null; partnershipId: number | null }> {
  if (!token || token.length > 200) return { state: 'unknown', userId: null, partnershipId: null };
  return db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('email_verification').select(['id', 'user_id', 'used_at', 'expires_at'])
      .where('token_hash', '=', hashToken(token)).forUpdate().executeTakeFirst();
    if (!row) return { state: 'unknown' as const, userId: null, partnershipId: null };
    if (row.used_at) return { state: 'used' as const, userId: row.user_id, partnershipId: null };
    if (row.expires_at <= now) return { state: 'expired' as const, userId: row.user_id, partnershipId: null };
    await tx.updateTable('email_verification').set({ used_at: now }).where('id', '=', row.id).execute();
    const user = await tx.updateTable('app_user').set({ status: 'active', email_verified_at: now })
      .where('id', '=', row.user_id).where('email_verified_at', 'is', null).returning('last_partnership_id').executeTakeFirst();
    return { state: 'valid' as const, userId: row.user_id, partnershipId: user?.last_partnership_id ?? null };
  });
}

/** An account made by registering whose address is not confirmed yet: sign-in says so rather than "wrong password". */
export async function awaitingVerification(db: Db, userId: number): Promise<boolean> {
  const row = await db.selectFrom('app_user as u').select('u.id')
    .where('u.id', '=', userId).where('u.status', '=', 'disabled').where('u.email_verified_at', 'is', null)
    .where((eb) => eb.exists(eb.selectFrom('email_verification as v').select('v.id').whereRef('v.user_id', '=', 'u.id')))
    .executeTakeFirst();
  return Boolean(row);
}
