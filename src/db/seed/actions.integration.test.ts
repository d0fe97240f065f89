import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../platform/email';
import { CHECKED_DEMO, createDemoTestDb, type DemoTestDb } from '../../testing/demo-db';
import { seedDialects } from '../../testing/test-db';
import { remindActions } from '../../features/actions/reminders.service';
import { actionSummary, listActions } from '../../features/actions/tracker.service';

describe.each(seedDialects())('the demo’s action tracker (%s)', (dialect) => {
  let t: DemoTestDb;
  beforeAll(async () => { t = await createDemoTestDb(dialect, CHECKED_DEMO); });
  afterAll(async () => { await t?.close(); });

  it('has actions in every state with months of progress, and overdue ones for the reminders', async () => {
    const { today } = CHECKED_DEMO;
    const { partnershipId } = t.demo;
    const tracker = await listActions(t.db, partnershipId, {}, today);
    expect(tracker.counts.red).toBeGreaterThanOrEqual(3);
    for (const rag of ['amber', 'green', 'blue', 'none'] as const) expect(tracker.counts[rag]).toBeGreaterThan(0);
    const other = await listActions(t.db, partnershipId, { source: 'other' }, today);
    expect(other.rows.map((r) => [r.reference, r.rag])).toEqual([
      ['Dev day 1', 'red'], ['Dev day 3', 'red'], ['Dev day 2', 'amber'], ['Dev day 4', 'green'], ['Dev day 5', 'blue'], ['Dev day 6', 'none'],
    ]);

    // Progress notes by the owners over past months, in order, none after today.
    const updates = await t.db.selectFrom('action_update as u').innerJoin('action as a', 'a.id', 'u.action_id').innerJoin('app_user as p', 'p.id', 'u.user_id')
      .select(['a.reference', 'u.at', 'p.email', 'u.status']).where('a.partnership_id', '=', partnershipId).where('a.reference', '=', 'ILACS 3').orderBy('u.at').execute();
    expect(updates.map((u) => u.email)).toEqual(['safeguarding.lead@nep.police.uk', 'safeguarding.lead@nep.police.uk']);
    expect(updates[0]!.at < updates[1]!.at && updates[1]!.at < new Date(`${today}T00:00:00Z`)).toBe(true);
    const summary = await actionSummary(t.db, partnershipId, '2026-04-01', '2027-03-31', { asAt: today });
    expect(summary.bySource.other.completedOnTime).toBe(1);
    expect(summary.bySource.inspection.completedOnTime + summary.bySource.inspection.completedLate).toBe(1);

    const run = await remindActions(t.db, createMailer({ from: 'beacon@northmere.test' }), new Date(`${today}T09:00:00Z`), { partnershipId });
    const to = new Set(run.emails.map((e) => e.to));
    for (const email of ['business.manager@northmere.gov.uk', 'safeguarding.lead@nep.police.uk', 'designated.nurse@nhs.net', 'dsl@riverside.sch.uk']) expect(to.has(email)).toBe(true);
    const outbox = await t.db.selectFrom('email_outbox').select(['body']).where('to_address', '=', 'dsl@riverside.sch.uk').where('record_type', '=', 'action').execute();
    expect(outbox[0]!.body).toContain('Dev day 3: Share the “was not brought” guidance');
  }, 120_000);
});
