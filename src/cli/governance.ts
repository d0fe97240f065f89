import type { Command } from 'commander';
import { governanceSummary } from '../features/governance/governance.service';
import { type CliContext, dateArg, UsageError, addFormat, auditCli, outputOf } from './context';
import { partnershipOrReject } from './partnership';
import { addSweepCommand } from './sweep';
import { SWEEPS } from '../sweeps';

/** `beacon governance`: the challenge log's reminders, run by hand or from cron, and the year's figures for the annual report. */
export function governanceCommands(program: Command, ctx: CliContext) {
  const group = program.command('governance').description('the partnership’s groups, meetings and challenge log');

  addSweepCommand(group, ctx, 'remind', 'remind each challenge whose response is overdue, once: email the challenged agency’s safeguarding leads', SWEEPS.challengeReminders);

  addFormat(group.command('summary').description('meetings held per group, the statutory partners’ attendance and the challenges, for a period')
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
        const s = await governanceSummary(h.db, p.id, from, to);
        await auditCli(h, 'governance.summary', { partnershipId: p.id, recordType: 'partnership', recordId: String(p.id), detail: { from, to } });
        ctx.print(out, s, () => [
          `${p.name} (${p.la_code}), ${from} to ${to}`, '',
          'Meetings held:',
          ...s.meetings.map((m) => `  ${m.group}: ${m.held}${m.cancelled ? ` (${m.cancelled} cancelled)` : ''}`),
          '', 'Statutory partners’ attendance:',
          ...(s.attendance.length ? s.attendance.map((a) => `  ${a.agency}: ${a.attended} of ${a.meetings} (${a.rate}%)`) : ['  none recorded']),
          '', `Challenges: ${s.challenges.raised} raised, ${s.challenges.responded} responded (${s.challenges.respondedOnTime} on time), `
            + `${s.challenges.resolved} resolved, ${s.challenges.escalated} escalated, ${s.challenges.awaitingResponse} awaiting a response at the end`,
        ].join('\n'));
      });
    });
}
