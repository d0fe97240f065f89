import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CinParseError, parseCinCensus, readCinCensus, type CinChildRecord, type CinParseSummary } from './cin-census.parser';

const FIXTURES = {
  cin2022: 'SocialFinanceDigitalLabs__liia-tools__liiatools__spec__cin_census__samples__cin-2022.xml',
  census2021: 'data-to-insight__csc-validator-be-cin__fake_data__CIN_Census_2021.xml',
  census2024: 'data-to-insight__csc-validator-be-cin__fake_data__CIN_Census_2024.xml',
  census2026: 'data-to-insight__csc-validator-be-cin__fake_data__CIN_Census_2026.xml',
  twoRows: 'data-to-insight__csc-validator-be-cin__fake_data__CIN2rows.xml',
  fake: 'data-to-insight__csc-validator-be-cin__fake_data__fake_CIN_data.xml',
} as const;

const fixtureUrl = (name: string): URL => new URL(`./fixtures/${name}`, import.meta.url);
const fixtureText = (name: string): string => readFileSync(fixtureUrl(name), 'utf8');
const fixtureStream = (name: string, highWaterMark = 64 * 1024): Readable => createReadStream(fixtureUrl(name), { highWaterMark });

/** A string as a stream of chunks of the given size. */
async function* chunks(text: string, size = 4096): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function drain(input: Readable | AsyncIterable<string | Uint8Array>): Promise<{ records: CinChildRecord[]; summary: CinParseSummary }> {
  const records: CinChildRecord[] = [];
  const summary = await readCinCensus(input, (r) => void records.push(r));
  return { records, summary };
}

/** Parses what must fail: the records yielded before the refusal, and the error. */
async function refusal(input: AsyncIterable<string | Uint8Array>): Promise<{ records: CinChildRecord[]; error: CinParseError }> {
  const records: CinChildRecord[] = [];
  try {
    for await (const r of parseCinCensus(input)) records.push(r);
  } catch (error) {
    expect(error).toBeInstanceOf(CinParseError);
    return { records, error: error as CinParseError };
  }
  throw new Error('expected the parser to refuse the file');
}

const HEADER = `<Header><CollectionDetails><Collection>CIN</Collection><Year>2024</Year><ReferenceDate>2025-03-31</ReferenceDate></CollectionDetails>
<Source><SourceLevel>L</SourceLevel><LEA>123</LEA></Source></Header>`;

const childXml = (id: string, identifiers = '', details = ''): string =>
  `<Child><ChildIdentifiers><LAchildID>${id}</LAchildID>${identifiers}</ChildIdentifiers>` +
  `<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>` +
  `<CINdetails><CINreferralDate>2024-05-01</CINreferralDate><ReferralSource>1A</ReferralSource>${details}</CINdetails></Child>\n`;

const census = (...children: string[]): string => `<Message>${HEADER}<Children>\n${children.join('')}</Children></Message>`;

