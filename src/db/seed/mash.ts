import type { Db } from '../create-db';
import type { MashDecision, Rag } from '../schema';
import { createContact, type ContactChild, type ContactInput } from '../../features/front-door/contacts.service';
import { DEFAULT_MASH_SETTINGS, checkDueAt } from '../../features/mash/mash-clock';
import { decideEnquiry } from '../../features/mash/mash.service';
import { createMailer } from '../../platform/email';

/**
 * The demo's MASH: eight open enquiries with the police's, health's and the school's checks in every
 * state (answered, one need-to-know, due soon, overdue and escalated), and eighteen enquiries decided
 * over the last five months, the referrals among them opened (re-referrals flagged) and each referrer
 * told. Made through the front door's and the MASH's services, so the demo keeps their rules.
 */

export type MashSeedInput = {
  partnershipId: number;
  now: Date;
  agencies: { police: number; trust: number; school: number };
  /** Emails of the team manager who opens and decides enquiries, and of each agency's MASH officer. */
  manager: string;
  officers: { police: string; trust: string; school: string };
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
type Agency = keyof MashSeedInput['agencies'];
/** What an agency's check is doing: answered (need-to-know or not), still open, or overdue and escalated. */
type CheckState = 'done' | 'need_to_know' | 'open' | 'overdue';

type OpenSpec = { rag: Rag; hoursAgo: number; children: ContactChild[]; source: string; reason: string; referrer: ContactInput['referrer']; checks: Partial<Record<Agency, CheckState>> };

const ANSWERS: Record<Agency, string[]> = {
  police: [
    'Two domestic incidents at the address in the last year (March and October), both verbal, no arrests. Mother’s partner has a caution for assault (2019).',
    'No police information held on the children or the adults at the address.',
    'Father is subject to a current investigation for harassment of a former partner. Bail conditions prevent contact with her; none relating to the children.',
  ],
  trust: [
    'Known to the health visiting team. Development checks up to date; mother missed two appointments in the summer and reported low mood.',
    'Attended the emergency department twice this year (a head injury from a fall, an ingested battery); both explanations were consistent.',
    'No concerns recorded by the GP practice. The youngest child’s immunisations are outstanding.',
  ],
  school: [
    'Attendance 88% this year. Often late on Mondays. Staff note the child is withdrawn after weekends and has talked about “shouting at home”.',
    'No concerns. Attendance 97%; the child is settled and achieving well.',
    'Attendance 74%. Free school meals. Two incidents of aggressive behaviour towards peers this term; parents have not come to meetings.',
  ],
};

const OPEN: OpenSpec[] = [
  { rag: 'red', hoursAgo: 2, source: '6', checks: { police: 'done', trust: 'open', school: 'open' },
    children: [{ firstName: 'Kayden', lastName: 'Marsh', dateOfBirth: '2017-05-14' }, { firstName: 'Lola', lastName: 'Marsh', dateOfBirth: '2020-11-02' }],
    reason: 'Police attended a domestic incident overnight; mother had a cut to her head and both children were in the house.',
    referrer: { name: 'PC Sarah Holt', role: 'Police officer', email: 'mash.referrals@nep.police.uk' } },
  { rag: 'red', hoursAgo: 0, source: '3E', checks: { police: 'overdue', trust: 'need_to_know', school: 'done' },
    children: [{ firstName: 'Ruby', lastName: 'Okafor', dateOfBirth: '2011-08-21' }],
    reason: 'A 15-year-old attended A&E after an overdose; she said an older man she met online has been giving her alcohol.',
    referrer: { name: 'Dr Hannah Moss', role: 'Emergency department', email: 'safeguarding@nhs.net' } },
  { rag: 'amber', hoursAgo: 5, source: '2A', checks: { police: 'done', trust: 'done', school: 'done' },
    children: [{ firstName: 'Theo', lastName: 'Baines', dateOfBirth: '2015-02-09' }],
    reason: 'The child came to school with a bruise to the cheek and said “mum’s boyfriend did it”, then changed his story.',
    referrer: { name: 'Mrs Claire Dawson', role: 'Designated safeguarding lead', email: 'dsl@riverside.sch.uk' } },
  { rag: 'amber', hoursAgo: 0, source: '4', checks: { police: 'open', trust: 'overdue', school: 'done' },
    children: [{ firstName: 'Ivy', lastName: 'Carr', dateOfBirth: '2019-04-30' }, { firstName: 'Noah', lastName: 'Carr', dateOfBirth: '2022-01-12' }],
    reason: 'Housing officer found the flat without heating or food; the children appeared unwashed and the mother was intoxicated.',
    referrer: { name: 'Gary Ince', role: 'Housing officer', agencyName: 'Northmere Homes', email: 'g.ince@northmerehomes.org.uk' } },
  { rag: 'amber', hoursAgo: 3, source: '1A', checks: { police: 'open', trust: 'open', school: 'open' },
    children: [{ firstName: 'Maisie', lastName: 'Doyle', dateOfBirth: '2013-10-05' }],
    reason: 'Grandmother reports that Maisie’s father has started drinking heavily again and has been driving her to school drunk.',
    referrer: { name: 'Patricia Doyle', role: 'Grandmother' } },
  { rag: 'green', hoursAgo: 20, source: '3B', checks: { police: 'done', trust: 'done', school: 'open' },
    children: [{ firstName: 'Oscar', lastName: 'Wynne', dateOfBirth: '2024-06-18' }, { firstName: 'Evie', lastName: 'Wynne', dateOfBirth: '2016-12-01' }],
    reason: 'Health visitor is worried about the mother’s low mood and the baby’s weight, which has dropped two centiles.',
    referrer: { name: 'Sue Patel', role: 'Health visitor', email: 'sue.patel@nhs.net' } },
  { rag: 'green', hoursAgo: 30, source: '8', checks: { police: 'done', school: 'open' },
    children: [{ firstName: 'Jayden', lastName: 'Price', dateOfBirth: '2012-03-27' }],
    reason: 'Youth club worker saw Jayden with large amounts of cash and a new phone, with older boys known for selling drugs.',
    referrer: { name: 'Marcus Bell', role: 'Youth worker', agencyName: 'Eastside Youth Club', email: 'marcus@eastsideyouth.org.uk' } },
  { rag: 'amber', hoursAgo: 1, source: '9', checks: {},
    children: [{ firstName: 'Amelia', lastName: 'Hughes', dateOfBirth: '2018-07-07' }],
    reason: 'Anonymous caller says the child is left alone in the evenings and has been seen crying at the window.',
    referrer: {} },
];

const DECISIONS: MashDecision[] = ['referral', 'information_advice', 'early_help', 'nfa', 'referral', 'early_help', 'strategy_discussion', 'information_advice',
  'referral', 'early_help', 'nfa', 'referral', 'information_advice', 'early_help', 'strategy_discussion', 'referral', 'nfa', 'information_advice'];

const SUMMARIES: Record<MashDecision, string> = {
  nfa: 'Checks found no current concerns; the incident was a one-off and the family have support in place. No further action.',
  information_advice: 'Checks show a family coping with some support. The referrer and the family were given advice and the local support offer.',
  early_help: 'The family need help but the threshold for social care is not met. Family agree to an early help assessment with the family support team.',
  referral: 'Police and health information show a pattern of incidents and a child at risk of significant harm. Referred for a social work assessment.',
  strategy_discussion: 'A child may be suffering significant harm: the police report and the injury together call for an immediate strategy discussion.',
};

const FIRST = ['Aaliyah', 'Ben', 'Chloe', 'Darius', 'Ella', 'Finley', 'Grace', 'Harvey', 'Isla', 'Jack', 'Keira', 'Liam', 'Mia', 'Nathan', 'Olivia', 'Preston', 'Quinn', 'Rosie'];
const LAST = ['Ashworth', 'Bennett', 'Coleman', 'Dunn', 'Ellis', 'Foster', 'Gray', 'Holmes', 'Irving', 'Jarvis', 'Kemp', 'Lowe', 'Mills', 'Nash', 'Oakes', 'Pryce', 'Quayle', 'Reid'];

async function userId(db: Db, email: string): Promise<number> {
  return (await db.selectFrom('app_user').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
}

async function openEnquiry(db: Db, input: MashSeedInput, spec: Pick<OpenSpec, 'rag' | 'children' | 'source' | 'reason' | 'referrer'>, receivedAt: Date, managerId: number) {
  const contact = await createContact(db, input.partnershipId, {
    children: spec.children, source: spec.source, reason: spec.reason, receivedAt, referrer: spec.referrer, domesticAbuse: spec.source === '6', consent: 'given',
    urgency: spec.rag === 'red' ? 'urgent' : 'routine',
  }, { userId: managerId }, receivedAt);
  const openedAt = new Date(receivedAt.getTime() + 30 * 60_000);
  await db.updateTable('front_door_contact').set({ status: 'in_mash', decision: 'mash_enquiry', decision_at: openedAt, decided_by: managerId, decision_reason: 'Multi-agency checks needed to understand the risk' })
    .where('id', '=', contact.id).execute();
  const enquiry = await db.insertInto('mash_enquiry').values({ partnership_id: input.partnershipId, front_door_contact_id: contact.id, rag: spec.rag, opened_at: openedAt, opened_by: managerId, updated_at: openedAt })
    .returning('id').executeTakeFirstOrThrow();
  return { id: enquiry.id, openedAt };
}

export async function seedMash(db: Db, input: MashSeedInput) {
  const { now } = input;
  const managerId = await userId(db, input.manager);
  const officerIds = { police: await userId(db, input.officers.police), trust: await userId(db, input.officers.trust), school: await userId(db, input.officers.school) };

  for (const [i, spec] of OPEN.entries()) {
    // An enquiry with an overdue check is opened just long enough ago for its RAG's limit to have passed.
    let hoursAgo = spec.hoursAgo + 1;
    if (Object.values(spec.checks).includes('overdue')) {
      const step = spec.rag === 'red' ? 1 : 4;
      while (checkDueAt(new Date(now.getTime() - hoursAgo * HOUR + 45 * 60_000), spec.rag, DEFAULT_MASH_SETTINGS).getTime() > now.getTime() - 20 * 60_000) hoursAgo += step;
    }
    const e = await openEnquiry(db, input, { ...spec, children: spec.children.map((c) => ({ ...c, confirmedNew: true })) }, new Date(now.getTime() - hoursAgo * HOUR), managerId);
    const requestedAt = new Date(e.openedAt.getTime() + 15 * 60_000);
    for (const [agency, state] of Object.entries(spec.checks) as [Agency, CheckState][]) {
      const dueAt = checkDueAt(requestedAt, spec.rag, DEFAULT_MASH_SETTINGS);
      const answered = state === 'done' || state === 'need_to_know';
      // Answered halfway to the due time, or just before now if that is sooner.
      const respondedAt = new Date(Math.min(requestedAt.getTime() + (dueAt.getTime() - requestedAt.getTime()) / 2, now.getTime() - 10 * 60_000));
      await db.insertInto('agency_check').values({
        partnership_id: input.partnershipId, mash_enquiry_id: e.id, agency_id: input.agencies[agency], rag: spec.rag,
        requested_at: requestedAt, requested_by: managerId, due_at: dueAt,
        status: answered ? 'completed' : 'requested',
        information: state === 'need_to_know'
          ? 'Ruby is a named victim in a current child sexual exploitation investigation (Operation Linden). Do not share with the family: it could alert the suspect.'
          : answered ? ANSWERS[agency][i % 3]! : null,
        need_to_know: state === 'need_to_know',
        responded_at: answered ? respondedAt : null, responded_by: answered ? officerIds[agency] : null,
        escalated_at: state === 'overdue' ? new Date(dueAt.getTime() + 60_000) : null,
      }).execute();
    }
  }

  // Decided enquiries over the last five months: every check answered, then the decision through the MASH's
  // own service, which opens the referrals and tells the referrer (the emails stay in the demo's outbox).
  const outbox = createMailer({ from: 'front.door@northmere.gov.uk' });
  // Children already known to the partnership come back: a few of the referrals are re-referrals.
  const known = await db.selectFrom('referral').innerJoin('child', 'child.id', 'referral.child_id').select('child.id')
    .where('referral.partnership_id', '=', input.partnershipId).where('referral.referral_date', '>=', new Date(now.getTime() - 300 * DAY).toISOString().slice(0, 10))
    .where('referral.referral_date', '<=', new Date(now.getTime() - 160 * DAY).toISOString().slice(0, 10))
    .orderBy('child.la_child_id').limit(3).execute();
  for (const [i, decision] of DECISIONS.entries()) {
    const receivedAt = new Date(now.getTime() - (150 - i * 8) * DAY - (i % 5) * HOUR);
    const rag: Rag = decision === 'strategy_discussion' ? 'red' : (['amber', 'green', 'amber', 'red'] as const)[i % 4]!;
    const child: ContactChild = i % 6 === 0 && known[i / 6] ? { childId: known[i / 6]!.id }
      : { firstName: FIRST[i]!, lastName: LAST[i]!, dateOfBirth: `${2008 + (i % 14)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(3 + i).padStart(2, '0')}`, confirmedNew: true };
    const e = await openEnquiry(db, input, {
      rag, children: [child], source: ['6', '2A', '3A', '1A', '4'][i % 5]!,
      reason: ['Police attended a domestic incident; the child was present.', 'The child disclosed being hit at home.', 'GP is worried about the child’s weight and missed appointments.',
        'A relative reports the parents are using drugs with the child at home.', 'Housing found the family living in one damp room after an eviction.'][i % 5]!,
      referrer: { name: 'Referrer', role: 'Practitioner', email: ['mash.referrals@nep.police.uk', 'dsl@riverside.sch.uk', 'safeguarding@nhs.net'][i % 3]! },
    }, receivedAt, managerId);
    const requestedAt = new Date(e.openedAt.getTime() + 15 * 60_000);
    const dueAt = checkDueAt(requestedAt, rag, DEFAULT_MASH_SETTINGS);
    let answeredBy = requestedAt;
    for (const agency of ['police', 'trust', 'school'] as Agency[]) {
      // Most answer within the limit; one in seven is late.
      const late = (i + agency.length) % 7 === 0;
      const respondedAt = new Date(requestedAt.getTime() + (dueAt.getTime() - requestedAt.getTime()) * (late ? 1.3 : 0.6));
      if (respondedAt > answeredBy) answeredBy = respondedAt;
      await db.insertInto('agency_check').values({
        partnership_id: input.partnershipId, mash_enquiry_id: e.id, agency_id: input.agencies[agency], rag, requested_at: requestedAt, requested_by: managerId, due_at: dueAt,
        status: 'completed', information: ANSWERS[agency][(i + 1) % 3]!, responded_at: respondedAt, responded_by: officerIds[agency],
        escalated_at: late ? new Date(dueAt.getTime() + 60_000) : null,
      }).execute();
    }
    await decideEnquiry(db, outbox, input.partnershipId, e.id, 1, { decision, summary: SUMMARIES[decision] }, managerId, new Date(answeredBy.getTime() + 2 * HOUR));
  }
}
