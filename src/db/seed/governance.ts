import { sql } from 'kysely';
import type { Db } from '../create-db';
import type { MemberRole } from '../schema-governance';
import { addMonths } from '../../domain/calendar';
import { londonInstant } from '../../domain/london';
import { createActions, updateAction } from '../../features/actions/actions.service';
import { findChallenge, raiseChallenge, recordOutcome, respond } from '../../features/governance/challenges.service';
import { addMember } from '../../features/governance/groups.service';
import { addItem, createMeeting, findMeeting, saveAttendance } from '../../features/governance/meetings.service';
import { addDays, meetingActionReference } from '../../features/governance/terms';
import type { DemoGroups, GroupKey } from './assurance-groups';

/**
 * The partnership's governance as the seed report describes it: an Independent Chair of the Executive,
 * health colleagues chairing Learning and Development, Quality Assurance and Performance, Childhood
 * Neglect and the practice review group, a year of meetings (the Executive every two months, subgroups
 * each quarter, the neglect group every six weeks) with attendance (the police missing some), minutes
 * and action logs in every state, and a challenge log: resolved, overdue and escalated. Names are invented.
 */

type AgencyKey = 'council' | 'police' | 'icb' | 'trust' | 'school';
type Seat = { user?: string; name?: string; agency: AgencyKey | null; jobTitle?: string; role: MemberRole; left?: boolean };

const MANAGER = 'business.manager@northmere.gov.uk';
const POLICE_LEAD = 'safeguarding.lead@nep.police.uk';
const NURSE = 'designated.nurse@nhs.net';
const DSL = 'dsl@riverside.sch.uk';
const AUDITOR = 'auditor@nhs.net';
const TEAM_MANAGER = 'team.manager@northmere.gov.uk';
const ANALYST = 'analyst@northmere.gov.uk';
const TRAINER = 'trainer@northmere.gov.uk';

const CHAIR: Seat = { name: 'Margaret Ellison', agency: null, jobTitle: 'Independent Chair and Scrutineer', role: 'chair' };
const BM: Seat = { user: MANAGER, agency: 'council', jobTitle: 'Partnership Business Manager', role: 'adviser' };

const SHORT_NAMES: Record<GroupKey, string> = {
  executive: 'Exec', execs_plus: 'Exec+', cspr: 'CSPR', learning: 'L&D', qa: 'QA', comms: 'C&E', exploitation: 'ECS', neglect: 'CN',
};

