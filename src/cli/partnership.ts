import type { Command } from 'commander';
import { addPartnership, findPartnershipByLaCode, listChildPopulations, listPartnerships, setChildPopulation } from '../features/partnerships/partnerships.service';
import type { Db } from '../db/create-db';
import { type CliContext, Rejected, UsageError, addFormat, auditCli, outputOf } from './context';

export async function partnershipOrReject(db: Db, la: string) {
  if (!/^\d{3}$/.test(la)) throw new UsageError(`--la must be a 3-digit DfE local authority code, not "${la}"`);
  const p = await findPartnershipByLaCode(db, la);
  if (!p) throw new Rejected(`No partnership has LA code ${la} (see: beacon partnership list)`);
  return p;
}

/** The same, for commands where an unknown LA code is a usage error (exit 2) rather than rejected input. */
export async function partnershipOrUsage(db: Db, la: string) {
  if (!/^\d{3}$/.test(la)) throw new UsageError(`--la must be a 3-digit DfE local authority code, not "${la}"`);
  const p = await findPartnershipByLaCode(db, la);
  if (!p) throw new UsageError(`--la: no partnership has LA code ${la} (see: beacon partnership list)`);
  return p;
}

export function partnershipCommands(program: Command, ctx: CliContext) {
  const group = program.command('partnership').description('partnerships, by DfE local authority code');

  addFormat(group.command('add <la>').description('add a partnership').requiredOption('--name <name>', 'the partnership name'))
    .action(async (la: string, opts: { name: string; format?: string }) => {
      const out = outputOf(opts);
      await ctx.withDb(async (h) => {
        const p = await addPartnership(h.db, { laCode: la, name: opts.name });
        await auditCli(h, 'partnership.add', { partnershipId: p.id, recordType: 'partnership', recordId: String(p.id) });
        ctx.print(out, { laCode: p.la_code, name: p.name }, () => `Added partnership ${p.la_code}: ${p.name}`);
      });
    });

  addFormat(group.command('list').description('list partnerships with their child population'))
    .action(async (opts: { format?: string }) => {
      const out = outputOf(opts);
      await ctx.withDb(async (h) => {
        const rows: { laCode: string; name: string; childPopulation: number | null; childPopulationByYear: Record<string, number> }[] = [];
        for (const p of await listPartnerships(h.db)) {
          const years = await listChildPopulations(h.db, p.id);
          rows.push({ laCode: p.la_code, name: p.name, childPopulation: p.default_child_population,
            childPopulationByYear: Object.fromEntries(years.map((y) => [y.year, y.child_population])) });
        }
        ctx.print(out, rows, () => rows.length === 0 ? 'No partnerships yet (add one with: beacon partnership add <la> --name <name>)'
          : rows.map((r) => `${r.laCode}  ${r.name}  child population: ${r.childPopulation ?? 'not set'}${
            Object.keys(r.childPopulationByYear).length ? ` (${Object.entries(r.childPopulationByYear).map(([y, n]) => `${y}: ${n}`).join(', ')})` : ''}`).join('\n'));
      });
    });

  addFormat(group.command('set <la>').description('set the child population (0-17); without --year it applies to every year')
    .requiredOption('--child-population <n>', 'number of children aged 0 to 17')
    .option('--year <yyyy>', 'the year the figure is for'))
    .action(async (la: string, opts: { childPopulation: string; year?: string; format?: string }) => {
      const out = outputOf(opts);
      if (!/^\d+$/.test(opts.childPopulation)) throw new UsageError(`--child-population must be a whole number, not "${opts.childPopulation}"`);
      if (opts.year !== undefined && !/^\d{4}$/.test(opts.year)) throw new UsageError(`--year must be a 4-digit year, not "${opts.year}"`);
      await ctx.withDb(async (h) => {
        const p = await partnershipOrReject(h.db, la);
        await setChildPopulation(h.db, p.id, { childPopulation: opts.childPopulation, year: opts.year });
        await auditCli(h, 'partnership.population', { partnershipId: p.id, recordType: 'partnership', recordId: String(p.id), detail: { year: opts.year ?? 'all' } });
        ctx.print(out, { laCode: la, childPopulation: Number(opts.childPopulation), year: opts.year ? Number(opts.year) : 'all' },
          () => `Child population of ${p.name} set to ${opts.childPopulation} for ${opts.year ?? 'every year'}`);
      });
    });
}
