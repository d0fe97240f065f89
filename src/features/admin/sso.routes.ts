import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/deps';
import { NotFound, ValidationFailed } from '../../platform/errors';
import { formErrors } from '../../platform/forms';
import { ROLES, ROLE_NAMES } from '../../platform/permissions';
import { agencySsoPage, disableAgencySso, setAgencySso, type SsoInput } from '../auth/sso-config.service';
import { CALLBACK_PATH } from '../auth/sso.service';
import { approveRequest, findRequest, refuseRequest } from '../users/account-requests.service';

function idParam(req: FastifyRequest, name: string): number {
  const raw = (req.params as Record<string, string>)[name]!;
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0 || id > 2_147_483_647) throw new NotFound('Not found', name, raw);
  return id;
}

/**
 * An agency's single sign-on, set by the partnership's administrator, and the people it brought in
 * waiting for approval.
 */
export async function ssoAdminRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db, config } = deps;
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;

  const ssoPage = async (req: FastifyRequest, agencyId: number, values?: Record<string, unknown>, errors?: ReturnType<typeof formErrors>) => {
    const page = await agencySsoPage(db, pid(req), agencyId);
    const sso = page.sso;
    return {
      title: `Single sign-on for ${page.agency.name}`, ...page, errors, callbackUrl: `${config.publicUrl}${CALLBACK_PATH}`, keyMissing: !config.ssoSecretKey,
      values: values ?? {
        issuerUrl: sso?.issuerUrl ?? '', clientId: sso?.clientId ?? '', emailDomains: (sso?.emailDomains ?? page.agency.email_domains).join(', '),
        passwordAllowed: sso ? (sso.passwordAllowed ? 'yes' : 'no') : 'yes', enabled: sso ? (sso.enabled ? 'yes' : 'no') : 'yes',
      },
    };
  };

  app.get('/admin/agencies/:agencyId/sso', { config: { access: 'admin.partnership' } }, async (req, reply) => {
    const agencyId = idParam(req, 'agencyId');
    const page = await ssoPage(req, agencyId);
    await req.audit({ action: 'agency_sso.read', recordType: 'agency', recordId: String(agencyId) });
    return reply.view('admin/views/agency-sso.njk', page);
  });

  app.post('/admin/agencies/:agencyId/sso', { config: { access: 'admin.partnership' } }, async (req, reply) => {
    const agencyId = idParam(req, 'agencyId');
    // One value a name: where one was posted twice, the first counts, as in every form.
    const body = Object.fromEntries(Object.entries((req.body ?? {}) as Record<string, string | string[]>)
      .map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])) as SsoInput & Record<string, string>;
    let saved;
    try {
      saved = await setAgencySso(db, pid(req), agencyId, body, {
        key: config.ssoSecretKey, production: config.env === 'production', userId: req.beaconSession!.user.id, now: deps.now(),
      });
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      // The secret typed is never sent back to the browser.
      const { clientSecret: _secret, ...values } = body;
      return reply.code(400).view('admin/views/agency-sso.njk', await ssoPage(req, agencyId, values, formErrors(err.errors, { passwordAllowed: 'passwordAllowed', enabled: 'enabled' })));
    }
    await req.audit({
      action: 'agency_sso.set', recordType: 'agency', recordId: String(agencyId),
      detail: { enabled: saved.enabled, passwordAllowed: saved.passwordAllowed, domains: saved.emailDomains.length, secretChanged: Boolean(String(body.clientSecret ?? '').trim()) },
    });
    reply.flash(saved.enabled ? 'Single sign-on saved and turned on.' : 'Single sign-on saved. It is turned off.');
    return reply.redirect(`/admin/agencies/${agencyId}/sso`);
  });

  app.post('/admin/agencies/:agencyId/sso/disable', { config: { access: 'admin.partnership' } }, async (req, reply) => {
    const agencyId = idParam(req, 'agencyId');
    await disableAgencySso(db, pid(req), agencyId, { userId: req.beaconSession!.user.id, now: deps.now() });
    await req.audit({ action: 'agency_sso.disable', recordType: 'agency', recordId: String(agencyId) });
    reply.flash('Single sign-on turned off. The agency’s people sign in with a Beacon password.');
    return reply.redirect(`/admin/agencies/${agencyId}/sso`);
  });

  const roleItems = (selected: string[] = []) => ROLE_NAMES.map((r) => ({ value: r, text: ROLES[r].label, checked: selected.includes(r) }));
  const requestId = (req: FastifyRequest) => (req.params as { requestId: string }).requestId;

  app.get('/admin/users/requests/:requestId', { config: { access: 'admin.users' } }, async (req, reply) => {
    const request = await findRequest(db, pid(req), requestId(req));
    await req.audit({ action: 'account_request.read', recordType: 'user', recordId: String(request.userId) });
    return reply.view('admin/views/account-request.njk', { title: `Request from ${request.name}`, request, roleItems: roleItems() });
  });

  app.post('/admin/users/requests/:requestId/approve', { config: { access: 'admin.users' } }, async (req, reply) => {
    const id = requestId(req);
    const roles = (req.body as { roles?: unknown }).roles;
    let request;
    try {
      request = await approveRequest(db, pid(req), id, roles, req.beaconSession!.user.id, deps.now());
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      const current = await findRequest(db, pid(req), id);
      const selected = ([] as unknown[]).concat(roles ?? []).map(String);
      return reply.code(400).view('admin/views/account-request.njk', { title: `Request from ${current.name}`, request: current, roleItems: roleItems(selected), errors: formErrors(err.errors) });
    }
    await req.audit({ action: 'account_request.approve', recordType: 'user', recordId: String(request.userId), detail: { roles: ([] as unknown[]).concat(roles).map(String) } });
    await deps.mailer.send(db, {
      to: request.email, partnershipId: pid(req), record: { type: 'user', id: String(request.userId) },
      subject: 'Your Beacon account has been approved',
      body: `Dear ${request.name},\n\nYour request to use Beacon for ${req.partnership!.name} has been approved.\n\n`
        + `Sign in with your organisation at ${config.publicUrl}/sign-in/organisation using your work email address.\n\nBeacon`,
    });
    reply.flash(`${request.name} can now sign in.`);
    return reply.redirect('/admin/users');
  });

  app.post('/admin/users/requests/:requestId/refuse', { config: { access: 'admin.users' } }, async (req, reply) => {
    const id = requestId(req);
    let request;
    try {
      request = await refuseRequest(db, pid(req), id, req.beaconSession!.user.id, deps.now());
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      const current = await findRequest(db, pid(req), id);
      return reply.code(400).view('admin/views/account-request.njk', { title: `Request from ${current.name}`, request: current, roleItems: roleItems(), errors: formErrors(err.errors) });
    }
    await req.audit({ action: 'account_request.refuse', recordType: 'user', recordId: String(request.userId) });
    await deps.mailer.send(db, {
      to: request.email, partnershipId: pid(req), record: { type: 'user', id: String(request.userId) },
      subject: 'Your request to use Beacon',
      body: `Dear ${request.name},\n\nYour request to use Beacon for ${req.partnership!.name} has not been approved.\n\n`
        + 'If you think you need access, ask your agency’s safeguarding lead or the partnership business unit.\n\nBeacon',
    });
    reply.flash(`${request.name}’s request has been refused.`);
    return reply.redirect('/admin/users');
  });
}
