import type { Db } from '../../db/create-db';
import type { PartnershipSettings } from '../../db/schema';
import { TIMESCALE_RULES, localLimitProblem, type ClockContext } from '../../domain/timescales';
import { NotFound, ValidationFailed, fieldErrors } from '../../platform/errors';
import { text, type Form } from '../../platform/forms';
import * as repo from './partnerships.repository';
import { childPopulation, newPartnership } from './partnerships.schema';

export type { Partnership } from './partnerships.repository';
export const { listPartnerships, findPartnershipByLaCode, findPartnershipById, listChildPopulations } = repo;

export async function addPartnership(db: Db, input: unknown) {
  const parsed = newPartnership.safeParse(input);
  if (!parsed.success) throw new ValidationFailed(fieldErrors(parsed.error.issues));
  if (await repo.findPartnershipByLaCode(db, parsed.data.laCode)) {
    throw new ValidationFailed([{ field: 'laCode', message: `A partnership with LA code ${parsed.data.laCode} already exists` }]);
  }
  return repo.insertPartnership(db, parsed.data.laCode, parsed.data.name);
}

/** Sets the child population (0-17) for one year, or for every year when no year is given. */
export async function setChildPopulation(db: Db, partnershipId: number, input: unknown) {
  const parsed = childPopulation.safeParse(input);
  if (!parsed.success) throw new ValidationFailed(fieldErrors(parsed.error.issues));
  const { year, childPopulation: n } = parsed.data;
  if (!(await repo.findPartnershipById(db, partnershipId))) throw new NotFound('No such partnership');
  if (year === undefined) await repo.setChildPopulationForAllYears(db, partnershipId, n);
  else await repo.upsertChildPopulation(db, partnershipId, year, n);
}

export async function settingsOf(db: Db, partnershipId: number): Promise<PartnershipSettings> {
  const row = await db.selectFrom('partnership').select('settings').where('id', '=', partnershipId).executeTakeFirst();
  if (!row) throw new NotFound('No such partnership');
  return row.settings ?? {};
}

/** The clock context of a partnership now: today's date, the instant, and its own local timescale limits. */
export async function clockContext(db: Db, partnershipId: number, now: Date): Promise<ClockContext> {
  const settings = await settingsOf(db, partnershipId);
  return { today: now.toISOString().slice(0, 10), now, local: settings.timescales };
}

/** Sets the partnership's own limits for local timescales; a blank value goes back to the default. */
export async function setLocalTimescales(db: Db, partnershipId: number, input: Form) {
  const settings = await settingsOf(db, partnershipId);
  const timescales: Record<string, number> = {};
  const errors: { field: string; message: string }[] = [];
  for (const rule of TIMESCALE_RULES.filter((r) => 'local' in r)) {
    const raw = text(input, rule.id);
    if (!raw) continue;
    const amount = Number(raw);
    const problem = /^\d+$/.test(raw) ? localLimitProblem(rule.id, amount) : `${rule.name}: enter a whole number`;
    if (problem) errors.push({ field: rule.id, message: problem });
    else timescales[rule.id] = amount;
  }
  if (errors.length) throw new ValidationFailed(errors);
  await db.updateTable('partnership').set({ settings: JSON.stringify({ ...settings, timescales }) }).where('id', '=', partnershipId).execute();
}

/** The population for a year: that year's figure, else the latest year before it, else the default. */
export async function childPopulationFor(db: Db, partnershipId: number, year: number): Promise<number | null> {
  const row = await db.selectFrom('partnership_child_population').select('child_population')
    .where('partnership_id', '=', partnershipId).where('year', '<=', year).orderBy('year', 'desc').limit(1).executeTakeFirst();
  if (row) return row.child_population;
  const p = await repo.findPartnershipById(db, partnershipId);
  return p?.default_child_population ?? null;
}
