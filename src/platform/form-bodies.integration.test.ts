import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type Client, type TestApp } from '../testing/test-app';
import { dialects } from '../testing/test-db';

/** The bodies a form route takes: what a browser's form sends, and nothing a handler never expects. */
describe.each(dialects())('form bodies (%s)', (dialect) => {
  let t: TestApp;
  let manager: Client;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    manager = await signIn(t, 'business_manager@a.test');
    await manager.get('/actions/new');
  });
  afterAll(async () => { await t?.close(); });

  it('refuses a JSON or plain text body with 415, where a handler would find numbers and objects in place of text', async () => {
    for (const [type, payload] of [['application/json', JSON.stringify({ _csrf: manager.csrf, ownerName: [false, 1], description: { a: 1 } })], ['text/plain', 'hello']]) {
      const res = await t.app.inject({ method: 'POST', url: '/actions/new', payload, headers: { cookie: manager.jar.header(), 'content-type': type! } });
      expect(res.statusCode, type).toBe(415);
    }
    expect(await t.db.selectFrom('action').select('id').where('partnership_id', '=', t.fixture.a.id).execute()).toEqual([]);
  });

  it('refuses a form holding a NUL character, which no text in the database can keep, with 400 and nothing written', async () => {
    const res = await manager.post('/governance/groups/new', { name: 'Neglect\u0000 subgroup', kind: 'subgroup' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('The form holds a character that cannot be saved');
    expect(await t.db.selectFrom('assurance_group').select('id').where('partnership_id', '=', t.fixture.a.id).execute()).toEqual([]);
  });
});
