import type { Db } from '../create-db';
import type { SentenceEdits } from '../schema-annual-report';
import { textItems } from '../../domain/annual-report';
import { addDays } from '../../features/governance/terms';
import { generateDataSection } from '../../features/report-data/report-data.service';

const MANAGER = 'business.manager@northmere.gov.uk';

/**
 * How the business manager reworded Beacon's sentences in "What does our data tell us?": each takes the
 * generated sentence and gives the plainer wording, or null where the figures read otherwise this year.
 */
const REWORDINGS: Record<string, (generated: string) => string | null> = {
  introduction: (s) => {
    const m = /^From (.+) to (.+) the following data was collected:$/.exec(s);
    return m ? `Between ${m[1]} and ${m[2]}, partners recorded the following.` : null;
  },
  contacts: (s) => {
    const m = /^([\d,]+) contacts were received(.*)$/.exec(s);
    return m ? `The front door received ${m[1]} contacts${m[2]}` : null;
  },
};

/**
 * The demo report in progress has its data section "What does our data tell us?" with two sentences
 * reworded by the business manager, so that the section's page shows an editor's wording beside Beacon's.
 * Runs after the annual report's own seed.
 */
export async function seedReportSections(db: Db, opts: { partnershipId: number; today: string }) {
  const report = await db.selectFrom('annual_report').select(['id', 'period_from', 'period_to'])
    .where('partnership_id', '=', opts.partnershipId).where('status', '=', 'drafting').orderBy('period_to', 'desc').executeTakeFirst();
  if (!report) return;
  const section = await db.selectFrom('report_section').select(['id', 'status'])
    .where('report_id', '=', report.id).where('catalogue_key', '=', 'data_tell_us').where('removed_at', 'is', null).executeTakeFirst();
  if (!section) return;
  // Edits the report's own seed made are left as they are.
  const existing = await db.selectFrom('report_section_version').select('id').where('section_id', '=', section.id).executeTakeFirst();
  if (existing) return;
  const manager = await db.selectFrom('app_user').select('id').where('email', '=', MANAGER).executeTakeFirstOrThrow();
  const blocks = await generateDataSection(db, 'data_tell_us', {
    partnershipId: opts.partnershipId, from: report.period_from, to: report.period_to, publish: false, now: new Date(`${opts.today}T12:00:00Z`),
  });
  const edits: SentenceEdits = {};
  for (const item of textItems(blocks)) {
    const reword = item.id === undefined ? undefined : REWORDINGS[item.id];
    const text = reword?.(item.text);
    if (text && text !== item.text) edits[item.id!] = { text, generated: item.text };
  }
  if (Object.keys(edits).length === 0) return;
  await db.insertInto('report_section_version').values({
    partnership_id: opts.partnershipId, section_id: section.id, number: 1, sentence_edits: JSON.stringify(edits),
    note: 'Plainer wording for the introduction and the front door', created_by: manager.id, created_at: new Date(`${addDays(opts.today, -9)}T14:00:00Z`),
  }).execute();
  if (section.status === 'not_started') await db.updateTable('report_section').set({ status: 'drafting' }).where('id', '=', section.id).execute();
}
