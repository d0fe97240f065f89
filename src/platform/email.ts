import nodemailer from 'nodemailer';
import type { Db } from '../db/create-db';
import type { EmailAttachment } from '../db/schema';

/**
 * Every email Beacon sends is first written to `email_outbox`, then handed to the SMTP server; the row
 * says whether it went. Without an SMTP server (development, the demo) the outbox is where they stay,
 * readable on the outbox page, so that nothing is lost and nothing leaves the machine. An email that
 * could not be sent is tried again by `retryUnsent`, which the server runs every minute.
 */

export type Email = {
  to: string;
  subject: string;
  body: string;
  partnershipId?: number | null;
  /** The record the email is about, to find it from the record. */
  record?: { type: string; id: string };
  /** Text attachments, such as a calendar invitation (contentType `text/calendar; method=REQUEST`). */
  attachments?: EmailAttachment[];
};

export type SentEmail = { id: string; status: 'sent' | 'queued' | 'failed' };

export type Mailer = {
  /** True when an SMTP server is configured; otherwise emails stay in the outbox. */
  readonly sends: boolean;
  /**
   * Writes the email to the outbox and sends it; a failure to send is kept on the row, never thrown.
   * An address or subject that could smuggle in headers is refused with `EmailRefused` and nothing is written.
   */
  send(db: Db, email: Email): Promise<SentEmail>;
  /**
   * Writes the email to the outbox only, unsent: inside the transaction of the work it tells of, so that
   * the two commit together. `sendQueued` sends it after the commit; should the process end first, the
   * retry round sends it. Refuses as `send` does.
   */
  queue(db: Db, email: Email): Promise<string>;
  /** Sends emails written by `queue`, each unless another process has taken it since. */
  sendQueued(db: Db, ids: string[]): Promise<void>;
  /** Sends again each email that has not gone and whose wait is over; says how many went and how many failed again. */
  retryUnsent(db: Db, now: Date): Promise<{ sent: number; failed: number }>;
};

export class EmailRefused extends Error {}

/** After this many attempts an email is left failed, for a person to look at on the outbox page. */
export const MAX_ATTEMPTS = 5;

/** The wait after the nth attempt before the next: 2, 4, 8, 16 minutes. */
export function retryWaitMs(attempts: number): number {
  return 2 ** attempts * 60_000;
}

/** Short enough that a dead or silent server never holds a person's request for long. */
const DEFAULT_TIMEOUTS = { connectionMs: 5_000, greetingMs: 5_000, socketMs: 10_000 };

