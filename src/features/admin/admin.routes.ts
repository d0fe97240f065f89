import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/deps';
import { searchAudit, verifyAuditChain } from '../../platform/audit';
import { NotFound, ValidationFailed } from '../../platform/errors';
import { formErrors } from '../../platform/forms';
import { SESSION_COOKIE, createSession } from '../../platform/sessions';
import { ROLES, ROLE_NAMES } from '../../platform/permissions';
import { AGENCY_TYPES, addAgency, listAgencies } from '../agencies/agencies.service';
import { TIMESCALE_RULES, unitName } from '../../domain/timescales';
import { findPartnershipById, listChildPopulations, setChildPopulation, setLocalTimescales, settingsOf } from '../partnerships/partnerships.service';
import { listPendingRequests } from '../users/account-requests.service';
import { ssoStateOfAgencies } from '../auth/sso-config.service';
import { addUser, endUserSessions, findUserInPartnership, listUsers, resetMfa, setRoles, setUserStatus } from '../users/users.service';

const roleItems = (selected: string[] = []) =>
  ROLE_NAMES.map((r) => ({ value: r, text: ROLES[r].label, checked: selected.includes(r) }));

function userIdOf(req: FastifyRequest): number {
  const id = Number((req.params as { userId: string }).userId);
  if (!Number.isInteger(id) || id <= 0 || id > 2_147_483_647) throw new NotFound('No such user', 'user', String((req.params as { userId: string }).userId));
  return id;
}

