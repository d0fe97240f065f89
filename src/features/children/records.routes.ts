import { childName } from '../../domain/child-name';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/deps';
import { NotFound, ValidationFailed } from '../../platform/errors';
import { formErrors, versionFrom } from '../../platform/forms';
import { findChildById } from './children.service';
import { RECORD_TYPE, RECORD_TYPES, codeOptions, formValueOf, parseRecordForm, type FormValues, type RecordType } from './records.schema';
import { EditConflict, createRecord, findRecord, parentOptions, updateRecord } from './records.service';

type Params = { childId: string; type?: string; recordId?: string };

export async function recordsRoutes(app: FastifyInstance, { db, now }: AppDeps) {
  const today = () => now().toISOString().slice(0, 10);

  async function childOf(req: FastifyRequest) {
    const { childId } = req.params as Params;
    const child = await findChildById(db, req.partnership!.partnershipId, childId);
    if (!child) throw new NotFound('No such child', 'child', childId);
    return child;
  }

  function typeOf(req: FastifyRequest): RecordType {
    const def = RECORD_TYPE.get((req.params as Params).type as RecordType['type']);
    if (!def) throw new NotFound('No such kind of record');
    return def;
  }

  /** Everything the form template needs: fields with their options and values, and the parent and link choices. */
  async function formPage(req: FastifyRequest, child: { id: string; first_name: string | null; last_name: string | null }, def: RecordType, form: FormValues, extra: Record<string, unknown>) {
    const pid = req.partnership!.partnershipId;
    const fields = def.fields.map((f) => ({
      ...f,
      options: f.kind === 'code' || f.kind === 'codes' ? codeOptions(f.list, today(), typeof form[f.name] === 'string' ? form[f.name] as string : undefined) : 'options' in f ? f.options : undefined,
    }));
    const parents = def.parent === 'child' ? null : await parentOptions(db, pid, child.id, def.parent);
    const links = await Promise.all((def.links ?? []).map(async (l) => ({ ...l, options: await parentOptions(db, pid, child.id, l.of as 'referral') })));
    return { title: `${def.title}: ${childName(child)}`, child, def, fields, form, parents, links, ...extra };
  }

  app.get('/children/:childId/records/new', { config: { access: 'child.write' } }, async (req, reply) => {
    const child = await childOf(req);
    return reply.view('children/views/record-types.njk', { title: `Add a record: ${childName(child)}`, child, types: RECORD_TYPES });
  });

  app.get('/children/:childId/records/:type/new', { config: { access: 'child.write' } }, async (req, reply) => {
    const child = await childOf(req);
    const def = typeOf(req);
    const parentId = String((req.query as { parent?: string }).parent ?? '');
    return reply.view('children/views/record-form.njk', await formPage(req, child, def, { parentId }, { action: `/children/${child.id}/records/${def.type}/new` }));
  });

  app.post('/children/:childId/records/:type/new', { config: { access: 'child.write' } }, async (req, reply) => {
    const child = await childOf(req);
    const def = typeOf(req);
    const form = req.body as FormValues;
    const { values, errors } = parseRecordForm(def, form, today());
    try {
      if (errors.length) throw new ValidationFailed(errors);
      const id = await createRecord(db, req.partnership!.partnershipId, child, def, values, String(form.parentId ?? '') || null, linkValues(def, form));
      await req.audit({ action: 'child.record.create', recordType: 'child', recordId: child.id, detail: { type: def.type, id } });
      reply.flash(`${def.title} saved.`);
      return reply.redirect(`/children/${child.id}#chronology`);
    } catch (err) {
      return invalid(err, req, reply, child, def, form, { action: `/children/${child.id}/records/${def.type}/new` });
    }
  });

  app.get('/children/:childId/records/:type/:recordId', { config: { access: 'child.write' } }, async (req, reply) => {
    const child = await childOf(req);
    const def = typeOf(req);
    const { recordId } = req.params as Params;
    const record = await findRecord(db, req.partnership!.partnershipId, child, def, recordId!);
    if (!record) throw new NotFound('No such record', def.type, recordId);
    await req.audit({ action: 'child.read', recordType: 'child', recordId: child.id, detail: { type: def.type, id: recordId } });
    return reply.view('children/views/record-form.njk', await formPage(req, child, def, { ...valuesOf(def, record), version: String(record.version) },
      { action: `/children/${child.id}/records/${def.type}/${recordId}`, editing: true }));
  });

  app.post('/children/:childId/records/:type/:recordId', { config: { access: 'child.write' } }, async (req, reply) => {
    const child = await childOf(req);
    const def = typeOf(req);
    const { recordId } = req.params as Params;
    const form = req.body as FormValues;
    const action = `/children/${child.id}/records/${def.type}/${recordId}`;
    const { values, errors } = parseRecordForm(def, form, today());
    try {
      if (errors.length) throw new ValidationFailed(errors);
      await updateRecord(db, req.partnership!.partnershipId, child, def, recordId!, versionFrom(form), values, linkValues(def, form));
      await req.audit({ action: 'child.record.update', recordType: 'child', recordId: child.id, detail: { type: def.type, id: recordId } });
      reply.flash(`${def.title} saved.`);
      return reply.redirect(`/children/${child.id}#chronology`);
    } catch (err) {
      if (err instanceof EditConflict) {
        await req.audit({ action: 'child.record.conflict', outcome: 'failed', recordType: 'child', recordId: child.id, detail: { type: def.type, id: recordId } });
        // Both versions stay in view: what is saved now, and the person's own changes, ready to save again.
        const saved = valuesOf(def, err.current);
        const theirs = def.fields.map((f) => ({ label: f.label, saved: shown(f, saved), yours: shown(f, form) }));
        return reply.code(409).view('children/views/record-form.njk', await formPage(req, child, def, { ...form, version: String(err.current.version) },
          { action, editing: true, conflict: theirs.filter((c) => c.saved !== c.yours) }));
      }
      return invalid(err, req, reply, child, def, form, { action, editing: true });
    }
  });

  async function invalid(err: unknown, req: FastifyRequest, reply: FastifyReply, child: { id: string; first_name: string | null; last_name: string | null }, def: RecordType, form: FormValues, extra: Record<string, unknown>) {
    if (!(err instanceof ValidationFailed)) throw err;
    return reply.code(400).view('children/views/record-form.njk', await formPage(req, child, def, form, { ...extra, errors: formErrors(err.errors) }));
  }
}

function linkValues(def: RecordType, form: FormValues): Record<string, string | null> {
  return Object.fromEntries((def.links ?? []).map((l) => [l.name, String(form[l.name] ?? '') || null]));
}

function valuesOf(def: RecordType, record: Record<string, unknown>): FormValues {
  const out: FormValues = {};
  for (const f of def.fields) Object.assign(out, formValueOf(f, record));
  for (const l of def.links ?? []) out[l.name] = record[l.name] ? String(record[l.name]) : '';
  return out;
}

/** A field's value as a person reads it, to compare two versions. */
function shown(f: RecordType['fields'][number], form: FormValues): string {
  const one = (k: string) => String((Array.isArray(form[k]) ? (form[k] as string[]).join(', ') : form[k]) ?? '');
  if (f.kind === 'date') return [one(`${f.name}-day`), one(`${f.name}-month`), one(`${f.name}-year`)].filter(Boolean).join('/');
  if (f.kind === 'datetime') return [one(`${f.name}-date`), one(`${f.name}-time`)].filter(Boolean).join(' ');
  return one(f.name);
}
