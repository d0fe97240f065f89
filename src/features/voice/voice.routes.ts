import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { londonParts } from '../../domain/london';
import {
  AGE_RANGE_LABELS, AGE_RANGES, CONSENT_ANSWERS, CONSENT_FROM, CONSENT_FROM_LABELS, CONSENT_LABELS, CONSENT_STATES, VOICE_KIND_LABELS, VOICE_KINDS,
  VOICE_THEME_CODES, VOICE_THEMES, isVoiceTheme, needsConsent, type ConsentState, type VoiceTheme,
} from '../../domain/voice';
import type { AppDeps } from '../../platform/deps';
import { ValidationFailed, type FieldError } from '../../platform/errors';
import { formErrors, versionFrom } from '../../platform/forms';
import { pagination } from '../../platform/pagination';
import { findReport, ReportLocked } from '../annual-report/report.repository';
import { themesChartSvg } from './chart';
import {
  EditConflict, candidates, chooseEntries, createEntry, dateBoxes, dateOf, entryFormValues, entryPeople, entryReports, filtersQuery, findEntry,
  listEntries, moveChoice, parseEntryForm, parseFilters, removeChoice, reportChoices, themeCounts, updateEntry, withdrawConsent, type EntryRow, type VoiceEntry, withPublication,
} from './voice.service';

type Body = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => ((Array.isArray(v) ? v[0] : v) ?? '').trim();
const many = (v: string | string[] | undefined) => ([] as string[]).concat(v ?? []).map((x) => x.trim()).filter(Boolean);

const CONFLICT = 'Someone else saved this entry after you opened it. Nothing you entered was saved: check what is recorded now and try again.';
const CONSENT_TAG: Record<ConsentState, string> = {
  not_needed: 'govuk-tag--grey', given: 'govuk-tag--green', refused: 'govuk-tag--red', withdrawn: 'govuk-tag--orange',
};
const STATUS_LABELS = { drafting: 'Being drafted', awaiting_approval: 'With the Executive', approved: 'Approved' } as const;

/** "May appear in the public version", or why not, for a page. */
const publicationText = (e: EntryRow) => (e.mayPublish ? 'May appear in the public version' : `Internal only: ${e.blockers.join('; ')}`);
const row = (e: EntryRow) => ({
  ...e, kindLabel: VOICE_KIND_LABELS[e.kind], consentLabel: CONSENT_LABELS[e.consent], consentTag: CONSENT_TAG[e.consent],
  themeLabels: e.themes.filter(isVoiceTheme).map((t) => VOICE_THEMES[t]), publication: publicationText(e),
});

/**
 * The voice of the child: the people who hear children (social workers, their managers, the business
 * manager) record what children and young people said, tagged by theme, with consent and anonymisation;
 * the business manager chooses entries into the annual report. Entries are children's words, so every page
 * that shows one is audited.
 */
