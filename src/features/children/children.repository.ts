import type { Db } from '../../db/create-db';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function findChildById(db: Db, partnershipId: number, id: string) {
  if (!UUID.test(id)) return Promise.resolve(undefined);
  return db.selectFrom('child').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

export function findChildByLaChildId(db: Db, partnershipId: number, laChildId: string) {
  return db.selectFrom('child').selectAll().where('partnership_id', '=', partnershipId).where('la_child_id', '=', laChildId).executeTakeFirst();
}

/** Children whose name, LA child id, UPN or NHS number matches; at most `limit`, by surname. */
export function searchChildren(db: Db, partnershipId: number, text: string, limit = 50) {
  const terms = text.trim().split(/\s+/).filter(Boolean).slice(0, 4);
  let q = db.selectFrom('child')
    .select(['id', 'la_child_id', 'first_name', 'last_name', 'date_of_birth', 'expected_birth_date', 'sex', 'locality'])
    .where('partnership_id', '=', partnershipId);
  for (const term of terms) {
    const like = `${term.replace(/[%_\\]/g, '\\$&')}%`;
    q = q.where((eb) => eb.or([
      eb('first_name', 'ilike', like), eb('last_name', 'ilike', like),
      eb('la_child_id', '=', term), eb('upn', '=', term.toUpperCase()), eb('nhs_number', '=', term.replace(/\s/g, '')),
    ]));
  }
  return q.orderBy('last_name').orderBy('first_name').limit(limit).execute();
}

export async function countChildren(db: Db, partnershipId: number): Promise<number> {
  const row = await db.selectFrom('child').select((eb) => eb.fn.countAll<string>().as('n')).where('partnership_id', '=', partnershipId).executeTakeFirstOrThrow();
  return Number(row.n);
}
