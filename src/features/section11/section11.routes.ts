import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Section11Rating, Section11Scoring } from '../../db/schema-section11';
import { ACTION_STATUSES, LEARNING_THEMES, type ActionStatusCode } from '../../domain/assurance';
import type { AppDeps } from '../../platform/deps';
import { Forbidden, ValidationFailed, type FieldError } from '../../platform/errors';
import { formErrors } from '../../platform/forms';
import { listAgencies } from '../agencies/agencies.service';
import { comparisonChartSvg, comparisonKey, distributionChartSvg, distributionKey } from './chart';
import { agencyHistory, comparisonCsv, cycleComparison, distributionByCycle } from './comparison.service';
import {
  Section11Conflict, closeCycle, dateInputValues, findCycle, listCycles, openCycle, planCycle, today, updateCycle, type Cycle, type Opening,
} from './cycles.service';
import {
  BANDS, BAND_LABELS, RATINGS, RATING_HINTS, RETURN_STATUS_LABELS, RETURN_STATUS_TAGS, SCORINGS, ratingTagClass, ratingText,
} from './ratings';
import {
  NEW_ACTION_ROWS, accessTo, addComment, findReturn, parseAnswerForm, reopenReturn, returnsOfAgency, returnsReviewedBy, saveAnswer, setPeerAgency,
  StaleAnswer, standardOf, submitReturn, type ReturnView, type Viewer,
} from './returns.service';
import { addStandard, findStandard, listStandards, setStandardRetired, updateStandard } from './standards.service';

const VIEW = 'assurance.view';
const MANAGE = 'assurance.manage';
const CONTRIBUTE = 'assurance.contribute';
type Body = Record<string, unknown>;

const CYCLE_STATUS: Record<Cycle['status'], { text: string; classes: string }> = {
  planned: { text: 'Planned', classes: 'govuk-tag--grey' },
  open: { text: 'Open', classes: 'govuk-tag--light-blue' },
  closed: { text: 'Closed', classes: 'govuk-tag--green' },
};

const ratingTag = (r: Section11Rating | null) => (r ? { text: ratingText(r), classes: ratingTagClass(r) } : null);
const opened = (o: Opening) => o.returns.reduce((n, r) => n + r.emailed.length, 0);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A return's status, with "Overdue" for one not submitted after its due date while its cycle is open. */
function returnTag(status: ReturnView['status'], cycle: { status: Cycle['status']; dueDate: string }, day: string) {
  if (status !== 'submitted' && cycle.status === 'open' && cycle.dueDate < day) return { text: 'Overdue', classes: 'govuk-tag--red' };
  return { text: RETURN_STATUS_LABELS[status], classes: RETURN_STATUS_TAGS[status] };
}

/**
 * Section 11: the business manager keeps the standards and runs the cycles; each agency's leads complete
 * its self-assessment; the business manager and a peer agency challenge it; everyone with assurance
 * access compares the ratings across agencies and years. Every read and write is audited. Section 11
 * holds no child's details.
 */