const MEMBERS: Record<GroupKey, Seat[]> = {
  executive: [
    CHAIR,
    { name: 'Mark Davies', agency: 'council', jobTitle: 'Director of Children’s Services', role: 'member' },
    { name: 'Det Ch Supt Sarah Collins', agency: 'police', jobTitle: 'Head of Public Protection', role: 'member' },
    { name: 'Dr Priya Raman', agency: 'icb', jobTitle: 'Chief Nursing Officer', role: 'member' },
    BM,
  ],
  execs_plus: [
    CHAIR,
    { name: 'Mark Davies', agency: 'council', jobTitle: 'Director of Children’s Services', role: 'member' },
    { name: 'Det Ch Supt Sarah Collins', agency: 'police', jobTitle: 'Head of Public Protection', role: 'member' },
    { user: NURSE, agency: 'icb', jobTitle: 'Designated Nurse, chair of Learning and Development', role: 'member' },
    { user: AUDITOR, agency: 'icb', jobTitle: 'Chair of Quality Assurance and Performance', role: 'member' },
    { name: 'Louise Hart', agency: 'trust', jobTitle: 'Named Nurse, chair of Childhood Neglect', role: 'member' },
    { name: 'DCI Alan Pike', agency: 'police', jobTitle: 'Chair of Exploitation and Contextual Safeguarding', role: 'member' },
    BM,
  ],
  cspr: [
    { name: 'Dr Fiona Grant', agency: 'icb', jobTitle: 'Designated Doctor for Safeguarding Children', role: 'chair' },
    { name: 'Karen Bell', agency: 'council', jobTitle: 'Head of Safeguarding and Quality', role: 'vice_chair' },
    { user: POLICE_LEAD, agency: 'police', jobTitle: 'Safeguarding Review Unit', role: 'member' },
    { name: 'Louise Hart', agency: 'trust', jobTitle: 'Named Nurse', role: 'member' },
    BM,
  ],
  learning: [
    { user: NURSE, agency: 'icb', jobTitle: 'Designated Nurse for Safeguarding Children', role: 'chair' },
    { user: TRAINER, agency: 'council', jobTitle: 'Multi-agency Training Coordinator', role: 'member' },
    { user: DSL, agency: 'school', jobTitle: 'Designated Safeguarding Lead', role: 'member' },
    { name: 'PS Tom Reeves', agency: 'police', jobTitle: 'Public Protection Training', role: 'member' },
    BM,
  ],
  qa: [
    { user: AUDITOR, agency: 'icb', jobTitle: 'Named GP for Safeguarding', role: 'chair' },
    { user: TEAM_MANAGER, agency: 'council', jobTitle: 'Front Door Team Manager', role: 'member' },
    { name: 'DS Gary Holt', agency: 'police', jobTitle: 'Public Protection', role: 'member', left: true },
    { user: POLICE_LEAD, agency: 'police', jobTitle: 'Safeguarding Lead', role: 'member' },
    { user: DSL, agency: 'school', jobTitle: 'Designated Safeguarding Lead', role: 'member' },
    { user: ANALYST, agency: 'council', jobTitle: 'Performance Analyst', role: 'adviser' },
    BM,
  ],
  comms: [
    { name: 'Rachel Moore', agency: 'council', jobTitle: 'Communications Lead', role: 'chair' },
    { name: 'Ben Hart', agency: 'police', jobTitle: 'Corporate Communications', role: 'member' },
    { user: DSL, agency: 'school', jobTitle: 'Designated Safeguarding Lead', role: 'member' },
    BM,
  ],
  exploitation: [
    { name: 'DCI Alan Pike', agency: 'police', jobTitle: 'Exploitation Lead', role: 'chair' },
    { name: 'Kim Osei', agency: 'council', jobTitle: 'Exploitation and Missing Coordinator', role: 'vice_chair' },
    { name: 'Hannah Price', agency: 'trust', jobTitle: 'Emergency Department Safeguarding Nurse', role: 'member' },
    { user: DSL, agency: 'school', jobTitle: 'Designated Safeguarding Lead', role: 'member' },
  ],
  neglect: [
    { name: 'Louise Hart', agency: 'trust', jobTitle: 'Named Nurse for Safeguarding Children', role: 'chair' },
    { name: 'Sian Lloyd', agency: 'council', jobTitle: 'Early Help Manager', role: 'member' },
    { name: 'PC Dan Marsh', agency: 'police', jobTitle: 'Neighbourhood Policing', role: 'member' },
    { user: NURSE, agency: 'icb', jobTitle: 'Designated Nurse', role: 'member' },
    { user: DSL, agency: 'school', jobTitle: 'Designated Safeguarding Lead', role: 'member' },
  ],
};

/** How often each group meets, when it last met (days ago) and where. */
const SCHEDULE: Record<GroupKey, { months?: number; days?: number; lastDaysAgo: number; time: string; location: string }> = {
  executive: { months: 2, lastDaysAgo: 24, time: '14:00', location: 'Northmere Civic Centre, Committee Room 1' },
  execs_plus: { months: 3, lastDaysAgo: 38, time: '10:00', location: 'Microsoft Teams' },
  cspr: { months: 3, lastDaysAgo: 17, time: '09:30', location: 'Microsoft Teams' },
  learning: { months: 3, lastDaysAgo: 45, time: '13:30', location: 'Northmere Civic Centre, Room 4' },
  qa: { months: 3, lastDaysAgo: 10, time: '10:00', location: 'Microsoft Teams' },
  comms: { months: 3, lastDaysAgo: 60, time: '15:00', location: 'Microsoft Teams' },
  exploitation: { months: 2, lastDaysAgo: 30, time: '10:00', location: 'Northmere Police Station, Conference Room' },
  neglect: { days: 42, lastDaysAgo: 8, time: '13:00', location: 'Riverside Family Hub' },
};

