import { Command } from 'commander';
import { agencyCommands } from './agency';
import { auditCommands } from './audit';
import { run } from './context';
import { dbCommands } from './db';
import { demoCommands } from './demo';
import { partnershipCommands } from './partnership';
import { userCommands } from './user';

const program = new Command('beacon')
  .description('Beacon: the safeguarding children partnership information system')
  .showHelpAfterError('(add --help for usage)')
  .exitOverride();

dbCommands(program);
demoCommands(program);
partnershipCommands(program);
agencyCommands(program);
userCommands(program);
auditCommands(program);

process.exitCode = await run(program, process.argv);
