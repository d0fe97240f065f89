import type { Command } from 'commander';
import { sendReviewReminders } from '../features/reviews/reminders.service';
import { loadConfig } from '../platform/config';
import { createMailer } from '../platform/email';
import { type CliContext, addFormat, auditCli, outputOf } from './context';

/** `beacon reviews`: the serious incident reviews' scheduled work, run by hand or from cron. */
export function reviewsCommands(program: Command, ctx: CliContext) {
  const group = program.command('reviews').description('serious incidents and reviews: reminders of the National Panel timescales');

  addFormat(group.command('remind').description('email the business managers once when a notification or rapid review has one working day left, and once when it is overdue'))
    .action(async (opts: { format?: string }) => {
      const out = outputOf(opts);
      const config = loadConfig();
      const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom });
      await ctx.withDb(async (h) => {
        const sent = await sendReviewReminders(h.db, mailer, new Date(), { publicUrl: config.publicUrl });
        for (const s of sent) {
          await auditCli(h, 'review.remind', { partnershipId: s.partnershipId, recordType: 'review', recordId: s.reviewId, detail: { clock: s.clock, state: s.state, emails: s.emailed.length } });
        }
        ctx.print(out, { reminders: sent.map((s) => ({ review: s.reviewId, reference: s.reference, clock: s.clock, state: s.state, due: s.due, emailed: s.emailed.length })) },
          () => (sent.length === 0 ? 'No reminders to send'
            : [`Sent ${sent.length} ${sent.length === 1 ? 'reminder' : 'reminders'}:`,
              ...sent.map((s) => `  ${s.reference}, ${s.clock === 'notification' ? 'notification' : 'rapid review'} due ${s.due}, ${s.countdown}: ${s.emailed.length} ${s.emailed.length === 1 ? 'email' : 'emails'}`)].join('\n')));
      });
    });
}
