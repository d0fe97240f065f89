import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { londonParts } from '../../domain/london';
import type { AppDeps } from '../../platform/deps';
import { ValidationFailed, type FieldError } from '../../platform/errors';
import { formErrors } from '../../platform/forms';
import { listAgencies } from '../agencies/agencies.service';
import { attendanceChartSvg } from './attendance-chart';
import { challengeCounts, listChallenges } from './challenges.service';
import {
  GROUP_KIND_ORDER, addGroup, addMember, findGroup, findMember, listGroups, listMembers, parseGroupForm, parseMemberChange, parseNewMember, peopleOf,
  representation, updateGroup, updateMember,
} from './groups.service';
import { attendanceByAgency, createMeeting, listMeetings, parseMeetingForm } from './meetings.service';
import {
  GROUP_KINDS, GROUP_KIND_PLURALS, MEETING_STATUSES, MEMBER_ROLES, STATUTORY_LABELS, STATUTORY_TYPES, dateFields, financialYearBounds, financialYearLabel,
  financialYearOf, type Form,
} from './terms';

/**
 * The partnership's groups: the list by kind with their chairs, members, next meeting and open actions;
 * each group's members (current and past), its meetings and its attendance by agency over a financial
 * year. Everyone with the assurance pages reads them; the business manager sets them up.
 */
