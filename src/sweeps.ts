import type { Db } from './db/create-db';
import { remindActions } from './features/actions/reminders.service';
import { remindAuditSections } from './features/audits/reminders.service';
import { remindOverdueChallenges } from './features/governance/challenges.service';
import { escalateOverdueChecks } from './features/mash/mash.service';
import { sendReviewReminders } from './features/reviews/reminders.service';
import { section11Sweep } from './features/section11/reminders.service';
import { remindBookings } from './features/training/booking.service';
import { sendTrainingSurveys } from './features/training-evaluation/evaluation.service';
import type { AuditEntry } from './platform/audit';
import type { Mailer } from './platform/email';

/**
 * The scheduled work: each sweep finds what has fallen due, emails the people who must act, and marks it
 * so that running it again (each minute or hour from the server, or by hand or from cron through the
 * CLI) sends nothing twice. The server and the CLI run the same sweeps; each says who ran it in the audit log.
 */
export type SweepContext = {
  db: Db;
  mailer: Mailer;
  now: Date;
  publicUrl: string;
  mailFrom: string;
  /** One partnership only, for the sweeps that a person may run for their own. */
  partnershipId?: number;
};

/** What a run did: its audit entries (without who ran it), its report for `--format json`, and for people. */
export type SweepOutcome = {
  done: number;
  audit: Omit<AuditEntry, 'outcome' | 'userEmail'>[];
  json: Record<string, unknown>;
  text: string;
};

