import type { Db } from '../create-db';
import type { ReportEventKind, SectionStatus } from '../schema-annual-report';
import { addDays } from '../../features/governance/terms';
import { addSection, createReport } from '../../features/annual-report/annual-report.service';
import type { DemoGroups } from './assurance-groups';
import { lastFinancialYearEnd } from './partner-data';

/**
 * The demo's annual reports: last year's, approved by the three statutory partners' Executive members, and
 * this year's in progress, as a business manager finds it halfway through: most written sections drafted by
 * their owners (some in several versions, some with comments), some submitted and some accepted, one of the
 * partnership's own added and one removed. Every text is invented for the fictional Northmere partnership.
 */

const MANAGER = 'business.manager@northmere.gov.uk';
const NURSE = 'designated.nurse@nhs.net';
const POLICE_LEAD = 'safeguarding.lead@nep.police.uk';
const QA_LEAD = 'qa.lead@northmere.gov.uk';
const DCS = 'director.childrens@northmere.gov.uk';
const POLICE_EXEC = 'chief.superintendent@nep.police.uk';
const NURSE_EXEC = 'chief.nurse@nhs.net';

/** The owner of each section where the catalogue's suggestion finds no one who writes (a chair without an account). */
const OWNERS: Record<string, string> = {
  foreword: DCS, priorities: DCS, future_priorities: DCS, subgroup_cspr: POLICE_LEAD, subgroup_qa: QA_LEAD, subgroup_exploitation: POLICE_LEAD,
  subgroup_neglect: NURSE, learning_from_reviews: POLICE_LEAD,
};

/** A written section's drafts, oldest first, by their authors; its status; comments on it. */
type Draft = { status: SectionStatus; versions: { by: string; body: string; note?: string; daysAgo: number }[]; comments?: { by: string; body: string; daysAgo: number; resolved?: boolean }[] };

const INTRODUCTION_V1 = `Welcome to the annual report of the Northmere Safeguarding Children Partnership for the year to 31 March.

It covers the work of the three statutory partners, Northmere Council, Northmere and Eastholm Police and the Northmere Integrated Care Board, with the schools, hospitals and voluntary organisations who keep children safe with us.`;

const INTRODUCTION = `Welcome to the annual report of the Northmere Safeguarding Children Partnership for the year to 31 March. Margaret Ellison chaired the partnership as its Independent Chair and Scrutineer throughout the year.

It covers the work of the three statutory partners, Northmere Council, Northmere and Eastholm Police and the Northmere Integrated Care Board, with the schools, hospitals and voluntary organisations who keep children safe with us.

The report will be shared with:

- the Chief Executive and the Leader of Northmere Council
- the Police and Crime Commissioner for Northmere and Eastholm
- the Chief Executive of the Northmere Integrated Care Board
- the Children and Young People's Scrutiny Panel
- the Northmere Safeguarding Adults Board
- the Child Safeguarding Practice Review Panel and the What Works Centre for Children's Social Care

If you would like the report in another format, please ask the partnership's business manager.`;

const FOREWORD = `This has been a year of steady rebuilding. After the inspection of children's services last spring, partners agreed that the front door would be our first test: whether a worried teacher, GP or neighbour reaches the right help on the day they call. We now meet that test far more often, and the police attend nearly every strategy discussion.

We are proud of the multi-agency audits, which this year looked at neglect three times and at exploitation once, and of the practitioners who gave their time to them. We know there is more to do on the timeliness of health assessments for children in care, and on hearing from children before plans are made about them.

[Signatures to follow from each statutory partner and the Independent Chair]`;

const STRUCTURE = `The Executive Board of the three statutory partners meets every two months, chaired by the Independent Chair. The Executive and Subgroup Chairs group brings the subgroups' progress, risks and good practice to the Executive each quarter.

## Subgroups

- Child Safeguarding Practice Review Group, chaired by the Designated Doctor
- Learning and Development, chaired by the Designated Nurse
- Quality Assurance and Performance, chaired by the Named GP for Safeguarding
- Communication and Engagement, chaired by the council's communications lead

## Working groups

- Exploitation and Contextual Safeguarding, chaired by the police's exploitation lead
- Childhood Neglect, chaired by the Named Nurse of the hospitals trust

In the autumn the Communication and Engagement subgroup agreed to meet jointly with the Safeguarding Adults Board's, as most of its members sit on both.`;

