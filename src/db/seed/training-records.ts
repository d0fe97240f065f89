import { sql, type Insertable } from 'kysely';
import type { Db } from '../create-db';
import type { TrainingEvaluationTable } from '../schema-training';
import { londonInstant } from '../../domain/london';
import { financialYearOf } from '../../features/dashboard/periods';
import { seededRandom } from '../../features/front-door-quality/quality.service';
import { certificateNumber, certificatePrefix } from '../../features/training-attendance/attendance.service';

/**
 * What happened after the partnership's courses, as the seed report tells the last year: about 1,260
 * places attended across its sessions (85% of them face to face), a few people not turning up (charged
 * £25, the partnership's charge), evaluations from most of those who attended and impact surveys from
 * about a third, with confidence rising more on some themes (neglect, exploitation) than others. The
 * registers of the last few days (at least the latest) are left for the trainer to mark.
 *
 * It works on the sessions and bookings the training seed made (seedTraining): every scheduled session
 * that ended from the start of the last financial year up to three days ago has its register marked.
 */

type Rand = (n: number) => number;
type Theme = { before: number; after: number; examples: string[] };

/** Mean confidence out of 5 before and after a course on each theme: what the reports show differs by theme. */
const THEMES: Record<string, Theme> = {
  neglect: { before: 2.4, after: 4.2, examples: [
    'I now use the graded care profile before deciding a family needs only universal support.',
    'I ask to see where the baby sleeps and what is in the fridge on every home visit.',
    'I escalated a case of chronic neglect to my manager after noticing the same worries in three visits.',
  ] },
  exploitation: { before: 2.1, after: 4.0, examples: [
    'I complete the exploitation screening tool whenever a young person goes missing more than once.',
    'I shared information about older males collecting pupils with the police at the daily briefing.',
    'I use the contextual safeguarding map with the young people I work with.',
  ] },
  domestic_abuse: { before: 2.7, after: 3.9, examples: [
    'I ask about domestic abuse routinely and alone at antenatal appointments.',
    'I referred to MARAC using the risk checklist rather than waiting for a second incident.',
  ] },
  non_mobile_babies: { before: 2.5, after: 4.3, examples: [
    'I follow the bruising protocol for every non-mobile baby with a mark, however it is explained.',
  ] },
  safe_sleep: { before: 2.9, after: 4.1, examples: [
    'I talk through safe sleep with both parents at every new-birth visit, including for naps.',
  ] },
  hidden_men: { before: 2.3, after: 3.8, examples: [
    'I now ask who else lives in or visits the home and record fathers’ details.',
  ] },
  voice_of_the_child: { before: 2.8, after: 3.9, examples: [
    'I see the child on their own and write their words in their own voice in my records.',
  ] },
  online_harm: { before: 3.0, after: 3.8, examples: [
    'I talk to pupils about image sharing using the partnership’s guidance.',
  ] },
};
const OTHER: Theme = { before: 2.8, after: 3.8, examples: [
  'I check with the other agencies involved before closing a case.',
  'I use the escalation policy when I disagree with another agency’s decision.',
] };
const BARRIERS = ['Time: caseloads leave little room to try new tools.', 'Other agencies did not know the tool.', 'The record system has nowhere to note it.'];
const DIFFERENTLY = ['Ask more questions about daily life at home.', 'Share my worries sooner with the other agencies.', 'Use the partnership’s tools and the escalation policy.', 'Record the child’s own words.'];
const COMMENTS = ['Very practical, with real cases.', 'The trainers knew their subject.', 'More time for discussion, please.', 'The venue was cold.', null, null, null];

const CHARGE_PENCE = 2_500;
const ABSENT = 0.04;
const EVALUATE = 0.82;
/** Of those who evaluate and whose survey is due, the share who answer it: about a third of all who attended. */
const IMPACT = 0.42;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const clamp = (v: number) => Math.max(1, Math.min(5, Math.round(v)));
const pick = <T>(items: readonly T[], random: Rand): T => items[random(items.length)]!;
const chance = (p: number, random: Rand) => random(1000) < p * 1000;
/** A score near `mean`: the whole number below or above it in proportion, give or take one now and then, so the mean holds and the answers spread. */
const near = (mean: number, random: Rand) => clamp(Math.floor(mean) + (random(100) < (mean % 1) * 100 ? 1 : 0) + [-1, 0, 0, 0, 1][random(5)]!);

export type TrainingRecordsSeed = { sessions: number; attended: number; absent: number; evaluations: number; impact: number; unmarked: number };

