import type { Db } from '../../db/create-db';
import { REPORT_CATALOGUE, type Block } from '../../domain/annual-report';
import { checkPeriod } from '../indicators/indicators.service';
import { DEFAULT_SUPPRESSION } from '../indicators/suppression';
import { actionsSection } from './actions';
import { dataTellUsSection } from './data-tell-us';
import type { Edition } from './figures';
import { frontDoorSection } from './front-door';
import { missingChildrenSection } from './missing';
import { healthSection, policeSection } from './partner-sections';
import { reviewsAuditsSection } from './reviews-audits';
import { section11Section } from './section11';
import { trainingSection } from './training';

/**
 * The annual report's data sections, generated from Beacon's records for a period: the blocks each
 * section shows, every sentence with an id stable from year to year so that an editor's rewording can be
 * kept. Nothing here names or describes a child: only counts. In the public edition small numbers are
 * suppressed (indicators.md).
 */

export type DataSectionInput = { partnershipId: number; from: string; to: string; publish: boolean; now: Date };

export const DATA_SECTION_KEYS: readonly string[] = REPORT_CATALOGUE.filter((e) => e.kind === 'data').map((e) => e.key);

export class UnknownDataSection extends Error {
  constructor(readonly key: string) {
    super(`There is no data section "${key}"`);
  }
}

type Generator = (db: Db, input: DataSectionInput, ed: Edition) => Promise<Block[]>;

const GENERATORS: Record<string, Generator> = {
  training_figures: trainingSection,
  reviews_audits: reviewsAuditsSection,
  actions_status: actionsSection,
  health_data: healthSection,
  police: policeSection,
  missing_children: missingChildrenSection,
  front_door: frontDoorSection,
  data_tell_us: dataTellUsSection,
  section11: section11Section,
};

export async function generateDataSection(db: Db, key: string, input: DataSectionInput): Promise<Block[]> {
  const generate = Object.hasOwn(GENERATORS, key) ? GENERATORS[key] : undefined;
  if (!generate || !DATA_SECTION_KEYS.includes(key)) throw new UnknownDataSection(key);
  checkPeriod(input);
  // Partnerships have no threshold of their own yet: indicators.md's default is the one every output uses.
  const ed: Edition = { publish: input.publish, settings: DEFAULT_SUPPRESSION };
  return generate(db, input, ed);
}
