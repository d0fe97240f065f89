import type { Command } from 'commander';
import { SWEEPS } from '../sweeps';
import type { CliContext } from './context';
import { addSweepCommand } from './sweep';

/** `beacon mash`: the MASH's scheduled work, run by hand or from cron. */
export function mashCommands(program: Command, ctx: CliContext) {
  const group = program.command('mash').description('the multi-agency safeguarding hub: agency checks');
  addSweepCommand(group, ctx, 'escalate', 'escalate each overdue agency check once: email its agency’s MASH officers and the team managers', SWEEPS.mashEscalation);
}
