import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Db } from './db/create-db';
import type { Config } from './platform/config';
import { answerUnreadableAddress, registerWeb, type NavItem, type RouteRecord } from './platform/web';
import { adminRoutes } from './features/admin/admin.routes';
import { apiRoutes } from './features/api/api.routes';
import { authRoutes } from './features/auth/auth.routes';
import { ssoRoutes } from './features/auth/sso.routes';
import { ssoAdminRoutes } from './features/admin/sso.routes';
import { childrenRoutes } from './features/children/children.routes';
import { recordsRoutes } from './features/children/records.routes';
import { childDetailsRoutes } from './features/children/child-details.routes';
import { dashboardRoutes } from './features/dashboard/dashboard.routes';
import { dashboardTrendRoutes } from './features/dashboard/trend.routes';
import { frontDoorRoutes } from './features/front-door/front-door.routes';
import { assuranceRoutes } from './features/assurance/assurance.routes';
import { governanceRoutes } from './features/governance/governance.routes';
import { auditsRoutes } from './features/audits/audits.routes';
import { section11Routes } from './features/section11/section11.routes';
import { reviewsRoutes } from './features/reviews/reviews.routes';
import { actionsRoutes } from './features/actions/actions.routes';
import { trainingRoutes } from './features/training/training.routes';
import { manageTrainingRoutes } from './features/training/manage.routes';
import { registrationRoutes } from './features/training/registration.routes';
import { attendanceRoutes } from './features/training-attendance/attendance.routes';
import { evaluationRoutes } from './features/training-evaluation/evaluation.routes';
import { trainingReportsRoutes } from './features/training-reports/reports.routes';
import { plannerRoutes } from './features/training-planner/planner.routes';
import { reportSectionsRoutes } from './features/report-sections/report-sections.routes';
import { annualReportRoutes } from './features/annual-report/annual-report.routes';
import { voiceRoutes } from './features/voice/voice.routes';
import { reportOutputRoutes } from './features/report-output/report-output.routes';
import { frontDoorMeasuresRoutes } from './features/front-door-measures/measures.routes';
import { homeRoutes } from './features/home/home.routes';
import { mashRoutes } from './features/mash/mash.routes';
import { outboxRoutes } from './features/outbox/outbox.routes';
import { frontDoorQualityRoutes } from './features/front-door-quality/quality.routes';
import { partnerDataRoutes } from './features/partner-data/partner-data.routes';
import { returnsRoutes } from './features/returns/returns.routes';
import { worklistsRoutes } from './features/worklists/worklists.routes';
import { createMailer, type Mailer } from './platform/email';

export type BuildAppDeps = { db: Db; config: Config; now?: () => Date; logStream?: NodeJS.WritableStream; mailer?: Mailer };

const navigation: NavItem[] = [
  { href: '/', text: 'Home', scope: 'home.view' },
  { href: '/my-work', text: 'My work', scope: 'child.read' },
  { href: '/children', text: 'Children', scope: 'child.read' },
  { href: '/outside-home', text: 'Outside the home', scope: 'child.read' },
  { href: '/front-door', text: 'Front door', scope: 'frontdoor.screen' },
  { href: '/front-door/quality', text: 'Front door quality', scope: 'frontdoor.audit' },
  { href: '/mash', text: 'MASH', scope: 'frontdoor.screen' },
  { href: '/mash/checks', text: 'MASH checks', scope: 'mash.respond' },
  { href: '/dashboard', text: 'Dashboard', scope: 'dashboard.view' },
  { href: '/assurance', text: 'Assurance', scope: 'assurance.view' },
  { href: '/reports/annual', text: 'Annual report', scope: 'report.view' },
  { href: '/voice', text: 'Voice of the child', scope: 'voice.record' },
  { href: '/training', text: 'Training', scope: 'training.book' },
  { href: '/training/manage', text: 'Manage training', scope: 'training.manage' },
  { href: '/returns', text: 'Returns', scope: 'return.import' },
  { href: '/partner-data', text: 'Partner data', scope: 'partner_data.upload' },
  { href: '/admin/users', text: 'People', scope: 'admin.users' },
  { href: '/admin/partnership', text: 'Partnership', scope: 'admin.partnership' },
  { href: '/admin/outbox', text: 'Outbox', scope: 'admin.partnership' },
  { href: '/admin/audit', text: 'Audit log', scope: 'audit.read' },
];

export type BeaconApp = FastifyInstance & { beaconRoutes: RouteRecord[] };

/** The composition root: platform first, then every feature. Never listens. */
export async function buildApp(deps: BuildAppDeps): Promise<BeaconApp> {
  const { db, config } = deps;
  const app: FastifyInstance = Fastify({
    trustProxy: config.trustProxy,
    logger: {
      level: config.logLevel,
      ...(deps.logStream ? { stream: deps.logStream } : {}),
      redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'], censor: '[redacted]' },
      // A query string can carry a child's name (a search): logs keep the path only.
      serializers: {
        req: (req) => ({ method: req.method, path: req.url.split('?')[0], remoteAddress: req.ip }),
      },
    },
    genReqId: () => crypto.randomUUID(),
    frameworkErrors: (err, req, reply) => answerUnreadableAddress(app, err, req, reply),
  });
  const routes: RouteRecord[] = [];
  const appDeps = { db, config, now: deps.now ?? (() => new Date()), mailer: deps.mailer ?? createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, now: deps.now }) };
  await registerWeb(app, { ...appDeps, navigation }, routes);

  app.get('/health', { config: { access: 'public' } }, async (_req, reply) => {
    await sql`select 1`.execute(db);
    return reply.send({ status: 'ok' });
  });

  await app.register(async (scope) => {
    await authRoutes(scope, appDeps);
    await ssoRoutes(scope, appDeps);
    await ssoAdminRoutes(scope, appDeps);
    await homeRoutes(scope, appDeps);
    await childrenRoutes(scope, appDeps);
    await worklistsRoutes(scope, appDeps);
    await recordsRoutes(scope, appDeps);
    await childDetailsRoutes(scope, appDeps);
    await adminRoutes(scope, appDeps);
    await returnsRoutes(scope, appDeps);
    await dashboardRoutes(scope, appDeps);
    await partnerDataRoutes(scope, appDeps);
    await dashboardTrendRoutes(scope, appDeps);
    await outboxRoutes(scope, appDeps);
    await frontDoorQualityRoutes(scope, appDeps);
    await frontDoorRoutes(scope, appDeps);
    await apiRoutes(scope, appDeps);
    await mashRoutes(scope, appDeps);
    await frontDoorMeasuresRoutes(scope, appDeps);
    await assuranceRoutes(scope, appDeps);
    await governanceRoutes(scope, appDeps);
    await auditsRoutes(scope, appDeps);
    await section11Routes(scope, appDeps);
    await reviewsRoutes(scope, appDeps);
    await actionsRoutes(scope, appDeps);
    await trainingRoutes(scope, appDeps);
    await manageTrainingRoutes(scope, appDeps);
    await registrationRoutes(scope, appDeps);
    await attendanceRoutes(scope, appDeps);
    await evaluationRoutes(scope, appDeps);
    await trainingReportsRoutes(scope, appDeps);
    await plannerRoutes(scope, appDeps);
    await reportSectionsRoutes(scope, appDeps);
    await annualReportRoutes(scope, appDeps);
    await voiceRoutes(scope, appDeps);
    await reportOutputRoutes(scope, appDeps);
  });
  await app.ready();
  return Object.assign(app, { beaconRoutes: routes }) as BeaconApp;
}
