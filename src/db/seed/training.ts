import { randomBytes } from 'node:crypto';
import type { Db } from '../create-db';
import type { CourseDelivery, CourseLevel } from '../schema-training';
import { addMonths, isIsoDate, isWorkingDay } from '../../domain/calendar';
import { londonInstant } from '../../domain/london';
import { hashToken } from '../../features/training/registration.service';
import { hashPassword } from '../../features/users/password-policy';
import { prng } from './generator';

/**
 * The multi-agency training programme as the seed report describes it: about twenty courses; the last
 * financial year's 75 sessions, 85% of them face to face, with about 1,260 places booked; this year's
 * sessions so far; and the programme for the next 15 months, the first months open for booking (one
 * session full with a waiting list) and the rest planned. Several hundred practitioners of the partner
 * agencies have registered, each with a line manager; Emma Collins, the demo practitioner, has places
 * booked and is waiting for another, and Daniel Price (the school's DSL) is her line manager.
 *
 * Attendance, evaluations and charges on the sessions delivered are the training records seed's, which runs after this one.
 */

type CourseSeed = {
  key: string; title: string; summary: string; description: string; audience: string; level: CourseLevel; delivery: CourseDelivery;
  minutes: number; outcomes: string[]; themes: string[]; perYear: number; trainers: string;
};

const ALL = 'Practitioners and managers in every partner agency who work with children, young people and families.';

