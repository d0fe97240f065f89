import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ImportProgress } from '../../db/schema';
import { collectionYearLabel } from '../../domain/codes';
import type { AppDeps } from '../../platform/deps';
import { NotFound } from '../../platform/errors';
import { formErrors } from '../../platform/forms';
import { findPartnershipById } from '../partnerships/partnerships.service';
import { createAnnexAImporter } from './annex-a.import';
import { createCinImporter } from './cin-census.import';
import { runImport, type ImportKind, type ReturnFile, type ReturnImporter } from './import-run';
import { importRunOf, issuesByRule, issuesCsv, issuesOfRun, issuesPage, listImportRuns } from './returns.repository';
import { create903Importer } from './ssda903.import';
import { readMultipartForm } from '../../platform/multipart';

/**
 * The data analyst's returns pages: upload a return, watch it being checked and loaded, and read its
 * validation report by rule and by child, with the findings to download.
 */

const KINDS: Record<ImportKind, string> = { cin: 'CIN census (XML)', '903': 'SSDA903 (CSV tables)', annex_a: 'Ofsted Annex A (XLSX)' };
const MAX_UPLOAD = 500 * 1024 * 1024;
const PAGE = 100;

/** What the running imports have reached, while the database is busy loading them. */
const live = new Map<string, ImportProgress>();

