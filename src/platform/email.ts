import nodemailer from 'nodemailer';
import type { Db } from '../db/create-db';

/**
 * Every email Beacon sends is first written to `email_outbox`, then handed to the SMTP server; the row
 * says whether it went. Without an SMTP server (development, the demo) the outbox is where they stay,
 * readable on the outbox page, so that nothing is lost and nothing leaves the machine.
 */

export type Email = {
  to: string;
  subject: string;
  body: string;
  partnershipId?: number | null;
  /** The record the email is about, to find it from the record. */
  record?: { type: string; id: string };
};

export type SentEmail = { id: string; status: 'sent' | 'queued' | 'failed' };

export type Mailer = {
  /** Writes the email to the outbox and sends it; a failure to send is kept on the row, never thrown. */
  send(db: Db, email: Email): Promise<SentEmail>;
};

export function createMailer(opts: { smtpUrl?: string; from: string }): Mailer {
  const transport = opts.smtpUrl ? nodemailer.createTransport(opts.smtpUrl) : null;
  return {
    async send(db, email) {
      const row = await db.insertInto('email_outbox').values({
        partnership_id: email.partnershipId ?? null, to_address: email.to, subject: email.subject, body: email.body,
        record_type: email.record?.type ?? null, record_id: email.record?.id ?? null,
      }).returning('id').executeTakeFirstOrThrow();
      if (!transport) return { id: row.id, status: 'queued' };
      try {
        await transport.sendMail({ from: opts.from, to: email.to, subject: email.subject, text: email.body });
        await db.updateTable('email_outbox').set({ status: 'sent', sent_at: new Date(), attempts: 1 }).where('id', '=', row.id).execute();
        return { id: row.id, status: 'sent' };
      } catch (err) {
        await db.updateTable('email_outbox').set({ status: 'failed', attempts: 1, last_error: String((err as Error).message ?? err).slice(0, 500) })
          .where('id', '=', row.id).execute();
        return { id: row.id, status: 'failed' };
      }
    },
  };
}