describe('parseCinCensus on the sample returns', () => {
  it('reads the LIIA 2022 sample: header, identifiers, an episode with every module', async () => {
    const { records, summary } = await drain(fixtureStream(FIXTURES.cin2022));
    expect(summary).toEqual({ header: { collection: 'CIN', year: 2022, referenceDate: '2022-03-31', la: '201' }, children: 1, episodes: 1, unknownElements: {} });
    expect(records).toHaveLength(1);
    const [{ header, child, line }] = records as [CinChildRecord];
    expect(header).toBe(summary.header);
    expect(line).toBe(18);
    expect(child).toMatchObject({
      laChildId: 'DfEX0000001', upn: 'A123456789123', formerUpn: 'X98765432123B', upnUnknown: 'UN3',
      birthDate: '1966-03-24', expectedBirthDate: '1966-03-22', deathDate: '1980-10-08',
      sex: 'M', genderCurrent: '1', sexRaw: null, ethnicity: 'WBRI', disabilities: ['HAND', 'HEAR'],
    });
    expect(child.episodes).toEqual([
      {
        referralDate: '1970-10-06', referralSource: '1A', primaryNeed: 'N4', closureDate: '1971-02-27', reasonForClosure: 'RC1',
        dateOfInitialCpc: '1970-12-06', referralNfa: false,
        assessments: [{ startDate: '1970-06-03', internalReviewDate: '1970-06-22', authorisationDate: '1971-07-18', factors: ['2A', '2B'] }],
        cinPlans: [{ startDate: '1971-01-24', endDate: '1971-01-26' }],
        section47s: [{ startDate: '1970-06-02', initialCpcTarget: '1970-06-23', dateOfInitialCpc: '1970-06-17', icpcNotRequired: false }],
        cpPlans: [{ startDate: '1970-02-17', endDate: '1971-03-14', initialCategory: 'PHY', latestCategory: 'PHY', previousPlans: 10, reviews: ['1971-02-15'] }],
      },
    ]);
  });

  it('reads the 2021 sample: dates kept as written (even 1066), ReferralNFA 0 as false', async () => {
    const { records, summary } = await drain(fixtureStream(FIXTURES.census2021));
    expect(summary.header).toEqual({ collection: 'CIN', year: 2023, referenceDate: '2023-03-31', la: '201' });
    const child = records[0]!.child;
    expect(child.birthDate).toBe('1965-03-27');
    expect(child.expectedBirthDate).toBe('1066-04-13');
    expect(child.episodes[0]!.referralNfa).toBe(false);
    expect(child.episodes[0]!.assessments[0]!.factors).toEqual(['2A', '2B']);
  });

  it('reads CIN2rows: two CP plans each with their review, stray text between elements ignored', async () => {
    const { records, summary } = await drain(fixtureStream(FIXTURES.twoRows));
    expect(summary.children).toBe(1);
    const episode = records[0]!.child.episodes[0]!;
    expect(records[0]!.child.birthDate).toBe('2015-03-27');
    expect(episode.cpPlans).toHaveLength(2);
    expect(episode.cpPlans.map((p) => p.reviews)).toEqual([['2023-02-15'], ['2023-02-15']]);
    expect(episode.assessments).toEqual([{ startDate: '2023-01-24', internalReviewDate: null, authorisationDate: null, factors: [] }]);
  });

  it('reads the 2024-25 <Sex>, and maps the numeric code the DfE sample writes in it', async () => {
    const { records, summary } = await drain(fixtureStream(FIXTURES.census2024));
    expect(summary).toMatchObject({ children: 2, episodes: 2, unknownElements: {} });
    const [first, second] = records.map((r) => r.child);
    expect(first).toMatchObject({ laChildId: 'DfEX0000001', sex: 'M', sexRaw: '1', genderCurrent: null });
    expect(first!.episodes[0]!.assessments[0]!.factors).toEqual(['1C', 'RB', '6B']);
    expect(second).toMatchObject({ laChildId: 'child_fails_assessments', sex: 'M', sexRaw: 'M', genderCurrent: null, upn: null, upnUnknown: 'UN1', disabilities: ['NONE'] });
    expect(second!.episodes[0]).toMatchObject({ reasonForClosure: 'RC9', referralNfa: false, cinPlans: [], section47s: [], cpPlans: [] });
    expect(second!.episodes[0]!.assessments).toEqual([{ startDate: '2023-12-25', internalReviewDate: null, authorisationDate: '2024-01-27', factors: [] }]);
    expect(records.map((r) => r.line)).toEqual([18, 73]);
  });

  it('skips the 2026 PreProceedingsandFGDM module, counts it, and still reads the rest of the episode', async () => {
    const { records, summary } = await drain(fixtureStream(FIXTURES.census2026));
    expect(summary.unknownElements).toEqual({ 'Message/Children/Child/CINdetails/PreProceedingsandFGDM': 1 });
    expect(summary).toMatchObject({ children: 2, episodes: 2 });
    const episode = records[0]!.child.episodes[0]!;
    expect(episode.cpPlans[0]).toMatchObject({ startDate: '2022-02-17', reviews: ['2023-02-15'] });
    expect(episode).not.toHaveProperty('PPStartDate');
  });

  it('reads the 332 children and 402 episodes of the validator fake data, with GenderCurrent 1/2/0/9', async () => {
    const { records, summary } = await drain(fixtureStream(FIXTURES.fake));
    expect(summary).toEqual({ header: { collection: 'CIN', year: 2022, referenceDate: '2022-07-21', la: '975' }, children: 332, episodes: 402, unknownElements: {} });
    expect(records).toHaveLength(332);
    expect(records[0]!.child).toMatchObject({ laChildId: 'RND000215205141', upn: 'A850728973744', birthDate: '2019-12-06', sex: 'M', ethnicity: 'WIRT' });
    expect(records[0]!.child.episodes[0]).toMatchObject({ referralDate: '2020-07-13', referralSource: '4', reasonForClosure: 'RC2', referralNfa: true });
    const second = records[1]!.child;
    expect(second).toMatchObject({ laChildId: 'RND000824303014', sex: 'U', genderCurrent: '9' });
    expect(second.episodes.map((e) => e.referralDate)).toEqual(['2013-10-25', '2017-10-22']);
    expect(second.episodes[1]!.closureDate).toBeNull();
    expect(records[3]!.child).toMatchObject({ laChildId: 'RND000909164501', sex: 'U', genderCurrent: '0' });
    expect(records[4]!.child).toMatchObject({ laChildId: 'RND000382171815', sex: 'F', genderCurrent: '2' });
    const bySex = { M: 0, F: 0, U: 0 };
    for (const r of records) bySex[r.child.sex!]++;
    expect(bySex).toEqual({ M: 82, F: 74, U: 96 + 80 });
    expect(records.filter((r) => r.child.deathDate !== null)).toHaveLength(21);
    expect(records.reduce((n, r) => n + r.child.disabilities.length, 0)).toBe(117);
  });

  it('gives the same records however the stream is chunked (down to 7 bytes)', async () => {
    const whole = await drain(chunks(fixtureText(FIXTURES.fake), 1 << 20));
    const tiny = await drain(fixtureStream(FIXTURES.fake, 7));
    expect(tiny).toEqual(whole);
  });
});

