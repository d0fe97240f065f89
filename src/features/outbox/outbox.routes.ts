import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/deps';
import { findOutboxEmail, listOutbox } from './outbox.repository';

/**
 * The outbox: every email the partnership's Beacon wrote, whether it went, and why not. Without an SMTP
 * server (development) this is where the emails are read. Emails can name children, so every read is audited.
 */
export async function outboxRoutes(app: FastifyInstance, { db, mailer }: AppDeps) {
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;

  app.get('/admin/outbox', { config: { access: 'admin.partnership' } }, async (req, reply) => {
    const page = Math.max(1, Math.min(10_000, Number((req.query as { page?: string }).page) || 1));
    const { emails, more } = await listOutbox(db, pid(req), page);
    await req.audit({ action: 'email.list', recordType: 'email', detail: { results: emails.length, page } });
    return reply.view('outbox/views/outbox.njk', {
      title: 'Outbox', emails, page, sends: mailer.sends,
      previous: page > 1 ? `/admin/outbox?page=${page - 1}` : null,
      next: more ? `/admin/outbox?page=${page + 1}` : null,
    });
  });

  app.get('/admin/outbox/:id', { config: { access: 'admin.partnership' } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const email = await findOutboxEmail(db, pid(req), id);
    await req.audit({ action: 'email.read', recordType: 'email', recordId: email.id });
    return reply.view('outbox/views/email.njk', { title: email.subject, email });
  });
}
