import { describe, expect, it } from 'vitest';
import { BANDS, RATINGS, bandOf, isBelowGood, isLowest, isRatingOf, ratingText } from './ratings';
import { accessTo, answerProblems } from './returns.service';

describe('Section 11 ratings', () => {
  it('put both scales into the same three bands', () => {
    expect(RATINGS.rag.map(bandOf)).toEqual(['good', 'requires_improvement', 'inadequate']);
    expect(RATINGS.score.map(bandOf)).toEqual(['good', 'good', 'requires_improvement', 'inadequate']);
    expect(BANDS).toHaveLength(3);
    expect(['amber', 'red', '2', '1'].every((r) => isBelowGood(r as never))).toBe(true);
    expect(['green', '3', '4'].some((r) => isBelowGood(r as never))).toBe(false);
    expect(['red', '1'].every((r) => isLowest(r as never))).toBe(true);
    expect(isLowest('amber')).toBe(false);
    expect(ratingText('3')).toBe('3 Good');
    expect(ratingText('amber')).toBe('Amber');
    expect(isRatingOf('rag', '3')).toBe(false);
    expect(isRatingOf('score', '3')).toBe(true);
    expect(isRatingOf('score', 'green')).toBe(false);
  });

  it('say what stops a standard being submitted', () => {
    expect(answerProblems({ rating: null, evidence: 'x' }, 1)).toEqual(['select a rating']);
    expect(answerProblems({ rating: '3', evidence: ' ' }, 0)).toEqual(['give the evidence for the rating']);
    expect(answerProblems({ rating: 'amber', evidence: null }, 0)).toEqual(['give the evidence for the rating', 'add at least one action to improve']);
    expect(answerProblems({ rating: 'red', evidence: null }, 0)).toEqual(['add at least one action to improve']);
    expect(answerProblems({ rating: '1', evidence: null }, 1)).toEqual([]);
    expect(answerProblems({ rating: '4', evidence: 'Audited.' }, 0)).toEqual([]);
  });

  it('let the agency complete its own return, the manager and the peer agency challenge it, and no one else see it', () => {
    const ret = { agencyId: 1, peerAgencyId: 2 };
    const as = (agencyId: number, manage: boolean, contribute: boolean) => accessTo(ret, { userId: 9, agencyId, manage, contribute });
    expect(as(1, false, true)).toEqual({ view: true, edit: true, challenge: false, respond: true });
    expect(as(1, false, false)).toEqual({ view: true, edit: false, challenge: false, respond: false });
    expect(as(2, false, true)).toEqual({ view: true, edit: false, challenge: true, respond: false });
    expect(as(2, false, false)).toEqual({ view: false, edit: false, challenge: false, respond: false });
    expect(as(3, false, true)).toEqual({ view: false, edit: false, challenge: false, respond: false });
    expect(as(3, true, false)).toEqual({ view: true, edit: false, challenge: true, respond: false });
    expect(accessTo({ agencyId: 1, peerAgencyId: null }, { userId: 9, agencyId: 2, manage: false, contribute: true }).view).toBe(false);
  });
});
