import type { Command } from 'commander';
import { escalateOverdueChecks } from '../features/mash/mash.service';
import { loadConfig } from '../platform/config';
import { createMailer } from '../platform/email';
import { type CliContext, addFormat, auditCli, outputOf } from './context';

/** `beacon mash`: the MASH's scheduled work, run by hand or from cron. */
export function mashCommands(program: Command, ctx: CliContext) {
  const group = program.command('mash').description('the multi-agency safeguarding hub: agency checks');

  addFormat(group.command('escalate').description('escalate each overdue agency check once: email its agency’s MASH officers and the team managers'))
    .action(async (opts: { format?: string }) => {
      const out = outputOf(opts);
      const config = loadConfig();
      const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom });
      await ctx.withDb(async (h) => {
        const escalated = await escalateOverdueChecks(h.db, mailer, new Date(), { publicUrl: config.publicUrl });
        for (const e of escalated) {
          await auditCli(h, 'agency_check.escalate', { partnershipId: e.partnershipId, recordType: 'agency_check', recordId: e.checkId, detail: { emails: e.emailed.length } });
        }
        ctx.print(out, { escalated: escalated.map((e) => ({ check: e.checkId, enquiry: e.enquiryId, agency: e.agency, rag: e.rag, due_at: e.dueAt.toISOString(), emailed: e.emailed.length })) },
          () => (escalated.length === 0 ? 'No overdue checks to escalate'
            : [`Escalated ${escalated.length} overdue ${escalated.length === 1 ? 'check' : 'checks'}:`,
              ...escalated.map((e) => `  ${e.agency}, ${e.rag}, due ${e.dueAt.toISOString()}: ${e.emailed.length} ${e.emailed.length === 1 ? 'email' : 'emails'}`)].join('\n')));
      });
    });
}
