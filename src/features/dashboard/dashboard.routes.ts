import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { INDICATOR_CODES, isIndicatorCode, type IndicatorCode } from '../indicators/indicator-codes';
import type { AppDeps } from '../../platform/deps';
import { NotFound } from '../../platform/errors';
import { formErrors } from '../../platform/forms';
import { findPartnershipById } from '../partnerships/partnerships.service';
import { ENGLAND } from './comparators';
import { scorecardCsv, scorecardXlsx } from './export';
import { INDICATOR_LABELS, formatChange, formatValue } from './labels';
import { parsePeriodForm, periodOf, periodQuery, type PeriodChoice, type PeriodForm } from './periods';
import { RAG_TAGS, defaultRule, parseRuleForm, type RuleForm } from './rag';
import { saveSetting, settingsOf } from './rag-rules.repository';
import { buildScorecard, cachedFigures, describeRule } from './scorecard';
import { latestPartnerTables } from '../partner-data/partner-data.repository';
import { indicatorSentence } from '../partner-data/narrative';

/**
 * The partnership's performance scorecard (everyone with dashboard.view), its exports, and the page
 * where the business manager sets how each indicator is rated (dashboard.configure).
 */

const PERIOD_IDS = { to: 'to-day' };
/** How long the page's figures are fresh; they are served for as long again while worked out afresh (cachedFigures). Exports are always worked out afresh. */
const PAGE_FIGURES_TTL_MS = 60_000;

