/**
 * Cells safe to open in a spreadsheet. Text that a spreadsheet would run as a formula (or a DDE link)
 * starts with = + - @, or a tab or carriage return that some skip before one: it gets a leading
 * apostrophe, which spreadsheets show as text and Beacon's importers take off again. Every export of
 * Beacon's (returns, scorecards, findings, templates) writes its cells through here.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

/** A text cell for a workbook. */
export function neutralised(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** A CSV cell: disarmed as above (a plain number such as -3 is no formula and is left alone), and quoted where needed. */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  if (FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
