import type { Command } from 'commander';
import { auditSummary } from '../features/audits/results.service';
import { type CliContext, dateArg, UsageError, addFormat, auditCli, outputOf } from './context';
import { partnershipOrReject } from './partnership';
import { addSweepCommand } from './sweep';
import { SWEEPS } from '../sweeps';

/** `beacon audits`: the multi-agency audit programme's reminders, run by hand or from cron, and a period's results for the annual report. */
export function auditsCommands(program: Command, ctx: CliContext) {
  const group = program.command('audits').description('the multi-agency audit programme');

  addSweepCommand(group, ctx, 'remind', 'remind each agency with audit sections still draft: once within 3 working days of the due date, once when overdue', SWEEPS.auditReminders);

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
