import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../platform/deps';
import { formErrors } from '../../platform/forms';
import { requiresMfa } from '../../platform/permissions';
import { SESSION_COOKIE, createSession, endSession, endSessionsOfUser, membershipsOf, rotateSession, switchPartnership } from '../../platform/sessions';
import { changePassword, checkPassword, checkTotp, completeEnrolment, markSignedIn, recordFailure, startEnrolment } from './auth.service';
import { awaitingVerification } from '../training/registration.service';
import { passwordRefusedFor } from './sso-config.service';

const signInForm = z.object({ email: z.string().trim(), password: z.string(), next: z.string().optional() });

/** Only a local path: a crafted `next` must not send someone off to another site after sign-in. */
function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])/.test(next) ? next : '/';
}

export async function authRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db, config } = deps;
  const policy = { maxFailures: config.loginMaxFailures, lockoutMs: config.loginLockoutMs };
  const cookie = { httpOnly: true, sameSite: 'lax' as const, secure: config.cookieSecure, path: '/' };

  /** The second factor passed: the session goes on under a new token, so the one issued after the password alone is dead. */
  const passMfa = async (req: FastifyRequest, reply: FastifyReply, now: Date) => {
    const token = await rotateSession(db, req.beaconSession!.id, { mfaPassed: true }, 'second factor passed', now);
    if (token) reply.setCookie(SESSION_COOKIE, token, cookie);
    return token !== null;
  };

  const audit = (req: FastifyRequest, action: string, outcome: 'allowed' | 'denied' | 'failed', userId: number | null, email: string | null, detail?: Record<string, unknown>) =>
    req.audit({ action, outcome, userId, userEmail: email, detail: detail ?? null });

  app.get('/sign-in', { config: { access: 'public' } }, async (req, reply) => {
    const q = req.query as { next?: string; expired?: string };
    if (req.beaconSession?.mfaPassed) return reply.redirect(safeNext(q.next));
    return reply.view('auth/views/sign-in.njk', {
      title: 'Sign in', next: q.next ?? '',
      expired: q.expired === 'idle' ? `You were signed out after ${config.sessionIdleMs / 60_000} minutes without activity.`
        : q.expired === 'absolute' ? `You were signed out because you had been signed in for ${config.sessionAbsoluteMs / 3_600_000} hours.` : null,
    });
  });

  app.post('/sign-in', {
    config: {
      access: 'public',
      rateLimit: { max: 20, timeWindow: '5 minutes' },
    },
  }, async (req, reply) => {
    const form = signInForm.safeParse(req.body);
    const body = form.success ? form.data : { email: '', password: '', next: '' };
    const fieldErrs: { field: string; message: string }[] = [];
    if (!body.email) fieldErrs.push({ field: 'email', message: 'Enter your email address' });
    if (!body.password) fieldErrs.push({ field: 'password', message: 'Enter your password' });
    const again = (message: string | null, status = 200) => reply.code(status).view('auth/views/sign-in.njk', {
      title: 'Sign in', next: body.next ?? '', email: body.email,
      errors: formErrors(message ? [{ field: 'email', message }] : fieldErrs),
    });
    if (fieldErrs.length) return again(null, 400);
    const now = deps.now();
    const result = await checkPassword(db, body.email, body.password, now, policy);
    if (result.outcome === 'locked') {
      await audit(req, 'sign_in.locked', 'denied', result.userId, body.email);
      return again(`There have been too many failed attempts to sign in to this account. Try again in ${result.minutes} minutes.`, 401);
    }
    // The right password for an account registered but not yet confirmed: saying so tells no one more than the password did.
    if (result.outcome === 'disabled' && await awaitingVerification(db, result.userId)) {
      await audit(req, 'sign_in.unverified', 'denied', result.userId, body.email);
      return again('Confirm your email address first, with the link we emailed you when you registered. If the link has expired, register again to be sent a new one.', 401);
    }
    if (result.outcome !== 'ok') {
      await audit(req, result.outcome === 'disabled' ? 'sign_in.disabled' : 'sign_in.failed', 'denied', result.userId, body.email);
      return again('Enter a correct email address and password', 401);
    }
    // Told only after the right password, so the message reveals nothing to someone guessing.
    if (await passwordRefusedFor(db, result.userId)) {
      await audit(req, 'sign_in.password_not_allowed', 'denied', result.userId, result.email);
      return again('Your organisation signs you in to Beacon: use Sign in with your organisation', 403);
    }
    const memberships = await membershipsOf(db, result.userId);
    const user = await db.selectFrom('app_user').select(['mfa_enrolled_at', 'last_partnership_id']).where('id', '=', result.userId).executeTakeFirstOrThrow();
    const startIn = memberships.find((m) => m.partnershipId === user.last_partnership_id) ?? memberships[0];
    // A session already in this browser (another person's on a shared computer, or one planted there) ends: the new one starts afresh.
    if (req.beaconSession) await endSession(db, req.beaconSession.id, 'signed in again', now);
    const token = await createSession(db, result.userId, {
      mfaPassed: false, partnershipId: startIn?.partnershipId ?? null, ip: req.ip, userAgent: req.headers['user-agent'],
    }, now);
    reply.setCookie(SESSION_COOKIE, token, cookie);
    await audit(req, 'sign_in.password', 'allowed', result.userId, result.email);
    const next = encodeURIComponent(safeNext(body.next));
    if (user.mfa_enrolled_at) return reply.redirect(`/sign-in/mfa?next=${next}`);
    if (requiresMfa(memberships.flatMap((m) => m.roles))) return reply.redirect(`/mfa/set-up?next=${next}`);
    await markSignedIn(db, result.userId, now);
    return reply.redirect(safeNext(body.next));
  });

  app.get('/sign-in/mfa', { config: { access: 'session' } }, async (req, reply) => {
    const s = req.beaconSession!;
    if (s.mfaPassed) return reply.redirect('/');
    if (!s.user.mfaEnrolled) return reply.redirect('/mfa/set-up');
    return reply.view('auth/views/mfa.njk', { title: 'Enter your security code', next: (req.query as { next?: string }).next ?? '' });
  });

  app.post('/sign-in/mfa', { config: { access: 'session', rateLimit: { max: 20, timeWindow: '5 minutes' } } }, async (req, reply) => {
    const s = req.beaconSession!;
    const { code = '', next } = firstValues(req.body);
    const now = deps.now();
    if (await checkTotp(db, s.user.id, code.replace(/\s/g, ''), now)) {
      if (!(await passMfa(req, reply, now))) return reply.redirect('/sign-in');
      await markSignedIn(db, s.user.id, now);
      await audit(req, 'sign_in.mfa', 'allowed', s.user.id, s.user.email);
      return reply.redirect(safeNext(next));
    }
    const failure = await recordFailure(db, s.user.id, now, policy);
    await audit(req, 'sign_in.mfa_failed', 'denied', s.user.id, s.user.email);
    if (failure.outcome === 'locked') {
      await endSession(db, s.id, 'locked');
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(401).view('auth/views/sign-in.njk', {
        title: 'Sign in', errors: formErrors([{ field: 'email', message: `There have been too many failed attempts to sign in to this account. Try again in ${failure.minutes} minutes.` }]),
      });
    }
    return reply.code(401).view('auth/views/mfa.njk', {
      title: 'Enter your security code', next: next ?? '',
      errors: formErrors([{ field: 'code', message: 'Enter the 6-digit security code shown in your authenticator app now' }]),
    });
  });

  const showEnrolment = async (req: FastifyRequest, reply: FastifyReply, errors?: ReturnType<typeof formErrors>) => {
    const s = req.beaconSession!;
    const enrolment = await startEnrolment(db, s.user.id, s.user.email);
    return reply.code(errors ? 401 : 200).view('auth/views/mfa-set-up.njk', {
      title: 'Set up your authenticator app', ...enrolment, errors, next: (req.query as { next?: string }).next ?? '',
    });
  };

  app.get('/mfa/set-up', { config: { access: 'session' } }, async (req, reply) => {
    const s = req.beaconSession!;
    if (s.user.mfaEnrolled) return reply.redirect(s.mfaPassed ? '/account' : '/sign-in/mfa');
    return showEnrolment(req, reply);
  });

  app.post('/mfa/set-up', { config: { access: 'session', rateLimit: { max: 20, timeWindow: '5 minutes' } } }, async (req, reply) => {
    const s = req.beaconSession!;
    if (s.user.mfaEnrolled) return reply.redirect('/');
    const { code = '', next } = firstValues(req.body);
    const now = deps.now();
    if (!(await completeEnrolment(db, s.user.id, code.replace(/\s/g, ''), now))) {
      await audit(req, 'mfa.enrol_failed', 'denied', s.user.id, s.user.email);
      return showEnrolment(req, reply, formErrors([{ field: 'code', message: 'Enter the 6-digit security code shown in your authenticator app now' }]));
    }
    if (!(await passMfa(req, reply, now))) return reply.redirect('/sign-in');
    await markSignedIn(db, s.user.id, now);
    await audit(req, 'mfa.enrolled', 'allowed', s.user.id, s.user.email);
    reply.flash('Your authenticator app is set up. You will need a code from it each time you sign in.');
    return reply.redirect(safeNext(next));
  });

  app.post('/sign-out', { config: { access: 'session' } }, async (req, reply) => {
    const s = req.beaconSession!;
    await endSession(db, s.id, 'signed out');
    await audit(req, 'sign_out', 'allowed', s.user.id, s.user.email);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.view('auth/views/signed-out.njk', { title: 'You have signed out', user: null, navigation: [], memberships: [] });
  });

  app.post('/partnership', { config: { access: 'home.view' } }, async (req, reply) => {
    const s = req.beaconSession!;
    const id = Number((req.body as { partnershipId?: string }).partnershipId);
    const target = s.memberships.find((m) => m.partnershipId === id);
    if (!target) {
      await req.audit({ action: 'partnership.switch', outcome: 'denied', detail: { partnershipId: id || null } });
      return reply.redirect('/');
    }
    const token = await switchPartnership(db, s.id, s.user.id, id, deps.now());
    if (!token) return reply.redirect('/sign-in');
    reply.setCookie(SESSION_COOKIE, token, cookie);
    await req.audit({ action: 'partnership.switch', outcome: 'allowed', partnershipId: id });
    reply.flash(`You are now working in ${target.name}.`);
    return reply.redirect('/');
  });

  app.get('/account', { config: { access: 'home.view' } }, async (_req, reply) => {
    return reply.view('auth/views/account.njk', { title: 'Your account' });
  });

  app.post('/account/password', { config: { access: 'home.view', rateLimit: { max: 10, timeWindow: '5 minutes' } } }, async (req, reply) => {
    const s = req.beaconSession!;
    const { currentPassword = '', newPassword = '' } = firstValues(req.body);
    const problem = await changePassword(db, s.user.id, currentPassword, newPassword);
    if (problem) {
      await audit(req, 'password.change_failed', 'denied', s.user.id, s.user.email);
      return reply.code(400).view('auth/views/account.njk', { title: 'Your account', errors: formErrors([problem]) });
    }
    // Other devices lose their sessions: a changed password should lock out whoever knew the old one.
    await endSessionsOfUser(db, s.user.id, 'password changed');
    const token = await createSession(db, s.user.id, { mfaPassed: true, partnershipId: s.partnershipId, ip: req.ip, userAgent: req.headers['user-agent'] }, deps.now());
    reply.setCookie(SESSION_COOKIE, token, cookie);
    await audit(req, 'password.changed', 'allowed', s.user.id, s.user.email);
    reply.flash('Your password has been changed. You have been signed out everywhere else.');
    return reply.redirect('/account');
  });
}

/** A posted form's values as written (a password is never trimmed); where a name was posted twice, the first counts, as in every form. */
function firstValues(body: unknown): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries((body ?? {}) as Record<string, string | string[]>).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
}
