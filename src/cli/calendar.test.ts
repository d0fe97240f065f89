import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run, type CliContext } from './context';
import { buildProgram } from './program';

type Run = { code: number; stdout: string; stderr: string };

/** The beacon program in this process. The calendar needs no database, so opening one is a failure. */
async function cli(args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    withDb: async () => { throw new Error('the calendar commands must not open the database'); },
    print: (out, value, text) => { stdout += out.json ? JSON.stringify(value) : `${text()}\n`; },
    error: (message) => { stderr += `${message}\n`; },
    writeOut: (text) => { stdout += text; },
    writeErr: (text) => { stderr += text; },
    readStdin: async () => '',
    progressStream: null,
  };
  const code = await run(buildProgram(ctx), ['node', 'beacon', ...args], ctx);
  return { code, stdout, stderr };
}

describe('beacon calendar add-working-days', () => {
  it('prints the n-th working day after a date, past weekends and bank holidays', async () => {
    expect(await cli(['calendar', 'add-working-days', '2021-12-24', '1'])).toEqual({ code: 0, stdout: '2021-12-29\n', stderr: '' });
    expect((await cli(['calendar', 'add-working-days', '2023-04-03', '45'])).stdout).toBe('2023-06-12\n');
    expect((await cli(['calendar', 'add-working-days', '2024-03-02', '0'])).stdout).toBe('2024-03-02\n');
  });

  it('answers in JSON', async () => {
    const r = await cli(['calendar', 'add-working-days', '2022-06-01', '1', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ date: '2022-06-01', workingDays: 1, result: '2022-06-06' });
  });

  it('refuses a malformed date or number with exit 2, naming the argument', async () => {
    const badDate = await cli(['calendar', 'add-working-days', '2023-02-30', '1']);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain('<date> must be a real date in the form YYYY-MM-DD, not "2023-02-30"');
    expect((await cli(['calendar', 'add-working-days', '2023-2-3', '1'])).code).toBe(2);
    for (const n of ['1.5', 'three', '-1', '']) {
      const r = await cli(['calendar', 'add-working-days', '2023-02-03', n]);
      expect(r.code, n).toBe(2);
      expect(r.stderr, n).toContain(`<n> must be a whole number of working days, 0 or more, not "${n}"`);
    }
    expect((await cli(['calendar', 'add-working-days', '2023-02-03'])).code).toBe(2);
    expect((await cli(['calendar', 'add-working-days', '2023-02-03', '1', '--format', 'yaml'])).code).toBe(2);
  });

  it('refuses a date outside the bank holiday table, or a result beyond it, with exit 1', async () => {
    const early = await cli(['calendar', 'add-working-days', '2014-12-31', '1']);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('<date> 2014-12-31 is outside the years whose bank holidays Beacon knows (2015-01-01 to 2028-12-31)');
    const beyond = await cli(['calendar', 'add-working-days', '2028-12-29', '1', '--format', 'json']);
    expect(beyond.code).toBe(1);
    expect(beyond.stdout).toBe('');
    expect(beyond.stderr).toContain('1 working day after 2028-12-29 is after 2028-12-31');
  });
});

describe('beacon calendar working-days-between', () => {
  it('prints the working days after <from> up to and including <to>', async () => {
    expect(await cli(['calendar', 'working-days-between', '2023-04-28', '2023-05-12'])).toEqual({ code: 0, stdout: '8\n', stderr: '' });
    expect((await cli(['calendar', 'working-days-between', '2024-03-04', '2024-03-04'])).stdout).toBe('0\n');
    expect((await cli(['calendar', 'working-days-between', '2022-01-04', '2021-12-24'])).stdout).toBe('-4\n');
  });

  it('answers in JSON', async () => {
    const r = await cli(['calendar', 'working-days-between', '2021-12-24', '2022-01-04', '--format', 'json']);
    expect(JSON.parse(r.stdout)).toEqual({ from: '2021-12-24', to: '2022-01-04', workingDays: 4 });
  });

  it('names the argument that is wrong', async () => {
    const bad = await cli(['calendar', 'working-days-between', '2024-01-01', '2024-13-01']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('<to> must be a real date');
    const late = await cli(['calendar', 'working-days-between', '2029-01-02', '2024-01-01']);
    expect(late.code).toBe(1);
    expect(late.stderr).toContain('<from> 2029-01-02 is outside');
  });

  it('documents the exit codes in its help', async () => {
    const r = await cli(['calendar', 'working-days-between', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Exit codes: 0 done; 1 a date outside 2015-01-01 to 2028-12-31');
  });
});

describe('the beacon command as a person runs it', () => {
  it('loads the bank holiday table under node', async () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
    const r = await new Promise<Run>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(root, 'bin', 'beacon.js'), 'calendar', 'add-working-days', '2022-09-16', '1'],
        { cwd: root, env: { ...process.env, NODE_ENV: 'test' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => { stdout += d; });
      child.stderr.on('data', (d) => { stderr += d; });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
    expect(r).toEqual({ code: 0, stdout: '2022-09-20\n', stderr: '' });
  });
});
