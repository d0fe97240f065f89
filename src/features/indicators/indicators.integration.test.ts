import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays } from '../../domain/calendar';
import { createTestDb, dialects, type TestDb } from '../../testing/test-db';
import { INDICATOR_CODES, type IndicatorCode, type IndicatorValue } from './indicator-codes';
import { childrenBehind, computeIndicators, ensureWorkingDays, monthlyTrend, ratio, trendAll, trendMonths } from './indicators.service';

/**
 * One partnership's records, built by hand so that every definition of indicators.md meets its edge
 * cases in the period 2023-04-01 to 2024-03-31 (a leap year's 29 February inside). Children are named
 * by letter; each expected figure below says which children or records make it.
 */
const FROM = '2023-04-01';
const TO = '2024-03-31';

const count = (n: number): IndicatorValue => ({ value: n, numerator: n, denominator: null });
const part = (value: number | null, numerator: number, denominator: number | null): IndicatorValue => ({ value, numerator, denominator });

describe('the pure parts', () => {
  it('rounds half away from zero to 1 decimal place, and is null on a zero or unknown denominator', () => {
    expect(ratio(1, 16, 100)).toBe(6.3); // 6.25
    expect(ratio(1, 80, 100)).toBe(1.3); // 1.25
    expect(ratio(1, 2000, 100)).toBe(0.1); // 0.05
    expect(ratio(2, 3, 100)).toBe(66.7);
    expect(ratio(1, 3, 100)).toBe(33.3);
    expect(ratio(0, 3, 100)).toBe(0);
    expect(ratio(3, 0, 100)).toBeNull();
    expect(ratio(3, null, 10_000)).toBeNull();
    expect(ratio(7, 30_000, 10_000)).toBe(2.3);
  });

  it('cuts a trend into calendar months ending with the month of the reference date', () => {
    expect(trendMonths(3, '2024-03-15')).toEqual([
      { month: '2024-01', from: '2024-01-01', to: '2024-01-31' },
      { month: '2024-02', from: '2024-02-01', to: '2024-02-29' },
      { month: '2024-03', from: '2024-03-01', to: '2024-03-15' },
    ]);
    expect(trendMonths(24, '2024-03-31')[0]).toEqual({ month: '2022-04', from: '2022-04-01', to: '2022-04-30' });
    expect(() => trendMonths(0, '2024-03-31')).toThrow(RangeError);
  });
});