const VISION = `## Our vision

Every child in Northmere grows up safe from abuse and neglect, and gets the right help from people who know them, as early as it is needed.

## Our values

- Openness: partners share what they know, what went well and what did not
- Challenge: we question each other's practice respectfully and expect to be questioned
- Learning: every review and audit changes something that practitioners can see
- The child at the centre: we ask children what life is like for them, and it shapes what we do`;

const PRIORITIES_V1 = `The priorities for the three-year business plan were agreed at the development day in March:

- Leadership
- Neglect
- Exploitation`;

const PRIORITIES = `The Executive agreed four priorities for the three-year business plan at its development day in March:

- Leadership: strong governance, with each partner holding the others to account
- Learning: practitioners have the knowledge and confidence to act on what they see
- Neglect: neglect is recognised early and the help offered makes a difference children feel
- Exploitation: children at risk outside the home are recognised and protected, including as they become adults

They come from what our audits, reviews and data told us over the last two years. The objectives stay the same for the three years; the work under them is reviewed each year by the subgroups.`;

const ACHIEVEMENTS = `- The front door now decides on nine in ten contacts within one working day
- The police attend strategy discussions in person or by phone within the hour
- Three rounds of multi-agency neglect audits, each with a learning briefing
- The strengths and needs toolkit for neglect is in use across early help and schools
- A new exploitation risk assessment shared by the council, the police and health
- The training programme returned to mostly face-to-face courses`;

const TRAINING = `## What we did well

- Delivered a full programme of multi-agency courses, most of them face to face again
- Added a course on the cumulative harm of neglect, written with the neglect working group
- Police colleagues now deliver the child exploitation course themselves
- Evaluations are collected for every course, and an impact survey three months later

## Future objectives

- Plan the programme 15 months ahead so that partners can release staff in good time
- Make sure every partner's staff can book, including the voluntary sector
- Keep the child's lived experience at the heart of every course`;

const CSPR_V1 = `## What we did well

- The group met monthly
- One rapid review

## Future objectives

- `;

const CSPR_V2 = `## What we did well

- The group met every month and considered every serious incident notification within the statutory timescales
- One rapid review was held, and one practice review was completed and published

## Future objectives

- Consider national and regional reviews for learning relevant to Northmere`;

const CSPR = `## What we did well

- The group met every month and considered every serious incident notification within the statutory timescales
- One rapid review was held, one practice review was completed and published, and an appreciative enquiry looked at a case where partners worked well together
- The group revised its terms of reference and the referral form for serious incidents

## Future objectives

- Consider national and regional reviews for learning relevant to Northmere
- Update the policy on bruising in babies who are not yet mobile
- Check that actions from reviews are completed, with evidence, before they are closed`;

const LEARNING = `## What we did well

- Turned the learning from each review and audit into a two-page briefing for practitioners
- Quality assured the multi-agency courses through observation and evaluation

## Future objectives

- Agree a learning assurance framework, so that we can show how practice changed after training
- Make sure briefings reach GP practices and schools as well as the statutory partners`;

const QA = `## What we did well

- The subgroup reviews the partnership's dashboard at every meeting, with the police's and health's figures alongside the council's
- Multi-agency audits ran on neglect every four months and on exploitation once
- Front door decisions are audited every month, with the police taking part

## Future objectives

- Add re-referrals to the audit programme
- Make the Section 11 self-assessments of schools and the voluntary sector part of the cycle`;

const EXPLOITATION = `## What we did well

- Mapped the places where children are at risk of exploitation, with the community safety team
- Agreed one exploitation risk assessment for the council, the police and health

## Future objectives

- Set up a risks outside the home forum for each locality
- Prepare for a joint targeted area inspection on exploitation`;

const REVIEWS_V1 = `One rapid review was held this year, and one practice review was completed.`;

const REVIEWS = `One rapid review was held this year, and one practice review begun the year before was completed and published. Both concerned babies under one, and both found that fathers and other men in the household were not known to the professionals working with the mother.

Partners have changed practice as a result: midwives and health visitors now ask who else lives in or visits the home, and the police share their records of the men named at the first strategy discussion. The Learning and Development subgroup included the learning in the courses on neglect and on working with fathers.`;

