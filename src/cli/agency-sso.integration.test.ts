import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgency } from '../features/agencies/agencies.service';
import { runCli } from '../testing/cli';
import { SsoBrowser, startTestProvider, type TestProvider } from '../testing/oidc-provider';
import { Client, addTestPerson, createTestApp, type TestApp } from '../testing/test-app';
import { dialects } from '../testing/test-db';

const PUBLIC_URL = 'https://beacon.test';
const SECRET = 'secret-handed-over-on-standard-input';

describe.each(dialects())('beacon agency sso (%s)', (dialect) => {
  let t: TestApp;
  let provider: TestProvider;
  const cli = (args: string[], stdin = '') => runCli(async (fn) => fn({ db: t.db, dialect, describe: 'test', close: async () => {} }), args, stdin);

  beforeAll(async () => {
    t = await createTestApp(dialect, { PUBLIC_URL });
    provider = await startTestProvider({
      clientId: 'beacon-cli', clientSecret: SECRET, redirectUri: `${PUBLIC_URL}/sign-in/organisation/callback`,
      accounts: [{ sub: 'nurse-1', email: 'nurse@trust.nhs.test', email_verified: true, name: 'Pat Nurse' }],
    });
    const trust = await addAgency(t.db, t.fixture.a.id, { name: 'Alpha Health Trust', type: 'health', emailDomains: 'trust.nhs.test' });
    await addTestPerson(t.db, t.fixture.a.id, { email: 'nurse@trust.nhs.test', name: 'Pat Nurse', agencyId: trust.id, roles: ['practitioner'] });
  });
  afterAll(async () => { await provider?.close(); await t?.close(); });

  it('sets single sign-on with the secret from standard input, which the sign-in then uses', async () => {
    const set = await cli(['agency', 'sso', 'set', 'Alpha Health Trust', '--la', '801', '--issuer', provider.issuer, '--client-id', 'beacon-cli',
      '--client-secret-stdin', '--password-allowed', 'no', '--format', 'json'], `${SECRET}\n`);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ enabled: true, passwordAllowed: false, emailDomains: ['trust.nhs.test'], clientId: 'beacon-cli' });
    expect(set.stdout).not.toContain(SECRET);

    const show = await cli(['agency', 'sso', 'show', 'alpha health trust', '--la', '801']);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('single sign-on on');
    expect(show.stdout).toContain('Client secret: saved (not shown)');
    expect(show.stdout).not.toContain(SECRET);

    const c = new Client(t.app);
    await c.get('/sign-in/organisation');
    const start = await c.post('/sign-in/organisation', { email: 'nurse@trust.nhs.test' });
    expect(start.statusCode).toBe(302);
    const browser = new SsoBrowser(t.app, c.jar, PUBLIC_URL);
    const back = await browser.beacon(await browser.toProvider(String(start.headers.location), { login: 'nurse-1', amr: 'pwd,hwk' }));
    expect(back.statusCode).toBe(302);
    expect(back.headers.location).toBe('/');
    const audit = await t.db.selectFrom('audit_event').select(['user_email', 'record_id']).where('action', '=', 'agency_sso.set').execute();
    expect(audit).toHaveLength(1);
  });

  it('rejects bad input with exit 1 and bad usage with exit 2, naming the problem', async () => {
    const insecure = await cli(['agency', 'sso', 'set', 'Alpha Health Trust', '--la', '801', '--issuer', 'http://idp.example.org', '--client-id', 'x']);
    expect(insecure.code).toBe(1);
    expect(insecure.stderr).toContain('issuerUrl: The issuer URL must start with https://');
    const unknown = await cli(['agency', 'sso', 'show', 'Nowhere Agency', '--la', '801']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No agency called "Nowhere Agency"');
    // Another partnership's agency is as unknown as no agency.
    const other = await cli(['agency', 'sso', 'show', 'Alpha Health Trust', '--la', '802']);
    expect(other.code).toBe(1);
    const usage = await cli(['agency', 'sso', 'set', 'Alpha Health Trust', '--la', '801', '--issuer', provider.issuer, '--client-id', 'x', '--password-allowed', 'maybe']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--password-allowed must be yes or no');
    const empty = await cli(['agency', 'sso', 'set', 'Alpha Health Trust', '--la', '801', '--issuer', provider.issuer, '--client-id', 'x', '--client-secret-stdin'], '');
    expect(empty.code).toBe(2);
    const fresh = await addAgency(t.db, t.fixture.a.id, { name: 'Alpha School', type: 'education', emailDomains: 'school.test' });
    const noSecret = await cli(['agency', 'sso', 'set', 'Alpha School', '--la', '801', '--issuer', provider.issuer, '--client-id', 'x']);
    expect(noSecret.code).toBe(1);
    expect(noSecret.stderr).toContain('clientSecret');
    expect(await t.db.selectFrom('agency_sso').select('agency_id').where('agency_id', '=', fresh.id).executeTakeFirst()).toBeUndefined();
  });

  it('turns single sign-on off', async () => {
    const off = await cli(['agency', 'sso', 'disable', 'Alpha Health Trust', '--la', '801', '--format', 'json']);
    expect(off.code).toBe(0);
    expect(JSON.parse(off.stdout)).toEqual({ agency: 'Alpha Health Trust', enabled: false });
    expect((await cli(['agency', 'sso', 'show', 'Alpha Health Trust', '--la', '801'])).stdout).toContain('single sign-on off');
    expect((await cli(['agency', 'sso', 'disable', 'Alpha School', '--la', '801'])).code).toBe(1);
  });
});
