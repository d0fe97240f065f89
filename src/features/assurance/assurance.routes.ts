import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps';
import { londonParts } from '../../domain/london';
import { actionCounts } from '../actions/actions.service';

/**
 * The partnership's learning and assurance work in one place: reviews, the action tracker, the audit
 * programme, Section 11 and governance. The counts are the ones a business manager opens the day with.
 */
export async function assuranceRoutes(app: FastifyInstance, { db, now }: AppDeps) {
  app.get('/assurance', { config: { access: 'assurance.view' } }, async (req, reply) => {
    const partnershipId = req.partnership!.partnershipId;
    const today = londonParts(now()).date;
    const [all, mine] = await Promise.all([
      actionCounts(db, partnershipId, today),
      actionCounts(db, partnershipId, today, req.beaconSession!.user.agencyId),
    ]);
    return reply.view('assurance/views/hub.njk', { title: 'Learning and assurance', actions: all, agencyActions: mine, agencyName: req.beaconSession!.user.agencyName, agencyId: req.beaconSession!.user.agencyId });
  });
}
