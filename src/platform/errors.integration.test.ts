import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type TestApp } from '../testing/test-app';

describe('error pages in production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite', { NODE_ENV: 'production', SESSION_SECRET: 'a-production-secret-of-forty-characters!!', COOKIE_SECURE: 'false', LOG_LEVEL: 'silent' });
  });
  afterAll(async () => { await t?.app.close(); });

  it("answers an address the router cannot read with Beacon's page or the API's error shape, not the router's JSON", async () => {
    const c = await signIn(t, 'social_worker@a.test');
    const broken = await c.get('/children/%zz');
    expect(broken.statusCode).toBe(400);
    expect(broken.headers['content-type']).toMatch(/text\/html/);
    expect(broken.headers['cache-control']).toBe('no-store');
    expect(broken.body).toContain('There is a problem with your request');
    expect(broken.body).toContain('broken escape');
    const tooLong = await c.get(`/children/${'9'.repeat(150)}`);
    expect(tooLong.statusCode).toBe(404);
    expect(tooLong.body).toContain('govuk-heading-l');
    expect(tooLong.body).not.toContain('FST_ERR');
    const api = await t.app.inject({ url: `/api/v1/contacts/${'a'.repeat(150)}` });
    expect(api.statusCode).toBe(404);
    expect(JSON.parse(api.body)).toEqual({ errors: [{ message: 'Not found' }] });
  });

  it('shows the GOV.UK 500 page with no stack or message when something breaks', async () => {
    const c = await signIn(t, 'social_worker@a.test');
    expect((await c.get('/')).statusCode).toBe(200);
    await t.db.destroy();
    const res = await c.get('/children');
    expect(res.statusCode).toBe(500);
    expect(res.body).toContain('Sorry, there is a problem with the service');
    expect(res.body).not.toMatch(/at .*\.ts:\d+|Error:|stack/i);
  });
});
