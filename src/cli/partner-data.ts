import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { markdownTable } from '../features/partner-data/comparison';
import { PartnerDataInvalid, PartnerDataUnreadable, formatCsvError } from '../features/partner-data/partner-data.csv';
import { partnerTables, partnershipAgency, type AgencyTables } from '../features/partner-data/partner-data.repository';
import { importPartnerCsv, periodEndProblem } from '../features/partner-data/partner-data.service';
import { listAgencies } from '../features/agencies/agencies.service';
import type { Db } from '../db/create-db';
import { type CliContext, Rejected, UsageError, addFormat, auditCli, cliActor, outputOf } from './context';
import { partnershipOrReject } from './partnership';

/** `beacon partner-data`: partner agencies' aggregate tables (police, health), loaded from CSV and shown as the annual report prints them. */
export function partnerDataCommands(program: Command, ctx: CliContext) {
  const group = program.command('partner-data').description('partner agencies’ aggregate tables (police, health): current and previous 12 months');

  addFormat(group.command('import <file>').description('load an agency’s CSV (table,measure,current,previous); it replaces that agency’s figures for the period')
    .requiredOption('--la <code>', 'the partnership’s LA code')
    .requiredOption('--agency <name>', 'the agency the figures are from (one of the partnership’s agencies)')
    .requiredOption('--period-end <date>', 'the last day of the current 12 months, YYYY-MM-DD'))
    .action(async (file: string, opts: { la: string; agency: string; periodEnd: string; format?: string }) => {
      const out = outputOf(opts);
      const periodEnd = periodEndOption(opts.periodEnd);
      const bytes = readFile(file);
      await ctx.withDb(async (h) => {
        const p = await partnershipOrReject(h.db, opts.la);
        const agency = await agencyOrReject(h.db, p.id, opts.agency, p.name);
        const problem = periodEndProblem(periodEnd, new Date().toISOString().slice(0, 10));
        if (problem) throw new Rejected(`--period-end: ${problem}`);
        let result;
        try {
          result = await importPartnerCsv(h.db, { partnershipId: p.id, agencyId: agency.id, periodEnd, fileName: path.basename(file), bytes, uploadedBy: cliActor(), now: new Date() });
        } catch (err) {
          if (err instanceof PartnerDataUnreadable) throw new UsageError(`${file}: ${err.message}. Nothing was loaded.`);
          if (!(err instanceof PartnerDataInvalid)) throw err;
          if (out.json) ctx.print(out, { loaded: false, errors: err.errors }, () => '');
          for (const e of err.errors) ctx.error(formatCsvError(e));
          throw new Rejected(`${err.message} ${path.basename(file)}: nothing was loaded`);
        }
        await auditCli(h, 'partner_data.import', { partnershipId: p.id, recordType: 'partner_data_set', recordId: result.setId, detail: { agency: agency.name, periodEnd, rows: result.rows } });
        ctx.print(out, { loaded: true, set: result.setId, agency: agency.name, period_end: periodEnd, tables: result.tables, rows: result.rows, replaced: result.replaced },
          () => `${result.replaced ? 'Replaced' : 'Loaded'} ${agency.name}’s figures for the 12 months to ${periodEnd} in ${p.name}: ${result.tables} table${result.tables === 1 ? '' : 's'}, ${result.rows} row${result.rows === 1 ? '' : 's'}`);
      });
    });

  addFormat(group.command('show').description('the partner tables for a period end, with change and % change')
    .requiredOption('--la <code>', 'the partnership’s LA code')
    .requiredOption('--period-end <date>', 'the last day of the current 12 months, YYYY-MM-DD')
    .option('--agency <name>', 'one agency only'))
    .action(async (opts: { la: string; periodEnd: string; agency?: string; format?: string }) => {
      const out = outputOf(opts);
      const periodEnd = periodEndOption(opts.periodEnd);
      await ctx.withDb(async (h) => {
        const p = await partnershipOrReject(h.db, opts.la);
        const agency = opts.agency === undefined ? undefined : await agencyOrReject(h.db, p.id, opts.agency, p.name);
        const agencies = await partnerTables(h.db, p.id, periodEnd, agency?.id);
        ctx.print(out, { la: p.la_code, period_end: periodEnd, agencies }, () => showText(p.name, periodEnd, agencies));
      });
    });
}

/** Each agency's tables as the seed report prints them, a blank line between tables. */
function showText(partnership: string, periodEnd: string, agencies: AgencyTables[]): string {
  if (agencies.length === 0) return `No partner data for ${partnership} for the 12 months to ${periodEnd}`;
  return agencies.map((a) => [a.agency, '', a.tables.map((t) => markdownTable(t).join('\n')).join('\n\n')].join('\n')).join('\n\n');
}

function periodEndOption(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new UsageError(`--period-end must be a date written YYYY-MM-DD, not "${value}"`);
  return value;
}

function readFile(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch {
    throw new UsageError(`Cannot read ${file}: no such file`);
  }
}

async function agencyOrReject(db: Db, partnershipId: number, name: string, partnership: string) {
  const agency = await partnershipAgency(db, partnershipId, name);
  if (agency) return agency;
  const names = (await listAgencies(db, partnershipId)).map((a) => a.name);
  throw new Rejected(`${name} is not one of ${partnership}’s agencies${names.length ? ` (${names.join(', ')})` : ''}`);
}
