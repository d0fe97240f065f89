import type PDFDocument from 'pdfkit';
import type { Block, ReportDocument, TableBlock, TextItem } from '../../domain/annual-report';
import { standardFontText as t } from '../training-attendance/certificate';
import { editionText, generatedText, periodText, statusText } from './wording';

/**
 * The annual report as an A4 PDF for reading and printing: a title page, a contents page with each
 * section's page (and a link to it), the sections with their headings kept with their text, tables that
 * carry on across pages under their header row, "Page n of N" and the draft status at the foot of every
 * page, and a bookmark for each section. It is tagged (headings, paragraphs, lists, tables with their
 * header cells, quotes, in reading order; page furniture marked as such), declares its language and
 * shows its title, so a screen reader reads it as the HTML page reads.
 */

type Doc = InstanceType<typeof PDFDocument>;
type Struct = ReturnType<Doc['struct']>;

const INK = '#0b0c0c';
const GREY = '#505a5f';
const BLUE = '#1d70b8';
const RED = '#d4351c';
const ORANGE = '#f47738';
const RULE = '#b1b4b6';
const SHADE = '#f3f2f1';
const MARGIN = 56;
const FOOTER_GAP = 36;
const BODY = 11;
const CELL_PAD = 4;

class Writer {
  readonly width: number;
  constructor(readonly doc: Doc, readonly root: Struct) {
    this.width = doc.page.width - 2 * MARGIN;
  }

  get bottom() { return this.doc.page.height - MARGIN - FOOTER_GAP; }

