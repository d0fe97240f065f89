import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type BeaconApp } from '../app';
import { loadConfig } from './config';
import { createTestDb, type TestDb } from '../testing/test-db';

describe('request logs', () => {
  let t: TestDb;
  let app: BeaconApp;
  const lines: string[] = [];
  beforeAll(async () => {
    t = await createTestDb('pglite');
    const stream = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    app = await buildApp({ db: t.db, config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info' }), logStream: stream });
  });
  afterAll(async () => { await app.close(); await t.close(); });

  it('keep the path but never a query string, cookie or authorisation header', async () => {
    await app.inject({ method: 'GET', url: '/children?q=Jane+Smith', headers: { cookie: 'beacon_session=secret-token', authorization: 'Bearer abc' } });
    const log = lines.join('');
    expect(log).toContain('"path":"/children"');
    expect(log).not.toContain('Smith');
    expect(log).not.toContain('secret-token');
    expect(log).not.toContain('Bearer');
  });
});
