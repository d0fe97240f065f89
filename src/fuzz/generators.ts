import fc from 'fast-check';

/**
 * Bad input, as people and their systems produce it: values of the wrong type, out of range, too
 * long, in other scripts, with control characters; files cut short, edited by hand, saved by another
 * program. Shared by the fuzz suites.
 */

/** How many cases each property runs: a few hundred in CI, thousands with FUZZ_RUNS=5000 locally. */
export const runs = (ciDefault: number): number => {
  const n = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : ciDefault;
};

/** Values a person or a program might put in a field meant for something else. */
export const junkValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.constantFrom(
    '', ' ', '\t', '\r\n', '0', '-1', '1.5', '1e308', '-0', 'NaN', 'Infinity', '9999999999', '2147483648', '99999999999999999999999',
    '2026-02-30', '2026-13-01', '0000-00-00', '31/02/2026', '29/02/2023', '2026-06-01T25:00', '9999-12-31', '1900-01-01', '20260601',
    'true', 'false', 'null', 'undefined', '[]', '{}', '<script>alert(1)</script>', "'; drop table child; --", '=1+1', "'=cmd|' /C calc'!A0",
    '\u0000', '\u202e', '\uFEFF', '\uD800', '👩‍👩‍👧‍👦', 'Zoë Ørsted', '１２３', '٣', 'ǅ', '%00', '%s%n', '../../etc/passwd', '__proto__', 'constructor',
    'toString', 'hasOwnProperty', '00000000-0000-0000-0000-000000000000', 'not-a-uuid',
  ),
  fc.integer({ min: 200, max: 20_000 }).map((n) => 'x'.repeat(n)),
);

/** Field names a crafted request might carry: the form's own, nonsense, or the names of the object's insides. */
export const junkName = (known: readonly string[]): fc.Arbitrary<string> => fc.oneof(
  { weight: 6, arbitrary: known.length > 0 ? fc.constantFrom(...known) : fc.constant('name') },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '_csrf', 'id', 'partnershipId', 'partnership_id') },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
);

/** A string edited the ways a file is broken: cut, spliced, bytes dropped or repeated, line endings changed, a BOM. */
export function mutateText(text: string): fc.Arbitrary<string> {
  const at = fc.integer({ min: 0, max: text.length });
  return fc.oneof(
    at.map((i) => text.slice(0, i)),
    fc.tuple(at, junkValue).map(([i, s]) => text.slice(0, i) + s + text.slice(i)),
    fc.tuple(at, fc.integer({ min: 1, max: 200 })).map(([i, n]) => text.slice(0, i) + text.slice(i + n)),
    fc.tuple(at, fc.integer({ min: 1, max: 400 })).map(([i, n]) => text.slice(0, i + n) + text.slice(i, i + n) + text.slice(i + n)),
    fc.constant(`\uFEFF${text}`),
    fc.constant(`\uFEFF\uFEFF${text}`),
    fc.constant(text.replace(/\r?\n/g, '\r\n')),
    fc.constant(text.replace(/\r?\n/g, '\r')),
    fc.tuple(at, fc.integer({ min: 0, max: 31 })).map(([i, c]) => text.slice(0, i) + String.fromCharCode(c) + text.slice(i)),
    fc.constant(''),
  );
}

/** Bytes as a file may arrive: the text in UTF-8, or in another encoding, or with bytes flipped. */
export function mutateBytes(bytes: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.integer({ min: 0, max: bytes.length }).map((i) => bytes.slice(0, i)),
    fc.tuple(fc.integer({ min: 0, max: Math.max(0, bytes.length - 1) }), fc.integer({ min: 0, max: 255 })).map(([i, b]) => {
      const copy = bytes.slice();
      copy[i] = b;
      return copy;
    }),
    fc.uint8Array({ maxLength: 2000 }),
    fc.constant(new Uint8Array(Buffer.from(Buffer.from(bytes).toString('utf8'), 'utf16le'))),
    fc.constant(new Uint8Array(Buffer.from(Buffer.from(bytes).toString('utf8'), 'latin1'))),
  );
}

