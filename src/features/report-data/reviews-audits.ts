import type { Db } from '../../db/create-db';
import type { Block } from '../../domain/annual-report';
import { LEARNING_THEMES, type LearningTheme } from '../../domain/assurance';
import { auditSummary, type AuditSummary } from '../audits/results.service';
import { reviewYearSummary, type ReviewYearSummary } from '../reviews/reviews.service';
import { inWords, ownWork, paragraph, pct, periodName, periodNoun, sentence, type Edition } from './figures';
import type { SectionInput } from './missing';

/**
 * Reviews and audits held in the period, in the seed's words: "In the year March 2022-March 2023 one
 * Rapid Review was held, two Child Safeguarding Practice Reviews were completed ...", numbers up to ten in
 * words. These count the partnership's own work, which the National Panel publishes too: they are given
 * as they are in both editions, and no review or audit is ever named by its child.
 */

export async function reviewsAuditsSection(db: Db, input: SectionInput, ed: Edition): Promise<Block[]> {
  const [reviews, audits] = await Promise.all([
    reviewYearSummary(db, input.partnershipId, input.from, input.to),
    auditSummary(db, input.partnershipId, input.from, input.to),
  ]);
  return reviewsAuditsBlocks(reviews, audits, ownWork(ed));
}

/** "one rapid review was", "two rapid reviews were", "no rapid reviews were". */
export const told = (n: number, one: string, many: string, verb: [string, string] = ['was', 'were']) =>
  `${inWords(n)} ${n === 1 ? `${one} ${verb[0]}` : `${many} ${verb[1]}`}`;

const andList = (parts: string[]) => (parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`);

export function reviewsAuditsBlocks(r: ReviewYearSummary, a: AuditSummary, ed: Edition): Block[] {
  const inPeriod = `${periodNoun(r.from, r.to) === 'the year' ? 'In the year' : 'From'} ${periodName(r.from, r.to)}`;
  const blocks: Block[] = [{ type: 'subheading', text: 'Serious incidents and reviews' }];
  if (r.incidents > 0 || r.notifications > 0) {
    blocks.push(paragraph(sentence('incidents', ed, () => {
      const aware = `${inPeriod} the partnership became aware of ${told(r.incidents, 'serious incident', 'serious incidents', ['', '']).trimEnd()}`;
      const notified = `${inWords(r.notifications)} ${r.notifications === 1 ? 'was' : 'were'} notified to the Child Safeguarding Practice Review Panel`;
      const not = r.notNotified > 0 ? `, and for ${inWords(r.notNotified)} the partners decided that notification was not needed` : '';
      return `${aware}; ${notified}${not}.`;
    })));
  }
  blocks.push(paragraph(sentence('reviews', ed, () => {
    const clauses = [told(r.rapidReviews, 'rapid review', 'rapid reviews', ['was held', 'were held'])];
    if (r.practiceReviewsCommissioned > 0) clauses.push(told(r.practiceReviewsCommissioned, 'child safeguarding practice review', 'child safeguarding practice reviews', ['was commissioned', 'were commissioned']));
    clauses.push(told(r.practiceReviewsCompleted, 'child safeguarding practice review', 'child safeguarding practice reviews', ['was completed', 'were completed']));
    if (r.practiceReviewsPublished > 0) clauses.push(`${inWords(r.practiceReviewsPublished)} ${r.practiceReviewsPublished === 1 ? 'was' : 'were'} published`);
    if (r.otherLearningCompleted > 0) clauses.push(told(r.otherLearningCompleted, 'other learning review (such as an appreciative enquiry)', 'other learning reviews (such as appreciative enquiries)', ['was completed', 'were completed']));
    return `${inPeriod} ${andList(clauses)}.`;
  })));
  if (r.publishedThemes.length > 0) {
    blocks.push(paragraph(sentence('review-themes', ed, () => `The practice reviews published drew learning about ${andList(r.publishedThemes.map((t) =>
      `${lowerFirst(themeName(t.theme))} (${told(t.reviews, 'review', 'reviews', ['', '']).trimEnd()})`))}.`)));
  }

  blocks.push({ type: 'subheading', text: 'Multi-agency audits' });
  if (a.roundsCompleted === 0) {
    blocks.push(paragraph(sentence('audits', ed, () => `${inPeriod} no multi-agency audit round was completed.`)));
    return blocks;
  }
  blocks.push(paragraph(sentence('audits', ed, () => {
    const themes = a.themes.length;
    const good = a.goodOrBetter === null ? '' : `; ${pct(a.goodOrBetter)} of the cases graded were good or better`;
    const onTime = a.sectionsOnTime === null ? '' : `, and ${pct(a.sectionsOnTime)} of the agencies' audit sections were returned on time`;
    return `${inPeriod} ${told(a.roundsCompleted, 'multi-agency audit round', 'multi-agency audit rounds', ['was completed', 'were completed'])} `
      + `on ${told(themes, 'theme', 'themes', ['', '']).trimEnd()}, auditing ${a.casesAudited === 1 ? 'one case' : `${inWords(a.casesAudited)} cases`}${good}${onTime}.`;
  })));
  blocks.push({
    type: 'table', caption: 'Audits held by theme',
    head: ['Audits held by theme', 'Rounds', 'Cases audited', 'Good or better', 'Findings', 'Actions'],
    rows: a.themes.map((t) => [t.name, String(t.roundsCompleted), String(t.casesAudited), t.goodOrBetter === null ? 'n/a' : pct(t.goodOrBetter), String(t.findings), String(t.actions)]),
    numeric: [false, true, true, true, true, true],
    note: 'Rounds completed in the period; cases graded at moderation',
  });
  return blocks;
}

const themeName = (code: string) => LEARNING_THEMES[code as LearningTheme] ?? code;
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
