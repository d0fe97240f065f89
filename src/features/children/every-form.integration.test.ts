import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesFor, collectionYearOf } from '../../domain/codes';
import { createTestApp, signIn, type Client, type TestApp } from '../../testing/test-app';
import { dialects } from '../../testing/test-db';
import { RECORD_TYPES, type RecordType } from './records.schema';

/**
 * Every record type's form, tried as a person would: a complete, sensible submission is saved and
 * shows in the chronology; the same submission with its main date in the future is refused, naming
 * the field, and saves nothing.
 */

const DAY = '2026-05-11';

/** A complete, valid form for a record type, made from its field definitions. */
function goodForm(def: RecordType, when: string): Record<string, string | string[]> {
  const [y, m, d] = when.split('-');
  const form: Record<string, string | string[]> = {};
  for (const f of def.fields) {
    if (f.kind === 'date') Object.assign(form, { [`${f.name}-day`]: String(Number(d)), [`${f.name}-month`]: String(Number(m)), [`${f.name}-year`]: y! });
    else if (f.kind === 'datetime') Object.assign(form, { [`${f.name}-date`]: `${Number(d)}/${Number(m)}/${y}`, [`${f.name}-time`]: '10:00' });
    else if (f.kind === 'code') form[f.name] = codesFor(f.list, collectionYearOf(when)).find((c) => !['RC1', 'RC2'].includes(c.code))!.code;
    else if (f.kind === 'codes') form[f.name] = [codesFor(f.list, collectionYearOf(when))[0]!.code];
    else if (f.kind === 'boolean') form[f.name] = f.name === 'icpc_not_required' ? 'no' : 'yes';
    else if (f.kind === 'choice') form[f.name] = f.options[0]!.value;
    else if (f.kind === 'number') form[f.name] = String(f.min);
    else form[f.name] = f.name.includes('postcode') ? 'NM1 2AB' : 'ABC';
  }
  return form;
}

describe.each(dialects())('every record form (%s)', (dialect) => {
  let t: TestApp;
  let sw: Client;
  const parents: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestApp(dialect);
    sw = await signIn(t, 'social_worker@a.test');
    const { a } = t.fixture;
    // A referral with a conference and a protection plan, for the records that hang from them.
    const referral = await t.db.insertInto('referral').values({ partnership_id: a.id, child_id: a.childId, referral_date: '2026-01-05' }).returning('id').executeTakeFirstOrThrow();
    await t.db.insertInto('initial_conference').values({ partnership_id: a.id, referral_id: referral.id, conference_date: '2026-01-20' }).execute();
    const plan = await t.db.insertInto('cp_plan').values({ partnership_id: a.id, referral_id: referral.id, start_date: '2026-01-20', initial_category: 'NEG' }).returning('id').executeTakeFirstOrThrow();
    parents.referral = referral.id;
    parents.cp_plan = plan.id;
  });
  afterAll(async () => { await t?.close(); });

  for (const def of RECORD_TYPES) {
    it(`${def.title}: saves a good form and refuses a future date`, async () => {
      const url = `/children/${t.fixture.a.childId}/records/${def.type}/new`;
      const parentId: Record<string, string> = def.parent === 'child' ? {} : { parentId: parents[def.parent]! };
      // A child in need plan cannot overlap the protection plan: it gets dates before it.
      const when = def.type === 'cin_plan' ? '2026-01-06' : def.type === 'cp_plan' ? '2026-02-02' : DAY;
      if (def.type === 'cp_plan') {
        await t.db.insertInto('initial_conference').values({ partnership_id: t.fixture.a.id, referral_id: parents.referral!, conference_date: '2026-02-02' }).onConflict((oc) => oc.doNothing()).execute();
        await t.db.updateTable('cp_plan').set({ end_date: '2026-02-01' }).where('id', '=', parents.cp_plan!).execute();
      }
      const form = { ...goodForm(def, when), ...parentId };
      if (def.type === 'cin_plan') Object.assign(form, { 'end_date-day': '10', 'end_date-month': '1', 'end_date-year': '2026' });

      await sw.get(url);
      const bad = await sw.post(url, { ...form, ...goodDateIn(def, '2026-07-01') });
      expect(bad.statusCode, def.type).toBe(400);
      expect(bad.body).toContain('govuk-error-summary');
      const before = await t.db.selectFrom(def.type).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();

      const good = await sw.post(url, form);
      expect(good.statusCode, `${def.type}: ${(good.body.match(/<a href="#[^"]+">[^<]+<\/a>/g) ?? []).join(" ")}`).toBe(302);
      const after = await t.db.selectFrom(def.type).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n) + 1);
    });
  }
});

/** The record's main date moved to `when` (the future, for the refusal). */
function goodDateIn(def: RecordType, when: string): Record<string, string> {
  const [y, m, d] = when.split('-');
  const main = def.fields.find((f) => f.name === def.dateField)!;
  return main.kind === 'datetime'
    ? { [`${main.name}-date`]: `${Number(d)}/${Number(m)}/${y}` }
    : { [`${main.name}-day`]: String(Number(d)), [`${main.name}-month`]: String(Number(m)), [`${main.name}-year`]: y! };
}
