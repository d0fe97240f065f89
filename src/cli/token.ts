import type { Command } from 'commander';
import type { Db } from '../db/create-db';
import { findAgencyByName, findAgencyInPartnership } from '../features/agencies/agencies.service';
import { createToken, listTokens, parseScopes, revokeToken, rotateToken, type TokenSummary } from '../features/api/tokens.service';
import { NotFound } from '../platform/errors';
import { type CliContext, Rejected, addFormat, auditCli, cliActor, outputOf } from './context';
import { partnershipOrReject } from './partnership';

/** `beacon token`: partner systems' API tokens, each for one agency of one partnership. */
export function tokenCommands(program: Command, ctx: CliContext) {
  const group = program.command('token').description('partner systems’ API tokens (see /api/docs)');

  addFormat(group.command('create').description('make a token for an agency’s system; it is shown once')
    .requiredOption('--la <code>', 'the partnership’s LA code')
    .requiredOption('--agency <name>', 'the agency whose system uses it (one of the partnership’s agencies)')
    .requiredOption('--scopes <scopes>', 'comma-separated: contact.submit, contact.read')
    .option('--name <label>', 'what the token is for, e.g. "Niche RMS"'))
    .action(async (opts: { la: string; agency: string; scopes: string; name?: string; format?: string }) => {
      const out = outputOf(opts);
      await ctx.withDb(async (h) => {
        const p = await partnershipOrReject(h.db, opts.la);
        const agency = await agencyOrReject(h.db, p.id, opts.agency, p.name);
        const scopes = parseScopes(opts.scopes);
        const made = await createToken(h.db, { partnershipId: p.id, agencyId: agency.id, name: opts.name ?? `${agency.name} system`, scopes, createdBy: cliActor() }, new Date());
        await auditCli(h, 'api_token.create', { partnershipId: p.id, recordType: 'api_token', recordId: made.summary.id, detail: { prefix: made.summary.prefix, agencyId: agency.id, scopes } });
        ctx.print(out, { token: made.token, ...json(made.summary), la: p.la_code }, () => shownOnce(made.token, made.summary, p.name));
      });
    });

  addFormat(group.command('list').description('a partnership’s tokens, live ones first').requiredOption('--la <code>', 'the partnership’s LA code'))
    .action(async (opts: { la: string; format?: string }) => {
      const out = outputOf(opts);
      await ctx.withDb(async (h) => {
        const p = await partnershipOrReject(h.db, opts.la);
        const rows = await listTokens(h.db, p.id);
        ctx.print(out, rows.map(json), () => (rows.length ? rows.map(line).join('\n') : `No API tokens in ${p.name}`));
      });
    });

  addFormat(group.command('rotate <token>').description('replace a token (by id or prefix) with a new one, same agency and scopes; the old one is revoked'))
    .action(async (ref: string, opts: { format?: string }) => {
      const out = outputOf(opts);
      await ctx.withDb(async (h) => {
        const made = await found(() => rotateToken(h.db, ref, cliActor(), new Date()));
        await auditCli(h, 'api_token.rotate', { partnershipId: made.summary.partnershipId, recordType: 'api_token', recordId: made.summary.id, detail: { prefix: made.summary.prefix, replaces: made.replaced.prefix } });
        ctx.print(out, { token: made.token, ...json(made.summary), replaces: made.replaced.id },
          () => `${shownOnce(made.token, made.summary)}\nToken ${made.replaced.prefix} is revoked: the new one replaces it.`);
      });
    });

  addFormat(group.command('revoke <token>').description('revoke a token (by id or prefix): its system is refused from now on'))
    .action(async (ref: string, opts: { format?: string }) => {
      const out = outputOf(opts);
      await ctx.withDb(async (h) => {
        const { token, alreadyRevoked } = await found(() => revokeToken(h.db, ref, new Date()));
        if (!alreadyRevoked) await auditCli(h, 'api_token.revoke', { partnershipId: token.partnershipId, recordType: 'api_token', recordId: token.id, detail: { prefix: token.prefix } });
        ctx.print(out, { ...json(token), alreadyRevoked },
          () => (alreadyRevoked ? `Token ${token.prefix} was already revoked on ${token.revokedAt!.toISOString()}` : `Revoked token ${token.prefix} (${token.name}, ${token.agency})`));
      });
    });
}

async function agencyOrReject(db: Db, partnershipId: number, name: string, partnershipName: string) {
  const agency = await findAgencyByName(db, name);
  const works = agency && await findAgencyInPartnership(db, partnershipId, agency.id);
  if (!works) throw new Rejected(`${agency?.name ?? name} is not one of ${partnershipName}’s agencies (see: beacon agency list --la <code>)`);
  return works;
}

/** An unknown token is rejected input (exit 1), not a usage mistake. */
async function found<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof NotFound) throw new Rejected(`${err.message} (see: beacon token list --la <code>)`);
    throw err;
  }
}

const json = (t: TokenSummary) => ({
  id: t.id, prefix: t.prefix, name: t.name, agency: t.agency, scopes: t.scopes, createdBy: t.createdBy,
  createdAt: t.createdAt, lastUsedAt: t.lastUsedAt, revokedAt: t.revokedAt, replacedBy: t.replacedBy,
});

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : 'never');

function line(t: TokenSummary): string {
  const state = t.revokedAt ? `revoked ${day(t.revokedAt)}${t.replacedBy ? ' (rotated)' : ''}` : 'live';
  return `${t.prefix}…  ${t.name}  ${t.agency}  ${t.scopes.join(',')}  created ${day(t.createdAt)}  last used ${day(t.lastUsedAt)}  ${state}  id ${t.id}`;
}

function shownOnce(token: string, t: TokenSummary, partnership?: string): string {
  return [
    `API token for ${t.agency}${partnership ? ` in ${partnership}` : ''} (${t.scopes.join(', ')}), named “${t.name}”:`,
    '',
    `  ${token}`,
    '',
    'It is shown this once: give it to the agency’s system administrator over a secure channel. Beacon keeps only its digest.',
    `It is known by its first characters, ${t.prefix}, in lists and the audit log.`,
  ].join('\n');
}
