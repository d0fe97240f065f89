import type { Command } from 'commander';
import { auditSummary } from '../features/audits/results.service';
import type { CliContext } from './context';
import { addPeriodSummaryCommand } from './period';
import { addSweepCommand } from './sweep';
import { SWEEPS } from '../sweeps';

/** `beacon audits`: the multi-agency audit programme's reminders, run by hand or from cron, and a period's results for the annual report. */
export function auditsCommands(program: Command, ctx: CliContext) {
  const group = program.command('audits').description('the multi-agency audit programme');

  addSweepCommand(group, ctx, 'remind', 'remind each agency with audit sections still draft: once within 3 working days of the due date, once when overdue', SWEEPS.auditReminders);

  addPeriodSummaryCommand(group, ctx, 'rounds completed, cases audited and their moderated grades by theme, for a period', {
    auditAction: 'audit.summary',
    summarise: auditSummary,
    lines: (s) => {
      const pc = (n: number | null) => (n === null ? 'no grades' : `${n}%`);
      return [
        `Rounds completed: ${s.roundsCompleted}; cases audited: ${s.casesAudited}; good or better: ${pc(s.goodOrBetter)}; sections on time: ${s.sectionsOnTime === null ? 'none' : `${s.sectionsOnTime}%`}`,
        ...s.themes.map((t) => `  ${t.name}: ${t.roundsCompleted} ${t.roundsCompleted === 1 ? 'round' : 'rounds'}, ${t.casesAudited} cases, ${pc(t.goodOrBetter)} good or better, `
          + `${t.findings} findings, ${t.actions} actions (${Object.entries(t.grades).map(([g, n]) => `${g} ${n}`).join(', ')})`),
      ];
    },
  });
}
