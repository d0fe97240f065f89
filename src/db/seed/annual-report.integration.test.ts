import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWritten } from '../../domain/annual-report';
import { CHECKED_DEMO, createDemoTestDb, type DemoTestDb } from '../../testing/demo-db';
import { seedDialects } from '../../testing/test-db';

describe.each(seedDialects())('demo seed: the annual reports (%s)', (dialect) => {
  let t: DemoTestDb;
  let partnershipId: number;
  beforeAll(async () => {
    t = await createDemoTestDb(dialect, CHECKED_DEMO);
    ({ partnershipId } = t.demo);
  });
  afterAll(async () => { await t?.close(); });

  it('has last year’s report approved by a member for each statutory partner', async () => {
    const report = await t.db.selectFrom('annual_report').selectAll().where('partnership_id', '=', partnershipId).where('period_from', '=', '2024-04-01').executeTakeFirstOrThrow();
    expect(report).toMatchObject({ period_to: '2025-03-31', status: 'approved', title: 'Annual report 2024 to 2025' });
    expect(report.approved_at! > report.sent_for_approval_at!).toBe(true);
    const approvals = await t.db.selectFrom('report_approval as a').innerJoin('agency as g', 'g.id', 'a.agency_id').select(['g.type', 'a.decision'])
      .where('a.report_id', '=', report.id).where('a.superseded_at', 'is', null).execute();
    expect(approvals.map((a) => a.type).sort()).toEqual(['health', 'local_authority', 'police']);
    expect(approvals.every((a) => a.decision === 'approved')).toBe(true);
    const notAccepted = await t.db.selectFrom('report_section').select('id').where('report_id', '=', report.id).where('status', '<>', 'accepted').execute();
    expect(notAccepted).toEqual([]);
  });

  it('has this year’s report in drafting: owners, drafts in several versions, comments, every status, a section added and one removed', async () => {
    const report = await t.db.selectFrom('annual_report').selectAll().where('partnership_id', '=', partnershipId).where('period_from', '=', '2025-04-01').executeTakeFirstOrThrow();
    expect(report).toMatchObject({ period_to: '2026-03-31', status: 'drafting' });
    const sections = await t.db.selectFrom('report_section').selectAll().where('report_id', '=', report.id).orderBy('position').execute();
    expect(new Set(sections.map((s) => s.status))).toEqual(new Set(['not_started', 'drafting', 'submitted', 'accepted']));
    expect(sections.filter((s) => s.removed_at).map((s) => s.catalogue_key)).toEqual(['cdop']);
    const own = sections.filter((s) => s.catalogue_key === null);
    expect(own.map((s) => s.heading)).toEqual(['Domestic abuse and Operation Encompass']);
    // It comes straight after the police's figures.
    const active = sections.filter((s) => !s.removed_at);
    expect(active[active.findIndex((s) => s.catalogue_key === 'police') + 1]!.id).toBe(own[0]!.id);
    expect(new Set(sections.map((s) => s.position)).size).toBe(sections.length);
    // Every written section has an owner but the Independent Chair's, who has no account.
    expect(sections.filter((s) => s.kind === 'written' && s.owner_user_id === null).map((s) => s.catalogue_key)).toEqual(['independent_scrutiny']);
    const versions = await t.db.selectFrom('report_section_version').select(['section_id', 'number', 'body']).where('section_id', 'in', sections.map((s) => s.id)).execute();
    expect(Math.max(...versions.map((v) => v.number))).toBe(3);
    // Each draft reads as the report's blocks: paragraphs, points and subheadings, nothing empty.
    for (const v of versions.filter((x) => x.body !== null)) expect(parseWritten(v.body!).length, `section ${v.section_id} v${v.number}`).toBeGreaterThan(0);
    const drafted = new Set(versions.map((v) => v.section_id));
    expect(sections.filter((s) => s.kind === 'written' && s.status !== 'not_started').every((s) => drafted.has(s.id))).toBe(true);
    const comments = await t.db.selectFrom('report_section_comment').select(['resolved_at']).where('section_id', 'in', sections.map((s) => s.id)).execute();
    expect(comments.some((c) => c.resolved_at === null)).toBe(true);
    expect(comments.some((c) => c.resolved_at !== null)).toBe(true);
    const events = await t.db.selectFrom('report_event').select('kind').distinct().where('report_id', '=', report.id).execute();
    expect(events.map((e) => e.kind).sort()).toEqual(['accepted', 'created', 'owner_assigned', 'returned', 'section_added', 'section_removed', 'submitted']);
  });
});
