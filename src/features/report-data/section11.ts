import type { Db } from '../../db/create-db';
import type { Block } from '../../domain/annual-report';
import { cycleComparison } from '../section11/comparison.service';
import { RATINGS, RATING_LABELS } from '../section11/ratings';
import { inWords, longDate, ownWork, paragraph, periodName, sentence, slug, type Edition } from './figures';
import type { SectionInput } from './missing';

/**
 * The Section 11 cycles of the period (opened in it, or due in it; a cycle still being planned is not
 * one), each in figures: the agencies asked and their returns, and each standard's ratings (agreed at
 * peer challenge where they were) across the returns submitted. Agencies are named, as the seed names the
 * agencies it reviewed; the ratings are counted, never shown against an agency.
 */

export async function section11Section(db: Db, input: SectionInput, edition: Edition): Promise<Block[]> {
  const ed = ownWork(edition);
  const cycles = await db.selectFrom('section11_cycle').select(['id'])
    .where('partnership_id', '=', input.partnershipId).where('status', '!=', 'planned')
    .where((eb) => eb.or([eb.between('open_date', input.from, input.to), eb.between('due_date', input.from, input.to)]))
    .orderBy('open_date').orderBy('id').execute();
  if (cycles.length === 0) {
    return [paragraph(sentence('no-cycle', ed, () => `No Section 11 audit cycle ran from ${periodName(input.from, input.to)}.`))];
  }
  const blocks: Block[] = [];
  for (const { id } of cycles) {
    const c = await cycleComparison(db, input.partnershipId, id);
    const key = slug(c.cycle.name);
    if (cycles.length > 1) blocks.push({ type: 'subheading', text: c.cycle.name });
    const submitted = c.agencies.filter((a) => a.status === 'submitted').map((a) => a.name);
    blocks.push(paragraph(sentence(`${key}-returns`, ed, () =>
      `The Section 11 audit (${c.cycle.name}) opened on ${longDate(c.cycle.openDate)} with returns due by ${longDate(c.cycle.dueDate)}. `
      + `${capitalised(inWords(c.invited))} ${c.invited === 1 ? 'agency was' : 'agencies were'} asked for a self-assessment against the partnership's standards`
      + (c.invited === 0 ? '.' : `; ${inWords(c.submitted)} ${c.submitted === 1 ? 'has' : 'have'} submitted ${c.submitted === 1 ? 'its return' : 'their returns'}${submitted.length > 0 && submitted.length <= 12 ? `: ${submitted.join(', ')}` : ''}.`))));
    const below = c.standards.filter((s) => s.belowGood > 0).sort((a, b) => b.belowGood - a.belowGood || a.number - b.number).slice(0, 3);
    if (c.submitted > 0) {
      blocks.push(paragraph(sentence(`${key}-below-good`, ed, () => below.length === 0
        ? 'Every standard was rated good or better in every return.'
        : `The standards most often rated below good were ${list(below.map((s) => `standard ${s.number}, ${s.title} (${inWords(s.belowGood)} of ${inWords(s.answered)} returns)`))}.`)));
      const ratings = RATINGS[c.cycle.scoring];
      const caption = cycles.length > 1 ? `Ratings by standard: ${c.cycle.name}` : 'Ratings by standard';
      blocks.push({
        type: 'table', caption,
        head: [caption, ...ratings.map((r) => RATING_LABELS[r]), 'Returns'],
        rows: c.standards.map((s) => [`${s.number}. ${s.title}`, ...ratings.map((r) => String(s.counts[r] ?? 0)), String(s.answered)]),
        numeric: [false, ...ratings.map(() => true), true],
        note: 'Submitted returns; the rating agreed at peer challenge where there was one, else the agency\'s own',
      });
    }
  }
  return blocks;
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const list = (parts: string[]) => (parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join('; ')}; and ${parts.at(-1)}`);
