import type { Selectable } from 'kysely';
import type { Db } from '../../db/create-db';
import type { AnnualReportTable, ReportSectionTable, SentenceEdits } from '../../db/schema-annual-report';
import { NotFound } from '../../platform/errors';

export type AnnualReport = Selectable<AnnualReportTable>;
export type ReportSection = Selectable<ReportSectionTable>;

/** Editing a report the Executive has before it, or has approved: its text must stay what they read. */
export class ReportLocked extends Error {
  readonly statusCode = 409;
  constructor(readonly status: AnnualReport['status']) {
    super(status === 'approved'
      ? 'The Executive has approved this report, so it can no longer be changed.'
      : 'This report is with the Executive for approval, so it cannot be changed. The business manager can take it back.');
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The partnership's report, or NotFound: another partnership's report does not exist here. */
export async function findReport(db: Db, partnershipId: number, id: string): Promise<AnnualReport> {
  const report = UUID.test(id)
    ? await db.selectFrom('annual_report').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst()
    : undefined;
  if (!report) throw new NotFound('Annual report not found', 'annual_report', id);
  return report;
}

export async function findReportForPeriod(db: Db, partnershipId: number, from: string, to: string): Promise<AnnualReport | undefined> {
  return db.selectFrom('annual_report').selectAll()
    .where('partnership_id', '=', partnershipId).where('period_from', '=', from).where('period_to', '=', to).executeTakeFirst();
}

export function assertEditable(report: AnnualReport): void {
  if (report.status !== 'drafting') throw new ReportLocked(report.status);
}

/** The report's sections in order, removed ones left out. */
export async function activeSections(db: Db, partnershipId: number, reportId: string): Promise<ReportSection[]> {
  return db.selectFrom('report_section').selectAll()
    .where('partnership_id', '=', partnershipId).where('report_id', '=', reportId).where('removed_at', 'is', null)
    .orderBy('position').orderBy('id').execute();
}

/** One section of the report (removed or not), or NotFound. */
export async function findSection(db: Db, partnershipId: number, reportId: string, sectionId: string): Promise<ReportSection> {
  const id = /^\d{1,9}$/.test(sectionId) ? Number(sectionId) : null;
  const section = id === null ? undefined : await db.selectFrom('report_section').selectAll()
    .where('partnership_id', '=', partnershipId).where('report_id', '=', reportId).where('id', '=', id).executeTakeFirst();
  if (!section) throw new NotFound('Report section not found', 'report_section', sectionId);
  return section;
}

/** The latest saved version of each of the sections: a written section's text, a data section's edits. */
export type LatestVersion = { section_id: number; number: number; body: string | null; sentence_edits: SentenceEdits | null };

export async function latestVersions(db: Db, partnershipId: number, sectionIds: number[]): Promise<Map<number, LatestVersion>> {
  if (sectionIds.length === 0) return new Map();
  const rows = await db.selectFrom('report_section_version').select(['section_id', 'number', 'body', 'sentence_edits'])
    .distinctOn('section_id')
    .where('partnership_id', '=', partnershipId).where('section_id', 'in', sectionIds)
    .orderBy('section_id').orderBy('number', 'desc').execute();
  return new Map(rows.map((r) => [r.section_id, r]));
}
