import { sql } from 'kysely';
import { migrateToLatest } from '../../src/db/migrate';
import { DEMO_LA_CODE, seedDemo } from '../../src/db/seed/demo';
import { openDb } from './children-data';
import { assertAllOk, cannon, type CannonSummary } from './home';
import { signIn } from './sign-in';
import { startServer, waitForHealth, type DbEnv } from './server';
import { freePort } from './util';

/**
 * A police MASH officer's queue (GET /mash/checks) with 2,000 checks open for their agency: the demo,
 * then 2,000 contacts about demo children, each sent to the MASH with a police check due between two
 * hours ago and three days ahead, made inside the database.
 */

export const MASH_OFFICER = 'mash.police@nep.police.uk';

export type MashResult = { dialect: 'pglite' | 'postgres'; openChecks: number; connections: number; measured: CannonSummary };

export async function mashBench(opts: { dialect: 'pglite' | 'postgres'; db: DbEnv; checks: number; connections: number; durationS: number; log: (line: string) => void }): Promise<MashResult> {
  const handle = await openDb(opts.db);
  let openChecks: number;
  try {
    await migrateToLatest(handle.db);
    await seedDemo(handle.db);
    const p = (await handle.db.selectFrom('partnership').select('id').where('la_code', '=', DEMO_LA_CODE).executeTakeFirstOrThrow()).id;
    const police = (await handle.db.selectFrom('app_user').select('agency_id').where('email', '=', MASH_OFFICER).executeTakeFirstOrThrow()).agency_id;
    opts.log(`  ${opts.dialect}: ${opts.checks.toLocaleString('en-GB')} open police checks…`);
    await sql`create temporary table bench_contact as
      select gen_random_uuid() as id, g, now() - (g % 72) * interval '1 hour' as received
      from generate_series(1, ${opts.checks}) g`.execute(handle.db);
    await sql`insert into front_door_contact (id, partnership_id, received_at, source, reason, consent, status, decision, decision_at, decision_due_at, updated_at)
      select id, ${p}, received, '6', 'Police attended a report of a domestic incident at the family home.', 'given', 'in_mash', 'mash_enquiry', received, received + interval '1 day', received
      from bench_contact`.execute(handle.db);
    await sql`insert into contact (partnership_id, child_id, contact_date, contact_source, front_door_contact_id)
      select ${p}, c.id, b.received::date, '6', b.id from bench_contact b
      join (select id, row_number() over (order by id) as n, count(*) over () as total from child where partnership_id = ${p}) c on c.n = b.g % c.total + 1`.execute(handle.db);
    await sql`insert into mash_enquiry (partnership_id, front_door_contact_id, rag, opened_at, updated_at)
      select ${p}, id, (array['red','amber','green'])[1 + g % 3], received, received from bench_contact`.execute(handle.db);
    await sql`insert into agency_check (partnership_id, mash_enquiry_id, agency_id, rag, requested_at, due_at)
      select ${p}, m.id, ${police}, m.rag, m.opened_at, now() - interval '2 hours' + (b.g % 74) * interval '1 hour'
      from mash_enquiry m join bench_contact b on b.id = m.front_door_contact_id`.execute(handle.db);
    await sql`drop table bench_contact`.execute(handle.db);
    await sql`analyze`.execute(handle.db);
    openChecks = Number((await sql<{ n: string }>`select count(*) as n from agency_check where agency_id = ${police} and status = 'requested'`.execute(handle.db)).rows[0]!.n);
  } finally {
    await handle.close();
  }

  const port = await freePort();
  const server = startServer({ command: 'node', port, db: opts.db, logLevel: 'warn' });
  try {
    await waitForHealth(server, { timeoutMs: 120_000 });
    const base = `http://127.0.0.1:${port}`;
    const cookie = await signIn(base, MASH_OFFICER);
    const probe = await fetch(`${base}/mash/checks`, { headers: { cookie } });
    if (probe.status !== 200) throw new Error(`GET /mash/checks answered ${probe.status}`);
    await cannon(`${base}/mash/checks`, cookie, opts.connections, 3);
    const measured = await cannon(`${base}/mash/checks`, cookie, opts.connections, opts.durationS);
    assertAllOk(measured, 'MASH queue');
    opts.log(`  ${opts.dialect} MASH queue: ${measured.rpsOverall} req/s, p50 ${measured.latencyMs.p50} ms, p95 ${measured.latencyMs.p95} ms`);
    return { dialect: opts.dialect, openChecks, connections: opts.connections, measured };
  } finally {
    await server.stop();
  }
}
