import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonParts } from '../domain/london';
import { createActions } from '../features/actions/actions.service';
import { addDays } from '../features/actions/tracker.service';
import { addAgency } from '../features/agencies/agencies.service';
import { addUser } from '../features/users/users.service';
import { runCli } from '../testing/cli';
import { createTestApp, type TestApp } from '../testing/test-app';
import { dialects } from '../testing/test-db';

describe.each(dialects())('beacon export actions (%s)', (dialect) => {
  let t: TestApp;
  let dir: string;
  let police: number;
  let group: number;
  const today = londonParts(new Date()).date;
  const cli = (args: string[]) => runCli(async (fn) => fn({ db: t.db, dialect, describe: 'test', close: async () => {} }), args);

  beforeAll(async () => {
    t = await createTestApp(dialect);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-actions-'));
    const a = t.fixture.a.id;
    const council = t.fixture.a.agencyId;
    police = (await addAgency(t.db, a, { name: 'Alpha Police', type: 'police' })).id;
    const lead = await addUser(t.db, a, { email: 'lead@police.test', name: 'DI Jane Cole', agencyId: police, roles: ['agency_lead'] });
    group = (await t.db.insertInto('assurance_group').values({ partnership_id: a, name: 'Neglect Working Group', kind: 'working_group' }).returning('id').executeTakeFirstOrThrow()).id;
    const ids = await createActions(t.db, a, [
      { source: 'review', sourceId: 'r1', reference: 'RR 2026/01 R3', description: 'Police attend, every strategy discussion', ownerAgencyId: police, ownerUserId: lead.id, groupId: group, dueDate: addDays(today, -10) },
      { source: 'section_11', reference: 'S11 Council 2', description: 'Supervision "records" audited', ownerAgencyId: council, ownerName: 'Head of QA', dueDate: addDays(today, 5) },
      { source: 'other', reference: '+Dev day 1', description: '=SUM(A1:A9)', ownerAgencyId: council, groupId: group, dueDate: addDays(today, 60) },
      { source: 'inspection', reference: 'ILACS 1', description: 'Front door audits', ownerAgencyId: council, dueDate: '2026-04-30' },
      { source: 'meeting', reference: 'Exec 4', description: 'Withdrawn', ownerAgencyId: police, dueDate: '2026-05-01' },
    ], null, new Date());
    await t.db.updateTable('action').set({ status: 'completed', evidence: 'Done', completed_at: new Date() }).where('id', '=', ids[3]!).execute();
    await t.db.updateTable('action').set({ status: 'cancelled' }).where('id', '=', ids[4]!).execute();
    await createActions(t.db, t.fixture.b.id, [{ source: 'review', reference: 'BETA 1', description: 'Not Alpha’s', ownerAgencyId: t.fixture.b.agencyId, dueDate: today }], null, new Date());
  });
  afterAll(async () => { await t?.close(); fs.rmSync(dir, { recursive: true, force: true }); });

  const ALL = [
    'source,reference,action,owner_agency,owner,due,status,rag',
    `review,RR 2026/01 R3,"Police attend, every strategy discussion",Alpha Police,DI Jane Cole,${addDays(today, -10)},open,red`,
    `section_11,S11 Council 2,"Supervision ""records"" audited",Alpha Partnership Council,Head of QA,${addDays(today, 5)},open,amber`,
    `other,'+Dev day 1,'=SUM(A1:A9),Alpha Partnership Council,,${addDays(today, 60)},open,green`,
    'inspection,ILACS 1,Front door audits,Alpha Partnership Council,,2026-04-30,completed,blue',
    'meeting,Exec 4,Withdrawn,Alpha Police,,2026-05-01,cancelled,none',
  ];

  it('writes the partnership’s actions as CSV with exactly the agreed columns, codes and dates, safe to open in a spreadsheet', async () => {
    const r = await cli(['export', 'actions', '--la', '801', '--format', 'csv']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${ALL.join('\r\n')}\r\n`);
    expect(r.stdout).not.toContain('BETA 1');
    // CSV is the default format.
    expect((await cli(['export', 'actions', '--la', '801'])).stdout).toBe(r.stdout);
    const audit = await t.db.selectFrom('audit_event').select(['detail', 'partnership_id']).where('action', '=', 'action.export').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ partnership_id: t.fixture.a.id, detail: { format: 'csv', rows: 5 } });
  });

  it('filters by status, agency (by name or id) and group', async () => {
    const lines = async (...args: string[]) => (await cli(['export', 'actions', '--la', '801', ...args])).stdout.trimEnd().split('\r\n');
    expect(await lines('--status', 'open')).toEqual(ALL.slice(0, 4));
    expect(await lines('--agency', 'alpha police')).toEqual([ALL[0], ALL[1], ALL[5]]);
    expect(await lines('--agency', String(police), '--status', 'cancelled')).toEqual([ALL[0], ALL[5]]);
    expect(await lines('--group', 'Neglect Working Group')).toEqual([ALL[0], ALL[1], ALL[3]]);
    expect(await lines('--group', String(group), '--agency', 'Alpha Police')).toEqual([ALL[0], ALL[1]]);
    expect(await lines('--status', 'in_progress')).toEqual([ALL[0]]);
  });

  it('writes JSON with the same fields', async () => {
    const r = await cli(['export', 'actions', '--la', '801', '--format', 'json', '--status', 'completed']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ source: 'inspection', reference: 'ILACS 1', action: 'Front door audits', owner_agency: 'Alpha Partnership Council', owner: '', due: '2026-04-30', status: 'completed', rag: 'blue' }]);
  });

  it('writes to a file only once it is complete, and says so', async () => {
    const file = path.join(dir, 'actions.csv');
    const r = await cli(['export', 'actions', '--la', '801', '--out', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Wrote 5 actions of Alpha Partnership to ${file}\n`);
    expect(fs.readFileSync(file, 'utf8')).toBe(`${ALL.join('\r\n')}\r\n`);
    expect(fs.readdirSync(dir)).toEqual(['actions.csv']);
  });

  it('exits 2 naming the option for an unknown partnership, status, agency, group or format, and writes nothing', async () => {
    const file = path.join(dir, 'bad.csv');
    const cases: [string[], string][] = [
      [['--la', '999'], 'Error: --la: no partnership has LA code 999 (see: beacon partnership list)'],
      [['--la', 'x1'], 'Error: --la must be a 3-digit DfE local authority code, not "x1"'],
      [['--la', '801', '--status', 'done'], 'Error: --status must be one of open, in_progress, completed, cancelled, not "done"'],
      [['--la', '801', '--agency', 'Beta Partnership Council'], 'Error: --agency: no agency "Beta Partnership Council" works with Alpha Partnership (give its name or id)'],
      [['--la', '801', '--group', 'Exploitation'], 'Error: --group: Alpha Partnership has no group "Exploitation" (give its name or id)'],
      [['--la', '801', '--format', 'xlsx'], 'Error: --format must be csv or json, not "xlsx"'],
    ];
    for (const [args, message] of cases) {
      const r = await cli(['export', 'actions', ...args, '--out', file]);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 2, stderr: `${message}\n` });
    }
    expect(fs.existsSync(file)).toBe(false);
  });
});
