import type { Command } from 'commander';
import type { Db } from '../db/create-db';
import { type CliContext, UsageError, addFormat, auditCli, dateArg, outputOf } from './context';
import { partnershipOrReject } from './partnership';

/**
 * A partnership's figures for a period, as the annual report will use them: `--la`, `--from`, `--to`
 * (both dates inclusive), JSON for tools and lines for people, the reading kept in the audit log.
 */
export function addPeriodSummaryCommand<S extends object>(group: Command, ctx: CliContext, description: string, opts: {
  auditAction: string;
  summarise(db: Db, partnershipId: number, from: string, to: string): Promise<S>;
  lines(s: S): string[];
}) {
  addFormat(group.command('summary').description(description)
    .requiredOption('--la <code>', 'the partnership’s 3-digit DfE LA code')
    .requiredOption('--from <date>', 'the first day of the period, YYYY-MM-DD')
    .requiredOption('--to <date>', 'the last day of the period, YYYY-MM-DD'))
    .action(async (o: { la: string; from: string; to: string; format?: string }) => {
      const out = outputOf(o);
      const from = dateArg('--from', o.from);
      const to = dateArg('--to', o.to);
      if (from > to) throw new UsageError(`--from (${from}) must not be after --to (${to})`);
      await ctx.withDb(async (h) => {
        const p = await partnershipOrReject(h.db, o.la);
        const s = await opts.summarise(h.db, p.id, from, to);
        await auditCli(h, opts.auditAction, { partnershipId: p.id, recordType: 'partnership', recordId: String(p.id), detail: { from, to } });
        ctx.print(out, s, () => [`${p.name} (${p.la_code}), ${from} to ${to}`, '', ...opts.lines(s)].join('\n'));
      });
    });
}
