import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Block, TableBlock } from '../../domain/annual-report';
import { textItems } from '../../domain/annual-report';
import { createTestDb, dialects, type TestDb } from '../../testing/test-db';
import { seedFixture, type Fixture } from '../../testing/test-app';
import { addAgency } from '../agencies/agencies.service';
import { createContact } from '../front-door/contacts.service';
import { importPartnerCsv } from '../partner-data/partner-data.service';
import { setChildPopulation } from '../partnerships/partnerships.service';
import { DATA_SECTION_KEYS, UnknownDataSection, generateDataSection, type DataSectionInput } from './report-data.service';

const POLICE_CSV = fs.readFileSync(new URL('../partner-data/fixtures/seed-police-2022-23.csv', import.meta.url));
const SEED_TABLES = fs.readFileSync(new URL('./fixtures/seed-police-tables.md', import.meta.url), 'utf8');

/** A table as the seed prints it, header and measure rows: `| a | b | c | d | e |`. */
const markdownRows = (t: TableBlock) => [t.head, ...t.rows].map((r) => `| ${r.join(' | ')} |`);
const tables = (blocks: Block[]) => blocks.filter((b): b is TableBlock => b.type === 'table');
const sentences = (blocks: Block[]) => textItems(blocks);
/** A sentence by its id, as text, id and whether it was suppressed. */
const said = (blocks: Block[], id: string) => {
  const found = sentences(blocks).find((s) => s.id === id);
  return found && { id: found.id, text: found.text, ...(found.suppressed ? { suppressed: true } : {}) };
};

/** The seed's rows of the tables named, separator rows left out. */
function seedRows(...names: string[]): string[] {
  const pieces = SEED_TABLES.split(/\n\s*\n/).filter((p) => p.trim() !== '');
  // The third table's second piece (after the report's page break) has no heading of its own: it follows the first.
  const out: string[] = [];
  let current = '';
  for (const piece of pieces) {
    const first = piece.split('\n')[0]!;
    if (/\| Current \| Previous \|/.test(first)) current = first.split(' | ')[0]!.slice(2);
    if (names.includes(current)) out.push(...piece.split('\n').filter((l) => l.startsWith('| ')));
  }
  return out;
}

const SEED_PERIOD = { from: '2022-04-01', to: '2023-03-31' };
const FY = { from: '2025-04-01', to: '2026-03-31' };
const NOW = new Date('2026-06-01T09:00:00Z');

