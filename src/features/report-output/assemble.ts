import type { Db } from '../../db/create-db';
import {
  applySentenceEdits, parseWritten, REPORT_CATALOGUE, type Block, type Edition, type ReportDocument, type ReportSection,
} from '../../domain/annual-report';
import { londonParts } from '../../domain/london';
import { activeSections, findReportForPeriod, latestVersions, type ReportSection as SectionRow } from '../annual-report/report.repository';
import { longDate } from '../dashboard/periods';
import { NotFound } from '../../platform/errors';
import { generateDataSection } from '../report-data/report-data.service';
import { voiceBlocks } from '../voice/voice.service';

/**
 * The annual report of a period as one document, ready for any output: the partnership's report for
 * exactly that period when there is one (its sections as they stand, in its order), else every section of
 * the catalogue with Beacon's figures and nothing yet written.
 *
 * The public edition is what may be published: numbers from 1 to 5 hidden, only children's views whose
 * consent and anonymisation allow it, and nothing that is empty or marked internal. The internal edition
 * is the partnership's working copy: every section, each saying what still stands in its way.
 */

export type AssembleInput = {
  partnershipId: number;
  from: string;
  to: string;
  edition: Edition;
  now: Date;
  /** Told as each section is ready: for a progress bar. */
  onSection?: (done: number, total: number, heading: string) => void;
};

const STATUS_NOTES: Partial<Record<SectionRow['status'], string>> = {
  not_started: 'Draft: not yet submitted',
  drafting: 'Draft: not yet accepted',
  submitted: 'Submitted: not yet accepted',
};

/** Blocks a reader learns something from: a section of headings alone (a template not yet filled) has none. */
const hasContent = (blocks: Block[]) => blocks.some((b) => b.type !== 'subheading');

export async function assembleReport(db: Db, input: AssembleInput): Promise<ReportDocument> {
  const { partnershipId, from, to, edition, now } = input;
  const publish = edition === 'public';
  const partnership = await db.selectFrom('partnership').select('name').where('id', '=', partnershipId).executeTakeFirst();
  if (!partnership) throw new NotFound('Partnership not found', 'partnership', String(partnershipId));
  const report = await findReportForPeriod(db, partnershipId, from, to);
  const data = (key: string) => generateDataSection(db, key, { partnershipId, from, to, publish, now });

  const sections: ReportSection[] = [];
  const keep = (section: ReportSection | null) => { if (section) sections.push(section); };

  if (!report) {
    for (const [i, entry] of REPORT_CATALOGUE.entries()) {
      if (entry.kind === 'data') keep({ key: entry.key, heading: entry.heading, blocks: await data(entry.key) });
      else if (!publish) keep({ key: entry.key, heading: entry.heading, blocks: [], note: 'Not written yet: no report has been started for this period' });
      input.onSection?.(i + 1, REPORT_CATALOGUE.length, entry.heading);
    }
  } else {
    const rows = (await activeSections(db, partnershipId, report.id)).filter((s) => !publish || s.public);
    const latest = await latestVersions(db, partnershipId, rows.map((s) => s.id));
    const ownerIds = [...new Set(rows.map((s) => s.owner_user_id).filter((id): id is number => id !== null))];
    const owners = new Map(ownerIds.length === 0 ? [] : (await db.selectFrom('app_user').select(['id', 'name']).where('id', 'in', ownerIds).execute()).map((u) => [u.id, u.name]));
    const ownerText = (s: SectionRow) => (s.owner_user_id === null ? 'no owner yet' : `owner: ${owners.get(s.owner_user_id) ?? 'unknown'}`);

    for (const [i, s] of rows.entries()) {
      const base = { key: s.catalogue_key, heading: s.heading };
      if (s.kind === 'data') {
        // A section the partnership adds is written: only the catalogue's data sections are generated.
        if (!s.catalogue_key) throw new Error(`Report section ${s.id} is a data section without a catalogue key`);
        keep({ ...base, blocks: applySentenceEdits(await data(s.catalogue_key), latest.get(s.id)?.sentence_edits ?? {}) });
      } else {
        const blocks = s.kind === 'voice'
          ? await voiceBlocks(db, { partnershipId, reportId: report.id, publish })
          : parseWritten(latest.get(s.id)?.body ?? '');
        const empty = !hasContent(blocks);
        const note = empty
          ? (s.kind === 'voice' ? `No children’s views chosen yet (${ownerText(s)})` : `Not written yet (${ownerText(s)})`)
          : STATUS_NOTES[s.status];
        if (!(publish && empty)) keep({ ...base, blocks: empty ? [] : blocks, ...(!publish && note ? { note } : {}) });
      }
      input.onSection?.(i + 1, rows.length, s.heading);
    }
  }

  const approved = report?.status === 'approved' && report.approved_at !== null;
  return {
    title: report?.title ?? `${partnership.name} annual report ${longDate(from)} to ${longDate(to)}`,
    partnership: partnership.name,
    period: { from, to },
    edition,
    status: approved ? 'approved' : 'draft',
    approvedOn: approved ? londonParts(report.approved_at!).date : null,
    generatedAt: now.toISOString(),
    sections,
  };
}
