import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/deps';
import { formErrors } from '../../platform/forms';
import { requiresMfa } from '../../platform/permissions';
import { SESSION_COOKIE, createSession, endSession, membershipsOf } from '../../platform/sessions';
import { isSingleEmailAddress } from '../../platform/email';
import { markSignedIn } from './auth.service';
import { CALLBACK_PATH, SSO_COOKIE, SsoUnavailable, completeSsoSignIn, providerOrigins, startSsoSignIn, type SsoProblem } from './sso.service';

/** Only a local path: a crafted `next` must not send someone off to another site after sign-in. */
function safeNext(next: string | undefined | null): string {
  return next && /^\/(?![/\\])/.test(next) ? next : '/';
}

/** What each way a sign-in can fail says to the person, and what they can do about it. */
const PROBLEMS: Record<SsoProblem, { title: string; body: string; status: number }> = {
  no_attempt: { title: 'Your sign-in could not be completed', body: 'Beacon has no record of starting this sign-in in this browser. This can happen if you used the back button, opened an old link, or your browser blocks cookies.', status: 400 },
  expired: { title: 'Your sign-in timed out', body: 'You took more than 10 minutes at your organisation’s sign-in page, so Beacon stopped waiting.', status: 400 },
  sso_off: { title: 'Your organisation’s sign-in has been turned off', body: 'Your organisation no longer signs you in to Beacon. Sign in with your Beacon email address and password, or ask your partnership administrator.', status: 400 },
  provider_refused: { title: 'Your organisation did not sign you in', body: 'Your organisation’s sign-in service said you cancelled, or that you are not allowed to use Beacon. If you think you should be, ask your organisation’s IT service desk.', status: 403 },
  provider_error: { title: 'Your organisation’s sign-in service reported a problem', body: 'Your organisation’s sign-in service could not sign you in to Beacon. Try again; if it happens again, tell your organisation’s IT service desk.', status: 400 },
  invalid_response: { title: 'Your sign-in could not be checked', body: 'The answer Beacon received from your organisation could not be verified, so you have not been signed in. Start again from the sign-in page.', status: 400 },
  email_unverified: { title: 'Your organisation did not confirm your email address', body: 'Beacon needs your organisation to confirm your work email address. Ask your organisation’s IT service desk to check your account.', status: 403 },
  domain_not_allowed: { title: 'Your email address cannot be used with this sign-in', body: 'Your organisation’s account has an email address at a domain that is not allowed to sign in to Beacon this way. Ask your partnership administrator.', status: 403 },
  other_agency: { title: 'Your Beacon account belongs to another organisation', body: 'Your email address has a Beacon account with a different organisation. Sign in the way that organisation does, or ask your partnership administrator.', status: 403 },
  identity_mismatch: { title: 'Your Beacon account is linked to someone else', body: 'Your Beacon account was set up for a different person at your organisation with this email address. Ask your partnership administrator.', status: 403 },
};

