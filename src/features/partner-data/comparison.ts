/**
 * Period comparisons of partner tables, as indicators.md defines them: the change is current − previous,
 * the % change (current − previous) / previous × 100 to 1 decimal place, half away from zero, null where
 * previous is 0. Both carry their sign as the seed report prints them: `+17`, `-19`, `+12.4%`, `-4.3%`.
 */

export type PartnerRow = { measure: string; current: number; previous: number };
export type ComparedRow = PartnerRow & { change: string; pct_change: string | null };
export type PartnerTable = { table: string; rows: PartnerRow[] };

/** The change in tenths of a percent, rounded half away from zero in whole numbers so no float can tip a half. */
export function pctChangeTenths(current: number, previous: number): number | null {
  if (previous === 0) return null;
  const scaled = Math.abs(current - previous) * 1000;
  const whole = Math.floor(scaled / previous);
  const tenths = 2 * (scaled - whole * previous) >= previous ? whole + 1 : whole;
  return current < previous ? -tenths : tenths;
}

export function formatChange(current: number, previous: number): string {
  return signed(current - previous, String(Math.abs(current - previous)));
}

export function formatPctChange(current: number, previous: number): string | null {
  const tenths = pctChangeTenths(current, previous);
  if (tenths === null) return null;
  return `${signed(tenths, (Math.abs(tenths) / 10).toFixed(1))}%`;
}

function signed(n: number, magnitude: string): string {
  return n > 0 ? `+${magnitude}` : n < 0 ? `-${magnitude}` : magnitude;
}

export function compare(row: PartnerRow): ComparedRow {
  return { ...row, change: formatChange(row.current, row.previous), pct_change: formatPctChange(row.current, row.previous) };
}

/** Where previous is 0 there is no % change: the table says so rather than leaving a gap. */
const NO_PCT = 'n/a';

/**
 * A table as the seed annual report prints it: the table's name heads the measure column, then
 * `| measure | Current | Previous | Chg | % Chg |` rows, figures without separators.
 */
export function markdownTable(table: PartnerTable): string[] {
  return [
    `| ${cell(table.table)} | Current | Previous | Chg | % Chg |`,
    '|---|---------|----------|-----|--------|',
    ...table.rows.map(compare).map((r) => `| ${cell(r.measure)} | ${r.current} | ${r.previous} | ${r.change} | ${r.pct_change ?? NO_PCT} |`),
  ];
}

/** A pipe in a measure's name would split its cell. */
const cell = (text: string) => text.replace(/\|/g, '\\|');
