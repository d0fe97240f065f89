import type { Section11Rating, Section11ReturnStatus, Section11Scoring } from '../../db/schema-section11';

/**
 * How a cycle rates each standard: red, amber or green, or a score of 1 to 4 in Ofsted's words. Either
 * scale falls into three bands, so cycles rated differently can still be compared: good or better
 * (green; good, outstanding), requires improvement (amber; requires improvement) and inadequate (red;
 * inadequate).
 */
export const SCORINGS: Record<Section11Scoring, { label: string; hint: string }> = {
  rag: { label: 'Red, amber or green', hint: 'Green: the standard is met; amber: partly met; red: not met.' },
  score: { label: 'A score from 1 to 4', hint: '1 inadequate, 2 requires improvement, 3 good, 4 outstanding.' },
};
export const isScoring = (value: unknown): value is Section11Scoring => value === 'rag' || value === 'score';

/** Each scale's ratings, best first. */
export const RATINGS: Record<Section11Scoring, Section11Rating[]> = {
  rag: ['green', 'amber', 'red'],
  score: ['4', '3', '2', '1'],
};

export const RATING_LABELS: Record<Section11Rating, string> = {
  green: 'Green', amber: 'Amber', red: 'Red',
  4: 'Outstanding', 3: 'Good', 2: 'Requires improvement', 1: 'Inadequate',
};

/** What each rating claims, for the hint beside its radio button. */
export const RATING_HINTS: Record<Section11Rating, string> = {
  green: 'The standard is fully met, and the evidence shows it',
  amber: 'The standard is partly met: there is work to do',
  red: 'The standard is not met',
  4: 'Score 4: the standard is met and the agency’s practice is a model for others',
  3: 'Score 3: the standard is met, and the evidence shows it',
  2: 'Score 2: the standard is partly met: there is work to do',
  1: 'Score 1: the standard is not met',
};

/** A rating with its score, as tables show it: "3 Good", "Amber". */
export function ratingText(rating: Section11Rating): string {
  return /^\d$/.test(rating) ? `${rating} ${RATING_LABELS[rating]}` : RATING_LABELS[rating];
}

export const isRatingOf = (scoring: Section11Scoring, value: unknown): value is Section11Rating =>
  (RATINGS[scoring] as unknown[]).includes(value);

export type Band = 'good' | 'requires_improvement' | 'inadequate';
export const BANDS: Band[] = ['good', 'requires_improvement', 'inadequate'];
export const BAND_LABELS: Record<Band, string> = { good: 'Good or better', requires_improvement: 'Requires improvement', inadequate: 'Inadequate' };

export function bandOf(rating: Section11Rating): Band {
  if (rating === 'green' || rating === '3' || rating === '4') return 'good';
  if (rating === 'amber' || rating === '2') return 'requires_improvement';
  return 'inadequate';
}

/** Below good: the agency has work to do, so the standard needs an action to improve. */
export const isBelowGood = (rating: Section11Rating) => bandOf(rating) !== 'good';

/** The lowest rating of a scale claims nothing is in place, so it alone may go without evidence. */
export const isLowest = (rating: Section11Rating) => rating === 'red' || rating === '1';

/** GOV.UK tag colours: green good, yellow requires improvement (amber), red inadequate, and outstanding blue. */
export function ratingTagClass(rating: Section11Rating): string {
  if (rating === '4') return 'govuk-tag--blue';
  return { good: 'govuk-tag--green', requires_improvement: 'govuk-tag--yellow', inadequate: 'govuk-tag--red' }[bandOf(rating)];
}

/** Chart fills in GOV.UK colours, in the tags' order; the table beside each chart carries its figures, so colour is never the only clue. */
export const RATING_FILLS: Record<Section11Rating, string> = {
  4: '#1d70b8', 3: '#00703c', green: '#00703c', 2: '#f47738', amber: '#f47738', 1: '#d4351c', red: '#d4351c',
};

export const RETURN_STATUS_LABELS: Record<Section11ReturnStatus, string> = {
  not_started: 'Not started', draft: 'In progress', submitted: 'Submitted',
};
export const RETURN_STATUS_TAGS: Record<Section11ReturnStatus, string> = {
  not_started: 'govuk-tag--grey', draft: 'govuk-tag--light-blue', submitted: 'govuk-tag--green',
};
