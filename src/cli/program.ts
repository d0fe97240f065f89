import { Command } from 'commander';
import { actionsCommands } from './actions';
import { agencyCommands } from './agency';
import { auditCommands } from './audit';
import { auditsCommands } from './audits';
import { backupCommands } from './backup';
import { calendarCommands } from './calendar';
import type { CliContext } from './context';
import { dbCommands } from './db';
import { demoCommands } from './demo';
import { importCommands } from './import';
import { mashCommands } from './mash';
import { nationalCommands } from './national';
import { reviewsCommands } from './reviews';
import { section11Commands } from './section11';
import { governanceCommands } from './governance';
import { indicatorsCommands } from './indicators';
import { exportCommands } from './export';
import { partnerDataCommands } from './partner-data';
import { partnershipCommands } from './partnership';
import { reportCommands } from './report';
import { tokenCommands } from './token';
import { trainingCommands } from './training';
import { userCommands } from './user';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('beacon')
    .description('Beacon: the safeguarding children partnership information system')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: ctx.writeOut, writeErr: ctx.writeErr });
  dbCommands(program, ctx);
  demoCommands(program, ctx);
  partnershipCommands(program, ctx);
  agencyCommands(program, ctx);
  userCommands(program, ctx);
  auditCommands(program, ctx);
  auditsCommands(program, ctx);
  importCommands(program, ctx);
  exportCommands(program, ctx);
  calendarCommands(program, ctx);
  indicatorsCommands(program, ctx);
  nationalCommands(program, ctx);
  partnerDataCommands(program, ctx);
  tokenCommands(program, ctx);
  mashCommands(program, ctx);
  reviewsCommands(program, ctx);
  section11Commands(program, ctx);
  governanceCommands(program, ctx);
  actionsCommands(program, ctx);
  trainingCommands(program, ctx);
  reportCommands(program, ctx);
  backupCommands(program, ctx);
  return program;
}
