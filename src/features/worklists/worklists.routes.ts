import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/deps';
import { formErrors } from '../../platform/forms';
import { clockContext } from '../partnerships/partnerships.service';
import { allocationRoutes } from './allocation.routes';
import { teamsRoutes } from './teams.routes';
import {
  REPEAT_MISSING_AT, myWork, outsideHomeChildren, outsideHomeChoices, outsideHomeSummary, parseOutsideHomeFilter,
  teamWork, teamsManagedBy, type WorkItem,
} from './worklists.service';

function countsOf(items: WorkItem[]) {
  return {
    overdue: items.filter((i) => i.status === 'overdue').length,
    dueSoon: items.filter((i) => i.status === 'due_soon').length,
    onTime: items.filter((i) => i.status === 'on_time').length,
  };
}

export async function worklistsRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db, now } = deps;
  await allocationRoutes(app, deps);
  await teamsRoutes(app, deps);
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;
  // A list of children is a look at each of their records: logged with the ids it showed.
  const auditList = (req: FastifyRequest, list: string, ids: string[]) =>
    req.audit({ action: 'child.list', recordType: 'child', detail: { list, results: ids.length, ids } });

  app.get('/my-work', { config: { access: 'child.read' } }, async (req, reply) => {
    const me = req.beaconSession!.user;
    const ctx = await clockContext(db, pid(req), now());
    const items = await myWork(db, pid(req), me.id, ctx);
    const managesTeam = (await teamsManagedBy(db, pid(req), me.id)).length > 0;
    await auditList(req, 'my-work', items.map((i) => i.childId));
    return reply.view('worklists/views/my-work.njk', { title: 'My work', items, counts: countsOf(items), managesTeam });
  });

  app.get('/my-team', { config: { access: 'child.read' } }, async (req, reply) => {
    const me = req.beaconSession!.user;
    const ctx = await clockContext(db, pid(req), now());
    const work = await teamWork(db, pid(req), me.id, ctx, req.query);
    if (work.teams.length === 0) return reply.view('worklists/views/no-team.njk', { title: 'You do not manage a team' });
    const page = {
      title: 'My team', ...work, counts: countsOf(work.items),
      worker: work.filter.workerId === null ? '' : String(work.filter.workerId), status: work.filter.status ?? '',
      workerName: work.workers.find((w) => w.id === work.filter.workerId)?.name ?? null,
    };
    if (work.errors.length) {
      const q = req.query as Record<string, unknown>;
      return reply.code(400).view('worklists/views/my-team.njk', {
        ...page, errors: formErrors(work.errors), worker: String(q.worker ?? ''), status: String(q.status ?? ''),
      });
    }
    await auditList(req, 'my-team', work.items.map((i) => i.childId));
    return reply.view('worklists/views/my-team.njk', page);
  });

  app.get('/outside-home', { config: { access: 'child.read' } }, async (req, reply) => {
    const ctx = await clockContext(db, pid(req), now());
    const choices = await outsideHomeChoices(db, pid(req));
    const { filter, errors } = parseOutsideHomeFilter(req.query, choices);
    const summary = await outsideHomeSummary(db, pid(req), ctx);
    const page = {
      title: 'Children at risk outside the home', ...choices, ...summary, repeatAt: REPEAT_MISSING_AT,
      locality: filter.locality ?? '', place: filter.placeId ?? '',
      placeName: choices.places.find((p) => p.id === filter.placeId)?.name ?? null,
    };
    if (errors.length) {
      const q = req.query as Record<string, unknown>;
      return reply.code(400).view('worklists/views/outside-home.njk', {
        ...page, errors: formErrors(errors), children: null, locality: String(q.locality ?? ''), place: String(q.place ?? ''),
      });
    }
    const children = await outsideHomeChildren(db, pid(req), ctx, filter);
    await auditList(req, 'outside-home', children.map((c) => c.id));
    return reply.view('worklists/views/outside-home.njk', { ...page, children });
  });
}
