import type { Command } from 'commander';
import { generate } from 'otplib';
import { DEMO_LA_CODE, DEMO_TOTP_SECRET, seedDemo } from '../db/seed/demo';
import { loadConfig } from '../platform/config';
import { CALLBACK_PATH } from '../features/auth/sso.service';
import { DEMO_PROVIDER, DEMO_PROVIDER_ACCOUNTS, demoIssuer } from '../db/seed/sso';
import { type CliContext, Rejected, UsageError, addFormat, outputOf } from './context';

export function demoCommands(program: Command, ctx: CliContext) {
  const group = program.command('demo').description('the demo partnership (fictional data)');

  addFormat(group.command('seed').description('create the demo partnership, agencies, a person for each role and synthetic children')
    .option('--children <n>', 'how many synthetic children', '400'))
    .action(async (opts: { children: string; format?: string }) => {
      const out = outputOf(opts);
      if (!/^\d+$/.test(opts.children) || Number(opts.children) > 1_000_000) throw new UsageError(`--children must be a whole number up to 1000000, not "${opts.children}"`);
      await ctx.withDb(async (h) => {
        const existing = await h.db.selectFrom('partnership').select('id').where('la_code', '=', DEMO_LA_CODE).executeTakeFirst();
        if (existing) throw new Rejected(`The demo partnership (LA code ${DEMO_LA_CODE}) is already in this database`);
        const result = await seedDemo(h.db, { children: Number(opts.children), ssoKey: loadConfig().ssoSecretKey });
        ctx.print(out, { laCode: DEMO_LA_CODE, children: result.children, users: result.users }, () => result.signInText);
      });
    });

  addFormat(group.command('code').description('print the current 6-digit sign-in code of the demo accounts'))
    .action(async (opts: { format?: string }) => {
      const out = outputOf(opts);
      const code = await generate({ secret: DEMO_TOTP_SECRET });
      const secondsLeft = 30 - (Math.floor(Date.now() / 1000) % 30);
      ctx.print(out, { code, secondsLeft }, () => `${code}  (valid for ${secondsLeft} more seconds)`);
    });

  group.command('sso-provider').description('run a stand-in for the demo police force’s identity provider on this machine, to try single sign-on (until Ctrl-C)')
    .option('--port <port>', 'the port the demo partnership’s police force is set up with', String(DEMO_PROVIDER.port))
    .action(async (opts: { port: string }) => {
      if (!/^\d+$/.test(opts.port) || Number(opts.port) < 1 || Number(opts.port) > 65_535) throw new UsageError(`--port must be a port number, not "${opts.port}"`);
      const config = loadConfig();
      // The provider package is a development dependency: the demo's provider is for trying Beacon, never for live use.
      const { startTestProvider } = await import('../testing/oidc-provider');
      const provider = await startTestProvider({
        clientId: DEMO_PROVIDER.clientId, clientSecret: DEMO_PROVIDER.clientSecret, redirectUri: `${config.publicUrl}${CALLBACK_PATH}`,
        accounts: DEMO_PROVIDER_ACCOUNTS, port: Number(opts.port), chooser: true,
      }).catch((err: NodeJS.ErrnoException) => {
        throw new Rejected(err.code === 'EADDRINUSE' ? `Port ${opts.port} is in use: is the demo provider already running?` : err.message);
      });
      if (provider.issuer !== demoIssuer()) console.log(`Note: the demo police force is set up with ${demoIssuer()}; change it on its single sign-on page to ${provider.issuer}`);
      console.log(`Demo identity provider at ${provider.issuer}, for people at nep.police.uk.`
        + `\nIn Beacon (${config.publicUrl}), choose "Sign in with your organisation" and enter a nep.police.uk address. Ctrl-C stops it.`);
      await new Promise<void>((resolve) => process.once('SIGINT', resolve));
      await provider.close();
    });
}