describe.each(dialects())('the report’s data sections (%s)', (dialect) => {
  let t: TestDb;
  let f: Fixture;
  let police: number;
  const input = (over: Partial<DataSectionInput> = {}): DataSectionInput => ({ partnershipId: f.a.id, ...FY, publish: false, now: NOW, ...over });

  beforeAll(async () => {
    t = await createTestDb(dialect);
    f = await seedFixture(t.db);
    police = (await addAgency(t.db, f.a.id, { name: 'Avon and Somerset Police', type: 'police' })).id;
    await importPartnerCsv(t.db, { partnershipId: f.a.id, agencyId: police, periodEnd: SEED_PERIOD.to, fileName: 'police.csv', bytes: POLICE_CSV, uploadedBy: 'test', now: NOW });
    await seedRecords(t, f);
    // Partnership B: its own police with other figures, and its own children's records.
    const bPolice = await addAgency(t.db, f.b.id, { name: 'Beta Constabulary', type: 'police' });
    await importPartnerCsv(t.db, { partnershipId: f.b.id, agencyId: bPolice.id, periodEnd: SEED_PERIOD.to, fileName: 'b.csv', uploadedBy: 'test', now: NOW,
      bytes: Buffer.from('table,measure,current,previous\nMissing Children (12 month rolling),Number of Missing Children,999,998\nSafety (12 month rolling),Number of Child Victims of Crimes,4321,4320\n') });
    for (const start of ['2025-05-01', '2025-06-01', '2025-07-01']) {
      await t.db.insertInto('missing_episode').values({ partnership_id: f.b.id, child_id: f.b.childId, missing_type: 'M', start_date: start }).execute();
    }
    await t.db.insertInto('referral').values({ partnership_id: f.b.id, child_id: f.b.childId, referral_date: '2025-05-05' }).execute();
  });
  afterAll(async () => { await t?.close(); });

  it('prints the seed report’s police tables line for line from the seed’s figures loaded as partner data', async () => {
    const blocks = await generateDataSection(t.db, 'police', input(SEED_PERIOD));
    expect(tables(blocks).flatMap(markdownRows)).toEqual(seedRows('Child Protection and Child Sexual Exploitation (12 month rolling)', 'Safety and Anti-Bullying (12 month rolling)'));
    expect(tables(blocks).map((tb) => tb.caption)).toEqual(['Child Protection and Child Sexual Exploitation (12 month rolling)', 'Safety and Anti-Bullying (12 month rolling)']);
    expect(tables(blocks)[0]!.numeric).toEqual([false, true, true, true, true]);
    expect(tables(blocks)[0]!.note).toBe('Source: Avon and Somerset Police, 12 months to 31 March 2023');
    expect(said(blocks, 'source')!.text).toBe('Avon and Somerset Police supplied these figures for the 12 months to 31 March 2023, each compared with the 12 months before.');
    expect(said(blocks, 'number-of-child-protection-crime-excluding-domestic-abuse-crimes')!.text)
      .toBe('The number of child protection crime (excluding domestic abuse crimes) fell to 422 in the last 12 months compared with 441 in the previous 12 months, a fall of 4.3%.');
    // A sentence before each table's rows, one per measure.
    expect(blocks.map((b) => b.type)).toEqual(['paragraph', ...Array(5).fill('paragraph'), 'table', ...Array(6).fill('paragraph'), 'table']);
    expect(JSON.stringify(blocks)).not.toMatch(/Missing|Beta|4321/);
  });

  it('prints the seed’s missing children table line for line, its sentences, then Beacon’s own figures', async () => {
    const blocks = await generateDataSection(t.db, 'missing_children', input(SEED_PERIOD));
    expect(markdownRows(tables(blocks)[0]!)).toEqual(seedRows('Missing Children (12 month rolling)'));
    expect(said(blocks, 'number-of-missing-children-reports')!.text)
      .toBe('The number of missing children reports fell to 370 in the last 12 months compared with 389 in the previous 12 months, a fall of 4.9%.');
    expect(said(blocks, 'number-of-missing-children')!.text)
      .toBe('The number of missing children rose to 154 in the last 12 months compared with 137 in the previous 12 months, a rise of 12.4%.');
    expect(blocks).toContainEqual({ type: 'subheading', text: 'Missing episodes recorded in Beacon' });
    expect(said(blocks, 'beacon-no-episodes')!.text).toBe('No missing episodes were recorded in Beacon for children who went missing during the year.');
    expect(JSON.stringify(blocks)).not.toMatch(/999|Beta/);
  });

  it('says which 12 months the police figures are for when none end on the report’s last day, and says so when there are none', async () => {
    const late = await generateDataSection(t.db, 'police', input({ from: '2022-04-01', to: '2023-06-30' }));
    expect(said(late, 'source')!.text).toBe("Avon and Somerset Police supplied these figures for the 12 months to 31 March 2023, the latest within the report's period; none were supplied for the 12 months to 30 June 2023. Each is compared with the 12 months before.");
    expect(tables(late)).toHaveLength(2);
    const none = await generateDataSection(t.db, 'police', input());
    expect(none).toEqual([{ type: 'paragraph', id: 'no-police-figures', text: 'No police figures were supplied to the partnership for the 12 months to 31 March 2026.' }]);
    const health = await generateDataSection(t.db, 'health_data', input(SEED_PERIOD));
    expect(health).toEqual([{ type: 'paragraph', id: 'no-health-figures', text: 'No health figures were supplied to the partnership for the 12 months to 31 March 2023.' }]);
  });

  it('hides small numbers in the public edition: the symbol in tables with Chg and % Chg, “fewer than 6” in sentences marked suppressed', async () => {
    const csv = 'table,measure,current,previous\nMissing Children (12 month rolling),Number of Missing Children,4,12\nMissing Children (12 month rolling),Number of Missing Children Reports,40,3\nMissing Children (12 month rolling),Number of Repeat Missing Children,0,0\n';
    await importPartnerCsv(t.db, { partnershipId: f.a.id, agencyId: police, periodEnd: '2024-03-31', fileName: 'small.csv', bytes: Buffer.from(csv), uploadedBy: 'test', now: NOW });
    const period = { from: '2023-04-01', to: '2024-03-31' };
    const internal = await generateDataSection(t.db, 'missing_children', input(period));
    expect(markdownRows(tables(internal)[0]!)).toEqual([
      '| Missing Children (12 month rolling) | Current | Previous | Chg | % Chg |',
      '| Number of Missing Children | 4 | 12 | -8 | -66.7% |',
      '| Number of Missing Children Reports | 40 | 3 | +37 | +1233.3% |',
      '| Number of Repeat Missing Children | 0 | 0 | 0 | n/a |',
    ]);
    expect(sentences(internal).some((s) => s.suppressed)).toBe(false);
    const published = await generateDataSection(t.db, 'missing_children', input({ ...period, publish: true }));
    const table = tables(published)[0]!;
    expect(markdownRows(table)).toEqual([
      '| Missing Children (12 month rolling) | Current | Previous | Chg | % Chg |',
      '| Number of Missing Children | c | 12 | c | c |',
      '| Number of Missing Children Reports | 40 | c | c | c |',
      '| Number of Repeat Missing Children | 0 | 0 | 0 | n/a |',
    ]);
    expect(table.note).toBe('Source: Avon and Somerset Police, 12 months to 31 March 2024. c: a small number (1 to 5) not shown');
    expect(said(published, 'number-of-missing-children')).toEqual({ id: 'number-of-missing-children', suppressed: true,
      text: 'The number of missing children was fewer than 6 in the last 12 months, compared with 12 in the previous 12 months.' });
    expect(said(published, 'number-of-missing-children-reports')).toEqual({ id: 'number-of-missing-children-reports', suppressed: true,
      text: 'The number of missing children reports was 40 in the last 12 months, compared with fewer than 6 in the previous 12 months.' });
    expect(said(published, 'number-of-repeat-missing-children')!.suppressed).toBeUndefined();
    expect(JSON.stringify(published)).not.toMatch(/\b(4|3) (in|\|)|-66\.7|1233/);
  });

  it('refuses a key that is not a data section', async () => {
    await expect(generateDataSection(t.db, 'foreword', input())).rejects.toBeInstanceOf(UnknownDataSection);
    await expect(generateDataSection(t.db, 'toString', input())).rejects.toBeInstanceOf(UnknownDataSection);
    expect([...DATA_SECTION_KEYS].sort()).toEqual(['actions_status', 'data_tell_us', 'front_door', 'health_data', 'missing_children', 'police', 'reviews_audits', 'section11', 'training_figures']);
  });

  it('says what the data tells us, in the seed’s bullets, with the key figures beside the year before', async () => {
    const blocks = await generateDataSection(t.db, 'data_tell_us', input());
    expect(blocks[0]).toEqual({ type: 'paragraph', id: 'introduction', text: 'From April 2025 to March 2026 the following data was collected:' });
    const list = blocks[1]!;
    expect(list.type === 'list' && list.items).toEqual([
      { id: 'population', text: 'The partnership\'s children and young people (0-17) population was 42,848.' },
      { id: 'contacts', text: '12 contacts were received, of which 7 were domestic abuse contacts and 6 of those progressed to referral.' },
      { id: 'referrals', text: 'There were 8 referrals to children\'s social care, of which 1 was a re-referral (a new referral within 12 months of a previous one).' },
      { id: 'cin-plans', text: 'There were 7 children in need with a plan open at the end of March 2026.' },
      { id: 'cp-plans', text: '6 children were on a child protection plan at the end of March 2026, of whom 4 (66.7%) were on a plan for neglect.' },
      { id: 'cp-repeat', text: '16.7% of the children on a child protection plan at the end of March 2026 (1) were on a plan for a second or subsequent time.' },
      { id: 'children-in-care', text: 'There were 7 children in care at the end of March 2026, and 7 children started to be in care during the year.' },
      { id: 'cse', text: '3 children were recorded as at risk of sexual exploitation or as having been sexually exploited during the year.' },
      { id: 'cce', text: '6 children were recorded as at risk of criminal exploitation or as having been criminally exploited during the year.' },
      { id: 'missing', text: '7 children went missing during the year, across 10 missing episodes.' },
    ]);
    const key = tables(blocks)[0]!;
    expect(key.caption).toBe('Key figures');
    expect(key.head).toEqual(['Key figures', 'April 2025 to March 2026', 'April 2024 to March 2025', 'Change']);
    expect(key.rows.slice(0, 4)).toEqual([
      ['Contacts', '12', '0', '+12'],
      ['Referrals', '8', '6', '+2'],
      ['Re-referrals', '1', '1', '0'],
      ['Re-referral rate (%)', '12.5', '16.7', '-4.2 points'],
    ]);
  });

  it('publishes what the data tells us with small numbers hidden and those sentences marked', async () => {
    const blocks = await generateDataSection(t.db, 'data_tell_us', input({ publish: true }));
    const items = sentences(blocks);
    const byId = (id: string) => items.find((s) => s.id === id);
    expect(byId('referrals')).toEqual({ id: 'referrals', suppressed: true,
      text: 'There were 8 referrals to children\'s social care, of which fewer than 6 were re-referrals (a new referral within 12 months of a previous one).' });
    expect(byId('cp-plans')).toEqual({ id: 'cp-plans', suppressed: true,
      text: '6 children were on a child protection plan at the end of March 2026, of whom fewer than 6 were on a plan for neglect.' });
    expect(byId('cp-repeat')).toEqual({ id: 'cp-repeat', suppressed: true,
      text: 'Fewer than 6 of the children on a child protection plan at the end of March 2026 were on a plan for a second or subsequent time.' });
    expect(byId('cse')!.suppressed).toBe(true);
    expect(byId('cin-plans')).toEqual({ id: 'cin-plans', text: 'There were 7 children in need with a plan open at the end of March 2026.' });
    const key = tables(blocks)[0]!;
    expect(key.rows.slice(1, 4)).toEqual([
      ['Referrals', '8', '6', '+2'],
      ['Re-referrals', 'c', 'c', 'c'],
      ['Re-referral rate (%)', 'c', 'c', 'c'],
    ]);
    expect(key.note).toContain('c: a small number (1 to 5) not shown');
  });

  it('counts Beacon’s missing episodes, from care, repeat and return interviews of the partnership alone', async () => {
    const blocks = await generateDataSection(t.db, 'missing_children', input());
    expect(said(blocks, 'no-police-missing-children-figures')!.text).toBe('No police missing children figures were supplied to the partnership for the 12 months to 31 March 2026.');
    expect(said(blocks, 'beacon-missing')!.text).toBe('7 children went missing during the year across 10 missing episodes; 2 children went missing more than once.');
    expect(said(blocks, 'beacon-from-care')!.text).toBe('6 children went missing from care, in 9 episodes.');
    expect(said(blocks, 'return-interviews')!.text).toBe('A return interview was offered after 8 of the 9 episodes from which the child returned (88.9%), 7 of them within 72 hours of the return (77.8% of returns); 6 were accepted.');
    expect(markdownRows(tables(blocks)[0]!)).toEqual([
      '| Missing children in Beacon | Current | Previous | Chg | % Chg |',
      '| Missing episodes | 10 | 0 | +10 | n/a |',
      '| Children who went missing | 7 | 0 | +7 | n/a |',
      '| Children who went missing more than once | 2 | 0 | +2 | n/a |',
      '| Children who went missing from care | 6 | 0 | +6 | n/a |',
      '| Episodes from care | 9 | 0 | +9 | n/a |',
      '| Episodes after which the child returned | 9 | 0 | +9 | n/a |',
      '| Return interviews offered | 8 | 0 | +8 | n/a |',
      '| Return interviews offered within 72 hours | 7 | 0 | +7 | n/a |',
      '| Return interviews accepted | 6 | 0 | +6 | n/a |',
    ]);
    const published = await generateDataSection(t.db, 'missing_children', input({ publish: true }));
    expect(said(published, 'beacon-missing')).toEqual({ id: 'beacon-missing', suppressed: true,
      text: '7 children went missing during the year across 10 missing episodes; fewer than 6 children went missing more than once.' });
    expect(markdownRows(tables(published)[0]!)[3]).toBe('| Children who went missing more than once | c | 0 | c | c |');
  });

  it('never shows another partnership’s figures', async () => {
    for (const key of DATA_SECTION_KEYS) {
      for (const period of [FY, SEED_PERIOD]) {
        const text = JSON.stringify(await generateDataSection(t.db, key, input(period)));
        expect(text).not.toMatch(/Beta|999|4321/);
      }
    }
    const b = await generateDataSection(t.db, 'missing_children', input({ partnershipId: f.b.id }));
    expect(said(b, 'beacon-missing')!.text).toBe('1 child went missing during the year across 3 missing episodes; 1 child went missing more than once.');
    expect(JSON.stringify(b)).not.toMatch(/Avon/);
  });
});