const HEALTH = `The Integrated Care Board's safeguarding team chairs two of the partnership's subgroups and the neglect working group, and health partners took part in every multi-agency audit this year.

Highlights:

- The Designated Nurse and Designated Doctor supported every rapid review and the practice review
- GPs' safeguarding leads now receive the partnership's learning briefings directly
- The hospitals trust appointed a second emergency department safeguarding nurse

Our challenge remains the timeliness of initial health assessments for children coming into care, which we are working on with the council.`;

const CHILDRENS_SERVICES = `## What works well

Our front door team decides on most contacts within a working day, and the multi-agency safeguarding hub now has police and health colleagues in the room every weekday.

## Our initiatives

- A risks outside the home team for young people at risk of exploitation
- Family group conferences offered before any child comes into care`;

const CHILDREN_IN_CARE = `Northmere's corporate parenting board met four times this year, with two young people from the Children in Care Council at each meeting.

We have worked with the Integrated Care Board to improve the timeliness of initial health assessments, which remains below where we want it to be.`;

const LADO = `The local authority designated officer received and managed allegations against people who work with children throughout the year. Most came from schools and early years settings, and most were resolved within one month.

The designated officer's own annual report, with its figures, is published on the partnership's website.`;

const CDOP = `Northmere is a member of the child death overview panel shared with two neighbouring partnerships. The panel publishes its own annual report.`;

const DOMESTIC_ABUSE = `Children were present at many of the domestic abuse incidents the police attended this year. Through Operation Encompass, schools are told before the start of the next school day, so that a trusted adult can be ready for the child.

The police and the council are reviewing together how the front door screens domestic abuse notifications, so that children who need help are not lost among those who do not.`;

const DRAFTS: Record<string, Draft> = {
  introduction: { status: 'accepted', versions: [{ by: MANAGER, body: INTRODUCTION_V1, daysAgo: 52 }, { by: MANAGER, body: INTRODUCTION, note: 'Added the Chair and who the report goes to', daysAgo: 30 }] },
  foreword: { status: 'drafting', versions: [{ by: DCS, body: FOREWORD, daysAgo: 6 }], comments: [{ by: MANAGER, body: 'Could the police and the ICB add a line each before the signatures?', daysAgo: 4 }] },
  structure: { status: 'accepted', versions: [{ by: MANAGER, body: STRUCTURE, daysAgo: 45 }] },
  vision_values: { status: 'accepted', versions: [{ by: MANAGER, body: VISION, daysAgo: 44 }] },
  priorities: { status: 'submitted', versions: [{ by: DCS, body: PRIORITIES_V1, daysAgo: 20 }, { by: DCS, body: PRIORITIES, note: 'Added learning and why we chose them', daysAgo: 9 }] },
  achievements: { status: 'drafting', versions: [{ by: MANAGER, body: ACHIEVEMENTS, daysAgo: 12 }] },
  subgroup_training: { status: 'submitted', versions: [{ by: NURSE, body: TRAINING, daysAgo: 15 }] },
  subgroup_cspr: {
    status: 'drafting',
    versions: [{ by: POLICE_LEAD, body: CSPR_V1, daysAgo: 28 }, { by: POLICE_LEAD, body: CSPR_V2, daysAgo: 21 }, { by: POLICE_LEAD, body: CSPR, note: 'Objectives from the group’s last meeting', daysAgo: 3 }],
    comments: [
      { by: MANAGER, body: 'Please say how many rapid reviews and practice reviews, as last year’s report did.', daysAgo: 20, resolved: true },
      { by: MANAGER, body: 'The appreciative enquiry deserves a line of its own: it was the first we have done.', daysAgo: 2 },
    ],
  },
  subgroup_learning: { status: 'accepted', versions: [{ by: NURSE, body: LEARNING, daysAgo: 33 }] },
  subgroup_qa: { status: 'submitted', versions: [{ by: QA_LEAD, body: QA, daysAgo: 8 }], comments: [{ by: MANAGER, body: 'Thank you. Should we mention the Section 11 peer challenge day here or in the Section 11 part?', daysAgo: 5 }] },
  subgroup_exploitation: { status: 'drafting', versions: [{ by: POLICE_LEAD, body: EXPLOITATION, daysAgo: 11 }] },
  learning_from_reviews: { status: 'drafting', versions: [{ by: POLICE_LEAD, body: REVIEWS_V1, daysAgo: 25 }, { by: POLICE_LEAD, body: REVIEWS, note: 'What changed as a result', daysAgo: 7 }] },
  health: { status: 'submitted', versions: [{ by: NURSE, body: HEALTH, daysAgo: 10 }], comments: [{ by: MANAGER, body: 'Lovely. Can we add the number of GP practices now getting the briefings?', daysAgo: 6 }] },
  childrens_services: { status: 'drafting', versions: [{ by: QA_LEAD, body: CHILDRENS_SERVICES, daysAgo: 14 }] },
  children_in_care: { status: 'drafting', versions: [{ by: QA_LEAD, body: CHILDREN_IN_CARE, daysAgo: 16 }] },
  lado: { status: 'accepted', versions: [{ by: QA_LEAD, body: LADO, daysAgo: 40 }] },
  cdop: { status: 'drafting', versions: [{ by: MANAGER, body: CDOP, daysAgo: 48 }] },
};

