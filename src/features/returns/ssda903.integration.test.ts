import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, dialects, type TestDb } from '../../testing/test-db';
import { ReturnUnreadable, runImport, type ReturnFile } from './import-run';
import { export903 } from './ssda903.export';
import { create903Importer } from './ssda903.import';
import { TABLES_903 } from './ssda903.parser';

const here = path.dirname(fileURLToPath(import.meta.url));
const FAKE = (table: string) => `data-to-insight__csc-validator-be-903__tests__fake_data__${table}.csv`;
const fixture = (name: string): ReturnFile => {
  const full = path.join(here, 'fixtures', '903', name);
  return { name, size: fs.statSync(full).size, open: () => fs.createReadStream(full) };
};
const text = (name: string, content: string): ReturnFile => ({ name, size: Buffer.byteLength(content), open: () => Readable.from([Buffer.from(content)]) });
const fromDir = (dir: string): ReturnFile[] => fs.readdirSync(dir).sort().map((name) => {
  const full = path.join(dir, name);
  return { name, size: fs.statSync(full).size, open: () => fs.createReadStream(full) };
});

/** Every fake_data table, with the PlacedAdoption that has no duplicate decisions. */
const ALL_FAKE = ['header', 'episodes', 'reviews', 'uasc', 'oc2', 'oc3', 'ad1', 'placed_for_adoption', 'previous_permanence', 'missing', 'sw_episodes', 'DoLo'].map((t) => fixture(FAKE(t)));

const RECORD_TABLES = ['child', 'cla_episode', 'cla_review', 'cla_outcome', 'care_leaver', 'adoption', 'placed_for_adoption', 'previous_permanence',
  'missing_episode', 'sw_episode', 'deprivation_of_liberty'] as const;
type RecordTable = (typeof RECORD_TABLES)[number];

const HEADER = 'CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n';
const EPISODES = 'CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n';

