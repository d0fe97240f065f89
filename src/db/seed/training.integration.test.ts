import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgency } from '../../features/agencies/agencies.service';
import { addPartnership } from '../../features/partnerships/partnerships.service';
import { bookingOfPerson } from '../../features/training/booking.service';
import { addUser } from '../../features/users/users.service';
import { createTestDb, seedDialects, type TestDb } from '../../testing/test-db';
import { seedTraining, TRAINING_COURSES } from './training';

describe.each(seedDialects())('the training demo seed (%s)', (dialect) => {
  let t: TestDb;
  let partnershipId: number;
  const today = '2026-11-25';
  const now = new Date(`${today}T12:00:00Z`);

  beforeAll(async () => {
    t = await createTestDb(dialect);
    partnershipId = (await addPartnership(t.db, { laCode: '990', name: 'Northmere Safeguarding Children Partnership' })).id;
    const agencies = new Map<string, number>();
    for (const [key, name, type, emailDomains] of [['council', 'Northmere Council', 'local_authority', 'northmere.gov.uk'], ['police', 'Northmere and Eastholm Police', 'police', 'nep.police.uk'],
      ['icb', 'Northmere ICB', 'health', 'nhs.net'], ['trust', 'Northmere Hospitals', 'health', 'nhs.net'], ['school', 'Riverside Academy', 'education', 'riverside.sch.uk']] as const) {
      agencies.set(key, (await addAgency(t.db, partnershipId, { name, type, emailDomains })).id);
    }
    for (const [email, agency, role] of [['trainer@northmere.gov.uk', 'council', 'trainer'], ['dsl@riverside.sch.uk', 'school', 'agency_lead'], ['practitioner@riverside.sch.uk', 'school', 'practitioner']] as const) {
      await addUser(t.db, partnershipId, { email, name: email.split('@')[0], agencyId: agencies.get(agency), roles: [role], password: 'a-long-seed-test-password' });
    }
    await seedTraining(t.db, { partnershipId, today, agencies });
  });
  afterAll(async () => { await t?.close(); });

  it('delivered the last financial year’s programme as the annual report tells it', async () => {
    const year = await sql<{ sessions: number; f2f: number; places: number }>`
      select count(distinct s.id)::int as sessions, count(distinct s.id) filter (where c.delivery = 'face_to_face')::int as f2f,
        count(b.id) filter (where b.status = 'confirmed')::int as places
      from course_session s join course c on c.id = s.course_id left join booking b on b.session_id = s.id
      where s.partnership_id = ${partnershipId} and s.starts_at >= '2025-04-01' and s.starts_at < '2026-04-01'`.execute(t.db);
    const { sessions, f2f, places } = year.rows[0]!;
    expect(sessions).toBe(75);
    expect(Math.round((f2f / sessions) * 100)).toBe(85);
    expect(places).toBeGreaterThan(1150);
    expect(places).toBeLessThan(1370);
    expect(await t.db.selectFrom('course').select('id').where('partnership_id', '=', partnershipId).execute()).toHaveLength(TRAINING_COURSES.length);
  });

  it('plans 15 months ahead: open sessions with places, one full with a waiting list, the later ones planned', async () => {
    const future = await t.db.selectFrom('course_session').select(['id', 'status', 'starts_at', 'capacity']).where('partnership_id', '=', partnershipId).where('starts_at', '>', now).execute();
    const last = Math.max(...future.map((s) => s.starts_at.getTime()));
    expect(last).toBeGreaterThan(new Date('2027-11-25T00:00:00Z').getTime());
    expect(future.some((s) => s.status === 'planned')).toBe(true);
    const counts = await sql<{ id: string; capacity: number; confirmed: number; waiting: number }>`
      select s.id, s.capacity, count(b.id) filter (where b.status = 'confirmed')::int as confirmed, count(b.id) filter (where b.status = 'waiting')::int as waiting
      from course_session s left join booking b on b.session_id = s.id
      where s.partnership_id = ${partnershipId} and s.status = 'scheduled' and s.starts_at > ${now} group by s.id`.execute(t.db);
    expect(counts.rows.filter((r) => r.confirmed < r.capacity).length).toBeGreaterThan(5);
    const full = counts.rows.filter((r) => r.waiting > 0);
    expect(full).toHaveLength(1);
    expect(full[0]!.confirmed).toBe(full[0]!.capacity);
    // No session has more confirmed than places, and no one is booked twice.
    expect(counts.rows.every((r) => r.confirmed <= r.capacity)).toBe(true);
  });

  it('registered several hundred practitioners, each with a line manager, and the demo practitioner’s bookings', async () => {
    const practitioners = await t.db.selectFrom('app_user as u').innerJoin('membership as m', 'm.user_id', 'u.id').select(['u.id', 'u.line_manager_id', 'u.job_title', 'u.status'])
      .where('m.partnership_id', '=', partnershipId).where('m.role', '=', 'practitioner').execute();
    expect(practitioners.length).toBeGreaterThan(400);
    const active = practitioners.filter((p) => p.status === 'active');
    expect(active.filter((p) => p.line_manager_id !== null).length / active.length).toBeGreaterThan(0.95);
    expect(practitioners.filter((p) => p.status === 'disabled')).toHaveLength(2);
    const emma = await t.db.selectFrom('app_user').select(['id', 'line_manager_id']).where('email', '=', 'practitioner@riverside.sch.uk').executeTakeFirstOrThrow();
    const dsl = await t.db.selectFrom('app_user').select('id').where('email', '=', 'dsl@riverside.sch.uk').executeTakeFirstOrThrow();
    expect(emma.line_manager_id).toBe(dsl.id);
    const hers = await t.db.selectFrom('booking as b').innerJoin('course_session as s', 's.id', 'b.session_id').select(['b.session_id', 'b.status', 's.starts_at'])
      .where('b.user_id', '=', emma.id).execute();
    expect(hers.filter((b) => b.starts_at < now && b.status === 'confirmed')).toHaveLength(2);
    expect(hers.filter((b) => b.starts_at > now && b.status === 'confirmed')).toHaveLength(1);
    const waiting = hers.find((b) => b.status === 'waiting')!;
    expect((await bookingOfPerson(t.db, partnershipId, waiting.session_id, emma.id))!.position).toBe(3);
  });
});