/** Data sections the business manager has checked. */
const DATA_STATUS: Record<string, SectionStatus> = { training_figures: 'accepted', police: 'accepted', health_data: 'submitted', reviews_audits: 'drafting' };

/** Last year's text, shorter: what the approved report said. */
const LAST_YEAR: Record<string, string> = {
  introduction: 'Welcome to the annual report of the Northmere Safeguarding Children Partnership. Margaret Ellison chaired the partnership as Independent Chair.',
  foreword: 'The year brought the partnership a new business plan, a new dashboard and the first multi-agency audits in three years. We thank every practitioner who made them work.',
  structure: 'The Executive Board of the three statutory partners leads the partnership, with four subgroups and two working groups.',
  independent_scrutiny: 'The Independent Chair scrutinised the partnership\'s work through the challenge log, visits to the front door and the Section 11 peer challenge day.',
  vision_values: 'Every child in Northmere grows up safe from abuse and neglect, and gets the right help as early as it is needed.',
  priorities: '- Leadership\n- Neglect\n- Exploitation',
  achievements: '- A new three-year business plan\n- The partnership\'s dashboard, reviewed at every QA meeting\n- The first multi-agency audits of neglect',
  subgroup_training: '## What we did well\n\n- Most courses returned to face to face\n\n## Future objectives\n\n- A course on the cumulative harm of neglect',
  subgroup_cspr: '## What we did well\n\n- Every notification considered in time\n\n## Future objectives\n\n- Publish the practice review begun this year',
  subgroup_learning: '## What we did well\n\n- Learning briefings after each review\n\n## Future objectives\n\n- Evaluate the impact of training',
  subgroup_qa: '## What we did well\n\n- The dashboard agreed and in use\n\n## Future objectives\n\n- A programme of multi-agency audits',
  subgroup_exploitation: '## What we did well\n\n- The exploitation strategy agreed\n\n## Future objectives\n\n- One shared risk assessment',
  subgroup_neglect: '## What we did well\n\n- The strengths and needs toolkit finished\n\n## Future objectives\n\n- Audits of neglect every four months',
  learning_from_reviews: 'One rapid review was held. Its learning on information sharing between midwifery and the police was taken into training.',
  health: 'Health colleagues chaired three of the partnership\'s groups and took part in every rapid review.',
  childrens_services: 'The council opened its multi-agency safeguarding hub to police and health colleagues every weekday.',
  education: 'Schools\' designated safeguarding leads met each term, and every school completed its Section 11 self-assessment.',
  children_in_care: 'The corporate parenting board met four times, with young people from the Children in Care Council.',
  lado: 'The local authority designated officer managed allegations throughout the year; the full report is published separately.',
  cdop: 'Northmere shares a child death overview panel with two neighbouring partnerships, which publishes its own report.',
  future_priorities: '- Learning from reviews reaching practice\n- Neglect\n- Exploitation',
};

