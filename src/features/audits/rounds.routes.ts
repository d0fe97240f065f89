import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ACTION_STATUSES, LEARNING_THEME_CODES, LEARNING_THEMES, actionRag, type ActionRag } from '../../domain/assurance';
import { addWorkingDays } from '../../domain/calendar';
import { childName } from '../../domain/child-name';
import { londonParts } from '../../domain/london';
import type { AppDeps } from '../../platform/deps';
import { Forbidden, ValidationFailed, type FieldError } from '../../platform/errors';
import { formErrors, versionFrom } from '../../platform/forms';
import { actionsOfSource } from '../actions/actions.service';
import { listAgencies } from '../agencies/agencies.service';
import { dateInputValues, many, one, type Body } from './forms';
import { findTheme, groupsOf } from './programme.service';
import { STATUS_TAGS } from './programme.routes';
import { notifyRoundStarted } from './reminders.service';
import {
  STATUS_LABELS, addFinding, beginModeration, casesOf, completeRound, findCase, findFinding, findRound, findSection, findingReference, findingsOf,
  moderateCase, parseFindingForm, parseModerationForm, parsePlannedDate, parseReplaceReason, parseSectionForm, parseSectionsDue, parseSummary,
  removeFinding, replaceCase, rescheduleRound, roundAgencies, saveSection, sectionsOf, sectionsOfCase, selectCases, startRound, updateFinding,
  type Finding, type Round, type RoundCase, type Section,
} from './rounds.service';
import { describeCriteria, gradeLabel, gradeOptions, isGoodOrBetter, matchedText } from './tool';

const view = 'assurance.view';
const manage = 'assurance.manage';
const contribute = 'assurance.contribute';
const RAG_TAGS: Record<ActionRag, string> = { blue: 'govuk-tag--blue', red: 'govuk-tag--red', amber: 'govuk-tag--yellow', green: 'govuk-tag--green', none: 'govuk-tag--grey' };

/**
 * A round's pages: its cases, the agencies' sections, moderation and findings. Children are named only to
 * people who may read children's records (and every page naming them is audited as a list of children);
 * everyone else knows a case by its number alone, without the LA child ID, which is the key to the
 * council's record. Agencies identify their cases from the list the business unit shares with them under
 * the partnership's information sharing agreement.
 */
