import type { MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Forms with files. Their body is read as a stream, so the platform's CSRF check (which reads a parsed
 * body) cannot run first: the token, the form's first field, is checked here before any file is read,
 * and a file that comes before any token is refused.
 */

async function checkCsrf(app: FastifyInstance, req: FastifyRequest, reply: FastifyReply, token: string) {
  (req as { body: unknown }).body = { _csrf: token };
  await new Promise<void>((resolve, reject) => app.csrfProtection(req, reply, (err?: Error) => (err ? reject(err) : resolve())));
}

/**
 * Reads a form with files: its fields, and each chosen file handed to `onFile` as it streams in. A
 * request that is not multipart has its CSRF token checked from the parsed body and gives null, so the
 * route can show the form again.
 */
export async function readMultipartForm(
  app: FastifyInstance, req: FastifyRequest, reply: FastifyReply,
  onFile: (file: MultipartFile) => Promise<void>,
  limits?: { fileSize?: number; files?: number; fields?: number; fieldSize?: number },
): Promise<Record<string, string> | null> {
  if (!req.isMultipart()) {
    await checkCsrf(app, req, reply, (req.body as { _csrf?: string } | undefined)?._csrf ?? '');
    return null;
  }
  const fields: Record<string, string> = {};
  for await (const part of req.parts(limits ? { limits } : undefined)) {
    if (part.type === 'field') {
      fields[part.fieldname] = String(part.value);
      if (part.fieldname === '_csrf') await checkCsrf(app, req, reply, fields._csrf!);
      continue;
    }
    if (fields._csrf === undefined) await checkCsrf(app, req, reply, '');
    if (!part.filename) { part.file.resume(); continue; }
    await onFile(part);
  }
  if (fields._csrf === undefined) await checkCsrf(app, req, reply, '');
  return fields;
}
