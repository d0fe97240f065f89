import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { Db } from '../create-db';
import { addMonths } from '../../domain/calendar';
import { collectionYearOf } from '../../domain/codes';
import { exportAnnexA } from '../../features/returns/annex-a.export';
import { createAnnexAImporter } from '../../features/returns/annex-a.import';
import { createCinImporter } from '../../features/returns/cin-census.import';
import { exportCinCensus } from '../../features/returns/cin-census.export';
import { runImport, type ReturnFile } from '../../features/returns/import-run';
import { export903 } from '../../features/returns/ssda903.export';
import { create903Importer } from '../../features/returns/ssda903.import';

/**
 * The demo's returns: last year's CIN census and SSDA903, made from the demo records and imported as
 * the analyst would before sending them to DfE, the Annex A workbook of the last six months (so their reports show what the records would be
 * queried on), and a copy of the census cut short in transit, to show what a failed import looks like.
 */
export async function seedReturns(db: Db, input: { partnershipId: number; laCode: string; today: string; analyst: string }) {
  const collectionYear = collectionYearOf(input.today) - 1;
  const census = await bufferOf((out) => exportCinCensus(db, { partnershipId: input.partnershipId, laCode: input.laCode, collectionYear, out }));
  const name = `cin-census-${collectionYear + 1}.xml`;
  const file = (bytes: Buffer, fileName: string): ReturnFile => ({ name: fileName, size: bytes.length, open: () => Readable.from([bytes]) });
  const importer = () => createCinImporter({ partnershipId: input.partnershipId, laCode: input.laCode });

  await runImport(db, importer(), { partnershipId: input.partnershipId, files: [file(census.subarray(0, Math.floor(census.length / 3)), name)], importedBy: input.analyst })
    .catch(() => undefined);
  await runImport(db, importer(), { partnershipId: input.partnershipId, files: [file(census, name)], importedBy: input.analyst });

  // The SSDA903 the same way, its tables written to a folder as they would be sent.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-demo-903-'));
  try {
    await export903(db, { partnershipId: input.partnershipId, collectionYear, outDir: dir });
    const tables = fs.readdirSync(dir).sort().map((f) => ({ name: f, size: fs.statSync(path.join(dir, f)).size, open: () => fs.createReadStream(path.join(dir, f)) }));
    await runImport(db, create903Importer({ partnershipId: input.partnershipId, collectionYear }), { partnershipId: input.partnershipId, files: tables, importedBy: input.analyst });
    // And the Annex A workbook an inspection would ask for: the last six months.
    const workbook = await bufferOf((out) => exportAnnexA(db, { partnershipId: input.partnershipId, from: addMonths(input.today, -6), to: input.today, out }));
    await runImport(db, createAnnexAImporter({ partnershipId: input.partnershipId }), { partnershipId: input.partnershipId, files: [file(workbook, 'annex-a.xlsx')], importedBy: input.analyst });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function bufferOf(write: (out: PassThrough) => Promise<unknown>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  const ended = new Promise((resolve) => out.on('data', (c: Buffer) => chunks.push(c)).on('end', resolve));
  await write(out);
  if (!out.writableEnded) out.end();
  await ended;
  return Buffer.concat(chunks);
}
