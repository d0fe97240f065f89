import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/deps';
import { ValidationFailed, type FieldError } from '../../platform/errors';
import { formErrors } from '../../platform/forms';
import { MIN_PASSWORD_LENGTH } from '../users/password-policy';
import { checkToken, domainsText, register, registrationAgencies, registrationPartnerships, verifyEmail } from './registration.service';

/**
 * Self-registration for training, open to anyone: choose the partnership (when there are several), then
 * name, work email, agency, job title, line manager and password. Rate-limited, as the sign-in form is.
 */

type Body = Record<string, string | undefined>;
const FIELDS = ['name', 'agencyId', 'email', 'jobTitle', 'lineManagerEmail', 'password'];
const LIMIT = { max: 20, timeWindow: '15 minutes' };

export async function registrationRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db, now } = deps;

  const formPage = async (reply: FastifyReply, partnership: { id: number; name: string }, several: boolean, values: Body = {}, errors?: FieldError[]) => {
    const agencies = await registrationAgencies(db, partnership.id);
    const rank = (f: string) => { const i = FIELDS.indexOf(f); return i < 0 ? FIELDS.length : i; };
    return reply.code(errors ? 400 : 200).view('training/views/register.njk', {
      title: 'Register to book training', partnership, several, values, minLength: MIN_PASSWORD_LENGTH,
      agencyItems: [{ value: '', text: 'Select your agency' }, ...agencies.map((a) => ({ value: String(a.id), text: a.name, selected: values.agencyId === String(a.id) }))],
      agencyDomains: agencies.map((a) => ({ name: a.name, domains: domainsText(a.email_domains) })),
      errors: errors ? formErrors([...errors].sort((a, b) => rank(a.field) - rank(b.field))) : undefined,
    });
  };

  /** The partnership named in the form or address, or the only one there is; null when a choice is needed. */
  const chosen = async (value: string | undefined) => {
    const partnerships = await registrationPartnerships(db);
    const p = partnerships.length === 1 ? partnerships[0] : partnerships.find((x) => String(x.id) === (value ?? '').trim());
    return { partnerships, partnership: p ?? null, several: partnerships.length > 1 };
  };

  app.get('/register', { config: { access: 'public', rateLimit: LIMIT } }, async (req, reply) => {
    const q = (req.query ?? {}) as Record<string, string | undefined>;
    const { partnerships, partnership, several } = await chosen(q.partnership);
    if (!partnership) {
      const invalid = q.partnership !== undefined;
      return reply.code(invalid ? 400 : 200).view('training/views/register-partnership.njk', {
        title: 'Register to book training',
        items: partnerships.map((p) => ({ value: String(p.id), text: p.name })),
        errors: invalid ? formErrors([{ field: 'partnership', message: 'Select the partnership you work in' }]) : undefined,
      });
    }
    return formPage(reply, partnership, several);
  });

  app.post('/register', { config: { access: 'public', rateLimit: LIMIT } }, async (req, reply) => {
    const b = (req.body ?? {}) as Body;
    const { partnership, several } = await chosen(b.partnership);
    if (!partnership) return reply.redirect('/register', 303);
    const values = { name: b.name ?? '', email: b.email ?? '', agencyId: b.agencyId ?? '', jobTitle: b.jobTitle ?? '', lineManagerEmail: b.lineManagerEmail ?? '' };
    try {
      const out = await register(db, { mailer: deps.mailer, publicUrl: deps.config.publicUrl }, { ...values, partnershipId: partnership.id, password: b.password ?? '' }, now());
      // What happened stays in the audit log; the person sees the same page whatever it was.
      await req.audit({ action: `user.register.${out.outcome}`, recordType: 'user', recordId: out.userId === null ? null : String(out.userId), partnershipId: partnership.id,
        detail: { agency: Number(values.agencyId) } });
      return reply.view('training/views/register-sent.njk', { title: 'Check your email', email: values.email.trim().toLowerCase() });
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return formPage(reply, partnership, several, values, err.errors);
    }
  });

  const tokenOf = (req: FastifyRequest) => String(((req.method === 'GET' ? req.query : req.body) as Record<string, unknown> | undefined)?.token ?? '');

  // Following the link only shows a button: a mail scanner that fetches links does not use up the token.
  app.get('/register/verify', { config: { access: 'public', rateLimit: LIMIT } }, async (req, reply) => {
    const token = tokenOf(req);
    const state = await checkToken(db, token, now());
    return reply.code(state === 'valid' ? 200 : 400).view('training/views/register-verify.njk', { title: state === 'valid' ? 'Confirm your email address' : 'This link cannot be used', state, token });
  });

  app.post('/register/verify', { config: { access: 'public', rateLimit: LIMIT } }, async (req, reply) => {
    const out = await verifyEmail(db, tokenOf(req), now());
    if (out.state !== 'valid') {
      if (out.userId !== null) await req.audit({ action: 'user.verify_email', outcome: 'denied', recordType: 'user', recordId: String(out.userId), detail: { state: out.state } });
      return reply.code(400).view('training/views/register-verify.njk', { title: 'This link cannot be used', state: out.state, token: '' });
    }
    await req.audit({ action: 'user.verify_email', recordType: 'user', recordId: String(out.userId), partnershipId: out.partnershipId });
    return reply.view('training/views/register-verify.njk', { title: 'Your email address is confirmed', state: 'done', token: '' });
  });
}
