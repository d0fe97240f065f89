import type { Db } from '../../db/create-db';
import type { Block, TextItem } from '../../domain/annual-report';
import { frontDoorMeasures, type FrontDoorMeasures } from '../front-door-measures/measures.service';
import { frontDoorSentences } from '../front-door-measures/narrative';
import { suppress, type Cell, type Derived, type SumGroup } from '../indicators/suppression';
import { hiddenNote, hides, joinNotes, periodName, pct, sentence, type Edition } from './figures';
import type { SectionInput } from './missing';

/**
 * The front door and the MASH in the period: the front door's own sentences, each with an id, and its
 * measures in a table. Contacts are about children, so the public edition hides small counts: in the
 * table with whatever would give them back (outcomes add up to the contacts decided; a percentage comes
 * from its count), and a sentence with a small count is said again with "fewer than 6".
 */

export async function frontDoorSection(db: Db, input: SectionInput & { now: Date }, ed: Edition): Promise<Block[]> {
  return frontDoorBlocks(await frontDoorMeasures(db, input.partnershipId, input, input.now), input, ed);
}

const perCent = (x: number | null) => (x === null ? 'no' : pct(x));

/** The front door's sentences with their ids, in the order frontDoorSentences gives them. */
export function frontDoorItems(m: FrontDoorMeasures, ed: Edition, period: { from: string; to: string }): TextItem[] {
  const texts = frontDoorSentences(m);
  const ids = ['contacts'];
  if (m.decided > 0) ids.push('decided-in-time');
  if (m.referralsOpened > 0) ids.push('referrals-opened');
  if (m.checksAll.requested > 0) ids.push('agency-checks');
  if (m.consultations > 0) ids.push('consultation-line');
  // Where a small count would show, the same sentence with it hidden (and any share of it left out).
  const hidden: Record<string, () => TextItem> = {
    contacts: () => sentence('contacts', ed, (say) => `${say.count(m.contacts, 'contact was', 'contacts were')} received, of which ${say.n(m.domesticAbuse)} `
      + `${say.one(m.domesticAbuse) ? 'was a domestic abuse notification' : 'were domestic abuse notifications'}, and ${say.n(m.toReferral)} progressed to referral.`),
    'decided-in-time': () => sentence('decided-in-time', ed, (say) =>
      `${say.n(m.decidedWithinOneWorkingDay)} of the ${say.count(m.decided, 'contact', 'contacts')} decided ${say.one(m.decidedWithinOneWorkingDay) ? 'was' : 'were'} decided within one working day.`),
    'referrals-opened': () => sentence('referrals-opened', ed, (say) => `${say.count(m.referralsOpened, 'referral was', 'referrals were')} opened from contacts, of which `
      + `${say.n(m.reReferrals)} ${say.one(m.reReferrals) ? 'was a re-referral' : 'were re-referrals'}${say.leftOut(m.reReferrals, m.referralsOpened) ? '' : ` (${perCent(m.reReferralPct)})`}.`),
    'agency-checks': () => sentence('agency-checks', ed, (say) => `${say.count(m.checksAll.requested, 'multi-agency check was', 'multi-agency checks were')} requested in the MASH`
      + (say.leftOut(m.checksAll.withinTimescale, m.checksAll.completed + m.checksAll.overdue) ? '.' : `; ${perCent(m.checksAll.withinTimescalePct)} of those due were completed within their timescale.`)),
    'consultation-line': () => sentence('consultation-line', ed, (say) => `The professionals' consultation line took ${say.count(m.consultations, 'call', 'calls')}`
      + (say.leftOut(m.consultationsNeedingRequest, m.consultations) ? '.' : `; ${perCent(m.consultationsNeedingRequestPct)} led to advice to make a request for support.`)),
  };
  const figuresOf: Record<string, number[]> = {
    contacts: [m.contacts, m.domesticAbuse, m.toReferral],
    'decided-in-time': [m.decided, m.decidedWithinOneWorkingDay],
    'referrals-opened': [m.referralsOpened, m.reReferrals],
    'agency-checks': [m.checksAll.requested, m.checksAll.withinTimescale, m.checksAll.completed + m.checksAll.overdue],
    'consultation-line': [m.consultations, m.consultationsNeedingRequest],
  };
  return ids.map((id, i) => {
    if (id === 'contacts' && m.contacts === 0) return { id, text: `No contacts were received at the front door from ${periodName(period.from, period.to)}.` };
    return figuresOf[id]!.some((n) => hides(ed, n)) ? hidden[id]!() : { id, text: texts[i]! };
  });
}

