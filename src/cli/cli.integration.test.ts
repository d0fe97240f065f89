import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../db/create-db';
import { dialects } from '../testing/test-db';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin', 'beacon.js');

type Run = { code: number; stdout: string; stderr: string };

function beacon(env: Record<string, string>, args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root, env: { ...process.env, NODE_ENV: 'test', ...env }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

describe.each(dialects())('the beacon command (%s)', (dialect) => {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    if (dialect === 'pglite') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-cli-'));
      env = { BEACON_DATA_DIR: dir };
      cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
    } else {
      const name = `beacon_cli_${process.pid}_${Date.now()}`;
      const admin = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.TEST_DATABASE_URL, max: 1 }) }) });
      await sql`create database ${sql.id(name)}`.execute(admin);
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.pathname = `/${name}`;
      env = { DATABASE_URL: url.toString() };
      cleanup = async () => { await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin); await admin.destroy(); };
    }
  });
  afterAll(async () => { await cleanup?.(); });

  it('migrates, and says so in JSON', async () => {
    const r = await beacon(env, ['db', 'migrate', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).applied).toContain('2026_11_24_1800_create-platform');
  });

  it('adds, lists and sets partnerships, refusing bad input with the field named', async () => {
    expect((await beacon(env, ['partnership', 'add', '886', '--name', 'Kent Safeguarding Children Partnership'])).code).toBe(0);
    const dup = await beacon(env, ['partnership', 'add', '886', '--name', 'Kent again']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('laCode: A partnership with LA code 886 already exists');
    const bad = await beacon(env, ['partnership', 'add', '88', '--name', 'Short code']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('laCode');
    expect((await beacon(env, ['partnership', 'set', '886', '--child-population', '300000', '--year', '2023'])).code).toBe(0);
    expect((await beacon(env, ['partnership', 'set', '886', '--child-population', '310000'])).code).toBe(0);
    const list = await beacon(env, ['partnership', 'list', '--format', 'json']);
    // Without --year the figure applies to every year, replacing the 2023 figure.
    expect(JSON.parse(list.stdout)).toEqual([{ laCode: '886', name: 'Kent Safeguarding Children Partnership', childPopulation: 310000, childPopulationByYear: {} }]);
    expect((await beacon(env, ['partnership', 'set', '886', '--child-population', 'lots'])).code).toBe(2);
    expect((await beacon(env, ['partnership', 'set', '999', '--child-population', '5'])).code).toBe(1);
    expect((await beacon(env, ['partnership', 'add'])).code).toBe(2);
    expect((await beacon(env, ['no-such-command'])).code).toBe(2);
    expect((await beacon(env, ['partnership', 'list', '--format', 'yaml'])).code).toBe(2);
  });

  it('adds agencies and people, generating a temporary password or reading one from stdin', async () => {
    expect((await beacon(env, ['agency', 'add', 'Kent County Council', '--la', '886', '--type', 'local_authority', '--email-domains', 'kent.gov.uk'])).code).toBe(0);
    const badType = await beacon(env, ['agency', 'add', 'Somewhere', '--la', '886', '--type', 'space_agency']);
    expect(badType.code).toBe(1);
    expect(badType.stderr).toContain('type:');
    const added = await beacon(env, ['user', 'add', '--email', 'Jo.Bloggs@kent.gov.uk', '--name', 'Jo Bloggs', '--agency', 'kent county council', '--la', '886', '--role', 'social_worker,team_manager', '--format', 'json']);
    expect(added.code).toBe(0);
    const out = JSON.parse(added.stdout);
    expect(out).toMatchObject({ email: 'jo.bloggs@kent.gov.uk', created: true });
    expect(out.temporaryPassword).toMatch(/^.{20}$/);
    const piped = await beacon(env, ['user', 'add', '--email', 'ann@kent.gov.uk', '--name', 'Ann Lee', '--agency', 'Kent County Council', '--la', '886', '--role', 'data_analyst', '--password-stdin'], 'a perfectly good passphrase\n');
    expect(piped.code).toBe(0);
    expect(piped.stdout).not.toContain('Temporary password');
    const weak = await beacon(env, ['user', 'add', '--email', 'bob@kent.gov.uk', '--name', 'Bob', '--agency', 'Kent County Council', '--la', '886', '--role', 'auditor', '--password-stdin'], 'password1234');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('password: Password is too common');
    const badRole = await beacon(env, ['user', 'add', '--email', 'c@kent.gov.uk', '--name', 'Cee', '--agency', 'Kent County Council', '--la', '886', '--role', 'wizard']);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('roles.0: Roles are');
    const list = JSON.parse((await beacon(env, ['user', 'list', '--la', '886', '--format', 'json'])).stdout);
    expect(list.map((u: { email: string }) => u.email)).toEqual(['ann@kent.gov.uk', 'jo.bloggs@kent.gov.uk']);
    const disabled = await beacon(env, ['user', 'disable', 'ann@kent.gov.uk', '--format', 'json']);
    expect(JSON.parse(disabled.stdout)).toMatchObject({ status: 'disabled' });
  });

  it('verifies the audit log its commands wrote, and fails on tampering', async () => {
    const ok = await beacon(env, ['audit', 'verify', '--format', 'json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).ok).toBe(true);
    const h = await createDb({ databaseUrl: env.DATABASE_URL, dataDir: env.BEACON_DATA_DIR });
    await sql`alter table audit_event disable trigger audit_event_no_change`.execute(h.db);
    await sql`update audit_event set action = 'partnership.list' where seq = 2`.execute(h.db);
    await sql`alter table audit_event enable trigger audit_event_no_change`.execute(h.db);
    await h.close();
    const bad = await beacon(env, ['audit', 'verify']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('TAMPERED: entry 2 has been altered');
  });

  it('lists who accessed a child', async () => {
    const h = await createDb({ databaseUrl: env.DATABASE_URL, dataDir: env.BEACON_DATA_DIR });
    const p = await h.db.selectFrom('partnership').select('id').where('la_code', '=', '886').executeTakeFirstOrThrow();
    const child = await h.db.insertInto('child').values({ partnership_id: p.id, la_child_id: 'C123', first_name: 'Ann', last_name: 'Example' } as never).returning('id').executeTakeFirstOrThrow();
    const { recordAudit } = await import('../platform/audit');
    await recordAudit(h.db, { userEmail: 'jo.bloggs@kent.gov.uk', role: 'social_worker', action: 'child.read', recordType: 'child', recordId: child.id, partnershipId: p.id, outcome: 'allowed' });
    await h.close();
    const byLaId = await beacon(env, ['audit', 'for-child', 'C123', '--la', '886', '--format', 'json']);
    expect(byLaId.code).toBe(0);
    expect(JSON.parse(byLaId.stdout).entries).toEqual([expect.objectContaining({ user: 'jo.bloggs@kent.gov.uk', action: 'child.read', outcome: 'allowed' })]);
    const text = await beacon(env, ['audit', 'for-child', child.id]);
    expect(text.stdout).toContain('jo.bloggs@kent.gov.uk');
    expect((await beacon(env, ['audit', 'for-child', 'C123'])).code).toBe(2);
    expect((await beacon(env, ['audit', 'for-child', 'C999', '--la', '886'])).code).toBe(1);
  });

  it.runIf(dialect === 'pglite')('says the embedded database is in use and exits 2 rather than waiting', async () => {
    const held = await createDb({ dataDir: env.BEACON_DATA_DIR });
    try {
      const r = await beacon(env, ['partnership', 'list']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('is in use by another Beacon process');
    } finally {
      await held.close();
    }
    expect((await beacon(env, ['partnership', 'list'])).code).toBe(0);
  });

  it('prints help for every command', async () => {
    for (const args of [['--help'], ['user', 'add', '--help'], ['audit', '--help'], ['demo', 'seed', '--help']]) {
      const r = await beacon(env, args);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Usage: beacon');
    }
  });
});
