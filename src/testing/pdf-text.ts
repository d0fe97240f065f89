import { inflateSync } from 'node:zlib';

// Windows-1252's 0x80–0x9F, where it differs from Latin-1: the encoding of the PDF standard fonts.
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const decodeByte = (b: number) => (b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80]! : String.fromCharCode(b));

/**
 * The text drawn by a PDF's content streams, one line per text-showing operator, for tests: the streams
 * are inflated and the strings of each Tj or TJ read, as pdfkit writes them with its standard fonts (hex
 * or literal strings in Windows-1252). It reads what the page shows, not what a viewer would copy.
 */
export function pdfText(pdf: Buffer): string[] {
  const raw = pdf.toString('latin1');
  const lines: string[] = [];
  const stream = /stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = stream.exec(raw))) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) break;
    const dict = raw.slice(raw.lastIndexOf('<<', m.index), m.index);
    let body = Buffer.from(raw.slice(start, end), 'latin1');
    if (/\/FlateDecode/.test(dict)) {
      try { body = inflateSync(body); } catch { continue; }
    }
    for (const op of body.toString('latin1').matchAll(/(\[(?:[^\]\\]|\\.)*\]|<[0-9a-fA-F\s]*>|\((?:[^)\\]|\\.)*\))\s*T[jJ]/g)) {
      let text = '';
      for (const s of op[1]!.matchAll(/<([0-9a-fA-F\s]*)>|\(((?:[^)\\]|\\.)*)\)|(-?\d+(?:\.\d+)?)/g)) {
        if (s[1] !== undefined) {
          const hex = s[1].replace(/\s/g, '');
          for (let i = 0; i + 1 < hex.length; i += 2) text += decodeByte(parseInt(hex.slice(i, i + 2), 16));
        } else if (s[2] !== undefined) {
          text += s[2].replace(/\\([nrtbf()\\])/g, (_x, c: string) => ({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' } as Record<string, string>)[c] ?? c);
        } else if (s[3] !== undefined && Number(s[3]) < -200) {
          // A large negative kern inside TJ is a word space in some writers.
          text += ' ';
        }
      }
      lines.push(text);
    }
  }
  return lines;
}
