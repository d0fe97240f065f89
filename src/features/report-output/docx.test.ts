import { describe, expect, it } from 'vitest';
import { renderDocx } from './docx';
import { docxBody, type DocxParagraph, type DocxTable } from './fixtures/read-outputs';
import { internalDocument, LONG_ROWS, POLICE_ROWS, sampleDocument } from './fixtures/sample-document';

describe('the annual report as a Word document', async () => {
  const docx = await renderDocx(sampleDocument());
  const { body, zip } = await docxBody(docx);
  const paragraphs = body.filter((b): b is DocxParagraph => b.kind === 'p');
  const tables = body.filter((b): b is DocxTable => b.kind === 'tbl');

  it('is a Word document with its title, author and language set', async () => {
    expect(docx.subarray(0, 2).toString()).toBe('PK');
    const core = await zip.file('docProps/core.xml')!.async('string');
    expect(core).toContain('<dc:title>Northmere Safeguarding Children Partnership annual report 2025 to 2026</dc:title>');
    expect(core).toContain('<dc:creator>Beacon</dc:creator>');
    const styles = await zip.file('word/styles.xml')!.async('string');
    expect(styles).toContain('w:lang w:val="en-GB"');
  });

  it('has the title, then Heading 1 for each section and Heading 2 for its subheadings, in order', () => {
    expect(paragraphs.find((p) => p.style === 'Title')!.text).toBe('Northmere Safeguarding Children Partnership annual report 2025 to 2026');
    expect(paragraphs.filter((p) => p.style === 'Heading1' || p.style === 'Heading2').map((p) => `${p.style} ${p.text}`)).toEqual([
      'Heading1 Introduction',
      'Heading1 Child Safeguarding Practice Review Group',
      'Heading2 What we did well',
      'Heading2 Future objectives',
      'Heading1 Missing children',
      'Heading1 What does our data tell us?',
      'Heading1 The voice of the child',
      'Heading2 Case study: Child B',
      'Heading1 Our local priorities',
    ]);
  });

  it('has a table of contents field over the headings', async () => {
    const xml = await zip.file('word/document.xml')!.async('string');
    expect(xml).toMatch(/TOC \\h|TOC \\o "1-2"/);
    expect(await zip.file('word/settings.xml')!.async('string')).toContain('w:updateFields');
  });

  it('writes each table as a real table whose header row repeats, with the exact cells', () => {
    expect(tables).toHaveLength(2);
    const [police, long] = tables;
    expect(police!.rows[0]).toEqual({ header: true, cells: ['Missing Children (12 month rolling)', 'Current', 'Previous', 'Chg', '% Chg'] });
    expect(police!.rows.slice(1)).toEqual(POLICE_ROWS.map((cells) => ({ header: false, cells })));
    expect(long!.rows.slice(1).map((r) => r.cells)).toEqual(LONG_ROWS);
    // Each table's caption comes just before it, in the Caption style.
    const captionIndex = body.indexOf(police!) - 1;
    expect(body[captionIndex]).toMatchObject({ kind: 'p', style: 'Caption', text: 'Missing Children (12 month rolling)' });
  });

  it('makes points bulleted list paragraphs that Word numbers', async () => {
    const numbered = paragraphs.filter((p) => p.numbered).map((p) => p.text);
    expect(numbered).toEqual([
      'The Chief Executive, Northmere Council', 'The Police & Crime Commissioner',
      'Completed two rapid reviews within 15 working days', 'Publish the learning briefing on neglect',
    ]);
    const numbering = await zip.file('word/numbering.xml')!.async('string');
    expect(numbering).toContain('w:numFmt w:val="bullet"');
  });

  it('styles children’s words as a quote, with its attribution', () => {
    const quote = paragraphs.findIndex((p) => p.style === 'Quote');
    expect(paragraphs[quote]!.text).toBe('We feel listened to, and we’re being heard.');
    expect(paragraphs[quote + 1]).toMatchObject({ style: 'QuoteAttribution', text: '— A member of the Children in Care Council, aged 13 to 15' });
  });

  it('says "Draft" and the page number on every page, and which version it is', async () => {
    const footer = await zip.file(/word\/footer\d*\.xml/)[0]!.async('string');
    expect(footer).toContain('Draft · ');
    expect(footer).toContain('PAGE');
    expect(footer).toContain('NUMPAGES');
    expect(paragraphs.map((p) => p.text)).toContain('Public version: numbers from 1 to 5 are shown as c, and no child or family can be identified.');
    const approved = await docxBody(await renderDocx(sampleDocument({ status: 'approved', approvedOn: '2026-09-14' })));
    const approvedFooter = await approved.zip.file(/word\/footer\d*\.xml/)[0]!.async('string');
    expect(approvedFooter).not.toContain('Draft');
  });

  it('notes, in the internal version, the section still to be written', async () => {
    const internal = (await docxBody(await renderDocx(internalDocument()))).body.filter((b): b is DocxParagraph => b.kind === 'p');
    const lado = internal.findIndex((p) => p.text === 'Local authority designated officer (LADO)' && p.style === 'Heading1');
    expect(internal[lado + 1]).toMatchObject({ style: 'SectionNote', text: 'Not written yet (owner: Angela Morris)' });
  });
});
