import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** An attached file as received, its content decoded as UTF-8 text. */
export type ReceivedAttachment = { filename: string; contentType: string; content: string };

/** A message as the test SMTP server received it, its headers and text decoded (a multipart message's text part, and its attachments). */
export type ReceivedMessage = { from: string; to: string[]; subject: string; text: string; attachments: ReceivedAttachment[]; raw: string };

export type TestSmtp = {
  /** `smtp://127.0.0.1:<port>`, for `SMTP_URL`. */
  url: string;
  port: number;
  /** Every message accepted, in order of arrival. */
  messages: ReceivedMessage[];
  close(): Promise<void>;
};

/**
 * A real SMTP server on a loopback port for tests: it accepts anyone, offers no TLS, and keeps what it is
 * sent. Pass `port` to start it again where a stopped one listened (a mailer's URL stays valid).
 */
export async function startTestSmtp(opts: { port?: number } = {}): Promise<TestSmtp> {
  const messages: ReceivedMessage[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const { headers, body } = parseMessage(raw);
        const parts = leafParts(headers, body);
        const textPart = parts.find((p) => !p.filename && /^text\/plain/i.test(p.contentType)) ?? parts[0];
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: decodeWords(headers.get('subject') ?? ''),
          text: textPart?.content ?? '',
          attachments: parts.filter((p) => p.filename).map((p) => ({ filename: p.filename!, contentType: p.contentType, content: p.content })),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function parseMessage(raw: string): { headers: Map<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split + 4);
  const headers = new Map<string, string>();
  // Folded header lines continue with whitespace.
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return { headers, body };
}

/** The message's parts, multipart ones opened: each with its type, file name if attached, and decoded content. */
function leafParts(headers: Map<string, string>, body: string): { contentType: string; filename: string | null; content: string }[] {
  const contentType = headers.get('content-type') ?? 'text/plain';
  const boundary = /^multipart\//i.test(contentType) ? /boundary="?([^";]+)"?/i.exec(contentType)?.[1] : undefined;
  if (!boundary) {
    const disposition = headers.get('content-disposition') ?? '';
    const filename = /filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? (/attachment/i.test(disposition) ? '' : null);
    return [{ contentType, filename, content: decodeBody(body, headers.get('content-transfer-encoding') ?? '7bit') }];
  }
  const sections = body.split(`--${boundary}`).slice(1);
  return sections.filter((sec) => !sec.startsWith('--')).flatMap((sec) => {
    const part = parseMessage(sec.replace(/^\r\n/, '').replace(/\r\n$/, ''));
    return leafParts(part.headers, part.body);
  });
}

/** RFC 2047 encoded words, as nodemailer writes a subject that is not plain ASCII. */
function decodeWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*(?==\?)?/g, (_m, _charset: string, enc: string, text: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'));
}

function decodeBody(body: string, encoding: string): string {
  const text = body.replace(/\r\n$/, '');
  switch (encoding.toLowerCase()) {
    case 'base64': return Buffer.from(text, 'base64').toString('utf8');
    case 'quoted-printable': {
      const bytes = text.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8').replace(/\r\n/g, '\n');
    }
    default: return text.replace(/\r\n/g, '\n');
  }
}
