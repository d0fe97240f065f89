import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidNhsNumber, isValidUpn, nhsCheckDigit, upnCheckLetter } from './identifiers';

describe('NHS number', () => {
  it('accepts a number whose check digit is right and refuses one digit changed', () => {
    expect(isValidNhsNumber('943 476 5919')).toBe(true);
    expect(isValidNhsNumber('9434765918')).toBe(false);
    expect(isValidNhsNumber('94347659')).toBe(false);
  });
  it('has no valid number when the check would be 10', () => {
    // 1*10 + 0 + ... chosen so that the sum modulo 11 is 1
    expect(nhsCheckDigit('100000001')).toBe(null);
  });
  it('is valid for every nine digits given their check digit', () => {
    fc.assert(fc.property(fc.stringMatching(/^\d{9}$/), (nine) => {
      const check = nhsCheckDigit(nine);
      fc.pre(check !== null);
      expect(isValidNhsNumber(`${nine}${check}`)).toBe(true);
      expect(isValidNhsNumber(`${nine}${(check! + 1) % 10}`)).toBe(false);
    }));
  });
});

describe('UPN', () => {
  it('computes the check letter with weights 2 to 13, modulo 23', () => {
    // 8*2+2*3+3*4+4*5+5*6+6*7+7*8+8*9+9*10+0*11+1*12+2*13 = 382; 382 mod 23 = 14 -> Q
    expect(upnCheckLetter('823456789012')).toBe('Q');
    expect(isValidUpn('Q823456789012')).toBe(true);
    expect(isValidUpn('R823456789012')).toBe(false);
  });
  it('refuses malformed values', () => {
    expect(isValidUpn('Q82345678901')).toBe(false);
    expect(() => upnCheckLetter('abc')).toThrow(/11 digits/);
  });
});

describe('UPN problems, as the census rules name them', () => {
  it('names the rule each fault breaks', async () => {
    const { upnProblem } = await import('./identifiers');
    expect(upnProblem('Q823456789012')).toBeNull();
    expect(upnProblem('R823456789012')).toMatchObject({ rule: '1510', message: 'UPN invalid (wrong check letter at character 1)' });
    expect(upnProblem('Q8234567890X2')).toMatchObject({ rule: '1540' });
    expect(upnProblem('Q82345678901I')).toMatchObject({ rule: '1550' });
    expect(upnProblem('Q82345')).toMatchObject({ rule: '1510' });
  });
});
