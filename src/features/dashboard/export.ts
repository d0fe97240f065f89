import type { IndicatorCode, IndicatorKind } from '../indicators/indicator-codes';
import { RAG_TAGS } from './rag';
import { describeRule, type Scorecard } from './scorecard';
import { publishedFigures } from './publish';
import { csvCell, neutralised } from '../../platform/spreadsheet-safe';

/**
 * The scorecard as CSV and as an Excel workbook, one row an indicator. Exact figures for the
 * partnership's own use; with `publish`, small numbers suppressed as indicators.md requires. No text
 * cell can start a formula: one that begins with = + - @, a tab or a carriage return gets an apostrophe.
 */

export type ExportMeta = { partnership: string; publish: boolean };
type Cell = string | number | null;

const HEADER = ['Partnership', 'Indicator', 'Code', 'What it counts', 'Period from', 'Period to', 'This period', 'Previous period from', 'Previous period to',
  'Previous period', 'Change', 'Target', 'Rating', 'England', 'England year', 'England source', 'Statistical neighbours'];


function rowsOf(card: Scorecard, meta: ExportMeta): { cells: Cell[]; kind: IndicatorKind }[] {
  const shown = publishedFigures(card, meta.publish);
  return card.rows.map((r) => {
    const f = shown[r.code as IndicatorCode];
    return {
      kind: r.kind,
      cells: [
        meta.partnership, r.label, r.code, r.counts, card.period.from, card.period.to, f.current, card.previousPeriod.from, card.previousPeriod.to, f.previous,
        f.change,
        describeRule(r.rule, r.kind) || null, r.rag ? RAG_TAGS[r.rag].text : null,
        r.england?.value ?? null, r.england?.year ?? null, r.england?.source ?? null, r.neighbour,
      ],
    };
  });
}


export function scorecardCsv(card: Scorecard, meta: ExportMeta): string {
  const lines = [HEADER, ...rowsOf(card, meta).map((r) => r.cells)].map((cells) => cells.map(csvCell).join(','));
  // A BOM, so that Excel reads the en dash and curly quotes as UTF-8.
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export async function scorecardXlsx(card: Scorecard, meta: ExportMeta): Promise<Buffer> {
  // Loaded when first needed: it takes half a second to load, which every start of the app would pay.
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.Workbook();
  wb.creator = 'Beacon';
  const ws = wb.addWorksheet('Scorecard');
  ws.addRow([neutralised(`${meta.partnership}: performance scorecard, ${card.period.label}`)]).font = { bold: true };
  ws.addRow([meta.publish
    ? 'For publication: counts from 1 to 5 are shown as c, and figures from which one could be worked out are hidden.'
    : 'Exact figures: not for publication.']);
  ws.addRow([]);
  const header = ws.addRow(HEADER);
  header.font = { bold: true };
  for (const r of rowsOf(card, meta)) {
    const row = ws.addRow(r.cells.map((c) => (typeof c === 'string' ? neutralised(c) : c)));
    // This period, previous period, change, England and neighbours: percentages and rates to 1 decimal place.
    for (const col of [7, 10, 11, 14, 17]) if (r.kind !== 'count' && typeof row.getCell(col).value === 'number') row.getCell(col).numFmt = '0.0';
  }
  ws.columns.forEach((c, i) => { c.width = [0, 1, 3].includes(i) ? 40 : i === 15 ? 50 : 14; });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
