import type { Db } from '../create-db';
import { addMonths } from '../../domain/calendar';
import { createActions } from '../../features/actions/actions.service';

/** The partnership's groups as the seed report describes them, by short key for the other assurance seeds. */
const GROUPS = [
  { key: 'executive', name: 'Executive Board', kind: 'executive', remit: 'The three statutory partners: strategy, resources and independent scrutiny.' },
  { key: 'execs_plus', name: 'Executive and Subgroup Chairs', kind: 'executive', remit: 'Brings areas of concern and good practice from the subgroups to the Executive.' },
  { key: 'cspr', name: 'Child Safeguarding Practice Review Group', kind: 'subgroup', remit: 'Considers serious incident notifications, holds rapid reviews and commissions practice reviews.' },
  { key: 'learning', name: 'Learning and Development', kind: 'subgroup', remit: 'The multi-agency training programme and learning briefings from reviews and audits.' },
  { key: 'qa', name: 'Quality Assurance and Performance', kind: 'subgroup', remit: 'The dashboard, the multi-agency audit programme and Section 11.' },
  { key: 'comms', name: 'Communication and Engagement', kind: 'subgroup', remit: 'The website, newsletters and hearing from children and families.' },
  { key: 'exploitation', name: 'Exploitation and Contextual Safeguarding', kind: 'working_group', remit: 'Child sexual and criminal exploitation, missing children and places of concern.' },
  { key: 'neglect', name: 'Childhood Neglect', kind: 'working_group', remit: 'The neglect strategy, the strengths and needs toolkit and neglect audits.' },
] as const;
export type GroupKey = (typeof GROUPS)[number]['key'];
export type DemoGroups = Record<GroupKey, number>;

/**
 * The groups, and the actions from the partnership's last inspection: assurance work that is not a review,
 * an audit or Section 11, so that the tracker shows every kind of source from the start.
 */
export async function seedAssuranceGroups(db: Db, opts: { partnershipId: number; today: string; agencies: Map<string, number> }): Promise<DemoGroups> {
  const groups = {} as DemoGroups;
  for (const g of GROUPS) {
    const row = await db.insertInto('assurance_group').values({ partnership_id: opts.partnershipId, name: g.name, kind: g.kind, remit: g.remit })
      .returning('id').executeTakeFirstOrThrow();
    groups[g.key] = row.id;
  }
  const council = opts.agencies.get('council')!;
  const police = opts.agencies.get('police')!;
  const icb = opts.agencies.get('icb')!;
  const inspected = addMonths(opts.today, -8);
  const now = new Date(`${opts.today}T12:00:00Z`);
  const ids = await createActions(db, opts.partnershipId, [
    { source: 'inspection', reference: 'ILACS 1', recommendation: 'The quality and timeliness of decision making at the front door.', description: 'Fortnightly multi-agency audits of front door decisions, with the police attending.', ownerAgencyId: council, groupId: groups.qa, themes: ['thresholds'], dueDate: addMonths(inspected, 6) },
    { source: 'inspection', reference: 'ILACS 2', recommendation: 'Management oversight of children subject to repeat plans.', description: 'Report repeat child protection plans to the QA subgroup each quarter.', ownerAgencyId: council, groupId: groups.qa, themes: ['neglect'], dueDate: addMonths(opts.today, 1) },
    { source: 'inspection', reference: 'ILACS 3', recommendation: 'Police attendance at strategy discussions.', description: 'Agree the police’s strategy discussion attendance standard and audit it.', ownerAgencyId: police, groupId: groups.executive, themes: ['information_sharing'], dueDate: addMonths(opts.today, -1) },
    { source: 'inspection', reference: 'ILACS 4', recommendation: 'Timeliness of initial health assessments for children in care.', description: 'Agree with the provider an option for GPs to complete initial health assessments.', ownerAgencyId: icb, groupId: groups.executive, themes: [], dueDate: addMonths(opts.today, 3) },
  ], null, now);
  await db.updateTable('action').set({ status: 'completed', evidence: 'Audit schedule in place since the spring; police attended 9 of the last 12 sessions.', completed_at: now })
    .where('id', '=', ids[0]!).execute();
  await db.updateTable('action').set({ status: 'in_progress' }).where('id', 'in', [ids[1]!, ids[2]!]).execute();
  return groups;
}