// One address, nothing that could end a header line or add a recipient.
const SINGLE_ADDRESS = /^[^\s@,;<>"()[\]\\]+@[^\s@,;<>"()[\]\\]+\.[^\s@,;<>"()[\]\\]+$/;

/** One plain address, as the mailer will take it: forms check with this so nothing they accept is refused later. */
export const isSingleEmailAddress = (value: string) => SINGLE_ADDRESS.test(value);

function refuseUnsafe(email: Email) {
  if (!SINGLE_ADDRESS.test(email.to)) throw new EmailRefused('The address to send to is not one plain email address');
  if (/[\r\n]/.test(email.subject)) throw new EmailRefused('An email subject cannot contain a line break');
  if (email.subject.trim() === '') throw new EmailRefused('An email needs a subject');
  for (const a of email.attachments ?? []) {
    // Both go into MIME headers: nothing that could end a header line, and a file name with no path.
    if (/[\r\n]/.test(a.contentType) || !/^[\w.-]+$/.test(a.filename)) throw new EmailRefused('An attachment’s name or type could add headers');
  }
}

export function createMailer(opts: {
  smtpUrl?: string;
  from: string;
  now?: () => Date;
  timeouts?: Partial<typeof DEFAULT_TIMEOUTS>;
}): Mailer {
  const now = opts.now ?? (() => new Date());
  const t = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  const transport = opts.smtpUrl
    ? nodemailer.createTransport({ url: opts.smtpUrl, connectionTimeout: t.connectionMs, greetingTimeout: t.greetingMs, socketTimeout: t.socketMs })
    : null;

  /** Hands one outbox row to the SMTP server and records how it went; the row was already claimed. */
  async function deliver(db: Db, row: { id: string; to_address: string; subject: string; body: string; attachments: EmailAttachment[] | null }): Promise<'sent' | 'failed'> {
    try {
      await transport!.sendMail({
        from: opts.from, to: row.to_address, subject: row.subject, text: row.body, disableFileAccess: true, disableUrlAccess: true,
        ...(row.attachments?.length ? { attachments: row.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })) } : {}),
      });
      await db.updateTable('email_outbox').set({ status: 'sent', sent_at: now(), last_error: null }).where('id', '=', row.id).execute();
      return 'sent';
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await db.updateTable('email_outbox').set({ status: 'failed', last_error: message.slice(0, 500) }).where('id', '=', row.id).execute();
      return 'failed';
    }
  }

  return {
    sends: transport !== null,

    async send(db, email) {
      refuseUnsafe(email);
      // The first attempt is counted as the row is written, so the retry timer never takes up an email still being sent.
      const row = await db.insertInto('email_outbox').values({
        partnership_id: email.partnershipId ?? null, to_address: email.to, subject: email.subject, body: email.body,
        record_type: email.record?.type ?? null, record_id: email.record?.id ?? null,
        attachments: email.attachments?.length ? JSON.stringify(email.attachments) : null,
        ...(transport ? { attempts: 1, last_attempt_at: now() } : {}),
      }).returning(['id', 'to_address', 'subject', 'body', 'attachments']).executeTakeFirstOrThrow();
      if (!transport) return { id: row.id, status: 'queued' };
      return { id: row.id, status: await deliver(db, row) };
    },

    async queue(db, email) {
      refuseUnsafe(email);
      const row = await db.insertInto('email_outbox').values({
        partnership_id: email.partnershipId ?? null, to_address: email.to, subject: email.subject, body: email.body,
        record_type: email.record?.type ?? null, record_id: email.record?.id ?? null,
        attachments: email.attachments?.length ? JSON.stringify(email.attachments) : null,
      }).returning('id').executeTakeFirstOrThrow();
      return row.id;
    },

    async sendQueued(db, ids) {
      if (!transport || ids.length === 0) return;
      for (const id of ids) {
        const claimed = await db.updateTable('email_outbox').set({ attempts: 1, last_attempt_at: now() })
          .where('id', '=', id).where('attempts', '=', 0).where('status', '=', 'queued')
          .returning(['id', 'to_address', 'subject', 'body', 'attachments']).executeTakeFirst();
        if (claimed) await deliver(db, claimed);
      }
    },

    async retryUnsent(db, at) {
      const outcome = { sent: 0, failed: 0 };
      if (!transport) return outcome;
      const due = await db.selectFrom('email_outbox')
        .select(['id', 'to_address', 'subject', 'body', 'attachments', 'attempts', 'last_attempt_at'])
        .where('status', 'in', ['queued', 'failed']).where('attempts', '<', MAX_ATTEMPTS)
        .orderBy('created_at').limit(100).execute();
      for (const row of due) {
        if (row.last_attempt_at && at.getTime() - new Date(row.last_attempt_at).getTime() < retryWaitMs(row.attempts)) continue;
        // Claimed only if no other process took it first since it was read.
        const claimed = await db.updateTable('email_outbox')
          .set({ attempts: row.attempts + 1, last_attempt_at: at })
          .where('id', '=', row.id).where('attempts', '=', row.attempts).where('status', 'in', ['queued', 'failed'])
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) !== 1) continue;
        outcome[await deliver(db, row)] += 1;
      }
      return outcome;
    },
  };
}
