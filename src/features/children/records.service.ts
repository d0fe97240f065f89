import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import { NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import type { ParentKind, RecordType, RecordValues } from './records.schema';

/** Someone else saved the record first: their version, to show beside yours. */
export class EditConflict extends Error {
  constructor(readonly current: Record<string, unknown>) {
    super('The record was changed by someone else');
  }
}

type ChildRef = { id: string; date_of_birth: string | null };

const PARENT_LABEL: Record<Exclude<ParentKind, 'child'>, (r: Record<string, unknown>) => string> = {
  referral: (r) => `Referral of ${r.referral_date}`,
  cp_plan: (r) => `Child protection plan from ${r.start_date}`,
  strategy_discussion: (r) => `Strategy discussion about the concern of ${r.concern_date}`,
  s47_enquiry: (r) => `Section 47 enquiry from ${r.start_date}`,
};

/** The child's records of a kind, for a form to attach a new record to. */
export async function parentOptions(db: Db, partnershipId: number, childId: string, kind: Exclude<ParentKind, 'child'>) {
  const rows = kind === 'referral'
    ? await db.selectFrom('referral').selectAll().where('partnership_id', '=', partnershipId).where('child_id', '=', childId).orderBy('referral_date', 'desc').execute()
    : await db.selectFrom(kind).innerJoin('referral as r', 'r.id', `${kind}.referral_id` as 'cp_plan.referral_id')
      .selectAll(kind).where(`${kind}.partnership_id` as 'cp_plan.partnership_id', '=', partnershipId).where('r.child_id', '=', childId).execute();
  return (rows as Record<string, unknown>[]).map((r) => ({ value: String(r.id), text: PARENT_LABEL[kind](r) }));
}

/** Checks that a parent or linked record is the child's own, in this partnership. */
async function belongsToChild(db: Db, partnershipId: number, childId: string, kind: Exclude<ParentKind, 'child'>, id: string): Promise<boolean> {
  return (await parentOptions(db, partnershipId, childId, kind)).some((o) => o.value === id);
}

/** Checks that need the child's other records. */
async function journeyProblems(db: Db, partnershipId: number, child: ChildRef, def: RecordType, values: RecordValues, parentId: string | null): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  const date = (def.dateField && values[def.dateField]) ?? values.start_date;
  const dateKey = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
  const afterBirth = ['cla_episode', 'cla_review', 'health_assessment', 'missing_episode', 'exploitation_assessment', 'cp_visit'];
  if (child.date_of_birth && date && afterBirth.includes(def.type) && dateKey(date) < child.date_of_birth) {
    errors.push({ field: fieldId(def, def.dateField ?? ''), message: `This cannot be before the child’s date of birth (${child.date_of_birth})` });
  }
  if (def.type === 'cp_plan' && parentId && values.start_date) {
    // The plan starts at a conference: one must be recorded on or before its start.
    const conference = await db.selectFrom('initial_conference').select((eb) => eb.fn.min('conference_date').as('first'))
      .where('partnership_id', '=', partnershipId).where('referral_id', '=', parentId).executeTakeFirst();
    if (!conference?.first) errors.push({ field: fieldId(def, 'start_date'), message: 'Record the initial child protection conference first: a plan starts at a conference' });
    else if (String(values.start_date) < String(conference.first)) errors.push({ field: fieldId(def, 'start_date'), message: `A plan cannot start before its conference (${conference.first})` });
  }
  if ((def.type === 'cin_plan' || def.type === 'cp_plan') && values.start_date) {
    // A child in need plan and a child protection plan of the same child must not overlap.
    const other = def.type === 'cin_plan' ? 'cp_plan' : 'cin_plan';
    const start = String(values.start_date);
    const end = values.end_date ? String(values.end_date) : '9999-12-31';
    const overlap = await db.selectFrom(other).innerJoin('referral as r', 'r.id', `${other}.referral_id` as 'cp_plan.referral_id')
      .select([`${other}.start_date` as 'cp_plan.start_date', `${other}.end_date` as 'cp_plan.end_date'])
      .where(`${other}.partnership_id` as 'cp_plan.partnership_id', '=', partnershipId).where('r.child_id', '=', child.id)
      .where(`${other}.start_date` as 'cp_plan.start_date', '<=', end)
      .where((eb) => eb.or([eb(`${other}.end_date` as 'cp_plan.end_date', 'is', null), eb(`${other}.end_date` as 'cp_plan.end_date', '>=', start)]))
      .executeTakeFirst();
    if (overlap) {
      errors.push({
        field: fieldId(def, 'start_date'),
        message: `A child in need plan cannot overlap a child protection plan: the ${other === 'cp_plan' ? 'child protection' : 'child in need'} plan from ${overlap.start_date}${overlap.end_date ? ` to ${overlap.end_date}` : ''} overlaps these dates`,
      });
    }
  }
  return errors;
}

