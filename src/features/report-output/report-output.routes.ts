import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Edition } from '../../domain/annual-report';
import { findReport } from '../annual-report/report.repository';
import type { AppDeps } from '../../platform/deps';
import { ValidationFailed } from '../../platform/errors';
import { assembleReport } from './assemble';
import { renderDocx } from './docx';
import { reportArticle, renderHtml } from './html';
import { renderPdf } from './pdf';
import { CONTENT_TYPES, OUTPUT_FORMATS, outputFileName, type OutputFormat } from './wording';

const EDITIONS: readonly Edition[] = ['public', 'internal'];
const FORMAT_NAMES: Record<OutputFormat, string> = { html: 'Web page (HTML)', docx: 'Word document (DOCX)', pdf: 'PDF' };

type Query = { format?: string; edition?: string };

function editionOf(value: string | undefined, fallback?: Edition): Edition {
  if (value === undefined && fallback) return fallback;
  if (!EDITIONS.includes(value as Edition)) throw new ValidationFailed([{ field: 'edition', message: 'The edition must be public or internal' }]);
  return value as Edition;
}

/**
 * The report as its readers will have it: a preview of the document inside Beacon, and downloads of
 * either version in any of the three formats. Each is assembled afresh from the report as it stands, and
 * each read is in the audit log: the internal version carries exact figures.
 */
export async function reportOutputRoutes(app: FastifyInstance, { db, now }: AppDeps) {
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;

  const documentOf = async (req: FastifyRequest, id: string, edition: Edition) => {
    const report = await findReport(db, pid(req), id);
    return { report, doc: await assembleReport(db, { partnershipId: pid(req), from: report.period_from, to: report.period_to, edition, now: now() }) };
  };

  app.get('/reports/annual/:id/preview', { config: { access: 'report.view' } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const edition = editionOf((req.query as Query).edition, 'internal');
    const { report, doc } = await documentOf(req, id, edition);
    await req.audit({ action: 'annual_report.preview', recordType: 'annual_report', recordId: report.id, detail: { edition } });
    const other: Edition = edition === 'internal' ? 'public' : 'internal';
    return reply.header('cache-control', 'private, no-store').view('report-output/views/preview.njk', {
      title: `Preview: ${doc.title}${edition === 'public' ? ' (public version)' : ''}`,
      report, edition, other, article: reportArticle(doc),
      downloads: EDITIONS.map((e) => ({
        edition: e,
        links: OUTPUT_FORMATS.map((f) => ({ format: f, text: FORMAT_NAMES[f], href: `/reports/annual/${report.id}/download?format=${f}&edition=${e}`, fileName: outputFileName({ ...doc, edition: e }, f) })),
      })),
    });
  });

  app.get('/reports/annual/:id/download', { config: { access: 'report.view' } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const query = req.query as Query;
    const format = query.format as OutputFormat;
    if (!OUTPUT_FORMATS.includes(format)) throw new ValidationFailed([{ field: 'format', message: 'The format must be html, docx or pdf' }]);
    const edition = editionOf(query.edition);
    const { report, doc } = await documentOf(req, id, edition);
    const body = format === 'html' ? renderHtml(doc) : format === 'docx' ? await renderDocx(doc) : await renderPdf(doc);
    await req.audit({ action: 'annual_report.download', recordType: 'annual_report', recordId: report.id, detail: { edition, format } });
    return reply
      .header('content-disposition', `attachment; filename="${outputFileName(doc, format)}"`)
      .header('cache-control', 'private, no-store')
      .type(CONTENT_TYPES[format])
      .send(body);
  });
}