export async function voiceRoutes(app: FastifyInstance, { db, now }: AppDeps) {
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;
  const body = (req: FastifyRequest) => (req.body ?? {}) as Body;
  const userId = (req: FastifyRequest) => req.beaconSession!.user.id;
  const today = () => londonParts(now()).date;

  // -------------------------------------------------------------------------------------------------------
  // The entries

  app.get('/voice', { config: { access: 'voice.record' } }, async (req, reply) => {
    const query = (req.query ?? {}) as Body;
    const { filters, page, errors } = parseFilters(query);
    const view = {
      title: 'Voice of the child',
      selected: { kind: one(query.kind), theme: one(query.theme), consent: one(query.consent) },
      dates: { 'from-day': one(query['from-day']), 'from-month': one(query['from-month']), 'from-year': one(query['from-year']),
        'to-day': one(query['to-day']), 'to-month': one(query['to-month']), 'to-year': one(query['to-year']) },
      kindItems: VOICE_KINDS.map((k) => ({ value: k, text: VOICE_KIND_LABELS[k] })),
      themeItems: VOICE_THEME_CODES.map((t) => ({ value: t, text: VOICE_THEMES[t] })),
      consentItems: CONSENT_STATES.map((c) => ({ value: c, text: CONSENT_LABELS[c] })),
    };
    if (errors.length) return reply.code(400).view('voice/views/list.njk', { ...view, errors: formErrors(errors, { from: 'from-day', to: 'to-day' }) });
    // The chart counts by theme under the other filters: filtering to one theme would leave one bar.
    const [list, counts] = await Promise.all([listEntries(db, pid(req), filters, page), themeCounts(db, pid(req), { ...filters, theme: undefined })]);
    const q = filtersQuery(filters);
    await req.audit({ action: 'voice_entry.list', recordType: 'voice_entry', detail: { filters: q, page: list.page, results: list.total } });
    const href = (n: number) => `/voice?${q ? `${q}&` : ''}page=${n}`;
    return reply.view('voice/views/list.njk', {
      ...view, total: list.total, page: list.page, pages: list.pages, filtered: q !== '',
      rows: list.rows.map(row),
      counts: counts.map((c) => ({ ...c, label: VOICE_THEMES[c.theme] })), chart: themesChartSvg(counts),
      pagination: pagination(list.page, list.pages, href),
    });
  });

  type FormOpts = { entry?: VoiceEntry; values: Body; errors?: FieldError[]; status?: number; conflict?: boolean };
  const formPage = (reply: FastifyReply, { entry, values, errors, status, conflict }: FormOpts) => {
    const themes = many(values.themes);
    return reply.code(status ?? (errors ? 400 : 200)).view('voice/views/form.njk', {
      title: entry ? `Change: ${entry.title}` : 'Record the voice of the child', entry, values, conflict,
      action: entry ? `/voice/${entry.id}/edit` : '/voice/new',
      errors: errors ? formErrors(errors, { kind: 'kind', collectedOn: 'collectedOn-day', consentRecordedOn: 'consentRecordedOn-day', themes: 'themes', consent: 'consent', consentFrom: 'consentFrom', conflict: 'conflict' }) : undefined,
      kindItems: VOICE_KINDS.map((k) => ({ value: k, text: VOICE_KIND_LABELS[k], checked: one(values.kind) === k,
        hint: { text: needsConsent(k) ? 'One child’s or young person’s own words or story: consent is needed to use it' : 'Views gathered from several children: no one child’s consent is needed' } })),
      ageItems: [{ value: '', text: 'Mixed ages or not known' }, ...AGE_RANGES.map((a) => ({ value: a, text: AGE_RANGE_LABELS[a], selected: one(values.ageRange) === a }))],
      themeItems: VOICE_THEME_CODES.map((t) => ({ value: t, text: VOICE_THEMES[t], checked: themes.includes(t) })),
      consentItems: CONSENT_ANSWERS.map((c) => ({ value: c, text: CONSENT_LABELS[c], checked: one(values.consent) === c })),
      consentFromItems: CONSENT_FROM.map((c) => ({ value: c, text: CONSENT_FROM_LABELS[c], checked: one(values.consentFrom) === c })),
      anonymisedChecked: one(values.anonymised) === 'yes',
    });
  };

  app.get('/voice/new', { config: { access: 'voice.record' } }, async (_req, reply) => formPage(reply, { values: dateBoxes('collectedOn', today()) }));

  app.post('/voice/new', { config: { access: 'voice.record' } }, async (req, reply) => {
    const b = body(req);
    try {
      const input = parseEntryForm(b, today());
      const id = await createEntry(db, pid(req), input, userId(req), now());
      await req.audit({ action: 'voice_entry.create', recordType: 'voice_entry', recordId: id, detail: { kind: input.kind, consent: input.consent, themes: input.themes } });
      reply.flash(`${VOICE_KIND_LABELS[input.kind]} recorded.`);
      return reply.redirect(`/voice/${id}`, 303);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return formPage(reply, { values: b, errors: err.errors });
    }
  });

  app.get('/voice/:id/edit', { config: { access: 'voice.record' } }, async (req, reply) => {
    const entry = await findEntry(db, pid(req), (req.params as { id: string }).id);
    await req.audit({ action: 'voice_entry.read', recordType: 'voice_entry', recordId: entry.id, detail: { for: 'edit' } });
    return formPage(reply, { entry, values: { ...entryFormValues(entry), version: String(entry.version) } });
  });

  app.post('/voice/:id/edit', { config: { access: 'voice.record' } }, async (req, reply) => {
    const entry = await findEntry(db, pid(req), (req.params as { id: string }).id);
    const b = body(req);
    try {
      const input = parseEntryForm(b, today());
      const { removedFrom } = await updateEntry(db, pid(req), entry.id, versionFrom(b), input, userId(req), now());
      await req.audit({ action: 'voice_entry.update', recordType: 'voice_entry', recordId: entry.id, detail: { kind: input.kind, consent: input.consent, themes: input.themes, removedFromReports: removedFrom } });
      reply.flash(removedFrom ? `Entry saved. With consent ${CONSENT_LABELS[input.consent].toLowerCase()}, it was taken out of ${removedFrom} report${removedFrom === 1 ? '' : 's'} being drafted.` : 'Entry saved.');
      return reply.redirect(`/voice/${entry.id}`, 303);
    } catch (err) {
      if (err instanceof EditConflict) {
        const current = await findEntry(db, pid(req), entry.id);
        return formPage(reply, { entry: current, values: { ...b, version: String(current.version) }, errors: [{ field: 'conflict', message: CONFLICT }], status: 409, conflict: true });
      }
      if (!(err instanceof ValidationFailed)) throw err;
      return formPage(reply, { entry, values: b, errors: err.errors });
    }
  });

  const entryPage = async (req: FastifyRequest, reply: FastifyReply, values: Body = {}, errors?: FieldError[]) => {
    const entry = await findEntry(db, pid(req), (req.params as { id: string }).id);
    const [reports, people] = await Promise.all([entryReports(db, pid(req), entry.id), entryPeople(db, entry)]);
    await req.audit({ action: 'voice_entry.read', recordType: 'voice_entry', recordId: entry.id });
    const e = row(withPublication(entry));
    return reply.code(errors ? 400 : 200).view('voice/views/entry.njk', {
      title: entry.title, entry: e, people, values, errors: errors ? formErrors(errors) : undefined,
      ageLabel: entry.age_range ? AGE_RANGE_LABELS[entry.age_range] : null,
      consentFromLabel: entry.consent_from ? CONSENT_FROM_LABELS[entry.consent_from] : null,
      canChoose: req.scopes.has('report.manage'),
      reports: reports.map((r) => ({ ...r, statusLabel: STATUS_LABELS[r.status] })),
    });
  };

  app.get('/voice/:id', { config: { access: 'voice.record' } }, async (req, reply) => entryPage(req, reply));

  app.post('/voice/:id', { config: { access: 'voice.record' } }, async (req, reply) => {
    const entry = await findEntry(db, pid(req), (req.params as { id: string }).id);
    const b = body(req);
    try {
      const { removedFrom } = await withdrawConsent(db, pid(req), entry.id, one(b.reason), userId(req), now());
      await req.audit({ action: 'voice_entry.consent_withdrawn', recordType: 'voice_entry', recordId: entry.id, detail: { removedFromReports: removedFrom } });
      reply.flash(`Consent withdrawn. The entry will not appear in the public version of any report${removedFrom ? `, and it was taken out of ${removedFrom} report${removedFrom === 1 ? '' : 's'} being drafted` : ''}.`);
      return reply.redirect(`/voice/${entry.id}`, 303);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return entryPage(req, reply, b, err.errors);
    }
  });

  // -------------------------------------------------------------------------------------------------------
  // Choosing entries into an annual report

  const choosePage = async (req: FastifyRequest, reply: FastifyReply, opts: { status?: number; errors?: FieldError[]; locked?: string } = {}) => {
    const report = await findReport(db, pid(req), (req.params as { id: string }).id);
    const query = (req.query ?? {}) as Body;
    const errors: FieldError[] = [...(opts.errors ?? [])];
    const themeRaw = one(query.theme);
    const theme: VoiceTheme | undefined = isVoiceTheme(themeRaw) ? themeRaw : undefined;
    if (themeRaw && !theme) errors.push({ field: 'theme', message: 'Select a theme from the list' });
    const fromQ = dateOf(query, 'from');
    const toQ = dateOf(query, 'to');
    if (fromQ === 'invalid') errors.push({ field: 'from', message: 'Collected from must be a real date' });
    if (toQ === 'invalid') errors.push({ field: 'to', message: 'Collected to must be a real date' });
    const from = fromQ && fromQ !== 'invalid' ? fromQ : report.period_from;
    const to = toQ && toQ !== 'invalid' ? toQ : report.period_to;
    const [chosen, offer] = await Promise.all([reportChoices(db, pid(req), report.id), candidates(db, pid(req), report.id, { theme, from, to })]);
    await req.audit({ action: 'report_voice.read', recordType: 'annual_report', recordId: report.id, detail: { chosen: chosen.length } });
    const backQuery = filtersQuery({ theme, from, to });
    return reply.code(opts.status ?? (errors.length ? 400 : 200)).view('voice/views/choose.njk', {
      title: `Voice of the child: ${report.title}`, report, editable: report.status === 'drafting', locked: opts.locked,
      statusLabel: STATUS_LABELS[report.status], errors: errors.length ? formErrors(errors, { from: 'from-day', to: 'to-day', entries: 'entries' }) : undefined,
      chosen: chosen.map(row), offer: offer.rows.map(row), barred: offer.barred, backQuery,
      period: { from, to }, themeSelected: theme ?? '',
      dates: { ...dateBoxes('from', from), ...dateBoxes('to', to) },
      themeItems: [{ value: '', text: 'Any theme' }, ...VOICE_THEME_CODES.map((t) => ({ value: t, text: VOICE_THEMES[t], selected: theme === t }))],
    });
  };

  app.get('/reports/annual/:id/voice', { config: { access: 'report.manage' } }, async (req, reply) => choosePage(req, reply));

  app.post('/reports/annual/:id/voice', { config: { access: 'report.manage' } }, async (req, reply) => {
    const report = await findReport(db, pid(req), (req.params as { id: string }).id);
    const b = body(req);
    const action = one(b.action);
    const entry = one(b.entry);
    const back = one(b.back);
    try {
      if (action === 'choose') {
        const added = await chooseEntries(db, pid(req), report.id, many(b.entries), now());
        await req.audit({ action: 'report_voice.choose', recordType: 'annual_report', recordId: report.id, detail: { added } });
        reply.flash(`${added} ${added === 1 ? 'entry' : 'entries'} added to the report.`);
      } else if (action === 'up' || action === 'down') {
        await moveChoice(db, pid(req), report.id, entry, action, now());
        await req.audit({ action: 'report_voice.move', recordType: 'annual_report', recordId: report.id, detail: { entry, direction: action } });
      } else if (action === 'remove') {
        await removeChoice(db, pid(req), report.id, entry, now());
        await req.audit({ action: 'report_voice.remove', recordType: 'annual_report', recordId: report.id, detail: { entry } });
        reply.flash('Entry taken out of the report.');
      } else {
        throw new ValidationFailed([{ field: 'entries', message: 'Choose what to do with the entries' }]);
      }
    } catch (err) {
      if (err instanceof ReportLocked) return choosePage(req, reply, { status: 409, locked: err.message });
      if (!(err instanceof ValidationFailed)) throw err;
      return choosePage(req, reply, { errors: err.errors });
    }
    // Back to the same filters; only a query the page itself made is followed.
    const query = /^[a-z0-9=&_-]*$/i.test(back) ? back : '';
    return reply.redirect(`/reports/annual/${report.id}/voice${query ? `?${query}` : ''}${action === 'choose' ? '' : `#chosen`}`, 303);
  });
}
