import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { createAnnexAImporter } from '../features/returns/annex-a.import';
import { createCinImporter } from '../features/returns/cin-census.import';
import { ImportRejected, ReturnUnreadable, runImport, type ReturnFile, type ReturnImporter } from '../features/returns/import-run';
import { importRunOf, issuesCsv, issuesOfRun } from '../features/returns/returns.repository';
import { create903Importer } from '../features/returns/ssda903.import';
import { type CliContext, Rejected, UsageError, addFormat, auditCli, cliActor, outputOf } from './context';
import { partnershipOrReject } from './partnership';

/** `--year 2023` is the census's Year, the year the collection ends: 2022-23, which Beacon names 2022. */
export function collectionYearOption(value: string | undefined): number {
  if (!value || !/^\d{4}$/.test(value)) throw new UsageError(`--year must be the four-digit year the collection ends (2023 for 2022-23), not "${value ?? ''}"`);
  return Number(value) - 1;
}

export function importCommands(program: Command, ctx: CliContext) {
  const group = program.command('import').description('statutory returns into the journey’s records (checked against DfE’s rules; loaded even with errors unless --strict)');
  const common = (cmd: Command) => addFormat(cmd).option('--strict', 'load nothing if the return has any validation error');

  common(group.command('cin <file>').description('a CIN census XML return')
    .option('--la <code>', 'the partnership’s LA code (default: the LEA in the file’s header)'))
    .action(async (file: string, opts: Opts & { la?: string }) => {
      const files = [returnFile(file)];
      const la = opts.la ?? (await laFromHeader(file));
      await importReturn(ctx, la, files, opts, (partnershipId) => createCinImporter({ partnershipId, laCode: la }));
    });

  common(group.command('903 <paths...>').description('SSDA903 CSV tables: files, or folders of .csv files')
    .requiredOption('--la <code>', 'the partnership’s LA code')
    .requiredOption('--year <yyyy>', 'the year the collection ends (2023 for 2022-23)'))
    .action(async (paths: string[], opts: Opts & { la: string; year: string }) => {
      const collectionYear = collectionYearOption(opts.year);
      const files = paths.flatMap(csvFiles).map(returnFile);
      await importReturn(ctx, opts.la, files, opts, (partnershipId) => create903Importer({ partnershipId, collectionYear }));
    });

  common(group.command('annex-a <file>').description('an Ofsted Annex A workbook (.xlsx)')
    .requiredOption('--la <code>', 'the partnership’s LA code'))
    .action(async (file: string, opts: Opts & { la: string }) => {
      await importReturn(ctx, opts.la, [returnFile(file)], opts, (partnershipId) => createAnnexAImporter({ partnershipId }));
    });

  group.command('report <run>').description('an import’s validation findings')
    .requiredOption('--la <code>', 'the partnership’s LA code')
    .option('--format <format>', 'text, json or csv', 'text')
    .action(async (runId: string, opts: { la: string; format: string }) => {
      if (!['text', 'json', 'csv'].includes(opts.format)) throw new UsageError(`--format must be text, json or csv, not "${opts.format}"`);
      await ctx.withDb(async (h) => {
        const p = await partnershipOrReject(h.db, opts.la);
        const run = await importRunOf(h.db, p.id, runId);
        if (!run) throw new Rejected(`${p.name} has no import run ${runId}`);
        const issues = (await issuesOfRun(h.db, p.id, run.id)).map(({ childId: _childId, ...issue }) => issue);
        await auditCli(h, 'return.report', { partnershipId: p.id, recordType: 'import_run', recordId: run.id });
        if (opts.format === 'csv') return ctx.writeOut(issuesCsv(issues));
        ctx.print({ json: opts.format === 'json' }, { errors: run.errors, queries: run.queries, issues }, () =>
          issues.map((i) => `${i.rule.padEnd(6)} ${i.severity.padEnd(5)} ${(i.child ?? '-').padEnd(12)} ${i.location}: ${i.message}`).join('\n') || 'No findings');
      });
    });
}

type Opts = { format?: string; strict?: boolean };

function returnFile(file: string): ReturnFile {
  let size: number;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new Error();
    size = stat.size;
  } catch {
    throw new UsageError(`Cannot read ${file}: no such file`);
  }
  return { name: path.basename(file), size, open: () => fs.createReadStream(file) };
}

