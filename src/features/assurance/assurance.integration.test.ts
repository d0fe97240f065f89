import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgency } from '../agencies/agencies.service';
import { createActions } from '../actions/actions.service';
import { createTestApp, signIn, type TestApp, addTestPerson } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';

describe.each(dialects())('the assurance hub (%s)', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    t.clock.current = new Date('2026-06-10T09:00:00Z');
    const a = t.fixture.a;
    const police = await addAgency(t.db, a.id, { name: 'Alpha Police', type: 'police' });
    await addTestPerson(t.db, a.id, { email: 'lead@police.test', name: 'Police Lead', agencyId: police.id, roles: ['agency_lead'] });
    const action = { source: 'other' as const, reference: 'DD 1', description: 'An action' };
    await createActions(t.db, a.id, [
      { ...action, ownerAgencyId: police.id, dueDate: '2026-06-01' },
      { ...action, ownerAgencyId: police.id, dueDate: '2026-06-20' },
      { ...action, ownerAgencyId: a.agencyId, dueDate: '2026-09-01' },
    ], null, t.clock.now());
    // Another partnership's overdue action counts nowhere here.
    await createActions(t.db, t.fixture.b.id, [{ ...action, ownerAgencyId: t.fixture.b.agencyId, dueDate: '2026-01-01' }], null, t.clock.now());
  });
  afterAll(async () => { await t?.close(); });

  const valueOf = (html: string, key: string) => {
    const m = new RegExp(`${key}</dt><dd class="govuk-summary-list__value">(.*?)</dd>`).exec(html);
    return m?.[1]?.replace(/<[^>]+>/g, '');
  };

  it('gives the business manager the partnership’s open, overdue and due-soon actions', async () => {
    const res = await (await signIn(t, 'business_manager@a.test')).get('/assurance');
    expect(res.statusCode).toBe(200);
    expect(valueOf(res.body, 'Open')).toBe('3');
    expect(valueOf(res.body, 'Overdue')).toBe('1');
    expect(valueOf(res.body, 'Due in the next 14 days')).toBe('1');
    expect(res.body).not.toContain('Waiting for');
  });

  it('tells an agency’s lead what their agency owes', async () => {
    const res = await (await signIn(t, 'lead@police.test')).get('/assurance');
    expect(res.statusCode).toBe(200);
    expect(valueOf(res.body, 'Open for Alpha Police')).toBe('2');
    expect(res.body).toContain('Waiting for Alpha Police');
    expect(res.body).toMatch(/1 overdue action<\/a>/);
  });
});
