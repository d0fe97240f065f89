import fs from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { createTestDb, dialects, type TestDb } from '../../testing/test-db';
import { exportCinCensus } from './cin-census.export';
import { createCinImporter } from './cin-census.import';
import { parseCinCensus, type CinChild } from './cin-census.parser';
import { runImport } from './import-run';

const fixture = (name: string) => fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', name), 'utf8');
const XSD = fixture('SocialFinanceDigitalLabs__liia-tools__liiatools__spec__cin_census__CIN_schema_2024.xsd');
const LARGE = fixture('data-to-insight__csc-validator-be-cin__fake_data__fake_CIN_data.xml');
const NOW = new Date('2024-05-20T09:30:00Z');

/**
 * The 2023-24 return of CIN2rows.xml made true of its year. The fixture's header says 2023-24 (reference
 * date 2024-03-31), but its activity is dated a year earlier: its one episode closed in February 2023,
 * before that year began, so no 2023-24 return could hold it. Its dates are moved a year on, and its
 * closure is taken off, so the episode is open at the reference date and the next year can close it.
 */
const EARLIER = fixture('data-to-insight__csc-validator-be-cin__fake_data__CIN2rows.xml')
  .replace(/\b(2022|2023)-(\d\d-\d\d)\b/g, (_, y: string, md: string) => `${Number(y) + 1}-${md}`)
  .replace(/<CINclosureDate>[^<]*<\/CINclosureDate>\s*<ReasonForClosure>[^<]*<\/ReasonForClosure>/, '');

/** The same child's 2024-25 return: the episode closed, the open assessment authorised, and new activity and a new referral, all after 2024-03-31. */
const NEXT = `<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header>
    <CollectionDetails><Collection>CIN</Collection><Year>2025</Year><ReferenceDate>2025-03-31</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>201</LEA><SoftwareCode>Local Authority</SoftwareCode><Release>1</Release><SerialNo>002</SerialNo><DateTime>2025-05-02T10:00:00</DateTime></Source>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers>
        <LAchildID>DfEX0000001</LAchildID><UPN>A123456789123</UPN><FormerUPN>X98765432123B</FormerUPN><UPNunknown>UN3</UPNunknown>
        <PersonBirthDate>2015-03-27</PersonBirthDate><Sex>M</Sex>
      </ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity><Disabilities><Disability>HAND</Disability><Disability>HEAR</Disability></Disabilities></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2023-10-06</CINreferralDate><ReferralSource>1A</ReferralSource><PrimaryNeedCode>N4</PrimaryNeedCode>
        <CINclosureDate>2024-09-30</CINclosureDate><ReasonForClosure>RC7</ReasonForClosure>
        <Assessments>
          <AssessmentActualStartDate>2024-01-24</AssessmentActualStartDate><AssessmentAuthorisationDate>2024-05-10</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment><AssessmentFactors>3A</AssessmentFactors><AssessmentFactors>4B</AssessmentFactors></FactorsIdentifiedAtAssessment>
        </Assessments>
        <CINPlanDates><CINPlanStartDate>2024-05-15</CINPlanStartDate><CINPlanEndDate>2024-07-10</CINPlanEndDate></CINPlanDates>
        <Section47><S47ActualStartDate>2024-07-01</S47ActualStartDate><InitialCPCtarget>2024-07-22</InitialCPCtarget><DateOfInitialCPC>2024-07-15</DateOfInitialCPC><ICPCnotRequired>false</ICPCnotRequired></Section47>
        <ReferralNFA>false</ReferralNFA>
        <ChildProtectionPlans>
          <CPPstartDate>2024-07-15</CPPstartDate><CPPendDate>2024-09-01</CPPendDate><InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse><NumberOfPreviousCPP>2</NumberOfPreviousCPP><Reviews><CPPreviewDate>2024-08-20</CPPreviewDate></Reviews>
        </ChildProtectionPlans>
      </CINdetails>
      <CINdetails>
        <CINreferralDate>2025-01-10</CINreferralDate><ReferralSource>6</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>false</ReferralNFA>
      </CINdetails>
    </Child>
  </Children>
</Message>
`;

const TABLES = ['child', 'referral', 'assessment', 'cin_plan', 's47_enquiry', 'initial_conference', 'cp_plan', 'cp_plan_review'] as const;
type Row = Record<string, unknown>;

