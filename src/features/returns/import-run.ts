import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { ImportProgress } from '../../db/schema';
import type { Counts } from './merge';
import type { ReturnIssue } from './return-issue';

/**
 * One import of a statutory return, from its files to the journey's records, in two passes.
 *
 * 1. Check: every file is read through, streaming, and checked against the DfE rules for its year.
 *    Findings are saved with the run as they come. A file that cannot be read (broken XML, a missing
 *    column, a date that is not a date) stops the run here, and nothing is written but the failed run.
 * 2. Load: in one transaction, so that a failure part-way writes nothing. A file with validation errors
 *    is still loaded, as DfE's own collection does, unless the import is strict.
 *
 * Every run is recorded, whatever its outcome: the files, their fingerprint, the counts, who and when.
 * Its progress is kept on the run as it goes, for the browser's progress page.
 */

/** A file the return arrived in. `open` may be called more than once: each pass reads it afresh. */
export interface ReturnFile {
  name: string;
  size: number;
  open(): Readable;
}

/** The file cannot be read as a return: says where it broke (line and column, or row and column name). */
export class ReturnUnreadable extends Error {}

/** The return was read, but the records it holds cannot be loaded (another LA's return, a broken rule of the database). */
export class ImportRejected extends Error {}

export type ImportKind = 'cin' | '903' | 'annex_a';

export type Progress = (bytesRead: number, records: number) => void;

/** What a return of one kind does in each pass; made for one partnership (and, for the 903, one year). */
export interface ReturnImporter {
  kind: ImportKind;
  /** Reads every file, reporting each finding; throws ReturnUnreadable where a file breaks. Gives the collection year (the year it starts). */
  check(files: ReturnFile[], report: (issue: ReturnIssue) => void, progress: Progress): Promise<{ collectionYear: number }>;
  /** Writes the records within the import's transaction; returns what the run reports beyond the counts. */
  load(tx: Db, files: ReturnFile[], collectionYear: number, counts: Counts, progress: Progress): Promise<Record<string, unknown>>;
}

export interface ImportOutcome {
  runId: string;
  outcome: 'succeeded' | 'rejected';
  collectionYear: number;
  errors: number;
  queries: number;
  counts: Counts;
  summary: Record<string, unknown>;
}

export interface RunImportInput {
  partnershipId: number;
  files: ReturnFile[];
  importedBy: string;
  /** Refuse to load a return with any validation error. */
  strict?: boolean;
  /** Told the run's id as soon as it is recorded, before the work starts (the browser redirects to its progress page). */
  onStarted?: (runId: string) => void;
  onProgress?: (progress: ImportProgress) => void;
}

const ISSUE_BATCH = 500;

/** The one file a single-file return (the CIN census, Annex A) arrives in. */
export function onlyFile(files: ReturnFile[], what: string): ReturnFile {
  if (files.length !== 1) throw new ImportRejected(`${what} is one file, not ${files.length}`);
  return files[0]!;
}

/** The file's stream, with the bytes read and records seen told to `progress`. */
export function counting(file: ReturnFile, progress: Progress) {
  let bytes = 0;
  let records = 0;
  const stream = file.open().on('data', (chunk: Buffer | string) => { bytes += chunk.length; });
  return { stream, record: () => progress(bytes, ++records) };
}

/** The advisory lock a run's process holds while it works, keyed by the run: see closeInterruptedImports. */
const RUN_LOCK = 7_214_002;

/**
 * On a server, the run's own connection holds the run's lock until it ends: a process killed mid-way loses
 * its connection and so the lock. PGlite needs none: one process at a time has the data directory.
 */
