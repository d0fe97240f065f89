import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, dialects, type TestDb } from '../../testing/test-db';
import { createCinImporter } from './cin-census.import';
import { ImportRejected, runImport } from './import-run';

const fixture = (name: string) => path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', name);
const LARGE = 'data-to-insight__csc-validator-be-cin__fake_data__fake_CIN_data.xml';
const TWO_PLANS = 'data-to-insight__csc-validator-be-cin__fake_data__CIN2rows.xml';
const OLDER = 'SocialFinanceDigitalLabs__liia-tools__liiatools__spec__cin_census__samples__cin-2022.xml';
const BAD_DATES = 'data-to-insight__csc-validator-be-cin__fake_data__CIN_Census_2024.xml';

describe.each(dialects())('importing a CIN census return (%s)', (dialect) => {
  let t: TestDb;
  const partnerships: Record<string, number> = {};
  beforeAll(async () => {
    t = await createTestDb(dialect);
    for (const la of ['975', '201']) partnerships[la] = (await t.db.insertInto('partnership').values({ la_code: la, name: `LA ${la}` }).returning('id').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => { await t?.close(); });

  const run = (la: string, file: string) => runImport(t.db, createCinImporter({ partnershipId: partnerships[la]!, laCode: la }), {
    partnershipId: partnerships[la]!, importedBy: 'test', files: [{ name: file, size: fs.statSync(fixture(file)).size, open: () => fs.createReadStream(fixture(file)) }],
  });
  const count = async (table: 'child' | 'referral' | 'cp_plan' | 'cp_plan_review', la: string) =>
    Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).where('partnership_id', '=', partnerships[la]!).executeTakeFirstOrThrow()).n);

  it('creates the children and their episodes, and a second import changes nothing', async () => {
    const first = await run('975', LARGE);
    expect(first).toMatchObject({ collectionYear: 2022, outcome: 'succeeded', summary: { children: 332, episodes: 402 } });
    expect(await count('child', '975')).toBe(332);
    expect(await count('referral', '975')).toBe(402);
    const again = await run('975', LARGE);
    expect(again.counts.child).toEqual({ created: 0, updated: 0, unchanged: 332 });
    expect(again.counts.referral).toEqual({ created: 0, updated: 0, unchanged: 402 });
    const runs = await t.db.selectFrom('import_run').selectAll().where('partnership_id', '=', partnerships['975']!).execute();
    expect(runs.map((r) => r.outcome)).toEqual(['succeeded', 'succeeded']);
    expect(runs[0]!.file_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps a later year’s state when an earlier return is imported after it', async () => {
    await run('201', TWO_PLANS);
    const child = await t.db.selectFrom('child').selectAll().where('partnership_id', '=', partnerships['201']!).executeTakeFirstOrThrow();
    expect(child.source_year).toBe(2023);
    await run('201', OLDER);
    const after = await t.db.selectFrom('child').selectAll().where('id', '=', child.id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ source_year: 2023, version: child.version });
    expect(await count('cp_plan_review', '201')).toBeGreaterThan(0);
  });

  it('writes nothing from a file that breaks a rule, says where, and records the failed run', async () => {
    const before = await count('referral', '201');
    await expect(run('201', BAD_DATES)).rejects.toThrow(ImportRejected);
    await expect(run('201', BAD_DATES)).rejects.toThrow(/Line \d+, child DfEX0000001/);
    expect(await count('referral', '201')).toBe(before);
    const failed = await t.db.selectFrom('import_run').selectAll().where('outcome', '=', 'failed').executeTakeFirstOrThrow();
    expect(failed.error).toContain('DfEX0000001');
  });

  it('leaves a record edited in Beacon since, as the return speaks only for its own year', async () => {
    const referral = await t.db.selectFrom('referral').selectAll().where('partnership_id', '=', partnerships['975']!).where('closure_date', 'is', null).executeTakeFirstOrThrow();
    // As an edit through the child's record writes it: Beacon's own, changed now.
    await t.db.updateTable('referral').set({ closure_date: '2026-05-01', closure_reason: 'RC8', source_year: null, updated_at: sql`now()` }).where('id', '=', referral.id).execute();
    const again = await run('975', LARGE);
    expect(again.counts.referral).toMatchObject({ updated: 0 });
    expect(await t.db.selectFrom('referral').select(['closure_date', 'closure_reason']).where('id', '=', referral.id).executeTakeFirstOrThrow())
      .toEqual({ closure_date: '2026-05-01', closure_reason: 'RC8' });
  });

  it('refuses another local authority’s return', async () => {
    await expect(run('975', TWO_PLANS)).rejects.toThrow('The file is the return of LA 201, not 975');
  });
});
