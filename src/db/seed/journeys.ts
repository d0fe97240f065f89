import { prng } from './generator';

/**
 * Synthetic journeys through children's social care for synthetic children: referrals and what
 * follows them, in the proportions and timings a typical English local authority sees (most referrals
 * lead to an assessment, about one in six to a Section 47 enquiry, some to a plan or to care; teenagers
 * go missing and are assessed for exploitation). Some timescales are met late on purpose, so that the
 * overdue lists and indicators have something to show. Deterministic for a seed.
 */

export type JourneyChild = { id: string; dateOfBirth: string | null; expectedBirthDate: string | null };

type Row = Record<string, unknown> & { id: string };

export type Journeys = {
  referral: Row[]; assessment: Row[]; strategy_discussion: Row[]; s47_enquiry: Row[]; initial_conference: Row[];
  cp_plan: Row[]; cp_plan_review: Row[]; cp_core_group: Row[]; cp_visit: Row[]; cin_plan: Row[];
  cla_episode: Row[]; cla_review: Row[]; health_assessment: Row[]; place_of_concern: Row[];
  missing_episode: Row[]; exploitation_assessment: Row[];
};

const REFERRAL_SOURCES: [string, number][] = [['6', 28], ['2A', 18], ['3A', 4], ['3B', 4], ['3E', 5], ['3F', 5], ['1A', 7], ['5A', 6], ['5D', 6], ['4', 3], ['7', 3], ['8', 5], ['9', 2], ['1C', 2], ['2B', 2]];
const PRIMARY_NEED: [string, number][] = [['N1', 58], ['N2', 8], ['N3', 4], ['N4', 12], ['N5', 10], ['N6', 3], ['N8', 3], ['N9', 2]];
const FACTORS = ['1B', '2B', '3A', '3B', '4B', '4A', '5B', '6B', '7A', '10A', '11A', '13A', '14A', '15A', '16A', '17A', '18C', '19C', '24A', '20'];
const CATEGORY: [string, number][] = [['NEG', 50], ['EMO', 35], ['PHY', 8], ['SAB', 4], ['MUL', 3]];
const PLACES = [
  ['The Arcade, Market Street', 'Central'], ['Riverside Park skate area', 'South'], ['Northgate bus station', 'North'],
  ['Eastfield retail park car park', 'East'], ['Canal towpath by Mill Lane', 'West'], ['Fast food outlet, High Street', 'Central'],
] as const;

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const ms = (date: string) => Date.parse(`${date}T00:00:00Z`);
/** Working days to calendar days, near enough for synthetic data: five working days to a week. */
const afterWorkingDays = (date: string, n: number) => iso(ms(date) + Math.round(n * 1.4) * DAY);

