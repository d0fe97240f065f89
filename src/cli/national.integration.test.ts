import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDICATOR_CODES } from '../features/indicators/indicator-codes';
import { computeIndicators } from '../features/indicators/indicators.service';
import { runCli } from '../testing/cli';
import { createTestDb, dialects, type TestDb } from '../testing/test-db';

const cli = (t: TestDb, args: string[]) =>
  runCli(async (fn) => fn({ db: t.db, dialect: t.dialect, describe: `test ${t.dialect}`, close: async () => {} }), args);
const PERIOD = ['--from', '2023-04-01', '--to', '2024-03-31'];

describe.each(dialects())('beacon national-indicators (%s)', (dialect) => {
  let t: TestDb;
  const ids: number[] = [];
  let beforeAny: Awaited<ReturnType<typeof cli>>;
  beforeAll(async () => {
    t = await createTestDb(dialect);
    beforeAny = await cli(t, ['national-indicators', ...PERIOD]);
    // Two partnerships: one with 3 referrals (1 a re-referral), the other with 2; the second has no population yet.
    for (const [la, population, dates] of [['801', 30_000, ['2023-01-10', '2023-05-10', '2023-09-01']], ['802', null, ['2023-06-01', '2023-07-01']]] as const) {
      const p = (await t.db.insertInto('partnership').values({ la_code: la, name: `SCP ${la}`, default_child_population: population }).returning('id').executeTakeFirstOrThrow()).id;
      ids.push(p);
      const child = (await t.db.insertInto('child').values({ partnership_id: p, la_child_id: 'C1', first_name: 'A', last_name: 'B' }).returning('id').executeTakeFirstOrThrow()).id;
      for (const d of dates) await t.db.insertInto('referral').values({ partnership_id: p, child_id: child, referral_date: d }).execute();
    }
  });
  afterAll(async () => { await t?.close(); });

  it('adds up every partnership\'s figures, rates unknown while a population is', async () => {
    const r = await cli(t, ['national-indicators', ...PERIOD, '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ from: '2023-04-01', to: '2024-03-31', partnerships: 2, withoutPopulation: ['802'] });
    expect(Object.keys(out.indicators).sort()).toEqual([...INDICATOR_CODES].sort());
    const each = await Promise.all(ids.map((p) => computeIndicators(t.db, { partnershipId: p, from: '2023-04-01', to: '2024-03-31' })));
    expect(out.indicators.referrals.value).toBe(each[0]!.referrals.value! + each[1]!.referrals.value!);
    expect(out.indicators.referrals).toEqual({ value: 4, numerator: 4, denominator: null });
    // 802's June referral follows nothing; its July one follows June's; 801's May one follows January's and September's follows May's.
    expect(out.indicators.re_referral_rate).toEqual({ value: 75, numerator: 3, denominator: 4 });
    expect(out.indicators.referrals_rate_per_10k).toEqual({ value: null, numerator: 4, denominator: null });
  });

  it('gives the rates once every partnership has a population, and prints a table', async () => {
    await t.db.updateTable('partnership').set({ default_child_population: 10_000 }).where('id', '=', ids[1]!).execute();
    const r = await cli(t, ['national-indicators', ...PERIOD, '--format', 'json']);
    expect(JSON.parse(r.stdout).indicators.referrals_rate_per_10k).toEqual({ value: 1, numerator: 4, denominator: 40_000 });
    const text = await cli(t, ['national-indicators', ...PERIOD]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('All 2 partnerships, 2023-04-01 to 2024-03-31');
    expect(text.stdout).toMatch(/^referrals\s+4\s+4\s+-$/m);
  });

  it('refuses a malformed period, and a database with no partnership', async () => {
    expect((await cli(t, ['national-indicators', '--from', '2024-01-01', '--to', '2023-01-01'])).code).toBe(2);
    expect((await cli(t, ['national-indicators', '--from', '2024-02-30', '--to', '2024-03-31'])).code).toBe(2);
    expect(beforeAny.code).toBe(1);
    expect(beforeAny.stderr).toContain('no partnership');
  });
});