export async function adminRoutes(app: FastifyInstance, { db, config, now }: AppDeps) {
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;

  app.get('/admin/users', { config: { access: 'admin.users' } }, async (req, reply) => {
    const users = await listUsers(db, pid(req));
    const pending = await listPendingRequests(db, pid(req));
    await req.audit({ action: 'user.list', recordType: 'user', detail: { results: users.length, pending: pending.length } });
    return reply.view('admin/views/users.njk', { title: 'People and roles', users, pending, roleLabels: Object.fromEntries(ROLE_NAMES.map((r) => [r, ROLES[r].label])) });
  });

  const newUserPage = async (req: FastifyRequest, values: Record<string, unknown> = {}, errors?: ReturnType<typeof formErrors>) => ({
    title: 'Add a person', values, errors,
    agencies: (await listAgencies(db, pid(req))).map((a) => ({ value: String(a.id), text: a.name, selected: String(values.agencyId) === String(a.id) })),
    roleItems: roleItems(([] as string[]).concat((values.roles as string[]) ?? [])),
  });

  app.get('/admin/users/new', { config: { access: 'admin.users' } }, async (req, reply) =>
    reply.view('admin/views/user-new.njk', await newUserPage(req)));

  app.post('/admin/users/new', { config: { access: 'admin.users' } }, async (req, reply) => {
    const body = req.body as Record<string, unknown>;
    try {
      const { password: _ignored, ...input } = body;
      const result = await addUser(db, pid(req), input);
      await req.audit({ action: result.created ? 'user.create' : 'user.add_membership', recordType: 'user', recordId: String(result.id) });
      return reply.view('admin/views/user-added.njk', { title: 'Person added', email: String(body.email).trim().toLowerCase(), password: result.password, userId: result.id });
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return reply.code(400).view('admin/views/user-new.njk', await newUserPage(req, body, formErrors(err.errors, { roles: 'roles', agencyId: 'agencyId' })));
    }
  });

  app.get('/admin/users/:userId', { config: { access: 'admin.users' } }, async (req, reply) => {
    const id = userIdOf(req);
    const user = await findUserInPartnership(db, pid(req), id);
    if (!user) throw new NotFound('No such user', 'user', String(id));
    await req.audit({ action: 'user.read', recordType: 'user', recordId: String(id) });
    return reply.view('admin/views/user.njk', { title: user.name, person: user, roleItems: roleItems(user.roles) });
  });

  app.post('/admin/users/:userId/roles', { config: { access: 'admin.users' } }, async (req, reply) => {
    const id = userIdOf(req);
    const s = req.beaconSession!;
    try {
      // Changed roles end the person's sessions; an administrator who changed their own goes on under a new one.
      if (await setRoles(db, pid(req), id, (req.body as { roles?: unknown }).roles) && id === s.user.id) {
        const token = await createSession(db, id, { mfaPassed: s.mfaPassed, partnershipId: s.partnershipId, ip: req.ip, userAgent: req.headers['user-agent'] }, now());
        reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: config.cookieSecure, path: '/' });
      }
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      const user = (await findUserInPartnership(db, pid(req), id))!;
      return reply.code(400).view('admin/views/user.njk', { title: user.name, person: user, roleItems: roleItems(user.roles), errors: formErrors(err.errors) });
    }
    await req.audit({ action: 'user.roles', recordType: 'user', recordId: String(id) });
    reply.flash('Roles updated.');
    return reply.redirect(`/admin/users/${id}`);
  });

  app.post('/admin/users/:userId/status', { config: { access: 'admin.users' } }, async (req, reply) => {
    const id = userIdOf(req);
    if (id === req.beaconSession!.user.id) throw new ValidationFailed([{ field: 'status', message: 'You cannot disable your own account' }]);
    const status = (req.body as { status?: string }).status === 'active' ? 'active' : 'disabled';
    await setUserStatus(db, pid(req), id, status);
    await req.audit({ action: status === 'active' ? 'user.enable' : 'user.disable', recordType: 'user', recordId: String(id) });
    reply.flash(status === 'active' ? 'Account enabled.' : 'Account disabled. Their sessions have ended.');
    return reply.redirect(`/admin/users/${id}`);
  });

  app.post('/admin/users/:userId/end-sessions', { config: { access: 'admin.users' } }, async (req, reply) => {
    const id = userIdOf(req);
    const ended = await endUserSessions(db, pid(req), id);
    await req.audit({ action: 'user.end_sessions', recordType: 'user', recordId: String(id), detail: { ended } });
    reply.flash(`${ended} ${ended === 1 ? 'session' : 'sessions'} ended.`);
    return reply.redirect(`/admin/users/${id}`);
  });

  app.post('/admin/users/:userId/reset-mfa', { config: { access: 'admin.users' } }, async (req, reply) => {
    const id = userIdOf(req);
    await resetMfa(db, pid(req), id);
    await req.audit({ action: 'user.reset_mfa', recordType: 'user', recordId: String(id) });
    reply.flash('Authenticator app reset. They will set up a new one at their next sign-in.');
    return reply.redirect(`/admin/users/${id}`);
  });

  const partnershipPage = async (req: FastifyRequest, extra: Record<string, unknown> = {}) => {
    const partnership = await findPartnershipById(db, pid(req));
    const own = (await settingsOf(db, pid(req))).timescales ?? {};
    const localTimescales = TIMESCALE_RULES.filter((r) => 'local' in r).map((r) => ({
      id: r.id, name: r.name, standard: `${r.limit.amount} ${unitName(r.limit.unit)}`, unit: unitName(r.limit.unit), value: String(own[r.id] ?? ''),
    }));
    return {
      localTimescales,
      title: 'Partnership and agencies', p: partnership, populations: await listChildPopulations(db, pid(req)),
      agencies: await listAgencies(db, pid(req)), agencyTypes: AGENCY_TYPES, ssoStates: Object.fromEntries(await ssoStateOfAgencies(db, pid(req))),
      typeLabels: Object.fromEntries(AGENCY_TYPES.map((t) => [t.value, t.label])), ...extra,
    };
  };

  app.get('/admin/partnership', { config: { access: 'admin.partnership' } }, async (req, reply) =>
    reply.view('admin/views/partnership.njk', await partnershipPage(req)));

  app.post('/admin/partnership/population', { config: { access: 'admin.partnership' } }, async (req, reply) => {
    const body = req.body as { childPopulation?: string; year?: string };
    try {
      await setChildPopulation(db, pid(req), { childPopulation: body.childPopulation || undefined, year: body.year || undefined });
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return reply.code(400).view('admin/views/partnership.njk', await partnershipPage(req, { errors: formErrors(err.errors), population: body }));
    }
    await req.audit({ action: 'partnership.population', recordType: 'partnership', recordId: String(pid(req)), detail: { year: body.year || 'all' } });
    reply.flash(body.year ? `Child population for ${body.year} saved.` : 'Child population saved for every year.');
    return reply.redirect('/admin/partnership');
  });

  app.post('/admin/partnership/timescales', { config: { access: 'admin.partnership' } }, async (req, reply) => {
    const body = req.body as Record<string, string>;
    try {
      await setLocalTimescales(db, pid(req), body);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      const page = await partnershipPage(req, { errors: formErrors(err.errors) });
      page.localTimescales = page.localTimescales.map((t) => ({ ...t, value: body[t.id] ?? '' }));
      return reply.code(400).view('admin/views/partnership.njk', page);
    }
    await req.audit({ action: 'partnership.timescales', recordType: 'partnership', recordId: String(pid(req)) });
    reply.flash('Local timescales saved.');
    return reply.redirect('/admin/partnership#timescales');
  });

  app.post('/admin/agencies', { config: { access: 'admin.partnership' } }, async (req, reply) => {
    const body = req.body as Record<string, string>;
    try {
      const agency = await addAgency(db, pid(req), body);
      await req.audit({ action: 'agency.add', recordType: 'agency', recordId: String(agency.id) });
      reply.flash(`${agency.name} now works with this partnership.`);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return reply.code(400).view('admin/views/partnership.njk', await partnershipPage(req, {
        errors: formErrors(err.errors, { name: 'agency-name', type: 'agency-type', emailDomains: 'agency-domains' }), agency: body,
      }));
    }
    return reply.redirect('/admin/partnership#agencies');
  });

  app.get('/admin/audit', { config: { access: 'audit.read' } }, async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const page = Math.max(1, Math.min(1000, Number(q.page) || 1));
    const filters = {
      userEmail: q.user?.slice(0, 200), action: q.action?.slice(0, 100), recordType: q.recordType || undefined,
      recordId: q.recordId?.slice(0, 100) || undefined, outcome: ['allowed', 'denied', 'failed'].includes(q.outcome ?? '') ? q.outcome : undefined,
      from: /^\d{4}-\d{2}-\d{2}$/.test(q.from ?? '') ? q.from : undefined, to: /^\d{4}-\d{2}-\d{2}$/.test(q.to ?? '') ? q.to : undefined,
    };
    const entries = await searchAudit(db, { ...filters, partnershipId: pid(req), limit: 51, offset: (page - 1) * 50 });
    await req.audit({ action: 'audit.search', detail: { results: Math.min(entries.length, 50) } });
    const query = new URLSearchParams(Object.entries(q).filter(([k, v]) => k !== 'page' && v) as [string, string][]).toString();
    return reply.view('admin/views/audit.njk', {
      title: 'Audit log', q, entries: entries.slice(0, 50), page,
      previous: page > 1 ? `/admin/audit?${query}&page=${page - 1}` : null,
      next: entries.length > 50 ? `/admin/audit?${query}&page=${page + 1}` : null,
    });
  });

  app.post('/admin/audit/verify', { config: { access: 'audit.read' } }, async (req, reply) => {
    const result = await verifyAuditChain(db);
    await req.audit({ action: 'audit.verify', outcome: result.ok ? 'allowed' : 'failed', detail: { entries: result.entries } });
    reply.flash(result.ok ? `The audit log is intact: ${result.entries} entries checked.` : `The audit log has been tampered with: ${result.reason}.`);
    return reply.redirect('/admin/audit');
  });
}
