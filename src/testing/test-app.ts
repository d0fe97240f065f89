import { generate } from 'otplib';
import { buildApp, type BeaconApp } from '../app';
import type { Db } from '../db/create-db';
import { addAgency } from '../features/agencies/agencies.service';
import { addPartnership } from '../features/partnerships/partnerships.service';
import { addUser } from '../features/users/users.service';
import { loadConfig } from '../platform/config';
import { ROLE_NAMES, type Role } from '../platform/permissions';
import { createTestDb, type Dialect } from './test-db';

export const PASSWORD = 'a-long-test-password-for-everyone';
export const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/** A clock the test moves by hand. */
export class TestClock {
  constructor(public current = new Date('2026-06-01T09:00:00Z')) {}
  now = () => new Date(this.current);
  advance(ms: number) { this.current = new Date(this.current.getTime() + ms); }
}

export type Fixture = {
  a: { id: number; laCode: string; childId: string; agencyId: number };
  b: { id: number; laCode: string; childId: string; agencyId: number };
  /** One person per role in each partnership: `${role}@a.test` and `${role}@b.test`. */
  email(role: Role, which: 'a' | 'b'): string;
};

/**
 * A person who can sign in at once: the test password, and MFA enrolled with the test secret (signIn
 * answers the challenge). The name defaults to the email's local part.
 */
export async function addTestPerson(db: Db, partnershipId: number, p: { email: string; agencyId: number; roles: string[]; name?: string }): Promise<number> {
  const { id } = await addUser(db, partnershipId, { email: p.email, name: p.name ?? p.email.split('@')[0]!, agencyId: p.agencyId, roles: p.roles, password: PASSWORD });
  await db.updateTable('app_user').set({ mfa_secret: TOTP_SECRET, mfa_enrolled_at: new Date() }).where('id', '=', id).execute();
  return id;
}

/** Two partnerships, an agency and a child in each, and a person in every role in each. MFA is enrolled for all. */
export async function seedFixture(db: Db): Promise<Fixture> {
  const out = {} as Record<'a' | 'b', Fixture['a']>;
  for (const [which, laCode, name] of [['a', '801', 'Alpha Partnership'], ['b', '802', 'Beta Partnership']] as const) {
    const p = await addPartnership(db, { laCode, name });
    const agency = await addAgency(db, p.id, { name: `${name} Council`, type: 'local_authority' });
    for (const role of ROLE_NAMES) {
      await addTestPerson(db, p.id, { email: `${role}@${which}.test`, name: `${role} ${which}`, agencyId: agency.id, roles: [role] });
    }
    const child = await db.insertInto('child').values({
      partnership_id: p.id, la_child_id: `${laCode}000001`, first_name: which === 'a' ? 'Ada' : 'Bea', last_name: 'Testchild',
      date_of_birth: '2015-03-04', sex: 'F',
    } as never).returning('id').executeTakeFirstOrThrow();
    out[which] = { id: p.id, laCode, childId: child.id, agencyId: agency.id };
  }
  return { ...out, email: (role, which) => `${role}@${which}.test` };
}

export type TestApp = { app: BeaconApp; db: Db; clock: TestClock; fixture: Fixture; close(): Promise<void> };

export async function createTestApp(dialect: Dialect, env: Record<string, string> = {}): Promise<TestApp> {
  const testDb = await createTestDb(dialect);
  const fixture = await seedFixture(testDb.db);
  const clock = new TestClock();
  const config = loadConfig({ NODE_ENV: 'test', ...env });
  const app = await buildApp({ db: testDb.db, config, now: clock.now });
  return { app, db: testDb.db, clock, fixture, close: async () => { await app.close(); await testDb.close(); } };
}

/** Cookies as a browser keeps them: the latest value of each. */
export class CookieJar {
  private jar = new Map<string, string>();
  take(setCookie: string | string[] | undefined) {
    for (const c of ([] as string[]).concat(setCookie ?? [])) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }
  header(): string { return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '); }
  get(name: string) { return this.jar.get(name); }
}

export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('No CSRF token on the page');
  return m[1]!;
}

/** A browser-like client over inject(): it keeps cookies and sends the page's CSRF token with each form. */
export class Client {
  jar = new CookieJar();
  csrf = '';
  // Each client its own address by default, as people at different desks: the per-address limit is tested on its own.
  constructor(private app: BeaconApp, private ip = `127.0.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`) {}

  async get(url: string) {
    const res = await this.app.inject({ method: 'GET', url, headers: { cookie: this.jar.header() }, remoteAddress: this.ip });
    this.jar.take(res.headers['set-cookie']);
    if (res.headers['content-type']?.toString().includes('text/html')) {
      const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
      if (m) this.csrf = m[1]!;
    }
    return res;
  }

  async post(url: string, form: Record<string, string | string[]> = {}, opts: { csrf?: string | null } = {}) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const one of ([] as string[]).concat(v)) body.append(k, one);
    const token = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (token !== null) body.append('_csrf', token);
    const res = await this.app.inject({
      method: 'POST', url, payload: body.toString(), remoteAddress: this.ip,
      headers: { cookie: this.jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
    });
    this.jar.take(res.headers['set-cookie']);
    return res;
  }

  /** A form with files, as a browser sends it: multipart, the CSRF token first. */
  async upload(url: string, fields: Record<string, string>, files: { field: string; name: string; content: Buffer | string }[], opts: { csrf?: string | null } = {}) {
    const boundary = `----beacon${crypto.randomUUID()}`;
    const parts: Buffer[] = [];
    const token = opts.csrf === undefined ? this.csrf : opts.csrf;
    const field = (name: string, value: string) => parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
    if (token !== null) field('_csrf', token);
    for (const [k, v] of Object.entries(fields)) field(k, v);
    for (const f of files) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
      parts.push(Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content), Buffer.from('\r\n'));
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    const res = await this.app.inject({
      method: 'POST', url, payload: Buffer.concat(parts), remoteAddress: this.ip,
      headers: { cookie: this.jar.header(), 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    this.jar.take(res.headers['set-cookie']);
    return res;
  }
}

/** Signs in with password and TOTP, as a person would; the clock steps on so each code is fresh. */
export async function signIn(t: TestApp, email: string, opts: { password?: string; ip?: string } = {}): Promise<Client> {
  const client = new Client(t.app, opts.ip);
  await client.get('/sign-in');
  const res = await client.post('/sign-in', { email, password: opts.password ?? PASSWORD });
  if (res.statusCode !== 302) throw new Error(`Sign-in of ${email} answered ${res.statusCode}`);
  if (String(res.headers.location).startsWith('/sign-in/mfa')) {
    t.clock.advance(31_000);
    await client.get('/sign-in/mfa');
    const code = await generate({ secret: TOTP_SECRET, epoch: Math.floor(t.clock.now().getTime() / 1000) });
    const mfa = await client.post('/sign-in/mfa', { code });
    if (mfa.statusCode !== 302) throw new Error(`MFA of ${email} answered ${mfa.statusCode}`);
  }
  return client;
}
