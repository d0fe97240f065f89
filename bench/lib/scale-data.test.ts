import { describe, expect, it } from 'vitest';
import { ENGLAND, TABLES, generatePartnership, partnershipSpecs, rowCount } from './scale-data';

const TODAY = '2026-11-25';

describe('the national-scale generator', () => {
  it('spreads 150 partnerships\' child populations as England\'s local authorities are, summing to their share of England\'s', () => {
    const specs = partnershipSpecs(150, 1);
    expect(specs).toHaveLength(150);
    const total = specs.reduce((s, p) => s + p.population, 0);
    expect(total).toBeGreaterThan(ENGLAND.childPopulation * (150 / 153) * 0.99);
    expect(total).toBeLessThan(ENGLAND.childPopulation * (150 / 153) * 1.01);
    // Largest first; a shire county is thirty times a small unitary.
    expect(specs[0]!.population).toBeGreaterThan(300_000);
    expect(specs[149]!.population).toBeLessThan(15_000);
    expect(specs.every((p, i) => i === 0 || p.population <= specs[i - 1]!.population)).toBe(true);
    expect(new Set(specs.map((p) => p.laCode)).size).toBe(150);
    expect(Math.min(...specs.map((p) => p.intensity))).toBeGreaterThan(0.4);
    expect(Math.max(...specs.map((p) => p.intensity))).toBeLessThan(2);
    expect(partnershipSpecs(150, 1)).toEqual(specs);
    expect(partnershipSpecs(150, 0.1)[0]!.population).toBe(Math.round(specs[0]!.population / 10));
  });

  it('makes one partnership\'s records at England\'s rates, linked and dated within the window', () => {
    const spec = { index: 7, laCode: '707', name: 'Test', population: 20_000, intensity: 1 };
    const rows = generatePartnership(spec, { today: TODAY, years: 2 });
    expect(generatePartnership(spec, { today: TODAY, years: 2 }).referral.referral_date).toEqual(rows.referral.referral_date);
    const perYear = (n: number) => n / 2 / (spec.population / 10_000);
    expect(perYear(rowCount(rows, 'contact'))).toBeGreaterThan(1800);
    expect(perYear(rowCount(rows, 'contact'))).toBeLessThan(2300);
    // Referrals of the two years, and the episodes still open when they began.
    expect(perYear(rowCount(rows, 'referral'))).toBeGreaterThan(480);
    expect(perYear(rowCount(rows, 'referral'))).toBeLessThan(800);
    const children = new Set(rows.child.id);
    const referrals = new Set(rows.referral.id);
    for (const t of ['contact', 'referral', 'cla_episode', 'missing_episode'] as const) expect(rows[t].child_id.every((c) => children.has(c))).toBe(true);
    for (const t of ['assessment', 's47_enquiry', 'initial_conference', 'cp_plan', 'cin_plan'] as const) expect(rows[t].referral_id.every((r) => referrals.has(r))).toBe(true);
    // The natural keys hold: one referral a child a day, one care episode or missing episode a child a day.
    const unique = (a: string[], b: string[]) => new Set(a.map((x, i) => `${x}|${b[i]}`)).size === a.length;
    expect(unique(rows.referral.child_id, rows.referral.referral_date)).toBe(true);
    expect(unique(rows.cla_episode.child_id, rows.cla_episode.start_date)).toBe(true);
    expect(unique(rows.missing_episode.child_id, rows.missing_episode.start_date)).toBe(true);
    expect(unique(rows.assessment.referral_id, rows.assessment.start_date)).toBe(true);
    expect(rows.contact.contact_date.every((d) => d >= '2024-11-24' && d <= TODAY)).toBe(true);
    expect(rows.referral.closure_date.every((d, i) => d === null || (d >= rows.referral.referral_date[i]! && d >= '2024-11-24' && d <= TODAY))).toBe(true);
    expect(rows.cp_plan.end_date.every((d, i) => d === null || d >= rows.cp_plan.start_date[i]!)).toBe(true);
    // About 7% of referrals end in no further action.
    const nfa = rows.referral.referral_nfa.filter(Boolean).length / rowCount(rows, 'referral');
    expect(nfa).toBeGreaterThan(0.04);
    expect(nfa).toBeLessThan(0.1);
    for (const t of TABLES) expect(rowCount(rows, t)).toBeGreaterThan(0);
  });
});
