import type { Command } from 'commander';
import { remindBookings, REMIND_WORKING_DAYS } from '../features/training/booking.service';
import { loadConfig } from '../platform/config';
import { createMailer } from '../platform/email';
import { partnershipOrUsage } from './actions';
import { type CliContext, addFormat, auditCli, outputOf } from './context';
import { trainingReportCommand, trainingSurveysCommand } from './training-records';

/** `beacon training`: the multi-agency training programme's scheduled work and figures. */
export function trainingCommands(program: Command, ctx: CliContext): Command {
  const group = program.command('training').description('multi-agency training: reminders, and the programme’s figures');
  trainingRemindCommand(group, ctx);
  trainingReportCommand(group, ctx);
  trainingSurveysCommand(group, ctx);
  return group;
}

/** The server's hourly sweep, by hand or from cron: each booking is reminded once, however often it runs. */
function trainingRemindCommand(group: Command, ctx: CliContext) {
  addFormat(group.command('remind')
    .description(`email each person with a confirmed place the joining details ${REMIND_WORKING_DAYS} working days before the session (an e-learning's completion date), once a booking`)
    .option('--la <code>', 'one partnership only (default: every partnership)'))
    .action(async (opts: { la?: string; format?: string }) => {
      const out = outputOf(opts);
      const config = loadConfig();
      const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom });
      await ctx.withDb(async (h) => {
        const p = opts.la === undefined ? undefined : await partnershipOrUsage(h.db, opts.la);
        const reminded = await remindBookings(h.db, { mailer, publicUrl: config.publicUrl, mailFrom: config.mailFrom }, new Date(), { partnershipId: p?.id });
        for (const r of reminded) {
          await auditCli(h, 'booking.remind', { partnershipId: r.partnershipId, recordType: 'booking', recordId: r.bookingId, detail: { session: r.sessionId } });
        }
        const sessions = new Set(reminded.map((r) => r.sessionId)).size;
        ctx.print(out, { reminded: reminded.map((r) => ({ booking: r.bookingId, session: r.sessionId, to: r.to })) }, () =>
          reminded.length === 0 ? 'No one to remind'
            : `Reminded ${reminded.length} ${reminded.length === 1 ? 'person' : 'people'} of ${sessions} ${sessions === 1 ? 'session' : 'sessions'}`);
      });
    });
}