export const TRAINING_COURSES: CourseSeed[] = [
  { key: 'working_together', title: 'Working Together to Safeguard Children: the multi-agency essentials', level: '2', delivery: 'face_to_face', minutes: 180, perYear: 5,
    summary: 'Roles, responsibilities and how the agencies work together in Northmere, from early help to child protection.',
    description: 'An introduction to the statutory guidance and to how it is done locally: the front door and the MASH, thresholds, strategy discussions, child protection conferences and core groups, and how to escalate a worry.',
    audience: ALL, themes: ['information_sharing', 'thresholds'], trainers: 'Grace Adeyemi and DC Mark Ellis',
    outcomes: ['Describe each agency’s part in safeguarding children', 'Make a good referral to the front door', 'Explain what happens at a strategy discussion and a conference'] },
  { key: 'neglect', title: 'The cumulative impact of neglect', level: '3', delivery: 'face_to_face', minutes: 390, perYear: 7,
    summary: 'A full day on recognising neglect over time and acting before harm becomes entrenched.',
    description: 'Neglect is the most common reason for a child protection plan in Northmere. Using local practice reviews, the day looks at drift, disguised compliance, start-again syndrome and the lived experience of the neglected child, and practises the strengths and needs toolkit on a case study.',
    audience: 'Practitioners working with families where there is, or may be, neglect.', themes: ['neglect', 'voice_of_the_child'], trainers: 'Grace Adeyemi and Angela Morris',
    outcomes: ['Recognise the signs and cumulative impact of neglect', 'Use chronologies to see patterns over time', 'Complete the neglect strengths and needs toolkit with a family', 'Escalate when a plan is not making a difference'] },
  { key: 'neglect_toolkit', title: 'Using the neglect strengths and needs toolkit (e-learning)', level: '2', delivery: 'e_learning', minutes: 90, perYear: 1,
    summary: 'A self-paced module on completing the partnership’s neglect toolkit with families.',
    description: 'Work through the toolkit’s domains with video examples, score a case study and compare your scores with the partnership’s model answers. Complete it before the full-day neglect course if you can.',
    audience: ALL, themes: ['neglect'], trainers: 'Northmere Safeguarding Children Partnership',
    outcomes: ['Complete each domain of the toolkit', 'Use the toolkit’s scores to plan and review support'] },
  { key: 'exploitation', title: 'Child exploitation: criminal and sexual exploitation', level: '3', delivery: 'face_to_face', minutes: 390, perYear: 6,
    summary: 'Spotting and responding to exploitation, county lines and contextual risk.',
    description: 'The signs of child sexual and criminal exploitation, grooming and county lines; the exploitation screening tool, return home interviews and the MACE panel; and contextual safeguarding, with the police and the exploitation team.',
    audience: 'Practitioners working with adolescents in any agency.', themes: ['exploitation', 'adolescent_risk'], trainers: 'DC Mark Ellis and the Exploitation Team',
    outcomes: ['Recognise indicators of sexual and criminal exploitation', 'Complete the exploitation screening tool', 'Share intelligence with the police safely'] },
  { key: 'domestic_abuse', title: 'Domestic abuse and the child', level: '3', delivery: 'face_to_face', minutes: 390, perYear: 6,
    summary: 'The impact of domestic abuse on children, and routine enquiry, risk assessment and MARAC.',
    description: 'Children are victims of domestic abuse in their own right. The day covers coercive control, the DASH risk checklist, MARAC and Operation Encompass, and working with the non-abusing parent and with the person causing harm.',
    audience: ALL, themes: ['domestic_abuse', 'hidden_men'], trainers: 'Jo Marsh, Northmere Women’s Aid, and Grace Adeyemi',
    outcomes: ['Explain the impact of domestic abuse on children at each age', 'Complete a DASH risk checklist and refer to MARAC', 'Plan safely with the non-abusing parent'] },
  { key: 'safer_sleep', title: 'Safer sleep and sudden unexpected death in infancy', level: '2', delivery: 'virtual', minutes: 120, perYear: 4,
    summary: 'Safer sleep advice for every family, and the risks that come with a change of routine.',
    description: 'Two local reviews of infant deaths found safer sleep advice was given once and not revisited when circumstances changed. This online session covers the evidence, the conversation with both parents, and planning for disrupted nights, alcohol and co-sleeping.',
    audience: 'Midwives, health visitors, family support workers, social workers and anyone visiting families with babies.', themes: ['safe_sleep', 'hidden_men'], trainers: 'Angela Morris, Designated Nurse',
    outcomes: ['Give consistent safer sleep advice to both parents', 'Recognise the times of higher risk', 'Record the advice given'] },
  { key: 'bruising', title: 'Bruising and injuries in non-mobile babies', level: '3', delivery: 'face_to_face', minutes: 180, perYear: 4,
    summary: 'The partnership’s protocol: every bruise in a baby who is not yet mobile is referred.',
    description: 'Why a bruise in a non-mobile baby is significant, how to use the protocol, what happens after the referral, and how to talk to parents about it. With a consultant paediatrician.',
    audience: 'Health practitioners, early years staff, social workers and police officers.', themes: ['non_mobile_babies'], trainers: 'Dr Sarah Whitfield, consultant paediatrician',
    outcomes: ['Apply the bruising protocol', 'Explain the referral to parents', 'Describe the medical assessment that follows'] },
  { key: 'curiosity', title: 'Professional curiosity and respectful challenge', level: '3', delivery: 'face_to_face', minutes: 180, perYear: 5,
    summary: 'Asking the next question, testing what you are told, and challenging other professionals well.',
    description: 'Practice reviews keep finding that professionals accepted what they were told. Through case studies the session practises curious questions, thinking the unthinkable, and the partnership’s escalation policy.',
    audience: ALL, themes: ['professional_curiosity', 'hidden_men'], trainers: 'Grace Adeyemi',
    outcomes: ['Use curious questions with families', 'Recognise disguised compliance', 'Use the escalation policy'] },
  { key: 'level3', title: 'Level 3 multi-agency safeguarding', level: '3', delivery: 'face_to_face', minutes: 390, perYear: 6,
    summary: 'The full-day course for practitioners who contribute to assessments and child protection plans.',
    description: 'For people working directly with children and families who need level 3 competence: assessment, information sharing and consent, the child protection process, and the child’s voice in plans.',
    audience: 'Practitioners who contribute to assessments, conferences and plans.', themes: ['information_sharing', 'voice_of_the_child', 'thresholds'], trainers: 'Grace Adeyemi and DC Mark Ellis',
    outcomes: ['Share information lawfully and promptly', 'Contribute to assessments and plans', 'Keep the child’s voice at the centre of the plan'] },
  { key: 'dsl', title: 'Designated safeguarding lead refresher', level: '3', delivery: 'face_to_face', minutes: 360, perYear: 5,
    summary: 'The two-yearly refresher for DSLs and deputy DSLs in schools and colleges.',
    description: 'Keeping Children Safe in Education, the local changes since your last refresher, attendance and children missing education, elective home education, online safety and the DSL’s part at the front door.',
    audience: 'Designated safeguarding leads and their deputies in schools, colleges and early years settings.', themes: ['education', 'online_harm'], trainers: 'Education Safeguarding Team',
    outcomes: ['Apply the latest Keeping Children Safe in Education', 'Refer well to the front door', 'Support staff who raise a concern'] },
  { key: 'men', title: 'Invisible men: fathers and men in the household', level: '3', delivery: 'face_to_face', minutes: 180, perYear: 3,
    summary: 'Seeing, engaging and assessing the men in a child’s life.',
    description: 'The National Panel’s review of men who harmed babies found fathers and partners were rarely seen. The session covers finding out who is in the household, engaging fathers and assessing the risk and the support they bring.',
    audience: ALL, themes: ['hidden_men', 'non_mobile_babies'], trainers: 'Grace Adeyemi',
    outcomes: ['Find out who lives in and visits the home', 'Engage fathers in assessments and plans'] },
  { key: 'trio', title: 'Parental mental health, drug and alcohol use and domestic abuse', level: '3', delivery: 'face_to_face', minutes: 390, perYear: 4,
    summary: 'When adults’ needs meet: working with families where these three overlap.',
    description: 'With adult mental health and substance misuse services: the impact on parenting, think family, joint working and sharing information across children’s and adults’ services.',
    audience: 'Practitioners in children’s and adults’ services.', themes: ['parental_mental_health', 'parental_substance_misuse', 'domestic_abuse'], trainers: 'Grace Adeyemi and adult services colleagues',
    outcomes: ['Describe the impact on children of parental mental ill health and substance use', 'Work jointly with adult services'] },
  { key: 'online', title: 'Online harm and image sharing', level: '2', delivery: 'virtual', minutes: 120, perYear: 3,
    summary: 'Responding to nude image sharing, online grooming and harmful content.',
    description: 'An online session on the UKCIS guidance on sharing nudes and semi-nudes, online grooming and sextortion, and what to do when a child discloses.',
    audience: 'Staff in schools, youth services and anyone working with young people.', themes: ['online_harm', 'exploitation'], trainers: 'DC Priya Nair, Online Child Safety Team',
    outcomes: ['Respond to an incident of image sharing', 'Recognise online grooming and sextortion'] },
  { key: 'disabled', title: 'Safeguarding disabled children', level: '3', delivery: 'face_to_face', minutes: 180, perYear: 3,
    summary: 'Why disabled children are at greater risk, and communicating with children who do not use speech.',
    description: 'Barriers to recognising abuse of disabled children, communication methods and the child’s voice, and safeguarding children in residential settings.',
    audience: ALL, themes: ['disabled_children', 'voice_of_the_child'], trainers: 'Children with Disabilities Team',
    outcomes: ['Recognise additional vulnerabilities', 'Seek the views of children who do not use speech'] },
  { key: 'escalation', title: 'Resolving professional disagreement: the escalation policy', level: '2', delivery: 'virtual', minutes: 90, perYear: 2,
    summary: 'When and how to escalate a disagreement about a child, online in 90 minutes.',
    description: 'The partnership’s escalation policy step by step, with examples of escalations that changed the outcome for a child.',
    audience: ALL, themes: ['thresholds', 'professional_curiosity'], trainers: 'Helen Ward, Partnership Business Manager',
    outcomes: ['Use each stage of the escalation policy', 'Record a disagreement and its resolution'] },
  { key: 'missing', title: 'Missing children and return home interviews', level: '3', delivery: 'face_to_face', minutes: 180, perYear: 3,
    summary: 'The missing protocol, return home interviews and links to exploitation.',
    description: 'What the police do when a child is missing, the return home interview and what it can tell us, and how repeat missing episodes link to exploitation.',
    audience: 'Practitioners working with adolescents and children in care.', themes: ['adolescent_risk', 'exploitation'], trainers: 'Missing Children Coordinator',
    outcomes: ['Apply the missing protocol', 'Use return home interviews in planning'] },
  { key: 'voice', title: 'The voice of the child in assessments and plans', level: '3', delivery: 'face_to_face', minutes: 180, perYear: 2,
    summary: 'Seeing the child, hearing them, and showing their words in records and plans.',
    description: 'Practical tools for direct work with children of different ages, writing to the child, and showing how their wishes shaped decisions.',
    audience: ALL, themes: ['voice_of_the_child'], trainers: 'Principal Social Worker',
    outcomes: ['Use direct work tools with children', 'Record the child’s voice in their own words'] },
  { key: 'awareness', title: 'Safeguarding children awareness (e-learning)', level: '1', delivery: 'e_learning', minutes: 60, perYear: 1,
    summary: 'The basics for everyone in a partner agency: recognising abuse and knowing who to tell.',
    description: 'A self-paced module for all staff and volunteers, including those with little contact with children: the categories of abuse, what to do with a concern, and who your designated lead is.',
    audience: 'All staff and volunteers of the partner agencies.', themes: [], trainers: 'Northmere Safeguarding Children Partnership',
    outcomes: ['Recognise the four categories of abuse', 'Know who to tell and how'] },
  { key: 'learning', title: 'Learning from local child safeguarding practice reviews', level: '3', delivery: 'face_to_face', minutes: 180, perYear: 2,
    summary: 'What Northmere’s rapid reviews and practice reviews found, and what has changed since.',
    description: 'The findings of the partnership’s recent reviews, the actions agreed and the difference they are making, with time to reflect on your own practice.',
    audience: ALL, themes: ['professional_curiosity', 'information_sharing'], trainers: 'Helen Ward and the review authors',
    outcomes: ['Describe the themes of recent local reviews', 'Apply their learning in your practice'] },
  { key: 'early_help', title: 'Early help and the continuum of need', level: '2', delivery: 'face_to_face', minutes: 180, perYear: 3,
    summary: 'Using the threshold document and offering early help before needs escalate.',
    description: 'The continuum of need, the early help assessment, the team around the family, and stepping up and down safely.',
    audience: ALL, themes: ['thresholds', 're_referrals'], trainers: 'Early Help Service',
    outcomes: ['Use the threshold document', 'Lead an early help assessment'] },
];

