import { sql } from 'kysely';
import type { Db } from '../../src/db/create-db';
import { migrateToLatest } from '../../src/db/migrate';
import { DEMO_LA_CODE, DEMO_PASSWORD, DEMO_TOTP_SECRET, seedDemo } from '../../src/db/seed/demo';
import { hashPassword } from '../../src/features/users/password-policy';
import { openDb } from './children-data';
import type { Targets } from './load-journeys';
import type { Journey } from './load-mix';
import type { DbEnv } from './server';

/**
 * The seeded demo, and what the load benchmark's people need in it: a person of their own for each
 * (the demo has one or two per role), with the role their journey is for, the demo's password and
 * authenticator key; open MASH checks for the agencies' officers to answer; and the training sessions
 * to book.
 */

/** The roles each journey's people hold, taken in turn, and the demo person whose agency they are in. */
const ROLES_OF: Record<Journey, { role: string; agencyOf: string; domain: string }[]> = {
  'front-door': [
    { role: 'social_worker', agencyOf: 'social.worker@northmere.gov.uk', domain: 'northmere.gov.uk' },
    { role: 'social_worker', agencyOf: 'social.worker@northmere.gov.uk', domain: 'northmere.gov.uk' },
    { role: 'team_manager', agencyOf: 'team.manager@northmere.gov.uk', domain: 'northmere.gov.uk' },
  ],
  mash: [
    { role: 'mash_officer', agencyOf: 'mash.police@nep.police.uk', domain: 'nep.police.uk' },
    { role: 'mash_officer', agencyOf: 'mash.health@nhs.net', domain: 'nhs.net' },
    { role: 'mash_officer', agencyOf: 'mash.education@riverside.sch.uk', domain: 'riverside.sch.uk' },
  ],
  'child-record': [
    { role: 'social_worker', agencyOf: 'social.worker@northmere.gov.uk', domain: 'northmere.gov.uk' },
    { role: 'social_worker', agencyOf: 'social.worker@northmere.gov.uk', domain: 'northmere.gov.uk' },
    { role: 'social_worker', agencyOf: 'social.worker@northmere.gov.uk', domain: 'northmere.gov.uk' },
    { role: 'team_manager', agencyOf: 'team.manager@northmere.gov.uk', domain: 'northmere.gov.uk' },
  ],
  dashboard: [
    { role: 'business_manager', agencyOf: 'business.manager@northmere.gov.uk', domain: 'northmere.gov.uk' },
    { role: 'data_analyst', agencyOf: 'analyst@northmere.gov.uk', domain: 'northmere.gov.uk' },
    { role: 'executive', agencyOf: 'chief.superintendent@nep.police.uk', domain: 'nep.police.uk' },
    { role: 'agency_lead', agencyOf: 'designated.nurse@nhs.net', domain: 'nhs.net' },
  ],
  training: [
    { role: 'practitioner', agencyOf: 'practitioner@riverside.sch.uk', domain: 'riverside.sch.uk' },
    { role: 'practitioner', agencyOf: 'social.worker@northmere.gov.uk', domain: 'northmere.gov.uk' },
    { role: 'practitioner', agencyOf: 'mash.police@nep.police.uk', domain: 'nep.police.uk' },
    { role: 'practitioner', agencyOf: 'mash.health@nhs.net', domain: 'nhs.net' },
  ],
};

/** Sessions the training people book: the nearest few, so that bookings of the same session meet. */
const SESSIONS_BOOKED = 6;
/** MASH checks made for each officer: more than they can answer in the run at one check a journey. */
const checksPerOfficer = (minutes: number) => Math.ceil((minutes * 60) / 5) + 10;

export type Prepared = { people: { email: string; journey: Journey }[]; targets: Targets; partnershipId: number };

export async function prepareLoad(opts: { db: DbEnv; order: readonly Journey[]; minutes: number; log: (line: string) => void }): Promise<Prepared> {
  const handle = await openDb(opts.db);
  try {
    const db = handle.db;
    await migrateToLatest(handle.db);
    opts.log('  seeding the demo…');
    await seedDemo(db);
    const p = (await db.selectFrom('partnership').select('id').where('la_code', '=', DEMO_LA_CODE).executeTakeFirstOrThrow()).id;
    const people = await addPeople(db, p, opts.order);
    const targets: Targets = {
      surnames: (await db.selectFrom('child').select('last_name').distinct().where('partnership_id', '=', p).where('last_name', 'is not', null).execute())
        .map((r) => r.last_name!),
      checksOf: await openChecks(db, p, people.filter((x) => x.journey === 'mash'), checksPerOfficer(opts.minutes)),
      sessions: await bookableSessions(db, p),
    };
    // PGlite keeps no statistics of its own (the server analyzes at start, as here for PostgreSQL).
    await sql`analyze`.execute(db);
    return { people: people.map(({ email, journey }) => ({ email, journey })), targets, partnershipId: p };
  } finally {
    await handle.close();
  }
}

