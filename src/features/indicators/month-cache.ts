import { sql } from 'kysely';
import type { Db } from '../../db/create-db';

/**
 * Each past calendar month's raw figures, kept in `indicator_month` so that a trend or a year is mostly
 * read rather than worked out from every record. Triggers on the counted records note in
 * `indicator_stale` the earliest date a change may alter (see the migration); before reading, the months
 * from that date are dropped and worked out again. Only months already over by the database's date are
 * kept, which is what lets the triggers ignore the day's ordinary work.
 */

export type MonthFigures = Record<string, number>;

const monthEnd = (first: string) => {
  const d = new Date(`${first}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1, 0);
  return d.toISOString().slice(0, 10);
};

/**
 * The figures of those `months` (each given by its first day) that are over, read from the cache or
 * computed by `compute` and kept. Months not yet over are left out: the caller works them out itself.
 * `version` names the definitions; figures of any other version are dropped.
 */
export async function pastMonths(db: Db, partnershipId: number, months: string[], version: string,
  compute: (months: string[]) => Promise<MonthFigures[]>): Promise<Map<string, MonthFigures>> {
  const out = new Map<string, MonthFigures>();
  if (months.length === 0) return out;
  const { today, kept } = await db.transaction().execute(async (tx) => {
    const { rows: [stale] } = await sql<{ since: string | null; today: string }>`
      with noted as (delete from indicator_stale where partnership_id = ${partnershipId} returning since)
      select (select min(since) from noted)::text as since, current_date::text as today`.execute(tx);
    await sql`delete from indicator_month where partnership_id = ${partnershipId}
      and (version <> ${version} ${stale!.since ? sql`or month >= date_trunc('month', ${stale!.since}::date)` : sql``})`.execute(tx);
    const { rows } = await sql<{ month: string; figures: MonthFigures }>`
      select month::text as month, figures from indicator_month
      where partnership_id = ${partnershipId} and month = any(${months}::date[])`.execute(tx);
    return { today: stale!.today, kept: rows };
  });
  for (const row of kept) out.set(row.month, row.figures);
  const missing = [...new Set(months)].filter((m) => !out.has(m) && monthEnd(m) < today);
  if (missing.length === 0) return out;
  const figures = await compute(missing);
  missing.forEach((m, i) => out.set(m, figures[i]!));
  // A change noted while these were worked out stays noted, and drops them at the next read.
  await sql`insert into indicator_month (partnership_id, month, version, figures)
    select ${partnershipId}, u.m::date, ${version}, u.f::jsonb
    from unnest(${missing}::text[], ${figures.map((f) => JSON.stringify(f))}::text[]) as u(m, f)
    on conflict (partnership_id, month) do update set version = excluded.version, figures = excluded.figures, computed_at = now()`.execute(db);
  return out;
}

/** Drops every partnership's kept months: for a change no trigger sees, such as the working day calendar. */
export async function forgetAllMonths(db: Db): Promise<void> {
  await sql`delete from indicator_month`.execute(db);
}
