import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import nunjucks from 'nunjucks';
import type { Db } from '../db/create-db';
import { childName } from '../domain/child-name';
import { findApiToken, recordTokenUse, type ApiPrincipal } from './api-tokens';
import { recordAudit, type AuditEntry } from './audit';
import type { Config } from './config';
import { Forbidden, NotFound, ValidationFailed, databaseTrouble } from './errors';
import { isApiAccess, requiresMfa, scopesOf, type Access, type ApiAccess, type Scope } from './permissions';
import { SESSION_COOKIE, loadSession, type LoadedSession, type Membership } from './sessions';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** Bearer-token API routes carry no cookie and so need no CSRF token. */
    csrf?: boolean;
  }
  interface FastifyRequest {
    beaconSession: LoadedSession | null;
    partnership: Membership | null;
    scopes: Set<Scope>;
    sessionExpired: 'idle' | 'absolute' | null;
    /** The partner system's token presented to an API route (a revoked one too, so that its use is kept). */
    apiToken: ApiPrincipal | null;
    /** Writes an audit entry with who, where and from which address already filled in. */
    audit(entry: Omit<AuditEntry, 'outcome'> & { outcome?: AuditEntry['outcome'] }): Promise<void>;
    /** The same entry, not written: for a service to append inside its own transaction, so that it commits with the work. */
    auditEntry(entry: Omit<AuditEntry, 'outcome'> & { outcome?: AuditEntry['outcome'] }): AuditEntry;
  }
  interface FastifyReply {
    flash(text: string): void;
    locals: Record<string, unknown> | null;
  }
}

export type NavItem = { href: string; text: string; scope: Scope };

export type WebDeps = {
  db: Db;
  config: Config;
  now: () => Date;
  navigation: NavItem[];
};

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const govukDist = path.join(path.dirname(require.resolve('govuk-frontend/package.json')), 'dist');
const FLASH_COOKIE = 'beacon_flash';

/** Registered routes with the access each declares (the authorisation matrix test reads this) and the handler (the attack tests read its source). */
export type RouteRecord = { method: string; url: string; access: Access | undefined; handler: unknown };

