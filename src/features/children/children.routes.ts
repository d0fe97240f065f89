import { childName } from '../../domain/child-name';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps';
import { NotFound } from '../../platform/errors';
import { clockContext } from '../partnerships/partnerships.service';
import { EVENT_KINDS, chronologyOf, coded, findChildById, searchChildren, timescalesOf } from './children.service';

export async function childrenRoutes(app: FastifyInstance, { db, now }: AppDeps) {
  app.get('/children', { config: { access: 'child.read' } }, async (req, reply) => {
    const q = String((req.query as { q?: string }).q ?? '').slice(0, 100);
    const p = req.partnership!;
    let results = null;
    if (q.trim()) {
      results = await searchChildren(db, p.partnershipId, q);
      // A search that returns children is a look at their records: logged with the ids it showed.
      await req.audit({ action: 'child.search', recordType: 'child', detail: { results: results.length, ids: results.map((c) => c.id) } });
    }
    return reply.view('children/views/search.njk', { title: 'Find a child', q, results, canWrite: req.scopes.has('child.write') });
  });

  app.get('/children/:childId', { config: { access: 'child.read' } }, async (req, reply) => {
    const { childId } = req.params as { childId: string };
    const child = await findChildById(db, req.partnership!.partnershipId, childId);
    if (!child) throw new NotFound('No such child', 'child', childId);
    await req.audit({ action: 'child.read', recordType: 'child', recordId: child.id });
    const kind = String((req.query as { kind?: string }).kind ?? '');
    const events = await chronologyOf(db, req.partnership!.partnershipId, child.id);
    const ctx = await clockContext(db, req.partnership!.partnershipId, now());
    const timescales = await timescalesOf(db, req.partnership!.partnershipId, child.id, child.date_of_birth, ctx);
    const shown = kind in EVENT_KINDS ? events.filter((e) => e.kind === kind) : events;
    return reply.view('children/views/child.njk', {
      title: childName(child), child, events: shown, total: events.length, timescales,
      sex: coded('sex', child.sex), ethnicity: coded('ethnicity', child.ethnicity), canWrite: req.scopes.has('child.write'), canAllocate: req.scopes.has('child.allocate'),
      kind: kind in EVENT_KINDS ? kind : '', kinds: EVENT_KINDS,
    });
  });
}
