import { childName } from '../../domain/child-name';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/deps';
import { NotFound, ValidationFailed } from '../../platform/errors';
import { formErrors } from '../../platform/forms';
import { findChildById } from '../children/children.service';
import { allocate, allocationHistory, teamMembers } from './worklists.service';

/** Who holds a child's case: the team manager allocates it to a worker in one of the partnership's teams. */
export async function allocationRoutes(app: FastifyInstance, { db, now }: AppDeps) {
  async function page(req: FastifyRequest, form: Record<string, string> = {}, errors?: ReturnType<typeof formErrors>) {
    const pid = req.partnership!.partnershipId;
    const { childId } = req.params as { childId: string };
    const child = await findChildById(db, pid, childId);
    if (!child) throw new NotFound('No such child', 'child', childId);
    const history = await allocationHistory(db, pid, child.id);
    const workers = (await teamMembers(db, pid)).map((m) => ({ value: `${m.team_id}:${m.user_id}`, text: `${m.user_name} (${m.team_name})`, selected: form.worker === `${m.team_id}:${m.user_id}` }));
    return { title: `Allocation: ${childName(child)}`, child, history, workers, form: { fromDate: now().toISOString().slice(0, 10), ...form }, errors };
  }

  app.get('/children/:childId/allocation', { config: { access: 'child.allocate' } }, async (req, reply) => {
    const view = await page(req);
    await req.audit({ action: 'child.read', recordType: 'child', recordId: view.child.id, detail: { page: 'allocation' } });
    return reply.view('worklists/views/allocation.njk', view);
  });

  app.post('/children/:childId/allocation', { config: { access: 'child.allocate' } }, async (req, reply) => {
    const body = req.body as Record<string, string>;
    const { childId } = req.params as { childId: string };
    const [teamId, userId] = /^\d+:\d+$/.test(body.worker ?? '') ? body.worker!.split(':') : [undefined, undefined];
    try {
      if (!userId) throw new ValidationFailed([{ field: 'worker', message: 'Select the worker to allocate the child to' }]);
      await allocate(db, req.partnership!.partnershipId, { childId, userId, teamId, fromDate: body.fromDate });
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      const errors = err.errors.map((e) => ({ ...e, field: e.field === 'userId' || e.field === 'teamId' ? 'worker' : e.field }));
      if (errors.some((e) => e.field === 'childId')) throw new NotFound('No such child', 'child', childId);
      return reply.code(400).view('worklists/views/allocation.njk', await page(req, body, formErrors(errors)));
    }
    await req.audit({ action: 'child.allocate', recordType: 'child', recordId: childId, detail: { userId: Number(userId), teamId: Number(teamId) } });
    reply.flash('Allocation saved.');
    return reply.redirect(`/children/${childId}/allocation`);
  });
}
