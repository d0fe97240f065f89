import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import type { Db } from '../../db/create-db';
import { hashPassword, passwordProblem, verifyPassword } from '../users/password-policy';

export type SignInResult =
  | { outcome: 'ok'; userId: number; email: string }
  | { outcome: 'invalid'; userId: number | null }
  | { outcome: 'locked'; userId: number; minutes: number }
  | { outcome: 'disabled'; userId: number };

// Unknown addresses still cost one argon2 verification, so timing does not reveal who has an account.
let decoyHash: Promise<string> | null = null;

export async function checkPassword(
  db: Db, email: string, password: string, now: Date, policy: { maxFailures: number; lockoutMs: number },
): Promise<SignInResult> {
  const user = await db.selectFrom('app_user').select(['id', 'email', 'password_hash', 'status', 'failed_sign_ins', 'locked_until'])
    .where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
  if (!user) {
    decoyHash ??= hashPassword('decoy-password-for-unknown-accounts');
    await verifyPassword(await decoyHash, password);
    return { outcome: 'invalid', userId: null };
  }
  if (user.locked_until && user.locked_until > now) {
    return { outcome: 'locked', userId: user.id, minutes: Math.ceil((user.locked_until.getTime() - now.getTime()) / 60_000) };
  }
  if (!(await verifyPassword(user.password_hash, password))) {
    return recordFailure(db, user.id, now, policy);
  }
  if (user.status !== 'active') return { outcome: 'disabled', userId: user.id };
  await db.updateTable('app_user').set({ failed_sign_ins: 0, locked_until: null }).where('id', '=', user.id).execute();
  return { outcome: 'ok', userId: user.id, email: user.email };
}

/** Counts a failed password or code; the limit locks the account for a while, then the count starts again. */
export async function recordFailure(db: Db, userId: number, now: Date, policy: { maxFailures: number; lockoutMs: number }): Promise<SignInResult> {
  const row = await db.updateTable('app_user').set((eb) => ({ failed_sign_ins: eb('failed_sign_ins', '+', 1) }))
    .where('id', '=', userId).returning('failed_sign_ins').executeTakeFirstOrThrow();
  if (row.failed_sign_ins >= policy.maxFailures) {
    await db.updateTable('app_user').set({ failed_sign_ins: 0, locked_until: new Date(now.getTime() + policy.lockoutMs) }).where('id', '=', userId).execute();
    return { outcome: 'locked', userId, minutes: Math.ceil(policy.lockoutMs / 60_000) };
  }
  return { outcome: 'invalid', userId };
}

export async function markSignedIn(db: Db, userId: number, now: Date) {
  await db.updateTable('app_user').set({ last_sign_in_at: now, failed_sign_ins: 0 }).where('id', '=', userId).execute();
}

/** Checks a TOTP code; each code is accepted once (the step is remembered) to stop replay. */
export async function checkTotp(db: Db, userId: number, code: string, now: Date): Promise<boolean> {
  const user = await db.selectFrom('app_user').select(['mfa_secret', 'mfa_last_step']).where('id', '=', userId).executeTakeFirst();
  if (!user?.mfa_secret || !/^\d{6}$/.test(code)) return false;
  const result = await verify({
    secret: user.mfa_secret, token: code, epoch: Math.floor(now.getTime() / 1000), epochTolerance: 30,
    ...(user.mfa_last_step !== null ? { afterTimeStep: Number(user.mfa_last_step) } : {}),
  });
  if (!result.valid || !('timeStep' in result)) return false;
  await db.updateTable('app_user').set({ mfa_last_step: result.timeStep }).where('id', '=', userId).execute();
  return true;
}

/** A secret for a person enrolling, kept until they prove their app has it. */
export async function startEnrolment(db: Db, userId: number, email: string) {
  let row = await db.selectFrom('app_user').select(['mfa_secret', 'mfa_enrolled_at']).where('id', '=', userId).executeTakeFirstOrThrow();
  if (!row.mfa_secret || row.mfa_enrolled_at) {
    const secret = generateSecret();
    await db.updateTable('app_user').set({ mfa_secret: secret, mfa_enrolled_at: null, mfa_last_step: null }).where('id', '=', userId).execute();
    row = { mfa_secret: secret, mfa_enrolled_at: null };
  }
  const uri = generateURI({ issuer: 'Beacon', label: email, secret: row.mfa_secret! });
  const qrSvg = await QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return { secret: row.mfa_secret!, uri, qrSvg };
}

export async function completeEnrolment(db: Db, userId: number, code: string, now: Date): Promise<boolean> {
  if (!(await checkTotp(db, userId, code, now))) return false;
  await db.updateTable('app_user').set({ mfa_enrolled_at: now }).where('id', '=', userId).execute();
  return true;
}

export async function changePassword(db: Db, userId: number, current: string, next: string): Promise<{ field: string; message: string } | null> {
  const user = await db.selectFrom('app_user').select(['email', 'password_hash']).where('id', '=', userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(user.password_hash, current))) return { field: 'currentPassword', message: 'Your current password is not correct' };
  const problem = passwordProblem(next, { email: user.email });
  if (problem) return { field: 'newPassword', message: problem };
  await db.updateTable('app_user').set({ password_hash: await hashPassword(next) }).where('id', '=', userId).execute();
  return null;
}
