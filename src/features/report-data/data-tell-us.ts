import type { Db } from '../../db/create-db';
import type { Block, TableBlock, TextItem } from '../../domain/annual-report';
import { frontDoorMeasures, type FrontDoorMeasures } from '../front-door-measures/measures.service';
import type { IndicatorCode, IndicatorValues } from '../indicators/indicator-codes';
import { computeIndicators } from '../indicators/indicators.service';
import { suppressIndicators } from '../indicators/suppression';
import { formatChange } from '../partner-data/comparison';
import {
  atEnd, hides, hiddenNote, joinNotes, num, paragraph, pct, periodName, periodNoun, sentence, yearBefore, type Edition,
} from './figures';
import type { SectionInput } from './missing';

/**
 * "What does our data tell us?": the seed report's bullets for the period, from the indicators
 * (indicators.md) and the front door's contacts, then the key figures beside the year before.
 */

export type DataTellUsFigures = {
  indicators: IndicatorValues;
  /** The front door's contacts where it recorded any in the period; else the indicators' count of contacts alone. */
  contacts: { total: number; domesticAbuse: number | null; domesticAbuseToReferral: number | null };
};

const contactsOf = (values: IndicatorValues, fd: FrontDoorMeasures) => (fd.contacts > 0
  ? { total: fd.contacts, domesticAbuse: fd.domesticAbuse, domesticAbuseToReferral: fd.domesticAbuseToReferral }
  : { total: values.contacts.value ?? 0, domesticAbuse: null, domesticAbuseToReferral: null });

export async function dataTellUsFigures(db: Db, partnershipId: number, from: string, to: string, now: Date): Promise<DataTellUsFigures> {
  const [indicators, fd] = await Promise.all([
    computeIndicators(db, { partnershipId, from, to }),
    frontDoorMeasures(db, partnershipId, { from, to }, now),
  ]);
  return { indicators, contacts: contactsOf(indicators, fd) };
}

export async function dataTellUsSection(db: Db, input: SectionInput & { now: Date }, ed: Edition): Promise<Block[]> {
  const [current, previous] = await Promise.all([
    dataTellUsFigures(db, input.partnershipId, input.from, input.to, input.now),
    dataTellUsFigures(db, input.partnershipId, yearBefore(input.from), yearBefore(input.to), input.now),
  ]);
  return dataTellUsBlocks(current, previous, input, ed);
}

const v = (values: IndicatorValues, code: IndicatorCode): number => values[code].value ?? 0;
const numerator = (values: IndicatorValues, code: IndicatorCode): number => values[code].numerator ?? 0;

export function dataTellUsBlocks(cur: DataTellUsFigures, prev: DataTellUsFigures, input: { from: string; to: string }, ed: Edition): Block[] {
  const i = cur.indicators;
  const during = `during ${periodNoun(input.from, input.to)}`;
  const end = atEnd(input.to);
  const items: TextItem[] = [];
  const population = i.referrals_rate_per_10k.denominator;
  if (population !== null) {
    items.push(sentence('population', ed, () => `The partnership's children and young people (0-17) population was ${num(population)}`));
  }
  const c = cur.contacts;
  items.push(sentence('contacts', ed, (say) => {
    const received = `${say.count(c.total, 'contact was', 'contacts were')} received`;
    if (c.domesticAbuse === null || c.domesticAbuseToReferral === null) return `${received}`;
    if (c.domesticAbuse === 0) return `${received}, none of them domestic abuse contacts`;
    return `${received}, of which ${say.n(c.domesticAbuse)} ${say.one(c.domesticAbuse) ? 'was a domestic abuse contact' : 'were domestic abuse contacts'}`
      + ` and ${say.n(c.domesticAbuseToReferral)} of those progressed to referral`;
  }));
  items.push(sentence('referrals', ed, (say) =>
    `There ${say.one(v(i, 'referrals')) ? 'was' : 'were'} ${say.count(v(i, 'referrals'), 'referral', 'referrals')} to children's social care, of which ${say.n(v(i, 're_referrals'))} `
    + `${say.one(v(i, 're_referrals')) ? 'was a re-referral' : 'were re-referrals'} (a new referral within 12 months of a previous one)`));
  items.push(sentence('cin-plans', ed, (say) =>
    `There ${say.one(v(i, 'cin_plans_open')) ? 'was' : 'were'} ${say.count(v(i, 'cin_plans_open'), 'child', 'children')} in need with a plan open ${end}`));
  items.push(sentence('cp-plans', ed, (say) => {
    const open = v(i, 'cp_plans_open');
    const neglect = numerator(i, 'cp_plans_open_neglect_pct');
    const base = `${say.count(open, 'child', 'children')} ${say.one(open) ? 'was' : 'were'} on a child protection plan ${end}`;
    if (open === 0) return base;
    const share = say.leftOut(neglect, open) ? '' : ` (${pct(i.cp_plans_open_neglect_pct.value!)})`;
    return `${base}, of whom ${say.n(neglect)}${share} ${say.one(neglect) ? 'was' : 'were'} on a plan for neglect`;
  }));
  if (v(i, 'cp_plans_open') > 0) {
    items.push(sentence('cp-repeat', ed, (say) => {
      const repeat = numerator(i, 'cp_plans_open_repeat_pct');
      const open = v(i, 'cp_plans_open');
      // A hidden count cannot be given away by its share of the plans.
      if (say.leftOut(repeat, open)) return `${say.n(repeat)} of the children on a child protection plan ${end} ${say.one(repeat) ? 'was' : 'were'} on a plan for a second or subsequent time`;
      return `${pct(i.cp_plans_open_repeat_pct.value!)} of the children on a child protection plan ${end} (${num(repeat)}) were on a plan for a second or subsequent time`;
    }));
  }
  items.push(sentence('children-in-care', ed, (say) =>
    `There ${say.one(v(i, 'cla_open')) ? 'was' : 'were'} ${say.count(v(i, 'cla_open'), 'child', 'children')} in care ${end}, and ${say.count(v(i, 'cla_started'), 'child', 'children')} started to be in care ${during}`));
  items.push(sentence('cse', ed, (say) =>
    `${say.count(v(i, 'cse_children'), 'child was', 'children were')} recorded as at risk of sexual exploitation or as having been sexually exploited ${during}`));
  items.push(sentence('cce', ed, (say) =>
    `${say.count(v(i, 'cce_children'), 'child was', 'children were')} recorded as at risk of criminal exploitation or as having been criminally exploited ${during}`));
  items.push(sentence('missing', ed, (say) => (v(i, 'missing_episodes') === 0
    ? `No child went missing ${during}`
    : `${say.count(v(i, 'missing_children'), 'child', 'children')} went missing ${during}, across ${say.count(v(i, 'missing_episodes'), 'missing episode', 'missing episodes')}`)));

  const blocks: Block[] = [
    paragraph(sentence('introduction', ed, () => `From ${periodName(input.from, input.to)} the following data was collected:`)),
    // The seed's bullets end without a full stop; these are sentences, so they have one.
    { type: 'list', items: items.map((it) => ({ ...it, text: `${it.text}.` })) },
  ];
  const table = keyFigures(cur, prev, input, ed);
  if (table) blocks.push(table);
  return blocks;
}

