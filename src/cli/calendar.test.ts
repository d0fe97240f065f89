import { describe, expect, it } from 'vitest';
import { runBeacon, runCli } from '../testing/cli';

/** The calendar needs no database, so opening one is a failure. */
const cli = (args: string[]) => runCli(async () => { throw new Error('the calendar commands must not open the database'); }, args);

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
    const r = await runBeacon({}, ['calendar', 'add-working-days', '2022-09-16', '1']);
    expect(r).toEqual({ code: 0, stdout: '2022-09-20\n', stderr: '' });
  });
});
