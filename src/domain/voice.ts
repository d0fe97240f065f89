/**
 * The voice of the child: what kinds of views are recorded, the themes they are tagged with, and the rule
 * that decides whether an entry may appear in the public annual report. Pure: no I/O.
 */

export const VOICE_KINDS = ['participation_group', 'survey', 'quote', 'case_study', 'consultation'] as const;
export type VoiceKindCode = (typeof VOICE_KINDS)[number];

export const VOICE_KIND_LABELS: Record<VoiceKindCode, string> = {
  participation_group: 'Participation group',
  survey: 'Survey',
  quote: 'Quote',
  case_study: 'Case study',
  consultation: 'Consultation',
};

/** One child's own words or story: their (or their parent's) consent is asked before it is used. */
const ONE_CHILD: ReadonlySet<VoiceKindCode> = new Set(['quote', 'case_study']);
export const needsConsent = (kind: VoiceKindCode): boolean => ONE_CHILD.has(kind);
/** A count of those who answered belongs to views gathered from many; a quote or a story is one child's. */
export const takesRespondents = (kind: VoiceKindCode): boolean => !ONE_CHILD.has(kind);

/** Theme codes are stored with each entry: never rename one. */
export const VOICE_THEMES = {
  feeling_safe: 'Feeling safe',
  being_heard: 'Being listened to and heard',
  home_and_family: 'Home and family',
  education: 'School, college and learning',
  health_and_wellbeing: 'Health and emotional wellbeing',
  care_experience: 'Being in care',
  help_and_support: 'The help we get from professionals',
  online_safety: 'Staying safe online',
  exploitation: 'Exploitation and risks outside the home',
  participation: 'Taking part and having a say',
  leaving_care: 'Leaving care and becoming independent',
} as const;
export type VoiceTheme = keyof typeof VOICE_THEMES;
export const VOICE_THEME_CODES = Object.keys(VOICE_THEMES) as VoiceTheme[];
export const isVoiceTheme = (v: string): v is VoiceTheme => Object.hasOwn(VOICE_THEMES, v);

export const AGE_RANGES = ['under_8', '8_to_12', '13_to_15', '16_to_17', '18_to_25'] as const;
export type AgeRangeCode = (typeof AGE_RANGES)[number];
export const AGE_RANGE_LABELS: Record<AgeRangeCode, string> = {
  under_8: 'Under 8', '8_to_12': '8 to 12', '13_to_15': '13 to 15', '16_to_17': '16 to 17', '18_to_25': '18 to 25 (care leavers)',
};
/** As a report's sentence says it: "aged 13 to 15". */
export const AGE_RANGE_PHRASES: Record<AgeRangeCode, string> = {
  under_8: 'aged under 8', '8_to_12': 'aged 8 to 12', '13_to_15': 'aged 13 to 15', '16_to_17': 'aged 16 to 17', '18_to_25': 'aged 18 to 25',
};

export const CONSENT_STATES = ['not_needed', 'given', 'refused', 'withdrawn'] as const;
export type ConsentState = (typeof CONSENT_STATES)[number];
export const CONSENT_LABELS: Record<ConsentState, string> = {
  not_needed: 'Not needed', given: 'Given', refused: 'Refused', withdrawn: 'Withdrawn',
};
/** What a person recording a quote or case study can say of consent; "not needed" follows from the kind. */
export const CONSENT_ANSWERS = ['given', 'refused', 'withdrawn'] as const;

export const CONSENT_FROM = ['young_person', 'parent_carer', 'both'] as const;
export type ConsentFromCode = (typeof CONSENT_FROM)[number];
export const CONSENT_FROM_LABELS: Record<ConsentFromCode, string> = {
  young_person: 'The young person', parent_carer: 'Their parent or carer', both: 'Both',
};

/**
 * Why an entry may not appear in the public version of a report: none when it may. Views gathered from
 * many (a group's summary, a survey's results) need no one's consent; one child's words need consent given.
 * Either way the recorder must have confirmed that nothing in it identifies a child. Refusal and withdrawal
 * are final for publication, whatever the report.
 */
export function publicationBlockers(entry: { consent: ConsentState; anonymised: boolean }): string[] {
  const reasons: string[] = [];
  if (entry.consent === 'refused') reasons.push('consent refused');
  else if (entry.consent === 'withdrawn') reasons.push('consent withdrawn');
  if (!entry.anonymised) reasons.push('not anonymised');
  return reasons;
}

export const mayBePublished = (entry: { consent: ConsentState; anonymised: boolean }): boolean => publicationBlockers(entry).length === 0;

/** Consent refused or withdrawn: the entry may not be chosen into a report being drafted. */
export const consentStopsUse = (consent: ConsentState): boolean => consent === 'refused' || consent === 'withdrawn';

/** A quote entry's several quotes, one a line; list marks and the recorder's quotation marks are dropped. */
export function splitQuotes(body: string): string[] {
  return body.replace(/\r\n?/g, '\n').split('\n')
    .map((l) => l.trim().replace(/^[-•*]\s*/, '').replace(/^["“‘']+|["”’']+$/g, '').trim())
    .filter((l) => l !== '');
}

