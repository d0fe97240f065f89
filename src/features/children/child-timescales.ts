import type { Db } from '../../db/create-db';
import { CalendarRangeError, addMonths } from '../../domain/calendar';
import { evaluate, type ClockContext, type ClockPoint, type Timescale, type TimescaleRuleId } from '../../domain/timescales';

export type ChildTimescale = Timescale & { started: ClockPoint; stopped: ClockPoint | null; about: string };

const first = (dates: (string | null)[], onOrAfter: string) => dates.filter((d): d is string => d !== null && d >= onOrAfter).sort()[0] ?? null;
const last = (dates: string[]) => [...dates].sort().at(-1) ?? null;

/**
 * The child's statutory clocks: every one still running, and those stopped in the last three months,
 * most urgent first. Each clock is started and stopped by the child's own records.
 */
export async function timescalesOf(db: Db, partnershipId: number, childId: string, dateOfBirth: string | null, ctx: ClockContext): Promise<ChildTimescale[]> {
  const clocks: ChildTimescale[] = [];
  const clock = (rule: TimescaleRuleId, start: ClockPoint | null, stop: ClockPoint | null, about: string) => {
    if (start === null) return;
    try {
      clocks.push({ ...evaluate(rule, start, stop, ctx), started: start, stopped: stop, about });
    } catch (err) {
      // Records from before the bank-holiday table (2015) are history: no clock of theirs still runs.
      if (!(err instanceof CalendarRangeError)) throw err;
    }
  };
  const referrals = await db.selectFrom('referral').select(['id', 'referral_date', 'closure_date', 'referral_nfa'])
    .where('partnership_id', '=', partnershipId).where('child_id', '=', childId).execute();
  for (const r of referrals) {
    if (r.referral_nfa) continue;
    const about = `referral of ${r.referral_date}`;
    const assessments = await db.selectFrom('assessment').select(['start_date', 'authorisation_date']).where('partnership_id', '=', partnershipId).where('referral_id', '=', r.id).execute();
    const authorised = first(assessments.map((a) => a.authorisation_date), r.referral_date);
    if (assessments.length || !r.closure_date) clock('assessment', r.referral_date, authorised ?? (r.closure_date && !assessments.length ? r.closure_date : null), about);

    const conferences = (await db.selectFrom('initial_conference').select('conference_date').where('partnership_id', '=', partnershipId).where('referral_id', '=', r.id).execute()).map((c) => c.conference_date);
    const strategies = await db.selectFrom('strategy_discussion as sd')
      .leftJoin('s47_enquiry as s', 's.strategy_discussion_id', 'sd.id')
      .select(['sd.discussion_date', 'sd.concern_date', 'sd.s47_initiated', 's.icpc_not_required'])
      .where('sd.partnership_id', '=', partnershipId).where('sd.referral_id', '=', r.id).execute();
    for (const s of strategies) {
      clock('strategy_discussion', s.concern_date, s.discussion_date, about);
      if (s.s47_initiated && s.discussion_date && !s.icpc_not_required) clock('initial_conference', s.discussion_date, first(conferences, s.discussion_date), about);
    }

    const plans = await db.selectFrom('cp_plan').select(['id', 'start_date', 'end_date']).where('partnership_id', '=', partnershipId).where('referral_id', '=', r.id).execute();
    for (const p of plans) {
      const planAbout = `protection plan from ${p.start_date}`;
      const coreGroups = (await db.selectFrom('cp_core_group').select('meeting_date').where('cp_plan_id', '=', p.id).execute()).map((g) => g.meeting_date);
      clock('first_core_group', p.start_date, first(coreGroups, p.start_date), planAbout);
      if (p.end_date) continue;
      const reviews = (await db.selectFrom('cp_plan_review').select('review_date').where('cp_plan_id', '=', p.id).execute()).map((v) => v.review_date);
      const lastReview = last(reviews);
      if (lastReview) clock('review_conference', lastReview, null, planAbout);
      else clock('first_review_conference', p.start_date, null, planAbout);
      const visits = (await db.selectFrom('cp_visit').select('visit_date').where('cp_plan_id', '=', p.id).execute()).map((v) => v.visit_date);
      clock('cp_visit', last(visits) ?? p.start_date, null, planAbout);
    }
  }

  const episodes = await db.selectFrom('cla_episode').select(['start_date', 'end_date', 'reason_new_episode', 'reason_ceased'])
    .where('partnership_id', '=', partnershipId).where('child_id', '=', childId).orderBy('start_date').execute();
  const open = episodes.find((e) => e.end_date === null);
  if (open) {
    // The period of care began at the latest episode that started it (reason for new episode S).
    const began = [...episodes].reverse().find((e) => e.reason_new_episode === 'S')?.start_date ?? open.start_date;
    const about = `looked after since ${began}`;
    const reviews = (await db.selectFrom('cla_review').select('review_date').where('partnership_id', '=', partnershipId).where('child_id', '=', childId).where('review_date', '>=', began).execute())
      .map((v) => v.review_date).sort();
    if (reviews.length === 0) clock('first_cla_review', began, null, about);
    else if (reviews.length === 1) clock('second_cla_review', reviews[0]!, null, about);
    else clock('cla_review', reviews.at(-1)!, null, about);
    const health = await db.selectFrom('health_assessment').select(['kind', 'assessment_date']).where('partnership_id', '=', partnershipId).where('child_id', '=', childId).execute();
    const initial = first(health.filter((h) => h.kind === 'initial').map((h) => h.assessment_date), began);
    if (!initial) clock('initial_health_assessment', began, null, about);
    else {
      const latest = last(health.filter((h) => h.assessment_date >= initial).map((h) => h.assessment_date))!;
      // Under 5 at the last assessment: every six months; from 5, every twelve.
      const underFive = dateOfBirth !== null && latest < addMonths(dateOfBirth, 60);
      clock(underFive ? 'review_health_assessment_under_5' : 'review_health_assessment', latest, null, about);
    }
  }

  const missing = await db.selectFrom('missing_episode').select(['start_date', 'returned_at', 'end_date', 'return_interview_offered_at'])
    .where('partnership_id', '=', partnershipId).where('child_id', '=', childId).execute();
  for (const m of missing) {
    const returned = m.returned_at ?? (m.end_date ? new Date(`${m.end_date}T12:00:00Z`) : null);
    clock('return_interview', returned, m.return_interview_offered_at, `missing from ${m.start_date}`);
  }

  const recent = ctx.now.getTime() - 92 * 86_400_000;
  const urgency = { overdue: 0, due_soon: 1, on_time: 2, met_late: 3, met_on_time: 4 };
  return clocks
    .filter((c) => c.stopped === null || new Date(typeof c.stopped === 'string' ? `${c.stopped}T00:00:00Z` : c.stopped).getTime() >= recent)
    .sort((a, b) => urgency[a.status] - urgency[b.status] || String(dueKey(a.due)).localeCompare(String(dueKey(b.due))));
}

function dueKey(due: ClockPoint): string {
  return typeof due === 'string' ? due : due.toISOString();
}
