import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agencyHistory, cycleComparison, distributionByCycle } from '../../features/section11/comparison.service';
import { CHECKED_DEMO, createDemoTestDb, type DemoTestDb } from '../../testing/demo-db';
import { seedDialects } from '../../testing/test-db';

describe.each(seedDialects())('the demo’s Section 11 (%s)', (dialect) => {
  let t: DemoTestDb;
  let partnershipId: number;
  beforeAll(async () => {
    t = await createDemoTestDb(dialect, CHECKED_DEMO);
    ({ partnershipId } = t.demo);
  });
  afterAll(async () => { await t?.close(); });

  const agencyId = async (name: string) => (await t.db.selectFrom('agency').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;

  it('has the last cycle closed with five returns challenged, and this year’s open with the police’s in, the ICB’s in progress and the school’s not started', async () => {
    const cycles = await t.db.selectFrom('section11_cycle').select(['id', 'name', 'status', 'due_date']).where('partnership_id', '=', partnershipId).orderBy('open_date').execute();
    expect(cycles.map((c) => [c.name, c.status])).toEqual([['2024–25', 'closed'], ['2026–27', 'open']]);
    expect(cycles[1]!.due_date > '2026-11-24').toBe(true);
    const last = await cycleComparison(t.db, partnershipId, cycles[0]!.id);
    expect([last.invited, last.submitted]).toEqual([5, 5]);
    expect(await t.db.selectFrom('section11_comment').select('id').where('partnership_id', '=', partnershipId).execute()).not.toHaveLength(0);
    expect(Object.values(last.cells).some((c) => c.agreed && c.agreed !== c.selfAssessed)).toBe(true);

    const now = await cycleComparison(t.db, partnershipId, cycles[1]!.id);
    const status = Object.fromEntries(now.agencies.map((a) => [a.name, a.status]));
    expect(status).toMatchObject({
      'Northmere and Eastholm Police': 'submitted', 'Northmere Integrated Care Board': 'draft', 'Riverside Academy': 'not_started',
    });
  });

  it('has actions from the standards below good, mostly completed from the last cycle, and scores that improved', async () => {
    const actions = await t.db.selectFrom('action').select(['reference', 'status', 'group_id']).where('partnership_id', '=', partnershipId).where('source', '=', 'section_11').execute();
    expect(actions.length).toBeGreaterThan(10);
    expect(actions.filter((a) => a.reference.startsWith('S11 2024–25')).every((a) => a.status !== 'open')).toBe(true);
    expect(actions.some((a) => a.reference.startsWith('S11 2026–27 Northmere and Eastholm Police 8.'))).toBe(true);
    expect(actions.every((a) => a.group_id !== null)).toBe(true);

    const police = await agencyHistory(t.db, partnershipId, await agencyId('Northmere and Eastholm Police'));
    const [before, after] = police.cycles.map((c) => c.id);
    const good = (cycleId: number) => police.standards.filter((s) => ['3', '4'].includes(s.ratings[cycleId]?.rating ?? '')).length;
    expect(good(after!)).toBeGreaterThan(good(before!));
    const bands = await distributionByCycle(t.db, partnershipId);
    expect(bands.map((b) => b.submitted)).toEqual([5, 2]);
    expect(bands[1]!.goodShare!).toBeGreaterThan(bands[0]!.goodShare!);
  });
});