async function addPeople(db: Db, partnershipId: number, order: readonly Journey[]) {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const taken = new Map<Journey, number>();
  const wanted = order.map((journey, i) => {
    const k = taken.get(journey) ?? 0;
    taken.set(journey, k + 1);
    const kind = ROLES_OF[journey][k % ROLES_OF[journey].length]!;
    return { journey, kind, email: `load.${journey}.${String(i + 1).padStart(3, '0')}@${kind.domain}`, name: `Load ${journey} ${i + 1}` };
  });
  const agencyOf = new Map((await db.selectFrom('app_user').select(['email', 'agency_id'])
    .where('email', 'in', [...new Set(wanted.map((w) => w.kind.agencyOf))]).execute()).map((r) => [r.email, r.agency_id]));
  const now = new Date();
  const rows = await db.insertInto('app_user').values(wanted.map((w) => ({
    email: w.email, name: w.name, agency_id: agencyOf.get(w.kind.agencyOf)!, password_hash: passwordHash, status: 'active' as const,
    mfa_secret: DEMO_TOTP_SECRET, mfa_enrolled_at: now, last_partnership_id: partnershipId,
  }))).returning(['id', 'email']).execute();
  const idOf = new Map(rows.map((r) => [r.email, r.id]));
  await db.insertInto('membership').values(wanted.map((w) => ({ user_id: idOf.get(w.email)!, partnership_id: partnershipId, role: w.kind.role }))).execute();
  return wanted.map((w) => ({ email: w.email, journey: w.journey, agencyId: agencyOf.get(w.kind.agencyOf)! }));
}

/**
 * `perOfficer` open checks for each MASH officer, made inside the database (as the MASH benchmark makes
 * its queue): a contact sent to the MASH about a demo child, its enquiry, and the officer's agency's check.
 * Each check is given to one officer, so that two never answer the same one (a conflict the page handles,
 * but not the load being measured).
 */
async function openChecks(db: Db, partnershipId: number, officers: { email: string; agencyId: number }[], perOfficer: number): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const agencyId of [...new Set(officers.map((o) => o.agencyId))]) {
    const mine = officers.filter((o) => o.agencyId === agencyId);
    const n = mine.length * perOfficer;
    await sql`create temporary table load_contact as
      select gen_random_uuid() as id, g, now() - (g % 20) * interval '1 hour' as received from generate_series(1, ${n}) g`.execute(db);
    await sql`insert into front_door_contact (id, partnership_id, received_at, source, reason, consent, status, decision, decision_at, decision_due_at, updated_at)
      select id, ${partnershipId}, received, '6', 'Police attended a report of a domestic incident at the family home.', 'given', 'in_mash', 'mash_enquiry', received, received + interval '1 day', received
      from load_contact`.execute(db);
    await sql`insert into contact (partnership_id, child_id, contact_date, contact_source, front_door_contact_id)
      select ${partnershipId}, c.id, b.received::date, '6', b.id from load_contact b
      join (select id, row_number() over (order by id) as n, count(*) over () as total from child where partnership_id = ${partnershipId}) c on c.n = b.g % c.total + 1`.execute(db);
    await sql`insert into mash_enquiry (partnership_id, front_door_contact_id, rag, opened_at, updated_at)
      select ${partnershipId}, id, (array['red','amber','green'])[1 + g % 3], received, received from load_contact`.execute(db);
    const ids = (await sql<{ id: string }>`insert into agency_check (partnership_id, mash_enquiry_id, agency_id, rag, requested_at, due_at)
      select ${partnershipId}, m.id, ${agencyId}, m.rag, m.opened_at, m.opened_at + interval '1 day'
      from mash_enquiry m join load_contact b on b.id = m.front_door_contact_id returning id`.execute(db)).rows.map((r) => r.id);
    await sql`drop table load_contact`.execute(db);
    mine.forEach((o, k) => out.set(o.email, ids.filter((_, i) => i % mine.length === k)));
  }
  return out;
}

/** The nearest sessions open for booking that start at least two weeks ahead (well past any cancellation cut-off). */
async function bookableSessions(db: Db, partnershipId: number) {
  const rows = await db.selectFrom('course_session as s').innerJoin('course as c', 'c.id', 's.course_id')
    .select(['s.id as sessionId', 's.course_id as courseId'])
    .where('s.partnership_id', '=', partnershipId).where('s.status', '=', 'scheduled').where('c.status', '=', 'active')
    .where('s.starts_at', '>', new Date(Date.now() + 14 * 86_400_000))
    .orderBy('s.starts_at').limit(SESSIONS_BOOKED).execute();
  if (!rows.length) throw new Error('the demo has no training session open for booking two weeks ahead');
  return rows;
}
