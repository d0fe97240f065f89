import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LEARNING_THEME_CODES, LEARNING_THEMES } from '../../domain/assurance';
import { addWorkingDays } from '../../domain/calendar';
import { londonParts } from '../../domain/london';
import type { AppDeps } from '../../platform/deps';
import { ValidationFailed, type FieldError } from '../../platform/errors';
import { formErrors } from '../../platform/forms';
import { listAgencies } from '../agencies/agencies.service';
import { roundGradesChartSvg, GRADE_COLOURS } from './chart';
import { dateInputValues, many, monthText, type Body } from './forms';
import {
  addQuestion, createTheme, findQuestion, findTheme, groupsOf, listThemes, nextRound, parseQuestionForm, parseThemeForm, questionsOf, removeQuestion,
  roundsOf, saveCriteria, updateQuestion, updateTheme, type Theme,
} from './programme.service';
import { agencyCompletion, resultsCsv, themeGrades } from './results.service';
import { STATUS_LABELS, parsePlannedDate, scheduleRound } from './rounds.service';
import {
  DEFAULT_SCORE_LABELS, RULES, RULE_CODES, SCALES, criteriaFormValues, describeCriteria, gradeOptions, parseCriteriaForm, ruleParams,
} from './tool';

const view = 'assurance.view';
const manage = 'assurance.manage';

export const STATUS_TAGS: Record<string, string> = {
  planned: 'govuk-tag--grey', in_progress: 'govuk-tag--blue', moderation: 'govuk-tag--purple', completed: 'govuk-tag--green',
};

/**
 * The programme: the themes audited, each with its tool and criteria, and the schedule of their rounds.
 * The business manager sets it up; everyone who reads assurance work sees it.
 */
