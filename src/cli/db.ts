import type { Command } from 'commander';
import { loadConfig } from '../platform/config';
import { createDb } from '../db/create-db';
import { migrateToLatest } from '../db/migrate';
import { addFormat, outputOf, print } from './context';

export function dbCommands(program: Command) {
  const group = program.command('db').description('the database');
  addFormat(group.command('migrate').description('bring the database schema up to date'))
    .action(async (opts: { format?: string }) => {
      const out = outputOf(opts);
      const config = loadConfig();
      const h = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        const { applied } = await migrateToLatest(h.db);
        print(out, { database: h.describe, applied }, () =>
          applied.length ? `Applied ${applied.length} migrations to ${h.describe}:\n${applied.map((m) => `  ${m}`).join('\n')}` : `${h.describe} is up to date`);
      } finally {
        await h.close();
      }
    });
}
