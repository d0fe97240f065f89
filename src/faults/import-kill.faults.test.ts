import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeCinCensus } from '../../bench/lib/returns-data';
import { createCinImporter } from '../features/returns/cin-census.import';
import { INTERRUPTED, runImport, type ReturnFile } from '../features/returns/import-run';
import { addPartnership } from '../features/partnerships/partnerships.service';
import { recordAudit, verifyAuditChain } from '../platform/audit';
import { runCli } from '../testing/cli';
import { tableDigests, type TableDigests } from '../testing/db-digest';
import { beacon, envInt, faultDb, faultDialects, killAll, tempDir, waitFor, withOpen, type FaultDb, type Proc } from './support';

/**
 * kill -9 of `beacon import cin` part-way through a large census, while it checks the file and while it
 * loads it, then the database opened again: what was committed before is all there and unchanged, nothing
 * of the killed imports is (their runs are recorded as failed, with no findings), the audit chain verifies,
 * and the same import run again succeeds. FAULTS_IMPORT_CHILDREN sets the census's size.
 */

// Each step starts a real process: slow on a busy machine; every wait inside is bounded on its own.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

const CHILDREN = envInt('FAULTS_IMPORT_CHILDREN', 3000);
const LA = '990';
/** A date of death the census never gives: the children marked with it are changed back by a whole import only. */
const MARK = '2025-01-01';
const work = tempDir('import');
let big: string;
let small: string;

beforeAll(async () => {
  small = path.join(work, 'small.xml');
  big = path.join(work, 'big.xml');
  await writeCinCensus(small, { la: LA, children: 40 });
  await writeCinCensus(big, { la: LA, children: CHILDREN });
});

afterAll(async () => {
  await killAll();
  fs.rmSync(work, { recursive: true, force: true });
});

/**
 * Where the import has got to: checking, from its progress bar (drawn on the terminal `script` gives it);
 * loading, from how far it has read the file in its second pass, seen as its place in the file falling back
 * (the bar cannot tell: it is redrawn only between statements, and an embedded database's statements keep
 * the process busy, so a pass may end, or the load begin, with no drawing).
 */
function watcher(file: string) {
  const size = fs.statSync(file).size;
  let furthest = 0;
  let secondPass = false;
  return (p: Proc, phase: 'checking' | 'loading'): string | null => {
    if (phase === 'checking') {
      const checked = Number([...p.output().matchAll(/Checking \[[^\]]*\] (\d+)%/g)].at(-1)?.[1] ?? 0);
      return checked >= 20 && checked < 90 && !/Loading \[/.test(p.output()) ? `checking at ${checked}%` : null;
    }
    const at = p.readingAt(file);
    if (at === null) return null;
    if (at < furthest - 0.3 * size) secondPass = true;
    furthest = Math.max(furthest, at);
    return secondPass && at > 0.3 * size && at < 0.9 * size ? `loading at ${Math.round((100 * at) / size)}% of the file` : null;
  };
}

const fileOf = (file: string): ReturnFile => ({ name: path.basename(file), size: fs.statSync(file).size, open: () => fs.createReadStream(file) });

/** Everything but what a killed run may leave of itself: its run, its findings, and the audit log (checked by verifying it). */
function withoutRuns(d: TableDigests): TableDigests {
  return Object.fromEntries(Object.entries(d).filter(([t]) => !['import_run', 'validation_issue', 'audit_event', 'audit_checkpoint'].includes(t)));
}

