import { childName } from '../../domain/child-name';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/deps';
import { NotFound, ValidationFailed } from '../../platform/errors';
import { formErrors, versionFrom } from '../../platform/forms';
import { PossibleDuplicates, createChild, updateChild } from './child-details.service';
import { findChildById } from './children.service';
import { CHILD_DETAILS, codeOptions, formValueOf, parseRecordForm, type FormValues } from './records.schema';
import { EditConflict } from './records.service';

export async function childDetailsRoutes(app: FastifyInstance, { db, now }: AppDeps) {
  const today = () => now().toISOString().slice(0, 10);
  const blankChild = { id: '', first_name: 'New', last_name: 'child' };

  function page(child: { id: string; first_name: string | null; last_name: string | null }, form: FormValues, extra: Record<string, unknown>) {
    const fields = CHILD_DETAILS.fields.map((f) => ({
      ...f,
      options: f.kind === 'code' || f.kind === 'codes' ? codeOptions(f.list, today(), typeof form[f.name] === 'string' ? form[f.name] as string : undefined) : undefined,
    }));
    return { title: child.id ? `Details: ${childName(child)}` : 'Add a child', child, def: CHILD_DETAILS, fields, form, parents: null, links: [], ...extra };
  }

  async function invalid(err: unknown, reply: FastifyReply, child: { id: string; first_name: string | null; last_name: string | null }, form: FormValues, extra: Record<string, unknown>) {
    if (err instanceof PossibleDuplicates) {
      return reply.code(409).view('children/views/record-form.njk', page(child, form, { ...extra, duplicates: err.matches }));
    }
    if (!(err instanceof ValidationFailed)) throw err;
    return reply.code(400).view('children/views/record-form.njk', page(child, form, { ...extra, errors: formErrors(err.errors) }));
  }

  app.get('/children/new', { config: { access: 'child.write' } }, async (_req, reply) =>
    reply.view('children/views/record-form.njk', page(blankChild, {}, { action: '/children/new' })));

  app.post('/children/new', { config: { access: 'child.write' } }, async (req, reply) => {
    const form = req.body as FormValues;
    const { values, errors } = parseRecordForm(CHILD_DETAILS, form, today());
    try {
      if (errors.length) throw new ValidationFailed(errors);
      const id = await createChild(db, req.partnership!.partnershipId, values, form.confirmDifferent === 'yes');
      await req.audit({ action: 'child.create', recordType: 'child', recordId: id });
      reply.flash('Child added.');
      return reply.redirect(`/children/${id}`);
    } catch (err) {
      if (err instanceof PossibleDuplicates) {
        await req.audit({ action: 'child.search', recordType: 'child', detail: { results: err.matches.length, ids: err.matches.map((m) => m.id), reason: 'duplicate check' } });
      }
      return invalid(err, reply, blankChild, form, { action: '/children/new' });
    }
  });

  async function childOf(req: FastifyRequest) {
    const { childId } = req.params as { childId: string };
    const child = await findChildById(db, req.partnership!.partnershipId, childId);
    if (!child) throw new NotFound('No such child', 'child', childId);
    return child;
  }

  app.get('/children/:childId/details', { config: { access: 'child.write' } }, async (req, reply) => {
    const child = await childOf(req);
    await req.audit({ action: 'child.read', recordType: 'child', recordId: child.id, detail: { form: 'details' } });
    const form: FormValues = { version: String(child.version) };
    for (const f of CHILD_DETAILS.fields) Object.assign(form, formValueOf(f, child as unknown as Record<string, unknown>));
    return reply.view('children/views/record-form.njk', page(child, form, { action: `/children/${child.id}/details`, editing: true }));
  });

  app.post('/children/:childId/details', { config: { access: 'child.write' } }, async (req, reply) => {
    const child = await childOf(req);
    const form = req.body as FormValues;
    const action = `/children/${child.id}/details`;
    const { values, errors } = parseRecordForm(CHILD_DETAILS, form, today());
    try {
      if (errors.length) throw new ValidationFailed(errors);
      await updateChild(db, req.partnership!.partnershipId, child.id, versionFrom(form), values);
      await req.audit({ action: 'child.update', recordType: 'child', recordId: child.id });
      reply.flash('Details saved.');
      return reply.redirect(`/children/${child.id}`);
    } catch (err) {
      if (err instanceof EditConflict) {
        await req.audit({ action: 'child.update_conflict', outcome: 'failed', recordType: 'child', recordId: child.id });
        const saved: FormValues = {};
        for (const f of CHILD_DETAILS.fields) Object.assign(saved, formValueOf(f, err.current));
        const conflict = CHILD_DETAILS.fields.map((f) => ({ label: f.label, saved: String(saved[f.name] ?? ''), yours: String(form[f.name] ?? '') })).filter((c) => c.saved !== c.yours);
        return reply.code(409).view('children/views/record-form.njk', page(child, { ...form, version: String(err.current.version) }, { action, editing: true, conflict }));
      }
      return invalid(err, reply, child, form, { action, editing: true });
    }
  });
}