export async function seedAnnualReports(db: Db, opts: { partnershipId: number; today: string; agencies: Map<string, number>; groups: DemoGroups }) {
  const { partnershipId, today } = opts;
  const people = await db.selectFrom('app_user').select(['id', 'email', 'name']).execute();
  const users = new Map(people.map((u) => [u.email, u.id]));
  const user = (email: string) => {
    const id = users.get(email);
    if (id === undefined) throw new Error(`The demo has no user ${email}`);
    return id;
  };
  const nameOf = (email: string) => people.find((p) => p.email === email)!.name;
  const at = (daysAgo: number, hour = 10) => new Date(`${addDays(today, -daysAgo)}T${String(hour).padStart(2, '0')}:00:00Z`);
  const manager = user(MANAGER);
  const to = lastFinancialYearEnd(today);
  const from = `${Number(to.slice(0, 4)) - 1}-04-01`;
  const yearBefore = (iso: string) => `${Number(iso.slice(0, 4)) - 1}${iso.slice(4)}`;

  await seedApprovedReport(db, { partnershipId, from: yearBefore(from), to: yearBefore(to), today, manager, user, agencies: opts.agencies });

  // ---- This year's report, in progress ----
  const report = await createReport(db, partnershipId, { title: `Annual report ${from.slice(0, 4)} to ${to.slice(0, 4)}`, from, to }, manager, at(56, 9), addDays(today, -56));
  const sections = await db.selectFrom('report_section').select(['id', 'catalogue_key', 'owner_user_id']).where('report_id', '=', report.id).execute();
  const byKey = new Map(sections.map((s) => [s.catalogue_key!, s]));
  const events: { kind: ReportEventKind; section_id: number | null; by_user_id: number; at: Date; reason?: string }[] = [];

  for (const [key, email] of Object.entries(OWNERS)) {
    const s = byKey.get(key)!;
    await db.updateTable('report_section').set({ owner_user_id: user(email) }).where('id', '=', s.id).execute();
    events.push({ kind: 'owner_assigned', section_id: s.id, by_user_id: manager, at: at(55), reason: `Now written by ${nameOf(email)}` });
  }

  const versions: { partnership_id: number; section_id: number; number: number; body: string; note: string | null; created_by: number; created_at: Date }[] = [];
  const comments: { partnership_id: number; section_id: number; author_id: number; body: string; created_at: Date; resolved_at: Date | null; resolved_by: number | null }[] = [];
  for (const [key, draft] of Object.entries(DRAFTS)) {
    const s = byKey.get(key)!;
    draft.versions.forEach((v, i) => versions.push({
      partnership_id: partnershipId, section_id: s.id, number: i + 1, body: v.body, note: v.note ?? null, created_by: user(v.by), created_at: at(v.daysAgo, 11 + i),
    }));
    for (const c of draft.comments ?? []) {
      comments.push({ partnership_id: partnershipId, section_id: s.id, author_id: user(c.by), body: c.body, created_at: at(c.daysAgo, 15),
        resolved_at: c.resolved ? at(c.daysAgo - 1, 9) : null, resolved_by: c.resolved ? user(draft.versions[0]!.by) : null });
    }
    const last = draft.versions.at(-1)!;
    if (draft.status === 'submitted' || draft.status === 'accepted') events.push({ kind: 'submitted', section_id: s.id, by_user_id: user(last.by), at: at(last.daysAgo, 16) });
    if (draft.status === 'accepted') events.push({ kind: 'accepted', section_id: s.id, by_user_id: manager, at: at(last.daysAgo - 1, 10) });
    await db.updateTable('report_section').set({ status: draft.status, updated_at: at(last.daysAgo, 16) }).where('id', '=', s.id).execute();
  }
  // The CSPR section went back to its owner once, with the business manager's reason.
  events.push({ kind: 'submitted', section_id: byKey.get('subgroup_cspr')!.id, by_user_id: user(POLICE_LEAD), at: at(21, 16) });
  events.push({ kind: 'returned', section_id: byKey.get('subgroup_cspr')!.id, by_user_id: manager, at: at(20, 10), reason: 'Please add the objectives the group agreed.' });
  for (const [key, status] of Object.entries(DATA_STATUS)) {
    await db.updateTable('report_section').set({ status }).where('id', '=', byKey.get(key)!.id).execute();
    if (status === 'accepted') events.push({ kind: 'accepted', section_id: byKey.get(key)!.id, by_user_id: manager, at: at(18, 14) });
  }
  await db.insertInto('report_section_version').values(versions).execute();
  if (comments.length) await db.insertInto('report_section_comment').values(comments).execute();

  // The partnership's own section on domestic abuse, after the police's figures; the CDOP section left to the panel's own report.
  const versionNow = async () => String((await db.selectFrom('annual_report').select('version').where('id', '=', report.id).executeTakeFirstOrThrow()).version);
  const added = await addSection(db, partnershipId, report.id, {
    catalogueKey: null, heading: 'Domestic abuse and Operation Encompass', guidance: 'How partners protect children living with domestic abuse: Operation Encompass, the MARAC and the front door.',
    ownerId: user(POLICE_LEAD), public: true, afterId: byKey.get('police')!.id,
  }, await versionNow(), manager, at(40));
  await db.insertInto('report_section_version').values({ partnership_id: partnershipId, section_id: added, number: 1, body: DOMESTIC_ABUSE, created_by: user(POLICE_LEAD), created_at: at(13) }).execute();
  await db.updateTable('report_section').set({ status: 'drafting' }).where('id', '=', added).execute();
  const cdop = byKey.get('cdop')!.id;
  await db.updateTable('report_section').set({ removed_at: at(35) }).where('id', '=', cdop).execute();
  events.push({ kind: 'section_removed', section_id: cdop, by_user_id: manager, at: at(35), reason: 'The panel publishes its own report; the LADO section links to it.' });
  await db.insertInto('report_event').values(events.map((e) => ({ partnership_id: partnershipId, report_id: report.id, reason: null, ...e }))).execute();
  await db.updateTable('annual_report').set({ updated_at: at(2) }).where('id', '=', report.id).execute();
  return { reportId: report.id };
}