/** An XML document edited element by element: one dropped, repeated, moved, or its text replaced. */
export function mutateXml(xml: string): fc.Arbitrary<string> {
  const leaves = [...xml.matchAll(/<(\w+)>([^<]*)<\/\1>/g)].map((m) => ({ start: m.index, end: m.index + m[0].length, tag: m[1]!, text: m[2]! }));
  const blocks = [...xml.matchAll(/<(Child|CINdetails|ChildIdentifiers|ChildCharacteristics|Assessments|CINPlanDates|Section47|ChildProtectionPlans|Reviews|Header)>[\s\S]*?<\/\1>/g)]
    .map((m) => ({ start: m.index, end: m.index + m[0].length }));
  const leaf = fc.constantFrom(...leaves);
  const element = fc.constantFrom(...leaves, ...blocks);
  return fc.oneof(
    fc.tuple(leaf, junkValue).map(([l, v]) => `${xml.slice(0, l.start)}<${l.tag}>${v.replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'))}</${l.tag}>${xml.slice(l.end)}`),
    fc.tuple(leaf, junkValue).map(([l, v]) => `${xml.slice(0, l.start)}<${l.tag}>${v}</${l.tag}>${xml.slice(l.end)}`),
    element.map((e) => xml.slice(0, e.start) + xml.slice(e.end)),
    element.map((e) => xml.slice(0, e.end) + xml.slice(e.start, e.end) + xml.slice(e.end)),
    fc.tuple(element, element).map(([a, b]) => {
      const [x, y] = a.start < b.start ? [a, b] : [b, a];
      if (x.end > y.start) return xml;
      return xml.slice(0, x.start) + xml.slice(y.start, y.end) + xml.slice(x.end, y.start) + xml.slice(x.start, x.end) + xml.slice(y.end);
    }),
    fc.tuple(leaf, fc.constantFrom('<!DOCTYPE x [<!ENTITY a "aaaa">]>', '&a;', '<![CDATA[x]]>', '<?pi x?>', '<!-- c -->', '<x/>', '</Message>', '&#0;', '&#x110000;'))
      .map(([l, s]) => xml.slice(0, l.start) + s + xml.slice(l.start)),
    mutateText(xml),
  );
}

/** A CSV table edited as a spreadsheet or a careless export would: a column or row dropped, repeated or swapped, a cell replaced. */
export function mutateCsv(csv: string): fc.Arbitrary<string> {
  const rows = csv.split(/\r?\n/).map((r) => r.split(','));
  const width = rows[0]!.length;
  const join = (rs: string[][]) => rs.map((r) => r.join(',')).join('\r\n');
  const col = fc.integer({ min: 0, max: width - 1 });
  const row = fc.integer({ min: 0, max: rows.length - 1 });
  const cell = (v: string) => (/[",\r\n]/.test(v) && v.length % 3 === 0 ? `"${v.replace(/"/g, '""')}"` : v);
  return fc.oneof(
    col.map((c) => join(rows.map((r) => r.filter((_, i) => i !== c)))),
    col.map((c) => join(rows.map((r) => [...r.slice(0, c + 1), r[c] ?? '', ...r.slice(c + 1)]))),
    fc.tuple(col, col).map(([a, b]) => join(rows.map((r) => r.map((v, i) => (i === a ? r[b]! : i === b ? r[a]! : v))))),
    row.map((i) => join(rows.filter((_, j) => j !== i))),
    row.map((i) => join([...rows.slice(0, i + 1), rows[i]!, ...rows.slice(i + 1)])),
    fc.tuple(fc.integer({ min: 1, max: Math.max(1, rows.length - 1) }), col, junkValue).map(([i, c, v]) => join(rows.map((r, j) => (j === i ? r.map((x, k) => (k === c ? cell(v) : x)) : r)))),
    fc.tuple(col, junkValue).map(([c, v]) => join(rows.map((r, j) => (j === 0 ? r.map((x, k) => (k === c ? cell(v) : x)) : r)))),
    fc.array(fc.array(junkValue, { maxLength: width + 2 }), { maxLength: 5 }).map((extra) => join([...rows, ...extra])),
    mutateText(csv),
  );
}
