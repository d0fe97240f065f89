import type { Db } from '../create-db';
import type { ContactDecision, Rag } from '../schema';
import { createContact, type ContactChild, type ContactInput } from '../../features/front-door/contacts.service';
import { recordConsultation } from '../../features/front-door/consultations.service';
import { decideContact } from '../../features/front-door/screening.service';
import { prng } from './generator';

/**
 * The demo's front door: about forty contacts over the last three weeks, from the police, schools,
 * health, families and anonymous callers, most decided (some referred, some in the MASH), six awaiting
 * a decision now (one overdue, one immediate), and the consultation line's calls over six weeks. Made
 * through the front door's own services, so the demo keeps their rules; the same seed gives the same data.
 */

export type FrontDoorSeedInput = {
  partnershipId: number;
  now: Date;
  agencies: { police: number; trust: number; school: number; council: number };
  /** Emails of the people who record and decide: a social worker and a team manager. */
  worker: string;
  manager: string;
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Source = { code: string; weight: number; referrer: (r: () => number) => ContactInput['referrer']; reasons: string[]; da?: boolean };

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

function sourcesFor(a: FrontDoorSeedInput['agencies']): Source[] {
  return [
    {
      code: '6', weight: 30, da: true,
      referrer: (r) => ({ name: pick(r, ['PC Sarah Holt', 'PC Dan Reeve', 'DC Amir Siddiqui', 'PS Kate Lomas']), role: 'Police officer', agencyId: a.police, email: 'mash.referrals@nep.police.uk' }),
      reasons: [
        'Police attended a domestic incident at the family home overnight. The children were present and saw their father arrested.',
        'A 15-year-old was found by officers in a car with two adult men in the early hours; she gave a false name.',
        'Officers attended a report of shouting; mother had injuries to her arm and the baby was in the room.',
        'The child was reported missing for the third time this month and was found in another town.',
        'A neighbour called the police about the children being left alone in the flat overnight.',
      ],
    },
    {
      code: '2A', weight: 20,
      referrer: (r) => ({ name: pick(r, ['Mrs Claire Dawson', 'Mr Ian Shah', 'Ms Leanne Fox']), role: 'Designated safeguarding lead', agencyId: a.school, email: 'dsl@riverside.sch.uk', phone: '01632 960 412' }),
      reasons: [
        'The child came to school with a bruise on the side of the face and said “dad did it” before changing the story.',
        'Attendance has fallen to 61% this term; the child is often hungry and in the same clothes.',
        'The child disclosed to a teaching assistant that an older cousin touches her when he babysits.',
        'The pupil has talked about wanting to die and has marks on her forearms.',
      ],
    },
    {
      code: '3E', weight: 7,
      referrer: (r) => ({ name: pick(r, ['Dr Hannah Moss', 'Staff Nurse Ben Carr']), role: 'Emergency department', agencyId: a.trust, email: 'safeguarding@nhs.net' }),
      reasons: [
        'A 9-month-old attended with a spiral fracture of the arm; the explanation given does not fit the injury.',
        'A 14-year-old attended after taking an overdose of paracetamol; she said things at home are unbearable.',
      ],
    },
    {
      code: '3B', weight: 6,
      referrer: (r) => ({ name: pick(r, ['Jo Pritchard', 'Amina Yusuf']), role: 'Health visitor', agencyId: a.trust, email: 'hv.north@nhs.net' }),
      reasons: [
        'Mother of a newborn has disclosed heavy drinking and says she is not coping; the home was cold and without food.',
        'At the 2-year review the child had not been seen by a GP since birth and has no immunisations; the family declined further visits.',
      ],
    },
    {
      code: '1A', weight: 8,
      referrer: (r) => ({ name: pick(r, ['Mrs P. Walsh', 'Mr T. Green']), role: 'Grandparent', phone: '07700 900 318' }),
      reasons: [
        'Grandmother worried that her daughter is using drugs again and that the children are left with different adults.',
        'Grandfather says the children have told him they are scared of their mother’s new partner.',
      ],
    },
    {
      code: '9', weight: 7,
      referrer: () => ({}),
      reasons: [
        'An anonymous caller says a young child is often heard screaming at the flat next door late at night.',
        'An anonymous caller reports children aged about 6 and 8 playing near the main road unsupervised late in the evening.',
      ],
    },
    {
      code: '5B', weight: 5,
      referrer: () => ({ name: 'Marcus Bell', role: 'Youth justice worker', agencyId: a.council, agencyName: null, email: 'youth.justice@northmere.gov.uk' }),
      reasons: ['A 16-year-old on a referral order says he is being made to carry drugs to pay off a debt.'],
    },
    {
      code: '4', weight: 3,
      referrer: () => ({ name: 'Gemma Hurst', role: 'Housing officer', agencyName: 'Northmere Homes', email: 'tenancy@northmere-homes.example' }),
      reasons: ['The family faces eviction next week; the flat is in very poor condition and the children sleep on a mattress on the floor.'],
    },
    {
      code: '8', weight: 4,
      referrer: () => ({ name: 'Sue Rigby', role: 'Family support worker', agencyName: 'Northmere Children’s Centre', email: 'hello@northmere-cc.example' }),
      reasons: ['A mother at the children’s centre said her partner controls the money and will not let her take the baby to appointments.'],
    },
  ];
}

const DECISION_REASONS: Record<ContactDecision, string[]> = {
  nfa: ['No safeguarding concerns identified after checks; the parents acted protectively.', 'The worry is resolved: the child was found to be with a relative the family trusts.'],
  information_advice: ['Advice given to the school about supporting the child and monitoring attendance; no further action for children’s services.', 'Advice given to the referrer about talking to the parents and making a fresh contact if the worry continues.'],
  early_help: ['Needs are below the threshold for social care; the family agreed to support from the family wellbeing service.', 'Parenting support and help with housing through family wellbeing, with the family’s consent.'],
  mash_enquiry: ['More information needed from the police, health and the school to understand the risk.', 'Pattern of incidents: MASH checks needed before deciding.'],
  referral: ['The child may be a child in need: a social work assessment is needed.', 'Repeated incidents with the children present; assessment needed.'],
  strategy_discussion: ['Reasonable cause to suspect significant harm: strategy discussion with the police and health today.'],
};

/** The decisions of the decided contacts, in a shuffled mix. */
const DECIDED: [ContactDecision, number][] = [['nfa', 5], ['information_advice', 6], ['early_help', 7], ['referral', 7], ['strategy_discussion', 2], ['mash_enquiry', 5]];

function weighted<T extends { weight: number }>(rand: () => number, items: T[]): T {
  let x = rand() * items.reduce((s, i) => s + i.weight, 0);
  for (const i of items) if ((x -= i.weight) < 0) return i;
  return items.at(-1)!;
}

/** A working-hours receipt time `daysAgo` days before now (weekends moved to the Friday). */
function receivedDaysAgo(now: Date, daysAgo: number, rand: () => number): Date {
  const d = new Date(now.getTime() - daysAgo * DAY);
  const weekday = d.getUTCDay();
  if (weekday === 0) d.setUTCDate(d.getUTCDate() - 2);
  if (weekday === 6) d.setUTCDate(d.getUTCDate() - 1);
  d.setUTCHours(8 + Math.floor(rand() * 8), Math.floor(rand() * 60), 0, 0);
  return d;
}

export async function seedFrontDoor(db: Db, input: FrontDoorSeedInput) {
  const rand = prng(20_261_125);
  const { partnershipId, now } = input;
  const userId = async (email: string) => (await db.selectFrom('app_user').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  const worker = await userId(input.worker);
  const manager = await userId(input.manager);
  const sources = sourcesFor(input.agencies);
  const children = await db.selectFrom('child').select(['id', 'last_name', 'date_of_birth']).where('partnership_id', '=', partnershipId)
    .where('date_of_birth', 'is not', null).where('date_of_birth', '>', new Date(now.getTime() - 17 * 365 * DAY).toISOString().slice(0, 10))
    .orderBy('la_child_id').execute();
  const GIVEN = ['Amelia', 'Ivy', 'Ruby', 'Esme', 'Noah', 'Leo', 'Theo', 'Kai', 'Maya', 'Yusuf', 'Poppy', 'Reuben'];
  const FAMILY = ['Ashby', 'Carrow', 'Denholm', 'Elland', 'Fenwick', 'Garside', 'Hebden', 'Ingham', 'Kershaw', 'Lindley', 'Marsden', 'Naylor'];

  const childrenOf = (): ContactChild[] => {
    const siblings = rand() < 0.3 ? 2 : 1;
    if (children.length && rand() < 0.6) {
      const first = pick(rand, children);
      const more = siblings > 1 ? children.filter((c) => c.last_name === first.last_name && c.id !== first.id).slice(0, 1) : [];
      return [first, ...more].map((c) => ({ childId: c.id }));
    }
    const lastName = pick(rand, FAMILY);
    return Array.from({ length: siblings }, () => {
      const age = 1 + Math.floor(rand() * 15);
      const dob = new Date(now.getTime() - (age * 365 + Math.floor(rand() * 300)) * DAY).toISOString().slice(0, 10);
      return { firstName: pick(rand, GIVEN), lastName, dateOfBirth: dob, confirmedNew: true };
    });
  };

  const contactInput = (receivedAt: Date, urgency: ContactInput['urgency']): ContactInput => {
    const source = weighted(rand, sources);
    const domesticAbuse = Boolean(source.da) && rand() < 0.5;
    const notSought = domesticAbuse || rand() < 0.15;
    return {
      children: childrenOf(), source: source.code, reason: pick(rand, source.reasons), receivedAt, referrer: source.referrer(rand),
      domesticAbuse, schoolNote: domesticAbuse && rand() < 0.6 ? 'Police attended a domestic incident at home last night. Please offer the child a quiet check-in today.' : null,
      consent: notSought ? 'not_sought' : rand() < 0.85 ? 'given' : 'refused',
      consentNotSoughtReason: notSought ? 'Seeking consent could place the child or the non-abusing parent at greater risk.' : null,
      lawfulBasis: notSought ? 'Data Protection Act 2018, Schedule 8, paragraph 4 (safeguarding of children)' : null,
      urgency,
    };
  };

  // The decided: spread over the last three weeks, most decided within the working day, a few late.
  const decisions = DECIDED.flatMap(([d, n]) => Array<ContactDecision>(n).fill(d));
  for (let i = decisions.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [decisions[i], decisions[j]] = [decisions[j]!, decisions[i]!];
  }
  let contacts = 0;
  for (const [i, decision] of decisions.entries()) {
    const receivedAt = receivedDaysAgo(now, 3 + Math.floor((i * 18) / decisions.length), rand);
    const urgency = decision === 'strategy_discussion' ? 'immediate' : rand() < 0.2 ? 'urgent' : 'routine';
    const { id, decisionDueAt } = await createContact(db, partnershipId, contactInput(receivedAt, urgency), { userId: worker }, receivedAt);
    const late = rand() < 0.12;
    const decidedAt = new Date(Math.min(now.getTime() - HOUR,
      late ? decisionDueAt.getTime() + (2 + rand() * 20) * HOUR : receivedAt.getTime() + (0.5 + rand() * 6) * HOUR));
    const rag: Rag = pick(rand, ['red', 'amber', 'amber', 'green'] as const);
    await decideContact(db, partnershipId, id, { decision, reason: pick(rand, DECISION_REASONS[decision]), rag, version: 1 }, rand() < 0.7 ? manager : worker, decidedAt);
    // Told by email a few minutes after the decision, when there was an address.
    await db.updateTable('front_door_contact').set({ referrer_told_at: new Date(decidedAt.getTime() + 5 * 60_000) })
      .where('id', '=', id).where('referrer_email', 'is not', null).execute();
    contacts++;
  }

  // Awaiting a decision now: the overdue one from four days ago, the immediate one from the last hour, and the day's others.
  const awaiting: [number, ContactInput['urgency']][] = [[4 * DAY + 2 * HOUR, 'routine'], [0.75 * HOUR, 'immediate'], [2.5 * HOUR, 'urgent'], [20 * HOUR, 'routine'], [5 * HOUR, 'routine'], [1.5 * HOUR, 'routine']];
  for (const [ago, urgency] of awaiting) {
    const receivedAt = new Date(now.getTime() - ago);
    await createContact(db, partnershipId, contactInput(receivedAt, urgency), { userId: worker }, now);
    contacts++;
  }

  // The consultation line: 26 calls over six weeks, about a third needing a request for support.
  const CALLS: { caller: string; role: string; agency: number | null; agencyName?: string; question: string; advice: string; rfs: boolean }[] = [
    { caller: 'Mrs Claire Dawson', role: 'Designated safeguarding lead', agency: input.agencies.school, question: 'A pupil says she does not want to go home because of arguments; no injuries seen.', advice: 'Talk with the child and the parents, record it, and offer an early help assessment.', rfs: false },
    { caller: 'Dr Raj Mehta', role: 'GP', agency: null, agencyName: 'Riverside Surgery', question: 'A toddler has a bruise on the cheek with no explanation from the parent.', advice: 'Non-mobile or unexplained bruising in a young child: make a request for support today.', rfs: true },
    { caller: 'Jo Pritchard', role: 'Health visitor', agency: input.agencies.trust, question: 'Mother seems low after the birth; the home is tidy and the baby well cared for.', advice: 'Perinatal mental health referral through the GP; contact us again if the baby’s care changes.', rfs: false },
    { caller: 'PC Sarah Holt', role: 'Neighbourhood officer', agency: input.agencies.police, question: 'A 13-year-old is seen most evenings with older teenagers known for drug dealing.', advice: 'Possible criminal exploitation: make a request for support and complete the exploitation screening tool.', rfs: true },
    { caller: 'Sue Rigby', role: 'Family support worker', agency: null, agencyName: 'Northmere Children’s Centre', question: 'A father asks for help with his son’s behaviour and his own drinking.', advice: 'Family wellbeing can help with the father’s consent; a request for support is not needed.', rfs: false },
    { caller: 'Mr Ian Shah', role: 'Head of year', agency: input.agencies.school, question: 'A student shared a sexual image of another student.', advice: 'Follow the school’s guidance on sharing nudes; tell the police if an adult is involved. Make a request for support if there is coercion.', rfs: true },
  ];
  for (let i = 0; i < 26; i++) {
    const call = CALLS[i % CALLS.length]!;
    const at = receivedDaysAgo(now, Math.floor((i * 42) / 26), rand);
    const calledAt = at > now ? new Date(at.getTime() - DAY) : at;
    const child = i % 3 === 0 && children.length ? pick(rand, children) : null;
    await recordConsultation(db, partnershipId, {
      calledAt, callerName: call.caller, callerRole: call.role, callerAgencyId: call.agency, callerAgencyName: call.agencyName ?? null,
      childId: child?.id ?? null, childName: !child && i % 3 === 1 ? `${pick(rand, GIVEN)} ${pick(rand, FAMILY)}` : null,
      question: call.question, advice: call.advice, requestForSupport: call.rfs,
    }, rand() < 0.5 ? worker : manager, now);
  }
  return { contacts, consultations: 26 };
}