export async function auditProgrammeRoutes(app: FastifyInstance, { db, now }: AppDeps) {
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;
  const body = (req: FastifyRequest) => (req.body ?? {}) as Body;
  const todayOf = () => londonParts(now()).date;
  const params = <T>(req: FastifyRequest) => req.params as T;

  app.get('/audits', { config: { access: view } }, async (req, reply) => {
    const today = todayOf();
    const [themes, rounds] = await Promise.all([listThemes(db, pid(req), today), roundsOf(db, pid(req))]);
    const open = rounds.filter((r) => r.status !== 'completed').sort((a, b) => a.plannedDate.localeCompare(b.plannedDate));
    const recent = rounds.filter((r) => r.status === 'completed').slice(0, 8);
    // An agency's own sections waiting, for its lead or auditor.
    let mine: { roundId: string; reference: string; theme: string; sectionsDue: string | null; draft: number; submitted: number }[] = [];
    if (req.scopes.has('assurance.contribute')) {
      const rows = await db.selectFrom('audit_section as s').innerJoin('audit_round as r', 'r.id', 's.round_id').innerJoin('audit_case as c', 'c.id', 's.case_id')
        .select(['s.round_id', 's.status', (eb) => eb.fn.countAll<string>().as('n')])
        .where('s.partnership_id', '=', pid(req)).where('s.agency_id', '=', req.beaconSession!.user.agencyId).where('r.status', '=', 'in_progress')
        .where('c.status', '=', 'selected').groupBy(['s.round_id', 's.status']).execute();
      mine = open.filter((r) => rows.some((x) => x.round_id === r.id)).map((r) => ({
        roundId: r.id, reference: r.reference, theme: r.theme, sectionsDue: r.sectionsDue,
        draft: Number(rows.find((x) => x.round_id === r.id && x.status === 'draft')?.n ?? 0),
        submitted: Number(rows.find((x) => x.round_id === r.id && x.status === 'submitted')?.n ?? 0),
      }));
    }
    await req.audit({ action: 'audit_programme.read', recordType: 'audit_theme', detail: { themes: themes.length, rounds: rounds.length } });
    return reply.view('audits/views/programme.njk', {
      title: 'Multi-agency audits', themes, open, recent, mine, today, statusLabels: STATUS_LABELS, statusTags: STATUS_TAGS,
      canManage: req.scopes.has(manage), agencyName: req.beaconSession!.user.agencyName,
      monthOf: Object.fromEntries([...themes.flatMap((t) => (t.next ? [t.next.date] : [])), ...rounds.map((r) => r.plannedDate)].map((d) => [d, monthText(d)])),
    });
  });

  // ---- Themes ----

  const themeForm = async (req: FastifyRequest, reply: FastifyReply, theme: Theme | null, values?: Body, errors?: FieldError[]) => {
    const [agencies, groups] = await Promise.all([listAgencies(db, pid(req)), groupsOf(db, pid(req))]);
    const v: Body = values ?? (theme ? {
      name: theme.name, shortName: theme.shortName, learningTheme: theme.learningTheme, description: theme.description ?? '',
      frequencyMonths: String(theme.frequencyMonths), leadGroupId: theme.leadGroupId ? String(theme.leadGroupId) : '', agencies: theme.agencies.map((a) => String(a.id)),
      sampleSize: String(theme.sampleSize), scale: theme.scale, active: theme.active ? 'yes' : 'no',
      ...Object.fromEntries(theme.scoreLabels.map((l, n) => [`scoreLabel${n}`, l])),
    } : { frequencyMonths: '4', sampleSize: '6', scale: 'ofsted', ...Object.fromEntries(DEFAULT_SCORE_LABELS.map((l, n) => [`scoreLabel${n}`, l])) });
    const chosen = many(v.agencies);
    return reply.code(errors ? 400 : 200).view('audits/views/theme-form.njk', {
      title: theme ? `Change the theme: ${theme.name}` : 'Add an audit theme', theme, values: v, errors: errors ? formErrors(errors) : undefined,
      learningThemes: LEARNING_THEME_CODES.map((c) => ({ value: c, text: LEARNING_THEMES[c], selected: v.learningTheme === c })),
      groups: groups.map((g) => ({ value: String(g.id), text: g.name, selected: v.leadGroupId === String(g.id) })),
      agencies: agencies.map((a) => ({ value: String(a.id), text: a.name, checked: chosen.includes(String(a.id)) })),
      scales: Object.entries(SCALES).map(([value, text]) => ({ value, text, checked: v.scale === value })),
    });
  };

  app.get('/audits/themes/new', { config: { access: manage } }, async (req, reply) => themeForm(req, reply, null));

  app.post('/audits/themes/new', { config: { access: manage } }, async (req, reply) => {
    const b = body(req);
    let id: number;
    try {
      id = await createTheme(db, pid(req), await parseThemeForm(db, pid(req), b), now());
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return themeForm(req, reply, null, b, err.errors);
    }
    await req.audit({ action: 'audit_theme.create', recordType: 'audit_theme', recordId: String(id) });
    reply.flash('Theme added. Now set which children are audited and the questions of its audit tool.');
    return reply.redirect(`/audits/themes/${id}`, 303);
  });

  app.get('/audits/themes/:id', { config: { access: view } }, async (req, reply) => {
    const theme = await findTheme(db, pid(req), params<{ id: string }>(req).id);
    const today = todayOf();
    const [questions, rounds, grades, completion] = await Promise.all([
      questionsOf(db, pid(req), theme.id), roundsOf(db, pid(req), theme.id), themeGrades(db, pid(req), theme), agencyCompletion(db, pid(req), theme),
    ]);
    await req.audit({ action: 'audit_theme.read', recordType: 'audit_theme', recordId: String(theme.id) });
    return reply.view('audits/views/theme.njk', {
      title: theme.name, theme, questions, rounds, today, canManage: req.scopes.has(manage),
      learningTheme: LEARNING_THEMES[theme.learningTheme], criteria: describeCriteria(theme.criteria), scaleOptions: gradeOptions(theme.scale, theme.scoreLabels),
      next: theme.active ? nextRound(rounds, theme.frequencyMonths, today) : null, statusLabels: STATUS_LABELS, statusTags: STATUS_TAGS,
      grades, chart: grades.rounds.length ? roundGradesChartSvg(theme.name, grades.options, grades.rounds) : null,
      legend: grades.options.map((o, i) => ({ text: o.text, colour: GRADE_COLOURS[i] })), completion,
      monthOf: Object.fromEntries([...rounds.map((r) => r.plannedDate), ...grades.rounds.map((r) => r.plannedDate)].map((d) => [d, monthText(d)])),
    });
  });

  app.get('/audits/themes/:id/results.csv', { config: { access: view } }, async (req, reply) => {
    const theme = await findTheme(db, pid(req), params<{ id: string }>(req).id);
    const [grades, completion] = await Promise.all([themeGrades(db, pid(req), theme), agencyCompletion(db, pid(req), theme)]);
    await req.audit({ action: 'audit_theme.export', recordType: 'audit_theme', recordId: String(theme.id), detail: { format: 'csv', rows: grades.rounds.length } });
    return reply.header('content-disposition', `attachment; filename="audit-results-${theme.shortName.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.csv"`)
      .type('text/csv; charset=utf-8').send(resultsCsv(grades, completion));
  });

  app.get('/audits/themes/:id/edit', { config: { access: manage } }, async (req, reply) => {
    const theme = await findTheme(db, pid(req), params<{ id: string }>(req).id);
    await req.audit({ action: 'audit_theme.read', recordType: 'audit_theme', recordId: String(theme.id), detail: { form: 'settings' } });
    return themeForm(req, reply, theme);
  });

  app.post('/audits/themes/:id/edit', { config: { access: manage } }, async (req, reply) => {
    const theme = await findTheme(db, pid(req), params<{ id: string }>(req).id);
    const b = body(req);
    try {
      await updateTheme(db, pid(req), theme.id, await parseThemeForm(db, pid(req), { active: 'yes', ...b }), now());
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return themeForm(req, reply, theme, b, err.errors);
    }
    await req.audit({ action: 'audit_theme.update', recordType: 'audit_theme', recordId: String(theme.id) });
    reply.flash('The theme is saved.');
    return reply.redirect(`/audits/themes/${theme.id}`, 303);
  });

  // ---- Criteria ----

  const criteriaForm = async (reply: FastifyReply, theme: Theme, values?: Body, errors?: FieldError[]) => {
    const v: Body = values ?? criteriaFormValues(theme.criteria);
    const chosen = many(v.rules);
    return reply.code(errors ? 400 : 200).view('audits/views/criteria-form.njk', {
      title: `Which children are audited: ${theme.name}`, theme, values: v, errors: errors ? formErrors(errors, { rules: 'rules' }) : undefined,
      rules: RULE_CODES.map((code) => ({
        code, label: RULES[code].label, checked: chosen.includes(code),
        params: ruleParams(code).map((p) => ({
          ...p, value: String(v[p.field] ?? ''),
          items: p.kind === 'choice' ? [{ value: '', text: 'Select' }, ...p.options.map((o) => ({ ...o, selected: String(v[p.field] ?? '') === o.value }))] : undefined,
        })),
      })),
    });
  };

  app.get('/audits/themes/:id/criteria', { config: { access: manage } }, async (req, reply) => {
    const theme = await findTheme(db, pid(req), params<{ id: string }>(req).id);
    await req.audit({ action: 'audit_theme.read', recordType: 'audit_theme', recordId: String(theme.id), detail: { form: 'criteria' } });
    return criteriaForm(reply, theme);
  });

  app.post('/audits/themes/:id/criteria', { config: { access: manage } }, async (req, reply) => {
    const theme = await findTheme(db, pid(req), params<{ id: string }>(req).id);
    const b = body(req);
    let criteria;
    try {
      criteria = parseCriteriaForm(b);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return criteriaForm(reply, theme, b, err.errors);
    }
    await saveCriteria(db, pid(req), theme.id, criteria, now());
    await req.audit({ action: 'audit_theme.criteria', recordType: 'audit_theme', recordId: String(theme.id), detail: { rules: criteria.rules.map((r) => r.rule), match: criteria.match } });
    reply.flash('The case selection criteria are saved. Rounds select cases with them from now on.');
    return reply.redirect(`/audits/themes/${theme.id}`, 303);
  });

  // ---- The tool's questions ----

  const questionForm = async (req: FastifyRequest, reply: FastifyReply, theme: Theme, questionId: number | null, values: Body, errors?: FieldError[]) => {
    const count = (await questionsOf(db, pid(req), theme.id)).length;
    return reply.code(errors ? 400 : 200).view('audits/views/question-form.njk', {
      title: questionId ? 'Change a question' : 'Add a question', theme, questionId, count, values, errors: errors ? formErrors(errors) : undefined,
    });
  };

  app.get('/audits/themes/:id/questions/new', { config: { access: manage } }, async (req, reply) => {
    const theme = await findTheme(db, pid(req), params<{ id: string }>(req).id);
    return questionForm(req, reply, theme, null, {});
  });

  app.post('/audits/themes/:id/questions/new', { config: { access: manage } }, async (req, reply) => {
    const theme = await findTheme(db, pid(req), params<{ id: string }>(req).id);
    const b = body(req);
    let id: number;
    try {
      id = await addQuestion(db, pid(req), theme.id, parseQuestionForm({ text: b.text, help: b.help }, 1));
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return questionForm(req, reply, theme, null, b, err.errors);
    }
    await req.audit({ action: 'audit_question.create', recordType: 'audit_question', recordId: String(id), detail: { theme: theme.id } });
    reply.flash(b.another === 'yes' ? 'Question added. Add the next one.' : 'Question added.');
    return reply.redirect(b.another === 'yes' ? `/audits/themes/${theme.id}/questions/new` : `/audits/themes/${theme.id}#tool`, 303);
  });

  app.get('/audits/themes/:id/questions/:questionId', { config: { access: manage } }, async (req, reply) => {
    const { id, questionId } = params<{ id: string; questionId: string }>(req);
    const theme = await findTheme(db, pid(req), id);
    const q = await findQuestion(db, pid(req), theme.id, questionId);
    await req.audit({ action: 'audit_question.read', recordType: 'audit_question', recordId: String(q.id), detail: { theme: theme.id } });
    return questionForm(req, reply, theme, q.id, { text: q.text, help: q.help ?? '', position: String(q.position) });
  });

  app.post('/audits/themes/:id/questions/:questionId', { config: { access: manage } }, async (req, reply) => {
    const { id, questionId } = params<{ id: string; questionId: string }>(req);
    const theme = await findTheme(db, pid(req), id);
    const q = await findQuestion(db, pid(req), theme.id, questionId);
    const b = body(req);
    try {
      const count = (await questionsOf(db, pid(req), theme.id)).length;
      await updateQuestion(db, pid(req), theme.id, q.id, parseQuestionForm({ text: b.text, help: b.help, position: b.position ?? '' }, count));
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return questionForm(req, reply, theme, q.id, b, err.errors);
    }
    await req.audit({ action: 'audit_question.update', recordType: 'audit_question', recordId: String(q.id), detail: { theme: theme.id } });
    reply.flash('Question saved.');
    return reply.redirect(`/audits/themes/${theme.id}#tool`, 303);
  });

  app.post('/audits/themes/:id/questions/:questionId/remove', { config: { access: manage } }, async (req, reply) => {
    const { id, questionId } = params<{ id: string; questionId: string }>(req);
    const theme = await findTheme(db, pid(req), id);
    const q = await findQuestion(db, pid(req), theme.id, questionId);
    await removeQuestion(db, pid(req), theme.id, q.id);
    await req.audit({ action: 'audit_question.remove', recordType: 'audit_question', recordId: String(q.id), detail: { theme: theme.id } });
    reply.flash(`Question ${q.position} removed. Rounds already started keep the questions they asked.`);
    return reply.redirect(`/audits/themes/${theme.id}#tool`, 303);
  });

  // ---- Scheduling a round ----

  const roundForm = async (reply: FastifyReply, theme: Theme, values: Body, errors?: FieldError[]) =>
    reply.code(errors ? 400 : 200).view('audits/views/round-form.njk', {
      title: `Schedule a round: ${theme.name}`, theme, values, errors: errors ? formErrors(errors, { plannedDate: 'plannedDate-day' }) : undefined,
      action: `/audits/themes/${theme.id}/rounds/new`, back: { text: theme.name, href: `/audits/themes/${theme.id}` }, button: 'Schedule the round',
    });

  app.get('/audits/themes/:id/rounds/new', { config: { access: manage } }, async (req, reply) => {
    const theme = await findTheme(db, pid(req), params<{ id: string }>(req).id);
    const next = nextRound(await roundsOf(db, pid(req), theme.id), theme.frequencyMonths, todayOf());
    const suggested = next && !next.scheduled && !next.overdue ? next.date : addWorkingDays(todayOf(), 10);
    return roundForm(reply, theme, dateInputValues('plannedDate', suggested));
  });

  app.post('/audits/themes/:id/rounds/new', { config: { access: manage } }, async (req, reply) => {
    const theme = await findTheme(db, pid(req), params<{ id: string }>(req).id);
    const b = body(req);
    let id: string;
    try {
      id = await scheduleRound(db, pid(req), theme.id, parsePlannedDate(b, now()), req.beaconSession!.user.id, now());
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return roundForm(reply, theme, b, err.errors);
    }
    await req.audit({ action: 'audit_round.schedule', recordType: 'audit_round', recordId: id, detail: { theme: theme.id } });
    reply.flash('Round scheduled. Select its cases when you are ready.');
    return reply.redirect(`/audits/rounds/${id}`, 303);
  });
}
