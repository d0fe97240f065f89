import type { Db } from '../create-db';
import type { VoiceEntryInput } from '../../features/voice/voice.service';
import { chooseEntries, createEntry, withdrawConsent } from '../../features/voice/voice.service';
import { findReportForPeriod } from '../../features/annual-report/report.repository';
import { lastFinancialYearEnd } from './partner-data';

/**
 * Two years of what Northmere's children and young people told the partnership: the Children in Care
 * Council and the Care Leavers Forum, a junior participation group's answers to the questions it is asked
 * each term, surveys with how many answered, consultations, single quotes, and two case studies (one told
 * with consent and anonymised, one whose young person said no). One quote's consent was later withdrawn,
 * and one is waiting to be anonymised. Recorded through the service, so the demo obeys the same rules
 * (never a child's name). All of it invented.
 */

const SOCIAL_WORKER = 'social.worker@northmere.gov.uk';
const MANAGER = 'business.manager@northmere.gov.uk';

/** When, relative to the last financial year: the year before it, it, or the year since. */
type When = { year: 'before' | 'last' | 'current'; day: number };
type DemoEntry = Omit<VoiceEntryInput, 'collectedOn' | 'respondents' | 'consentRecordedOn' | 'consent' | 'consentFrom' | 'anonymised'> & {
  when: When;
  respondents?: number;
  by?: string;
  consent?: 'given' | 'refused';
  consentFrom?: VoiceEntryInput['consentFrom'];
  anonymised?: boolean;
  /** Consent withdrawn after it was given, with the reason recorded. */
  withdrawn?: string;
  /** Chosen into the last financial year's annual report, in this order. */
  chosen?: number;
};

