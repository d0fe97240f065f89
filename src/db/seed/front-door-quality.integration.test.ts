import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKED_DEMO, createDemoTestDb, type DemoTestDb } from '../../testing/demo-db';
import { seedDialects } from '../../testing/test-db';
import { gradesByMonth, monthLearning, monthSummary } from '../../features/front-door-quality/quality.service';

describe.each(seedDialects())('the demo’s front door quality assurance (%s)', (dialect) => {
  let t: DemoTestDb;
  beforeAll(async () => { t = await createDemoTestDb(dialect, CHECKED_DEMO); });
  afterAll(async () => { await t?.close(); });

  it('has three months of audits: the past two nearly done with grades and learning points, this month under way', async () => {
    const { partnershipId } = t.demo;
    const [september, october, november] = await Promise.all(['2026-09', '2026-10', '2026-11'].map((m) => monthSummary(t.db, partnershipId, m)));
    for (const past of [september!, october!]) {
      const manager = past.find((s) => s.kind === 'manager')!;
      expect(manager.scheduled).toBe(9);
      expect(manager.completed).toBeGreaterThanOrEqual(7);
    }
    const now = november!.find((s) => s.kind === 'manager')!;
    expect(now.completed).toBeGreaterThan(0);
    expect(now.completed).toBeLessThan(now.scheduled);
    const grades = await gradesByMonth(t.db, partnershipId, '2026-11');
    expect(grades.slice(-3).every((g) => g.total > 0)).toBe(true);
    expect((await monthLearning(t.db, partnershipId, '2026-10')).length).toBeGreaterThan(0);
  });
});
