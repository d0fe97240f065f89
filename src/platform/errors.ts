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

/** Why the database cannot do its work just now, if that is what an error says; null for any other error. */
export type DatabaseTrouble = 'unavailable' | 'disk_full';

// Connection-level failures: the server is down, restarting, refusing connections, or cut the connection.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly/i;

export function databaseTrouble(err: unknown): DatabaseTrouble | null {
  const e = err as { code?: unknown; message?: unknown; errno?: unknown } | null;
  if (!e || typeof e !== 'object') return null;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  // 53100 is PostgreSQL's disk_full; PGlite's own writes fail with the operating system's ENOSPC.
  if (code === '53100' || code === 'ENOSPC' || /No space left on device/i.test(message)) return 'disk_full';
  if (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_MESSAGES.test(message)) return 'unavailable';
  return null;
}