  /** Starts a new page unless `height` points still fit on this one. */
  room(height: number) {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  /** A structure element of the document, drawn by `draw`. */
  block(tag: string, draw: () => void, parent: Struct = this.root) {
    const el = this.doc.struct(tag, {}, [draw]);
    parent.add(el);
    el.end();
  }

  /** Decoration (rules, bars, shading): marked so that nothing reads it out. */
  artifact(draw: () => void) {
    this.doc.markContent('Artifact', { type: 'Layout' });
    draw();
    this.doc.endMarkedContent();
  }

  lineHeight(size: number, font = 'Helvetica') {
    return this.doc.font(font).fontSize(size).currentLineHeight(true);
  }

  /** `destination`: a name the contents links to. */
  heading(tag: 'H1' | 'H2' | 'H3', text: string, destination?: string) {
    const size = tag === 'H1' ? 26 : tag === 'H2' ? 18 : 13;
    const { doc } = this;
    // A heading never ends a page: it keeps with at least three lines of what follows.
    this.room(doc.font('Helvetica-Bold').fontSize(size).heightOfString(t(text), { width: this.width }) + 4 * this.lineHeight(BODY));
    if (tag !== 'H1' && doc.y > MARGIN + 1) doc.moveDown(tag === 'H2' ? 0.8 : 0.4);
    this.block(tag, () => doc.font('Helvetica-Bold').fontSize(size).fillColor(INK).text(t(text), MARGIN, doc.y, { width: this.width, ...(destination ? { destination } : {}) }));
    doc.moveDown(0.4);
  }

  paragraph(text: string, opts: { size?: number; colour?: string; bold?: boolean; indent?: number } = {}) {
    const { doc } = this;
    const size = opts.size ?? BODY;
    const indent = opts.indent ?? 0;
    this.room(this.lineHeight(size) * 2);
    this.block('P', () => doc.font(opts.bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(size).fillColor(opts.colour ?? INK)
      .text(t(text), MARGIN + indent, doc.y, { width: this.width - indent, lineGap: 2 }));
    doc.moveDown(0.6);
  }

  list(items: TextItem[]) {
    const { doc } = this;
    const list = doc.struct('L');
    this.root.add(list);
    for (const item of items) {
      this.room(this.lineHeight(BODY) * 2);
      const li = doc.struct('LI');
      list.add(li);
      const y = doc.y;
      li.add(doc.struct('Lbl', {}, [() => doc.font('Helvetica').fontSize(BODY).fillColor(INK).text('•', MARGIN + 6, y, { lineBreak: false })]));
      li.add(doc.struct('LBody', {}, [() => doc.font('Helvetica').fontSize(BODY).fillColor(INK).text(t(item.text), MARGIN + 20, y, { width: this.width - 20, lineGap: 2 })]));
      li.end();
      doc.moveDown(0.3);
    }
    list.end();
    doc.moveDown(0.3);
  }

  /** A bar down the left of what `draw` writes, drawn once its height is known. */
  barred(colour: string, draw: () => void) {
    const { doc } = this;
    const top = doc.y;
    const page = doc.bufferedPageRange().start + doc.bufferedPageRange().count;
    draw();
    // A passage that crossed a page gets no bar: the bar would span the wrong page.
    if (doc.bufferedPageRange().start + doc.bufferedPageRange().count === page) {
      const bottom = doc.y - 6;
      this.artifact(() => doc.rect(MARGIN, top - 2, 4, bottom - top + 2).fill(colour));
    }
  }

  quote(text: string, attribution?: string) {
    const { doc } = this;
    this.room(this.lineHeight(13) * 3);
    const quote = doc.struct('BlockQuote');
    this.root.add(quote);
    this.barred(BLUE, () => {
      quote.add(doc.struct('P', {}, [() => doc.font('Helvetica-Oblique').fontSize(13).fillColor(INK)
        .text(t(text), MARGIN + 16, doc.y, { width: this.width - 16, lineGap: 2 })]));
      if (attribution) {
        doc.moveDown(0.2);
        quote.add(doc.struct('P', {}, [() => doc.font('Helvetica').fontSize(10).fillColor(GREY)
          .text(t(`— ${attribution}`), MARGIN + 16, doc.y, { width: this.width - 16 })]));
      }
      doc.moveDown(0.5);
    });
    quote.end();
    doc.moveDown(0.4);
  }

  note(text: string) {
    this.barred(ORANGE, () => this.paragraph(text, { bold: true, indent: 14 }));
  }

  table(table: TableBlock) {
    const { doc } = this;
    // Each figure column as wide as its longest word (a heading such as "Completed" is never split), the
    // measures taking the rest; figure columns are narrowed evenly if they would leave the measures too little.
    const longestWord = (text: string, bold: boolean) => Math.max(...t(text).split(/\s+/).map((w) =>
      doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9.5).widthOfString(w)));
    const wanted = table.head.slice(1).map((h, j) => Math.max(36, longestWord(h, true), ...table.rows.map((r) => longestWord(r[j + 1] ?? '', false))) + 2 * CELL_PAD + 2);
    const scale = Math.min(1, (this.width * 0.6) / wanted.reduce((a, b) => a + b, 0));
    const figures = wanted.map((w) => w * scale);
    const widths = [this.width - figures.reduce((a, b) => a + b, 0), ...figures];
    const xs = widths.map((_, i) => MARGIN + widths.slice(0, i).reduce((a, b) => a + b, 0));
    const cellHeight = (cells: string[], bold: boolean) => Math.max(...cells.map((c, i) =>
      doc.font(bold || i === 0 ? 'Helvetica-Bold' : 'Helvetica').fontSize(9.5).heightOfString(t(c), { width: widths[i]! - 2 * CELL_PAD }))) + 2 * CELL_PAD;
    const headHeight = cellHeight(table.head, true);

    const drawRow = (cells: string[], header: boolean, tr: Struct | null) => {
      const y = doc.y;
      const h = header ? headHeight : cellHeight(cells, false);
      this.artifact(() => {
        if (header) doc.rect(MARGIN, y, this.width, h).fill(SHADE);
        doc.moveTo(MARGIN, y + h).lineTo(MARGIN + this.width, y + h).lineWidth(header ? 1.2 : 0.5).strokeColor(header ? INK : RULE).stroke();
      });
      cells.forEach((c, i) => {
        const draw = () => doc.font(header || i === 0 ? 'Helvetica-Bold' : 'Helvetica').fontSize(9.5).fillColor(INK)
          .text(t(c), xs[i]! + CELL_PAD, y + CELL_PAD, { width: widths[i]! - 2 * CELL_PAD, align: table.numeric[i] ? 'right' : 'left' });
        if (!tr) return this.artifact(draw);
        const th = header || i === 0;
        // pdfkit writes a header cell's scope, though its types do not list the option.
        const scope = (th ? { scope: header ? 'Column' : 'Row' } : {}) as Parameters<Doc['struct']>[1];
        const cell = doc.struct(th ? 'TH' : 'TD', scope, [draw]);
        tr.add(cell);
        cell.end();
      });
      doc.x = MARGIN;
      doc.y = y + h;
    };

    // The caption keeps with the header row and the first row.
    this.room(this.lineHeight(11, 'Helvetica-Bold') * 2 + headHeight + (table.rows[0] ? cellHeight(table.rows[0], false) : 0));
    const el = doc.struct('Table');
    this.root.add(el);
    el.add(doc.struct('Caption', {}, [() => doc.font('Helvetica-Bold').fontSize(11).fillColor(INK).text(t(table.caption), MARGIN, doc.y, { width: this.width })]));
    doc.moveDown(0.3);
    const head = doc.struct('THead');
    el.add(head);
    const headRow = doc.struct('TR');
    head.add(headRow);
    drawRow(table.head, true, headRow);
    headRow.end();
    head.end();
    const body = doc.struct('TBody');
    el.add(body);
    for (const row of table.rows) {
      if (doc.y + cellHeight(row, false) > this.bottom) {
        doc.addPage();
        // The header row again at the top of the page, as furniture: it has been read once already.
        drawRow(table.head, true, null);
      }
      const tr = doc.struct('TR');
      body.add(tr);
      drawRow(row, false, tr);
      tr.end();
    }
    body.end();
    el.end();
    doc.moveDown(0.4);
    if (table.note) this.paragraph(table.note, { size: 9, colour: GREY });
    else doc.moveDown(0.6);
  }

  blocks(blocks: Block[]) {
    for (const b of blocks) {
      switch (b.type) {
        case 'paragraph': this.paragraph(b.text); break;
        case 'subheading': this.heading('H3', b.text); break;
        case 'list': this.list(b.items); break;
        case 'table': this.table(b); break;
        case 'quote': this.quote(b.text, b.attribution); break;
      }
    }
  }
}

export async function renderPdf(report: ReportDocument): Promise<Buffer> {
  const draft = report.status !== 'approved';
  // Loaded when first needed: every start of the app would pay a fifth of a second to load it.
  const { default: Pdf } = await import('pdfkit');
  const doc = new Pdf({
    size: 'A4', margin: MARGIN, bufferPages: true, pdfVersion: '1.7', tagged: true, lang: 'en-GB', displayTitle: true,
    info: {
      Title: t(report.title), Author: t(report.partnership), Subject: t(`Annual report, ${periodText(report)}`),
      Keywords: `safeguarding children; annual report; ${report.edition} version${draft ? '; draft' : ''}`,
      Creator: 'Beacon', Producer: 'Beacon', CreationDate: new Date(report.generatedAt),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const root = doc.struct('Document');
  doc.addStructure(root);
  const w = new Writer(doc, root);

  // The title page.
  if (draft) {
    w.artifact(() => doc.rect(MARGIN, MARGIN, w.width, 40).lineWidth(3).strokeColor(RED).stroke());
    w.block('P', () => doc.font('Helvetica-Bold').fontSize(14).fillColor(RED).text(t(statusText(report)), MARGIN + 14, MARGIN + 13, { width: w.width - 28 }));
  }
  doc.y = 220;
  w.paragraph(report.partnership, { size: 16, colour: GREY });
  w.heading('H1', report.title);
  w.paragraph(periodText(report), { size: 16 });
  doc.moveDown(1);
  w.paragraph(editionText(report), { bold: true });
  if (!draft) w.paragraph(`${statusText(report)}.`);
  w.paragraph(`${generatedText(report)}.`, { size: 10, colour: GREY });

  // The contents, filled in with page numbers once the sections are laid out.
  doc.addPage();
  doc.outline.addItem('Contents');
  w.block('H2', () => doc.font('Helvetica-Bold').fontSize(18).fillColor(INK).text('Contents', MARGIN, doc.y, { width: w.width }));
  doc.moveDown(0.6);
  const contentsTop = doc.y;
  const entryHeight = w.lineHeight(BODY) + 6;
  const perPage = Math.floor((w.bottom - MARGIN) / entryHeight);
  const firstPage = Math.floor((w.bottom - contentsTop) / entryHeight);
  const contentsPages = 1 + Math.max(0, Math.ceil((report.sections.length - firstPage) / perPage));
  const contentsStart = doc.bufferedPageRange().count - 1;
  for (let i = 1; i < contentsPages; i++) doc.addPage();
  const toc = doc.struct('TOC');
  root.add(toc);

  const starts: number[] = [];
  report.sections.forEach((section, i) => {
    if (i === 0) doc.addPage();
    w.heading('H2', section.heading, `section-${i + 1}`);
    // The heading is placed (after any page break it needed): its page is the section's.
    starts.push(doc.bufferedPageRange().count - 1);
    doc.outline.addItem(t(section.heading));
    if (section.note) w.note(section.note);
    w.blocks(section.blocks);
  });

  const total = doc.bufferedPageRange().count;
  report.sections.forEach((section, i) => {
    const slot = i < firstPage ? i : i - firstPage;
    const page = contentsStart + (i < firstPage ? 0 : 1 + Math.floor(slot / perPage));
    doc.switchToPage(page);
    const y = (i < firstPage ? contentsTop : MARGIN) + (i < firstPage ? slot : slot % perPage) * entryHeight;
    const number = String(starts[i]! + 1);
    const item = doc.struct('TOCI', {}, [() => {
      doc.font('Helvetica').fontSize(BODY).fillColor(BLUE)
        .text(t(section.heading), MARGIN, y, { width: w.width - 40, goTo: `section-${i + 1}`, underline: true, lineBreak: false, ellipsis: true });
      doc.fillColor(INK).text(number, MARGIN + w.width - 40, y, { width: 40, align: 'right', lineBreak: false });
    }]);
    toc.add(item);
    item.end();
  });
  toc.end();

  // Every page's foot: furniture, not part of the reading order.
  for (let i = 0; i < total; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGIN - 10;
    doc.markContent('Artifact', { type: 'Pagination' });
    doc.moveTo(MARGIN, y - 6).lineTo(MARGIN + w.width, y - 6).lineWidth(0.5).strokeColor(RULE).stroke();
    doc.font(draft ? 'Helvetica-Bold' : 'Helvetica').fontSize(8.5).fillColor(draft ? RED : GREY)
      .text(t(`${draft ? 'Draft · ' : ''}${report.edition === 'public' ? 'Public version' : 'Internal version: do not publish'}`), MARGIN, y, { width: w.width / 2, lineBreak: false });
    doc.font('Helvetica').fillColor(GREY).text(`Page ${i + 1} of ${total}`, MARGIN + w.width / 2, y, { width: w.width / 2, align: 'right', lineBreak: false });
    doc.endMarkedContent();
    doc.page.margins.bottom = bottom;
  }

  root.end();
  doc.end();
  return done;
}
