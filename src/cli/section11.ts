import type { Command } from 'commander';
import { section11Sweep } from '../features/section11/reminders.service';
import { loadConfig } from '../platform/config';
import { createMailer } from '../platform/email';
import { type CliContext, addFormat, auditCli, outputOf } from './context';

/** `beacon section11`: Section 11's scheduled work, run by hand or from cron. */
export function section11Commands(program: Command, ctx: CliContext) {
  const group = program.command('section11').description('Section 11 audits: opening cycles and reminding agencies');

  addFormat(group.command('remind')
    .description('open each planned cycle whose open date has come, and email the leads of each unsubmitted return once when due within 5 working days and once when overdue'))
    .action(async (opts: { format?: string }) => {
      const out = outputOf(opts);
      const config = loadConfig();
      const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom });
      await ctx.withDb(async (h) => {
        const { opened, reminded } = await section11Sweep(h.db, mailer, new Date(), { publicUrl: config.publicUrl });
        for (const o of opened) {
          await auditCli(h, 'section11_cycle.open', { partnershipId: o.partnershipId, recordType: 'section11_cycle', recordId: String(o.cycleId),
            detail: { returns: o.returns.length, emails: o.returns.reduce((n, r) => n + r.emailed.length, 0) } });
        }
        for (const r of reminded) {
          await auditCli(h, 'section11_return.remind', { partnershipId: r.partnershipId, recordType: 'section11_return', recordId: r.returnId, detail: { kind: r.kind, emails: r.emailed.length } });
        }
        ctx.print(out, {
          opened: opened.map((o) => ({ cycle: o.cycleId, returns: o.returns.length, emailed: o.returns.reduce((n, r) => n + r.emailed.length, 0) })),
          reminded: reminded.map((r) => ({ return: r.returnId, cycle: r.cycle, agency: r.agency, kind: r.kind, due_date: r.dueDate, emailed: r.emailed.length })),
        }, () => (opened.length === 0 && reminded.length === 0 ? 'No cycles to open and no reminders to send'
          : [
            ...opened.map((o) => `Opened cycle ${o.cycleId}: ${o.returns.length} ${o.returns.length === 1 ? 'return' : 'returns'}`),
            ...reminded.map((r) => `${r.kind === 'overdue' ? 'Overdue' : 'Due soon'}: ${r.agency}, ${r.cycle}, due ${r.dueDate}: ${r.emailed.length} ${r.emailed.length === 1 ? 'email' : 'emails'}`),
          ].join('\n')));
      });
    });
}
