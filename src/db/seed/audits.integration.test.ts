import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKED_DEMO, createDemoTestDb, type DemoTestDb } from '../../testing/demo-db';
import { seedDialects } from '../../testing/test-db';
import { findTheme, roundsOf } from '../../features/audits/programme.service';
import { auditSummary, themeGrades } from '../../features/audits/results.service';
import { casesOf, sectionsOf } from '../../features/audits/rounds.service';

describe.each(seedDialects())('the demo’s multi-agency audits (%s)', (dialect) => {
  let t: DemoTestDb;
  beforeAll(async () => { t = await createDemoTestDb(dialect, CHECKED_DEMO); });
  afterAll(async () => { await t?.close(); });

  it('has neglect audited every four months with grades improving, a CSE round under way and re-referrals scheduled', async () => {
    const { today } = CHECKED_DEMO;
    const { partnershipId } = t.demo;
    const rounds = await roundsOf(t.db, partnershipId);
    const neglect = rounds.filter((r) => r.theme === 'Neglect').sort((a, b) => a.plannedDate.localeCompare(b.plannedDate));
    expect(neglect.map((r) => [r.reference, r.status])).toEqual([
      ['MAA Neglect 2025-12', 'completed'], ['MAA Neglect 2026-04', 'completed'], ['MAA Neglect 2026-08', 'completed'], ['MAA Neglect 2026-12', 'planned'],
    ]);
    const theme = await findTheme(t.db, partnershipId, neglect[0]!.themeId);
    const grades = await themeGrades(t.db, partnershipId, theme);
    expect(grades.rounds.map((r) => r.total)).toEqual([6, 6, 6]);
    const shares = grades.rounds.map((r) => r.goodOrBetter!);
    expect(shares[0]!).toBeLessThan(shares[1]!);
    expect(shares[1]!).toBeLessThan(shares[2]!);

    // Every case was a child of the partnership on a plan for neglect, none twice in a round.
    for (const r of neglect.slice(0, 3)) {
      const cases = await casesOf(t.db, partnershipId, r.id);
      expect(new Set(cases.map((c) => c.childId)).size).toBe(cases.length);
      const onPlans = await t.db.selectFrom('cp_plan as p').innerJoin('referral as f', 'f.id', 'p.referral_id').select('f.child_id').distinct()
        .where('p.partnership_id', '=', partnershipId).where('p.initial_category', '=', 'NEG').where('f.child_id', 'in', cases.map((c) => c.childId)).execute();
      expect(onPlans).toHaveLength(cases.length);
    }

    const actions = await t.db.selectFrom('action').select(['reference', 'status', 'source_id']).where('partnership_id', '=', partnershipId).where('source', '=', 'audit')
      .orderBy('reference').execute();
    expect(actions.map((a) => a.reference)).toEqual([
      'MAA Neglect 2025-12 F1', 'MAA Neglect 2025-12 F2', 'MAA Neglect 2026-04 F2', 'MAA Neglect 2026-04 F3', 'MAA Neglect 2026-08 F2', 'MAA Neglect 2026-08 F3',
    ]);
    expect(actions.filter((a) => a.status === 'completed')).toHaveLength(2);
    expect(actions.filter((a) => a.status === 'in_progress')).toHaveLength(2);

    const cse = rounds.find((r) => r.shortName === 'CSE')!;
    expect(cse.status).toBe('in_progress');
    const sections = await sectionsOf(t.db, partnershipId, cse.id);
    const byAgency = (name: string) => sections.filter((s) => s.agency === name);
    expect(byAgency('Northmere and Eastholm Police').every((s) => s.status === 'submitted')).toBe(true);
    expect(byAgency('Northmere Integrated Care Board').every((s) => s.status === 'submitted')).toBe(true);
    const school = byAgency('Riverside Academy');
    expect(school.length).toBe(4);
    expect(school.every((s) => s.status === 'draft')).toBe(true);
    expect(school.filter((s) => s.started)).toHaveLength(2);
    const outbox = await t.db.selectFrom('email_outbox').select(['to_address', 'body']).where('record_type', '=', 'audit_round').where('record_id', '=', cse.id).execute();
    expect(outbox.map((e) => e.to_address).sort()).toEqual(['auditor@nhs.net', 'designated.nurse@nhs.net', 'dsl@riverside.sch.uk', 'safeguarding.lead@nep.police.uk']);
    const names = await t.db.selectFrom('child').select('first_name').where('id', 'in', (await casesOf(t.db, partnershipId, cse.id)).map((c) => c.childId)).execute();
    for (const e of outbox) for (const n of names) expect(e.body).not.toContain(n.first_name!);

    expect(rounds.find((r) => r.theme === 'Re-referrals')).toMatchObject({ status: 'planned', plannedDate: '2026-12-31' });
    const summary = await auditSummary(t.db, partnershipId, '2025-11-25', today);
    expect(summary).toMatchObject({ roundsCompleted: 3, casesAudited: 18 });
  }, 180_000);
});
