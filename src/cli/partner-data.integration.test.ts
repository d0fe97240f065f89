import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/cli';
import { createTestDb, dialects, type TestDb } from '../testing/test-db';

const FIXTURE = fileURLToPath(new URL('../features/partner-data/fixtures/seed-police-2022-23.csv', import.meta.url));
const REPORT = fs.readFileSync(new URL('../../../shared/seed/scp-annual-report-2022-23.txt', import.meta.url), 'utf8');

describe.each(dialects())('beacon partner-data (%s)', (dialect) => {
  let t: TestDb;
  let dir: string;
  const cli = (args: string[]) => runCli(async (fn) => fn({ db: t.db, dialect: t.dialect, describe: 'test', close: async () => {} }), args);
  const police = ['--la', '975', '--agency', 'avon and somerset police', '--period-end', '2023-03-31'];
  beforeAll(async () => {
    t = await createTestDb(dialect);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-partner-'));
    expect((await cli(['partnership', 'add', '975', '--name', 'Test 975'])).code).toBe(0);
    expect((await cli(['agency', 'add', 'Avon and Somerset Police', '--la', '975', '--type', 'police'])).code).toBe(0);
    expect((await cli(['partnership', 'add', '976', '--name', 'Test 976'])).code).toBe(0);
  });
  afterAll(async () => { await t?.close(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('imports an agency’s tables, and replaces them the second time', async () => {
    const first = await cli(['partner-data', 'import', FIXTURE, ...police]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Loaded Avon and Somerset Police’s figures for the 12 months to 2023-03-31 in Test 975: 3 tables, 16 rows');
    const again = await cli(['partner-data', 'import', FIXTURE, ...police, '--format', 'json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ loaded: true, replaced: true, tables: 3, rows: 16 });
  });

  it('shows the tables as JSON with change and % change, and as the seed report prints them', async () => {
    const json = await cli(['partner-data', 'show', '--la', '975', '--period-end', '2023-03-31', '--format', 'json']);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout) as { la: string; agencies: { agency: string; tables: { table: string; rows: unknown[] }[] }[] };
    expect(out.agencies).toHaveLength(1);
    expect(out.agencies[0]!.tables[1]!.rows[1]).toEqual({ measure: 'Number of Missing Children Reports', current: 370, previous: 389, change: '-19', pct_change: '-4.9%' });
    const text = await cli(['partner-data', 'show', '--la', '975', '--period-end', '2023-03-31', '--agency', 'Avon and Somerset Police']);
    const rows = text.stdout.split('\n').filter((l) => l.startsWith('| Number of'));
    expect(rows).toHaveLength(16);
    for (const row of rows) expect(REPORT).toContain(`\n${row}\n`);
    expect(text.stdout).toContain('| Missing Children (12 month rolling) | Current | Previous | Chg | % Chg |\n|---|---------|----------|-----|--------|\n| Number of Missing Children | 154 | 137 | +17 | +12.4% |');
    const none = await cli(['partner-data', 'show', '--la', '975', '--period-end', '2024-03-31']);
    expect(none.stdout).toContain('No partner data for Test 975 for the 12 months to 2024-03-31');
  });

  it('lists each problem by row, exits 1 and loads nothing', async () => {
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, fs.readFileSync(FIXTURE, 'utf8').replace(',154,137', ',154,').replace(',2669,2985', ',2669,-1'));
    const r = await cli(['partner-data', 'import', bad, ...police]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual(['row 7, previous: must be a whole number, 0 or more, not “”', 'row 14, previous: must be a whole number, 0 or more, not “-1”']);
    expect(r.stderr).toContain('nothing was loaded');
    const shown = JSON.parse((await cli(['partner-data', 'show', '--la', '975', '--period-end', '2023-03-31', '--format', 'json'])).stdout);
    expect(shown.agencies[0].tables[1].rows[0]).toMatchObject({ current: 154, previous: 137 });
  });

  it('exits 2 for a file it cannot read or a date it cannot parse, and 1 for another partnership’s agency', async () => {
    expect((await cli(['partner-data', 'import', path.join(dir, 'missing.csv'), ...police])).code).toBe(2);
    const binary = path.join(dir, 'binary.csv');
    fs.writeFileSync(binary, Buffer.from([0xff, 0xfe, 0x00, 0x74]));
    const unreadable = await cli(['partner-data', 'import', binary, ...police]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toContain('not UTF-8');
    expect((await cli(['partner-data', 'import', FIXTURE, '--la', '975', '--agency', 'Avon and Somerset Police', '--period-end', '31/03/2023'])).code).toBe(2);
    const other = await cli(['partner-data', 'import', FIXTURE, '--la', '976', '--agency', 'Avon and Somerset Police', '--period-end', '2023-03-31']);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('Avon and Somerset Police is not one of Test 976’s agencies');
    expect((await cli(['partner-data', 'import', FIXTURE, '--la', '975', '--agency', 'Avon and Somerset Police', '--period-end', '2099-03-31'])).code).toBe(1);
  });
});