describe.each(faultDialects())('kill -9 during an import on %s', (dialect) => {
  let db: FaultDb;
  let before: TableDigests;
  let runsBefore: unknown[];

  beforeAll(async () => {
    db = await faultDb(dialect, 'migrated');
    // Committed before: a partnership, a small census imported, its audit entry, and children the big census will change.
    await withOpen(db, async (h) => {
      const p = await addPartnership(h, { laCode: LA, name: 'Northmere Safeguarding Children Partnership' });
      const out = await runImport(h, createCinImporter({ partnershipId: p.id, laCode: LA }), { partnershipId: p.id, files: [fileOf(small)], importedBy: 'cli:test' });
      expect(out.outcome).toBe('succeeded');
      await recordAudit(h, { userEmail: 'cli:test', action: 'return.import', outcome: 'allowed', partnershipId: p.id, recordType: 'import_run', recordId: out.runId });
      await h.updateTable('child').set({ death_date: MARK }).where('partnership_id', '=', p.id).execute();
      before = withoutRuns(await tableDigests(h));
      runsBefore = await h.selectFrom('import_run').selectAll().orderBy('started_at').execute();
    });
  });

  afterAll(async () => {
    await killAll();
    await db?.drop();
  });

  // On a server the kill while loading proves the rest too (the lock of a dead run let go, its run closed at the next
  // start): the kill while checking runs there only with FAULTS_FULL, to keep CI short.
  const phases = dialect === 'pglite' || process.env.FAULTS_FULL ? ['checking', 'loading'] as const : ['loading'] as const;
  for (const phase of phases) {
    it(`is killed while ${phase} the census`, async () => {
      const started = Date.now();
      const p = beacon(['import', 'cin', big], db.env, { tty: true });
      const reached = watcher(big);
      const at = await waitFor(`the import to be ${phase}`, () => {
        const exit = p.exitInfo();
        if (exit) throw new Error(`the import ended (${exit.code}) before it could be killed ${phase}: raise FAULTS_IMPORT_CHILDREN\n${p.output().slice(-2000)}`);
        return reached(p, phase);
      }, { timeoutMs: 90_000, intervalMs: 5, detail: () => p.output().slice(-2000) });
      await p.kill9();
      expect(p.exitInfo()?.signal ?? p.exitInfo()?.code).not.toBe(0);
      console.log(`${dialect}: killed ${at}, ${Date.now() - started} ms after the start`);
    });
  }

  it('opens again with everything committed before and nothing of the killed imports', async () => {
    await withOpen(db, async (h) => {
      expect(withoutRuns(await tableDigests(h))).toEqual(before);
      const runs = await h.selectFrom('import_run').selectAll().orderBy('started_at').execute();
      expect(runs.slice(0, runsBefore.length)).toEqual(runsBefore);
      // Each import, as it opened the database, recorded the one before as cut off; the last was killed before anything could.
      expect(runs.slice(runsBefore.length).map((r) => [r.outcome, r.error])).toEqual([...phases.slice(1).map(() => ['failed', INTERRUPTED]), ['running', null]]);
      for (const run of runs.slice(runsBefore.length, -1)) {
        expect(await h.selectFrom('validation_issue').select('id').where('import_run_id', '=', run.id).execute()).toEqual([]);
      }
      expect((await verifyAuditChain(h)).ok).toBe(true);
    });
  });

  it('imports the same census again, in full, with the killed runs recorded as cut off; the audit chain verifies', async () => {
    const again = await beacon(['import', 'cin', big, '--format', 'json'], db.env).waitExit(120_000);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toMatch(/Imports cut off before they finished, now recorded as failed/);
    expect(JSON.parse(again.output.slice(again.output.indexOf('{'))).outcome).toBe('succeeded');
    await withOpen(db, async (h) => {
      const runs = await h.selectFrom('import_run').selectAll().orderBy('started_at').execute();
      expect(runs.map((r) => r.outcome)).toEqual([...runsBefore.map(() => 'succeeded'), ...phases.map(() => 'failed'), 'succeeded']);
      expect(runs.slice(runsBefore.length, -1).map((r) => r.error)).toEqual(phases.map(() => INTERRUPTED));
      const findings = await h.selectFrom('validation_issue').select('import_run_id').distinct().execute();
      expect(findings.every((f) => runs.some((r) => r.id === f.import_run_id && r.outcome === 'succeeded'))).toBe(true);
      const children = await h.selectFrom('child').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow();
      expect(Number(children.n)).toBe(CHILDREN);
      expect(await h.selectFrom('child').select('id').where('death_date', '=', MARK).execute()).toEqual([]);
      const verify = await runCli(async (fn) => fn({ db: h, dialect, describe: dialect, close: async () => undefined }), ['audit', 'verify']);
      expect(verify.code, verify.stderr).toBe(0);
    });
  });
});
