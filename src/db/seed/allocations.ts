import type { Db } from '../create-db';
import { addUser, findUserByEmail } from '../../features/users/users.service';
import { addTeam, addTeamMember, allocate, childrenWithOpenCases } from '../../features/worklists/worklists.service';

/**
 * The demo partnership's teams and who holds each open case: the children with an open referral, plan
 * or care episode, most of them allocated (a few await allocation, as in any front door), to a team by
 * what is open (care, then protection, then assessment) and within it to its workers in turn.
 */

const PRACTITIONERS = [
  { email: 'amira.hussain@northmere.gov.uk', name: 'Amira Hussain' },
  { email: 'rebecca.stone@northmere.gov.uk', name: 'Rebecca Stone' },
  { email: 'jamal.osei@northmere.gov.uk', name: 'Jamal Osei' },
  { email: 'daniel.price@northmere.gov.uk', name: 'Daniel Price' },
  { email: 'chloe.bennett@northmere.gov.uk', name: 'Chloe Bennett' },
  { email: 'marcus.lewis@northmere.gov.uk', name: 'Marcus Lewis' },
];

type TeamKey = 'assessment' | 'protection' | 'care';

// Cases go to a team's workers in this turn; someone named twice takes twice the share.

const TEAMS: Record<TeamKey, { name: string; managers: string[]; workers: string[] }> = {
  assessment: {
    name: 'Assessment team North', managers: ['team.manager@northmere.gov.uk'],
    workers: ['social.worker@northmere.gov.uk', 'amira.hussain@northmere.gov.uk', 'rebecca.stone@northmere.gov.uk', 'jamal.osei@northmere.gov.uk',
      'amira.hussain@northmere.gov.uk', 'rebecca.stone@northmere.gov.uk', 'jamal.osei@northmere.gov.uk'],
  },
  protection: {
    name: 'Child protection team', managers: ['team.manager@northmere.gov.uk'],
    workers: ['daniel.price@northmere.gov.uk', 'social.worker@northmere.gov.uk', 'daniel.price@northmere.gov.uk'],
  },
  care: {
    name: 'Children in care team', managers: ['chloe.bennett@northmere.gov.uk'],
    workers: ['marcus.lewis@northmere.gov.uk', 'chloe.bennett@northmere.gov.uk'],
  },
};

/** One open case in ten awaits allocation. */
const UNALLOCATED_EVERY = 10;

export async function seedAllocations(db: Db, partnershipId: number, demo: { password: string; totpSecret: string }) {
  const council = await findUserByEmail(db, 'social.worker@northmere.gov.uk');
  if (!council) throw new Error('The demo social worker must be seeded before the allocations');
  for (const p of PRACTITIONERS) {
    const { id } = await addUser(db, partnershipId, { ...p, agencyId: council.agency_id, roles: ['social_worker'], password: demo.password });
    await db.updateTable('app_user').set({ mfa_secret: demo.totpSecret, mfa_enrolled_at: new Date() }).where('id', '=', id).execute();
  }
  const userIds = new Map<string, number>();
  for (const email of new Set(Object.values(TEAMS).flatMap((t) => [...t.managers, ...t.workers]))) {
    userIds.set(email, (await findUserByEmail(db, email))!.id);
  }

  const teamIds = new Map<TeamKey, number>();
  for (const [key, team] of Object.entries(TEAMS) as [TeamKey, (typeof TEAMS)[TeamKey]][]) {
    const { id } = await addTeam(db, partnershipId, { name: team.name });
    teamIds.set(key, id);
    for (const email of new Set(team.workers)) await addTeamMember(db, partnershipId, id, userIds.get(email)!);
    for (const email of team.managers) await addTeamMember(db, partnershipId, id, userIds.get(email)!, { manager: true });
  }

  const turn: Record<TeamKey, number> = { assessment: 0, protection: 0, care: 0 };
  let allocated = 0;
  const open = await childrenWithOpenCases(db, partnershipId);
  for (const [i, child] of open.entries()) {
    if (i % UNALLOCATED_EVERY === UNALLOCATED_EVERY - 1) continue;
    const key: TeamKey = child.in_care ? 'care' : child.on_plan ? 'protection' : 'assessment';
    const workers = TEAMS[key].workers;
    const worker = workers[turn[key]++ % workers.length]!;
    await allocate(db, partnershipId, { childId: child.id, userId: userIds.get(worker), teamId: teamIds.get(key), fromDate: child.since });
    allocated++;
  }
  return { teams: teamIds.size, practitioners: PRACTITIONERS.length, allocated, open: open.length };
}
