import {
  AlignmentType, BorderStyle, Document, Footer, HeadingLevel, LevelFormat, Packer, PageNumber, Paragraph, ShadingType, Table,
  TableCell, TableOfContents, TableRow, TextRun, WidthType,
} from 'docx';
import type { Block, ReportDocument, TableBlock } from '../../domain/annual-report';
import { editionText, generatedText, periodText, statusText } from './wording';

/**
 * The annual report as a Word document the business manager can go on editing: real heading styles (so
 * Word's navigation pane and its table of contents work), real tables whose header row repeats on each
 * page, bulleted lists Word numbers itself, and the draft status in every page's footer.
 */

const FONT = 'Arial';
const INK = '0B0C0C';
const GREY = '505A5F';
const BLUE = '1D70B8';
const ORANGE = 'F47738';
const RULE = 'B1B4B6';
// A4 with 2 cm margins, in twentieths of a point.
const PAGE = { width: 11906, height: 16838, margin: 1134 };
const TEXT_WIDTH = PAGE.width - 2 * PAGE.margin;
const BULLETS = 'bullets';

function tableOf(t: TableBlock): (Paragraph | Table)[] {
  const columns = t.head.length;
  // The measure column takes what the figure columns leave: figures are short, measures are sentences.
  const figureWidth = columns > 1 ? Math.min(1500, Math.floor((TEXT_WIDTH * 0.55) / (columns - 1))) : 0;
  const widths = [TEXT_WIDTH - figureWidth * (columns - 1), ...Array<number>(columns - 1).fill(figureWidth)];
  const align = (i: number) => (t.numeric[i] ? AlignmentType.RIGHT : AlignmentType.LEFT);
  const cell = (text: string, i: number, header: boolean) => new TableCell({
    width: { size: widths[i]!, type: WidthType.DXA },
    margins: { top: 60, bottom: 60, left: 80, right: 80 },
    shading: header ? { type: ShadingType.CLEAR, color: 'auto', fill: 'F3F2F1' } : undefined,
    children: [new Paragraph({ alignment: align(i), spacing: { after: 0 }, children: [new TextRun({ text, bold: header || i === 0 })] })],
  });
  const border = { style: BorderStyle.SINGLE, size: 4, color: RULE };
  return [
    new Paragraph({ style: 'Caption', keepNext: true, children: [new TextRun(t.caption)] }),
    new Table({
      width: { size: TEXT_WIDTH, type: WidthType.DXA },
      columnWidths: widths,
      borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
      rows: [
        new TableRow({ tableHeader: true, cantSplit: true, children: t.head.map((h, i) => cell(h, i, true)) }),
        ...t.rows.map((r) => new TableRow({ cantSplit: true, children: r.map((c, i) => cell(c, i, false)) })),
      ],
    }),
    ...(t.note ? [new Paragraph({ style: 'TableNote', children: [new TextRun(t.note)] })] : [new Paragraph({ spacing: { after: 120 }, children: [] })]),
  ];
}

function blockOf(b: Block): (Paragraph | Table)[] {
  switch (b.type) {
    case 'paragraph': return [new Paragraph({ children: [new TextRun(b.text)] })];
    case 'subheading': return [new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun(b.text)] })];
    case 'list': return b.items.map((i) => new Paragraph({ numbering: { reference: BULLETS, level: 0 }, children: [new TextRun(i.text)] }));
    case 'table': return tableOf(b);
    case 'quote': return [
      new Paragraph({ style: 'Quote', keepNext: Boolean(b.attribution), children: [new TextRun(b.text)] }),
      ...(b.attribution ? [new Paragraph({ style: 'QuoteAttribution', children: [new TextRun(`— ${b.attribution}`)] })] : []),
    ];
  }
}

