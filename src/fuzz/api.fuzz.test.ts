import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../features/api/tokens.service';
import { createTestApp, type TestApp } from '../testing/test-app';
import { dialects } from '../testing/test-db';
import { junkValue, runs } from './generators';

/**
 * The partner systems' API given what a faulty or hostile client sends: bodies of the wrong shape
 * (types swapped, fields missing or extra, nested junk, huge arrays), tokens that are not tokens, and
 * bodies that are not JSON. Every answer is a 2xx or a 4xx with the API's JSON error; never a 5xx.
 */

const good = {
  children: [{ firstName: 'Mia', lastName: 'Hartley', dateOfBirth: '2016-04-12' }],
  source: '6',
  reason: 'Police attended a domestic incident; the child was present.',
  receivedAt: '2026-06-01T07:15:00Z',
  domesticAbuse: true,
  referrer: { name: 'PC Sam Okafor', role: 'Officer in case', email: 'sam.okafor@police.example' },
  consent: 'given',
  urgency: 'urgent',
};

/** Any JSON, weighted towards what is close to the right shape. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  junkValue,
  fc.array(fc.jsonValue({ maxDepth: 1 }), { minLength: 50, maxLength: 2000 }),
  fc.constantFrom(null, true, 0, -1, 1e308, '', [], {}, '2026-02-30', '2026-06-01T25:00:00Z', 'x'.repeat(70_000)),
);

const child = fc.record({ firstName: anyJson, lastName: anyJson, dateOfBirth: anyJson, extra: anyJson }, { requiredKeys: [] });

/** The good body with fields replaced, removed or added, and children of every shape. */
const body: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.subarray(Object.keys(good)), fc.dictionary(fc.constantFrom(...Object.keys(good), 'id', '__proto__', 'partnershipId', 'agencyId', 'x'), anyJson, { maxKeys: 4 }))
    .map(([keep, changed]) => ({ ...Object.fromEntries(keep.map((k) => [k, good[k as keyof typeof good]])), ...changed })) },
  { weight: 2, arbitrary: fc.array(child, { maxLength: 30 }).map((children) => ({ ...good, children })) },
  { weight: 1, arbitrary: fc.integer({ min: 20, max: 600 }).map((n) => ({ ...good, children: Array.from({ length: n }, () => good.children[0]) })) },
  { weight: 1, arbitrary: anyJson },
);

describe.each(dialects())('partner systems API, fuzzed (%s)', (dialect) => {
  let t: TestApp;
  let token = '';
  beforeAll(async () => {
    t = await createTestApp(dialect, { API_RATE_LIMIT_PER_MINUTE: '1000000' });
    token = (await createToken(t.db, { partnershipId: t.fixture.a.id, agencyId: t.fixture.a.agencyId, name: 'Fuzz', scopes: ['contact.submit', 'contact.read'], createdBy: 'test' }, t.clock.now())).token;
  });
  afterAll(async () => { await t?.close(); });

  /** A 2xx, or a 4xx whose JSON body names what was wrong. */
  function expectClearAnswer(res: { statusCode: number; body: string; headers: Record<string, unknown> }, what: string) {
    expect(res.statusCode, `${what}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
    if (res.statusCode >= 400) {
      expect(String(res.headers['content-type']), what).toContain('application/json');
      const errors = (JSON.parse(res.body) as { errors?: { message: string }[] }).errors;
      expect(Array.isArray(errors) && errors.length > 0 && errors.every((e) => typeof e.message === 'string' && e.message !== ''), `${what}: ${res.body.slice(0, 300)}`).toBe(true);
    }
  }

  it('answers every body posted with a 201 or a 4xx naming the problem', async () => {
    await fc.assert(fc.asyncProperty(body, async (b) => {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/contacts', payload: JSON.stringify(b), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
      expectClearAnswer(res, JSON.stringify(b).slice(0, 300));
    }), { numRuns: runs(300) });
  }, 300_000);

  it('answers bodies that are not JSON, and content types it does not take, with a 4xx', async () => {
    const type = fc.constantFrom('application/json', 'application/json; charset=utf-16', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
      'application/xml', '', 'application/json; charset=latin1', 'APPLICATION/JSON');
    const payload = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), junkValue, fc.constantFrom('{', '{"children":', '[1,2', '\uFEFF{}', 'null', '{"__proto__":{"x":1}}'));
    await fc.assert(fc.asyncProperty(type, payload, async (ct, p) => {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/contacts', payload: p, headers: { authorization: `Bearer ${token}`, ...(ct ? { 'content-type': ct } : {}) } });
      expectClearAnswer(res, `${ct} ${p.slice(0, 100)}`);
      expect(res.statusCode).not.toBe(201);
    }), { numRuns: runs(300) });
  }, 300_000);

  it('answers tokens that are not tokens with 401, and ids that are no contact with 404, in JSON', async () => {
    const header = fc.oneof(junkValue.map((s) => `Bearer ${s}`), junkValue, fc.constantFrom('Bearer', 'Basic dXNlcjpwYXNz', `Bearer ${token}x`, `bearer ${token.slice(0, 12)}`, `Bearer  ${token}`),
      fc.string({ unit: 'binary-ascii' }).map((s) => `Bearer ${s}`));
    await fc.assert(fc.asyncProperty(header, fc.boolean(), async (h, read) => {
      let res;
      try {
        res = await t.app.inject({ method: read ? 'GET' : 'POST', url: read ? '/api/v1/contacts/00000000-0000-0000-0000-000000000000' : '/api/v1/contacts',
          ...(read ? {} : { payload: JSON.stringify(good) }), headers: { authorization: h, 'content-type': 'application/json' } });
      } catch (err) {
        // A header no HTTP client could send (a line break, a character outside Latin-1) never reaches Beacon.
        if ((err as { code?: string }).code === 'ERR_INVALID_CHAR' || /Invalid character/.test(String(err))) return;
        throw err;
      }
      expectClearAnswer(res, h.slice(0, 100));
      expect(res.statusCode === 401 || (h.includes(token) && [201, 404].includes(res.statusCode)), `${h.slice(0, 60)}: ${res.statusCode}`).toBe(true);
    }), { numRuns: runs(300) });
    const encodable = junkValue.filter((s) => !/[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '')));
    await fc.assert(fc.asyncProperty(encodable, async (id) => {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/contacts/${encodeURIComponent(id)}`, headers: { authorization: `Bearer ${token}` } });
      // An id longer than any Beacon makes, or a broken escape, is refused by the router: Beacon answers it in the API's shape.
      expectClearAnswer(res, id.slice(0, 100));
      expect([404, 400]).toContain(res.statusCode);
    }), { numRuns: runs(300) });
  }, 300_000);
});
