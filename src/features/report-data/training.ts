import type { Db } from '../../db/create-db';
import type { Block } from '../../domain/annual-report';
import { percent } from '../training-reports/aggregate';
import { trainingSummary, type TrainingSummary } from '../training-reports/reports.service';
import { ownWork, paragraph, pct, periodName, sentence, type Edition } from './figures';
import type { SectionInput } from './missing';

/**
 * Multi-agency training in the seed's words ("We have delivered 75 multi-agency courses to 1260
 * participants ... 85% of the training courses now being delivered face to face"), from the training
 * records. The participants are professionals, not children: their counts are printed as they are in
 * both editions.
 */

export async function trainingSection(db: Db, input: SectionInput & { now: Date }, ed: Edition): Promise<Block[]> {
  return trainingBlocks(await trainingSummary(db, input.partnershipId, input.from, input.to, input.now), ed);
}

const score = (x: number) => x.toFixed(1);

export function trainingBlocks(s: TrainingSummary, edition: Edition): Block[] {
  const ed = ownWork(edition);
  const period = periodName(s.from, s.to);
  if (s.sessionsDelivered === 0) {
    return [paragraph(sentence('delivered', ed, () => `No multi-agency training sessions were delivered from ${period}.`))];
  }
  const blocks: Block[] = [];
  blocks.push(paragraph(sentence('delivered', ed, (say) =>
    `We delivered ${say.count(s.coursesDelivered, 'multi-agency course', 'multi-agency courses')} in ${say.count(s.sessionsDelivered, 'session', 'sessions')} `
    + `to ${say.count(s.participants, 'participant', 'participants')} from ${period}.`)));
  if (s.faceToFacePct !== null) {
    blocks.push(paragraph(sentence('face-to-face', ed, () => `${pct(s.faceToFacePct!)} of the sessions were delivered face to face.`)));
  }
  // Whether the figure can be trusted yet is for the partnership, not its readers.
  if (!edition.publish && s.participantsUnmarked > 0) {
    blocks.push(paragraph(sentence('unmarked', ed, (say) =>
      `Attendance has not yet been marked for ${say.count(s.sessionsUnmarked, 'session', 'sessions')}; the ${say.count(s.participantsUnmarked, 'participant', 'participants')} booked on ${s.sessionsUnmarked === 1 ? 'it' : 'them'} ${say.one(s.participantsUnmarked) ? 'is' : 'are'} counted as having attended.`)));
  }
  const e = s.evaluation;
  if (e.responses > 0) {
    blocks.push(paragraph(sentence('evaluation', ed, (say) => {
      const parts: string[] = [];
      if (e.meanOverall !== null) parts.push(`rated their course ${score(e.meanOverall)} out of 5 on average`);
      if (e.outcomesMetPct !== null) parts.push(`${pct(e.outcomesMetPct)} said its learning outcomes were met`);
      if (e.meanConfidenceBefore !== null && e.meanConfidenceAfter !== null) {
        parts.push(`their confidence went from ${score(e.meanConfidenceBefore)} before the course to ${score(e.meanConfidenceAfter)} after it, out of 5`);
      }
      const said = parts.length === 0 ? '' : `: they ${parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0]}`;
      return `Participants returned ${say.count(e.responses, 'evaluation', 'evaluations')}${said}.`;
    })));
  }
  if (e.impactResponses > 0) {
    blocks.push(paragraph(sentence('impact', ed, (say) =>
      `${say.count(e.impactResponses, 'participant', 'participants')} answered the impact survey some weeks after their course`
      + (e.meanConfidenceNow === null ? '.' : `; their confidence now is ${score(e.meanConfidenceNow)} out of 5 on average.`))));
  }
  if (s.byAgency.length > 0) {
    const rows = s.byAgency.map((a) => [a.agency, String(a.participants), shareOf(a.participants, s.participants)]);
    rows.push(['Total', String(s.participants), s.participants > 0 ? '100%' : '']);
    blocks.push({ type: 'table', caption: 'Participants by agency', head: ['Participants by agency', 'Participants', 'Share'], rows, numeric: [false, true, true],
      note: `Source: Beacon's training records, sessions delivered from ${period}. A person on two sessions counts twice` });
  }
  const themes = s.byTheme.filter((t) => t.responses > 0);
  if (themes.length > 0) {
    blocks.push({ type: 'table', caption: 'Evaluation by learning theme', head: ['Evaluation by learning theme', 'Courses', 'Evaluations', 'Overall (out of 5)', 'Confidence before', 'Confidence after'],
      rows: themes.map((t) => [t.label, String(t.courses), String(t.responses), opt(t.meanOverall), opt(t.meanConfidenceBefore), opt(t.meanConfidenceAfter)]),
      numeric: [false, true, true, true, true, true], note: 'Means of the answers given, each out of 5; a course may have several themes' });
  }
  return blocks;
}

const opt = (x: number | null) => (x === null ? 'n/a' : score(x));
const shareOf = (part: number, whole: number) => {
  const p = percent(part, whole);
  return p === null ? '' : pct(p);
};
