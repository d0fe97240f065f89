import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { recordAudit } from '../platform/audit';
import { appliedMigrations, backupDatabase, checkRestorable, restoreDatabase, targetState } from '../platform/backup';
import { BackupRejected, BackupWriter, MIN_PASSPHRASE, isEncryptedBackup, openBackup, type BackupReader } from '../platform/backup-file';
import { type CliContext, Rejected, UsageError, addFormat, auditCli, cliActor, outputOf } from './context';

const DIALECT_NAMES = { pglite: 'embedded PGlite', postgres: 'PostgreSQL' } as const;

async function readPassphrase(ctx: CliContext, purpose: string): Promise<string> {
  let text: string;
  try {
    text = await ctx.readStdin();
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`${purpose} reads the passphrase from standard input: pipe it in`);
    throw err;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

function progressBar(ctx: CliContext, json: boolean, label: string) {
  if (!ctx.progressStream || json) return null;
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {percentage}% {value}/{total} rows`, stream: ctx.progressStream }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(done: number, total: number) {
      if (!started) { bar.start(total, 0); started = true; }
      bar.update(done);
    },
    stop: () => { if (started) bar.stop(); },
  };
}

function megabytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A refused file is rejected input (exit 1) with the reader's own words. */
async function asRejected<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof BackupRejected) throw new Rejected(err.message);
    throw err;
  }
}

export function backupCommands(program: Command, ctx: CliContext) {
  addFormat(program.command('backup').description('write the whole database to a backup file (owner-only, written whole or not at all)')
    .requiredOption('--out <file>', 'the file to write (replaced if it exists)')
    .option('--encrypt', 'encrypt it with AES-256-GCM under a passphrase read from standard input'))
    .action(async (opts: { out: string; encrypt?: boolean; format?: string }) => {
      const out = outputOf(opts);
      const target = path.resolve(opts.out);
      if (!fs.existsSync(path.dirname(target))) throw new UsageError(`--out: the folder ${path.dirname(opts.out)} does not exist`);
      if (fs.existsSync(target) && fs.statSync(target).isDirectory()) throw new UsageError(`--out must name a file, and ${opts.out} is a folder`);
      let passphrase: string | null = null;
      if (opts.encrypt) {
        passphrase = await readPassphrase(ctx, '--encrypt');
        if (passphrase.length < MIN_PASSPHRASE) throw new UsageError(`--encrypt: the passphrase must be at least ${MIN_PASSPHRASE} characters`);
      }
      const started = Date.now();
      await ctx.withDb(async (h) => {
        if (!(await appliedMigrations(h.db))?.length) throw new Rejected(`${h.describe} has no Beacon schema: there is nothing to back up`);
        const detail = { file: path.basename(target), encrypted: passphrase !== null };
        // Recorded first, so that the backup holds its own making and a restore of it shows where it came from.
        await auditCli(h, 'backup.create', { detail });
        const writer = new BackupWriter(target, passphrase);
        const bar = progressBar(ctx, out.json, 'Backing up');
        let summary;
        let bytes;
        try {
          summary = await backupDatabase(h.db, h.dialect, writer, bar?.update);
          bytes = await writer.finish();
        } catch (err) {
          await writer.abort();
          await recordAudit(h.db, { userEmail: cliActor(), action: 'backup.create', outcome: 'failed', detail });
          throw err;
        } finally {
          bar?.stop();
        }
        const seconds = (Date.now() - started) / 1000;
        ctx.print(out, { file: target, bytes, encrypted: passphrase !== null, database: h.dialect, seconds, ...summary },
          () => `Backed up ${summary.rows.toLocaleString('en-GB')} rows in ${summary.tables} tables from ${h.describe} to ${opts.out} `
            + `(${megabytes(bytes)}${passphrase ? ', encrypted' : ''}) in ${seconds.toFixed(1)} s`);
      }, { migrate: false });
    });

  addFormat(program.command('restore <file>').description('replace the whole database with a backup (of either database), then bring it up to date')
    .option('--force', 'replace a database that already holds partnerships'))
    .action(async (file: string, opts: { force?: boolean; format?: string }) => {
      const out = outputOf(opts);
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new UsageError(`${file} is not a file that can be read`);
      const name = path.basename(file);
      const passphrase = isEncryptedBackup(file) ? await readPassphrase(ctx, `${name} is encrypted: restore`) : null;
      const started = Date.now();
      const backup: BackupReader = await asRejected(async () => {
        const opened = await openBackup(file, passphrase);
        try {
          await checkRestorable(opened.header, name);
        } catch (err) {
          opened.close();
          throw err;
        }
        return opened;
      });
      try {
        await ctx.withDb(async (h) => {
          const state = await targetState(h.db);
          if (state.partnerships > 0 && !opts.force) {
            throw new Rejected(`${h.describe} already holds ${state.partnerships} partnership${state.partnerships === 1 ? '' : 's'}: `
              + 'a restore replaces everything in it. Give --force to replace it');
          }
          const bar = progressBar(ctx, out.json, 'Restoring');
          let summary;
          try {
            summary = await asRejected(() => restoreDatabase(h.db, backup, {
              actor: cliActor(), file: name, replaced: state.partnerships > 0 || state.auditEntries > 0 ? state : null, onProgress: bar?.update,
            }));
          } finally {
            bar?.stop();
          }
          const { header } = backup;
          const seconds = (Date.now() - started) / 1000;
          ctx.print(out, { file: path.resolve(file), database: h.dialect, backupCreatedAt: header.createdAt, sourceDialect: header.source.dialect, schema: header.schema, seconds, ...summary },
            () => `Restored ${summary.rows.toLocaleString('en-GB')} rows in ${summary.tables} tables into ${h.describe} from the backup of ${DIALECT_NAMES[header.source.dialect]} `
              + `made ${header.createdAt}${summary.migratedForward.length ? `, then applied ${summary.migratedForward.length} newer migrations` : ''}`
              + `${summary.replaced?.partnerships ? `, replacing ${summary.replaced.partnerships} partnerships` : ''}, in ${seconds.toFixed(1)} s`);
        }, { migrate: false });
      } finally {
        backup.close();
      }
    });
}
