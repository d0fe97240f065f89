import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { pdfText } from '../../testing/pdf-text';
import { pdfDestinations, pdfInfo, pdfPageImages, pdfPagesText } from './fixtures/read-outputs';
import { internalDocument, LONG_ROWS, POLICE_ROWS, sampleDocument } from './fixtures/sample-document';
import { renderPdf } from './pdf';

/** The rows of a table as pdftotext lays them out: the cells of each row on one line, in order, spaced. */
const rowPattern = (cells: string[]) => new RegExp(cells.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+'));

describe('the annual report as a PDF', async () => {
  const pdf = await renderPdf(sampleDocument());
  const info = await pdfInfo(pdf);
  const pages = await pdfPagesText(pdf);

  it('is an A4 document with its title, language and tags', () => {
    expect(info.Title).toBe('Northmere Safeguarding Children Partnership annual report 2025 to 2026');
    expect(info.Author).toBe('Northmere Safeguarding Children Partnership');
    expect(info.Tagged).toBe('yes');
    expect(info['Page size']).toContain('(A4)');
    expect(Number(info.Pages)).toBe(pages.length);
    const raw = pdf.toString('latin1');
    expect(raw).toContain('/Lang (en-GB)');
    expect(raw).toMatch(/\/DisplayDocTitle true/);
    for (const tag of ['H1', 'H2', 'H3', 'L', 'LI', 'Table', 'TH', 'TD', 'Caption', 'BlockQuote', 'TOC', 'TOCI']) expect(raw, tag).toMatch(new RegExp(`/S /${tag}\\b`));
    expect(raw).toContain('/Scope /Column');
  });

  it('opens with a title page and a contents page giving each section’s page', () => {
    expect(pages[0]).toContain('Draft: not yet approved by the Executive');
    expect(pages[0]).toContain('1 April 2025 to 31 March 2026');
    expect(pages[0]).toContain('Public version: numbers from 1 to 5 are shown as c');
    expect(pages[1]).toContain('Contents');
    for (const heading of ['Introduction', 'Missing children', 'The voice of the child', 'Our local priorities']) {
      const entry = new RegExp(`${heading.replace(/[?]/g, '\\?')}\\s+(\\d+)`).exec(pages[1]!);
      expect(entry, heading).not.toBeNull();
      // The section's heading is on the page the contents gives.
      expect(pages[Number(entry![1]) - 1]).toContain(heading);
    }
  });

  it('has the headings and the table cells in reading order', () => {
    const text = pages.slice(2).join('\n');
    let at = 0;
    for (const heading of ['Introduction', 'Child Safeguarding Practice Review Group', 'What we did well', 'Future objectives', 'Missing children',
      'What does our data tell us?', 'The voice of the child', 'Case study: Child B', 'Our local priorities']) {
      const found = text.indexOf(heading, at);
      expect(found, heading).toBeGreaterThanOrEqual(at);
      at = found;
    }
    const lines = text.split('\n');
    for (const row of [...POLICE_ROWS, ...LONG_ROWS]) expect(lines.some((l) => rowPattern(row).test(l)), row.join(' | ')).toBe(true);
    const order = POLICE_ROWS.map((row) => lines.findIndex((l) => rowPattern(row).test(l)));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('carries a long table across pages with its header row at the top of each', () => {
    const withRows = pages.filter((p) => LONG_ROWS.some((row) => rowPattern(row).test(p)));
    expect(withRows.length).toBeGreaterThan(1);
    for (const page of withRows) expect(page).toMatch(/Measure\s+Current\s+Previous\s+Chg\s+% Chg/);
  });

  it('numbers every page and says on each that it is a draft', () => {
    pages.forEach((page, i) => {
      expect(page).toContain(`Page ${i + 1} of ${pages.length}`);
      expect(page).toContain('Draft · Public version');
    });
  });

  it('bookmarks each section, and links the contents to them', async () => {
    const raw = pdf.toString('latin1');
    expect(raw).toMatch(/\/Outlines \d+ 0 R/);
    expect(pdfText(pdf)).toContain('Our local priorities');
    const dests = await pdfDestinations(pdf);
    for (let i = 1; i <= 6; i++) expect(dests).toContain(`"section-${i}"`);
    expect(raw.match(/\/Title \(([^)]*)\)/g)?.map((m) => m.slice(8, -1))).toEqual(expect.arrayContaining(['Contents', 'Introduction', 'Missing children', 'The voice of the child']));
  });

  it('renders every page to an image with something on it', async () => {
    const images = await pdfPageImages(pdf);
    expect(images).toHaveLength(pages.length);
    for (const image of images) {
      // A4 at 50 dots per inch.
      expect(image.width).toBe(414);
      expect(image.height).toBe(585);
      expect(image.darkShare).toBeGreaterThan(0.002);
    }
    // The measure tells a blank page from a written one.
    const blank = new PDFDocument({ size: 'A4' });
    const chunks: Buffer[] = [];
    blank.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise((resolve) => blank.on('end', resolve));
    blank.end();
    await ended;
    expect((await pdfPageImages(Buffer.concat(chunks)))[0]!.darkShare).toBe(0);
  });

  it('notes, in the internal version, the section still to be written', async () => {
    const internal = (await pdfPagesText(await renderPdf(internalDocument()))).join('\n');
    expect(internal).toMatch(/Local authority designated officer \(LADO\)\s+Not written yet \(owner: Angela Morris\)/);
    expect(internal).toContain('Internal version: do not publish');
  });
});
