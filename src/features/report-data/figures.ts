/**
 * How the annual report's data sections say their figures, in either edition. Pure: no I/O.
 *
 * Internal edition: every figure exactly. Public edition (indicators.md): a count of 1 to the threshold
 * (5) is hidden. A table shows the symbol (`c`) in its place, and hides with it whatever would give it
 * back; a sentence says "fewer than 6" instead, and is marked `suppressed` so that no rewording written
 * against the exact figure is ever printed in its place.
 */
import type { Block, TableBlock, TextItem } from '../../domain/annual-report';
import { compare, type PartnerRow } from '../partner-data/comparison';
import { partnerMeasureSentence, subject } from '../partner-data/narrative';
import { DEFAULT_SUPPRESSION, isSmall, type SuppressionSettings } from '../indicators/suppression';

export type Edition = { publish: boolean; settings: SuppressionSettings };

export const INTERNAL: Edition = Object.freeze({ publish: false, settings: DEFAULT_SUPPRESSION });
export const PUBLIC: Edition = Object.freeze({ publish: true, settings: DEFAULT_SUPPRESSION });

/**
 * The edition for figures of the partnership's own work (courses, reviews, audits, actions, Section 11
 * returns): they count no children, so nothing in them is suppressed in either edition.
 */
export const ownWork = (ed: Edition): Edition => ({ ...ed, publish: false });

/** Whether a count is hidden in this edition. */
export const hides = (ed: Edition, value: number | null): boolean => ed.publish && isSmall(value, ed.settings);

/** "1,024": figures in sentences are written with thousands separators, as the seed's data bullets are. */
export const num = (n: number): string => n.toLocaleString('en-GB');

/** A percentage to 1 decimal place as indicators give it ("36.4%"), with no trailing ".0" ("85%"). */
export const pct = (p: number): string => `${Number(p.toFixed(1)).toLocaleString('en-GB', { maximumFractionDigits: 1 })}%`;

const WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/** Numbers up to ten in words, as the seed writes "one Rapid Review ... two Child Safeguarding Practice Reviews". */
export const inWords = (n: number): string => (Number.isInteger(n) && n >= 0 && n <= 10 ? WORDS[n]! : num(n));

export const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "31 March 2026". */
export function longDate(iso: string): string {
  return `${Number(iso.slice(8, 10))} ${MONTHS[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}`;
}

const lastOfMonth = (iso: string): boolean => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.getUTCDate() === 1;
};

/** "April 2025 to March 2026" for whole months, else "3 April 2025 to 15 March 2026". */
export function periodName(from: string, to: string): string {
  if (from.endsWith('-01') && lastOfMonth(to)) return `${MONTHS[Number(from.slice(5, 7)) - 1]} ${from.slice(0, 4)} to ${MONTHS[Number(to.slice(5, 7)) - 1]} ${to.slice(0, 4)}`;
  return `${longDate(from)} to ${longDate(to)}`;
}

/** "at the end of March 2026" for a period ending at a month's end, else "on 15 March 2026". */
export function atEnd(to: string): string {
  return lastOfMonth(to) ? `at the end of ${MONTHS[Number(to.slice(5, 7)) - 1]} ${to.slice(0, 4)}` : `on ${longDate(to)}`;
}

/** The same dates one year earlier (29 February becomes 28 February). */
export function yearBefore(iso: string): string {
  const y = Number(iso.slice(0, 4)) - 1;
  const md = iso.slice(5) === '02-29' ? '02-28' : iso.slice(5);
  // The last day of February stays the last day of February.
  if (md === '02-28' && lastOfMonth(iso)) return lastOfMonth(`${y}-02-28`) ? `${y}-02-28` : `${y}-02-29`;
  return `${y}-${md}`;
}

