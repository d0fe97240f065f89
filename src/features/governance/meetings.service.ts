import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { AgencyType } from '../../db/schema';
import type { ActionStatus } from '../../db/schema-assurance';
import type { Attendance, MeetingStatus } from '../../db/schema-governance';
import { londonInstant, londonParts } from '../../domain/london';
import { NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import { createActions } from '../actions/actions.service';
import { findAgencyInPartnership } from '../agencies/agencies.service';
import { onActionForm, type ActionFormInput } from './action-form';
import { findGroup, membersOn, type Group, type Member } from './groups.service';
import {
  addDays, dateFrom, intId, isAttendance, isMeetingStatus, isUuid, meetingActionReference, shortNameOf, text, timeFrom, type Form,
} from './terms';

/**
 * A group's meetings: when and where, who attended (each member of the group on that day present, sent
 * apologies or absent, and guests), the agenda with its minutes and decisions, and the action log. The
 * actions live in the partnership's tracker (source `meeting`); a meeting also reviews the group's actions
 * still open when it met, whatever their source.
 */

const MAX_TEXT = 20_000;

export type MeetingSummary = {
  id: string; startsAt: Date; location: string | null; status: MeetingStatus;
  present: number; apologies: number; absent: number; guests: number; actions: number;
};

export async function listMeetings(db: Db, partnershipId: number, groupId: number): Promise<MeetingSummary[]> {
  const rows = await db.selectFrom('group_meeting as m')
    .select((eb) => [
      'm.id', 'm.starts_at as startsAt', 'm.location', 'm.status',
      eb.selectFrom('meeting_attendance as a').select(sql<number>`count(*) filter (where a.member_id is not null and (a.attendance = 'present' or a.deputy is not null))`.as('n'))
        .whereRef('a.meeting_id', '=', 'm.id').as('present'),
      eb.selectFrom('meeting_attendance as a').select(sql<number>`count(*) filter (where a.attendance = 'apologies' and a.deputy is null)`.as('n'))
        .whereRef('a.meeting_id', '=', 'm.id').as('apologies'),
      eb.selectFrom('meeting_attendance as a').select(sql<number>`count(*) filter (where a.attendance = 'absent')`.as('n'))
        .whereRef('a.meeting_id', '=', 'm.id').as('absent'),
      eb.selectFrom('meeting_attendance as a').select(sql<number>`count(*) filter (where a.member_id is null)`.as('n'))
        .whereRef('a.meeting_id', '=', 'm.id').as('guests'),
      eb.selectFrom('action as x').select(eb.fn.countAll<number>().as('n'))
        .where('x.partnership_id', '=', partnershipId).where('x.source', '=', 'meeting').where(sql<boolean>`x.source_id = m.id::text`).as('actions'),
    ])
    .where('m.partnership_id', '=', partnershipId).where('m.group_id', '=', groupId)
    .orderBy('m.starts_at', 'desc').execute();
  return rows.map((r) => ({
    ...r, present: Number(r.present ?? 0), apologies: Number(r.apologies ?? 0), absent: Number(r.absent ?? 0), guests: Number(r.guests ?? 0), actions: Number(r.actions ?? 0),
  }));
}

export type Meeting = {
  id: string; group: Group; startsAt: Date; date: string; time: string; location: string | null; status: MeetingStatus; version: number;
};

export async function findMeeting(db: Db, partnershipId: number, id: unknown): Promise<Meeting> {
  const row = !isUuid(id) ? undefined : await db.selectFrom('group_meeting')
    .select(['id', 'group_id', 'starts_at', 'location', 'status', 'version'])
    .where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('Not found', 'group_meeting', String(id));
  const { date, time } = londonParts(row.starts_at);
  return {
    id: row.id, group: await findGroup(db, partnershipId, row.group_id), startsAt: row.starts_at, date, time: time.slice(0, 5),
    location: row.location, status: row.status, version: row.version,
  };
}

export type MeetingInput = { startsAt: Date; location: string | null; status: MeetingStatus };

/** The meeting form: date and time (London), place, and on a meeting already set up, whether it was held. */
export function parseMeetingForm(form: Form, editing: boolean, now: Date): MeetingInput {
  const errors: FieldError[] = [];
  const date = dateFrom(form, 'date');
  const time = timeFrom(text(form, 'time'));
  const location = text(form, 'location');
  const status = editing ? text(form, 'status') : 'planned';
  if (date === null) errors.push({ field: 'date-day', message: 'Enter the date of the meeting' });
  else if (date === 'invalid') errors.push({ field: 'date-day', message: 'The date of the meeting must be a real date' });
  if (!time) errors.push({ field: 'time', message: text(form, 'time') ? 'Enter the time like 09:30 or 14:00' : 'Enter the time the meeting starts' });
  if (location.length > 300) errors.push({ field: 'location', message: 'The place must be 300 characters or fewer' });
  if (!isMeetingStatus(status)) errors.push({ field: 'status', message: 'Select whether the meeting is planned, was held or was cancelled' });
  const startsAt = date && date !== 'invalid' && time ? londonInstant(date, time) : null;
  if (startsAt && status === 'held' && startsAt > now) errors.push({ field: 'status', message: 'A meeting still to come cannot have been held' });
  if (errors.length) throw new ValidationFailed(errors);
  return { startsAt: startsAt!, location: location || null, status: status as MeetingStatus };
}

export async function createMeeting(db: Db, partnershipId: number, groupId: number, input: MeetingInput, userId: number, now: Date): Promise<string> {
  const row = await db.insertInto('group_meeting').values({
    partnership_id: partnershipId, group_id: groupId, starts_at: input.startsAt, location: input.location, status: input.status,
    created_by: userId, created_at: now, updated_at: now,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

const CHANGED_MEANWHILE = 'Someone else changed this meeting while you had it open: the page now shows their changes. Make yours again and save.';

/** Takes the meeting's next version, or refuses when the form was read from an older one. */
async function claimVersion(db: Db, partnershipId: number, id: string, version: string | undefined, field: string, now: Date) {
  const v = intId(version ?? '');
  const claimed = v === null ? undefined : await db.updateTable('group_meeting').set({ version: sql`version + 1`, updated_at: now })
    .where('partnership_id', '=', partnershipId).where('id', '=', id).where('version', '=', v).returning('id').executeTakeFirst();
  if (!claimed) throw new ValidationFailed([{ field, message: CHANGED_MEANWHILE }]);
}

export async function updateMeeting(db: Db, partnershipId: number, meeting: Meeting, input: MeetingInput, version: string | undefined, now: Date): Promise<void> {
  if (input.status !== 'held') {
    const recorded = await db.selectFrom('meeting_attendance').select('id').where('meeting_id', '=', meeting.id).where('member_id', 'is not', null).executeTakeFirst();
    if (recorded) throw new ValidationFailed([{ field: 'status', message: 'Attendance has been recorded, so the meeting was held' }]);
  }
  await db.transaction().execute(async (tx) => {
    await claimVersion(tx, partnershipId, meeting.id, version, 'date-day', now);
    await tx.updateTable('group_meeting').set({ starts_at: input.startsAt, location: input.location, status: input.status })
      .where('partnership_id', '=', partnershipId).where('id', '=', meeting.id).execute();
  });
}

// ---- Attendance ----

export type MemberAttendance = Member & { attendance: Attendance | null; deputy: string | null };
export type Guest = { id: number; name: string; role: string | null; agency: string | null };

/** The members on the meeting's day with their attendance (null: not recorded), and the guests. */
export async function attendanceOf(db: Db, partnershipId: number, meeting: Meeting): Promise<{ members: MemberAttendance[]; guests: Guest[] }> {
  const [members, rows, guests] = await Promise.all([
    membersOn(db, partnershipId, meeting.group.id, meeting.date),
    db.selectFrom('meeting_attendance').select(['member_id', 'attendance', 'deputy'])
      .where('partnership_id', '=', partnershipId).where('meeting_id', '=', meeting.id).where('member_id', 'is not', null).execute(),
    db.selectFrom('meeting_attendance as a').leftJoin('agency as ag', 'ag.id', 'a.guest_agency_id')
      .select(['a.id', 'a.guest_name as name', 'a.guest_role as role', 'ag.name as agency'])
      .where('a.partnership_id', '=', partnershipId).where('a.meeting_id', '=', meeting.id).where('a.member_id', 'is', null).orderBy('a.id').execute(),
  ]);
  const byMember = new Map(rows.map((r) => [r.member_id, r]));
  return {
    members: members.map((m) => ({ ...m, attendance: byMember.get(m.id)?.attendance ?? null, deputy: byMember.get(m.id)?.deputy ?? null })),
    guests: guests.map((g) => ({ ...g, name: g.name! })),
  };
}

/**
 * Records each member's attendance (`attendance-<member>`, and `deputy-<member>` for whoever came in the
 * place of a member who sent apologies), all at once, and marks the meeting held.
 */
export async function saveAttendance(db: Db, partnershipId: number, meeting: Meeting, form: Form, now: Date): Promise<{ present: number; apologies: number; absent: number }> {
  const members = await membersOn(db, partnershipId, meeting.group.id, meeting.date);
  const errors: FieldError[] = [];
  const first = members[0] ? `attendance-${members[0].id}` : 'attendance';
  if (meeting.status === 'cancelled') errors.push({ field: first, message: 'The meeting was cancelled: change its status before recording attendance' });
  else if (meeting.startsAt > now) errors.push({ field: first, message: 'The meeting has not happened yet: record attendance once it has' });
  if (!members.length) errors.push({ field: 'attendance', message: 'The group had no members on the day of the meeting: add its members first' });
  const rows = members.map((m) => {
    const attendance = text(form, `attendance-${m.id}`);
    const deputy = text(form, `deputy-${m.id}`);
    if (!isAttendance(attendance)) errors.push({ field: `attendance-${m.id}`, message: `Select whether ${m.name} was present, sent apologies or was absent` });
    else if (deputy && attendance !== 'apologies') errors.push({ field: `deputy-${m.id}`, message: `A deputy can only be named for ${m.name} when they sent apologies` });
    if (deputy.length > 200) errors.push({ field: `deputy-${m.id}`, message: 'The deputy’s name must be 200 characters or fewer' });
    return { partnership_id: partnershipId, meeting_id: meeting.id, member_id: m.id, attendance: attendance as Attendance, deputy: deputy || null };
  });
  if (errors.length) throw new ValidationFailed(errors);
  await db.transaction().execute(async (tx) => {
    await claimVersion(tx, partnershipId, meeting.id, text(form, 'version'), first, now);
    await tx.deleteFrom('meeting_attendance').where('meeting_id', '=', meeting.id).where('member_id', 'is not', null).execute();
    await tx.insertInto('meeting_attendance').values(rows).execute();
    await tx.updateTable('group_meeting').set({ status: 'held' }).where('id', '=', meeting.id).execute();
  });
  const count = (a: Attendance) => rows.filter((r) => r.attendance === a).length;
  return { present: count('present'), apologies: count('apologies'), absent: count('absent') };
}

export async function addGuest(db: Db, partnershipId: number, meeting: Meeting, form: Form): Promise<number> {
  const errors: FieldError[] = [];
  const name = text(form, 'guestName');
  const role = text(form, 'guestRole');
  const agency = text(form, 'guestAgencyId');
  let agencyId: number | null = null;
  if (!name) errors.push({ field: 'guestName', message: 'Enter the guest’s name' });
  else if (name.length > 200) errors.push({ field: 'guestName', message: 'The guest’s name must be 200 characters or fewer' });
  if (role.length > 200) errors.push({ field: 'guestRole', message: 'The guest’s role must be 200 characters or fewer' });
  if (agency) {
    agencyId = intId(agency);
    if (agencyId === null || !(await findAgencyInPartnership(db, partnershipId, agencyId))) errors.push({ field: 'guestAgencyId', message: 'Select an agency of this partnership' });
  }
  if (errors.length) throw new ValidationFailed(errors);
  const row = await db.insertInto('meeting_attendance').values({
    partnership_id: partnershipId, meeting_id: meeting.id, guest_name: name, guest_role: role || null, guest_agency_id: agencyId, attendance: 'present',
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function removeGuest(db: Db, partnershipId: number, meeting: Meeting, guestId: unknown): Promise<void> {
  const id = intId(guestId);
  const removed = id === null ? undefined : await db.deleteFrom('meeting_attendance')
    .where('partnership_id', '=', partnershipId).where('meeting_id', '=', meeting.id).where('id', '=', id).where('member_id', 'is', null)
    .returning('id').executeTakeFirst();
  if (!removed) throw new NotFound('Not found', 'meeting_attendance', String(guestId));
}

// ---- Agenda and minutes ----

export type Item = { id: number; position: number; title: string; minutes: string | null; decisions: string | null };

export function listItems(db: Db, partnershipId: number, meetingId: string): Promise<Item[]> {
  return db.selectFrom('meeting_item').select(['id', 'position', 'title', 'minutes', 'decisions'])
    .where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId).orderBy('position').execute();
}

export async function findItem(db: Db, partnershipId: number, meetingId: string, itemId: unknown): Promise<Item> {
  const id = intId(itemId);
  const row = id === null ? undefined : await db.selectFrom('meeting_item').select(['id', 'position', 'title', 'minutes', 'decisions'])
    .where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('Not found', 'meeting_item', String(itemId));
  return row;
}

export type ItemInput = { title: string; minutes: string | null; decisions: string | null };

export function parseItemForm(form: Form): ItemInput {
  const errors: FieldError[] = [];
  const title = text(form, 'title');
  const minutes = text(form, 'minutes');
  const decisions = text(form, 'decisions');
  if (!title) errors.push({ field: 'title', message: 'Enter the agenda item' });
  else if (title.length > 300) errors.push({ field: 'title', message: 'The agenda item must be 300 characters or fewer' });
  if (minutes.length > MAX_TEXT) errors.push({ field: 'minutes', message: `The minutes must be ${MAX_TEXT.toLocaleString('en-GB')} characters or fewer` });
  if (decisions.length > MAX_TEXT) errors.push({ field: 'decisions', message: `The decisions must be ${MAX_TEXT.toLocaleString('en-GB')} characters or fewer` });
  if (errors.length) throw new ValidationFailed(errors);
  return { title, minutes: minutes || null, decisions: decisions || null };
}

export async function addItem(db: Db, partnershipId: number, meeting: Meeting, input: ItemInput): Promise<number> {
  return db.transaction().execute(async (tx) => {
    // Numbered in turn: two people adding items at once must not take the same number.
    await sql`select pg_advisory_xact_lock(${partnershipId}, hashtext(${`meeting_item:${meeting.id}`}))`.execute(tx);
    const last = await tx.selectFrom('meeting_item').select((eb) => eb.fn.max('position').as('p')).where('meeting_id', '=', meeting.id).executeTakeFirst();
    const row = await tx.insertInto('meeting_item').values({
      partnership_id: partnershipId, meeting_id: meeting.id, position: Number(last?.p ?? 0) + 1, title: input.title, minutes: input.minutes, decisions: input.decisions,
    }).returning('id').executeTakeFirstOrThrow();
    return row.id;
  });
}

export async function updateItem(db: Db, partnershipId: number, item: Item, input: ItemInput): Promise<void> {
  await db.updateTable('meeting_item').set({ title: input.title, minutes: input.minutes, decisions: input.decisions })
    .where('partnership_id', '=', partnershipId).where('id', '=', item.id).execute();
}

// ---- The action log ----

/** Adds an action to the meeting's log, numbered after the log's last: "QA 2026-03-12 A3". */
export async function addMeetingAction(db: Db, partnershipId: number, meeting: Meeting, input: ActionFormInput, userId: number, now: Date): Promise<{ id: string; reference: string }> {
  try {
    return await db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(${partnershipId}, hashtext(${`meeting_action:${meeting.id}`}))`.execute(tx);
      const n = Number((await tx.selectFrom('action').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('partnership_id', '=', partnershipId).where('source', '=', 'meeting').where('source_id', '=', meeting.id).executeTakeFirstOrThrow()).n);
      const reference = meetingActionReference(shortNameOf({ name: meeting.group.name, short_name: meeting.group.shortName }), meeting.date, n + 1);
      const [id] = await createActions(tx, partnershipId, [{ ...input, source: 'meeting', sourceId: meeting.id, groupId: meeting.group.id, reference }], userId, now);
      return { id: id!, reference };
    });
  } catch (err) {
    if (err instanceof ValidationFailed) throw onActionForm(err);
    throw err;
  }
}

export type CarriedAction = {
  id: string; reference: string; description: string; source: string; sourceId: string | null; ownerAgency: string; ownerName: string | null;
  dueDate: string; status: ActionStatus;
};

/**
 * The group's actions a meeting reviews: agreed at its earlier meetings, or added from any other source
 * before it met, and still open or in progress when it met (by each action's history), with their status now.
 */
export function carriedForward(db: Db, partnershipId: number, meeting: Meeting): Promise<CarriedAction[]> {
  const at = meeting.startsAt;
  return db.selectFrom('action as a').innerJoin('agency as ag', 'ag.id', 'a.owner_agency_id').leftJoin('app_user as o', 'o.id', 'a.owner_user_id')
    .leftJoin('group_meeting as source', (j) => j.on('a.source', '=', 'meeting').on(sql<boolean>`source.id::text = a.source_id`))
    .select(['a.id', 'a.reference', 'a.description', 'a.source', 'a.source_id as sourceId', 'ag.name as ownerAgency',
      sql<string | null>`coalesce(o.name, a.owner_name)`.as('ownerName'), 'a.due_date as dueDate', 'a.status'])
    .where('a.partnership_id', '=', partnershipId).where('a.group_id', '=', meeting.group.id)
    // A meeting's action arose when that meeting met, however much later the minutes were typed up.
    .where(sql<boolean>`coalesce(source.starts_at, a.created_at) < ${at}`)
    .where((eb) => eb.or([eb('a.source', '<>', 'meeting'), eb('a.source_id', '<>', meeting.id)]))
    .where((eb) => eb.or([eb('a.completed_at', 'is', null), eb('a.completed_at', '>', at)]))
    .where(sql<boolean>`coalesce((select u.status from action_update u where u.action_id = a.id and u.at <= ${at} order by u.at desc, u.id desc limit 1), a.status) in ('open', 'in_progress')`)
    .orderBy('a.due_date').orderBy('a.reference').execute();
}

// ---- Attendance figures ----

export type AgencyAttendance = {
  agencyId: number; agency: string; type: AgencyType; meetings: number; attended: number; apologies: number; absent: number; rate: number | null;
};

/** The instants a span of London dates runs between, [start, end). */
export const londonSpan = (from: string, to: string) => ({ start: londonInstant(from, '00:00:00'), end: londonInstant(addDays(to, 1), '00:00:00') });

/**
 * For each agency with members, over the meetings held between two dates (of one group, or all): the
 * meetings it was expected at (it had a member that day), those it attended (a member there, or a deputy
 * in their place), those it sent only apologies to, and those it missed without a word.
 */
export async function attendanceByAgency(db: Db, partnershipId: number, from: string, to: string, groupId?: number): Promise<AgencyAttendance[]> {
  const { start, end } = londonSpan(from, to);
  let perMeeting = db.selectFrom('group_meeting as m')
    .innerJoin('meeting_attendance as a', 'a.meeting_id', 'm.id')
    .innerJoin('group_member as gm', 'gm.id', 'a.member_id')
    .select(['m.id as meetingId', 'gm.agency_id as agencyId',
      sql<boolean>`bool_or(a.attendance = 'present' or a.deputy is not null)`.as('attended'),
      sql<boolean>`bool_or(a.attendance = 'apologies')`.as('apologised')])
    .where('m.partnership_id', '=', partnershipId).where('m.status', '=', 'held')
    .where('m.starts_at', '>=', start).where('m.starts_at', '<', end)
    .where('gm.agency_id', 'is not', null)
    .groupBy(['m.id', 'gm.agency_id']);
  if (groupId !== undefined) perMeeting = perMeeting.where('m.group_id', '=', groupId);
  const rows = await db.selectFrom(perMeeting.as('p')).innerJoin('agency as ag', 'ag.id', 'p.agencyId')
    .select(['ag.id as agencyId', 'ag.name as agency', 'ag.type',
      sql<number>`count(*)::int`.as('meetings'),
      sql<number>`(count(*) filter (where p.attended))::int`.as('attended'),
      sql<number>`(count(*) filter (where not p.attended and p.apologised))::int`.as('apologies'),
      sql<number>`(count(*) filter (where not p.attended and not p.apologised))::int`.as('absent')])
    .groupBy(['ag.id', 'ag.name', 'ag.type']).orderBy('ag.name').execute();
  return rows.map((r) => ({ ...r, rate: r.meetings ? Math.round((r.attended / r.meetings) * 100) : null }));
}
