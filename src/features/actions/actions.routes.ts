import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ActionSource } from '../../db/schema-assurance';
import {
  ACTION_RAG_LABELS, ACTION_SOURCES, ACTION_STATUSES, LEARNING_THEMES, LEARNING_THEME_CODES, actionRag, isLearningTheme, type ActionRag,
} from '../../domain/assurance';
import { londonParts } from '../../domain/london';
import type { AppDeps } from '../../platform/deps';
import { Forbidden, ValidationFailed, type FieldError } from '../../platform/errors';
import { formErrors } from '../../platform/forms';
import { pagination } from '../../platform/pagination';
import { listAgencies } from '../agencies/agencies.service';
import { trackerCsv } from './actions-csv';
import {
  EditConflict, changeAction, createActions, findAction, mayUpdate, partnershipPeople, sourceHref, updateAction, type ActionView,
} from './actions.service';
import {
  ACTION_RAGS, ACTION_SOURCE_CODES, ACTION_STATUS_CODES, allActions, filtersQuery, listActions, parseActionFilters, partnershipGroups,
} from './tracker.service';

/**
 * The action tracker: every action of the partnership from every source, each action's page with its
 * history, progress updates by the agency that owns it, and the business manager's own actions and
 * changes to an action's due date, owner and group.
 */

type Body = Record<string, string | string[] | undefined>;

export const RAG_TAG: Record<ActionRag, string> = {
  blue: 'govuk-tag--blue', red: 'govuk-tag--red', amber: 'govuk-tag--yellow', green: 'govuk-tag--green', none: 'govuk-tag--grey',
};
const CONFLICT = 'Someone else updated this action after you opened it. Nothing was saved: check what is recorded now and try again.';
/** Sources an action is added from on the tracker itself; the others add theirs from their own pages. */
const DIRECT_SOURCES: ActionSource[] = ['inspection', 'meeting', 'other'];
const MAX_TEXT = 10_000;

const one = (v: string | string[] | undefined) => ((Array.isArray(v) ? v[0] : v) ?? '').trim();
/** The version the form was opened at; one no action can have (not a whole number the column keeps) reads as -1, a stale form. */
const versionOf = (v: string | string[] | undefined) => {
  const n = Number(one(v));
  return Number.isInteger(n) && n >= 0 && n <= 2_147_483_647 ? n : -1;
};
const many = (v: string | string[] | undefined) => ([] as string[]).concat(v ?? []).map((x) => x.trim()).filter(Boolean);

