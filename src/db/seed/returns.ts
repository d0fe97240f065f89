import { PassThrough, Readable } from 'node:stream';
import type { Db } from '../create-db';
import { collectionYearOf } from '../../domain/codes';
import { createCinImporter } from '../../features/returns/cin-census.import';
import { exportCinCensus } from '../../features/returns/cin-census.export';
import { runImport, type ReturnFile } from '../../features/returns/import-run';

/**
 * The demo's returns: last year's CIN census, made from the demo records and imported as the analyst
 * would before sending it to DfE (so its report shows what the records would be queried on), and a
 * copy cut short in transit, to show what a failed import looks like.
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
