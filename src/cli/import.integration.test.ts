import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/cli';
import { createTestDb, dialects, type TestDb } from '../testing/test-db';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'features', 'returns', 'fixtures');
const LARGE = path.join(fixtures, 'data-to-insight__csc-validator-be-cin__fake_data__fake_CIN_data.xml');

describe.each(dialects())('beacon import cin (%s)', (dialect) => {
  let t: TestDb;
  let dir: string;
  const cli = (args: string[]) => runCli(async (fn) => fn({ db: t.db, dialect: t.dialect, describe: 'test', close: async () => {} }), args);
  beforeAll(async () => {
    t = await createTestDb(dialect);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-import-'));
    expect((await cli(['partnership', 'add', '975', '--name', 'Test 975'])).code).toBe(0);
  });
  afterAll(async () => { await t?.close(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('imports a return, taking the LA from its header, and changes nothing the second time', async () => {
    const first = await cli(['import', 'cin', LARGE, '--format', 'json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ children: 332, episodes: 402, collectionYear: 2022 });
    const second = await cli(['import', 'cin', LARGE]);
    expect(second.stdout).toContain('child: 0 new, 0 updated, 332 unchanged');
  });

  it('says where a broken file broke, exits 2, and imports nothing', async () => {
    const broken = path.join(dir, 'broken.xml');
    fs.writeFileSync(broken, fs.readFileSync(LARGE, 'utf8').slice(0, 3000));
    const r = await cli(['import', 'cin', broken, '--la', '975']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Line \d+, column \d+/);
    expect(r.stderr).toContain('Nothing was imported');
    expect((await cli(['import', 'cin', path.join(dir, 'missing.xml'), '--la', '975'])).code).toBe(2);
  });

  it('refuses a return for a partnership that is not there, or another LA’s', async () => {
    const r = await cli(['import', 'cin', LARGE, '--la', '976']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No partnership has LA code 976');
  });

  it('prints the findings as JSON, refuses to load with --strict, and reports a run again', async () => {
    expect((await cli(['partnership', 'add', '201', '--name', 'Test 201'])).code).toBe(0);
    const census = path.join(fixtures, 'data-to-insight__csc-validator-be-cin__fake_data__CIN2rows.xml');
    const strict = await cli(['import', 'cin', census, '--strict', '--format', 'json']);
    const refused = JSON.parse(strict.stdout) as { errors: number; queries: number; outcome: string; run: string; issues: { rule: string; severity: string; child: string; location: string; message: string }[] };
    expect(refused.errors).toBeGreaterThan(0);
    expect(refused.outcome).toBe('rejected');
    expect(strict.code).toBe(1);
    expect(refused.issues.filter((i) => i.severity === 'error')).toHaveLength(refused.errors);
    const ofChild = refused.issues.find((i) => i.child !== null)!;
    expect(ofChild).toEqual({ rule: expect.stringMatching(/^\d+Q?$/), severity: expect.stringMatching(/^(error|query)$/), child: expect.any(String), location: expect.stringMatching(/^Line \d+/), message: expect.any(String) });
    expect(await t.db.selectFrom('child').select('id').where('la_child_id', '=', ofChild.child).execute()).toEqual([]);

    const loaded = await cli(['import', 'cin', census]);
    expect(loaded.code).toBe(0);
    expect(loaded.stdout).toMatch(/\d+ validation errors?, \d+ quer/);
    const report = await cli(['import', 'report', refused.run, '--la', '201', '--format', 'csv']);
    expect(report.stdout.split('\r\n')[0]).toBe('rule,severity,child,location,message');
    expect(report.stdout.trim().split('\r\n')).toHaveLength(1 + refused.errors + refused.queries);
    expect((await cli(['import', 'report', 'not-a-run', '--la', '201'])).code).toBe(1);
  });

  it('reads a CIN census with a byte-order mark and Windows line endings', async () => {
    const file = path.join(dir, 'bom-crlf.xml');
    fs.writeFileSync(file, `\uFEFF${fs.readFileSync(LARGE, 'utf8').replace(/\r?\n/g, '\r\n')}`);
    const r = await cli(['import', 'cin', file, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'succeeded', children: 332 });
  });

  it('imports the SSDA903 tables from a folder, exports the year, and exports the CIN census', async () => {
    const tables = path.join(dir, '903');
    fs.mkdirSync(tables);
    for (const t903 of ['header', 'episodes', 'reviews', 'uasc', 'oc2', 'oc3', 'ad1', 'placed_for_adoption', 'previous_permanence', 'missing', 'sw_episodes']) {
      fs.copyFileSync(path.join(fixtures, '903', `data-to-insight__csc-validator-be-903__tests__fake_data__${t903}.csv`), path.join(tables, `${t903}.csv`));
    }
    expect((await cli(['import', '903', tables, '--la', '975'])).code).toBe(2);
    const r = await cli(['import', '903', tables, '--la', '975', '--year', '2024', '--format', 'json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { outcome: string; errors: number; counts: Record<string, { created: number }> };
    expect(result.outcome).toBe('succeeded');
    expect(result.counts.cla_episode!.created).toBeGreaterThan(4000);

    const out = path.join(dir, '903-out');
    const exported = await cli(['export', '903', '--la', '975', '--year', '2024', '--out', out]);
    expect(exported.code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'episodes.csv'), 'utf8').split('\r\n')[0]).toBe('CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN');
    expect(fs.readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);

    const xml = path.join(dir, 'cin-2023.xml');
    const cin = await cli(['export', 'cin', '--la', '975', '--year', '2023', '--out', xml]);
    expect(cin.code).toBe(0);
    expect(fs.readFileSync(xml, 'utf8')).toContain('<Year>2023</Year>');
    expect(fs.existsSync(`${xml}.partial`)).toBe(false);
    expect((await cli(['export', 'cin', '--la', '975', '--year', '23', '--out', xml])).code).toBe(2);
  });
});
