import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ACTION_RAG_LABELS, ACTION_STATUSES, LEARNING_THEMES, actionRag } from '../../domain/assurance';
import { londonParts } from '../../domain/london';
import type { AppDeps } from '../../platform/deps';
import { Forbidden, ValidationFailed, type FieldError } from '../../platform/errors';
import { formErrors } from '../../platform/forms';
import { actionsOfSource } from '../actions/actions.service';
import { listAgencies } from '../agencies/agencies.service';
import { parseActionForm } from './action-form';
import {
  addChallengeAction, challengesCsv, findChallenge, isOverdue, listChallenges, mayRespond, notifyNewChallenge, parseChallengeForm, parseFilters,
  raiseChallenge, raisedByText, recordOutcome, respond, type Actor, type Challenge,
} from './challenges.service';
import { listGroups, peopleOf } from './groups.service';
import {
  CHALLENGE_STATUSES, CHALLENGE_TAGS, RAG_TAGS, RAISERS, dateFields, defaultResponseDue, financialYearLabel, financialYearOf, list, type Form,
} from './terms';

const EVENT_LABELS = { raised: 'Raised', responded: 'Response given', resolved: 'Resolved', escalated: 'Escalated to the Executive', reminded: 'Reminder sent' } as const;

/**
 * The challenge log: everyone with the assurance pages reads it; an agency's own leads and auditors raise
 * challenges from their agency and answer those addressed to it; the business manager records any
 * challenge, a response given at a meeting, the outcome, and the actions arising.
 */
