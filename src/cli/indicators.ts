import type { Command } from 'commander';
import { CALENDAR_RANGE } from '../domain/calendar';
import { INDICATOR_CODES } from '../features/indicators/indicator-codes';
import { computeIndicators } from '../features/indicators/indicators.service';
import { suppressIndicators, type PublishedIndicators } from '../features/indicators/suppression';
import { type CliContext, dateArg, Rejected, UsageError, addFormat, auditCli, outputOf } from './context';
import { partnershipOrReject } from './partnership';

const HELP = `
Every indicator of indicators.md for the period [--from, --to], both inclusive; --to is the reference date
of the "open on" measures. --publish shows counts from 1 to 5 as "c", and whatever would give them away.
Exit codes: 0 done; 1 no partnership with that LA code, or a period beyond the years whose bank holidays
Beacon knows; 2 a malformed date, or --from after --to.`;

const shown = (v: number | string | null) => (v === null ? '-' : String(v));

export function indicatorsCommands(program: Command, ctx: CliContext) {
  addFormat(program.command('indicators').description('the partnership\'s indicators for a period')
    .requiredOption('--la <code>', 'the partnership\'s 3-digit DfE LA code')
    .requiredOption('--from <date>', 'the first day of the period, YYYY-MM-DD')
    .requiredOption('--to <date>', 'the last day of the period and the reference date, YYYY-MM-DD')
    .option('--publish', 'suppress small numbers, as for a published output')
    .addHelpText('after', HELP))
    .action(async (opts: { la: string; from: string; to: string; publish?: boolean; format?: string }) => {
      const out = outputOf(opts);
      const { from, to } = indicatorPeriod(opts);
      await ctx.withDb(async (h) => {
        const p = await partnershipOrReject(h.db, opts.la);
        const values = await computeIndicators(h.db, { partnershipId: p.id, from, to });
        const indicators: PublishedIndicators = opts.publish ? suppressIndicators(values) : values;
        await auditCli(h, 'indicators.compute', { partnershipId: p.id, recordType: 'partnership', recordId: String(p.id),
          detail: { from, to, publish: opts.publish === true } });
        ctx.print(out, { la: p.la_code, from, to, indicators }, () => {
          return [`${p.name} (${p.la_code}), ${from} to ${to}${opts.publish ? ', for publication' : ''}`, '', indicatorTable(indicators)].join('\n');
        });
      });
    });
}

/** The period of --from and --to: well formed, in order, and within the years whose bank holidays Beacon knows. */
export function indicatorPeriod(opts: { from: string; to: string }): { from: string; to: string } {
  const from = dateArg('--from', opts.from);
  const to = dateArg('--to', opts.to);
  if (from > to) throw new UsageError(`--from (${from}) must not be after --to (${to})`);
  if (to > CALENDAR_RANGE.to || from < CALENDAR_RANGE.from) {
    throw new Rejected(`The period ${from} to ${to} is outside the years whose bank holidays Beacon knows (${CALENDAR_RANGE.from} to ${CALENDAR_RANGE.to})`);
  }
  return { from, to };
}

/** Every indicator as a plain-text table: code, value, numerator and denominator in columns. */
export function indicatorTable(indicators: PublishedIndicators): string {
  const rows = INDICATOR_CODES.map((code) => [code, shown(indicators[code].value), shown(indicators[code].numerator), shown(indicators[code].denominator)]);
  const head = ['indicator', 'value', 'numerator', 'denominator'];
  const widths = head.map((h0, i) => Math.max(h0.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
