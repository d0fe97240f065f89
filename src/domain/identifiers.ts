/** Identifiers as the DfE and NHS define them, with their check characters. */

const UPN_CHECK_LETTERS = 'ABCDEFGHJKLMNPQRTUVWXYZ';

/** The check letter of a UPN's last 12 characters: weights 2 to 13, sum modulo 23. */
export function upnCheckLetter(rest12: string): string {
  if (!/^\d{11}[0-9A-Z]$/.test(rest12)) throw new Error(`A UPN ends in 11 digits and a digit or letter, got "${rest12}"`);
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    const ch = rest12[i]!;
    // A temporary UPN's last character is a letter, counted by its place in the check alphabet.
    const value = /\d/.test(ch) ? Number(ch) : UPN_CHECK_LETTERS.indexOf(ch);
    sum += value * (i + 2);
  }
  return UPN_CHECK_LETTERS[sum % 23]!;
}

export function isValidUpn(upn: string): boolean {
  return /^[A-Z]\d{11}[0-9A-Z]$/.test(upn) && UPN_CHECK_LETTERS.includes(upn[12]!.replace(/\d/, 'A')) && upnCheckLetter(upn.slice(1)) === upn[0];
}

/** NHS number check digit: weights 10 down to 2, 11 minus the sum modulo 11; 10 means no valid number. */
export function nhsCheckDigit(first9: string): number | null {
  if (!/^\d{9}$/.test(first9)) throw new Error(`Expected 9 digits, got "${first9}"`);
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(first9[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  return check === 10 ? null : check;
}

export function isValidNhsNumber(value: string): boolean {
  const digits = value.replace(/\s/g, '');
  return /^\d{10}$/.test(digits) && nhsCheckDigit(digits.slice(0, 9)) === Number(digits[9]);
}

/** What is wrong with a UPN, as the CIN census rules say it (1540, 1550, 1510), or null. */
export function upnProblem(upn: string): { rule: string; message: string } | null {
  if (!/^[A-Z]/.test(upn) || upn.length !== 13) return { rule: '1510', message: 'A UPN is 13 characters: a check letter, then 12 more' };
  if (!/^\d{11}$/.test(upn.slice(1, 12))) return { rule: '1540', message: 'UPN invalid (characters 5-12 not all numeric)' };
  if (!/^[0-9A-HJ-NP-Z]$/.test(upn[12]!)) return { rule: '1550', message: 'UPN invalid (character 13 not a recognised value)' };
  if (upnCheckLetter(upn.slice(1)) !== upn[0]) return { rule: '1510', message: 'UPN invalid (wrong check letter at character 1)' };
  return null;
}