export async function renderDocx(doc: ReportDocument): Promise<Buffer> {
  const draft = doc.status !== 'approved';
  const titlePage = [
    new Paragraph({ style: 'Subtitle', children: [new TextRun(doc.partnership)] }),
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(doc.title)] }),
    new Paragraph({ style: 'Subtitle', children: [new TextRun(periodText(doc))] }),
    new Paragraph({ children: [new TextRun({ text: editionText(doc), bold: true })] }),
    new Paragraph({ children: [new TextRun({ text: statusText(doc), bold: draft, color: draft ? 'D4351C' : INK })] }),
    new Paragraph({ style: 'TableNote', children: [new TextRun(generatedText(doc))] }),
    new Paragraph({ style: 'ContentsHeading', pageBreakBefore: true, children: [new TextRun('Contents')] }),
    new TableOfContents('Contents', { hyperlink: true, headingStyleRange: '1-2' }),
  ];
  const body = doc.sections.flatMap((s, i) => [
    new Paragraph({ heading: HeadingLevel.HEADING_1, pageBreakBefore: i === 0, children: [new TextRun(s.heading)] }),
    ...(s.note ? [new Paragraph({ style: 'SectionNote', children: [new TextRun(s.note)] })] : []),
    ...s.blocks.flatMap(blockOf),
  ]);
  const footer = new Footer({
    children: [new Paragraph({
      style: 'Footer',
      children: [
        new TextRun(`${draft ? 'Draft · ' : ''}${doc.title} · ${doc.edition === 'public' ? 'Public version' : 'Internal version'} · Page `),
        new TextRun({ children: [PageNumber.CURRENT] }),
        new TextRun(' of '),
        new TextRun({ children: [PageNumber.TOTAL_PAGES] }),
      ],
    })],
  });

  const document = new Document({
    title: doc.title,
    subject: `${doc.partnership}: annual report, ${periodText(doc)}`,
    creator: 'Beacon',
    lastModifiedBy: 'Beacon',
    description: `${editionText(doc)} ${statusText(doc)}.`,
    keywords: `safeguarding children; annual report; ${doc.edition} version${draft ? '; draft' : ''}`,
    features: { updateFields: true },
    styles: {
      default: {
        document: { run: { font: FONT, size: 24, color: INK, language: { value: 'en-GB' } }, paragraph: { spacing: { after: 160, line: 288 } } },
        title: { run: { font: FONT, size: 64, bold: true, color: INK }, paragraph: { spacing: { before: 2400, after: 360 } } },
        heading1: { run: { font: FONT, size: 40, bold: true, color: INK }, paragraph: { spacing: { before: 480, after: 200 }, keepNext: true, keepLines: true } },
        heading2: { run: { font: FONT, size: 30, bold: true, color: INK }, paragraph: { spacing: { before: 320, after: 140 }, keepNext: true, keepLines: true } },
        caption: { run: { font: FONT, size: 22, bold: true, italics: false, color: INK }, paragraph: { spacing: { before: 200, after: 80 }, keepNext: true } },
      },
      paragraphStyles: [
        { id: 'Subtitle', name: 'Subtitle', basedOn: 'Normal', next: 'Normal', run: { size: 32, color: GREY }, paragraph: { spacing: { after: 240 } } },
        { id: 'ContentsHeading', name: 'TOC Heading', basedOn: 'Normal', next: 'Normal', run: { size: 36, bold: true }, paragraph: { spacing: { after: 240 } } },
        { id: 'Quote', name: 'Quote', basedOn: 'Normal', next: 'Normal', run: { size: 28, italics: true },
          paragraph: { indent: { left: 567 }, spacing: { before: 240, after: 120 }, border: { left: { style: BorderStyle.SINGLE, size: 36, color: BLUE, space: 12 } } } },
        { id: 'QuoteAttribution', name: 'Quote attribution', basedOn: 'Normal', next: 'Normal', run: { size: 22, color: GREY },
          paragraph: { indent: { left: 567 }, spacing: { after: 240 } } },
        { id: 'SectionNote', name: 'Section status', basedOn: 'Normal', next: 'Normal', run: { bold: true },
          paragraph: { indent: { left: 284 }, border: { left: { style: BorderStyle.SINGLE, size: 36, color: ORANGE, space: 12 } } } },
        { id: 'TableNote', name: 'Table note', basedOn: 'Normal', next: 'Normal', run: { size: 20, color: GREY }, paragraph: { spacing: { before: 80, after: 240 } } },
        { id: 'Footer', name: 'footer', basedOn: 'Normal', run: { size: 18, color: GREY }, paragraph: { spacing: { after: 0 } } },
      ],
    },
    numbering: {
      config: [{
        reference: BULLETS,
        levels: [{ level: 0, format: LevelFormat.BULLET, text: '•', alignment: AlignmentType.LEFT,
          style: { paragraph: { indent: { left: 567, hanging: 283 } } } }],
      }],
    },
    sections: [{
      properties: { page: { size: { width: PAGE.width, height: PAGE.height }, margin: { top: PAGE.margin, bottom: PAGE.margin, left: PAGE.margin, right: PAGE.margin } } },
      footers: { default: footer },
      children: [...titlePage, ...body],
    }],
  });
  return Packer.toBuffer(document);
}
