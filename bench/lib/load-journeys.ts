import { Browser, StepFailed, linksIn } from './load-client';
import type { Journey } from './load-mix';

/**
 * The journeys of the load benchmark, as a person does them through the pages: each step one request
 * (a form's POST is answered with a redirect, and the page it leads to is asked for as the next step,
 * as a browser does). `think()` is the pause between steps: reading the page, typing the form.
 */

export type Targets = {
  /** Surnames of the demo's children, to search by. */
  surnames: string[];
  /** For each MASH officer (by email), the open checks that are theirs to answer, one per journey. */
  checksOf: Map<string, string[]>;
  /** Training sessions open for booking well past the cancellation cut-off, and their courses. */
  sessions: { sessionId: string; courseId: string }[];
};

export type Person = { email: string; journey: Journey; browser: Browser };

export type JourneyContext = {
  person: Person;
  targets: Targets;
  think: () => Promise<void>;
  random: () => number;
  /** The journey's iteration for this person, from 0. */
  round: number;
};

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const pick = <T>(list: readonly T[], random: () => number): T | undefined => list[Math.floor(random() * list.length)];
const versionIn = (html: string) => /name="version" value="(\d+)"/.exec(html)?.[1] ?? '';
const pathOf = (location: string | null, what: string) => {
  if (!location) throw new StepFailed(`${what}: no Location`);
  return location;
};

const FIRST_NAMES = ['Amelia', 'Noah', 'Isla', 'Oliver', 'Ava', 'Leo', 'Freya', 'Arlo', 'Ivy', 'Theo', 'Grace', 'Finley', 'Maya', 'Jude', 'Zara'];
const SURNAME_PARTS = ['Ash', 'Brook', 'Crane', 'Dale', 'Elm', 'Ford', 'Gale', 'Hart', 'Irving', 'Kerr', 'Lowe', 'Marsh', 'Nash', 'Orme', 'Pratt', 'Quill', 'Rowe', 'Sykes'];
const REASONS = [
  'Police attended a report of a domestic incident at the family home overnight; the children were present.',
  'The school reports the child has arrived hungry and in unwashed clothes most days this half term.',
  'The health visitor is worried about the baby’s weight and the mother’s low mood; the family have missed appointments.',
  'The child told a teacher that an older man she met online has been giving her gifts and asking to meet.',
];
/** Decisions as a front door's day spreads them: most advice or no further action, some referrals, a few MASH enquiries. */
const DECISIONS: { decision: string; share: number; rag?: string }[] = [
  { decision: 'nfa', share: 0.25 }, { decision: 'information_advice', share: 0.25 }, { decision: 'early_help', share: 0.15 },
  { decision: 'referral', share: 0.2 }, { decision: 'mash_enquiry', share: 0.15, rag: 'amber' },
];

let contactsMade = 0;

async function frontDoor({ person, think, random }: JourneyContext) {
  const b = person.browser;
  const queue = await b.step('Front door queue', 'GET', '/front-door', [200]);
  const open = linksIn(queue.body, new RegExp(`href="/front-door/contacts/(${UUID})"`));
  const seen = pick(open, random);
  if (seen) {
    await think();
    await b.step('Contact', 'GET', `/front-door/contacts/${seen}`, [200]);
  }
  await think();
  await b.step('Contact form', 'GET', '/front-door/contacts/new', [200]);
  await think();
  // A contact received within the last hour about a new child, made up so that it names no one.
  const n = ++contactsMade;
  const received = new Date(Date.now() - 30 * 60_000);
  const london = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(received).reduce<Record<string, string>>((o, p) => ({ ...o, [p.type]: p.value }), {});
  const born = new Date(Date.UTC(2009 + Math.floor(random() * 16), Math.floor(random() * 12), 1 + Math.floor(random() * 28)));
  const form: Record<string, string> = {
    childCount: '1',
    'children-0-firstName': pick(FIRST_NAMES, random)!,
    'children-0-lastName': `${pick(SURNAME_PARTS, random)}${pick(SURNAME_PARTS, random)!.toLowerCase()}-${n.toString(36)}`,
    'children-0-dob-day': String(born.getUTCDate()), 'children-0-dob-month': String(born.getUTCMonth() + 1), 'children-0-dob-year': String(born.getUTCFullYear()),
    'receivedAt-day': london.day!, 'receivedAt-month': london.month!, 'receivedAt-year': london.year!, 'receivedAt-time': `${london.hour}:${london.minute}`,
    'referrer-name': 'PC Jo Blake', 'referrer-role': 'Response officer', 'referrer-email': 'jo.blake@nep.police.uk',
    source: '6', reason: pick(REASONS, random)!, urgency: random() < 0.1 ? 'urgent' : 'routine', domesticAbuse: random() < 0.4 ? 'yes' : 'no', consent: 'given',
  };
  let saved = await b.step('Record a contact (POST)', 'POST', '/front-door/contacts/new', [303, 409], form);
  if (saved.status === 409) {
    // A child with the same date of birth and a similar name is already recorded: the screener says this one is new.
    await think();
    saved = await b.step('Record a contact (POST)', 'POST', '/front-door/contacts/new', [303], { ...form, 'children-0-match': 'new' });
  }
  const contactPath = pathOf(saved.location, 'POST /front-door/contacts/new');
  const contact = await b.step('Contact', 'GET', contactPath, [200]);
  await think();
  let r = random();
  const choice = DECISIONS.find((d) => (r -= d.share) < 0) ?? DECISIONS[0]!;
  const decided = await b.step('Decide a contact (POST)', 'POST', `${contactPath}/decision`, [303], {
    decision: choice.decision, reason: 'Screened against the threshold document with the referrer’s information.', ...(choice.rag ? { rag: choice.rag } : {}),
    version: versionIn(contact.body),
  });
  await b.step('Contact', 'GET', pathOf(decided.location, 'POST decision'), [200]);
}

