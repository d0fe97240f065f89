import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDICATOR_CODES } from '../features/indicators/indicator-codes';
import { computeIndicators } from '../features/indicators/indicators.service';
import { runCli } from '../testing/cli';
import { createTestDb, dialects, type TestDb } from '../testing/test-db';

const cli = (t: TestDb, args: string[]) =>
  runCli(async (fn) => fn({ db: t.db, dialect: t.dialect, describe: `test ${t.dialect}`, close: async () => {} }), args);

describe.each(dialects())('beacon indicators (%s)', (dialect) => {
  let t: TestDb;
  let p: number;
  beforeAll(async () => {
    t = await createTestDb(dialect);
    p = (await t.db.insertInto('partnership').values({ la_code: '802', name: 'Test SCP', default_child_population: 40_000 }).returning('id').executeTakeFirstOrThrow()).id;
    const children = [];
    for (let i = 0; i < 8; i++) {
      children.push((await t.db.insertInto('child').values({ partnership_id: p, la_child_id: `C${i}`, first_name: 'Child', last_name: `${i}` }).returning('id').executeTakeFirstOrThrow()).id);
    }
    // 8 referrals in the period (2 NFA), 3 of them before it: 7 children open on the reference date but the NFA ones.
    for (const [i, child] of children.entries()) {
      await t.db.insertInto('referral').values({ partnership_id: p, child_id: child, referral_date: `2023-0${(i % 8) + 1}-10`, referral_nfa: i < 2 }).execute();
    }
    await t.db.insertInto('contact').values(children.map((child) => ({ partnership_id: p, child_id: child, contact_date: '2023-05-05' }))).execute();
  });
  afterAll(async () => { await t?.close(); });

  it('prints every indicator as the JSON contract says, equal to the service\'s figures', async () => {
    const r = await cli(t, ['indicators', '--la', '802', '--from', '2023-04-01', '--to', '2024-03-31', '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['la', 'from', 'to', 'indicators']);
    expect(out).toMatchObject({ la: '802', from: '2023-04-01', to: '2024-03-31' });
    expect(Object.keys(out.indicators).sort()).toEqual([...INDICATOR_CODES].sort());
    for (const code of INDICATOR_CODES) expect(Object.keys(out.indicators[code])).toEqual(['value', 'numerator', 'denominator']);
    expect(out.indicators).toEqual(await computeIndicators(t.db, { partnershipId: p, from: '2023-04-01', to: '2024-03-31' }));
    // April to August 2023: 5 referrals, none NFA (the NFA ones are in January and February).
    expect(out.indicators.referrals).toEqual({ value: 5, numerator: 5, denominator: null });
    expect(out.indicators.contacts).toEqual({ value: 8, numerator: 8, denominator: null });
    expect(out.indicators.cin_open).toEqual({ value: 6, numerator: 6, denominator: null });
    expect(out.indicators.referrals_rate_per_10k).toEqual({ value: 1.3, numerator: 5, denominator: 40_000 });
    expect(out.indicators.re_referral_rate).toEqual({ value: 0, numerator: 0, denominator: 5 });
    expect(out.indicators.assessments_within_45wd_pct).toEqual({ value: null, numerator: 0, denominator: 0 });
  });

  it('suppresses small numbers with --publish, and shows a readable table', async () => {
    const r = await cli(t, ['indicators', '--la', '802', '--from', '2023-04-01', '--to', '2024-03-31', '--format', 'json', '--publish']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout).indicators;
    expect(out.referrals).toEqual({ value: 'c', numerator: 'c', denominator: null });
    expect(out.referrals_rate_per_10k).toEqual({ value: 'c', numerator: 'c', denominator: 40_000 });
    expect(out.re_referral_rate).toEqual({ value: 'c', numerator: 0, denominator: 'c' });
    expect(out.contacts).toEqual({ value: 8, numerator: 8, denominator: null });
    expect(out.cin_open).toEqual({ value: 6, numerator: 6, denominator: null });
    const text = await cli(t, ['indicators', '--la', '802', '--from', '2023-04-01', '--to', '2024-03-31']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Test SCP (802), 2023-04-01 to 2024-03-31');
    expect(text.stdout).toMatch(/^referrals_rate_per_10k\s+1\.3\s+5\s+40000$/m);
    expect(text.stdout).toMatch(/^assessments_within_45wd_pct\s+-\s+0\s+0$/m);
  });

  it('refuses bad dates and an unknown LA with the right exit code, and audits what it computed', async () => {
    const bad = await cli(t, ['indicators', '--la', '802', '--from', '2023-02-30', '--to', '2024-03-31']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--from must be a real date in the form YYYY-MM-DD, not "2023-02-30"');
    const backwards = await cli(t, ['indicators', '--la', '802', '--from', '2024-04-01', '--to', '2024-03-31']);
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toContain('--from (2024-04-01) must not be after --to (2024-03-31)');
    expect((await cli(t, ['indicators', '--la', '802', '--from', '2023-04-01'])).code).toBe(2);
    const unknown = await cli(t, ['indicators', '--la', '999', '--from', '2023-04-01', '--to', '2024-03-31']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No partnership has LA code 999');
    const beyond = await cli(t, ['indicators', '--la', '802', '--from', '2029-01-01', '--to', '2029-12-31']);
    expect(beyond.code).toBe(1);
    const audit = await t.db.selectFrom('audit_event').select(['action', 'partnership_id', 'detail']).where('action', '=', 'indicators.compute').orderBy('seq').execute();
    expect(audit.length).toBe(3);
    expect(audit[1]).toMatchObject({ partnership_id: p, detail: { from: '2023-04-01', to: '2024-03-31', publish: true } });
  });
});