export async function challengeRoutes(app: FastifyInstance, { db, now, mailer, config }: AppDeps) {
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;
  const form = (req: FastifyRequest) => (req.body ?? {}) as Form;
  const today = () => londonParts(now()).date;
  const actorOf = (req: FastifyRequest): Actor => ({
    userId: req.beaconSession!.user.id, agencyId: req.beaconSession!.user.agencyId,
    manage: req.scopes.has('assurance.manage'), contribute: req.scopes.has('assurance.contribute'),
  });
  const statusTag = (c: { status: Challenge['status']; responseDue: string }) => (isOverdue(c, today())
    ? { text: 'Response overdue', classes: CHALLENGE_TAGS.overdue } : { text: CHALLENGE_STATUSES[c.status], classes: CHALLENGE_TAGS[c.status] });

  app.get('/governance/challenges', { config: { access: 'assurance.view' } }, async (req, reply) => {
    const q = (req.query ?? {}) as Record<string, string | undefined>;
    const filters = parseFilters(q);
    const [rows, agencies] = await Promise.all([listChallenges(db, pid(req), filters, today()), listAgencies(db, pid(req))]);
    await req.audit({ action: 'challenge.list', recordType: 'challenge', detail: { ...filters, results: rows.length } });
    const thisYear = financialYearOf(today());
    const query = new URLSearchParams(Object.entries({ agency: filters.agencyId, status: filters.status, year: filters.year })
      .flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]]))).toString();
    const actor = actorOf(req);
    return reply.view('governance/views/challenges.njk', {
      title: 'Challenge log', filters, agencies, query,
      rows: rows.map((r) => ({ ...r, raisedBy: raisedByText(r), tag: statusTag(r) })),
      statuses: [...Object.entries(CHALLENGE_STATUSES).map(([value, text]) => ({ value, text })), { value: 'overdue', text: 'Response overdue' }],
      years: Array.from({ length: 6 }, (_, i) => ({ value: thisYear - i, text: financialYearLabel(thisYear - i) })),
      mayRaise: actor.manage || actor.contribute,
    });
  });

  app.get('/governance/challenges.csv', { config: { access: 'assurance.view' } }, async (req, reply) => {
    const filters = parseFilters((req.query ?? {}) as Record<string, string | undefined>);
    const rows = await listChallenges(db, pid(req), filters, today());
    await req.audit({ action: 'challenge.export', recordType: 'challenge', detail: { ...filters, results: rows.length } });
    return reply.header('content-disposition', `attachment; filename="challenge-log-${today()}.csv"`).type('text/csv; charset=utf-8')
      .send(challengesCsv(rows, today()));
  });

  // ---- Raising a challenge ----

  /** Who may raise a challenge: the business manager for anyone; an agency's own contributors for their agency. */
  const mayRaise = (req: FastifyRequest) => {
    const actor = actorOf(req);
    if (!actor.manage && !actor.contribute) throw new Forbidden('Only the business manager or an agency’s safeguarding lead may raise a challenge');
    return actor;
  };

  const raiseForm = async (req: FastifyRequest, reply: FastifyReply, actor: Actor, values: Form, errors?: FieldError[]) => {
    const [agencies, groups, meetings] = await Promise.all([
      listAgencies(db, pid(req)), listGroups(db, pid(req), today(), now()),
      db.selectFrom('group_meeting as m').innerJoin('assurance_group as g', 'g.id', 'm.group_id').select(['m.id', 'm.starts_at as startsAt', 'g.name as group'])
        .where('m.partnership_id', '=', pid(req)).where('m.status', '<>', 'cancelled').where('m.starts_at', '<=', now())
        .orderBy('m.starts_at', 'desc').limit(60).execute(),
    ]);
    const ownAgency = agencies.find((a) => a.id === actor.agencyId);
    return reply.code(errors ? 400 : 200).view('governance/views/challenge-form.njk', {
      title: 'Raise a challenge', values, errors: errors ? formErrors(errors) : undefined, manages: actor.manage, ownAgency,
      agencies, groups, meetings, raisers: Object.entries(RAISERS).map(([value, text]) => ({ value, text, checked: values.raisedByKind === value })),
    });
  };

  app.get('/governance/challenges/new', { config: { access: 'assurance.view' } }, async (req, reply) => {
    const actor = mayRaise(req);
    return raiseForm(req, reply, actor, { ...dateFields('raisedOn', today()), ...dateFields('responseDue', defaultResponseDue(today())) });
  });

  app.post('/governance/challenges/new', { config: { access: 'assurance.view' } }, async (req, reply) => {
    const actor = mayRaise(req);
    let raised;
    try {
      raised = await raiseChallenge(db, pid(req), await parseChallengeForm(db, pid(req), form(req), actor, today()), actor.userId, now());
    } catch (err) {
      if (err instanceof ValidationFailed) return raiseForm(req, reply, actor, form(req), err.errors);
      throw err;
    }
    await req.audit({ action: 'challenge.raise', recordType: 'challenge', recordId: raised.id });
    const emailed = await notifyNewChallenge(db, mailer, pid(req), raised.id, { publicUrl: config.publicUrl });
    await req.audit({ action: 'challenge.notify', recordType: 'challenge', recordId: raised.id, detail: { emails: emailed.length } });
    reply.flash(`Challenge ${raised.reference} raised. `
      + (emailed.length ? `${emailed.length === 1 ? 'The agency’s safeguarding lead has' : `${emailed.length} of the agency’s safeguarding leads have`} been emailed.`
        : 'The agency has no safeguarding lead with a Beacon account: send it to them yourself.'));
    return reply.redirect(`/governance/challenges/${raised.id}`, 303);
  });

  // ---- A challenge, its response and outcome ----

  const challengePage = async (req: FastifyRequest, reply: FastifyReply, challenge: Challenge, values: Form = {}, errors?: FieldError[]) => {
    const actor = actorOf(req);
    const actions = await actionsOfSource(db, pid(req), 'challenge', challenge.id);
    return reply.code(errors ? 400 : 200).view('governance/views/challenge.njk', {
      title: `Challenge ${challenge.reference}`, challenge, raisedBy: raisedByText(challenge), tag: statusTag(challenge), overdue: isOverdue(challenge, today()),
      manages: actor.manage, mayRespond: mayRespond(challenge, actor) && challenge.status !== 'resolved', onBehalf: !(actor.contribute && actor.agencyId === challenge.toAgencyId),
      values: { version: String(challenge.version), response: challenge.response ?? '', ...values }, errors: errors ? formErrors(errors) : undefined,
      events: challenge.events.map((e) => ({ ...e, label: EVENT_LABELS[e.kind] })),
      actions: actions.map((a) => {
        const rag = actionRag(a, today());
        return { ...a, statusLabel: ACTION_STATUSES[a.status], ragLabel: ACTION_RAG_LABELS[rag], ragClass: RAG_TAGS[rag] };
      }),
    });
  };

  const challengeOf = (req: FastifyRequest) => findChallenge(db, pid(req), (req.params as { id: string }).id);

  app.get('/governance/challenges/:id', { config: { access: 'assurance.view' } }, async (req, reply) => {
    const challenge = await challengeOf(req);
    await req.audit({ action: 'challenge.read', recordType: 'challenge', recordId: challenge.id });
    return challengePage(req, reply, challenge);
  });

  app.post('/governance/challenges/:id/response', { config: { access: 'assurance.view' } }, async (req, reply) => {
    const actor = actorOf(req);
    if (!actor.manage && !actor.contribute) throw new Forbidden('Only the challenged agency’s own people or the business manager may respond');
    const challenge = await challengeOf(req);
    if (!mayRespond(challenge, actor)) throw new Forbidden('Only the challenged agency’s own people may respond to a challenge');
    let outcome;
    try {
      outcome = await respond(db, pid(req), challenge, form(req), actor, now());
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      const fresh = await challengeOf(req);
      return challengePage(req, reply, fresh, { response: String(form(req).response ?? '') }, err.errors);
    }
    await req.audit({ action: 'challenge.respond', recordType: 'challenge', recordId: challenge.id, detail: { onBehalf: outcome.onBehalf } });
    reply.flash(outcome.onBehalf ? `Response recorded on ${challenge.toAgency}’s behalf.` : 'Your agency’s response is saved.');
    return reply.redirect(`/governance/challenges/${challenge.id}`, 303);
  });

  app.post('/governance/challenges/:id/outcome', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const challenge = await challengeOf(req);
    let outcome;
    try {
      outcome = await recordOutcome(db, pid(req), challenge, form(req), req.beaconSession!.user.id, now());
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      const f = form(req);
      const fresh = await challengeOf(req);
      return challengePage(req, reply, fresh, { outcome: String(f.outcome ?? ''), resolution: String(f.resolution ?? ''), escalationReason: String(f.escalationReason ?? '') }, err.errors);
    }
    await req.audit({ action: outcome === 'resolved' ? 'challenge.resolve' : 'challenge.escalate', recordType: 'challenge', recordId: challenge.id });
    reply.flash(outcome === 'resolved' ? `Challenge ${challenge.reference} resolved.` : `Challenge ${challenge.reference} escalated to the Executive.`);
    return reply.redirect(`/governance/challenges/${challenge.id}`, 303);
  });

  // ---- Actions arising ----

  const actionForm = async (req: FastifyRequest, reply: FastifyReply, challenge: Challenge, values: Form, errors?: FieldError[]) => {
    const [agencies, people] = await Promise.all([listAgencies(db, pid(req)), peopleOf(db, pid(req))]);
    return reply.code(errors ? 400 : 200).view('governance/views/action-form.njk', {
      title: 'Add an action arising from the challenge', caption: `Challenge ${challenge.reference}`,
      back: { href: `/governance/challenges/${challenge.id}`, text: `Challenge ${challenge.reference}` },
      values: { ownerAgencyId: String(challenge.toAgencyId), ...values }, errors: errors ? formErrors(errors) : undefined, agencies, people,
      action: `/governance/challenges/${challenge.id}/actions/new`,
      themes: Object.entries(LEARNING_THEMES).map(([value, text]) => ({ value, text, checked: list(values, 'themes').includes(value) })),
    });
  };

  app.get('/governance/challenges/:id/actions/new', { config: { access: 'assurance.manage' } }, async (req, reply) => actionForm(req, reply, await challengeOf(req), {}));

  app.post('/governance/challenges/:id/actions/new', { config: { access: 'assurance.manage' } }, async (req, reply) => {
    const challenge = await challengeOf(req);
    let added;
    try {
      added = await addChallengeAction(db, pid(req), challenge, parseActionForm(form(req), challenge.raisedOn), req.beaconSession!.user.id, now());
    } catch (err) {
      if (err instanceof ValidationFailed) return actionForm(req, reply, challenge, form(req), err.errors);
      throw err;
    }
    await req.audit({ action: 'action.create', recordType: 'action', recordId: added.id, detail: { source: 'challenge', challenge: challenge.id } });
    reply.flash(`Action ${added.reference} added to the tracker.`);
    return reply.redirect(`/governance/challenges/${challenge.id}#actions`, 303);
  });
}
