import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { addMonths, isIsoDate } from '../domain/calendar';
import { exportCsv, exportRecords } from '../features/actions/actions-csv';
import { ACTION_STATUS_CODES, allActions, isActionStatus, partnershipGroups, type ActionFilters } from '../features/actions/tracker.service';
import { listAgencies } from '../features/agencies/agencies.service';
import { londonParts } from '../domain/london';
import { exportAnnexA } from '../features/returns/annex-a.export';
import { exportCinCensus } from '../features/returns/cin-census.export';
import { export903 } from '../features/returns/ssda903.export';
import { type CliContext, UsageError, auditCli, cliActor } from './context';
import { collectionYearOption } from './import';
import { partnershipOrReject } from './partnership';
import { partnershipOrUsage } from './partnership';

/**
 * Statutory returns made from the journey's records. Each file is written beside its destination and
 * moved into place only when complete, so a failed export leaves nothing half-written.
 */
export function exportCommands(program: Command, ctx: CliContext) {
  const group = program.command('export').description('statutory returns from the journey’s records');

  group.command('cin').description('the CIN census XML for a collection year, as it stood at that year’s reference date')
    .requiredOption('--la <code>', 'the partnership’s LA code')
    .requiredOption('--year <yyyy>', 'the census Year: the year the collection ends (2023 for 2022-23)')
    .requiredOption('--out <file.xml>', 'where to write it')
    .action(async (opts: { la: string; year: string; out: string }) => {
      const collectionYear = collectionYearOption(opts.year);
      await ctx.withDb(async (h) => {
        const p = await partnershipOrReject(h.db, opts.la);
        const result = await writeAtomically(opts.out, (out) => exportCinCensus(h.db, { partnershipId: p.id, laCode: p.la_code, collectionYear, out }));
        await auditCli(h, 'return.export', { partnershipId: p.id, detail: { kind: 'cin', year: opts.year, file: path.basename(opts.out), ...result } });
        ctx.print({ json: false }, result, () => `Wrote the CIN census ${opts.year} for ${p.name}: ${result.children} children, ${result.episodes} episodes, to ${opts.out}`);
      });
    });

  group.command('903').description('the SSDA903 CSV tables for a collection year, as they stood at its end')
    .requiredOption('--la <code>', 'the partnership’s LA code')
    .requiredOption('--year <yyyy>', 'the year the collection ends (2023 for 2022-23)')
    .requiredOption('--out <dir>', 'the folder to write the tables into')
    .action(async (opts: { la: string; year: string; out: string }) => {
      const collectionYear = collectionYearOption(opts.year);
      await ctx.withDb(async (h) => {
        const p = await partnershipOrReject(h.db, opts.la);
        // Into a fresh folder first, then moved file by file: the destination never holds a half-made set.
        fs.mkdirSync(opts.out, { recursive: true });
        const staging = fs.mkdtempSync(path.join(opts.out, '.export-'));
        try {
          const rows = await export903(h.db, { partnershipId: p.id, collectionYear, outDir: staging });
          for (const f of fs.readdirSync(staging)) fs.renameSync(path.join(staging, f), path.join(opts.out, f));
          await auditCli(h, 'return.export', { partnershipId: p.id, detail: { kind: '903', year: opts.year, rows } });
          ctx.print({ json: false }, rows, () => [`Wrote the SSDA903 ${opts.year} for ${p.name} to ${opts.out}:`,
            ...Object.entries(rows).map(([table, n]) => `  ${table}: ${n} rows`)].join('\n'));
        } finally {
          fs.rmSync(staging, { recursive: true, force: true });
        }
      });
    });

  group.command('annex-a').description('the Ofsted Annex A workbook for an inspection window (default the last 6 months)')
    .requiredOption('--la <code>', 'the partnership’s LA code')
    .option('--from <date>', 'first day of the window, YYYY-MM-DD (default: 6 months before --to)')
    .option('--to <date>', 'last day of the window, YYYY-MM-DD (default: today)')
    .requiredOption('--out <file.xlsx>', 'where to write it')
    .action(async (opts: { la: string; from?: string; to?: string; out: string }) => {
      const to = opts.to ?? new Date().toISOString().slice(0, 10);
      for (const [name, v] of [['--to', to], ['--from', opts.from]] as const) {
        if (v !== undefined && !isIsoDate(v)) throw new UsageError(`${name} must be a date as YYYY-MM-DD, not "${v}"`);
      }
      const from = opts.from ?? addMonths(to, -6);
      if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
      await ctx.withDb(async (h) => {
        const p = await partnershipOrReject(h.db, opts.la);
        const lists = await writeAtomically(opts.out, (out) => exportAnnexA(h.db, { partnershipId: p.id, from, to, out }));
        await auditCli(h, 'return.export', { partnershipId: p.id, detail: { kind: 'annex_a', from, to, by: cliActor(), lists } });
        ctx.print({ json: false }, lists, () => [`Wrote Annex A for ${from} to ${to} for ${p.name} to ${opts.out}:`,
          ...Object.entries(lists).map(([list, n]) => `  ${list}: ${n} rows`)].join('\n'));
      });
    });

  group.command('actions').description('the partnership’s action tracker: every action, soonest due first, as CSV or JSON')
    .requiredOption('--la <code>', 'the partnership’s LA code')
    .option('--format <format>', 'csv (columns source,reference,action,owner_agency,owner,due,status,rag; source and status as codes) or json', 'csv')
    .option('--out <file>', 'where to write it (default: standard output)')
    .option('--status <code>', `only actions of this status: ${ACTION_STATUS_CODES.join(', ')}`)
    .option('--agency <agency>', 'only actions this agency owns: its name or id')
    .option('--group <group>', 'only actions of this group: its name or id')
    .action(async (opts: { la: string; format: string; out?: string; status?: string; agency?: string; group?: string }) => {
      if (!['csv', 'json'].includes(opts.format)) throw new UsageError(`--format must be csv or json, not "${opts.format}"`);
      if (opts.status !== undefined && !isActionStatus(opts.status)) throw new UsageError(`--status must be one of ${ACTION_STATUS_CODES.join(', ')}, not "${opts.status}"`);
      await ctx.withDb(async (h) => {
        const p = await partnershipOrUsage(h.db, opts.la);
        const filters: ActionFilters = {};
        if (opts.status !== undefined) filters.status = opts.status as ActionFilters['status'];
        if (opts.agency !== undefined) {
          const agency = byNameOrId(await listAgencies(h.db, p.id), opts.agency);
          if (!agency) throw new UsageError(`--agency: no agency "${opts.agency}" works with ${p.name} (give its name or id)`);
          filters.agencyId = agency.id;
        }
        if (opts.group !== undefined) {
          const g = byNameOrId(await partnershipGroups(h.db, p.id), opts.group);
          if (!g) throw new UsageError(`--group: ${p.name} has no group "${opts.group}" (give its name or id)`);
          filters.groupId = g.id;
        }
        const rows = await allActions(h.db, p.id, filters, londonParts(new Date()).date);
        const text = opts.format === 'json' ? `${JSON.stringify(exportRecords(rows), null, 2)}\n` : exportCsv(rows);
        if (opts.out) {
          await writeAtomically(opts.out, async (out) => { out.end(text); });
        } else {
          ctx.writeOut(text);
        }
        await auditCli(h, 'action.export', { partnershipId: p.id, detail: { format: opts.format, rows: rows.length, status: opts.status ?? null, agency: filters.agencyId ?? null, group: filters.groupId ?? null } });
        if (opts.out) ctx.print({ json: false }, null, () => `Wrote ${rows.length} ${rows.length === 1 ? 'action' : 'actions'} of ${p.name} to ${opts.out}`);
      });
    });
}

/** A record named by its id or, ignoring case, its name. */
function byNameOrId<T extends { id: number; name: string }>(records: T[], key: string): T | undefined {
  const k = key.trim().toLowerCase();
  return records.find((r) => String(r.id) === k) ?? records.find((r) => r.name.toLowerCase() === k);
}

/** Streams into `<file>.partial`, renamed to `<file>` once the writer has finished without error. */
async function writeAtomically<T>(file: string, write: (out: PassThrough) => Promise<T>): Promise<T> {
  const partial = `${file}.partial`;
  const out = new PassThrough();
  const written = pipeline(out, fs.createWriteStream(partial));
  try {
    const result = await write(out);
    if (!out.writableEnded) out.end();
    await written;
    fs.renameSync(partial, file);
    return result;
  } catch (err) {
    out.destroy();
    await written.catch(() => undefined);
    fs.rmSync(partial, { force: true });
    throw err;
  }
}