const VENUES = [
  'Northmere Civic Centre, Committee Room 2, Market Street, Northmere NM1 1AA',
  'Riverside Academy, Conference Suite, Riverside Road, Northmere NM4 2BX',
  'Northmere Police Headquarters, Training Room 3, Eastholm Road, Northmere NM2 6PT',
  'Northmere General Hospital, Education Centre, Lecture Theatre B, Northmere NM3 8HN',
];

/** Sessions a month, April to March: quieter in August and December. */
const MONTHLY = [7, 7, 6, 3, 7, 8, 8, 5, 7, 7, 6, 4];

const FIRST = ['Amara', 'Ben', 'Charlotte', 'Daniel', 'Eleanor', 'Farah', 'Gareth', 'Hannah', 'Imran', 'Jess', 'Kwame', 'Laura', 'Marcus', 'Nadia', 'Owen', 'Priya',
  'Rachel', 'Sanjay', 'Tara', 'Usman', 'Victoria', 'Wei', 'Yasmin', 'Zoe', 'Adam', 'Bethany', 'Connor', 'Deborah', 'Ellis', 'Fiona', 'Graham', 'Helen', 'Isaac',
  'Joanna', 'Kieran', 'Lucy', 'Mohammed', 'Natalie', 'Oliver', 'Paula', 'Rebecca', 'Simon', 'Tom', 'Uzma', 'Vikram', 'William', 'Aoife', 'Bronwen', 'Ciara', 'Dominic'];
