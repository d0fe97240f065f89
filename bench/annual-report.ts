import { performance } from 'node:perf_hooks';
import { migrateToLatest } from '../src/db/migrate';
import { DEMO_LA_CODE, seedDemo } from '../src/db/seed/demo';
import type { Edition, ReportDocument } from '../src/domain/annual-report';
import { assembleReport } from '../src/features/report-output/assemble';
import { renderDocx } from '../src/features/report-output/docx';
import { renderHtml } from '../src/features/report-output/html';
import { renderPdf } from '../src/features/report-output/pdf';
import type { OutputFormat } from '../src/features/report-output/wording';
import { openDb } from './lib/children-data';
import type { DbEnv } from './lib/server';
import { median, round } from './lib/util';

/**
 * The demo partnership's annual report, as `beacon report annual` and the download links make it: the
 * report being drafted for the last financial year assembled (every data section generated from the
 * records, the written sections' latest text, the children's views chosen), then rendered as HTML, DOCX
 * and PDF. The first assembly is timed on its own (nothing cached), then the median of the repeats.
 */

export type AnnualReportResult = {
  dialect: 'pglite' | 'postgres';
  children: number;
  period: { from: string; to: string };
  sections: number;
  seedMs: number;
  assembleMs: Record<Edition, { firstMs: number; medianMs: number }>;
  /** Rendering the internal version; `totalMs` is the median assembly plus the median rendering, as one download takes. */
  render: { format: OutputFormat; medianMs: number; bytes: number; pages: number | null; totalMs: number }[];
};

const RENDERERS: Record<OutputFormat, (doc: ReportDocument) => Promise<string | Buffer>> = {
  html: async (doc) => renderHtml(doc),
  docx: renderDocx,
  pdf: renderPdf,
};

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: round(performance.now() - started, 0), value };
}

export async function annualReportBench(opts: { dialect: 'pglite' | 'postgres'; db: DbEnv; children: number; repeats: number; log: (line: string) => void }): Promise<AnnualReportResult> {
  const handle = await openDb(opts.db);
  try {
    const db = handle.db;
    await migrateToLatest(db);
    const seeded = await timed(() => seedDemo(db, { children: opts.children }));
    const partnershipId = seeded.value.partnershipId;
    const report = await db.selectFrom('annual_report').select(['period_from', 'period_to']).where('partnership_id', '=', partnershipId)
      .orderBy('period_to', 'desc').executeTakeFirst();
    if (!report) throw new Error(`The demo partnership (${DEMO_LA_CODE}) has no annual report`);
    const period = { from: report.period_from, to: report.period_to };
    opts.log(`  demo seeded (${opts.children} children) in ${(seeded.ms / 1000).toFixed(1)} s; the report for ${period.from} to ${period.to}`);

    const assemble = (edition: Edition) => assembleReport(db, { partnershipId, ...period, edition, now: new Date() });
    const assembleMs = {} as AnnualReportResult['assembleMs'];
    let doc: ReportDocument | null = null;
    for (const edition of ['internal', 'public'] as const) {
      const first = await timed(() => assemble(edition));
      const runs: number[] = [];
      for (let i = 0; i < opts.repeats; i++) runs.push((await timed(() => assemble(edition))).ms);
      assembleMs[edition] = { firstMs: first.ms, medianMs: median(runs) };
      if (edition === 'internal') doc = first.value;
    }
    opts.log(`  assembled ${doc!.sections.length} sections: internal ${assembleMs.internal.medianMs} ms, public ${assembleMs.public.medianMs} ms (median)`);

    const render: AnnualReportResult['render'] = [];
    for (const format of ['html', 'docx', 'pdf'] as const) {
      const runs: number[] = [];
      let body: string | Buffer = '';
      for (let i = 0; i < opts.repeats; i++) {
        const r = await timed(() => RENDERERS[format](doc!));
        runs.push(r.ms);
        body = r.value;
      }
      const pages = format === 'pdf' ? (body as Buffer).toString('latin1').match(/\/Type \/Page\b/g)?.length ?? 0 : null;
      const medianMs = median(runs);
      render.push({ format, medianMs, bytes: Buffer.byteLength(body), pages, totalMs: assembleMs.internal.medianMs + medianMs });
      opts.log(`  ${format}: ${medianMs} ms, ${Math.round(Buffer.byteLength(body) / 1024)} KB${pages === null ? '' : `, ${pages} pages`}`);
    }
    return { dialect: opts.dialect, children: opts.children, period, sections: doc!.sections.length, seedMs: seeded.ms, assembleMs, render };
  } finally {
    await handle.close();
  }
}
