import { describe, expect, it } from 'vitest';
import { calendarInvitation, escapeText, foldLine, icsUtc, type Invitation } from './ics';

/**
 * A strict reader of what calendarInvitation writes: every line ends CRLF, none is over 75 octets, a
 * continuation starts with one space, TEXT escapes are the four RFC 5545 allows and nothing is left bare.
 */
function strictParse(ics: string): { name: string; params: Record<string, string>; value: string }[] {
  expect(ics.endsWith('\r\n')).toBe(true);
  const physical = ics.slice(0, -2).split('\r\n');
  for (const line of physical) {
    expect(line).not.toMatch(/[\r\n]/);
    expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
  }
  // Unfolding: a CRLF followed by one space or tab is removed (RFC 5545 3.1).
  const logical = ics.slice(0, -2).replace(/\r\n[ \t]/g, '').split('\r\n');
  return logical.map((line) => {
    const m = /^([A-Z-]+)((?:;[A-Z-]+=(?:"[^"]*"|[^";:,]*))*):(.*)$/.exec(line);
    if (!m) throw new Error(`not a content line: ${line}`);
    const params: Record<string, string> = {};
    for (const p of m[2]!.matchAll(/;([A-Z-]+)=("[^"]*"|[^";:,]*)/g)) params[p[1]!] = p[2]!.replace(/^"|"$/g, '');
    return { name: m[1]!, params, value: m[3]! };
  });
}

/** A TEXT value read back; a backslash before anything but \ ; , n N is an error. */
function unescapeText(value: string): string {
  expect(value).not.toMatch(/(^|[^\\])(\\\\)*[;,]/);
  return value.replace(/\\(.)/g, (_m, c: string) => {
    if (c === 'n' || c === 'N') return '\n';
    if (c === '\\' || c === ';' || c === ',') return c;
    throw new Error(`bad escape \\${c}`);
  });
}

const base: Invitation = {
  method: 'REQUEST', uid: '7b0e2c1a-0000-4000-8000-000000000001@beacon', sequence: 0,
  stamp: new Date('2026-06-01T09:00:00Z'), start: new Date('2026-07-14T08:30:00Z'), end: new Date('2026-07-14T15:30:00Z'),
  summary: 'Cumulative impact of neglect; full day, level 3',
  description: 'Bring: a recent case, anonymised.\nCoffee from 9:00\\ lunch provided, vegetarian options.',
  location: 'Northmere Civic Centre, Room 2; Market Street, NM1 1AA',
  url: null,
  organiser: { name: 'Northmere Safeguarding Children Partnership', email: 'training@northmere.test' },
  attendee: { name: 'Siân O’Brien-Ćosić, DSL', email: 'sian@school.test' },
};

describe('calendar invitations', () => {
  it('writes UTC times in the basic format', () => {
    expect(icsUtc(new Date('2026-07-14T08:30:00.123Z'))).toBe('20260714T083000Z');
  });

  it('escapes backslash, semicolon, comma and line breaks in TEXT', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
  });

  it('folds at 75 octets without splitting a character', () => {
    const line = `DESCRIPTION:${'é'.repeat(40)}${'😀'.repeat(20)}`;
    const folded = foldLine(line);
    for (const l of folded.split('\r\n')) expect(Buffer.byteLength(l, 'utf8')).toBeLessThanOrEqual(75);
    expect(folded.split('\r\n').slice(1).every((l) => l.startsWith(' '))).toBe(true);
    expect(folded.replace(/\r\n /g, '')).toBe(line);
    expect(foldLine('SHORT:x')).toBe('SHORT:x');
  });

  it('writes a REQUEST a strict reader takes, with every field read back as written', () => {
    const long = { ...base, description: `${base.description}\n${'Learning outcome, with commas; and semicolons. '.repeat(8)}` };
    const props = strictParse(calendarInvitation(long));
    const get = (n: string) => props.filter((p) => p.name === n);
    expect(props[0]).toMatchObject({ name: 'BEGIN', value: 'VCALENDAR' });
    expect(props.at(-1)).toMatchObject({ name: 'END', value: 'VCALENDAR' });
    expect(get('VERSION')[0]!.value).toBe('2.0');
    expect(get('METHOD')[0]!.value).toBe('REQUEST');
    expect(get('UID')[0]!.value).toBe(base.uid);
    expect(get('DTSTART')[0]!.value).toBe('20260714T083000Z');
    expect(get('DTEND')[0]!.value).toBe('20260714T153000Z');
    expect(get('DTSTAMP')[0]!.value).toBe('20260601T090000Z');
    expect(unescapeText(get('SUMMARY')[0]!.value)).toBe(base.summary);
    expect(unescapeText(get('DESCRIPTION')[0]!.value)).toBe(long.description);
    expect(unescapeText(get('LOCATION')[0]!.value)).toBe(base.location);
    expect(get('ATTENDEE')[0]!.params).toMatchObject({ CN: base.attendee.name, PARTSTAT: 'ACCEPTED' });
    expect(get('ATTENDEE')[0]!.value).toBe('mailto:sian@school.test');
    expect(get('ORGANIZER')[0]!.value).toBe('mailto:training@northmere.test');
    expect(get('STATUS')[0]!.value).toBe('CONFIRMED');
    // One event, its BEGIN and END paired.
    expect(props.filter((p) => p.name === 'BEGIN').map((p) => p.value)).toEqual(['VCALENDAR', 'VEVENT']);
    expect(props.filter((p) => p.name === 'END').map((p) => p.value)).toEqual(['VEVENT', 'VCALENDAR']);
  });

  it('writes a CANCEL with the same UID, a higher sequence and the event cancelled', () => {
    const props = strictParse(calendarInvitation({ ...base, method: 'CANCEL', sequence: 1, location: null, url: 'https://meet.example.test/j/123?pwd=a,b' }));
    const value = (n: string) => props.find((p) => p.name === n)?.value;
    expect(value('METHOD')).toBe('CANCEL');
    expect(value('UID')).toBe(base.uid);
    expect(value('SEQUENCE')).toBe('1');
    expect(value('STATUS')).toBe('CANCELLED');
    expect(value('LOCATION')).toBeUndefined();
    expect(value('URL')).toBe('https://meet.example.test/j/123?pwd=a,b');
  });

  it('keeps control characters and quotes out of names, so no line or parameter can be forged', () => {
    const ics = calendarInvitation({ ...base, summary: 'A\u0000B\u0007C', attendee: { name: 'Eve"\r\nATTENDEE:mailto:x@y.test', email: 'eve@school.test' } });
    const props = strictParse(ics);
    expect(props.filter((p) => p.name === 'ATTENDEE')).toHaveLength(1);
    expect(props.find((p) => p.name === 'SUMMARY')!.value).toBe('ABC');
  });
});
