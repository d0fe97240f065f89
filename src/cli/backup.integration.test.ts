import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../db/create-db';
import { migrationProvider } from '../db/migrate';
import { seedDemo } from '../db/seed/demo';
import { addPartnership } from '../features/partnerships/partnerships.service';
import { recordAudit } from '../platform/audit';
import { runCli } from '../testing/cli';
import { createDemoTestDb } from '../testing/demo-db';
import { tableDigests, withoutAuditLog } from '../testing/db-digest';
import { seedFixture } from '../testing/test-app';
import { createTestDb, dialects, type Dialect, type TestDb } from '../testing/test-db';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-backup-test-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const cliOn = (db: Db, dialect: Dialect) => (args: string[], stdin = '') =>
  runCli(async (fn) => fn({ db, dialect, describe: `the ${dialect} test database`, close: async () => {} }), args, stdin);

/** The audit log's first n entries, as text: those a backup holds. */
async function auditDigest(db: Db, upTo: number) {
  const { rows } = await sql<{ rows: number; md5: string }>`
    select count(*)::int as rows, md5(string_agg(t::text, E'\n' order by t.seq)) as md5 from audit_event t where t.seq <= ${upTo}`.execute(db);
  return rows[0]!;
}

async function sequences(db: Db) {
  const { rows } = await sql<{ name: string }>`select relname as name from pg_class where relkind = 'S' and relnamespace = current_schema()::regnamespace order by 1`.execute(db);
  const out: Record<string, string> = {};
  for (const { name } of rows) {
    const { rows: v } = await sql<{ v: string }>`select last_value::text || ' ' || is_called::text as v from ${sql.table(name)}`.execute(db);
    out[name] = v[0]!.v;
  }
  return out;
}

function gunzipLines(file: string): string[] {
  return zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n').filter(Boolean);
}

function gzipLines(file: string, lines: string[]) {
  fs.writeFileSync(file, zlib.gzipSync(`${lines.join('\n')}\n`));
}

