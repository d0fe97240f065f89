import os from 'node:os';
import { Command, CommanderError } from 'commander';
import { createDb, DatabaseInUse, type DbHandle } from '../db/create-db';
import { migrateToLatest } from '../db/migrate';
import { closeInterruptedImports } from '../features/returns/import-run';
import { isIsoDate } from '../domain/calendar';
import { recordAudit } from '../platform/audit';
import { ConfigError, loadConfig } from '../platform/config';
import { ValidationFailed, databaseTrouble } from '../platform/errors';

/** Exit codes every command keeps: 0 done, 1 input rejected, 2 usage or unreadable input. */
export const EXIT = { ok: 0, rejected: 1, usage: 2 } as const;

export class UsageError extends Error {}
export class Rejected extends Error {}

/** A date argument or option (named as the help names it), which must be a real YYYY-MM-DD date. */
export function dateArg(name: string, value: string): string {
  if (!isIsoDate(value)) throw new UsageError(`${name} must be a real date in the form YYYY-MM-DD, not "${value}"`);
  return value;
}

export type Output = { json: boolean };

export function addFormat(cmd: Command): Command {
  return cmd.option('--format <format>', 'output format: text or json', 'text');
}

export function outputOf(opts: { format?: string }): Output {
  if (opts.format && !['text', 'json'].includes(opts.format)) throw new UsageError(`--format must be text or json, not "${opts.format}"`);
  return { json: opts.format === 'json' };
}

/** What a command may touch of the world: tests hand in their own database and capture the output. */
export type CliContext = {
  /** Runs fn with the database open (and migrated, unless told not to). */
  withDb<T>(fn: (handle: DbHandle) => Promise<T>, opts?: { migrate?: boolean }): Promise<T>;
  /** Prints a result as JSON, or as the text a person reads. */
  print(out: Output, value: unknown, text: () => string): void;
  error(message: string): void;
  /** Commander's own help and usage messages. */
  writeOut(text: string): void;
  writeErr(text: string): void;
  readStdin(): Promise<string>;
  /** Where a progress bar may draw: only a terminal. */
  progressStream: NodeJS.WriteStream | null;
};

/** The real world: the configured database, opened for the length of one command, and the process's streams. */
export function processContext(): CliContext {
  return {
    async withDb(fn, opts = {}) {
      const config = loadConfig();
      const handle = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        if (opts.migrate !== false) {
          await migrateToLatest(handle.db);
          const interrupted = await closeInterruptedImports(handle.db);
          if (interrupted.length) process.stderr.write(`Imports cut off before they finished, now recorded as failed (nothing of them was loaded): ${interrupted.join(', ')}\n`);
        }
        return await fn(handle);
      } finally {
        await handle.close();
      }
    },
    print: (out, value, text) => process.stdout.write(out.json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`),
    error: (message) => process.stderr.write(`${message}\n`),
    writeOut: (text) => process.stdout.write(text),
    writeErr: (text) => process.stderr.write(text),
    async readStdin() {
      if (process.stdin.isTTY) throw new UsageError('--password-stdin reads the password from standard input: pipe it in');
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    progressStream: process.stderr.isTTY ? process.stderr : null,
  };
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
export async function run(program: Command, argv: string[], ctx: CliContext): Promise<number> {
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (err instanceof ValidationFailed) {
      for (const e of err.errors) ctx.error(`Error: ${e.field}: ${e.message}`);
      return EXIT.rejected;
    }
    if (err instanceof Rejected) {
      ctx.error(`Error: ${err.message}`);
      return EXIT.rejected;
    }
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof DatabaseInUse) {
      ctx.error(`Error: ${err.message}`);
      return EXIT.usage;
    }
    const trouble = databaseTrouble(err);
    if (trouble === 'disk_full') {
      ctx.error(`Error: the disk that holds the database is full (${(err as Error).message}). What this command was doing has not been saved: free some space, then run it again.`);
      return EXIT.rejected;
    }
    if (trouble === 'unavailable') {
      ctx.error(`Error: the database cannot be reached (${(err as Error).message}). Check that it is running, then run the command again.`);
      return EXIT.rejected;
    }
    ctx.error(`Error: ${(err as Error).message}`);
    return EXIT.rejected;
  }
}
