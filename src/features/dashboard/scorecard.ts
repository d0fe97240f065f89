import type { Db } from '../../db/create-db';
import { INDICATOR_CODES, type IndicatorCode, type IndicatorKind, type IndicatorValue, type IndicatorValues, type Period } from '../indicators/indicator-codes';
import { computeIndicators, trendAll, type TrendPoint } from '../indicators/indicators.service';
import { ENGLAND, type Comparator } from './comparators';
import { INDICATOR_LABELS, formatValue } from './labels';
import { periodOf, previousOf, type LabelledPeriod, type PeriodChoice } from './periods';
import { rate, type Rag, type RagRule } from './rag';
import { settingsOf, type IndicatorSetting } from './rag-rules.repository';

/**
 * The scorecard: every indicator for the chosen period beside the period before, its rating, the
 * comparators and its last 24 months. Aggregates only: nothing here names a child.
 */

export const SPARKLINE_MONTHS = 24;

export type ScorecardRow = {
  code: IndicatorCode;
  label: string;
  counts: string;
  kind: IndicatorKind;
  current: IndicatorValue;
  previous: IndicatorValue;
  /** current - previous, to 1 decimal place for percentages and rates; null when either is missing. */
  change: number | null;
  rule: RagRule;
  ruleIsDefault: boolean;
  rag: Rag | null;
  england: Comparator | null;
  neighbour: number | null;
  trend: { month: string; value: number | null }[];
  /** The trend drawn as inline SVG; empty without a trend. */
  sparkline: string;
};

export type Scorecard = { period: LabelledPeriod; previousPeriod: LabelledPeriod; rows: ScorecardRow[] };

const round1 = (n: number) => Math.round(n * 10) / 10;

/** The computed figures behind a scorecard: the two periods' values and, for the page, each indicator's months. */
export type Figures = { current: IndicatorValues; previous: IndicatorValues; trend: Record<IndicatorCode, TrendPoint[]> | null };
export type FiguresSource = (db: Db, partnershipId: number, period: Period, previousPeriod: Period, withTrend: boolean) => Promise<Figures>;

export const computeFigures: FiguresSource = async (db, partnershipId, period, previousPeriod, withTrend) => {
  const [current, previous, trend] = await Promise.all([
    computeIndicators(db, { partnershipId, from: period.from, to: period.to }),
    computeIndicators(db, { partnershipId, from: previousPeriod.from, to: previousPeriod.to }),
    withTrend ? trendAll(db, { partnershipId, months: SPARKLINE_MONTHS, to: period.to }) : null,
  ]);
  return { current, previous, trend };
};

/**
 * Figures kept for a short while, and one computation shared by requests that arrive together: the same
 * scorecard is read by many people at once (a partnership board, a morning's first look), and working
 * out 26 indicators over 24 months each time is the page's whole cost. Figures are fresh for `ttlMs`;
 * for `staleMs` after that they are still served, while one recomputation per key runs in the background,
 * so that under steady use no request waits for one; older than that they are worked out while the
 * request waits, as the first time. A failed computation is never kept. Ratings and comparators are
 * always read fresh.
 */
