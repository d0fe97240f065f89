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
import { seedReportFixture } from '../training-reports/report-fixture';
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

describe.each(dialects())('the report’s figures of the partnership’s own work (%s)', (dialect) => {
  let t: TestDb;
  let f: Fixture;
  let police: number;
  const input = (over: Partial<DataSectionInput> = {}): DataSectionInput => ({ partnershipId: f.a.id, ...FY, publish: false, now: NOW, ...over });

  beforeAll(async () => {
    t = await createTestDb(dialect);
    f = await seedFixture(t.db);
    await seedReportFixture(t.db, f);
    police = (await addAgency(t.db, f.a.id, { name: 'Avon and Somerset Police', type: 'police' })).id;
    await seedWork(t, f, police);
    await seedRecords(t, f);
  });
  afterAll(async () => { await t?.close(); });

  it('gives the training figures in the seed’s words, participants by agency and evaluation by theme', async () => {
    const blocks = await generateDataSection(t.db, 'training_figures', input());
    expect(sentences(blocks).map((s) => [s.id, s.text])).toEqual([
      ['delivered', 'We delivered 3 multi-agency courses in 4 sessions to 8 participants from April 2025 to March 2026.'],
      ['face-to-face', '50% of the sessions were delivered face to face.'],
      ['unmarked', 'Attendance has not yet been marked for 1 session; the 2 participants booked on it are counted as having attended.'],
      ['evaluation', 'Participants returned 4 evaluations: they rated their course 4.0 out of 5 on average, 50% said its learning outcomes were met and their confidence went from 2.3 before the course to 3.5 after it, out of 5.'],
      ['impact', '2 participants answered the impact survey some weeks after their course; their confidence now is 3.5 out of 5 on average.'],
    ]);
    const [agencies] = tables(blocks);
    expect(markdownRows(agencies!)).toEqual([
      '| Participants by agency | Participants | Share |',
      '| Northshire Police | 3 | 37.5% |',
      '| Riverside School | 3 | 37.5% |',
      '| Alpha Partnership Council | 2 | 25% |',
      '| Total | 8 | 100% |',
    ]);
    // Whether attendance is marked yet is for the partnership, not the public.
    const published = await generateDataSection(t.db, 'training_figures', input({ publish: true }));
    expect(sentences(published).map((s) => s.id)).toEqual(['delivered', 'face-to-face', 'evaluation', 'impact']);
    // Professionals trained are no children: their small counts are printed in either edition.
    expect(sentences(published).some((s) => s.suppressed)).toBe(false);
    expect(tables(published)[0]!.rows.at(-2)).toEqual(['Alpha Partnership Council', '2', '25%']);
    expect(await generateDataSection(t.db, 'training_figures', input({ from: '2020-04-01', to: '2021-03-31' })))
      .toEqual([{ type: 'paragraph', id: 'delivered', text: 'No multi-agency training sessions were delivered from April 2020 to March 2021.' }]);
  });

  it('says which reviews and audits were held, numbers up to ten in words', async () => {
    const blocks = await generateDataSection(t.db, 'reviews_audits', input());
    expect(sentences(blocks).map((s) => [s.id, s.text])).toEqual([
      ['incidents', 'In the year April 2025 to March 2026 the partnership became aware of two serious incidents; one was notified to the Child Safeguarding Practice Review Panel, and for one the partners decided that notification was not needed.'],
      ['reviews', 'In the year April 2025 to March 2026 one rapid review was held, one child safeguarding practice review was commissioned, one child safeguarding practice review was completed and one was published.'],
      ['review-themes', 'The practice reviews published drew learning about domestic abuse (one review) and neglect (one review).'],
      ['audits', 'In the year April 2025 to March 2026 no multi-agency audit round was completed.'],
    ]);
    expect(blocks.filter((b) => b.type === 'subheading')).toEqual([{ type: 'subheading', text: 'Serious incidents and reviews' }, { type: 'subheading', text: 'Multi-agency audits' }]);
  });

  it('gives the actions by source and status at the period’s end', async () => {
    const blocks = await generateDataSection(t.db, 'actions_status', input());
    expect(sentences(blocks).map((s) => [s.id, s.text])).toEqual([
      ['actions-raised', '4 actions were raised during the year from reviews, audits, Section 11, inspections and the partnership\'s meetings; 2 actions were completed, 1 of them by their due date.'],
      ['actions-open', 'On 31 March 2026, 1 open action was on track and 1 action was overdue.'],
    ]);
    expect(await generateDataSection(t.db, 'actions_status', input({ publish: true }))).toEqual(blocks);
    expect(markdownRows(tables(blocks)[0]!)).toEqual([
      '| Actions by source | Raised | Completed | Of which late | On track | Overdue |',
      '| Review | 3 | 2 | 1 | 0 | 1 |',
      '| Multi-agency audit | 1 | 0 | 0 | 1 | 0 |',
      '| All sources | 4 | 2 | 1 | 1 | 1 |',
    ]);
  });

  it('gives the Section 11 cycle of the period: returns and ratings by standard, and says when there was none', async () => {
    const blocks = await generateDataSection(t.db, 'section11', input());
    expect(sentences(blocks).map((s) => [s.id, s.text])).toEqual([
      ['section-11-2025-returns', 'The Section 11 audit (Section 11 2025) opened on 1 September 2025 with returns due by 1 December 2025. Two agencies were asked for a self-assessment against the partnership\'s standards; one has submitted its return: Alpha Partnership Council.'],
      ['section-11-2025-below-good', 'The standards most often rated below good were standard 2, Safer recruitment (one of one returns).'],
    ]);
    expect(markdownRows(tables(blocks)[0]!)).toEqual([
      '| Ratings by standard | Green | Amber | Red | Returns |',
      '| 1. Leadership | 1 | 0 | 0 | 1 |',
      '| 2. Safer recruitment | 0 | 0 | 1 | 1 |',
    ]);
    expect(await generateDataSection(t.db, 'section11', input({ from: '2024-04-01', to: '2025-03-31' })))
      .toEqual([{ type: 'paragraph', id: 'no-cycle', text: 'No Section 11 audit cycle ran from April 2024 to March 2025.' }]);
  });

  it('gives the front door’s sentences with ids and its measures, small numbers hidden when published', async () => {
    const blocks = await generateDataSection(t.db, 'front_door', input());
    expect(sentences(blocks).map((s) => s.id)).toEqual(['contacts', 'decided-in-time']);
    expect(said(blocks, 'contacts')!.text).toBe('12 contacts were received, of which 7 were domestic abuse notifications, and 6 progressed to referral.');
    const table = tables(blocks)[0]!;
    expect(table.rows.slice(0, 4)).toEqual([['Contacts received', '12'], ['Children the contacts were about', '12'], ['Domestic abuse notifications', '7'], ['Contacts decided', '12']]);
    const three = { from: '2025-10-01', to: '2025-10-03' };
    const published = await generateDataSection(t.db, 'front_door', input({ ...three, publish: true }));
    expect(said(published, 'contacts')).toEqual({ id: 'contacts', suppressed: true,
      text: 'Fewer than 6 contacts were received, of which fewer than 6 were domestic abuse notifications, and fewer than 6 progressed to referral.' });
    expect(said(published, 'decided-in-time')!.suppressed).toBe(true);
    const hidden = tables(published)[0]!;
    expect(hidden.rows.find((r) => r[0] === 'Contacts received')).toEqual(['Contacts received', 'c']);
    expect(hidden.rows.find((r) => r[0] === 'Outcome: referral')).toEqual(['Outcome: referral', 'c']);
    expect(hidden.rows.find((r) => r[0] === 'Progressed to referral (%)')).toEqual(['Progressed to referral (%)', 'c']);
    expect(hidden.note).toContain('c: a small number (1 to 5) not shown');
    expect(JSON.stringify(published)).not.toMatch(/\b3 contacts|"3"/);
    expect(sentences(await generateDataSection(t.db, 'front_door', input({ from: '2020-04-01', to: '2021-03-31' }))))
      .toEqual([{ id: 'contacts', text: 'No contacts were received at the front door from April 2020 to March 2021.' }]);
  });

  it('gives every data section with an id on every sentence, unique within the section, and no child’s name', async () => {
    for (const publish of [false, true]) {
      for (const key of DATA_SECTION_KEYS) {
        const blocks = await generateDataSection(t.db, key, input({ publish }));
        const ids = sentences(blocks).map((s) => s.id);
        expect(ids.every((id) => typeof id === 'string' && id !== ''), key).toBe(true);
        expect(new Set(ids).size, key).toBe(ids.length);
        expect(JSON.stringify(blocks), key).not.toMatch(/Number\d|Testchild|Ada\b/);
      }
    }
  });
});

