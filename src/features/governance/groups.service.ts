import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { AgencyType } from '../../db/schema';
import type { MemberRole } from '../../db/schema-governance';
import { NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import { findAgencyInPartnership } from '../agencies/agencies.service';
import {
  GROUP_KINDS, STATUTORY_TYPES, dateFrom, intId, isGroupKind, isMemberRole, text, type Form, type GroupKind,
} from './terms';

/**
 * The partnership's groups and who sits on them. A member is a Beacon user or a named person, for an
 * agency (or independent, as the Independent Chair is), in a role, from a date and, once they leave, to a
 * date: past members are kept, so a meeting's attendance is always read against that day's membership.
 */

const MAX_NAME = 200;
const MAX_REMIT = 5_000;

export type Group = { id: number; name: string; shortName: string | null; kind: GroupKind; remit: string | null; active: boolean };

export type GroupRow = Group & {
  chairs: string[]; members: number; openActions: number; nextMeeting: { id: string; startsAt: Date } | null;
};

/** A member's name: their Beacon account's, or the name recorded for them. */
const memberName = sql<string>`coalesce(u.name, gm.name)`;

/** Current members on a date: joined on or before it, not yet left. */
const currentOn = (date: string) => sql<boolean>`gm.from_date <= ${date} and (gm.to_date is null or gm.to_date >= ${date})`;

export async function listGroups(db: Db, partnershipId: number, today: string, now: Date): Promise<GroupRow[]> {
  const rows = await db.selectFrom('assurance_group as g')
    .select((eb) => [
      'g.id', 'g.name', 'g.short_name as shortName', 'g.kind', 'g.remit', 'g.active',
      eb.selectFrom('group_member as gm').leftJoin('app_user as u', 'u.id', 'gm.user_id')
        .select(sql<string[]>`coalesce(array_agg(${memberName} order by ${memberName}), '{}')`.as('c'))
        .whereRef('gm.group_id', '=', 'g.id').where('gm.role', '=', 'chair').where(currentOn(today)).as('chairs'),
      eb.selectFrom('group_member as gm').select(eb.fn.countAll<number>().as('n'))
        .whereRef('gm.group_id', '=', 'g.id').where(currentOn(today)).as('members'),
      eb.selectFrom('action as a').select(eb.fn.countAll<number>().as('n'))
        .whereRef('a.group_id', '=', 'g.id').where('a.partnership_id', '=', partnershipId).where('a.status', 'in', ['open', 'in_progress']).as('openActions'),
      eb.selectFrom('group_meeting as m').select('m.id').whereRef('m.group_id', '=', 'g.id').where('m.status', '=', 'planned').where('m.starts_at', '>=', now)
        .orderBy('m.starts_at').limit(1).as('nextMeetingId'),
      eb.selectFrom('group_meeting as m').select('m.starts_at').whereRef('m.group_id', '=', 'g.id').where('m.status', '=', 'planned').where('m.starts_at', '>=', now)
        .orderBy('m.starts_at').limit(1).as('nextMeetingAt'),
    ])
    .where('g.partnership_id', '=', partnershipId)
    .orderBy('g.name').execute();
  return rows.map((r) => ({
    id: r.id, name: r.name, shortName: r.shortName, kind: r.kind, remit: r.remit, active: r.active,
    chairs: r.chairs ?? [], members: Number(r.members ?? 0), openActions: Number(r.openActions ?? 0),
    nextMeeting: r.nextMeetingId && r.nextMeetingAt ? { id: r.nextMeetingId, startsAt: r.nextMeetingAt } : null,
  }));
}

export async function findGroup(db: Db, partnershipId: number, id: unknown): Promise<Group> {
  const groupId = typeof id === 'number' ? id : intId(id);
  const row = groupId === null ? undefined : await db.selectFrom('assurance_group')
    .select(['id', 'name', 'short_name as shortName', 'kind', 'remit', 'active'])
    .where('partnership_id', '=', partnershipId).where('id', '=', groupId).executeTakeFirst();
  if (!row) throw new NotFound('Not found', 'assurance_group', String(id));
  return row;
}

export type GroupInput = { name: string; shortName: string | null; kind: GroupKind; remit: string | null; active: boolean };

export function parseGroupForm(form: Form, editing: boolean): GroupInput {
  const errors: FieldError[] = [];
  const name = text(form, 'name');
  const shortName = text(form, 'shortName');
  const kind = text(form, 'kind');
  const remit = text(form, 'remit');
  const active = text(form, 'active');
  if (!name) errors.push({ field: 'name', message: 'Enter the group’s name' });
  else if (name.length > MAX_NAME) errors.push({ field: 'name', message: `The name must be ${MAX_NAME} characters or fewer` });
  if (shortName.length > 12) errors.push({ field: 'shortName', message: 'The short name must be 12 characters or fewer' });
  else if (/\s{2}|[^\p{L}\p{N} &/-]/u.test(shortName)) errors.push({ field: 'shortName', message: 'The short name may have letters, numbers, spaces, & / and - only' });
  if (!isGroupKind(kind)) errors.push({ field: 'kind', message: 'Select the kind of group' });
  if (remit.length > MAX_REMIT) errors.push({ field: 'remit', message: `The remit must be ${MAX_REMIT.toLocaleString('en-GB')} characters or fewer` });
  if (editing && active !== 'yes' && active !== 'no') errors.push({ field: 'active', message: 'Select whether the group is meeting' });
  if (errors.length) throw new ValidationFailed(errors);
  return { name, shortName: shortName || null, kind: kind as GroupKind, remit: remit || null, active: editing ? active === 'yes' : true };
}

async function nameTaken(db: Db, partnershipId: number, name: string, exceptId?: number): Promise<boolean> {
  let q = db.selectFrom('assurance_group').select('id').where('partnership_id', '=', partnershipId)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()));
  if (exceptId !== undefined) q = q.where('id', '<>', exceptId);
  return Boolean(await q.executeTakeFirst());
}