export type Sweep = { everyMs: number; run(ctx: SweepContext): Promise<SweepOutcome> };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export const SWEEPS = {
  // Overdue MASH checks escalated each minute; each check once.
  mashEscalation: {
    everyMs: MINUTE,
    async run({ db, mailer, now, publicUrl }) {
      const escalated = await escalateOverdueChecks(db, mailer, now, { publicUrl });
      return {
        done: escalated.length,
        audit: escalated.map((e) => ({ action: 'agency_check.escalate', partnershipId: e.partnershipId, recordType: 'agency_check', recordId: e.checkId, detail: { emails: e.emailed.length } })),
        json: { escalated: escalated.map((e) => ({ check: e.checkId, enquiry: e.enquiryId, agency: e.agency, rag: e.rag, due_at: e.dueAt.toISOString(), emailed: e.emailed.length })) },
        text: escalated.length === 0 ? 'No overdue checks to escalate'
          : [`Escalated ${escalated.length} overdue ${escalated.length === 1 ? 'check' : 'checks'}:`,
            ...escalated.map((e) => `  ${e.agency}, ${e.rag}, due ${e.dueAt.toISOString()}: ${plural(e.emailed.length, 'email')}`)].join('\n'),
      };
    },
  },
  // The National Panel's timescales: the business managers hear once at one working day left and once when overdue.
  reviewReminders: {
    everyMs: 15 * MINUTE,
    async run({ db, mailer, now, publicUrl }) {
      const sent = await sendReviewReminders(db, mailer, now, { publicUrl });
      return {
        done: sent.length,
        audit: sent.map((s) => ({ action: 'review.remind', partnershipId: s.partnershipId, recordType: 'review', recordId: s.reviewId, detail: { clock: s.clock, state: s.state, emails: s.emailed.length } })),
        json: { reminders: sent.map((s) => ({ review: s.reviewId, reference: s.reference, clock: s.clock, state: s.state, due: s.due, emailed: s.emailed.length })) },
        text: sent.length === 0 ? 'No reminders to send'
          : [`Sent ${plural(sent.length, 'reminder')}:`,
            ...sent.map((s) => `  ${s.reference}, ${s.clock === 'notification' ? 'notification' : 'rapid review'} due ${s.due}, ${s.countdown}: ${plural(s.emailed.length, 'email')}`)].join('\n'),
      };
    },
  },
  // Overdue and due-soon actions' owners reminded; each action at most once in 7 days.
  actionReminders: {
    everyMs: HOUR,
    async run({ db, mailer, now, publicUrl, partnershipId }) {
      const run = await remindActions(db, mailer, now, { publicUrl, partnershipId });
      const overdue = run.reminded.filter((r) => r.kind === 'overdue').length;
      return {
        done: run.reminded.length,
        audit: run.reminded.map((r) => ({ action: 'action.remind', partnershipId: r.partnershipId, recordType: 'action', recordId: r.actionId, detail: { kind: r.kind, emails: r.emailed.length } })),
        json: {
          reminded: run.reminded.map((r) => ({ action: r.actionId, reference: r.reference, kind: r.kind, due: r.dueDate, emailed: r.emailed })),
          emails: run.emails.map((e) => ({ to: e.to, actions: e.actions })),
          no_one_to_remind: run.noOneToRemind.map((n) => ({ action: n.actionId, reference: n.reference })),
        },
        text: [
          run.reminded.length === 0 ? 'No actions to remind anyone of'
            : `Reminded ${plural(run.emails.length, 'person', 'people')} of ${plural(run.reminded.length, 'action')} (${overdue} overdue, ${run.reminded.length - overdue} due within 7 days):`,
          ...run.emails.map((e) => `  ${e.to}: ${plural(e.actions, 'action')}`),
          ...(run.noOneToRemind.length ? [`No owner or agency safeguarding lead to remind for: ${run.noOneToRemind.map((n) => n.reference).join(', ')}`] : []),
        ].join('\n'),
      };
    },
  },
  // Overdue responses to challenges; each challenge once.
  challengeReminders: {
    everyMs: HOUR,
    async run({ db, mailer, now, publicUrl }) {
      const reminded = await remindOverdueChallenges(db, mailer, now, { publicUrl });
      return {
        done: reminded.length,
        audit: reminded.map((r) => ({ action: 'challenge.remind', partnershipId: r.partnershipId, recordType: 'challenge', recordId: r.challengeId, detail: { emails: r.emailed.length } })),
        json: { reminded: reminded.map((r) => ({ challenge: r.challengeId, reference: r.reference, agency: r.toAgency, response_due: r.responseDue, emailed: r.emailed.length })) },
        text: reminded.length === 0 ? 'No overdue challenge responses to remind'
          : [`Reminded ${reminded.length} overdue ${reminded.length === 1 ? 'response' : 'responses'}:`,
            ...reminded.map((r) => `  ${r.reference} to ${r.toAgency}, due ${r.responseDue}: ${plural(r.emailed.length, 'email')}`)].join('\n'),
      };
    },
  },
  // Audit sections still draft: each agency of a round once when due soon and once when overdue.
  auditReminders: {
    everyMs: HOUR,
    async run({ db, mailer, now, publicUrl }) {
      const reminded = await remindAuditSections(db, mailer, now, { publicUrl });
      return {
        done: reminded.length,
        audit: reminded.map((r) => ({ action: 'audit_round.remind', partnershipId: r.partnershipId, recordType: 'audit_round', recordId: r.roundId, detail: { agency: r.agencyId, kind: r.kind, emails: r.emailed.length } })),
        json: { reminded: reminded.map((r) => ({ round: r.roundId, agency: r.agency, kind: r.kind, cases: r.cases, emailed: r.emailed.length })) },
        text: reminded.length === 0 ? 'No audit sections to remind'
          : [`Reminded ${plural(reminded.length, 'agency', 'agencies')}:`,
            ...reminded.map((r) => `  ${r.agency}, ${r.kind === 'overdue' ? 'overdue' : 'due soon'}, ${plural(r.cases.length, 'case')}: ${plural(r.emailed.length, 'email')}`)].join('\n'),
      };
    },
  },
  // Section 11: planned cycles opened on their open date; unsubmitted returns' leads reminded once when due soon and once when overdue.
  section11: {
    everyMs: HOUR,
    async run({ db, mailer, now, publicUrl }) {
      const { opened, reminded } = await section11Sweep(db, mailer, now, { publicUrl });
      const emailsOf = (o: (typeof opened)[number]) => o.returns.reduce((n, r) => n + r.emailed.length, 0);
      return {
        done: opened.length + reminded.length,
        audit: [
          ...opened.map((o) => ({ action: 'section11_cycle.open', partnershipId: o.partnershipId, recordType: 'section11_cycle', recordId: String(o.cycleId), detail: { returns: o.returns.length, emails: emailsOf(o) } })),
          ...reminded.map((r) => ({ action: 'section11_return.remind', partnershipId: r.partnershipId, recordType: 'section11_return', recordId: r.returnId, detail: { kind: r.kind, emails: r.emailed.length } })),
        ],
        json: {
          opened: opened.map((o) => ({ cycle: o.cycleId, returns: o.returns.length, emailed: emailsOf(o) })),
          reminded: reminded.map((r) => ({ return: r.returnId, cycle: r.cycle, agency: r.agency, kind: r.kind, due_date: r.dueDate, emailed: r.emailed.length })),
        },
        text: opened.length === 0 && reminded.length === 0 ? 'No cycles to open and no reminders to send'
          : [
            ...opened.map((o) => `Opened cycle ${o.cycleId}: ${plural(o.returns.length, 'return')}`),
            ...reminded.map((r) => `${r.kind === 'overdue' ? 'Overdue' : 'Due soon'}: ${r.agency}, ${r.cycle}, due ${r.dueDate}: ${plural(r.emailed.length, 'email')}`),
          ].join('\n'),
      };
    },
  },
  // Everyone with a confirmed place reminded, with the joining details, two working days before; each booking once.
  trainingReminders: {
    everyMs: HOUR,
    async run({ db, mailer, now, publicUrl, mailFrom, partnershipId }) {
      const reminded = await remindBookings(db, { mailer, publicUrl, mailFrom }, now, { partnershipId });
      const sessions = new Set(reminded.map((r) => r.sessionId)).size;
      return {
        done: reminded.length,
        audit: reminded.map((r) => ({ action: 'booking.remind', partnershipId: r.partnershipId, recordType: 'booking', recordId: r.bookingId, detail: { session: r.sessionId } })),
        json: { reminded: reminded.map((r) => ({ booking: r.bookingId, session: r.sessionId, to: r.to })) },
        text: reminded.length === 0 ? 'No one to remind' : `Reminded ${plural(reminded.length, 'person', 'people')} of ${plural(sessions, 'session')}`,
      };
    },
  },
  // Attendees reminded once, a week on, to send their evaluation; invited once to the impact survey when its weeks have passed.
  trainingSurveys: {
    everyMs: HOUR,
    async run({ db, mailer, now, publicUrl }) {
      const sent = await sendTrainingSurveys(db, mailer, now, { publicUrl });
      const reminders = sent.filter((s) => s.kind === 'evaluation_reminder').length;
      const invitations = sent.length - reminders;
      return {
        done: sent.length,
        audit: sent.map((s) => ({ action: `booking.${s.kind}`, partnershipId: s.partnershipId, recordType: 'booking', recordId: s.bookingId, detail: { emailed: s.emailed } })),
        json: { evaluation_reminders: reminders, impact_invitations: invitations, emails: sent.map((s) => ({ kind: s.kind, booking: s.bookingId, emailed: s.emailed })) },
        text: `${reminders} evaluation ${reminders === 1 ? 'reminder' : 'reminders'} and ${invitations} impact survey ${invitations === 1 ? 'invitation' : 'invitations'} sent`,
      };
    },
  },
} satisfies Record<string, Sweep>;
