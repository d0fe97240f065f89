import type { Db } from '../../db/create-db';
import type { AgencyType } from '../../db/schema';
import type { ApprovalDecision } from '../../db/schema-annual-report';
import { EmailRefused, type Mailer } from '../../platform/email';
import { NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import { text, type Form } from '../../platform/forms';
import { emailsOfRole, periodText } from './annual-report.service';
import { ReportLocked, activeSections, type AnnualReport, type ReportSection } from './report.repository';

/**
 * The Executive's approval. The business manager sends the report once every section is accepted; each
 * statutory partner's member of the Executive approves it or asks for changes. It is approved when a member
 * for each of the three statutory partners has approved the text as sent. Asking for changes, or the
 * business manager taking it back, returns it to drafting and sets aside the decisions made on that text.
 */

/** The three statutory safeguarding partners (Children Act 2004, s16E), by the type of agency each is. */
export const STATUTORY_PARTNERS: { type: AgencyType; name: string; label: string }[] = [
  { type: 'local_authority', name: 'The local authority', label: 'the local authority' },
  { type: 'police', name: 'The police', label: 'the police' },
  { type: 'health', name: 'Health (the Integrated Care Board)', label: 'health' },
];

/** The report cannot go where it was asked to: it is not in the state the action needs. */
export class ApprovalRefused extends Error {
  readonly statusCode = 409;
}

/** The sections standing between the report and the Executive: each active section not yet accepted. */
export async function sectionsNotAccepted(db: Db, partnershipId: number, reportId: string): Promise<ReportSection[]> {
  return (await activeSections(db, partnershipId, reportId)).filter((s) => s.status !== 'accepted');
}

export class NotReadyToSend extends Error {
  readonly statusCode = 400;
  constructor(readonly sections: ReportSection[]) {
    super(sections.length ? 'Every section must be accepted before the report goes to the Executive' : 'The report has no sections');
  }
}

const lockReport = async (tx: Db, partnershipId: number, reportId: string): Promise<AnnualReport> => {
  const report = await tx.selectFrom('annual_report').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', reportId).forUpdate().executeTakeFirst();
  if (!report) throw new NotFound('Annual report not found', 'annual_report', reportId);
  return report;
};

async function emailEach(db: Db, mailer: Mailer, partnershipId: number, reportId: string, to: { email: string; name: string }[], subject: string, lines: (name: string) => string[]) {
  let sent = 0;
  for (const person of to) {
    try {
      await mailer.send(db, { to: person.email, subject, body: lines(person.name).join('\n'), partnershipId, record: { type: 'annual_report', id: reportId } });
      sent += 1;
    } catch (err) {
      if (!(err instanceof EmailRefused)) throw err;
    }
  }
  return sent;
}

const partnershipName = async (db: Db, partnershipId: number) =>
  (await db.selectFrom('partnership').select('name').where('id', '=', partnershipId).executeTakeFirstOrThrow()).name;

/** Sends the report to the Executive and emails each of its members a link to the approval page. */
export async function sendForApproval(db: Db, mailer: Mailer, partnershipId: number, reportId: string, version: string | undefined,
  by: { id: number; name: string }, now: Date, publicUrl: string): Promise<{ report: AnnualReport; emailed: number }> {
  const report = await db.transaction().execute(async (tx) => {
    const report = await lockReport(tx, partnershipId, reportId);
    if (report.status !== 'drafting') throw new ReportLocked(report.status);
    const waiting = await sectionsNotAccepted(tx, partnershipId, reportId);
    const active = await activeSections(tx, partnershipId, reportId);
    if (waiting.length > 0 || active.length === 0) throw new NotReadyToSend(waiting);
    if (version !== undefined && version !== String(report.version)) {
      throw new ApprovalRefused('Someone changed this report since you opened the page. Nothing was sent: check the report and send it again.');
    }
    const updated = await tx.updateTable('annual_report').set({ status: 'awaiting_approval', sent_for_approval_at: now, updated_at: now, version: report.version + 1 })
      .where('id', '=', reportId).returningAll().executeTakeFirstOrThrow();
    await tx.insertInto('report_event').values({ partnership_id: partnershipId, report_id: reportId, kind: 'sent_for_approval', by_user_id: by.id, at: now }).execute();
    return updated;
  });
  const name = await partnershipName(db, partnershipId);
  const emailed = await emailEach(db, mailer, partnershipId, reportId, await emailsOfRole(db, partnershipId, 'executive'),
    `${report.title}: for the Executive’s approval`, (to) => [
      `Dear ${to},`, '',
      `${by.name} has sent ${name}’s ${report.title} (${periodText(report.period_from, report.period_to)}) to the Executive for approval.`,
      'Read the report and record your decision in Beacon:', `${publicUrl}/reports/annual/${reportId}/approval`, '', name,
    ]);
  return { report, emailed };
}

export type ApprovalRow = {
  id: number; userId: number; name: string; agency: string | null; agencyType: AgencyType | null; decision: ApprovalDecision;
  comment: string | null; decidedAt: Date; superseded: boolean;
};

export async function approvals(db: Db, partnershipId: number, reportId: string): Promise<ApprovalRow[]> {
  const rows = await db.selectFrom('report_approval as a').innerJoin('app_user as u', 'u.id', 'a.user_id').leftJoin('agency as g', 'g.id', 'a.agency_id')
    .select(['a.id', 'a.user_id', 'u.name', 'g.name as agency', 'g.type as agencyType', 'a.decision', 'a.comment', 'a.decided_at', 'a.superseded_at'])
    .where('a.partnership_id', '=', partnershipId).where('a.report_id', '=', reportId).orderBy('a.decided_at', 'desc').orderBy('a.id', 'desc').execute();
  return rows.map((r) => ({
    id: r.id, userId: r.user_id, name: r.name, agency: r.agency, agencyType: r.agencyType, decision: r.decision, comment: r.comment,
    decidedAt: new Date(r.decided_at), superseded: r.superseded_at !== null,
  }));
}

/** The statutory partners no member has yet approved for, on the text as sent. */
export function partnersStillToApprove(current: ApprovalRow[]): typeof STATUTORY_PARTNERS {
  const approved = new Set(current.filter((a) => !a.superseded && a.decision === 'approved').map((a) => a.agencyType));
  return STATUTORY_PARTNERS.filter((p) => !approved.has(p.type));
}

export type Decision = { decision: ApprovalDecision; comment: string | null };

export function parseDecision(form: Form): Decision {
  const errors: FieldError[] = [];
  const decision = text(form, 'decision');
  const comment = text(form, 'comment');
  if (decision !== 'approved' && decision !== 'changes_requested') errors.push({ field: 'decision', message: 'Choose whether you approve the report or ask for changes' });
  if (decision === 'changes_requested' && !comment) errors.push({ field: 'comment', message: 'Say what needs to change' });
  if (comment.length > 5000) errors.push({ field: 'comment', message: 'The comment must be 5,000 characters or fewer' });
  if (errors.length) throw new ValidationFailed(errors);
  return { decision: decision as ApprovalDecision, comment: comment || null };
}

/**
 * Records a member's decision on the report as sent. Asking for changes returns it to drafting; the third
 * statutory partner's approval approves it. One decision per member per sending.
 */
export async function recordDecision(db: Db, mailer: Mailer, partnershipId: number, reportId: string, input: Decision,
  by: { id: number; name: string; agencyId: number }, now: Date, publicUrl: string): Promise<{ report: AnnualReport; stillToApprove: typeof STATUTORY_PARTNERS }> {
  const { report, stillToApprove } = await db.transaction().execute(async (tx) => {
    const report = await lockReport(tx, partnershipId, reportId);
    if (report.status !== 'awaiting_approval') {
      throw new ApprovalRefused(report.status === 'approved' ? 'The Executive has already approved this report.' : 'This report has not been sent to the Executive: there is nothing to decide yet.');
    }
    const mine = await tx.selectFrom('report_approval').select('id').where('partnership_id', '=', partnershipId).where('report_id', '=', reportId)
      .where('user_id', '=', by.id).where('superseded_at', 'is', null).executeTakeFirst();
    if (mine) throw new ApprovalRefused('You have already recorded your decision on the report as it was sent.');
    await tx.insertInto('report_approval').values({
      partnership_id: partnershipId, report_id: reportId, user_id: by.id, agency_id: by.agencyId, decision: input.decision, comment: input.comment, decided_at: now,
    }).execute();
    if (input.decision === 'changes_requested') {
      await tx.updateTable('report_approval').set({ superseded_at: now }).where('partnership_id', '=', partnershipId).where('report_id', '=', reportId)
        .where('superseded_at', 'is', null).execute();
      await tx.insertInto('report_event').values({ partnership_id: partnershipId, report_id: reportId, kind: 'changes_requested', reason: input.comment, by_user_id: by.id, at: now }).execute();
      const updated = await tx.updateTable('annual_report').set({ status: 'drafting', updated_at: now, version: report.version + 1 })
        .where('id', '=', reportId).returningAll().executeTakeFirstOrThrow();
      return { report: updated, stillToApprove: STATUTORY_PARTNERS };
    }
    const still = partnersStillToApprove(await approvals(tx, partnershipId, reportId));
    if (still.length > 0) return { report, stillToApprove: still };
    const updated = await tx.updateTable('annual_report').set({ status: 'approved', approved_at: now, updated_at: now, version: report.version + 1 })
      .where('id', '=', reportId).returningAll().executeTakeFirstOrThrow();
    await tx.insertInto('report_event').values({ partnership_id: partnershipId, report_id: reportId, kind: 'approved', by_user_id: by.id, at: now }).execute();
    return { report: updated, stillToApprove: [] };
  });
  if (input.decision === 'changes_requested' || report.status === 'approved') {
    const name = await partnershipName(db, partnershipId);
    const subject = input.decision === 'changes_requested' ? `${report.title}: the Executive asks for changes` : `${report.title}: approved by the Executive`;
    await emailEach(db, mailer, partnershipId, reportId, await emailsOfRole(db, partnershipId, 'business_manager'), subject, (to) => [
      `Dear ${to},`, '',
      input.decision === 'changes_requested'
        ? `${by.name} has asked for changes to ${name}’s ${report.title}. It is back with you for drafting; their comment is in the report’s history in Beacon:`
        : `The Executive has approved ${name}’s ${report.title}. Its history in Beacon:`,
      `${publicUrl}/reports/annual/${reportId}/history`, '', name,
    ]);
  }
  return { report, stillToApprove };
}

/**
 * Takes the report back into drafting, with a reason: from the Executive while they are deciding, or, for a
 * correction, once approved. Either way the decisions made on the text as sent are set aside, and the
 * corrected report needs the Executive's approval again.
 */
export async function reopenReport(db: Db, partnershipId: number, reportId: string, form: Form, userId: number, now: Date): Promise<AnnualReport> {
  const reason = text(form, 'reason');
  if (!reason) throw new ValidationFailed([{ field: 'reason', message: 'Say why the report is being taken back' }]);
  if (reason.length > 2000) throw new ValidationFailed([{ field: 'reason', message: 'The reason must be 2,000 characters or fewer' }]);
  return db.transaction().execute(async (tx) => {
    const report = await lockReport(tx, partnershipId, reportId);
    if (report.status === 'drafting') throw new ApprovalRefused('The report is already being drafted.');
    await tx.updateTable('report_approval').set({ superseded_at: now }).where('partnership_id', '=', partnershipId).where('report_id', '=', reportId)
      .where('superseded_at', 'is', null).execute();
    await tx.insertInto('report_event').values({ partnership_id: partnershipId, report_id: reportId, kind: 'reopened', reason, by_user_id: userId, at: now }).execute();
    return tx.updateTable('annual_report').set({ status: 'drafting', approved_at: null, updated_at: now, version: report.version + 1 })
      .where('id', '=', reportId).returningAll().executeTakeFirstOrThrow();
  });
}
