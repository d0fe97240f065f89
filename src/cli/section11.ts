import type { Command } from 'commander';
import { SWEEPS } from '../sweeps';
import type { CliContext } from './context';
import { addSweepCommand } from './sweep';

/** `beacon section11`: Section 11's scheduled work, run by hand or from cron. */
export function section11Commands(program: Command, ctx: CliContext) {
  const group = program.command('section11').description('Section 11 audits: opening cycles and reminding agencies');
  addSweepCommand(group, ctx, 'remind',
    'open each planned cycle whose open date has come, and email the leads of each unsubmitted return once when due within 5 working days and once when overdue', SWEEPS.section11);
}
