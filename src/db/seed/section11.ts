import type { Db } from '../create-db';
import type { Section11Rating } from '../schema-section11';
import { addMonths } from '../../domain/calendar';
import { closeCycle, planCycle } from '../../features/section11/cycles.service';
import { addComment, findReturn, saveAnswer, setPeerAgency, submitReturn, type NewActionRow } from '../../features/section11/returns.service';
import type { Mailer } from '../../platform/email';
import type { DemoGroups } from './assurance-groups';

/**
 * Section 11 for the demo: the cycle two years ago, closed, with all five agencies' returns submitted and
 * challenged at the peer review workshop (some ratings agreed lower or higher than the agency's own), its
 * actions from the standards below good mostly completed since; and this year's cycle, open and due in
 * three weeks, with the police's return submitted and under challenge, the council's submitted, the ICB's
 * and the hospital trust's in progress and the school's not started. The police and the council have
 * improved since the last cycle.
 */

const MANAGER = 'business.manager@northmere.gov.uk';
const AUTHORS: Record<string, string> = {
  police: 'safeguarding.lead@nep.police.uk',
  icb: 'designated.nurse@nhs.net',
  school: 'dsl@riverside.sch.uk',
  council: 'team.manager@northmere.gov.uk',
  trust: 'mash.health@nhs.net',
};

/** What an agency might say for each standard, good or better. */
const EVIDENCE = [
  'The chief officer chairs a safeguarding board each quarter; minutes show decisions on resources and the safeguarding risk register.',
  'The safeguarding policy was reviewed this year, is on the intranet and in every induction pack; contracts with providers include safeguarding clauses.',
  'A named designated lead and deputy; supervision records show safeguarding discussed monthly; the escalation procedure was used twice this year.',
  'Feedback from young people’s forums changed the opening hours of two services; complaints are reviewed for learning each quarter.',
  'Training needs analysis by role; 92% of staff are up to date with training at their level; multi-agency courses attended by 40 staff.',
  'Safer recruitment training for all panel chairs; DBS checks at the right level for every post; allegations referred to the LADO within one working day.',
  'Attendance at strategy discussions and conferences monitored monthly; the agency took part in both multi-agency audits this year.',
  'Information sharing guidance refreshed with the partnership’s; secure email with every partner; examples audited show timely sharing.',
];

/** What an agency might do where a standard is not yet met. */
const IMPROVEMENTS = [
  'Name a board member as safeguarding champion and report to the board each quarter',
  'Review the safeguarding policy with front-line staff and publish a version for families',
  'Audit supervision records for safeguarding discussion and act on the gaps',
  'Set up a young people’s panel to review one service each year',
  'Bring every team up to date with safeguarding training at its level',
  'Train every recruiting manager in safer recruitment and audit a sample of files',
  'Agree an attendance standard for strategy discussions and report against it monthly',
  'Roll out secure email to every team and audit information shared with the MASH',
];
const THEMES: string[][] = [[], [], ['professional_curiosity'], ['voice_of_the_child'], [], [], ['information_sharing'], ['information_sharing']];

type AgencyPlan = { ratings: number[]; agreed?: Record<number, number>; peer: string; challenge?: number };

const PREVIOUS: Record<string, AgencyPlan> = {
  council: { ratings: [3, 3, 2, 3, 2, 3, 3, 2], peer: 'police', challenge: 5, agreed: { 5: 2 } },
  police: { ratings: [3, 2, 3, 2, 3, 3, 2, 2], peer: 'icb', challenge: 7, agreed: { 7: 2, 1: 2 } },
  icb: { ratings: [4, 3, 3, 3, 3, 2, 3, 3], peer: 'trust', challenge: 1, agreed: { 1: 3 } },
  trust: { ratings: [3, 3, 3, 2, 3, 3, 3, 2], peer: 'school', challenge: 6, agreed: { 6: 2 } },
  school: { ratings: [3, 3, 3, 2, 3, 3, 2, 3], peer: 'council', challenge: 4, agreed: { 4: 3 } },
};

