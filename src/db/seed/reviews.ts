import { sql, type Insertable } from 'kysely';
import type { Db } from '../create-db';
import type { ActionStatus } from '../schema-assurance';
import type { ReviewTable } from '../schema-reviews';
import { addMonths, addWorkingDays, workingDaysBetween } from '../../domain/calendar';
import { createActions, type NewAction } from '../../features/actions/actions.service';
import { financialYearOf, referenceOf, standardMilestones } from '../../features/reviews/review-clocks';
import type { DemoGroups } from './assurance-groups';

/**
 * Serious incidents and reviews as the seed report describes the Child Safeguarding Practice Review
 * Group's year: in the last financial year one rapid review held, two practice reviews completed and
 * published (both about the chronic neglect of a child, begun the year before) and an appreciative enquiry
 * after an earlier rapid review. And the work in flight today: a notification with two working days left,
 * a rapid review whose agencies' returns are in bar the police's, and a practice review part way through
 * its milestones. Recommendations have actions in the tracker in every state. Summaries never name a child.
 */

type Ctx = { partnershipId: number; today: string; agencies: Map<string, number>; groups: DemoGroups };
type Step = { on: string; status: ActionStatus; note?: string; evidence?: string };
type DemoAction = { description: string; agency: string; owner?: string; ownerName?: string; due: string; steps?: Step[] };

const MANAGER = 'business.manager@northmere.gov.uk';
const LEADS = { police: 'safeguarding.lead@nep.police.uk', icb: 'designated.nurse@nhs.net', school: 'dsl@riverside.sch.uk' } as const;

const days = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const noon = (date: string) => new Date(`${date}T12:00:00Z`);

/** The working day `n` working days before `date`. */
function workingDaysBefore(date: string, n: number): string {
  let d = date;
  while (workingDaysBetween(d, date) < n) d = days(d, -1);
  return d;
}

