/**
 * A calendar invitation for a training booking (RFC 5545, with the iTIP methods of RFC 5546): REQUEST when a
 * place is confirmed, CANCEL when it is given up or the session is cancelled. The UID is the booking's, so a
 * calendar that took the invitation replaces or removes that same event.
 */

export type Invitation = {
  method: 'REQUEST' | 'CANCEL';
  /** Stable for the booking: the calendar matches a cancellation to its invitation by it. */
  uid: string;
  /** Raised with every change of the event, so a calendar takes the newer over the older. */
  sequence: number;
  /** When the invitation was made. */
  stamp: Date;
  start: Date;
  end: Date;
  summary: string;
  description: string;
  /** The venue, or the joining link of a virtual session. */
  location: string | null;
  url: string | null;
  organiser: { name: string; email: string };
  attendee: { name: string; email: string };
};

/** YYYYMMDDTHHMMSSZ: the UTC form, which needs no time zone definition in the file. */
export function icsUtc(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** A TEXT value: backslash, semicolon and comma escaped, each line break as \n (RFC 5545 3.3.11). */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/** A parameter value (a name in CN=): quoted, as it may hold a comma or colon; a double quote cannot appear in one at all. */
function paramValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  return `"${value.replace(/["\r\n]/g, '').replace(/[\u0000-\u001f\u007f]/g, '')}"`;
}

/**
 * Lines of at most 75 octets, continued on the next after CRLF and a space (RFC 5545 3.1). Counted in UTF-8
 * octets and never inside a character, so a name with accents or an emoji survives the fold.
 */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    // The first line may have 75 octets; a continuation's leading space is one of its 75.
    const limit = out.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

/** Control characters other than the line breaks escapeText turns into \n are not allowed in TEXT. */
// eslint-disable-next-line no-control-regex
const clean = (s: string) => s.replace(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/g, '');

export function calendarInvitation(inv: Invitation): string {
  const text = (name: string, value: string) => `${name}:${escapeText(clean(value))}`;
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Beacon//Multi-agency training//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${inv.method}`,
    'BEGIN:VEVENT',
    `UID:${inv.uid}`,
    `SEQUENCE:${inv.sequence}`,
    `DTSTAMP:${icsUtc(inv.stamp)}`,
    `DTSTART:${icsUtc(inv.start)}`,
    `DTEND:${icsUtc(inv.end)}`,
    text('SUMMARY', inv.summary),
    text('DESCRIPTION', inv.description),
    ...(inv.location ? [text('LOCATION', inv.location)] : []),
    // A URI value is not TEXT: it is written as it is, having been checked as a web address when entered.
    ...(inv.url ? [`URL:${inv.url.replace(/[\s"]/g, '')}`] : []),
    `ORGANIZER;CN=${paramValue(inv.organiser.name)}:mailto:${inv.organiser.email}`,
    `ATTENDEE;CN=${paramValue(inv.attendee.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=${inv.method === 'CANCEL' ? 'DECLINED' : 'ACCEPTED'};RSVP=FALSE:mailto:${inv.attendee.email}`,
    `STATUS:${inv.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

/** The invitation as a mailer attachment: the method in the content type too, as calendar clients look for it there. */
export function invitationAttachment(inv: Invitation) {
  return {
    filename: inv.method === 'CANCEL' ? 'cancellation.ics' : 'invitation.ics',
    contentType: `text/calendar; charset=utf-8; method=${inv.method}`,
    content: calendarInvitation(inv),
  };
}
