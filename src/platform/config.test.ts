import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('configuration', () => {
  it('has working development defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ env: 'development', port: 3000, dataDir: './data', sessionIdleMs: 30 * 60_000, sessionAbsoluteMs: 12 * 3_600_000, seedDemo: true, cookieSecure: false });
  });
  it('refuses to start in production without a session secret, naming the variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET/);
  });
  it('never seeds demo data or serves insecure cookies in production by default', () => {
    const c = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) });
    expect(c.seedDemo).toBe(false);
    expect(c.cookieSecure).toBe(true);
  });
  it('uses no development key for single sign-on secrets in production', () => {
    expect(loadConfig({}).ssoSecretKey).toBeTruthy();
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) }).ssoSecretKey).toBeNull();
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), SSO_SECRET_KEY: 'y'.repeat(40) }).ssoSecretKey).toBe('y'.repeat(40));
    expect(() => loadConfig({ SSO_SECRET_KEY: 'short' })).toThrow(/SSO_SECRET_KEY/);
  });
  it('names a bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ SESSION_SECRET: 'short' })).toThrow(/SESSION_SECRET/);
  });
});