describe('parseCinCensus values', () => {
  it('maps <Sex> F and U, and keeps an unknown sex as null with its raw text', async () => {
    const xml = census(childXml('A', '<Sex>F</Sex>'), childXml('B', '<Sex>U</Sex>'), childXml('C', '<Sex>X</Sex>'), childXml('D', '<GenderCurrent>7</GenderCurrent>'));
    const { records } = await drain(chunks(xml));
    expect(records.map((r) => [r.child.sex, r.child.sexRaw, r.child.genderCurrent])).toEqual([
      ['F', 'F', null], ['U', 'U', null], [null, 'X', null], [null, null, '7'],
    ]);
  });

  it('reads empty elements as null, leaves out empty list items, and trims values', async () => {
    const xml = census(childXml('A', '<UPN/><FormerUPN>  </FormerUPN><PersonBirthDate> 2020-01-02 </PersonBirthDate>',
      '<CINclosureDate></CINclosureDate><ReferralNFA/><Assessments><AssessmentActualStartDate>2024-05-02</AssessmentActualStartDate><FactorsIdentifiedAtAssessment><AssessmentFactors/><AssessmentFactors>21</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>'));
    const { records } = await drain(chunks(xml));
    const child = records[0]!.child;
    expect(child).toMatchObject({ upn: null, formerUpn: null, birthDate: '2020-01-02' });
    expect(child.episodes[0]).toMatchObject({ closureDate: null, referralNfa: null });
    expect(child.episodes[0]!.assessments[0]!.factors).toEqual(['21']);
  });

  it.each([['true', true], ['TRUE', true], ['1', true], ['false', false], ['FALSE', false], ['0', false]])('accepts the boolean %s', async (text, value) => {
    const xml = census(childXml('A', '', `<Section47><S47ActualStartDate>2024-05-02</S47ActualStartDate><ICPCnotRequired>${text}</ICPCnotRequired></Section47><ReferralNFA>${text}</ReferralNFA>`));
    const { records } = await drain(chunks(xml));
    expect(records[0]!.child.episodes[0]).toMatchObject({ referralNfa: value, section47s: [{ icpcNotRequired: value }] });
  });

  it('decodes the five built-in entities, character references and CDATA', async () => {
    const xml = census(childXml('A&amp;B&#x31;&lt;&gt;&quot;&apos;<![CDATA[&x]]>'));
    const { records } = await drain(chunks(xml));
    expect(records[0]!.child.laChildId).toBe(`A&B1<>"'&x`);
  });
});

