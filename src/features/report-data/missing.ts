import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { Block } from '../../domain/annual-report';
import { ratio } from '../indicators/indicators.service';
import { Ids, paragraph, partnerTableBlock, pct, periodName, periodNoun, sentence, yearBefore, type Edition } from './figures';
import { isMissingTable, partnerBlocks, partnerFigures } from './partner';

/**
 * Missing children: the police's missing tables as the seed prints them, then what Beacon's own records
 * say of the period. An episode is a 903 "missing" record (not "away from placement") starting in the
 * period; a child is missing from care when a care episode (short breaks aside) was open on that day.
 * Return interviews are of the episodes after which the child came back; "within 72 hours" is the offer
 * made no later than 72 hours after the return, as the missing children guidance asks.
 */

export type MissingFigures = {
  episodes: number;
  children: number;
  repeatChildren: number;
  fromCareChildren: number;
  fromCareEpisodes: number;
  returned: number;
  offered: number;
  offeredWithin72h: number;
  accepted: number;
};

export async function missingFigures(db: Db, partnershipId: number, from: string, to: string): Promise<MissingFigures> {
  const { rows } = await sql<Record<keyof MissingFigures, number>>`
    with m as (
      select m.child_id, m.returned_at, m.end_date, m.return_interview_offered_at, m.return_interview_accepted,
        exists (select 1 from cla_episode e where e.partnership_id = ${partnershipId} and e.child_id = m.child_id
          and e.start_date <= m.start_date and (e.end_date is null or e.end_date > m.start_date)
          and coalesce(e.legal_status, '') not in ('V3', 'V4')) as from_care
      from missing_episode m
      where m.partnership_id = ${partnershipId} and m.missing_type = 'M' and m.start_date between ${from}::date and ${to}::date),
    c as (select child_id, count(*) as n from m group by child_id)
    select (select count(*) from m)::int as episodes,
      (select count(*) from c)::int as children,
      (select count(*) from c where n > 1)::int as "repeatChildren",
      (select count(distinct child_id) from m where from_care)::int as "fromCareChildren",
      (select count(*) from m where from_care)::int as "fromCareEpisodes",
      (select count(*) from m where returned_at is not null or end_date is not null)::int as returned,
      (select count(*) from m where return_interview_offered_at is not null)::int as offered,
      (select count(*) from m where return_interview_offered_at is not null and returned_at is not null
        and return_interview_offered_at <= returned_at + interval '72 hours')::int as "offeredWithin72h",
      (select count(*) from m where return_interview_accepted)::int as accepted`.execute(db);
  const r = rows[0]!;
  return {
    episodes: r.episodes, children: r.children, repeatChildren: r.repeatChildren, fromCareChildren: r.fromCareChildren,
    fromCareEpisodes: r.fromCareEpisodes, returned: r.returned, offered: r.offered, offeredWithin72h: r.offeredWithin72h, accepted: r.accepted,
  };
}

export type SectionInput = { partnershipId: number; from: string; to: string };

export async function missingChildrenSection(db: Db, input: SectionInput, ed: Edition): Promise<Block[]> {
  const ids = new Ids();
  const [police, now, before] = await Promise.all([
    partnerFigures(db, input.partnershipId, 'police', input.from, input.to),
    missingFigures(db, input.partnershipId, input.from, input.to),
    missingFigures(db, input.partnershipId, yearBefore(input.from), yearBefore(input.to)),
  ]);
  const blocks = partnerBlocks(police, input, ed, { tables: isMissingTable, noun: 'police missing children', idsByAgency: false }, ids);
  blocks.push({ type: 'subheading', text: 'Missing episodes recorded in Beacon' });
  blocks.push(...missingBlocks(now, before, input, ed, ids));
  return blocks;
}

export function missingBlocks(m: MissingFigures, prev: MissingFigures, input: { from: string; to: string }, ed: Edition, ids = new Ids()): Block[] {
  const during = `during ${periodNoun(input.from, input.to)}`;
  const blocks: Block[] = [];
  if (m.episodes === 0) {
    blocks.push(paragraph(sentence(ids.take('beacon-no-episodes'), ed, () => `No missing episodes were recorded in Beacon for children who went missing ${during}.`)));
  } else {
    blocks.push(paragraph(sentence(ids.take('beacon-missing'), ed, (say) =>
      `${say.count(m.children, 'child', 'children')} went missing ${during} across ${say.count(m.episodes, 'missing episode', 'missing episodes')}; `
      + `${say.count(m.repeatChildren, 'child', 'children')} went missing more than once.`)));
    blocks.push(paragraph(sentence(ids.take('beacon-from-care'), ed, (say) => m.fromCareChildren === 0
      ? 'No child went missing from care.'
      : `${say.count(m.fromCareChildren, 'child', 'children')} went missing from care, in ${say.count(m.fromCareEpisodes, 'episode', 'episodes')}.`)));
    if (m.returned > 0) {
      blocks.push(paragraph(sentence(ids.take('return-interviews'), ed, (say) => {
        // A percentage of a hidden count would give the count back.
        const offeredPct = say.leftOut(m.offered, m.returned) ? '' : ` (${pct(ratio(m.offered, m.returned, 100)!)})`;
        const withinPct = say.leftOut(m.offeredWithin72h, m.returned) ? '' : ` (${pct(ratio(m.offeredWithin72h, m.returned, 100)!)} of returns)`;
        return `A return interview was offered after ${say.n(m.offered)} of the ${say.count(m.returned, 'episode', 'episodes')} from which the child returned${offeredPct}, `
          + `${say.n(m.offeredWithin72h)} of them within 72 hours of the return${withinPct}; ${say.n(m.accepted)} ${say.one(m.accepted) ? 'was' : 'were'} accepted.`;
      })));
    }
  }
  const rows = [
    ['Missing episodes', m.episodes, prev.episodes],
    ['Children who went missing', m.children, prev.children],
    ['Children who went missing more than once', m.repeatChildren, prev.repeatChildren],
    ['Children who went missing from care', m.fromCareChildren, prev.fromCareChildren],
    ['Episodes from care', m.fromCareEpisodes, prev.fromCareEpisodes],
    ['Episodes after which the child returned', m.returned, prev.returned],
    ['Return interviews offered', m.offered, prev.offered],
    ['Return interviews offered within 72 hours', m.offeredWithin72h, prev.offeredWithin72h],
    ['Return interviews accepted', m.accepted, prev.accepted],
  ] as const;
  blocks.push(partnerTableBlock('Missing children in Beacon', rows.map(([measure, current, previous]) => ({ measure, current, previous })), ed,
    `Source: Beacon's missing episodes, ${periodName(input.from, input.to)} (Current) and the year before (Previous)`));
  return blocks;
}
