import { describe, expect, it } from 'vitest';
import { actionOf, contactInputOf, problemsOnPage, timeFrom } from './contact-form';

describe('the contact form read', () => {
  it('reads the button pressed', () => {
    expect(actionOf({})).toEqual({ kind: 'save' });
    expect(actionOf({ action: 'add-child' })).toEqual({ kind: 'add-child' });
    expect(actionOf({ action: 'find-2' })).toEqual({ kind: 'find', row: 2 });
    expect(actionOf({ action: 'clear-0' })).toEqual({ kind: 'clear', row: 0 });
    expect(actionOf({ action: 'find-x' })).toEqual({ kind: 'save' });
  });

  it('reads times of day as people type them', () => {
    expect(['14:05', '9.30', '0930', '24:00', '12:60', 'noon'].map(timeFrom)).toEqual(['14:05:00', '09:30:00', '09:30:00', null, null, null]);
  });

  it('leaves blank rows out, takes a chosen or matched child over typed names, and reads London time', () => {
    const input = contactInputOf({
      childCount: '3',
      'children-0-childId': '11111111-1111-1111-1111-111111111111', 'children-0-firstName': 'Ignored',
      'children-2-firstName': 'Leo', 'children-2-lastName': 'Stone', 'children-2-match': 'new',
      'receivedAt-day': '1', 'receivedAt-month': '12', 'receivedAt-year': '2026', 'receivedAt-time': '9:15',
      consent: 'given', source: '6', reason: 'x',
    });
    expect(input.children).toEqual([{ childId: '11111111-1111-1111-1111-111111111111' }, { firstName: 'Leo', lastName: 'Stone', dateOfBirth: null, confirmedNew: true }]);
    expect(input.receivedAt.toISOString()).toBe('2026-12-01T09:15:00.000Z');
    expect(input.urgency).toBe('routine');
  });

  it('names a problem by the input on the page, in the order of the page', () => {
    const form = { childCount: '3', 'children-1-firstName': 'A', 'children-2-lastName': 'B' };
    expect(problemsOnPage(form, [
      { field: 'source', message: 's' }, { field: 'children.1.firstName', message: 'f' }, { field: 'children.0.dateOfBirth', message: 'd' },
      { field: 'referrer.email', message: 'e' }, { field: 'receivedAt', message: 'r' },
    ]).map((p) => p.field)).toEqual(['children-1-dob-day', 'children-2-firstName', 'receivedAt-day', 'referrer-email', 'source']);
  });
});
