import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/create-db';
import { addAgency } from '../features/agencies/agencies.service';
import { PartnerDataInvalid, PartnerDataUnreadable } from '../features/partner-data/partner-data.csv';
import { importPartnerCsv } from '../features/partner-data/partner-data.service';
import { createAnnexAImporter } from '../features/returns/annex-a.import';
import { createCinImporter } from '../features/returns/cin-census.import';
import { ImportRejected, ReturnUnreadable, runImport, type ReturnImporter } from '../features/returns/import-run';
import { create903Importer } from '../features/returns/ssda903.import';
import { createTestDb, dialects, type TestDb } from '../testing/test-db';
import { mutateBytes, mutateCsv, mutateXml, runs } from './generators';

/**
 * The import services, given broken files, against a real database: each either loads the file or
 * refuses it with its own error naming where, and a refused import leaves every table as it was (but
 * the run's own record of its failure).
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => fs.readFileSync(path.join(here, '..', 'features', 'returns', 'fixtures', name));
const CIN = fixture('data-to-insight__csc-validator-be-cin__fake_data__CIN2rows.xml').toString('utf8');
const first = (file: string, lines: number) => fixture(path.join('903', file)).toString('utf8').split(/\r?\n/).slice(0, lines).join('\r\n');
const HEADER = first('data-to-insight__csc-validator-be-903__tests__fake_data__header.csv', 8);
const EPISODES = first('data-to-insight__csc-validator-be-903__tests__fake_data__episodes.csv', 8);
const MISSING = first('data-to-insight__csc-validator-be-903__tests__fake_data__missing.csv', 8);
const ANNEX_A = fixture('SocialFinanceDigitalLabs__liia-tools__liiatools__spec__annex_a__samples__Annex_A.xlsx');
const PARTNER = fs.readFileSync(path.join(here, '..', 'features', 'partner-data', 'fixtures', 'seed-police-2022-23.csv'), 'utf8');

/** Rows in every table but the runs' own record of themselves. */
async function tableCounts(db: Db): Promise<Record<string, number>> {
  const { rows: tables } = await sql<{ name: string }>`select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not in ('import_run', 'validation_issue') and table_name not like 'kysely_%' order by 1`.execute(db);
  const union = sql.join(tables.map((t) => sql`select ${t.name} as name, count(*)::int as n from ${sql.table(t.name)}`), sql` union all `);
  const { rows } = await sql<{ name: string; n: number }>`${union}`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.name, r.n]));
}

const file = (name: string, bytes: string | Uint8Array) => {
  const buffer = Buffer.from(bytes);
  return { name, size: buffer.length, open: () => Readable.from([buffer]) };
};

describe.each(dialects())('import services, fuzzed (%s)', (dialect) => {
  let t: TestDb;
  let partnershipId: number;
  let agencyId: number;
  beforeAll(async () => {
    t = await createTestDb(dialect);
    partnershipId = (await t.db.insertInto('partnership').values({ la_code: '201', name: 'LA 201' }).returning('id').executeTakeFirstOrThrow()).id;
    agencyId = (await addAgency(t.db, partnershipId, { name: 'Police', type: 'police' })).id;
  });
  afterAll(async () => { await t?.close(); });

  /** Imports; a refusal must be the importer's own, say where, change no table and be kept as a failed run. */
  async function importOrRefuse(importer: ReturnImporter, files: ReturnType<typeof file>[], strict: boolean) {
    const before = await tableCounts(t.db);
    try {
      const outcome = await runImport(t.db, importer, { partnershipId, files, importedBy: 'fuzz', strict });
      if (outcome.outcome === 'rejected') expect(await tableCounts(t.db)).toEqual(before);
    } catch (err) {
      expect(err instanceof ReturnUnreadable || err instanceof ImportRejected, String((err as Error).stack)).toBe(true);
      expect((err as Error).message).toMatch(/line \d+|row \d+|column|header|table|file|workbook|sheet|LA \d+|ReferenceDate|children|dated/i);
      expect(await tableCounts(t.db)).toEqual(before);
      const run = await t.db.selectFrom('import_run').select(['outcome', 'error']).where('partnership_id', '=', partnershipId).orderBy('started_at', 'desc').orderBy('id').executeTakeFirstOrThrow();
      expect(run.outcome).toBe('failed');
    }
  }

  it('CIN census: loads or refuses every mutation of the sample, writing nothing when it refuses', async () => {
    await fc.assert(fc.asyncProperty(mutateXml(CIN), fc.boolean(), (xml, strict) =>
      importOrRefuse(createCinImporter({ partnershipId, laCode: '201' }), [file('cin.xml', xml)], strict)), { numRuns: runs(120) });
  }, 300_000);

  it('SSDA903: loads or refuses every mutation of a return’s tables, writing nothing when it refuses', async () => {
    const tables = fc.tuple(mutateCsv(HEADER), fc.oneof(fc.constant(EPISODES), mutateCsv(EPISODES)), fc.oneof(fc.constant(MISSING), mutateCsv(MISSING)));
    await fc.assert(fc.asyncProperty(tables, fc.boolean(), ([h, e, m], strict) =>
      importOrRefuse(create903Importer({ partnershipId, collectionYear: 2019 }), [file('header.csv', h), file('episodes.csv', e), file('missing.csv', m)], strict)), { numRuns: runs(120) });
  }, 300_000);

  it('Ofsted Annex A: refuses broken workbooks, writing nothing', async () => {
    await fc.assert(fc.asyncProperty(mutateBytes(ANNEX_A), (bytes) =>
      importOrRefuse(createAnnexAImporter({ partnershipId }), [file('annex-a.xlsx', bytes)], false)), { numRuns: runs(40) });
  }, 300_000);

  it('partner data: loads or refuses every mutation of the sample, writing nothing when it refuses', async () => {
    const bytes = fc.oneof(mutateCsv(PARTNER).map((s) => Buffer.from(s)), mutateBytes(Buffer.from(PARTNER)));
    await fc.assert(fc.asyncProperty(bytes, async (b) => {
      const before = await tableCounts(t.db);
      try {
        await importPartnerCsv(t.db, { partnershipId, agencyId, periodEnd: '2023-03-31', fileName: 'police.csv', bytes: b, uploadedBy: 'fuzz', now: new Date() });
      } catch (err) {
        expect(err instanceof PartnerDataInvalid || err instanceof PartnerDataUnreadable, String((err as Error).stack)).toBe(true);
        expect(await tableCounts(t.db)).toEqual(before);
      }
    }), { numRuns: runs(150) });
  }, 300_000);
});
