import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ACTION_RAG_LABELS, ACTION_SOURCES, ACTION_STATUSES, LEARNING_THEMES, actionRag } from '../../domain/assurance';
import { londonParts } from '../../domain/london';
import type { AppDeps } from '../../platform/deps';
import { ValidationFailed, type FieldError } from '../../platform/errors';
import { formErrors } from '../../platform/forms';
import { actionsOfSource } from '../actions/actions.service';
import { listAgencies } from '../agencies/agencies.service';
import { parseActionForm } from './action-form';
import { listChallenges } from './challenges.service';
import { peopleOf } from './groups.service';
import {
  addGuest, addItem, addMeetingAction, attendanceOf, carriedForward, findItem, findMeeting, listItems, parseItemForm, parseMeetingForm, removeGuest,
  saveAttendance, updateItem, updateMeeting, type Meeting,
} from './meetings.service';
import {
  ATTENDANCE, CHALLENGE_STATUSES, MEETING_STATUSES, MEMBER_ROLES, RAG_TAGS, dateFields, list, type Form,
} from './terms';

const longDate = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
export const meetingTitle = (m: { startsAt: Date }) => `Meeting on ${longDate.format(m.startsAt)}`;

/**
 * A meeting of a group: its attendance, agenda and minutes, the action log it agreed and the group's
 * actions still open when it met, to review. Meetings are read by everyone with the assurance pages
 * (each read is audited); the business manager sets them up and records them.
 */
