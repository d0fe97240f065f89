import type { Db } from '../../db/create-db';

export type Partnership = { id: number; la_code: string; name: string; default_child_population: number | null };

export function listPartnerships(db: Db): Promise<Partnership[]> {
  return db.selectFrom('partnership').select(['id', 'la_code', 'name', 'default_child_population']).orderBy('la_code').execute();
}

export function findPartnershipByLaCode(db: Db, laCode: string): Promise<Partnership | undefined> {
  return db.selectFrom('partnership').select(['id', 'la_code', 'name', 'default_child_population']).where('la_code', '=', laCode).executeTakeFirst();
}

export function findPartnershipById(db: Db, id: number): Promise<Partnership | undefined> {
  return db.selectFrom('partnership').select(['id', 'la_code', 'name', 'default_child_population']).where('id', '=', id).executeTakeFirst();
}

export async function insertPartnership(db: Db, laCode: string, name: string): Promise<Partnership> {
  return db.insertInto('partnership').values({ la_code: laCode, name })
    .returning(['id', 'la_code', 'name', 'default_child_population']).executeTakeFirstOrThrow();
}

export function listChildPopulations(db: Db, partnershipId: number) {
  return db.selectFrom('partnership_child_population').select(['year', 'child_population'])
    .where('partnership_id', '=', partnershipId).orderBy('year').execute();
}

export async function upsertChildPopulation(db: Db, partnershipId: number, year: number, childPopulation: number) {
  await db.insertInto('partnership_child_population')
    .values({ partnership_id: partnershipId, year, child_population: childPopulation })
    .onConflict((oc) => oc.columns(['partnership_id', 'year']).doUpdateSet({ child_population: childPopulation }))
    .execute();
}

/** One figure for every year: the default, with no year left holding a figure of its own. */
export async function setChildPopulationForAllYears(db: Db, partnershipId: number, childPopulation: number) {
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('partnership').set({ default_child_population: childPopulation }).where('id', '=', partnershipId).execute();
    await tx.deleteFrom('partnership_child_population').where('partnership_id', '=', partnershipId).execute();
  });
}
