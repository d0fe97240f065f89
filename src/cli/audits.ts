import type { Command } from 'commander';
import { isIsoDate } from '../domain/calendar';
import { remindAuditSections } from '../features/audits/reminders.service';
import { auditSummary } from '../features/audits/results.service';
import { loadConfig } from '../platform/config';
import { createMailer } from '../platform/email';
import { type CliContext, UsageError, addFormat, auditCli, outputOf } from './context';
import { partnershipOrReject } from './partnership';

function dateArg(name: string, value: string): string {
  if (!isIsoDate(value)) throw new UsageError(`${name} must be a real date in the form YYYY-MM-DD, not "${value}"`);
  return value;
}

/** `beacon audits`: the multi-agency audit programme's reminders, run by hand or from cron, and a period's results for the annual report. */
export function auditsCommands(program: Command, ctx: CliContext) {
  const group = program.command('audits').description('the multi-agency audit programme');

  addFormat(group.command('remind').description('remind each agency with audit sections still draft: once within 3 working days of the due date, once when overdue'))
    .action(async (opts: { format?: string }) => {
      const out = outputOf(opts);
      const config = loadConfig();
      const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom });
      await ctx.withDb(async (h) => {
        const reminded = await remindAuditSections(h.db, mailer, new Date(), { publicUrl: config.publicUrl });
        for (const r of reminded) {
          await auditCli(h, 'audit_round.remind', { partnershipId: r.partnershipId, recordType: 'audit_round', recordId: r.roundId, detail: { agency: r.agencyId, kind: r.kind, emails: r.emailed.length } });
        }
        ctx.print(out, { reminded: reminded.map((r) => ({ round: r.roundId, agency: r.agency, kind: r.kind, cases: r.cases, emailed: r.emailed.length })) },
          () => (reminded.length === 0 ? 'No audit sections to remind'
            : [`Reminded ${reminded.length} ${reminded.length === 1 ? 'agency' : 'agencies'}:`,
              ...reminded.map((r) => `  ${r.agency}, ${r.kind === 'overdue' ? 'overdue' : 'due soon'}, ${r.cases.length} ${r.cases.length === 1 ? 'case' : 'cases'}: ${r.emailed.length} ${r.emailed.length === 1 ? 'email' : 'emails'}`)].join('\n')));
      });
    });

  addFormat(group.command('summary').description('rounds completed, cases audited and their moderated grades by theme, for a period')
    .requiredOption('--la <code>', 'the partnership’s 3-digit DfE LA code')
    .requiredOption('--from <date>', 'the first day of the period, YYYY-MM-DD')
    .requiredOption('--to <date>', 'the last day of the period, YYYY-MM-DD'))
    .action(async (opts: { la: string; from: string; to: string; format?: string }) => {
      const out = outputOf(opts);
      const from = dateArg('--from', opts.from);
      const to = dateArg('--to', opts.to);
      if (from > to) throw new UsageError(`--from (${from}) must not be after --to (${to})`);
      await ctx.withDb(async (h) => {
        const p = await partnershipOrReject(h.db, opts.la);
        const s = await auditSummary(h.db, p.id, from, to);
        await auditCli(h, 'audit.summary', { partnershipId: p.id, recordType: 'partnership', recordId: String(p.id), detail: { from, to } });
        const pc = (n: number | null) => (n === null ? 'no grades' : `${n}%`);
        ctx.print(out, s, () => [
          `${p.name} (${p.la_code}), ${from} to ${to}`, '',
          `Rounds completed: ${s.roundsCompleted}; cases audited: ${s.casesAudited}; good or better: ${pc(s.goodOrBetter)}; sections on time: ${s.sectionsOnTime === null ? 'none' : `${s.sectionsOnTime}%`}`,
          ...s.themes.map((t) => `  ${t.name}: ${t.roundsCompleted} ${t.roundsCompleted === 1 ? 'round' : 'rounds'}, ${t.casesAudited} cases, ${pc(t.goodOrBetter)} good or better, `
            + `${t.findings} findings, ${t.actions} actions (${Object.entries(t.grades).map(([g, n]) => `${g} ${n}`).join(', ')})`),
        ].join('\n'));
      });
    });
}
