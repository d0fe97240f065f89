import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import { NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import type { RecordValues } from './records.schema';
import { EditConflict } from './records.service';

/** Checks across the child's own fields (CIN rules 8525Q and 8750), with identifiers tidied. */
function tidy(values: RecordValues): { row: RecordValues; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const row: RecordValues = {
    ...values,
    upn: typeof values.upn === 'string' ? values.upn.toUpperCase() : null,
    former_upn: typeof values.former_upn === 'string' ? values.former_upn.toUpperCase() : null,
    nhs_number: typeof values.nhs_number === 'string' ? values.nhs_number.replace(/\s/g, '') : null,
    postcode: typeof values.postcode === 'string' ? values.postcode.toUpperCase() : null,
  };
  if (Boolean(values.date_of_birth) === Boolean(values.expected_birth_date)) {
    errors.push({ field: 'date_of_birth-day', message: 'Enter the date of birth, or the expected date of birth for an unborn child, but not both' });
  }
  if (values.expected_birth_date && values.sex && values.sex !== 'U') errors.push({ field: 'sex', message: 'Sex must be U for an unborn child' });
  if (values.upn && values.upn_unknown) errors.push({ field: 'upn_unknown', message: 'Give a reason the UPN is unknown only when there is no UPN' });
  return { row, errors };
}

export type PossibleDuplicate = { id: string; la_child_id: string; first_name: string | null; last_name: string | null; date_of_birth: string | null; why: string };

/** Children already recorded who may be this one: the same NHS number or UPN, or the same birth date and a similar name. */
export async function possibleDuplicates(db: Db, partnershipId: number, row: RecordValues, exceptId?: string): Promise<PossibleDuplicate[]> {
  let q = db.selectFrom('child').select(['id', 'la_child_id', 'first_name', 'last_name', 'date_of_birth', 'nhs_number', 'upn'])
    .where('partnership_id', '=', partnershipId)
    .where((eb) => {
      const any = [];
      if (row.nhs_number) any.push(eb('nhs_number', '=', String(row.nhs_number)));
      if (row.upn) any.push(eb('upn', '=', String(row.upn)));
      if (row.date_of_birth && row.last_name) {
        const last = String(row.last_name).toLowerCase();
        const first = String(row.first_name ?? '').toLowerCase();
        any.push(eb.and([
          eb('date_of_birth', '=', String(row.date_of_birth)),
          eb.or([sql<boolean>`lower(last_name) % ${last}`, sql<boolean>`dmetaphone(last_name) = dmetaphone(${last})`, sql<boolean>`lower(first_name) % ${first}`]),
        ]));
      }
      return any.length ? eb.or(any) : eb.val(false);
    });
  if (exceptId) q = q.where('id', '!=', exceptId);
  const rows = await q.limit(10).execute();
  return rows.map((r) => ({
    ...r,
    why: row.nhs_number && r.nhs_number === row.nhs_number ? 'same NHS number' : row.upn && r.upn === row.upn ? 'same UPN' : 'same date of birth, similar name',
  }));
}

export class PossibleDuplicates extends Error {
  constructor(readonly matches: PossibleDuplicate[]) {
    super('This child may already be recorded');
  }
}

/** Adds a child; a likely duplicate stops it unless the person has confirmed this is a different child. */
export async function createChild(db: Db, partnershipId: number, values: RecordValues, confirmedDifferent: boolean): Promise<string> {
  const { row, errors } = tidy(values);
  if (errors.length) throw new ValidationFailed(errors);
  if (await db.selectFrom('child').select('id').where('partnership_id', '=', partnershipId).where('la_child_id', '=', String(row.la_child_id)).executeTakeFirst()) {
    throw new ValidationFailed([{ field: 'la_child_id', message: 'Another child already has this LA child ID' }]);
  }
  const matches = await possibleDuplicates(db, partnershipId, row);
  if (matches.length && !confirmedDifferent) throw new PossibleDuplicates(matches);
  const created = await db.insertInto('child').values({ ...row, partnership_id: partnershipId } as never).returning('id').executeTakeFirstOrThrow();
  return created.id;
}

/** Saves an edit of the child's details if nobody saved them since the form was opened. */
export async function updateChild(db: Db, partnershipId: number, childId: string, version: number, values: RecordValues) {
  const { row, errors } = tidy(values);
  if (errors.length) throw new ValidationFailed(errors);
  const clash = await db.selectFrom('child').select('id').where('partnership_id', '=', partnershipId).where('la_child_id', '=', String(row.la_child_id)).where('id', '!=', childId).executeTakeFirst();
  if (clash) throw new ValidationFailed([{ field: 'la_child_id', message: 'Another child already has this LA child ID' }]);
  // An edit in Beacon is newer than any return: a later import of an earlier year's return leaves it (see returns/merge.ts).
  const result = await db.updateTable('child').set({ ...row, version: sql`version + 1`, updated_at: new Date(), source_year: null } as never)
    .where('partnership_id', '=', partnershipId).where('id', '=', childId).where('version', '=', version).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) {
    const current = await db.selectFrom('child').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', childId).executeTakeFirst();
    if (!current) throw new NotFound('No such child', 'child', childId);
    throw new EditConflict(current as unknown as Record<string, unknown>);
  }
}
