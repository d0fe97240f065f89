import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { findChildById, findChildByLaChildId } from '../features/children/children.service';
import { accessToChild, verifyAuditChain } from '../platform/audit';
import { type CliContext, Rejected, UsageError, addFormat, auditCli, outputOf } from './context';
import { partnershipOrReject } from './partnership';

export function auditCommands(program: Command, ctx: CliContext) {
  const group = program.command('audit').description('the tamper-evident audit log');

  addFormat(group.command('verify').description('check the hash chain: exits 1 if any entry was altered or deleted'))
    .action(async (opts: { format?: string }) => {
      const out = outputOf(opts);
      await ctx.withDb(async (h) => {
        const bar = ctx.progressStream && !out.json
          ? new cliProgress.SingleBar({ format: 'Checking audit log [{bar}] {value}/{total} entries', stream: ctx.progressStream }, cliProgress.Presets.shades_classic)
          : null;
        let started = false;
        const result = await verifyAuditChain(h.db, (done, total) => {
          if (!bar) return;
          if (!started) { bar.start(total, 0); started = true; }
          bar.update(done);
        });
        bar?.stop();
        await auditCli(h, 'audit.verify', { detail: { ok: result.ok, entries: result.entries } });
        if (!result.ok) {
          ctx.print(out, result, () => `TAMPERED: ${result.reason} (${result.entries} entries intact before it)`);
          throw new Rejected('the audit log failed verification');
        }
        ctx.print(out, result, () => `The audit log is intact: ${result.entries} entries checked`);
      });
    });

  addFormat(group.command('for-child <id>').description('everyone who accessed a child’s record: the Beacon id, or the LA child id with --la')
    .option('--la <code>', 'the partnership’s LA code (needed with an LA child id)'))
    .action(async (id: string, opts: { la?: string; format?: string }) => {
      const out = outputOf(opts);
      await ctx.withDb(async (h) => {
        const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
        let child;
        if (opts.la) {
          const p = await partnershipOrReject(h.db, opts.la);
          child = uuid ? await findChildById(h.db, p.id, id) : await findChildByLaChildId(h.db, p.id, id);
        } else if (uuid) {
          child = await h.db.selectFrom('child').selectAll().where('id', '=', id).executeTakeFirst();
        } else {
          throw new UsageError(`"${id}" is not a Beacon child id: give --la <code> to look up an LA child id`);
        }
        if (!child) throw new Rejected(`No child has the id ${id}${opts.la ? ` in partnership ${opts.la}` : ''}`);
        const rows = await accessToChild(h.db, child.partnership_id, child.id);
        await auditCli(h, 'audit.for_child', { partnershipId: child.partnership_id, recordType: 'child', recordId: child.id, detail: { entries: rows.length } });
        const entries = rows.map((r) => ({ at: r.at.toISOString(), user: r.user_email, role: r.role, agencyId: r.agency_id, action: r.action, outcome: r.outcome, ip: r.ip }));
        ctx.print(out, { childId: child.id, laChildId: child.la_child_id, entries },
          () => entries.length === 0 ? `No one has accessed the record of child ${child.la_child_id}`
            : [`Access to the record of child ${child.la_child_id} (${child.id}):`, ...entries.map((e) =>
              `${e.at}  ${String(e.user).padEnd(36)} ${String(e.role ?? '').padEnd(18)} ${e.action} (${e.outcome})`)].join('\n'));
      });
    });
}
