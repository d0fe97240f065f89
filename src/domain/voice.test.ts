import { describe, expect, it } from 'vitest';
import { consentStopsUse, mayBePublished, needsConsent, publicationBlockers, splitQuotes, takesRespondents, VOICE_KINDS } from './voice';

describe('the voice of the child', () => {
  it('publishes only what consent allows and what is anonymised, saying why not', () => {
    expect(publicationBlockers({ consent: 'not_needed', anonymised: true })).toEqual([]);
    expect(publicationBlockers({ consent: 'given', anonymised: true })).toEqual([]);
    expect(publicationBlockers({ consent: 'given', anonymised: false })).toEqual(['not anonymised']);
    expect(publicationBlockers({ consent: 'not_needed', anonymised: false })).toEqual(['not anonymised']);
    expect(publicationBlockers({ consent: 'refused', anonymised: true })).toEqual(['consent refused']);
    expect(publicationBlockers({ consent: 'withdrawn', anonymised: false })).toEqual(['consent withdrawn', 'not anonymised']);
    expect(mayBePublished({ consent: 'withdrawn', anonymised: true })).toBe(false);
    expect(mayBePublished({ consent: 'given', anonymised: true })).toBe(true);
  });

  it('asks consent for one child’s words and a count of those who answered for the views of many', () => {
    expect(VOICE_KINDS.filter(needsConsent)).toEqual(['quote', 'case_study']);
    expect(VOICE_KINDS.filter(takesRespondents)).toEqual(['participation_group', 'survey', 'consultation']);
    expect(['not_needed', 'given', 'refused', 'withdrawn'].filter((c) => consentStopsUse(c as never))).toEqual(['refused', 'withdrawn']);
  });

  it('splits a quote entry into its quotes, one a line, without list marks or the recorder’s quotation marks', () => {
    expect(splitQuotes('“They love me.”\r\n- We have fun together.\n\n  * "I feel safe with them."\n• Don’t embarrass me.')).toEqual([
      'They love me.', 'We have fun together.', 'I feel safe with them.', 'Don’t embarrass me.',
    ]);
    expect(splitQuotes('  \n ')).toEqual([]);
  });
});
