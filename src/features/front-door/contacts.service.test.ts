import { describe, expect, it } from 'vitest';
import { contactProblems, decisionDueAt, type ContactInput } from './contacts.service';

describe('the decision clock', () => {
  const due = (iso: string) => decisionDueAt(new Date(iso)).toISOString();

  it('is due the next working day at the same London clock time', () => {
    expect(due('2026-11-27T15:00:00Z')).toBe('2026-11-30T15:00:00.000Z'); // Friday to Monday, GMT
    expect(due('2026-07-03T14:00:00Z')).toBe('2026-07-06T14:00:00.000Z'); // 15:00 BST
    expect(due('2026-11-28T10:30:00Z')).toBe('2026-11-30T10:30:00.000Z'); // received on a Saturday
  });

  it('skips bank holidays and keeps the wall clock across a change of the clocks', () => {
    expect(due('2026-12-24T10:00:00Z')).toBe('2026-12-29T10:00:00.000Z'); // Christmas Day and the Boxing Day substitute
    expect(due('2026-03-27T09:00:00Z')).toBe('2026-03-30T08:00:00.000Z'); // 09:00 GMT on Friday, 09:00 BST on Monday
  });
});

describe('a contact checked', () => {
  const now = new Date('2026-11-24T12:00:00Z');
  const good: ContactInput = {
    children: [{ firstName: 'Ava', lastName: 'Stone', dateOfBirth: '2017-05-02' }],
    source: '6', reason: 'Police attended a domestic incident.', receivedAt: new Date('2026-11-24T09:10:00Z'),
    domesticAbuse: true, consent: 'not_sought', consentNotSoughtReason: 'Seeking consent would put the child at risk', lawfulBasis: 'DPA 2018 Sch 1 para 18',
  };

  it('passes a good contact', () => {
    expect(contactProblems(good, now)).toEqual([]);
  });

  it('names every bad field', () => {
    const fields = contactProblems({
      ...good, children: [{ firstName: ' ', lastName: 'Stone', dateOfBirth: '2030-01-01' }], source: '99', reason: '',
      receivedAt: new Date('2026-11-25T12:00:00Z'), consentNotSoughtReason: null, schoolNote: 'x', domesticAbuse: false,
      referrer: { email: 'not an email' },
    }, now).map((e) => e.field);
    expect(fields).toEqual(['children.0.firstName', 'children.0.dateOfBirth', 'source', 'reason', 'receivedAt', 'referrer.email', 'schoolNote', 'consentNotSoughtReason']);
    expect(contactProblems({ ...good, children: [] }, now).map((e) => e.field)).toEqual(['children']);
    // Two addresses in one, or a display name: the mailer would refuse them, so the form does first.
    for (const email of ['a,b@c.org', 'Jo <jo@c.org>', 'jo@c.org\r\nBcc: x@y.org']) {
      expect(contactProblems({ ...good, referrer: { email } }, now).map((e) => e.field), email).toEqual(['referrer.email']);
    }
  });
});
