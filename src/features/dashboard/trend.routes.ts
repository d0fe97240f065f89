import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/deps';
import { NotFound } from '../../platform/errors';
import { formErrors } from '../../platform/forms';
import { scopesOf } from '../../platform/permissions';
import { INDICATOR_CODES, isIndicatorCode, type IndicatorCode, type IndicatorKind, type IndicatorValue, type IndicatorValues } from '../indicators/indicator-codes';
import { childrenBehind, computeIndicators, monthlyTrend, ratio } from '../indicators/indicators.service';
import { monthName, trendChartSvg } from './chart';
import { INDICATOR_LABELS, formatValue } from './labels';
import { financialYearOf, periodOf, periodQuery, realDate, type LabelledPeriod, type PeriodChoice } from './periods';

const TREND_MONTHS = 24;
const PAGE = 50;
const KINDS = [
  { value: 'rolling', text: '12 months to the date' },
  { value: 'fy', text: 'Financial year that includes the date' },
  { value: 'quarter', text: 'Quarter that includes the date' },
  { value: 'month', text: 'Month that includes the date' },
] as const;

type FieldError = { field: string; message: string };
type Query = Record<string, string | undefined>;

/**
 * The period a link or the chooser names: `period=fy|rolling|quarter|month&to=YYYY-MM-DD`, as the
 * scorecard links here. `to` picks the period that includes it (the financial year, the financial-year
 * quarter, the month) or ends the 12 months; the chooser sends it as day, month and year fields instead.
 * Nothing given is the 12 months to today.
 */
export function trendPeriod(q: Query, today: string): { choice: PeriodChoice; errors: FieldError[] } {
  const fallback: PeriodChoice = { kind: 'rolling', to: today };
  const kind = q.period?.trim() || 'rolling';
  if (!KINDS.some((k) => k.value === kind)) return { choice: fallback, errors: [{ field: 'period', message: 'Select the period to show' }] };
  const parts = ['to-day', 'to-month', 'to-year'].map((k) => q[k]?.trim() ?? '');
  let to: string | null = today;
  if (q.to?.trim()) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(q.to.trim());
    to = m ? realDate(Number(m[1]), Number(m[2]), Number(m[3])) : null;
  } else if (parts.some(Boolean)) {
    const [d, mo, y] = parts as [string, string, string];
    to = /^\d{1,2}$/.test(d) && /^\d{1,2}$/.test(mo) && /^\d{4}$/.test(y) ? realDate(Number(y), Number(mo), Number(d)) : null;
  }
  if (to === null) return { choice: fallback, errors: [{ field: 'to', message: 'The date must be a real date, like 31 3 2025' }] };
  if (to > today) return { choice: fallback, errors: [{ field: 'to', message: 'The date must be today or in the past' }] };
  if (to < '2000-01-01') return { choice: fallback, errors: [{ field: 'to', message: 'The date must be after 1 January 2000' }] };
  const year = financialYearOf(to);
  const month = Number(to.slice(5, 7));
  switch (kind) {
    case 'fy': return { choice: { kind, year }, errors: [] };
    case 'quarter': return { choice: { kind, year, quarter: (month >= 4 ? Math.floor((month - 4) / 3) + 1 : 4) as 1 | 2 | 3 | 4 }, errors: [] };
    case 'month': return { choice: { kind, year: Number(to.slice(0, 4)), month }, errors: [] };
    default: return { choice: { kind: 'rolling', to }, errors: [] };
  }
}

/** What the chooser shows and every link on these pages carries: the kind and the period's last day. */
export function periodView(choice: PeriodChoice, period: LabelledPeriod, q: Query, errors: FieldError[]) {
  const [y, m, d] = (errors.length ? ['', '', ''] : period.to.split('-').map(Number).map(String)) as string[];
  return {
    kinds: KINDS.map((k) => ({ ...k, selected: k.value === (errors.length ? q.period : choice.kind) })),
    day: errors.length ? q['to-day'] ?? '' : d, month: errors.length ? q['to-month'] ?? '' : m, year: errors.length ? q['to-year'] ?? '' : y,
    query: new URLSearchParams({ period: choice.kind, to: period.to }).toString(),
    scorecardQuery: periodQuery(choice),
    errors: errors.length ? formErrors(errors, { to: 'to-day' }) : undefined,
  };
}

/**
 * The total of one indicator across partnerships: counts add up; a percentage or rate is worked out
 * again from the summed numerators and denominators (averaging the partnerships' figures would weigh
 * a small area as much as a large one). A rate is unknown if any partnership's population is.
 */
export function totalOf(values: IndicatorValue[], kind: IndicatorKind): IndicatorValue {
  const sum = (xs: (number | null)[]) => xs.reduce<number>((a, b) => a + (b ?? 0), 0);
  const numerator = sum(values.map((v) => v.numerator));
  if (kind === 'count') return { value: numerator, numerator, denominator: null };
  if (kind === 'rate_per_10k' && values.some((v) => v.denominator === null)) return { value: null, numerator, denominator: null };
  const denominator = sum(values.map((v) => v.denominator));
  return { value: ratio(numerator, denominator, kind === 'percent' ? 100 : 10_000), numerator, denominator };
}

