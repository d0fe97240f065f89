import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import type { BeaconApp } from '../app';
import { CookieJar } from './test-app';

/** A person at the test provider: what its ID token says about them. */
export type ProviderAccount = {
  sub: string; email: string; email_verified: boolean; name?: string; given_name?: string; family_name?: string;
};

export type TestProvider = { issuer: string; close(): Promise<void> };

/**
 * A real OpenID Connect provider (oidc-provider) on a loopback port, for the single sign-on tests. Its
 * login page is a small form of our own: the test posts which account signs in and how (amr, acr), or
 * that the person cancelled. Consent is granted at once, as an organisation's provider does for its own
 * applications.
 */
export async function startTestProvider(opts: {
  clientId: string; clientSecret: string; redirectUri: string; accounts: ProviderAccount[];
  /** A fixed port (the demo's provider); otherwise any free one. */
  port?: number;
  /** A login page listing the accounts to choose from, for a person trying the demo, rather than the tests' bare form. */
  chooser?: boolean;
}): Promise<TestProvider> {
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(opts.port ?? 0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signingKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    jwks: { keys: [{ ...signingKey, kid: 'test', use: 'sig', alg: 'RS256' }] } as never,
    clients: [{
      client_id: opts.clientId, client_secret: opts.clientSecret, redirect_uris: [opts.redirectUri],
      grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic',
    }],
    claims: { acr: null, amr: null, auth_time: null, sid: null, iss: null, openid: ['sub', 'acr', 'amr', 'auth_time'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name'] },
    cookies: { keys: ['test-provider-cookie-key-0123456789'] },
    features: { devInteractions: { enabled: false } },
    async findAccount(_ctx: KoaContextWithOIDC, sub: string) {
      const account = opts.accounts.find((a) => a.sub === sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ ...account }) };
    },
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });
  const callback = provider.callback();
  server.on('request', (req, res) => {
    const m = /^\/interaction\/([\w-]+)(\/login)?$/.exec(req.url ?? '');
    if (!m) return void callback(req, res);
    void (async () => {
      try {
        await provider.interactionDetails(req, res);
        if (!m[2]) {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(opts.chooser
            ? chooserPage(m[1]!, opts.accounts)
            : `<form method="post" action="/interaction/${m[1]}/login"><input name="login"><button>Sign in</button></form>`);
          return;
        }
        const form = new URLSearchParams(await new Promise<string>((resolve) => {
          let body = '';
          req.on('data', (c) => { body += c; }).on('end', () => resolve(body));
        }));
        const result = form.get('cancel')
          ? { error: 'access_denied', error_description: 'The person cancelled' }
          : { login: { accountId: form.get('login')!, ...(form.get('amr') ? { amr: form.get('amr')!.split(',') } : {}), ...(form.get('acr') ? { acr: form.get('acr')! } : {}) } };
        await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
      } catch (err) {
        res.writeHead(500).end(String(err));
      }
    })();
  });
  return { issuer, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The demo provider's sign-in page: choose who you are at the organisation, and whether a second factor was used. */
function chooserPage(interaction: string, accounts: ProviderAccount[]): string {
  const choices = accounts.map((a, i) => `<div><input type="radio" name="login" id="a${i}" value="${escapeHtml(a.sub)}"${i === 0 ? ' checked' : ''}>`
    + ` <label for="a${i}">${escapeHtml(a.name ?? a.email)} (${escapeHtml(a.email)})</label></div>`).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in: demo identity provider</title></head><body><main>
<h1>Demo identity provider</h1>
<p>A stand-in for the police force's own sign-in service, for trying Beacon's single sign-on. Nothing here is real.</p>
<form method="post" action="/interaction/${escapeHtml(interaction)}/login">
<fieldset><legend>Who are you at the force?</legend>
${choices}
</fieldset>
<p><input type="checkbox" name="amr" id="amr" value="pwd,mfa"> <label for="amr">I also used my authenticator (Beacon then asks no code of its own)</label></p>
<button>Sign in</button> <button name="cancel" value="1">Cancel</button>
</form></main></body></html>`;
}

/**
 * A browser going between Beacon (answered through inject()) and the provider (over HTTP): it follows
 * redirects, keeping each side's cookies, until Beacon answers with a page or a redirect of its own.
 */
export class SsoBrowser {
  private providerJar = new CookieJar();

  constructor(private app: BeaconApp, private beaconJar: CookieJar, private publicUrl: string, private ip = '127.0.9.9') {}

  /** Follows redirects from the provider until it sends the browser back to Beacon; returns that address. */
  async toProvider(url: string, login: Record<string, string> | null): Promise<string> {
    let next = url;
    for (let hops = 0; hops < 10; hops++) {
      if (next.startsWith(this.publicUrl)) return next;
      const interaction = /\/interaction\/[\w-]+$/.test(new URL(next).pathname);
      const res = interaction && login
        ? await this.fetch(`${next}/login`, new URLSearchParams(login).toString())
        : await this.fetch(next);
      const location = res.headers.get('location');
      if (!location) throw new Error(`The provider answered ${res.status} at ${next}: ${await res.text()}`);
      next = new URL(location, next).href;
    }
    throw new Error('Too many redirects at the provider');
  }

  /** Opens an address of Beacon's in this browser, with its cookies. */
  async beacon(url: string) {
    const u = new URL(url, this.publicUrl);
    const res = await this.app.inject({ method: 'GET', url: u.pathname + u.search, headers: { cookie: this.beaconJar.header() }, remoteAddress: this.ip });
    this.beaconJar.take(res.headers['set-cookie']);
    return res;
  }

  private async fetch(url: string, body?: string) {
    const res = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST', redirect: 'manual', body,
      headers: { cookie: this.providerJar.header(), ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) },
    });
    this.providerJar.take(res.headers.getSetCookie());
    return res;
  }
}
