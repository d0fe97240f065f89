/**
 * The OpenAPI 3.1 description of the partner systems' API, written by hand so that it says what the
 * API promises in words (a test checks it against the request schema's required fields). Served as
 * JSON at /api/openapi.json and as a page at /api/docs.
 */

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  description?: string;
  enum?: readonly (string | null)[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  maxLength?: number;
  examples?: unknown[];
};

type Response = { description: string; headers?: Record<string, { description: string; schema: JsonSchema }>; content?: { 'application/json': { schema: JsonSchema; example?: unknown } } };

export type Operation = {
  operationId: string;
  summary: string;
  description: string;
  security: { bearer: string[] }[];
  'x-scope': string;
  parameters?: { name: string; in: 'path'; required: true; description: string; schema: JsonSchema }[];
  requestBody?: { required: true; content: { 'application/json': { schema: JsonSchema; example: unknown } } };
  responses: Record<string, Response>;
};

export type OpenApiDocument = {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  paths: Record<string, Partial<Record<'get' | 'post', Operation>>>;
  components: {
    securitySchemes: Record<string, { type: 'http'; scheme: 'bearer'; bearerFormat: string; description: string }>;
    schemas: Record<string, JsonSchema>;
  };
};

export const BODY_LIMIT = 64 * 1024;

const exampleRequest = {
  children: [
    { firstName: 'Mia', lastName: 'Hartley', dateOfBirth: '2016-04-12' },
    { firstName: 'Leo', lastName: 'Hartley', dateOfBirth: '2019-09-30' },
  ],
  source: '6',
  reason: 'Police attended a domestic incident at the family home at 23:40; both children were present and the younger one was upset.',
  receivedAt: '2026-06-01T07:15:00Z',
  domesticAbuse: true,
  referrer: { name: 'PC Sam Okafor', role: 'Officer in case', email: 'sam.okafor@police.example', phone: '01632 960123' },
  consent: 'not_sought',
  consentNotSoughtReason: 'Seeking consent could place the children at risk of harm.',
  lawfulBasis: 'Children Act 1989 s47; UK GDPR Article 6(1)(e)',
  urgency: 'urgent',
};

const exampleContact = {
  id: '3f0c8a52-6a1e-4c5e-9a4b-2d1f0e7c9b10',
  receivedAt: '2026-06-01T07:15:00.000Z',
  source: '6',
  reason: exampleRequest.reason,
  domesticAbuse: true,
  urgency: 'urgent',
  status: 'awaiting_decision',
  decision: null,
  decisionAt: null,
  decisionDueAt: '2026-06-02T07:15:00.000Z',
  children: exampleRequest.children,
};

const errorsExample = (field: string | undefined, message: string) => ({ errors: [{ ...(field ? { field } : {}), message }] });

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const errorResponse = (description: string, example: unknown): Response => ({ description, content: { 'application/json': { schema: ref('Errors'), example } } });
const unauthorised = errorResponse('No token, or one that is unknown or revoked. The answer carries `WWW-Authenticate: Bearer`.',
  errorsExample(undefined, 'Send a valid API token: Authorization: Bearer <token>'));
const tooMany = errorResponse('The token has made too many requests this minute: wait and try again.', errorsExample(undefined, 'Rate limit exceeded, retry in 1 minute'));

