import type { Command } from 'commander';
import type { Db } from '../db/create-db';
import { remindActions } from '../features/actions/reminders.service';
import { findPartnershipByLaCode } from '../features/partnerships/partnerships.service';
import { loadConfig } from '../platform/config';
import { createMailer } from '../platform/email';
import { type CliContext, UsageError, addFormat, auditCli, outputOf } from './context';

/** A partnership by LA code for the action commands: an unknown code is a usage error (exit 2), as the export's is. */
export async function partnershipOrUsage(db: Db, la: string) {
  if (!/^\d{3}$/.test(la)) throw new UsageError(`--la must be a 3-digit DfE local authority code, not "${la}"`);
  const p = await findPartnershipByLaCode(db, la);
  if (!p) throw new UsageError(`--la: no partnership has LA code ${la} (see: beacon partnership list)`);
  return p;
}

/** `beacon actions`: the action tracker's scheduled work, run by hand or from cron. */
export function actionsCommands(program: Command, ctx: CliContext) {
  const group = program.command('actions').description('the partnership’s action tracker');

  addFormat(group.command('remind')
    .description('email each overdue action’s owner, and each action due within 7 days, at most once a week per action')
    .option('--la <code>', 'one partnership only (default: every partnership)'))
    .action(async (opts: { la?: string; format?: string }) => {
      const out = outputOf(opts);
      const config = loadConfig();
      const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom });
      await ctx.withDb(async (h) => {
        const p = opts.la === undefined ? undefined : await partnershipOrUsage(h.db, opts.la);
        const run = await remindActions(h.db, mailer, new Date(), { publicUrl: config.publicUrl, partnershipId: p?.id });
        for (const r of run.reminded) {
          await auditCli(h, 'action.remind', { partnershipId: r.partnershipId, recordType: 'action', recordId: r.actionId, detail: { kind: r.kind, emails: r.emailed.length } });
        }
        const overdue = run.reminded.filter((r) => r.kind === 'overdue').length;
        ctx.print(out, {
          reminded: run.reminded.map((r) => ({ action: r.actionId, reference: r.reference, kind: r.kind, due: r.dueDate, emailed: r.emailed })),
          emails: run.emails.map((e) => ({ to: e.to, actions: e.actions })),
          no_one_to_remind: run.noOneToRemind.map((n) => ({ action: n.actionId, reference: n.reference })),
        }, () => [
          run.reminded.length === 0 ? 'No actions to remind anyone of'
            : `Reminded ${run.emails.length} ${run.emails.length === 1 ? 'person' : 'people'} of ${run.reminded.length} ${run.reminded.length === 1 ? 'action' : 'actions'} (${overdue} overdue, ${run.reminded.length - overdue} due within 7 days):`,
          ...run.emails.map((e) => `  ${e.to}: ${e.actions} ${e.actions === 1 ? 'action' : 'actions'}`),
          ...(run.noOneToRemind.length ? [`No owner or agency safeguarding lead to remind for: ${run.noOneToRemind.map((n) => n.reference).join(', ')}`] : []),
        ].join('\n'));
      });
    });
}
