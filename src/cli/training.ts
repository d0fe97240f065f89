import type { Command } from 'commander';
import { REMIND_WORKING_DAYS } from '../features/training/booking.service';
import { SWEEPS } from '../sweeps';
import type { CliContext } from './context';
import { addSweepCommand } from './sweep';
import { trainingReportCommand, trainingSurveysCommand } from './training-records';

/** `beacon training`: the multi-agency training programme's scheduled work and figures. */
export function trainingCommands(program: Command, ctx: CliContext): Command {
  const group = program.command('training').description('multi-agency training: reminders, and the programme’s figures');
  trainingRemindCommand(group, ctx);
  trainingReportCommand(group, ctx);
  trainingSurveysCommand(group, ctx);
  return group;
}

/** The server's hourly sweep, by hand or from cron: each booking is reminded once, however often it runs. */
function trainingRemindCommand(group: Command, ctx: CliContext) {
  addSweepCommand(group, ctx, 'remind',
    `email each person with a confirmed place the joining details ${REMIND_WORKING_DAYS} working days before the session (an e-learning's completion date), once a booking`,
    SWEEPS.trainingReminders, { la: true });
}
