import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/create-db';
import { textItems, type ReportDocument, type TableBlock } from '../../domain/annual-report';
import { addAgency } from '../agencies/agencies.service';
import { importPartnerCsv } from '../partner-data/partner-data.service';
import { generateDataSection } from '../report-data/report-data.service';
import { createTestApp, signIn, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { assembleReport } from './assemble';
import { renderDocx } from './docx';
import { docxBody, htmlTables, pdfPageImages, pdfPagesText, type DocxTable } from './fixtures/read-outputs';
import { renderHtml } from './html';
import { renderPdf } from './pdf';

const here = new URL('.', import.meta.url);
const FROM = '2022-04-01';
const TO = '2023-03-31';

/** The seed report's police tables as it prints them: each table's name, and its rows' cells. */
function seedTables(): { name: string; rows: string[][] }[] {
  const tables: { name: string; rows: string[][] }[] = [];
  for (const line of readFileSync(new URL('fixtures/seed-police-tables.txt', here), 'utf8').split('\n')) {
    if (!line.startsWith('| ')) continue;
    const cells = line.slice(2, -2).split(' | ').map((c) => c.trim());
    if (cells[1] === 'Current') tables.push({ name: cells[0]!, rows: [] });
    else tables.at(-1)!.rows.push(cells);
  }
  return tables;
}

const HEALTH_CSV = [
  'table,measure,current,previous',
  'Children in care health assessments (12 month rolling),Initial health assessments within 20 working days,48,51',
  'Children in care health assessments (12 month rolling),Children not brought to their appointment,3,9',
].join('\n');

type Report = { id: string; sections: Record<string, number> };

/** A report of partnership A for 2022-23 as its business manager has it part-way through the year's drafting. */
async function seedReport(db: Db, partnershipId: number, ownerId: number, status: 'drafting' | 'approved' = 'drafting'): Promise<Report> {
  const report = await db.insertInto('annual_report').values({
    partnership_id: partnershipId, title: 'Annual report 2022 to 2023', period_from: FROM, period_to: TO, status,
    approved_at: status === 'approved' ? new Date('2023-09-14T23:30:00Z') : null,
  }).returning('id').executeTakeFirstOrThrow();
  const rows = [
    { catalogue_key: 'introduction', kind: 'written', heading: 'Introduction', status: 'accepted', public: true },
    { catalogue_key: 'foreword', kind: 'written', heading: 'Foreword from the Executive', status: 'not_started', public: true, owner_user_id: ownerId },
    { catalogue_key: null, kind: 'written', heading: 'Case discussion for partners', status: 'drafting', public: false },
    { catalogue_key: 'police', kind: 'data', heading: 'Police', status: 'accepted', public: true },
    { catalogue_key: 'missing_children', kind: 'data', heading: 'Missing children', status: 'accepted', public: true },
    { catalogue_key: 'health_data', kind: 'data', heading: 'Health: the figures', status: 'accepted', public: true },
    { catalogue_key: 'voice', kind: 'voice', heading: 'The voice of the child', status: 'not_started', public: true },
    { catalogue_key: 'subgroup_cspr', kind: 'written', heading: 'Child Safeguarding Practice Review Group', status: 'drafting', public: true },
  ] as const;
  const sections: Record<string, number> = {};
  for (const [i, r] of rows.entries()) {
    const s = await db.insertInto('report_section').values({ partnership_id: partnershipId, report_id: report.id, position: i + 1, ...r })
      .returning('id').executeTakeFirstOrThrow();
    sections[r.catalogue_key ?? 'case_discussion'] = s.id;
  }
  const version = (section: string, values: { body?: string; sentence_edits?: string }) => db.insertInto('report_section_version')
    .values({ partnership_id: partnershipId, section_id: sections[section]!, number: 1, ...values }).execute();
  await version('introduction', { body: 'Welcome to our annual report.\n\nIt will be shared with:\n\n- The Chief Executive\n- The Police and Crime Commissioner' });
  await version('case_discussion', { body: 'A case the partners discussed in private.' });
  // A template not yet filled in: headings only, nothing written.
  await version('subgroup_cspr', { body: '## What we did well\n\n- \n\n## Future objectives\n\n- ' });
  return { id: report.id, sections };
}

function tablesOf(doc: ReportDocument): TableBlock[] {
  return doc.sections.flatMap((s) => s.blocks.filter((b): b is TableBlock => b.type === 'table'));
}

describe.each(dialects())('the annual report’s outputs (%s)', (dialect) => {
  let t: TestApp;
  let report: Report;
  let internal: ReportDocument;
  let published: ReportDocument;
  const expected = seedTables();
  const now = new Date('2023-06-01T09:00:00Z');

  beforeAll(async () => {
    t = await createTestApp(dialect);
    t.clock.current = now;
    const a = t.fixture.a.id;
    const police = await addAgency(t.db, a, { name: 'Northmere Police', type: 'police' });
    const health = await addAgency(t.db, a, { name: 'Northmere Integrated Care Board', type: 'health' });
    const load = (agencyId: number, fileName: string, bytes: Uint8Array) => importPartnerCsv(t.db, {
      partnershipId: a, agencyId, periodEnd: TO, fileName, bytes, uploadedBy: 'business_manager@a.test', now,
    });
    await load(police.id, 'seed-police-2022-23.csv', readFileSync(new URL('../partner-data/fixtures/seed-police-2022-23.csv', here)));
    await load(health.id, 'health-2022-23.csv', Buffer.from(HEALTH_CSV));
    const owner = await t.db.selectFrom('app_user').select('id').where('email', '=', 'agency_lead@a.test').executeTakeFirstOrThrow();
    report = await seedReport(t.db, a, owner.id);
    // The business manager reworded one of the police's sentences.
    const police22 = await generateDataSection(t.db, 'police', { partnershipId: a, from: FROM, to: TO, publish: false, now });
    const sentence = textItems(police22).find((i) => i.id && /child sexual exploitation crimes/i.test(i.text))!;
    await t.db.insertInto('report_section_version').values({ partnership_id: a, section_id: report.sections.police!, number: 1,
      sentence_edits: JSON.stringify({ [sentence.id!]: { text: 'Child sexual exploitation crimes fell by 65, to 227: the fewest in five years.', generated: sentence.text } }) }).execute();
    internal = await assembleReport(t.db, { partnershipId: a, from: FROM, to: TO, edition: 'internal', now });
    published = await assembleReport(t.db, { partnershipId: a, from: FROM, to: TO, edition: 'public', now });
  });
  afterAll(async () => { await t?.close(); });

  it('assembles the report’s sections in its order, saying in the internal version what stands in each one’s way', () => {
    expect(internal.title).toBe('Annual report 2022 to 2023');
    expect(internal.partnership).toBe('Alpha Partnership');
    expect(internal.status).toBe('draft');
    expect(internal.sections.map((s) => [s.heading, s.note ?? null])).toEqual([
      ['Introduction', null],
      ['Foreword from the Executive', 'Not written yet (owner: agency_lead a)'],
      ['Case discussion for partners', 'Draft: not yet accepted'],
      ['Police', null],
      ['Missing children', null],
      ['Health: the figures', null],
      ['The voice of the child', 'No children’s views chosen yet (no owner yet)'],
      ['Child Safeguarding Practice Review Group', 'Not written yet (no owner yet)'],
    ]);
    expect(internal.sections[0]!.blocks).toEqual([
      { type: 'paragraph', text: 'Welcome to our annual report.' },
      { type: 'paragraph', text: 'It will be shared with:' },
      { type: 'list', items: [{ text: 'The Chief Executive' }, { text: 'The Police and Crime Commissioner' }] },
    ]);
  });

  it('leaves out of the public version what is internal or not yet written', () => {
    expect(published.sections.map((s) => s.heading)).toEqual(['Introduction', 'Police', 'Missing children', 'Health: the figures']);
    expect(published.sections.every((s) => s.note === undefined)).toBe(true);
  });

  it('keeps the editor’s rewording of a sentence Beacon still generates', () => {
    const police = internal.sections.find((s) => s.key === 'police')!;
    expect(textItems(police.blocks).map((i) => i.text)).toContain('Child sexual exploitation crimes fell by 65, to 227: the fewest in five years.');
  });

  it('gives the police tables exactly as the seed report prints them, in every format', async () => {
    const byName = (tables: { caption: string | null; rows: string[][] }[], name: string) => tables.find((x) => x.caption === name)?.rows;
    const fromDoc = tablesOf(internal).map((x) => ({ caption: x.caption, rows: x.rows }));
    const fromHtml = htmlTables(renderHtml(internal));
    const docxTables = (await docxBody(await renderDocx(internal))).body.filter((b): b is DocxTable => b.kind === 'tbl');
    const fromDocx = docxTables.map((x) => ({ caption: x.rows[0]!.cells[0]!, rows: x.rows.slice(1).map((r) => r.cells) }));
    expect(expected.map((x) => x.name)).toEqual(['Child Protection and Child Sexual Exploitation (12 month rolling)', 'Missing Children (12 month rolling)', 'Safety and Anti-Bullying (12 month rolling)']);
    for (const table of expected) {
      expect(byName(fromDoc, table.name), table.name).toEqual(table.rows);
      expect(byName(fromHtml, table.name), `HTML ${table.name}`).toEqual(table.rows);
      expect(byName(fromDocx, table.name), `DOCX ${table.name}`).toEqual(table.rows);
    }
    // In the order the page draws them, a measure wrapped in its cell reads on as one.
    const text = (await pdfPagesText(await renderPdf(internal), { raw: true })).join('\n');
    for (const row of expected.flatMap((x) => x.rows)) {
      const words = row.join(' ').split(' ').map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      expect(text, row.join(' | ')).toMatch(new RegExp(words.join('\\s+')));
    }
  });

  it('hides small numbers in the public version only', () => {
    const health = (doc: ReportDocument) => tablesOf(doc).find((x) => x.caption === 'Children in care health assessments (12 month rolling)')!;
    expect(health(internal).rows[1]).toEqual(['Children not brought to their appointment', '3', '9', '-6', '-66.7%']);
    expect(health(published).rows[1]).toEqual(['Children not brought to their appointment', 'c', '9', 'c', 'c']);
    expect(renderHtml(published)).toContain('Public version: numbers from 1 to 5 are shown as c');
  });

  it('renders each page of the PDF', async () => {
    const pdf = await renderPdf(published);
    const images = await pdfPageImages(pdf);
    expect(images.length).toBe((await pdfPagesText(pdf)).length);
    for (const image of images) expect(image.darkShare).toBeGreaterThan(0.0005);
  });

  it('says an approved report is approved, on its London date', async () => {
    const other = await t.db.insertInto('partnership').values({ la_code: '803', name: 'Gamma Safeguarding Children Partnership' }).returning('id').executeTakeFirstOrThrow();
    await seedReport(t.db, other.id, (await t.db.selectFrom('app_user').select('id').executeTakeFirstOrThrow()).id, 'approved');
    const doc = await assembleReport(t.db, { partnershipId: other.id, from: FROM, to: TO, edition: 'public', now });
    expect(doc).toMatchObject({ status: 'approved', approvedOn: '2023-09-15' });
  });

  it('downloads either version in each format, named for the partnership, period and version, and audits each', async () => {
    const client = await signIn(t, 'business_manager@a.test');
    for (const [format, type, name] of [
      ['html', 'text/html; charset=utf-8', 'alpha-annual-report-2022-23-public.html'],
      ['docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'alpha-annual-report-2022-23-public.docx'],
      ['pdf', 'application/pdf', 'alpha-annual-report-2022-23-public.pdf'],
    ] as const) {
      const res = await client.get(`/reports/annual/${report.id}/download?format=${format}&edition=public`);
      expect(res.statusCode, format).toBe(200);
      expect(res.headers['content-type']).toBe(type);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="${name}"`);
      expect(res.headers['cache-control']).toBe('private, no-store');
    }
    const html = await client.get(`/reports/annual/${report.id}/download?format=html&edition=internal`);
    expect(html.headers['content-disposition']).toBe('attachment; filename="alpha-annual-report-2022-23-internal.html"');
    expect(html.body).toContain('Case discussion for partners');
    const pdf = await client.get(`/reports/annual/${report.id}/download?format=pdf&edition=public`);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await pdfPagesText(pdf.rawPayload)).join('\n')).not.toContain('Case discussion for partners');
    const docx = await client.get(`/reports/annual/${report.id}/download?format=docx&edition=internal`);
    expect((await docxBody(docx.rawPayload)).body.some((b) => b.kind === 'p' && b.style === 'Heading1' && b.text === 'Case discussion for partners')).toBe(true);
    const audits = await t.db.selectFrom('audit_event').select(['detail', 'record_id', 'user_email']).where('action', '=', 'annual_report.download').orderBy('seq').execute();
    expect(audits.map((e) => e.detail)).toEqual([
      { edition: 'public', format: 'html' }, { edition: 'public', format: 'docx' }, { edition: 'public', format: 'pdf' },
      { edition: 'internal', format: 'html' }, { edition: 'public', format: 'pdf' }, { edition: 'internal', format: 'docx' },
    ]);
    expect(new Set(audits.map((e) => `${e.record_id} ${e.user_email}`))).toEqual(new Set([`${report.id} business_manager@a.test`]));
  });

  it('refuses an unknown format or version, naming the parameter', async () => {
    const client = await signIn(t, 'data_analyst@a.test');
    for (const [query, field] of [['format=xlsx&edition=public', 'format'], ['edition=public', 'format'], ['format=pdf&edition=secret', 'edition'], ['format=pdf', 'edition']]) {
      const res = await client.get(`/reports/annual/${report.id}/download?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.body).toContain(`${field}: The ${field}`);
    }
    expect((await client.get(`/reports/annual/${report.id}/preview?edition=secret`)).statusCode).toBe(400);
  });

  it('previews the internal version inside Beacon, with links to every download', async () => {
    const client = await signIn(t, 'executive@a.test');
    const res = await client.get(`/reports/annual/${report.id}/preview`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<h1 class="govuk-heading-xl">Annual report 2022 to 2023<\/h1>/);
    expect(res.body).toContain('Not written yet (owner: agency_lead a)');
    for (const edition of ['public', 'internal']) {
      for (const format of ['html', 'docx', 'pdf']) expect(res.body).toContain(`href="/reports/annual/${report.id}/download?format=${format}&amp;edition=${edition}"`);
    }
    const pub = await client.get(`/reports/annual/${report.id}/preview?edition=public`);
    expect(pub.body).not.toContain('Case discussion for partners');
    const audit = await t.db.selectFrom('audit_event').select('detail').where('action', '=', 'annual_report.preview').where('user_email', '=', 'executive@a.test').execute();
    expect(audit.map((e) => e.detail)).toEqual([{ edition: 'internal' }, { edition: 'public' }]);
  });

  it('answers another partnership’s report as one that does not exist', async () => {
    const client = await signIn(t, 'business_manager@b.test');
    for (const url of [`/reports/annual/${report.id}/preview`, `/reports/annual/${report.id}/download?format=pdf&edition=public`,
      '/reports/annual/00000000-0000-0000-0000-000000000000/download?format=pdf&edition=public', '/reports/annual/not-a-report/preview']) {
      expect((await client.get(url)).statusCode, url).toBe(404);
    }
    const practitioner = await signIn(t, 'practitioner@a.test');
    expect((await practitioner.get(`/reports/annual/${report.id}/preview`)).statusCode).toBe(403);
  });

  it('assembles the catalogue’s sections when the period has no report: figures, and in the internal version what is not written', async () => {
    const doc = await assembleReport(t.db, { partnershipId: t.fixture.a.id, from: '2022-01-01', to: TO, edition: 'internal', now });
    expect(doc.title).toBe('Alpha Partnership annual report 1 January 2022 to 31 March 2023');
    expect(doc.sections[0]).toEqual({ key: 'introduction', heading: 'Introduction', blocks: [], note: 'Not written yet: no report has been started for this period' });
    const pub = await assembleReport(t.db, { partnershipId: t.fixture.a.id, from: '2022-01-01', to: TO, edition: 'public', now });
    expect(pub.sections.every((s) => s.blocks.length > 0)).toBe(true);
    expect(pub.sections.map((s) => s.key)).toContain('police');
    expect(pub.sections.map((s) => s.key)).not.toContain('introduction');
  });
});
