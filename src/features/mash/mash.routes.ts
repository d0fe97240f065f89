import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Rag } from '../../db/schema';
import { labelOf } from '../../domain/codes';
import type { AppDeps } from '../../platform/deps';
import { ValidationFailed, type FieldError } from '../../platform/errors';
import { formErrors } from '../../platform/forms';
import { pagination } from '../../platform/pagination';
import { AGENCY_TYPES, listAgencies } from '../agencies/agencies.service';
import { DAY_NAMES, RAGS, RAG_LABELS, countdown, type MashSettingsForm } from './mash-clock';
import {
  EditConflict, MASH_DECISIONS, agencyQueue, changeRag, completeCheck, decideEnquiry, decisionLabel, findAgencyCheck, findEnquiry,
  listOpenEnquiries, mashSettings, requestChecks, saveMashSettings, type EnquiryView,
} from './mash.service';

/**
 * The MASH in the browser: its settings (the partnership administrator), the MASH team's enquiries with
 * their checks, RAG and decision (the front door), and each agency officer's own checks.
 */

const RAG_TAG: Record<Rag, string> = { red: 'govuk-tag--red', amber: 'govuk-tag--yellow', green: 'govuk-tag--green' };
const CONFLICT = 'Someone else changed this enquiry after you opened it. Nothing was saved: check what is recorded now and try again.';

