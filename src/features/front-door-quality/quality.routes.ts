import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { labelOf } from '../../domain/codes';
import type { AppDeps } from '../../platform/deps';
import { ValidationFailed, type FieldError } from '../../platform/errors';
import { formErrors } from '../../platform/forms';
import { decisionText } from '../front-door/screening.service';
import { gradesChartSvg, monthName } from './chart';
import {
  ANSWER_LABELS, ANSWERS, AUDIT_KINDS, GRADE_LABELS, GRADES, KIND_LABELS, NEEDS_LEARNING, QUESTIONS,
} from './questions';
import {
  auditSettings, completeAudit, findAudit, gradesByMonth, isMonth, monthAudits, monthLearning, monthOf, monthSummary, parseAuditForm,
  previousMonth, saveAuditSettings, selectAudits,
} from './quality.service';

const access = 'frontdoor.audit';
type Body = Record<string, string | undefined>;

/** Compliance as a GOV.UK tag: all the month's target met is green, most of it yellow, less red. */
function complianceTag(compliance: number | null): { text: string; classes: string } {
  if (compliance === null) return { text: 'No target', classes: 'govuk-tag--grey' };
  if (compliance >= 100) return { text: `${compliance}%`, classes: 'govuk-tag--green' };
  if (compliance >= 75) return { text: `${compliance}%`, classes: 'govuk-tag--yellow' };
  return { text: `${compliance}%`, classes: 'govuk-tag--red' };
}

/**
 * Front door quality assurance: the team manager sets the month's regime, selects decisions to audit at
 * random, and auditors complete each audit with a grade and learning points. Audits name children, so
 * every page that shows them is audited.
 */
