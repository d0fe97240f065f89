import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import { NotFound, ValidationFailed, type FieldError } from '../../platform/errors';

/**
 * The customary eight Section 11 standards, which a partnership starts with and may reword, add to or
 * retire. Each has a short description and prompts for the evidence an agency might offer.
 */
export const DEFAULT_STANDARDS: { title: string; description: string; prompts: string[] }[] = [
  {
    title: 'Senior management commitment to safeguarding',
    description: 'The agency’s senior leaders make safeguarding and promoting the welfare of children a priority, and this shows in its plans, its governance and the resources it gives to the work.',
    prompts: [
      'A named board member or senior leader who answers for safeguarding',
      'Safeguarding in the agency’s business plan and risk register',
      'Reports on safeguarding to the board or senior team, and what they did as a result',
    ],
  },
  {
    title: 'A clear statement of responsibilities',
    description: 'The agency sets out in writing its duties towards children, and staff and the public can find and understand them.',
    prompts: [
      'A safeguarding policy, its date of review and how staff are told of changes',
      'Safeguarding in job descriptions and contracts, including commissioned services',
      'Information for children and families about how the agency keeps them safe',
    ],
  },
  {
    title: 'Clear lines of accountability',
    description: 'Everyone in the agency knows who is responsible for safeguarding, who to go to with a concern, and how a concern is escalated and resolved.',
    prompts: [
      'A designated safeguarding lead and deputy, known to staff',
      'Supervision that includes safeguarding, and how often it happens',
      'How professional disagreements are escalated, with examples',
    ],
  },
  {
    title: 'Services shaped by children’s needs and voices',
    description: 'When the agency plans, changes or reviews its services, it takes account of what children need and asks children and young people what they think.',
    prompts: [
      'Ways children and young people give their views, and changes that followed',
      'Equality impact assessments that consider children',
      'How learning from complaints and reviews reaches service design',
    ],
  },
  {
    title: 'Training and development for staff',
    description: 'Staff and volunteers have safeguarding training suited to their role, refreshed regularly, and the agency checks that it makes a difference to practice.',
    prompts: [
      'A training needs analysis by role, and the share of staff up to date',
      'Take-up of the partnership’s multi-agency training',
      'How the agency knows training has changed practice',
    ],
  },
  {
    title: 'Safer recruitment and managing allegations',
    description: 'The agency recruits safely, checks people before they start and again when needed, and deals properly with allegations against people who work with children.',
    prompts: [
      'Safer recruitment training for those who recruit, and DBS checks at the right level',
      'A policy for allegations against staff, and referrals to the LADO',
      'Checks on agency staff, contractors and volunteers',
    ],
  },
  {
    title: 'Effective inter-agency working',
    description: 'The agency works with partners to safeguard children: it takes part in the partnership’s work, attends meetings about children and follows the partnership’s procedures.',
    prompts: [
      'Attendance at strategy discussions, conferences and core groups',
      'Contributions to the partnership’s groups, audits and reviews',
      'Use of the partnership’s threshold guidance and escalation procedure',
    ],
  },
  {
    title: 'Information sharing',
    description: 'Staff share information about children’s safety promptly, lawfully and with the right people, and know they may share without consent when a child is at risk.',
    prompts: [
      'Information sharing guidance that staff know and use',
      'Secure ways of sending information to partners',
      'Examples of information shared in time to protect a child',
    ],
  },
];

export type Standard = {
  id: number; number: number; title: string; description: string; prompts: string[]; retiredAt: Date | null;
};

const toStandard = (r: { id: number; number: number; title: string; description: string; prompts: string; retired_at: Date | null }): Standard => ({
  id: r.id, number: r.number, title: r.title, description: r.description, prompts: splitPrompts(r.prompts), retiredAt: r.retired_at,
});

export const splitPrompts = (text: string) => text.split('\n').map((p) => p.trim()).filter(Boolean);

/**
 * Gives a partnership the default standards the first time it uses Section 11. Two first uses at once
 * insert one set: the second's rows collide on the numbers and are dropped.
 */
export async function ensureDefaultStandards(db: Db, partnershipId: number, now: Date): Promise<void> {
  const any = await db.selectFrom('section11_standard').select('id').where('partnership_id', '=', partnershipId).limit(1).executeTakeFirst();
  if (any) return;
  await db.insertInto('section11_standard').values(DEFAULT_STANDARDS.map((s, i) => ({
    partnership_id: partnershipId, number: i + 1, title: s.title, description: s.description, prompts: s.prompts.join('\n'), created_at: now, updated_at: now,
  }))).onConflict((oc) => oc.constraint('section11_standard_number_uq').doNothing()).execute();
}

