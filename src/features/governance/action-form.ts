import { isLearningTheme } from '../../domain/assurance';
import { ValidationFailed, type FieldError } from '../../platform/errors';
import type { NewAction } from '../actions/actions.service';
import { dateFrom, intId, list, text, type Form } from './terms';

/**
 * The form for an action arising from a meeting or a challenge: what is to be done, which agency owns it
 * (and who, a Beacon user or a named person), by when, and the learning themes it touches. The tracker's
 * `createActions` checks the rest against the partnership's records; its field names map to the form's here.
 */
export type ActionFormInput = Pick<NewAction, 'description' | 'ownerAgencyId' | 'ownerUserId' | 'ownerName' | 'dueDate' | 'themes'>;

const MAX_TEXT = 2_000;

export function parseActionForm(form: Form, notBefore: string): ActionFormInput {
  const errors: FieldError[] = [];
  const description = text(form, 'description');
  const agency = intId(text(form, 'ownerAgencyId'));
  const owner = text(form, 'ownerUserId');
  const ownerUserId = owner ? intId(owner) : null;
  const ownerName = text(form, 'ownerName');
  const dueDate = dateFrom(form, 'dueDate');
  const themes = list(form, 'themes');
  if (!description) errors.push({ field: 'description', message: 'Enter the action' });
  else if (description.length > MAX_TEXT) errors.push({ field: 'description', message: `The action must be ${MAX_TEXT.toLocaleString('en-GB')} characters or fewer` });
  if (agency === null) errors.push({ field: 'ownerAgencyId', message: 'Select the agency that owns the action' });
  if (owner && ownerUserId === null) errors.push({ field: 'ownerUserId', message: 'Select a person of this partnership' });
  if (ownerUserId !== null && ownerName) errors.push({ field: 'ownerName', message: 'Give either a person with a Beacon account or a name, not both' });
  if (ownerName.length > 200) errors.push({ field: 'ownerName', message: 'The owner’s name must be 200 characters or fewer' });
  if (dueDate === null) errors.push({ field: 'dueDate-day', message: 'Enter the date the action is due' });
  else if (dueDate === 'invalid') errors.push({ field: 'dueDate-day', message: 'The due date must be a real date' });
  else if (dueDate < notBefore) errors.push({ field: 'dueDate-day', message: 'The due date must be on or after the date the action was agreed' });
  if (themes.some((t) => !isLearningTheme(t))) errors.push({ field: 'themes', message: 'Select learning themes from the list' });
  if (errors.length) throw new ValidationFailed(errors);
  return { description, ownerAgencyId: agency!, ownerUserId, ownerName: ownerName || null, dueDate: dueDate as string, themes };
}

/** The tracker's complaints, under the form's own field names. */
export function onActionForm(err: ValidationFailed): ValidationFailed {
  const fields: Record<string, string> = { dueDate: 'dueDate-day', reference: 'description', groupId: 'description' };
  return new ValidationFailed(err.errors.map((e) => ({ ...e, field: fields[e.field] ?? e.field })));
}
