import type { Command } from 'commander';
import { generate } from 'otplib';
import { DEMO_LA_CODE, DEMO_TOTP_SECRET, seedDemo } from '../db/seed/demo';
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
        const result = await seedDemo(h.db, { children: Number(opts.children) });
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
}