export async function returnsRoutes(app: FastifyInstance, { db, now }: AppDeps) {
  await app.register(fastifyMultipart, { limits: { fileSize: MAX_UPLOAD, files: 20, fields: 10, fieldSize: 10_000 } });
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;

  async function runOr404(req: FastifyRequest) {
    const run = await importRunOf(db, pid(req), (req.params as { runId: string }).runId);
    if (!run) throw new NotFound('No such import', 'import_run', (req.params as { runId: string }).runId);
    return run;
  }

  app.get('/returns', { config: { access: 'return.import' } }, async (req, reply) => {
    const runs = await listImportRuns(db, pid(req));
    return reply.view('returns/views/index.njk', { title: 'Returns', runs: runs.map((r) => ({ ...r, kindName: KINDS[r.kind], year: yearLabel(r.collection_year) })) });
  });

  const uploadForm = (reply: FastifyReply, values: Record<string, string>, errors?: { field: string; message: string }[]) =>
    reply.code(errors ? 400 : 200).view('returns/views/upload.njk', {
      title: 'Import a return', values, errors: errors ? formErrors(errors) : undefined, thisYear: now().getUTCFullYear(),
    });

  app.get('/returns/import', { config: { access: 'return.import' } }, async (_req, reply) => uploadForm(reply, {}));

  // A multipart body is read as a stream: the CSRF token (the form's first field) is checked before any file is stored.
  app.post('/returns/import', { config: { access: 'return.import', csrf: false } }, async (req, reply) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-upload-'));
    const cleanUp = () => fs.rmSync(dir, { recursive: true, force: true });
    const files: ReturnFile[] = [];
    let tooLarge = false;
    let fields: Record<string, string> | null;
    try {
      fields = await readMultipartForm(app, req, reply, async (part) => {
        // Stored under a number: the name a browser sends may hold a NUL or be longer than a file system takes.
        const target = path.join(dir, String(files.length));
        await pipeline(part.file, fs.createWriteStream(target));
        tooLarge ||= part.file.truncated;
        const size = fs.statSync(target).size;
        if (size > 0) files.push({ name: fileNameOf(part.filename), size, open: () => fs.createReadStream(target) });
      });
    } catch (err) {
      cleanUp();
      throw err;
    }
    if (!fields) { cleanUp(); return uploadForm(reply, {}, [{ field: 'files', message: 'Select the return’s file' }]); }
    if (tooLarge) { cleanUp(); return uploadForm(reply, fields, [{ field: 'files', message: `The file must be smaller than ${MAX_UPLOAD / 1024 / 1024} MB` }]); }

    const problems = uploadProblems(fields, files);
    if (problems.length > 0) { cleanUp(); return uploadForm(reply, fields, problems); }
    const kind = fields.kind as ImportKind;
    const partnership = await findPartnershipById(db, pid(req));
    const importer: ReturnImporter = kind === 'cin' ? createCinImporter({ partnershipId: pid(req), laCode: partnership!.la_code })
      : kind === '903' ? create903Importer({ partnershipId: pid(req), collectionYear: Number(fields.year) - 1 })
        : createAnnexAImporter({ partnershipId: pid(req) });

    // The import goes on after this response; the browser follows it on the run's page.
    let runId: string | undefined;
    const started = new Promise<string>((resolve, reject) => {
      runImport(db, importer, {
        partnershipId: pid(req), files, importedBy: req.beaconSession!.user.email, strict: fields.strict === 'yes',
        onStarted: (id) => { runId = id; resolve(id); },
        onProgress: (p) => { if (runId) live.set(runId, p); },
      }).catch((err: Error) => { reject(err); req.log.info({ err: err.message }, 'import failed'); })
        .finally(() => { if (runId) live.delete(runId); cleanUp(); });
    });
    const id = await started;
    await req.audit({ action: 'return.import', recordType: 'import_run', recordId: id, detail: { kind, files: files.map((f) => f.name) } });
    return reply.redirect(`/returns/imports/${id}`, 303);
  });

  app.get('/returns/imports/:runId', { config: { access: 'return.import' } }, async (req, reply) => {
    const run = await runOr404(req);
    const byRule = run.outcome === 'running' ? [] : await issuesByRule(db, pid(req), run.id);
    const progress = live.get(run.id) ?? run.progress;
    return reply.view('returns/views/run.njk', {
      title: `${KINDS[run.kind]} import`, run, kindName: KINDS[run.kind], year: yearLabel(run.collection_year), byRule,
      counts: (run.counts as { counts?: Record<string, { created: number; updated: number; unchanged: number }> }).counts ?? {},
      progress, percent: progress.bytesTotal ? Math.floor((100 * (progress.bytesRead ?? 0)) / progress.bytesTotal) : 0,
    });
  });

  app.get('/returns/imports/:runId/progress', { config: { access: 'return.import' } }, async (req, reply) => {
    const run = await runOr404(req);
    return reply.send({ outcome: run.outcome, progress: live.get(run.id) ?? run.progress });
  });

  app.get('/returns/imports/:runId/issues', { config: { access: 'return.import' } }, async (req, reply) => {
    const run = await runOr404(req);
    const q = req.query as { rule?: string; child?: string; page?: string };
    const page = Math.max(1, Number.parseInt(q.page ?? '1', 10) || 1);
    const filter = { rule: q.rule?.slice(0, 20) || undefined, child: q.child?.slice(0, 40) || undefined };
    const { rows, total } = await issuesPage(db, pid(req), run.id, { ...filter, offset: (page - 1) * PAGE, limit: PAGE });
    await req.audit({ action: 'return.report', recordType: 'import_run', recordId: run.id, detail: { ...filter, page } });
    return reply.view('returns/views/issues.njk', {
      title: 'Validation findings', run, kindName: KINDS[run.kind], rows, total, page, pages: Math.max(1, Math.ceil(total / PAGE)), filter,
      query: (p: number) => new URLSearchParams({ ...(filter.rule ? { rule: filter.rule } : {}), ...(filter.child ? { child: filter.child } : {}), page: String(p) }).toString(),
    });
  });

  for (const format of ['csv', 'json'] as const) {
    app.get(`/returns/imports/:runId/issues.${format}`, { config: { access: 'return.import' } }, async (req, reply) => {
      const run = await runOr404(req);
      const issues = (await issuesOfRun(db, pid(req), run.id)).map(({ childId: _childId, ...i }) => i);
      await req.audit({ action: 'return.report_download', recordType: 'import_run', recordId: run.id, detail: { format } });
      const name = `validation-${run.kind}-${run.collection_year ?? 'unknown'}-${run.id.slice(0, 8)}.${format}`;
      reply.header('content-disposition', `attachment; filename="${name}"`);
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(issuesCsv(issues));
      return reply.type('application/json').send({ errors: run.errors, queries: run.queries, issues });
    });
  }
}


function uploadProblems(fields: Record<string, string>, files: ReturnFile[]): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const kind = fields.kind as ImportKind | undefined;
  if (!kind || !(kind in KINDS)) problems.push({ field: 'kind', message: 'Select the kind of return' });
  if (kind === '903' && !/^\d{4}$/.test(fields.year ?? '')) problems.push({ field: 'year', message: 'Enter the year the collection ends, for example 2025 for 2024-25' });
  if (files.length === 0) problems.push({ field: 'files', message: kind === '903' ? 'Select the return’s CSV files' : 'Select the return’s file' });
  else if (kind && kind !== '903' && files.length > 1) problems.push({ field: 'files', message: 'Select one file: a CIN census or Annex A return is a single file' });
  return problems;
}

/**
 * The name the run records: its last part (after a / or a \, as a Windows browser may send a whole path), without
 * control characters (the database keeps no NUL), its last 200 characters at most.
 */
// eslint-disable-next-line no-control-regex
const fileNameOf = (name: string) => name.split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').slice(-200);

const yearLabel = (year: number | null) => (year === null ? null : collectionYearLabel(year));
