import { z } from 'zod';
import type { FieldError } from '../../platform/errors';

/**
 * The body of `POST /api/v1/contacts`. Zod checks the types and the shape; the contact's own rules
 * (a known referral source, a date of birth in the past, a lawful basis when consent was not sought)
 * are the front door's, checked by its service, and name the fields the same way.
 *
 * Unknown keys are refused, each named: a partner system's misspelt field would otherwise be lost
 * without anyone knowing.
 */

const text = (name: string) => z.string({ error: (iss) => (iss.input === undefined ? `Enter ${name}` : `${name[0]!.toUpperCase()}${name.slice(1)} must be a string`) });
const optionalText = (name: string) => z.string({ error: `${name[0]!.toUpperCase()}${name.slice(1)} must be a string` }).optional();

export const apiChild = z.strictObject({
  firstName: text('the child’s first name'),
  lastName: text('the child’s last name'),
  dateOfBirth: z.union([z.iso.date(), z.null()], { error: 'Date of birth must be a date like 2015-03-27, or null when not known' }),
});

export const apiReferrer = z.strictObject({
  name: optionalText('the referrer’s name'),
  role: optionalText('the referrer’s role'),
  email: optionalText('the referrer’s email address'),
  phone: optionalText('the referrer’s phone number'),
});

export const CONSENT = ['given', 'refused', 'not_sought'] as const;
export const URGENCY = ['immediate', 'urgent', 'routine'] as const;

export const apiContactRequest = z.strictObject({
  children: z.array(apiChild, { error: 'Children must be a list of the children the contact is about' }),
  source: text('the referral source code'),
  reason: text('the reason for the contact'),
  receivedAt: z.iso.datetime({ offset: true, error: 'Received at must be a date and time with its offset, like 2026-06-01T09:30:00Z' }),
  domesticAbuse: z.boolean({ error: 'Domestic abuse must be true or false' }),
  referrer: apiReferrer.optional(),
  consent: z.enum(CONSENT, { error: 'Consent must be given, refused or not_sought' }),
  consentNotSoughtReason: optionalText('why consent was not sought'),
  lawfulBasis: optionalText('the lawful basis for sharing without consent'),
  urgency: z.enum(URGENCY, { error: 'Urgency must be immediate, urgent or routine' }).optional(),
});

export type ApiContactRequest = z.infer<typeof apiContactRequest>;

/** Zod's issues as field errors named by JSON path (`children.0.dateOfBirth`), each unknown key its own. */
export function apiFieldErrors(issues: z.core.$ZodIssue[]): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const add = (field: string, message: string) => {
    if (seen.has(field)) return;
    seen.add(field);
    errors.push({ field, message });
  };
  for (const issue of issues) {
    const at = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') for (const key of issue.keys) add([...at, key].join('.'), `${key} is not a field of a contact: see /api/docs`);
    else add(at.join('.') || 'body', at.length ? issue.message : 'The body must be a JSON object: see /api/docs');
  }
  return errors;
}
