import { describe, expect, it } from 'vitest';
import { htmlDom, htmlTables } from './fixtures/read-outputs';
import { internalDocument, LONG_ROWS, POLICE_ROWS, sampleDocument } from './fixtures/sample-document';
import { renderHtml } from './html';

describe('the annual report as an HTML page', () => {
  const html = renderHtml(sampleDocument());
  const document = htmlDom(html);

  it('is a whole page in British English with the report’s title, needing no other file', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(document.documentElement.getAttribute('lang')).toBe('en-GB');
    expect(document.querySelector('title')!.textContent).toBe('Northmere Safeguarding Children Partnership annual report 2025 to 2026 (draft)');
    expect(document.querySelectorAll('link, script, img, iframe')).toHaveLength(0);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(document.querySelector('style')!.textContent).toContain('@media print');
  });

  it('has one h1, an h2 for the contents and each section in order, and h3 subheadings within them', () => {
    const headings = [...document.querySelectorAll('h1, h2, h3')].map((h) => `${h.tagName.toLowerCase()} ${h.textContent}`);
    expect(headings).toEqual([
      'h1 Northmere Safeguarding Children Partnership annual report 2025 to 2026',
      'h2 Contents',
      'h2 Introduction',
      'h2 Child Safeguarding Practice Review Group',
      'h3 What we did well',
      'h3 Future objectives',
      'h2 Missing children',
      'h2 What does our data tell us?',
      'h2 The voice of the child',
      'h3 Case study: Child B',
      'h2 Our local priorities',
    ]);
  });

  it('lists the sections as links to each one', () => {
    const links = [...document.querySelectorAll('nav a')].map((a) => [a.textContent, a.getAttribute('href')]);
    expect(links).toHaveLength(6);
    for (const [text, href] of links) {
      const target = document.getElementById(href!.slice(1));
      expect(target?.textContent).toBe(text);
      expect(target?.tagName).toBe('H2');
    }
    expect(document.querySelector('nav')!.getAttribute('aria-labelledby')).toBe('contents');
  });

  it('gives every table a caption, column headers and row headers, with the figures exactly as given', () => {
    const tables = htmlTables(html);
    expect(tables[0]).toEqual({
      caption: 'Missing Children (12 month rolling)',
      head: ['Missing Children (12 month rolling)', 'Current', 'Previous', 'Chg', '% Chg'],
      rows: POLICE_ROWS,
    });
    expect(tables[1]!.rows).toEqual(LONG_ROWS);
    for (const th of document.querySelectorAll('thead th')) expect(th.getAttribute('scope')).toBe('col');
    for (const tr of document.querySelectorAll('tbody tr')) expect(tr.firstElementChild!.outerHTML).toMatch(/^<th scope="row"/);
    expect(document.querySelector('tbody tr')!.children[1]!.className).toContain('govuk-table__cell--numeric');
  });

  it('escapes what it is given', () => {
    expect(html).toContain('Measure number 1 &lt;of&gt; seventy &amp; more');
    expect(html).toContain('The Police &amp; Crime Commissioner');
  });

  it('puts points in lists and children’s words in quotes, attributed without a name', () => {
    expect([...document.querySelectorAll('ul li')].map((li) => li.textContent)).toContain('The Chief Executive, Northmere Council');
    const quote = document.querySelector('figure blockquote')!;
    expect(quote.textContent).toBe('We feel listened to, and we’re being heard.');
    expect(document.querySelector('figure figcaption')!.textContent).toBe('A member of the Children in Care Council, aged 13 to 15');
  });

  it('says it is a draft, and which version it is', () => {
    expect(document.querySelector('.govuk-warning-text')!.textContent).toContain('Draft: not yet approved by the Executive');
    expect(document.querySelector('.beacon-report__edition')!.textContent).toBe('Public version: numbers from 1 to 5 are shown as c, and no child or family can be identified.');
    const approved = htmlDom(renderHtml(sampleDocument({ status: 'approved', approvedOn: '2026-09-14' })));
    expect(approved.querySelector('.govuk-warning-text')).toBeNull();
    expect(approved.querySelector('title')!.textContent).not.toContain('draft');
    expect(approved.body.textContent).toContain('Approved by the Executive on 14 September 2026');
  });

  it('has no empty section in the public version; the internal one says what is missing and who owns it', () => {
    for (const section of document.querySelectorAll('section')) expect(section.children.length).toBeGreaterThan(1);
    const internal = htmlDom(renderHtml(internalDocument()));
    expect(internal.querySelector('.beacon-report__edition')!.textContent).toContain('Internal version');
    const lado = [...internal.querySelectorAll('section')].at(-1)!;
    expect(lado.querySelector('h2')!.textContent).toBe('Local authority designated officer (LADO)');
    expect(lado.textContent).toContain('Not written yet (owner: Angela Morris)');
  });
});