describe('parseCinCensus refuses', () => {
  it('a DOCTYPE declaring an external entity (XXE), before yielding anything', async () => {
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n${census(childXml('&e;'), childXml('B'))}`;
    const { records, error } = await refusal(chunks(xml, 16));
    expect(records).toEqual([]);
    expect(error.message).toMatch(/DOCTYPE/);
    expect(error.line).toBe(2);
    // /etc/passwd starts "root:": nothing of it may reach the message.
    expect(error.message).not.toMatch(/root:/);
  });

  it('a billion-laughs document, before yielding anything and without expanding it', async () => {
    const lols = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('\n');
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 "lol">\n${lols}\n]>\n${census(childXml('&lol9;'))}`;
    const before = process.memoryUsage().heapUsed;
    const { records, error } = await refusal(chunks(xml));
    expect(records).toEqual([]);
    expect(error.message).toMatch(/DOCTYPE/);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024);
  });

  it('an entity other than the five built-ins, yielding the children before it and none after', async () => {
    const xml = census(childXml('A'), childXml('B', '<UPN>&passwd;</UPN>'), childXml('C'));
    const { records, error } = await refusal(chunks(xml, 1 << 20));
    expect(records.map((r) => r.child.laChildId)).toEqual(['A']);
    expect(error.message).toMatch(/entity/);
    expect(error.path).toBe('Message/Children/Child/ChildIdentifiers/UPN');
    expect(error.laChildId).toBe('B');
    expect(error.line).toBe(4);
  });

  it('a truncated file, saying where it ends', async () => {
    const text = fixtureText(FIXTURES.fake);
    const cut = text.slice(0, text.indexOf('<ReferralSource>2A</ReferralSource>') + '<ReferralSource>2A'.length);
    const lines = cut.split('\n');
    const { records, error } = await refusal(chunks(cut, 1000));
    expect(records.map((r) => r.child.laChildId)).toEqual(['RND000215205141', 'RND000824303014']);
    expect(error.message).toMatch(/truncated/);
    expect(error.line).toBe(lines.length);
    expect(error.column).toBe(lines.at(-1)!.length);
    expect(error.path).toBe('Message/Children/Child/CINdetails/ReferralSource');
    expect(error.laChildId).toBe('RND000750143123');
    expect(error.message).toMatch(new RegExp(`^Line ${lines.length}, column ${lines.at(-1)!.length} `));
  });

  it('XML that is not well-formed, with the line and column', async () => {
    const { error } = await refusal(chunks(census(childXml('A', '<UPN>A1</Upn>'))));
    expect(error.message).toMatch(/not well-formed XML: the end tag after <UPN> does not match it/);
    expect(error.line).toBe(3);
    expect(error.path).toBe('Message/Children/Child/ChildIdentifiers/UPN');
  });

  it('a file that is not a CIN census', async () => {
    const { error } = await refusal(chunks('<Children903><Child/></Children903>'));
    expect(error.message).toMatch(/not a CIN census file/);
  });

  it('a file that is not UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from(census(childXml('A')).replace('WBRI', 'W')), Buffer.from([0xff, 0xfe])]);
    const { error } = await refusal(Readable.from([bytes]));
    expect(error.message).toMatch(/UTF-8/);
  });

  it('a malformed date, naming the element path, the position and the child', async () => {
    const xml = fixtureText(FIXTURES.census2021).replace('<AssessmentActualStartDate>1970-06-03', '<AssessmentActualStartDate>1970-13-03');
    const { records, error } = await refusal(chunks(xml, 100));
    expect(records).toEqual([]);
    expect(error.path).toBe('Message/Children/Child/CINdetails/Assessments/AssessmentActualStartDate');
    expect([error.line, error.column]).toEqual([44, 21]);
    expect(error.laChildId).toBe('DfEX0000001');
    expect(error.message).toBe(
      'Line 44, column 21 (Message/Children/Child/CINdetails/Assessments/AssessmentActualStartDate), in the child with LAchildID DfEX0000001: ' +
        '<AssessmentActualStartDate> "1970-13-03" is not a real date written YYYY-MM-DD (for example 2025-03-31).',
    );
  });

  it.each(['2023-02-30', '31/03/2024', '2024-03-31T00:00:00', '20240331'])('the date %s', async (bad) => {
    const { error } = await refusal(chunks(census(childXml('A', '', `<CINclosureDate>${bad}</CINclosureDate>`))));
    expect(error.path).toBe('Message/Children/Child/CINdetails/CINclosureDate');
    expect(error.message).toContain(`"${bad}"`);
  });

  it('a bad boolean, naming the element path', async () => {
    const xml = fixtureText(FIXTURES.census2021).replace('<ICPCnotRequired>false', '<ICPCnotRequired>No');
    const { error } = await refusal(chunks(xml));
    expect(error.path).toBe('Message/Children/Child/CINdetails/Section47/ICPCnotRequired');
    expect([error.line, error.column]).toEqual([60, 21]);
    expect(error.message).toContain('"No" is not a yes/no value');
    const nfa = await refusal(chunks(census(childXml('A', '', '<ReferralNFA>yes</ReferralNFA>'))));
    expect(nfa.error.path).toBe('Message/Children/Child/CINdetails/ReferralNFA');
  });

  it('a number of previous plans that is not a whole number', async () => {
    const xml = fixtureText(FIXTURES.twoRows).replace('<NumberOfPreviousCPP>10', '<NumberOfPreviousCPP>ten');
    const { error } = await refusal(chunks(xml));
    expect(error.path).toBe('Message/Children/Child/CINdetails/ChildProtectionPlans/NumberOfPreviousCPP');
  });

  it('a value far longer than any census item', async () => {
    const { error } = await refusal(chunks(census(childXml('A', `<UPN>${'A'.repeat(5000)}</UPN>`)), 100));
    expect(error.message).toMatch(/more than 1000 characters/);
  });
});