/**
 * Partnership A's records for April 2025 to March 2026, and a year before: twelve children by number.
 * Referrals: 8 in the year (children 1-8), child 1's a re-referral after one in December 2024; 6 the year
 * before (children 1, 9-12, and 12 again, a re-referral). Plans open at the year end: CIN 1-7; CP 1-6,
 * 4 for neglect, child 6's a second plan. In care from August 2025: 1-7. Assessments: CSE 1-3, CCE 1-6.
 * Missing: child 1 three times, 2 twice, 3-7 once (10 episodes); child 7's before care (9 from care);
 * 9 returned, 8 offered an interview, 7 within 72 hours, 6 accepted. Front door: 12 contacts, 7 of
 * domestic abuse, 6 of those decided referral.
 */
async function seedRecords(t: TestDb, f: Fixture) {
  const p = f.a.id;
  const db = t.db;
  await setChildPopulation(db, p, { year: 2026, childPopulation: 42848 });
  const kids: string[] = [];
  for (let n = 1; n <= 12; n++) {
    kids[n] = (await db.insertInto('child').values({ partnership_id: p, la_child_id: `A-${n}`, first_name: 'Child', last_name: `Number${n}`, date_of_birth: '2012-01-01', sex: 'F' } as never)
      .returning('id').executeTakeFirstOrThrow()).id;
  }
  const referral = async (n: number, date: string) =>
    (await db.insertInto('referral').values({ partnership_id: p, child_id: kids[n]!, referral_date: date, referral_nfa: false }).returning('id').executeTakeFirstOrThrow()).id;
  for (const [n, date] of [[1, '2024-12-01'], [9, '2024-06-01'], [10, '2024-06-01'], [11, '2024-06-01'], [12, '2024-06-01'], [12, '2024-09-01']] as const) {
    await db.insertInto('referral').values({ partnership_id: p, child_id: kids[n]!, referral_date: date, referral_nfa: false, closure_date: '2025-01-31' }).execute();
  }
  const refs: string[] = [];
  for (let n = 1; n <= 8; n++) refs[n] = await referral(n, '2025-05-01');
  for (let n = 1; n <= 7; n++) await db.insertInto('cin_plan').values({ partnership_id: p, referral_id: refs[n]!, start_date: '2025-06-01' }).execute();
  for (let n = 1; n <= 6; n++) {
    await db.insertInto('cp_plan').values({ partnership_id: p, referral_id: refs[n]!, start_date: '2025-07-01', initial_category: n <= 4 ? 'NEG' : 'PHY',
      latest_category: n <= 4 ? 'NEG' : 'PHY', previous_plans: n === 6 ? 1 : 0 }).execute();
  }
  for (let n = 1; n <= 6; n++) {
    await db.insertInto('assessment').values({ partnership_id: p, referral_id: refs[n]!, start_date: '2025-05-02', authorisation_date: '2025-06-10',
      factors: n <= 3 ? ['11A', '24A'] : ['24A'] }).execute();
  }
  for (let n = 1; n <= 7; n++) {
    await db.insertInto('cla_episode').values({ partnership_id: p, child_id: kids[n]!, start_date: '2025-08-01', reason_new_episode: 'S', legal_status: 'C2' }).execute();
  }
  const episodes: [number, string][] = [[1, '2025-09-01'], [1, '2025-10-01'], [1, '2025-11-01'], [2, '2025-09-05'], [2, '2025-10-05'],
    [3, '2025-09-10'], [4, '2025-09-11'], [5, '2025-09-12'], [6, '2025-09-13'], [7, '2025-07-15']];
  for (const [k, [n, start]] of episodes.entries()) {
    const returned = k < 9 ? new Date(`${start}T20:00:00Z`) : null;
    const offered = k < 8 ? new Date(returned!.getTime() + (k < 7 ? 24 : 96) * 3_600_000) : null;
    await db.insertInto('missing_episode').values({ partnership_id: p, child_id: kids[n]!, missing_type: 'M', start_date: start, end_date: returned ? start : null,
      returned_at: returned, return_interview_offered_at: offered, return_interview_accepted: k < 6 ? true : k < 8 ? false : null }).execute();
  }
  // An "away from placement" record is not a missing episode.
  await db.insertInto('missing_episode').values({ partnership_id: p, child_id: kids[8]!, missing_type: 'A', start_date: '2025-09-20' }).execute();

  const by = { userId: (await db.selectFrom('app_user').select('id').executeTakeFirstOrThrow()).id };
  for (let k = 0; k < 12; k++) {
    const c = await createContact(db, p, { reason: 'A worry about the children.', consent: 'given', source: '6', domesticAbuse: k < 7,
      receivedAt: new Date(`2025-10-${String(k + 1).padStart(2, '0')}T10:00:00Z`), children: [{ childId: kids[(k % 12) + 1]! }] }, by, NOW);
    await db.updateTable('front_door_contact').set({ status: 'decided', decision: (k < 6 ? 'referral' : 'nfa') as never, decision_at: new Date(`2025-10-${String(k + 1).padStart(2, '0')}T12:00:00Z`) })
      .where('id', '=', c.id).execute();
  }
}