/** Reviews, actions and a Section 11 cycle of partnership A, as the tests above count them. */
async function seedWork(t: TestDb, f: Fixture, police: number) {
  const db = t.db;
  const p = f.a.id;
  const review = (n: number, values: Record<string, unknown>) => db.insertInto('review').values({ partnership_id: p, ref_year: 2025, ref_number: n, reference: `R-${n}`,
    summary: 'A serious incident.', abuse_or_neglect: 'known', harm: 'serious_harm', themes: [], ...values } as never).execute();
  await review(1, { aware_on: '2025-05-01', notify_decision: 'notify', decided_on: '2025-05-05', notified_on: '2025-05-06', rr_meeting_on: '2025-05-20',
    rr_decision: 'practice_review', cspr_commissioned_on: '2025-06-01' });
  await review(2, { aware_on: '2024-10-01', notify_decision: 'notify', decided_on: '2024-10-02', notified_on: '2024-10-03', rr_meeting_on: '2024-10-20',
    rr_decision: 'practice_review', cspr_commissioned_on: '2024-11-01', cspr_completed_on: '2025-07-01', cspr_published_on: '2025-09-01', themes: ['neglect', 'domestic_abuse'] });
  await review(3, { aware_on: '2025-08-01', notify_decision: 'not_notify', decided_on: '2025-08-03' });
  await db.insertInto('review').values({ partnership_id: f.b.id, ref_year: 2025, ref_number: 1, reference: 'B-1', summary: 'B', abuse_or_neglect: 'known', harm: 'died',
    aware_on: '2025-05-01', rr_meeting_on: '2025-05-10', themes: [] } as never).execute();

  const action = (n: number, source: string, created: string, due: string, status: string, completed: string | null, partnershipId = p, agencyId = f.a.agencyId) =>
    db.insertInto('action').values({ partnership_id: partnershipId, source, reference: `A-${n}`, description: 'Do the thing.', owner_agency_id: agencyId, themes: [],
      due_date: due, status, completed_at: completed ? new Date(`${completed}T12:00:00Z`) : null, evidence: completed ? 'The minutes.' : null, created_at: new Date(`${created}T12:00:00Z`) } as never).execute();
  await action(1, 'review', '2025-05-01', '2025-09-01', 'completed', '2025-08-01');
  await action(2, 'review', '2025-05-01', '2025-06-01', 'completed', '2025-07-01');
  await action(3, 'review', '2025-06-01', '2026-01-01', 'open', null);
  await action(4, 'audit', '2025-06-01', '2026-06-30', 'in_progress', null);
  await action(5, 'review', '2025-06-01', '2025-07-01', 'open', null, f.b.id, f.b.agencyId);

  const standard = async (number: number, title: string) => (await db.insertInto('section11_standard').values({ partnership_id: p, number, title, description: title, updated_at: new Date() } as never)
    .returning('id').executeTakeFirstOrThrow()).id;
  const s1 = await standard(1, 'Leadership');
  const s2 = await standard(2, 'Safer recruitment');
  const cycle = (await db.insertInto('section11_cycle').values({ partnership_id: p, name: 'Section 11 2025', open_date: '2025-09-01', due_date: '2025-12-01', scoring: 'rag',
    status: 'open', agency_ids: [f.a.agencyId, police], updated_at: new Date() } as never).returning('id').executeTakeFirstOrThrow()).id;
  for (const [id, number, title] of [[s1, 1, 'Leadership'], [s2, 2, 'Safer recruitment']] as const) {
    await db.insertInto('section11_cycle_standard').values({ cycle_id: cycle, standard_id: id, partnership_id: p, number, title, description: title, prompts: '' }).execute();
  }
  const ret = async (agencyId: number, status: string) => (await db.insertInto('section11_return').values({ partnership_id: p, cycle_id: cycle, agency_id: agencyId, status,
    submitted_at: status === 'submitted' ? new Date('2025-11-20T10:00:00Z') : null, updated_at: new Date() } as never).returning('id').executeTakeFirstOrThrow()).id;
  const council = await ret(f.a.agencyId, 'submitted');
  const draft = await ret(police, 'draft');
  const answer = (returnId: string, standardId: number, rating: string, agreed: string | null = null) => db.insertInto('section11_answer').values({ return_id: returnId,
    standard_id: standardId, partnership_id: p, rating, agreed_rating: agreed, updated_at: new Date() } as never).execute();
  await answer(council, s1, 'green');
  await answer(council, s2, 'amber', 'red');
  // A draft's ratings may still change: not counted.
  await answer(draft, s1, 'red');
}
