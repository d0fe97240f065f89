import type { Command } from 'commander';
import { recordAudit } from '../platform/audit';
import { loadConfig } from '../platform/config';
import { createMailer } from '../platform/email';
import type { Sweep } from '../sweeps';
import { type CliContext, addFormat, cliActor, outputOf } from './context';
import { partnershipOrUsage } from './partnership';

/** A sweep the server runs on its schedule, as a command to run by hand or from cron: `--la` where it can be limited to one partnership. */
export function addSweepCommand(group: Command, ctx: CliContext, name: string, description: string, sweep: Sweep, opts: { la?: boolean } = {}) {
  const command = group.command(name).description(description);
  if (opts.la) command.option('--la <code>', 'one partnership only (default: every partnership)');
  addFormat(command).action(async (o: { la?: string; format?: string }) => {
    const out = outputOf(o);
    const config = loadConfig();
    const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom });
    await ctx.withDb(async (h) => {
      const p = o.la === undefined ? undefined : await partnershipOrUsage(h.db, o.la);
      const outcome = await sweep.run({ db: h.db, mailer, now: new Date(), publicUrl: config.publicUrl, mailFrom: config.mailFrom, partnershipId: p?.id });
      if (outcome.audit.length) await recordAudit(h.db, ...outcome.audit.map((e) => ({ ...e, userEmail: cliActor(), outcome: 'allowed' as const })));
      ctx.print(out, outcome.json, () => outcome.text);
    });
  });
}