export async function groupRoutes(app: FastifyInstance, { db, now }: AppDeps) {
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;
  const form = (req: FastifyRequest) => (req.body ?? {}) as Form;
  const today = () => londonParts(now()).date;
  const manages = (req: FastifyRequest) => req.scopes.has('assurance.manage');

  app.get('/governance', { config: { access: 'assurance.view' } }, async (req, reply) => {
    const year = financialYearOf(today());
    const { from, to } = financialYearBounds(year);
    const [groups, attendance, challenges] = await Promise.all([
      listGroups(db, pid(req), today(), now()),
      attendanceByAgency(db, pid(req), from, to),
      challengeCounts(db, pid(req), today()),
    ]);
    const active = groups.filter((g) => g.active);
    return reply.view('governance/views/index.njk', {
      title: 'Governance', manages: manages(req),
      kinds: GROUP_KIND_ORDER.map((k) => ({ kind: k, label: GROUP_KIND_PLURALS[k], groups: active.filter((g) => g.kind === k) })).filter((k) => k.groups.length),
      inactive: groups.filter((g) => !g.active),
      statutory: attendance.filter((a) => STATUTORY_TYPES.includes(a.type)), typeLabels: STATUTORY_LABELS, yearLabel: financialYearLabel(year),
      challenges,
    });
  });

  // ---- A group ----

  const groupForm = async (reply: FastifyReply, values: Form, groupId?: number, errors?: FieldError[]) =>
    reply.code(errors ? 400 : 200).view('governance/views/group-form.njk', {
      title: groupId ? 'Change the group’s details' : 'Add a group', groupId, values, errors: errors ? formErrors(errors) : undefined,
      kinds: GROUP_KIND_ORDER.map((k) => ({ value: k, text: GROUP_KINDS[k], checked: values.kind === k })),
    });

  app.get('/governance/groups/new', { config: { access: 'assurance.manage' } }, async (_req, reply) => groupForm(reply, {}));

  app.post('/governance/groups/new', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    let id: number;
    try {
      id = await addGroup(db, pid(req), parseGroupForm(form(req), false));
    } catch (err) {
      if (err instanceof ValidationFailed) return groupForm(reply, form(req), undefined, err.errors);
      throw err;
    }
    await req.audit({ action: 'assurance_group.create', recordType: 'assurance_group', recordId: String(id) });
    reply.flash('Group added. Add its members next.');
    return reply.redirect(`/governance/groups/${id}`, 303);
  });

  app.get('/governance/groups/:id', { config: { access: 'assurance.view' } }, async (req, reply) => {
    const group = await findGroup(db, pid(req), (req.params as { id: string }).id);
    const q = (req.query ?? {}) as Record<string, string | undefined>;
    const thisYear = financialYearOf(today());
    const year = /^\d{4}$/.test(q.year ?? '') && Number(q.year) <= thisYear && Number(q.year) > thisYear - 20 ? Number(q.year) : thisYear;
    const { from, to } = financialYearBounds(year);
    const [members, meetings, attendance, escalated] = await Promise.all([
      listMembers(db, pid(req), group.id, today()),
      listMeetings(db, pid(req), group.id),
      attendanceByAgency(db, pid(req), from, to, group.id),
      group.kind === 'executive' ? listChallenges(db, pid(req), { status: 'escalated' }, today()) : Promise.resolve([]),
    ]);
    const yearLabel = financialYearLabel(year);
    return reply.view('governance/views/group.njk', {
      title: group.name, group, manages: manages(req), kindLabel: GROUP_KINDS[group.kind], roleLabels: MEMBER_ROLES, statusLabels: MEETING_STATUSES,
      current: members.filter((m) => m.current), past: members.filter((m) => !m.current),
      represented: representation(members, STATUTORY_LABELS),
      upcoming: meetings.filter((m) => m.startsAt >= now() && m.status === 'planned').reverse(),
      earlier: meetings.filter((m) => !(m.startsAt >= now() && m.status === 'planned')),
      attendance, chart: attendanceChartSvg(attendance, yearLabel), year, yearLabel,
      previousYear: year - 1, nextYear: year < thisYear ? year + 1 : null, nextYearLabel: financialYearLabel(year + 1), previousYearLabel: financialYearLabel(year - 1),
      escalated,
    });
  });

  app.get('/governance/groups/:id/edit', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const g = await findGroup(db, pid(req), (req.params as { id: string }).id);
    return groupForm(reply, { name: g.name, shortName: g.shortName ?? '', kind: g.kind, remit: g.remit ?? '', active: g.active ? 'yes' : 'no' }, g.id);
  });

  app.post('/governance/groups/:id/edit', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const g = await findGroup(db, pid(req), (req.params as { id: string }).id);
    try {
      await updateGroup(db, pid(req), g.id, parseGroupForm(form(req), true));
    } catch (err) {
      if (err instanceof ValidationFailed) return groupForm(reply, form(req), g.id, err.errors);
      throw err;
    }
    await req.audit({ action: 'assurance_group.update', recordType: 'assurance_group', recordId: String(g.id) });
    reply.flash('The group’s details are saved.');
    return reply.redirect(`/governance/groups/${g.id}`, 303);
  });

  // ---- Members ----

  const memberForm = async (req: FastifyRequest, reply: FastifyReply, groupId: number, values: Form, memberId?: number, errors?: FieldError[]) => {
    const group = await findGroup(db, pid(req), groupId);
    const member = memberId === undefined ? null : await findMember(db, pid(req), group.id, String(memberId));
    const [people, agencies] = member ? [[], []] : await Promise.all([peopleOf(db, pid(req)), listAgencies(db, pid(req))]);
    return reply.code(errors ? 400 : 200).view('governance/views/member-form.njk', {
      title: member ? `Change ${member.name}’s membership` : `Add a member to ${group.name}`, group, member, values, errors: errors ? formErrors(errors) : undefined,
      people, agencies, roles: Object.entries(MEMBER_ROLES).map(([value, text]) => ({ value, text, checked: values.role === value })),
    });
  };

  app.get('/governance/groups/:id/members/new', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const g = await findGroup(db, pid(req), (req.params as { id: string }).id);
    return memberForm(req, reply, g.id, { role: 'member', ...dateFields('fromDate', today()) });
  });

  app.post('/governance/groups/:id/members/new', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const g = await findGroup(db, pid(req), (req.params as { id: string }).id);
    let id: number;
    try {
      id = await addMember(db, pid(req), g.id, await parseNewMember(db, pid(req), form(req)), now());
    } catch (err) {
      if (err instanceof ValidationFailed) return memberForm(req, reply, g.id, form(req), undefined, err.errors);
      throw err;
    }
    await req.audit({ action: 'group_member.add', recordType: 'group_member', recordId: String(id), detail: { groupId: g.id } });
    reply.flash('Member added.');
    return reply.redirect(`/governance/groups/${g.id}`, 303);
  });

  app.get('/governance/groups/:id/members/:memberId', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const { id, memberId } = req.params as { id: string; memberId: string };
    const g = await findGroup(db, pid(req), id);
    const m = await findMember(db, pid(req), g.id, memberId);
    return memberForm(req, reply, g.id, { role: m.role, jobTitle: m.jobTitle ?? '', ...dateFields('fromDate', m.fromDate), ...dateFields('toDate', m.toDate) }, m.id);
  });

  app.post('/governance/groups/:id/members/:memberId', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const { id, memberId } = req.params as { id: string; memberId: string };
    const g = await findGroup(db, pid(req), id);
    const m = await findMember(db, pid(req), g.id, memberId);
    try {
      await updateMember(db, pid(req), m, g.id, parseMemberChange(form(req)), now());
    } catch (err) {
      if (err instanceof ValidationFailed) return memberForm(req, reply, g.id, form(req), m.id, err.errors);
      throw err;
    }
    await req.audit({ action: 'group_member.update', recordType: 'group_member', recordId: String(m.id), detail: { groupId: g.id } });
    reply.flash(`${m.name}’s membership is saved.`);
    return reply.redirect(`/governance/groups/${g.id}`, 303);
  });

  // ---- A new meeting ----

  const meetingForm = async (req: FastifyRequest, reply: FastifyReply, groupId: number, values: Form, errors?: FieldError[]) => {
    const group = await findGroup(db, pid(req), groupId);
    return reply.code(errors ? 400 : 200).view('governance/views/meeting-form.njk', {
      title: `Add a meeting of ${group.name}`, group, meeting: null, values, errors: errors ? formErrors(errors) : undefined,
      action: `/governance/groups/${group.id}/meetings/new`, back: { href: `/governance/groups/${group.id}`, text: group.name },
    });
  };

  app.get('/governance/groups/:id/meetings/new', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const g = await findGroup(db, pid(req), (req.params as { id: string }).id);
    return meetingForm(req, reply, g.id, { time: '10:00' });
  });

  app.post('/governance/groups/:id/meetings/new', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const g = await findGroup(db, pid(req), (req.params as { id: string }).id);
    let id: string;
    try {
      id = await createMeeting(db, pid(req), g.id, parseMeetingForm(form(req), false, now()), req.beaconSession!.user.id, now());
    } catch (err) {
      if (err instanceof ValidationFailed) return meetingForm(req, reply, g.id, form(req), err.errors);
      throw err;
    }
    await req.audit({ action: 'group_meeting.create', recordType: 'group_meeting', recordId: id, detail: { groupId: g.id } });
    reply.flash('Meeting added.');
    return reply.redirect(`/governance/meetings/${id}`, 303);
  });
}
