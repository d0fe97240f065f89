import type { Db } from '../create-db';
import type { AuditCriteria, AuditScale } from '../schema-audits';
import { addMonths, addWorkingDays, isWorkingDay } from '../../domain/calendar';
import { updateAction } from '../../features/actions/actions.service';
import { addDays } from '../../features/actions/tracker.service';
import { addQuestion, createTheme, saveCriteria, type ThemeForm } from '../../features/audits/programme.service';
import { notifyRoundStarted } from '../../features/audits/reminders.service';
import {
  addFinding, beginModeration, casesOf, completeRound, findSection, moderateCase, saveSection, scheduleRound, selectCases, startRound, type FindingForm,
} from '../../features/audits/rounds.service';
import { candidates } from '../../features/audits/selection';
import { gradeOptions } from '../../features/audits/tool';
import { seededRandom } from '../../features/front-door-quality/quality.service';
import { createMailer } from '../../platform/email';
import type { DemoGroups } from './assurance-groups';

/**
 * The multi-agency audit programme as the seed report describes it: neglect audited jointly every four
 * months (three rounds completed over the last year, grades moving from mostly requires improvement
 * towards good, with findings whose actions are in the tracker), a child sexual exploitation round under
 * way (the police's and health's sections submitted, the school's still draft), re-referrals scheduled,
 * and domestic abuse set up but not yet scheduled. Cases are drawn from the demo's children; where the
 * journeys have too few who qualify on a round's date, qualifying records are added to other children.
 */

const MANAGER = 'business.manager@northmere.gov.uk';
const AUDITORS = {
  council: 'qa.lead@northmere.gov.uk', police: 'safeguarding.lead@nep.police.uk', icb: 'designated.nurse@nhs.net', school: 'dsl@riverside.sch.uk',
} as const;
type AgencyKey = keyof typeof AUDITORS;

const NEGLECT_QUESTIONS: [string, string | null][] = [
  ['Was the impact of neglect on the child’s daily lived experience understood and recorded?', 'Look for what a day is like for the child, not only the parents’ circumstances.'],
  ['Was the child seen, and were their wishes and feelings recorded in their own words?', null],
  ['Was information shared between agencies promptly, including at core groups?', null],
  ['Was a chronology in place and used to identify cumulative harm?', 'A chronology of significant events from each agency, read together.'],
  ['Did the plan have specific, timed outcomes for the child, and were they reviewed?', null],
  ['Was drift or a lack of progress challenged, using the escalation policy where needed?', null],
];
const CSE_QUESTIONS: [string, string | null][] = [
  ['Were the risks of sexual exploitation identified early, using the exploitation screening tool?', null],
  ['Was the young person’s voice heard, and were they helped to understand exploitation?', null],
  ['Was information about places of concern and associates shared with the police?', 'Intelligence submissions, and the police’s response to them.'],
  ['Was every missing episode followed by a return interview offered within 72 hours?', null],
  ['Was disruption of the people exploiting the young person considered?', null],
];
const RE_REFERRAL_QUESTIONS: [string, string | null][] = [
  ['Was the decision to close the previous episode well evidenced?', null],
  ['Was the step-down to early help effective, with a lead professional named?', null],
  ['Did the decision on the re-referral take account of the child’s history?', null],
  ['Were the family’s views sought about what had and had not helped?', null],
];
const DA_QUESTIONS: [string, string | null][] = [
  ['Was the child’s experience of domestic abuse understood and recorded?', null],
  ['Did the school hear of the incident before the start of the next school day?', null],
  ['Was a referral made to MARAC where the risk was high?', null],
];

const WEAK_COMMENTS = [
  'Not evidenced in our records for the period audited.',
  'Partly: recorded at the start of the plan, but not revisited at reviews.',
  'Information was shared, but only when requested and after the core group.',
  'The child’s views were summarised by the parent rather than heard directly.',
];
const STRENGTHS = [
  'Regular attendance at core groups and good quality written reports.',
  'The practitioner knew the family well and noticed changes quickly.',
  'Clear recording of the child’s presentation and of what they said.',
];
const DEVELOPMENT = [
  'Share concerns about missed appointments with the social worker at the time, not at the next meeting.',
  'Use the neglect toolkit at each review to measure change for the child.',
  'Escalate when actions agreed by the core group are not completed.',
];