function fieldId(def: RecordType, name: string): string {
  const field = def.fields.find((f) => f.name === name);
  return field?.kind === 'date' ? `${name}-day` : field?.kind === 'datetime' ? `${name}-date` : name;
}

const PARENT_COLUMN: Record<ParentKind, string> = { child: 'child_id', referral: 'referral_id', cp_plan: 'cp_plan_id', strategy_discussion: 'strategy_discussion_id', s47_enquiry: 's47_enquiry_id' };

export async function createRecord(db: Db, partnershipId: number, child: ChildRef, def: RecordType, values: RecordValues, parentId: string | null, links: Record<string, string | null>) {
  if (def.parent !== 'child' && (!parentId || !(await belongsToChild(db, partnershipId, child.id, def.parent, parentId)))) {
    throw new ValidationFailed([{ field: 'parentId', message: `Select the ${def.parent === 'referral' ? 'referral' : 'plan'} this belongs to` }]);
  }
  for (const link of def.links ?? []) {
    const id = links[link.name];
    if (id && !(await belongsToChild(db, partnershipId, child.id, link.of as Exclude<ParentKind, 'child'>, id))) {
      throw new ValidationFailed([{ field: link.name, message: `Select one of the child’s own records for: ${link.label.toLowerCase()}` }]);
    }
  }
  const problems = await journeyProblems(db, partnershipId, child, def, values, parentId);
  if (problems.length) throw new ValidationFailed(problems);
  const row = { ...values, ...linksRow(def, links), partnership_id: partnershipId, [PARENT_COLUMN[def.parent]]: def.parent === 'child' ? child.id : parentId };
  try {
    const created = await db.insertInto(def.type).values(row as never).returning('id').executeTakeFirstOrThrow();
    return created.id as string;
  } catch (err) {
    throw duplicateOr(err, def);
  }
}

function linksRow(def: RecordType, links: Record<string, string | null>) {
  return Object.fromEntries((def.links ?? []).map((l) => [l.name, links[l.name] || null]));
}

/** The natural key of each record type is unique: a second record on the same date is refused by name. */
function duplicateOr(err: unknown, def: RecordType): unknown {
  if ((err as { code?: string }).code === '23505') {
    return new ValidationFailed([{ field: fieldId(def, def.dateField ?? ''), message: `A ${def.title.toLowerCase()} on this date is already recorded for this child` }]);
  }
  return err;
}

export async function findRecord(db: Db, partnershipId: number, child: ChildRef, def: RecordType, id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const row = await db.selectFrom(def.type).selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst() as Record<string, unknown> | undefined;
  if (!row) return undefined;
  // The record must be this child's: directly, or through its referral or plan.
  if (def.parent === 'child') return row.child_id === child.id ? row : undefined;
  return (await belongsToChild(db, partnershipId, child.id, def.parent, String(row[PARENT_COLUMN[def.parent]]))) ? row : undefined;
}

/**
 * Saves an edit only if nobody has saved the record since the form was opened (its version is unchanged);
 * otherwise throws EditConflict with what is saved now, so that both versions can be shown.
 */
export async function updateRecord(db: Db, partnershipId: number, child: ChildRef, def: RecordType, id: string, version: number, values: RecordValues, links: Record<string, string | null>) {
  const existing = await findRecord(db, partnershipId, child, def, id);
  if (!existing) throw new NotFound('No such record', def.type, id);
  const parentId = def.parent === 'child' ? null : String(existing[PARENT_COLUMN[def.parent]]);
  const problems = await journeyProblems(db, partnershipId, child, def, values, parentId);
  if (problems.length) throw new ValidationFailed(problems);
  let result;
  try {
    result = await db.updateTable(def.type)
      // An edit in Beacon is newer than any return: a later import of an earlier year's return leaves it (see returns/merge.ts).
      .set({ ...values, ...linksRow(def, links), version: sql`version + 1`, updated_at: new Date(), source_year: null } as never)
      .where('partnership_id', '=', partnershipId).where('id', '=', id).where('version', '=', version)
      .executeTakeFirst();
  } catch (err) {
    throw duplicateOr(err, def);
  }
  if (Number(result.numUpdatedRows) === 0) {
    throw new EditConflict((await findRecord(db, partnershipId, child, def, id))!);
  }
}
