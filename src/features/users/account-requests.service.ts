import type { Db } from '../../db/create-db';
import type { AccountRequestStatus } from '../../db/schema-sso';
import { NotFound, ValidationFailed } from '../../platform/errors';
import { ROLE_NAMES, type Role } from '../../platform/permissions';

/**
 * People provisioned by their first single sign-on, waiting for the partnership's administrator. Until
 * approved the account is disabled and holds no role; refusing keeps it disabled, so the provider's
 * sign-in leads nowhere.
 */
export type AccountRequest = {
  id: string; userId: number; name: string; email: string; agencyName: string; status: AccountRequestStatus;
  requestedAt: Date; decidedAt: Date | null; decidedBy: string | null;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function query(db: Db, partnershipId: number) {
  return db.selectFrom('account_request as r')
    .innerJoin('app_user as u', 'u.id', 'r.user_id')
    .innerJoin('agency as a', 'a.id', 'r.agency_id')
    .leftJoin('app_user as d', 'd.id', 'r.decided_by')
    .select(['r.id', 'r.user_id as userId', 'u.name', 'u.email', 'a.name as agencyName', 'r.status', 'r.requested_at as requestedAt',
      'r.decided_at as decidedAt', 'd.name as decidedBy'])
    .where('r.partnership_id', '=', partnershipId);
}

export function listPendingRequests(db: Db, partnershipId: number): Promise<AccountRequest[]> {
  return query(db, partnershipId).where('r.status', '=', 'pending').orderBy('r.requested_at').execute();
}

/** A request of the partnership; another partnership's is 404, as one that does not exist. */
export async function findRequest(db: Db, partnershipId: number, id: string): Promise<AccountRequest> {
  const row = UUID.test(id) ? await query(db, partnershipId).where('r.id', '=', id).executeTakeFirst() : undefined;
  if (!row) throw new NotFound('No such request', 'account_request', id);
  return row;
}

/** Creates the waiting request for a newly provisioned person (in the caller's transaction). */
export async function openRequest(db: Db, r: { partnershipId: number; userId: number; agencyId: number; now: Date }) {
  await db.insertInto('account_request').values({ partnership_id: r.partnershipId, user_id: r.userId, agency_id: r.agencyId, requested_at: r.now })
    .onConflict((oc) => oc.columns(['partnership_id', 'user_id']).doNothing()).execute();
}

/** The latest decision about a person who signed in by their organisation: what their sign-in should say. */
export async function requestStatusOf(db: Db, userId: number): Promise<AccountRequestStatus | null> {
  const row = await db.selectFrom('account_request').select('status').where('user_id', '=', userId).orderBy('requested_at', 'desc').executeTakeFirst();
  return row?.status ?? null;
}

function rolesFrom(value: unknown): Role[] {
  const roles = (Array.isArray(value) ? value : value === undefined || value === '' ? [] : [value]).map(String);
  const unknown = roles.find((r) => !(ROLE_NAMES as string[]).includes(r));
  if (unknown) throw new ValidationFailed([{ field: 'roles', message: `Roles are ${ROLE_NAMES.join(', ')}` }]);
  if (!roles.length) throw new ValidationFailed([{ field: 'roles', message: 'Select at least one role for the person' }]);
  return roles as Role[];
}

async function decide(db: Db, partnershipId: number, id: string, status: 'approved' | 'refused', deciderId: number | null, now: Date, roles: Role[]) {
  return db.transaction().execute(async (tx) => {
    const request = await findRequest(tx, partnershipId, id);
    // Decided already (by another administrator a moment ago, or a form sent twice): nothing changes.
    const decided = await tx.updateTable('account_request').set({ status, decided_at: now, decided_by: deciderId })
      .where('id', '=', id).where('partnership_id', '=', partnershipId).where('status', '=', 'pending').executeTakeFirst();
    if (Number(decided.numUpdatedRows) !== 1) {
      throw new ValidationFailed([{ field: 'roles', message: `${request.name}’s request has already been ${request.status}` }]);
    }
    if (status === 'approved') {
      await tx.insertInto('membership').values(roles.map((role) => ({ user_id: request.userId, partnership_id: partnershipId, role })))
        .onConflict((oc) => oc.doNothing()).execute();
      await tx.updateTable('app_user').set({ status: 'active', failed_sign_ins: 0, locked_until: null }).where('id', '=', request.userId).execute();
    }
    return request;
  });
}

export function approveRequest(db: Db, partnershipId: number, id: string, roles: unknown, deciderId: number | null, now: Date) {
  return decide(db, partnershipId, id, 'approved', deciderId, now, rolesFrom(roles));
}

export function refuseRequest(db: Db, partnershipId: number, id: string, deciderId: number | null, now: Date) {
  return decide(db, partnershipId, id, 'refused', deciderId, now, []);
}
