import type { Db } from '../../db/create-db';
import type { AgencyType } from '../../db/schema';
import type { Block } from '../../domain/annual-report';
import { partnerTables, type ComparedTable } from '../partner-data/partner-data.repository';
import { Ids, longDate, paragraph, partnerSentence, partnerTableBlock, sentence, slug, type Edition } from './figures';

/**
 * The partner agencies' tables for a report period: each agency of the type (police, health) that
 * supplied figures, for the 12 months to the period's end; where none did, for the latest period end
 * within the period, said so. Every query is of the one partnership.
 */

export type PartnerFigures = {
  periodEnd: string | null;
  agencies: { id: number; name: string; tables: ComparedTable[] }[];
};

export async function partnerFigures(db: Db, partnershipId: number, type: AgencyType, from: string, to: string): Promise<PartnerFigures> {
  const sets = await db.selectFrom('partner_data_set as s').innerJoin('agency as a', 'a.id', 's.agency_id')
    .select(['s.agency_id', 'a.name', 's.period_end'])
    .where('s.partnership_id', '=', partnershipId).where('a.type', '=', type)
    .where('s.period_end', '>=', from).where('s.period_end', '<=', to)
    .orderBy('s.period_end', 'desc').orderBy('a.name').execute();
  const periodEnd = sets[0]?.period_end ?? null;
  if (periodEnd === null) return { periodEnd, agencies: [] };
  const agencies = [];
  for (const s of sets.filter((x) => x.period_end === periodEnd)) {
    const [found] = await partnerTables(db, partnershipId, periodEnd, s.agency_id);
    agencies.push({ id: s.agency_id, name: s.name, tables: found?.tables ?? [] });
  }
  return { periodEnd, agencies };
}

/** The seed's missing children table ("Missing Children (12 month rolling)") belongs to the missing children section. */
export const isMissingTable = (name: string): boolean => /missing/i.test(name);

export type PartnerBlocksOptions = {
  /** Which of the agencies' tables to show. */
  tables: (name: string) => boolean;
  /** What the agencies are called when none supplied figures: "police", "health". */
  noun: string;
  /** Sentence ids carry the agency's name: several health agencies may name a measure alike. */
  idsByAgency: boolean;
};

/**
 * The agencies' tables as blocks: a sentence naming the agency and the 12 months, then for each table a
 * sentence per measure in the seed's style and the table in the seed's exact format.
 */
export function partnerBlocks(figures: PartnerFigures, input: { from: string; to: string }, ed: Edition, opts: PartnerBlocksOptions, ids = new Ids()): Block[] {
  const blocks: Block[] = [];
  const shown = figures.agencies.map((a) => ({ ...a, tables: a.tables.filter((t) => opts.tables(t.table)) })).filter((a) => a.tables.length > 0);
  if (shown.length === 0 || figures.periodEnd === null) {
    blocks.push(paragraph(sentence(ids.take(`no-${slug(opts.noun)}-figures`), ed,
      () => `No ${opts.noun} figures were supplied to the partnership for the 12 months to ${longDate(input.to)}.`)));
    return blocks;
  }
  const end = longDate(figures.periodEnd);
  const late = figures.periodEnd !== input.to;
  for (const agency of shown) {
    const agencyId = slug(agency.name);
    blocks.push(paragraph(sentence(ids.take(opts.idsByAgency ? `${agencyId}-source` : 'source', `${agencyId}-source`), ed, () => late
      ? `${agency.name} supplied these figures for the 12 months to ${end}, the latest within the report's period; none were supplied for the 12 months to ${longDate(input.to)}. Each is compared with the 12 months before.`
      : `${agency.name} supplied these figures for the 12 months to ${end}, each compared with the 12 months before.`)));
    for (const table of agency.tables) {
      const tableId = slug(table.table);
      for (const row of table.rows) {
        const base = slug(row.measure);
        const id = opts.idsByAgency ? ids.take(`${agencyId}-${base}`, `${agencyId}-${tableId}-${base}`) : ids.take(base, `${tableId}-${base}`, `${agencyId}-${base}`);
        blocks.push(paragraph(partnerSentence(id, row, ed)));
      }
      blocks.push(partnerTableBlock(table.table, table.rows, ed, `Source: ${agency.name}, 12 months to ${end}`));
    }
  }
  return blocks;
}
