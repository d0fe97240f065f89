import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps';
import { challengeRoutes } from './challenges.routes';
import { groupRoutes } from './groups.routes';
import { meetingRoutes } from './meetings.routes';

/** The partnership's governance: its groups and members, their meetings and action logs, and the challenge log. */
export async function governanceRoutes(app: FastifyInstance, deps: AppDeps) {
  await groupRoutes(app, deps);
  await meetingRoutes(app, deps);
  await challengeRoutes(app, deps);
}
