import type { Db } from '../create-db';
import { createContact } from '../../features/front-door/contacts.service';
import { QUESTIONS, type AuditAnswers, type Grade } from '../../features/front-door-quality/questions';
import { completeAudit, monthBounds, monthOf, previousMonth, seededRandom, selectAudits } from '../../features/front-door-quality/quality.service';

/**
 * The front door's quality assurance over the last three months: the audits of each month selected from
 * the month before's decisions, the two past months nearly all completed, this month under way. Where the
 * front door seed has too few decisions that far back, older contacts are added, decided directly.
 */

const HOUR = 3_600_000;
const REASONS = [
  'Neighbour heard shouting and a child crying late at night, several nights running.',
  'Health visitor concerned about weight loss and missed appointments for a baby.',
  'School reports a pupil arriving hungry and in the same clothes most days.',
  'Police attended a domestic incident; two children were present.',
  'Young person disclosed to a youth worker that they are staying with older adults they met online.',
];
const DECISION_REASONS = {
  nfa: 'The family are already working with the school’s pastoral team; no role for children’s services.',
  early_help: 'Needs are below the threshold for statutory services; family wellbeing offered with consent.',
  referral: 'Cumulative neglect concerns meet the threshold for a social work assessment.',
} as const;
const LEARNING: Record<Grade, string[]> = {
  outstanding: ['Exemplary recording of the child’s own words; share as a model in the next team meeting.'],
  good: ['Consent recorded well; next time record the lawful basis for sharing with health as well.', 'Good use of history; chronology could be summarised more briefly.'],
  requires_improvement: [
    'Previous contacts about the same family were not considered: check the history before deciding.',
    'The child’s voice was absent: ask the referrer what the child said and record it.',
    'Management oversight was not recorded on the decision: the manager must record their rationale.',
  ],
  inadequate: ['Threshold misapplied: the concerns met the threshold for a strategy discussion. Discussed with the worker and the case reopened.'],
};

function gradeFor(r: number): Grade {
  return r < 0.1 ? 'outstanding' : r < 0.7 ? 'good' : r < 0.95 ? 'requires_improvement' : 'inadequate';
}

function answersFor(grade: Grade, rand: (n: number) => number): AuditAnswers {
  const weak = grade === 'inadequate' ? 3 : grade === 'requires_improvement' ? 1 + rand(2) : 0;
  const weakIds = new Set(QUESTIONS.map((q) => q.id).sort(() => rand(3) - 1).slice(0, weak));
  return Object.fromEntries(QUESTIONS.map((q) => [q.id, weakIds.has(q.id)
    ? { answer: grade === 'inadequate' ? 'no' : 'partly', comment: 'Not evidenced on the record.' }
    : { answer: 'yes', comment: '' }]));
}

export async function seedFrontDoorQuality(db: Db, input: { partnershipId: number; now: Date; manager: string; auditor: string }) {
  const { partnershipId, now } = input;
  const rand = seededRandom(20_261_126);
  const userId = async (email: string) => (await db.selectFrom('app_user').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  const manager = await userId(input.manager);
  const auditor = await userId(input.auditor);
  const children = await db.selectFrom('child').select('id').where('partnership_id', '=', partnershipId).orderBy('la_child_id').limit(200).execute();

  const thisMonth = monthOf(now);
  const auditMonths = [previousMonth(previousMonth(thisMonth)), previousMonth(thisMonth), thisMonth];
  let audits = 0;
  for (const month of auditMonths) {
    const decisionsMonth = previousMonth(month);
    const { start, end } = monthBounds(decisionsMonth);
    const have = Number((await db.selectFrom('front_door_contact').select((eb) => eb.fn.countAll<string>().as('n'))
      .where('partnership_id', '=', partnershipId).where('status', '=', 'decided').where('decision_at', '>=', start).where('decision_at', '<', end)
      .executeTakeFirstOrThrow()).n);
    for (let i = have; i < 16 && children.length; i++) {
      // Weekdays through the month, in working hours.
      const receivedAt = new Date(start.getTime() + (1 + i * 1.7) * 24 * HOUR + (9 + rand(6)) * HOUR);
      if (receivedAt >= end) break;
      const { id, decisionDueAt } = await createContact(db, partnershipId, {
        children: [{ childId: children[rand(children.length)]!.id }], source: ['1B', '2A', '3A', '5A'][rand(4)]!,
        reason: REASONS[rand(REASONS.length)]!, receivedAt, domesticAbuse: false, consent: 'given', urgency: 'routine',
      }, { userId: manager }, receivedAt);
      const decision = (['nfa', 'early_help', 'referral'] as const)[rand(3)]!;
      // Most within the working day; one in eight late.
      const decidedAt = rand(8) === 0 ? new Date(decisionDueAt.getTime() + 5 * HOUR) : new Date(receivedAt.getTime() + (1 + rand(5)) * HOUR);
      await db.updateTable('front_door_contact').set({ status: 'decided', decision, decision_reason: DECISION_REASONS[decision], decision_at: decidedAt, decided_by: manager })
        .where('id', '=', id).execute();
      // A few are about children referred again within the year: the head of service's dip audits look at these.
      if (i % 4 === 0) await db.updateTable('contact').set({ re_referral: true }).where('front_door_contact_id', '=', id).execute();
      if (i % 3 === 0) {
        await db.insertInto('mash_enquiry').values({
          partnership_id: partnershipId, front_door_contact_id: id, rag: 'amber', status: 'decided', opened_at: receivedAt, opened_by: manager,
          decision, decision_summary: DECISION_REASONS[decision], decision_at: decidedAt, decided_by: manager, updated_at: decidedAt,
        }).execute();
      }
    }

    await selectAudits(db, partnershipId, month, decisionsMonth, rand);
    const scheduled = await db.selectFrom('front_door_audit').select(['id', 'kind']).where('partnership_id', '=', partnershipId)
      .where('month', '=', `${month}-01`).orderBy('id').execute();
    const monthStart = monthBounds(month).start.getTime();
    const share = month === thisMonth ? 0.4 : 0.9;
    for (const [i, a] of scheduled.entries()) {
      if (i >= Math.round(scheduled.length * share)) break;
      const grade = gradeFor(rand(1000) / 1000);
      const learning = LEARNING[grade];
      const completedAt = new Date(Math.min(now.getTime() - HOUR, monthStart + (2 + rand(25)) * 24 * HOUR));
      await completeAudit(db, partnershipId, a.id, {
        answers: answersFor(grade, rand), grade,
        learningPoints: grade !== 'good' || rand(2) === 0 ? learning[rand(learning.length)]! : null,
      }, a.kind === 'dip' ? auditor : manager, completedAt);
      audits++;
    }
  }
  return { audits };
}
