import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, dialects, type TestDb } from '../../testing/test-db';
import { parseChildQuery, searchChildren } from './children.repository';

describe('reading the search box', () => {
  it('tells identifiers, dates and names apart', () => {
    expect(parseChildQuery('943 476 5919')).toMatchObject({ nhsNumber: '9434765919', names: [] });
    expect(parseChildQuery('smith 4/3/2015')).toMatchObject({ names: ['smith'], dateOfBirth: '2015-03-04' });
    expect(parseChildQuery('a823456789012 Jo')).toMatchObject({ upn: 'A823456789012', names: ['jo'] });
    expect(parseChildQuery('801000123')).toMatchObject({ ids: ['801000123'] });
    expect(parseChildQuery("O'Neil-Smith")).toMatchObject({ names: ["o'neil-smith"] });
  });
});

describe.each(dialects())('finding a child (%s)', (dialect) => {
  let t: TestDb;
  let a: number;
  let b: number;
  beforeAll(async () => {
    t = await createTestDb(dialect);
    a = (await t.db.insertInto('partnership').values({ la_code: '801', name: 'A' }).returning('id').executeTakeFirstOrThrow()).id;
    b = (await t.db.insertInto('partnership').values({ la_code: '802', name: 'B' }).returning('id').executeTakeFirstOrThrow()).id;
    const child = (p: number, id: string, first: string, last: string, dob: string, extra: Record<string, string> = {}) =>
      ({ partnership_id: p, la_child_id: id, first_name: first, last_name: last, date_of_birth: dob, ...extra });
    await t.db.insertInto('child').values([
      child(a, 'A1', 'Michael', 'Thompson', '2014-05-01', { nhs_number: '9434765919', upn: 'Q823456789012' }),
      child(a, 'A2', 'Micheal', 'Thomson', '2016-07-12'),
      child(a, 'A3', 'Aisha', 'Khan', '2019-01-30'),
      child(a, 'A4', 'Ayesha', 'Kahn', '2019-01-30'),
      child(a, 'A5', 'Zara', 'Smith', '2010-10-10'),
      child(b, 'B1', 'Michael', 'Thompson', '2014-05-01'),
    ]).execute();
  });
  afterAll(async () => { await t?.close(); });

  const ids = async (p: number, text: string) => (await searchChildren(t.db, p, text)).map((c) => c.la_child_id);

  it('finds misspelt and sound-alike names, the closest first', async () => {
    expect(await ids(a, 'michael thompson')).toEqual(['A1', 'A2']);
    expect(await ids(a, 'Thomson')).toEqual(expect.arrayContaining(['A1', 'A2']));
    expect(await ids(a, 'aisha khan')).toEqual(['A3', 'A4']);
    expect(await ids(a, 'Kahn')).toEqual(expect.arrayContaining(['A3', 'A4']));
    expect(await ids(a, 'mich')).toEqual(expect.arrayContaining(['A1', 'A2']));
    expect(await ids(a, 'zebedee')).toEqual([]);
  });

  it('narrows by date of birth and finds by identifier', async () => {
    expect(await ids(a, 'thompson 12/07/2016')).toEqual(['A2']);
    expect(await ids(a, '943 476 5919')).toEqual(['A1']);
    expect(await ids(a, 'q823456789012')).toEqual(['A1']);
    expect(await ids(a, 'A5')).toEqual(['A5']);
    expect(await ids(a, 'B1')).toEqual([]);
  });

  it('never returns another partnership’s child', async () => {
    expect(await ids(b, 'michael thompson')).toEqual(['B1']);
    expect(await ids(b, '943 476 5919')).toEqual([]);
  });

  it('returns nothing for an empty or meaningless query', async () => {
    expect(await ids(a, '   ')).toEqual([]);
    expect(await ids(a, '%%%')).toEqual([]);
  });
});
