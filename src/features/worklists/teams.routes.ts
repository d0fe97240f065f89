import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/deps';
import { NotFound, ValidationFailed } from '../../platform/errors';
import { formErrors } from '../../platform/forms';
import { listUsers } from '../users/users.service';
import { addTeam, addTeamMember, removeTeamMember, teamsWithMembers } from './worklists.service';

/** The partnership administrator's page of teams: who is in each, and who manages it. */
export async function teamsRoutes(app: FastifyInstance, { db }: AppDeps) {
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;

  async function page(req: FastifyRequest, extra: Record<string, unknown> = {}) {
    const members = await teamsWithMembers(db, pid(req));
    const teams = new Map<number, { id: number; name: string; members: typeof members }>();
    for (const m of members) {
      const team = teams.get(m.team_id) ?? { id: m.team_id, name: m.team_name, members: [] };
      if (m.user_id !== null) team.members.push(m);
      teams.set(m.team_id, team);
    }
    const people = (await listUsers(db, pid(req))).filter((u) => u.status === 'active').map((u) => ({ value: String(u.id), text: `${u.name} (${u.agency_name})` }));
    return { title: 'Teams', teams: [...teams.values()], people, ...extra };
  }

  /** A person's id as posted (the first, where several were): null when no one's id can be it. */
  const personIdOf = (raw: string | string[] | undefined) => {
    const id = Number(Array.isArray(raw) ? raw[0] : raw);
    return Number.isInteger(id) && id > 0 && id <= 2_147_483_647 ? id : null;
  };
  const teamIdOf = (req: FastifyRequest) => {
    const id = Number((req.params as { teamId: string }).teamId);
    if (!Number.isInteger(id) || id <= 0 || id > 2_147_483_647) throw new NotFound('No such team');
    return id;
  };

  app.get('/admin/teams', { config: { access: 'admin.partnership' } }, async (req, reply) =>
    reply.view('worklists/views/teams.njk', await page(req)));

  app.post('/admin/teams', { config: { access: 'admin.partnership' } }, async (req, reply) => {
    try {
      const team = await addTeam(db, pid(req), req.body);
      await req.audit({ action: 'team.add', recordType: 'team', recordId: String(team.id) });
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return reply.code(400).view('worklists/views/teams.njk', await page(req, { errors: formErrors(err.errors, { name: 'team-name' }), name: (req.body as { name?: string }).name }));
    }
    reply.flash('Team added.');
    return reply.redirect('/admin/teams');
  });

  app.post('/admin/teams/:teamId/members', { config: { access: 'admin.partnership' } }, async (req, reply) => {
    const teamId = teamIdOf(req);
    const body = req.body as { userId?: string | string[]; manager?: string };
    const userId = personIdOf(body.userId);
    if (userId === null) {
      return reply.code(400).view('worklists/views/teams.njk', await page(req, { errors: formErrors([{ field: `person-${teamId}`, message: 'Select the person to add to the team' }]) }));
    }
    await addTeamMember(db, pid(req), teamId, userId, { manager: body.manager === 'yes' });
    await req.audit({ action: 'team.member_add', recordType: 'team', recordId: String(teamId), detail: { userId, manager: body.manager === 'yes' } });
    reply.flash('Team updated.');
    return reply.redirect('/admin/teams');
  });

  app.post('/admin/teams/:teamId/members/:userId/remove', { config: { access: 'admin.partnership' } }, async (req, reply) => {
    const teamId = teamIdOf(req);
    const userId = personIdOf((req.params as { userId: string }).userId);
    if (userId === null) throw new NotFound('No such team member');
    await removeTeamMember(db, pid(req), teamId, userId);
    await req.audit({ action: 'team.member_remove', recordType: 'team', recordId: String(teamId), detail: { userId } });
    reply.flash('Team updated.');
    return reply.redirect('/admin/teams');
  });

}