describe('parseCinCensus streams', () => {
  it('20,000 generated children in flat memory', async () => {
    const N = 20_000;
    async function* big(): AsyncGenerator<string> {
      yield `<?xml version="1.0" encoding="UTF-8"?>\n<Message>${HEADER}<Children>\n`;
      for (let i = 0; i < N; i++) {
        yield childXml(`C${i}`, '<UPN>A123456789123</UPN><PersonBirthDate>2015-03-27</PersonBirthDate><Sex>F</Sex>',
          '<Assessments><AssessmentActualStartDate>2024-05-02</AssessmentActualStartDate><FactorsIdentifiedAtAssessment><AssessmentFactors>1C</AssessmentFactors><AssessmentFactors>4A</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>' +
            '<ChildProtectionPlans><CPPstartDate>2024-06-01</CPPstartDate><Reviews><CPPreviewDate>2024-08-01</CPPreviewDate><CPPreviewDate>2025-02-01</CPPreviewDate></Reviews></ChildProtectionPlans>');
      }
      yield '</Children></Message>\n';
    }
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    let count = 0;
    let reviews = 0;
    const summary = await readCinCensus(big(), (r) => {
      count++;
      reviews += r.child.episodes[0]!.cpPlans[0]!.reviews.length;
      if (count % 1000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    });
    expect(count).toBe(N);
    expect(reviews).toBe(2 * N);
    expect(summary).toMatchObject({ children: N, episodes: N });
    // Streaming peaks near 8 MB; keeping every record (building the document) costs about 60 MB more,
    // so 40 MB tells the two apart with room for the garbage collector's timing.
    expect(peak - baseline).toBeLessThan(40 * 1024 * 1024);
  }, 10_000);

  it('stops reading when the consumer stops', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<string> {
      yield `<Message>${HEADER}<Children>`;
      for (;;) {
        pulled++;
        yield childXml(`C${pulled}`);
      }
    }
    const seen: string[] = [];
    for await (const r of parseCinCensus(endless())) {
      seen.push(r.child.laChildId!);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(['C1', 'C2', 'C3']);
    expect(pulled).toBe(3);
  });
});