const ENTRIES: DemoEntry[] = [
  { kind: 'participation_group', title: 'Children in Care Council: what taking part has changed', source: 'Children in Care Council',
    when: { year: 'last', day: 40 }, ageRange: '13_to_15', respondents: 14, themes: ['participation', 'being_heard', 'care_experience'], chosen: 1,
    body: 'The council met every month, with a bigger get-together each quarter at the leisure centre, with food and games. Members said they now see their ideas turn into changes, and that workers come back to tell them what happened.\n\n'
      + '- They rewrote the letter children get when they first come into care, so it sounds like it was written for a child.\n'
      + '- They asked for the same worker for longer: the council heard back from the service manager in person.\n'
      + '- They want more say in how their review meetings are run, and where.' },
  { kind: 'participation_group', title: 'Care Leavers Forum: the local offer', source: 'Care Leavers Forum',
    when: { year: 'last', day: 120 }, ageRange: '18_to_25', respondents: 9, themes: ['leaving_care', 'participation'], chosen: 2, by: MANAGER,
    body: 'The forum meets once a month over a hot meal at the civic centre. This year it went through the local offer for care leavers line by line.\n\n'
      + '- Say plainly what help there is with council tax and rent, and for how long.\n'
      + '- Put the personal adviser’s number at the top of every letter.\n'
      + '- Keep the drop-in on a weekday evening: most of us work or are at college in the day.' },
  { kind: 'quote', title: 'How do you feel about people at home?', source: 'Junior participation group',
    when: { year: 'last', day: 150 }, ageRange: '8_to_12', themes: ['home_and_family', 'feeling_safe'], consent: 'given', consentFrom: 'both', chosen: 3,
    body: 'They make me laugh every day.\nI can tell them anything.\nWe argue sometimes but we always sort it out.\nThey come to watch me at football.\nI feel safe when I’m with them.' },
  { kind: 'quote', title: 'What is the best way to help me?', source: 'Junior participation group',
    when: { year: 'last', day: 150 }, ageRange: '8_to_12', themes: ['help_and_support', 'being_heard'], consent: 'given', consentFrom: 'both', chosen: 4,
    body: 'Explain things to me properly.\nDon’t talk about me like I’m not in the room.\nRemember what I told you last time.\nGive me time to answer.\nLet me choose where we meet.' },
  { kind: 'quote', title: 'What is going well in your life?', source: 'Junior participation group',
    when: { year: 'last', day: 150 }, ageRange: '8_to_12', themes: ['health_and_wellbeing', 'education'], consent: 'given', consentFrom: 'both',
    body: 'My new school.\nSwimming club.\nMy best friend lives on my road now.\nI’m reading chapter books.' },
  { kind: 'quote', title: 'Is your voice being heard?', source: 'Children in Care Council',
    when: { year: 'last', day: 200 }, ageRange: '13_to_15', themes: ['being_heard', 'participation'], consent: 'given', consentFrom: 'young_person', chosen: 5,
    body: 'They actually wrote down what we said this time.\nIt feels like we matter more than before.\nYou can tell the staff are trying.' },
  { kind: 'survey', title: 'Year 9 wellbeing survey', source: 'Schools’ wellbeing survey',
    when: { year: 'last', day: 230 }, ageRange: '13_to_15', respondents: 486, themes: ['health_and_wellbeing', 'feeling_safe', 'online_safety', 'education'], chosen: 6,
    body: 'Nearly eight in ten said they feel safe at school most of the time, about the same as last year.\n\n'
      + 'Fewer than half said they would tell an adult at school if something upsetting happened online.\n\n'
      + '## What would help\n\n- More lessons about staying safe online that are not just about strangers.\n- Somewhere quiet to go at lunchtime.\n- Teachers who notice when someone is having a hard time.' },
  { kind: 'survey', title: 'Children in care: our annual survey', source: 'Children in care survey',
    when: { year: 'last', day: 260 }, ageRange: '8_to_12', respondents: 112, themes: ['care_experience', 'being_heard', 'help_and_support'], chosen: 7,
    body: 'Most said they know who their social worker is and how to reach them. A third said their worker had changed in the year, and those who had three or more workers said it made them less likely to share how they feel.\n\n'
      + '- Children want to be told before a worker leaves, not after.\n- Many asked for more time with brothers and sisters who live elsewhere.' },
  { kind: 'case_study', title: 'A young person’s story: from care to the forum', source: 'Care Leavers Forum',
    when: { year: 'last', day: 290 }, ageRange: '18_to_25', themes: ['leaving_care', 'participation', 'care_experience'], consent: 'given', consentFrom: 'young_person', chosen: 8,
    body: 'I moved into care in my early teens and then to the leaving care team at eighteen. My personal adviser told me about the forum and I went along mostly for the food.\n\n'
      + 'Over the year I helped rewrite the leaflet about money for care leavers and sat on two interview panels for new workers. The first time I hardly spoke; by the second I asked half of the questions.\n\n'
      + 'What helped most was meeting people who had been through the same things. I now live in my own flat and I am training to be a peer mentor for younger people in care.' },
  { kind: 'case_study', title: 'Support after exploitation', source: 'Exploitation team',
    when: { year: 'last', day: 300 }, ageRange: '16_to_17', themes: ['exploitation', 'help_and_support'], consent: 'refused', anonymised: false,
    body: 'A young person supported by the exploitation team over eight months, from first disclosure to a safe move out of the area. Kept for learning within the team only: the young person did not agree to it being shared.' },
  { kind: 'consultation', title: 'Child protection conferences: what young people want', source: 'Conference consultation',
    when: { year: 'last', day: 80 }, ageRange: '13_to_15', respondents: 11, themes: ['being_heard', 'help_and_support'], chosen: 9,
    body: 'Young people who had attended their own conference were asked how it felt.\n\n- Too many people in the room, most of whom they had never met.\n- They want to see the report before the meeting, not on the day.\n- Being able to speak to the chair alone first made a difference.' },
  { kind: 'quote', title: 'On having the same worker', source: 'Return home conversation',
    when: { year: 'last', day: 180 }, ageRange: '16_to_17', themes: ['help_and_support'], consent: 'given', consentFrom: 'young_person', anonymised: false, chosen: 10,
    body: 'I didn’t want another new worker, but she kept turning up, even when I didn’t.' },
  { kind: 'quote', title: 'What school should know', source: 'Young carers group',
    when: { year: 'last', day: 210 }, ageRange: '8_to_12', themes: ['education', 'home_and_family'], consent: 'given', consentFrom: 'parent_carer',
    withdrawn: 'The parent asked for it not to be used after all, when the family moved school.',
    body: 'I wish my teachers knew why I’m tired some mornings.' },
  { kind: 'participation_group', title: 'Young carers group: a year of sessions', source: 'Young carers group',
    when: { year: 'last', day: 330 }, ageRange: '8_to_12', respondents: 16, themes: ['home_and_family', 'health_and_wellbeing'],
    body: 'The group met after school every fortnight. Children said it was the one place where they did not have to explain themselves.\n\n- They asked for a card to show teachers so they do not have to tell their story again.\n- Days out in the holidays were the highlight.' },
  { kind: 'participation_group', title: 'Youth council: feeling safe in the town centre', source: 'Northmere Youth Council',
    when: { year: 'last', day: 100 }, ageRange: '13_to_15', respondents: 22, themes: ['feeling_safe', 'exploitation'],
    body: 'Members walked the town centre with police and council officers and marked where they feel unsafe after dark: the bus station underpass and the car park behind the shopping centre.\n\n'
      + 'They said older people offering lifts or free vapes near the bus station worry them more than anything else.' },
  { kind: 'survey', title: 'Return home conversations: what young people told us', source: 'Return home interviews',
    when: { year: 'last', day: 355 }, ageRange: '13_to_15', respondents: 63, themes: ['exploitation', 'feeling_safe', 'help_and_support'],
    body: 'Young people who had been missing were asked why they went and what would help.\n\n- Most went to be with friends or to get away from arguments at home.\n- Some said older people had given them money or places to stay.\n- They would rather talk to someone they already know than a stranger.' },
  { kind: 'consultation', title: 'Health assessments: what children in care want', source: 'Children in care nurses',
    when: { year: 'current', day: 45 }, ageRange: '8_to_12', respondents: 19, themes: ['health_and_wellbeing', 'care_experience'],
    body: 'Children said the health check feels like a test. They want to have it somewhere they know, with someone they have met, and to be asked what they want to talk about first.' },
  { kind: 'quote', title: 'Growing up in care', source: 'Children in Care Council',
    when: { year: 'current', day: 60 }, ageRange: '13_to_15', themes: ['care_experience', 'being_heard'], consent: 'given', consentFrom: 'young_person',
    body: 'My carers treat me like I belong there.\nI want a say in who I live with next.\nDon’t move me in the middle of exams.' },
  { kind: 'quote', title: 'Staying safe online', source: 'Primary school council',
    when: { year: 'current', day: 90 }, ageRange: '8_to_12', themes: ['online_safety'], consent: 'given', consentFrom: 'parent_carer', by: MANAGER,
    body: 'If something went wrong online I would tell my big sister first.\nSome games let anyone message you.' },
  { kind: 'participation_group', title: 'Care Leavers Forum: finding a home', source: 'Care Leavers Forum',
    when: { year: 'current', day: 120 }, ageRange: '18_to_25', respondents: 8, themes: ['leaving_care'],
    body: 'The forum talked about moving into a first home. Members want help to set up gas, electricity and internet before moving in, not after, and a starter pack that is the same for everyone.' },
  { kind: 'survey', title: 'Online safety survey: primary schools', source: 'Schools’ online safety survey',
    when: { year: 'before', day: 200 }, ageRange: '8_to_12', respondents: 620, themes: ['online_safety', 'education'],
    body: 'Two in three pupils in years 5 and 6 said they play games where strangers can message them. Most knew how to block someone, fewer knew how to report it.' },
  { kind: 'participation_group', title: 'Children in Care Council: the welcome pack', source: 'Children in Care Council',
    when: { year: 'before', day: 250 }, ageRange: '13_to_15', respondents: 12, themes: ['care_experience', 'participation'],
    body: 'The council designed a welcome pack for children coming into care: a map of the area, a list of who is who, and a note from another young person saying what helped them in the first week.' },
  { kind: 'consultation', title: 'Young people’s views on the exploitation strategy', source: 'Exploitation strategy consultation',
    when: { year: 'before', day: 300 }, ageRange: '16_to_17', respondents: 18, themes: ['exploitation', 'being_heard'],
    body: 'Young people said the draft strategy used words they would never use. They asked for it to talk about grooming, debt and fear, and to say what happens after someone tells.' },
];

