import os from 'node:os';
import { Command, CommanderError } from 'commander';
import { createDb, DatabaseInUse, type DbHandle } from '../db/create-db';
import { migrateToLatest } from '../db/migrate';
import { recordAudit } from '../platform/audit';
import { ConfigError, loadConfig } from '../platform/config';
import { ValidationFailed } from '../platform/errors';

/** Exit codes every command keeps: 0 done, 1 input rejected, 2 usage or unreadable input. */
export const EXIT = { ok: 0, rejected: 1, usage: 2 } as const;

export class UsageError extends Error {}
export class Rejected extends Error {}

export type Output = { json: boolean };

export function addFormat(cmd: Command): Command {
  return cmd.option('--format <format>', 'output format: text or json', 'text');
}

export function outputOf(opts: { format?: string }): Output {
  if (opts.format && !['text', 'json'].includes(opts.format)) throw new UsageError(`--format must be text or json, not "${opts.format}"`);
  return { json: opts.format === 'json' };
}

/** Prints a result as JSON, or as the text a person reads. */
export function print(out: Output, value: unknown, text: () => string) {
  process.stdout.write(out.json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}

/** Opens the configured database, migrated, for the length of one command. */
export async function withDb<T>(fn: (handle: DbHandle) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const handle = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(handle.db);
    return await fn(handle);
  } finally {
    await handle.close();
  }
}

/** Who acted, for the audit log: the operating-system account that ran the command. */
export function cliActor(): string {
  let name = 'unknown';
  try { name = os.userInfo().username; } catch { /* no passwd entry: keep "unknown" */ }
  return `cli:${name}`;
}

export async function auditCli(handle: DbHandle, action: string, entry: { partnershipId?: number | null; recordType?: string; recordId?: string; detail?: Record<string, unknown> } = {}) {
  await recordAudit(handle.db, { userEmail: cliActor(), action, outcome: 'allowed', ...entry });
}

/** Runs the program and turns every failure into a message and the right exit code. */
export async function run(program: Command, argv: string[]): Promise<number> {
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (err instanceof ValidationFailed) {
      for (const e of err.errors) process.stderr.write(`Error: ${e.field}: ${e.message}\n`);
      return EXIT.rejected;
    }
    if (err instanceof Rejected) {
      process.stderr.write(`Error: ${err.message}\n`);
      return EXIT.rejected;
    }
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof DatabaseInUse) {
      process.stderr.write(`Error: ${err.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`Error: ${(err as Error).message}\n`);
    return EXIT.rejected;
  }
}
