import { describe, expect, it } from 'vitest';
import { generateChildren } from './generator';
import { generateJourneys } from './journeys';

describe('synthetic journeys', () => {
  const today = '2026-11-24';
  const children = generateChildren({ count: 3000, seed: 3, laCode: '990', today }).map((c, i) => ({ ...c, id: `child-${i}` }));
  const j = generateJourneys(children, { seed: 5, today });
  const ids = (rows: { id: string }[]) => new Set(rows.map((r) => r.id));

  it('links every record to a parent that exists', () => {
    const childIds = ids(children);
    const referrals = ids(j.referral);
    const plans = ids(j.cp_plan);
    for (const r of j.referral) expect(childIds.has(r.child_id as string)).toBe(true);
    for (const t of ['assessment', 'strategy_discussion', 's47_enquiry', 'initial_conference', 'cp_plan', 'cin_plan'] as const) {
      for (const r of j[t]) expect(referrals.has(r.referral_id as string)).toBe(true);
    }
    for (const t of ['cp_plan_review', 'cp_core_group', 'cp_visit'] as const) for (const r of j[t]) expect(plans.has(r.cp_plan_id as string)).toBe(true);
  });

  it('keeps dates in order and nothing in the future', () => {
    for (const r of j.referral) if (r.closure_date) expect((r.closure_date as string) >= (r.referral_date as string)).toBe(true);
    for (const a of j.assessment) if (a.authorisation_date) expect((a.authorisation_date as string) >= (a.start_date as string)).toBe(true);
    for (const t of ['referral', 'cp_plan', 'cla_episode', 'missing_episode'] as const) {
      for (const r of j[t]) expect((r.referral_date ?? r.start_date) as string <= today).toBe(true);
    }
  });

  it('has the mix a dashboard needs: late assessments, plans, care, repeat missing', () => {
    const late = j.assessment.filter((a) => a.authorisation_date && (Date.parse(a.authorisation_date as string) - Date.parse(a.start_date as string)) / 86_400_000 > 63);
    expect(late.length).toBeGreaterThan(20);
    expect(j.cp_plan.length).toBeGreaterThan(50);
    expect(j.cin_plan.length).toBeGreaterThan(50);
    expect(j.cla_episode.length).toBeGreaterThan(100);
    const missingByChild = new Map<string, number>();
    for (const m of j.missing_episode) missingByChild.set(m.child_id as string, (missingByChild.get(m.child_id as string) ?? 0) + 1);
    expect([...missingByChild.values()].filter((n) => n >= 3).length).toBeGreaterThan(10);
    expect(j.exploitation_assessment.length).toBeGreaterThan(20);
  });

  it('is the same for the same seed', () => {
    expect(generateJourneys(children.slice(0, 200), { seed: 5, today })).toEqual(generateJourneys(children.slice(0, 200), { seed: 5, today }));
  });
});
