import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ACTION_RAG_LABELS, ACTION_STATUSES, LEARNING_THEMES, LEARNING_THEME_CODES, actionRag, isLearningTheme, type ActionRag } from '../../domain/assurance';
import { londonParts } from '../../domain/london';
import type { ClockContext } from '../../domain/timescales';
import type { AppDeps } from '../../platform/deps';
import { Forbidden, ValidationFailed, type FieldError } from '../../platform/errors';
import { dateFields, formErrors, text, type Form } from '../../platform/forms';
import { actionsOfSource } from '../actions/actions.service';
import { listAgencies } from '../agencies/agencies.service';
import { searchChildren } from '../children/children.service';
import { clockContext } from '../partnerships/partnerships.service';
import { listUsers } from '../users/users.service';
import {
  ABUSE_LABELS, HARM_LABELS, NOTIFY_LABELS, REVIEW_RAG_LABELS, RR_DECISION_LABELS, STAGES, STAGE_LABELS, STATUS_LABELS, clocksOf, isStage,
  meetsCriteria, ragOf, type ReviewClock, type ReviewRag,
} from './review-clocks';
import {
  EditConflict, addMilestone, addRecommendation, closeBlocker, closeReview, createBriefing, findBriefing, findMilestone, findReturn,
  findReview, linkChild, listReviews, recentYears, recordDecision, recordNotification, removeMilestone, reopenReview, returnsAwaitingAgency,
  savePracticeReview, saveRapidReview, saveReturn, saveThemes, unlinkChild, updateBriefing, updateMilestone, updateNotification,
  type ReviewView,
} from './reviews.service';

/**
 * Serious incidents and reviews in the browser. Everyone with assurance.view reads; the business manager
 * (assurance.manage) records and runs each review; an agency's own assurance.contribute users complete its
 * information return. Only child.read holders see the children's names, and every page that shows them is
 * in the audit log with each child.
 */

const CONFLICT = 'Someone else changed this review after you opened it. Nothing was saved: check what is recorded now and try again.';
const RAG_TAG: Record<ReviewRag, string> = { red: 'govuk-tag--red', amber: 'govuk-tag--yellow', green: 'govuk-tag--green', none: 'govuk-tag--grey' };
const ACTION_RAG_TAG: Record<ActionRag, string> = { blue: 'govuk-tag--blue', red: 'govuk-tag--red', amber: 'govuk-tag--yellow', green: 'govuk-tag--green', none: 'govuk-tag--grey' };
const RETURN_STATUS = { not_started: { text: 'Not started', classes: 'govuk-tag--grey' }, draft: { text: 'Draft', classes: 'govuk-tag--yellow' }, submitted: { text: 'Submitted', classes: 'govuk-tag--green' } };

/** A clock as a page shows it: the due date, and a tag with the countdown (red when overdue) or how it was met. */
function clockView(c: ReviewClock) {
  const tag = c.countdown
    ? { text: c.countdown.text, classes: c.countdown.overdue ? 'govuk-tag--red' : c.rag === 'amber' ? 'govuk-tag--yellow' : 'govuk-tag--green' }
    : { text: STATUS_LABELS[c.status], classes: c.status === 'met_late' ? 'govuk-tag--red' : 'govuk-tag--green' };
  return { ...c, tag };
}

const themeItems = (selected: string[]) => LEARNING_THEME_CODES.map((t) => ({ value: t, text: LEARNING_THEMES[t], checked: selected.includes(t) }));

type Params = { id: string; agencyId?: string; milestoneId?: string; briefingId?: string; childId?: string };