export async function frontDoorQualityRoutes(app: FastifyInstance, { db, now }: AppDeps) {
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;
  const body = (req: FastifyRequest) => (req.body ?? {}) as Body;

  app.get('/front-door/quality', { config: { access } }, async (req, reply) => {
    const q = (req.query ?? {}) as Body;
    const month = isMonth(q.month) ? q.month : monthOf(now());
    const [summary, audits, grades, learning] = await Promise.all([
      monthSummary(db, pid(req), month), monthAudits(db, pid(req), month), gradesByMonth(db, pid(req), month), monthLearning(db, pid(req), month),
    ]);
    await req.audit({ action: 'front_door_audit.list', recordType: 'front_door_audit', detail: { month, results: audits.length } });
    return reply.view('front-door-quality/views/schedule.njk', {
      title: `Front door quality: ${monthName(month)}`, month, monthLabel: monthName(month),
      previousMonth: previousMonth(month), previousMonthLabel: monthName(previousMonth(month)),
      summary: summary.map((s) => ({ ...s, label: KIND_LABELS[s.kind], tag: complianceTag(s.compliance) })),
      audits: audits.map((a) => ({ ...a, kindLabel: KIND_LABELS[a.kind], decisionLabel: decisionText(a.decision), gradeLabel: a.grade ? GRADE_LABELS[a.grade] : null })),
      grades, gradeLabels: GRADE_LABELS, gradeKeys: GRADES, chart: gradesChartSvg(grades),
      learning: learning.map((l) => ({ ...l, kindLabel: KIND_LABELS[l.kind], gradeLabel: l.grade ? GRADE_LABELS[l.grade] : '' })),
      monthLabelOf: Object.fromEntries(grades.map((g) => [g.month, monthName(g.month)])),
    });
  });

  app.post('/front-door/quality/select', { config: { access } }, async (req, reply) => {
    const b = body(req);
    const month = isMonth(b.month) ? b.month : monthOf(now());
    const decisionsMonth = b.decisionsFrom === 'same' ? month : previousMonth(month);
    const outcome = await selectAudits(db, pid(req), month, decisionsMonth);
    const selected = AUDIT_KINDS.reduce((n, k) => n + outcome[k].selected, 0);
    const short = AUDIT_KINDS.filter((k) => outcome[k].selected < outcome[k].wanted);
    await req.audit({ action: 'front_door_audit.select', recordType: 'front_door_audit', detail: { month, decisionsMonth, selected } });
    reply.flash(`${selected} decision${selected === 1 ? '' : 's'} from ${monthName(decisionsMonth)} selected for audit.`
      + (short.length ? ` Too few decisions to meet the target for: ${short.map((k) => KIND_LABELS[k].toLowerCase()).join('; ')}.` : ''));
    return reply.redirect(`/front-door/quality?month=${month}`, 303);
  });

  const auditPage = async (req: FastifyRequest, reply: FastifyReply, id: string, values?: Body, errors?: FieldError[]) => {
    const audit = await findAudit(db, pid(req), id);
    await req.audit({ action: 'front_door_audit.read', recordType: 'front_door_audit', recordId: audit.id });
    const v: Body = values ?? {
      grade: audit.grade ?? undefined, learningPoints: audit.learningPoints ?? undefined,
      ...Object.fromEntries(QUESTIONS.flatMap((q) => [[`answer-${q.id}`, audit.answers[q.id]?.answer], [`comment-${q.id}`, audit.answers[q.id]?.comment]])),
    };
    const e = errors ? formErrors(errors) : undefined;
    return reply.code(errors ? 400 : 200).view('front-door-quality/views/audit.njk', {
      title: `Audit of a front door decision`, audit, values: v, errors: e,
      kindLabel: KIND_LABELS[audit.kind], monthLabel: monthName(audit.month),
      decisionLabel: decisionText(audit.contact.decision), sourceLabel: labelOf('referralSource', audit.contact.source) ?? audit.contact.source,
      gradeLabel: audit.grade ? GRADE_LABELS[audit.grade] : null,
      questions: QUESTIONS.map((q) => ({
        ...q,
        items: ANSWERS.map((a) => ({ value: a, text: ANSWER_LABELS[a], checked: v[`answer-${q.id}`] === a })),
        answerError: e?.fields[`answer-${q.id}`], commentError: e?.fields[`comment-${q.id}`],
      })),
      gradeItems: GRADES.map((g) => ({
        value: g, text: GRADE_LABELS[g], checked: v.grade === g,
        hint: NEEDS_LEARNING.has(g) ? { text: 'Learning points are needed' } : undefined,
      })),
    });
  };

  app.get('/front-door/quality/audits/:id', { config: { access } }, async (req, reply) => auditPage(req, reply, (req.params as { id: string }).id));

  app.post('/front-door/quality/audits/:id', { config: { access } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const b = body(req);
    let form;
    try {
      form = parseAuditForm(b);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return auditPage(req, reply, id, b, err.errors);
    }
    const audit = await findAudit(db, pid(req), id);
    await completeAudit(db, pid(req), audit.id, form, req.beaconSession!.user.id, now());
    await req.audit({ action: 'front_door_audit.complete', recordType: 'front_door_audit', recordId: audit.id, detail: { grade: form.grade } });
    reply.flash(`Audit completed: ${GRADE_LABELS[form.grade]}.`);
    return reply.redirect(`/front-door/quality?month=${audit.month}`, 303);
  });

  const settingsPage = async (req: FastifyRequest, reply: FastifyReply, values?: Body, errors?: FieldError[]) => {
    const s = await auditSettings(db, pid(req));
    const v: Body = values ?? {
      manager: String(s.targets.manager), multi_agency: String(s.targets.multi_agency), dip: String(s.targets.dip), dipReReferrals: s.dipReReferrals ? 'yes' : 'no',
    };
    return reply.code(errors ? 400 : 200).view('front-door-quality/views/settings.njk', {
      title: 'Front door audit regime', values: v, errors: errors ? formErrors(errors) : undefined,
      kinds: AUDIT_KINDS.map((k) => ({ kind: k, label: KIND_LABELS[k] })),
    });
  };

  app.get('/front-door/quality/settings', { config: { access } }, async (req, reply) => settingsPage(req, reply));

  app.post('/front-door/quality/settings', { config: { access } }, async (req, reply) => {
    const b = body(req);
    try {
      await saveAuditSettings(db, pid(req), b);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return settingsPage(req, reply, b, err.errors);
    }
    await req.audit({ action: 'partnership.front_door_audit_settings', recordType: 'partnership', recordId: String(pid(req)) });
    reply.flash('The audit regime is saved. Selections from now on use these targets.');
    return reply.redirect('/front-door/quality', 303);
  });
}