const LAST = ['Ahmed', 'Baker', 'Clarke', 'Davies', 'Evans', 'Fletcher', 'Green', 'Hussain', 'Iqbal', 'Jones', 'Khan', 'Lewis', 'Morgan', 'Nowak', 'O’Neill', 'Patel',
  'Quinn', 'Roberts', 'Singh', 'Taylor', 'Usher', 'Walker', 'Wright', 'Young', 'Begum', 'Chowdhury', 'Doyle', 'Edwards', 'Foster', 'Gill', 'Hughes', 'Jackson',
  'Kaur', 'Lloyd', 'Mensah', 'Nicholls', 'Okafor', 'Price', 'Rahman', 'Shaw', 'Thomas', 'Vaughan', 'Wilson', 'Yates', 'Zielinski', 'Brennan', 'Collins', 'Dunne'];

/** Each agency's share of the practitioners, and its staff's job titles (the first is the line managers'). */
const AGENCY_STAFF: Record<string, { share: number; managers: string[]; titles: string[] }> = {
  council: { share: 0.27, managers: ['Team manager', 'Assistant team manager'], titles: ['Social worker', 'Senior social worker', 'Family support worker', 'Early help practitioner', 'Youth worker', 'Independent reviewing officer'] },
  police: { share: 0.14, managers: ['Detective sergeant', 'Sergeant'], titles: ['Police constable', 'Detective constable', 'PCSO', 'Child abuse investigator'] },
  icb: { share: 0.07, managers: ['Named nurse for safeguarding'], titles: ['Safeguarding nurse', 'GP', 'Practice nurse', 'Safeguarding administrator'] },
  trust: { share: 0.24, managers: ['Ward manager', 'Health visiting team leader'], titles: ['Midwife', 'Health visitor', 'School nurse', 'Paediatric nurse', 'Emergency department nurse', 'Community nursery nurse'] },
  school: { share: 0.28, managers: ['Head of year'], titles: ['Teacher', 'Teaching assistant', 'Pastoral lead', 'SENCO', 'Deputy DSL', 'Attendance officer'] },
};

