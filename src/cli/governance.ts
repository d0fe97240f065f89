import type { Command } from 'commander';
import { isIsoDate } from '../domain/calendar';
import { remindOverdueChallenges } from '../features/governance/challenges.service';
import { governanceSummary } from '../features/governance/governance.service';
import { loadConfig } from '../platform/config';
import { createMailer } from '../platform/email';
import { type CliContext, UsageError, addFormat, auditCli, outputOf } from './context';
import { partnershipOrReject } from './partnership';

function dateArg(name: string, value: string): string {
  if (!isIsoDate(value)) throw new UsageError(`${name} must be a real date in the form YYYY-MM-DD, not "${value}"`);
  return value;
}

/** `beacon governance`: the challenge log's reminders, run by hand or from cron, and the year's figures for the annual report. */
export function governanceCommands(program: Command, ctx: CliContext) {
  const group = program.command('governance').description('the partnership’s groups, meetings and challenge log');

  addFormat(group.command('remind').description('remind each challenge whose response is overdue, once: email the challenged agency’s safeguarding leads'))
    .action(async (opts: { format?: string }) => {
      const out = outputOf(opts);
      const config = loadConfig();
      const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom });
      await ctx.withDb(async (h) => {
        const reminded = await remindOverdueChallenges(h.db, mailer, new Date(), { publicUrl: config.publicUrl });
        for (const r of reminded) {
          await auditCli(h, 'challenge.remind', { partnershipId: r.partnershipId, recordType: 'challenge', recordId: r.challengeId, detail: { emails: r.emailed.length } });
        }
        ctx.print(out, { reminded: reminded.map((r) => ({ challenge: r.challengeId, reference: r.reference, agency: r.toAgency, response_due: r.responseDue, emailed: r.emailed.length })) },
          () => (reminded.length === 0 ? 'No overdue challenge responses to remind'
            : [`Reminded ${reminded.length} overdue ${reminded.length === 1 ? 'response' : 'responses'}:`,
              ...reminded.map((r) => `  ${r.reference} to ${r.toAgency}, due ${r.responseDue}: ${r.emailed.length} ${r.emailed.length === 1 ? 'email' : 'emails'}`)].join('\n')));
      });
    });

  addFormat(group.command('summary').description('meetings held per group, the statutory partners’ attendance and the challenges, for a period')
    .requiredOption('--la <code>', 'the partnership’s 3-digit DfE LA code')
    .requiredOption('--from <date>', 'the first day of the period, YYYY-MM-DD')
    .requiredOption('--to <date>', 'the last day of the period, YYYY-MM-DD'))
    .action(async (opts: { la: string; from: string; to: string; format?: string }) => {
      const out = outputOf(opts);
      const from = dateArg('--from', opts.from);
      const to = dateArg('--to', opts.to);
      if (from > to) throw new UsageError(`--from (${from}) must not be after --to (${to})`);
      await ctx.withDb(async (h) => {
        const p = await partnershipOrReject(h.db, opts.la);
        const s = await governanceSummary(h.db, p.id, from, to);
        await auditCli(h, 'governance.summary', { partnershipId: p.id, recordType: 'partnership', recordId: String(p.id), detail: { from, to } });
        ctx.print(out, s, () => [
          `${p.name} (${p.la_code}), ${from} to ${to}`, '',
          'Meetings held:',
          ...s.meetings.map((m) => `  ${m.group}: ${m.held}${m.cancelled ? ` (${m.cancelled} cancelled)` : ''}`),
          '', 'Statutory partners’ attendance:',
          ...(s.attendance.length ? s.attendance.map((a) => `  ${a.agency}: ${a.attended} of ${a.meetings} (${a.rate}%)`) : ['  none recorded']),
          '', `Challenges: ${s.challenges.raised} raised, ${s.challenges.responded} responded (${s.challenges.respondedOnTime} on time), `
            + `${s.challenges.resolved} resolved, ${s.challenges.escalated} escalated, ${s.challenges.awaitingResponse} awaiting a response at the end`,
        ].join('\n'));
      });
    });
}
