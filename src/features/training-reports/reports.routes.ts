import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/deps';
import { ValidationFailed } from '../../platform/errors';
import { periodOf } from '../dashboard/periods';
import { periodView, trendPeriod } from '../dashboard/trend.routes';
import { findPartnershipById } from '../partnerships/partnerships.service';
import { DELIVERY } from '../training/training.service';
import { poundsText } from '../training-attendance/attendance.service';
import { agencyTypesChartSvg, confidenceChartSvg, monthName, monthsChartSvg } from './chart';
import { practiceExamples, summaryCsv, trainingSummary } from './reports.service';

type Query = Record<string, string | undefined>;

/** The training programme's report for a period: what was delivered, to whom, and what people said of it. Figures only: no one is named. */
export async function trainingReportsRoutes(app: FastifyInstance, { db, now }: AppDeps) {
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;
  const periodFrom = (req: FastifyRequest) => {
    const q = (req.query ?? {}) as Query;
    const { choice, errors } = trendPeriod(q, now().toISOString().slice(0, 10));
    const period = periodOf(choice);
    return { q, choice, errors, period, view: periodView(choice, period, q, errors) };
  };

  app.get('/training/reports', { config: { access: 'training.manage' } }, async (req, reply) => {
    const { errors, period, view } = periodFrom(req);
    if (errors.length) return reply.code(400).view('training-reports/views/reports.njk', { title: 'Training reports', period, ...view });
    const [s, examples] = await Promise.all([
      trainingSummary(db, pid(req), period.from, period.to, now()), practiceExamples(db, pid(req), period.from, period.to, now()),
    ]);
    await req.audit({ action: 'training_report.view', recordType: 'partnership', recordId: String(pid(req)), detail: { from: period.from, to: period.to } });
    return reply.view('training-reports/views/reports.njk', {
      title: 'Training reports', period, ...view, s, examples,
      chargedText: poundsText(s.nonAttendance.chargedPence),
      monthsChart: monthsChartSvg(s.months),
      agencyTypesChart: agencyTypesChartSvg(s.byAgencyType),
      confidenceChart: confidenceChartSvg(s.byTheme),
      months: s.months.map((m) => ({ ...m, name: monthName(m.month) })),
      courses: s.byCourse.map((c) => ({ ...c, deliveryLabel: DELIVERY[c.delivery as keyof typeof DELIVERY] ?? c.delivery })),
    });
  });

  app.get('/training/reports.csv', { config: { access: 'training.manage' } }, async (req, reply) => {
    const { errors, period } = periodFrom(req);
    if (errors.length) throw new ValidationFailed(errors);
    const s = await trainingSummary(db, pid(req), period.from, period.to, now());
    const partnership = await findPartnershipById(db, pid(req));
    await req.audit({ action: 'training_report.export', recordType: 'partnership', recordId: String(pid(req)), detail: { from: period.from, to: period.to } });
    reply.header('content-disposition', `attachment; filename="training-${partnership!.la_code}-${period.from}-to-${period.to}.csv"`);
    return reply.type('text/csv; charset=utf-8').send(summaryCsv(s));
  });
}
