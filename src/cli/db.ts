import type { Command } from 'commander';
import { migrateToLatest } from '../db/migrate';
import { type CliContext, addFormat, outputOf } from './context';

export function dbCommands(program: Command, ctx: CliContext) {
  const group = program.command('db').description('the database');
  addFormat(group.command('migrate').description('bring the database schema up to date'))
    .action(async (opts: { format?: string }) => {
      const out = outputOf(opts);
      await ctx.withDb(async (h) => {
        const { applied } = await migrateToLatest(h.db);
        ctx.print(out, { database: h.describe, applied }, () =>
          applied.length ? `Applied ${applied.length} migrations to ${h.describe}:\n${applied.map((m) => `  ${m}`).join('\n')}` : `${h.describe} is up to date`);
      }, { migrate: false });
    });
}