/** The GOV.UK date input's three boxes as an ISO date; null when all are empty; 'invalid' when they make no date. */
function dateOf(b: Body, prefix: string): string | null {
  const [d, m, y] = ['day', 'month', 'year'].map((k) => one(b[`${prefix}-${k}`]));
  if (!d && !m && !y) return null;
  if (!/^\d{1,2}$/.test(d!) || !/^\d{1,2}$/.test(m!) || !/^\d{4}$/.test(y!)) return 'invalid';
  const iso = `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
  return new Date(`${iso}T00:00:00Z`).toISOString().startsWith(iso) ? iso : 'invalid';
}

const dateBoxes = (prefix: string, iso: string) => {
  const [y, m, d] = iso.split('-');
  return { [`${prefix}-day`]: String(Number(d)), [`${prefix}-month`]: String(Number(m)), [`${prefix}-year`]: y };
};

const themeLabel = (t: string) => (isLearningTheme(t) ? LEARNING_THEMES[t] : t);

export async function actionsRoutes(app: FastifyInstance, { db, now }: AppDeps) {
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;
  const idOf = (req: FastifyRequest) => (req.params as { id: string }).id;
  const body = (req: FastifyRequest) => (req.body ?? {}) as Body;
  const today = () => londonParts(now()).date;
  const who = (req: FastifyRequest) => ({
    manages: req.scopes.has('assurance.manage'), contributes: req.scopes.has('assurance.contribute'), agencyId: req.beaconSession!.user.agencyId,
  });

  const filterChoices = async (req: FastifyRequest) => {
    const [groups, agencies] = await Promise.all([partnershipGroups(db, pid(req)), listAgencies(db, pid(req))]);
    return { groups, agencies, known: { groups: new Set(groups.map((g) => g.id)), agencies: new Set(agencies.map((a) => a.id)) } };
  };

  // -------------------------------------------------------------------------------------------------------
  // The tracker

  app.get('/actions', { config: { access: 'assurance.view' } }, async (req, reply) => {
    const query = (req.query ?? {}) as Record<string, unknown>;
    const { groups, agencies, known } = await filterChoices(req);
    const { filters, page, errors } = parseActionFilters(query, known);
    const raw = (k: string) => String(([] as unknown[]).concat(query[k] ?? '')[0] ?? '');
    const myAgency = agencies.find((a) => a.id === req.beaconSession!.user.agencyId);
    const view = {
      title: 'Action tracker', canAdd: req.scopes.has('assurance.manage'), myAgency,
      selected: { group: raw('group'), agency: raw('agency'), theme: raw('theme'), status: raw('status'), source: raw('source'), rag: raw('rag') },
      groupItems: groups.map((g) => ({ value: String(g.id), text: g.active ? g.name : `${g.name} (closed)` })),
      agencyItems: agencies.map((a) => ({ value: String(a.id), text: a.name })),
      themeItems: LEARNING_THEME_CODES.map((t) => ({ value: t, text: LEARNING_THEMES[t] })),
      statusItems: ACTION_STATUS_CODES.map((s) => ({ value: s, text: ACTION_STATUSES[s] })),
      sourceItems: ACTION_SOURCE_CODES.map((s) => ({ value: s, text: ACTION_SOURCES[s] })),
      ragItems: ACTION_RAGS.map((r) => ({ value: r, text: ACTION_RAG_LABELS[r] })),
      ragLabels: ACTION_RAG_LABELS, ragTag: RAG_TAG,
    };
    if (errors.length) return reply.code(400).view('actions/views/tracker.njk', { ...view, errors: formErrors(errors) });
    const list = await listActions(db, pid(req), filters, today(), page);
    await req.audit({ action: 'action.list', recordType: 'action', detail: { filters: filtersQuery(filters), page: list.page, results: list.counts.total } });
    const q = filtersQuery(filters);
    const href = (n: number) => `/actions?${q ? `${q}&` : ''}page=${n}`;
    return reply.view('actions/views/tracker.njk', {
      ...view, counts: list.counts, page: list.page, pages: list.pages, filtered: q !== '', query: q,
      rows: list.rows.map((r) => ({
        ...r, sourceLabel: ACTION_SOURCES[r.source], statusLabel: ACTION_STATUSES[r.status], ragLabel: ACTION_RAG_LABELS[r.rag], ragClass: RAG_TAG[r.rag],
      })),
      pagination: pagination(list.page, list.pages, href),
    });
  });

  app.get('/actions/export.csv', { config: { access: 'assurance.view' } }, async (req, reply) => {
    const { known } = await filterChoices(req);
    const { filters, errors } = parseActionFilters((req.query ?? {}) as Record<string, unknown>, known);
    if (errors.length) throw new ValidationFailed(errors);
    const rows = await allActions(db, pid(req), filters, today());
    await req.audit({ action: 'action.export', recordType: 'action', detail: { format: 'csv', filters: filtersQuery(filters), rows: rows.length } });
    return reply.header('content-disposition', `attachment; filename="actions-${today()}.csv"`).type('text/csv; charset=utf-8').send(trackerCsv(rows));
  });

  // -------------------------------------------------------------------------------------------------------
  // Adding an action directly: inspections, meetings without a page of their own, anything else

  const newPage = async (req: FastifyRequest, reply: FastifyReply, values: Body = {}, errors?: FieldError[]) => {
    const [groups, agencies, people] = await Promise.all([partnershipGroups(db, pid(req)), listAgencies(db, pid(req)), partnershipPeople(db, pid(req))]);
    const themes = many(values.themes);
    return reply.code(errors ? 400 : 200).view('actions/views/new.njk', {
      title: 'Add an action', values,
      errors: errors ? formErrors(errors, { source: 'source', dueDate: 'dueDate-day', themes: 'themes' }) : undefined,
      sourceItems: DIRECT_SOURCES.map((s) => ({ value: s, text: ACTION_SOURCES[s], checked: one(values.source) === s })),
      agencyItems: [{ value: '', text: 'Select an agency' }, ...agencies.map((a) => ({ value: String(a.id), text: a.name, selected: one(values.ownerAgencyId) === String(a.id) }))],
      personItems: [{ value: '', text: 'No one selected' }, ...people.map((p) => ({ value: String(p.id), text: `${p.name}, ${p.agency}`, selected: one(values.ownerUserId) === String(p.id) }))],
      groupItems: [{ value: '', text: 'No group' }, ...groups.filter((g) => g.active).map((g) => ({ value: String(g.id), text: g.name, selected: one(values.groupId) === String(g.id) }))],
      themeItems: LEARNING_THEME_CODES.map((t) => ({ value: t, text: LEARNING_THEMES[t], checked: themes.includes(t) })),
    });
  };

  app.get('/actions/new', { config: { access: 'assurance.manage' } }, async (req, reply) => newPage(req, reply));

  app.post('/actions/new', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const b = body(req);
    const own: FieldError[] = [];
    const source = one(b.source);
    if (!DIRECT_SOURCES.includes(source as ActionSource)) own.push({ field: 'source', message: 'Select where the action comes from' });
    if (one(b.reference).length > 100) own.push({ field: 'reference', message: 'The reference must be 100 characters or fewer' });
    if (one(b.recommendation).length > MAX_TEXT) own.push({ field: 'recommendation', message: `The recommendation must be ${MAX_TEXT.toLocaleString('en-GB')} characters or fewer` });
    if (one(b.description).length > MAX_TEXT) own.push({ field: 'description', message: `The action must be ${MAX_TEXT.toLocaleString('en-GB')} characters or fewer` });
    if (one(b.ownerUserId) && one(b.ownerName)) own.push({ field: 'ownerName', message: 'Select a person or enter a name, not both' });
    if (one(b.ownerName).length > 200) own.push({ field: 'ownerName', message: 'The owner’s name must be 200 characters or fewer' });
    const due = dateOf(b, 'dueDate');
    if (due === null) own.push({ field: 'dueDate', message: 'Enter the due date' });
    else if (due === 'invalid') own.push({ field: 'dueDate', message: 'The due date must be a real date, like 31 3 2027' });
    const idOrNull = (v: string) => (v ? (/^\d{1,9}$/.test(v) ? Number(v) : -1) : null);
    let id: string;
    try {
      // The tracker's own checks and the form's are reported together; an insert the form refuses is rolled back.
      id = await db.transaction().execute(async (tx) => {
        let ids: string[] = [];
        const errors: FieldError[] = [];
        try {
          ids = await createActions(tx, pid(req), [{
            source: (DIRECT_SOURCES.includes(source as ActionSource) ? source : 'other') as ActionSource,
            reference: one(b.reference), recommendation: one(b.recommendation), description: one(b.description),
            ownerAgencyId: idOrNull(one(b.ownerAgencyId)) ?? -1, ownerUserId: idOrNull(one(b.ownerUserId)), ownerName: one(b.ownerName) || null,
            groupId: idOrNull(one(b.groupId)), themes: many(b.themes), dueDate: due && due !== 'invalid' ? due : '0000-00-00',
          }], req.beaconSession!.user.id, now());
        } catch (err) {
          if (!(err instanceof ValidationFailed)) throw err;
          errors.push(...err.errors);
        }
        const fields = new Set(own.map((e) => e.field));
        const all = [...own, ...errors.filter((e) => !fields.has(e.field))];
        if (all.length) throw new ValidationFailed(orderedErrors(all));
        return ids[0]!;
      });
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return newPage(req, reply, b, err.errors);
    }
    await req.audit({ action: 'action.create', recordType: 'action', recordId: id, detail: { source } });
    reply.flash('Action added to the tracker.');
    return reply.redirect(`/actions/${id}`, 303);
  });

  // -------------------------------------------------------------------------------------------------------
  // One action

  type PageExtra = { form?: 'update' | 'change'; values?: Body; errors?: FieldError[]; status?: number; conflict?: boolean };

  const actionPage = async (req: FastifyRequest, reply: FastifyReply, action: ActionView, extra: PageExtra = {}) => {
    const w = who(req);
    const canUpdate = mayUpdate(action, w);
    const canChange = w.manages;
    const rag = actionRag({ status: action.status, due_date: action.dueDate }, today());
    const update: Body = extra.form === 'update' && extra.values ? extra.values : {};
    const change: Body = extra.form === 'change' && extra.values ? extra.values : {
      ...dateBoxes('dueDate', action.dueDate), ownerAgencyId: String(action.ownerAgencyId), ownerUserId: action.ownerUserId ? String(action.ownerUserId) : '',
      ownerName: action.ownerUserId ? '' : (action.ownerName ?? ''), groupId: action.groupId ? String(action.groupId) : '',
    };
    const [groups, agencies, people] = canChange
      ? await Promise.all([partnershipGroups(db, pid(req)), listAgencies(db, pid(req)), partnershipPeople(db, pid(req))])
      : [[], [], []];
    const errors = extra.errors ? formErrors(extra.errors, { status: 'status', dueDate: 'dueDate-day', conflict: 'conflict' }) : undefined;
    return reply.code(extra.status ?? (extra.errors ? 400 : 200)).view('actions/views/action.njk', {
      title: `Action ${action.reference}`, action, canUpdate, canChange, conflict: extra.conflict ?? false, form: extra.form,
      sourceLabel: ACTION_SOURCES[action.source], sourceHref: sourceHref(action.source, action.sourceId),
      statusLabel: ACTION_STATUSES[action.status], rag, ragLabel: ACTION_RAG_LABELS[rag], ragClass: RAG_TAG[rag],
      themes: action.themes.map(themeLabel),
      history: action.history.map((h) => ({ ...h, statusLabel: ACTION_STATUSES[h.status] })),
      updateValues: update, changeValues: change, errors,
      statusItems: ACTION_STATUS_CODES.map((s) => ({ value: s, text: ACTION_STATUSES[s], checked: (update.status ?? action.status) === s })),
      agencyItems: agencies.map((a) => ({ value: String(a.id), text: a.name, selected: one(change.ownerAgencyId) === String(a.id) })),
      personItems: [{ value: '', text: 'No one selected' }, ...people.map((p) => ({ value: String(p.id), text: `${p.name}, ${p.agency}`, selected: one(change.ownerUserId) === String(p.id) }))],
      groupItems: [{ value: '', text: 'No group' }, ...groups.filter((g) => g.active || g.id === action.groupId)
        .map((g) => ({ value: String(g.id), text: g.name, selected: one(change.groupId) === String(g.id) }))],
    });
  };

  app.get('/actions/:id', { config: { access: 'assurance.view' } }, async (req, reply) => {
    const action = await findAction(db, pid(req), idOf(req));
    await req.audit({ action: 'action.read', recordType: 'action', recordId: action.id });
    return actionPage(req, reply, action);
  });

  app.post('/actions/:id', { config: { access: 'assurance.view' } }, async (req, reply) => {
    const w = who(req);
    // A reader who may update no action at all is refused before the action is looked up.
    if (!w.manages && !w.contributes) throw new Forbidden('Only the business manager and the agency that owns an action may update it');
    const action = await findAction(db, pid(req), idOf(req));
    if (!mayUpdate(action, w)) throw new Forbidden('Only the business manager and the agency that owns an action may update it');
    const b = body(req);
    try {
      const { from, to } = await updateAction(db, pid(req), action.id, versionOf(b.version),
        { status: one(b.status), note: one(b.note), evidence: one(b.evidence) }, req.beaconSession!.user.id, now());
      await req.audit({ action: 'action.update', recordType: 'action', recordId: action.id, detail: { from, to } });
      reply.flash(to === from ? 'Progress recorded.' : `Status changed to ${ACTION_STATUSES[to].toLowerCase()}.`);
      return reply.redirect(`/actions/${action.id}`, 303);
    } catch (err) {
      if (err instanceof ValidationFailed) return actionPage(req, reply, action, { form: 'update', values: b, errors: err.errors });
      if (err instanceof EditConflict) {
        return actionPage(req, reply, await findAction(db, pid(req), action.id), { form: 'update', values: b, errors: [{ field: 'conflict', message: CONFLICT }], status: 409, conflict: true });
      }
      throw err;
    }
  });

  app.post('/actions/:id/change', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const action = await findAction(db, pid(req), idOf(req));
    const b = body(req);
    const due = dateOf(b, 'dueDate');
    try {
      const changes = await changeAction(db, pid(req), action.id, versionOf(b.version), {
        dueDate: due, ownerAgencyId: one(b.ownerAgencyId), ownerUserId: one(b.ownerUserId), ownerName: one(b.ownerName), groupId: one(b.groupId), reason: one(b.reason),
      }, req.beaconSession!.user.id, now());
      await req.audit({ action: 'action.change', recordType: 'action', recordId: action.id, detail: { changes: changes.length } });
      reply.flash(`${changes.join('. ')}.`);
      return reply.redirect(`/actions/${action.id}`, 303);
    } catch (err) {
      if (err instanceof ValidationFailed) return actionPage(req, reply, action, { form: 'change', values: b, errors: err.errors });
      if (err instanceof EditConflict) {
        return actionPage(req, reply, await findAction(db, pid(req), action.id), { form: 'change', values: b, errors: [{ field: 'conflict', message: CONFLICT }], status: 409, conflict: true });
      }
      throw err;
    }
  });
}

const FORM_ORDER = ['source', 'reference', 'recommendation', 'description', 'ownerAgencyId', 'ownerUserId', 'ownerName', 'groupId', 'themes', 'dueDate'];
/** Errors in the order the form asks its questions, so the summary reads down the page. */
function orderedErrors(errors: FieldError[]): FieldError[] {
  const rank = (f: string) => { const i = FORM_ORDER.indexOf(f); return i < 0 ? FORM_ORDER.length : i; };
  return [...errors].sort((a, b) => rank(a.field) - rank(b.field));
}