export function generateJourneys(children: JourneyChild[], opts: { seed?: number; today: string; share?: number }): Journeys {
  const rand = prng(opts.seed ?? 11);
  const uuid = () => {
    const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16));
    hex[12] = '4';
    hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
    const h = hex.join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;
  const weighted = (items: [string, number][]) => {
    let r = rand() * items.reduce((s, [, w]) => s + w, 0);
    for (const [v, w] of items) if ((r -= w) < 0) return v;
    return items[0]![0];
  };
  const today = ms(opts.today);
  const past = (date: string) => ms(date) <= today;
  const ifPast = (date: string) => (past(date) ? date : null);

  const out: Journeys = {
    referral: [], assessment: [], strategy_discussion: [], s47_enquiry: [], initial_conference: [], cp_plan: [], cp_plan_review: [],
    cp_core_group: [], cp_visit: [], cin_plan: [], cla_episode: [], cla_review: [], health_assessment: [], place_of_concern: [],
    missing_episode: [], exploitation_assessment: [],
  };
  const places = PLACES.map(([name, locality]) => ({ id: uuid(), name, locality, postcode: null }));
  out.place_of_concern.push(...places);

  for (const child of children) {
    if (rand() > (opts.share ?? 0.85)) continue;
    const born = child.dateOfBirth ? ms(child.dateOfBirth) : null;
    const ageYears = born === null ? -0.3 : (today - born) / (365.25 * DAY);
    // Most journeys began within the last two years; pre-birth referrals a few months before the due date.
    const earliest = born === null ? today - 120 * DAY : Math.max(born, today - 730 * DAY);
    const referralCount = rand() < 0.22 ? 2 : 1;
    let start = earliest + rand() * Math.max(1, (today - earliest) * (referralCount === 2 ? 0.45 : 0.95));
    for (let r = 0; r < referralCount; r++) {
      if (start > today) break;
      const referralDate = iso(start);
      const referralId = uuid();
      const nfa = rand() < 0.07;
      const referral: Row = {
        id: referralId, child_id: child.id, referral_date: referralDate, referral_source: weighted(REFERRAL_SOURCES),
        primary_need: weighted(PRIMARY_NEED), referral_nfa: nfa, closure_date: null, closure_reason: null,
      };
      out.referral.push(referral);
      let lastEvent = referralDate;
      if (nfa) {
        referral.closure_date = referralDate;
        referral.closure_reason = 'RC8';
      } else {
        // Assessments: about one in eight goes past 45 working days.
        const assessmentStart = afterWorkingDays(referralDate, Math.floor(rand() * 3));
        const length = rand() < 0.12 ? 46 + Math.floor(rand() * 25) : 10 + Math.floor(rand() * 34);
        const authorised = afterWorkingDays(assessmentStart, length);
        out.assessment.push({
          id: uuid(), referral_id: referralId, start_date: assessmentStart, authorisation_date: ifPast(authorised),
          internal_review_date: null, child_seen: true,
          factors: Array.from(new Set(Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(FACTORS)))),
        });
        lastEvent = authorised;
        const protectionConcern = rand() < 0.18;
        if (protectionConcern && past(assessmentStart)) {
          const concern = afterWorkingDays(referralDate, Math.floor(rand() * 5));
          const held = afterWorkingDays(concern, rand() < 0.85 ? 1 : 2 + Math.floor(rand() * 3));
          const strategyId = uuid();
          out.strategy_discussion.push({ id: strategyId, referral_id: referralId, concern_date: concern, discussion_date: ifPast(held), s47_initiated: true, agencies_present: ['local_authority', 'police', 'health'] });
          if (past(held)) {
            const s47Id = uuid();
            const icpcTarget = afterWorkingDays(held, 15);
            const toConference = rand() < 0.55;
            out.s47_enquiry.push({ id: s47Id, referral_id: referralId, strategy_discussion_id: strategyId, start_date: held, initial_cpc_target: icpcTarget, icpc_not_required: !toConference, outcome_date: ifPast(afterWorkingDays(held, 8 + Math.floor(rand() * 8))) });
            if (toConference) {
              const conference = afterWorkingDays(held, rand() < 0.8 ? 8 + Math.floor(rand() * 8) : 16 + Math.floor(rand() * 10));
              if (past(conference)) {
                const planned = rand() < 0.8;
                out.initial_conference.push({ id: uuid(), referral_id: referralId, s47_enquiry_id: s47Id, conference_date: conference, resulted_in_plan: planned });
                if (planned) {
                  const planId = uuid();
                  const category = weighted(CATEGORY);
                  const planLength = 90 + rand() * 400;
                  const end = ms(conference) + planLength * DAY;
                  out.cp_plan.push({ id: planId, referral_id: referralId, start_date: conference, end_date: end <= today ? iso(end) : null, initial_category: category, latest_category: rand() < 0.9 ? category : weighted(CATEGORY), previous_plans: rand() < 0.2 ? 1 : 0 });
                  out.cp_core_group.push({ id: uuid(), cp_plan_id: planId, meeting_date: afterWorkingDays(conference, rand() < 0.9 ? 5 + Math.floor(rand() * 5) : 12) });
                  for (let review = ms(conference) + 91 * DAY; review < Math.min(end, today); review += 182 * DAY) {
                    out.cp_plan_review.push({ id: uuid(), cp_plan_id: planId, review_date: iso(review + Math.round(rand() * 6 - 3) * DAY) });
                  }
                  for (let visit = ms(conference) + 7 * DAY; visit < Math.min(end, today); visit += (10 + Math.floor(rand() * 8)) * DAY) {
                    out.cp_visit.push({ id: uuid(), cp_plan_id: planId, visit_date: iso(visit), seen_alone: rand() < 0.7 });
                  }
                  lastEvent = iso(Math.min(end, today));
                }
              }
            }
          }
        } else if (rand() < 0.35 && past(authorised)) {
          const planStart = afterWorkingDays(authorised, 2 + Math.floor(rand() * 10));
          const end = ms(planStart) + (60 + rand() * 300) * DAY;
          if (past(planStart)) out.cin_plan.push({ id: uuid(), referral_id: referralId, start_date: planStart, end_date: end <= today ? iso(end) : null });
          lastEvent = iso(Math.min(end, today));
        }
        // Episodes close a while after their last event, unless they are still open.
        const closes = ms(lastEvent) + (20 + rand() * 200) * DAY;
        const stillOpen = rand() < 0.3;
        if (!stillOpen && closes <= today) {
          referral.closure_date = iso(closes);
          referral.closure_reason = pick(['RC7', 'RC7', 'RC7', 'RC8', 'RC9', 'RC4', 'RC5']);
        }
      }
      start = ms(referral.closure_date as string | null ?? lastEvent) + (30 + rand() * 300) * DAY;
    }

    // Children in care: about one in twelve of those with journeys.
    if (ageYears >= 0 && rand() < 0.09) {
      const entered = today - rand() * Math.min(ageYears * 365.25, 1500) * DAY;
      const episodeStart = iso(entered);
      let episodeId = uuid();
      const legal = weighted([['V2', 35], ['C2', 35], ['C1', 20], ['E1', 5], ['L2', 5]]);
      const left = rand() < 0.25 ? entered + (30 + rand() * 400) * DAY : null;
      const placement = weighted([['U1', 20], ['U4', 25], ['U3', 10], ['U6', 5], ['K2', 10], ['R1', 8], ['H5', 2], ['P1', 5], ['A5', 3]]);
      out.cla_episode.push({
        id: episodeId, child_id: child.id, start_date: episodeStart, reason_new_episode: 'S', legal_status: legal, category_of_need: weighted([['N1', 65], ['N4', 10], ['N5', 10], ['N8', 10], ['N2', 5]]),
        placement_type: placement, placement_provider: weighted([['PR1', 60], ['PR4', 35], ['PR2', 5]]), end_date: left && left <= today ? iso(left) : null,
        reason_ceased: left && left <= today ? pick(['E13', 'E41', 'E45', 'E48', 'E11']) : null, reason_place_change: null,
        home_postcode: `NM${1 + Math.floor(rand() * 9)} ${Math.floor(rand() * 10)}AB`, placement_postcode: `NM${1 + Math.floor(rand() * 9)} ${Math.floor(rand() * 10)}XY`, urn: null,
      });
      // A change of placement for some who stayed in care.
      if (!left && rand() < 0.3) {
        const moved = entered + (60 + rand() * 300) * DAY;
        if (moved < today) {
          out.cla_episode.at(-1)!.end_date = iso(moved);
          out.cla_episode.at(-1)!.reason_ceased = 'X1';
          episodeId = uuid();
          out.cla_episode.push({ ...out.cla_episode.at(-1)!, id: episodeId, start_date: iso(moved), reason_new_episode: 'P', end_date: null, reason_ceased: null, placement_type: pick(['U1', 'U4', 'K2']), reason_place_change: pick(['CARPL', 'CHILD', 'LAREQ', 'PLACE']) });
        }
      }
      const careEnds = left && left <= today ? left : today;
      const firstReview = entered + (rand() < 0.85 ? 14 + rand() * 12 : 30 + rand() * 10) * DAY;
      for (let review = firstReview, n = 0; review < careEnds; review += (n === 0 ? 91 : 182) * DAY, n++) {
        out.cla_review.push({ id: uuid(), child_id: child.id, review_date: iso(review), review_code: pick(['PN1', 'PN1', 'PN1', 'PN2', 'PN3', 'PN0']) });
      }
      const initialHealth = entered + (rand() < 0.7 ? 10 + rand() * 16 : 30 + rand() * 30) * DAY;
      if (initialHealth < careEnds) {
        out.health_assessment.push({ id: uuid(), child_id: child.id, kind: 'initial', assessment_date: iso(initialHealth) });
        for (let review = initialHealth + (ageYears < 5 ? 182 : 365) * DAY; review < careEnds; review += (ageYears < 5 ? 182 : 365) * DAY) {
          out.health_assessment.push({ id: uuid(), child_id: child.id, kind: 'review', assessment_date: iso(review + Math.round(rand() * 40 - 10) * DAY) });
        }
      }
    }

    // Teenagers at risk outside the home: missing episodes, some repeated, and exploitation assessments.
    if (ageYears >= 11 && rand() < 0.18) {
      const place = rand() < 0.6 ? pick(places).id : null;
      const episodes = rand() < 0.4 ? 3 + Math.floor(rand() * 4) : 1 + Math.floor(rand() * 2);
      let when = today - rand() * 330 * DAY;
      for (let i = 0; i < episodes && when < today; i++) {
        const startedAt = when + (14 + rand() * 9) * 3_600_000;
        const returnedAt = startedAt + (2 + rand() * 70) * 3_600_000;
        const returned = returnedAt < today;
        const offered = returned && rand() < 0.9 ? returnedAt + (rand() < 0.8 ? 10 + rand() * 55 : 75 + rand() * 60) * 3_600_000 : null;
        out.missing_episode.push({
          id: uuid(), child_id: child.id, missing_type: rand() < 0.75 ? 'M' : 'A', start_date: iso(startedAt), started_at: new Date(startedAt),
          end_date: returned ? iso(returnedAt) : null, returned_at: returned ? new Date(returnedAt) : null,
          return_interview_offered_at: offered && offered < today ? new Date(offered) : null,
          return_interview_accepted: offered && offered < today ? rand() < 0.6 : null,
          return_interview_at: null, place_of_concern_id: rand() < 0.7 ? place : null,
        });
        when = returnedAt + (5 + rand() * 60) * DAY;
      }
      if (rand() < 0.6) {
        out.exploitation_assessment.push({
          id: uuid(), child_id: child.id, kind: rand() < 0.55 ? 'criminal' : 'sexual', assessment_date: iso(today - rand() * 300 * DAY),
          risk_level: weighted([['low', 40], ['medium', 40], ['high', 20]]) as 'low', place_of_concern_id: place,
        });
      }
    }
  }
  return out;
}
