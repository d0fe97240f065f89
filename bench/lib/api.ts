import type autocannon from 'autocannon';
import { migrateToLatest } from '../../src/db/migrate';
import { DEMO_LA_CODE, seedDemo } from '../../src/db/seed/demo';
import { createToken } from '../../src/features/api/tokens.service';
import { openDb } from './children-data';
import { cannon, type CannonSummary } from './home';
import { ServerFailed, startServer, waitForHealth, type DbEnv } from './server';
import { freePort } from './util';

/**
 * Contacts accepted per second through `POST /api/v1/contacts`: the demo partnership, and one police
 * API token per client (as each force's or trust's system has its own), each request a contact about
 * one or two children, a quarter of them children already recorded (linked by exact match), the others
 * new. The per-token rate limit is raised out of the way: this measures the server, not the limit.
 */

export type ApiResult = {
  dialect: 'pglite' | 'postgres';
  url: 'POST /api/v1/contacts';
  connections: number;
  measured: CannonSummary;
  /** Contacts in the database afterwards that the API recorded, against the 201s counted. */
  contactsRecorded: number;
};

const FIRST = ['Amelia', 'Noah', 'Isla', 'Oliver', 'Ava', 'Leo', 'Freya', 'Arlo', 'Ivy', 'Theo', 'Grace', 'Finley'];

export async function apiBench(opts: { dialect: 'pglite' | 'postgres'; db: DbEnv; connections: number; durationS: number; log: (line: string) => void }): Promise<ApiResult> {
  const handle = await openDb(opts.db);
  const tokens: string[] = [];
  let known: { first_name: string | null; last_name: string | null; date_of_birth: string | null }[];
  try {
    await migrateToLatest(handle.db);
    await seedDemo(handle.db);
    const p = await handle.db.selectFrom('partnership').select('id').where('la_code', '=', DEMO_LA_CODE).executeTakeFirstOrThrow();
    const police = await handle.db.selectFrom('agency').innerJoin('agency_partnership as ap', 'ap.agency_id', 'agency.id').select('agency.id')
      .where('ap.partnership_id', '=', p.id).where('agency.type', '=', 'police').executeTakeFirstOrThrow();
    for (let i = 0; i < opts.connections; i++) {
      tokens.push((await createToken(handle.db, { partnershipId: p.id, agencyId: police.id, name: `Bench client ${i + 1}`, scopes: ['contact.submit'], createdBy: 'bench' }, new Date())).token);
    }
    known = await handle.db.selectFrom('child').select(['first_name', 'last_name', 'date_of_birth'])
      .where('partnership_id', '=', p.id).where('date_of_birth', 'is not', null).limit(200).execute();
  } finally {
    await handle.close();
  }

  const server = startServer({ command: 'node', port: await freePort(), db: opts.db, logLevel: 'warn', env: { API_RATE_LIMIT_PER_MINUTE: '100000000' } });
  let measured: CannonSummary;
  try {
    await waitForHealth(server, { timeoutMs: 120_000 });
    const base = `http://127.0.0.1:${server.port}`;
    let n = 0;
    let nextToken = 0;
    const body = () => {
      n++;
      const child = (k: number) => {
        const old = n % 4 === 0 ? known[(n + k) % known.length] : undefined;
        return old
          ? { firstName: old.first_name, lastName: old.last_name, dateOfBirth: old.date_of_birth }
          : { firstName: FIRST[(n + k) % FIRST.length], lastName: `Benchley${n}`, dateOfBirth: `20${String(10 + ((n + k) % 15)).padStart(2, '0')}-0${1 + (n % 9)}-1${k}` };
      };
      return JSON.stringify({
        children: n % 3 === 0 ? [child(0), child(1)] : [child(0)],
        source: '6',
        reason: 'Police attended a report of a domestic incident at the family home; the children were present.',
        receivedAt: new Date(Date.now() - 3_600_000).toISOString(),
        domesticAbuse: n % 2 === 0,
        referrer: { name: 'PC Bench', role: 'Officer in case', email: 'pc.bench@nep.police.uk' },
        consent: 'given',
      });
    };
    const requests: autocannon.Request[] = [{
      method: 'POST',
      path: '/api/v1/contacts',
      // Each connection is one partner system with its own token.
      setupRequest: (req: autocannon.Request, context: Record<string, string>) => {
        context.token ??= tokens[nextToken++ % tokens.length]!;
        return { ...req, headers: { authorization: `Bearer ${context.token}`, 'content-type': 'application/json' }, body: body() };
      },
    } as autocannon.Request];
    const probe = await fetch(`${base}/api/v1/contacts`, { method: 'POST', headers: { authorization: `Bearer ${tokens[0]}`, 'content-type': 'application/json' }, body: body() });
    if (probe.status !== 201) throw new ServerFailed(`POST /api/v1/contacts answered ${probe.status}: ${await probe.text()}`, server.output());
    measured = await cannon(`${base}/api/v1/contacts`, '', opts.connections, opts.durationS, { requests, initialContext: {} });
  } finally {
    await server.stop();
  }

  const after = await openDb(opts.db);
  let contactsRecorded: number;
  try {
    const row = await after.db.selectFrom('front_door_contact').select((eb) => eb.fn.countAll<string>().as('n')).where('api_token_id', 'is not', null).executeTakeFirstOrThrow();
    contactsRecorded = Number(row.n);
  } finally {
    await after.close();
    // pg's pool.end() resolves before the server has let the connection go: the database dropped at clean-up
    // within moments would end it under the pool, whose error nothing would catch.
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const created = measured.statusCodes['201'] ?? 0;
  opts.log(`  ${opts.dialect} API: ${measured.rpsOverall} contacts/s, p50 ${measured.latencyMs.p50} ms, p95 ${measured.latencyMs.p95} ms, p99 ${measured.latencyMs.p99} ms, `
    + `${measured.non2xx} non-2xx; ${contactsRecorded} contacts recorded for ${created} 201s counted (and the probe, and those in flight at the end)`);
  if (measured.errors || measured.timeouts || measured.non2xx || !created) {
    throw new Error(`API bench ${opts.dialect}: status codes ${JSON.stringify(measured.statusCodes)}, errors ${measured.errors}, timeouts ${measured.timeouts}`);
  }
  return { dialect: opts.dialect, url: 'POST /api/v1/contacts', connections: opts.connections, measured, contactsRecorded };
}
