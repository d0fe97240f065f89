import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { CinParseError } from '../features/returns/cin-census.parser';
import { ImportRejected, importCinCensus } from '../features/returns/cin-census.import';
import { type CliContext, Rejected, UsageError, addFormat, auditCli, cliActor, outputOf } from './context';
import { partnershipOrReject } from './partnership';

export function importCommands(program: Command, ctx: CliContext) {
  const group = program.command('import').description('statutory returns into the journey’s records');

  addFormat(group.command('cin <file>').description('import a CIN census XML return (all or nothing; importing it again changes nothing)')
    .option('--la <code>', 'the partnership’s LA code (default: the LEA in the file’s header)'))
    .action(async (file: string, opts: { la?: string; format?: string }) => {
      const out = outputOf(opts);
      let size: number;
      try {
        size = fs.statSync(file).size;
      } catch {
        throw new UsageError(`Cannot read ${file}: no such file`);
      }
      const la = opts.la ?? (await laFromHeader(file));
      await ctx.withDb(async (h) => {
        const p = await partnershipOrReject(h.db, la);
        const bar = ctx.progressStream && !out.json
          ? new cliProgress.SingleBar({ format: 'Importing [{bar}] {percentage}% {children} children', stream: ctx.progressStream }, cliProgress.Presets.shades_classic)
          : null;
        let read = 0;
        bar?.start(size, 0, { children: 0 });
        try {
          const result = await importCinCensus(h.db, {
            partnershipId: p.id, laCode: la, fileName: path.basename(file), importedBy: cliActor(),
            open: () => {
              read = 0;
              const stream = fs.createReadStream(file);
              stream.on('data', (chunk) => { read += chunk.length; });
              return stream;
            },
            onChild: (n) => bar?.update(read, { children: n }),
          });
          bar?.update(size);
          bar?.stop();
          await auditCli(h, 'return.import', { partnershipId: p.id, recordType: 'import_run', recordId: result.runId, detail: { kind: 'cin', children: result.children } });
          ctx.print(out, result, () => [
            `Imported ${result.children} children and ${result.episodes} episodes from the ${result.collectionYear}-${String(result.collectionYear + 1).slice(2)} CIN census into ${p.name}`,
            ...Object.entries(result.counts).map(([table, c]) => `  ${table}: ${c.created} new, ${c.updated} updated, ${c.unchanged} unchanged`),
            ...Object.entries(result.unknownElements).map(([el, n]) => `  skipped ${n} × ${el} (not a census item)`),
          ].join('\n'));
        } catch (err) {
          bar?.stop();
          if (err instanceof CinParseError) throw new UsageError(`${file}: ${err.message}. Nothing was imported.`);
          if (err instanceof ImportRejected) throw new Rejected(`${err.message}. Nothing was imported.`);
          throw err;
        }
      });
    });
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
