import { CALENDAR_RANGE } from '../../domain/calendar';
import type { FieldError } from '../../platform/errors';
import { dateFrom, text, type Form } from '../../platform/forms';
import { longDate } from './review-clocks';

/**
 * Reading the reviews' forms: text, choices and GOV.UK date inputs (day, month and year boxes) into
 * values, each problem named in the words of the form. A date's error belongs to its day box, where the
 * error summary's link puts the cursor.
 */

export { list, text, type Form } from '../../platform/forms';

export const MAX_TEXT = 20_000;
export const MAX_LINE = 300;

export type DateRule = {
  /** "the date the partnership became aware": the words the messages use. */
  label: string;
  required?: boolean;
  /** Today: a date after it is refused (things recorded have happened). */
  notAfter?: string;
  notBefore?: { date: string; label: string };
};

/** Reads one date input, adding its problems to `errors`; the value is undefined when there is a problem. */
export function readDate(form: Form, name: string, rule: DateRule, errors: FieldError[]): string | null | undefined {
  const value = dateFrom(form, name);
  const field = `${name}-day`;
  const Label = rule.label.charAt(0).toUpperCase() + rule.label.slice(1);
  if (value === null) {
    if (rule.required) errors.push({ field, message: `Enter ${rule.label}` });
    return rule.required ? undefined : null;
  }
  if (value === 'invalid') {
    errors.push({ field, message: `${Label} must be a real date` });
    return undefined;
  }
  // Working days are known only for the years of the bank holiday table.
  if (value < CALENDAR_RANGE.from || value > CALENDAR_RANGE.to) {
    errors.push({ field, message: `${Label} must be between ${CALENDAR_RANGE.from.slice(0, 4)} and ${CALENDAR_RANGE.to.slice(0, 4)}` });
    return undefined;
  }
  if (rule.notAfter && value > rule.notAfter) {
    errors.push({ field, message: `${Label} must be today or in the past` });
    return undefined;
  }
  if (rule.notBefore && value < rule.notBefore.date) {
    errors.push({ field, message: `${Label} must be on or after ${rule.notBefore.label} (${longDate(rule.notBefore.date)})` });
    return undefined;
  }
  return value;
}

/** Reads a text field: required or not, and no longer than `max`. */
export function readText(form: Form, name: string, rule: { required?: string; max?: number; label: string }, errors: FieldError[]): string | null {
  const value = text(form, name);
  const max = rule.max ?? MAX_TEXT;
  if (!value) {
    if (rule.required) errors.push({ field: name, message: rule.required });
    return null;
  }
  if (value.length > max) {
    errors.push({ field: name, message: `${rule.label} must be ${max.toLocaleString('en-GB')} characters or fewer` });
    return null;
  }
  return value;
}

/** Reads a radio choice among `allowed`; '' is no choice, refused with `message` when `required`. */
export function readChoice<T extends string>(form: Form, name: string, allowed: readonly T[], message: string, errors: FieldError[], required = true): T | null {
  const value = text(form, name);
  if (!value) {
    if (required) errors.push({ field: name, message });
    return null;
  }
  if (!(allowed as readonly string[]).includes(value)) {
    errors.push({ field: name, message });
    return null;
  }
  return value as T;
}
