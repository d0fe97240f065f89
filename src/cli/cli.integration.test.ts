import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../db/create-db';
import { recordAudit } from '../platform/audit';
import { createTestDb, dialects, type TestDb } from '../testing/test-db';
import { runBeacon, runCli } from '../testing/cli';

/** The beacon program in this process, over the test's database: fast enough to try every case. */
const cli = (t: TestDb, args: string[], stdin = '') =>
  runCli(async (fn) => fn({ db: t.db, dialect: t.dialect, describe: `test ${t.dialect}`, close: async () => {} }), args, stdin);
const beacon = runBeacon;

describe.each(dialects())('the beacon command (%s)', (dialect) => {
  let t: TestDb;
  beforeAll(async () => { t = await createTestDb(dialect); });
  afterAll(async () => { await t?.close(); });

  it('says an up-to-date database needs no migration', async () => {
    const r = await cli(t, ['db', 'migrate', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).applied).toEqual([]);
  });

  it('adds, lists and sets partnerships, refusing bad input with the field named', async () => {
    expect((await cli(t, ['partnership', 'add', '886', '--name', 'Kent Safeguarding Children Partnership'])).code).toBe(0);
    const dup = await cli(t, ['partnership', 'add', '886', '--name', 'Kent again']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('laCode: A partnership with LA code 886 already exists');
    const bad = await cli(t, ['partnership', 'add', '88', '--name', 'Short code']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('laCode');
    expect((await cli(t, ['partnership', 'set', '886', '--child-population', '300000', '--year', '2023'])).code).toBe(0);
    expect((await cli(t, ['partnership', 'set', '886', '--child-population', '310000'])).code).toBe(0);
    const list = await cli(t, ['partnership', 'list', '--format', 'json']);
    // Without --year the figure applies to every year, replacing the 2023 figure.
    expect(JSON.parse(list.stdout)).toEqual([{ laCode: '886', name: 'Kent Safeguarding Children Partnership', childPopulation: 310000, childPopulationByYear: {} }]);
    expect((await cli(t, ['partnership', 'set', '886', '--child-population', 'lots'])).code).toBe(2);
    expect((await cli(t, ['partnership', 'set', '999', '--child-population', '5'])).code).toBe(1);
    expect((await cli(t, ['partnership', 'add'])).code).toBe(2);
    expect((await cli(t, ['no-such-command'])).code).toBe(2);
    expect((await cli(t, ['partnership', 'list', '--format', 'yaml'])).code).toBe(2);
  });

  it('adds agencies and people, generating a temporary password or reading one from stdin', async () => {
    expect((await cli(t, ['agency', 'add', 'Kent County Council', '--la', '886', '--type', 'local_authority', '--email-domains', 'kent.gov.uk'])).code).toBe(0);
    const badType = await cli(t, ['agency', 'add', 'Somewhere', '--la', '886', '--type', 'space_agency']);
    expect(badType.code).toBe(1);
    expect(badType.stderr).toContain('type:');
    const added = await cli(t, ['user', 'add', '--email', 'Jo.Bloggs@kent.gov.uk', '--name', 'Jo Bloggs', '--agency', 'kent county council', '--la', '886', '--role', 'social_worker,team_manager', '--format', 'json']);
    expect(added.code).toBe(0);
    const out = JSON.parse(added.stdout);
    expect(out).toMatchObject({ email: 'jo.bloggs@kent.gov.uk', created: true });
    expect(out.temporaryPassword).toMatch(/^.{20}$/);
    const piped = await cli(t, ['user', 'add', '--email', 'ann@kent.gov.uk', '--name', 'Ann Lee', '--agency', 'Kent County Council', '--la', '886', '--role', 'data_analyst', '--password-stdin'], 'a perfectly good passphrase\n');
    expect(piped.code).toBe(0);
    expect(piped.stdout).not.toContain('Temporary password');
    const weak = await cli(t, ['user', 'add', '--email', 'bob@kent.gov.uk', '--name', 'Bob', '--agency', 'Kent County Council', '--la', '886', '--role', 'auditor', '--password-stdin'], 'password1234');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('password: Password is too common');
    const badRole = await cli(t, ['user', 'add', '--email', 'c@kent.gov.uk', '--name', 'Cee', '--agency', 'Kent County Council', '--la', '886', '--role', 'wizard']);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('roles.0: Roles are');
    const list = JSON.parse((await cli(t, ['user', 'list', '--la', '886', '--format', 'json'])).stdout);
    expect(list.map((u: { email: string }) => u.email)).toEqual(['ann@kent.gov.uk', 'jo.bloggs@kent.gov.uk']);
    const disabled = await cli(t, ['user', 'disable', 'ann@kent.gov.uk', '--format', 'json']);
    expect(JSON.parse(disabled.stdout)).toMatchObject({ status: 'disabled' });
  });

  it('verifies the audit log its commands wrote, and fails on tampering', async () => {
    const ok = await cli(t, ['audit', 'verify', '--format', 'json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).ok).toBe(true);
    await sql`alter table audit_event disable trigger audit_event_no_change`.execute(t.db);
    await sql`update audit_event set action = 'partnership.list' where seq = 2`.execute(t.db);
    await sql`alter table audit_event enable trigger audit_event_no_change`.execute(t.db);
    const bad = await cli(t, ['audit', 'verify']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('TAMPERED: entry 2 has been altered');
  });

  it('lists who accessed a child', async () => {
    const p = await t.db.selectFrom('partnership').select('id').where('la_code', '=', '886').executeTakeFirstOrThrow();
    const child = await t.db.insertInto('child').values({ partnership_id: p.id, la_child_id: 'C123', first_name: 'Ann', last_name: 'Example' } as never).returning('id').executeTakeFirstOrThrow();
    await recordAudit(t.db, { userEmail: 'jo.bloggs@kent.gov.uk', role: 'social_worker', action: 'child.read', recordType: 'child', recordId: child.id, partnershipId: p.id, outcome: 'allowed' });
    const byLaId = await cli(t, ['audit', 'for-child', 'C123', '--la', '886', '--format', 'json']);
    expect(byLaId.code).toBe(0);
    expect(JSON.parse(byLaId.stdout).entries).toEqual([expect.objectContaining({ user: 'jo.bloggs@kent.gov.uk', action: 'child.read', outcome: 'allowed' })]);
    const text = await cli(t, ['audit', 'for-child', child.id]);
    expect(text.stdout).toContain('jo.bloggs@kent.gov.uk');
    expect((await cli(t, ['audit', 'for-child', 'C123'])).code).toBe(2);
    expect((await cli(t, ['audit', 'for-child', 'C999', '--la', '886'])).code).toBe(1);
  });

  it('prints help for every command', async () => {
    for (const args of [['--help'], ['user', 'add', '--help'], ['audit', '--help'], ['demo', 'seed', '--help']]) {
      const r = await cli(t, args);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Usage: beacon');
    }
  });
});

describe('the beacon command as a process', () => {
  let dir: string;
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-cli-')); });
  afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('runs from bin/ with its exit codes: 0 done, 1 rejected, 2 usage', async () => {
    const env = { BEACON_DATA_DIR: dir };
    const migrated = await beacon(env, ['db', 'migrate', '--format', 'json']);
    expect(JSON.parse(migrated.stdout).applied).toContain('2026_11_24_1800_create-platform');
    const added = await beacon(env, ['partnership', 'add', '886', '--name', 'Kent Safeguarding Children Partnership']);
    expect(added).toMatchObject({ code: 0, stdout: 'Added partnership 886: Kent Safeguarding Children Partnership\n' });
    expect((await beacon(env, ['partnership', 'add', '886', '--name', 'Kent again'])).code).toBe(1);
    const usage = await beacon(env, ['partnership', 'set', '886']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("required option '--child-population <n>' not specified");
  });

  it('says the embedded database is in use and exits 2 rather than waiting', async () => {
    const held = await createDb({ dataDir: dir });
    try {
      const r = await beacon({ BEACON_DATA_DIR: dir }, ['partnership', 'list']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('is in use by another Beacon process');
    } finally {
      await held.close();
    }
    const after = await beacon({ BEACON_DATA_DIR: dir }, ['partnership', 'list', '--format', 'json']);
    expect(JSON.parse(after.stdout)).toEqual([expect.objectContaining({ laCode: '886' })]);
  });
});
