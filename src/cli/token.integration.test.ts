import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/cli';
import { createTestApp, type TestApp } from '../testing/test-app';
import { dialects } from '../testing/test-db';

describe.each(dialects())('beacon token (%s)', (dialect) => {
  let t: TestApp;
  const cli = (args: string[]) => runCli(async (fn) => fn({ db: t.db, dialect, describe: 'test', close: async () => {} }), args);
  const send = (token: string) => t.app.inject({
    method: 'POST', url: '/api/v1/contacts', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ children: [{ firstName: 'Ivy', lastName: 'Marsh', dateOfBirth: '2017-02-03' }], source: '6', reason: 'Found alone at night.',
      receivedAt: '2026-06-01T08:00:00Z', domesticAbuse: false, consent: 'refused' }),
  });
  beforeAll(async () => { t = await createTestApp(dialect); });
  afterAll(async () => { await t?.close(); });

  it('makes a token shown once, kept as its digest, that the API accepts', async () => {
    const r = await cli(['token', 'create', '--la', '801', '--agency', 'alpha partnership council', '--scopes', 'contact.submit,contact.read', '--name', 'Case system', '--format', 'json']);
    expect(r.code).toBe(0);
    const made = JSON.parse(r.stdout) as { token: string; id: string; prefix: string; scopes: string[]; agency: string; la: string };
    expect(made.token).toMatch(/^bcn_[A-Za-z0-9_-]{43}$/);
    expect(made).toMatchObject({ prefix: made.token.slice(0, 12), scopes: ['contact.submit', 'contact.read'], agency: 'Alpha Partnership Council', la: '801' });
    const row = await t.db.selectFrom('api_token').selectAll().where('id', '=', made.id).executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(crypto.createHash('sha256').update(made.token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(made.token);
    expect((await send(made.token)).statusCode).toBe(201);

    const text = await cli(['token', 'create', '--la', '801', '--agency', 'Alpha Partnership Council', '--scopes', 'contact.submit']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ {2}bcn_[A-Za-z0-9_-]{43}$/m);
    expect(text.stdout).toContain('shown this once');
  });

  it('lists a partnership’s tokens with their agency, scopes and last use, and none of another’s', async () => {
    const r = await cli(['token', 'list', '--la', '801', '--format', 'json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { name: string; lastUsedAt: string | null; revokedAt: string | null; scopes: string[] }[];
    expect(rows).toHaveLength(2);
    expect(rows.find((x) => x.name === 'Case system')!.lastUsedAt).not.toBeNull();
    expect(rows.find((x) => x.name === 'Alpha Partnership Council system')!.scopes).toEqual(['contact.submit']);
    const text = await cli(['token', 'list', '--la', '801']);
    expect(text.stdout).toMatch(/^bcn_\S{8}… {2}Case system {2}Alpha Partnership Council {2}contact\.submit,contact\.read {2}created .* last used 2026-06-01 \d\d:\d\d {2}live/m);
    expect((await cli(['token', 'list', '--la', '802'])).stdout).toContain('No API tokens in Beta Partnership');
  });

  it('rotates a token by its prefix: the new one works, the old one is revoked and names it', async () => {
    const made = JSON.parse((await cli(['token', 'create', '--la', '801', '--agency', 'Alpha Partnership Council', '--scopes', 'contact.submit', '--format', 'json'])).stdout) as { token: string; prefix: string; id: string };
    const r = await cli(['token', 'rotate', made.prefix, '--format', 'json']);
    expect(r.code).toBe(0);
    const rotated = JSON.parse(r.stdout) as { token: string; id: string; replaces: string; scopes: string[] };
    expect(rotated).toMatchObject({ replaces: made.id, scopes: ['contact.submit'] });
    const old = await t.db.selectFrom('api_token').select(['revoked_at', 'replaced_by']).where('id', '=', made.id).executeTakeFirstOrThrow();
    expect(old.replaced_by).toBe(rotated.id);
    expect(old.revoked_at).not.toBeNull();
    expect((await send(rotated.token)).statusCode).toBe(201);
    expect((await send(made.token)).statusCode).toBe(401);
    const again = await cli(['token', 'rotate', made.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('was revoked');
  });

  it('revokes a token by its id: refused from then on', async () => {
    const made = JSON.parse((await cli(['token', 'create', '--la', '801', '--agency', 'Alpha Partnership Council', '--scopes', 'contact.submit', '--format', 'json'])).stdout) as { token: string; id: string; prefix: string };
    expect((await send(made.token)).statusCode).toBe(201);
    const r = await cli(['token', 'revoke', made.id]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Revoked token ${made.prefix}`);
    expect((await send(made.token)).statusCode).toBe(401);
    expect((await cli(['token', 'revoke', made.prefix])).stdout).toContain('already revoked');
    const audit = await t.db.selectFrom('audit_event').select('action').where('record_id', '=', made.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['api_token.create', 'api_token.revoke']);
  });

  it('exits 1 for an unknown LA, agency, scope or token, and 2 for usage mistakes', async () => {
    const base = ['token', 'create', '--la', '801', '--agency', 'Alpha Partnership Council', '--scopes', 'contact.submit'];
    const unknownLa = await cli(['token', 'create', '--la', '999', '--agency', 'Alpha Partnership Council', '--scopes', 'contact.submit']);
    expect(unknownLa.code).toBe(1);
    expect(unknownLa.stderr).toContain('No partnership has LA code 999');
    const otherAgency = await cli(['token', 'create', '--la', '801', '--agency', 'Beta Partnership Council', '--scopes', 'contact.submit']);
    expect(otherAgency.code).toBe(1);
    expect(otherAgency.stderr).toContain('Beta Partnership Council is not one of Alpha Partnership’s agencies');
    const noAgency = await cli(['token', 'create', '--la', '801', '--agency', 'Nowhere Police', '--scopes', 'contact.submit']);
    expect(noAgency.code).toBe(1);
    const scope = await cli([...base.slice(0, -1), 'contact.submit,child.read']);
    expect(scope.code).toBe(1);
    expect(scope.stderr).toContain('Unknown scope child.read');
    const token = await cli(['token', 'revoke', 'bcn_nothing1']);
    expect(token.code).toBe(1);
    expect(token.stderr).toContain('No token has the id or prefix bcn_nothing1');
    expect((await cli(['token', 'create', '--la', '801', '--scopes', 'contact.submit'])).code).toBe(2);
    expect((await cli(['token', 'create', '--la', 'abc', '--agency', 'x', '--scopes', 'contact.submit'])).code).toBe(2);
    expect((await cli([...base, '--format', 'yaml'])).code).toBe(2);
  });
});
