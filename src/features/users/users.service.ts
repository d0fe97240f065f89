import crypto from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../db/create-db';
import { NotFound, ValidationFailed, fieldErrors } from '../../platform/errors';
import { ROLE_NAMES, type Role } from '../../platform/permissions';
import { endSessionsOfUser } from '../../platform/sessions';
import { findAgencyInPartnership } from '../agencies/agencies.service';
import { hashPassword, passwordProblem } from './password-policy';

const roleList = z.preprocess(
  (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : String(v).split(',').map((s) => s.trim()).filter(Boolean)),
  z.array(z.enum(ROLE_NAMES as [Role, ...Role[]], { error: `Roles are ${ROLE_NAMES.join(', ')}` }))
    .min(1, 'Select at least one role'),
);

export const newUser = z.object({
  email: z.string().trim().toLowerCase().email('Enter an email address in the correct format, like name@example.org'),
  name: z.string().trim().min(2, 'Enter the person’s full name').max(200),
  agencyId: z.coerce.number({ error: 'Select the agency' }).int().positive('Select the agency'),
  roles: roleList,
  password: z.string().optional(),
});

export type UserSummary = {
  id: number; email: string; name: string; status: 'active' | 'disabled'; agency_name: string;
  roles: string[]; mfa_enrolled: boolean; last_sign_in_at: Date | null;
};

/** A strong random password for a new account, handed over once. */
export function generatePassword(): string {
  return crypto.randomBytes(15).toString('base64url');
}

/** Creates a person in the partnership, or adds the partnership and roles to an existing account. */
export async function addUser(db: Db, partnershipId: number, input: unknown): Promise<{ id: number; password: string | null; created: boolean }> {
  const parsed = newUser.safeParse(input);
  if (!parsed.success) throw new ValidationFailed(fieldErrors(parsed.error.issues));
  const u = parsed.data;
  if (!(await findAgencyInPartnership(db, partnershipId, u.agencyId))) {
    throw new ValidationFailed([{ field: 'agencyId', message: 'Select an agency that works with this partnership' }]);
  }
  const existing = await db.selectFrom('app_user').select(['id']).where('email', '=', u.email).executeTakeFirst();
  let password: string | null = null;
  let id: number;
  if (existing) {
    id = existing.id;
  } else {
    password = u.password ?? generatePassword();
    const problem = passwordProblem(password, u);
    if (problem) throw new ValidationFailed([{ field: 'password', message: problem }]);
    id = (await db.insertInto('app_user').values({
      email: u.email, name: u.name, agency_id: u.agencyId, password_hash: await hashPassword(password),
      mfa_secret: null, mfa_enrolled_at: null, mfa_last_step: null, status: 'active', locked_until: null, last_sign_in_at: null,
      last_partnership_id: partnershipId,
    }).returning('id').executeTakeFirstOrThrow()).id;
  }
  await db.insertInto('membership').values(u.roles.map((role) => ({ user_id: id, partnership_id: partnershipId, role })))
    .onConflict((oc) => oc.doNothing()).execute();
  return { id, password: u.password ? null : password, created: !existing };
}

export function listUsers(db: Db, partnershipId: number): Promise<UserSummary[]> {
  return queryUsers(db, partnershipId);
}

/** A user as seen from one partnership: someone with no membership there does not exist. */
export async function findUserInPartnership(db: Db, partnershipId: number, userId: number): Promise<UserSummary | undefined> {
  return (await queryUsers(db, partnershipId, userId))[0];
}

async function queryUsers(db: Db, partnershipId: number, userId?: number): Promise<UserSummary[]> {
  let query = db.selectFrom('app_user as u')
    .innerJoin('membership as m', 'm.user_id', 'u.id')
    .innerJoin('agency as a', 'a.id', 'u.agency_id')
    .select((eb) => ['u.id', 'u.email', 'u.name', 'u.status', 'a.name as agency_name', 'u.last_sign_in_at',
      eb.fn.agg<string[]>('array_agg', ['m.role']).as('roles'),
      eb('u.mfa_enrolled_at', 'is not', null).as('mfa_enrolled')])
    .where('m.partnership_id', '=', partnershipId);
  if (userId !== undefined) query = query.where('u.id', '=', userId);
  const rows = await query.groupBy(['u.id', 'a.name']).orderBy('u.name').execute();
  return rows.map((r) => ({ ...r, roles: [...r.roles].sort(), mfa_enrolled: Boolean(r.mfa_enrolled) }));
}

/**
 * Sets a person's roles in the partnership. Changed roles end the person's sessions, so rights gained are used
 * only under a session started after the change (never one whose token was known before it). Returns whether they changed.
 */
export async function setRoles(db: Db, partnershipId: number, userId: number, roles: unknown): Promise<boolean> {
  const person = await findUserInPartnership(db, partnershipId, userId);
  if (!person) throw new NotFound();
  const parsed = roleList.safeParse(roles);
  if (!parsed.success) throw new ValidationFailed([{ field: 'roles', message: parsed.error.issues[0]!.message }]);
  const changed = [...new Set(parsed.data)].sort().join() !== [...person.roles].sort().join();
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('membership').where('user_id', '=', userId).where('partnership_id', '=', partnershipId).execute();
    await tx.insertInto('membership').values(parsed.data.map((role) => ({ user_id: userId, partnership_id: partnershipId, role }))).execute();
  });
  if (changed) await endSessionsOfUser(db, userId, 'roles changed');
  return changed;
}

/** Disabling ends every session of the person at once, in every partnership. */
export async function setUserStatus(db: Db, partnershipId: number, userId: number, status: 'active' | 'disabled') {
  if (!(await findUserInPartnership(db, partnershipId, userId))) throw new NotFound();
  return setAccountStatus(db, userId, status);
}

/** The account itself, across partnerships (for the operator's CLI); returns the sessions ended. */
export async function setAccountStatus(db: Db, userId: number, status: 'active' | 'disabled'): Promise<number> {
  await db.updateTable('app_user').set({ status, failed_sign_ins: 0, locked_until: null }).where('id', '=', userId).execute();
  return status === 'disabled' ? endSessionsOfUser(db, userId, 'disabled') : 0;
}

export async function endUserSessions(db: Db, partnershipId: number, userId: number) {
  if (!(await findUserInPartnership(db, partnershipId, userId))) throw new NotFound();
  return endSessionsOfUser(db, userId, 'ended by administrator');
}

/** The person enrols again at their next sign-in; their sessions end so the old factor stops working now. */
export async function resetMfa(db: Db, partnershipId: number, userId: number) {
  if (!(await findUserInPartnership(db, partnershipId, userId))) throw new NotFound();
  await db.updateTable('app_user').set({ mfa_secret: null, mfa_enrolled_at: null, mfa_last_step: null }).where('id', '=', userId).execute();
  await endSessionsOfUser(db, userId, 'MFA reset');
}

export async function findUserByEmail(db: Db, email: string) {
  return db.selectFrom('app_user').select(['id', 'email', 'name', 'status', 'agency_id']).where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
}