const AGENDA: Record<GroupKey, [string, string, string | null][]> = {
  executive: [
    ['Independent Chair’s scrutiny report', 'The Chair reported on statutory partners’ attendance and the challenge log.', 'Attendance figures to come to every Executive.'],
    ['Business plan: progress against priorities', 'Neglect and exploitation on track; the training offer behind by a quarter.', null],
    ['Escalations from the subgroups', 'The Executive and Subgroup Chairs raised the timeliness of initial health assessments.', 'Health and the council to report back at the next meeting.'],
    ['Budget and partner contributions', 'Contributions agreed for next year at the same shares.', 'Budget agreed.'],
  ],
  execs_plus: [
    ['Subgroup highlight reports', 'Each chair reported progress, risks and good practice.', null],
    ['Areas of concern for the Executive', 'Initial health assessments and front door feedback to referrers.', 'Both to go to the Executive.'],
  ],
  cspr: [
    ['Serious incident notifications', 'One notification considered; a rapid review convened.', 'Rapid review to be held within 15 working days.'],
    ['Practice review progress', 'The reviewer’s draft report is with the agencies for factual accuracy.', null],
    ['Action plans from earlier reviews', 'Most actions on track; two overdue with the police and the trust.', 'Owners to update the tracker before the next meeting.'],
  ],
  learning: [
    ['Training programme', 'Neglect and exploitation courses full; evaluations good.', null],
    ['Learning briefings from reviews', 'Briefing on bruising in non-mobile babies ready for release.', 'Publish the briefing on the website.'],
    ['Impact of training', 'Three-month follow-up survey planned.', null],
  ],
  qa: [
    ['Multi-agency dashboard', 'Re-referrals rose this quarter; strategy discussion timeliness improved.', 'Deep dive into re-referrals by the front door.'],
    ['Multi-agency audit programme', 'The neglect audit found good information sharing but drift in plans.', 'Findings to the Executive.'],
    ['Section 11', 'Returns received from all but two agencies.', null],
    ['Single-agency audits shared for assurance', 'The police shared their audit of domestic abuse notifications.', null],
  ],
  comms: [
    ['Website and newsletter', 'Newsletter reaches 1,200 practitioners.', null],
    ['Safeguarding week', 'Plans agreed with the adults board.', 'Joint event in the autumn.'],
  ],
  exploitation: [
    ['Places of concern', 'Two new locations reported by the police and the school.', 'Disruption plans to be agreed.'],
    ['Missing episodes and return interviews', 'Return interviews offered within 72 hours in most cases.', null],
    ['Contextual safeguarding pilot', 'The pilot in the town centre is under way.', null],
  ],
  neglect: [
    ['Strengths and needs toolkit', 'Take-up is highest in health visiting and lowest in schools.', 'Toolkit briefing for designated safeguarding leads.'],
    ['Neglect audit findings', 'Drift in plans and repeat plans remain the main concern.', null],
    ['Neglect strategy action plan', 'Most actions on track.', null],
  ],
};

type ActionPlan = { description: string; owner: AgencyKey; ownerUser?: string; dueMonths: number; state: 'open' | 'in_progress' | 'completed'; evidence?: string; themes?: string[] };

