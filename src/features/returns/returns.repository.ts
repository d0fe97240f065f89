import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { ReturnIssue } from './return-issue';
import { csvCell } from '../../platform/spreadsheet-safe';

/** Import runs and their findings, always within one partnership. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function listImportRuns(db: Db, partnershipId: number, limit = 50) {
  return db.selectFrom('import_run').selectAll().where('partnership_id', '=', partnershipId)
    .orderBy('started_at', 'desc').limit(limit).execute();
}

export async function importRunOf(db: Db, partnershipId: number, runId: string) {
  if (!UUID.test(runId)) return undefined;
  return db.selectFrom('import_run').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', runId).executeTakeFirst();
}

export type StoredIssue = ReturnIssue & { childId: string | null };

export async function issuesOfRun(db: Db, partnershipId: number, runId: string): Promise<StoredIssue[]> {
  const rows = await db.selectFrom('validation_issue').select(['rule', 'severity', 'la_child_id', 'child_id', 'location', 'message'])
    .where('partnership_id', '=', partnershipId).where('import_run_id', '=', runId).orderBy('id').execute();
  return rows.map((r) => ({ rule: r.rule, severity: r.severity, child: r.la_child_id, location: r.location, message: r.message, childId: r.child_id }));
}

/** Findings counted by rule, errors first, most frequent first. */
export async function issuesByRule(db: Db, partnershipId: number, runId: string) {
  return db.selectFrom('validation_issue')
    .select(['rule', 'severity', sql<string>`min(message)`.as('message'), sql<number>`count(*)::int`.as('findings'), sql<number>`count(distinct la_child_id)::int`.as('children')])
    .where('partnership_id', '=', partnershipId).where('import_run_id', '=', runId)
    .groupBy(['rule', 'severity']).orderBy('severity').orderBy(sql`count(*)`, 'desc').orderBy('rule').execute();
}

/** One page of findings, narrowed to a rule or a child if asked. */
export async function issuesPage(db: Db, partnershipId: number, runId: string, filter: { rule?: string; child?: string; offset: number; limit: number }) {
  let q = db.selectFrom('validation_issue').where('partnership_id', '=', partnershipId).where('import_run_id', '=', runId);
  if (filter.rule) q = q.where('rule', '=', filter.rule);
  if (filter.child) q = q.where('la_child_id', '=', filter.child);
  const [rows, total] = await Promise.all([
    q.select(['rule', 'severity', 'la_child_id', 'child_id', 'location', 'message']).orderBy('la_child_id').orderBy('id').offset(filter.offset).limit(filter.limit).execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: total.n };
}

const CSV_COLUMNS = ['rule', 'severity', 'child', 'location', 'message'] as const;

/** The findings as CSV, safe to open in a spreadsheet: a cell that could start a formula is made text. */
export function issuesCsv(issues: ReturnIssue[]): string {
  return [CSV_COLUMNS.join(','), ...issues.map((i) => CSV_COLUMNS.map((c) => csvCell(i[c])).join(','))].join('\r\n') + '\r\n';
}