describe.each(dialects())('exporting the CIN census (%s)', (dialect) => {
  let t: TestDb;
  let la = 100;
  beforeAll(async () => { t = await createTestDb(dialect); });
  afterAll(async () => { await t?.close(); });

  /** A new, empty partnership, each with its own LA code. */
  const partnership = async (code = String(la++)) =>
    ({ id: (await t.db.insertInto('partnership').values({ la_code: code, name: `LA ${code}` }).returning('id').executeTakeFirstOrThrow()).id, la: code });

  const importXml = async (p: { id: number; la: string }, xml: string) => {
    const bytes = Buffer.from(xml.replace(/<LEA>\d{3}<\/LEA>/, `<LEA>${p.la}</LEA>`));
    const run = await runImport(t.db, createCinImporter({ partnershipId: p.id, laCode: p.la }), {
      partnershipId: p.id, importedBy: 'test', files: [{ name: 'cin.xml', size: bytes.length, open: () => Readable.from([bytes]) }],
    });
    expect(run.outcome).toBe('succeeded');
    return run;
  };

  const exportXml = async (p: { id: number; la: string }, collectionYear: number, extra: { pageSize?: number; onChild?: (n: number) => void } = {}) => {
    const chunks: Buffer[] = [];
    const out = new Writable({ write(chunk: Buffer, _enc, done) { chunks.push(chunk); done(); } });
    const result = await exportCinCensus(t.db, { partnershipId: p.id, laCode: p.la, collectionYear, out, now: NOW, ...extra });
    return { xml: Buffer.concat(chunks).toString('utf8'), ...result };
  };

  /** Every census record of the partnership, table by table, with ids replaced by the parent's natural key and bookkeeping times left out, in a stable order. */
  const records = async (partnershipId: number) => {
    const keys = new Map<string, string>();
    const result: Record<string, Row[]> = {};
    for (const table of TABLES) {
      const rows = (await t.db.selectFrom(table).selectAll().where('partnership_id', '=', partnershipId).execute()) as Row[];
      result[table] = rows.map((row) => {
        const { id, partnership_id: _p, created_at: _c, updated_at: _u, ...rest } = row;
        for (const fk of ['child_id', 'referral_id', 's47_enquiry_id', 'cp_plan_id']) if (rest[fk]) rest[fk] = keys.get(rest[fk] as string);
        const natural = ['child_id', 'referral_id', 'cp_plan_id', 'la_child_id', 'referral_date', 'start_date', 'conference_date', 'review_date']
          .filter((c) => c in rest).map((c) => rest[c]).join('/');
        keys.set(id as string, natural);
        return rest;
      }).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    }
    return result;
  };

  const validate = async (xml: string) => {
    const result = await validateXML({ xml: [{ fileName: 'cin.xml', contents: xml }], schema: [{ fileName: 'cin.xsd', contents: XSD }] });
    expect(result.errors.map((e) => e.message)).toEqual([]);
    expect(result.valid).toBe(true);
  };

  const parse = async (xml: string) => {
    const children: CinChild[] = [];
    let header;
    for await (const r of parseCinCensus(Readable.from([xml]))) { children.push(r.child); header = r.header; }
    return { header, children };
  };

  it('writes a 2023-24 return the census schema accepts, with the header for that year', async () => {
    const p = await partnership('201');
    await importXml(p, EARLIER);
    const { xml, children, episodes } = await exportXml(p, 2023);
    expect({ children, episodes }).toEqual({ children: 1, episodes: 1 });
    await validate(xml);
    expect(xml).toContain('<Year>2024</Year>');
    expect(xml).toContain('<ReferenceDate>2024-03-31</ReferenceDate>');
    expect(xml).toContain('<LEA>201</LEA>');
    expect(xml).toContain('<SoftwareCode>Beacon</SoftwareCode>');
    expect(xml).toContain('<DateTime>2024-05-20T09:30:00Z</DateTime>');
    expect(xml).toContain('<GenderCurrent>1</GenderCurrent>');
    expect(xml).not.toContain('<Sex>');
  });

  it('gives back the same records when its export is imported into another partnership, and the same file again', async () => {
    const a = await partnership();
    await importXml(a, EARLIER);
    const first = await exportXml(a, 2023);
    const b = await partnership();
    await importXml(b, first.xml);
    expect(await records(b.id)).toEqual(await records(a.id));
    const again = await exportXml(b, 2023);
    expect(again.xml.replaceAll(`<LEA>${b.la}</LEA>`, `<LEA>${a.la}</LEA>`)).toBe(first.xml);
  });

  it('round-trips a large return page by page: its export, imported and exported again, is the same', async () => {
    const a = await partnership();
    await importXml(a, LARGE);
    const first = await exportXml(a, 2022);
    // The sample spans several years: its 2022-23 return holds fewer children than the file.
    expect(first.children).toBeGreaterThan(100);
    expect(first.children).toBeLessThan(332);
    let told = 0;
    const paged = await exportXml(a, 2022, { pageSize: 7, onChild: (n) => (told = n) });
    expect(paged.xml).toBe(first.xml);
    expect(told).toBe(first.children);

    const b = await partnership();
    await importXml(b, first.xml);
    const c = await partnership();
    const second = await exportXml(b, 2022);
    await importXml(c, second.xml);
    expect(await records(c.id)).toEqual(await records(b.id));
    expect(second.xml.replaceAll(`<LEA>${b.la}</LEA>`, `<LEA>${a.la}</LEA>`)).toBe(first.xml);

    // What the return holds is the partnership's records, as they stood on 31 March 2023.
    const all = await records(a.id);
    const held = await records(b.id);
    const asAtReference = (r: Row) => (r.closure_date && (r.closure_date as string) > '2023-03-31' ? { ...r, closure_date: null, closure_reason: null } : r);
    for (const table of TABLES) {
      const source = new Set(all[table]!.map((r) => JSON.stringify(table === 'referral' ? asAtReference(r) : r)));
      for (const r of held[table]!) expect(source, `${table} ${JSON.stringify(r)}`).toContain(JSON.stringify(r));
    }
  });

  it('exports an earlier year as it was returned, whatever happened after its reference date', async () => {
    const both = await partnership();
    await importXml(both, EARLIER);
    await importXml(both, NEXT);
    const fromBoth = await exportXml(both, 2023);

    const earlierOnly = await partnership();
    await importXml(earlierOnly, EARLIER);
    const fromEarlier = await exportXml(earlierOnly, 2023);
    expect(fromBoth.xml.replace(/<LEA>\d+<\/LEA>/, '')).toBe(fromEarlier.xml.replace(/<LEA>\d+<\/LEA>/, ''));

    const reimported = await partnership();
    await importXml(reimported, fromBoth.xml);
    expect(await records(reimported.id)).toEqual(await records(earlierOnly.id));

    // The later year's export has the later state, and from 2024-25 the child's sex as <Sex>.
    const later = await parse((await exportXml(both, 2024)).xml);
    expect(later.children[0]).toMatchObject({ sexRaw: 'M', genderCurrent: null });
    expect(later.children[0]!.episodes.map((e) => [e.referralDate, e.closureDate])).toEqual([['2023-10-06', '2024-09-30'], ['2025-01-10', null]]);
  });

  it('leaves out of a past year what came after its reference date and what ended before it began', async () => {
    const p = await partnership();
    const db = t.db;
    const base = { partnership_id: p.id, source: 'entered' as const };
    const child = async (la_child_id: string, values: Row = {}) =>
      (await db.insertInto('child').values({ ...base, la_child_id, sex: 'F', date_of_birth: '2015-01-01', ethnicity: 'WBRI', ...values }).returning('id').executeTakeFirstOrThrow()).id;
    const referral = async (child_id: string, referral_date: string, closure_date: string | null = null) =>
      (await db.insertInto('referral').values({ ...base, child_id, referral_date, closure_date, closure_reason: closure_date ? 'RC7' : null, referral_source: '1A', primary_need: 'N1', referral_nfa: false })
        .returning('id').executeTakeFirstOrThrow()).id;

    // The year is 2023-24: from 2023-04-01 to 2024-03-31.
    const c1 = await child('A&B<1>', { death_date: '2024-06-01' });
    await referral(c1, '2021-05-01', '2023-03-31');
    const r1 = await referral(c1, '2023-01-10', '2024-05-01');
    await referral(c1, '2024-04-02');
    await db.insertInto('assessment').values([
      { ...base, referral_id: r1, start_date: '2023-01-12', authorisation_date: '2023-03-01', factors: ['1A'] },
      { ...base, referral_id: r1, start_date: '2023-05-01', authorisation_date: '2023-06-01', factors: ['3A'] },
      { ...base, referral_id: r1, start_date: '2024-03-01', internal_review_date: '2024-04-02', authorisation_date: '2024-04-10', factors: ['4B'] },
      { ...base, referral_id: r1, start_date: '2024-04-05' },
    ]).execute();
    await db.insertInto('cin_plan').values([
      { ...base, referral_id: r1, start_date: '2023-01-20', end_date: '2023-03-20' },
      { ...base, referral_id: r1, start_date: '2023-06-05', end_date: '2024-04-20' },
      { ...base, referral_id: r1, start_date: '2024-04-21' },
    ]).execute();
    await db.insertInto('s47_enquiry').values([
      { ...base, referral_id: r1, start_date: '2023-02-01', icpc_not_required: false },
      { ...base, referral_id: r1, start_date: '2023-09-01', initial_cpc_target: '2023-09-22', icpc_not_required: false },
      { ...base, referral_id: r1, start_date: '2024-03-20', icpc_not_required: false },
      { ...base, referral_id: r1, start_date: '2024-04-15', icpc_not_required: false },
    ]).execute();
    // The first after the S47 of February 2023, the second after that of September, the third on the episode, the fourth after the year.
    await db.insertInto('initial_conference').values(['2023-02-20', '2023-09-20', '2024-02-01', '2024-04-03']
      .map((conference_date) => ({ ...base, referral_id: r1, conference_date }))).execute();
    const plans = await db.insertInto('cp_plan').values([
      { ...base, referral_id: r1, start_date: '2022-10-01', end_date: '2023-03-10' },
      { ...base, referral_id: r1, start_date: '2023-02-01', end_date: '2023-06-01' },
      { ...base, referral_id: r1, start_date: '2023-09-20', end_date: '2024-05-01' },
      { ...base, referral_id: r1, start_date: '2024-04-02' },
    ].map((plan) => ({ ...plan, initial_category: 'NEG', latest_category: 'NEG', previous_plans: 1 }))).returning(['id', 'start_date']).execute();
    const plan = (start: string) => plans.find((x) => x.start_date === start)!.id;
    await db.insertInto('cp_plan_review').values([
      { ...base, cp_plan_id: plan('2022-10-01'), review_date: '2023-01-05' },
      { ...base, cp_plan_id: plan('2023-02-01'), review_date: '2023-03-15' },
      { ...base, cp_plan_id: plan('2023-02-01'), review_date: '2023-05-01' },
      { ...base, cp_plan_id: plan('2023-09-20'), review_date: '2023-12-01' },
      { ...base, cp_plan_id: plan('2023-09-20'), review_date: '2024-04-15' },
    ]).execute();
    await referral(await child('CLOSED_BEFORE'), '2022-01-01', '2023-03-30');
    await referral(await child('REFERRED_AFTER'), '2024-04-01');
    await referral(await child('UNBORN', { date_of_birth: '2024-05-01' }), '2024-02-01');

    const { xml, children, episodes } = await exportXml(p, 2023);
    expect({ children, episodes }).toEqual({ children: 2, episodes: 2 });
    await validate(xml);
    expect(xml).toContain('<LAchildID>A&amp;B&lt;1&gt;</LAchildID>');
    const [first, unborn] = (await parse(xml)).children;
    expect(first).toMatchObject({ laChildId: 'A&B<1>', genderCurrent: '2', deathDate: null });
    expect(first!.episodes).toEqual([{
      referralDate: '2023-01-10', referralSource: '1A', primaryNeed: 'N1', closureDate: null, reasonForClosure: null, referralNfa: false,
      dateOfInitialCpc: '2024-02-01',
      assessments: [
        { startDate: '2023-05-01', internalReviewDate: null, authorisationDate: '2023-06-01', factors: ['3A'] },
        { startDate: '2024-03-01', internalReviewDate: null, authorisationDate: null, factors: [] },
      ],
      cinPlans: [{ startDate: '2023-06-05', endDate: null }],
      section47s: [
        { startDate: '2023-09-01', initialCpcTarget: '2023-09-22', dateOfInitialCpc: '2023-09-20', icpcNotRequired: false },
        { startDate: '2024-03-20', initialCpcTarget: null, dateOfInitialCpc: null, icpcNotRequired: false },
      ],
      cpPlans: [
        { startDate: '2023-02-01', endDate: '2023-06-01', initialCategory: 'NEG', latestCategory: 'NEG', previousPlans: 1, reviews: ['2023-05-01'] },
        { startDate: '2023-09-20', endDate: null, initialCategory: 'NEG', latestCategory: 'NEG', previousPlans: 1, reviews: ['2023-12-01'] },
      ],
    }]);
    // Born after the reference date: on it, an unborn child with an expected date of birth.
    expect(unborn).toMatchObject({ laChildId: 'UNBORN', birthDate: null, expectedBirthDate: '2024-05-01', genderCurrent: '0' });

    // The next year: born, and the sex written as <Sex>.
    const next = await parse((await exportXml(p, 2024)).xml);
    expect(next.children.find((c) => c.laChildId === 'UNBORN')).toMatchObject({ birthDate: '2024-05-01', expectedBirthDate: null, sexRaw: 'F', genderCurrent: null });
  });
});
