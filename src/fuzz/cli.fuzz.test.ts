import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../cli/program';
import { runCli } from '../testing/cli';
import { seedFixture } from '../testing/test-app';
import { createTestDb, dialects, type TestDb } from '../testing/test-db';
import { junkValue, runs } from './generators';

/**
 * Every command of the beacon program given junk: options with values of the wrong kind, options
 * missing or repeated, unknown options, arguments that are no file or no record. Each answers 0, 1
 * (rejected) or 2 (usage) with a message, and never a stack trace or an error from the inside (a
 * database's or JavaScript's own words).
 */

/** What an error from the inside looks like when it reaches a person unexplained. */
const INSIDE = /\n\s+at .+:\d+:\d+|TypeError|ReferenceError|RangeError|is not a function|Cannot read propert|invalid input syntax|out of range for type|violates .* constraint|byte sequence|syntax error at|column .* does not exist|ENAMETOOLONG|ERR_INVALID_ARG/;

type Leaf = { words: string[]; args: number; options: { flag: string; takesValue: boolean }[] };

function leaves(c: Command, prefix: string[] = []): Leaf[] {
  if (c.commands.length > 0) return c.commands.flatMap((s) => leaves(s, [...prefix, s.name()]));
  return [{ words: prefix, args: c.registeredArguments.length, options: c.options.map((o) => ({ flag: o.long!, takesValue: o.required || o.optional })) }];
}

// Seeding the demo takes a minute; restoring is tested with junk files in its own tests. The demo's identity
// provider runs until Ctrl-C once given a port it can use (its refusal of one that is not is tested with the seed).
const SKIP = new Set(['demo seed', 'demo sso-provider']);

describe.each(dialects())('beacon command line, fuzzed (%s)', (dialect) => {
  let t: TestDb;
  let dir: string;
  const cli = (args: string[], stdin = '') => runCli(async (fn) => fn({ db: t.db, dialect: t.dialect, describe: 'test', close: async () => {} }), args, stdin);
  beforeAll(async () => {
    t = await createTestDb(dialect);
    await seedFixture(t.db);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-cli-fuzz-'));
  });
  afterAll(async () => { await t?.close(); fs.rmSync(dir, { recursive: true, force: true }); });

  const commands = leaves(buildProgram({} as never)).filter((l) => !SKIP.has(l.words.join(' ')));

  /** A value for an option: junk, or something near what it takes; files go to the test's own folder. */
  const valueFor = (flag: string): fc.Arbitrary<string> => {
    if (flag === '--out') return fc.oneof(junkValue.map((s) => path.join(dir, s.replace(/[/\\u0000]/g, '_').slice(0, 100) || 'x')), fc.constant(path.join(dir, 'no-such-folder', 'x')));
    return fc.oneof(junkValue, fc.constantFrom('801', '802', '999', '2025', '2025-03-31', '2025-02-30', 'Alpha Partnership Council', 'json', 'text', 'yes', 'no', 'police', 'contact.submit'));
  };

  it('answers every command given junk with 0, 1 or 2 and a message, never an error from the inside', async () => {
    const failures: string[] = [];
    let cases = 0;
    for (const command of commands) {
      const option: fc.Arbitrary<string[]> = fc.constantFrom(...command.options, { flag: '--no-such-option', takesValue: false }).chain((o) =>
        (o.takesValue ? valueFor(o.flag).map((v) => [o.flag, v]) : fc.constant([o.flag])));
      const positional = fc.oneof(junkValue, fc.constantFrom('/etc/passwd', dir, 'no-such-file.xml', '801', 'dsl@a.test', 'social_worker@a.test'));
      const argv = fc.tuple(fc.array(positional, { maxLength: command.args + 1 }), fc.array(option, { maxLength: 4 }))
        .map(([args, opts]): string[] => [...command.words, ...args, ...opts.flat()]);
      const result = await fc.check(fc.asyncProperty(argv, junkValue, async (args, stdin) => {
        cases++;
        const run = await cli(args, stdin);
        const ok = [0, 1, 2].includes(run.code) && !INSIDE.test(run.stderr) && !INSIDE.test(run.stdout.slice(0, 2000)) && (run.code === 0 || run.stderr.trim() !== '');
        if (!ok) throw new Error(`beacon ${JSON.stringify(args).slice(0, 300)} → ${run.code}: ${run.stderr.slice(0, 300)}`);
      }), { numRuns: runs(12), endOnFailure: true });
      if (result.failed) failures.push(String((result.errorInstance as Error | undefined)?.message ?? result.counterexample));
    }
    console.log(`cli fuzz: ${commands.length} commands, ${cases} cases`);
    expect(failures).toEqual([]);
  }, 600_000);
});