const at = (date: string, hour = 10) => new Date(`${date}T${String(hour).padStart(2, '0')}:00:00Z`);
/** Audits happen on working days: a date, or the next working day after it. */
const workday = (date: string) => (isWorkingDay(date) ? date : addWorkingDays(date, 1));

export async function seedAudits(db: Db, opts: { partnershipId: number; today: string; agencies: Map<string, number>; groups: DemoGroups }) {
  const { partnershipId, today, groups } = opts;
  const random = seededRandom(20_261_125);
  const agency = (key: AgencyKey) => opts.agencies.get(key)!;
  const users = new Map((await db.selectFrom('app_user').select(['id', 'email']).where('email', 'in', [MANAGER, ...Object.values(AUDITORS), 'auditor@nhs.net']).execute())
    .map((u) => [u.email, u.id]));
  const manager = users.get(MANAGER)!;
  const auditorOf = (agencyId: number) => {
    const key = (Object.keys(AUDITORS) as AgencyKey[]).find((k) => agency(k) === agencyId)!;
    // The ICB's auditor completes some of its sections, its designated nurse the rest.
    return key === 'icb' && random(2) === 0 ? users.get('auditor@nhs.net')! : users.get(AUDITORS[key])!;
  };

  const theme = async (form: Omit<ThemeForm, 'active' | 'scoreLabels'> & { scoreLabels?: string[] }, criteria: AuditCriteria, questions: [string, string | null][]) => {
    const id = await createTheme(db, partnershipId, { active: true, scoreLabels: [], ...form }, at(addMonths(today, -14)));
    await saveCriteria(db, partnershipId, id, criteria, at(addMonths(today, -14)));
    for (const [text, help] of questions) await addQuestion(db, partnershipId, id, { text, help, position: null });
    return id;
  };
  const core = (['council', 'police', 'icb', 'school'] as AgencyKey[]).map(agency);

  const neglect = await theme({
    name: 'Neglect', shortName: 'Neglect', learningTheme: 'neglect', frequencyMonths: 4, leadGroupId: groups.neglect, agencyIds: core, sampleSize: 6, scale: 'ofsted',
    description: 'A joint audit of children on child protection plans for neglect, every four months, as the neglect strategy commits: is the impact of neglect on the child understood, and does the plan change the child’s life?',
  }, { match: 'all', rules: [{ rule: 'cp_plan', category: 'NEG', months: 12 }] }, NEGLECT_QUESTIONS);
  const cse = await theme({
    name: 'Child sexual exploitation', shortName: 'CSE', learningTheme: 'exploitation', frequencyMonths: 6, leadGroupId: groups.exploitation,
    agencyIds: (['police', 'icb', 'school'] as AgencyKey[]).map(agency), sampleSize: 4, scale: 'score',
    scoreLabels: ['Not evidenced', 'Partly evidenced', 'Mostly evidenced', 'Fully evidenced'],
    description: 'Young people assessed as at risk of sexual exploitation: early identification, the young person’s voice, information sharing and disruption.',
  }, { match: 'all', rules: [{ rule: 'exploitation', kind: 'sexual', risk: 'any', months: 12 }] }, CSE_QUESTIONS);
  const reReferrals = await theme({
    name: 'Re-referrals', shortName: 'Re-referrals', learningTheme: 're_referrals', frequencyMonths: 6, leadGroupId: groups.qa, agencyIds: core, sampleSize: 6, scale: 'ofsted',
    description: 'Children referred again within 12 months: was the earlier episode closed well, and did step-down work?',
  }, { match: 'all', rules: [{ rule: 're_referral', months: 6 }] }, RE_REFERRAL_QUESTIONS);
  await theme({
    name: 'Domestic abuse', shortName: 'DA', learningTheme: 'domestic_abuse', frequencyMonths: 6, leadGroupId: groups.qa, agencyIds: core, sampleSize: 5, scale: 'ofsted',
    description: 'Children in households where the police attended a domestic abuse incident.',
  }, { match: 'all', rules: [{ rule: 'domestic_abuse', months: 6 }] }, DA_QUESTIONS);

  /** Adds qualifying records to other children when too few meet the criteria on the date. */
  const topUp = async (roundId: string, criteria: AuditCriteria, asOf: string, wanted: number, add: (childId: string) => Promise<void>, minAge: number, maxAge: number) => {
    const qualifying = new Set((await candidates(db, partnershipId, criteria, asOf, roundId)).map((c) => c.childId));
    if (qualifying.size >= wanted) return;
    const children = await db.selectFrom('child').select('id').where('partnership_id', '=', partnershipId).where('death_date', 'is', null)
      .where('date_of_birth', '<=', addMonths(asOf, -12 * minAge)).where('date_of_birth', '>', addMonths(asOf, -12 * maxAge))
      .where((eb) => eb.not(eb.exists(eb.selectFrom('audit_case').select('id').whereRef('audit_case.child_id', '=', 'child.id').where('round_id', '=', roundId))))
      .orderBy('la_child_id').execute();
    const pool = children.filter((c, i) => i % 3 === 1 && !qualifying.has(c.id)).slice(0, wanted - qualifying.size);
    for (const c of pool) await add(c.id);
  };
  const neglectPlan = (asOf: string) => async (childId: string) => {
    const r = await db.insertInto('referral').values({ partnership_id: partnershipId, child_id: childId, referral_date: addDays(asOf, -150), referral_source: '3A', primary_need: 'N1', referral_nfa: false, source: 'demo' })
      .returning('id').executeTakeFirstOrThrow();
    await db.insertInto('cp_plan').values({ partnership_id: partnershipId, referral_id: r.id, start_date: addDays(asOf, -100), end_date: null, initial_category: 'NEG', latest_category: 'NEG', previous_plans: 0, source: 'demo' }).execute();
  };
  const cseAssessment = (asOf: string) => async (childId: string) => {
    await db.insertInto('exploitation_assessment').values({ partnership_id: partnershipId, child_id: childId, kind: 'sexual', assessment_date: addDays(asOf, -40 - random(120)), risk_level: (['medium', 'high', 'low'] as const)[random(3)]!, source: 'demo' }).execute();
  };

  /** Fills an agency's section for a case, near the case's grade; submits it unless told to leave it draft. */
  const completeSection = async (roundId: string, scale: AuditScale, caseId: string, agencyId: number, grade: string, when: Date, submit: boolean) => {
    const section = await findSection(db, partnershipId, roundId, caseId, String(agencyId));
    const round = await db.selectFrom('audit_round').select('tool').where('id', '=', roundId).executeTakeFirstOrThrow();
    const options = gradeOptions(scale, []).map((o) => o.value);
    const near = (g: string) => options[Math.min(options.length - 1, Math.max(0, options.indexOf(g) + random(3) - 1))]!;
    const weak = (g: string) => options.indexOf(g) >= 2;
    const answers = Object.fromEntries(round.tool!.questions.map((q) => {
      const g = near(grade);
      return [String(q.id), { grade: g, comment: weak(g) ? WEAK_COMMENTS[random(WEAK_COMMENTS.length)]! : '' }];
    }));
    await saveSection(db, partnershipId, section, {
      answers, overallGrade: grade, strengths: STRENGTHS[random(STRENGTHS.length)]!,
      development: weak(grade) || random(2) === 0 ? DEVELOPMENT[random(DEVELOPMENT.length)]! : null, submit,
    }, section.version, auditorOf(agencyId), when);
  };

  // ---- Neglect: three rounds completed over the last year, practice improving; the next one scheduled ----
  const neglectRounds: { monthsAgo: number; grades: string[]; findings: (FindingForm & { progress?: { status: string; evidence?: string; note?: string } })[]; summary: string }[] = [
    {
      monthsAgo: 11, grades: ['requires_improvement', 'requires_improvement', 'inadequate', 'requires_improvement', 'good', 'requires_improvement'],
      summary: 'Practice was found to require improvement in most cases: the impact of neglect on the child was rarely evidenced and chronologies were not used.',
      findings: [
        { kind: 'improvement', text: 'The impact of neglect on the child’s daily lived experience was rarely evidenced: assessments described the parents’ circumstances rather than what life was like for the child.',
          actionDescription: 'Brief every locality social work and health visiting team on the neglect toolkit, and use it at each child protection review.', ownerAgencyId: agency('council'), dueDate: addMonths(today, -7), themes: ['neglect', 'voice_of_the_child'], groupId: groups.neglect,
          progress: { status: 'completed', evidence: 'Briefings delivered to all six locality teams and to health visiting; toolkit use seen in 9 of 12 reviews sampled.' } },
        { kind: 'improvement', text: 'Schools were not told of police attendance at domestic incidents before the next core group.',
          actionDescription: 'Check that every domestic abuse notification reaches the child’s school before the start of the next school day.', ownerAgencyId: agency('police'), dueDate: addMonths(today, -8), themes: ['neglect', 'information_sharing'], groupId: null,
          progress: { status: 'completed', evidence: 'Notification process audited in two months: 96% reached the school before 9am.' } },
        { kind: 'strength', text: 'GPs contributed written reports to every initial child protection conference audited.', actionDescription: null, ownerAgencyId: null, dueDate: null, themes: ['neglect'], groupId: null },
      ],
    },
    {
      monthsAgo: 7, grades: ['good', 'requires_improvement', 'good', 'requires_improvement', 'requires_improvement', 'good'],
      summary: 'An improving picture: half of the cases were good. Chronologies remain the weakest area, and dental neglect was missed.',
      findings: [
        { kind: 'strength', text: 'Core groups met within timescales and were well attended by schools and health.', actionDescription: null, ownerAgencyId: null, dueDate: null, themes: ['neglect'], groupId: null },
        { kind: 'improvement', text: 'Chronologies were absent or out of date in half of the cases.',
          actionDescription: 'Introduce a shared multi-agency chronology template and check its use at each core group.', ownerAgencyId: agency('council'), dueDate: addMonths(today, -1), themes: ['neglect'], groupId: groups.neglect,
          progress: { status: 'in_progress', note: 'Template agreed by the working group; rolled out to two of the six localities.' } },
        { kind: 'improvement', text: 'Dental neglect was not identified by health partners in two cases.',
          actionDescription: 'Health visitors and school nurses to ask about dental registration at every review of a child on a plan for neglect.', ownerAgencyId: agency('icb'), dueDate: addMonths(today, 2), themes: ['neglect'], groupId: groups.neglect,
          progress: { status: 'in_progress', note: 'Prompt added to the health visiting review template.' } },
      ],
    },
    {
      monthsAgo: 3, grades: ['good', 'good', 'outstanding', 'good', 'requires_improvement', 'good'],
      summary: 'Most cases were good, one outstanding. The voice of the child is now well recorded; escalation when plans drift is still not used.',
      findings: [
        { kind: 'strength', text: 'Schools recorded the child’s voice clearly in almost every case, in the child’s own words.', actionDescription: null, ownerAgencyId: null, dueDate: null, themes: ['voice_of_the_child'], groupId: null },
        { kind: 'improvement', text: 'Where plans drifted, no agency used the escalation policy.',
          actionDescription: 'Relaunch the escalation policy with a seven-minute briefing, and ask each agency to report its escalations to the QA subgroup.', ownerAgencyId: agency('council'), dueDate: addMonths(today, 2), themes: ['neglect', 'professional_curiosity'], groupId: groups.qa },
        { kind: 'improvement', text: 'Police checks for the core group were sometimes requested late.',
          actionDescription: 'Police to provide core group checks within five working days of the request.', ownerAgencyId: agency('police'), dueDate: addMonths(today, 1), themes: ['neglect', 'information_sharing'], groupId: null },
      ],
    },
  ];

  for (const spec of neglectRounds) {
    const planned = workday(addMonths(today, -spec.monthsAgo));
    const roundId = await scheduleRound(db, partnershipId, neglect, planned, manager, at(addDays(planned, -30)));
    const criteria: AuditCriteria = { match: 'all', rules: [{ rule: 'cp_plan', category: 'NEG', months: 12 }] };
    await topUp(roundId, criteria, planned, 6, neglectPlan(planned), 1, 15);
    await selectCases(db, partnershipId, roundId, manager, at(planned), random);
    const due = addWorkingDays(planned, 15);
    await startRound(db, partnershipId, roundId, due, manager, at(planned, 11));
    const cases = (await casesOf(db, partnershipId, roundId)).filter((c) => c.status === 'selected').sort((a, b) => a.caseNumber - b.caseNumber);
    for (const [i, c] of cases.entries()) {
      const grade = spec.grades[i % spec.grades.length]!;
      for (const a of core) {
        // Mostly on time; the school late once in the first round, the police once in the second.
        const late = (spec.monthsAgo === 11 && a === agency('school') && i === 0) || (spec.monthsAgo === 7 && a === agency('police') && i === 1);
        await completeSection(roundId, 'ofsted', c.id, a, grade, at(late ? addWorkingDays(due, 2) : addDays(due, -1 - random(6)), 9 + random(7)), true);
      }
    }
    await beginModeration(db, partnershipId, roundId, false, at(addWorkingDays(due, 5)));
    for (const [i, c] of cases.entries()) {
      await moderateCase(db, partnershipId, roundId, c.id, {
        grade: spec.grades[i % spec.grades.length]!,
        notes: 'Agreed at the moderation meeting with all four agencies, after reading each agency’s section together.',
      }, manager, at(addWorkingDays(due, 8)));
    }
    for (const f of spec.findings) await addFinding(db, partnershipId, roundId, f, manager, at(addWorkingDays(due, 8), 15));
    await completeRound(db, partnershipId, roundId, spec.summary, manager, at(addWorkingDays(due, 12)));
    const actions = await db.selectFrom('audit_finding').select(['action_id', 'number']).where('round_id', '=', roundId).where('action_id', 'is not', null).orderBy('number').execute();
    const improvements = spec.findings.filter((f) => f.kind === 'improvement');
    for (const [i, a] of actions.entries()) {
      const progress = improvements[i]?.progress;
      if (!progress) continue;
      const owner = await db.selectFrom('action').select('owner_agency_id').where('id', '=', a.action_id!).executeTakeFirstOrThrow();
      await updateAction(db, partnershipId, a.action_id!, 1, progress, auditorOf(owner.owner_agency_id), at(addDays(today, -20 - 10 * i)));
    }
  }
  await scheduleRound(db, partnershipId, neglect, workday(addMonths(today, 1)), manager, at(addDays(today, -7)));

  // ---- Child sexual exploitation: a round under way, the police's and health's sections in, the school's draft ----
  const csePlanned = workday(addDays(today, -21));
  const cseRound = await scheduleRound(db, partnershipId, cse, csePlanned, manager, at(addMonths(today, -2)));
  const cseCriteria: AuditCriteria = { match: 'all', rules: [{ rule: 'exploitation', kind: 'sexual', risk: 'any', months: 12 }] };
  const cseStart = workday(addDays(today, -14));
  await topUp(cseRound, cseCriteria, cseStart, 4, cseAssessment(cseStart), 12, 18);
  await selectCases(db, partnershipId, cseRound, manager, at(cseStart, 9), random);
  await startRound(db, partnershipId, cseRound, addWorkingDays(today, 5), manager, at(cseStart, 11));
  // No SMTP server in the demo: the start emails wait in the outbox, where the administrator can read them.
  await notifyRoundStarted(db, createMailer({ from: 'beacon@northmere.gov.uk' }), partnershipId, cseRound, at(cseStart, 11));
  const cseCases = (await casesOf(db, partnershipId, cseRound)).filter((c) => c.status === 'selected').sort((a, b) => a.caseNumber - b.caseNumber);
  for (const [i, c] of cseCases.entries()) {
    const grade = ['2', '1', '2', '3'][i % 4]!;
    await completeSection(cseRound, 'score', c.id, agency('police'), grade, at(addDays(today, -3 - i), 14), true);
    await completeSection(cseRound, 'score', c.id, agency('icb'), grade, at(addDays(today, -2 - i), 11), true);
    if (i < 2) await completeSection(cseRound, 'score', c.id, agency('school'), grade, at(addDays(today, -1), 16), false);
  }

  // ---- Re-referrals: the first round scheduled for next month ----
  await scheduleRound(db, partnershipId, reReferrals, workday(addDays(addMonths(today, 1), 7)), manager, at(addDays(today, -10)));
}
