import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type Client, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';

const child = (over: Record<string, string | string[]> = {}) => ({
  first_name: 'Maya', last_name: 'Okafor', la_child_id: 'C1001', 'date_of_birth-day': '4', 'date_of_birth-month': '3', 'date_of_birth-year': '2015',
  sex: 'F', ethnicity: 'BAFR', upn: 'Q823456789012', nhs_number: '943 476 5919', ...over,
});

describe.each(dialects())('a child’s details (%s)', (dialect) => {
  let t: TestApp;
  let sw: Client;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    sw = await signIn(t, 'social_worker@a.test');
  });
  afterAll(async () => { await t?.close(); });

  const add = async (form: Record<string, string | string[]>) => {
    await sw.get('/children/new');
    return sw.post('/children/new', form);
  };

  it('checks identifiers as the census does and names each wrong field', async () => {
    const res = await add(child({ upn: 'R823456789012', nhs_number: '9434765918', la_child_id: 'C-1', sex: 'X' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('UPN invalid (wrong check letter at character 1)');
    expect(res.body).toContain('Enter a valid NHS number');
    expect(res.body).toContain('LA child ID must contain only letters and numbers');
    for (const href of ['#upn', '#nhs_number', '#la_child_id', '#sex']) expect(res.body).toContain(`href="${href}"`);
    const both = await add(child({ 'expected_birth_date-day': '1', 'expected_birth_date-month': '9', 'expected_birth_date-year': '2026' }));
    expect(both.body).toContain('but not both');
    const unborn = await add(child({ 'date_of_birth-day': '', 'date_of_birth-month': '', 'date_of_birth-year': '', 'expected_birth_date-day': '1', 'expected_birth_date-month': '9', 'expected_birth_date-year': '2026', sex: 'F', upn: '', nhs_number: '' }));
    expect(unborn.body).toContain('Sex must be U for an unborn child');
  });

  it('adds a child with tidied identifiers, and warns before adding a likely duplicate', async () => {
    const res = await add(child({ upn: 'q823456789012' }));
    expect(res.statusCode).toBe(302);
    const saved = await t.db.selectFrom('child').selectAll().where('la_child_id', '=', 'C1001').executeTakeFirstOrThrow();
    expect(saved).toMatchObject({ upn: 'Q823456789012', nhs_number: '9434765919', sex: 'F', partnership_id: t.fixture.a.id });
    const again = await add(child({ la_child_id: 'C1002', first_name: 'Maia', upn: '', nhs_number: '' }));
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('This child may already be recorded');
    expect(again.body).toContain('same date of birth, similar name');
    const confirmed = await sw.post('/children/new', child({ la_child_id: 'C1002', first_name: 'Maia', upn: '', nhs_number: '', confirmDifferent: 'yes' }));
    expect(confirmed.statusCode).toBe(302);
    const sameId = await add(child({ first_name: 'Zed', last_name: 'Other', upn: '', nhs_number: '', 'date_of_birth-year': '2011' }));
    expect(sameId.body).toContain('Another child already has this LA child ID');
  });

  it('edits the details, refusing a stale version and keeping both in view', async () => {
    const { id } = await t.db.selectFrom('child').select('id').where('la_child_id', '=', 'C1001').executeTakeFirstOrThrow();
    const other = await signIn(t, 'team_manager@a.test');
    await sw.get(`/children/${id}/details`);
    await other.get(`/children/${id}/details`);
    expect((await other.post(`/children/${id}/details`, child({ version: '1', locality: 'North' }))).statusCode).toBe(302);
    const stale = await sw.post(`/children/${id}/details`, child({ version: '1', locality: 'South' }));
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('Someone else saved this record after you opened it');
    expect(stale.body).toMatch(/Locality<\/td>\s*<td[^>]*>\s*North\s*<\/td>\s*<td[^>]*>\s*South/);
    // So is a version no record can have, never a database error.
    for (const version of ['abc', '4e-323', '1e30']) expect((await sw.post(`/children/${id}/details`, child({ version, locality: 'East' }))).statusCode, version).toBe(409);
    const audit = await t.db.selectFrom('audit_event').select('action').where('record_id', '=', id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['child.create', 'child.read', 'child.update', 'child.update_conflict']));
  });
});
