import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { childName } from '../../domain/child-name';
import { codesFor, collectionYearOf } from '../../domain/codes';
import type { AppDeps } from '../../platform/deps';
import { ValidationFailed, type FieldError } from '../../platform/errors';
import { formErrors } from '../../platform/forms';
import { listAgencies } from '../agencies/agencies.service';
import type { PossibleDuplicate } from '../children/child-details.service';
import { findChildById, searchChildren } from '../children/children.service';
import { countdown } from './clock';
import {
  actionOf, blankContactForm, childRows, contactInputOf, dateFrom, formValues, problemsOnPage, receivedFields, rowCount, rowEntry, timeFrom, MAX_CHILD_ROWS,
  type FormValues,
} from './contact-form';
import { londonInstant, londonParts } from '../../domain/london';
import { PossibleDuplicateChildren, contactProblems, createContact } from './contacts.service';
import { consultationCounts, consultationProblems, listConsultations, recordConsultation, type ConsultationInput } from './consultations.service';
import {
  DECISIONS, DecisionConflict, QUEUE_TABS, contactRecord, decideContact, decisionText, queue, queueCounts, tellReferrer, type QueueTab,
} from './screening.service';

/**
 * The front door's pages: the screening queue, recording a contact (keyboard first, no JavaScript
 * needed), a contact with its decision clock and the decision, and the consultation line.
 */

const SEARCH_RESULTS = 10;