export async function mashRoutes(app: FastifyInstance, { db, now, mailer }: AppDeps) {
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;
  const userId = (req: FastifyRequest) => req.beaconSession!.user.id;
  const agencyId = (req: FastifyRequest) => req.beaconSession!.user.agencyId;
  const idOf = (req: FastifyRequest) => (req.params as { id: string }).id;
  const body = (req: FastifyRequest) => (req.body ?? {}) as Record<string, string | string[] | undefined>;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';
  /** The version the form was opened at; one no record can have (not a whole number a column keeps) reads as -1, a stale form. */
  const versionOf = (v: string | string[] | undefined) => {
    const n = Number(one(v));
    return Number.isInteger(n) && n >= 0 && n <= 2_147_483_647 ? n : -1;
  };
  const common = { ragLabels: RAG_LABELS, ragTag: RAG_TAG };

  // -------------------------------------------------------------------------------------------------------
  // Settings

  const settingsPage = async (req: FastifyRequest, reply: FastifyReply, values?: MashSettingsForm, errors?: FieldError[]) => {
    const s = await mashSettings(db, pid(req));
    const v = values ?? { start: s.start, end: s.end, days: s.days.map(String), clock: s.clock, red: String(s.limits.red), amber: String(s.limits.amber), green: String(s.limits.green) };
    const days = ([] as string[]).concat(v.days ?? []);
    return reply.code(errors ? 400 : 200).view('mash/views/settings.njk', {
      ...common, title: 'MASH hours and check timescales', values: v, errors: errors ? formErrors(errors, { days: 'days', clock: 'clock' }) : undefined,
      dayItems: DAY_NAMES.map((name, i) => ({ value: String(i + 1), text: name, checked: days.includes(String(i + 1)) })),
    });
  };

  app.get('/admin/mash', { config: { access: 'admin.partnership' } }, async (req, reply) => settingsPage(req, reply));

  app.post('/admin/mash', { config: { access: 'admin.partnership' } }, async (req, reply) => {
    const form = body(req) as MashSettingsForm;
    try {
      await saveMashSettings(db, pid(req), form);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return settingsPage(req, reply, form, err.errors);
    }
    await req.audit({ action: 'partnership.mash_settings', recordType: 'partnership', recordId: String(pid(req)) });
    reply.flash('MASH hours and check timescales saved. New checks are timed by them.');
    return reply.redirect('/admin/mash', 303);
  });

  // -------------------------------------------------------------------------------------------------------
  // The MASH team

  app.get('/mash', { config: { access: 'frontdoor.screen' } }, async (req, reply) => {
    const enquiries = await listOpenEnquiries(db, pid(req));
    await req.audit({ action: 'mash_enquiry.list', recordType: 'mash_enquiry', detail: { results: enquiries.length, children: enquiries.reduce((n, e) => n + e.children.length, 0) } });
    const at = now();
    return reply.view('mash/views/enquiries.njk', {
      ...common, title: 'MASH enquiries',
      enquiries: enquiries.map((e) => ({ ...e, countdown: e.nextDueAt ? countdown(e.nextDueAt, at) : null })),
    });
  });

  const enquiryPage = async (req: FastifyRequest, reply: FastifyReply, enquiry: EnquiryView, extra: { errors?: FieldError[]; form?: string; values?: Record<string, unknown>; status?: number } = {}) => {
    const at = now();
    const asked = new Set(enquiry.checks.map((c) => c.agencyId));
    const selected = ([] as unknown[]).concat(extra.values?.agencies ?? []).map(String);
    const agencies = (await listAgencies(db, pid(req))).filter((a) => !asked.has(a.id));
    const typeLabel = Object.fromEntries(AGENCY_TYPES.map((t) => [t.value, t.label]));
    const outstanding = enquiry.checks.filter((c) => c.status === 'requested');
    return reply.code(extra.status ?? (extra.errors ? 400 : 200)).view('mash/views/enquiry.njk', {
      ...common, title: `MASH enquiry: ${enquiry.children.map((c) => [c.firstName, c.lastName].filter(Boolean).join(' ') || c.laChildId).join(', ')}`,
      enquiry, sourceLabel: labelOf('referralSource', enquiry.contact.source) ?? enquiry.contact.source,
      checks: enquiry.checks.map((c) => ({ ...c, countdown: c.status === 'requested' ? countdown(c.dueAt, at) : null, typeLabel: typeLabel[c.agencyType] })),
      outstanding: outstanding.map((c) => c.agencyName),
      agencyItems: agencies.map((a) => ({ value: String(a.id), text: a.name, hint: { text: typeLabel[a.type] }, checked: selected.includes(String(a.id)) })),
      ragItems: RAGS.filter((r) => r !== enquiry.rag).map((r) => ({ value: r, text: RAG_LABELS[r], checked: extra.values?.rag === r })),
      decisionItems: MASH_DECISIONS.map((d) => ({ value: d.value, text: d.label, checked: extra.values?.decision === d.value })),
      decisionText: enquiry.decision ? decisionLabel(enquiry.decision) : null,
      values: extra.values ?? {}, form: extra.form,
      errors: extra.errors ? formErrors(extra.errors, { agencies: 'agencies', rag: 'rag', decision: 'decision', confirmOutstanding: 'confirmOutstanding' }) : undefined,
    });
  };

  app.get('/mash/enquiries/:id', { config: { access: 'frontdoor.screen' } }, async (req, reply) => {
    const enquiry = await findEnquiry(db, pid(req), idOf(req));
    await req.audit({ action: 'mash_enquiry.read', recordType: 'mash_enquiry', recordId: enquiry.id, detail: { children: enquiry.children.length } });
    return enquiryPage(req, reply, enquiry);
  });

  /** Runs one of the enquiry page's forms: on a problem the page comes back with that form's errors and values. */
  const enquiryForm = (form: string, conflictField: string, act: (req: FastifyRequest, version: number) => Promise<string>) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      const id = idOf(req);
      const values = body(req);
      try {
        const message = await act(req, versionOf(values.version));
        reply.flash(message);
        return reply.redirect(`/mash/enquiries/${id}`, 303);
      } catch (err) {
        if (err instanceof ValidationFailed) return enquiryPage(req, reply, await findEnquiry(db, pid(req), id), { errors: err.errors, form, values });
        if (err instanceof EditConflict) {
          return enquiryPage(req, reply, await findEnquiry(db, pid(req), id), { errors: [{ field: conflictField, message: CONFLICT }], form, values, status: 409 });
        }
        throw err;
      }
    };

  app.post('/mash/enquiries/:id/checks', { config: { access: 'frontdoor.screen' } }, enquiryForm('checks', 'agencies', async (req, version) => {
    const { requested } = await requestChecks(db, pid(req), idOf(req), version, body(req).agencies, userId(req), now());
    await req.audit({ action: 'agency_check.request', recordType: 'mash_enquiry', recordId: idOf(req), detail: { agencies: requested.length } });
    return `Checks requested from ${requested.join(', ')}.`;
  }));

  app.post('/mash/enquiries/:id/rag', { config: { access: 'frontdoor.screen' } }, enquiryForm('rag', 'rag', async (req, version) => {
    const b = body(req);
    const changed = await changeRag(db, pid(req), idOf(req), version, { rag: one(b.rag), reason: one(b.ragReason) }, userId(req), now());
    await req.audit({ action: 'mash_enquiry.rag_change', recordType: 'mash_enquiry', recordId: idOf(req), detail: { from: changed.from, to: changed.to, checksRetimed: changed.recomputed } });
    return `RAG rating changed to ${RAG_LABELS[changed.to].toLowerCase()}.${changed.recomputed ? ` ${changed.recomputed} outstanding ${changed.recomputed === 1 ? 'check is' : 'checks are'} timed by the new rating.` : ''}`;
  }));

  app.post('/mash/enquiries/:id/decision', { config: { access: 'frontdoor.screen' } }, enquiryForm('decision', 'decision', async (req, version) => {
    const b = body(req);
    const result = await decideEnquiry(db, mailer, pid(req), idOf(req), version, {
      decision: one(b.decision), summary: one(b.summary), confirmOutstanding: one(b.confirmOutstanding), includeSummary: one(b.includeSummary),
    }, userId(req), now());
    await req.audit({ action: 'mash_enquiry.decide', recordType: 'mash_enquiry', recordId: idOf(req), detail: {
      decision: result.decision, outstandingChecks: result.outstanding.length, referrals: result.referrals.length,
      reReferrals: result.referrals.filter((r) => r.reReferral).length, referrerTold: result.referrerTold,
    } });
    const reReferrals = result.referrals.filter((r) => r.reReferral).length;
    return [`Decided: ${decisionLabel(result.decision).toLowerCase()}.`,
      result.referrals.length ? `${result.referrals.length} ${result.referrals.length === 1 ? 'referral' : 'referrals'} opened${reReferrals ? `, ${reReferrals} of them ${reReferrals === 1 ? 'a re-referral' : 're-referrals'} within 12 months` : ''}.` : '',
      result.referrerTold ? 'The referrer has been emailed the outcome.' : ''].filter(Boolean).join(' ');
  }));

  // -------------------------------------------------------------------------------------------------------
  // An agency's MASH officer

  app.get('/mash/checks', { config: { access: 'mash.respond' } }, async (req, reply) => {
    const page = Number.parseInt(String((req.query as { page?: string }).page ?? '1'), 10);
    const queue = await agencyQueue(db, pid(req), agencyId(req), now(), page);
    const children = [...queue.open, ...queue.completed].reduce((n, c) => n + c.children.length, 0);
    await req.audit({ action: 'agency_check.list', recordType: 'agency_check',
      detail: { page: queue.page, open: queue.open.length, completed: queue.completed.length, children } });
    const at = now();
    return reply.view('mash/views/checks.njk', {
      ...common, title: 'MASH checks for your agency', counts: queue.counts,
      open: queue.open.map((c) => ({ ...c, countdown: countdown(c.dueAt, at) })), completed: queue.completed,
      pagination: pagination(queue.page, queue.pages, (n) => `/mash/checks?page=${n}`),
      page: queue.page, pages: queue.pages,
    });
  });

  const checkPage = async (req: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldError[]; values?: Record<string, unknown>; status?: number } = {}) => {
    const check = await findAgencyCheck(db, pid(req), agencyId(req), idOf(req));
    return reply.code(extra.status ?? (extra.errors ? 400 : 200)).view('mash/views/check.njk', {
      ...common, title: `MASH check: ${check.children.map((c) => [c.firstName, c.lastName].filter(Boolean).join(' ') || c.laChildId).join(', ')}`,
      check, countdown: check.status === 'requested' ? countdown(check.dueAt, now()) : null,
      sourceLabel: labelOf('referralSource', check.source) ?? check.source,
      values: extra.values ?? {}, errors: extra.errors ? formErrors(extra.errors) : undefined,
    });
  };

  app.get('/mash/checks/:id', { config: { access: 'mash.respond' } }, async (req, reply) => {
    const check = await findAgencyCheck(db, pid(req), agencyId(req), idOf(req));
    await req.audit({ action: 'agency_check.read', recordType: 'agency_check', recordId: check.id, detail: { children: check.children.length } });
    return checkPage(req, reply);
  });

  app.post('/mash/checks/:id', { config: { access: 'mash.respond' } }, async (req, reply) => {
    const b = body(req);
    try {
      await completeCheck(db, pid(req), agencyId(req), idOf(req), versionOf(b.version), { information: one(b.information), needToKnow: one(b.needToKnow) }, userId(req), now());
    } catch (err) {
      if (err instanceof ValidationFailed) return checkPage(req, reply, { errors: err.errors, values: b });
      if (err instanceof EditConflict) {
        return checkPage(req, reply, { errors: [{ field: 'information', message: 'Someone else at your agency saved this check after you opened it. Nothing was saved: read what is recorded now.' }], values: b, status: 409 });
      }
      throw err;
    }
    await req.audit({ action: 'agency_check.complete', recordType: 'agency_check', recordId: idOf(req), detail: { needToKnow: one(b.needToKnow) === 'yes' } });
    reply.flash('Check completed. The MASH team can now read what your agency knows.');
    return reply.redirect('/mash/checks', 303);
  });
}
