import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { apiChild, apiContactRequest, apiReferrer, CONSENT, URGENCY } from './contacts.schema';
import { fieldRows, openApiDocument, type JsonSchema } from './openapi';

const schemas = openApiDocument.components.schemas;

/** The fields an object schema requires: those that refuse to be left out. */
function requiredOf(shape: Record<string, z.ZodType>): string[] {
  return Object.keys(shape).filter((k) => !shape[k]!.safeParse(undefined).success).sort();
}

const documented = (s: JsonSchema) => ({ fields: Object.keys(s.properties ?? {}).sort(), required: [...(s.required ?? [])].sort() });

describe('the OpenAPI document', () => {
  it('names the same fields, and requires the same ones, as the request schema the API checks', () => {
    for (const [name, zodSchema] of [['ContactRequest', apiContactRequest], ['Child', apiChild], ['Referrer', apiReferrer]] as const) {
      expect(documented(schemas[name]!), name).toEqual({ fields: Object.keys(zodSchema.shape).sort(), required: requiredOf(zodSchema.shape) });
      // Unknown keys are refused, as the document says.
      expect(schemas[name]!.additionalProperties, name).toBe(false);
      expect(zodSchema.safeParse({ unexpected: 1 }).error?.issues.some((i) => i.code === 'unrecognized_keys'), name).toBe(true);
    }
  });

  it('lists the same choices as the request schema', () => {
    expect(schemas.ContactRequest!.properties!.consent!.enum).toEqual(CONSENT);
    expect(schemas.ContactRequest!.properties!.urgency!.enum).toEqual(URGENCY);
  });

  it('is valid JSON whose example request the schema accepts', () => {
    const doc = JSON.parse(JSON.stringify(openApiDocument)) as typeof openApiDocument;
    expect(doc.openapi).toBe('3.1.0');
    const example = doc.paths['/api/v1/contacts']!.post!.requestBody!.content['application/json'].example;
    expect(apiContactRequest.safeParse(example).success).toBe(true);
  });

  it('lays the fields out one a row for the page, nested ones by their path', () => {
    const rows = fieldRows(schemas.ContactRequest!);
    expect(rows.map((r) => r.name)).toContain('children[].dateOfBirth');
    expect(rows.map((r) => r.name)).toContain('referrer.email');
    expect(rows.find((r) => r.name === 'children[].dateOfBirth')).toMatchObject({ type: 'string or null (date)', required: true });
    expect(rows.find((r) => r.name === 'urgency')).toMatchObject({ required: false, type: 'string, one of immediate, urgent, routine' });
  });
});