export async function frontDoorRoutes(app: FastifyInstance, { db, now, mailer }: AppDeps) {
  const access = 'frontdoor.screen' as const;
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;
  const userId = (req: FastifyRequest) => req.beaconSession!.user.id;
  const sources = () => codesFor('referralSource', collectionYearOf(londonParts(now()).date));

  /** A search for a child from a form: it shows children, so it is logged with the ids it showed. */
  async function findChildren(req: FastifyRequest, q: string) {
    const results = await searchChildren(db, pid(req), q.slice(0, 100), SEARCH_RESULTS);
    await req.audit({ action: 'child.search', recordType: 'child', detail: { results: results.length, ids: results.map((c) => c.id), form: 'front door' } });
    return results;
  }

  // --- The queue -------------------------------------------------------------------------------

  app.get('/front-door', { config: { access } }, async (req, reply) => {
    const asked = String((req.query as { show?: string }).show ?? 'awaiting');
    const tab: QueueTab = (QUEUE_TABS as string[]).includes(asked) ? asked as QueueTab : 'awaiting';
    const at = now();
    const rows = await queue(db, pid(req), tab, at);
    await req.audit({
      action: 'front_door_contact.list', recordType: 'front_door_contact',
      detail: { tab, results: rows.length, children: rows.flatMap((r) => r.children.map((c) => c.id)) },
    });
    return reply.view('front-door/views/queue.njk', {
      title: 'Front door', tab, counts: await queueCounts(db, pid(req), at),
      rows: rows.map((r) => ({ ...r, clock: countdown(r.decisionDueAt, at), decisionText: decisionText(r.decision) })),
    });
  });

  // --- Recording a contact -----------------------------------------------------------------------

  type FormState = { problems?: FieldError[]; duplicates?: Map<number, PossibleDuplicate[]>; searchRows?: number[]; status?: number };

  async function contactForm(req: FastifyRequest, reply: FastifyReply, form: FormValues, state: FormState = {}) {
    const rows = [];
    const summary: FieldError[] = [];
    for (let i = 0; i < rowCount(form); i++) {
      const entry = rowEntry(form, i);
      const chosen = entry.kind === 'chosen' ? await findChildById(db, pid(req), entry.childId) : undefined;
      const q = (form[`children-${i}-search`] ?? '').trim();
      const results = state.searchRows?.includes(i) && q ? await findChildren(req, q) : null;
      const matches = state.duplicates?.get(i) ?? null;
      if (matches) {
        summary.push({ field: `children-${i}-match`, message: `${childName({ first_name: form[`children-${i}-firstName`] ?? '', last_name: form[`children-${i}-lastName`] ?? '' })} may already be recorded: choose the child, or say this is a new child` });
      }
      rows.push({ i, chosen: chosen ?? null, search: q, results, matches, searched: state.searchRows?.includes(i) ?? false });
    }
    const problems = [...summary, ...(state.problems ?? [])];
    const agencies = await listAgencies(db, pid(req));
    return reply.code(state.status ?? (problems.length ? 400 : 200)).view('front-door/views/contact-form.njk', {
      title: 'Record a contact', form, rows, agencies, sources: sources(), maxRows: MAX_CHILD_ROWS,
      errors: problems.length ? formErrors(problems) : undefined,
    });
  }

  app.get('/front-door/contacts/new', { config: { access } }, async (req, reply) => contactForm(req, reply, blankContactForm(now())));

  app.post('/front-door/contacts/new', { config: { access } }, async (req, reply) => {
    const form = formValues(req.body);
    const action = actionOf(form);
    if (action.kind === 'add-child') {
      form.childCount = String(Math.min(rowCount(form) + 1, MAX_CHILD_ROWS));
      return contactForm(req, reply, form);
    }
    if (action.kind === 'find') return contactForm(req, reply, form, { searchRows: [action.row] });
    if (action.kind === 'clear') {
      for (const k of ['childId', 'match', 'search']) delete form[`children-${action.row}-${k}`];
      return contactForm(req, reply, form);
    }
    // Enter in a row's search box saves the form: a row with only a search in it searches instead.
    const searchRows = [...Array(rowCount(form)).keys()].filter((i) => rowEntry(form, i).kind === 'search');
    if (searchRows.length) return contactForm(req, reply, form, { searchRows });

    const at = now();
    const input = contactInputOf(form);
    const agencies = await listAgencies(db, pid(req));
    const extra: FieldError[] = [];
    if (form['referrer-agency'] && !agencies.some((a) => String(a.id) === form['referrer-agency'])) {
      extra.push({ field: 'referrer.agency', message: 'Select the referrer’s agency from the list, or type it' });
    }
    if (form['receivedAt-time'] && !timeFrom(form['receivedAt-time']) && dateFrom(form, 'receivedAt') !== 'invalid') {
      extra.push({ field: 'receivedAt', message: 'Enter the time the contact was received as hours and minutes, like 14:05' });
    }
    const problems = [...contactProblems(input, at).filter((p) => !(p.field === 'receivedAt' && extra.some((e) => e.field === 'receivedAt'))), ...extra];
    if (problems.length) return contactForm(req, reply, form, { problems: problemsOnPage(form, problems) });
    try {
      const created = await createContact(db, pid(req), input, { userId: userId(req) }, at);
      const contact = await contactRecord(db, pid(req), created.id);
      await req.audit({
        action: 'front_door_contact.create', recordType: 'front_door_contact', recordId: created.id,
        detail: { children: contact.children.map((c) => c.id), newChildren: input.children.filter((c) => !('childId' in c)).length },
      });
      reply.flash('Contact recorded.');
      return reply.redirect(`/front-door/contacts/${created.id}`, 303);
    } catch (err) {
      if (err instanceof PossibleDuplicateChildren) {
        const rows = childRows(form);
        const byRow = new Map([...err.matches].map(([n, m]) => [rows[n] ?? n, m]));
        await req.audit({ action: 'child.search', recordType: 'child', detail: { results: [...err.matches.values()].flat().length, ids: [...err.matches.values()].flat().map((m) => m.id), reason: 'duplicate check' } });
        return contactForm(req, reply, form, { duplicates: byRow, status: 409 });
      }
      if (err instanceof ValidationFailed) return contactForm(req, reply, form, { problems: problemsOnPage(form, err.errors) });
      throw err;
    }
  });

  // --- A contact and its decision ----------------------------------------------------------------

  async function contactPage(req: FastifyRequest, reply: FastifyReply, id: string, extra: { values?: FormValues; problems?: FieldError[]; conflict?: DecisionConflict; status?: number } = {}) {
    const contact = await contactRecord(db, pid(req), id);
    await req.audit({ action: 'front_door_contact.read', recordType: 'front_door_contact', recordId: contact.id, detail: { children: contact.children.map((c) => c.id) } });
    const at = now();
    return reply.code(extra.status ?? 200).view('front-door/views/contact.njk', {
      title: `Contact about ${contact.children.map((c) => childName(c)).join(', ') || 'no child'}`,
      contact, decisions: DECISIONS, decisionText: decisionText(contact.decision),
      clock: contact.status === 'awaiting_decision' ? countdown(contact.decision_due_at, at) : null,
      decidedLate: contact.decision_at ? contact.decision_at.getTime() > contact.decision_due_at.getTime() : false,
      values: extra.values ?? {}, conflict: extra.conflict ?? null,
      errors: extra.problems?.length ? formErrors(extra.problems) : undefined,
    });
  }

  /** The version the form was opened at; one no contact can have (not a whole number the column keeps) reads as -1, a stale form. */
  const versionOf = (v: string | undefined) => {
    const n = Number(v);
    return Number.isInteger(n) && n >= 0 && n <= 2_147_483_647 ? n : -1;
  };

  app.get('/front-door/contacts/:id', { config: { access } }, async (req, reply) => contactPage(req, reply, (req.params as { id: string }).id));

  app.post('/front-door/contacts/:id/decision', { config: { access } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const form = formValues(req.body);
    const at = now();
    try {
      const outcome = await decideContact(db, pid(req), id, {
        decision: form.decision ?? '', reason: form.reason ?? '', rag: form.rag ?? null, version: versionOf(form.version),
      }, userId(req), at);
      const emailed = await tellReferrer(db, mailer, pid(req), req.partnership!.name, id, now());
      await req.audit({
        action: 'front_door_contact.decide', recordType: 'front_door_contact', recordId: id,
        detail: {
          decision: outcome.decision, referrals: outcome.referrals.map((r) => r.referralId), reReferrals: outcome.referrals.filter((r) => r.reReferral).length,
          mashEnquiry: outcome.mashEnquiryId, referrerEmail: emailed,
        },
      });
      const told = emailed === null ? '' : emailed === 'failed' ? ' The email to the referrer could not be sent.' : ' The referrer has been told by email.';
      reply.flash(`Decision recorded: ${decisionText(outcome.decision)}.${told}`);
      return reply.redirect(`/front-door/contacts/${id}`, 303);
    } catch (err) {
      if (err instanceof ValidationFailed) return contactPage(req, reply, id, { values: form, problems: err.errors, status: 400 });
      if (err instanceof DecisionConflict) {
        await req.audit({ action: 'front_door_contact.decide_conflict', outcome: 'failed', recordType: 'front_door_contact', recordId: id });
        return contactPage(req, reply, id, { values: form, conflict: err, status: 409 });
      }
      throw err;
    }
  });

  // --- The consultation line ---------------------------------------------------------------------

  app.get('/front-door/consultations', { config: { access } }, async (req, reply) => {
    const calls = await listConsultations(db, pid(req));
    await req.audit({
      action: 'consultation.list', recordType: 'consultation',
      detail: { results: calls.length, children: calls.flatMap((c) => (c.child_id ? [c.child_id] : [])) },
    });
    return reply.view('front-door/views/consultations.njk', { title: 'Consultation line', calls, counts: await consultationCounts(db, pid(req), now()) });
  });

  async function consultationForm(req: FastifyRequest, reply: FastifyReply, form: FormValues, state: { problems?: FieldError[]; search?: boolean } = {}) {
    const chosen = form.childId ? await findChildById(db, pid(req), form.childId) : undefined;
    const q = (form.childSearch ?? '').trim();
    const results = state.search && q && !chosen ? await findChildren(req, q) : null;
    return reply.code(state.problems?.length ? 400 : 200).view('front-door/views/consultation-form.njk', {
      title: 'Log a consultation call', form, agencies: await listAgencies(db, pid(req)), chosen: chosen ?? null, results, searched: Boolean(state.search),
      errors: state.problems?.length ? formErrors(state.problems) : undefined,
    });
  }

  app.get('/front-door/consultations/new', { config: { access } }, async (req, reply) => {
    const r = receivedFields(now());
    return consultationForm(req, reply, Object.fromEntries(Object.entries(r).map(([k, v]) => [k.replace('receivedAt', 'calledAt'), v])));
  });

  app.post('/front-door/consultations/new', { config: { access } }, async (req, reply) => {
    const form = formValues(req.body);
    if (form.action === 'find') return consultationForm(req, reply, form, { search: true });
    if (form.action === 'clear') {
      delete form.childId;
      delete form.childSearch;
      return consultationForm(req, reply, form);
    }
    // Enter in the search box saves the form: a search with no child chosen or named searches instead.
    if (form.childSearch?.trim() && !form.childId && !form.childName?.trim()) return consultationForm(req, reply, form, { search: true });

    const at = now();
    const date = dateFrom(form, 'calledAt');
    const time = timeFrom(form['calledAt-time']);
    const agencies = await listAgencies(db, pid(req));
    const agency = (form.callerAgency ?? '').trim();
    const input: ConsultationInput = {
      calledAt: date && date !== 'invalid' && time && !Number.isNaN(Date.parse(`${date}T${time}Z`)) ? londonInstant(date, time) : new Date(Number.NaN),
      callerName: form.callerName ?? '', callerRole: form.callerRole, callerAgencyId: agency ? Number(agency) : null, callerAgencyName: form.callerAgencyName,
      callerPhone: form.callerPhone, callerEmail: form.callerEmail?.trim(), childId: form.childId || null, childName: form.childName,
      question: form.question ?? '', advice: form.advice ?? '',
      requestForSupport: form.requestForSupport === 'yes' ? true : form.requestForSupport === 'no' ? false : null,
    };
    const problems = consultationProblems(input, at);
    if (agency && !agencies.some((a) => String(a.id) === agency)) problems.push({ field: 'callerAgency', message: 'Select the caller’s agency from the list, or type it' });
    const onPage = (list: FieldError[]) => sortByPage(list.map((p) => (p.field === 'calledAt' ? { ...p, field: 'calledAt-day' } : p)), CONSULTATION_ORDER);
    if (problems.length) return consultationForm(req, reply, form, { problems: onPage(problems) });
    try {
      const id = await recordConsultation(db, pid(req), input, userId(req), at);
      await req.audit({ action: 'consultation.create', recordType: 'consultation', recordId: id, detail: { child: input.childId ?? null, requestForSupport: input.requestForSupport } });
      reply.flash('Consultation call logged.');
      return reply.redirect('/front-door/consultations', 303);
    } catch (err) {
      if (err instanceof ValidationFailed) return consultationForm(req, reply, form, { problems: onPage(err.errors) });
      throw err;
    }
  });
}

const CONSULTATION_ORDER = ['calledAt', 'callerName', 'callerRole', 'callerAgency', 'callerAgencyName', 'callerPhone', 'callerEmail', 'childSearch', 'childName', 'question', 'advice', 'requestForSupport'];

function sortByPage(problems: FieldError[], order: string[]): FieldError[] {
  const place = (f: string) => {
    const i = order.findIndex((o) => f === o || f.startsWith(`${o}-`));
    return i === -1 ? order.length : i;
  };
  return problems.map((p, i) => ({ p, i })).sort((a, b) => place(a.p.field) - place(b.p.field) || a.i - b.i).map((x) => x.p);
}
