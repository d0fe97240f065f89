import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { londonParts } from '../../domain/london';
import type { AppDeps } from '../../platform/deps';
import { ValidationFailed, type FieldError } from '../../platform/errors';
import { dateFields, formErrors, text, type Form } from '../../platform/forms';
import {
  REPORT_STATUS, SECTION_KINDS, SECTION_STATUS, StructureConflict, addSection, changeOwner, createReport, defaultTitle,
  lastCompleteFinancialYear, listReports, missingCatalogueEntries, moveSection, parseNewReport, parseNewSection, periodText, removeSection,
  reportContents, reportHistory, restoreSection, sectionsOwnedBy, writers,
} from './annual-report.service';
import {
  ApprovalRefused, NotReadyToSend, approvals, parseDecision, partnersStillToApprove, recordDecision, reopenReport, sectionsNotAccepted, sendForApproval,
} from './approval.service';
import { ReportLocked, assertEditable, findReport, findSection, type AnnualReport } from './report.repository';

/**
 * The annual report: the partnership's reports, starting one for a period, the builder (its contents in
 * order, who writes each section, sections added, removed and restored), sending it to the Executive, the
 * Executive's decisions, and its history. Each section's own page is the report sections feature's.
 */
export async function annualReportRoutes(app: FastifyInstance, { db, now, mailer, config }: AppDeps) {
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;
  const form = (req: FastifyRequest) => (req.body ?? {}) as Form;
  const me = (req: FastifyRequest) => req.beaconSession!.user;
  const today = () => londonParts(now()).date;
  const params = (req: FastifyRequest) => req.params as { id: string; sectionId: string };
  const reportOf = (req: FastifyRequest) => findReport(db, pid(req), params(req).id);
  const base = (r: AnnualReport) => `/reports/annual/${r.id}`;

  /** A change to a report that is not being drafted: the 409 page saying why, with the way back. */
  const locked = (reply: FastifyReply, report: AnnualReport, message: string) =>
    reply.code(409).view('annual-report/views/locked.njk', { title: 'This report cannot be changed now', report, message });

  /** Runs a handler, answering ReportLocked and a refused approval step with the 409 page. */
  const guarded = async (reply: FastifyReply, report: AnnualReport, run: () => Promise<unknown>) => {
    try {
      return await run();
    } catch (err) {
      if (err instanceof ReportLocked || err instanceof ApprovalRefused) return locked(reply, report, err.message);
      throw err;
    }
  };

  // ---- The partnership's reports ----

  app.get('/reports/annual', { config: { access: 'report.view' } }, async (req, reply) => {
    const reports = await listReports(db, pid(req));
    const mine = req.scopes.has('report.write') ? await sectionsOwnedBy(db, pid(req), me(req).id) : [];
    await req.audit({ action: 'annual_report.list', recordType: 'annual_report', detail: { results: reports.length } });
    return reply.view('annual-report/views/index.njk', {
      title: 'Annual report',
      reports: reports.map((r) => ({ ...r, period: periodText(r.period_from, r.period_to), tag: REPORT_STATUS[r.status] })),
      mine: mine.map((s) => ({ ...s, tag: SECTION_STATUS[s.status] })),
      manages: req.scopes.has('report.manage'), writes: req.scopes.has('report.write'),
    });
  });

  // ---- Starting a report ----

  const newPage = (reply: FastifyReply, values: Form, errors?: FieldError[]) =>
    reply.code(errors ? 400 : 200).view('annual-report/views/new.njk', { title: 'Start an annual report', values, errors: errors ? formErrors(errors) : undefined });

  app.get('/reports/annual/new', { config: { access: 'report.manage' } }, async (_req, reply) => {
    const { from, to } = lastCompleteFinancialYear(today());
    return newPage(reply, { title: defaultTitle(from, to), ...dateFields('periodFrom', from), ...dateFields('periodTo', to) });
  });

  app.post('/reports/annual/new', { config: { access: 'report.manage' } }, async (req, reply) => {
    let report;
    try {
      report = await createReport(db, pid(req), parseNewReport(form(req)), me(req).id, now(), today());
    } catch (err) {
      if (err instanceof ValidationFailed) return newPage(reply, form(req), err.errors);
      throw err;
    }
    await req.audit({ action: 'annual_report.create', recordType: 'annual_report', recordId: report.id, detail: { from: report.period_from, to: report.period_to } });
    reply.flash(`${report.title} started with the usual sections. Check who writes each one, then let them know.`);
    return reply.redirect(base(report), 303);
  });

  // ---- The builder ----

  const builderPage = async (req: FastifyRequest, reply: FastifyReply, report: AnnualReport, opts: { status?: number; errors?: FieldError[]; values?: Form } = {}) => {
    const { active, removed } = await reportContents(db, pid(req), report.id);
    const manages = req.scopes.has('report.manage');
    const drafting = report.status === 'drafting';
    const current = report.status === 'awaiting_approval' ? (await approvals(db, pid(req), report.id)).filter((a) => !a.superseded) : [];
    return reply.code(opts.status ?? 200).view('annual-report/views/builder.njk', {
      title: report.title, report, period: periodText(report.period_from, report.period_to), tag: REPORT_STATUS[report.status],
      sections: active.map((s, i) => ({
        ...s, kindLabel: SECTION_KINDS[s.kind], tag: SECTION_STATUS[s.status], first: i === 0, last: i === active.length - 1,
      })),
      removed: removed.map((s) => ({ ...s, kindLabel: SECTION_KINDS[s.kind] })),
      accepted: active.filter((s) => s.status === 'accepted').length,
      manages, editable: manages && drafting, drafting,
      approves: req.scopes.has('report.approve') && report.status === 'awaiting_approval',
      stillToApprove: report.status === 'awaiting_approval' ? partnersStillToApprove(current) : [],
      values: opts.values ?? {}, errors: opts.errors ? formErrors(opts.errors) : undefined,
    });
  };

  app.get('/reports/annual/:id', { config: { access: 'report.view' } }, async (req, reply) => {
    const report = await reportOf(req);
    await req.audit({ action: 'annual_report.read', recordType: 'annual_report', recordId: report.id });
    return builderPage(req, reply, report);
  });

  /** A change to the structure from the builder: done, flashed and back to the builder; or the builder again, saying what stopped it. */
  const structural = async (req: FastifyRequest, reply: FastifyReply, change: (report: AnnualReport) => Promise<string>) => {
    const report = await reportOf(req);
    return guarded(reply, report, async () => {
      try {
        reply.flash(await change(report));
      } catch (err) {
        if (err instanceof StructureConflict) return builderPage(req, reply, await reportOf(req), { status: 409, errors: [{ field: 'contents', message: err.message }] });
        if (err instanceof ValidationFailed) return builderPage(req, reply, report, { status: 400, errors: err.errors.map((e) => ({ ...e, field: 'contents' })) });
        throw err;
      }
      return reply.redirect(`${base(report)}#contents`, 303);
    });
  };

  app.post('/reports/annual/:id/sections/:sectionId/move', { config: { access: 'report.manage' } }, async (req, reply) =>
    structural(req, reply, async (report) => {
      const b = form(req);
      const section = await moveSection(db, pid(req), report.id, params(req).sectionId, text(b, 'direction'), text(b, 'version'), me(req).id, now());
      await req.audit({ action: 'report_section.move', recordType: 'report_section', recordId: String(section.id), detail: { reportId: report.id, direction: text(b, 'direction') } });
      return `Moved ${section.heading} ${text(b, 'direction')}.`;
    }));

  app.post('/reports/annual/:id/sections/:sectionId/restore', { config: { access: 'report.manage' } }, async (req, reply) =>
    structural(req, reply, async (report) => {
      const section = await restoreSection(db, pid(req), report.id, params(req).sectionId, text(form(req), 'version'), me(req).id, now());
      await req.audit({ action: 'report_section.restore', recordType: 'report_section', recordId: String(section.id), detail: { reportId: report.id } });
      return `${section.heading} is back in the report, with its drafts.`;
    }));

  // ---- Removing a section: a confirmation page first ----

  const removePage = async (req: FastifyRequest, reply: FastifyReply, report: AnnualReport, values: Form = {}, errors?: FieldError[]) => {
    const section = await findSection(db, pid(req), report.id, params(req).sectionId);
    return reply.code(errors ? 400 : 200).view('annual-report/views/remove.njk', {
      title: `Remove ${section.heading}`, report, section, values: { version: String(report.version), ...values }, errors: errors ? formErrors(errors) : undefined,
    });
  };

  app.get('/reports/annual/:id/sections/:sectionId/remove', { config: { access: 'report.manage' } }, async (req, reply) => {
    const report = await reportOf(req);
    return guarded(reply, report, async () => {
      assertEditable(report);
      return removePage(req, reply, report);
    });
  });

  app.post('/reports/annual/:id/sections/:sectionId/remove', { config: { access: 'report.manage' } }, async (req, reply) => {
    const report = await reportOf(req);
    const b = form(req);
    return guarded(reply, report, async () => {
      try {
        const section = await removeSection(db, pid(req), report.id, params(req).sectionId, { version: text(b, 'version'), reason: text(b, 'reason') }, me(req).id, now());
        await req.audit({ action: 'report_section.remove', recordType: 'report_section', recordId: String(section.id), detail: { reportId: report.id } });
        reply.flash(`${section.heading} is removed. Its drafts are kept: restore it from the list of removed sections.`);
        return reply.redirect(`${base(report)}#contents`, 303);
      } catch (err) {
        if (err instanceof ValidationFailed) return removePage(req, reply, report, b, err.errors);
        if (err instanceof StructureConflict) return builderPage(req, reply, await reportOf(req), { status: 409, errors: [{ field: 'contents', message: err.message }] });
        throw err;
      }
    });
  });

  // ---- Who writes a section ----

  const ownerPage = async (req: FastifyRequest, reply: FastifyReply, report: AnnualReport, values?: Form, errors?: FieldError[]) => {
    const section = await findSection(db, pid(req), report.id, params(req).sectionId);
    const people = await writers(db, pid(req));
    const chosen = values?.owner ?? (section.owner_user_id === null ? 'none' : String(section.owner_user_id));
    return reply.code(errors ? 400 : 200).view('annual-report/views/owner.njk', {
      title: `Who writes ${section.heading}?`, report, section, version: values?.version ?? String(report.version), errors: errors ? formErrors(errors) : undefined,
      items: [
        ...people.map((p) => ({ value: String(p.id), text: p.name, hint: { text: p.agencyName }, checked: chosen === String(p.id) })),
        { divider: 'or' },
        { value: 'none', text: 'No one yet', checked: chosen === 'none' },
      ],
    });
  };

  app.get('/reports/annual/:id/sections/:sectionId/owner', { config: { access: 'report.manage' } }, async (req, reply) => {
    const report = await reportOf(req);
    return guarded(reply, report, async () => {
      assertEditable(report);
      return ownerPage(req, reply, report);
    });
  });

  app.post('/reports/annual/:id/sections/:sectionId/owner', { config: { access: 'report.manage' } }, async (req, reply) => {
    const report = await reportOf(req);
    const b = form(req);
    return guarded(reply, report, async () => {
      try {
        const { section, owner, emailed } = await changeOwner(db, mailer, pid(req), report.id, params(req).sectionId, { owner: text(b, 'owner'), version: text(b, 'version') },
          me(req), now(), config.publicUrl);
        await req.audit({ action: 'report_section.owner', recordType: 'report_section', recordId: String(section.id), detail: { reportId: report.id, ownerId: owner?.id ?? null, emailed } });
        reply.flash(owner ? `${owner.name} now writes ${section.heading}.${emailed ? ' They have been emailed a link to it.' : ''}` : `${section.heading} has no owner.`);
        return reply.redirect(`${base(report)}#contents`, 303);
      } catch (err) {
        if (err instanceof ValidationFailed) return ownerPage(req, reply, report, b, err.errors);
        if (err instanceof StructureConflict) return builderPage(req, reply, await reportOf(req), { status: 409, errors: [{ field: 'contents', message: err.message }] });
        throw err;
      }
    });
  });

  // ---- Adding a section ----

  const addPage = async (req: FastifyRequest, reply: FastifyReply, report: AnnualReport, values?: Form, errors?: FieldError[]) => {
    const [{ active }, missing, people] = await Promise.all([reportContents(db, pid(req), report.id), missingCatalogueEntries(db, pid(req), report.id), writers(db, pid(req))]);
    const v: Form = values ?? { source: missing.length ? undefined : 'custom', after: active.at(-1) ? String(active.at(-1)!.id) : 'start', owner: 'none' };
    return reply.code(errors ? 400 : 200).view('annual-report/views/add-section.njk', {
      title: 'Add a section', report, values: v, version: values?.version ?? String(report.version), errors: errors ? formErrors(errors) : undefined,
      missing: missing.map((e) => ({ value: e.key, text: e.heading, hint: { text: `${SECTION_KINDS[e.kind]}. ${e.guidance}` }, checked: v.source === e.key })),
      afterItems: [
        { value: 'start', text: 'At the start of the report', selected: v.after === 'start' },
        ...active.map((s) => ({ value: String(s.id), text: `After ${s.number}. ${s.heading}`, selected: v.after === String(s.id) })),
      ],
      ownerItems: [{ value: 'none', text: 'No one yet' }, ...people.map((p) => ({ value: String(p.id), text: `${p.name}, ${p.agencyName}`, selected: v.owner === String(p.id) }))],
    });
  };

  app.get('/reports/annual/:id/sections/new', { config: { access: 'report.manage' } }, async (req, reply) => {
    const report = await reportOf(req);
    return guarded(reply, report, async () => {
      assertEditable(report);
      return addPage(req, reply, report);
    });
  });

  app.post('/reports/annual/:id/sections/new', { config: { access: 'report.manage' } }, async (req, reply) => {
    const report = await reportOf(req);
    const b = form(req);
    return guarded(reply, report, async () => {
      assertEditable(report);
      try {
        const input = await parseNewSection(db, pid(req), report.id, b, today(), me(req).id);
        const id = await addSection(db, pid(req), report.id, input, text(b, 'version'), me(req).id, now());
        await req.audit({ action: 'report_section.add', recordType: 'report_section', recordId: String(id), detail: { reportId: report.id, catalogueKey: input.catalogueKey } });
        reply.flash(`${input.heading} is added to the report.`);
        return reply.redirect(`${base(report)}#contents`, 303);
      } catch (err) {
        if (err instanceof ValidationFailed) return addPage(req, reply, report, b, err.errors);
        if (err instanceof StructureConflict) return builderPage(req, reply, await reportOf(req), { status: 409, errors: [{ field: 'contents', message: err.message }] });
        throw err;
      }
    });
  });

  // ---- Sending to the Executive ----

  const sendPage = async (req: FastifyRequest, reply: FastifyReply, report: AnnualReport, status = 200) => {
    const waiting = await sectionsNotAccepted(db, pid(req), report.id);
    const { active } = await reportContents(db, pid(req), report.id);
    const numbers = new Map(active.map((s) => [s.id, s.number]));
    return reply.code(status).view('annual-report/views/send.njk', {
      title: 'Send the report to the Executive', report, period: periodText(report.period_from, report.period_to), refused: status === 400,
      waiting: waiting.map((s) => ({ ...s, number: numbers.get(s.id), tag: SECTION_STATUS[s.status] })), empty: active.length === 0,
      executives: (await db.selectFrom('membership').select(({ fn }) => fn.countAll<number>().as('n'))
        .where('partnership_id', '=', pid(req)).where('role', '=', 'executive').executeTakeFirstOrThrow()).n,
    });
  };

  app.get('/reports/annual/:id/send', { config: { access: 'report.manage' } }, async (req, reply) => {
    const report = await reportOf(req);
    return guarded(reply, report, async () => {
      assertEditable(report);
      return sendPage(req, reply, report);
    });
  });

  app.post('/reports/annual/:id/send', { config: { access: 'report.manage' } }, async (req, reply) => {
    const report = await reportOf(req);
    return guarded(reply, report, async () => {
      try {
        const { emailed } = await sendForApproval(db, mailer, pid(req), report.id, text(form(req), 'version') || undefined, me(req), now(), config.publicUrl);
        await req.audit({ action: 'annual_report.send', recordType: 'annual_report', recordId: report.id, detail: { emailed } });
        reply.flash(`The report is with the Executive for approval. ${emailed === 1 ? 'One member has' : `${emailed} members have`} been emailed a link to it.`);
        return reply.redirect(base(report), 303);
      } catch (err) {
        if (err instanceof NotReadyToSend) return sendPage(req, reply, report, 400);
        throw err;
      }
    });
  });

  // ---- The Executive's decision ----

  const approvalPage = async (req: FastifyRequest, reply: FastifyReply, report: AnnualReport, values: Form = {}, errors?: FieldError[]) => {
    const all = await approvals(db, pid(req), report.id);
    const current = report.status === 'drafting' ? [] : all.filter((a) => !a.superseded);
    const decided = current.some((a) => a.userId === me(req).id);
    return reply.code(errors ? 400 : 200).view('annual-report/views/approval.njk', {
      title: `Approval of ${report.title}`, report, period: periodText(report.period_from, report.period_to), tag: REPORT_STATUS[report.status],
      current, earlier: all.filter((a) => !current.includes(a)), stillToApprove: report.status === 'awaiting_approval' ? partnersStillToApprove(current) : [],
      mayDecide: report.status === 'awaiting_approval' && !decided, decided, values, errors: errors ? formErrors(errors, { decision: 'decision' }) : undefined,
      agencyName: me(req).agencyName,
    });
  };

  app.get('/reports/annual/:id/approval', { config: { access: 'report.approve' } }, async (req, reply) => {
    const report = await reportOf(req);
    await req.audit({ action: 'annual_report.read', recordType: 'annual_report', recordId: report.id, detail: { page: 'approval' } });
    return approvalPage(req, reply, report);
  });

  app.post('/reports/annual/:id/approval', { config: { access: 'report.approve' } }, async (req, reply) => {
    const report = await reportOf(req);
    const b = form(req);
    return guarded(reply, report, async () => {
      let decision;
      try {
        decision = parseDecision(b);
      } catch (err) {
        if (err instanceof ValidationFailed) return approvalPage(req, reply, report, b, err.errors);
        throw err;
      }
      const { report: after, stillToApprove } = await recordDecision(db, mailer, pid(req), report.id, decision, me(req), now(), config.publicUrl);
      await req.audit({ action: 'annual_report.decide', recordType: 'annual_report', recordId: report.id, detail: { decision: decision.decision, status: after.status } });
      reply.flash(decision.decision === 'changes_requested'
        ? 'You asked for changes. The report is back with the business manager, who has been emailed.'
        : after.status === 'approved' ? 'You approved the report. Every statutory partner has now approved it: the report is approved.'
          : `You approved the report. Still to approve: ${stillToApprove.map((p) => p.label).join(', ')}.`);
      return reply.redirect(`${base(report)}/approval`, 303);
    });
  });

  // ---- Taking the report back ----

  app.post('/reports/annual/:id/reopen', { config: { access: 'report.manage' } }, async (req, reply) => {
    const report = await reportOf(req);
    const b = form(req);
    return guarded(reply, report, async () => {
      try {
        await reopenReport(db, pid(req), report.id, b, me(req).id, now());
      } catch (err) {
        if (err instanceof ValidationFailed) return builderPage(req, reply, report, { status: 400, errors: err.errors, values: b });
        throw err;
      }
      await req.audit({ action: 'annual_report.reopen', recordType: 'annual_report', recordId: report.id, detail: { from: report.status } });
      reply.flash('The report is back in drafting. The Executive’s decisions so far are set aside: send it to them again when it is ready.');
      return reply.redirect(base(report), 303);
    });
  });

  // ---- History ----

  app.get('/reports/annual/:id/history', { config: { access: 'report.view' } }, async (req, reply) => {
    const report = await reportOf(req);
    const history = await reportHistory(db, pid(req), report.id);
    await req.audit({ action: 'annual_report.history', recordType: 'annual_report', recordId: report.id });
    return reply.view('annual-report/views/history.njk', { title: `History of ${report.title}`, report, history });
  });
}
