import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/deps';
import { monthName, trendChartSvg } from '../dashboard/chart';
import { periodOf } from '../dashboard/periods';
import { periodView, trendPeriod } from '../dashboard/trend.routes';
import { frontDoorMeasures, frontDoorMonths } from './measures.service';
import { frontDoorSentences } from './narrative';

const MONTHS = 12;

/** The front door's measures for a period, beside the scorecard: aggregates only, nothing names a child. */
export async function frontDoorMeasuresRoutes(app: FastifyInstance, { db, now }: AppDeps) {
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;

  app.get('/dashboard/front-door', { config: { access: 'dashboard.view' } }, async (req, reply) => {
    const today = now().toISOString().slice(0, 10);
    const q = req.query as Record<string, string | undefined>;
    const { choice, errors } = trendPeriod(q, today);
    const period = periodOf(choice);
    const view = periodView(choice, period, q, errors);
    if (errors.length) return reply.code(400).view('front-door-measures/views/measures.njk', { title: 'Front door measures', period, ...view });
    const [measures, months] = await Promise.all([
      frontDoorMeasures(db, pid(req), period, now()),
      frontDoorMonths(db, pid(req), MONTHS, period.to < today ? period.to : today, now()),
    ]);
    const chart = (id: string, title: string, yLabel: string, kind: 'count' | 'percent', pick: (m: (typeof months)[number]) => number | null) =>
      trendChartSvg(months.map((m) => ({ month: m.month, value: pick(m) })), { id, title, yLabel, kind });
    return reply.view('front-door-measures/views/measures.njk', {
      title: 'Front door measures', period, ...view, measures, sentences: frontDoorSentences(measures),
      contactsChart: chart('contacts-chart', 'Contacts received by month', 'Contacts', 'count', (m) => m.contacts),
      timelyChart: chart('timely-chart', 'Contacts decided within one working day, by month', 'Per cent', 'percent', (m) => m.withinPct),
      months: months.map((m) => ({ ...m, name: monthName(m.month) })).reverse(),
    });
  });
}
