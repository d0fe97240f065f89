import type { Command } from 'commander';
import { SWEEPS } from '../sweeps';
import type { CliContext } from './context';
import { addSweepCommand } from './sweep';

/** `beacon actions`: the action tracker's scheduled work, run by hand or from cron. */
export function actionsCommands(program: Command, ctx: CliContext) {
  const group = program.command('actions').description('the partnership’s action tracker');
  addSweepCommand(group, ctx, 'remind', 'email each overdue action’s owner, and each action due within 7 days, at most once a week per action', SWEEPS.actionReminders, { la: true });
}
