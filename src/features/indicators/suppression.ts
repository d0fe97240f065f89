/**
 * Small numbers in published outputs (indicators.md): counts from 1 to the threshold (5) inclusive are
 * shown as the symbol (`c`), and a second cell is hidden wherever a hidden one could be worked out from
 * a total, or from a figure derived from it (a percentage from its numerator). Pure functions: the
 * caller says which cells add up to which, and which are derived from which.
 */
import { INDICATOR_CODES, type IndicatorCode, type IndicatorValues } from './indicator-codes';

export type SuppressionSettings = { threshold: number; symbol: string };
export const DEFAULT_SUPPRESSION: SuppressionSettings = Object.freeze({ threshold: 5, symbol: 'c' });

export type Cell = number | null;
export type Published = number | string | null;

/** Parts that add up to a total: knowing all but one of them gives the last. */
export type SumGroup = { parts: number[]; total?: number };
/** A figure computed from others (a percentage from its numerator and denominator): hidden when any of them is. */
export type Derived = { cell: number; from: number[] };

export function isSmall(value: Cell, settings: SuppressionSettings = DEFAULT_SUPPRESSION): boolean {
  return value !== null && value >= 1 && value <= settings.threshold;
}

/**
 * The cells as published. Primary: every small count. Secondary, until nothing changes: in a sum group
 * with exactly one hidden cell, the smallest other non-zero cell is hidden too (a part before the total);
 * a derived figure is hidden when any cell it comes from is. `counts` says which cells are counts (by
 * default all but derived ones); a percentage is never itself a small count.
 */
export function suppress(cells: readonly Cell[], opts: { groups?: SumGroup[]; derived?: Derived[]; counts?: number[]; settings?: SuppressionSettings } = {}): Published[] {
  const settings = opts.settings ?? DEFAULT_SUPPRESSION;
  const groups = opts.groups ?? [];
  const derived = opts.derived ?? [];
  const derivedCells = new Set(derived.map((d) => d.cell));
  const counts = new Set(opts.counts ?? cells.map((_, i) => i).filter((i) => !derivedCells.has(i)));
  const hidden = cells.map((v, i) => counts.has(i) && isSmall(v, settings));
  for (let changed = true; changed;) {
    changed = false;
    for (const g of groups) {
      const members = g.total === undefined ? g.parts : [...g.parts, g.total];
      if (members.filter((i) => hidden[i]).length !== 1) continue;
      // Hiding a zero reveals nothing new (it was known to add nothing); take the smallest figure that does.
      const candidates = members.filter((i) => !hidden[i] && cells[i] !== null && cells[i]! > 0)
        .sort((a, b) => Number(a === g.total) - Number(b === g.total) || cells[a]! - cells[b]! || a - b);
      if (candidates.length === 0) continue;
      hidden[candidates[0]!] = true;
      changed = true;
    }
    for (const d of derived) {
      if (!hidden[d.cell] && d.from.some((i) => hidden[i])) {
        hidden[d.cell] = true;
        changed = true;
      }
    }
  }
  return cells.map((v, i) => (hidden[i] ? settings.symbol : v));
}

/**
 * A table of counts whose last column holds each row's total and/or whose last row holds each column's
 * total, as published: every row and column with its total is a sum group.
 */
export function suppressTable(rows: readonly (readonly Cell[])[], opts: { rowTotals?: boolean; columnTotals?: boolean; settings?: SuppressionSettings } = {}): Published[][] {
  const width = rows[0]?.length ?? 0;
  const cells = rows.flat();
  const at = (r: number, c: number) => r * width + c;
  const groups: SumGroup[] = [];
  const lastRow = rows.length - 1;
  const lastCol = width - 1;
  if (opts.rowTotals) {
    for (let r = 0; r < rows.length; r++) {
      groups.push({ parts: Array.from({ length: lastCol }, (_, c) => at(r, c)), total: at(r, lastCol) });
    }
  }
  if (opts.columnTotals) {
    for (let c = 0; c < width; c++) {
      groups.push({ parts: Array.from({ length: lastRow }, (_, r) => at(r, c)), total: at(lastRow, c) });
    }
  }
  const out = suppress(cells, { groups, settings: opts.settings });
  return rows.map((_, r) => out.slice(r * width, (r + 1) * width));
}