export async function reviewsRoutes(app: FastifyInstance, { db, now }: AppDeps) {
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;
  const userId = (req: FastifyRequest) => req.beaconSession!.user.id;
  const params = (req: FastifyRequest) => req.params as Params;
  const body = (req: FastifyRequest) => (req.body ?? {}) as Form;
  const today = () => londonParts(now()).date;
  const ctxOf = async (req: FastifyRequest): Promise<ClockContext> => ({ ...(await clockContext(db, pid(req), now())), today: today() });
  /** The version the form was opened at; one no review can have (not a whole number the column keeps) reads as -1, a stale form. */
  const versionOf = (form: Form) => {
    const n = Number(text(form, 'version'));
    return Number.isInteger(n) && n >= 0 && n <= 2_147_483_647 ? n : -1;
  };
  const seesChildren = (req: FastifyRequest) => req.scopes.has('child.read');

  /** Children shown by name are in the audit log, each as a read of that child. */
  const auditNamedChildren = async (req: FastifyRequest, review: ReviewView) => {
    if (!seesChildren(req)) return;
    for (const c of review.children) await req.audit({ action: 'child.list', recordType: 'child', recordId: c.childId, detail: { review: review.id } });
  };

  /**
   * Runs a form's work: on success a flash and a redirect; on a problem the form again with what was
   * entered and each error, or with a conflict when someone else saved first.
   */
  const submit = async (reply: FastifyReply, work: () => Promise<{ flash: string; to: string }>,
    again: (errors: FieldError[], status: number) => Promise<unknown>, conflictField: string) => {
    try {
      const { flash, to } = await work();
      reply.flash(flash);
      return reply.redirect(to, 303);
    } catch (err) {
      if (err instanceof ValidationFailed) return again(err.errors, 400);
      if (err instanceof EditConflict) return again([{ field: conflictField, message: CONFLICT }], 409);
      throw err;
    }
  };

  // -------------------------------------------------------------------------------------------------------
  // The list

  app.get('/reviews', { config: { access: 'assurance.view' } }, async (req, reply) => {
    const q = (req.query ?? {}) as Record<string, string | undefined>;
    const filter = { stage: isStage(q.stage) ? q.stage : undefined, theme: q.theme && isLearningTheme(q.theme) ? q.theme : undefined };
    const ctx = await ctxOf(req);
    const [reviews, years] = await Promise.all([listReviews(db, pid(req), ctx, filter), recentYears(db, pid(req), ctx.today)]);
    const contributes = req.scopes.has('assurance.contribute');
    const owed = contributes ? await returnsAwaitingAgency(db, pid(req), req.beaconSession!.user.agencyId, ctx) : [];
    await req.audit({ action: 'review.list', recordType: 'review', detail: { results: reviews.length, ...filter } });
    return reply.view('reviews/views/list.njk', {
      title: 'Serious incidents and reviews', filter, canManage: req.scopes.has('assurance.manage'),
      reviews: reviews.map((r) => ({
        ...r, stageLabel: STAGE_LABELS[r.stage], ragLabel: REVIEW_RAG_LABELS[r.rag], ragTag: RAG_TAG[r.rag],
        notification: r.clocks.find((c) => c.kind === 'notification'), rapidReview: r.clocks.find((c) => c.kind === 'rapid_review'),
        publication: r.clocks.find((c) => c.kind === 'publication'),
        clockViews: Object.fromEntries(r.clocks.map((c) => [c.kind, clockView(c)])),
        decisionText: r.rrDecision === 'other_learning' && r.otherLearning ? r.otherLearning : r.rrDecision ? RR_DECISION_LABELS[r.rrDecision] : null,
      })),
      stageItems: [{ value: '', text: 'All stages' }, ...STAGES.map((s) => ({ value: s, text: STAGE_LABELS[s], selected: filter.stage === s }))],
      themeItems: [{ value: '', text: 'All themes' }, ...LEARNING_THEME_CODES.map((t) => ({ value: t, text: LEARNING_THEMES[t], selected: filter.theme === t }))],
      years, themeLabels: LEARNING_THEMES,
      owed: owed.map((o) => ({ ...o, statusTag: RETURN_STATUS[o.status], due: o.rapidReviewDue ? clockView(o.rapidReviewDue) : null })),
      agencyName: req.beaconSession!.user.agencyName, agencyId: req.beaconSession!.user.agencyId,
    });
  });

  // -------------------------------------------------------------------------------------------------------
  // Recording a serious incident, and correcting it

  const notificationPage = async (req: FastifyRequest, reply: FastifyReply, opts: { review?: ReviewView; values: Form; errors?: FieldError[]; status?: number }) => {
    const agencies = await listAgencies(db, pid(req));
    const chosen = ([] as string[]).concat(opts.values.agencies ?? []);
    const radio = (labels: Record<string, string>, name: string) => Object.entries(labels).map(([value, label]) => ({ value, text: label, checked: opts.values[name] === value }));
    return reply.code(opts.status ?? (opts.errors ? 400 : 200)).view('reviews/views/notification-form.njk', {
      title: opts.review ? `Change the notification: ${opts.review.reference}` : 'Record a serious incident',
      review: opts.review, values: opts.values, errors: opts.errors ? formErrors(opts.errors, { abuseOrNeglect: 'abuseOrNeglect', harm: 'harm', agencies: 'agencies' }) : undefined,
      // Plain answers to the question, none a part of another, so that each label names one choice.
      abuseItems: radio({ known: 'Known', suspected: 'Suspected', neither: 'Neither' }, 'abuseOrNeglect'), harmItems: radio(HARM_LABELS, 'harm'),
      agencyItems: agencies.map((a) => ({ value: String(a.id), text: a.name, checked: chosen.includes(String(a.id)) })),
      themeItems: themeItems(([] as string[]).concat(opts.values.themes ?? [])),
    });
  };

  app.get('/reviews/new', { config: { access: 'assurance.manage' } }, async (req, reply) => notificationPage(req, reply, { values: {} }));

  app.post('/reviews/new', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const form = body(req);
    return submit(reply, async () => {
      const created = await recordNotification(db, pid(req), form, userId(req), now(), today());
      await req.audit({ action: 'review.create', recordType: 'review', recordId: created.id, detail: { reference: created.reference } });
      return { flash: `Serious incident recorded: ${created.reference}.`, to: `/reviews/${created.id}` };
    }, (errors) => notificationPage(req, reply, { values: form, errors }), 'awareOn-day');
  });

  const notificationValues = (r: ReviewView): Form => ({
    ...dateFields('awareOn', r.aware_on), summary: r.summary, abuseOrNeglect: r.abuse_or_neglect, harm: r.harm,
    agencies: r.agencies.map((a) => String(a.agencyId)), version: String(r.version),
  });

  app.get('/reviews/:id/notification', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const review = await findReview(db, pid(req), params(req).id, { names: false });
    await req.audit({ action: 'review.read', recordType: 'review', recordId: review.id, detail: { form: 'notification' } });
    return notificationPage(req, reply, { review, values: notificationValues(review) });
  });

  app.post('/reviews/:id/notification', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const { id } = params(req);
    const form = body(req);
    return submit(reply, async () => {
      await updateNotification(db, pid(req), id, versionOf(form), form, now(), today());
      await req.audit({ action: 'review.notification_update', recordType: 'review', recordId: id });
      return { flash: 'The notification is saved.', to: `/reviews/${id}` };
    }, async (errors, status) => notificationPage(req, reply, { review: await findReview(db, pid(req), id, { names: false }), values: form, errors, status }), 'awareOn-day');
  });

  // -------------------------------------------------------------------------------------------------------
  // The review's page

  app.get('/reviews/:id', { config: { access: 'assurance.view' } }, async (req, reply) => {
    const names = seesChildren(req);
    const review = await findReview(db, pid(req), params(req).id, { names });
    const ctx = await ctxOf(req);
    const actions = await actionsOfSource(db, pid(req), 'review', review.id);
    await req.audit({ action: 'review.read', recordType: 'review', recordId: review.id, detail: { children: review.children.length, named: names } });
    await auditNamedChildren(req, review);
    const user = req.beaconSession!.user;
    const canManage = req.scopes.has('assurance.manage');
    const contributes = req.scopes.has('assurance.contribute');
    const clocks = clocksOf(review, ctx);
    const rag = ragOf(clocks);
    return reply.view('reviews/views/review.njk', {
      title: `Review ${review.reference}`, review, canManage, seesChildren: names, today: ctx.today,
      stageLabel: STAGE_LABELS[review.stage], rag, ragLabel: REVIEW_RAG_LABELS[rag], ragTag: RAG_TAG[rag],
      clocks: clocks.map(clockView), criteriaMet: meetsCriteria(review),
      abuseLabel: ABUSE_LABELS[review.abuse_or_neglect], harmLabel: HARM_LABELS[review.harm],
      decisionLabel: review.notify_decision ? NOTIFY_LABELS[review.notify_decision] : null,
      rrDecisionLabel: review.rr_decision ? RR_DECISION_LABELS[review.rr_decision] : null,
      themeLabels: LEARNING_THEMES,
      agencies: review.agencies.map((a) => ({
        ...a, statusTag: RETURN_STATUS[a.status],
        canEdit: canManage || (contributes && user.agencyId === a.agencyId),
      })),
      milestones: review.milestones.map((m) => ({ ...m, overdue: !m.completedOn && m.dueOn < ctx.today })),
      recommendations: review.recommendations.map((rec) => ({
        ...rec,
        actions: actions.filter((a) => a.reference === rec.reference).map((a) => {
          const ragCode = actionRag(a, ctx.today);
          return { ...a, statusLabel: ACTION_STATUSES[a.status], rag: { text: ACTION_RAG_LABELS[ragCode], classes: ACTION_RAG_TAG[ragCode] } };
        }),
      })),
      closeBlocker: closeBlocker(review),
    });
  });

  // -------------------------------------------------------------------------------------------------------
  // The decision to notify

  const decisionPage = async (reply: FastifyReply, review: ReviewView, values: Form, errors?: FieldError[], status?: number) =>
    reply.code(status ?? (errors ? 400 : 200)).view('reviews/views/decision-form.njk', {
      title: `Decision to notify the National Panel: ${review.reference}`, review, values, criteriaMet: meetsCriteria(review),
      errors: errors ? formErrors(errors, { decision: 'decision' }) : undefined,
      decisionItems: Object.entries(NOTIFY_LABELS).map(([value, label]) => ({ value, text: label, checked: values.decision === value })),
    });

  app.get('/reviews/:id/decision', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const review = await findReview(db, pid(req), params(req).id, { names: false });
    await req.audit({ action: 'review.read', recordType: 'review', recordId: review.id, detail: { form: 'decision' } });
    return decisionPage(reply, review, {
      decision: review.notify_decision ?? undefined, rationale: review.notify_rationale ?? undefined,
      ...dateFields('decidedOn', review.decided_on), ...dateFields('notifiedOn', review.notified_on), version: String(review.version),
    });
  });

  app.post('/reviews/:id/decision', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const { id } = params(req);
    const form = body(req);
    return submit(reply, async () => {
      const d = await recordDecision(db, pid(req), id, versionOf(form), form, now(), today());
      await req.audit({ action: 'review.decision', recordType: 'review', recordId: id, detail: { decision: d.decision, reference: d.reference } });
      return { flash: d.decision === 'notify' ? `Decision saved: notify the National Panel. The review is now ${d.reference}.` : `Decision saved: not notified. The review stays ${d.reference}.`, to: `/reviews/${id}` };
    }, async (errors, status) => decisionPage(reply, await findReview(db, pid(req), id, { names: false }), form, errors, status), 'decision');
  });

  // -------------------------------------------------------------------------------------------------------
  // The rapid review

  const rapidReviewPage = async (reply: FastifyReply, review: ReviewView, values: Form, errors?: FieldError[], status?: number) =>
    reply.code(status ?? (errors ? 400 : 200)).view('reviews/views/rapid-review-form.njk', {
      title: `Rapid review: ${review.reference}`, review, values,
      errors: errors ? formErrors(errors, { rrDecision: 'rrDecision', panelResponse: 'panelResponse' }) : undefined,
      decisionItems: Object.entries(RR_DECISION_LABELS).map(([value, label]) => ({ value, text: label, checked: values.rrDecision === value })),
      responseItems: [{ value: '', text: 'Not yet received' }, { value: 'agrees', text: 'The Panel agrees with the decision' }, { value: 'disagrees', text: 'The Panel disagrees with the decision' }]
        .map((i) => ({ ...i, checked: (values.panelResponse ?? '') === i.value })),
    });

  app.get('/reviews/:id/rapid-review', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const r = await findReview(db, pid(req), params(req).id, { names: false });
    await req.audit({ action: 'review.read', recordType: 'review', recordId: r.id, detail: { form: 'rapid_review' } });
    return rapidReviewPage(reply, r, {
      ...dateFields('rrMeetingOn', r.rr_meeting_on), rrDecision: r.rr_decision ?? undefined, otherLearning: r.other_learning ?? undefined,
      ...dateFields('otherLearningCompletedOn', r.other_learning_completed_on), rrRationale: r.rr_rationale ?? undefined,
      ...dateFields('rrDecidedOn', r.rr_decided_on), ...dateFields('rrSentOn', r.rr_sent_on), panelResponse: r.panel_response ?? '',
      ...dateFields('panelResponseOn', r.panel_response_on), panelNote: r.panel_note ?? undefined, version: String(r.version),
    });
  });

  app.post('/reviews/:id/rapid-review', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const { id } = params(req);
    const form = body(req);
    return submit(reply, async () => {
      await saveRapidReview(db, pid(req), id, versionOf(form), form, now(), today());
      await req.audit({ action: 'review.rapid_review', recordType: 'review', recordId: id, detail: { decision: text(form, 'rrDecision') || null } });
      return { flash: 'The rapid review is saved.', to: `/reviews/${id}` };
    }, async (errors, status) => rapidReviewPage(reply, await findReview(db, pid(req), id, { names: false }), form, errors, status), 'rrMeetingOn-day');
  });

  // -------------------------------------------------------------------------------------------------------
  // An agency's information return: that agency's own contributors, or the business manager

  /** Who may complete a return: the business manager for any agency, a contributor for their own agency only. */
  const mayComplete = (req: FastifyRequest, agencyId: number) =>
    req.scopes.has('assurance.manage') || (req.scopes.has('assurance.contribute') && req.beaconSession!.user.agencyId === agencyId);

  const returnPage = async (req: FastifyRequest, reply: FastifyReply, values?: Form, errors?: FieldError[], status?: number) => {
    const { id } = params(req);
    const agencyId = Number(params(req).agencyId);
    if (!req.scopes.has('assurance.manage') && !req.scopes.has('assurance.contribute')) throw new Forbidden('Needs assurance.manage or assurance.contribute');
    const ret = await findReturn(db, pid(req), id, agencyId);
    // Another agency's return is refused; its existence in this partnership is no secret to a contributor here.
    if (!mayComplete(req, agencyId)) throw new Forbidden('Another agency’s information return');
    const v = values ?? { chronology: ret.agency.chronology ?? undefined, learning: ret.agency.learning ?? undefined, version: String(ret.agency.version) };
    return reply.code(status ?? (errors ? 400 : 200)).view('reviews/views/return-form.njk', {
      title: `Information return: ${ret.agency.name}`, review: ret.review, agency: ret.agency, locked: ret.locked, values: v,
      statusTag: RETURN_STATUS[ret.agency.status], errors: errors ? formErrors(errors) : undefined,
    });
  };

  app.get('/reviews/:id/returns/:agencyId', { config: { access: 'assurance.view' } }, async (req, reply) => {
    const page = await returnPage(req, reply);
    await req.audit({ action: 'review_return.read', recordType: 'review', recordId: params(req).id, detail: { agency: Number(params(req).agencyId) } });
    return page;
  });

  app.post('/reviews/:id/returns/:agencyId', { config: { access: 'assurance.view' } }, async (req, reply) => {
    const { id } = params(req);
    const agencyId = Number(params(req).agencyId);
    if (!req.scopes.has('assurance.manage') && !req.scopes.has('assurance.contribute')) throw new Forbidden('Needs assurance.manage or assurance.contribute');
    const ret = await findReturn(db, pid(req), id, agencyId);
    if (!mayComplete(req, agencyId)) throw new Forbidden('Another agency’s information return');
    const form = body(req);
    return submit(reply, async () => {
      const status = await saveReturn(db, pid(req), id, agencyId, versionOf(form), form, userId(req), now());
      await req.audit({ action: status === 'submitted' ? 'review_return.submit' : 'review_return.save', recordType: 'review', recordId: id, detail: { agency: agencyId } });
      return { flash: status === 'submitted' ? `${ret.agency.name}’s information return is submitted.` : `${ret.agency.name}’s information return is saved as a draft.`, to: `/reviews/${id}#returns` };
    }, (errors, status) => returnPage(req, reply, form, errors, status), 'chronology');
  });

  // -------------------------------------------------------------------------------------------------------
  // The practice review and its milestones

  const practiceReviewPage = async (reply: FastifyReply, review: ReviewView, values: Form, errors?: FieldError[], status?: number) =>
    reply.code(status ?? (errors ? 400 : 200)).view('reviews/views/practice-review-form.njk', {
      title: `Child safeguarding practice review: ${review.reference}`, review, values,
      errors: errors ? formErrors(errors, { independent: 'independent' }) : undefined,
      independentItems: [{ value: 'yes', text: 'Yes' }, { value: 'no', text: 'No' }].map((i) => ({ ...i, checked: values.independent === i.value })),
    });

  app.get('/reviews/:id/practice-review', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const r = await findReview(db, pid(req), params(req).id, { names: false });
    await req.audit({ action: 'review.read', recordType: 'review', recordId: r.id, detail: { form: 'practice_review' } });
    return practiceReviewPage(reply, r, {
      ...dateFields('commissionedOn', r.cspr_commissioned_on ?? r.rr_decided_on), terms: r.cspr_terms ?? undefined, leadReviewer: r.cspr_lead_reviewer ?? undefined,
      independent: r.cspr_reviewer_independent === null ? undefined : r.cspr_reviewer_independent ? 'yes' : 'no',
      ...dateFields('completedOn', r.cspr_completed_on), ...dateFields('publishedOn', r.cspr_published_on), publicationUrl: r.cspr_publication_url ?? undefined,
      version: String(r.version),
    });
  });

  app.post('/reviews/:id/practice-review', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const { id } = params(req);
    const form = body(req);
    return submit(reply, async () => {
      await savePracticeReview(db, pid(req), id, versionOf(form), form, now(), today());
      await req.audit({ action: 'review.practice_review', recordType: 'review', recordId: id });
      return { flash: 'The practice review is saved.', to: `/reviews/${id}#practice-review` };
    }, async (errors, status) => practiceReviewPage(reply, await findReview(db, pid(req), id, { names: false }), form, errors, status), 'commissionedOn-day');
  });

  const milestonePage = async (reply: FastifyReply, opts: { reference: string; reviewId: string; milestoneId?: number; values: Form; errors?: FieldError[] }) =>
    reply.code(opts.errors ? 400 : 200).view('reviews/views/milestone-form.njk', {
      title: opts.milestoneId ? `Change a milestone: ${opts.reference}` : `Add a milestone: ${opts.reference}`, ...opts,
      errors: opts.errors ? formErrors(opts.errors) : undefined,
    });

  app.get('/reviews/:id/milestones/new', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const r = await findReview(db, pid(req), params(req).id, { names: false });
    await req.audit({ action: 'review.read', recordType: 'review', recordId: r.id, detail: { form: 'milestone' } });
    return milestonePage(reply, { reference: r.reference, reviewId: r.id, values: {} });
  });

  app.post('/reviews/:id/milestones/new', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const { id } = params(req);
    const form = body(req);
    const r = await findReview(db, pid(req), id, { names: false });
    return submit(reply, async () => {
      const milestoneId = await addMilestone(db, pid(req), id, form, today());
      await req.audit({ action: 'review_milestone.add', recordType: 'review', recordId: id, detail: { milestone: milestoneId } });
      return { flash: `Milestone added: ${text(form, 'name')}.`, to: `/reviews/${id}#practice-review` };
    }, async (errors) => milestonePage(reply, { reference: r.reference, reviewId: id, values: form, errors }), 'name');
  });

  app.get('/reviews/:id/milestones/:milestoneId', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const m = await findMilestone(db, pid(req), params(req).id, Number(params(req).milestoneId));
    await req.audit({ action: 'review_milestone.read', recordType: 'review', recordId: m.reviewId, detail: { milestone: m.id } });
    return milestonePage(reply, { reference: m.reference, reviewId: m.reviewId, milestoneId: m.id, values: { name: m.name, ...dateFields('dueOn', m.dueOn), ...dateFields('completedOn', m.completedOn) } });
  });

  app.post('/reviews/:id/milestones/:milestoneId', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const { id } = params(req);
    const milestoneId = Number(params(req).milestoneId);
    const m = await findMilestone(db, pid(req), id, milestoneId);
    const form = body(req);
    return submit(reply, async () => {
      await updateMilestone(db, pid(req), id, milestoneId, form, today());
      await req.audit({ action: 'review_milestone.update', recordType: 'review', recordId: id, detail: { milestone: milestoneId } });
      return { flash: `Milestone saved: ${text(form, 'name')}.`, to: `/reviews/${id}#practice-review` };
    }, async (errors) => milestonePage(reply, { reference: m.reference, reviewId: id, milestoneId, values: form, errors }), 'name');
  });

  app.post('/reviews/:id/milestones/:milestoneId/remove', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const { id } = params(req);
    const milestoneId = Number(params(req).milestoneId);
    const name = await removeMilestone(db, pid(req), id, milestoneId);
    await req.audit({ action: 'review_milestone.remove', recordType: 'review', recordId: id, detail: { milestone: milestoneId } });
    reply.flash(`Milestone removed: ${name}.`);
    return reply.redirect(`/reviews/${id}#practice-review`, 303);
  });

  // -------------------------------------------------------------------------------------------------------
  // Learning themes

  const themesPage = async (reply: FastifyReply, review: ReviewView, values: Form, errors?: FieldError[], status?: number) =>
    reply.code(status ?? (errors ? 400 : 200)).view('reviews/views/themes-form.njk', {
      title: `Learning themes: ${review.reference}`, review, values, errors: errors ? formErrors(errors) : undefined,
      themeItems: themeItems(([] as string[]).concat(values.themes ?? [])),
    });

  app.get('/reviews/:id/themes', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const r = await findReview(db, pid(req), params(req).id, { names: false });
    await req.audit({ action: 'review.read', recordType: 'review', recordId: r.id, detail: { form: 'themes' } });
    return themesPage(reply, r, { themes: r.themes, version: String(r.version) });
  });

  app.post('/reviews/:id/themes', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const { id } = params(req);
    const form = body(req);
    return submit(reply, async () => {
      const themes = await saveThemes(db, pid(req), id, versionOf(form), form, now());
      await req.audit({ action: 'review.themes', recordType: 'review', recordId: id, detail: { themes } });
      return { flash: themes.length ? `Learning themes saved: ${themes.map((t) => LEARNING_THEMES[t]).join('; ')}.` : 'Learning themes cleared.', to: `/reviews/${id}` };
    }, async (errors, status) => themesPage(reply, await findReview(db, pid(req), id, { names: false }), form, errors, status), 'themes');
  });

  // -------------------------------------------------------------------------------------------------------
  // Linked children: the business manager who also reads children's records

  const requireChildRead = (req: FastifyRequest) => {
    if (!seesChildren(req)) throw new Forbidden('Linking children needs child.read as well as assurance.manage');
  };

  const childrenPage = async (req: FastifyRequest, reply: FastifyReply, q: string, errors?: FieldError[]) => {
    const review = await findReview(db, pid(req), params(req).id, { names: true });
    const results = q ? await searchChildren(db, pid(req), q, 20) : [];
    const linked = new Set(review.children.map((c) => c.childId));
    await req.audit({ action: 'review.read', recordType: 'review', recordId: review.id, detail: { form: 'children', children: review.children.length, named: true } });
    await auditNamedChildren(req, review);
    if (q) await req.audit({ action: 'child.search', recordType: 'child', detail: { results: results.length, ids: results.map((c) => c.id), review: review.id } });
    return reply.code(errors ? 400 : 200).view('reviews/views/children.njk', {
      title: `Children of ${review.reference}`, review, q, searched: Boolean(q), errors: errors ? formErrors(errors) : undefined,
      results: results.map((c) => ({ ...c, linked: linked.has(c.id) })),
    });
  };

  app.get('/reviews/:id/children', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    requireChildRead(req);
    const q = String((req.query as Record<string, unknown> | undefined)?.q ?? '').trim().slice(0, 100);
    return childrenPage(req, reply, q);
  });

  app.post('/reviews/:id/children', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    requireChildRead(req);
    const { id } = params(req);
    const form = body(req);
    const childId = text(form, 'childId');
    try {
      await linkChild(db, pid(req), id, childId, userId(req), now());
    } catch (err) {
      if (err instanceof ValidationFailed) return childrenPage(req, reply, text(form, 'q'), err.errors);
      throw err;
    }
    await req.audit({ action: 'review_child.link', recordType: 'review', recordId: id, detail: { child: childId } });
    await req.audit({ action: 'review_child.link', recordType: 'child', recordId: childId, detail: { review: id } });
    reply.flash('Child linked to the review.');
    return reply.redirect(`/reviews/${id}/children`, 303);
  });

  app.post('/reviews/:id/children/:childId/remove', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    requireChildRead(req);
    const { id, childId } = params(req);
    await unlinkChild(db, pid(req), id, childId!);
    await req.audit({ action: 'review_child.unlink', recordType: 'review', recordId: id, detail: { child: childId } });
    await req.audit({ action: 'review_child.unlink', recordType: 'child', recordId: childId!, detail: { review: id } });
    reply.flash('Child removed from the review.');
    return reply.redirect(`/reviews/${id}/children`, 303);
  });

  // -------------------------------------------------------------------------------------------------------
  // Recommendations and their actions

  const recommendationPage = async (req: FastifyRequest, reply: FastifyReply, review: ReviewView, values: Form, errors?: FieldError[], status?: number) => {
    const [agencies, users, groups] = await Promise.all([
      listAgencies(db, pid(req)), listUsers(db, pid(req)),
      db.selectFrom('assurance_group').select(['id', 'name']).where('partnership_id', '=', pid(req)).where('active', '=', true).orderBy('name').execute(),
    ]);
    const count = Math.max(1, Math.min(10, Number(text(values, 'actionCount')) || 1));
    const rows = Array.from({ length: count }, (_, i) => {
      const p = `actions-${i}-`;
      return {
        i, p, n: i + 1,
        agencyItems: [{ value: '', text: 'Select the agency' }, ...agencies.map((a) => ({ value: String(a.id), text: a.name, selected: text(values, `${p}ownerAgencyId`) === String(a.id) }))],
        userItems: [{ value: '', text: 'No one chosen' }, ...users.filter((u) => u.status === 'active')
          .map((u) => ({ value: String(u.id), text: `${u.name}, ${u.agency_name}`, selected: text(values, `${p}ownerUserId`) === String(u.id) }))],
      };
    });
    return reply.code(status ?? (errors ? 400 : 200)).view('reviews/views/recommendation-form.njk', {
      title: `Add a recommendation: ${review.reference}`, review, values, rows, maxRows: 10, nextNumber: review.recommendations.length + 1,
      errors: errors ? formErrors(errors, { themes: 'themes' }) : undefined,
      groupItems: [{ value: '', text: 'No group' }, ...groups.map((g) => ({ value: String(g.id), text: g.name, selected: text(values, 'groupId') === String(g.id) }))],
      themeItems: themeItems(([] as string[]).concat(values.themes ?? [])),
    });
  };

  app.get('/reviews/:id/recommendations/new', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const r = await findReview(db, pid(req), params(req).id, { names: false });
    await req.audit({ action: 'review.read', recordType: 'review', recordId: r.id, detail: { form: 'recommendation' } });
    // The CSPR group oversees a review's actions unless the business manager chooses another.
    const cspr = await db.selectFrom('assurance_group').select('id').where('partnership_id', '=', pid(req)).where('active', '=', true)
      .where('name', 'ilike', '%practice review%').orderBy('id').executeTakeFirst();
    return recommendationPage(req, reply, r, { actionCount: '1', themes: r.themes, groupId: cspr ? String(cspr.id) : '' });
  });

  app.post('/reviews/:id/recommendations/new', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const { id } = params(req);
    const form = body(req);
    if (text(form, 'action') === 'add-action') {
      const r = await findReview(db, pid(req), id, { names: false });
      return recommendationPage(req, reply, r, { ...form, actionCount: String(Math.min(10, (Number(text(form, 'actionCount')) || 1) + 1)) });
    }
    return submit(reply, async () => {
      const added = await addRecommendation(db, pid(req), id, form, userId(req), now());
      await req.audit({ action: 'review_recommendation.add', recordType: 'review', recordId: id, detail: { reference: added.reference, actions: added.actions } });
      return { flash: `Recommendation ${added.reference} added with ${added.actions.length} ${added.actions.length === 1 ? 'action' : 'actions'}.`, to: `/reviews/${id}#recommendations` };
    }, async (errors, status) => recommendationPage(req, reply, await findReview(db, pid(req), id, { names: false }), form, errors, status), 'recommendation');
  });

  // -------------------------------------------------------------------------------------------------------
  // Learning briefings

  const briefingFormPage = async (reply: FastifyReply, opts: { reference: string; reviewId: string; briefingId?: number; values: Form; errors?: FieldError[] }) =>
    reply.code(opts.errors ? 400 : 200).view('reviews/views/briefing-form.njk', {
      title: opts.briefingId ? `Change a learning briefing: ${opts.reference}` : `Write a learning briefing: ${opts.reference}`, ...opts,
      errors: opts.errors ? formErrors(opts.errors) : undefined,
    });

  app.get('/reviews/:id/briefings/new', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const r = await findReview(db, pid(req), params(req).id, { names: false });
    await req.audit({ action: 'review.read', recordType: 'review', recordId: r.id, detail: { form: 'briefing' } });
    return briefingFormPage(reply, { reference: r.reference, reviewId: r.id, values: {} });
  });

  app.post('/reviews/:id/briefings/new', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const { id } = params(req);
    const form = body(req);
    const r = await findReview(db, pid(req), id, { names: false });
    return submit(reply, async () => {
      const briefingId = await createBriefing(db, pid(req), id, form, userId(req), now(), today());
      await req.audit({ action: 'learning_briefing.create', recordType: 'review', recordId: id, detail: { briefing: briefingId } });
      return { flash: `Learning briefing saved: ${text(form, 'title')}.`, to: `/reviews/${id}/briefings/${briefingId}` };
    }, async (errors) => briefingFormPage(reply, { reference: r.reference, reviewId: id, values: form, errors }), 'title');
  });

  app.get('/reviews/:id/briefings/:briefingId', { config: { access: 'assurance.view' } }, async (req, reply) => {
    const b = await findBriefing(db, pid(req), params(req).id, Number(params(req).briefingId));
    await req.audit({ action: 'learning_briefing.read', recordType: 'review', recordId: b.reviewId, detail: { briefing: b.id } });
    return reply.view('reviews/views/briefing.njk', {
      title: b.title, briefing: b, canManage: req.scopes.has('assurance.manage'),
      messages: b.keyMessages.split(/\r?\n/).map((m) => m.replace(/^\s*[-*•]\s*/, '').trim()).filter(Boolean),
      themes: b.themes.filter(isLearningTheme).map((t) => LEARNING_THEMES[t]),
    });
  });

  app.get('/reviews/:id/briefings/:briefingId/edit', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const b = await findBriefing(db, pid(req), params(req).id, Number(params(req).briefingId));
    await req.audit({ action: 'learning_briefing.read', recordType: 'review', recordId: b.reviewId, detail: { briefing: b.id, form: true } });
    return briefingFormPage(reply, {
      reference: b.reference, reviewId: b.reviewId, briefingId: b.id,
      values: { title: b.title, keyMessages: b.keyMessages, audience: b.audience, ...dateFields('publishedOn', b.publishedOn) },
    });
  });

  app.post('/reviews/:id/briefings/:briefingId/edit', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const { id } = params(req);
    const briefingId = Number(params(req).briefingId);
    const b = await findBriefing(db, pid(req), id, briefingId);
    const form = body(req);
    return submit(reply, async () => {
      await updateBriefing(db, pid(req), id, briefingId, form, now(), today());
      await req.audit({ action: 'learning_briefing.update', recordType: 'review', recordId: id, detail: { briefing: briefingId } });
      return { flash: 'Learning briefing saved.', to: `/reviews/${id}/briefings/${briefingId}` };
    }, async (errors) => briefingFormPage(reply, { reference: b.reference, reviewId: id, briefingId, values: form, errors }), 'title');
  });

  // -------------------------------------------------------------------------------------------------------
  // Closing and reopening

  const closePage = async (reply: FastifyReply, review: ReviewView, values: Form, errors?: FieldError[], status?: number) =>
    reply.code(status ?? (errors ? 400 : 200)).view('reviews/views/close-form.njk', {
      title: `Close the review: ${review.reference}`, review, values, blocker: closeBlocker(review), errors: errors ? formErrors(errors) : undefined,
    });

  app.get('/reviews/:id/close', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const r = await findReview(db, pid(req), params(req).id, { names: false });
    await req.audit({ action: 'review.read', recordType: 'review', recordId: r.id, detail: { form: 'close' } });
    return closePage(reply, r, { version: String(r.version) });
  });

  app.post('/reviews/:id/close', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const { id } = params(req);
    const form = body(req);
    return submit(reply, async () => {
      await closeReview(db, pid(req), id, versionOf(form), form, now(), today());
      await req.audit({ action: 'review.close', recordType: 'review', recordId: id });
      return { flash: 'The review is closed.', to: `/reviews/${id}` };
    }, async (errors, status) => closePage(reply, await findReview(db, pid(req), id, { names: false }), form, errors, status), 'closedOn-day');
  });

  app.post('/reviews/:id/reopen', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const { id } = params(req);
    const form = body(req);
    try {
      await reopenReview(db, pid(req), id, versionOf(form), now());
    } catch (err) {
      if (!(err instanceof ValidationFailed) && !(err instanceof EditConflict)) throw err;
      reply.flash(err instanceof EditConflict ? CONFLICT : err.errors[0]!.message);
      return reply.redirect(`/reviews/${id}`, 303);
    }
    await req.audit({ action: 'review.reopen', recordType: 'review', recordId: id });
    reply.flash('The review is open again.');
    return reply.redirect(`/reviews/${id}`, 303);
  });
}
