import type { Db } from '../../db/create-db';
import { NotFound } from '../../platform/errors';

export const OUTBOX_PAGE_SIZE = 50;

/** A page of the partnership's emails, newest first; one more than a page is read to know whether another follows. */
export async function listOutbox(db: Db, partnershipId: number, page: number) {
  const rows = await db.selectFrom('email_outbox')
    .select(['id', 'to_address', 'subject', 'status', 'attempts', 'last_error', 'created_at', 'sent_at', 'record_type'])
    .where('partnership_id', '=', partnershipId)
    .orderBy('created_at', 'desc').orderBy('id', 'desc')
    .limit(OUTBOX_PAGE_SIZE + 1).offset((page - 1) * OUTBOX_PAGE_SIZE)
    .execute();
  return { emails: rows.slice(0, OUTBOX_PAGE_SIZE), more: rows.length > OUTBOX_PAGE_SIZE };
}

/** One of the partnership's emails; another partnership's, or an id that is not one, is not found. */
export async function findOutboxEmail(db: Db, partnershipId: number, id: string) {
  const email = /^[0-9a-f-]{36}$/i.test(id)
    ? await db.selectFrom('email_outbox').selectAll().where('id', '=', id).where('partnership_id', '=', partnershipId).executeTakeFirst()
    : undefined;
  if (!email) throw new NotFound('No such email', 'email', id);
  return email;
}