export async function dashboardRoutes(app: FastifyInstance, { db, now }: AppDeps) {
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;
  const today = () => now().toISOString().slice(0, 10);
  const pageFigures = cachedFigures({ ttlMs: PAGE_FIGURES_TTL_MS });

  /** The chooser again, with what to correct. */
  const chooserWithErrors = (reply: FastifyReply, form: PeriodForm, errors: { field: string; message: string }[]) =>
    reply.code(400).view('dashboard/views/scorecard.njk', {
      title: 'Performance scorecard', form, errors: formErrors(errors, PERIOD_IDS), scorecard: null, thisYear: Number(today().slice(0, 4)),
    });

  app.get('/dashboard', { config: { access: 'dashboard.view' } }, async (req, reply) => {
    const { choice, errors } = parsePeriodForm(req.query as PeriodForm, today());
    if (!choice) return chooserWithErrors(reply, req.query as PeriodForm, errors);
    const card = await buildScorecard(db, pid(req), choice, { figures: pageFigures });
    const query = periodQuery(choice);
    const rows = card.rows.map((r) => ({
      ...r,
      href: `/dashboard/indicators/${r.code}?${query}`,
      valueText: formatValue(r.current.value, r.kind),
      previousText: formatValue(r.previous.value, r.kind),
      changeText: formatChange(r.change, r.kind),
      target: describeRule(r.rule, r.kind),
      tag: r.rag ? RAG_TAGS[r.rag] : null,
      englandText: r.england ? formatValue(r.england.value, r.kind) : '',
      neighbourText: formatValue(r.neighbour, r.kind),
    }));
    // In words, as the annual report says them; and the partners' latest figures for the period beside the LA's.
    const periodText = { current: 'in this period', previous: 'in the period before' };
    const sentences = card.rows.map((r) => indicatorSentence(r.label, r.current.value, r.previous.value, { periodText, kind: r.kind }));
    const partners = await latestPartnerTables(db, pid(req), card.period.to);
    return reply.view('dashboard/views/scorecard.njk', {
      title: 'Performance scorecard', form: formOf(choice), scorecard: { ...card, rows }, query, thisYear: Number(today().slice(0, 4)),
      canConfigure: req.scopes.has('dashboard.configure'), sentences, partners: partners.agencies, partnerEnd: partners.periodEnd,
    });
  });

  for (const format of ['csv', 'xlsx'] as const) {
    app.get(`/dashboard/export.${format}`, { config: { access: 'dashboard.view' } }, async (req, reply) => {
      const { choice, errors } = parsePeriodForm(req.query as PeriodForm, today());
      if (!choice) return chooserWithErrors(reply, req.query as PeriodForm, errors);
      const publish = (req.query as { publish?: string }).publish === '1';
      // The trend is not exported: a sparkline is a picture of the page, the months are on the trend page.
      const card = await buildScorecard(db, pid(req), choice, { trend: false });
      const partnership = await findPartnershipById(db, pid(req));
      await req.audit({ action: 'dashboard.export', recordType: 'partnership', recordId: String(pid(req)),
        detail: { format, publish, from: card.period.from, to: card.period.to } });
      const name = `scorecard-${partnership!.la_code}-${card.period.from}-to-${card.period.to}${publish ? '-published' : ''}.${format}`;
      reply.header('content-disposition', `attachment; filename="${name}"`);
      const meta = { partnership: partnership!.name, publish };
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(scorecardCsv(card, meta));
      return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await scorecardXlsx(card, meta));
    });
  }

  app.get('/dashboard/rules', { config: { access: 'dashboard.configure' } }, async (req, reply) => {
    const settings = await settingsOf(db, pid(req), INDICATOR_CODES);
    const rows = INDICATOR_CODES.map((code) => {
      const { label, kind } = INDICATOR_LABELS[code];
      const s = settings[code];
      return { code, label, rule: describeRule(s.rule, kind) || 'Not rated', isDefault: s.isDefault, neighbour: formatValue(s.neighbour, kind) };
    });
    return reply.view('dashboard/views/rules.njk', { title: 'How indicators are rated', rows });
  });

  const codeOr404 = (req: FastifyRequest): IndicatorCode => {
    const { code } = req.params as { code: string };
    if (!isIndicatorCode(code)) throw new NotFound('No such indicator', 'indicator', code.slice(0, 60));
    return code;
  };

  const ruleForm = (reply: FastifyReply, code: IndicatorCode, values: RuleForm, isDefault: boolean, errors?: { field: string; message: string }[]) => {
    const { label, counts, kind } = INDICATOR_LABELS[code];
    return reply.code(errors ? 400 : 200).view('dashboard/views/rule.njk', {
      title: `How ${label.toLowerCase()} is rated`, code, label, counts, kind, values, isDefault,
      unit: kind === 'percent' ? '%' : kind === 'rate_per_10k' ? 'per 10,000' : '',
      defaultRule: describeRule(defaultRule(code), kind) || 'not rated', england: ENGLAND[code] ?? null,
      errors: errors ? formErrors(errors) : undefined,
    });
  };

  app.get('/dashboard/rules/:code', { config: { access: 'dashboard.configure' } }, async (req, reply) => {
    const code = codeOr404(req);
    const s = (await settingsOf(db, pid(req), [code]))[code];
    const values: RuleForm = {
      method: s.rule.method,
      target: s.rule.method === 'target' ? String(s.rule.target) : '',
      tolerance: s.rule.method === 'target' ? String(s.rule.tolerance) : '',
      polarity: s.rule.method === 'none' ? '' : s.rule.polarity,
      neighbour: s.neighbour === null ? '' : String(s.neighbour),
    };
    return ruleForm(reply, code, values, s.isDefault);
  });

  app.post('/dashboard/rules/:code', { config: { access: 'dashboard.configure' } }, async (req, reply) => {
    const code = codeOr404(req);
    // One value a name: where one was posted twice, the first counts, as in every form.
    const form: RuleForm = Object.fromEntries(Object.entries((req.body ?? {}) as Record<string, string | string[]>).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
    const parsed = parseRuleForm(form);
    if (!parsed.rule) return ruleForm(reply, code, form, false, parsed.errors);
    await saveSetting(db, pid(req), code, parsed.rule, parsed.neighbour, req.beaconSession!.user.email);
    await req.audit({ action: 'dashboard.rule_set', recordType: 'indicator', recordId: code, detail: { rule: parsed.rule, neighbour: parsed.neighbour } });
    reply.flash(`${INDICATOR_LABELS[code].label}: rating saved.`);
    return reply.redirect('/dashboard/rules', 303);
  });
}

/** The chooser's fields for a choice, to show it filled in: its kind and its last day. */
function formOf(choice: PeriodChoice): PeriodForm {
  const [y, m, d] = periodOf(choice).to.split('-').map(Number);
  return { period: choice.kind, 'to-day': String(d), 'to-month': String(m), 'to-year': String(y) };
}
