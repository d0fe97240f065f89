import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { PartnerDataInvalid, PartnerDataUnreadable, formatCsvError, parsePartnerCsv, templateCsv } from './partner-data.csv';

const bytes = (text: string) => Buffer.from(text, 'utf8');

function problems(text: string | Buffer): string[] {
  try {
    parsePartnerCsv(typeof text === 'string' ? bytes(text) : text);
  } catch (err) {
    if (err instanceof PartnerDataInvalid) return err.errors.map(formatCsvError);
    throw err;
  }
  throw new Error('the file was accepted');
}

describe('a partner’s CSV', () => {
  it('reads a BOM, CRLF line ends and quoted fields, grouping rows into tables in the file’s order', () => {
    const csv = '\uFEFFtable,measure,current,previous\r\n"Missing, rolling","Number of ""Missing"" Children",154,137\r\n'
      + 'Crimes,Number of Crimes,"1,475",1521\r\n\r\n"Missing, rolling",Number of Reports,370,389\r\n';
    expect(parsePartnerCsv(bytes(csv))).toEqual([
      { table: 'Missing, rolling', rows: [{ measure: 'Number of "Missing" Children', current: 154, previous: 137 }, { measure: 'Number of Reports', current: 370, previous: 389 }] },
      { table: 'Crimes', rows: [{ measure: 'Number of Crimes', current: 1475, previous: 1521 }] },
    ]);
  });

  it('needs exactly the header table,measure,current,previous', () => {
    expect(problems('table,measure,this year,last year\nA,B,1,2\n')).toEqual(['row 1: the header must be exactly table,measure,current,previous, not “table,measure,this year,last year”']);
    expect(problems('measure,table,current,previous\n')).toHaveLength(1);
  });

  it('reports every problem by row and column, as a spreadsheet numbers its rows', () => {
    const csv = [
      'table,measure,current,previous',
      'Missing,Number of Missing Children,154,137',
      'Missing,,12.5,-3',
      '',
      ',Number of Reports,=1+2,389',
      'Missing,number of missing children,1,1',
      'Missing,Too few,1',
    ].join('\n');
    expect(problems(csv)).toEqual([
      'row 3, measure: enter the measure’s name',
      'row 3, current: must be a whole number, 0 or more, not “12.5”',
      'row 3, previous: must be a whole number, 0 or more, not “-3”',
      'row 5, table: enter the table’s name',
      'row 5, current: must be a whole number, 0 or more, not “=1+2”',
      'row 6, measure: repeats row 2: a measure appears once in its table',
      'row 7: has 3 columns, not 4',
    ]);
  });

  it('keeps a formula-looking name as text, taking off a spreadsheet-safe apostrophe', () => {
    const [t] = parsePartnerCsv(bytes('table,measure,current,previous\n"=HYPERLINK(""x"")",\'=SUM(A1),1,2\n'));
    expect(t).toEqual({ table: '=HYPERLINK("x")', rows: [{ measure: '=SUM(A1)', current: 1, previous: 2 }] });
  });

  it('refuses a header alone, an empty file, a file that is not UTF-8 and a quote never closed', () => {
    expect(problems('table,measure,current,previous\n')).toEqual(['row 2: the file has no figures: add a row under the header for each measure']);
    expect(() => parsePartnerCsv(bytes(''))).toThrow(PartnerDataUnreadable);
    expect(() => parsePartnerCsv(Buffer.from([0x74, 0x61, 0xff, 0xfe, 0x0a]))).toThrow(/not UTF-8/);
    expect(() => parsePartnerCsv(bytes('table,measure,current,previous\n"A,B,1,2\n'))).toThrow(/not valid CSV/);
  });

  it('refuses a name holding a NUL (which the database cannot keep) or another control character, naming row and column', () => {
    expect(problems('table,measure,current,previous\nMiss\u0000ing,Reports,1,2\nMissing,Rep\u0007orts,3,4\n')).toEqual([
      'row 2, table: must not hold control characters (is the file saved as “CSV UTF-8”?)',
      'row 3, measure: must not hold control characters (is the file saved as “CSV UTF-8”?)',
    ]);
  });

  it('offers a template that reads back and makes no cell a formula', () => {
    const template = templateCsv();
    expect(parsePartnerCsv(bytes(template))).toHaveLength(1);
    for (const cell of (parse(template) as string[][]).flat()) expect(cell).not.toMatch(/^[=+\-@]/);
  });
});