export async function section11Routes(app: FastifyInstance, { db, now, mailer, config }: AppDeps) {
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;
  const body = (req: FastifyRequest) => (req.body ?? {}) as Body;
  const opts = { publicUrl: config.publicUrl };
  const viewerOf = (req: FastifyRequest): Viewer => ({
    userId: req.beaconSession!.user.id, agencyId: req.beaconSession!.user.agencyId,
    manage: req.scopes.has(MANAGE), contribute: req.scopes.has(CONTRIBUTE),
  });
  /** A state the page did not expect (closed, already submitted): say so where the person will see it. */
  const conflict = (reply: FastifyReply, err: unknown, to: string) => {
    if (!(err instanceof Section11Conflict)) throw err;
    reply.flash(err.message);
    return reply.redirect(to, 303);
  };

  // ---- The overview ----

  app.get('/section-11', { config: { access: VIEW } }, async (req, reply) => {
    const v = viewerOf(req);
    const [cycles, mine, reviewing] = await Promise.all([
      listCycles(db, pid(req)), returnsOfAgency(db, pid(req), v.agencyId), v.contribute ? returnsReviewedBy(db, pid(req), v.agencyId) : [],
    ]);
    await req.audit({ action: 'section11_cycle.list', recordType: 'section11_cycle', detail: { results: cycles.length } });
    const day = today(now());
    return reply.view('section11/views/index.njk', {
      title: 'Section 11', manage: v.manage, agencyName: req.beaconSession!.user.agencyName,
      cycles: cycles.map((c) => ({ ...c, tag: CYCLE_STATUS[c.status] })),
      mine: mine.map((r) => ({ ...r, tag: returnTag(r.status, { status: r.cycle_status, dueDate: r.due_date }, day) })),
      reviewing: reviewing.map((r) => ({ ...r, tag: { text: RETURN_STATUS_LABELS[r.status], classes: RETURN_STATUS_TAGS[r.status] } })),
    });
  });

  // ---- Standards ----

  app.get('/section-11/standards', { config: { access: VIEW } }, async (req, reply) => {
    const standards = await listStandards(db, pid(req), now());
    await req.audit({ action: 'section11_standard.list', recordType: 'section11_standard', detail: { results: standards.length } });
    return reply.view('section11/views/standards.njk', {
      title: 'Section 11 standards', manage: req.scopes.has(MANAGE),
      inForce: standards.filter((s) => !s.retiredAt), retired: standards.filter((s) => s.retiredAt),
    });
  });

  const standardForm = async (req: FastifyRequest, reply: FastifyReply, standardId: string | number | null, values?: Body, errors?: FieldError[]) => {
    const standard = standardId === null ? null : await findStandard(db, pid(req), standardId);
    if (standard && !values) await req.audit({ action: 'section11_standard.read', recordType: 'section11_standard', recordId: String(standard.id) });
    const v = values ?? (standard ? { title: standard.title, description: standard.description, prompts: standard.prompts.join('\n') } : {});
    return reply.code(errors ? 400 : 200).view('section11/views/standard-form.njk', {
      title: standard ? `Change standard ${standard.number}` : 'Add a standard', standard, values: v, errors: errors ? formErrors(errors) : undefined,
    });
  };

  app.get('/section-11/standards/new', { config: { access: MANAGE } }, async (req, reply) => standardForm(req, reply, null));

  app.post('/section-11/standards/new', { config: { access: MANAGE } }, async (req, reply) => {
    try {
      const s = await addStandard(db, pid(req), body(req), now());
      await req.audit({ action: 'section11_standard.create', recordType: 'section11_standard', recordId: String(s.id), detail: { number: s.number } });
      reply.flash(`Standard ${s.number} added. Cycles opened from now on include it.`);
      return reply.redirect('/section-11/standards', 303);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return standardForm(req, reply, null, body(req), err.errors);
    }
  });

  app.get('/section-11/standards/:id', { config: { access: MANAGE } }, async (req, reply) => standardForm(req, reply, (req.params as { id: string }).id));

  app.post('/section-11/standards/:id', { config: { access: MANAGE } }, async (req, reply) => {
    const standard = await findStandard(db, pid(req), (req.params as { id: string }).id);
    try {
      await updateStandard(db, pid(req), standard.id, body(req), now());
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return standardForm(req, reply, standard.id, body(req), err.errors);
    }
    await req.audit({ action: 'section11_standard.update', recordType: 'section11_standard', recordId: String(standard.id) });
    reply.flash(`Standard ${standard.number} changed. Cycles already open keep the words they opened with.`);
    return reply.redirect('/section-11/standards', 303);
  });

  for (const [path, retire] of [['retire', true], ['reinstate', false]] as const) {
    app.post(`/section-11/standards/:id/${path}`, { config: { access: MANAGE } }, async (req, reply) => {
      const standard = await findStandard(db, pid(req), (req.params as { id: string }).id);
      try {
        await setStandardRetired(db, pid(req), standard.id, retire, now());
      } catch (err) {
        if (!(err instanceof ValidationFailed)) throw err;
        reply.flash(err.errors[0]!.message);
        return reply.redirect('/section-11/standards', 303);
      }
      await req.audit({ action: `section11_standard.${path}`, recordType: 'section11_standard', recordId: String(standard.id) });
      reply.flash(retire ? `Standard ${standard.number} retired: cycles opened from now on leave it out, and its past answers are kept.`
        : `Standard ${standard.number} reinstated: cycles opened from now on include it.`);
      return reply.redirect('/section-11/standards', 303);
    });
  }

  // ---- Cycles ----

  const cycleForm = async (req: FastifyRequest, reply: FastifyReply, cycle: Cycle | null, values?: Body, errors?: FieldError[]) => {
    const agencies = await listAgencies(db, pid(req));
    const v: Body = values ?? (cycle
      ? { name: cycle.name, scoring: cycle.scoring, agencies: cycle.agencyIds.map(String), ...dateInputValues('openDate', cycle.openDate), ...dateInputValues('dueDate', cycle.dueDate) }
      : { agencies: [] });
    const chosen = new Set(([] as unknown[]).concat(v.agencies ?? []).map(String));
    const fixed = cycle !== null && cycle.status !== 'planned';
    return reply.code(errors ? 400 : 200).view('section11/views/cycle-form.njk', {
      title: cycle ? `Change ${cycle.name}` : 'Plan a Section 11 cycle', cycle, fixed, values: v, errors: errors ? formErrors(errors, { agencies: 'agencies' }) : undefined,
      scoringItems: (Object.keys(SCORINGS) as Section11Scoring[]).map((s) => ({ value: s, text: SCORINGS[s].label, hint: { text: SCORINGS[s].hint }, checked: v.scoring === s })),
      scoringLabel: cycle ? SCORINGS[cycle.scoring].label : null,
      agencyItems: agencies.map((a) => {
        const invited = fixed && cycle.agencyIds.includes(a.id);
        return { value: String(a.id), text: a.name, checked: invited || chosen.has(String(a.id)), disabled: invited, hint: invited ? { text: 'Invited: its return exists' } : undefined };
      }),
    });
  };

  app.get('/section-11/cycles/new', { config: { access: MANAGE } }, async (req, reply) => cycleForm(req, reply, null));

  app.post('/section-11/cycles/new', { config: { access: MANAGE } }, async (req, reply) => {
    let outcome;
    try {
      outcome = await planCycle(db, mailer, pid(req), body(req), req.beaconSession!.user.id, now(), opts);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return cycleForm(req, reply, null, body(req), err.errors);
    }
    const { cycle, opening } = outcome;
    await req.audit({ action: 'section11_cycle.create', recordType: 'section11_cycle', recordId: String(cycle.id), detail: { agencies: cycle.agencyIds.length, scoring: cycle.scoring } });
    if (opening) await req.audit({ action: 'section11_cycle.open', recordType: 'section11_cycle', recordId: String(cycle.id), detail: { returns: opening.returns.length, emails: opened(opening) } });
    reply.flash(opening ? `${cycle.name} is open: ${plural(opening.returns.length, 'agency', 'agencies')} asked for a return, ${plural(opened(opening), 'lead')} emailed.`
      : `${cycle.name} is planned and opens on its open date.`);
    return reply.redirect(`/section-11/cycles/${cycle.id}`, 303);
  });

  app.get('/section-11/cycles/:id', { config: { access: VIEW } }, async (req, reply) => {
    const v = viewerOf(req);
    const cycle = await findCycle(db, pid(req), (req.params as { id: string }).id);
    const [comparison, agencies] = await Promise.all([cycleComparison(db, pid(req), cycle.id), listAgencies(db, pid(req))]);
    const peers = new Map((await db.selectFrom('section11_return').select(['id', 'peer_agency_id']).where('cycle_id', '=', cycle.id).where('partnership_id', '=', pid(req)).execute())
      .map((r) => [r.id, r.peer_agency_id]));
    await req.audit({ action: 'section11_cycle.read', recordType: 'section11_cycle', recordId: String(cycle.id) });
    const day = today(now());
    const name = new Map(agencies.map((a) => [a.id, a.name]));
    return reply.view('section11/views/cycle.njk', {
      title: `Section 11 audit ${cycle.name}`, cycle, manage: v.manage, tag: CYCLE_STATUS[cycle.status], scoringLabel: SCORINGS[cycle.scoring].label,
      submitted: comparison.submitted, invited: cycle.status === 'planned' ? cycle.agencyIds.length : comparison.invited,
      plannedAgencies: cycle.status === 'planned' ? cycle.agencyIds.map((id) => name.get(id) ?? 'An agency no longer in the partnership') : [],
      returns: comparison.agencies.map((a) => {
        const peerAgencyId = peers.get(a.returnId) ?? null;
        return { ...a, peer: peerAgencyId ? name.get(peerAgencyId) : null, tag: returnTag(a.status, cycle, day), canView: accessTo({ agencyId: a.agencyId, peerAgencyId }, v).view };
      }),
    });
  });

  app.get('/section-11/cycles/:id/edit', { config: { access: MANAGE } }, async (req, reply) => {
    const cycle = await findCycle(db, pid(req), (req.params as { id: string }).id);
    if (cycle.status === 'closed') return conflict(reply, new Section11Conflict(`${cycle.name} is closed and can no longer be changed.`), `/section-11/cycles/${cycle.id}`);
    await req.audit({ action: 'section11_cycle.read', recordType: 'section11_cycle', recordId: String(cycle.id) });
    return cycleForm(req, reply, cycle);
  });

  app.post('/section-11/cycles/:id/edit', { config: { access: MANAGE } }, async (req, reply) => {
    const cycle = await findCycle(db, pid(req), (req.params as { id: string }).id);
    let outcome;
    try {
      outcome = await updateCycle(db, mailer, pid(req), cycle.id, body(req), req.beaconSession!.user.id, now(), opts);
    } catch (err) {
      if (err instanceof ValidationFailed) return cycleForm(req, reply, cycle, body(req), err.errors);
      return conflict(reply, err, `/section-11/cycles/${cycle.id}`);
    }
    const added = outcome.cycle.agencyIds.length - cycle.agencyIds.length;
    await req.audit({ action: 'section11_cycle.update', recordType: 'section11_cycle', recordId: String(cycle.id), detail: { agencies: outcome.cycle.agencyIds.length } });
    if (outcome.opening) {
      await req.audit({ action: cycle.status === 'planned' ? 'section11_cycle.open' : 'section11_cycle.invite', recordType: 'section11_cycle', recordId: String(cycle.id),
        detail: { returns: outcome.opening.returns.length, emails: opened(outcome.opening) } });
    }
    reply.flash(cycle.status === 'planned' && outcome.opening ? `${outcome.cycle.name} is open: ${plural(outcome.opening.returns.length, 'agency', 'agencies')} asked for a return.`
      : `${outcome.cycle.name} saved.${added > 0 && cycle.status === 'open' ? ` ${plural(added, 'agency', 'agencies')} added and told.` : ''}`);
    return reply.redirect(`/section-11/cycles/${cycle.id}`, 303);
  });

  app.post('/section-11/cycles/:id/open', { config: { access: MANAGE } }, async (req, reply) => {
    const cycle = await findCycle(db, pid(req), (req.params as { id: string }).id);
    let opening: Opening;
    try {
      opening = await openCycle(db, mailer, pid(req), cycle.id, req.beaconSession!.user.id, now(), opts);
    } catch (err) {
      if (err instanceof ValidationFailed) return conflict(reply, new Section11Conflict(err.errors[0]!.message), `/section-11/cycles/${cycle.id}`);
      return conflict(reply, err, `/section-11/cycles/${cycle.id}`);
    }
    await req.audit({ action: 'section11_cycle.open', recordType: 'section11_cycle', recordId: String(cycle.id), detail: { returns: opening.returns.length, emails: opened(opening) } });
    reply.flash(`${cycle.name} is open: ${plural(opening.returns.length, 'agency', 'agencies')} asked for a return, ${plural(opened(opening), 'lead')} emailed.`);
    return reply.redirect(`/section-11/cycles/${cycle.id}`, 303);
  });

  app.post('/section-11/cycles/:id/close', { config: { access: MANAGE } }, async (req, reply) => {
    const cycle = await findCycle(db, pid(req), (req.params as { id: string }).id);
    try {
      await closeCycle(db, pid(req), cycle.id, now());
    } catch (err) {
      return conflict(reply, err, `/section-11/cycles/${cycle.id}`);
    }
    await req.audit({ action: 'section11_cycle.close', recordType: 'section11_cycle', recordId: String(cycle.id) });
    reply.flash(`${cycle.name} is closed. Its returns and peer challenge are kept as they stand.`);
    return reply.redirect(`/section-11/cycles/${cycle.id}`, 303);
  });

  // ---- Comparison ----

  app.get('/section-11/cycles/:id/comparison', { config: { access: VIEW } }, async (req, reply) => {
    const c = await cycleComparison(db, pid(req), (req.params as { id: string }).id);
    await req.audit({ action: 'section11_cycle.compare', recordType: 'section11_cycle', recordId: String(c.cycle.id) });
    const ratings = RATINGS[c.cycle.scoring];
    return reply.view('section11/views/comparison.njk', {
      title: `Section 11 ${c.cycle.name}: agencies compared`, c, chart: comparisonChartSvg(c), key: comparisonKey(c),
      ratingHeads: ratings.map((r) => ratingText(r)), ratings,
      grid: c.standards.map((s) => ({
        ...s,
        cells: c.agencies.map((a) => {
          const cell = c.cells[`${a.agencyId}:${s.standardId}`];
          return cell
            ? { tag: ratingTag(cell.rating), self: cell.agreed && cell.agreed !== cell.selfAssessed ? ratingText(cell.selfAssessed) : null }
            : { tag: null, self: null, missing: RETURN_STATUS_LABELS[a.status] };
        }),
      })),
    });
  });

  app.get('/section-11/cycles/:id/comparison.csv', { config: { access: VIEW } }, async (req, reply) => {
    const cycle = await findCycle(db, pid(req), (req.params as { id: string }).id);
    const csv = await comparisonCsv(db, pid(req), [cycle.id]);
    await req.audit({ action: 'section11_cycle.export', recordType: 'section11_cycle', recordId: String(cycle.id), detail: { format: 'csv' } });
    return reply.header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="section-11-${cycle.name.replace(/[^A-Za-z0-9]+/g, '-')}.csv"`)
      .header('cache-control', 'no-store').send(csv);
  });

  app.get('/section-11/trends', { config: { access: VIEW } }, async (req, reply) => {
    const q = (req.query ?? {}) as Record<string, string | undefined>;
    const [cycles, agencies] = await Promise.all([distributionByCycle(db, pid(req)), listAgencies(db, pid(req))]);
    const own = req.beaconSession!.user.agencyId;
    const agency = agencies.find((a) => String(a.id) === q.agency) ?? agencies.find((a) => a.id === own) ?? agencies[0];
    const history = agency ? await agencyHistory(db, pid(req), agency.id) : { cycles: [], standards: [] };
    await req.audit({ action: 'section11_cycle.trends', recordType: 'section11_cycle', detail: { agency: agency?.id ?? null } });
    return reply.view('section11/views/trends.njk', {
      title: 'Section 11 across cycles', cycles, chart: distributionChartSvg(cycles), key: distributionKey(), bands: BANDS, bandLabels: BAND_LABELS,
      agency, agencyItems: agencies.map((a) => ({ value: String(a.id), text: a.name, selected: a.id === agency?.id })),
      history: {
        cycles: history.cycles,
        standards: history.standards.map((s) => ({
          ...s,
          cells: history.cycles.map((c) => {
            const cell = s.ratings[c.id];
            return cell ? { tag: ratingTag(cell.rating), self: cell.agreed && cell.agreed !== cell.selfAssessed ? ratingText(cell.selfAssessed) : null } : null;
          }),
        })),
      },
    });
  });

  app.get('/section-11/trends.csv', { config: { access: VIEW } }, async (req, reply) => {
    const ids = (await distributionByCycle(db, pid(req))).map((c) => c.cycleId);
    const csv = await comparisonCsv(db, pid(req), ids);
    await req.audit({ action: 'section11_cycle.export', recordType: 'section11_cycle', detail: { format: 'csv', cycles: ids.length } });
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="section-11-all-cycles.csv"')
      .header('cache-control', 'no-store').send(csv);
  });

  // ---- Returns ----

  const returnPage = async (req: FastifyRequest, reply: FastifyReply, ret: ReturnView, errors?: FieldError[], values: Body = {}) => {
    const v = viewerOf(req);
    const access = accessTo(ret, v);
    const day = today(now());
    const editable = access.edit && ret.status !== 'submitted' && ret.cycle.status === 'open';
    const agencies = v.manage && ret.cycle.status !== 'closed' ? await listAgencies(db, pid(req)) : [];
    const actionCount = ret.standards.reduce((n, s) => n + s.actions.length, 0);
    return reply.code(errors ? 400 : 200).view('section11/views/return.njk', {
      title: `${ret.agencyName}: Section 11 self-assessment`, ret, access, editable, manage: v.manage, values,
      errors: errors ? formErrors(errors) : undefined, tag: returnTag(ret.status, ret.cycle, day), actionCount,
      completed: ret.standards.filter((s) => s.state === 'completed').length,
      canReopen: v.manage && ret.status === 'submitted' && ret.cycle.status === 'open',
      tasks: ret.standards.map((s) => ({
        title: { html: `<span id="standard-${s.number}">Standard ${s.number}: ${escapeHtml(s.title)}</span>` },
        href: `/section-11/returns/${ret.id}/standards/${s.standardId}`,
        hint: s.state === 'incomplete' ? { text: `To do: ${s.problems.join('; ')}` } : undefined,
        status: s.state === 'completed' ? { text: 'Completed' }
          : { tag: { text: s.state === 'incomplete' ? 'Incomplete' : 'Not yet started', classes: s.state === 'incomplete' ? 'govuk-tag--light-blue' : 'govuk-tag--blue' } },
      })),
      rows: ret.standards.map((s) => ({
        ...s, tag: ratingTag(s.rating), agreedTag: ratingTag(s.agreedRating),
        challenges: s.comments.filter((c) => c.kind === 'challenge').length, responses: s.comments.filter((c) => c.kind === 'response').length,
      })),
      peerItems: [{ value: '', text: 'No peer reviewer' }, ...agencies.filter((a) => a.id !== ret.agencyId)
        .map((a) => ({ value: String(a.id), text: a.name, selected: a.id === ret.peerAgencyId }))],
    });
  };

  const loadReturn = async (req: FastifyRequest) => findReturn(db, pid(req), (req.params as { id: string }).id);

  app.get('/section-11/returns/:id', { config: { access: VIEW } }, async (req, reply) => {
    const ret = await loadReturn(req);
    if (!accessTo(ret, viewerOf(req)).view) throw new Forbidden();
    await req.audit({ action: 'section11_return.read', recordType: 'section11_return', recordId: ret.id });
    return returnPage(req, reply, ret);
  });

  app.post('/section-11/returns/:id/submit', { config: { access: CONTRIBUTE } }, async (req, reply) => {
    const ret = await loadReturn(req);
    if (!accessTo(ret, viewerOf(req)).edit) throw new Forbidden();
    try {
      await submitReturn(db, pid(req), ret.id, body(req).confirm === 'yes', req.beaconSession!.user.id, now());
    } catch (err) {
      if (err instanceof ValidationFailed) return returnPage(req, reply, ret, err.errors, body(req));
      return conflict(reply, err, `/section-11/returns/${ret.id}`);
    }
    await req.audit({ action: 'section11_return.submit', recordType: 'section11_return', recordId: ret.id });
    reply.flash(`${ret.agencyName}’s return for ${ret.cycle.name} is submitted. The business manager and the peer reviewer can now challenge it.`);
    return reply.redirect(`/section-11/returns/${ret.id}`, 303);
  });

  app.post('/section-11/returns/:id/reopen', { config: { access: MANAGE } }, async (req, reply) => {
    const ret = await loadReturn(req);
    let emailed: string[];
    try {
      emailed = await reopenReturn(db, mailer, pid(req), ret.id, body(req).reason, req.beaconSession!.user.id, now(), opts);
    } catch (err) {
      if (err instanceof ValidationFailed) return returnPage(req, reply, ret, err.errors, body(req));
      return conflict(reply, err, `/section-11/returns/${ret.id}`);
    }
    await req.audit({ action: 'section11_return.reopen', recordType: 'section11_return', recordId: ret.id, detail: { emails: emailed.length } });
    reply.flash(`${ret.agencyName}’s return is reopened${emailed.length ? ` and its ${plural(emailed.length, 'lead')} emailed the reason` : ''}.`);
    return reply.redirect(`/section-11/returns/${ret.id}`, 303);
  });

  app.post('/section-11/returns/:id/peer', { config: { access: MANAGE } }, async (req, reply) => {
    const ret = await loadReturn(req);
    let peer: string | null;
    try {
      peer = await setPeerAgency(db, pid(req), ret, body(req).peerAgency);
    } catch (err) {
      if (err instanceof ValidationFailed) return returnPage(req, reply, ret, err.errors, body(req));
      return conflict(reply, err, `/section-11/returns/${ret.id}`);
    }
    await req.audit({ action: 'section11_return.peer', recordType: 'section11_return', recordId: ret.id, detail: { peerAgency: peer } });
    reply.flash(peer ? `${peer} will review ${ret.agencyName}’s return.` : `${ret.agencyName}’s return has no peer reviewer.`);
    return reply.redirect(`/section-11/returns/${ret.id}`, 303);
  });

  // ---- One standard of a return: the agency's answer, then the peer challenge ----

  const standardPage = async (req: FastifyRequest, reply: FastifyReply, ret: ReturnView, standardId: string, errors?: FieldError[], values?: Body) => {
    const v = viewerOf(req);
    const access = accessTo(ret, v);
    const s = standardOf(ret, standardId);
    const editable = access.edit && ret.status !== 'submitted' && ret.cycle.status === 'open';
    const challengeOpen = ret.status === 'submitted' && ret.cycle.status === 'open';
    const i = ret.standards.indexOf(s);
    const val: Body = values ?? { rating: s.rating ?? undefined, evidence: s.evidence ?? undefined };
    const version = values?.version ?? String(s.version);
    const e = errors ? formErrors(errors) : undefined;
    const themeItems = (row: number) => {
      const chosen = new Set(([] as unknown[]).concat(val[`action-${row}-themes`] ?? []).map(String));
      return Object.entries(LEARNING_THEMES).map(([value, text]) => ({ value, text, checked: chosen.has(value) }));
    };
    return reply.code(errors ? 400 : 200).view('section11/views/return-standard.njk', {
      title: `Standard ${s.number}: ${s.title}`, ret, s, access, editable, challengeOpen, values: val, version, errors: e,
      canChallenge: challengeOpen && access.challenge, canRespond: challengeOpen && access.respond && !access.challenge,
      previous: ret.standards[i - 1] ?? null, next: ret.standards[i + 1] ?? null,
      tag: ratingTag(s.rating), agreedTag: ratingTag(s.agreedRating),
      ratingItems: RATINGS[ret.cycle.scoring].map((r) => ({ value: r, text: ratingText(r), hint: { text: RATING_HINTS[r] }, checked: val.rating === r })),
      agreedItems: RATINGS[ret.cycle.scoring].map((r) => ({ value: r, text: ratingText(r), checked: val.agreedRating === r })),
      actionRows: Array.from({ length: NEW_ACTION_ROWS }, (_, k) => ({ row: k + 1, themes: themeItems(k + 1) })),
      actions: s.actions.map((a) => ({ ...a, statusLabel: ACTION_STATUSES[a.status as ActionStatusCode] ?? a.status })),
      nextNumber: s.actions.length + 1,
    });
  };

  app.get('/section-11/returns/:id/standards/:standardId', { config: { access: VIEW } }, async (req, reply) => {
    const ret = await loadReturn(req);
    if (!accessTo(ret, viewerOf(req)).view) throw new Forbidden();
    const { standardId } = req.params as { standardId: string };
    const s = standardOf(ret, standardId);
    await req.audit({ action: 'section11_return.read', recordType: 'section11_return', recordId: ret.id, detail: { standard: s.number } });
    return standardPage(req, reply, ret, standardId);
  });

  app.post('/section-11/returns/:id/standards/:standardId', { config: { access: CONTRIBUTE } }, async (req, reply) => {
    const ret = await loadReturn(req);
    if (!accessTo(ret, viewerOf(req)).edit) throw new Forbidden();
    const { standardId } = req.params as { standardId: string };
    const s = standardOf(ret, standardId);
    const b = body(req);
    let saved;
    try {
      const form = parseAnswerForm(b, ret.cycle.scoring, today(now()));
      saved = await saveAnswer(db, pid(req), ret, s.standardId, form, req.beaconSession!.user.id, now());
    } catch (err) {
      if (err instanceof ValidationFailed) {
        return standardPage(req, reply, ret, standardId, err.errors, { ...b, version: err instanceof StaleAnswer ? String(err.latestVersion) : b.version });
      }
      return conflict(reply, err, `/section-11/returns/${ret.id}`);
    }
    await req.audit({ action: 'section11_return.save', recordType: 'section11_return', recordId: ret.id, detail: { standard: s.number, actions: saved.actionIds.length } });
    for (const id of saved.actionIds) await req.audit({ action: 'action.create', recordType: 'action', recordId: id, detail: { source: 'section_11' } });
    reply.flash(`Standard ${s.number} saved${saved.actionIds.length ? ` with ${plural(saved.actionIds.length, 'new action')}` : ''}.`);
    return reply.redirect(`/section-11/returns/${ret.id}`, 303);
  });

  app.post('/section-11/returns/:id/standards/:standardId/comments', { config: { access: VIEW } }, async (req, reply) => {
    const v = viewerOf(req);
    // Only the business manager and agencies' contributors take part in peer challenge.
    if (!v.manage && !v.contribute) throw new Forbidden();
    const ret = await loadReturn(req);
    const access = accessTo(ret, v);
    if (!access.challenge && !access.respond) throw new Forbidden();
    const { standardId } = req.params as { standardId: string };
    const s = standardOf(ret, standardId);
    const kind = access.challenge ? 'challenge' : 'response';
    let added;
    try {
      added = await addComment(db, pid(req), ret, s.standardId, kind, body(req), v, now());
    } catch (err) {
      if (err instanceof ValidationFailed) return standardPage(req, reply, ret, standardId, err.errors, body(req));
      return conflict(reply, err, `/section-11/returns/${ret.id}/standards/${s.standardId}`);
    }
    await req.audit({ action: `section11_return.${kind}`, recordType: 'section11_return', recordId: ret.id,
      detail: { standard: s.number, agreedRating: added.agreedRating, comment: added.body !== null } });
    reply.flash(kind === 'response' ? 'Your response is added.'
      : added.agreedRating ? `Agreed rating recorded: ${ratingText(added.agreedRating)}.` : 'Your challenge is added.');
    return reply.redirect(`/section-11/returns/${ret.id}/standards/${s.standardId}`, 303);
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#39;' }[c]!));
}
