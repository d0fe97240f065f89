import type { ReportDocument } from '../../domain/annual-report';
import { longDate } from '../dashboard/periods';
import { DEFAULT_SUPPRESSION } from '../indicators/suppression';

/**
 * What every output of the annual report says about itself, worded once so the HTML page, the Word
 * document and the PDF never disagree: the period, the edition, whether it is a draft, its file name.
 */

export type OutputFormat = 'html' | 'docx' | 'pdf';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['html', 'docx', 'pdf'];

export const CONTENT_TYPES: Record<OutputFormat, string> = {
  html: 'text/html; charset=utf-8',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
};

/** 1 April 2025 to 31 March 2026 */
export function periodText(doc: ReportDocument): string {
  return `${longDate(doc.period.from)} to ${longDate(doc.period.to)}`;
}

/** Who may read this version, and what the public version hides. */
export function editionText(doc: ReportDocument): string {
  const { threshold, symbol } = DEFAULT_SUPPRESSION;
  return doc.edition === 'public'
    ? `Public version: numbers from 1 to ${threshold} are shown as ${symbol}, and no child or family can be identified.`
    : 'Internal version, for the partnership’s members only: exact figures, with the sections still being written. Do not publish.';
}

/** Said on the title page and in every page's footer. */
export function statusText(doc: ReportDocument): string {
  return doc.status === 'approved' && doc.approvedOn
    ? `Approved by the Executive on ${longDate(doc.approvedOn)}`
    : 'Draft: not yet approved by the Executive';
}

export function generatedText(doc: ReportDocument): string {
  return `Produced by Beacon on ${longDate(doc.generatedAt.slice(0, 10))}`;
}

// Words that name every partnership alike: the file is named by the place ("northmere").
const GENERIC = new Set(['safeguarding', 'children', 'childrens', 'children’s', 'partnership', 'the', 'and', 'of', 'for', 'scp', 'lscp']);

/** northmere-annual-report-2025-26-public.docx; a period other than a financial year gives both dates. */
export function outputFileName(doc: ReportDocument, format: OutputFormat): string {
  const words = doc.partnership.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').split(/[^a-z0-9’]+/).filter(Boolean);
  const place = words.filter((w) => !GENERIC.has(w)).join('-').replace(/’/g, '') || 'partnership';
  const { from, to } = doc.period;
  const financialYear = from.endsWith('-04-01') && to.endsWith('-03-31') && Number(to.slice(0, 4)) === Number(from.slice(0, 4)) + 1;
  const period = financialYear ? `${from.slice(0, 4)}-${to.slice(2, 4)}` : `${from}-to-${to}`;
  return `${place}-annual-report-${period}-${doc.edition}.${format}`;
}
