import type { FrontDoorMeasures } from './measures.service';

const n = (x: number) => x.toLocaleString('en-GB');
const pct = (x: number | null) => (x === null ? 'no' : `${x.toLocaleString('en-GB', { maximumFractionDigits: 1 })}%`);
const plural = (x: number, one: string, many: string) => `${n(x)} ${x === 1 ? one : many}`;

/** The front door in sentences, in the style of a partnership's annual report ("What does our data tell us?"). */
export function frontDoorSentences(m: FrontDoorMeasures): string[] {
  const out = [
    `${plural(m.contacts, 'contact was', 'contacts were')} received, of which ${plural(m.domesticAbuse, 'was a domestic abuse notification', 'were domestic abuse notifications')}, and ${n(m.toReferral)} progressed to referral.`,
  ];
  if (m.decided > 0) out.push(`${pct(m.decidedWithinOneWorkingDayPct)} of the ${plural(m.decided, 'contact', 'contacts')} decided were decided within one working day.`);
  if (m.referralsOpened > 0) out.push(`${plural(m.referralsOpened, 'referral was', 'referrals were')} opened from contacts, of which ${plural(m.reReferrals, 'was a re-referral', 'were re-referrals')} (${pct(m.reReferralPct)}).`);
  if (m.checksAll.requested > 0) out.push(`${plural(m.checksAll.requested, 'multi-agency check was', 'multi-agency checks were')} requested in the MASH; ${pct(m.checksAll.withinTimescalePct)} of those due were completed within their timescale.`);
  if (m.consultations > 0) out.push(`The professionals' consultation line took ${plural(m.consultations, 'call', 'calls')}; ${pct(m.consultationsNeedingRequestPct)} led to advice to make a request for support.`);
  return out;
}
