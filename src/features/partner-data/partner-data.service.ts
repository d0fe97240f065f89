import { createHash } from 'node:crypto';
import type { Db } from '../../db/create-db';
import { isIsoDate } from '../../domain/calendar';
import { parsePartnerCsv } from './partner-data.csv';
import { loadPartnerData } from './partner-data.repository';

/** The one way a partner's file is loaded, from the browser, the command line or the demo. */

export type ImportInput = {
  partnershipId: number;
  agencyId: number;
  periodEnd: string;
  fileName: string;
  bytes: Uint8Array;
  uploadedBy: string;
  now: Date;
};

/** Checks every row first (throwing PartnerDataUnreadable or PartnerDataInvalid), then replaces the agency's set for the period. */
export async function importPartnerCsv(db: Db, input: ImportInput) {
  const tables = parsePartnerCsv(input.bytes);
  const fileHash = createHash('sha256').update(input.bytes).digest('hex');
  const loaded = await loadPartnerData(db, {
    partnershipId: input.partnershipId, agencyId: input.agencyId, periodEnd: input.periodEnd, fileName: input.fileName,
    fileHash, uploadedBy: input.uploadedBy, uploadedAt: input.now, tables,
  });
  return { ...loaded, tables: tables.length };
}

/** What is wrong with a period end (an ISO date, not after today), or null. */
export function periodEndProblem(value: string, today: string): string | null {
  if (!isIsoDate(value)) return 'The period end must be a real date';
  if (value > today) return 'The period end must be today or in the past: the figures are for 12 months that have ended';
  return null;
}
