import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps';
import { londonParts } from '../../domain/london';
import { actionCounts } from '../actions/actions.service';
import { auditCounts } from '../audits/programme.service';
import { challengeCounts } from '../governance/challenges.service';
import { clockContext } from '../partnerships/partnerships.service';
import { openReviewCounts, returnsAwaitingAgency } from '../reviews/reviews.service';
import { section11Counts } from '../section11/cycles.service';

/**
 * The partnership's learning and assurance work in one place: reviews, the action tracker, the audit
 * programme, Section 11 and governance. The counts are the ones a business manager opens the day with,
 * and what the viewer's own agency owes.
 */
export async function assuranceRoutes(app: FastifyInstance, { db, now }: AppDeps) {
  app.get('/assurance', { config: { access: 'assurance.view' } }, async (req, reply) => {
    const partnershipId = req.partnership!.partnershipId;
    const { agencyId, agencyName } = req.beaconSession!.user;
    const at = now();
    const today = londonParts(at).date;
    const clocks = { ...(await clockContext(db, partnershipId, at)), today };
    const [actions, agencyActions, reviews, returnsDue, section11, challenges, audits] = await Promise.all([
      actionCounts(db, partnershipId, today),
      actionCounts(db, partnershipId, today, agencyId),
      openReviewCounts(db, partnershipId, clocks),
      returnsAwaitingAgency(db, partnershipId, agencyId, clocks),
      section11Counts(db, partnershipId, agencyId, at),
      challengeCounts(db, partnershipId, today),
      auditCounts(db, partnershipId, today, agencyId),
    ]);
    return reply.view('assurance/views/hub.njk', {
      title: 'Learning and assurance', actions, agencyActions, agencyName, agencyId, reviews, returnsDue, section11, challenges, audits,
    });
  });
}