export async function dashboardTrendRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db, now } = deps;
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;
  const today = () => now().toISOString().slice(0, 10);
  const codeOf = (req: FastifyRequest): IndicatorCode => {
    const { code } = req.params as { code: string };
    if (!isIndicatorCode(code)) throw new NotFound();
    return code;
  };
  const periodFor = (req: FastifyRequest) => {
    const q = req.query as Query;
    const { choice, errors } = trendPeriod(q, today());
    const period = periodOf(choice);
    return { period, view: periodView(choice, period, q, errors), failed: errors.length > 0 };
  };

  app.get('/dashboard/indicators/:code', { config: { access: 'dashboard.view' } }, async (req, reply) => {
    const code = codeOf(req);
    const { label, counts, kind } = INDICATOR_LABELS[code];
    const { period, view, failed } = periodFor(req);
    const page = { title: label, code, label, counts, kind, period, ...view };
    if (failed) return reply.code(400).view('dashboard/views/indicator.njk', page);

    const values = await computeIndicators(db, { partnershipId: pid(req), from: period.from, to: period.to });
    // A financial year or quarter still under way ends in the future: the trend stops at today.
    const trendTo = period.to < today() ? period.to : today();
    const trend = await monthlyTrend(db, { partnershipId: pid(req), code, months: TREND_MONTHS, to: trendTo });
    const chart = trendChartSvg(trend.map((p) => ({ month: p.month, value: p.value.value })), {
      title: `${label} by month`, yLabel: kind === 'percent' ? 'Per cent' : kind === 'rate_per_10k' ? 'Per 10,000 children' : label, kind,
    });
    const behind = req.scopes.has('indicator.drilldown')
      ? (await childrenBehind(db, { partnershipId: pid(req), code, from: period.from, to: period.to })).length : null;
    return reply.view('dashboard/views/indicator.njk', {
      ...page, value: values[code], shown: formatValue(values[code].value, kind), chart, behind,
      rows: trend.map((p) => ({ month: monthName(p.month), ...p.value, shown: formatValue(p.value.value, kind) })).reverse(),
    });
  });

  app.get('/dashboard/indicators/:code/children', { config: { access: 'indicator.drilldown' } }, async (req, reply) => {
    const code = codeOf(req);
    const { label, kind } = INDICATOR_LABELS[code];
    const { period, view, failed } = periodFor(req);
    if (failed) throw new NotFound();
    const all = await childrenBehind(db, { partnershipId: pid(req), code, from: period.from, to: period.to });
    const pages = Math.max(1, Math.ceil(all.length / PAGE));
    const pageNo = Math.min(pages, Math.max(1, Number.parseInt(String((req.query as Query).page ?? '1'), 10) || 1));
    const children = all.slice((pageNo - 1) * PAGE, pageNo * PAGE);
    // A list of children is a look at each of their records: logged with the ids shown, as the worklists do.
    const ids = children.map((c) => c.childId);
    await req.audit({
      action: 'child.list', recordType: 'child',
      detail: { list: `indicator:${code}`, from: period.from, to: period.to, page: pageNo, total: all.length, results: ids.length, ids },
    });
    return reply.view('dashboard/views/children.njk', {
      title: `Children behind: ${label}`, code, label, kind, period, ...view, children, total: all.length, page: pageNo, pages,
      canOpen: req.scopes.has('child.read'),
    });
  });

  app.get('/dashboard/across', { config: { access: 'dashboard.view' } }, async (req, reply) => {
    const s = req.beaconSession!;
    // Only partnerships where this person may see the dashboard: membership elsewhere shows nothing.
    const mine = s.memberships.filter((m) => scopesOf(m.roles).has('dashboard.view'));
    const links = await db.selectFrom('agency_partnership as ap').innerJoin('agency as a', 'a.id', 'ap.agency_id')
      .select(['a.id', 'a.name', 'ap.partnership_id']).where('ap.partnership_id', 'in', mine.map((m) => m.partnershipId))
      .orderBy('a.name').execute();
    const agencies = [...new Map(links.map((l) => [l.id, { id: l.id, name: l.name }])).values()];
    const asked = (req.query as Query).agency;
    const agencyId = asked ? Number(asked) : agencies.some((a) => a.id === s.user.agencyId) ? s.user.agencyId : agencies[0]?.id;
    const agency = agencies.find((a) => a.id === agencyId);
    if (!agency) throw new NotFound();
    const partnerships = mine.filter((m) => links.some((l) => l.id === agency.id && l.partnership_id === m.partnershipId));

    const { period, view, failed } = periodFor(req);
    const page = { title: 'Indicators across partnerships', agency, agencies, partnerships, period, ...view };
    if (failed) return reply.code(400).view('dashboard/views/across.njk', { ...page, rows: [] });
    const values: IndicatorValues[] = [];
    for (const p of partnerships) values.push(await computeIndicators(db, { partnershipId: p.partnershipId, from: period.from, to: period.to }));
    const rows = INDICATOR_CODES.map((code) => {
      const { label, kind } = INDICATOR_LABELS[code];
      const cells = values.map((v) => v[code]);
      const total = totalOf(cells, kind);
      return { code, label, kind, cells: cells.map((v) => formatValue(v.value, kind)), total: formatValue(total.value, kind) };
    });
    return reply.view('dashboard/views/across.njk', { ...page, rows });
  });
}