describe.each(dialects())('indicators (%s)', (dialect) => {
  let t: TestDb;
  let p: number;
  let other: number;
  const kids: Record<string, string> = {};
  const refs: Record<string, string> = {};

  async function child(partnershipId: number, letter: string) {
    const row = await t.db.insertInto('child').values({ partnership_id: partnershipId, la_child_id: `LA-${letter}`, first_name: `Child`, last_name: letter })
      .returning('id').executeTakeFirstOrThrow();
    kids[letter] = row.id;
    return row.id;
  }
  async function referral(key: string, letter: string, date: string, extra: { nfa?: boolean; closure?: string | null } = {}, partnershipId = p) {
    const row = await t.db.insertInto('referral').values({ partnership_id: partnershipId, child_id: kids[letter]!, referral_date: date,
      referral_nfa: extra.nfa ?? false, closure_date: extra.closure ?? null }).returning('id').executeTakeFirstOrThrow();
    refs[key] = row.id;
    return row.id;
  }
  const assessment = (ref: string, start: string, auth: string | null, factors: string[] = []) =>
    t.db.insertInto('assessment').values({ partnership_id: p, referral_id: refs[ref]!, start_date: start, authorisation_date: auth, factors }).execute();
  const s47 = async (ref: string, start: string) =>
    (await t.db.insertInto('s47_enquiry').values({ partnership_id: p, referral_id: refs[ref]!, start_date: start }).returning('id').executeTakeFirstOrThrow()).id;
  const conference = (ref: string, date: string, s47Id: string | null = null) =>
    t.db.insertInto('initial_conference').values({ partnership_id: p, referral_id: refs[ref]!, conference_date: date, s47_enquiry_id: s47Id }).execute();
  const cinPlan = (ref: string, start: string, end: string | null = null) =>
    t.db.insertInto('cin_plan').values({ partnership_id: p, referral_id: refs[ref]!, start_date: start, end_date: end }).execute();
  const cpPlan = (ref: string, start: string, end: string | null, initial: string | null, latest: string | null, previous: number | null = null) =>
    t.db.insertInto('cp_plan').values({ partnership_id: p, referral_id: refs[ref]!, start_date: start, end_date: end,
      initial_category: initial, latest_category: latest, previous_plans: previous }).execute();
  const episode = (letter: string, start: string, rne: string, ls: string | null, end: string | null = null) =>
    t.db.insertInto('cla_episode').values({ partnership_id: p, child_id: kids[letter]!, start_date: start, reason_new_episode: rne, legal_status: ls, end_date: end }).execute();
  const missing = (letter: string, start: string, type: 'M' | 'A' = 'M') =>
    t.db.insertInto('missing_episode').values({ partnership_id: p, child_id: kids[letter]!, missing_type: type, start_date: start }).execute();
  const contact = (letter: string, date: string, partnershipId = p) =>
    t.db.insertInto('contact').values({ partnership_id: partnershipId, child_id: kids[letter]!, contact_date: date }).execute();

  beforeAll(async () => {
    t = await createTestDb(dialect);
    p = (await t.db.insertInto('partnership').values({ la_code: '802', name: 'Test SCP', default_child_population: 50_000 }).returning('id').executeTakeFirstOrThrow()).id;
    other = (await t.db.insertInto('partnership').values({ la_code: '803', name: 'Neighbour SCP' }).returning('id').executeTakeFirstOrThrow()).id;
    await t.db.insertInto('partnership_child_population').values([
      { partnership_id: p, year: 2022, child_population: 30_000 },
      { partnership_id: p, year: 2025, child_population: 20_000 },
    ]).execute();
    for (const letter of 'ABCDEFGH') await child(p, letter);
    await child(other, 'Z');

    // Contacts: the period's first and last day count; the days either side do not; another partnership's never.
    await contact('A', '2023-03-31');
    await contact('A', FROM);
    await contact('B', TO);
    await contact('B', '2023-09-09');
    await contact('C', '2024-04-01');
    await contact('Z', '2023-09-09', other);

    // Referrals in the period: A1, B1, C1, D, E, G, H (7). Re-referrals: A1 (the earlier one exactly 12 months
    // before) and B1 (29 February: 12 months before is 28 February). C1's earlier one is a day too early.
    await referral('A0', 'A', '2022-04-01', { closure: '2022-06-01' });
    await referral('A1', 'A', FROM);
    await referral('B0', 'B', '2023-02-28', { closure: '2023-05-01' });
    await referral('B1', 'B', '2024-02-29');
    await referral('C0', 'C', '2023-02-28', { closure: '2023-03-01' });
    await referral('C1', 'C', '2024-03-01');
    await referral('D', 'D', '2023-10-10', { nfa: true, closure: '2023-10-10' });
    await referral('E', 'E', TO);
    await referral('F', 'F', '2024-04-01');
    await referral('G', 'G', '2023-06-01', { closure: TO });
    await referral('H', 'H', '2023-06-01', { closure: '2024-04-01' });
    await referral('Z', 'Z', '2023-09-09', {}, other);

    // Assessments authorised in the period: A (42 working days), B (45, across Christmas), C (46), A again. 3 of 4 within 45.
    await assessment('A0', '2023-02-01', FROM, ['11A']);
    await assessment('B1', '2023-11-20', addWorkingDays('2023-11-20', 45), ['24A', '11A']);
    await assessment('C1', '2023-11-20', addWorkingDays('2023-11-20', 46), ['24A']);
    await assessment('E', '2024-03-01', '2024-04-01', ['11A']);
    await assessment('A1', '2023-06-01', '2023-06-05', ['11A']);
    await assessment('D', '2023-10-10', null);

    // S47 enquiries started in the period: G, H, A, C (4); F's is the day after.
    // Conferences: G on 15 January 2024, 15 working days after 20 December (Christmas, Boxing Day and New Year's Day
    // do not count), named on its S47; H on the 16th working day, on the episode, linked to the S47 of its episode;
    // A's one conference recorded both on the S47 (episode A1) and on the episode A0: counted once, 11 working days
    // across Easter; C's conference precedes C's S47, so it is not linked; H's second conference is after the period.
    const g = await s47('G', '2023-12-20');
    await s47('H', '2023-12-20');
    const a = await s47('A1', '2023-04-03');
    await s47('C1', '2024-03-20');
    await s47('F', '2024-04-01');
    await conference('G', '2024-01-15', g);
    await conference('H', '2024-01-16');
    await conference('A1', '2023-04-20', a);
    await conference('A0', '2023-04-20');
    await conference('C1', '2024-03-15');
    await conference('H', '2024-04-01');

    // CIN plans open on 31 March 2024: A (twice), B (starting that day); C's ended that day.
    await cinPlan('A0', '2023-05-01');
    await cinPlan('A1', '2023-07-01');
    await cinPlan('B1', TO);
    await cinPlan('C1', '2023-05-01', TO);

    // CP plans open on 31 March 2024: G, H, A, B, E (5). Neglect by latest else initial: G, B, E (3).
    // Second or later: H (NumberOfPreviousCPP 1) and A (an earlier plan). Started in the period: G, H, A, C, B, E (6).
    await cpPlan('G', '2024-01-15', null, 'EMO', 'NEG', 0);
    await cpPlan('H', '2024-01-20', null, 'PHY', null, 1);
    await cpPlan('A0', '2022-05-01', '2022-12-01', 'NEG', null);
    await cpPlan('A1', '2023-05-01', null, 'NEG', 'PHY');
    await cpPlan('C1', '2023-06-01', TO, 'NEG', null);
    await cpPlan('B1', '2024-02-29', null, 'NEG', null, 0);
    await cpPlan('E', TO, null, 'NEG', null, 0);
    await cpPlan('F', '2024-04-01', null, 'NEG', null);

    // Looked after on 31 March 2024: A, C (a new episode that day), E, H (no legal status) (4); B and D are short breaks.
    // Started (RNE S) in the period: A, C, H (3).
    await episode('A', FROM, 'S', 'C2');
    await episode('B', TO, 'S', 'V3');
    await episode('C', '2023-05-01', 'S', 'C2', TO);
    await episode('C', TO, 'P', 'C2');
    await episode('D', '2023-03-31', 'S', 'V4');
    await episode('E', '2023-03-31', 'S', 'C1');
    await episode('G', '2024-04-01', 'S', 'C2');
    await episode('H', '2023-12-01', 'S', null);

    // Missing (not away) in the period: A twice, C on the last day (3 episodes, 2 children).
    await missing('A', FROM);
    await missing('A', '2023-05-01');
    await missing('B', '2023-06-01', 'A');
    await missing('C', TO);
    await missing('C', '2024-04-01');
  });
  afterAll(async () => { await t?.close(); });

  const expected: Record<IndicatorCode, IndicatorValue> = {
    contacts: count(3),
    referrals: count(7),
    referrals_nfa: count(1),
    re_referrals: count(2),
    re_referral_rate: part(28.6, 2, 7),
    assessments_completed: count(4),
    assessments_within_45wd_pct: part(75, 3, 4),
    s47_enquiries: count(4),
    icpcs: count(4),
    icpcs_within_15wd_pct: part(66.7, 2, 3),
    cin_open: count(5),
    cin_plans_open: count(2),
    cp_plans_open: count(5),
    cp_plans_open_neglect_pct: part(60, 3, 5),
    cp_plans_open_repeat_pct: part(40, 2, 5),
    cp_plans_started: count(6),
    cla_open: count(4),
    cla_started: count(3),
    missing_episodes: count(3),
    missing_children: count(2),
    cse_children: count(2),
    cce_children: count(2),
    // The population of 2024 is the latest before it: 2022's 30,000 (not the default, nor 2025's).
    referrals_rate_per_10k: part(2.3, 7, 30_000),
    cin_open_rate_per_10k: part(1.7, 5, 30_000),
    cp_plans_open_rate_per_10k: part(1.7, 5, 30_000),
    cla_open_rate_per_10k: part(1.3, 4, 30_000),
  };

  it('computes every indicator exactly as defined', async () => {
    const values = await computeIndicators(t.db, { partnershipId: p, from: FROM, to: TO });
    expect(Object.keys(values).sort()).toEqual([...INDICATOR_CODES].sort());
    for (const code of INDICATOR_CODES) expect({ code, ...values[code] }).toEqual({ code, ...expected[code] });
  });

  it('takes the population of the reference date\'s year, else the latest before, else the default; null percentages on nothing to divide', async () => {
    const later = await computeIndicators(t.db, { partnershipId: p, from: '2025-04-01', to: '2026-03-31' });
    // Still open on 31 March 2026: A1, B1, C1, E and F (opened 2024-04-01); G and H closed. 2025's population.
    expect(later.cin_open).toEqual(count(5));
    expect(later.cin_open_rate_per_10k).toEqual(part(2.5, 5, 20_000));
    expect(later.referrals_rate_per_10k).toEqual(part(0, 0, 20_000));
    expect(later.assessments_within_45wd_pct).toEqual(part(null, 0, 0));
    expect(later.re_referral_rate).toEqual(part(null, 0, 0));
    expect(later.icpcs_within_15wd_pct).toEqual(part(null, 0, 0));
    const earlier = await computeIndicators(t.db, { partnershipId: p, from: '2021-01-01', to: '2021-12-31' });
    expect(earlier.cla_open_rate_per_10k).toEqual(part(0, 0, 50_000));
    expect(earlier.cp_plans_open_neglect_pct).toEqual(part(null, 0, 0));
    const neighbour = await computeIndicators(t.db, { partnershipId: other, from: FROM, to: TO });
    expect(neighbour.contacts).toEqual(count(1));
    expect(neighbour.referrals_rate_per_10k).toEqual(part(null, 1, null));
    expect(neighbour.re_referral_rate).toEqual(part(0, 0, 1));
  });

  it('refuses a period that is not one', async () => {
    await expect(computeIndicators(t.db, { partnershipId: p, from: '2024-04-01', to: '2024-03-31' })).rejects.toThrow(/must not be after/);
    await expect(computeIndicators(t.db, { partnershipId: p, from: '2023-02-30', to: '2024-03-31' })).rejects.toThrow(/real date/);
  });

  it('fills the working day calendar with running counts that skip weekends and bank holidays', async () => {
    await ensureWorkingDays(t.db);
    const before = (await sql<{ n: number }>`select count(*)::int as n from working_day`.execute(t.db)).rows[0]!.n;
    const idx = async (d: string) => (await sql<{ idx: number }>`select idx from working_day where day = ${d}::date`.execute(t.db)).rows[0]!.idx;
    expect(await idx('2024-01-15') - await idx('2023-12-20')).toBe(15);
    expect(await idx('2023-12-27') - await idx('2023-12-22')).toBe(1);
    expect(before).toBeGreaterThan(10_000);
  });

  it('gives a month-by-month trend: counts over each month, open measures at each month\'s end', async () => {
    const referrals = await monthlyTrend(t.db, { partnershipId: p, code: 'referrals', months: 3, to: TO });
    expect(referrals.map((m) => [m.month, m.to, m.value.value])).toEqual([['2024-01', '2024-01-31', 0], ['2024-02', '2024-02-29', 1], ['2024-03', TO, 2]]);
    const open = await monthlyTrend(t.db, { partnershipId: p, code: 'cp_plans_open', months: 3, to: TO });
    // 31 January: A, C, G, H; 29 February: and B; 31 March: E in, C out.
    expect(open.map((m) => m.value.value)).toEqual([4, 5, 5]);
    const midMonth = await monthlyTrend(t.db, { partnershipId: p, code: 'cp_plans_open', months: 2, to: '2024-03-15' });
    expect(midMonth.map((m) => [m.month, m.to, m.value.value])).toEqual([['2024-02', '2024-02-29', 5], ['2024-03', '2024-03-15', 5]]);
    const rate = await monthlyTrend(t.db, { partnershipId: p, code: 'cin_open_rate_per_10k', months: 1, to: TO });
    expect(rate[0]!.value).toEqual(expected.cin_open_rate_per_10k);
  });

  it('counts a child once at each month end however their records overlap or adjoin', async () => {
    const lone = (await t.db.insertInto('partnership').values({ la_code: '899', name: 'Overlaps' }).returning('id').executeTakeFirstOrThrow()).id;
    await child(lone, 'Z');
    // Overlapping, then adjoining (one closes the day the next opens), then a gap, then open.
    await referral('z1', 'Z', '2024-01-05', { closure: '2024-02-20' }, lone);
    await referral('z2', 'Z', '2024-01-20', { closure: '2024-03-10' }, lone);
    await referral('z3', 'Z', '2024-03-10', { closure: '2024-04-15' }, lone);
    await referral('z4', 'Z', '2024-05-02', {}, lone);
    const at = (code: 'cin_open' | 'cla_open') => monthlyTrend(t.db, { partnershipId: lone, code, months: 6, to: '2024-06-30' });
    expect((await at('cin_open')).map((m) => [m.month, m.value.value])).toEqual([
      ['2024-01', 1], ['2024-02', 1], ['2024-03', 1], ['2024-04', 0], ['2024-05', 1], ['2024-06', 1]]);
    for (const [start, end] of [['2024-01-10', '2024-03-01'], ['2024-02-01', null]] as const) {
      await t.db.insertInto('cla_episode').values({ partnership_id: lone, child_id: kids.Z!, start_date: start, end_date: end, reason_new_episode: 'S', legal_status: 'C2' }).execute();
    }
    expect((await at('cla_open')).map((m) => m.value.value)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('gives every indicator\'s trend at once, each month as the indicators of that month', async () => {
    const all = await trendAll(t.db, { partnershipId: p, months: 13, to: TO });
    expect(Object.keys(all).sort()).toEqual([...INDICATOR_CODES].sort());
    const months = trendMonths(13, TO);
    for (const i of [0, 9, 10, 11, 12]) {
      const one = await computeIndicators(t.db, { partnershipId: p, from: months[i]!.from, to: months[i]!.to });
      for (const code of INDICATOR_CODES) expect({ code, month: months[i]!.month, ...all[code][i]!.value }).toEqual({ code, month: months[i]!.month, ...one[code] });
    }
    // Counts over the months add up to the year's (April 2023 to March 2024 are the last twelve).
    const sum = (code: IndicatorCode) => all[code].slice(1).reduce((s, m) => s + m.value.value!, 0);
    for (const code of ['contacts', 'referrals', 'referrals_nfa', 're_referrals', 'assessments_completed', 's47_enquiries', 'icpcs', 'cp_plans_started', 'missing_episodes'] as const) {
      expect({ code, n: sum(code) }).toEqual({ code, n: expected[code].value });
    }
  });

  it('lists the children behind a figure, each once with the latest date', async () => {
    const letters = async (code: IndicatorCode) => (await childrenBehind(t.db, { partnershipId: p, code, from: FROM, to: TO })).map((c) => c.lastName);
    expect(await letters('cin_open')).toEqual(['A', 'B', 'C', 'E', 'H']);
    expect(await letters('re_referral_rate')).toEqual(['A', 'B']);
    expect(await letters('referrals_nfa')).toEqual(['D']);
    expect(await letters('cp_plans_open_neglect_pct')).toEqual(['B', 'E', 'G']);
    expect(await letters('cp_plans_open_repeat_pct')).toEqual(['A', 'H']);
    expect(await letters('cla_open')).toEqual(['A', 'C', 'E', 'H']);
    expect(await letters('cla_started')).toEqual(['A', 'C', 'H']);
    expect(await letters('assessments_within_45wd_pct')).toEqual(['A', 'B']);
    expect(await letters('icpcs_within_15wd_pct')).toEqual(['A', 'G']);
    expect(await letters('cse_children')).toEqual(['A', 'B']);
    expect(await letters('cce_children')).toEqual(['B', 'C']);
    expect(await letters('missing_children')).toEqual(['A', 'C']);
    expect(await letters('cin_plans_open')).toEqual(['A', 'B']);
    expect(await letters('cin_open_rate_per_10k')).toEqual(['A', 'B', 'C', 'E', 'H']);
    const contacts = await childrenBehind(t.db, { partnershipId: p, code: 'contacts', from: FROM, to: TO });
    expect(contacts).toEqual([
      { childId: kids.A, laChildId: 'LA-A', firstName: 'Child', lastName: 'A', date: FROM },
      { childId: kids.B, laChildId: 'LA-B', firstName: 'Child', lastName: 'B', date: TO },
    ]);
    // Every distinct-children figure lists as many children as it counts.
    const values = await computeIndicators(t.db, { partnershipId: p, from: FROM, to: TO });
    for (const code of ['cin_open', 'cin_plans_open', 'cp_plans_open', 'cla_open', 'cla_started', 'missing_children', 'cse_children', 'cce_children'] as const) {
      expect({ code, n: (await letters(code)).length }).toEqual({ code, n: values[code].value });
    }
  });
});
