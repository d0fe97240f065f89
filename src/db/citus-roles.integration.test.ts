import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../testing/test-db';
import { readSchema, roleOf, rolesTable, withRolesTable, type TableInfo } from './citus-roles';

// The schema is the same on both dialects: PGlite's migrated template is the cheap one to read.
describe('the Citus roles of docs/scaling.md', () => {
  let t: TestDb;
  let tables: TableInfo[];
  beforeAll(async () => {
    t = await createTestDb('pglite');
    tables = await readSchema(t.db);
  });
  afterAll(async () => { await t?.close(); });

  it('are the schema\'s as it is now (node --import tsx scripts/citus-roles.ts rewrites them)', () => {
    const doc = fs.readFileSync(fileURLToPath(new URL('../../docs/scaling.md', import.meta.url)), 'utf8');
    expect(withRolesTable(doc, rolesTable(tables)), 'the table is out of date: run node --import tsx scripts/citus-roles.ts').toBe(doc);
  });

  it('distribute every table that holds a partnership\'s records, and say what has to change', () => {
    const child = tables.find((x) => x.name === 'child')!;
    expect(roleOf(child, tables).role).toBe('distributed');
    // A table hanging off a partnership's records with no partnership_id of its own must gain one.
    const teamMember = tables.find((x) => x.name === 'team_member')!;
    expect(teamMember.partnershipColumn).toBeNull();
    expect(roleOf(teamMember, tables).role).toBe('distributed');
    const table = rolesTable(tables);
    expect(table).toMatch(/^\| team_member \| distributed by partnership_id, colocated \| add partnership_id;/m);
    expect(table).toMatch(/^\| referral \| distributed by partnership_id, colocated \| .*unique referral_natural_key \(child_id, referral_date\) \+ partnership_id/m);
    expect(table).toMatch(/^\| app_user \| reference \(on every node\) \|/m);
    expect(table).toMatch(/^\| session \| coordinator only \(local\) \|/m);
    // No reference table may point at a distributed one.
    expect(table).not.toContain('not allowed');
  });
});
