import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EvaluationKind } from '../../db/schema-training';
import type { AppDeps } from '../../platform/deps';
import { ValidationFailed, type FieldError } from '../../platform/errors';
import { formErrors } from '../../platform/forms';
import {
  AlreadySubmitted, OUTCOMES_MET, SCALE, findEvaluation, findOwnBooking, notOpen, parseEvaluation, parseImpact, submitEvaluation,
  type EvaluationForm,
} from './evaluation.service';

const OVERALL_WORDS: Record<number, string> = { 1: 'Poor', 2: 'Fair', 3: 'Good', 4: 'Very good', 5: 'Excellent' };
const CONFIDENCE_WORDS: Record<number, string> = { 1: 'Not at all confident', 2: 'Slightly confident', 3: 'Fairly confident', 4: 'Confident', 5: 'Very confident' };

const scaleItems = (words: Record<number, string>, value: string | undefined) =>
  SCALE.map((n) => ({ value: String(n), text: `${n}: ${words[n]}`, checked: value === String(n) }));

/**
 * The attendee's evaluation of a course and, weeks later, the impact survey: each only for the person who
 * attended, once. Anyone else's booking is not found.
 */
export async function evaluationRoutes(app: FastifyInstance, { db, now }: AppDeps) {
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;

  const page = async (req: FastifyRequest, reply: FastifyReply, kind: EvaluationKind,
    state: { values?: EvaluationForm; errors?: FieldError[]; refused?: string; status?: number } = {}) => {
    const { id } = req.params as { id: string };
    const booking = await findOwnBooking(db, pid(req), id, req.beaconSession!.user.id);
    const submitted = await findEvaluation(db, pid(req), booking.id, kind);
    const v = state.values ?? {};
    const e = state.errors ? formErrors(state.errors) : undefined;
    return reply.code(state.status ?? (state.errors ? 400 : 200)).view(`training-evaluation/views/${kind}.njk`, {
      title: kind === 'evaluation' ? `Evaluate: ${booking.courseTitle}` : `What changed: ${booking.courseTitle}`,
      booking, submitted, closed: state.refused ?? (submitted ? null : notOpen(booking, kind, now())), values: v, errors: e,
      overallItems: scaleItems(OVERALL_WORDS, v.overall),
      beforeItems: scaleItems(CONFIDENCE_WORDS, v.confidenceBefore),
      afterItems: scaleItems(CONFIDENCE_WORDS, v.confidenceAfter),
      nowItems: scaleItems(CONFIDENCE_WORDS, v.confidenceNow),
      outcomeItems: Object.entries(OUTCOMES_MET).map(([value, text]) => ({ value, text, checked: v.outcomesMet === value })),
      changedItems: [{ value: 'yes', text: 'Yes', checked: v.changedPractice === 'yes' }, { value: 'no', text: 'Not yet', checked: v.changedPractice === 'no' }],
      overallWords: OVERALL_WORDS, confidenceWords: CONFIDENCE_WORDS, outcomesMetWords: OUTCOMES_MET,
    });
  };

  for (const kind of ['evaluation', 'impact'] as const) {
    const url = `/training/bookings/:id/${kind}`;
    app.get(url, { config: { access: 'training.book' } }, async (req, reply) => page(req, reply, kind));

    app.post(url, { config: { access: 'training.book' } }, async (req, reply) => {
      const { id } = req.params as { id: string };
      const form = (req.body ?? {}) as EvaluationForm;
      const booking = await findOwnBooking(db, pid(req), id, req.beaconSession!.user.id);
      const closed = notOpen(booking, kind, now());
      if (closed) return page(req, reply, kind, { refused: closed, status: 400 });
      let input;
      try {
        input = kind === 'evaluation' ? parseEvaluation(form) : parseImpact(form);
      } catch (err) {
        if (!(err instanceof ValidationFailed)) throw err;
        return page(req, reply, kind, { values: form, errors: err.errors });
      }
      let evaluationId;
      try {
        evaluationId = await submitEvaluation(db, pid(req), booking.id, kind, input, now());
      } catch (err) {
        if (!(err instanceof AlreadySubmitted)) throw err;
        return page(req, reply, kind, { status: 409 });
      }
      await req.audit({ action: `training_${kind}.submit`, recordType: 'training_evaluation', recordId: evaluationId, detail: { booking: booking.id } });
      reply.flash(kind === 'evaluation' ? 'Thank you: your evaluation has been sent.' : 'Thank you: your answers have been sent.');
      return reply.redirect(`/training/bookings/${booking.id}/${kind}`, 303);
    });
  }
}
