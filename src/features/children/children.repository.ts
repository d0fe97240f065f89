import { sql } from 'kysely';
import type { Db } from '../../db/create-db';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function findChildById(db: Db, partnershipId: number, id: string) {
  if (!UUID.test(id)) return Promise.resolve(undefined);
  return db.selectFrom('child').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

export function findChildByLaChildId(db: Db, partnershipId: number, laChildId: string) {
  return db.selectFrom('child').selectAll().where('partnership_id', '=', partnershipId).where('la_child_id', '=', laChildId).executeTakeFirst();
}

export type ChildQuery = { names: string[]; ids: string[]; upn: string | null; nhsNumber: string | null; dateOfBirth: string | null };

/**
 * Reads what someone typed into the search box: an NHS number, a UPN, a date of birth (dd/mm/yyyy or
 * yyyy-mm-dd), an LA child id, and name words, in any order.
 */
export function parseChildQuery(text: string): ChildQuery {
  const q: ChildQuery = { names: [], ids: [], upn: null, nhsNumber: null, dateOfBirth: null };
  const compact = text.replace(/\s+/g, '');
  if (/^\d{10}$/.test(compact)) return { ...q, nhsNumber: compact };
  for (const token of text.trim().split(/\s+/).filter(Boolean).slice(0, 6)) {
    const dmy = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(token);
    if (dmy) q.dateOfBirth = `${dmy[3]}-${dmy[2]!.padStart(2, '0')}-${dmy[1]!.padStart(2, '0')}`;
    else if (/^\d{4}-\d{2}-\d{2}$/.test(token)) q.dateOfBirth = token;
    else if (/^[A-Za-z]\d{11}[0-9A-Za-z]$/.test(token)) q.upn = token.toUpperCase();
    else if (/\d/.test(token)) q.ids.push(token);
    else q.names.push(token.toLowerCase().replace(/[^a-z'-]/g, ''));
  }
  q.names = q.names.filter(Boolean);
  return q;
}

/**
 * Children matching the query, best first. Each name word must match a first or last name by its start,
 * by spelling (trigram similarity: "Micheal" finds "Michael") or by sound (double metaphone: "Thomson"
 * finds "Thompson"); identifiers must match exactly.
 */
export function searchChildren(db: Db, partnershipId: number, text: string, limit = 50) {
  const q = parseChildQuery(text);
  let query = db.selectFrom('child')
    .select(['id', 'la_child_id', 'first_name', 'last_name', 'date_of_birth', 'expected_birth_date', 'sex', 'locality'])
    .where('partnership_id', '=', partnershipId);
  if (q.nhsNumber) query = query.where('nhs_number', '=', q.nhsNumber);
  if (q.upn) query = query.where((eb) => eb.or([eb('upn', '=', q.upn), eb('former_upn', '=', q.upn)]));
  if (q.dateOfBirth) query = query.where((eb) => eb.or([eb('date_of_birth', '=', q.dateOfBirth), eb('expected_birth_date', '=', q.dateOfBirth)]));
  for (const id of q.ids) query = query.where('la_child_id', '=', id);
  for (const name of q.names) {
    const prefix = `${name.replace(/[%_\\]/g, '\\$&')}%`;
    // Trigrams say little about a name of three letters or fewer: such a name matches by its start or its sound.
    query = query.where(name.length <= 3
      ? sql<boolean>`(lower(first_name) like ${prefix} or lower(last_name) like ${prefix} or dmetaphone(last_name) = dmetaphone(${name}))`
      : sql<boolean>`(lower(first_name) like ${prefix} or lower(last_name) like ${prefix}
        or lower(first_name) % ${name} or lower(last_name) % ${name} or dmetaphone(last_name) = dmetaphone(${name}))`);
  }
  if (!q.nhsNumber && !q.upn && !q.dateOfBirth && q.ids.length === 0 && q.names.length === 0) return Promise.resolve([]);
  if (q.names.length) {
    query = query.orderBy(sql`${sql.join(q.names.map((n) => sql`greatest(similarity(lower(first_name), ${n}), similarity(lower(last_name), ${n}))`), sql` + `)}`, 'desc');
  }
  return query.orderBy('last_name').orderBy('first_name').limit(limit).execute();
}

export async function countChildren(db: Db, partnershipId: number): Promise<number> {
  const row = await db.selectFrom('child').select((eb) => eb.fn.countAll<string>().as('n')).where('partnership_id', '=', partnershipId).executeTakeFirstOrThrow();
  return Number(row.n);
}
