import { ACTION_RAG_LABELS, ACTION_SOURCES, ACTION_STATUSES, LEARNING_THEMES, isLearningTheme } from '../../domain/assurance';
import { csvCell } from '../../platform/spreadsheet-safe';
import type { TrackerRow } from './tracker.service';

/**
 * The tracker as files. The export for other systems (`beacon export actions`) has fixed columns and
 * codes, which stay the same whatever the labels say: source and status as Beacon's codes (review, audit,
 * section_11, inspection, meeting, challenge, other; open, in_progress, completed, cancelled), due as
 * YYYY-MM-DD, rag as blue, red, amber, green or none. The download from the tracker is for people: the
 * same actions with labels and the group and themes beside them.
 */

export const EXPORT_COLUMNS = ['source', 'reference', 'action', 'owner_agency', 'owner', 'due', 'status', 'rag'] as const;
export type ExportRecord = Record<(typeof EXPORT_COLUMNS)[number], string>;

export function exportRecords(rows: TrackerRow[]): ExportRecord[] {
  return rows.map((r) => ({
    source: r.source, reference: r.reference, action: r.description, owner_agency: r.ownerAgency, owner: r.owner ?? '',
    due: r.dueDate, status: r.status, rag: r.rag,
  }));
}

const lines = (rows: (string | null)[][]) => `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;

export function exportCsv(rows: TrackerRow[]): string {
  return lines([[...EXPORT_COLUMNS], ...exportRecords(rows).map((r) => EXPORT_COLUMNS.map((c) => r[c]))]);
}

export function trackerCsv(rows: TrackerRow[]): string {
  return lines([
    ['Reference', 'Source', 'Action', 'Owner agency', 'Owner', 'Group', 'Learning themes', 'Due', 'Status', 'RAG'],
    ...rows.map((r) => [
      r.reference, ACTION_SOURCES[r.source], r.description, r.ownerAgency, r.owner, r.group,
      r.themes.map((t) => (isLearningTheme(t) ? LEARNING_THEMES[t] : t)).join('; '), r.dueDate, ACTION_STATUSES[r.status], ACTION_RAG_LABELS[r.rag],
    ]),
  ]);
}
