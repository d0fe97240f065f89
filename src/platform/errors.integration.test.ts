import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type TestApp } from '../testing/test-app';

describe('error pages in production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite', { NODE_ENV: 'production', SESSION_SECRET: 'a-production-secret-of-forty-characters!!', COOKIE_SECURE: 'false', LOG_LEVEL: 'silent' });
  });
  afterAll(async () => { await t?.app.close(); });

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
