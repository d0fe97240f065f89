import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/deps';
import { ValidationFailed } from '../../platform/errors';
import { readContact, submitContact } from './api-contacts.service';
import { BODY_LIMIT, fieldRows, openApiDocument, resolve, type JsonSchema, type Operation } from './openapi';

/**
 * The partner systems' API under /api/v1 (bearer tokens: the platform finds the token and checks its
 * scope before these handlers run) and its documentation, public, at /api/docs and /api/openapi.json.
 */
export async function apiRoutes(app: FastifyInstance, { db, config, now }: AppDeps) {
  await app.register(async (api) => {
    // JSON that does not parse is the body's error, in the API's error shape; the limit answers 413.
    api.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(new ValidationFailed([{ field: 'body', message: 'The body is not valid JSON' }]), undefined);
      }
    });
    const token = (req: FastifyRequest) => req.apiToken!;
    const rateLimit = { max: config.apiRateLimitPerMinute, timeWindow: '1 minute', keyGenerator: (req: FastifyRequest) => req.apiToken?.id ?? req.ip };

    api.post('/api/v1/contacts', { bodyLimit: BODY_LIMIT, config: { access: 'api:contact.submit', csrf: false, rateLimit } }, async (req, reply) => {
      const made = await submitContact(db, token(req), req.body, now());
      await req.audit({ action: 'api.contact.create', recordType: 'front_door_contact', recordId: made.id, detail: { children: made.children, linked: made.linked } });
      const url = `/api/v1/contacts/${made.id}`;
      return reply.code(201).header('location', url).send({ id: made.id, url });
    });

    api.get('/api/v1/contacts/:id', { config: { access: 'api:contact.read', csrf: false, rateLimit } }, async (req, reply) => {
      const contact = await readContact(db, token(req), (req.params as { id: string }).id);
      await req.audit({ action: 'api.contact.read', recordType: 'front_door_contact', recordId: contact.id, detail: { children: contact.children.length } });
      return reply.send(contact);
    });
  });

  app.get('/api/openapi.json', { config: { access: 'public' } }, async (_req, reply) =>
    reply.header('cache-control', 'public, max-age=300').send(openApiDocument));

  app.get('/api/docs', { config: { access: 'public' } }, async (_req, reply) => {
    const endpoints = Object.entries(openApiDocument.paths).flatMap(([path, ops]) =>
      (Object.entries(ops) as [string, Operation][]).map(([method, op]) => {
        const body = op.requestBody?.content['application/json'];
        const ok = Object.entries(op.responses).find(([status]) => status.startsWith('2'));
        const okBody = ok?.[1].content?.['application/json'];
        return {
          id: op.operationId, method: method.toUpperCase(), path, scope: op['x-scope'],
          summary: op.summary,
          paragraphs: op.description.split('\n\n').map(prose),
          fields: body ? rowsOf(body.schema) : [],
          exampleRequest: body ? JSON.stringify(body.example, null, 2) : null,
          okStatus: ok?.[0], okFields: okBody ? rowsOf(resolve(okBody.schema)) : [],
          exampleResponse: okBody ? JSON.stringify(okBody.example, null, 2) : null,
          responses: Object.entries(op.responses).map(([status, r]) => ({ status, description: prose(r.description) })),
        };
      }));
    return reply.header('cache-control', 'public, max-age=300').view('api/views/docs.njk', {
      title: 'API for partner systems',
      cspNonce: reply.cspNonce?.script,
      intro: openApiDocument.info.description.split('\n\n').map(prose),
      endpoints,
      errorFields: rowsOf(openApiDocument.components.schemas.Errors!.properties!.errors!.items!),
    });
  });
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The document's prose as HTML: escaped, with `code` spans marked up. Its text is ours, never a request's. */
function prose(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c]!).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function rowsOf(schema: JsonSchema) {
  return fieldRows(schema).map((r) => ({ ...r, description: prose(r.description) }));
}