async function mash({ person, targets, think }: JourneyContext) {
  const b = person.browser;
  await b.step('MASH checks queue', 'GET', '/mash/checks', [200]);
  const mine = targets.checksOf.get(person.email) ?? [];
  const id = mine.shift();
  if (!id) return; // every check of theirs answered: the queue is all they read
  await think();
  const check = await b.step('MASH check', 'GET', `/mash/checks/${id}`, [200]);
  await think();
  const answered = await b.step('Answer a MASH check (POST)', 'POST', `/mash/checks/${id}`, [303], {
    information: 'Known to us: one attendance at the address last year, no offences recorded against the adults.', needToKnow: 'no', version: versionIn(check.body),
  });
  await b.step('MASH checks queue', 'GET', pathOf(answered.location, 'POST check'), [200]);
}

async function childRecord({ person, targets, think, random, round }: JourneyContext) {
  const b = person.browser;
  const found = await b.step('Find a child', 'GET', `/children?q=${encodeURIComponent(pick(targets.surnames, random) ?? 'Smith')}`, [200]);
  const child = pick(linksIn(found.body, new RegExp(`href="/children/(${UUID})"`)), random);
  if (child) {
    await think();
    const page = await b.step('Child record', 'GET', `/children/${child}`, [200]);
    const record = pick(linksIn(page.body, new RegExp(`href="(/children/${child}/records/[a-z_]+/${UUID})"`)), random);
    if (record) {
      await think();
      await b.step('A record of the child', 'GET', record, [200]);
    }
  }
  if (round % 2 === 1) {
    await think();
    await b.step('My work', 'GET', '/my-work', [200]);
  }
}

async function dashboard({ person, think, random, round }: JourneyContext) {
  const b = person.browser;
  const card = await b.step('Dashboard scorecard', 'GET', '/dashboard', [200]);
  const codes = linksIn(card.body, /href="\/dashboard\/indicators\/([a-z0-9_]+)[?"]/);
  for (let i = 0; i < 2; i++) {
    const code = pick(codes, random);
    if (!code) break;
    await think();
    await b.step('Indicator with chart', 'GET', `/dashboard/indicators/${code}`, [200]);
  }
  if (round % 3 === 2) {
    await think();
    await b.step('Across agencies', 'GET', '/dashboard/across', [200]);
  }
}

async function training({ person, targets, think, random }: JourneyContext) {
  const b = person.browser;
  await b.step('Training catalogue', 'GET', '/training', [200]);
  const chosen = pick(targets.sessions, random);
  if (!chosen) return;
  await think();
  await b.step('Course', 'GET', `/training/courses/${chosen.courseId}`, [200]);
  await think();
  const sessionPath = `/training/sessions/${chosen.sessionId}`;
  await b.step('Training session', 'GET', sessionPath, [200]);
  await think();
  const booked = await b.step('Book a place (POST)', 'POST', `${sessionPath}/book`, [303], {});
  await b.step('Training session', 'GET', pathOf(booked.location, 'POST book'), [200]);
  await think();
  await b.step('My bookings', 'GET', '/training/my-bookings', [200]);
  await think();
  const cancelled = await b.step('Cancel a booking (POST)', 'POST', `${sessionPath}/cancel`, [303], { from: 'my-bookings' });
  await b.step('My bookings', 'GET', pathOf(cancelled.location, 'POST cancel'), [200]);
}

export const JOURNEY_STEPS: Readonly<Record<Journey, (ctx: JourneyContext) => Promise<void>>> = {
  'front-door': frontDoor,
  mash,
  'child-record': childRecord,
  dashboard,
  training,
};
