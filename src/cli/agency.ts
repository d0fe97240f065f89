import type { Command } from 'commander';
import { AGENCY_TYPES, addAgency, listAgencies } from '../features/agencies/agencies.service';
import { type CliContext, addFormat, auditCli, outputOf } from './context';
import { partnershipOrReject } from './partnership';

export function agencyCommands(program: Command, ctx: CliContext) {
  const group = program.command('agency').description('agencies working with a partnership');

  addFormat(group.command('add <name>').description('add an agency to a partnership (an existing agency of that name is linked)')
    .requiredOption('--la <code>', 'the partnership’s LA code')
    .requiredOption('--type <type>', `one of: ${AGENCY_TYPES.map((t) => t.value).join(', ')}`)
    .option('--email-domains <domains>', 'comma-separated email domains for self-registration'))
    .action(async (name: string, opts: { la: string; type: string; emailDomains?: string; format?: string }) => {
      const out = outputOf(opts);
      await ctx.withDb(async (h) => {
        const p = await partnershipOrReject(h.db, opts.la);
        const a = await addAgency(h.db, p.id, { name, type: opts.type, emailDomains: opts.emailDomains ?? '' });
        await auditCli(h, 'agency.add', { partnershipId: p.id, recordType: 'agency', recordId: String(a.id) });
        ctx.print(out, a, () => `${a.name} (${a.type}) works with ${p.name}`);
      });
    });

  addFormat(group.command('list').description('list the agencies of a partnership').requiredOption('--la <code>', 'the partnership’s LA code'))
    .action(async (opts: { la: string; format?: string }) => {
      const out = outputOf(opts);
      await ctx.withDb(async (h) => {
        const p = await partnershipOrReject(h.db, opts.la);
        const rows = await listAgencies(h.db, p.id);
        ctx.print(out, rows, () => rows.map((a) => `${a.name}  (${a.type})${a.email_domains.length ? `  ${a.email_domains.join(', ')}` : ''}`).join('\n') || 'No agencies yet');
      });
    });
}
