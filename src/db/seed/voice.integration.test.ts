import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgency } from '../../features/agencies/agencies.service';
import { addPartnership } from '../../features/partnerships/partnerships.service';
import { addUser } from '../../features/users/users.service';
import { voiceBlocks } from '../../features/voice/voice.service';
import { createTestDb, seedDialects, type TestDb } from '../../testing/test-db';
import { chooseDemoVoice, lastFinancialYear, seedVoice } from './voice';

describe('the last financial year', () => {
  it('ends on the 31 March before today', () => {
    expect(lastFinancialYear('2026-11-26')).toEqual({ from: '2025-04-01', to: '2026-03-31' });
    expect(lastFinancialYear('2026-04-01')).toEqual({ from: '2025-04-01', to: '2026-03-31' });
    expect(lastFinancialYear('2026-03-31')).toEqual({ from: '2024-04-01', to: '2025-03-31' });
  });
});

describe.each(seedDialects())('the demo’s voice of the child (%s)', (dialect) => {
  let t: TestDb;
  let partnershipId: number;
  const today = '2026-11-26';
  beforeAll(async () => {
    t = await createTestDb(dialect);
    partnershipId = (await addPartnership(t.db, { laCode: '990', name: 'Northmere Safeguarding Children Partnership' })).id;
    const council = await addAgency(t.db, partnershipId, { name: 'Northmere Council', type: 'local_authority' });
    for (const [email, name, role] of [['social.worker@northmere.gov.uk', 'Sam Okoro', 'social_worker'], ['business.manager@northmere.gov.uk', 'Helen Ward', 'business_manager']]) {
      await addUser(t.db, partnershipId, { email, name, agencyId: council.id, roles: [role] });
    }
  });
  afterAll(async () => { await t?.close(); });

  it('records two years of every kind, with consent refused, withdrawn and not yet anonymised among them, and chooses nothing without a report', async () => {
    const entries = await seedVoice(t.db, { partnershipId, today });
    expect(entries.size).toBeGreaterThanOrEqual(20);
    const rows = await t.db.selectFrom('voice_entry').selectAll().where('partnership_id', '=', partnershipId).execute();
    expect(new Set(rows.map((r) => r.kind))).toEqual(new Set(['participation_group', 'survey', 'quote', 'case_study', 'consultation']));
    expect(rows.every((r) => r.collected_on >= '2024-11-26' && r.collected_on <= today)).toBe(true);
    const caseStudies = rows.filter((r) => r.kind === 'case_study');
    expect(caseStudies.map((r) => [r.consent, r.anonymised]).sort()).toEqual([['given', true], ['refused', false]]);
    expect(rows.filter((r) => r.consent === 'withdrawn').map((r) => r.consent_withdrawn_reason)).toHaveLength(1);
    expect(rows.filter((r) => r.kind === 'survey').every((r) => r.respondents! > 0)).toBe(true);
    expect(await chooseDemoVoice(t.db, { partnershipId, today, entries })).toBe(0);

    const report = await t.db.insertInto('annual_report').values({ partnership_id: partnershipId, title: 'Annual report 2025 to 2026', period_from: '2025-04-01', period_to: '2026-03-31', updated_at: new Date() })
      .returning('id').executeTakeFirstOrThrow();
    expect(await chooseDemoVoice(t.db, { partnershipId, today, entries })).toBe(10);
    const internal = await voiceBlocks(t.db, { partnershipId, reportId: report.id, publish: false });
    const published = await voiceBlocks(t.db, { partnershipId, reportId: report.id, publish: true });
    const headings = (blocks: typeof internal) => blocks.filter((b) => b.type === 'subheading').map((b) => (b as { text: string }).text);
    // Ten entries, one survey with a heading of its own in its words.
    expect(headings(internal).filter((h) => h !== 'What would help')).toHaveLength(10);
    expect(internal).toContainEqual({ type: 'paragraph', text: 'Internal only: not anonymised. Not in the public version.' });
    expect(headings(internal)[0]).toBe('Children in Care Council: what taking part has changed');
    expect(headings(published)).toEqual(headings(internal).filter((h) => h !== 'On having the same worker'));
    expect(published.filter((b) => b.type === 'quote').length).toBeGreaterThan(10);
  });
});