type KeyRow = { label: string; kind: 'count' | 'percent'; cur: number | null; prev: number | null; code?: IndicatorCode; contacts?: true };

/**
 * This period beside the same period a year before, where the year before holds any records: a reader
 * wants to know which way things went. Published, each period is suppressed as indicators.md says, and a
 * change is hidden with either of its figures.
 */
export function keyFigures(cur: DataTellUsFigures, prev: DataTellUsFigures, input: { from: string; to: string }, ed: Edition): TableBlock | null {
  const p = prev.indicators;
  const anyBefore = prev.contacts.total > 0 || (['referrals', 'cin_plans_open', 'cp_plans_open', 'cla_open', 'missing_episodes'] as const).some((code) => v(p, code) > 0);
  if (!anyBefore) return null;
  const row = (label: string, code: IndicatorCode, kind: KeyRow['kind'] = 'count'): KeyRow => ({ label, kind, code, cur: cur.indicators[code].value, prev: p[code].value });
  const rows: KeyRow[] = [
    { label: 'Contacts', kind: 'count', cur: cur.contacts.total, prev: prev.contacts.total, contacts: true },
    row('Referrals', 'referrals'),
    row('Re-referrals', 're_referrals'),
    row('Re-referral rate (%)', 're_referral_rate', 'percent'),
    row(`Children in need with a plan, ${atEnd(input.to).replace(/^(at the |on )/, '')}`, 'cin_plans_open'),
    row('Children on a child protection plan', 'cp_plans_open'),
    row('Of whom on a plan for neglect (%)', 'cp_plans_open_neglect_pct', 'percent'),
    row('Of whom on a second or subsequent plan (%)', 'cp_plans_open_repeat_pct', 'percent'),
    row('Children in care', 'cla_open'),
    row('Children who started to be in care', 'cla_started'),
    row('Children at risk of sexual exploitation', 'cse_children'),
    row('Children at risk of criminal exploitation', 'cce_children'),
    row('Children who went missing', 'missing_children'),
    row('Missing episodes', 'missing_episodes'),
  ];
  const published = ed.publish ? [suppressIndicators(cur.indicators, ed.settings), suppressIndicators(p, ed.settings)] : null;
  let hid = false;
  const shown = (r: KeyRow, which: 0 | 1): string => {
    const value = which === 0 ? r.cur : r.prev;
    if (value === null) return 'n/a';
    const hidden = r.contacts ? hides(ed, value) : published !== null && published[which][r.code!].value === ed.settings.symbol;
    if (hidden) {
      hid = true;
      return ed.settings.symbol;
    }
    return r.kind === 'percent' ? value.toFixed(1) : String(value);
  };
  const out = rows.map((r) => {
    const a = shown(r, 0);
    const b = shown(r, 1);
    let change: string;
    if (a === ed.settings.symbol || b === ed.settings.symbol) change = ed.settings.symbol;
    else if (r.cur === null || r.prev === null) change = 'n/a';
    else if (r.kind === 'percent') change = pointsChange(r.cur, r.prev);
    else change = formatChange(r.cur, r.prev);
    return [r.label, a, b, change];
  });
  const thisYear = periodName(input.from, input.to);
  const lastYear = periodName(yearBefore(input.from), yearBefore(input.to));
  const note = joinNotes(`Children in need, on a plan and in care are counted ${atEnd(input.to)} and a year before; the rest over each period`, hid && hiddenNote(ed));
  return { type: 'table', caption: 'Key figures', head: ['Key figures', thisYear, lastYear, 'Change'], rows: out, numeric: [false, true, true, true], ...(note ? { note } : {}) };
}

/** A percentage's change in percentage points, to 1 decimal place with its sign: "+2.1 points". */
export function pointsChange(current: number, previous: number): string {
  const tenths = Math.round(current * 10) - Math.round(previous * 10);
  const size = (Math.abs(tenths) / 10).toFixed(1);
  return `${tenths > 0 ? '+' : tenths < 0 ? '-' : ''}${size} points`;
}
