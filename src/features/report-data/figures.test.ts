import { describe, expect, it } from 'vitest';
import {
  INTERNAL, PUBLIC, Ids, atEnd, inWords, longDate, partnerSentence, partnerTableBlock, pct, periodName, periodNoun, sentence, slug, yearBefore,
} from './figures';
import { pointsChange } from './data-tell-us';
import { told } from './reviews-audits';

describe('the report’s figures in words', () => {
  it('names periods, dates and the end of a period as the seed does', () => {
    expect(periodName('2025-04-01', '2026-03-31')).toBe('April 2025 to March 2026');
    expect(periodName('2025-04-03', '2026-03-15')).toBe('3 April 2025 to 15 March 2026');
    expect(periodName('2024-02-01', '2024-02-29')).toBe('February 2024 to February 2024');
    expect(longDate('2023-03-31')).toBe('31 March 2023');
    expect(atEnd('2026-03-31')).toBe('at the end of March 2026');
    expect(atEnd('2026-03-30')).toBe('on 30 March 2026');
    expect(periodNoun('2025-04-01', '2026-03-31')).toBe('the year');
    expect(periodNoun('2025-04-01', '2025-09-30')).toBe('the period');
  });

  it('goes back a year, February’s last day staying February’s last day', () => {
    expect(yearBefore('2026-03-31')).toBe('2025-03-31');
    expect(yearBefore('2024-02-29')).toBe('2023-02-28');
    expect(yearBefore('2025-02-28')).toBe('2024-02-29');
  });

  it('writes numbers up to ten in words, percentages without a needless .0, changes in points', () => {
    expect([0, 1, 2, 10, 11, 1260].map(inWords)).toEqual(['no', 'one', 'two', 'ten', '11', '1,260']);
    expect(told(1, 'rapid review', 'rapid reviews', ['was held', 'were held'])).toBe('one rapid review was held');
    expect(told(2, 'rapid review', 'rapid reviews', ['was held', 'were held'])).toBe('two rapid reviews were held');
    expect([85, 36.4, 12.5, 0].map(pct)).toEqual(['85%', '36.4%', '12.5%', '0%']);
    expect(pointsChange(12.5, 16.7)).toBe('-4.2 points');
    expect(pointsChange(20, 10)).toBe('+10.0 points');
    expect(pointsChange(3.3, 3.3)).toBe('0.0 points');
  });

  it('says a small count as “fewer than 6” in the public edition and marks the sentence, never in the internal one', () => {
    const build = (ed: typeof PUBLIC) => sentence('referrals', ed, (say) => `there ${say.one(3) ? 'was' : 'were'} ${say.count(3, 'referral', 'referrals')} and ${say.count(1024, 'contact', 'contacts')}`);
    expect(build(INTERNAL)).toEqual({ id: 'referrals', text: 'There were 3 referrals and 1,024 contacts' });
    expect(build(PUBLIC)).toEqual({ id: 'referrals', text: 'There were fewer than 6 referrals and 1,024 contacts', suppressed: true });
    expect(sentence('x', PUBLIC, (say) => `${say.count(0, 'child', 'children')} and ${say.count(1, 'child', 'children')}`))
      .toEqual({ id: 'x', text: 'No children and fewer than 6 children', suppressed: true });
    expect(sentence('x', PUBLIC, (say) => `${say.count(6, 'child', 'children')}`)).toEqual({ id: 'x', text: '6 children' });
  });

  it('prints a partner table as the seed does, and published hides a small figure with its change', () => {
    const rows = [{ measure: 'Number of Missing Children', current: 154, previous: 137 }, { measure: 'Number of Race Hate Crimes', current: 5, previous: 21 }];
    expect(partnerTableBlock('Missing Children (12 month rolling)', rows, INTERNAL)).toEqual({
      type: 'table', caption: 'Missing Children (12 month rolling)', head: ['Missing Children (12 month rolling)', 'Current', 'Previous', 'Chg', '% Chg'],
      rows: [['Number of Missing Children', '154', '137', '+17', '+12.4%'], ['Number of Race Hate Crimes', '5', '21', '-16', '-76.2%']],
      numeric: [false, true, true, true, true],
    });
    const published = partnerTableBlock('T', rows, PUBLIC, 'Source: the police');
    expect(published.rows[1]).toEqual(['Number of Race Hate Crimes', 'c', '21', 'c', 'c']);
    expect(published.note).toBe('Source: the police. c: a small number (1 to 5) not shown');
    expect(partnerSentence('a', rows[0]!, PUBLIC)).toEqual({ id: 'a',
      text: 'The number of missing children rose to 154 in the last 12 months compared with 137 in the previous 12 months, a rise of 12.4%.' });
    expect(partnerSentence('b', rows[1]!, PUBLIC)).toEqual({ id: 'b', suppressed: true,
      text: 'The number of race hate crimes was fewer than 6 in the last 12 months, compared with 21 in the previous 12 months.' });
  });

  it('makes ids from words, unique within a section', () => {
    expect(slug('Number of Child Protection Crime (excluding Domestic Abuse Crimes)')).toBe('number-of-child-protection-crime-excluding-domestic-abuse-crimes');
    expect(slug('A&E attendances')).toBe('a-and-e-attendances');
    const ids = new Ids();
    expect([ids.take('a', 'b'), ids.take('a', 'b'), ids.take('a', 'b'), ids.take('a')]).toEqual(['a', 'b', 'a-2', 'a-3']);
  });
});