export async function seedTrainingRecords(db: Db, opts: { partnershipId: number; today: string; now?: Date }): Promise<TrainingRecordsSeed> {
  const { partnershipId } = opts;
  const now = opts.now ?? new Date(`${opts.today}T12:00:00Z`);
  const random = seededRandom(2026);
  const fyStart = londonInstant(`${financialYearOf(opts.today) - 1}-04-01`, '00:00:00');
  const markedBefore = new Date(now.getTime() - 3 * DAY);

  // The partnership charges for not attending, unless its business manager has said otherwise.
  await db.updateTable('partnership')
    .set({ settings: sql`coalesce(settings, '{}'::jsonb) || jsonb_build_object('training', jsonb_build_object('cancellationCutoffHours', 48, 'nonAttendanceChargePence', ${CHARGE_PENCE}::int, 'impactSurveyWeeks', 8))` as never })
    .where('id', '=', partnershipId).where(sql<boolean>`settings->'training' is null`).execute();
  const partnership = await db.selectFrom('partnership').select(['name', 'settings']).where('id', '=', partnershipId).executeTakeFirstOrThrow();
  const charge = partnership.settings.training?.nonAttendanceChargePence ?? null;
  const prefix = certificatePrefix(partnership.name);

  const sessions = await db.selectFrom('course_session as s').innerJoin('course as c', 'c.id', 's.course_id')
    .select(['s.id', 's.starts_at', 's.ends_at', 's.trainer_user_id', 'c.themes', 'c.delivery'])
    .where('s.partnership_id', '=', partnershipId).where('s.status', '=', 'scheduled')
    .where('s.ends_at', '>=', fyStart).where('s.ends_at', '<', now)
    .orderBy('s.ends_at').orderBy('s.id').execute();
  const out: TrainingRecordsSeed = { sessions: sessions.length, attended: 0, absent: 0, evaluations: 0, impact: 0, unmarked: 0 };
  if (!sessions.length) return out;

  const trainer = await db.selectFrom('app_user as u').innerJoin('membership as m', 'm.user_id', 'u.id').select('u.id')
    .where('m.partnership_id', '=', partnershipId).where('m.role', '=', 'trainer').orderBy('u.id').executeTakeFirst();

  // The latest session held in a room or online is left unmarked however long ago it was: the demo trainer's register to mark.
  const latest = sessions.filter((s) => s.delivery !== 'e_learning').at(-1);
  for (const s of sessions) {
    const confirmed = await db.selectFrom('booking').select('id').where('session_id', '=', s.id).where('status', '=', 'confirmed')
      .where('attendance', 'is', null).orderBy('id').execute();
    // The last few days' registers are still to be marked: the trainer's next job, and the report says so.
    if (s.ends_at >= markedBefore || s === latest) { out.unmarked += 1; continue; }
    if (!confirmed.length) continue;
    const markedAt = new Date(s.ends_at.getTime() + 2 * HOUR);
    const markedBy = s.trainer_user_id ?? trainer?.id ?? null;
    const theme = THEMES[s.themes.find((t) => THEMES[t]) ?? ''] ?? OTHER;
    const year = new Intl.DateTimeFormat('en-GB', { year: 'numeric', timeZone: 'Europe/London' }).format(s.starts_at);
    const impactDue = new Date(s.ends_at.getTime() + 8 * 7 * DAY);
    const absent = confirmed.filter(() => chance(ABSENT, random)).map((b) => b.id);
    const attended = confirmed.map((b) => b.id).filter((id) => !absent.includes(id));
    if (absent.length) {
      await db.updateTable('booking').set({ attendance: 'absent', attendance_marked_at: markedAt, attendance_marked_by: markedBy, charge_pence: charge })
        .where('id', 'in', absent).execute();
    }
    if (!attended.length) continue;
    const { rows: serials } = await sql<{ n: number }>`select nextval('training_certificate_seq') as n from generate_series(1, ${attended.length})`.execute(db);
    const evaluations: Insertable<TrainingEvaluationTable>[] = [];
    const marks = attended.map((id, i) => {
      const evaluates = chance(EVALUATE, random);
      // A week on, those yet to evaluate were reminded; a quarter of those who did had needed the reminder.
      const reminded = markedAt.getTime() + 7 * DAY <= now.getTime() && (!evaluates || chance(0.25, random));
      if (evaluates) {
        const before = near(theme.before, random);
        const after = Math.max(before, near(theme.after, random));
        const sent = new Date(markedAt.getTime() + (reminded ? 8 : random(5)) * DAY + random(8) * HOUR);
        evaluations.push({
          partnership_id: partnershipId, booking_id: id, kind: 'evaluation', submitted_at: sent < now ? sent : now,
          overall: clamp(after + (random(3) - 1) * 0.6 + 0.4), confidence_before: before, confidence_after: after,
          answers: JSON.stringify({ outcomesMet: chance(0.86, random) ? 'yes' : chance(0.8, random) ? 'partly' : 'no' }),
          practice_change: pick(DIFFERENTLY, random), comments: pick(COMMENTS, random),
        });
        // Confidence some weeks on keeps most of its rise.
        if (impactDue <= now && chance(IMPACT, random)) {
          const changed = chance(0.8, random);
          evaluations.push({
            partnership_id: partnershipId, booking_id: id, kind: 'impact', submitted_at: new Date(Math.min(impactDue.getTime() + (1 + random(10)) * DAY, now.getTime())),
            confidence_after: clamp(after - (chance(0.3, random) ? 1 : 0)),
            answers: JSON.stringify({ changedPractice: changed ? 'yes' : 'no', barriers: chance(0.3, random) ? pick(BARRIERS, random) : null }),
            practice_change: changed ? pick(theme.examples, random) : null,
          });
        }
      }
      return sql`(${id}::uuid, ${certificateNumber(prefix, year, Number(serials[i]!.n))}, ${reminded ? new Date(markedAt.getTime() + 7 * DAY) : null}::timestamptz)`;
    });
    // One statement a register: each person's certificate number and whether they were reminded.
    await sql`update booking b set attendance = 'attended', attendance_marked_at = ${markedAt}, attendance_marked_by = ${markedBy},
        certificate_number = v.number, evaluation_requested_at = ${markedAt}, evaluation_reminded_at = v.reminded,
        impact_requested_at = ${impactDue <= now ? impactDue : null}::timestamptz
      from (values ${sql.join(marks)}) as v(id, number, reminded) where b.id = v.id`.execute(db);
    if (evaluations.length) await db.insertInto('training_evaluation').values(evaluations).execute();
    out.attended += attended.length;
    out.absent += absent.length;
    out.evaluations += evaluations.filter((e) => e.kind === 'evaluation').length;
    out.impact += evaluations.filter((e) => e.kind === 'impact').length;
  }
  return out;
}