export const openApiDocument: OpenApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Beacon partner systems API',
    version: '1.0.0',
    description: [
      'Partner agencies\u2019 systems (a police force\u2019s case system, a health trust\u2019s safeguarding system) send contacts about children to the partnership\u2019s front door, and read back what became of the contacts they sent.',
      'Each request carries an API token made by the partnership\u2019s administrator for one agency (`beacon token create`), with the scopes it may use: `contact.submit` and `contact.read`. A token belongs to one partnership: the contacts it sends go to that partnership\u2019s front door, with its agency as the referrer agency.',
      'Every use of a token is recorded, refused ones too, and every contact sent or read is in the partnership\u2019s audit log. Times are UTC instants in ISO 8601; dates are `YYYY-MM-DD`.',
      'Every error answers with the same shape: a list of `errors`, each with a `message` and, for a field of the request, the `field` named by its JSON path (`children.0.dateOfBirth`).',
    ].join('\n\n'),
  },
  servers: [{ url: '/' }],
  paths: {
    '/api/v1/contacts': {
      post: {
        operationId: 'createContact',
        summary: 'Send a contact about one or more children',
        description: [
          'Records a contact at the front door, awaiting a decision. The decision is due one working day after `receivedAt`, at the same London clock time.',
          'Each child named exactly as a child already recorded in the partnership (the same first name, last name and date of birth, ignoring case and spaces around them) is linked to that child. Any other child is recorded as a new child, even when similar to one already recorded: the front door merges records of the same child.',
          'Fields not described here are refused, each named as an error. The body may be at most 64 KB.',
        ].join('\n\n'),
        security: [{ bearer: ['contact.submit'] }],
        'x-scope': 'contact.submit',
        requestBody: { required: true, content: { 'application/json': { schema: ref('ContactRequest'), example: exampleRequest } } },
        responses: {
          201: {
            description: 'The contact was recorded. `Location` is its address.',
            headers: { Location: { description: 'The address of the new contact, as `url`.', schema: { type: 'string' } } },
            content: { 'application/json': { schema: ref('Created'), example: { id: exampleContact.id, url: `/api/v1/contacts/${exampleContact.id}` } } },
          },
          400: errorResponse('The body is not JSON, or one or more fields are wrong: one error per field.', {
            errors: [
              { field: 'children.0.dateOfBirth', message: 'Date of birth must be a real date in the past, like 2015-03-27' },
              { field: 'source', message: 'Select the source of the contact (a referral source code such as 6 for the police)' },
            ],
          }),
          401: unauthorised,
          403: errorResponse('The token does not have the `contact.submit` scope.', errorsExample(undefined, 'This token does not have the contact.submit scope')),
          413: errorResponse('The body is larger than 64 KB.', errorsExample(undefined, 'Request body is too large')),
          415: errorResponse('The body is not sent as `application/json`.', errorsExample(undefined, 'Unsupported Media Type')),
          429: tooMany,
        },
      },
    },
    '/api/v1/contacts/{id}': {
      get: {
        operationId: 'getContact',
        summary: 'Read a contact your agency sent',
        description: 'The contact with its children, its status and the front door\u2019s decision once made. A token reads only contacts sent through the API by its own agency (with this token or another of the agency\u2019s tokens in the partnership, such as the one it replaced); any other contact answers 404, exactly as one that does not exist.',
        security: [{ bearer: ['contact.read'] }],
        'x-scope': 'contact.read',
        parameters: [{ name: 'id', in: 'path', required: true, description: 'The contact\u2019s id, as the 201 answer gave it.', schema: { type: 'string', format: 'uuid' } }],
        responses: {
          200: { description: 'The contact.', content: { 'application/json': { schema: ref('Contact'), example: exampleContact } } },
          401: unauthorised,
          403: errorResponse('The token does not have the `contact.read` scope.', errorsExample(undefined, 'This token does not have the contact.read scope')),
          404: errorResponse('No contact with this id was sent by the token\u2019s agency.', errorsExample(undefined, 'No such contact')),
          429: tooMany,
        },
      },
    },
  },
  components: {
    securitySchemes: {
      bearer: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'bcn_ followed by 43 characters',
        description: 'An API token, sent as `Authorization: Bearer bcn_…`. The partnership\u2019s administrator makes it with `beacon token create` and gives it to the agency once; Beacon keeps only its digest.',
      },
    },
    schemas: {
      ContactRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['children', 'source', 'reason', 'receivedAt', 'domesticAbuse', 'consent'],
        properties: {
          children: { type: 'array', minItems: 1, maxItems: 20, items: ref('Child'), description: 'The children the contact is about: 1 to 20.' },
          source: { type: 'string', description: 'Who the contact is from, as a CIN census referral source code: 1A-1D individual, 2A-2B schools, 3A-3F health services, 4 housing, 5A-5D local authority services, 6 police, 7 other legal agency, 8 other, 9 anonymous, 10 unknown.', examples: ['6'] },
          reason: { type: 'string', maxLength: 10_000, description: 'What happened and why the agency is worried about the children.' },
          receivedAt: { type: 'string', format: 'date-time', description: 'When the agency made the contact, with its offset (`Z` for UTC). Not in the future.' },
          domesticAbuse: { type: 'boolean', description: 'Whether this is a notification of a domestic abuse incident the children were exposed to.' },
          referrer: ref('Referrer'),
          consent: {
            type: 'string', enum: ['given', 'refused', 'not_sought'],
            description: 'Whether the family consented to the contact. Required: there is no default, as the front door must know whether the family knows. With `not_sought`, `consentNotSoughtReason` and `lawfulBasis` are required.',
          },
          consentNotSoughtReason: { type: 'string', maxLength: 10_000, description: 'Why consent was not sought (required with `consent: not_sought`).' },
          lawfulBasis: { type: 'string', maxLength: 10_000, description: 'The lawful basis for sharing without consent (required with `consent: not_sought`).' },
          urgency: { type: 'string', enum: ['immediate', 'urgent', 'routine'], description: 'How soon the front door should look at it; `routine` when left out.' },
        },
      },
      Child: {
        type: 'object',
        additionalProperties: false,
        required: ['firstName', 'lastName', 'dateOfBirth'],
        properties: {
          firstName: { type: 'string', maxLength: 10_000, description: 'The child\u2019s first name.' },
          lastName: { type: 'string', maxLength: 10_000, description: 'The child\u2019s last name.' },
          dateOfBirth: { type: ['string', 'null'], format: 'date', description: 'The child\u2019s date of birth, `YYYY-MM-DD`, in the past; `null` when not known (such a child is always recorded as new).' },
        },
      },
      Referrer: {
        type: 'object',
        additionalProperties: false,
        description: 'The person who made the contact. Their agency is the token\u2019s.',
        properties: {
          name: { type: 'string', description: 'Their name.' },
          role: { type: 'string', description: 'Their role.' },
          email: { type: 'string', format: 'email', description: 'Their email address, for the front door to tell them the decision.' },
          phone: { type: 'string', description: 'Their phone number.' },
        },
      },
      Created: {
        type: 'object',
        required: ['id', 'url'],
        properties: {
          id: { type: 'string', format: 'uuid', description: 'The contact\u2019s id.' },
          url: { type: 'string', description: 'Where to read the contact: `/api/v1/contacts/{id}`.' },
        },
      },
      Contact: {
        type: 'object',
        required: ['id', 'receivedAt', 'source', 'reason', 'domesticAbuse', 'urgency', 'status', 'decision', 'decisionAt', 'decisionDueAt', 'children'],
        properties: {
          id: { type: 'string', format: 'uuid', description: 'The contact\u2019s id.' },
          receivedAt: { type: 'string', format: 'date-time', description: 'When the contact was made.' },
          source: { type: 'string', description: 'The referral source code.' },
          reason: { type: 'string', description: 'The reason, as sent.' },
          domesticAbuse: { type: 'boolean', description: 'Whether it notified a domestic abuse incident.' },
          urgency: { type: 'string', enum: ['immediate', 'urgent', 'routine'], description: 'How urgent it is.' },
          status: { type: 'string', enum: ['awaiting_decision', 'in_mash', 'decided'], description: 'Where it is: awaiting the front door\u2019s decision, in the MASH for multi-agency checks, or decided.' },
          decision: {
            type: ['string', 'null'], enum: ['nfa', 'information_advice', 'early_help', 'mash_enquiry', 'referral', 'strategy_discussion', null],
            description: 'The front door\u2019s decision: no further action, information and advice, early help, a MASH enquiry, a referral to children\u2019s social care, or a strategy discussion; `null` until made.',
          },
          decisionAt: { type: ['string', 'null'], format: 'date-time', description: 'When the decision was made; `null` until then.' },
          decisionDueAt: { type: 'string', format: 'date-time', description: 'When the decision is due: one working day after receipt, at the same London clock time.' },
          children: {
            type: 'array',
            items: {
              type: 'object', required: ['firstName', 'lastName', 'dateOfBirth'],
              properties: { firstName: { type: ['string', 'null'] }, lastName: { type: ['string', 'null'] }, dateOfBirth: { type: ['string', 'null'], format: 'date' } },
            },
            description: 'The children, as recorded.',
          },
        },
      },
      Errors: {
        type: 'object',
        required: ['errors'],
        properties: {
          errors: {
            type: 'array',
            items: {
              type: 'object', required: ['message'],
              properties: {
                field: { type: 'string', description: 'The JSON path of the field in the request (`children.0.firstName`, `receivedAt`), or `body` for the body as a whole; absent when the error is not about a field.' },
                message: { type: 'string', description: 'What is wrong, in words a person can act on.' },
              },
            },
          },
        },
      },
    },
  },
};

