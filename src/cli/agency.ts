import type { Command } from 'commander';
import { AGENCY_TYPES, addAgency, findAgencyByName, listAgencies } from '../features/agencies/agencies.service';
import { agencySsoPage, disableAgencySso, setAgencySso, type AgencySsoPage } from '../features/auth/sso-config.service';
import { loadConfig } from '../platform/config';
import type { Db } from '../db/create-db';
import { type CliContext, Rejected, UsageError, addFormat, auditCli, outputOf } from './context';
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

  const sso = group.command('sso').description('an agency’s single sign-on through its own identity provider (OpenID Connect)');

  addFormat(sso.command('set <agency>').description('set up or change an agency’s single sign-on (the client secret is read from standard input, never the command line)')
    .requiredOption('--la <code>', 'the partnership’s LA code: its administrators approve people new to Beacon')
    .requiredOption('--issuer <url>', 'the identity provider’s issuer URL (https://)')
    .requiredOption('--client-id <id>', 'the client ID Beacon was registered with')
    .option('--client-secret-stdin', 'read the client secret from standard input (required the first time; otherwise the saved one is kept)')
    .option('--email-domains <domains>', 'comma-separated email domains that sign in this way (default: the agency’s)')
    .option('--password-allowed <yes|no>', 'whether the agency’s people may still sign in with a Beacon password', 'yes')
    .option('--disabled', 'save it turned off'))
    .action(async (name: string, opts: { la: string; issuer: string; clientId: string; clientSecretStdin?: boolean; emailDomains?: string; passwordAllowed: string; disabled?: boolean; format?: string }) => {
      const out = outputOf(opts);
      if (!['yes', 'no'].includes(opts.passwordAllowed)) throw new UsageError(`--password-allowed must be yes or no, not "${opts.passwordAllowed}"`);
      const clientSecret = opts.clientSecretStdin ? (await ctx.readStdin()).trim() : '';
      if (opts.clientSecretStdin && !clientSecret) throw new UsageError('--client-secret-stdin: standard input was empty');
      const config = loadConfig();
      await ctx.withDb(async (h) => {
        const { p, agencyId } = await agencyOrReject(h.db, opts.la, name);
        const saved = await setAgencySso(h.db, p.id, agencyId, {
          issuerUrl: opts.issuer, clientId: opts.clientId, clientSecret, emailDomains: opts.emailDomains ?? '',
          passwordAllowed: opts.passwordAllowed, enabled: !opts.disabled,
        }, { key: config.ssoSecretKey, production: config.env === 'production', userId: null, now: new Date() });
        await auditCli(h, 'agency_sso.set', { partnershipId: p.id, recordType: 'agency', recordId: String(agencyId),
          detail: { enabled: saved.enabled, passwordAllowed: saved.passwordAllowed, domains: saved.emailDomains.length, secretChanged: Boolean(clientSecret) } });
        ctx.print(out, saved, () => `Single sign-on for ${name} saved, ${saved.enabled ? 'on' : 'off'}: ${saved.emailDomains.join(', ')} through ${saved.issuerUrl}`);
      });
    });

  addFormat(sso.command('show <agency>').description('show an agency’s single sign-on (never its client secret)')
    .requiredOption('--la <code>', 'the partnership’s LA code'))
    .action(async (name: string, opts: { la: string; format?: string }) => {
      const out = outputOf(opts);
      await ctx.withDb(async (h) => {
        const { p, agencyId } = await agencyOrReject(h.db, opts.la, name);
        const page = await agencySsoPage(h.db, p.id, agencyId);
        await auditCli(h, 'agency_sso.read', { partnershipId: p.id, recordType: 'agency', recordId: String(agencyId) });
        ctx.print(out, { agency: page.agency.name, managedElsewhere: page.managedElsewhere, sso: page.sso }, () => ssoText(page));
      });
    });

  addFormat(sso.command('disable <agency>').description('turn an agency’s single sign-on off: its people sign in with a Beacon password')
    .requiredOption('--la <code>', 'the partnership’s LA code'))
    .action(async (name: string, opts: { la: string; format?: string }) => {
      const out = outputOf(opts);
      await ctx.withDb(async (h) => {
        const { p, agencyId } = await agencyOrReject(h.db, opts.la, name);
        const page = await agencySsoPage(h.db, p.id, agencyId);
        if (!page.sso) throw new Rejected(`${page.agency.name} has no single sign-on set up by ${p.name}`);
        await disableAgencySso(h.db, p.id, agencyId, { userId: null, now: new Date() });
        await auditCli(h, 'agency_sso.disable', { partnershipId: p.id, recordType: 'agency', recordId: String(agencyId) });
        ctx.print(out, { agency: page.agency.name, enabled: false }, () => `Single sign-on for ${page.agency.name} is off`);
      });
    });
}

/** The partnership and one of its agencies by name; an agency that does not work with it is rejected like an unknown one. */
async function agencyOrReject(db: Db, la: string, name: string) {
  const p = await partnershipOrReject(db, la);
  const agency = await findAgencyByName(db, name);
  const mine = agency && (await listAgencies(db, p.id)).some((a) => a.id === agency.id);
  if (!agency || !mine) throw new Rejected(`No agency called "${name}" works with ${p.name} (see: beacon agency list --la ${la})`);
  return { p, agencyId: agency.id };
}

function ssoText(page: AgencySsoPage): string {
  if (page.managedElsewhere) return `Single sign-on for ${page.agency.name} is set up by another partnership`;
  const s = page.sso;
  if (!s) return `${page.agency.name} has no single sign-on`;
  return [
    `${page.agency.name}: single sign-on ${s.enabled ? 'on' : 'off'}`,
    `Issuer: ${s.issuerUrl}`, `Client ID: ${s.clientId}`, 'Client secret: saved (not shown)',
    `Email domains: ${s.emailDomains.join(', ')}`, `Beacon passwords: ${s.passwordAllowed ? 'allowed' : 'not allowed'}`,
  ].join('\n');
}