export const DEMO_TRAINING_PRACTITIONERS = 420;
const DAY = 86_400_000;

export type TrainingSeed = { courses: number; sessions: number; practitioners: number; bookings: number };

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** The programme, its sessions from the start of the last financial year to 15 months ahead, the practitioners and their bookings. */
export async function seedTraining(db: Db, opts: { partnershipId: number; today: string; agencies: Map<string, number>; now?: Date }): Promise<TrainingSeed> {
  const { partnershipId, today } = opts;
  const now = opts.now ?? new Date(`${today}T12:00:00Z`);
  const random = prng(8080);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(xs: readonly T[]) => xs[int(xs.length)]!;

  // ---- Courses
  const courseIds = new Map(TRAINING_COURSES.map((c) => [c.key, crypto.randomUUID()]));
  await db.insertInto('course').values(TRAINING_COURSES.map((c) => ({
    id: courseIds.get(c.key)!, partnership_id: partnershipId, title: c.title, summary: c.summary, description: c.description, audience: c.audience, level: c.level,
    delivery: c.delivery, duration_minutes: c.minutes, learning_outcomes: c.outcomes, themes: c.themes,
  }))).execute();

  // ---- Practitioners, each agency's line managers first
  const passwordHash = await hashPassword(randomBytes(24).toString('base64url'));
  const domains = new Map((await db.selectFrom('agency').select(['id', 'email_domains']).where('id', 'in', [...opts.agencies.values()]).execute())
    .map((a) => [a.id, a.email_domains[0] ?? 'example.org']));
  const taken = new Set((await db.selectFrom('app_user').select('email').execute()).map((u) => u.email));
  type Person = { email: string; name: string; agency_id: number; job_title: string; manager: boolean; key: string };
  const people: Person[] = [];
  for (const [key, staff] of Object.entries(AGENCY_STAFF)) {
    const agencyId = opts.agencies.get(key);
    if (agencyId === undefined) continue;
    const n = Math.round(DEMO_TRAINING_PRACTITIONERS * staff.share);
    for (let i = 0; i < n; i++) {
      const first = pick(FIRST);
      const last = pick(LAST);
      const local = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '');
      let email = `${local}@${domains.get(agencyId)}`;
      for (let k = 2; taken.has(email); k++) email = `${local}${k}@${domains.get(agencyId)}`;
      taken.add(email);
      const manager = i % 9 === 0;
      people.push({ email, name: `${first} ${last}`, agency_id: agencyId, job_title: manager ? pick(staff.managers) : pick(staff.titles), manager, key });
    }
  }
  const registeredAt = new Date(now.getTime() - 400 * DAY);
  const ids = new Map<string, number>();
  for (const batch of chunks(people, 200)) {
    const rows = await db.insertInto('app_user').values(batch.map((p) => ({
      email: p.email, name: p.name, agency_id: p.agency_id, password_hash: passwordHash, status: 'active' as const, job_title: p.job_title,
      email_verified_at: new Date(registeredAt.getTime() + int(300) * DAY), last_partnership_id: partnershipId,
    }))).returning(['id', 'email']).execute();
    for (const r of rows) ids.set(r.email, r.id);
    await db.insertInto('membership').values(rows.map((r) => ({ user_id: r.id, partnership_id: partnershipId, role: 'practitioner' }))).execute();
  }
  // Line managers within each agency; the school's staff report to its DSL and heads of year.
  const dsl = await db.selectFrom('app_user').select('id').where('email', '=', 'dsl@riverside.sch.uk').executeTakeFirst();
  const emma = await db.selectFrom('app_user').select('id').where('email', '=', 'practitioner@riverside.sch.uk').executeTakeFirst();
  const staffOf = new Map<number, number[]>();
  for (const key of Object.keys(AGENCY_STAFF)) {
    const mine = people.filter((p) => p.key === key);
    const managers = mine.filter((p) => p.manager).map((p) => ids.get(p.email)!);
    if (key === 'school' && dsl) managers.push(dsl.id);
    for (const p of mine) {
      const id = ids.get(p.email)!;
      const others = managers.filter((m) => m !== id);
      const lead = p.manager && key === 'school' && dsl ? dsl.id : others.length ? pick(others) : null;
      if (lead !== null) staffOf.set(lead, [...(staffOf.get(lead) ?? []), id]);
    }
  }
  // One statement a line manager rather than one a person.
  for (const [lead, staff] of staffOf) await db.updateTable('app_user').set({ line_manager_id: lead }).where('id', 'in', staff).execute();
  if (dsl && emma) await db.updateTable('app_user').set({ line_manager_id: dsl.id, job_title: 'Teacher' }).where('id', '=', emma.id).execute();
  if (dsl) await db.updateTable('app_user').set({ job_title: 'Designated safeguarding lead' }).where('id', '=', dsl.id).execute();
  // Two registrations still waiting for their addresses to be confirmed.
  for (const [i, p] of [['Ryan Holt', 'council'], ['Megan Lowe', 'trust']].entries()) {
    const agencyId = opts.agencies.get(p[1]!);
    if (agencyId === undefined) continue;
    const email = `${p[0]!.toLowerCase().replace(' ', '.')}@${domains.get(agencyId)}`;
    if (taken.has(email)) continue;
    const user = await db.insertInto('app_user').values({
      email, name: p[0]!, agency_id: agencyId, password_hash: passwordHash, status: 'disabled', job_title: i === 0 ? 'Social worker' : 'Midwife', last_partnership_id: partnershipId,
    }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('membership').values({ user_id: user.id, partnership_id: partnershipId, role: 'practitioner' }).execute();
    await db.insertInto('email_verification').values({ user_id: user.id, token_hash: hashToken(randomBytes(32).toString('base64url')), expires_at: new Date(now.getTime() + (6 + i * 10) * 3_600_000) }).execute();
  }

  // ---- Sessions: every month from the last financial year's start to 15 months ahead
  const year = Number(today.slice(0, 4));
  const fyStart = `${Number(today.slice(5, 7)) >= 4 ? year - 1 : year - 2}-04-01`;
  const trainer = await db.selectFrom('app_user').select('id').where('email', '=', 'trainer@northmere.gov.uk').executeTakeFirst();
  const rotation: CourseSeed[] = [];
  const refill = () => {
    const list = TRAINING_COURSES.flatMap((c) => Array.from({ length: c.perYear }, () => c));
    for (let i = list.length - 1; i > 0; i--) { const j = int(i + 1); [list[i], list[j]] = [list[j]!, list[i]!]; }
    rotation.push(...list);
  };
  const openUntil = new Date(now.getTime() + 120 * DAY);
  type SessionRow = { id: string; course: CourseSeed; startsAt: Date; endsAt: Date; capacity: number; status: 'planned' | 'scheduled' | 'cancelled' };
  const sessions: SessionRow[] = [];
  const endMonth = addMonths(today.slice(0, 8) + '01', 15);
  for (let month = fyStart, m = 0; month < endMonth; month = addMonths(month, 1), m++) {
    const count = MONTHLY[m % 12]!;
    const days: string[] = [];
    for (let d = 1; d <= 31; d++) {
      const date = `${month.slice(0, 8)}${String(d).padStart(2, '0')}`;
      if (!isIsoDate(date)) continue;
      const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
      if (isWorkingDay(date) && weekday >= 2 && weekday <= 4) days.push(date);
    }
    for (let k = 0; k < count; k++) {
      if (rotation.length === 0) refill();
      const course = rotation.shift()!;
      const date = days[Math.floor(((k + 0.5) * days.length) / count)] ?? days[0]!;
      let startsAt: Date;
      let endsAt: Date;
      if (course.delivery === 'e_learning') {
        startsAt = londonInstant(month, '00:00:00');
        endsAt = londonInstant(addMonths(month, 3), '00:00:00');
        endsAt = new Date(endsAt.getTime() - 60_000);
      } else {
        const start = course.delivery === 'virtual' ? '10:00:00' : course.minutes >= 360 || k % 2 === 0 ? '09:30:00' : '13:30:00';
        startsAt = londonInstant(date, start);
        endsAt = new Date(startsAt.getTime() + course.minutes * 60_000);
      }
      const capacity = course.delivery === 'e_learning' ? 50 : course.delivery === 'virtual' ? 30 : pick([14, 16, 16, 16, 18]);
      sessions.push({ id: crypto.randomUUID(), course, startsAt, endsAt, capacity, status: startsAt > openUntil ? 'planned' : 'scheduled' });
    }
  }
  for (const batch of chunks(sessions, 200)) {
    await db.insertInto('course_session').values(batch.map((s) => ({
      id: s.id, partnership_id: partnershipId, course_id: courseIds.get(s.course.key)!, starts_at: s.startsAt, ends_at: s.endsAt, capacity: s.capacity,
      trainers: s.course.trainers, venue: s.course.delivery === 'face_to_face' ? pick(VENUES) : null,
      joining_link: s.course.delivery === 'virtual' ? `https://meet.northmere.gov.uk/training/${randomBytes(5).toString('hex')}` : null,
      trainer_user_id: s.course.delivery === 'e_learning' ? null : trainer?.id ?? null, status: s.status,
    }))).execute();
  }

  // ---- Bookings: delivered sessions nearly full; the coming months filling up, the soonest most
  const pool = people.map((p) => ({ id: ids.get(p.email)!, school: p.key === 'school' }));
  const bookings: { partnership_id: number; session_id: string; user_id: number; status: 'confirmed' | 'waiting' | 'cancelled'; booked_at: Date; confirmed_at: Date | null;
    cancelled_at: Date | null; cancelled_reason: string | null; reminder_sent_at: Date | null }[] = [];
  const later = (s: SessionRow) => s.status === 'scheduled' && s.startsAt > new Date(now.getTime() + 10 * DAY);
  const fullOne = sessions.find((s) => s.course.key === 'neglect' && later(s)) ?? sessions.find((s) => s.course.delivery === 'face_to_face' && later(s));
  for (const s of sessions) {
    if (s.status === 'planned') continue;
    const daysAway = (s.startsAt.getTime() - now.getTime()) / DAY;
    const share = daysAway <= 0 ? 0.85 + random() * 0.15 : daysAway < 30 ? 0.6 + random() * 0.35 : daysAway < 60 ? 0.3 + random() * 0.4 : 0.1 + random() * 0.3;
    const confirmed = s === fullOne ? s.capacity : Math.min(s.capacity, Math.round(s.capacity * share));
    const chosen = new Set<number>();
    // The DSL refresher is for schools: its places go to school staff.
    const from = s.course.key === 'dsl' ? pool.filter((p) => p.school) : pool;
    while (chosen.size < confirmed + (s === fullOne ? 3 : 0) + 1) chosen.add(pick(from).id);
    const list = [...chosen];
    list.forEach((userId, i) => {
      const bookedAt = new Date(Math.min(s.startsAt.getTime() - (5 + int(50)) * DAY, now.getTime() - (i + 1) * 3_600_000));
      const waiting = s === fullOne && i >= s.capacity && i < s.capacity + 3;
      // One more booked and then cancelled, as people do.
      const cancelled = i === list.length - 1;
      const cancelledAt = new Date(Math.min(bookedAt.getTime() + 3 * DAY, now.getTime() - 3_600_000));
      bookings.push({
        partnership_id: partnershipId, session_id: s.id, user_id: userId, status: cancelled ? 'cancelled' : waiting ? 'waiting' : 'confirmed', booked_at: bookedAt,
        confirmed_at: waiting ? null : bookedAt, cancelled_at: cancelled ? cancelledAt : null, cancelled_reason: null,
        reminder_sent_at: !cancelled && !waiting && daysAway <= 0 ? new Date(s.startsAt.getTime() - 2 * DAY) : null,
      });
    });
  }
  // Emma Collins: two courses done, a place on the next domestic abuse day (or another), and third in the queue for the full neglect day.
  if (emma) {
    const add = (s: SessionRow | undefined, status: 'confirmed' | 'waiting', bookedAt: Date) => {
      if (!s || bookings.some((b) => b.session_id === s.id && b.user_id === emma.id)) return;
      bookings.push({ partnership_id: partnershipId, session_id: s.id, user_id: emma.id, status, booked_at: bookedAt, confirmed_at: status === 'confirmed' ? bookedAt : null,
        cancelled_at: null, cancelled_reason: null, reminder_sent_at: s.startsAt < now ? new Date(s.startsAt.getTime() - 2 * DAY) : null });
    };
    const past = (key: string) => [...sessions].reverse().find((s) => s.course.key === key && s.startsAt < new Date(now.getTime() - 30 * DAY));
    add(past('safer_sleep'), 'confirmed', new Date(now.getTime() - 200 * DAY));
    add(past('curiosity'), 'confirmed', new Date(now.getTime() - 120 * DAY));
    const next = (key?: string) => sessions.find((s) => (key ? s.course.key === key : s.course.delivery === 'face_to_face') && s !== fullOne && s.status === 'scheduled' && s.startsAt > now);
    add(next('domestic_abuse') ?? next('exploitation') ?? next(), 'confirmed', new Date(now.getTime() - 6 * DAY));
    if (fullOne) {
      const queue = bookings.filter((b) => b.session_id === fullOne.id && b.status === 'waiting').sort((a, b) => a.booked_at.getTime() - b.booked_at.getTime());
      const third = new Date((queue[1] ?? queue[0])?.booked_at.getTime() ?? now.getTime() - DAY);
      add(fullOne, 'waiting', new Date(third.getTime() + 60_000));
    }
  }
  for (const batch of chunks(bookings, 500)) await db.insertInto('booking').values(batch).execute();

  return { courses: TRAINING_COURSES.length, sessions: sessions.length, practitioners: people.length, bookings: bookings.length };
}