export async function seedReviews(db: Db, ctx: Ctx): Promise<void> {
  const { partnershipId, today } = ctx;
  const agency = (key: string) => ctx.agencies.get(key)!;
  const users = new Map((await db.selectFrom('app_user').select(['id', 'email']).where('email', 'in', [MANAGER, ...Object.values(LEADS)]).execute()).map((u) => [u.email, u.id]));
  const manager = users.get(MANAGER) ?? null;
  const lastYear = financialYearOf(days(financialYearOf(today).from, -1));
  const L = lastYear.from;
  const numbers = new Map<number, number>();

  /** A review with its reference numbered in the year of becoming aware, and the agencies involved. */
  const review = async (values: Omit<Insertable<ReviewTable>, 'partnership_id' | 'ref_year' | 'ref_number' | 'reference' | 'updated_at'>, involved: string[]) => {
    const year = Number(values.aware_on.slice(0, 4));
    const number = (numbers.get(year) ?? 0) + 1;
    numbers.set(year, number);
    const row = await db.insertInto('review').values({
      ...values, partnership_id: partnershipId, ref_year: year, ref_number: number, reference: referenceOf(values.notify_decision ?? null, year, number),
      created_by: manager, created_at: noon(values.aware_on), updated_at: noon(values.closed_on ?? values.cspr_published_on ?? values.rr_sent_on ?? values.aware_on),
    }).returning(['id', 'reference']).executeTakeFirstOrThrow();
    await db.insertInto('review_agency').values(involved.map((k) => ({ review_id: row.id, agency_id: agency(k), partnership_id: partnershipId }))).execute();
    return row;
  };

  /** Submits agencies' information returns on the day given; a draft has no date. */
  const returns = async (reviewId: string, items: { agency: string; on: string | null; chronology: string; learning: string | null; by?: string }[]) => {
    for (const r of items) {
      await db.updateTable('review_agency').set({
        status: r.on ? 'submitted' : 'draft', chronology: r.chronology, learning: r.learning,
        submitted_at: r.on ? noon(r.on) : null, submitted_by: r.on ? users.get(r.by ?? MANAGER) ?? null : null,
        updated_at: noon(r.on ?? today), updated_by: users.get(r.by ?? MANAGER) ?? null, version: 2,
      }).where('review_id', '=', reviewId).where('agency_id', '=', agency(r.agency)).execute();
    }
  };

  /** A recommendation and its actions, added on the day, each action then taking the steps given. */
  const recommend = async (reviewId: string, reference: string, number: number, text: string, on: string, themes: string[], actions: DemoAction[]) => {
    await db.insertInto('review_recommendation').values({ review_id: reviewId, partnership_id: partnershipId, number, text, created_by: manager, created_at: noon(on) }).execute();
    const ids = await createActions(db, partnershipId, actions.map((a): NewAction => ({
      source: 'review', sourceId: reviewId, reference: `${reference} R${number}`, recommendation: text, description: a.description,
      ownerAgencyId: agency(a.agency), ownerUserId: a.owner ? users.get(a.owner) ?? null : null, ownerName: a.ownerName ?? null,
      groupId: ctx.groups.cspr, themes, dueDate: a.due,
    })), manager, noon(on));
    for (const [i, a] of actions.entries()) {
      const id = ids[i]!;
      const steps = a.steps ?? [];
      await sql`update action set created_at = ${noon(on)}, updated_at = ${noon(on)} where id = ${id}`.execute(db);
      await db.updateTable('action_update').set({ at: noon(on) }).where('action_id', '=', id).execute();
      if (!steps.length) continue;
      const by = a.owner ? users.get(a.owner) ?? manager : manager;
      await db.insertInto('action_update').values(steps.map((s) => ({
        action_id: id, partnership_id: partnershipId, at: noon(s.on), user_id: by, status: s.status, note: s.note ?? null, evidence: s.evidence ?? null,
      }))).execute();
      const last = steps.at(-1)!;
      await db.updateTable('action').set({
        status: last.status, evidence: steps.filter((s) => s.evidence).at(-1)?.evidence ?? null,
        completed_at: last.status === 'completed' ? noon(last.on) : null, updated_at: noon(last.on), version: steps.length + 1,
      }).where('id', '=', id).execute();
    }
  };

  const milestones = async (reviewId: string, commissionedOn: string, publicationDue: string, doneUpTo: string | null) => {
    await db.insertInto('review_milestone').values(standardMilestones(commissionedOn, publicationDue).map((m) => ({
      review_id: reviewId, partnership_id: partnershipId, name: m.name, due_on: m.due_on,
      completed_on: doneUpTo && m.due_on <= doneUpTo ? days(m.due_on, -3) : null,
    }))).execute();
  };

  const briefing = (reviewId: string, title: string, keyMessages: string[], audience: string, publishedOn: string | null) =>
    db.insertInto('learning_briefing').values({
      review_id: reviewId, partnership_id: partnershipId, title, key_messages: keyMessages.join('\n'), audience, published_on: publishedOn,
      created_by: manager, created_at: noon(publishedOn ?? today), updated_at: noon(publishedOn ?? today),
    }).execute();

  const link = async (reviewId: string, childIds: string[], on: string) => {
    for (const [i, childId] of childIds.entries()) {
      await db.insertInto('review_child').values({ review_id: reviewId, child_id: childId, partnership_id: partnershipId, position: i + 1, linked_at: noon(on), linked_by: manager }).execute();
    }
  };

  // Children of the journey the reviews concern: on a plan for neglect, a baby, a teenager, a child of primary age.
  const neglected = (await db.selectFrom('cp_plan as p').innerJoin('referral as r', 'r.id', 'p.referral_id').innerJoin('child as c', 'c.id', 'r.child_id').select(['c.id', 'c.la_child_id']).distinct()
    .where('p.partnership_id', '=', partnershipId).where('p.initial_category', '=', 'NEG').orderBy('c.la_child_id').limit(2).execute()).map((r) => r.id);
  const aged = async (from: number, to: number) => (await db.selectFrom('child').select('id').where('partnership_id', '=', partnershipId)
    .where('date_of_birth', '>', addMonths(today, -12 * to)).where('date_of_birth', '<=', addMonths(today, -12 * from)).orderBy('la_child_id').limit(1).executeTakeFirst())?.id;
  const [baby, teenager, primary] = await Promise.all([aged(0, 1), aged(14, 17), aged(6, 10)]);

  // ---- Before and in the last financial year -----------------------------------------------------------

  // Two practice reviews begun the year before and completed and published in the last year: both about chronic neglect.
  const neglectReviews = [
    { aware: addMonths(L, -14), completed: addMonths(L, 2), published: addMonths(L, 5), closed: addMonths(L, 11), child: neglected[0],
      summary: 'A boy of seven was admitted to hospital malnourished and with untreated dental decay. The family had been known to services for several years.' },
    { aware: addMonths(L, -10), completed: addMonths(L, 8), published: addMonths(L, 10), closed: null, child: neglected[1],
      summary: 'A girl of four was found alone at home in poor conditions; she was underweight and had missed her health reviews and nursery for months.' },
  ];
  const neglectIds: { id: string; reference: string }[] = [];
  for (const [i, n] of neglectReviews.entries()) {
    const notified = addWorkingDays(n.aware, 3);
    const meeting = addWorkingDays(notified, 11);
    const sent = addWorkingDays(notified, 14);
    const r = await review({
      aware_on: n.aware, summary: n.summary, abuse_or_neglect: 'known', harm: 'serious_harm',
      notify_decision: 'notify', notify_rationale: 'Neglect is known and the child was seriously harmed: the criteria are met.', decided_on: addWorkingDays(n.aware, 2), notified_on: notified,
      rr_meeting_on: meeting, rr_decision: 'practice_review', rr_decided_on: meeting, rr_sent_on: sent,
      rr_rationale: 'The agencies’ returns show missed opportunities over several years and learning for the whole partnership about chronic neglect.',
      panel_response: 'agrees', panel_response_on: days(sent, 21), panel_note: 'The Panel agrees that a local review is appropriate.',
      cspr_commissioned_on: meeting, cspr_lead_reviewer: i === 0 ? 'Margaret Okafor' : 'David Lennox', cspr_reviewer_independent: true,
      cspr_terms: 'The review looks at the three years before the incident: how agencies recognised and responded to neglect, how the child’s lived experience was understood, and how professionals challenged one another when little changed.',
      cspr_completed_on: n.completed, cspr_published_on: n.published,
      cspr_publication_url: `https://www.northmerescp.org.uk/practice-reviews/${n.aware.slice(0, 4)}-${i + 1}`,
      themes: ['neglect', 'voice_of_the_child', 'professional_curiosity'], closed_on: n.closed,
      closing_note: n.closed ? 'All actions complete; the learning is part of the neglect training and the neglect strategy refresh.' : null,
    }, ['council', 'police', 'icb', 'trust', 'school']);
    neglectIds.push(r);
    await milestones(r.id, meeting, addMonths(meeting, 6), n.completed);
    await returns(r.id, ['council', 'police', 'icb', 'trust', 'school'].map((k) => ({
      agency: k, on: addWorkingDays(notified, 8), by: k in LEADS ? LEADS[k as keyof typeof LEADS] : MANAGER,
      chronology: 'Contacts over three years, in date order, with what was known of the home conditions at each.', learning: 'The drift in the plan was not challenged; the child was rarely seen alone.',
    })));
    if (n.child) await link(r.id, [n.child], notified);
    await briefing(r.id, i === 0 ? 'Chronic neglect: seeing the child' : 'Chronic neglect: when nothing changes',
      ['Neglect harms children cumulatively: look at the history, not the latest visit.', 'See the child alone and record what they say and how they present.',
        'When a plan drifts, escalate: use the partnership’s resolution protocol.', 'Missed health and nursery appointments are information: share them.'],
      'All practitioners working with children and families', days(n.published, 14));
  }
  const [first, second] = neglectIds;
  const L2 = addMonths(L, 2);
  await recommend(first!.id, first!.reference, 1, 'Partners should use the neglect toolkit at every review of a child in need or protection plan where neglect is a feature.', L2, ['neglect'], [
    { description: 'Relaunch the neglect toolkit with briefings for every social work team.', agency: 'council', due: addMonths(L, 5), steps: [{ on: addMonths(L, 4), status: 'completed', evidence: 'Toolkit relaunched in September; 11 team briefings held, 142 staff attended.' }] },
    { description: 'Add the toolkit to the health visiting record so its score is visible at each contact.', agency: 'trust', ownerName: 'Head of health visiting', due: addMonths(L, 7), steps: [{ on: addMonths(L, 6), status: 'completed', evidence: 'Toolkit score field live in the health visiting record since November.' }] },
  ]);
  await recommend(first!.id, first!.reference, 2, 'Schools should share persistent absence of a child on a plan with the lead social worker within a week.', L2, ['education', 'information_sharing'], [
    { description: 'Agree the absence-sharing standard with the designated safeguarding leads’ network.', agency: 'school', owner: LEADS.school, due: addMonths(L, 6), steps: [{ on: addMonths(L, 6), status: 'completed', evidence: 'Standard agreed at the DSL network in October and added to the schools’ safeguarding policy template.' }] },
  ]);
  const L10 = addMonths(L, 10);
  await recommend(second!.id, second!.reference, 1, 'Health partners should follow up missed developmental reviews of children known to children’s social care.', L10, ['neglect', 'information_sharing'], [
    { description: 'Audit follow-up of missed 2-year reviews for children on plans.', agency: 'icb', owner: LEADS.icb, due: days(today, -30),
      steps: [{ on: addMonths(L, 11), status: 'in_progress', note: 'Audit tool agreed; sample of 30 children drawn.' }] },
    { description: 'Add missed health reviews to the strategy discussion checklist.', agency: 'council', due: addMonths(L, 12), steps: [{ on: days(addMonths(L, 12), -10), status: 'completed', evidence: 'Checklist updated and in use since March; seen in 8 of 10 strategy records audited.' }] },
  ]);
  await recommend(second!.id, second!.reference, 2, 'Police officers attending homes should record and share the conditions children live in.', L10, ['neglect'], [
    { description: 'Add home conditions to the police’s child concern form and brief response officers.', agency: 'police', owner: LEADS.police, due: days(today, -45),
      steps: [{ on: addMonths(L, 11), status: 'in_progress', note: 'Form change requested from the force’s systems team.' }] },
    { description: 'Include the learning in the neglect module of the multi-agency training programme.', agency: 'council', ownerName: 'Training coordinator', due: addMonths(today, 2) },
  ]);

  // An appreciative enquiry after a rapid review before the last year, completed in it.
  const aeAware = addMonths(L, -3);
  const aeNotified = addWorkingDays(aeAware, 4);
  const ae = await review({
    aware_on: aeAware, summary: 'A baby of six weeks was found unresponsive after co-sleeping with a parent who had been drinking. The baby survived with a brain injury.',
    abuse_or_neglect: 'suspected', harm: 'serious_harm', notify_decision: 'notify', notify_rationale: 'Neglect is suspected and the baby was seriously harmed.',
    decided_on: addWorkingDays(aeAware, 3), notified_on: aeNotified, rr_meeting_on: addWorkingDays(aeNotified, 10), rr_decision: 'other_learning', other_learning: 'Appreciative enquiry',
    rr_rationale: 'Agencies worked well together after the birth; an appreciative enquiry will draw out what went well and the safe sleep learning without a full review.',
    rr_decided_on: addWorkingDays(aeNotified, 10), rr_sent_on: addWorkingDays(aeNotified, 13), panel_response: 'agrees', panel_response_on: days(addWorkingDays(aeNotified, 13), 18),
    other_learning_completed_on: addMonths(L, 3), themes: ['safe_sleep', 'parental_substance_misuse'], closed_on: addMonths(L, 5),
    closing_note: 'The appreciative enquiry’s learning was shared at two practitioner events and in a briefing.',
  }, ['council', 'trust', 'icb']);
  await returns(ae.id, ['council', 'trust', 'icb'].map((k) => ({ agency: k, on: addWorkingDays(aeNotified, 7), by: k === 'icb' ? LEADS.icb : MANAGER,
    chronology: 'Antenatal and postnatal contacts, with the safe sleep advice given at each.', learning: 'Safe sleep advice was given but not tailored to parents who drink.' })));
  await briefing(ae.id, 'Safe sleep when parents drink or use drugs', ['Ask about alcohol and drug use at every safe sleep conversation.', 'Plan for nights out and celebrations, not just an ordinary night.',
    'Give the advice to both parents and to anyone else who cares for the baby.'], 'Midwives, health visitors, GPs and family workers', addMonths(L, 4));
  await recommend(ae.id, ae.reference, 1, 'Safe sleep conversations should cover alcohol and drug use and be recorded.', addMonths(L, 3), ['safe_sleep'], [
    { description: 'Update the safe sleep assessment in the maternity and health visiting records.', agency: 'trust', ownerName: 'Named midwife for safeguarding', due: addMonths(L, 6),
      steps: [{ on: addMonths(L, 5), status: 'completed', evidence: 'Assessment updated; audit of 40 records shows the question asked in 37.' }] },
  ]);

  // The rapid review held in the last financial year: no practice review; its learning through actions. If
  // the practice review in flight had its rapid review in the last year too, this one was held the year before.
  const csprAware = addMonths(today, -4);
  const csprNotified = addWorkingDays(csprAware, 2);
  const csprMeeting = addWorkingDays(csprNotified, 12);
  const inLastYear = csprMeeting >= L && csprMeeting <= lastYear.to;
  const rrAware2 = inLastYear ? addMonths(L, -2) : addMonths(L, 6);
  const rrNotified2 = addWorkingDays(rrAware2, 4);
  const held = await review({
    aware_on: rrAware2, summary: 'A girl of fourteen took an overdose after being sexually exploited by older men she met online.',
    abuse_or_neglect: 'known', harm: 'serious_harm', notify_decision: 'notify', notify_rationale: 'Sexual abuse is known and the child was seriously harmed.',
    decided_on: addWorkingDays(rrAware2, 3), notified_on: rrNotified2, rr_meeting_on: addWorkingDays(rrNotified2, 12), rr_decision: 'no_practice_review',
    rr_rationale: 'The learning is already being taken forward by the exploitation working group; a practice review would not add to it.',
    rr_decided_on: addWorkingDays(rrNotified2, 12), rr_sent_on: addWorkingDays(rrNotified2, 15), panel_response: 'agrees',
    panel_response_on: days(addWorkingDays(rrNotified2, 15), 15), themes: ['exploitation', 'online_harm'],
  }, ['council', 'police', 'icb', 'school']);
  await returns(held.id, ['council', 'police', 'icb', 'school'].map((k) => ({ agency: k, on: addWorkingDays(rrNotified2, 9), by: k in LEADS ? LEADS[k as keyof typeof LEADS] : MANAGER,
    chronology: 'Contacts in the year before, with the exploitation screening at each.', learning: 'Online risk was not part of the exploitation screening.' })));
  await recommend(held.id, held.reference, 1, 'The exploitation screening tool should ask about online contact with adults.', addWorkingDays(rrNotified2, 12), ['exploitation', 'online_harm'], [
    { description: 'Revise the exploitation screening tool and train MASH staff in it.', agency: 'council', ownerName: 'Exploitation lead', due: days(rrNotified2, 120),
      steps: [{ on: days(rrNotified2, 110), status: 'completed', evidence: 'Tool revised and in use in the MASH; 24 staff trained.' }] },
    { description: 'Brief school designated safeguarding leads on online grooming.', agency: 'school', owner: LEADS.school, due: addMonths(today, 1),
      steps: [{ on: days(today, -14), status: 'in_progress', note: 'Briefing written; two of four cluster meetings held.' }] },
  ]);

  // ---- Work in flight today ------------------------------------------------------------------------------

  // A practice review part way through its milestones.
  const cspr = await review({
    aware_on: csprAware, summary: 'A girl of eight was seriously injured by her mother’s partner. There had been police call-outs to domestic incidents at the home.',
    abuse_or_neglect: 'known', harm: 'serious_harm', notify_decision: 'notify', notify_rationale: 'Physical abuse is known and the child was seriously harmed.',
    decided_on: addWorkingDays(csprAware, 1), notified_on: csprNotified, rr_meeting_on: csprMeeting, rr_decision: 'practice_review', rr_decided_on: csprMeeting,
    rr_rationale: 'Several agencies knew of the domestic abuse; how its risk to the child was assessed needs a partnership review.',
    rr_sent_on: addWorkingDays(csprNotified, 14), panel_response: 'agrees', panel_response_on: days(addWorkingDays(csprNotified, 14), 20),
    cspr_commissioned_on: csprMeeting, cspr_lead_reviewer: 'Professor Anne Whitfield', cspr_reviewer_independent: true,
    cspr_terms: 'How agencies assessed the risk to the child from domestic abuse in the year before the injury; the voice of the child; how the mother’s partner was known to services.',
    themes: ['domestic_abuse', 'hidden_men', 'voice_of_the_child'],
  }, ['council', 'police', 'icb', 'school']);
  await returns(cspr.id, [
    { agency: 'council', on: addWorkingDays(csprNotified, 8), chronology: 'Two contacts after police call-outs; both closed with advice.', learning: 'The partner was not assessed.' },
    { agency: 'police', on: addWorkingDays(csprNotified, 9), by: LEADS.police, chronology: 'Four domestic incidents in eleven months; DASH risk medium each time.', learning: 'The child’s presence was not recorded at two incidents.' },
    { agency: 'icb', on: addWorkingDays(csprNotified, 7), by: LEADS.icb, chronology: 'GP consultations with the mother about low mood.', learning: 'Routine enquiry about domestic abuse was not made.' },
    { agency: 'school', on: addWorkingDays(csprNotified, 9), by: LEADS.school, chronology: 'Operation Encompass notifications received for two incidents.', learning: 'The notifications were not shared with the class teacher.' },
  ]);
  // Due in this order: terms of reference and the practitioner event done, family engagement late, the draft report and sign-off ahead.
  const plan = standardMilestones(csprMeeting, addMonths(csprMeeting, 6));
  await db.insertInto('review_milestone').values(plan.map((m, i) => ({
    review_id: cspr.id, partnership_id: partnershipId, name: m.name, due_on: i === 2 ? days(today, -10) : m.due_on,
    completed_on: i < 2 && m.due_on <= today ? days(m.due_on, -2) : null,
  }))).execute();
  if (primary) await link(cspr.id, [primary], csprNotified);
  await recommend(cspr.id, cspr.reference, 1, 'Police should record whether children were present at every domestic incident and share it with the school the next morning.', csprMeeting, ['domestic_abuse', 'information_sharing'], [
    { description: 'Make the child-present field mandatory in the domestic abuse form.', agency: 'police', owner: LEADS.police, due: addMonths(today, 1),
      steps: [{ on: days(today, -20), status: 'in_progress', note: 'Change approved by the force; testing under way.' }] },
  ]);

  // A serious incident two months ago that did not meet the criteria: not notified, closed.
  const notNotifiedAware = addMonths(today, -2);
  await review({
    aware_on: notNotifiedAware, summary: 'A toddler was admitted with a head injury after a fall from a high chair; the explanation fits the injury and the family are not known to services.',
    abuse_or_neglect: 'neither', harm: 'serious_harm', notify_decision: 'not_notify', decided_on: addWorkingDays(notNotifiedAware, 2),
    notify_rationale: 'No abuse or neglect is known or suspected: the hospital’s child protection team and the police are satisfied the injury was accidental.',
    closed_on: addWorkingDays(notNotifiedAware, 3), closing_note: 'Not notified. Safety advice given by the health visitor.',
  }, ['trust', 'police']);

  // A rapid review in progress: the agencies' returns in, bar the police's; a school's still in draft.
  const rrNotified = workingDaysBefore(today, 10);
  const rrAware = workingDaysBefore(rrNotified, 2);
  const rapid = await review({
    aware_on: rrAware, summary: 'A baby of three months was taken to hospital with a fractured arm and bruising to the face. The explanation given does not fit the injuries.',
    abuse_or_neglect: 'suspected', harm: 'serious_harm', notify_decision: 'notify', notify_rationale: 'Abuse is suspected and the baby was seriously harmed.',
    decided_on: rrNotified, notified_on: rrNotified, themes: ['non_mobile_babies'],
  }, ['council', 'police', 'icb', 'trust', 'school']);
  await returns(rapid.id, [
    { agency: 'council', on: workingDaysBefore(today, 3), chronology: 'An older sibling was on a child in need plan until last year.', learning: 'The baby’s birth was not shared with the sibling’s former social worker.' },
    { agency: 'icb', on: workingDaysBefore(today, 4), by: LEADS.icb, chronology: 'GP saw the baby at 8 weeks for immunisations; no concerns recorded.', learning: 'No learning identified yet.' },
    { agency: 'trust', on: workingDaysBefore(today, 2), chronology: 'Health visitor new birth visit and 6-week contact; a small mark on the cheek seen at 6 weeks.', learning: 'The bruising protocol for non-mobile babies was not followed at the 6-week contact.' },
    { agency: 'school', on: null, by: LEADS.school, chronology: 'The older sibling attends Riverside Academy; attendance 89%.', learning: null },
  ]);
  if (baby) await link(rapid.id, [baby], rrNotified);

  // A notification with its five working day clock running: two working days left.
  const notifying = await review({
    aware_on: workingDaysBefore(today, 3), summary: 'A boy of fifteen was stabbed in the town centre. He had been reported missing three times this year and is thought to be criminally exploited.',
    abuse_or_neglect: 'suspected', harm: 'serious_harm', themes: ['exploitation', 'adolescent_risk'],
  }, ['council', 'police', 'school', 'trust']);
  if (teenager) await link(notifying.id, [teenager], today);
}
