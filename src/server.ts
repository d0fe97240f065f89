import { sql } from 'kysely';
import { buildApp } from './app';
import { createDb, DatabaseInUse } from './db/create-db';
import { migrateToLatest } from './db/migrate';
import { seedDemoIfEmpty } from './db/seed/demo';
import { escalateOverdueChecks } from './features/mash/mash.service';
import { sendReviewReminders } from './features/reviews/reminders.service';
import { remindActions } from './features/actions/reminders.service';
import { remindOverdueChallenges } from './features/governance/challenges.service';
import { remindAuditSections } from './features/audits/reminders.service';
import { section11Sweep } from './features/section11/reminders.service';
import { sendTrainingSurveys } from './features/training-evaluation/evaluation.service';
import { remindBookings } from './features/training/booking.service';
import { recordAudit } from './platform/audit';
import { ConfigError, loadConfig } from './platform/config';
import { createMailer } from './platform/email';

async function main() {
  const config = loadConfig();
  const handle = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const applied = await migrateToLatest(handle.db);
  if (applied.applied.length) console.log(`Database migrated: ${applied.applied.join(', ')}`);
  // PGlite has no autovacuum to keep the planner's statistics fresh: refresh them at each start.
  if (handle.dialect === 'pglite') await sql`analyze`.execute(handle.db);
  if (config.seedDemo) {
    const seeded = await seedDemoIfEmpty(handle.db);
    if (seeded) console.log(seeded.signInText);
  }
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom });
  const app = await buildApp({ db: handle.db, config, mailer });
  // Emails the SMTP server did not take are tried again, each after a growing wait; one round at a time.
  let retrying = false;
  const retryTimer = setInterval(() => {
    if (retrying) return;
    retrying = true;
    mailer.retryUnsent(handle.db, new Date())
      .then((r) => { if (r.sent || r.failed) app.log.info(r, 'emails tried again'); })
      .catch((err: unknown) => app.log.error({ err }, 'trying emails again failed'))
      .finally(() => { retrying = false; });
  }, 60_000);
  retryTimer.unref();
  // Overdue MASH checks escalated each minute; each check once, however often the sweep runs.
  let escalating = false;
  const escalateTimer = setInterval(() => {
    if (escalating) return;
    escalating = true;
    escalateOverdueChecks(handle.db, mailer, new Date(), { publicUrl: config.publicUrl })
      .then(async (escalated) => {
        for (const e of escalated) {
          await recordAudit(handle.db, { userEmail: 'system', action: 'agency_check.escalate', outcome: 'allowed', partnershipId: e.partnershipId,
            recordType: 'agency_check', recordId: e.checkId, detail: { emails: e.emailed.length } });
        }
        if (escalated.length) app.log.info({ checks: escalated.length }, 'overdue MASH checks escalated');
      })
      .catch((err: unknown) => app.log.error({ err }, 'escalating overdue MASH checks failed'))
      .finally(() => { escalating = false; });
  }, 60_000);
  escalateTimer.unref();
  // Reviews' National Panel timescales: the business managers hear once at one working day left and once when overdue.
  let remindingReviews = false;
  const reviewTimer = setInterval(() => {
    if (remindingReviews) return;
    remindingReviews = true;
    sendReviewReminders(handle.db, mailer, new Date(), { publicUrl: config.publicUrl })
      .then(async (sent) => {
        for (const s of sent) {
          await recordAudit(handle.db, { userEmail: 'system', action: 'review.remind', outcome: 'allowed', partnershipId: s.partnershipId,
            recordType: 'review', recordId: s.reviewId, detail: { clock: s.clock, state: s.state, emails: s.emailed.length } });
        }
        if (sent.length) app.log.info({ reminders: sent.length }, 'review reminders sent');
      })
      .catch((err: unknown) => app.log.error({ err }, 'sending review reminders failed'))
      .finally(() => { remindingReviews = false; });
  }, 15 * 60_000);
  reviewTimer.unref();
  // Overdue and due-soon actions' owners reminded each hour; each action at most once in 7 days.
  let reminding = false;
  const remindTimer = setInterval(() => {
    if (reminding) return;
    reminding = true;
    remindActions(handle.db, mailer, new Date(), { publicUrl: config.publicUrl })
      .then(async (run) => {
        for (const r of run.reminded) {
          await recordAudit(handle.db, { userEmail: 'system', action: 'action.remind', outcome: 'allowed', partnershipId: r.partnershipId,
            recordType: 'action', recordId: r.actionId, detail: { kind: r.kind, emails: r.emailed.length } });
        }
        if (run.emails.length) app.log.info({ actions: run.reminded.length, emails: run.emails.length }, 'action reminders sent');
      })
      .catch((err: unknown) => app.log.error({ err }, 'sending action reminders failed'))
      .finally(() => { reminding = false; });
  }, 3_600_000);
  remindTimer.unref();
  // Overdue responses to challenges reminded each hour; each challenge once, however often the sweep runs.
  let remindingChallenges = false;
  const challengeTimer = setInterval(() => {
    if (remindingChallenges) return;
    remindingChallenges = true;
    remindOverdueChallenges(handle.db, mailer, new Date(), { publicUrl: config.publicUrl })
      .then(async (reminded) => {
        for (const r of reminded) {
          await recordAudit(handle.db, { userEmail: 'system', action: 'challenge.remind', outcome: 'allowed', partnershipId: r.partnershipId,
            recordType: 'challenge', recordId: r.challengeId, detail: { emails: r.emailed.length } });
        }
        if (reminded.length) app.log.info({ challenges: reminded.length }, 'overdue challenge responses reminded');
      })
      .catch((err: unknown) => app.log.error({ err }, 'reminding overdue challenge responses failed'))
      .finally(() => { remindingChallenges = false; });
  }, 3_600_000);
  challengeTimer.unref();
  // Audit sections still draft reminded each hour: each agency of a round once when due soon and once when overdue.
  let remindingAudits = false;
  const auditTimer = setInterval(() => {
    if (remindingAudits) return;
    remindingAudits = true;
    remindAuditSections(handle.db, mailer, new Date(), { publicUrl: config.publicUrl })
      .then(async (reminded) => {
        for (const r of reminded) {
          await recordAudit(handle.db, { userEmail: 'system', action: 'audit_round.remind', outcome: 'allowed', partnershipId: r.partnershipId,
            recordType: 'audit_round', recordId: r.roundId, detail: { agency: r.agencyId, kind: r.kind, emails: r.emailed.length } });
        }
        if (reminded.length) app.log.info({ agencies: reminded.length }, 'agencies reminded of their audit sections');
      })
      .catch((err: unknown) => app.log.error({ err }, 'reminding agencies of their audit sections failed'))
      .finally(() => { remindingAudits = false; });
  }, 3_600_000);
  auditTimer.unref();
  // Section 11 each hour: planned cycles opened on their open date, and unsubmitted returns' leads reminded once when due soon and once when overdue.
  let sweepingSection11 = false;
  const section11Timer = setInterval(() => {
    if (sweepingSection11) return;
    sweepingSection11 = true;
    section11Sweep(handle.db, mailer, new Date(), { publicUrl: config.publicUrl })
      .then(async ({ opened, reminded }) => {
        for (const o of opened) {
          await recordAudit(handle.db, { userEmail: 'system', action: 'section11_cycle.open', outcome: 'allowed', partnershipId: o.partnershipId,
            recordType: 'section11_cycle', recordId: String(o.cycleId), detail: { returns: o.returns.length } });
        }
        for (const r of reminded) {
          await recordAudit(handle.db, { userEmail: 'system', action: 'section11_return.remind', outcome: 'allowed', partnershipId: r.partnershipId,
            recordType: 'section11_return', recordId: r.returnId, detail: { kind: r.kind, emails: r.emailed.length } });
        }
        if (opened.length || reminded.length) app.log.info({ opened: opened.length, reminded: reminded.length }, 'Section 11 cycles opened and returns reminded');
      })
      .catch((err: unknown) => app.log.error({ err }, 'the Section 11 sweep failed'))
      .finally(() => { sweepingSection11 = false; });
  }, 3_600_000);
  section11Timer.unref();
  // Training each hour: attendees reminded once, a week on, to send their evaluation; invited once to the impact survey when its weeks have passed.
  let surveying = false;
  const surveyTimer = setInterval(() => {
    if (surveying) return;
    surveying = true;
    sendTrainingSurveys(handle.db, mailer, new Date(), { publicUrl: config.publicUrl })
      .then(async (sent) => {
        for (const s of sent) {
          await recordAudit(handle.db, { userEmail: 'system', action: `booking.${s.kind}`, outcome: 'allowed', partnershipId: s.partnershipId,
            recordType: 'booking', recordId: s.bookingId, detail: { emailed: s.emailed } });
        }
        if (sent.length) app.log.info({ emails: sent.length }, 'training evaluation reminders and impact invitations sent');
      })
      .catch((err: unknown) => app.log.error({ err }, 'sending training surveys failed'))
      .finally(() => { surveying = false; });
  }, 3_600_000);
  surveyTimer.unref();
  // Training each hour: everyone with a confirmed place reminded, with the joining details, two working days before; each booking once.
  let remindingBookings = false;
  const bookingTimer = setInterval(() => {
    if (remindingBookings) return;
    remindingBookings = true;
    remindBookings(handle.db, { mailer, publicUrl: config.publicUrl, mailFrom: config.mailFrom }, new Date())
      .then(async (reminded) => {
        for (const r of reminded) {
          await recordAudit(handle.db, { userEmail: 'system', action: 'booking.remind', outcome: 'allowed', partnershipId: r.partnershipId,
            recordType: 'booking', recordId: r.bookingId, detail: { session: r.sessionId } });
        }
        if (reminded.length) app.log.info({ bookings: reminded.length }, 'training reminders sent');
      })
      .catch((err: unknown) => app.log.error({ err }, 'sending training reminders failed'))
      .finally(() => { remindingBookings = false; });
  }, 3_600_000);
  bookingTimer.unref();
  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    clearInterval(retryTimer);
    clearInterval(surveyTimer);
    clearInterval(bookingTimer);
    clearInterval(section11Timer);
    clearInterval(escalateTimer);
    clearInterval(reviewTimer);
    clearInterval(remindTimer);
    clearInterval(challengeTimer);
    clearInterval(auditTimer);
    await app.close();
    await handle.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  console.log(`Beacon is running on http://localhost:${config.port} (${handle.describe})`);
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof DatabaseInUse) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
