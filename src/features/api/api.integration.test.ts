import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgency } from '../agencies/agencies.service';
import { decisionDueAt } from '../front-door/contacts.service';
import { createTestApp, signIn, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { createToken, revokeToken, rotateToken } from './tokens.service';

const good = {
  children: [
    { firstName: 'Mia', lastName: 'Hartley', dateOfBirth: '2016-04-12' },
    { firstName: 'Leo', lastName: 'Hartley', dateOfBirth: '2019-09-30' },
  ],
  source: '6',
  reason: 'Police attended a domestic incident; both children were present.',
  receivedAt: '2026-06-01T07:15:00Z',
  domesticAbuse: true,
  referrer: { name: 'PC Sam Okafor', role: 'Officer in case', email: 'sam.okafor@police.example' },
  consent: 'given',
  urgency: 'urgent',
};

describe.each(dialects())('partner systems API (%s)', (dialect) => {
  let t: TestApp;
  /** Tokens: both scopes in A; submit only in A; both in B; another agency of A's. */
  const tk = { a: '', submitOnly: '', b: '', otherAgency: '', revoked: '' };
  let prefixA = '';

  const api = (method: 'GET' | 'POST', url: string, token: string | null, payload?: unknown, headers: Record<string, string> = {}) => t.app.inject({
    method, url, remoteAddress: '203.0.113.9',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(payload !== undefined ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) } : {}),
  });
  const post = (body: unknown, token = tk.a) => api('POST', '/api/v1/contacts', token, body);
  const fieldsOf = (res: { json(): unknown }) => (res.json() as { errors: { field: string }[] }).errors.map((e) => e.field);

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const { a, b } = t.fixture;
    const make = async (partnershipId: number, agencyId: number, scopes: ('contact.submit' | 'contact.read')[]) =>
      (await createToken(t.db, { partnershipId, agencyId, name: 'Case system', scopes, createdBy: 'test' }, t.clock.now())).token;
    tk.a = await make(a.id, a.agencyId, ['contact.submit', 'contact.read']);
    prefixA = tk.a.slice(0, 12);
    tk.submitOnly = await make(a.id, a.agencyId, ['contact.submit']);
    tk.b = await make(b.id, b.agencyId, ['contact.submit', 'contact.read']);
    const police = await addAgency(t.db, a.id, { name: 'Alpha Constabulary', type: 'police' });
    tk.otherAgency = await make(a.id, police.id, ['contact.submit', 'contact.read']);
    tk.revoked = await make(a.id, a.agencyId, ['contact.submit', 'contact.read']);
    await revokeToken(t.db, tk.revoked.slice(0, 12), t.clock.now());
  });
  afterAll(async () => { await t?.close(); });

  it('records a contact: 201 with its address, its children, the token’s partnership and agency, and the one-working-day clock', async () => {
    const res = await post(good);
    expect(res.statusCode).toBe(201);
    const { id, url } = res.json() as { id: string; url: string };
    expect(url).toBe(`/api/v1/contacts/${id}`);
    expect(res.headers.location).toBe(url);
    const row = await t.db.selectFrom('front_door_contact').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const token = await t.db.selectFrom('api_token').select('id').where('token_prefix', '=', prefixA).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ partnership_id: t.fixture.a.id, referrer_agency_id: t.fixture.a.agencyId, recorded_by: null, api_token_id: token.id,
      source: '6', domestic_abuse: true, urgency: 'urgent', consent: 'given', referrer_name: 'PC Sam Okafor', status: 'awaiting_decision' });
    expect(row.decision_due_at.toISOString()).toBe('2026-06-02T07:15:00.000Z');
    expect(row.decision_due_at).toEqual(decisionDueAt(new Date(good.receivedAt)));
    const children = await t.db.selectFrom('contact').innerJoin('child', 'child.id', 'contact.child_id')
      .select(['child.first_name', 'child.date_of_birth', 'contact.contact_date', 'child.partnership_id']).where('front_door_contact_id', '=', id).orderBy('child.first_name').execute();
    expect(children).toEqual([
      { first_name: 'Leo', date_of_birth: '2019-09-30', contact_date: '2026-06-01', partnership_id: t.fixture.a.id },
      { first_name: 'Mia', date_of_birth: '2016-04-12', contact_date: '2026-06-01', partnership_id: t.fixture.a.id },
    ]);

    const read = await api('GET', url, tk.a);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual({
      id, receivedAt: '2026-06-01T07:15:00.000Z', source: '6', reason: good.reason, domesticAbuse: true, urgency: 'urgent',
      status: 'awaiting_decision', decision: null, decisionAt: null, decisionDueAt: '2026-06-02T07:15:00.000Z',
      children: [
        { firstName: 'Leo', lastName: 'Hartley', dateOfBirth: '2019-09-30' },
        { firstName: 'Mia', lastName: 'Hartley', dateOfBirth: '2016-04-12' },
      ],
    });
  });

  it('links a child named exactly as one recorded (ignoring case), and records a similar one as new rather than refusing', async () => {
    const before = await t.db.selectFrom('child').select((eb) => eb.fn.countAll<number>().as('n')).where('partnership_id', '=', t.fixture.a.id).executeTakeFirstOrThrow();
    const res = await post({ ...good, children: [
      { firstName: ' ADA ', lastName: 'testchild', dateOfBirth: '2015-03-04' },
      { firstName: 'Adah', lastName: 'Testchild', dateOfBirth: '2015-03-04' },
    ] });
    expect(res.statusCode).toBe(201);
    const rows = await t.db.selectFrom('contact').select('child_id').where('front_door_contact_id', '=', (res.json() as { id: string }).id).execute();
    expect(rows.map((r) => r.child_id)).toContain(t.fixture.a.childId);
    expect(rows).toHaveLength(2);
    const after = await t.db.selectFrom('child').select((eb) => eb.fn.countAll<number>().as('n')).where('partnership_id', '=', t.fixture.a.id).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n) + 1);
  });

  it('answers JSON that does not parse with one error for the body', async () => {
    const res = await post('{"children": [');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ errors: [{ field: 'body', message: 'The body is not valid JSON' }] });
    expect(fieldsOf(await post([good]))).toEqual(['body']);
  });

  it('names each wrong field by its JSON path', async () => {
    const cases: [unknown, string[]][] = [
      [{ ...good, children: [{ ...good.children[0], dateOfBirth: '12/04/2016' }] }, ['children.0.dateOfBirth']],
      [{ ...good, children: [good.children[0], { ...good.children[1], dateOfBirth: '2999-01-01' }] }, ['children.1.dateOfBirth']],
      [{ ...good, children: [{ ...good.children[0], firstName: '  ' }] }, ['children.0.firstName']],
      [{ ...good, children: [{ ...good.children[0], dob: '2016-04-12' }] }, ['children.0.dob']],
      [{ ...good, children: [] }, ['children']],
      [{ ...good, source: 'ZZ' }, ['source']],
      [{ ...good, receivedAt: 'yesterday' }, ['receivedAt']],
      [{ ...good, receivedAt: '2026-06-02T09:00:00Z' }, ['receivedAt']],
      [{ ...good, domesticAbuse: 'yes' }, ['domesticAbuse']],
      [{ ...good, consent: undefined }, ['consent']],
      [{ ...good, consent: 'not_sought' }, ['consentNotSoughtReason', 'lawfulBasis']],
      [{ ...good, referrer: { email: 'not an address' } }, ['referrer.email']],
      [{ ...good, reason: undefined, urgency: 'soon', priority: 1 }, ['reason', 'urgency', 'priority']],
    ];
    const failures: string[] = [];
    for (const [body, fields] of cases) {
      const res = await post(body);
      if (res.statusCode !== 400 || JSON.stringify(fieldsOf(res).sort()) !== JSON.stringify([...fields].sort())) failures.push(`${fields.join(',')}: ${res.statusCode} ${res.body}`);
    }
    expect(failures).toEqual([]);
  });

  it('refuses a body over 64 KB with 413, as JSON', async () => {
    const res = await post({ ...good, reason: 'x'.repeat(70_000) });
    expect(res.statusCode).toBe(413);
    expect((res.json() as { errors: { message: string }[] }).errors[0]!.message).toBeTruthy();
  });

  it('answers 401 with WWW-Authenticate for no token, an unknown one or a revoked one, and ignores a session cookie', async () => {
    for (const token of [null, 'bcn_unknown', `bcn_${'A'.repeat(43)}`, tk.revoked]) {
      const res = await post(good, token as string);
      expect(res.statusCode, String(token)).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="Beacon API"/);
      expect(Object.keys(res.json() as object)).toEqual(['errors']);
    }
    const worker = await signIn(t, 'social_worker@a.test');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: { cookie: worker.jar.header(), 'content-type': 'application/json' }, payload: JSON.stringify(good) });
    expect(res.statusCode).toBe(401);
  });

  it('answers 403 for a token without the scope', async () => {
    const made = await post(good, tk.submitOnly);
    expect(made.statusCode).toBe(201);
    const res = await api('GET', (made.json() as { url: string }).url, tk.submitOnly);
    expect(res.statusCode).toBe(403);
    expect(res.headers['www-authenticate']).toContain('insufficient_scope');
  });

  it('answers another partnership’s token, and another agency’s, exactly as for a contact that does not exist', async () => {
    const { url } = (await post(good)).json() as { url: string };
    const missing = await api('GET', '/api/v1/contacts/00000000-0000-0000-0000-000000000000', tk.b);
    expect(missing.statusCode).toBe(404);
    for (const token of [tk.b, tk.otherAgency]) {
      const res = await api('GET', url, token);
      expect(res.statusCode).toBe(404);
      expect(res.body).toBe(missing.body);
    }
    expect((await api('GET', '/api/v1/contacts/not-an-id', tk.a)).body).toBe(missing.body);
    // A contact sent by another agency's token is that agency's to read.
    const theirs = (await post(good, tk.otherAgency)).json() as { url: string };
    expect((await api('GET', theirs.url, tk.otherAgency)).statusCode).toBe(200);
    expect((await api('GET', theirs.url, tk.a)).statusCode).toBe(404);
  });

  it('rotates a token: the new one works, reads what the old one sent, and the old one is refused', async () => {
    const old = await createToken(t.db, { partnershipId: t.fixture.a.id, agencyId: t.fixture.a.agencyId, name: 'Rotating', scopes: ['contact.submit', 'contact.read'], createdBy: 'test' }, t.clock.now());
    const { url } = (await post(good, old.token)).json() as { url: string };
    const rotated = await rotateToken(t.db, old.summary.prefix, 'test', t.clock.now());
    expect(rotated.replaced.replacedBy).toBe(rotated.summary.id);
    expect(rotated.summary.scopes).toEqual(['contact.submit', 'contact.read']);
    expect((await api('GET', url, rotated.token)).statusCode).toBe(200);
    expect((await post(good, rotated.token)).statusCode).toBe(201);
    expect((await post(good, old.token)).statusCode).toBe(401);
  });

  it('keeps every use of a known token, refused ones too, and audits each contact sent or read', async () => {
    const token = await t.db.selectFrom('api_token').select(['id', 'last_used_at']).where('token_prefix', '=', prefixA).executeTakeFirstOrThrow();
    expect(token.last_used_at).not.toBeNull();
    const uses = await t.db.selectFrom('api_token_use').select(['method', 'path', 'status', 'ip']).where('token_id', '=', token.id).execute();
    expect(uses).toContainEqual({ method: 'POST', path: '/api/v1/contacts', status: 201, ip: '203.0.113.9' });
    expect(uses).toContainEqual({ method: 'POST', path: '/api/v1/contacts', status: 400, ip: '203.0.113.9' });
    expect(uses).toContainEqual({ method: 'POST', path: '/api/v1/contacts', status: 413, ip: '203.0.113.9' });
    expect(uses.some((u) => u.method === 'GET' && u.status === 200)).toBe(true);
    const refused = await t.db.selectFrom('api_token_use as u').innerJoin('api_token as t', 't.id', 'u.token_id').select(['u.status', 't.token_prefix']).where('u.status', 'in', [401, 403]).execute();
    expect(refused).toContainEqual({ status: 401, token_prefix: tk.revoked.slice(0, 12) });
    expect(refused).toContainEqual({ status: 403, token_prefix: tk.submitOnly.slice(0, 12) });

    const audit = await t.db.selectFrom('audit_event').select(['action', 'user_email', 'agency_id', 'partnership_id', 'record_type', 'outcome'])
      .where('user_email', '=', `token:${prefixA}`).execute();
    expect(audit).toContainEqual({ action: 'api.contact.create', user_email: `token:${prefixA}`, agency_id: t.fixture.a.agencyId, partnership_id: t.fixture.a.id, record_type: 'front_door_contact', outcome: 'allowed' });
    expect(audit).toContainEqual({ action: 'api.contact.read', user_email: `token:${prefixA}`, agency_id: t.fixture.a.agencyId, partnership_id: t.fixture.a.id, record_type: 'front_door_contact', outcome: 'allowed' });
    const denied = await t.db.selectFrom('audit_event').select(['action', 'partnership_id']).where('user_email', '=', `token:${tk.b.slice(0, 12)}`).where('outcome', '=', 'denied').execute();
    expect(denied).toContainEqual({ action: 'record.not_found', partnership_id: t.fixture.b.id });
  });

  it('serves the OpenAPI document and its readable page to anyone', async () => {
    const doc = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(doc.statusCode).toBe(200);
    expect((doc.json() as { openapi: string; paths: object }).openapi).toBe('3.1.0');
    expect(Object.keys((doc.json() as { paths: object }).paths)).toEqual(['/api/v1/contacts', '/api/v1/contacts/{id}']);
    const page = await t.app.inject({ method: 'GET', url: '/api/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<code>POST /api/v1/contacts</code>');
    expect(page.body).toContain('<code>children[].dateOfBirth</code>');
    expect(page.body).not.toMatch(/<script(?![^>]*(src=|nonce=))/);
  });
});
