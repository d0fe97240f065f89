import { formatPctChange } from './comparison';

/**
 * Sentences in the seed annual report's style, for the dashboard and the annual report:
 * "The number of missing children reports fell to 370 in the last 12 months compared with 389 in the
 * previous 12 months, a fall of 4.9%." Figures are given exactly; suppressing small numbers for
 * publication is the caller's business, as it is for the tables.
 */

export type PeriodText = { current: string; previous: string };

const TWELVE_MONTHS: PeriodText = { current: 'in the last 12 months', previous: 'in the previous 12 months' };

/** A partner measure ("Number of Missing Children Reports") over the last and previous 12 months. */
export function partnerMeasureSentence(measure: string, current: number, previous: number): string {
  return sentence(subject(measure), current, previous, TWELVE_MONTHS, 'count');
}

export type IndicatorSentenceOptions = {
  /** Where each figure belongs, as the sentence says it: { current: 'in 2024-25', previous: 'in 2023-24' }. */
  periodText?: PeriodText;
  /** A percentage changes by percentage points, not by a percentage of itself. */
  kind?: Kind;
};

type Kind = 'count' | 'percent' | 'rate_per_10k';

/** An indicator ("Referrals", "Re-referral rate") between two periods; a null figure is said to be not known. */
export function indicatorSentence(label: string, current: number | null, previous: number | null, opts: IndicatorSentenceOptions = {}): string {
  const period = opts.periodText ?? TWELVE_MONTHS;
  const kind = opts.kind ?? 'count';
  const who = subject(label, kind);
  if (current === null) return `${who} ${period.current} is not known.`;
  if (previous === null) return `${who} was ${figure(current, kind)} ${period.current}; the figure ${period.previous} is not known.`;
  return sentence(who, current, previous, period, kind);
}

function sentence(who: string, current: number, previous: number, period: PeriodText, kind: Kind): string {
  if (current === previous) return `${who} stayed at ${figure(current, kind)} ${period.current}, the same as ${period.previous}.`;
  const [verb, noun] = current > previous ? ['rose', 'rise'] : ['fell', 'fall'];
  const base = `${who} ${verb} to ${figure(current, kind)} ${period.current} compared with ${figure(previous, kind)} ${period.previous}`;
  const by = kind === 'percent' ? `${decimal(Math.abs(current - previous))} percentage points` : formatPctChange(current, previous)?.slice(1);
  // From nothing there is no percentage to give: the two figures say it all.
  return by ? `${base}, a ${noun} of ${by}.` : `${base}.`;
}

function figure(value: number, kind: Kind): string {
  if (kind === 'percent') return `${decimal(value)}%`;
  return Number.isInteger(value) ? String(value) : decimal(value);
}

/** One decimal place, rounded half away from zero as every published figure is. */
function decimal(value: number): string {
  const tenths = Math.sign(value) * Math.round(Math.abs(value) * 10 + 1e-9);
  return (tenths / 10).toFixed(1);
}

/**
 * What the sentence is about: "Number of Missing Children Reports" → "The number of missing children
 * reports"; a bare count ("Referrals") becomes "The number of referrals", a bare percentage "The
 * percentage of …"; a name that already says what it measures ("Re-referral rate") keeps its words.
 */
export function subject(name: string, kind: Kind = 'count'): string {
  const lowered = lowerCaseName(name.trim()).replace(/^the /i, '');
  if (/^(number|percentage|proportion|rate|count|total)\b/i.test(lowered) || /\brate$/i.test(lowered)) return `The ${lowered}`;
  return `The ${kind === 'count' ? 'number' : kind === 'percent' ? 'percentage' : 'rate'} of ${lowered}`;
}

/**
 * Lower-cases the Title Case words of a name; a word with more than one capital (ICPC, NHS, A&E, CiN)
 * is an acronym or a proper name's spelling and keeps its case, as does a single capital (Category A).
 * Hyphenated parts are taken one at a time.
 */
export function lowerCaseName(name: string): string {
  return name.replace(/[A-Za-z&']+/g, (word) => (/^[A-Z][a-z']+$/.test(word) ? word.toLowerCase() : word));
}