export async function ssoRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db, config } = deps;
  const cookie = { httpOnly: true, sameSite: 'lax' as const, secure: config.cookieSecure, path: '/' };
  // Sent back only to the callback; SameSite=Lax still sends it on the provider's top-level redirect.
  const attemptCookie = { httpOnly: true, sameSite: 'lax' as const, secure: config.cookieSecure, path: '/sign-in/organisation', maxAge: 600 };
  const options = () => ({ key: config.ssoSecretKey, production: config.env === 'production', publicUrl: config.publicUrl, now: deps.now() });

  const page = async (reply: FastifyReply, values: { email?: string; next?: string } = {}, errors?: ReturnType<typeof formErrors>, status = 200) => {
    const csp = reply.getHeader('content-security-policy');
    if (typeof csp === 'string') {
      const origins = (await providerOrigins(db)).filter((o) => /^https?:\/\/[\w.:[\]-]+$/.test(o));
      reply.header('content-security-policy', csp.replace("form-action 'self'", ["form-action 'self'", ...origins].join(' ')));
    }
    return reply.code(status).view('auth/views/sign-in-organisation.njk', { title: 'Sign in with your organisation', ...values, errors });
  };

  app.get('/sign-in/organisation', { config: { access: 'public' } }, async (req, reply) => {
    const q = req.query as { next?: string };
    if (req.beaconSession?.mfaPassed) return reply.redirect(safeNext(q.next));
    return page(reply, { next: q.next ?? '' });
  });

  app.post('/sign-in/organisation', { config: { access: 'public', rateLimit: { max: 20, timeWindow: '5 minutes' } } }, async (req, reply) => {
    const body = req.body as { email?: string; next?: string };
    const email = String(body.email ?? '').trim().toLowerCase();
    const next = safeNext(body.next);
    const again = (message: string, status = 400) => page(reply, { email, next: body.next ?? '' }, formErrors([{ field: 'email', message }]), status);
    if (!email) return again('Enter your work email address');
    if (email.length > 254 || !isSingleEmailAddress(email)) return again('Enter your work email address in the correct format, like name@nep.police.uk');
    let started;
    try {
      started = await startSsoSignIn(db, email, next, options());
    } catch (err) {
      if (!(err instanceof SsoUnavailable)) throw err;
      req.log.warn({ err }, 'identity provider unavailable');
      await req.audit({ action: 'sign_in.sso_unavailable', outcome: 'failed', userEmail: email });
      return reply.code(502).view('auth/views/sso-problem.njk', {
        title: 'Your organisation’s sign-in service is not available',
        body: 'Beacon could not reach your organisation’s sign-in service. Try again in a few minutes. If you have a Beacon password, you can sign in with it instead.',
      });
    }
    if (!started) return again('Your organisation does not sign in to Beacon this way. Sign in with your Beacon email address and password instead.');
    await req.audit({ action: 'sign_in.sso_started', outcome: 'allowed', userEmail: email, recordType: 'agency', recordId: String(started.agencyId) });
    reply.setCookie(SSO_COOKIE, started.cookie, attemptCookie);
    return reply.redirect(started.url);
  });

  app.get(CALLBACK_PATH, { config: { access: 'public' } }, async (req, reply) => {
    const result = await completeSsoSignIn(db, req.cookies[SSO_COOKIE], new URL(req.url, config.publicUrl), options());
    reply.clearCookie(SSO_COOKIE, { path: attemptCookie.path });
    const audit = (action: string, outcome: 'allowed' | 'denied' | 'failed', userId: number | null, email: string | null, agencyId: number | null,
      detail?: Record<string, unknown>, partnershipId?: number) =>
      req.audit({ action, outcome, userId, userEmail: email, agencyId, detail: detail ?? null, ...(partnershipId ? { partnershipId, recordType: 'user', recordId: String(userId) } : {}) });

    if (result.outcome === 'problem') {
      await audit('sign_in.sso_failed', 'denied', null, result.email, result.agencyId, { problem: result.problem, ...(result.providerError ? { providerError: result.providerError.slice(0, 100) } : {}) });
      const p = PROBLEMS[result.problem];
      return reply.code(p.status).view('auth/views/sso-problem.njk', { title: p.title, body: p.body });
    }
    if (result.outcome === 'pending') {
      // Kept under the approving partnership, so its administrators find them in their audit log.
      if (result.created) await audit('user.sso_provisioned', 'allowed', result.userId, result.email, result.agencyId, undefined, result.partnershipId);
      await audit('sign_in.sso_pending', 'denied', result.userId, result.email, result.agencyId, undefined, result.partnershipId);
      return waiting(req, reply, result.userId);
    }
    if (result.outcome !== 'signed_in') {
      await audit(result.outcome === 'refused' ? 'sign_in.sso_refused' : 'sign_in.disabled', 'denied', result.userId, result.email, result.agencyId);
      return reply.code(403).view('auth/views/sso-problem.njk', result.outcome === 'refused'
        ? { title: 'Your request to use Beacon was not approved', body: 'A partnership administrator decided not to give you access to Beacon. If you think this is wrong, ask your agency’s safeguarding lead.' }
        : { title: 'Your Beacon account has been disabled', body: 'You cannot sign in to Beacon while your account is disabled. Ask your partnership administrator.' });
    }

    // A session already in this browser (another person's, on a shared computer) ends: the new one starts afresh, so nothing fixed before sign-in carries over.
    if (req.beaconSession) await endSession(db, req.beaconSession.id, 'signed in again', deps.now());
    const now = deps.now();
    const memberships = await membershipsOf(db, result.userId);
    const user = await db.selectFrom('app_user').select(['mfa_enrolled_at', 'last_partnership_id']).where('id', '=', result.userId).executeTakeFirstOrThrow();
    const startIn = memberships.find((m) => m.partnershipId === user.last_partnership_id) ?? memberships[0];
    const token = await createSession(db, result.userId, {
      mfaPassed: result.mfaByProvider, partnershipId: startIn?.partnershipId ?? null, ip: req.ip, userAgent: req.headers['user-agent'],
      sso: { amr: result.amr, acr: result.acr },
    }, now);
    reply.setCookie(SESSION_COOKIE, token, cookie);
    await audit('sign_in.sso', 'allowed', result.userId, result.email, result.agencyId, { amr: result.amr, acr: result.acr, mfaByProvider: result.mfaByProvider });
    const next = safeNext(result.next);
    // The provider's own second factor stands for Beacon's; without one, Beacon asks for its own as after a password.
    if (!result.mfaByProvider) {
      if (user.mfa_enrolled_at) return reply.redirect(`/sign-in/mfa?next=${encodeURIComponent(next)}`);
      if (requiresMfa(memberships.flatMap((m) => m.roles))) return reply.redirect(`/mfa/set-up?next=${encodeURIComponent(next)}`);
    }
    await markSignedIn(db, result.userId, now);
    return reply.redirect(next);
  });

  async function waiting(_req: FastifyRequest, reply: FastifyReply, userId: number) {
    const row = await db.selectFrom('account_request as r').innerJoin('partnership as p', 'p.id', 'r.partnership_id').innerJoin('app_user as u', 'u.id', 'r.user_id')
      .select(['p.name as partnership', 'u.email', 'u.name']).where('r.user_id', '=', userId).where('r.status', '=', 'pending').executeTakeFirst();
    return reply.view('auth/views/sso-waiting.njk', { title: 'Your account is waiting for approval', request: row });
  }
}
