import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps';
import { ROLES, isRole } from '../../platform/permissions';
import { countChildren } from '../children/children.service';

export async function homeRoutes(app: FastifyInstance, { db }: AppDeps) {
  app.get('/', { config: { access: 'home.view' } }, async (req, reply) => {
    const p = req.partnership!;
    const canSeeChildren = req.scopes.has('child.read');
    return reply.view('home/views/home.njk', {
      title: 'Home',
      roles: p.roles.map((r) => (isRole(r) ? ROLES[r].label.toLowerCase() : r)),
      // A count is not a child's record; shown only to those who may open the records behind it.
      childCount: canSeeChildren ? await countChildren(db, p.partnershipId) : null,
      scopes: [...req.scopes],
    });
  });

  app.get('/accessibility', { config: { access: 'public' } }, async (_req, reply) =>
    reply.view('home/views/accessibility.njk', { title: 'Accessibility statement' }));
  app.get('/privacy', { config: { access: 'public' } }, async (_req, reply) =>
    reply.view('home/views/privacy.njk', { title: 'Privacy notice' }));
}
