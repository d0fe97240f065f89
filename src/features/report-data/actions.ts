import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { Block } from '../../domain/annual-report';
import { ACTION_SOURCES, type ActionSourceCode } from '../../domain/assurance';
import { londonInstant, londonParts } from '../../domain/london';
import { actionSummary, type ActionSummary } from '../actions/tracker.service';
import { longDate, ownWork, paragraph, periodNoun, sentence, type Edition } from './figures';
import type { SectionInput } from './missing';

/**
 * The partnership's action plans for the period: actions raised, completed on time and late, and where
 * the rest stood at the period's end (or today, for a period not yet over): on track or overdue. Actions
 * are the partnership's own work, given as they are in both editions.
 */

export type ActionsFigures = { summary: ActionSummary; onTrack: Record<ActionSourceCode, number> };

const addDay = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Open actions not past their due date as at a day: raised by its end, not completed by then, nor cancelled. */
async function onTrackBySource(db: Db, partnershipId: number, asAt: string): Promise<Record<ActionSourceCode, number>> {
  const end = londonInstant(addDay(asAt), '00:00:00');
  const { rows } = await sql<{ source: ActionSourceCode; n: number }>`
    select source, count(*)::int as n from action
    where partnership_id = ${partnershipId} and created_at < ${end} and due_date >= ${asAt}::date
      and (status in ('open', 'in_progress') or (status = 'completed' and completed_at >= ${end}))
    group by source`.execute(db);
  const out = Object.fromEntries(Object.keys(ACTION_SOURCES).map((s) => [s, 0])) as Record<ActionSourceCode, number>;
  for (const r of rows) out[r.source] = Number(r.n);
  return out;
}

export async function actionsSection(db: Db, input: SectionInput & { now: Date }, ed: Edition): Promise<Block[]> {
  const today = londonParts(input.now).date;
  const asAt = input.to < today ? input.to : today;
  const [summary, onTrack] = await Promise.all([
    actionSummary(db, input.partnershipId, input.from, input.to, { asAt }),
    onTrackBySource(db, input.partnershipId, asAt),
  ]);
  return actionsBlocks({ summary, onTrack }, ownWork(ed));
}

export function actionsBlocks({ summary: s, onTrack }: ActionsFigures, ed: Edition): Block[] {
  const during = `during ${periodNoun(s.from, s.to)}`;
  const t = s.total;
  const completed = t.completedOnTime + t.completedLate;
  const open = Object.values(onTrack).reduce((a, b) => a + b, 0);
  const blocks: Block[] = [
    paragraph(sentence('actions-raised', ed, (say) =>
      `${say.count(t.raised, 'action was', 'actions were')} raised ${during} from reviews, audits, Section 11, inspections and the partnership's meetings; `
      + `${say.count(completed, 'action was', 'actions were')} completed${completed > 0 ? `, ${say.n(t.completedOnTime)} of ${completed === 1 ? 'it' : 'them'} by ${completed === 1 ? 'its' : 'their'} due date` : ''}.`)),
    paragraph(sentence('actions-open', ed, (say) =>
      `On ${longDate(s.asAt)}, ${say.count(open, 'open action was', 'open actions were')} on track and ${say.count(t.overdue, 'action was', 'actions were')} overdue.`)),
  ];
  const sources = (Object.keys(ACTION_SOURCES) as ActionSourceCode[])
    .filter((code) => { const f = s.bySource[code]; return f.raised + f.completedOnTime + f.completedLate + f.overdue + onTrack[code] > 0; });
  if (sources.length > 0) {
    const row = (label: string, f: ActionSummary['total'], track: number) =>
      [label, String(f.raised), String(f.completedOnTime + f.completedLate), String(f.completedLate), String(track), String(f.overdue)];
    blocks.push({
      type: 'table', caption: 'Actions by source',
      head: ['Actions by source', 'Raised', 'Completed', 'Of which late', 'On track', 'Overdue'],
      rows: [...sources.map((code) => row(ACTION_SOURCES[code], s.bySource[code], onTrack[code])), row('All sources', t, open)],
      numeric: [false, true, true, true, true, true],
      note: `Raised and completed in the period; on track and overdue on ${longDate(s.asAt)}`,
    });
  }
  return blocks;
}
