import { describe, expect, it } from 'vitest';
import { csvCell, neutralised } from './spreadsheet-safe';

describe('csvCell', () => {
  it('quotes what needs it and disarms formulas but not numbers', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('+44 20')).toBe("'+44 20");
    expect(csvCell('-3')).toBe('-3');
    expect(csvCell('-')).toBe("'-");
    expect(csvCell(null)).toBe('');
  });
});

describe('neutralised', () => {
  it('makes text that could start a formula into text, and leaves the rest', () => {
    expect(neutralised('=HYPERLINK("x")')).toBe(`'=HYPERLINK("x")`);
    expect(neutralised('\tcmd')).toBe("'\tcmd");
    expect(neutralised('Northmere')).toBe('Northmere');
  });
});