type Row = { label: string; value: Cell; percent?: true };

export function frontDoorBlocks(m: FrontDoorMeasures, input: { from: string; to: string }, ed: Edition): Block[] {
  const blocks: Block[] = [{ type: 'list', items: frontDoorItems(m, ed, input) }];
  if (m.contacts === 0 && m.consultations === 0 && m.checksAll.requested === 0) return blocks;
  const rows: Row[] = [
    { label: 'Contacts received', value: m.contacts },
    { label: 'Children the contacts were about', value: m.childContacts },
    { label: 'Domestic abuse notifications', value: m.domesticAbuse },
    { label: 'Contacts decided', value: m.decided },
    { label: 'Decided within one working day (%)', value: m.decidedWithinOneWorkingDayPct, percent: true },
    { label: 'Sent to the MASH', value: m.sentToMash },
    { label: 'Outcome: no further action', value: m.outcomes.nfa },
    { label: 'Outcome: information and advice', value: m.outcomes.information_advice },
    { label: 'Outcome: early help', value: m.outcomes.early_help },
    { label: 'Outcome: referral', value: m.outcomes.referral },
    { label: 'Outcome: strategy discussion', value: m.outcomes.strategy_discussion },
    { label: 'Progressed to referral (%)', value: m.conversionToReferralPct, percent: true },
    { label: 'Referrals opened from contacts', value: m.referralsOpened },
    { label: 'Of which re-referrals', value: m.reReferrals },
    { label: 'Multi-agency checks requested', value: m.checksAll.requested },
    { label: 'Checks completed within timescale (%)', value: m.checksAll.withinTimescalePct, percent: true },
    { label: 'Checks overdue', value: m.checksAll.overdue },
    { label: 'Consultation line calls', value: m.consultations },
    { label: 'Calls leading to a request for support (%)', value: m.consultationsNeedingRequestPct, percent: true },
  ];
  const at = (label: string) => rows.findIndex((r) => r.label === label);
  // The outcomes add up to the contacts decided; each percentage comes from the counts beside it.
  const groups: SumGroup[] = [{ parts: ['no further action', 'information and advice', 'early help', 'referral', 'strategy discussion'].map((o) => at(`Outcome: ${o}`)), total: at('Contacts decided') }];
  const derived: Derived[] = [
    { cell: at('Decided within one working day (%)'), from: [at('Contacts decided')] },
    { cell: at('Progressed to referral (%)'), from: [at('Outcome: referral'), at('Outcome: strategy discussion'), at('Contacts decided')] },
    { cell: at('Checks completed within timescale (%)'), from: [at('Multi-agency checks requested'), at('Checks overdue')] },
    { cell: at('Calls leading to a request for support (%)'), from: [at('Consultation line calls')] },
  ];
  const shown = ed.publish ? suppress(rows.map((r) => r.value), { groups, derived, settings: ed.settings }) : rows.map((r) => r.value);
  // A percentage of counts not in the table (decided in time, calls needing a request) is hidden with them.
  const hiddenParts: [string, number][] = [
    ['Decided within one working day (%)', m.decidedWithinOneWorkingDay],
    ['Checks completed within timescale (%)', m.checksAll.withinTimescale],
    ['Calls leading to a request for support (%)', m.consultationsNeedingRequest],
  ];
  for (const [label, n] of hiddenParts) if (hides(ed, n)) shown[at(label)] = ed.settings.symbol;
  const hid = shown.some((v) => v === ed.settings.symbol);
  const note = joinNotes('Source: Beacon\'s front door records, by the date each contact was received (London time)', hid && hiddenNote(ed));
  blocks.push({
    type: 'table', caption: 'Front door measures', head: ['Front door measures', periodName(input.from, input.to)],
    rows: rows.map((r, i) => [r.label, shown[i] === null ? 'n/a' : typeof shown[i] === 'string' ? String(shown[i]) : r.percent ? (shown[i] as number).toFixed(1) : String(shown[i])]),
    numeric: [false, true],
    ...(note ? { note } : {}),
  });
  return blocks;
}