export type PublishedValue = { value: Published; numerator: Published; denominator: Published };
export type PublishedIndicators = Record<IndicatorCode, PublishedValue>;

/**
 * The indicators of one period as published. Each count, numerator and denominator is a count cell (a
 * population is one too, never small in practice); each value with a denominator is derived from its
 * numerator and denominator (the value times the denominator gives the numerator back). A count that is
 * also another code's numerator is the same cell under both, so it is hidden in both places; and the
 * parts of referrals (NFA and not) are a pair with referrals as the total.
 */
export function suppressIndicators(values: IndicatorValues, settings: SuppressionSettings = DEFAULT_SUPPRESSION): PublishedIndicators {
  const cells: Cell[] = [];
  const index = new Map<string, number>();
  const derived: Derived[] = [];
  const counts: number[] = [];
  const cell = (key: string, v: Cell, isCount: boolean) => {
    const known = index.get(key);
    if (known !== undefined) return known;
    cells.push(v);
    index.set(key, cells.length - 1);
    if (isCount) counts.push(cells.length - 1);
    return cells.length - 1;
  };
  // The same figure under several codes shares one cell: re_referrals is re_referral_rate's numerator.
  const figureKey = (code: IndicatorCode, part: 'numerator' | 'denominator') => {
    const same = RATIOS[code]?.[part];
    return same ? `${same}.value` : `${code}.${part}`;
  };
  const layout = new Map<IndicatorCode, { value: number; numerator: number; denominator: number | null }>();
  for (const code of INDICATOR_CODES) {
    const v = values[code];
    if (!(code in RATIOS)) {
      const c = cell(`${code}.value`, v.value, true);
      layout.set(code, { value: c, numerator: c, denominator: null });
    }
  }
  for (const code of INDICATOR_CODES) {
    if (layout.has(code)) continue;
    const v = values[code];
    const numerator = cell(figureKey(code, 'numerator'), v.numerator, true);
    const denominator = cell(figureKey(code, 'denominator'), v.denominator, true);
    const value = cell(`${code}.value`, v.value, false);
    derived.push({ cell: value, from: [numerator, denominator] });
    layout.set(code, { value, numerator, denominator });
  }
  // No two published counts add up to a third (referrals not NFA, plans not for neglect are not
  // published), so the only way back to a hidden count is through a ratio: the derived rule.
  const out = suppress(cells, { derived, counts, settings });
  return Object.fromEntries(INDICATOR_CODES.map((code) => {
    const l = layout.get(code)!;
    const v = values[code];
    const shown = (i: number | null, own: Cell): Published => (i !== null && out[i] === settings.symbol ? settings.symbol : own);
    return [code, { value: shown(l.value, v.value), numerator: shown(l.numerator, v.numerator), denominator: shown(l.denominator, v.denominator) }];
  })) as PublishedIndicators;
}

/** The ratios, and which published count codes their numerator and denominator are (where they are one). */
const RATIOS: Partial<Record<IndicatorCode, { numerator?: IndicatorCode; denominator?: IndicatorCode }>> = {
  re_referral_rate: { numerator: 're_referrals', denominator: 'referrals' },
  assessments_within_45wd_pct: { denominator: 'assessments_completed' },
  icpcs_within_15wd_pct: {},
  cp_plans_open_neglect_pct: { denominator: 'cp_plans_open' },
  cp_plans_open_repeat_pct: { denominator: 'cp_plans_open' },
  referrals_rate_per_10k: { numerator: 'referrals' },
  cin_open_rate_per_10k: { numerator: 'cin_open' },
  cp_plans_open_rate_per_10k: { numerator: 'cp_plans_open' },
  cla_open_rate_per_10k: { numerator: 'cla_open' },
};
