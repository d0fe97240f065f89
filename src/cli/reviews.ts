import type { Command } from 'commander';
import { SWEEPS } from '../sweeps';
import type { CliContext } from './context';
import { addSweepCommand } from './sweep';

/** `beacon reviews`: the serious incident reviews' scheduled work, run by hand or from cron. */
export function reviewsCommands(program: Command, ctx: CliContext) {
  const group = program.command('reviews').description('serious incidents and reviews: reminders of the National Panel timescales');
  addSweepCommand(group, ctx, 'remind', 'email the business managers once when a notification or rapid review has one working day left, and once when it is overdue', SWEEPS.reviewReminders);
}
