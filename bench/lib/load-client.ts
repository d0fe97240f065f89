import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { generate } from 'otplib';
import type { Sample } from './load-mix';
import { sleep } from './util';

/**
 * One person's browser for the load benchmark: its own connections (kept alive, as a browser keeps them),
 * its own cookies, and its own loopback address (127.0.0.2, 127.0.0.3…), as people at different desks
 * reach the server from different addresses: the sign-in rate limit counts per address.
 */

export type Answer = { status: number; location: string | null; body: string };

/** A step answered with what it did not expect, or not at all: the journey starts again after a pause. */
export class StepFailed extends Error {}

const REQUEST_TIMEOUT_MS = 60_000;

export class Browser {
  private readonly agent: http.Agent;
  private readonly cookies = new Map<string, string>();
  /** The CSRF token of the last page that had a form. */
  csrf = '';

  constructor(private readonly base: URL, readonly localAddress: string, private readonly record: (s: Sample) => void) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 2, localAddress });
  }

  close() { this.agent.destroy(); }

  private raw(method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<Answer> {
    const body = form ? new URLSearchParams({ ...form, _csrf: this.csrf }).toString() : undefined;
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: this.base.hostname, port: this.base.port, path, method, agent: this.agent, timeout: REQUEST_TIMEOUT_MS,
        headers: {
          cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } : {}),
        },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          for (const header of res.headers['set-cookie'] ?? []) this.take(header);
          const text = Buffer.concat(chunks).toString('utf8');
          const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
          if (token) this.csrf = token;
          resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null, body: text });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  private take(header: string) {
    const [pair, ...attrs] = header.split(';');
    const eq = pair!.indexOf('=');
    if (eq < 1) return;
    const name = pair!.slice(0, eq).trim();
    const gone = attrs.some((a) => /^\s*max-age=(0|-)/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) <= Date.now()));
    if (gone) this.cookies.delete(name);
    else this.cookies.set(name, pair!.slice(eq + 1).trim());
  }

  /**
   * One request of a step, timed and recorded as `page`; fails the step (StepFailed) unless answered with
   * one of `expect`. A 3xx is not followed: the journey asks for the next page itself, timed as its own.
   */
  async step(page: string, method: 'GET' | 'POST', path: string, expect: readonly number[], form?: Record<string, string>): Promise<Answer> {
    const started = performance.now();
    let answer: Answer;
    try {
      answer = await this.raw(method, path, form);
    } catch (err) {
      this.record({ page, ms: performance.now() - started, status: 'error', expected: false });
      throw new StepFailed(`${method} ${path}: ${(err as Error).message}`);
    }
    const expected = expect.includes(answer.status);
    this.record({ page, ms: performance.now() - started, status: answer.status, expected });
    if (!expected) throw new StepFailed(`${method} ${path} answered ${answer.status}${answer.location ? ` → ${answer.location}` : ''}, expected ${expect.join(' or ')}: ${summary(answer.body)}`);
    return answer;
  }

  /**
   * Signs in through the forms, as a browser: the password, then the authenticator's code. A code is
   * good once per person: refused at the edge of its 30-second step, the next step's code is tried.
   */
  async signIn(email: string, password: string, totpSecret: string): Promise<void> {
    await this.step('Sign in: form', 'GET', '/sign-in', [200]);
    const posted = await this.step('Sign in: password', 'POST', '/sign-in', [302], { email, password, next: '' });
    if (!posted.location?.startsWith('/sign-in/mfa')) throw new StepFailed(`POST /sign-in sent ${email} to ${posted.location}`);
    for (let attempt = 0; ; attempt++) {
      await this.step('Sign in: form', 'GET', '/sign-in/mfa?next=%2F', [200]);
      const code = await generate({ secret: totpSecret });
      const mfa = await this.step('Sign in: code', 'POST', '/sign-in/mfa', attempt === 0 ? [302, 401] : [302], { code, next: '/' });
      if (mfa.status === 302) break;
      await sleep(30_000 - (Date.now() % 30_000) + 500);
    }
    const home = await this.step('Sign in: home page', 'GET', '/', [200]);
    if (!home.body.includes('Welcome,')) throw new StepFailed(`GET / after signing in ${email} is not their home page`);
  }
}

/** What a page says went wrong, briefly: its title or first error message. */
function summary(body: string): string {
  const text = /<title>([^<]*)<\/title>/.exec(body)?.[1] ?? body.slice(0, 200);
  return text.replace(/\s+/g, ' ').trim();
}

/** Every distinct match of `pattern`'s first group in `html`, in order. */
export function linksIn(html: string, pattern: RegExp): string[] {
  const flags = pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`;
  return [...new Set([...html.matchAll(new RegExp(pattern.source, flags))].map((m) => m[1]!))];
}
