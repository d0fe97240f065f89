import { randomBytes } from 'node:crypto';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { findReportForPeriod } from '../features/annual-report/report.repository';
import { assembleReport } from '../features/report-output/assemble';
import { renderDocx } from '../features/report-output/docx';
import { renderHtml } from '../features/report-output/html';
import { renderPdf } from '../features/report-output/pdf';
import { OUTPUT_FORMATS, type OutputFormat } from '../features/report-output/wording';
import { type CliContext, UsageError, auditCli, dateArg } from './context';
import { partnershipOrUsage } from './partnership';

const ANNUAL_HELP = `
The partnership's annual report for the period as a document: its report for exactly that period as it
stands (sections in order, the latest text, sentence edits, the children's views chosen), or, where none
has been started, the catalogue's sections with Beacon's figures. The internal version (the default)
has exact figures and says what each section still needs; --public hides numbers from 1 to 5 and leaves
out internal and unwritten sections. The file is written whole or not at all.
Exit codes: 0 written; 1 the report could not be made; 2 a missing or malformed option, --to before
--from, an unknown LA code or format, or a folder for --out that does not exist.`;

const FORMAT_NAMES: Record<OutputFormat, string> = { html: 'HTML', docx: 'DOCX', pdf: 'PDF' };

/** Writes the whole file beside its destination, then renames it into place: a reader never sees half of it. */
async function writeAtomically(file: string, body: string | Buffer) {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, body, { mode: 0o640 });
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** `beacon report annual`: the annual report written to a file. */
export function reportCommands(program: Command, ctx: CliContext): Command {
  const group = program.command('report').description('the partnership’s reports');
  group.command('annual').description('write the annual report for a period as HTML, DOCX or PDF')
    .requiredOption('--la <code>', 'the partnership’s 3-digit DfE LA code')
    .requiredOption('--from <date>', 'the first day of the period, YYYY-MM-DD')
    .requiredOption('--to <date>', 'the last day of the period, YYYY-MM-DD')
    .requiredOption('--format <format>', 'the document’s format: html, docx or pdf')
    .requiredOption('--out <file>', 'the file to write (replaced if it exists)')
    .option('--public', 'the public version: small numbers hidden, internal and unwritten sections left out')
    .addHelpText('after', ANNUAL_HELP)
    .action(async (o: { la: string; from: string; to: string; format: string; out: string; public?: boolean }) => {
      const from = dateArg('--from', o.from);
      const to = dateArg('--to', o.to);
      if (to <= from) throw new UsageError(`--to (${to}) must be after --from (${from})`);
      const format = o.format as OutputFormat;
      if (!OUTPUT_FORMATS.includes(format)) throw new UsageError(`--format must be html, docx or pdf, not "${o.format}"`);
      const out = path.resolve(o.out);
      const folder = await stat(path.dirname(out)).catch(() => null);
      if (!folder?.isDirectory()) throw new UsageError(`--out: the folder ${path.dirname(out)} does not exist`);
      if ((await stat(out).catch(() => null))?.isDirectory()) throw new UsageError(`--out: ${out} is a folder; give a file name`);
      const edition = o.public ? 'public' : 'internal';

      await ctx.withDb(async (h) => {
        const p = await partnershipOrUsage(h.db, o.la);
        const bar = ctx.progressStream
          ? new cliProgress.SingleBar({ format: 'Sections [{bar}] {value}/{total} {heading}', stream: ctx.progressStream, clearOnComplete: true }, cliProgress.Presets.shades_classic)
          : null;
        if (!bar) ctx.writeErr(`Assembling the ${edition} version of ${p.name}’s annual report, ${from} to ${to}\n`);
        const doc = await assembleReport(h.db, {
          partnershipId: p.id, from, to, edition, now: new Date(),
          onSection: (done, total, heading) => {
            if (!bar) return;
            if (done === 1) bar.start(total, 0, { heading: '' });
            bar.update(done, { heading });
            if (done === total) bar.stop();
          },
        });
        if (!bar) ctx.writeErr(`${doc.sections.length} sections assembled; writing the ${FORMAT_NAMES[format]}\n`);
        const body = format === 'html' ? renderHtml(doc) : format === 'docx' ? await renderDocx(doc) : await renderPdf(doc);
        await writeAtomically(out, body);
        const bytes = Buffer.byteLength(body);
        const report = await findReportForPeriod(h.db, p.id, from, to);
        await auditCli(h, 'annual_report.export', {
          partnershipId: p.id, recordType: report ? 'annual_report' : 'partnership', recordId: report?.id ?? String(p.id),
          detail: { from, to, edition, format, sections: doc.sections.length, bytes },
        });
        ctx.writeOut(`${doc.sections.length} sections, ${edition} version, ${FORMAT_NAMES[format]}, ${bytes} bytes: ${out}\n`);
      });
    });
  return group;
}
