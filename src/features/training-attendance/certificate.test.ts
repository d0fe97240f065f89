import { describe, expect, it } from 'vitest';
import { pdfText } from '../../testing/pdf-text';
import { certificatePdf, londonLongDate, standardFontText, type Certificate } from './certificate';

const certificate: Certificate = {
  partnership: 'Northmere Safeguarding Children Partnership',
  person: 'Zoë O’Neill',
  agency: 'Northmere Police',
  course: 'Neglect: recognising and responding',
  level: '2',
  delivery: 'Face to face',
  sessionStart: new Date('2026-03-29T23:30:00Z'),
  durationMinutes: 210,
  learningOutcomes: ['Use the graded care profile', 'Know when to escalate a concern'],
  number: 'NSCP-2026-000123',
};

describe('training certificate', () => {
  it('shows the partnership, the person and agency, the course, level, date, duration, outcomes and number', async () => {
    const pdf = await certificatePdf(certificate);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf).join('\n');
    for (const part of ['Northmere Safeguarding Children Partnership', 'Certificate of attendance', 'Zoë O’Neill', 'Northmere Police',
      'Neglect: recognising and responding', 'Use the graded care profile', 'Know when to escalate a concern', 'Certificate number NSCP-2026-000123']) {
      expect(text).toContain(part);
    }
    // 23:30 UTC on 29 March 2026 is half past midnight on 30 March in London (British Summer Time).
    expect(text).toContain('30 March 2026');
    expect(text).toContain('3 hours 30 minutes');
    expect(text).toContain('Level 2: practitioners in contact with children');
  });

  it('is tagged, in English, and titled for a screen reader', async () => {
    const raw = (await certificatePdf(certificate)).toString('latin1');
    expect(raw).toContain('/Lang (en-GB)');
    expect(raw).toMatch(/\/MarkInfo/);
    expect(raw).toMatch(/\/StructTreeRoot/);
    expect(raw).toMatch(/\/DisplayDocTitle true/);
    const titleRef = /\/Title (\d+) 0 R/.exec(raw)![1];
    expect(raw).toContain(`\n${titleRef} 0 obj\n(Certificate of attendance: Neglect: recognising and responding)`);
    for (const tag of ['/H1', '/H2', '/L', '/LI', '/P']) expect(raw).toContain(tag);
  });

  it('keeps the letters the standard fonts lack readable', () => {
    expect(standardFontText('Łucja Şükrü Dvořák')).toBe('Lucja Sükrü Dvorák');
    expect(standardFontText('Zoë “Jo” O’Neill – lead')).toBe('Zoë “Jo” O’Neill – lead');
    expect(standardFontText('王 Li')).toBe('? Li');
  });

  it('says dates as people do, in London', () => {
    expect(londonLongDate(new Date('2026-01-05T10:00:00Z'))).toBe('5 January 2026');
    expect(londonLongDate(new Date('2026-06-30T23:30:00Z'))).toBe('1 July 2026');
  });
});
