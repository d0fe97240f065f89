import type { Db } from '../../db/create-db';
import type { Block } from '../../domain/annual-report';
import type { Edition } from './figures';
import type { SectionInput } from './missing';
import { isMissingTable, partnerBlocks, partnerFigures } from './partner';

/**
 * The police's tables (those about missing children go to the missing children section) and the health
 * agencies' tables, in the seed report's format. The police's attendance at initial child protection
 * conferences, which the seed gives, is not said: Beacon does not record who attended a conference.
 */

export async function policeSection(db: Db, input: SectionInput, ed: Edition): Promise<Block[]> {
  const figures = await partnerFigures(db, input.partnershipId, 'police', input.from, input.to);
  return partnerBlocks(figures, input, ed, { tables: (name) => !isMissingTable(name), noun: 'police', idsByAgency: false });
}

export async function healthSection(db: Db, input: SectionInput, ed: Edition): Promise<Block[]> {
  const figures = await partnerFigures(db, input.partnershipId, 'health', input.from, input.to);
  return partnerBlocks(figures, input, ed, { tables: () => true, noun: 'health', idsByAgency: true });
}
