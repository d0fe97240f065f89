import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/deps';
import { NotFound } from '../../platform/errors';
import { formErrors } from '../../platform/forms';
import { listAgencies } from '../agencies/agencies.service';
import { PartnerDataInvalid, PartnerDataUnreadable, formatCsvError, templateCsv } from './partner-data.csv';
import { listSets, setOf } from './partner-data.repository';
import { importPartnerCsv, periodEndProblem } from './partner-data.service';
import { partnerMeasureSentence } from './narrative';
import { readMultipartForm } from '../../platform/multipart';

/**
 * Partner data in the browser: the sets loaded, an agency's CSV uploaded for a period end (with a
 * template to fill in), and each set's tables with the sentence the annual report would say of each row.
 */

const MAX_UPLOAD = 1024 * 1024;
/** The error summary lists this many row problems; a file with more is usually the wrong file. */
const SHOWN_ERRORS = 50;

type Problem = { field: string; message: string };

export async function partnerDataRoutes(app: FastifyInstance, { db, now }: AppDeps) {
  // The returns' pages may have registered multipart already; its limits are set per request below.
  if (!app.hasPlugin('@fastify/multipart')) await app.register(fastifyMultipart);
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;
  const access = 'partner_data.upload' as const;

  app.get('/partner-data', { config: { access } }, async (req, reply) =>
    reply.view('partner-data/views/index.njk', { title: 'Partner data', sets: await listSets(db, pid(req)) }));

  app.get('/partner-data/template.csv', { config: { access } }, async (_req, reply) =>
    reply.header('content-disposition', 'attachment; filename="partner-data-template.csv"').type('text/csv; charset=utf-8').send(templateCsv()));

  const uploadForm = async (req: FastifyRequest, reply: FastifyReply, values: Record<string, string>, problems?: Problem[]) => {
    const agencies = await listAgencies(db, pid(req));
    return reply.code(problems ? 400 : 200).view('partner-data/views/upload.njk', {
      title: 'Upload partner data', values, agencies, errors: problems ? formErrors(problems) : undefined,
      rowProblems: problems?.filter((p) => p.field === 'file').map((p) => p.message) ?? [],
    });
  };

  app.get('/partner-data/upload', { config: { access } }, async (req, reply) => uploadForm(req, reply, {}));

  // A multipart body is read as a stream: the CSRF token (the form's first field) is checked before the file is read.
  app.post('/partner-data/upload', { config: { access, csrf: false } }, async (req, reply) => {
    // Set by the file handler below, which TypeScript cannot follow: hence the cast.
    let file = null as { name: string; bytes: Buffer } | null;
    let tooLarge = false;
    const fields = await readMultipartForm(app, req, reply, async (part) => {
      try {
        // Kept by its last part, without control characters (the database keeps no NUL), its last 200 characters at most.
        // eslint-disable-next-line no-control-regex
        file = { name: part.filename.split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').slice(-200), bytes: await part.toBuffer() };
      } catch (err) {
        if ((err as { code?: string }).code !== 'FST_REQ_FILE_TOO_LARGE') throw err;
        tooLarge = true;
      }
    }, { fileSize: MAX_UPLOAD, files: 1, fields: 10, fieldSize: 1000 });
    if (!fields) return uploadForm(req, reply, {}, [{ field: 'file', message: 'Select the CSV file' }]);

    const today = now().toISOString().slice(0, 10);
    const agencies = await listAgencies(db, pid(req));
    const agency = agencies.find((a) => String(a.id) === fields.agency);
    const periodEnd = dateOf(fields);
    const problems: Problem[] = [];
    if (!agency) problems.push({ field: 'agency', message: 'Select the agency the figures are from' });
    const periodProblem = periodEnd === null ? 'Enter the last day of the 12 months the figures are for' : periodEndProblem(periodEnd, today);
    if (periodProblem) problems.push({ field: 'periodEnd-day', message: periodProblem });
    if (tooLarge) problems.push({ field: 'file', message: `The file must be smaller than ${MAX_UPLOAD / 1024 / 1024} MB` });
    else if (!file || file.bytes.length === 0) problems.push({ field: 'file', message: 'Select the CSV file' });
    if (problems.length > 0) return uploadForm(req, reply, fields, problems);

    try {
      const result = await importPartnerCsv(db, {
        partnershipId: pid(req), agencyId: agency!.id, periodEnd: periodEnd!, fileName: file!.name, bytes: file!.bytes,
        uploadedBy: req.beaconSession!.user.email, now: now(),
      });
      await req.audit({ action: 'partner_data.import', recordType: 'partner_data_set', recordId: result.setId, detail: { agency: agency!.name, periodEnd, rows: result.rows } });
      reply.flash(`${result.replaced ? 'Replaced' : 'Loaded'} ${agency!.name}’s figures: ${result.tables} table${result.tables === 1 ? '' : 's'}, ${result.rows} row${result.rows === 1 ? '' : 's'}.`);
      return reply.redirect(`/partner-data/${result.setId}`, 303);
    } catch (err) {
      if (err instanceof PartnerDataUnreadable) return uploadForm(req, reply, fields, [{ field: 'file', message: `${err.message}. Nothing was loaded.` }]);
      if (!(err instanceof PartnerDataInvalid)) throw err;
      const shown = err.errors.slice(0, SHOWN_ERRORS).map((e) => ({ field: 'file', message: capitalise(formatCsvError(e)) }));
      if (err.errors.length > SHOWN_ERRORS) shown.push({ field: 'file', message: `And ${err.errors.length - SHOWN_ERRORS} more problems` });
      return uploadForm(req, reply, fields, shown);
    }
  });

  app.get('/partner-data/:setId', { config: { access } }, async (req, reply) => {
    const { setId } = req.params as { setId: string };
    const set = await setOf(db, pid(req), setId);
    if (!set) throw new NotFound('No such partner data', 'partner_data_set', setId);
    const tables = set.tables.map((t) => ({ ...t, sentences: t.rows.map((r) => partnerMeasureSentence(r.measure, r.current, r.previous)) }));
    return reply.view('partner-data/views/set.njk', { title: `${set.agency}: the 12 months to ${longDate(set.period_end)}`, set, tables });
  });
}


/** The GOV.UK date input's three boxes as an ISO date; null when empty; 'invalid' when they make no date. */
function dateOf(fields: Record<string, string>): string | null {
  const [d, m, y] = ['day', 'month', 'year'].map((k) => (fields[`periodEnd-${k}`] ?? '').trim());
  if (!d && !m && !y) return null;
  if (!/^\d{1,2}$/.test(d!) || !/^\d{1,2}$/.test(m!) || !/^\d{4}$/.test(y!)) return 'invalid';
  return `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
}

const longDate = (iso: string) => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
