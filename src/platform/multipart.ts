import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The CSRF check for a form with files. Its body is read as a stream, so the platform's check (which
 * reads a parsed body) cannot run first: the upload route calls this with the form's first field, the
 * token, before it stores any file, and with '' if a file comes before any token.
 */
export async function checkMultipartCsrf(app: FastifyInstance, req: FastifyRequest, reply: FastifyReply, token: string) {
  (req as { body: unknown }).body = { _csrf: token };
  await new Promise<void>((resolve, reject) => app.csrfProtection(req, reply, (err?: Error) => (err ? reject(err) : resolve())));
}