const ACTIONS: Partial<Record<GroupKey, ActionPlan[]>> = {
  executive: [
    { description: 'Report statutory partners’ attendance at every subgroup to the Executive each quarter.', owner: 'council', ownerUser: MANAGER, dueMonths: 2, state: 'completed', evidence: 'Attendance table now a standing item of the Executive’s papers.' },
    { description: 'Agree an option for GPs to complete initial health assessments.', owner: 'icb', ownerUser: NURSE, dueMonths: 4, state: 'in_progress' },
    { description: 'Confirm each partner’s contribution for next year in writing.', owner: 'police', dueMonths: 1, state: 'open' },
  ],
  cspr: [
    { description: 'Circulate the rapid review’s learning to the designated leads.', owner: 'icb', dueMonths: 1, state: 'completed', evidence: 'Learning note sent to all designated leads.', themes: ['information_sharing'] },
    { description: 'Check the police’s actions from the last practice review are on the tracker.', owner: 'police', ownerUser: POLICE_LEAD, dueMonths: 1, state: 'open' },
  ],
  learning: [
    { description: 'Publish the learning briefing on bruising in non-mobile babies.', owner: 'icb', ownerUser: NURSE, dueMonths: 1, state: 'completed', evidence: 'Briefing on the website and sent to all GP practices.', themes: ['non_mobile_babies'] },
    { description: 'Add a session on professional curiosity to the induction course.', owner: 'council', ownerUser: TRAINER, dueMonths: 3, state: 'in_progress', themes: ['professional_curiosity'] },
  ],
  qa: [
    { description: 'Deep dive into re-referrals within 12 months, with the front door.', owner: 'council', ownerUser: TEAM_MANAGER, dueMonths: 2, state: 'in_progress', themes: ['re_referrals'] },
    { description: 'Share the police audit of domestic abuse notifications with the subgroup.', owner: 'police', ownerUser: POLICE_LEAD, dueMonths: 1, state: 'completed', evidence: 'Audit presented; notifications within 24 hours in 86% of cases.', themes: ['domestic_abuse'] },
    { description: 'Chase the two outstanding Section 11 returns.', owner: 'council', ownerUser: MANAGER, dueMonths: 1, state: 'open' },
    { description: 'Add education attendance to the multi-agency dashboard.', owner: 'school', ownerUser: DSL, dueMonths: 4, state: 'open', themes: ['education'] },
  ],
  exploitation: [
    { description: 'Agree disruption plans for the two new places of concern.', owner: 'police', dueMonths: 1, state: 'in_progress', themes: ['exploitation'] },
  ],
  neglect: [
    { description: 'Brief designated safeguarding leads on the strengths and needs toolkit.', owner: 'school', ownerUser: DSL, dueMonths: 2, state: 'completed', evidence: 'Briefing given at the DSL network; 31 schools attended.', themes: ['neglect'] },
    { description: 'Sample repeat child protection plans for neglect and report the reasons.', owner: 'council', dueMonths: 2, state: 'open', themes: ['neglect'] },
    { description: 'Report health visiting use of the neglect toolkit each quarter.', owner: 'trust', dueMonths: 3, state: 'in_progress', themes: ['neglect'] },
  ],
};

/** The same weekday or the Monday after: groups meet on working days. */
function weekday(date: string): string {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 6 ? addDays(date, 2) : day === 0 ? addDays(date, 1) : date;
}