export async function registerWeb(app: FastifyInstance, deps: WebDeps, routes: RouteRecord[]) {
  const { db, config } = deps;

  // Deny by default: a route that does not say who may reach it is a start-up error.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const access = route.config?.access;
    for (const method of methods) routes.push({ method, url: route.url, access, handler: route.handler });
    if (!access) throw new Error(`Route ${methods.join(',')} ${route.url} declares no access (config.access)`);
    if (isApiAccess(access) && route.config?.csrf !== false) throw new Error(`Route ${methods.join(',')} ${route.url}: a bearer-token route declares csrf: false`);
  });

  await app.register(fastifyCookie, { secret: config.sessionSecret });
  await app.register(fastifyFormbody, { bodyLimit: 1_000_000 });
  // A page's form posts urlencoded or multipart. A JSON or plain text body would hand its handler numbers,
  // objects and nulls where a form has only text: it is refused with 415. The API adds JSON back in its own scope.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  await app.register(fastifyHelmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: config.cookieSecure ? [] : null,
      },
    },
    hsts: config.cookieSecure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
  });
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', secure: config.cookieSecure, path: '/' },
    getToken: (req) => (req.body as Record<string, string> | undefined)?._csrf ?? (req.headers['x-csrf-token'] as string | undefined),
  });

  const templates = [path.join(here, 'views'), path.join(here, '..', 'features'), govukDist];
  await app.register(fastifyView, {
    engine: { nunjucks },
    templates,
    options: {
      onConfigure: (env: nunjucks.Environment) => {
        env.addFilter('date', (value: Date | string | null) => formatDate(value, false));
        env.addFilter('datetime', (value: Date | string | null) => formatDate(value, true));
        env.addFilter('childName', (c: { first_name: string | null; last_name: string | null; la_child_id?: string }) => childName(c));
        env.addFilter('number', (value: number | null) => (value === null || value === undefined ? '' : numberFormat.format(value)));
        // Nunjucks' own trim, /^\s*|\s*$/g, takes time quadratic in a run of whitespace, and GOV.UK Frontend
        // trims macro output holding runs of hundreds of spaces (a date input's attributes): it was a third of
        // the scorecard page's time. String trim strips the same characters (\s is WhiteSpace and LineTerminator).
        const { SafeString } = nunjucks.runtime;
        env.addFilter('trim', (str: string | nunjucks.runtime.SafeString) => (str instanceof SafeString ? new SafeString(str.val.trim()) : str.trim()));
      },
    },
  });

  await app.register(fastifyStatic, { root: [path.join(govukDist, 'govuk')], serve: false });
  const assetRoutes: [string, string][] = [
    ['/assets/*', path.join(govukDist, 'govuk', 'assets')],
    ['/stylesheets/*', path.join(here, 'public', 'stylesheets')],
    ['/javascripts/*', path.join(here, 'public', 'javascripts')],
  ];
  for (const [url, root] of assetRoutes) {
    app.get(url, { config: { access: 'public' } }, (req, reply) =>
      reply.header('cache-control', 'public, max-age=86400').sendFile((req.params as { '*': string })['*'], root));
  }
  app.get('/govuk/*', { config: { access: 'public' } }, (req, reply) => {
    const file = (req.params as { '*': string })['*'];
    if (file !== 'govuk-frontend.min.js') throw new NotFound();
    return reply.header('cache-control', 'public, max-age=86400').sendFile(file, path.join(govukDist, 'govuk'));
  });

  app.decorateRequest('beaconSession', null);
  app.decorateRequest('partnership', null);
  app.decorateRequest('scopes', null as unknown as Set<Scope>);
  app.decorateRequest('sessionExpired', null);
  app.decorateRequest('apiToken', null);
  app.decorateRequest('audit', async function (this: FastifyRequest, entry) {
    await recordAudit(db, auditBase(this, entry.outcome ?? 'allowed', entry));
  });
  app.decorateRequest('auditEntry', function (this: FastifyRequest, entry) {
    return auditBase(this, entry.outcome ?? 'allowed', entry);
  });
  app.decorateReply('flash', function (this: FastifyReply, text: string) {
    this.setCookie(FLASH_COOKIE, text, { signed: true, httpOnly: true, sameSite: 'lax', secure: config.cookieSecure, path: '/', maxAge: 60 });
  });

  app.addHook('onRequest', async (req, reply) => {
    req.scopes = new Set();
    const access = req.routeOptions.config.access;
    // A partner system's route is reached with its bearer token alone: a session cookie counts for nothing there.
    if (access && isApiAccess(access)) return authenticateApi(req, reply, access);
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return;
    const loaded = await loadSession(db, token, deps.now(), { idleMs: config.sessionIdleMs, absoluteMs: config.sessionAbsoluteMs });
    if (loaded.state === 'expired') {
      req.sessionExpired = loaded.reason;
      await recordAudit(db, {
        userId: loaded.userId, userEmail: loaded.email, action: 'session.expired', outcome: 'allowed',
        ip: req.ip, userAgent: req.headers['user-agent'], detail: { reason: loaded.reason },
      });
      return;
    }
    if (loaded.state !== 'active') return;
    const s = loaded.session;
    req.beaconSession = s;
    req.partnership = s.memberships.find((m) => m.partnershipId === s.partnershipId) ?? s.memberships[0] ?? null;
    if (s.mfaPassed || !needsMfa(s)) req.scopes = scopesOf(req.partnership?.roles ?? []);
  });

  app.addHook('preValidation', async (req, reply) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method) || req.routeOptions.config.csrf === false) return;
    // No text in PostgreSQL can hold a NUL, and no one types one: a form carrying one is refused whole, whatever field it is in.
    if (req.body && typeof req.body === 'object' && Object.entries(req.body).some(([k, v]) => [k, ...([] as unknown[]).concat(v)].some((x) => typeof x === 'string' && x.includes('\u0000')))) {
      throw new ValidationFailed([{ field: 'form', message: 'The form holds a character that cannot be saved (a NUL): type the text again rather than pasting it' }]);
    }
    await new Promise<void>((resolve, reject) => {
      app.csrfProtection(req, reply, (err?: Error) => (err ? reject(err) : resolve()));
    });
  });

  app.addHook('preHandler', async (req, reply) => {
    const access = req.routeOptions.config.access;
    if (access === 'public' || req.is404 || (access && isApiAccess(access))) return;
    const s = req.beaconSession;
    if (!s) {
      if (req.url.startsWith('/api/')) throw Object.assign(new Error('Sign in required'), { statusCode: 401 });
      const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.url)}` : '';
      const expired = req.sessionExpired ? `${next ? '&' : '?'}expired=${req.sessionExpired}` : '';
      return reply.redirect(`/sign-in${next}${expired}`);
    }
    if (access === 'session') return;
    if (!s.mfaPassed && needsMfa(s)) return reply.redirect(s.user.mfaEnrolled ? '/sign-in/mfa' : '/mfa/set-up');
    if (!access || !req.scopes.has(access)) throw new Forbidden(`Needs ${access ?? 'a declared scope'}`);
  });

  // Every use of a known token is kept with the answer it got, refused ones too.
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.apiToken) {
      await recordTokenUse(db, req.apiToken.id, { method: req.method, path: req.url.split('?')[0]!, status: reply.statusCode, ip: req.ip }, deps.now());
    }
    return payload;
  });

  // Pages carry personal data or session state: no browser or proxy may keep them.
  app.addHook('onSend', async (_req, reply, payload) => {
    if (!reply.getHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.addHook('preHandler', async (req, reply) => {
    if (req.url.startsWith('/api/') || req.url === '/health' || isAsset(req.url)) return;
    const flash = req.method === 'GET' ? req.cookies[FLASH_COOKIE] : undefined;
    let notice: string | null = null;
    if (flash) {
      const unsigned = req.unsignCookie(flash);
      if (unsigned.valid) notice = unsigned.value;
      reply.clearCookie(FLASH_COOKIE, { path: '/' });
    }
    const s = req.beaconSession;
    const signedIn = Boolean(s && req.scopes.size > 0);
    reply.locals = {
      ...reply.locals,
      cspNonce: reply.cspNonce?.script,
      csrfToken: reply.generateCsrf(),
      currentPath: req.url.split('?')[0],
      notice,
      user: signedIn ? s!.user : null,
      partnership: signedIn ? req.partnership : null,
      memberships: signedIn ? s!.memberships : [],
      navigation: signedIn ? navigationFor(req, deps.navigation) : [],
    };
  });

  app.setNotFoundHandler({}, async (req, reply) => {
    return renderError(req, reply, 404);
  });

  app.setErrorHandler(async (err: Error & { statusCode?: number; code?: string }, req, reply) => {
    let status = err.statusCode ?? 500;
    if (err.code?.startsWith('FST_CSRF')) status = 403;
    // The database down, restarting or out of disk: a 503 that says so, and the request never waits on it further.
    const trouble = databaseTrouble(err);
    if (trouble) {
      req.log.error({ err, database: trouble }, trouble === 'disk_full' ? 'the database’s disk is full' : 'the database is unavailable');
      reply.header('retry-after', '30');
      return renderError(req, reply, 503, trouble, err);
    }
    if (status >= 500) req.log.error({ err }, 'request failed');
    if (err instanceof Forbidden || err instanceof NotFound || err.code?.startsWith('FST_CSRF')) {
      const action = err instanceof NotFound ? 'record.not_found' : err instanceof Forbidden ? 'access.denied' : 'csrf.rejected';
      if (err instanceof Forbidden || req.beaconSession || req.apiToken || err.code?.startsWith('FST_CSRF')) {
        await recordAudit(db, auditBase(req, 'denied', {
          action,
          recordType: err instanceof NotFound ? err.recordType : null,
          recordId: err instanceof NotFound ? err.recordId : null,
          detail: { method: req.method, path: req.url.split('?')[0] },
        }));
      }
    }
    if (status === 429) {
      await recordAudit(db, auditBase(req, 'denied', { action: 'request.rate_limited', detail: { method: req.method, path: req.url.split('?')[0] } }));
    }
    if (err instanceof ValidationFailed && req.url.startsWith('/api/')) {
      return reply.code(400).send({ errors: err.errors });
    }
    return renderError(req, reply, status, err.code?.startsWith('FST_CSRF') ? 'csrf' : undefined, err);
  });

  async function renderError(req: FastifyRequest, reply: FastifyReply, status: number, kind?: string, err?: Error) {
    reply.code(status);
    const unavailable = status === 503 ? (kind === 'disk_full' ? 'The database’s disk is full' : 'The database is unavailable') : null;
    if (req.url.startsWith('/api/v1/')) return reply.send(apiErrorBody(unavailable ?? (status >= 500 && config.env === 'production' ? 'Internal Server Error' : (err?.message ?? 'Not found'))));
    if (req.url.startsWith('/api/') || req.url === '/health') {
      const message = unavailable ?? (status >= 500 && config.env === 'production' ? 'Internal Server Error' : (err?.message ?? 'Not found'));
      return reply.send({ statusCode: status, error: status === 404 ? 'Not Found' : message });
    }
    const page = status === 404 ? '404' : status === 403 ? '403' : status === 429 ? '429' : status === 503 ? '503' : status >= 500 ? '500' : '400';
    const s = req.beaconSession;
    const signedIn = Boolean(s && req.scopes?.size > 0);
    return reply.type('text/html').view(`errors/${page}.njk`, {
      kind,
      cspNonce: reply.cspNonce?.script,
      // A 400 or 409 is Beacon's own refusal (a bad request, a locked or changed record): its message says why.
      message: (status === 400 || status === 409) && err ? err.message : null,
      // A stack or message never reaches the browser in production.
      detail: status >= 500 && config.env !== 'production' ? err?.stack : null,
      user: signedIn ? s!.user : null,
      partnership: signedIn ? req.partnership : null,
      memberships: signedIn ? s!.memberships : [],
      navigation: signedIn ? navigationFor(req, deps.navigation) : [],
    });
  }

  /** Finds the bearer token and checks its scope: 401 (with WWW-Authenticate) without a live token, 403 without the scope. */
  async function authenticateApi(req: FastifyRequest, reply: FastifyReply, access: ApiAccess) {
    const token = await findApiToken(db, req.headers.authorization);
    req.apiToken = token;
    if (!token || token.revoked) {
      const challenge = req.headers.authorization ? 'Bearer realm="Beacon API", error="invalid_token"' : 'Bearer realm="Beacon API"';
      return reply.code(401).header('www-authenticate', challenge)
        .send(apiErrorBody(token ? 'This token has been revoked' : 'Send a valid API token: Authorization: Bearer <token>'));
    }
    const scope = access.slice('api:'.length);
    if (!(token.scopes as string[]).includes(scope)) {
      await recordAudit(db, auditBase(req, 'denied', { action: 'access.denied', detail: { method: req.method, path: req.url.split('?')[0], needs: scope } }));
      return reply.code(403).header('www-authenticate', `Bearer realm="Beacon API", error="insufficient_scope", scope="${scope}"`)
        .send(apiErrorBody(`This token does not have the ${scope} scope`));
    }
  }
}

/**
 * Fastify's router refuses some addresses before any hook runs: a broken %-escape (400) and a path
 * part longer than any id Beacon makes (Fastify's 414, answered here as the 404 it is, since no record
 * has such an id). They are answered as Beacon answers: the GOV.UK error page, or the API's error shape,
 * with the headers the hooks would have set.
 */
export async function answerUnreadableAddress(app: FastifyInstance, err: { code?: string }, req: FastifyRequest, reply: FastifyReply) {
  const status = err.code === 'FST_ERR_BAD_URL' ? 400 : 404;
  const message = status === 400 ? 'The address has a broken escape (a % not followed by two hexadecimal digits).' : null;
  reply.code(status).header('cache-control', 'no-store').header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'");
  if (req.url.startsWith('/api/')) return reply.send(apiErrorBody(message ?? 'Not found'));
  // The reply was made by the router, outside the plugins' decorations: the page is rendered by the app.
  const page = await (app as FastifyInstance & { view(name: string, data: object): Promise<string> })
    .view(`errors/${status}.njk`, { message, user: null, navigation: [], memberships: [] });
  return reply.type('text/html').send(page);
}

/** The API's one error shape: field errors carry the JSON path of the field, others a message alone. */
export function apiErrorBody(message: string) {
  return { errors: [{ message }] };
}

function isAsset(url: string): boolean {
  return /^\/(assets|govuk|stylesheets|javascripts)\//.test(url);
}

function navigationFor(req: FastifyRequest, items: NavItem[]) {
  const current = req.url.split('?')[0]!;
  const shown = items.filter((n) => req.scopes.has(n.scope));
  // The most specific item is the current one: /front-door/quality is not also the front door's.
  const matches = shown.filter((n) => current === n.href || (n.href !== '/' && current.startsWith(`${n.href}/`)));
  const active = matches.sort((a, b) => b.href.length - a.href.length)[0];
  return shown.map((n) => ({ href: n.href, text: n.text, active: n === active }));
}

function needsMfa(s: LoadedSession): boolean {
  return s.user.mfaEnrolled || requiresMfa(s.memberships.flatMap((m) => m.roles));
}

function auditBase(req: FastifyRequest, outcome: AuditEntry['outcome'], entry: Omit<AuditEntry, 'outcome'>): AuditEntry {
  const s = req.beaconSession;
  const t = req.apiToken;
  return {
    userId: s?.user.id ?? null,
    userEmail: s?.user.email ?? (t ? `token:${t.prefix}` : null),
    agencyId: s?.user.agencyId ?? t?.agencyId ?? null,
    role: req.partnership?.roles.join(',') ?? null,
    partnershipId: req.partnership?.partnershipId ?? t?.partnershipId ?? null,
    ip: req.ip,
    userAgent: req.headers['user-agent'] ?? null,
    ...entry,
    outcome,
  };
}

const numberFormat = new Intl.NumberFormat('en-GB');
const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London',
});

function formatDate(value: Date | string | null, withTime: boolean): string {
  if (!value) return '';
  const d = typeof value === 'string' ? new Date(value.length === 10 ? `${value}T12:00:00Z` : value) : value;
  return (withTime ? dateTimeFormat : dateFormat).format(d);
}
