import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../db/seed/demo';
import { createTestDb, dialects, type TestDb } from '../../testing/test-db';
import type { Period } from './indicator-codes';
import { computeIndicators, periodsAndTrend, trendAll } from './indicators.service';

/**
 * The kept months must never change a figure: every figure read through them equals the same figure
 * counted straight from the records, for periods cut at any day, and after changes of every kind to
 * months already over. The demo partnership's records (dated relative to today) are the data.
 */

const today = new Date().toISOString().slice(0, 10);
const monthsAgo = (n: number, day = 15) => {
  const d = new Date(`${today.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - n, day);
  return d.toISOString().slice(0, 10);
};

describe.each(dialects())('indicators from kept months (%s)', (dialect) => {
  let t: TestDb;
  let p: number;

  beforeAll(async () => {
    t = await createTestDb(dialect);
    p = (await seedDemo(t.db, { children: 150, today })).partnershipId;
  });
  afterAll(async () => { await t.close(); });

  const trendAgrees = async () => {
    const kept = await trendAll(t.db, { partnershipId: p, months: 24, to: today });
    expect(kept).toEqual(await trendAll(t.db, { partnershipId: p, months: 24, to: today }, { fromMonths: false }));
    return kept;
  };
  const staleNotes = async () => (await sql<{ since: string }>`select since::text as since from indicator_stale where partnership_id = ${p} order by id`.execute(t.db)).rows.map((r) => r.since);
  const keptMonths = async () => Number((await sql<{ n: number }>`select count(*)::int as n from indicator_month where partnership_id = ${p}`.execute(t.db)).rows[0]!.n);

  it('gives the figures counted from the records, for periods cut at any day', async () => {
    const periods: Period[] = [
      { from: monthsAgo(12, 1), to: monthsAgo(0, 0) }, // twelve whole months (day 0: the last day of the month before)
      { from: monthsAgo(12, 25), to: today }, // rolling, cut inside its first and last months
      { from: monthsAgo(30, 10), to: monthsAgo(18, 20) },
      { from: monthsAgo(3, 2), to: monthsAgo(3, 27) }, // inside one month
      { from: monthsAgo(40, 1), to: monthsAgo(2, 15) },
    ];
    for (const period of periods) {
      const kept = await computeIndicators(t.db, { partnershipId: p, ...period });
      expect(kept, `${period.from} to ${period.to}`).toEqual(await computeIndicators(t.db, { partnershipId: p, ...period }, { fromMonths: false }));
    }
    // The months were kept, and a second reading of them gives the same.
    expect(await keptMonths()).toBeGreaterThan(30);
    const rolling = periods[1]!;
    const again = await computeIndicators(t.db, { partnershipId: p, ...rolling });
    expect(again).toEqual(await computeIndicators(t.db, { partnershipId: p, ...rolling }, { fromMonths: false }));
    // The scorecard's one pass agrees with its parts.
    const both = await periodsAndTrend(t.db, { partnershipId: p, periods: [rolling, periods[0]!], months: 24, to: today });
    expect(both.periods[0]).toEqual(again);
    expect(both.trend).toEqual(await trendAlls());
  });
  const trendAlls = () => trendAll(t.db, { partnershipId: p, months: 24, to: today }, { fromMonths: false });

  it('counts a month again after any change to its records, and only from the date changed', async () => {
    await trendAgrees();
    const child = (await t.db.selectFrom('child').select('id').where('partnership_id', '=', p).orderBy('la_child_id').executeTakeFirstOrThrow()).id;

    // A contact recorded late, for a month already over.
    const before = await trendAgrees();
    await t.db.insertInto('contact').values({ partnership_id: p, child_id: child, contact_date: monthsAgo(5, 3) }).execute();
    expect(await staleNotes()).toEqual([monthsAgo(5, 3)]);
    const after = await trendAgrees();
    expect(after.contacts[18]!.value.value).toBe(before.contacts[18]!.value.value! + 1);
    expect(await staleNotes()).toEqual([]);

    // A referral closed on a different day: only the earlier of the two closure dates is noted.
    const closed = await t.db.selectFrom('referral').select(['id', 'closure_date']).where('partnership_id', '=', p)
      .where('closure_date', '>=', monthsAgo(10, 1)).where('closure_date', '<', monthsAgo(2, 1)).orderBy('id').executeTakeFirstOrThrow();
    await sql`update referral set closure_date = closure_date + 40 where id = ${closed.id}`.execute(t.db);
    expect(await staleNotes()).toEqual([closed.closure_date]);
    await trendAgrees();

    // A plan deleted; an episode's legal status changed to one that is not counted.
    const plan = await t.db.selectFrom('cp_plan').select(['id', 'start_date']).where('partnership_id', '=', p).where('start_date', '>=', monthsAgo(20)).where('start_date', '<', monthsAgo(1, 1)).orderBy('id').executeTakeFirstOrThrow();
    await t.db.deleteFrom('cp_plan').where('id', '=', plan.id).execute();
    const episode = await t.db.selectFrom('cla_episode').select(['id', 'start_date']).where('partnership_id', '=', p)
      .where('start_date', '>=', monthsAgo(20)).where('start_date', '<', monthsAgo(1, 1))
      .where((eb) => eb.or([eb('legal_status', 'is', null), eb('legal_status', '<>', 'V3')])).orderBy('id').executeTakeFirstOrThrow();
    await t.db.updateTable('cla_episode').set({ legal_status: 'V3' }).where('id', '=', episode.id).execute();
    expect(await staleNotes()).toEqual([plan.start_date, episode.start_date]);
    await trendAgrees();

    // A referral moved to another child may move figures anywhere in time.
    const moved = await t.db.selectFrom('referral').select('id').where('partnership_id', '=', p).where('child_id', '<>', child).orderBy('id').executeTakeFirstOrThrow();
    await t.db.updateTable('referral').set({ child_id: child }).where('id', '=', moved.id).execute();
    expect(await staleNotes()).toEqual(['-infinity']);
    await trendAgrees();
  });

  it("notes nothing for the day's own work, nor for a change that alters no counted property", async () => {
    await trendAgrees();
    const child = (await t.db.selectFrom('child').select('id').where('partnership_id', '=', p).orderBy('la_child_id').executeTakeFirstOrThrow()).id;
    await t.db.insertInto('contact').values({ partnership_id: p, child_id: child, contact_date: today }).execute();
    await sql`update referral set primary_need = 'N2' where partnership_id = ${p}`.execute(t.db);
    expect(await staleNotes()).toEqual([]);
  });

  it('never reads months kept by other definitions', async () => {
    await trendAgrees();
    await sql`update indicator_month set version = 'older', figures = '{"contacts": 99999}' where partnership_id = ${p}`.execute(t.db);
    const trend = await trendAgrees();
    expect(trend.contacts.every((m) => m.value.value! < 99999)).toBe(true);
  });
});