/** Last year's report, every section accepted, sent to the Executive and approved by a member for each statutory partner. */
async function seedApprovedReport(db: Db, opts: { partnershipId: number; from: string; to: string; today: string; manager: number; user: (email: string) => number; agencies: Map<string, number> }) {
  const { partnershipId, manager, user } = opts;
  const day = (iso: string, hour: number) => new Date(`${iso}T${String(hour).padStart(2, '0')}:00:00Z`);
  // Drafted through the spring and summer after the year ended; approved at the Executive in September.
  const started = addDays(opts.to, 35);
  const sent = addDays(opts.to, 160);
  const report = await createReport(db, partnershipId, { title: `Annual report ${opts.from.slice(0, 4)} to ${opts.to.slice(0, 4)}`, from: opts.from, to: opts.to }, manager, day(started, 9), started);
  const sections = await db.selectFrom('report_section').select(['id', 'catalogue_key', 'kind', 'owner_user_id']).where('report_id', '=', report.id).execute();
  const written = sections.filter((s) => s.kind === 'written' && LAST_YEAR[s.catalogue_key!]);
  await db.insertInto('report_section_version').values(written.map((s, i) => ({
    partnership_id: partnershipId, section_id: s.id, number: 1, body: LAST_YEAR[s.catalogue_key!]!, created_by: s.owner_user_id ?? manager,
    created_at: day(addDays(started, 20 + (i % 60)), 11),
  }))).execute();
  await db.updateTable('report_section').set({ status: 'accepted', updated_at: day(addDays(sent, -5), 10) }).where('report_id', '=', report.id).execute();
  const approvers = [
    { email: DCS, agency: 'council', daysAfter: 6 }, { email: POLICE_EXEC, agency: 'police', daysAfter: 9 }, { email: NURSE_EXEC, agency: 'icb', daysAfter: 13 },
  ];
  const approvedOn = addDays(sent, 13);
  await db.insertInto('report_approval').values(approvers.map((a) => ({
    partnership_id: partnershipId, report_id: report.id, user_id: user(a.email), agency_id: opts.agencies.get(a.agency)!, decision: 'approved' as const,
    comment: a.agency === 'police' ? 'Approved for the police, with thanks to the subgroup chairs.' : null, decided_at: day(addDays(sent, a.daysAfter), 15),
  }))).execute();
  await db.insertInto('report_event').values([
    { partnership_id: partnershipId, report_id: report.id, kind: 'sent_for_approval', by_user_id: manager, at: day(sent, 12) },
    { partnership_id: partnershipId, report_id: report.id, kind: 'approved', by_user_id: user(NURSE_EXEC), at: day(approvedOn, 15) },
  ]).execute();
  await db.updateTable('annual_report').set({ status: 'approved', sent_for_approval_at: day(sent, 12), approved_at: day(approvedOn, 15), updated_at: day(approvedOn, 15) })
    .where('id', '=', report.id).execute();
}
