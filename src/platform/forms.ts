import type { FieldError } from './errors';

export type FormErrors = {
  /** Items for govukErrorSummary, each linking to its field. */
  summary: { text: string; href: string }[];
  /** errorMessage for each field's component, by field name. */
  fields: Record<string, { text: string }>;
};

/** The error summary pattern: field `agencyId` links to `#agencyId` unless the form maps it elsewhere. */
export function formErrors(errors: FieldError[], ids: Record<string, string> = {}): FormErrors {
  const fields: FormErrors['fields'] = {};
  const summary = errors.map((e) => {
    // One input can carry a list (roles.1, emailDomains.0): its error belongs to that input.
    const field = e.field.split('.')[0]!;
    fields[field] ??= { text: e.message };
    return { text: e.message, href: `#${ids[field] ?? field}` };
  });
  return { summary, fields };
}
