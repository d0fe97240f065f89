import type { Command } from 'commander';
import { nationalIndicators } from '../features/indicators/national';
import { suppressIndicators, type PublishedIndicators } from '../features/indicators/suppression';
import { type CliContext, Rejected, addFormat, auditCli, outputOf } from './context';
import { indicatorPeriod, indicatorTable } from './indicators';

const HELP = `
Every indicator of indicators.md for the period [--from, --to] across every partnership in this
database, for the platform's operator: each partnership's figures as its scorecard computes them, added
up (percentages from the summed numerators and denominators; rates over the summed child populations,
unknown while any partnership has none). --publish suppresses small numbers as for a published output.
Exit codes: 0 done; 1 no partnership at all, or a period beyond the years whose bank holidays Beacon
knows; 2 a malformed date, or --from after --to.`;

export function nationalCommands(program: Command, ctx: CliContext) {
  addFormat(program.command('national-indicators').description('the indicators across every partnership, for the platform\'s operator')
    .requiredOption('--from <date>', 'the first day of the period, YYYY-MM-DD')
    .requiredOption('--to <date>', 'the last day of the period and the reference date, YYYY-MM-DD')
    .option('--publish', 'suppress small numbers, as for a published output')
    .addHelpText('after', HELP))
    .action(async (opts: { from: string; to: string; publish?: boolean; format?: string }) => {
      const out = outputOf(opts);
      const { from, to } = indicatorPeriod(opts);
      await ctx.withDb(async (h) => {
        const national = await nationalIndicators(h.db, { from, to });
        if (national.partnerships === 0) throw new Rejected('There is no partnership in this database (see: beacon partnership add)');
        const indicators: PublishedIndicators = opts.publish ? suppressIndicators(national.indicators) : national.indicators;
        await auditCli(h, 'indicators.national', { partnershipId: null, detail: { from, to, partnerships: national.partnerships, publish: opts.publish === true } });
        const result = { from, to, partnerships: national.partnerships, withoutPopulation: national.withoutPopulation, indicators };
        ctx.print(out, result, () => {
          const missing = national.withoutPopulation.length
            ? [`Rates unknown: no child population for ${national.withoutPopulation.join(', ')}`, ''] : [];
          return [`All ${national.partnerships} partnerships, ${from} to ${to}${opts.publish ? ', for publication' : ''}`, '', ...missing, indicatorTable(indicators)].join('\n');
        });
      });
    });
}
