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
});