export async function meetingRoutes(app: FastifyInstance, { db, now }: AppDeps) {
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;
  const form = (req: FastifyRequest) => (req.body ?? {}) as Form;
  const today = () => londonParts(now()).date;
  const meetingOf = (req: FastifyRequest) => findMeeting(db, pid(req), (req.params as { id: string }).id);
  const back = (m: Meeting) => ({ href: `/governance/meetings/${m.id}`, text: meetingTitle(m) });

  app.get('/governance/meetings/:id', { config: { access: 'assurance.view' } }, async (req, reply) => {
    const meeting = await meetingOf(req);
    const [attendance, items, actions, carried, challenges] = await Promise.all([
      attendanceOf(db, pid(req), meeting), listItems(db, pid(req), meeting.id), actionsOfSource(db, pid(req), 'meeting', meeting.id),
      carriedForward(db, pid(req), meeting),
      listChallenges(db, pid(req), { meetingId: meeting.id }, today()),
    ]);
    await req.audit({ action: 'group_meeting.read', recordType: 'group_meeting', recordId: meeting.id });
    const withRag = <T extends { status: keyof typeof ACTION_STATUSES; due_date: string }>(a: T) => {
      const rag = actionRag(a, today());
      return { ...a, statusLabel: ACTION_STATUSES[a.status], rag, ragLabel: ACTION_RAG_LABELS[rag], ragClass: RAG_TAGS[rag] };
    };
    return reply.view('governance/views/meeting.njk', {
      title: meetingTitle(meeting), meeting, manages: req.scopes.has('assurance.manage'), statusLabel: MEETING_STATUSES[meeting.status],
      members: attendance.members, guests: attendance.guests, attendanceLabels: ATTENDANCE, roleLabels: MEMBER_ROLES,
      recorded: attendance.members.some((m) => m.attendance), items,
      actions: actions.map(withRag),
      carried: carried.map((a) => ({ ...withRag({ ...a, due_date: a.dueDate }), sourceLabel: ACTION_SOURCES[a.source as keyof typeof ACTION_SOURCES] })),
      challenges, challengeStatuses: CHALLENGE_STATUSES,
    });
  });

  // ---- When and where, and whether it was held ----

  const editForm = async (reply: FastifyReply, meeting: Meeting, values: Form, errors?: FieldError[]) =>
    reply.code(errors ? 400 : 200).view('governance/views/meeting-form.njk', {
      title: 'Change the meeting', group: meeting.group, meeting, values, errors: errors ? formErrors(errors) : undefined,
      action: `/governance/meetings/${meeting.id}/edit`, back: back(meeting),
      statuses: Object.entries(MEETING_STATUSES).map(([value, text]) => ({ value, text, checked: values.status === value })),
    });

  app.get('/governance/meetings/:id/edit', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const m = await meetingOf(req);
    return editForm(reply, m, { ...dateFields('date', m.date), time: m.time, location: m.location ?? '', status: m.status, version: String(m.version) });
  });

  app.post('/governance/meetings/:id/edit', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const m = await meetingOf(req);
    try {
      await updateMeeting(db, pid(req), m, parseMeetingForm(form(req), true, now()), String(form(req).version ?? ''), now());
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      // After someone else's change the form starts again from theirs, with the next version to save over.
      const fresh = await meetingOf(req);
      return editForm(reply, fresh, { ...form(req), version: String(fresh.version) }, err.errors);
    }
    await req.audit({ action: 'group_meeting.update', recordType: 'group_meeting', recordId: m.id });
    reply.flash('The meeting is saved.');
    return reply.redirect(`/governance/meetings/${m.id}`, 303);
  });

  // ---- Attendance and guests ----

  const attendancePage = async (req: FastifyRequest, reply: FastifyReply, meeting: Meeting, values?: Form, errors?: FieldError[]) => {
    const [attendance, agencies] = await Promise.all([attendanceOf(db, pid(req), meeting), listAgencies(db, pid(req))]);
    const v: Form = values ?? {
      version: String(meeting.version),
      ...Object.fromEntries(attendance.members.flatMap((m) => [[`attendance-${m.id}`, m.attendance ?? undefined], [`deputy-${m.id}`, m.deputy ?? undefined]])),
    };
    const e = errors ? formErrors(errors) : undefined;
    return reply.code(errors ? 400 : 200).view('governance/views/attendance.njk', {
      title: 'Record attendance', meeting, meetingTitle: meetingTitle(meeting), back: back(meeting), values: v, errors: e, agencies, guests: attendance.guests,
      members: attendance.members.map((m) => ({
        ...m, roleLabel: MEMBER_ROLES[m.role],
        items: Object.entries(ATTENDANCE).map(([value, text]) => ({ value, text, checked: v[`attendance-${m.id}`] === value })),
        error: e?.fields[`attendance-${m.id}`], deputyError: e?.fields[`deputy-${m.id}`],
      })),
    });
  };

  app.get('/governance/meetings/:id/attendance', { config: { access: 'assurance.manage' } }, async (req, reply) => attendancePage(req, reply, await meetingOf(req)));

  app.post('/governance/meetings/:id/attendance', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const m = await meetingOf(req);
    let counts;
    try {
      counts = await saveAttendance(db, pid(req), m, form(req), now());
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      const fresh = await meetingOf(req);
      return attendancePage(req, reply, fresh, { ...form(req), version: String(fresh.version) }, err.errors);
    }
    await req.audit({ action: 'group_meeting.attendance', recordType: 'group_meeting', recordId: m.id, detail: counts });
    reply.flash(`Attendance recorded: ${counts.present} present, ${counts.apologies} apologies, ${counts.absent} absent.`);
    return reply.redirect(`/governance/meetings/${m.id}`, 303);
  });

  app.post('/governance/meetings/:id/guests', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const m = await meetingOf(req);
    let id: number;
    try {
      id = await addGuest(db, pid(req), m, form(req));
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return attendancePage(req, reply, m, { version: String(m.version), ...form(req) }, err.errors);
    }
    await req.audit({ action: 'group_meeting.guest_add', recordType: 'group_meeting', recordId: m.id, detail: { guest: id } });
    reply.flash('Guest added.');
    return reply.redirect(`/governance/meetings/${m.id}/attendance`, 303);
  });

  app.post('/governance/meetings/:id/guests/:guestId/remove', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const m = await meetingOf(req);
    const { guestId } = req.params as { guestId: string };
    await removeGuest(db, pid(req), m, guestId);
    await req.audit({ action: 'group_meeting.guest_remove', recordType: 'group_meeting', recordId: m.id, detail: { guest: Number(guestId) } });
    reply.flash('Guest removed.');
    return reply.redirect(`/governance/meetings/${m.id}/attendance`, 303);
  });

  // ---- Agenda items and minutes ----

  const itemForm = async (reply: FastifyReply, meeting: Meeting, values: Form, itemId?: number, errors?: FieldError[]) =>
    reply.code(errors ? 400 : 200).view('governance/views/item-form.njk', {
      title: itemId ? 'Change an agenda item' : 'Add an agenda item', meeting, meetingTitle: meetingTitle(meeting), back: back(meeting), values, itemId,
      errors: errors ? formErrors(errors) : undefined,
      action: itemId ? `/governance/meetings/${meeting.id}/items/${itemId}` : `/governance/meetings/${meeting.id}/items/new`,
    });

  app.get('/governance/meetings/:id/items/new', { config: { access: 'assurance.manage' } }, async (req, reply) => itemForm(reply, await meetingOf(req), {}));

  app.post('/governance/meetings/:id/items/new', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const m = await meetingOf(req);
    let id: number;
    try {
      id = await addItem(db, pid(req), m, parseItemForm(form(req)));
    } catch (err) {
      if (err instanceof ValidationFailed) return itemForm(reply, m, form(req), undefined, err.errors);
      throw err;
    }
    await req.audit({ action: 'group_meeting.item_add', recordType: 'group_meeting', recordId: m.id, detail: { item: id } });
    reply.flash('Agenda item added.');
    return reply.redirect(`/governance/meetings/${m.id}#agenda`, 303);
  });

  app.get('/governance/meetings/:id/items/:itemId', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const m = await meetingOf(req);
    const item = await findItem(db, pid(req), m.id, (req.params as { itemId: string }).itemId);
    return itemForm(reply, m, { title: item.title, minutes: item.minutes ?? '', decisions: item.decisions ?? '' }, item.id);
  });

  app.post('/governance/meetings/:id/items/:itemId', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const m = await meetingOf(req);
    const item = await findItem(db, pid(req), m.id, (req.params as { itemId: string }).itemId);
    try {
      await updateItem(db, pid(req), item, parseItemForm(form(req)));
    } catch (err) {
      if (err instanceof ValidationFailed) return itemForm(reply, m, form(req), item.id, err.errors);
      throw err;
    }
    await req.audit({ action: 'group_meeting.item_update', recordType: 'group_meeting', recordId: m.id, detail: { item: item.id } });
    reply.flash('Agenda item saved.');
    return reply.redirect(`/governance/meetings/${m.id}#agenda`, 303);
  });

  // ---- The action log ----

  const actionForm = async (req: FastifyRequest, reply: FastifyReply, meeting: Meeting, values: Form, errors?: FieldError[]) => {
    const [agencies, people] = await Promise.all([listAgencies(db, pid(req)), peopleOf(db, pid(req))]);
    return reply.code(errors ? 400 : 200).view('governance/views/action-form.njk', {
      title: 'Add an action to the log', caption: `${meeting.group.name}: ${meetingTitle(meeting)}`, back: back(meeting), values,
      errors: errors ? formErrors(errors) : undefined, agencies, people, action: `/governance/meetings/${meeting.id}/actions/new`,
      themes: Object.entries(LEARNING_THEMES).map(([value, text]) => ({ value, text, checked: list(values, 'themes').includes(value) })),
    });
  };

  app.get('/governance/meetings/:id/actions/new', { config: { access: 'assurance.manage' } }, async (req, reply) => actionForm(req, reply, await meetingOf(req), {}));

  app.post('/governance/meetings/:id/actions/new', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const m = await meetingOf(req);
    let added;
    try {
      added = await addMeetingAction(db, pid(req), m, parseActionForm(form(req), m.date), req.beaconSession!.user.id, now());
    } catch (err) {
      if (err instanceof ValidationFailed) return actionForm(req, reply, m, form(req), err.errors);
      throw err;
    }
    await req.audit({ action: 'action.create', recordType: 'action', recordId: added.id, detail: { source: 'meeting', meeting: m.id } });
    reply.flash(`Action ${added.reference} added to the log.`);
    return reply.redirect(`/governance/meetings/${m.id}#actions`, 303);
  });
}