export type FieldRow = { name: string; type: string; required: boolean; description: string };

/** A schema's fields one a row, nested ones named by their path (`children[].firstName`), for the documentation page. */
export function fieldRows(schema: JsonSchema, prefix = ''): FieldRow[] {
  const resolved = resolve(schema);
  const rows: FieldRow[] = [];
  for (const [name, raw] of Object.entries(resolved.properties ?? {})) {
    const field = resolve(raw);
    const path = `${prefix}${name}`;
    const base = Array.isArray(field.type) ? field.type.join(' or ') : field.type;
    const type = `${[base, field.format && `(${field.format})`].filter(Boolean).join(' ')}${field.enum ? `, one of ${field.enum.filter((e) => e !== null).join(', ')}` : ''}`;
    rows.push({ name: path, type, required: resolved.required?.includes(name) ?? false, description: raw.description ?? field.description ?? '' });
    if (field.type === 'object') rows.push(...fieldRows(field, `${path}.`));
    if (field.type === 'array' && field.items && resolve(field.items).type === 'object') rows.push(...fieldRows(field.items, `${path}[].`));
  }
  return rows;
}

export function resolve(schema: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema;
  const found = openApiDocument.components.schemas[schema.$ref.replace('#/components/schemas/', '')];
  if (!found) throw new Error(`No schema ${schema.$ref}`);
  return found;
}