/** "the year" when the period is twelve whole months, else "the period". */
export function periodNoun(from: string, to: string): string {
  const next = new Date(`${to}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  const nextIso = next.toISOString().slice(0, 10);
  return nextIso === `${Number(from.slice(0, 4)) + 1}${from.slice(4)}` ? 'the year' : 'the period';
}

/**
 * What a sentence needs to say its figures in the edition: `n` a count, `count` a count with its noun,
 * `hidden` whether a figure is hidden (for a sentence to choose its wording). Whatever it hides marks the
 * sentence suppressed.
 */
export class Say {
  hid = false;
  constructor(readonly ed: Edition) {}

  hidden(...values: (number | null)[]): boolean {
    return values.some((v) => hides(this.ed, v));
  }

  /** A count: "1,024", or "fewer than 6" where it is hidden. */
  n(value: number): string {
    if (hides(this.ed, value)) {
      this.hid = true;
      return `fewer than ${this.ed.settings.threshold + 1}`;
    }
    return num(value);
  }

  /** A count with its noun: "no referrals", "1 referral", "1,024 referrals", "fewer than 6 referrals". */
  count(value: number, one: string, many: string): string {
    if (value === 0) return `no ${many}`;
    return `${this.n(value)} ${value === 1 && !hides(this.ed, value) ? one : many}`;
  }

  /** Whether a count reads as singular: exactly one, and shown ("fewer than 6 were", never "was"). */
  one(value: number): boolean {
    return value === 1 && !hides(this.ed, value);
  }

  /** Marks the sentence suppressed where a figure was left out of it because it is hidden. */
  leftOut(...values: (number | null)[]): boolean {
    const out = this.hidden(...values);
    if (out) this.hid = true;
    return out;
  }
}

/** A generated sentence with its id, marked suppressed where it hides a figure. */
export function sentence(id: string, ed: Edition, build: (say: Say) => string): TextItem {
  const say = new Say(ed);
  const text = capitalise(build(say));
  return say.hid ? { id, text, suppressed: true } : { id, text };
}

export const paragraph = (item: TextItem): Block => ({ type: 'paragraph', ...item });

/** A note for a table whose cells hid anything. */
export const hiddenNote = (ed: Edition): string => `${ed.settings.symbol}: a small number (1 to ${ed.settings.threshold}) not shown`;

export function joinNotes(...notes: (string | null | undefined | false)[]): string | undefined {
  const kept = notes.filter((n): n is string => typeof n === 'string' && n !== '');
  return kept.length ? kept.join('. ') : undefined;
}

/** No separators in partner tables: the seed prints 1475, not 1,475. */
const NO_PCT = 'n/a';

/**
 * A partner table as the seed report prints it: the table's name heads the measure column, then Current,
 * Previous, Chg, % Chg with `compare`'s signs. Published, a hidden current or previous hides Chg and % Chg
 * too, since either gives the hidden figure back from the other.
 */
export function partnerTableBlock(name: string, rows: PartnerRow[], ed: Edition, source?: string): TableBlock {
  const sym = ed.settings.symbol;
  let hid = false;
  const out = rows.map(compare).map((r) => {
    const cur = hides(ed, r.current);
    const prev = hides(ed, r.previous);
    if (cur || prev) hid = true;
    return [
      r.measure,
      cur ? sym : String(r.current),
      prev ? sym : String(r.previous),
      cur || prev ? sym : r.change,
      cur || prev ? sym : r.pct_change ?? NO_PCT,
    ];
  });
  const note = joinNotes(source, hid && hiddenNote(ed));
  return { type: 'table', caption: name, head: [name, 'Current', 'Previous', 'Chg', '% Chg'], rows: out, numeric: [false, true, true, true, true], ...(note ? { note } : {}) };
}

/**
 * A partner measure over the last and previous 12 months, in the seed's words ("The number of missing
 * children reports fell to 370 in the last 12 months compared with 389 in the previous 12 months, a fall
 * of 4.9%."). Published with a hidden figure, it gives the two figures with no change.
 */
export function partnerSentence(id: string, row: PartnerRow, ed: Edition): TextItem {
  if (!hides(ed, row.current) && !hides(ed, row.previous)) return { id, text: partnerMeasureSentence(row.measure, row.current, row.previous) };
  return sentence(id, ed, (say) => `${subject(row.measure)} was ${say.n(row.current)} in the last 12 months, compared with ${say.n(row.previous)} in the previous 12 months.`);
}

/** A stable id from words: "Number of Missing Children" → "number-of-missing-children". */
export function slug(text: string): string {
  return text.toLowerCase().replace(/&/g, ' and ').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'item';
}

/** Ids unique within a section: a repeated one takes the first of its alternatives not yet used, else a number. */
export class Ids {
  private used = new Set<string>();
  take(...candidates: string[]): string {
    for (const c of candidates) {
      if (!this.used.has(c)) {
        this.used.add(c);
        return c;
      }
    }
    for (let i = 2; ; i++) {
      const c = `${candidates[0]}-${i}`;
      if (!this.used.has(c)) {
        this.used.add(c);
        return c;
      }
    }
  }
}

/** Cells of a count table as published: the symbol where hidden, else the count without separators. */
export function countCell(ed: Edition, value: number | null): string {
  if (value === null) return '';
  return hides(ed, value) ? ed.settings.symbol : String(value);
}