/** Every standard of the partnership, those in force first by number, then the retired. */
export async function listStandards(db: Db, partnershipId: number, now: Date): Promise<Standard[]> {
  await ensureDefaultStandards(db, partnershipId, now);
  const rows = await db.selectFrom('section11_standard').select(['id', 'number', 'title', 'description', 'prompts', 'retired_at'])
    .where('partnership_id', '=', partnershipId)
    .orderBy(sql`retired_at is not null`).orderBy('number').execute();
  return rows.map(toStandard);
}

export async function findStandard(db: Db, partnershipId: number, id: string | number): Promise<Standard> {
  const n = Number(id);
  const row = Number.isSafeInteger(n) && n > 0 && n < 2 ** 31
    ? await db.selectFrom('section11_standard').select(['id', 'number', 'title', 'description', 'prompts', 'retired_at'])
      .where('partnership_id', '=', partnershipId).where('id', '=', n).executeTakeFirst()
    : undefined;
  if (!row) throw new NotFound('No such standard', 'section11_standard', String(id).slice(0, 60));
  return toStandard(row);
}

const MAX_TITLE = 150;
const MAX_DESCRIPTION = 2_000;
const MAX_PROMPTS = 3_000;

export type StandardForm = { title: string; description: string; prompts: string };

function parseStandardForm(input: Record<string, unknown>): StandardForm {
  const title = String(input.title ?? '').trim();
  const description = String(input.description ?? '').trim();
  const prompts = splitPrompts(String(input.prompts ?? '')).join('\n');
  const errors: FieldError[] = [];
  if (!title) errors.push({ field: 'title', message: 'Enter the standard' });
  else if (title.length > MAX_TITLE) errors.push({ field: 'title', message: `The standard must be ${MAX_TITLE} characters or fewer` });
  if (!description) errors.push({ field: 'description', message: 'Enter a description of what the standard asks of an agency' });
  else if (description.length > MAX_DESCRIPTION) errors.push({ field: 'description', message: `The description must be ${MAX_DESCRIPTION} characters or fewer` });
  if (prompts.length > MAX_PROMPTS) errors.push({ field: 'prompts', message: `The prompts must be ${MAX_PROMPTS} characters or fewer` });
  if (errors.length) throw new ValidationFailed(errors);
  return { title, description, prompts };
}

/** Adds a standard after the last one; it is in cycles opened from now on. */
export async function addStandard(db: Db, partnershipId: number, input: Record<string, unknown>, now: Date): Promise<Standard> {
  const form = parseStandardForm(input);
  await ensureDefaultStandards(db, partnershipId, now);
  return db.transaction().execute(async (tx) => {
    // Numbers are given one at a time: two standards added at once must not both take the next number.
    await sql`select pg_advisory_xact_lock(${partnershipId}, hashtext('section11_standard'))`.execute(tx);
    const last = await tx.selectFrom('section11_standard').select((eb) => eb.fn.max('number').as('n'))
      .where('partnership_id', '=', partnershipId).executeTakeFirst();
    const row = await tx.insertInto('section11_standard').values({
      partnership_id: partnershipId, number: Number(last?.n ?? 0) + 1, ...form, created_at: now, updated_at: now,
    }).returning(['id', 'number', 'title', 'description', 'prompts', 'retired_at']).executeTakeFirstOrThrow();
    return toStandard(row);
  });
}

/** Rewords a standard. Cycles already opened keep the words they were opened with. */
export async function updateStandard(db: Db, partnershipId: number, id: number, input: Record<string, unknown>, now: Date): Promise<Standard> {
  const form = parseStandardForm(input);
  const standard = await findStandard(db, partnershipId, id);
  await db.updateTable('section11_standard').set({ ...form, updated_at: now })
    .where('partnership_id', '=', partnershipId).where('id', '=', standard.id).execute();
  return { ...standard, ...form, prompts: splitPrompts(form.prompts) };
}

/** Retires a standard (or brings it back): a retired one is left out of cycles opened later, and keeps its past answers. */
export async function setStandardRetired(db: Db, partnershipId: number, id: number, retired: boolean, now: Date): Promise<Standard> {
  const standard = await findStandard(db, partnershipId, id);
  if (retired && !standard.retiredAt) {
    const inForce = await db.selectFrom('section11_standard').select((eb) => eb.fn.countAll<string>().as('n'))
      .where('partnership_id', '=', partnershipId).where('retired_at', 'is', null).executeTakeFirstOrThrow();
    if (Number(inForce.n) <= 1) throw new ValidationFailed([{ field: 'standard', message: 'At least one standard must stay in force' }]);
  }
  const retiredAt = retired ? (standard.retiredAt ?? now) : null;
  await db.updateTable('section11_standard').set({ retired_at: retiredAt, updated_at: now })
    .where('partnership_id', '=', partnershipId).where('id', '=', standard.id).execute();
  return { ...standard, retiredAt };
}