/** No email leaves a seed: the agencies were told at the time. */
const quiet: Mailer = {
  sends: false, send: async () => ({ id: '', status: 'queued' }), queue: async () => '', sendQueued: async () => undefined, retryUnsent: async () => ({ sent: 0, failed: 0 }),
};

const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const at = (date: string, hour = 10) => new Date(`${date}T${String(hour).padStart(2, '0')}:00:00Z`);
const dateParts = (prefix: string, iso: string) => {
  const [y, m, d] = iso.split('-');
  return { [`${prefix}-day`]: d!, [`${prefix}-month`]: m!, [`${prefix}-year`]: y! };
};

export async function seedSection11(db: Db, opts: { partnershipId: number; today: string; agencies: Map<string, number>; groups: DemoGroups }) {
  const { partnershipId: pid, today } = opts;
  const agency = (key: string) => opts.agencies.get(key)!;
  const users = new Map((await db.selectFrom('app_user').select(['id', 'email']).where('email', 'in', [MANAGER, ...Object.values(AUTHORS)]).execute()).map((u) => [u.email, u.id]));
  const manager = users.get(MANAGER)!;
  const author = (key: string) => users.get(AUTHORS[key]!)!;
  const keys = ['council', 'police', 'icb', 'trust', 'school'];
  // Cycles are named by the financial year they open in: "2026–27".
  const fyName = (date: string) => {
    const y = Number(date.slice(0, 4)) - (Number(date.slice(5, 7)) < 4 ? 1 : 0);
    return `${y}–${String(y + 1).slice(2)}`;
  };

  /** Plans and opens a cycle on its open date, as the business manager did. */
  const open = async (name: string, openDate: string, dueDate: string, invited: string[]) => {
    const { cycle, opening } = await planCycle(db, quiet, pid, {
      name, ...dateParts('openDate', openDate), ...dateParts('dueDate', dueDate), scoring: 'score', agencies: invited.map((k) => String(agency(k))),
    }, manager, at(openDate, 9), { publicUrl: '' });
    return { cycle, returns: new Map(opening!.returns.map((r) => [keys.find((k) => agency(k) === r.agencyId)!, r.returnId])) };
  };

  /** An agency's answers to the first `ratings.length` standards, saved on the day, with an action for each below good. */
  const answer = async (returnId: string, key: string, ratings: number[], on: string, actionsDue: string) => {
    const ret = await findReturn(db, pid, returnId);
    for (const [i, r] of ratings.entries()) {
      const s = ret.standards[i]!;
      const actions: NewActionRow[] = r <= 2 ? [{ row: 1, description: IMPROVEMENTS[i]!, dueDate: actionsDue, ownerName: null, themes: THEMES[i]! }] : [];
      const evidence = r <= 2 ? `Partly in place. ${EVIDENCE[i]!.split(';')[0]}, but not yet across the whole agency.` : EVIDENCE[i]!;
      await saveAnswer(db, pid, ret, s.standardId, { rating: String(r) as Section11Rating, evidence, version: 0, actions }, author(key), at(on, 11));
    }
    return ret;
  };

  // ---- Two years ago: closed, every return in and challenged ----
  const prevOpen = addMonths(today, -26);
  const prevDue = addMonths(prevOpen, 3);
  const previous = await open(fyName(prevOpen), prevOpen, prevDue, keys);
  for (const [n, key] of keys.entries()) {
    const plan = PREVIOUS[key]!;
    const returnId = previous.returns.get(key)!;
    const ret = await answer(returnId, key, plan.ratings, addDays(prevOpen, 20 + n * 5), addMonths(prevDue, 6));
    await submitReturn(db, pid, returnId, true, author(key), at(addDays(prevDue, -10 + n), 15));
    await setPeerAgency(db, pid, ret, String(agency(plan.peer)));
  }
  // The peer review workshop, a month after the due date.
  const workshop = addMonths(prevDue, 1);
  for (const key of keys) {
    const plan = PREVIOUS[key]!;
    const ret = await findReturn(db, pid, previous.returns.get(key)!);
    const s = ret.standards[plan.challenge! - 1]!;
    const peerLead = AUTHORS[plan.peer]!;
    const peer = { userId: users.get(peerLead)!, agencyId: agency(plan.peer), manage: false, contribute: true };
    await addComment(db, pid, ret, s.standardId, 'challenge', { comment: 'The evidence describes the policy: how do you know it is followed in practice? Is there an audit?' }, peer, at(workshop, 10));
    await addComment(db, pid, ret, s.standardId, 'response', { comment: 'Not yet audited: we will add a dip sample to next year’s audit plan and bring the results to the QA subgroup.' },
      { userId: author(key), agencyId: agency(key), manage: false, contribute: true }, at(workshop, 11));
    for (const [number, rating] of Object.entries(plan.agreed ?? {})) {
      const agreedOn = ret.standards[Number(number) - 1]!;
      await addComment(db, pid, ret, agreedOn.standardId, 'challenge', { comment: 'Agreed at the peer review workshop.', agreedRating: String(rating) },
        { userId: manager, agencyId: agency('council'), manage: true, contribute: false }, at(workshop, 12));
    }
  }
  await closeCycle(db, pid, previous.cycle.id, at(addMonths(prevDue, 3)));

  // Its actions since: nearly all done; the police's attendance standard still in progress and overdue.
  const prevActions = await db.selectFrom('action').select(['id', 'reference', 'owner_agency_id'])
    .where('partnership_id', '=', pid).where('source', '=', 'section_11').execute();
  for (const a of prevActions) {
    const stuck = a.owner_agency_id === agency('police') && a.reference.endsWith(' 7.1');
    const on = stuck ? addMonths(prevDue, 4) : addMonths(prevDue, 5);
    const status = stuck ? 'in_progress' as const : 'completed' as const;
    const evidence = stuck ? null : 'Done and reported to the QA subgroup, with the audit that shows it in place.';
    await db.insertInto('action_update').values({
      action_id: a.id, partnership_id: pid, at: at(on), user_id: null, status, note: stuck ? 'Standard agreed; monthly reporting not yet started.' : 'Completed.', evidence,
    }).execute();
    await db.updateTable('action').set({ status, evidence, completed_at: stuck ? null : at(on), updated_at: at(on), version: 2, group_id: opts.groups.qa })
      .where('id', '=', a.id).execute();
  }

  // ---- This year: open, due in three weeks ----
  const curOpen = addMonths(today, -2);
  const current = await open(fyName(curOpen), curOpen, addDays(today, 21), keys);
  const actionsDue = addMonths(today, 5);
  const police = await answer(current.returns.get('police')!, 'police', [3, 3, 3, 3, 3, 3, 3, 2], addDays(curOpen, 21), actionsDue);
  await submitReturn(db, pid, police.id, true, author('police'), at(addDays(curOpen, 30), 16));
  await setPeerAgency(db, pid, police, String(agency('icb')));
  await addComment(db, pid, await findReturn(db, pid, police.id), police.standards[7]!.standardId, 'challenge',
    { comment: 'Secure email is now in place: what is left before this standard is met?' }, { userId: manager, agencyId: agency('council'), manage: true, contribute: false },
    at(addDays(today, -3), 14));
  const council = await answer(current.returns.get('council')!, 'council', [3, 3, 3, 3, 3, 3, 4, 3], addDays(curOpen, 25), actionsDue);
  await submitReturn(db, pid, council.id, true, author('council'), at(addDays(curOpen, 35), 12));
  await setPeerAgency(db, pid, council, String(agency('school')));
  await answer(current.returns.get('icb')!, 'icb', [4, 3, 3, 2], addDays(today, -10), actionsDue);
  await answer(current.returns.get('trust')!, 'trust', [3, 3], addDays(today, -5), actionsDue);

  await db.updateTable('action').set({ group_id: opts.groups.qa }).where('partnership_id', '=', pid).where('source', '=', 'section_11').where('group_id', 'is', null).execute();
  return { previousCycleId: previous.cycle.id, currentCycleId: current.cycle.id };
}