export async function addGroup(db: Db, partnershipId: number, input: GroupInput): Promise<number> {
  if (await nameTaken(db, partnershipId, input.name)) throw new ValidationFailed([{ field: 'name', message: 'The partnership already has a group of this name' }]);
  const row = await db.insertInto('assurance_group').values({
    partnership_id: partnershipId, name: input.name, short_name: input.shortName, kind: input.kind, remit: input.remit, active: true,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateGroup(db: Db, partnershipId: number, id: number, input: GroupInput): Promise<void> {
  if (await nameTaken(db, partnershipId, input.name, id)) throw new ValidationFailed([{ field: 'name', message: 'The partnership already has a group of this name' }]);
  await db.updateTable('assurance_group')
    .set({ name: input.name, short_name: input.shortName, kind: input.kind, remit: input.remit, active: input.active })
    .where('partnership_id', '=', partnershipId).where('id', '=', id).execute();
}

// ---- Members ----

export type Member = {
  id: number; userId: number | null; name: string; email: string | null; agencyId: number | null; agency: string | null; agencyType: AgencyType | null;
  jobTitle: string | null; role: MemberRole; fromDate: string; toDate: string | null;
};

function membersQuery(db: Db, partnershipId: number) {
  return db.selectFrom('group_member as gm')
    .leftJoin('app_user as u', 'u.id', 'gm.user_id')
    .leftJoin('agency as ag', 'ag.id', 'gm.agency_id')
    .select([
      'gm.id', 'gm.user_id as userId', memberName.as('name'), 'u.email', 'gm.agency_id as agencyId', 'ag.name as agency', 'ag.type as agencyType',
      'gm.job_title as jobTitle', 'gm.role', 'gm.from_date as fromDate', 'gm.to_date as toDate',
    ])
    .where('gm.partnership_id', '=', partnershipId);
}

const ROLE_ORDER = sql`array_position(array['chair','vice_chair','member','adviser']::text[], gm.role)`;
// Lower-cased: the same order whatever the database's collation.
const byName = sql`lower(${memberName})`;

/** Every member a group has had: current ones first, chairs first, then by name. */
export async function listMembers(db: Db, partnershipId: number, groupId: number, today: string): Promise<(Member & { current: boolean })[]> {
  const rows = await membersQuery(db, partnershipId).select(currentOn(today).as('current'))
    .where('gm.group_id', '=', groupId)
    .orderBy(sql`${currentOn(today)} desc`).orderBy(ROLE_ORDER).orderBy(byName).execute();
  return rows.map((r) => ({ ...r, current: Boolean(r.current) }));
}

/** The members on the day of a meeting, whose attendance it records. */
export function membersOn(db: Db, partnershipId: number, groupId: number, date: string): Promise<Member[]> {
  return membersQuery(db, partnershipId).where('gm.group_id', '=', groupId).where(currentOn(date))
    .orderBy(ROLE_ORDER).orderBy(byName).execute();
}

export async function findMember(db: Db, partnershipId: number, groupId: number, id: unknown): Promise<Member> {
  const memberId = intId(id);
  const row = memberId === null ? undefined : await membersQuery(db, partnershipId).where('gm.group_id', '=', groupId).where('gm.id', '=', memberId).executeTakeFirst();
  if (!row) throw new NotFound('Not found', 'group_member', String(id));
  return row;
}

export type MemberInput = {
  userId: number | null; name: string | null; agencyId: number | null; jobTitle: string | null; role: MemberRole; fromDate: string; toDate: string | null;
};

/** The member form's role, job title and dates: shared by adding and changing a member. */
function parseSeat(form: Form, errors: FieldError[]) {
  const role = text(form, 'role');
  const jobTitle = text(form, 'jobTitle');
  const fromDate = dateFrom(form, 'fromDate');
  const toDate = dateFrom(form, 'toDate');
  if (!isMemberRole(role)) errors.push({ field: 'role', message: 'Select the member’s role in the group' });
  if (jobTitle.length > MAX_NAME) errors.push({ field: 'jobTitle', message: `The job title must be ${MAX_NAME} characters or fewer` });
  if (fromDate === null) errors.push({ field: 'fromDate-day', message: 'Enter the date they joined the group' });
  else if (fromDate === 'invalid') errors.push({ field: 'fromDate-day', message: 'The date they joined must be a real date' });
  if (toDate === 'invalid') errors.push({ field: 'toDate-day', message: 'The date they left must be a real date' });
  else if (toDate && fromDate && fromDate !== 'invalid' && toDate < fromDate) errors.push({ field: 'toDate-day', message: 'The date they left must be on or after the date they joined' });
  return { role: role as MemberRole, jobTitle: jobTitle || null, fromDate: fromDate as string, toDate: toDate === 'invalid' ? null : toDate };
}

/**
 * Reads and checks the add-a-member form against the partnership's people and agencies: a Beacon user
 * sits for their own agency; a named person for the agency chosen, or none ("independent").
 */
export async function parseNewMember(db: Db, partnershipId: number, form: Form): Promise<MemberInput> {
  const errors: FieldError[] = [];
  const who = text(form, 'who');
  let userId: number | null = null;
  let name: string | null = null;
  let agencyId: number | null = null;
  if (who === 'user') {
    const id = intId(text(form, 'userId'));
    const user = id === null ? undefined : await db.selectFrom('app_user as u').innerJoin('membership as m', 'm.user_id', 'u.id')
      .select(['u.id', 'u.agency_id']).where('m.partnership_id', '=', partnershipId).where('u.id', '=', id).executeTakeFirst();
    if (!user) errors.push({ field: 'userId', message: 'Select a person with a Beacon account in this partnership' });
    else { userId = user.id; agencyId = user.agency_id; }
  } else if (who === 'named') {
    name = text(form, 'name');
    if (!name) errors.push({ field: 'name', message: 'Enter the member’s name' });
    else if (name.length > MAX_NAME) errors.push({ field: 'name', message: `The name must be ${MAX_NAME} characters or fewer` });
    const agency = text(form, 'agencyId');
    if (!agency) errors.push({ field: 'agencyId', message: 'Select the agency they represent, or independent' });
    else if (agency !== 'independent') {
      const id = intId(agency);
      if (id === null || !(await findAgencyInPartnership(db, partnershipId, id))) errors.push({ field: 'agencyId', message: 'Select an agency of this partnership' });
      else agencyId = id;
    }
  } else {
    errors.push({ field: 'who', message: 'Select whether the member has a Beacon account' });
  }
  const seat = parseSeat(form, errors);
  if (errors.length) throw new ValidationFailed(errors);
  return { userId, name: name || null, agencyId, ...seat };
}

export function parseMemberChange(form: Form) {
  const errors: FieldError[] = [];
  const seat = parseSeat(form, errors);
  if (errors.length) throw new ValidationFailed(errors);
  return seat;
}

/** Whether the person already holds a seat on the group over some of these dates: one seat at a time. */
async function overlapping(db: Db, partnershipId: number, groupId: number, who: { userId: number | null; name: string | null },
  fromDate: string, toDate: string | null, exceptId?: number) {
  let q = db.selectFrom('group_member').select(['from_date', 'to_date'])
    .where('partnership_id', '=', partnershipId).where('group_id', '=', groupId)
    .where((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>=', fromDate)]));
  if (toDate) q = q.where('from_date', '<=', toDate);
  q = who.userId !== null ? q.where('user_id', '=', who.userId)
    : q.where('user_id', 'is', null).where((eb) => eb(eb.fn('lower', ['name']), '=', who.name!.toLowerCase()));
  if (exceptId !== undefined) q = q.where('id', '<>', exceptId);
  return q.executeTakeFirst();
}

export async function addMember(db: Db, partnershipId: number, groupId: number, input: MemberInput, now: Date): Promise<number> {
  if (await overlapping(db, partnershipId, groupId, input, input.fromDate, input.toDate)) {
    throw new ValidationFailed([{ field: input.userId ? 'userId' : 'name', message: 'This person is already a member of the group over some of these dates' }]);
  }
  const row = await db.insertInto('group_member').values({
    partnership_id: partnershipId, group_id: groupId, user_id: input.userId, name: input.name, agency_id: input.agencyId,
    job_title: input.jobTitle, role: input.role, from_date: input.fromDate, to_date: input.toDate, created_at: now, updated_at: now,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateMember(db: Db, partnershipId: number, member: Member, groupId: number,
  change: { role: MemberRole; jobTitle: string | null; fromDate: string; toDate: string | null }, now: Date): Promise<void> {
  if (await overlapping(db, partnershipId, groupId, { userId: member.userId, name: member.name }, change.fromDate, change.toDate, member.id)) {
    throw new ValidationFailed([{ field: 'fromDate-day', message: 'This person has another seat on the group over some of these dates' }]);
  }
  await db.updateTable('group_member')
    .set({ role: change.role, job_title: change.jobTitle, from_date: change.fromDate, to_date: change.toDate, updated_at: now })
    .where('partnership_id', '=', partnershipId).where('id', '=', member.id).execute();
}

export type Representation = { type: AgencyType; label: string; agencies: { name: string; members: number }[] };

/** Which statutory partners have a current member on the group, and with how many. */
export function representation(members: (Member & { current: boolean })[], labels: Record<string, string>): Representation[] {
  return STATUTORY_TYPES.map((type) => {
    const byAgency = new Map<string, number>();
    for (const m of members) if (m.current && m.agencyType === type && m.agency) byAgency.set(m.agency, (byAgency.get(m.agency) ?? 0) + 1);
    return { type, label: labels[type]!, agencies: [...byAgency].map(([name, n]) => ({ name, members: n })) };
  });
}

export const GROUP_KIND_ORDER = Object.keys(GROUP_KINDS) as GroupKind[];

export type Person = { id: number; name: string; email: string; agencyId: number; agency: string };

/** The partnership's active people with their agency, to choose a member or an action's owner from. */
export function peopleOf(db: Db, partnershipId: number): Promise<Person[]> {
  return db.selectFrom('app_user as u').innerJoin('agency as ag', 'ag.id', 'u.agency_id')
    .select(['u.id', 'u.name', 'u.email', 'u.agency_id as agencyId', 'ag.name as agency'])
    .where('u.status', '=', 'active')
    .where((eb) => eb.exists(eb.selectFrom('membership as m').select('m.user_id').whereRef('m.user_id', '=', 'u.id').where('m.partnership_id', '=', partnershipId)))
    .orderBy('ag.name').orderBy('u.name').execute();
}