describe.each(dialects())('SSDA903 import and export (%s)', (dialect) => {
  let t: TestDb;
  let next = 0;
  beforeAll(async () => { t = await createTestDb(dialect); });
  afterAll(async () => { await t?.close(); });

  const partnership = async () => {
    const la = String(800 + next++);
    return (await t.db.insertInto('partnership').values({ la_code: la, name: `LA ${la}` }).returning('id').executeTakeFirstOrThrow()).id;
  };
  const run = (partnershipId: number, collectionYear: number, files: ReturnFile[]) =>
    runImport(t.db, create903Importer({ partnershipId, collectionYear }), { partnershipId, files, importedBy: 'test' });
  const count = async (table: RecordTable, partnershipId: number) =>
    Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).where('partnership_id', '=', partnershipId).executeTakeFirstOrThrow()).n);
  const counts = async (partnershipId: number) =>
    Object.fromEntries(await Promise.all(RECORD_TABLES.map(async (table) => [table, await count(table, partnershipId)])));
  /** Every record of the partnership as data, with the child named by LA child id and no ids, versions or times. */
  const records = async (partnershipId: number) => {
    const children = new Map((await t.db.selectFrom('child').select(['id', 'la_child_id']).where('partnership_id', '=', partnershipId).execute()).map((c) => [c.id, c.la_child_id]));
    const out: Record<string, unknown[]> = {};
    for (const table of RECORD_TABLES) {
      const rows = (await t.db.selectFrom(table).selectAll().where('partnership_id', '=', partnershipId).execute()) as Record<string, unknown>[];
      out[table] = rows.map(({ id, partnership_id: _p, child_id, version: _v, created_at: _c, updated_at: _u, ...rest }) =>
        ({ child: children.get((child_id ?? id) as string), ...rest })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    }
    return out;
  };
  const exportTo = async (partnershipId: number, collectionYear: number) => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-903-'));
    const rows = await export903(t.db, { partnershipId, collectionYear, outDir });
    return { outDir, rows };
  };
  const failedRun = async (partnershipId: number) =>
    t.db.selectFrom('import_run').selectAll().where('partnership_id', '=', partnershipId).where('outcome', '=', 'failed').orderBy('started_at', 'desc').executeTakeFirstOrThrow();

  it('imports every fake_data table, and a second import changes nothing', async () => {
    const p = await partnership();
    const first = await run(p, 2017, ALL_FAKE);
    expect(first.outcome).toBe('succeeded');
    // The fake return is made to break DfE's rules: its findings are kept with the run, pointing at a row and column.
    expect(first.errors).toBeGreaterThan(0);
    const issue = await t.db.selectFrom('validation_issue').selectAll().where('import_run_id', '=', first.runId).executeTakeFirstOrThrow();
    expect(issue.location).toMatch(/fake_data__\w+\.csv row \d+/);
    // 2,675 header children and CHILD10, known only from SWEpisodes and DoLo; reviews and episodes counted by their natural keys.
    expect(await counts(p)).toEqual({
      child: 2676, cla_episode: 5050, cla_review: 12568, cla_outcome: 2675, care_leaver: 53, adoption: 29, placed_for_adoption: 29,
      previous_permanence: 2675, missing_episode: 43, sw_episode: 1, deprivation_of_liberty: 1,
    });
    expect(first.summary).toMatchObject({ rows: { header: 2675, uasc: 132, episodes: 5050, reviews: 12568, dolo: 1 } });
    const child = await t.db.selectFrom('child').selectAll().where('partnership_id', '=', p).where('la_child_id', '=', '566910').executeTakeFirstOrThrow();
    expect(child).toMatchObject({ sex: 'F', date_of_birth: '2008-03-27', ethnicity: 'WROM', upn: 'D051910639385', source: '903', source_year: 2017 });
    expect(await count('child', p)).toBe(2676);
    const uasc = await t.db.selectFrom('child').select(['uasc', 'uasc_ceased_date']).where('partnership_id', '=', p).where('la_child_id', '=', '102639').executeTakeFirstOrThrow();
    expect(uasc).toEqual({ uasc: true, uasc_ceased_date: '2028-10-13' });
    const child10 = await t.db.selectFrom('child').selectAll().where('partnership_id', '=', p).where('la_child_id', '=', 'CHILD10').executeTakeFirstOrThrow();
    expect(child10.date_of_birth).toBe('1993-12-05');

    const before = await records(p);
    const again = await run(p, 2017, ALL_FAKE);
    for (const [table, c] of Object.entries(again.counts)) expect({ table, ...c }).toEqual({ table, created: 0, updated: 0, unchanged: c.unchanged });
    expect(await records(p)).toEqual(before);
  });

  it('keeps the later year’s record whatever the order of import', async () => {
    const earlier = text('header.csv', `${HEADER}A1,1,01/02/2010,WBRI,,,\n`);
    const later = text('header.csv', `${HEADER}A1,F,01/02/2010,WIRI,UN3,,\n`);
    for (const order of [[2023, 2024], [2024, 2023]]) {
      const p = await partnership();
      for (const year of order) await run(p, year, [year === 2023 ? earlier : later]);
      const child = await t.db.selectFrom('child').selectAll().where('partnership_id', '=', p).executeTakeFirstOrThrow();
      expect(child).toMatchObject({ sex: 'F', ethnicity: 'WIRI', upn: null, upn_unknown: 'UN3', source_year: 2024 });
    }
  });

  it('gives the same records after an export and an import into another partnership', async () => {
    // A clean return of 2023-24: everything within the year, so the export holds all of it.
    const files = [
      text('h.csv', `${HEADER}C1,2,01/02/2008,WBRI,A123456789012,1,03/03/2023\r\nC2,1,05/06/2015,"REFU",UN1,,\r\nC3,2,01/01/2012,BAFR,,0,\r\n`),
      text('e.csv', `${EPISODES}C1,01/04/2023,S,C2,N1,U1,PR1,01/06/2023,X1,CARPL,AB1 2CD,"EF3, 4GH",SC123456\nC1,01/06/2023,P,C2,N1,R1,PR4,,,,AB1 2CD,,\nC2,15/05/2023,S,V2,N4,U4,PR1,20/03/2024,E13,,,,\nC3,10/10/2023,S,C1,N1,K2,PR4,,,,,,"=HYPERLINK(""x"")"\n`),
      text('r.csv', 'CHILD,DOB,REVIEW,REVIEW_CODE\nC1,01/02/2008,30/06/2023,PN1\nC1,01/02/2008,30/12/2023,PN1\n'),
      text('u.csv', 'CHILD,SEX,DOB,DUC\nC3,2,01/01/2012,01/01/2030\n'),
      text('oc2.csv', 'CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED\nC1,01/02/2008,12,,0,1,1,1,1,0,,\n'),
      text('oc3.csv', 'CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\nL9,01/01/2004,YES,F1,B1\n'),
      text('ad1.csv', 'CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\nC2,05/06/2015,01/07/2023,01/09/2023,0,2,MF,L0\n'),
      text('pa.csv', 'CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\nC2,05/06/2015,01/07/2023,20/03/2024,RD1\n'),
      text('pp.csv', 'CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM\nC2,05/06/2015,P1,-,zz/zz/2014\n'),
      text('m.csv', 'CHILD,DOB,MISSING,MIS_START,MIS_END\nC1,01/02/2008,M,10/07/2023,11/07/2023\nC1,01/02/2008,A,10/08/2023,\n'),
      text('sw.csv', 'CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\nC1,01/02/2008,SW1,01/04/2023,01/09/2023,MANAGE\nC1,01/02/2008,SW2,01/09/2023,,\n'),
    ];
    const a = await partnership();
    expect((await run(a, 2023, files)).outcome).toBe('succeeded');
    const { outDir, rows } = await exportTo(a, 2023);
    expect(rows).toEqual({ header: 3, episodes: 4, reviews: 2, uasc: 1, oc2: 1, oc3: 1, ad1: 1, placed_for_adoption: 1, previous_permanence: 1, missing: 2, sw_episodes: 2, dolo: 0 });
    expect(fs.existsSync(path.join(outDir, 'dolo.csv'))).toBe(false);
    const header = fs.readFileSync(path.join(outDir, 'header.csv'), 'utf8');
    expect(header).toBe(`${HEADER.trim()}\r\nC1,2,01/02/2008,WBRI,A123456789012,1,03/03/2023\r\nC2,1,05/06/2015,REFU,UN1,,\r\nC3,2,01/01/2012,BAFR,,0,\r\n`);
    const episodes = fs.readFileSync(path.join(outDir, 'episodes.csv'), 'utf8');
    expect(episodes).toContain('"EF3, 4GH"');
    expect(episodes).toContain(`'=HYPERLINK(""x"")`);

    const b = await partnership();
    expect((await run(b, 2023, fromDir(outDir))).outcome).toBe('succeeded');
    expect(await records(b)).toEqual(await records(a));
  });

  it('exports the fake return as it stood on 31 March, and reads its own export back to the same files', async () => {
    const a = await partnership();
    await run(a, 2017, ALL_FAKE);
    const first = await exportTo(a, 2017);
    expect(first.rows.header).toBeGreaterThan(0);
    // As at 31 March 2018: nothing starts after it and no end date is after it.
    const dates = (file: string, column: number) => fs.readFileSync(path.join(first.outDir, file), 'utf8').trim().split('\r\n').slice(1)
      .map((l) => l.split(',')[column]!).filter((d) => d !== '').map((d) => d.split('/').reverse().join('-'));
    expect(dates('episodes.csv', 1).every((d) => d <= '2018-03-31')).toBe(true);
    expect(dates('episodes.csv', 7).every((d) => d >= '2017-04-01' && d <= '2018-03-31')).toBe(true);
    expect(dates('reviews.csv', 2).every((d) => d >= '2017-04-01' && d <= '2018-03-31')).toBe(true);

    const b = await partnership();
    expect((await run(b, 2017, fromDir(first.outDir))).outcome).toBe('succeeded');
    const second = await exportTo(b, 2017);
    expect(second.rows).toEqual(first.rows);
    for (const table of TABLES_903.filter((x) => first.rows[x] > 0)) {
      expect(fs.readFileSync(path.join(second.outDir, `${table}.csv`), 'utf8')).toBe(fs.readFileSync(path.join(first.outDir, `${table}.csv`), 'utf8'));
    }
  });

  describe('a broken file writes nothing and the run is recorded as failed', () => {
    const refused = async (files: ReturnFile[], message: string | RegExp) => {
      const p = await partnership();
      await expect(run(p, 2020, files)).rejects.toThrow(message);
      expect(await count('child', p)).toBe(0);
      expect((await failedRun(p)).error).toMatch(message);
    };

    it('a misspelt column, naming the closest table and its columns', async () => {
      await refused([text('episodes.csv', EPISODES.replace('DECOM', 'DECOMM') + 'X,01/01/2020,S,C2,N1,U1,PR1,,,,,,\n')],
        'episodes.csv: column DECOMM is not a 903 column, column DECOM is missing; the Episodes table has CHILD, DECOM, RNE, LS');
    });

    it('extra columns, and dates that are not dd/mm/yyyy', async () => {
      await refused([fixture('SocialFinanceDigitalLabs__liia-tools__liiatools__spec__s903__samples__SSDA903_episodes_for_testing_fixes_INPUT.csv')],
        /column LA is not a 903 column, column YEAR is not a 903 column; the Episodes table has/);
      await refused([text('header.csv', `${HEADER}A,1,01/01/2010,WBRI,,,\n`), text('episodes.csv', `${EPISODES}A,01/01/2020,S,C2,N1,U1,PR1,,,,,,\nA,01/02/2020,P,C2,N1,U1,PR1,,,,,,\n`
        + 'A,01/03/2020,P,C2,N1,U1,PR1,,,,,,\nA,01/04/2020,P,C2,N1,U1,PR1,,,,,,\nA,01/05/2020,P,C2,N1,U1,PR1,,,,,,\nA,32/13/2020,P,C2,N1,U1,PR1,,,,,,\n')],
      'episodes.csv row 7, DECOM: "32/13/2020" is not a date (dd/mm/yyyy)');
      await refused([text('header.csv', `${HEADER}A,1,2010-01-01,WBRI,,,\n`)], 'header.csv row 2, DOB: "2010-01-01" is not a date (dd/mm/yyyy)');
    });

    it('a truncated file: its last row has too few fields', async () => {
      const full = fs.readFileSync(path.join(here, 'fixtures', '903', FAKE('episodes')), 'utf8');
      await refused([fixture(FAKE('header')), text('episodes.csv', full.slice(0, full.length - 30))], /episodes\.csv row 5051: \d+ fields? where the Episodes table has 13 columns \(is the file cut short\?\)/);
    });

    it('a second file of the same table, and a return without its header', async () => {
      await refused([fixture(FAKE('header')), fixture(FAKE('placed_for_adoption')), fixture(FAKE('placed_for_adoption_errors'))], /both hold the PlacedAdoption table/);
      await refused([fixture(FAKE('episodes'))], /None of the files is the Header table/);
    });

    it('a stray quote', async () => {
      await refused([text('header.csv', `${HEADER}A,1,01/01/2010,W"BRI,,,\n`)], /^header\.csv: not a readable CSV file near line 2: Invalid Opening Quote/);
    });

    it('an end before its start', async () => {
      await refused([text('header.csv', `${HEADER}A,1,01/01/2010,WBRI,,,\n`), text('episodes.csv', `${EPISODES}A,01/02/2020,S,C2,N1,U1,PR1,01/01/2020,E13,,,,\n`)],
        'episodes.csv row 2: DEC 2020-01-01 is before DECOM 2020-02-01');
    });
  });

  it('reads a UTF-8 BOM, Windows line endings and quoted fields with line breaks, numbering rows as lines', async () => {
    const p = await partnership();
    const sw = await run(p, 2023, [fixture(FAKE('header')), fixture(FAKE('sw_episodes'))]);
    expect(sw.outcome).toBe('succeeded');
    const episode = await t.db.selectFrom('sw_episode').selectAll().where('partnership_id', '=', p).executeTakeFirstOrThrow();
    expect(episode).toMatchObject({ sw_id: 'SW999', start_date: '2020-01-01', end_date: '2020-01-03', reason: 'SWLAZY' });
    const q = await partnership();
    const crlf = `\uFEFF${HEADER.trim()}\r\n"B1",1,01/01/2010,"WB\r\nRI",,,\r\n\r\nB2,1,31/02/2010,WBRI,,,\r\n`;
    await expect(run(q, 2020, [text('header.csv', crlf)])).rejects.toThrow('header.csv row 5, DOB: "31/02/2010" is not a date');
    await expect(run(q, 2020, [text('header.csv', crlf)])).rejects.toThrow(ReturnUnreadable);
  });

  it('keeps a failed run whose reason quotes a NUL character from the file, and says where the file broke', async () => {
    const p = await partnership();
    const refused = run(p, 2019, [text('header.csv', `CHILD,SEX,DOB,ETH\u0000NIC,UPN,MOTHER,MC_DOB\nC1,1,01/01/2019,WBRI,,,\n`)]);
    await expect(refused).rejects.toThrow(ReturnUnreadable);
    await expect(refused).rejects.toThrow('header.csv: column ETH\u0000NIC is not a 903 column');
    const failed = await t.db.selectFrom('import_run').select(['outcome', 'error']).where('partnership_id', '=', p).executeTakeFirstOrThrow();
    expect(failed.outcome).toBe('failed');
    expect(failed.error).toMatch(/^header\.csv: column ETH\\0NIC is not a 903 column/);
  });

  it('refuses a cell holding a NUL character, naming the row and column, and loads nothing', async () => {
    const p = await partnership();
    const refused = run(p, 2019, [text('header.csv', `${HEADER}C1,1,01/01/2019,WB\u0000RI,,,\n`)]);
    await expect(refused).rejects.toThrow(ReturnUnreadable);
    await expect(refused).rejects.toThrow(/^header\.csv row 2, ETHNIC: holds a NUL character/);
    expect(await count('child', p)).toBe(0);
  });

  it('imports a generated 50,000-row episodes file', { timeout: 300_000 }, async () => {
    const p = await partnership();
    const children = 10_000;
    let header = HEADER;
    for (let c = 0; c < children; c++) header += `G${c},${1 + (c % 2)},01/01/2010,WBRI,,,\n`;
    const lines = [EPISODES.trim()];
    for (let c = 0; c < children; c++) {
      for (let e = 0; e < 5; e++) lines.push(`G${c},${String(1 + e * 5).padStart(2, '0')}/0${1 + e}/2020,P,C2,N1,U1,PR1,${e < 4 ? `${String(1 + (e + 1) * 5).padStart(2, '0')}/0${2 + e}/2020,X1,CARPL` : ',,'},,,`);
    }
    const outcome = await run(p, 2019, [text('header.csv', header), text('episodes.csv', lines.join('\n'))]);
    expect(outcome.counts.cla_episode).toEqual({ created: 50_000, updated: 0, unchanged: 0 });
    expect(await count('cla_episode', p)).toBe(50_000);
    expect(await count('child', p)).toBe(children);
  });
});
