import type { Db } from '../../db/create-db';
import type { ReminderClock } from '../../db/schema-reviews';
import { londonParts } from '../../domain/london';
import { EmailRefused, type Mailer } from '../../platform/email';
import { clocksOf, longDate, reminderStateOf, type ReminderState } from './review-clocks';

export type ReviewReminder = {
  reviewId: string; partnershipId: number; reference: string; clock: ReminderClock; state: ReminderState; due: string; countdown: string; emailed: string[];
};

const WHAT: Record<ReminderClock, string> = {
  notification: 'The serious incident notification to the National Panel',
  rapid_review: 'The rapid review to the National Panel',
};

/**
 * Emails each partnership's business managers when a review's notification or rapid review clock has one
 * working day (or less) left, and again when it is overdue: once for each clock and state, however often
 * the sweep runs (the reminder is claimed before the emails go). The email names the review by its
 * reference only: never the child, never the summary of what happened.
 */
export async function sendReviewReminders(db: Db, mailer: Mailer, now: Date, opts: { publicUrl?: string } = {}): Promise<ReviewReminder[]> {
  const base = opts.publicUrl ?? '';
  const today = londonParts(now).date;
  const running = await db.selectFrom('review').selectAll()
    .where('closed_on', 'is', null)
    .where((eb) => eb.or([
      eb.and([eb.or([eb('notify_decision', 'is', null), eb('notify_decision', '=', 'notify')]), eb('notified_on', 'is', null)]),
      eb.and([eb('notified_on', 'is not', null), eb('rr_sent_on', 'is', null)]),
    ]))
    .orderBy('partnership_id').orderBy('aware_on').execute();
  const sent: ReviewReminder[] = [];
  const managers = new Map<number, string[]>();
  for (const r of running) {
    // Both clocks count working days, which no partnership sets for itself: the national limits apply.
    for (const c of clocksOf(r, { today, now })) {
      if (c.kind === 'publication') continue;
      const state = reminderStateOf(c);
      if (!state) continue;
      const clock = c.kind;
      const claimed = await db.insertInto('review_reminder')
        .values({ review_id: r.id, partnership_id: r.partnership_id, clock, state, due_on: c.due, sent_at: now })
        .onConflict((oc) => oc.columns(['review_id', 'clock', 'state']).doNothing()).returning('review_id').executeTakeFirst();
      if (!claimed) continue;
      if (!managers.has(r.partnership_id)) managers.set(r.partnership_id, await businessManagers(db, r.partnership_id));
      const countdown = c.countdown!.text;
      const subject = state === 'overdue'
        ? `${r.reference}: ${clock === 'notification' ? 'notification' : 'rapid review'} to the National Panel is overdue`
        : `${r.reference}: ${clock === 'notification' ? 'notification' : 'rapid review'} to the National Panel due ${c.due === today ? 'today' : `by ${longDate(c.due)}`}`;
      const body = [
        `${WHAT[clock]} for ${r.reference} is ${state === 'overdue' ? 'overdue' : 'nearly due'}.`,
        '',
        `Due: ${longDate(c.due)} (${c.limitText.replace(/ from .*/, '')} from ${clock === 'notification' ? `becoming aware on ${longDate(r.aware_on)}` : `the notification on ${longDate(r.notified_on!)}`})`,
        `Now: ${countdown.charAt(0).toUpperCase()}${countdown.slice(1)}`,
        '',
        `Open the review in Beacon: ${base}/reviews/${r.id}`,
      ].join('\n');
      const emailed: string[] = [];
      for (const to of managers.get(r.partnership_id)!) {
        try {
          await mailer.send(db, { to, subject, body, partnershipId: r.partnership_id, record: { type: 'review', id: r.id } });
          emailed.push(to);
        } catch (err) {
          if (!(err instanceof EmailRefused)) throw err;
        }
      }
      await db.updateTable('review_reminder').set({ emails: emailed.length }).where('review_id', '=', r.id).where('clock', '=', clock).where('state', '=', state).execute();
      sent.push({ reviewId: r.id, partnershipId: r.partnership_id, reference: r.reference, clock, state, due: c.due, countdown, emailed });
    }
  }
  return sent;
}

/** The partnership's active business managers, each once. */
async function businessManagers(db: Db, partnershipId: number): Promise<string[]> {
  const rows = await db.selectFrom('app_user as u').innerJoin('membership as m', 'm.user_id', 'u.id')
    .select('u.email').distinct()
    .where('m.partnership_id', '=', partnershipId).where('m.role', '=', 'business_manager').where('u.status', '=', 'active')
    .orderBy('u.email').execute();
  return rows.map((r) => r.email);
}