function csvFiles(p: string): string[] {
  if (!fs.existsSync(p)) throw new UsageError(`Cannot read ${p}: no such file or folder`);
  if (!fs.statSync(p).isDirectory()) return [p];
  const found = fs.readdirSync(p).filter((f) => f.toLowerCase().endsWith('.csv')).sort().map((f) => path.join(p, f));
  if (found.length === 0) throw new UsageError(`${p} holds no .csv files`);
  return found;
}

async function importReturn(ctx: CliContext, la: string, files: ReturnFile[], opts: Opts, make: (partnershipId: number) => ReturnImporter) {
  const out = outputOf(opts);
  await ctx.withDb(async (h) => {
    const p = await partnershipOrReject(h.db, la);
    const importer = make(p.id);
    const bytesTotal = files.reduce((n, f) => n + f.size, 0);
    const bar = ctx.progressStream && !out.json
      ? new cliProgress.SingleBar({ format: '{phase} [{bar}] {percentage}% {records} records', stream: ctx.progressStream }, cliProgress.Presets.shades_classic)
      : null;
    bar?.start(bytesTotal, 0, { phase: 'Checking', records: 0 });
    let result;
    try {
      result = await runImport(h.db, importer, {
        partnershipId: p.id, files, importedBy: cliActor(), strict: opts.strict,
        onProgress: (pr) => bar?.update(pr.bytesRead ?? 0, { phase: pr.phase === 'loading' ? 'Loading ' : 'Checking', records: pr.records ?? 0 }),
      });
    } catch (err) {
      bar?.stop();
      const what = files.map((f) => f.name).join(', ');
      if (err instanceof ReturnUnreadable) throw new UsageError(`${what}: ${err.message}. Nothing was imported.`);
      if (err instanceof ImportRejected) throw new Rejected(`${err.message}. Nothing was imported.`);
      throw err;
    } finally {
      bar?.stop();
    }
    await auditCli(h, 'return.import', { partnershipId: p.id, recordType: 'import_run', recordId: result.runId, detail: { kind: importer.kind, outcome: result.outcome } });
    const issues = out.json ? (await issuesOfRun(h.db, p.id, result.runId)).map(({ childId: _childId, ...issue }) => issue) : [];
    ctx.print(out, {
      errors: result.errors, queries: result.queries, issues,
      run: result.runId, outcome: result.outcome, collectionYear: result.collectionYear, counts: result.counts, ...result.summary,
    }, () => summaryText(p.name, importer.kind, result));
    if (result.outcome === 'rejected') throw new Rejected(`${result.errors} validation errors, and --strict: nothing was loaded`);
  });
}

const KIND_NAMES = { cin: 'CIN census', '903': 'SSDA903', annex_a: 'Annex A' } as const;

function summaryText(partnership: string, kind: ReturnImporter['kind'], r: Awaited<ReturnType<typeof runImport>>): string {
  const year = `${r.collectionYear}-${String((r.collectionYear + 1) % 100).padStart(2, '0')}`;
  const lines = [
    r.outcome === 'succeeded'
      ? `Imported the ${year} ${KIND_NAMES[kind]} return into ${partnership}`
      : `Checked the ${year} ${KIND_NAMES[kind]} return for ${partnership}: not loaded`,
    `  ${r.errors} validation error${r.errors === 1 ? '' : 's'}, ${r.queries} quer${r.queries === 1 ? 'y' : 'ies'}${r.errors + r.queries > 0 ? ` (the report: beacon import report ${r.runId}, or Returns in the app)` : ''}`,
    ...Object.entries(r.counts).map(([table, c]) => `  ${table}: ${c.created} new, ${c.updated} updated, ${c.unchanged} unchanged`),
  ];
  const unknown = (r.summary.unknownElements ?? {}) as Record<string, number>;
  lines.push(...Object.entries(unknown).map(([el, n]) => `  skipped ${n} × ${el} (not a census item)`));
  return lines.join('\n');
}

/** The LEA in the file's header, read from its first few kilobytes. */
async function laFromHeader(file: string): Promise<string> {
  const head = await new Promise<string>((resolve, reject) => {
    let text = '';
    fs.createReadStream(file, { start: 0, end: 16_383, encoding: 'utf8' })
      .on('data', (chunk) => { text += chunk; }).on('end', () => resolve(text)).on('error', reject);
  });
  const la = /<LEA>\s*(\d{3})\s*<\/LEA>/.exec(head)?.[1];
  if (!la) throw new UsageError(`${file}: no <LEA> in the header; give the partnership with --la <code>`);
  return la;
}
