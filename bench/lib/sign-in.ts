import { generate } from 'otplib';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS } from '../../src/db/seed/demo';
import { sleep } from './util';

/** Cookies as a browser keeps them: the latest value of each name, removed when the server expires it. */
class CookieJar {
  private cookies = new Map<string, string>();
  take(res: Response) {
    for (const header of res.headers.getSetCookie()) {
      const [pair, ...attrs] = header.split(';');
      const eq = pair!.indexOf('=');
      if (eq < 1) continue;
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k, v = ''] = a.split('=').map((s) => s.trim());
        return (k!.toLowerCase() === 'max-age' && Number(v) <= 0) || (k!.toLowerCase() === 'expires' && Date.parse(v) <= Date.now());
      });
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  has(name: string) { return this.cookies.has(name); }
  header() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }
}

function csrfFrom(html: string, page: string): string {
  const input = html.match(/<input[^>]*name="_csrf"[^>]*>/)?.[0];
  const value = input?.match(/value="([^"]*)"/)?.[1];
  if (!value) throw new Error(`no _csrf input on ${page}`);
  return value;
}

/**
 * Signs in through the forms as a browser would (password, then the authenticator code) and returns
 * the Cookie header of the signed-in session, after checking that GET / shows the home page.
 */
export async function signIn(base: string, email = 'social.worker@northmere.gov.uk'): Promise<string> {
  const user = DEMO_USERS.find((u) => u.email === email);
  if (!user) throw new Error(`${email} is not a demo user`);
  const jar = new CookieJar();
  const request = async (method: 'GET' | 'POST', path: string, form?: Record<string, string>) => {
    const res = await fetch(base + path, {
      method,
      redirect: 'manual',
      signal: AbortSignal.timeout(15_000),
      headers: { cookie: jar.header(), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    jar.take(res);
    return { status: res.status, location: res.headers.get('location'), body: await res.text() };
  };
  const expect = (r: { status: number; location: string | null; body: string }, status: number, step: string, location?: RegExp) => {
    if (r.status !== status || (location && !location.test(r.location ?? ''))) {
      throw new Error(`sign-in failed at ${step}: got ${r.status}${r.location ? ` → ${r.location}` : ''}, expected ${status}\n${r.body.slice(0, 600)}`);
    }
  };

  const form = await request('GET', '/sign-in');
  expect(form, 200, 'GET /sign-in');
  const posted = await request('POST', '/sign-in', { email, password: DEMO_PASSWORD, _csrf: csrfFrom(form.body, '/sign-in') });
  expect(posted, 302, 'POST /sign-in', /^\/sign-in\/mfa/);
  if (!jar.has('beacon_session')) throw new Error('sign-in failed: POST /sign-in set no beacon_session cookie');

  // A code is accepted once: should this one be refused (say, at the edge of its 30 s step), the next step's code is tried.
  for (let attempt = 0; ; attempt++) {
    const mfaForm = await request('GET', '/sign-in/mfa?next=%2F');
    expect(mfaForm, 200, 'GET /sign-in/mfa');
    const code = await generate({ secret: DEMO_TOTP_SECRET });
    const mfa = await request('POST', '/sign-in/mfa', { code, next: '/', _csrf: csrfFrom(mfaForm.body, '/sign-in/mfa') });
    if (mfa.status === 401 && attempt === 0) {
      await sleep(30_000 - (Date.now() % 30_000) + 500);
      continue;
    }
    expect(mfa, 302, 'POST /sign-in/mfa', /^\/$/);
    break;
  }

  const home = await request('GET', '/');
  expect(home, 200, 'GET /');
  if (!home.body.includes(`Welcome, ${user.name}`)) throw new Error(`GET / answered 200 but is not ${user.name}'s home page:\n${home.body.slice(0, 600)}`);
  return jar.header();
}
