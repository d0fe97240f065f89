import type { Command } from 'commander';
import { governanceSummary } from '../features/governance/governance.service';
import type { CliContext } from './context';
import { addPeriodSummaryCommand } from './period';
import { addSweepCommand } from './sweep';
import { SWEEPS } from '../sweeps';

/** `beacon governance`: the challenge log's reminders, run by hand or from cron, and the year's figures for the annual report. */
export function governanceCommands(program: Command, ctx: CliContext) {
  const group = program.command('governance').description('the partnership’s groups, meetings and challenge log');

  addSweepCommand(group, ctx, 'remind', 'remind each challenge whose response is overdue, once: email the challenged agency’s safeguarding leads', SWEEPS.challengeReminders);

  addPeriodSummaryCommand(group, ctx, 'meetings held per group, the statutory partners’ attendance and the challenges, for a period', {
    auditAction: 'governance.summary',
    summarise: governanceSummary,
    lines: (s) => [
      'Meetings held:',
      ...s.meetings.map((m) => `  ${m.group}: ${m.held}${m.cancelled ? ` (${m.cancelled} cancelled)` : ''}`),
      '', 'Statutory partners’ attendance:',
      ...(s.attendance.length ? s.attendance.map((a) => `  ${a.agency}: ${a.attended} of ${a.meetings} (${a.rate}%)`) : ['  none recorded']),
      '', `Challenges: ${s.challenges.raised} raised, ${s.challenges.responded} responded (${s.challenges.respondedOnTime} on time), `
        + `${s.challenges.resolved} resolved, ${s.challenges.escalated} escalated, ${s.challenges.awaitingResponse} awaiting a response at the end`,
    ],
  });
}
