import { sql } from 'kysely';
import type { Db } from '../create-db';
import type { ActionStatus } from '../schema-assurance';
import { addMonths } from '../../domain/calendar';
import { createActions } from '../../features/actions/actions.service';
import { addDays } from '../../features/actions/tracker.service';
import type { DemoGroups } from './assurance-groups';

/**
 * The tracker's own demo: the inspection's actions given the progress recorded on them over the months
 * since, and actions from the partnership's development day (source `other`) in every state: some on
 * track, some due soon, some overdue (so the reminders have work), one completed with its evidence and
 * one cancelled with its reason.
 */

type Step = { daysAgo: number; by: string; status: ActionStatus; note?: string; evidence?: string };

const MANAGER = 'business.manager@northmere.gov.uk';
const POLICE_LEAD = 'safeguarding.lead@nep.police.uk';
const NURSE = 'designated.nurse@nhs.net';
const DSL = 'dsl@riverside.sch.uk';

export async function seedActions(db: Db, opts: { partnershipId: number; today: string; agencies: Map<string, number>; groups: DemoGroups }) {
  const { partnershipId, today, groups } = opts;
  const agency = (key: string) => opts.agencies.get(key)!;
  const users = new Map((await db.selectFrom('app_user').select(['id', 'email']).where('email', 'in', [MANAGER, POLICE_LEAD, NURSE, DSL]).execute()).map((u) => [u.email, u.id]));
  const at = (daysAgo: number) => new Date(`${addDays(today, -daysAgo)}T10:30:00Z`);

  /** Dates an action as added on the day, and records its steps since; the action ends as the last step left it. */
  const history = async (id: string, addedDaysAgo: number, steps: Step[]) => {
    await sql`update action set created_at = ${at(addedDaysAgo)}, updated_at = ${at(addedDaysAgo)} where id = ${id}`.execute(db);
    await db.updateTable('action_update').set({ at: at(addedDaysAgo) }).where('action_id', '=', id).execute();
    if (steps.length === 0) return;
    await db.insertInto('action_update').values(steps.map((s) => ({
      action_id: id, partnership_id: partnershipId, at: at(s.daysAgo), user_id: users.get(s.by) ?? null, status: s.status, note: s.note ?? null, evidence: s.evidence ?? null,
    }))).execute();
    const last = steps.at(-1)!;
    const evidence = steps.filter((s) => s.evidence).at(-1)?.evidence ?? null;
    await db.updateTable('action').set({
      status: last.status, evidence, completed_at: last.status === 'completed' ? at(last.daysAgo) : null, updated_at: at(last.daysAgo), version: steps.length + 1,
    }).where('id', '=', id).execute();
  };

  // The inspection, eight months ago: its actions were added the week after the letter.
  const inspection = new Map((await db.selectFrom('action').select(['id', 'reference']).where('partnership_id', '=', partnershipId).where('source', '=', 'inspection').execute())
    .map((a) => [a.reference, a.id]));
  const added = daysBetween(addMonths(today, -8), today) - 7;
  const ilacs = (n: number) => inspection.get(`ILACS ${n}`);
  if (ilacs(1)) {
    await history(ilacs(1)!, added, [
      { daysAgo: added - 20, by: MANAGER, status: 'in_progress', note: 'Fortnightly audit sessions agreed with the MASH; the police invited to each.' },
      { daysAgo: added - 80, by: MANAGER, status: 'in_progress', note: 'Six sessions held; the police attended four.' },
      { daysAgo: 60, by: MANAGER, status: 'completed', evidence: 'Audit schedule in place since the spring; police attended 9 of the last 12 sessions, and the QA subgroup reads the findings each quarter.' },
    ]);
  }
  if (ilacs(2)) {
    await history(ilacs(2)!, added, [
      { daysAgo: added - 45, by: MANAGER, status: 'in_progress', note: 'First quarterly report of repeat plans to the QA subgroup: 14 children on a second or later plan.' },
      { daysAgo: 40, by: MANAGER, status: 'in_progress', note: 'Second report taken; the subgroup asked for the reasons behind each repeat plan to be sampled.' },
    ]);
  }
  if (ilacs(3)) {
    await history(ilacs(3)!, added, [
      { daysAgo: 95, by: POLICE_LEAD, status: 'in_progress', note: 'Draft attendance standard shared with children’s social care for comment.' },
      { daysAgo: 35, by: POLICE_LEAD, status: 'in_progress', note: 'Standard agreed in principle; the audit of attendance waits on the new rota.' },
    ]);
  }
  if (ilacs(4)) {
    await history(ilacs(4)!, added, [
      { daysAgo: 20, by: NURSE, status: 'open', note: 'Options paper for GP-led initial health assessments goes to the Executive next month.' },
    ]);
  }

  // The development day, five months ago: what practitioners asked of the partnership.
  const devDay = addMonths(today, -5);
  const recommendation = `From the partnership’s development day on ${new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${devDay}T00:00:00Z`))}.`;
  const [chronology, curiosity, notBrought, domesticAbuse, safeSleep, survey] = await createActions(db, partnershipId, [
    { source: 'other', reference: 'Dev day 1', recommendation: `${recommendation} Practitioners cannot see each other’s chronologies.`,
      description: 'Agree and publish one multi-agency chronology template.', ownerAgencyId: agency('council'), ownerUserId: users.get(MANAGER) ?? null,
      groupId: groups.learning, themes: ['information_sharing'], dueDate: addDays(today, -20) },
    { source: 'other', reference: 'Dev day 2', recommendation: `${recommendation} The last two rapid reviews found too little professional curiosity.`,
      description: 'Refresh the professional curiosity briefing with the lessons of the last two rapid reviews.', ownerAgencyId: agency('icb'), ownerUserId: users.get(NURSE) ?? null,
      groupId: groups.learning, themes: ['professional_curiosity'], dueDate: addDays(today, 5) },
    { source: 'other', reference: 'Dev day 3', recommendation: `${recommendation} Schools were unsure what to do when a child is not brought to appointments.`,
      description: 'Share the “was not brought” guidance with every school’s designated safeguarding lead.', ownerAgencyId: agency('school'),
      groupId: groups.neglect, themes: ['education', 'neglect'], dueDate: addDays(today, -7) },
    { source: 'other', reference: 'Dev day 4', recommendation: `${recommendation} Call-out records rarely say what the children saw or said.`,
      description: 'Brief response officers on recording the voice of the child at domestic abuse call-outs.', ownerAgencyId: agency('police'), ownerUserId: users.get(POLICE_LEAD) ?? null,
      groupId: groups.exploitation, themes: ['domestic_abuse', 'voice_of_the_child'], dueDate: addDays(today, 45) },
    { source: 'other', reference: 'Dev day 5', recommendation: `${recommendation} Safe sleep advice is given at birth but not checked later.`,
      description: 'Add the safe sleep assessment to the health visitor’s new birth visit template.', ownerAgencyId: agency('trust'), ownerName: 'Named nurse for safeguarding children',
      groupId: groups.cspr, themes: ['safe_sleep', 'non_mobile_babies'], dueDate: addDays(today, -30) },
    { source: 'other', reference: 'Dev day 6', recommendation: `${recommendation} Practitioners find the threshold document hard to apply.`,
      description: 'Survey practitioners on the threshold document.', ownerAgencyId: agency('council'), groupId: groups.qa, themes: ['thresholds'], dueDate: addDays(today, 30) },
  ], users.get(MANAGER) ?? null, at(150));
  const devAdded = daysBetween(devDay, today) - 3;
  await history(chronology!, devAdded, [
    { daysAgo: 110, by: MANAGER, status: 'in_progress', note: 'Templates of the council, the police and the trust compared; a draft goes to the Learning and Development subgroup.' },
    { daysAgo: 50, by: MANAGER, status: 'in_progress', note: 'Draft template tried by two MASH teams; health asked for a column for missed appointments.' },
  ]);
  await history(curiosity!, devAdded, [{ daysAgo: 30, by: NURSE, status: 'in_progress', note: 'Briefing redrafted; the case examples are with the review panel to check they identify no family.' }]);
  await history(notBrought!, devAdded, []);
  await history(domesticAbuse!, devAdded, [{ daysAgo: 25, by: POLICE_LEAD, status: 'in_progress', note: 'Briefing slot booked at each district’s training day.' }]);
  await history(safeSleep!, devAdded, [
    { daysAgo: 90, by: NURSE, status: 'in_progress', note: 'The trust agreed the change; the template is with the records team.' },
    { daysAgo: 45, by: NURSE, status: 'completed', evidence: 'New birth visit template live since the summer; an audit of 20 visits in September found the safe sleep assessment recorded in 19.' },
  ]);
  await history(survey!, devAdded, [
    { daysAgo: 70, by: MANAGER, status: 'cancelled', note: 'Replaced by the thresholds audit in the multi-agency audit programme, which looks at decisions rather than opinions.' },
  ]);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