/** The last complete financial year before today: 1 April to 31 March, as the partner data's demo has it. */
export function lastFinancialYear(today: string): { from: string; to: string } {
  const to = lastFinancialYearEnd(today);
  return { from: `${Number(to.slice(0, 4)) - 1}-04-01`, to };
}

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

function dateOf(when: When, today: string): string {
  const last = lastFinancialYear(today);
  const start = when.year === 'before' ? addDays(last.from, -365) : when.year === 'last' ? last.from : addDays(last.to, 1);
  const date = addDays(start, when.day);
  // Within the last two years, whenever in the year the demo is seeded.
  const earliest = addDays(today, -729);
  return date > today ? today : date < earliest ? earliest : date;
}

/** Records the demo's entries; returns their ids by title. */
export async function seedVoice(db: Db, opts: { partnershipId: number; today: string }): Promise<Map<string, string>> {
  const userId = async (email: string) => (await db.selectFrom('app_user').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  const people = new Map([[SOCIAL_WORKER, await userId(SOCIAL_WORKER)], [MANAGER, await userId(MANAGER)]]);
  const ids = new Map<string, string>();
  for (const e of ENTRIES) {
    const collectedOn = dateOf(e.when, opts.today);
    const by = people.get(e.by ?? SOCIAL_WORKER)!;
    const at = new Date(`${collectedOn}T15:00:00Z`);
    const id = await createEntry(db, opts.partnershipId, {
      kind: e.kind, title: e.title, body: e.body, source: e.source, collectedOn, ageRange: e.ageRange, respondents: e.respondents ?? null, themes: e.themes,
      consent: e.consent ?? 'not_needed', consentFrom: e.consent === 'given' ? e.consentFrom ?? 'young_person' : null,
      consentRecordedOn: e.consent ? collectedOn : null, anonymised: e.anonymised ?? true,
    }, by, at);
    if (e.withdrawn) await withdrawConsent(db, opts.partnershipId, id, e.withdrawn, by, new Date(`${addDays(collectedOn, 40) > opts.today ? opts.today : addDays(collectedOn, 40)}T10:00:00Z`));
    ids.set(e.title, id);
  }
  return ids;
}

/**
 * Chooses the demo's entries into the last financial year's annual report, in the order of `chosen`, if
 * the demo has that report and it is still being drafted; otherwise does nothing. Returns how many.
 */
export async function chooseDemoVoice(db: Db, opts: { partnershipId: number; today: string; entries: Map<string, string> }): Promise<number> {
  const period = lastFinancialYear(opts.today);
  const report = await findReportForPeriod(db, opts.partnershipId, period.from, period.to);
  if (!report || report.status !== 'drafting') return 0;
  const chosen = ENTRIES.filter((e) => e.chosen !== undefined).sort((a, b) => a.chosen! - b.chosen!).map((e) => opts.entries.get(e.title)!);
  return chooseEntries(db, opts.partnershipId, report.id, chosen, new Date(`${opts.today}T12:00:00Z`));
}
