import { describe, expect, it } from 'vitest';
import { indicatorSentence, lowerCaseName, partnerMeasureSentence, subject } from './narrative';

describe('narrative sentences', () => {
  it('says a fall, a rise and no change in the seed report’s words', () => {
    expect(partnerMeasureSentence('Number of Missing Children Reports', 370, 389))
      .toBe('The number of missing children reports fell to 370 in the last 12 months compared with 389 in the previous 12 months, a fall of 4.9%.');
    expect(partnerMeasureSentence('Number of Missing Children', 154, 137))
      .toBe('The number of missing children rose to 154 in the last 12 months compared with 137 in the previous 12 months, a rise of 12.4%.');
    expect(partnerMeasureSentence('Number of Repeat Missing Children', 92, 92))
      .toBe('The number of repeat missing children stayed at 92 in the last 12 months, the same as in the previous 12 months.');
  });

  it('gives no percentage for a rise from nothing', () => {
    expect(partnerMeasureSentence('Number of Referrals to the Child Sexual Abuse Hub', 27, 0))
      .toBe('The number of referrals to the child sexual abuse hub rose to 27 in the last 12 months compared with 0 in the previous 12 months.');
  });

  it('lower-cases Title Case words and keeps acronyms', () => {
    expect(lowerCaseName('Number of Non-Familial Sexual Crimes - Child Victim')).toBe('number of non-familial sexual crimes - child victim');
    expect(lowerCaseName('Number of ICPCs Attended by Police')).toBe('number of ICPCs attended by police');
    expect(lowerCaseName('A&E Attendances for Self-Harm in Category A')).toBe('A&E attendances for self-harm in category A');
    expect(lowerCaseName("Referrals to Children's Social Care from NHS Trusts")).toBe("referrals to children's social care from NHS trusts");
    expect(subject('Number of Child Protection Crime (excluding Domestic Abuse Crimes)')).toBe('The number of child protection crime (excluding domestic abuse crimes)');
    expect(subject('Child Victims of Crimes')).toBe('The number of child victims of crimes');
  });

  it('speaks of an indicator in its own periods, a percentage changing by points', () => {
    const periodText = { current: 'in 2024-25', previous: 'in 2023-24' };
    expect(indicatorSentence('Referrals', 1024, 980, { periodText }))
      .toBe('The number of referrals rose to 1024 in 2024-25 compared with 980 in 2023-24, a rise of 4.5%.');
    expect(indicatorSentence('Re-referral rate', 18.25, 21.4, { periodText, kind: 'percent' }))
      .toBe('The re-referral rate fell to 18.3% in 2024-25 compared with 21.4% in 2023-24, a fall of 3.2 percentage points.');
    expect(indicatorSentence('Assessments within 45 working days', 85, 85, { periodText, kind: 'percent' }))
      .toBe('The percentage of assessments within 45 working days stayed at 85.0% in 2024-25, the same as in 2023-24.');
    expect(indicatorSentence('Referral rate', 512.3, 498.75, { periodText, kind: 'rate_per_10k' }))
      .toBe('The referral rate rose to 512.3 in 2024-25 compared with 498.8 in 2023-24, a rise of 2.7%.');
    expect(indicatorSentence('Children looked after', null, 300)).toBe('The number of children looked after in the last 12 months is not known.');
    expect(indicatorSentence('Children looked after', 310, null)).toBe('The number of children looked after was 310 in the last 12 months; the figure in the previous 12 months is not known.');
  });
});