describe.each(dialects())('beacon backup of the demo on %s', (source) => {
  let src: TestDb;
  let file: string;
  let before: Awaited<ReturnType<typeof tableDigests>>;
  let seqBefore: Record<string, string>;
  let auditEntries: number;
  let backupJson: Record<string, unknown>;

  beforeAll(async () => {
    src = await createTestDb(source);
    await seedDemo(src.db, { children: 200, today: '2026-06-15' });
    await recordAudit(src.db, { userEmail: 'qa.lead@northmere.gov.uk', action: 'child.view', outcome: 'allowed', recordType: 'child', recordId: 'x', detail: { b: 2, a: [1, 'two'] } });
    file = path.join(dir, `demo-${source}.beacon`);
    const res = await cliOn(src.db, source)(['backup', '--out', file, '--format', 'json']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    backupJson = JSON.parse(res.stdout) as Record<string, unknown>;
    before = await tableDigests(src.db);
    seqBefore = await sequences(src.db);
    auditEntries = before.audit_event!.rows;
  }, 240_000);
  afterAll(async () => { await src?.close(); });

  it('writes the file whole, readable by its owner only, and records the backup in the audit log it holds', async () => {
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
    expect(backupJson).toMatchObject({ file, encrypted: false, database: source, bytes: fs.statSync(file).size });
    expect(backupJson.rows).toBeGreaterThan(10_000);
    const lines = gunzipLines(file);
    const header = JSON.parse(lines[0]!) as { beaconBackup: number; schema: string; source: { dialect: string }; tables: { name: string; rows: number }[] };
    expect(header.beaconBackup).toBe(1);
    expect(header.source.dialect).toBe(source);
    // Parents first: a child's record comes after its partnership, a referral after the child.
    const order = header.tables.map((t) => t.name);
    expect(order.indexOf('partnership')).toBeLessThan(order.indexOf('child'));
    expect(order.indexOf('child')).toBeLessThan(order.indexOf('referral'));
    expect(header.tables.find((t) => t.name === 'child')!.rows).toBe(before.child!.rows);
    expect(JSON.parse(lines.at(-1)!)).toEqual({ complete: true, tables: header.tables.length, rows: backupJson.rows });
    const last = await src.db.selectFrom('audit_event').select(['action', 'detail', 'user_email']).orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(last).toMatchObject({ action: 'backup.create', detail: { file: path.basename(file), encrypted: false } });
    expect(last.user_email).toMatch(/^cli:/);
  });

  it.each(dialects())('restores into a fresh %s database: every table equal, the sequences where they were, the audit chain intact', async (target) => {
    const dst = await createTestDb(target);
    try {
      const cli = cliOn(dst.db, target);
      const res = await cli(['restore', file]);
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(new RegExp(`^Restored ${Number(backupJson.rows).toLocaleString('en-GB')} rows in ${String(backupJson.tables)} tables into the ${target} test database from the backup of (embedded PGlite|PostgreSQL) made .+, in \\d+\\.\\d s\\n$`));

      const after = await tableDigests(dst.db);
      expect(withoutAuditLog(after)).toEqual(withoutAuditLog(before));
      expect(Object.keys(after).length).toBeGreaterThan(100);
      expect(await auditDigest(dst.db, auditEntries)).toEqual(await auditDigest(src.db, auditEntries));
      expect(after.audit_event!.rows).toBe(auditEntries + 1);
      const restored = await dst.db.selectFrom('audit_event').selectAll().orderBy('seq', 'desc').executeTakeFirstOrThrow();
      expect(restored).toMatchObject({ action: 'backup.restore', outcome: 'allowed', detail: { sourceDialect: source, rows: backupJson.rows, migratedForward: 0, replaced: null } });

      expect(await sequences(dst.db)).toEqual(seqBefore);
      const maxId = (await dst.db.selectFrom('partnership').select((eb) => eb.fn.max('id').as('m')).executeTakeFirstOrThrow()).m;
      const added = await addPartnership(dst.db, { laCode: '899', name: 'Restored Partnership' });
      expect(added.id).toBeGreaterThan(Number(maxId));
      await recordAudit(dst.db, { userEmail: 'x@y.test', action: 'after.restore', outcome: 'allowed' });

      const verify = await cli(['audit', 'verify']);
      expect(verify.stdout).toContain(`The audit log is intact: ${auditEntries + 2} entries checked`);
      expect(verify.code).toBe(0);
    } finally {
      await dst.close();
    }
  }, 180_000);
});

describe.each(dialects())('beacon restore into %s', (target) => {
  let dst: TestDb;
  let good: string;
  let fixture: Awaited<ReturnType<typeof tableDigests>>;
  const cli = (args: string[], stdin = '') => cliOn(dst.db, target)(args, stdin);

  beforeAll(async () => {
    // The same small demo for each target, seeded once.
    const src = await createDemoTestDb('pglite', { children: 40, today: '2026-06-15' });
    good = path.join(dir, `small-${target}.beacon`);
    expect((await cliOn(src.db, 'pglite')(['backup', '--out', good])).code).toBe(0);
    await src.close();
    dst = await createTestDb(target);
    await seedFixture(dst.db);
    fixture = await tableDigests(dst.db);
  }, 120_000);
  afterAll(async () => { await dst?.close(); });

  /** The file is refused with exit 1 and the message, and the database is exactly as it was. */
  async function refused(file: string, message: string | RegExp, args: string[] = ['--force'], stdin = '') {
    const res = await cli(['restore', file, ...args], stdin);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(message);
    expect(res.code).toBe(1);
    expect(await tableDigests(dst.db)).toEqual(fixture);
  }

  it('refuses a file that is not a Beacon backup', async () => {
    const text = path.join(dir, 'notes.txt');
    fs.writeFileSync(text, 'Strategy meeting notes\n');
    await refused(text, 'Error: notes.txt is not a Beacon backup');
    const other = path.join(dir, 'other.json.gz');
    gzipLines(other, ['{"children":[1,2,3]}']);
    await refused(other, 'Error: other.json.gz is not a Beacon backup');
  });

  it('refuses a file cut short half-way, after loading part of it, and leaves nothing of it behind', async () => {
    const cut = path.join(dir, 'cut.beacon');
    const whole = fs.readFileSync(good);
    fs.writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    await refused(cut, 'Error: cut.beacon is incomplete or damaged (cut short or altered): restore from another copy');
    // Cut at a line: every line whole, the gzip sound, the last tables and the closing line missing.
    const lines = gunzipLines(good);
    const short = path.join(dir, 'short.beacon');
    gzipLines(short, lines.slice(0, Math.floor(lines.length * 0.8)));
    await refused(short, 'Error: short.beacon is incomplete or damaged (cut short or altered): restore from another copy');
  });

  it('refuses a file whose rows do not match their checksum', async () => {
    const lines = gunzipLines(good);
    const start = lines.indexOf('{"table":"child"}');
    expect(start).toBeGreaterThan(0);
    const row = JSON.parse(lines[start + 1]!) as (string | null)[];
    const i = row.findIndex((v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v));
    row[i] = '2001-01-01';
    lines[start + 1] = JSON.stringify(row);
    const altered = path.join(dir, 'altered.beacon');
    gzipLines(altered, lines);
    await refused(altered, 'Error: altered.beacon is corrupt: the rows of table child do not match their checksum. Nothing was restored');
  });

  it('refuses a backup from a newer Beacon, naming both schemas', async () => {
    const lines = gunzipLines(good);
    const header = JSON.parse(lines[0]!) as { schema: string; migrations: string[] };
    header.migrations.push('2099_01_01_0000_future');
    header.schema = '2099_01_01_0000_future';
    lines[0] = JSON.stringify(header);
    const newer = path.join(dir, 'newer.beacon');
    gzipLines(newer, lines);
    await refused(newer, /^Error: newer\.beacon was made by a newer Beacon: its schema is at 2099_01_01_0000_future, and this Beacon's latest is \d{4}_.+\. Upgrade Beacon, then restore\n$/);
  });

  it('refuses to replace partnerships without --force; with it, replaces everything and records what it replaced', async () => {
    await refused(good, `Error: the ${target} test database already holds 2 partnerships: a restore replaces everything in it. Give --force to replace it`, []);
    const headBefore = await dst.db.selectFrom('audit_event').select(['seq', 'hash']).orderBy('seq', 'desc').executeTakeFirst();
    const res = await cli(['restore', good, '--force', '--format', 'json']);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as { replaced: { partnerships: number }; sourceDialect: string };
    expect(out).toMatchObject({ sourceDialect: 'pglite', replaced: { partnerships: 2 } });
    const laCodes = (await dst.db.selectFrom('partnership').select('la_code').orderBy('la_code').execute()).map((p) => p.la_code);
    expect(laCodes).not.toContain('801');
    expect(laCodes.length).toBe(2);
    const last = await dst.db.selectFrom('audit_event').select(['action', 'detail']).orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(last.detail).toMatchObject({ replaced: { partnerships: 2, auditEntries: Number(headBefore?.seq ?? 0), auditHead: headBefore?.hash ?? null } });
    expect((await cli(['audit', 'verify'])).code).toBe(0);
    // Back as it was, for the other tests.
    await dst.close();
    dst = await createTestDb(target);
    await seedFixture(dst.db);
    fixture = await tableDigests(dst.db);
  }, 60_000);

  it('encrypts with a passphrase from standard input, and restores only with it', async () => {
    const src = await createTestDb('pglite');
    try {
      await seedFixture(src.db);
      const enc = path.join(dir, 'encrypted.beacon');
      const passphrase = 'correct horse battery staple';
      const short = await cliOn(src.db, 'pglite')(['backup', '--out', enc, '--encrypt'], 'too short\n');
      expect(short.code).toBe(2);
      expect(short.stderr).toContain('--encrypt: the passphrase must be at least 12 characters');
      const made = await cliOn(src.db, 'pglite')(['backup', '--out', enc, '--encrypt'], `${passphrase}\n`);
      expect(made.code).toBe(0);
      expect(made.stdout).toContain(', encrypted)');
      const bytes = fs.readFileSync(enc);
      expect(bytes.subarray(0, 25).toString()).toBe('{"beaconBackupEncrypted":');
      expect(bytes.includes(Buffer.from('Alpha Partnership'))).toBe(false);
      await refused(enc, 'Error: encrypted.beacon could not be decrypted: the passphrase is wrong, or the file has been altered', ['--force'], 'not the passphrase\n');
      const flipped = Buffer.from(bytes);
      flipped[flipped.length - 40] = flipped[flipped.length - 40]! ^ 1;
      const tampered = path.join(dir, 'tampered.beacon');
      fs.writeFileSync(tampered, flipped);
      await refused(tampered, /^Error: tampered\.beacon (could not be decrypted: the passphrase is wrong, or the file has been altered|is incomplete or damaged)/, ['--force'], `${passphrase}\n`);

      const fresh = await createTestDb(target);
      try {
        const res = await cliOn(fresh.db, target)(['restore', enc], `${passphrase}\n`);
        expect(res.stderr).toBe('');
        expect(res.code).toBe(0);
        expect(withoutAuditLog(await tableDigests(fresh.db))).toEqual(withoutAuditLog(await tableDigests(src.db)));
      } finally {
        await fresh.close();
      }
    } finally {
      await src.close();
    }
  }, 60_000);

  it('restores a backup made before later migrations, then brings it up to date', async () => {
    const known = Object.keys(await migrationProvider.getMigrations()).sort();
    const older = known[known.length - 3]!;
    const old = await createDb({ databaseUrl: 'memory://' });
    try {
      const result = await new Migrator({ db: old.db, provider: migrationProvider }).migrateTo(older);
      expect(result.error).toBeUndefined();
      await addPartnership(old.db, { laCode: '803', name: 'Gamma Partnership' });
      await recordAudit(old.db, { userEmail: 'admin@gamma.test', action: 'partnership.create', outcome: 'allowed' });
      const file = path.join(dir, 'older.beacon');
      expect((await cliOn(old.db, 'pglite')(['backup', '--out', file])).code).toBe(0);
      expect((JSON.parse(gunzipLines(file)[0]!) as { schema: string }).schema).toBe(older);

      const fresh = await createTestDb(target);
      try {
        const cli2 = cliOn(fresh.db, target);
        const res = await cli2(['restore', file]);
        expect(res.stderr).toBe('');
        expect(res.code).toBe(0);
        expect(res.stdout).toContain(', then applied 2 newer migrations');
        const applied = (await fresh.db.selectFrom('kysely_migration' as never).select('name' as never).orderBy('name' as never).execute()).map((r) => (r as { name: string }).name);
        expect(applied).toEqual(known);
        expect((await fresh.db.selectFrom('partnership').select('name').execute()).map((p) => p.name)).toEqual(['Gamma Partnership']);
        expect((await cli2(['audit', 'verify'])).stdout).toContain('The audit log is intact: 3 entries checked');
      } finally {
        await fresh.close();
      }
    } finally {
      await old.close();
    }
  }, 60_000);

  it('says what is wrong with the command line (exit 2)', async () => {
    for (const [args, message] of [
      [['restore', path.join(dir, 'missing.beacon')], 'missing.beacon is not a file that can be read'],
      [['backup', '--out', path.join(dir, 'no-such-folder', 'x.beacon')], '--out: the folder'],
      [['backup', '--out', dir], 'is a folder'],
      [['backup'], "required option '--out <file>' not specified"],
    ] as const) {
      const res = await cli([...args]);
      expect(res.stderr, message).toContain(message);
      expect(res.code).toBe(2);
    }
  });
});
