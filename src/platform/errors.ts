/** Typed errors that the error handler turns into GOV.UK pages (or JSON under /api). */
/** Also what another partnership's record looks like: its existence is never revealed. */
export class NotFound extends Error {
  readonly statusCode = 404;
  constructor(message = 'Not found', readonly recordType: string | null = null, readonly recordId: string | null = null) {
    super(message);
  }
}

export class Forbidden extends Error {
  readonly statusCode = 403;
  constructor(message = 'Forbidden') { super(message); }
}

export type FieldError = { field: string; message: string };

export class ValidationFailed extends Error {
  readonly statusCode = 400;
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
}

/** Errors from zod, as field errors named the way the form names its inputs. */
export function fieldErrors(issues: { path: PropertyKey[]; message: string }[]): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const field = issue.path.map(String).join('.') || 'form';
    if (seen.has(field)) continue;
    seen.add(field);
    errors.push({ field, message: issue.message });
  }
  return errors;
}