export async function seedGovernance(db: Db, opts: { partnershipId: number; today: string; agencies: Map<string, number>; groups: DemoGroups }) {
  const { partnershipId, today, groups } = opts;
  const agency = (key: AgencyKey | null) => (key ? opts.agencies.get(key)! : null);
  const users = new Map((await db.selectFrom('app_user').select(['id', 'email']).execute()).map((u) => [u.email, u.id]));
  const user = (email: string) => users.get(email)!;
  const noon = (date: string) => new Date(`${date}T12:00:00Z`);
  const yearAgo = addMonths(today, -12);
  const memberSince = addMonths(today, -30);
  const changeover = addMonths(today, -7);

  for (const [key, short] of Object.entries(SHORT_NAMES) as [GroupKey, string][]) {
    await sql`update assurance_group set short_name = ${short} where id = ${groups[key]} and partnership_id = ${partnershipId}`.execute(db);
  }

  for (const key of Object.keys(MEMBERS) as GroupKey[]) {
    const seats = MEMBERS[key];
    for (const seat of seats) {
      // The police's QA seat changed hands seven months ago: the new member joined the day after.
      const joinsLater = key === 'qa' && seat.user === POLICE_LEAD;
      await addMember(db, partnershipId, groups[key], {
        userId: seat.user ? user(seat.user) : null, name: seat.name ?? null, agencyId: agency(seat.agency), jobTitle: seat.jobTitle ?? null, role: seat.role,
        fromDate: joinsLater ? addDays(changeover, 1) : memberSince, toDate: seat.left ? changeover : null,
      }, noon(memberSince));
    }

    // A year of meetings up to the last, and the next one planned.
    const plan = SCHEDULE[key];
    const step = (date: string, n: number) => (plan.months ? addMonths(date, n * plan.months) : addDays(date, n * plan.days!));
    const last = addDays(today, -plan.lastDaysAgo);
    const dates: string[] = [];
    for (let d = last; d > yearAgo; d = step(d, -1)) dates.unshift(weekday(d));
    const manager = user(MANAGER);
    const meetingIds: { id: string; date: string }[] = [];
    for (const [i, date] of dates.entries()) {
      const id = await createMeeting(db, partnershipId, groups[key], { startsAt: londonInstant(date, `${plan.time}:00`), location: plan.location, status: 'planned' }, manager, noon(addDays(date, -30)));
      // Communication and Engagement's summer meeting was not quorate.
      if (key === 'comms' && i === 1) {
        await db.updateTable('group_meeting').set({ status: 'cancelled' }).where('id', '=', id).execute();
        continue;
      }
      const meeting = await findMeeting(db, partnershipId, id);
      const form: Record<string, string> = { version: String(meeting.version) };
      const seatsOnDay = await db.selectFrom('group_member').select(['id', 'agency_id', 'role', 'name']).where('group_id', '=', groups[key])
        .where('from_date', '<=', date).where((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>=', date)])).orderBy('id').execute();
      for (const [j, m] of seatsOnDay.entries()) {
        let attendance = 'present';
        if (m.agency_id === agency('police') && m.role !== 'chair') {
          // The police miss some meetings outright and send a deputy to others: what the Independent Chair scrutinises.
          if (i % 3 === 1) attendance = 'absent';
          else if (i % 4 === 2) { attendance = 'apologies'; form[`deputy-${m.id}`] = 'DS Priya Kaur'; }
        } else if (m.role !== 'chair' && m.role !== 'adviser' && (i + j) % 5 === 3) {
          attendance = 'apologies';
        }
        form[`attendance-${m.id}`] = attendance;
      }
      await saveAttendance(db, partnershipId, meeting, form, new Date(meeting.startsAt.getTime() + 3 * 3_600_000));
      const agenda = AGENDA[key];
      for (const [n, [title, minutes, decisions]] of agenda.entries()) {
        // Standing items every time; the rest in turn.
        if (n >= 2 && (i + n) % 2 === 1) continue;
        await addItem(db, partnershipId, meeting, { title, minutes, decisions });
      }
      meetingIds.push({ id, date });
    }
    await createMeeting(db, partnershipId, groups[key], { startsAt: londonInstant(weekday(step(last, 1)), `${plan.time}:00`), location: plan.location, status: 'planned' }, manager, noon(today));

    // The action log: each planned action agreed at one of the year's meetings, numbered within its meeting.
    const actions = ACTIONS[key] ?? [];
    const numbered = new Map<string, number>();
    for (const [k, a] of actions.entries()) {
      const at = meetingIds[Math.max(0, meetingIds.length - 1 - (k % Math.min(3, meetingIds.length)))]!;
      const n = (numbered.get(at.id) ?? 0) + 1;
      numbered.set(at.id, n);
      const agreed = noon(at.date);
      const [id] = await createActions(db, partnershipId, [{
        source: 'meeting', sourceId: at.id, reference: meetingActionReference(SHORT_NAMES[key], at.date, n), description: a.description,
        ownerAgencyId: agency(a.owner)!, ownerUserId: a.ownerUser ? user(a.ownerUser) : null, groupId: groups[key], themes: a.themes ?? [], dueDate: addMonths(at.date, a.dueMonths),
      }], manager, agreed);
      const by = a.ownerUser ? user(a.ownerUser) : manager;
      // Started within a week and finished within four, and never later than yesterday.
      const since = Math.round((Date.parse(today) - Date.parse(at.date)) / 86_400_000);
      const started = Math.max(1, Math.min(7, since - 2));
      if (a.state === 'in_progress' || a.state === 'completed') {
        await updateAction(db, partnershipId, id!, 1, { status: 'in_progress', note: 'Work started.' }, by, noon(addDays(at.date, started)));
      }
      if (a.state === 'completed') {
        await updateAction(db, partnershipId, id!, 2, { status: 'completed', evidence: a.evidence }, by, noon(addDays(at.date, Math.max(started + 1, Math.min(28, since - 1)))));
      }
    }
  }

  await seedChallenges(db, { partnershipId, today, agency, user, groups });
}

/** The challenge log: the Chair's of the police (resolved), health's of the council (overdue), the school's of the front door (escalated), and one awaiting the outcome. */
async function seedChallenges(db: Db, ctx: {
  partnershipId: number; today: string; agency: (k: AgencyKey | null) => number | null; user: (email: string) => number; groups: DemoGroups;
}) {
  const { partnershipId, today, agency, user, groups } = ctx;
  const at = (date: string, hour = 12) => new Date(`${date}T${String(hour).padStart(2, '0')}:00:00Z`);
  const manager = { userId: user(MANAGER), agencyId: agency('council')!, manage: true, contribute: false };
  const meetingOn = async (group: number, before: string) => (await db.selectFrom('group_meeting').select(['id', 'starts_at']).where('group_id', '=', group)
    .where('status', '=', 'held').where('starts_at', '<', at(before)).orderBy('starts_at', 'desc').limit(1).executeTakeFirst());
  const raise = async (raisedOn: string, input: Omit<Parameters<typeof raiseChallenge>[2], 'raisedOn'>, by: number) => {
    const { id } = await raiseChallenge(db, partnershipId, { ...input, raisedOn }, by, at(raisedOn, 16));
    return id;
  };
  const fresh = (id: string) => findChallenge(db, partnershipId, id);

  // The Independent Chair challenges the police's attendance at strategy discussions; answered and resolved.
  const execMeeting = await meetingOn(groups.executive, addDays(today, -130));
  const chairRaised = execMeeting ? execMeeting.starts_at.toISOString().slice(0, 10) : addDays(today, -150);
  const police = await raise(chairRaised, {
    raisedByKind: 'independent_chair', raisedByAgencyId: null, raisedByName: 'Margaret Ellison, Independent Chair', toAgencyId: agency('police')!,
    subject: 'Police attendance at strategy discussions',
    detail: 'The dashboard shows the police attended 71% of strategy discussions last quarter, against 95% expected. What is the police’s plan to make sure an officer attends every strategy discussion, and how will the partnership know it is working?',
    groupId: groups.executive, meetingId: execMeeting?.id ?? null, responseDue: addMonths(chairRaised, 1),
  }, user(MANAGER));
  const policeLead = { userId: user(POLICE_LEAD), agencyId: agency('police')!, manage: false, contribute: true };
  let c = await fresh(police);
  await respond(db, partnershipId, c, { response: 'A duty detective sergeant now joins every strategy discussion, in person or by phone, within the hour. The rota started last month and attendance is audited monthly and reported to the QA subgroup.', version: String(c.version) }, policeLead, at(addDays(chairRaised, 21)));
  c = await fresh(police);
  await recordOutcome(db, partnershipId, c, { outcome: 'resolve', resolution: 'The Chair accepted the response. Attendance was 96% in the two months since; the QA subgroup will keep it under review.', version: String(c.version) }, user(MANAGER), at(addDays(chairRaised, 63)));
  c = await fresh(police);
  const [audit] = await createActions(db, partnershipId, [{
    source: 'challenge', sourceId: police, reference: `${c.reference} A1`, recommendation: `Challenge ${c.reference}: ${c.subject}`,
    description: 'Report police attendance at strategy discussions to the QA subgroup each month.', ownerAgencyId: agency('police')!, ownerUserId: user(POLICE_LEAD),
    groupId: groups.qa, themes: ['information_sharing'], dueDate: addDays(chairRaised, 90),
  }], user(MANAGER), at(addDays(chairRaised, 63)));
  await updateAction(db, partnershipId, audit!, 1, { status: 'completed', evidence: 'Monthly attendance reported since the spring; 96% on average.' }, user(POLICE_LEAD), at(addDays(chairRaised, 85)));

  // The school challenges the front door's feedback to referrers; the council's answer, given at QA, did not satisfy; escalated.
  const schoolRaised = addDays(today, -120);
  const school = await raise(schoolRaised, {
    raisedByKind: 'agency', raisedByAgencyId: agency('school'), raisedByName: 'Daniel Price, Designated Safeguarding Lead', toAgencyId: agency('council')!,
    subject: 'Feedback from the front door to referrers',
    detail: 'Schools are rarely told the outcome of their referrals to the front door, so designated safeguarding leads cannot plan support or know whether to escalate. We ask the council to tell every referrer the outcome within three working days.',
    groupId: groups.qa, meetingId: null, responseDue: addDays(schoolRaised, 28),
  }, user(DSL));
  c = await fresh(school);
  await respond(db, partnershipId, c, { response: 'Given at the QA subgroup by the front door team manager: outcomes are sent to referrers who ask for them; a standard letter is being considered.', version: String(c.version) }, manager, at(addDays(schoolRaised, 35)));
  c = await fresh(school);
  await recordOutcome(db, partnershipId, c, { outcome: 'escalate', escalationReason: 'The response does not commit to telling every referrer the outcome, nor give a date. The QA subgroup asks the Executive to decide.', version: String(c.version) }, user(MANAGER), at(addDays(schoolRaised, 40)));

  // Health challenges the council on the timeliness of initial health assessment requests: no response, now overdue.
  const healthRaised = addDays(today, -50);
  await raise(healthRaised, {
    raisedByKind: 'agency', raisedByAgencyId: agency('icb'), raisedByName: 'Angela Morris, Designated Nurse', toAgencyId: agency('council')!,
    subject: 'Timeliness of initial health assessment requests',
    detail: 'Requests for initial health assessments reach health on average 9 working days after a child becomes looked after, against 5 agreed, so fewer than half of assessments are done within 20 working days. What will the council do to send requests on time?',
    groupId: groups.execs_plus, meetingId: null, responseDue: addDays(healthRaised, 28),
  }, user(NURSE));

  // The police challenge the trust on notifications of babies seen with injuries; answered, awaiting the outcome.
  const traumaRaised = addDays(today, -21);
  const trust = await raise(traumaRaised, {
    raisedByKind: 'agency', raisedByAgencyId: agency('police'), raisedByName: 'DI Claire Hughes', toAgencyId: agency('trust')!,
    subject: 'Notifying the police of non-mobile babies seen with injuries',
    detail: 'Two recent rapid reviews found the emergency department did not follow the bruising protocol for non-mobile babies. Is the protocol in use, and how is it audited?',
    groupId: groups.cspr, meetingId: null, responseDue: addDays(traumaRaised, 28),
  }, user(POLICE_LEAD));
  c = await fresh(trust);
  await respond(db, partnershipId, c, { response: 'Given at the CSPR subgroup: the protocol is on every emergency department computer; a monthly audit of 10 cases starts next month and will report to the subgroup.', version: String(c.version) }, manager, at(addDays(traumaRaised, 10)));
}
