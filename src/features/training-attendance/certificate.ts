import { londonParts } from '../../domain/london';
import { LEVELS, durationText } from '../training/training.service';

/** What a certificate of attendance says. */
export type Certificate = {
  partnership: string;
  person: string;
  agency: string | null;
  course: string;
  level: string;
  delivery: string;
  /** When the session started: the certificate gives its London date. */
  sessionStart: Date;
  durationMinutes: number;
  learningOutcomes: string[];
  number: string;
};

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** 14 March 2026, in London. */
export function londonLongDate(instant: Date): string {
  const [y, m, d] = londonParts(instant).date.split('-').map(Number) as [number, number, number];
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

// The characters the PDF standard fonts can show (Windows-1252): Latin-1 and these 27 more.
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const FOLDS: Record<string, string> = { Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', Ħ: 'H', ħ: 'h', ı: 'i', Ŀ: 'L', ŀ: 'l', ŉ: 'n', ĸ: 'k', Ŧ: 'T', ŧ: 't', Ə: 'E', ə: 'e' };
const showable = (ch: string) => {
  const c = ch.codePointAt(0)!;
  return (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || WIN_ANSI_EXTRA.has(ch);
};

/**
 * Text the standard fonts can draw. pdfkit writes a character outside Windows-1252 as a broken code, so
 * a name such as Łucja or Şükrü would come out garbled: letters with marks the fonts lack lose the mark
 * (ş → s), a few letters that have no mark to lose are spelt as English spells them, and anything else
 * (another script) becomes "?". Embedding a font for every script would be the full answer.
 */
export function standardFontText(text: string): string {
  let out = '';
  for (const ch of text.replace(/[\r\n\t]+/g, ' ')) {
    if (showable(ch)) { out += ch; continue; }
    const bare = ch.normalize('NFKD').replace(/\p{M}/gu, '');
    if (bare && [...bare].every(showable)) out += bare;
    else out += FOLDS[ch] ?? '?';
  }
  return out;
}

const INK = '#0b0c0c';
const GREY = '#505a5f';
const BRAND = '#1d70b8';

/**
 * The certificate as a one-page A4 landscape PDF. It is tagged (a document of headings, paragraphs and a
 * list, in reading order), declares its language and shows its title rather than its file name, so a
 * screen reader reads it as it is laid out.
 */
export async function certificatePdf(c: Certificate, opts: { now?: Date } = {}): Promise<Buffer> {
  const t = standardFontText;
  const title = `Certificate of attendance: ${t(c.course)}`;
  // Loaded when first needed: every start of the app would pay a fifth of a second to load it.
  const { default: Pdf } = await import('pdfkit');
  const doc = new Pdf({
    size: 'A4', layout: 'landscape', margin: 56, pdfVersion: '1.7', tagged: true, lang: 'en-GB', displayTitle: true,
    info: { Title: title, Author: t(c.partnership), Subject: `${t(c.person)}, certificate ${c.number}`, Creator: 'Beacon', CreationDate: opts.now ?? new Date() },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const width = doc.page.width - 112;
  // A border is decoration: marked as an artifact so that nothing reads it out.
  doc.markContent('Artifact', { type: 'Layout' });
  doc.lineWidth(6).strokeColor(BRAND).rect(24, 24, doc.page.width - 48, doc.page.height - 48).stroke();
  doc.endMarkedContent();

  const root = doc.struct('Document');
  doc.addStructure(root);
  const block = (tag: string, draw: () => void) => {
    const el = doc.struct(tag, {}, [draw]);
    root.add(el);
    el.end();
  };
  const centred = { width, align: 'center' as const };

  doc.y = 64;
  block('P', () => doc.font('Helvetica').fontSize(14).fillColor(GREY).text(t(c.partnership), 56, doc.y, centred));
  doc.moveDown(0.6);
  block('H1', () => doc.font('Helvetica-Bold').fontSize(30).fillColor(INK).text('Certificate of attendance', centred));
  doc.moveDown(0.6);
  block('P', () => doc.font('Helvetica').fontSize(13).fillColor(GREY).text('This is to certify that', centred));
  doc.moveDown(0.3);
  block('P', () => doc.font('Helvetica-Bold').fontSize(24).fillColor(INK).text(t(c.person), centred));
  if (c.agency) block('P', () => doc.font('Helvetica').fontSize(13).fillColor(INK).text(t(c.agency!), centred));
  doc.moveDown(0.3);
  block('P', () => doc.font('Helvetica').fontSize(13).fillColor(GREY).text('attended the multi-agency safeguarding course', centred));
  doc.moveDown(0.3);
  block('H2', () => doc.font('Helvetica-Bold').fontSize(20).fillColor(BRAND).text(t(c.course), centred));
  doc.moveDown(0.3);
  const details = [londonLongDate(c.sessionStart), durationText(c.durationMinutes), LEVELS[c.level as keyof typeof LEVELS] ?? `Level ${c.level}`, c.delivery];
  block('P', () => doc.font('Helvetica').fontSize(12).fillColor(INK).text(details.map(t).join('   ·   '), centred));

  if (c.learningOutcomes.length) {
    doc.moveDown(0.8);
    block('H3', () => doc.font('Helvetica-Bold').fontSize(12).fillColor(INK).text('Learning outcomes', 96, doc.y, { width: width - 80 }));
    doc.moveDown(0.2);
    const list = doc.struct('L');
    root.add(list);
    for (const outcome of c.learningOutcomes) {
      const item = doc.struct('LI', {}, [() => doc.font('Helvetica').fontSize(11).fillColor(INK).text(`•  ${t(outcome)}`, 96, doc.y, { width: width - 80, indent: 0 })]);
      list.add(item);
      item.end();
    }
    list.end();
  }

  const footY = doc.page.height - 104;
  block('P', () => doc.font('Helvetica').fontSize(11).fillColor(GREY)
    .text(`Certificate number ${c.number}`, 56, Math.max(doc.y + 16, footY), centred));
  root.end();
  doc.end();
  return done;
}