async function holdingRunLock<T>(db: Db, runId: string, work: () => Promise<T>): Promise<T> {
  if (!db.getExecutor().adapter.supportsMultipleConnections) return work();
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${RUN_LOCK}, hashtext(${runId}))`.execute(conn);
    try {
      return await work();
    } finally {
      await sql`select pg_advisory_unlock(${RUN_LOCK}, hashtext(${runId}))`.execute(conn).catch(() => undefined);
    }
  });
}

export const INTERRUPTED = 'The import stopped before it finished (the program doing it ended): nothing of it was loaded. Import the return again.';

/**
 * Runs still marked running whose process has gone (killed, or the machine stopped, mid-import) are
 * recorded as failed and their findings removed: their load never committed, so nothing else of them
 * exists. A run whose process is alive holds its lock and is left alone. Called as the server starts
 * and as a command opens the database; says which runs it closed.
 */
export async function closeInterruptedImports(db: Db): Promise<string[]> {
  return db.transaction().execute(async (tx) => {
    const { rows } = await sql<{ id: string }>`select id from import_run
      where outcome = 'running' and pg_try_advisory_xact_lock(${RUN_LOCK}, hashtext(id::text))`.execute(tx);
    const ids = rows.map((r) => r.id);
    if (ids.length === 0) return ids;
    await tx.deleteFrom('validation_issue').where('import_run_id', 'in', ids).execute();
    await tx.updateTable('import_run').set({ outcome: 'failed', error: INTERRUPTED, finished_at: new Date() }).where('id', 'in', ids).execute();
    return ids;
  });
}

export async function runImport(db: Db, importer: ReturnImporter, input: RunImportInput): Promise<ImportOutcome> {
  // The id is chosen here so that the run's lock is held before its row exists.
  const runId = crypto.randomUUID();
  return holdingRunLock(db, runId, () => importRun(db, importer, input, runId));
}

async function importRun(db: Db, importer: ReturnImporter, input: RunImportInput, runId: string): Promise<ImportOutcome> {
  const bytesTotal = input.files.reduce((n, f) => n + f.size, 0);
  await db.insertInto('import_run').values({
    id: runId, partnership_id: input.partnershipId, kind: importer.kind, file_name: input.files.map((f) => f.name).join(', '), file_hash: 'pending',
    outcome: 'running', imported_by: input.importedBy, started_at: new Date(), strict: input.strict ?? false,
    progress: JSON.stringify({ phase: 'checking', bytesRead: 0, bytesTotal, records: 0 }),
  }).execute();
  input.onStarted?.(runId);

  const finish = (values: Record<string, unknown>) =>
    db.updateTable('import_run').set({ ...values, ...(typeof values.error === 'string' ? { error: storable(values.error) } : {}), finished_at: new Date() } as never)
      .where('id', '=', runId).execute();

  // Progress goes to the run every second or so while checking; while loading it stays in memory, as a
  // single-connection database holds the run's row behind the transaction.
  let lastWrite = 0;
  const progressOf = (phase: ImportProgress['phase'], writeToRun: boolean): Progress => (bytesRead, records) => {
    const p: ImportProgress = { phase, bytesRead, bytesTotal, records };
    input.onProgress?.(p);
    if (writeToRun && Date.now() - lastWrite > 1000) {
      lastWrite = Date.now();
      pending = pending.then(() => db.updateTable('import_run').set({ progress: JSON.stringify(p) }).where('id', '=', runId).execute()).then(() => undefined);
    }
  };
  let pending: Promise<void> = Promise.resolve();

  // Check, fingerprinting the files as they are read.
  const hash = crypto.createHash('sha256');
  const hashed: ReturnFile[] = input.files.map((f) => ({
    ...f,
    open: () => f.open().on('data', (chunk: Buffer | string) => hash.update(chunk)),
  }));
  let errors = 0;
  let queries = 0;
  let batch: ReturnIssue[] = [];
  const flush = () => {
    const rows = batch.map((i) => ({ import_run_id: runId, partnership_id: input.partnershipId, rule: i.rule, severity: i.severity, la_child_id: i.child, location: i.location, message: i.message }));
    batch = [];
    if (rows.length > 0) pending = pending.then(() => db.insertInto('validation_issue').values(rows).execute()).then(() => undefined);
  };
  let collectionYear: number;
  try {
    ({ collectionYear } = await importer.check(hashed, (issue) => {
      if (issue.severity === 'error') errors++; else queries++;
      batch.push(issue);
      if (batch.length >= ISSUE_BATCH) flush();
    }, progressOf('checking', true)));
    flush();
    await pending;
  } catch (err) {
    await pending.catch(() => undefined);
    await db.deleteFrom('validation_issue').where('import_run_id', '=', runId).execute();
    await finish({ outcome: 'failed', error: (err as Error).message, file_hash: hash.digest('hex') });
    throw err;
  }
  const fileHash = hash.digest('hex');

  const counts: Counts = {};
  if (input.strict && errors > 0) {
    await finish({ outcome: 'rejected', error: `${errors} validation error${errors === 1 ? '' : 's'}: nothing was loaded (strict)`, file_hash: fileHash,
      collection_year: collectionYear, errors, queries, progress: JSON.stringify({ phase: 'done', bytesRead: bytesTotal, bytesTotal }) });
    return { runId, outcome: 'rejected', collectionYear, errors, queries, counts, summary: {} };
  }

  let summary: Record<string, unknown>;
  try {
    summary = await db.transaction().execute((tx) => importer.load(tx, input.files, collectionYear, counts, progressOf('loading', false)));
  } catch (err) {
    await finish({ outcome: 'failed', error: (err as Error).message, file_hash: fileHash, collection_year: collectionYear, errors, queries, counts: JSON.stringify({ counts }) });
    throw err;
  }
  // Findings link to the child's record now that it exists.
  await sql`update validation_issue v set child_id = c.id from child c
    where v.import_run_id = ${runId} and c.partnership_id = v.partnership_id and c.la_child_id = v.la_child_id`.execute(db);
  await finish({ outcome: 'succeeded', file_hash: fileHash, collection_year: collectionYear, errors, queries,
    counts: JSON.stringify({ counts, ...summary }), progress: JSON.stringify({ phase: 'done', bytesRead: bytesTotal, bytesTotal }) });
  return { runId, outcome: 'succeeded', collectionYear, errors, queries, counts, summary };
}

/** A reason may quote the file, NUL characters and all, and PostgreSQL text cannot hold a NUL: it is kept as \0. */
const storable = (text: string) => text.replaceAll('\u0000', '\\0');
