import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps';
import { auditProgrammeRoutes } from './programme.routes';
import { auditRoundRoutes } from './rounds.routes';

/** The multi-agency audit programme: its themes and schedule, and each round's cases, sections, moderation and findings. */
export async function auditsRoutes(app: FastifyInstance, deps: AppDeps) {
  await auditProgrammeRoutes(app, deps);
  await auditRoundRoutes(app, deps);
}
