import type { Command } from 'commander';
import { findAgencyByName } from '../features/agencies/agencies.service';
import { addUser, findUserByEmail, listUsers, setAccountStatus } from '../features/users/users.service';
import { ROLE_NAMES } from '../platform/permissions';
import { type CliContext, Rejected, addFormat, auditCli, outputOf } from './context';
import { partnershipOrReject } from './partnership';

export function userCommands(program: Command, ctx: CliContext) {
  const group = program.command('user').description('people who sign in to Beacon');

  addFormat(group.command('add').description('add a person to a partnership with roles; prints a temporary password unless one is piped in')
    .requiredOption('--email <email>', 'work email address (the sign-in name)')
    .requiredOption('--name <name>', 'full name')
    .requiredOption('--agency <name>', 'their agency, as listed by: beacon agency list --la <code>')
    .requiredOption('--la <code>', 'the partnership’s LA code')
    .requiredOption('--role <roles>', `comma-separated roles: ${ROLE_NAMES.join(', ')}`)
    .option('--password-stdin', 'read the password from standard input instead of generating one'))
    .action(async (opts: { email: string; name: string; agency: string; la: string; role: string; passwordStdin?: boolean; format?: string }) => {
      const out = outputOf(opts);
      const password = opts.passwordStdin ? (await ctx.readStdin()).replace(/\r?\n$/, '') : undefined;
      await ctx.withDb(async (h) => {
        const p = await partnershipOrReject(h.db, opts.la);
        const agency = await findAgencyByName(h.db, opts.agency);
        if (!agency) throw new Rejected(`No agency is called "${opts.agency}" (see: beacon agency list --la ${opts.la})`);
        const result = await addUser(h.db, p.id, { email: opts.email, name: opts.name, agencyId: agency.id, roles: opts.role, password });
        await auditCli(h, result.created ? 'user.create' : 'user.add_membership', { partnershipId: p.id, recordType: 'user', recordId: String(result.id) });
        ctx.print(out, { id: result.id, email: opts.email.trim().toLowerCase(), created: result.created, temporaryPassword: result.password },
          () => [
            result.created ? `Added ${opts.email} to ${p.name} as ${opts.role}` : `${opts.email} already had an account: added to ${p.name} as ${opts.role}`,
            ...(result.password ? [`Temporary password (shown once): ${result.password}`] : []),
          ].join('\n'));
      });
    });

  addFormat(group.command('list').description('list the people of a partnership').requiredOption('--la <code>', 'the partnership’s LA code'))
    .action(async (opts: { la: string; format?: string }) => {
      const out = outputOf(opts);
      await ctx.withDb(async (h) => {
        const p = await partnershipOrReject(h.db, opts.la);
        const users = await listUsers(h.db, p.id);
        ctx.print(out, users.map((u) => ({ email: u.email, name: u.name, agency: u.agency_name, roles: u.roles, status: u.status, mfaEnrolled: u.mfa_enrolled })),
          () => users.map((u) => `${u.email.padEnd(36)} ${u.name}  ${u.roles.join(', ')}  ${u.status}`).join('\n'));
      });
    });

  for (const status of ['disabled', 'active'] as const) {
    addFormat(group.command(status === 'disabled' ? 'disable <email>' : 'enable <email>')
      .description(status === 'disabled' ? 'disable an account and end its sessions at once' : 'enable a disabled account'))
      .action(async (email: string, opts: { format?: string }) => {
        const out = outputOf(opts);
        await ctx.withDb(async (h) => {
          const user = await findUserByEmail(h.db, email);
          if (!user) throw new Rejected(`No account has the email ${email}`);
          const ended = await setAccountStatus(h.db, user.id, status);
          await auditCli(h, status === 'disabled' ? 'user.disable' : 'user.enable', { recordType: 'user', recordId: String(user.id) });
          ctx.print(out, { email: user.email, status, sessionsEnded: ended },
            () => status === 'disabled' ? `Disabled ${user.email}; ${ended} sessions ended` : `Enabled ${user.email}`);
        });
      });
  }
}