export async function auditRoundRoutes(app: FastifyInstance, { db, now, mailer, config }: AppDeps) {
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;
  const body = (req: FastifyRequest) => (req.body ?? {}) as Body;
  const userId = (req: FastifyRequest) => req.beaconSession!.user.id;
  const params = <T>(req: FastifyRequest) => req.params as T;
  const namesChildren = (req: FastifyRequest) => req.scopes.has('child.read');
  const todayOf = () => londonParts(now()).date;

  const caseView = (req: FastifyRequest, round: Round, c: RoundCase) => ({
    ...c,
    label: `Case ${c.caseNumber}`,
    child: namesChildren(req) ? { name: childName({ first_name: c.firstName, last_name: c.lastName, la_child_id: c.laChildId }), laChildId: c.laChildId, id: c.childId, dateOfBirth: c.dateOfBirth } : null,
    matchedText: matchedText(round.criteria, c.matched),
  });

  /** Names shown on a page are recorded as a list of children read. */
  const auditNamed = async (req: FastifyRequest, list: string, ids: string[]) => {
    if (namesChildren(req) && ids.length) await req.audit({ action: 'child.list', recordType: 'child', detail: { list, results: ids.length, ids } });
  };

  // ---- The round ----

  const roundPage = async (req: FastifyRequest, reply: FastifyReply, id: string, errors?: FieldError[], values: Body = {}) => {
    const round = await findRound(db, pid(req), id);
    const [cases, sections, agencies, findings, actions] = await Promise.all([
      casesOf(db, pid(req), round.id), sectionsOf(db, pid(req), round.id), roundAgencies(db, pid(req), round), findingsOf(db, pid(req), round.id),
      actionsOfSource(db, pid(req), 'audit', round.id),
    ]);
    const current = cases.filter((c) => c.status === 'selected');
    const replaced = cases.filter((c) => c.status === 'replaced');
    const userAgency = req.beaconSession!.user.agencyId;
    const canContribute = req.scopes.has(contribute);
    const canManage = req.scopes.has(manage);
    const cellOf = (caseId: string, agencyId: number) => sections.find((s) => s.caseId === caseId && s.agencyId === agencyId) ?? null;
    const today = todayOf();
    await req.audit({ action: 'audit_round.read', recordType: 'audit_round', recordId: round.id });
    await auditNamed(req, 'audit_round', cases.map((c) => c.childId));
    return reply.code(errors ? 400 : 200).view('audits/views/round.njk', {
      title: `${round.reference}: ${round.theme}`, round, today, values, errors: errors ? formErrors(errors) : undefined,
      statusLabel: STATUS_LABELS[round.status], statusTag: STATUS_TAGS[round.status], canManage,
      criteria: describeCriteria(round.criteria),
      cases: current.map((c) => ({ ...caseView(req, round, c), gradeLabel: gradeLabel(round.scale, round.scoreLabels, c.moderatedGrade) })),
      replaced: replaced.map((c) => caseView(req, round, c)),
      agencies: agencies.map((a) => {
        const own = sections.filter((s) => s.agencyId === a.id);
        return { ...a, sections: own.length, submitted: own.filter((s) => s.status === 'submitted').length, mine: canContribute && a.id === userAgency };
      }),
      grid: current.map((c) => ({
        caseView: caseView(req, round, c),
        cells: agencies.map((a) => {
          const s = cellOf(c.id, a.id);
          if (!s) return null;
          const href = canManage || (canContribute && a.id === userAgency) ? `/audits/rounds/${round.id}/cases/${c.id}/agencies/${a.id}` : null;
          const tag = s.status === 'submitted'
            ? { text: s.onTime === false ? 'Submitted late' : 'Submitted', classes: s.onTime === false ? 'govuk-tag--orange' : 'govuk-tag--green' }
            : s.started ? { text: 'Draft', classes: 'govuk-tag--yellow' } : { text: 'Not started', classes: 'govuk-tag--grey' };
          const linkText = s.status === 'draft' && round.status === 'in_progress' && canContribute && a.id === userAgency ? 'Complete' : 'View';
          return { ...s, href, tag, linkText, agencyName: a.name };
        }),
      })),
      sectionsOverdue: round.status === 'in_progress' && round.sectionsDue !== null && round.sectionsDue < today,
      drafts: sections.filter((s) => s.status === 'draft').length,
      findings: findings.map((f) => findingView(round, f)),
      actions: actions.map((a) => ({ ...a, statusLabel: ACTION_STATUSES[a.status], rag: actionRag(a, today), ragClass: RAG_TAGS[actionRag(a, today)] })),
      moderated: current.filter((c) => c.moderatedGrade).length, namesShown: namesChildren(req), full: current.length >= round.sampleSize,
    });
  };

  const findingView = (round: Round, f: Finding) => ({
    ...f, reference: findingReference(round, f.number), themeLabels: f.themes.map((t) => LEARNING_THEMES[t as keyof typeof LEARNING_THEMES] ?? t),
  });

  app.get('/audits/rounds/:id', { config: { access: view } }, async (req, reply) => roundPage(req, reply, params<{ id: string }>(req).id));

  /** A round page's button: its work, or the round page again with what stopped it. */
  const roundAction = (path: string, run: (req: FastifyRequest, round: Round) => Promise<string>) => {
    app.post(`/audits/rounds/:id/${path}`, { config: { access: manage } }, async (req, reply) => {
      const round = await findRound(db, pid(req), params<{ id: string }>(req).id);
      try {
        reply.flash(await run(req, round));
      } catch (err) {
        if (!(err instanceof ValidationFailed)) throw err;
        return roundPage(req, reply, round.id, err.errors, body(req));
      }
      return reply.redirect(`/audits/rounds/${round.id}`, 303);
    });
  };

  roundAction('select', async (req, round) => {
    const outcome = await selectCases(db, pid(req), round.id, userId(req), now());
    await req.audit({ action: 'audit_round.select', recordType: 'audit_round', recordId: round.id, detail: outcome });
    const s = outcome.selected;
    return s === 0 ? 'No child who meets the criteria is left to select.'
      : `${s} ${s === 1 ? 'case' : 'cases'} selected at random from ${outcome.available} ${outcome.available === 1 ? 'child' : 'children'} who meet the criteria.`
        + (s < outcome.wanted ? ` Too few children meet the criteria for the sample of ${round.sampleSize}.` : '');
  });

  roundAction('moderation', async (req, round) => {
    const { missing } = await beginModeration(db, pid(req), round.id, one(body(req).proceed) === 'yes', now());
    await req.audit({ action: 'audit_round.moderation', recordType: 'audit_round', recordId: round.id, detail: { sectionsNotSubmitted: missing } });
    return 'Moderation has started: moderate each case, then record the round’s findings.';
  });

  roundAction('complete', async (req, round) => {
    const { actions } = await completeRound(db, pid(req), round.id, parseSummary(body(req)), userId(req), now());
    await req.audit({ action: 'audit_round.complete', recordType: 'audit_round', recordId: round.id, detail: { actions } });
    return `The round is completed${actions ? `, with ${actions} ${actions === 1 ? 'action' : 'actions'} added to the action tracker` : ''}.`;
  });

  // ---- Planned date ----

  const dateForm = (reply: FastifyReply, round: Round, values: Body, errors?: FieldError[]) =>
    reply.code(errors ? 400 : 200).view('audits/views/round-form.njk', {
      title: `Change the planned date: ${round.reference}`, theme: { name: round.theme }, values, errors: errors ? formErrors(errors, { plannedDate: 'plannedDate-day' }) : undefined,
      action: `/audits/rounds/${round.id}/date`, back: { text: round.reference, href: `/audits/rounds/${round.id}` }, button: 'Save the planned date',
    });

  app.get('/audits/rounds/:id/date', { config: { access: manage } }, async (req, reply) => {
    const round = await findRound(db, pid(req), params<{ id: string }>(req).id);
    await req.audit({ action: 'audit_round.read', recordType: 'audit_round', recordId: round.id, detail: { form: 'date' } });
    return dateForm(reply, round, dateInputValues('plannedDate', round.plannedDate));
  });

  app.post('/audits/rounds/:id/date', { config: { access: manage } }, async (req, reply) => {
    const round = await findRound(db, pid(req), params<{ id: string }>(req).id);
    const b = body(req);
    try {
      await rescheduleRound(db, pid(req), round.id, parsePlannedDate(b, now()), now());
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return dateForm(reply, round, b, err.errors);
    }
    await req.audit({ action: 'audit_round.reschedule', recordType: 'audit_round', recordId: round.id });
    reply.flash('The planned date is saved.');
    return reply.redirect(`/audits/rounds/${round.id}`, 303);
  });

  // ---- Replacing a case ----

  const replaceForm = async (req: FastifyRequest, reply: FastifyReply, round: Round, c: RoundCase, values: Body, errors?: FieldError[]) => {
    await auditNamed(req, 'audit_case', [c.childId]);
    return reply.code(errors ? 400 : 200).view('audits/views/replace-form.njk', {
      title: `Replace case ${c.caseNumber}`, round, auditCase: caseView(req, round, c), values, errors: errors ? formErrors(errors) : undefined,
    });
  };

  app.get('/audits/rounds/:id/cases/:caseId/replace', { config: { access: manage } }, async (req, reply) => {
    const { id, caseId } = params<{ id: string; caseId: string }>(req);
    const round = await findRound(db, pid(req), id);
    const c = await findCase(db, pid(req), round.id, caseId);
    await req.audit({ action: 'audit_case.read', recordType: 'audit_case', recordId: c.id, detail: { round: round.id, form: 'replace' } });
    return replaceForm(req, reply, round, c, {});
  });

  app.post('/audits/rounds/:id/cases/:caseId/replace', { config: { access: manage } }, async (req, reply) => {
    const { id, caseId } = params<{ id: string; caseId: string }>(req);
    const round = await findRound(db, pid(req), id);
    const c = await findCase(db, pid(req), round.id, caseId);
    const b = body(req);
    let outcome;
    try {
      outcome = await replaceCase(db, pid(req), round.id, c.id, parseReplaceReason(b), userId(req), now());
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return replaceForm(req, reply, round, c, b, err.errors);
    }
    await req.audit({ action: 'audit_case.replace', recordType: 'audit_case', recordId: c.id, detail: { round: round.id, caseNumber: c.caseNumber, replacedBy: outcome.replacedBy } });
    reply.flash(outcome.replacedBy ? `Case ${c.caseNumber} replaced by another child drawn at random.` : `Case ${c.caseNumber} removed: no other child meets the criteria.`);
    return reply.redirect(`/audits/rounds/${round.id}`, 303);
  });

  // ---- Starting the round ----

  const startForm = async (req: FastifyRequest, reply: FastifyReply, round: Round, values: Body, errors?: FieldError[]) => {
    const theme = await findTheme(db, pid(req), round.themeId);
    const cases = (await casesOf(db, pid(req), round.id)).filter((c) => c.status === 'selected');
    return reply.code(errors ? 400 : 200).view('audits/views/start-form.njk', {
      title: `Start the round: ${round.reference}`, round, agencies: theme.agencies, cases: cases.length, values,
      errors: errors ? formErrors(errors, { sectionsDue: 'sectionsDue-day' }) : undefined,
    });
  };

  app.get('/audits/rounds/:id/start', { config: { access: manage } }, async (req, reply) => {
    const round = await findRound(db, pid(req), params<{ id: string }>(req).id);
    await req.audit({ action: 'audit_round.read', recordType: 'audit_round', recordId: round.id, detail: { form: 'start' } });
    return startForm(req, reply, round, dateInputValues('sectionsDue', addWorkingDays(todayOf(), 20)));
  });

  app.post('/audits/rounds/:id/start', { config: { access: manage } }, async (req, reply) => {
    const round = await findRound(db, pid(req), params<{ id: string }>(req).id);
    const b = body(req);
    try {
      await startRound(db, pid(req), round.id, parseSectionsDue(b, now()), userId(req), now());
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return startForm(req, reply, round, b, err.errors);
    }
    const notified = await notifyRoundStarted(db, mailer, pid(req), round.id, now(), { publicUrl: config.publicUrl });
    const emails = notified.reduce((n, a) => n + a.emailed.length, 0);
    await req.audit({ action: 'audit_round.start', recordType: 'audit_round', recordId: round.id, detail: { agencies: notified.length, emails } });
    const unheard = notified.filter((a) => a.emailed.length === 0).map((a) => a.agency);
    reply.flash(`The round has started. ${emails} ${emails === 1 ? 'email' : 'emails'} sent to the agencies’ safeguarding leads and auditors.`
      + (unheard.length ? ` Nobody at ${unheard.join(', ')} could be emailed: tell them yourself.` : ''));
    return reply.redirect(`/audits/rounds/${round.id}`, 303);
  });

  // ---- An agency's section ----

  /** The section's reader: the business manager any, an agency's lead or auditor their own agency's only. */
  const sectionAccess = (req: FastifyRequest, agencyId: string) => {
    const own = req.scopes.has(contribute) && String(req.beaconSession!.user.agencyId) === agencyId;
    if (!req.scopes.has(manage) && !req.scopes.has(contribute)) throw new Forbidden('Only the business manager and the agency’s own lead or auditor see a section');
    return own;
  };

  const sectionPage = async (req: FastifyRequest, reply: FastifyReply, round: Round, section: Section, own: boolean, values?: Body, errors?: FieldError[]) => {
    const c = await findCase(db, pid(req), round.id, section.caseId);
    const tool = round.tool!;
    const editable = own && round.status === 'in_progress' && section.status === 'draft';
    const v: Body = values ?? {
      overallGrade: section.overallGrade ?? '', strengths: section.strengths ?? '', development: section.development ?? '',
      ...Object.fromEntries(tool.questions.flatMap((q) => [[`grade-${q.id}`, section.answers[q.id]?.grade ?? ''], [`comment-${q.id}`, section.answers[q.id]?.comment ?? '']])),
    };
    const e = errors ? formErrors(errors, { form: editable ? 'save' : 'section-heading' }) : undefined;
    const options = gradeOptions(tool.scale, tool.scoreLabels);
    const items = (field: string) => options.map((o) => ({ value: o.value, text: o.text, checked: one(v[field]) === o.value }));
    await req.audit({ action: 'audit_section.read', recordType: 'audit_section', recordId: section.id, detail: { round: round.id, agency: section.agencyId } });
    await auditNamed(req, 'audit_section', [c.childId]);
    return reply.code(errors ? 400 : 200).view('audits/views/section.njk', {
      title: `${section.agency}: case ${section.caseNumber}`, round, section, auditCase: caseView(req, round, c), editable, values: v, errors: e,
      version: values?.version ?? String(section.version),
      questions: tool.questions.map((q, i) => ({
        ...q, number: i + 1, items: items(`grade-${q.id}`), gradeText: gradeLabel(tool.scale, tool.scoreLabels, section.answers[q.id]?.grade ?? null),
        comment: section.answers[q.id]?.comment ?? '', gradeError: e?.fields[`grade-${q.id}`], commentError: e?.fields[`comment-${q.id}`],
      })),
      overallItems: items('overallGrade'), overallText: gradeLabel(tool.scale, tool.scoreLabels, section.overallGrade),
      belowGoodHint: tool.scale === 'ofsted' ? 'Requires improvement or Inadequate' : 'a score of 0 or 1',
    });
  };

  const sectionUrl = '/audits/rounds/:id/cases/:caseId/agencies/:agencyId';
  type SectionParams = { id: string; caseId: string; agencyId: string };

  app.get(sectionUrl, { config: { access: view } }, async (req, reply) => {
    const { id, caseId, agencyId } = params<SectionParams>(req);
    const own = sectionAccess(req, agencyId);
    const round = await findRound(db, pid(req), id);
    const section = await findSection(db, pid(req), round.id, caseId, agencyId);
    if (!own && !req.scopes.has(manage)) throw new Forbidden('A section is seen only by its own agency and the business manager');
    return sectionPage(req, reply, round, section, own);
  });

  app.post(sectionUrl, { config: { access: contribute } }, async (req, reply) => {
    const { id, caseId, agencyId } = params<SectionParams>(req);
    const round = await findRound(db, pid(req), id);
    const section = await findSection(db, pid(req), round.id, caseId, agencyId);
    if (String(req.beaconSession!.user.agencyId) !== agencyId) throw new Forbidden('Only the agency’s own lead or auditor completes its section');
    const b = body(req);
    if (!round.tool) throw new ValidationFailed([{ field: 'form', message: 'The round has not started' }]);
    let form;
    try {
      form = parseSectionForm(round.tool, b);
      await saveSection(db, pid(req), section, form, versionFrom(b), userId(req), now());
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      const fresh = await findSection(db, pid(req), round.id, caseId, agencyId);
      return sectionPage(req, reply, round, fresh, true, { ...b, version: String(fresh.version) }, err.errors);
    }
    await req.audit({ action: form.submit ? 'audit_section.submit' : 'audit_section.save', recordType: 'audit_section', recordId: section.id, detail: { round: round.id, agency: section.agencyId } });
    reply.flash(form.submit ? `Case ${section.caseNumber} submitted for ${section.agency}.` : `Case ${section.caseNumber} saved as a draft. Submit it when it is complete.`);
    return reply.redirect(form.submit ? `/audits/rounds/${round.id}#sections` : `${sectionUrl.replace(':id', round.id).replace(':caseId', section.caseId).replace(':agencyId', agencyId)}`, 303);
  });

  // ---- Moderating a case ----

  const casePage = async (req: FastifyRequest, reply: FastifyReply, round: Round, c: RoundCase, values?: Body, errors?: FieldError[]) => {
    const sections = await sectionsOfCase(db, pid(req), round.id, c.id);
    const tool = round.tool;
    const v: Body = values ?? { grade: c.moderatedGrade ?? '', notes: c.moderationNotes ?? '' };
    const grade = (g: string | null) => gradeLabel(round.scale, round.scoreLabels, g);
    await req.audit({ action: 'audit_case.read', recordType: 'audit_case', recordId: c.id, detail: { round: round.id } });
    await auditNamed(req, 'audit_case', [c.childId]);
    return reply.code(errors ? 400 : 200).view('audits/views/case.njk', {
      title: `Case ${c.caseNumber}: ${round.reference}`, round, auditCase: caseView(req, round, c), values: v, errors: errors ? formErrors(errors) : undefined,
      moderating: round.status === 'moderation', questions: (tool?.questions ?? []).map((q, i) => ({ number: i + 1, text: q.text })),
      sections: sections.map((s) => ({
        ...s, overallText: grade(s.overallGrade), goodOrBetter: s.overallGrade ? isGoodOrBetter(round.scale, s.overallGrade) : null,
        answers: (tool?.questions ?? []).map((q, i) => ({ number: i + 1, text: q.text, grade: grade(s.answers[q.id]?.grade ?? null), comment: s.answers[q.id]?.comment ?? '' })),
      })),
      gradeItems: gradeOptions(round.scale, round.scoreLabels).map((o) => ({ value: o.value, text: o.text, checked: one(v.grade) === o.value })),
      moderatedText: grade(c.moderatedGrade),
    });
  };

  app.get('/audits/rounds/:id/cases/:caseId', { config: { access: manage } }, async (req, reply) => {
    const { id, caseId } = params<{ id: string; caseId: string }>(req);
    const round = await findRound(db, pid(req), id);
    return casePage(req, reply, round, await findCase(db, pid(req), round.id, caseId));
  });

  app.post('/audits/rounds/:id/cases/:caseId', { config: { access: manage } }, async (req, reply) => {
    const { id, caseId } = params<{ id: string; caseId: string }>(req);
    const round = await findRound(db, pid(req), id);
    const c = await findCase(db, pid(req), round.id, caseId);
    const b = body(req);
    let form;
    try {
      form = parseModerationForm(round, b);
      await moderateCase(db, pid(req), round.id, c.id, form, userId(req), now());
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return casePage(req, reply, round, c, b, err.errors);
    }
    await req.audit({ action: 'audit_case.moderate', recordType: 'audit_case', recordId: c.id, detail: { round: round.id, grade: form.grade } });
    reply.flash(`Case ${c.caseNumber} moderated: ${gradeLabel(round.scale, round.scoreLabels, form.grade)}.`);
    return reply.redirect(`/audits/rounds/${round.id}#cases`, 303);
  });

  // ---- Findings ----

  const findingForm = async (req: FastifyRequest, reply: FastifyReply, round: Round, finding: Finding | null, values?: Body, errors?: FieldError[]) => {
    const [agencies, groups] = await Promise.all([listAgencies(db, pid(req)), groupsOf(db, pid(req))]);
    const v: Body = values ?? (finding ? {
      kind: finding.kind, text: finding.text, actionDescription: finding.actionDescription ?? '', ownerAgencyId: finding.ownerAgencyId ? String(finding.ownerAgencyId) : '',
      groupId: finding.groupId ? String(finding.groupId) : '', themes: finding.themes, ...dateInputValues('dueDate', finding.dueDate),
    } : { themes: [round.learningTheme], groupId: round.leadGroupId ? String(round.leadGroupId) : '' });
    const themes = many(v.themes);
    return reply.code(errors ? 400 : 200).view('audits/views/finding-form.njk', {
      title: finding ? `Change finding F${finding.number}` : 'Add a finding', round, finding, values: v,
      errors: errors ? formErrors(errors, { kind: 'kind', dueDate: 'dueDate-day', themes: 'themes' }) : undefined,
      agencies: [{ value: '', text: 'Select an agency' }, ...agencies.map((a) => ({ value: String(a.id), text: a.name, selected: v.ownerAgencyId === String(a.id) }))],
      groups: [{ value: '', text: 'None' }, ...groups.map((g) => ({ value: String(g.id), text: g.name, selected: v.groupId === String(g.id) }))],
      learningThemes: LEARNING_THEME_CODES.map((c) => ({ value: c, text: LEARNING_THEMES[c], checked: themes.includes(c) })),
      action: finding ? `/audits/rounds/${round.id}/findings/${finding.id}` : `/audits/rounds/${round.id}/findings/new`,
    });
  };

  app.get('/audits/rounds/:id/findings/new', { config: { access: manage } }, async (req, reply) => {
    const round = await findRound(db, pid(req), params<{ id: string }>(req).id);
    await req.audit({ action: 'audit_round.read', recordType: 'audit_round', recordId: round.id, detail: { form: 'finding' } });
    return findingForm(req, reply, round, null);
  });

  app.post('/audits/rounds/:id/findings/new', { config: { access: manage } }, async (req, reply) => {
    const round = await findRound(db, pid(req), params<{ id: string }>(req).id);
    const b = body(req);
    let id: string;
    try {
      id = await addFinding(db, pid(req), round.id, await parseFindingForm(db, pid(req), b, now()), userId(req), now());
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return findingForm(req, reply, round, null, b, err.errors);
    }
    await req.audit({ action: 'audit_finding.create', recordType: 'audit_finding', recordId: id, detail: { round: round.id } });
    reply.flash('Finding added.');
    return reply.redirect(`/audits/rounds/${round.id}#findings`, 303);
  });

  app.get('/audits/rounds/:id/findings/:findingId', { config: { access: manage } }, async (req, reply) => {
    const { id, findingId } = params<{ id: string; findingId: string }>(req);
    const round = await findRound(db, pid(req), id);
    const finding = await findFinding(db, pid(req), round.id, findingId);
    await req.audit({ action: 'audit_finding.read', recordType: 'audit_finding', recordId: finding.id, detail: { round: round.id } });
    return findingForm(req, reply, round, finding);
  });

  app.post('/audits/rounds/:id/findings/:findingId', { config: { access: manage } }, async (req, reply) => {
    const { id, findingId } = params<{ id: string; findingId: string }>(req);
    const round = await findRound(db, pid(req), id);
    const finding = await findFinding(db, pid(req), round.id, findingId);
    const b = body(req);
    try {
      await updateFinding(db, pid(req), round.id, finding.id, await parseFindingForm(db, pid(req), b, now()), now());
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return findingForm(req, reply, round, finding, b, err.errors);
    }
    await req.audit({ action: 'audit_finding.update', recordType: 'audit_finding', recordId: finding.id, detail: { round: round.id } });
    reply.flash(`Finding F${finding.number} saved.`);
    return reply.redirect(`/audits/rounds/${round.id}#findings`, 303);
  });

  app.post('/audits/rounds/:id/findings/:findingId/remove', { config: { access: manage } }, async (req, reply) => {
    const { id, findingId } = params<{ id: string; findingId: string }>(req);
    const round = await findRound(db, pid(req), id);
    const finding = await findFinding(db, pid(req), round.id, findingId);
    try {
      await removeFinding(db, pid(req), round.id, finding.id);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return roundPage(req, reply, round.id, err.errors);
    }
    await req.audit({ action: 'audit_finding.remove', recordType: 'audit_finding', recordId: finding.id, detail: { round: round.id } });
    reply.flash(`Finding F${finding.number} removed.`);
    return reply.redirect(`/audits/rounds/${round.id}#findings`, 303);
  });
}