export function cachedFigures(opts: { ttlMs: number; staleMs?: number; maxEntries?: number; source?: FiguresSource; now?: () => number }): FiguresSource {
  const { ttlMs, staleMs = ttlMs, maxEntries = 200, source = computeFigures, now = () => performance.now() } = opts;
  type Entry = { at: number; figures: Promise<Figures>; settled: boolean; refreshing: boolean };
  const cache = new Map<string, Entry>();
  const keep = (key: string, entry: Entry) => {
    cache.delete(key);
    cache.set(key, entry);
    if (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
  };
  return (db, partnershipId, period, previousPeriod, withTrend) => {
    const key = `${partnershipId}|${period.from}|${period.to}|${previousPeriod.from}|${withTrend}`;
    const compute = () => source(db, partnershipId, period, previousPeriod, withTrend);
    const hit = cache.get(key);
    const age = hit ? now() - hit.at : Infinity;
    // Fresh, or still being worked out: shared.
    if (hit && (age < ttlMs || !hit.settled)) return hit.figures;
    if (hit && age < ttlMs + staleMs) {
      if (!hit.refreshing) {
        hit.refreshing = true;
        // Dated from the start: the figures are as old as the data they were read from.
        const at = now();
        compute().then(
          (figures) => { if (cache.get(key) === hit) keep(key, { at, figures: Promise.resolve(figures), settled: true, refreshing: false }); },
          // Not kept: the old figures stay, and the next request tries again.
          () => { hit.refreshing = false; },
        );
      }
      return hit.figures;
    }
    const entry: Entry = { at: now(), figures: compute(), settled: false, refreshing: false };
    keep(key, entry);
    entry.figures.then(() => { entry.settled = true; }, () => { if (cache.get(key) === entry) cache.delete(key); });
    return entry.figures;
  };
}

export async function buildScorecard(db: Db, partnershipId: number, choice: PeriodChoice, opts: { trend?: boolean; figures?: FiguresSource } = {}): Promise<Scorecard> {
  const period = periodOf(choice);
  const previousPeriod = periodOf(previousOf(choice));
  const [{ current, previous, trend }, settings] = await Promise.all([
    (opts.figures ?? computeFigures)(db, partnershipId, period, previousPeriod, opts.trend !== false),
    settingsOf(db, partnershipId, INDICATOR_CODES),
  ]);
  return { period, previousPeriod, rows: INDICATOR_CODES.map((code) => rowOf(code, current, previous, trend, settings[code])) };
}

function rowOf(code: IndicatorCode, current: IndicatorValues, previous: IndicatorValues, trend: Record<IndicatorCode, TrendPoint[]> | null, setting: IndicatorSetting): ScorecardRow {
  const { label, counts, kind } = INDICATOR_LABELS[code];
  const now = current[code].value;
  const before = previous[code].value;
  return {
    code, label, counts, kind,
    current: current[code],
    previous: previous[code],
    change: now === null || before === null ? null : kind === 'count' ? now - before : round1(now - before),
    rule: setting.rule,
    ruleIsDefault: setting.isDefault,
    rag: rate(setting.rule, now, before),
    england: ENGLAND[code] ?? null,
    neighbour: setting.neighbour,
    ...(trend ? drawnOf(trend, code) : { trend: [], sparkline: '' }),
  };
}

/**
 * An indicator's months and sparkline, made once for each computation of the figures: cached figures
 * hand every request the same trend until they are worked out again, and drawing 26 sparklines was a
 * good part of the page's own work.
 */
type Drawn = Pick<ScorecardRow, 'trend' | 'sparkline'>;
const drawn = new WeakMap<Record<IndicatorCode, TrendPoint[]>, Partial<Record<IndicatorCode, Drawn>>>();
function drawnOf(trend: Record<IndicatorCode, TrendPoint[]>, code: IndicatorCode): Drawn {
  let byCode = drawn.get(trend);
  if (!byCode) drawn.set(trend, byCode = {});
  let out = byCode[code];
  if (!out) {
    const { label, kind } = INDICATOR_LABELS[code];
    const months = trend[code].map((p) => ({ month: p.month, value: p.value.value }));
    out = byCode[code] = { trend: months, sparkline: sparkline(label, months, kind) };
  }
  return out;
}

/** The rule in words, for the Target column: "90% or more (amber down to 80%)". */
export function describeRule(rule: RagRule, kind: IndicatorKind): string {
  if (rule.method === 'none') return '';
  const better = rule.polarity === 'higher' ? 'higher' : 'lower';
  if (rule.method === 'direction') return `Improving (${better} is better)`;
  const edge = rule.polarity === 'higher' ? rule.target - rule.tolerance : rule.target + rule.tolerance;
  const or = rule.polarity === 'higher' ? 'or more' : 'or less';
  return rule.tolerance > 0
    ? `${formatValue(rule.target, kind)} ${or} (amber ${rule.polarity === 'higher' ? 'down' : 'up'} to ${formatValue(edge, kind)})`
    : `${formatValue(rule.target, kind)} ${or}`;
}

const monthFormat = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const monthName = (month: string) => monthFormat.format(new Date(`${month}-01T00:00:00Z`));

/**
 * A sparkline as inline SVG: one polyline per unbroken run of months (a month with no value breaks the
 * line), drawn by hand because the page draws 26 of them and must stay fast. The picture is decorative
 * to the eye only; its label gives a screen reader the first and last values.
 */
export function sparkline(label: string, trend: { month: string; value: number | null }[], kind: IndicatorKind): string {
  const W = 120; const H = 28; const PAD = 2;
  const known = trend.filter((p) => p.value !== null).map((p) => p.value!);
  const first = trend.find((p) => p.value !== null);
  const last = [...trend].reverse().find((p) => p.value !== null);
  const aria = first && last
    ? `${label}, ${trend.length} months: ${formatValue(first.value, kind)} in ${monthName(first.month)}, ${formatValue(last.value, kind)} in ${monthName(last.month)}`
    : `${label}: no values in the last ${trend.length} months`;
  const min = Math.min(...known);
  const max = Math.max(...known);
  const x = (i: number) => PAD + (trend.length > 1 ? (i * (W - 2 * PAD)) / (trend.length - 1) : (W - 2 * PAD) / 2);
  // A flat series is drawn along the middle.
  const y = (v: number) => (max === min ? H / 2 : PAD + ((max - v) * (H - 2 * PAD)) / (max - min));
  const runs: string[][] = [];
  let run: string[] = [];
  trend.forEach((p, i) => {
    if (p.value === null) { if (run.length) runs.push(run); run = []; return; }
    run.push(`${x(i).toFixed(1)},${y(p.value).toFixed(1)}`);
  });
  if (run.length) runs.push(run);
  const lines = runs.map((r) => (r.length === 1
    ? `<circle cx="${r[0]!.split(',')[0]}" cy="${r[0]!.split(',')[1]}" r="1.5" fill="currentColor"/>`
    : `<polyline points="${r.join(' ')}"/>`)).join('');
  return `<svg class="beacon-sparkline" role="img" aria-label="${escapeAttr(aria)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" focusable="false" fill="none" stroke="currentColor" stroke-width="1.5">${lines}</svg>`;
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
