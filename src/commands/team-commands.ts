import { z } from 'zod';
import { TowerError } from '../errors/index.ts';
import { event } from '../events/index.ts';
import { defineCommand } from './define-command.ts';
import type { TeamState, TowerUserState } from './domain-reader.ts';
import {
  assertNameFree,
  expectedVersionSchema,
  idSchema,
  nameSchema,
  notFound,
  present,
  requireAdmin,
} from './rules.ts';

const teamTarget = (command: { teamId: string }) => ({
  streamType: 'team' as const,
  streamId: command.teamId,
});

export const CreateTeam = defineCommand({
  type: 'CreateTeam',
  schema: z.object({ name: nameSchema }).strict(),
  load: (reader, command) => ({ sameName: reader.teamByName(command.name) }),
  authorize: (actor) => requireAdmin(actor, 'create teams'),
  decide: (state, command, ctx) => {
    assertNameFree(state.sameName, 'A team', command.name);
    return [event('TeamCreated', { teamId: ctx.newId(), name: command.name })];
  },
});

export const RenameTeam = defineCommand({
  type: 'RenameTeam',
  schema: z
    .object({ teamId: idSchema, name: nameSchema, expectedVersion: expectedVersionSchema })
    .strict(),
  target: teamTarget,
  load: (reader, command) => ({
    team: reader.team(command.teamId),
    sameName: reader.teamByName(command.name),
  }),
  authorize: (actor) => requireAdmin(actor, 'rename teams'),
  decide: (state, command) => {
    const team = present(state.team, 'team', command.teamId, 'teamId');
    assertNameFree(state.sameName, 'A team', command.name, team.id);
    if (team.name === command.name) return [];
    return [event('TeamRenamed', { teamId: team.id, name: command.name })];
  },
});

export const DeleteTeam = defineCommand({
  type: 'DeleteTeam',
  schema: z.object({ teamId: idSchema, expectedVersion: expectedVersionSchema }).strict(),
  target: teamTarget,
  load: (reader, command) => ({
    team: reader.team(command.teamId),
    assignments: reader.teamAssignments(command.teamId),
  }),
  authorize: (actor) => requireAdmin(actor, 'delete teams'),
  decide: (state, command) => {
    const team = present(state.team, 'team', command.teamId, 'teamId');
    const { installations, accounts } = state.assignments;
    // Removing the last team of an account would make it visible to every team, so a team
    // that still guards something cannot go.
    if (installations + accounts > 0) {
      throw new TowerError(
        'in_use',
        `Team "${team.name}" is still assigned to ${installations} installation(s) and ` +
          `${accounts} account(s); unassign it first, since removing it would make them visible ` +
          'to every team.',
        { field: 'teamId', context: { installations, accounts } },
      );
    }
    return [event('TeamDeleted', { teamId: team.id })];
  },
});

const memberSchema = z
  .object({ teamId: idSchema, userId: idSchema, expectedVersion: expectedVersionSchema })
  .strict();

function loadMembership(
  reader: {
    team(id: string): TeamState | undefined;
    towerUser(id: string): TowerUserState | undefined;
  },
  command: z.infer<typeof memberSchema>,
) {
  return { team: reader.team(command.teamId), user: reader.towerUser(command.userId) };
}

export const AddTeamMember = defineCommand({
  type: 'AddTeamMember',
  schema: memberSchema,
  target: teamTarget,
  load: loadMembership,
  authorize: (actor) => requireAdmin(actor, 'change team members'),
  decide: (state, command) => {
    const team = present(state.team, 'team', command.teamId, 'teamId');
    if (!state.user) throw notFound('Tower user', command.userId, 'userId');
    if (team.members.includes(command.userId)) return [];
    return [event('TeamMemberAdded', { teamId: team.id, userId: command.userId })];
  },
});

export const RemoveTeamMember = defineCommand({
  type: 'RemoveTeamMember',
  schema: memberSchema,
  target: teamTarget,
  load: loadMembership,
  authorize: (actor) => requireAdmin(actor, 'change team members'),
  decide: (state, command) => {
    const team = present(state.team, 'team', command.teamId, 'teamId');
    if (!team.members.includes(command.userId)) return [];
    return [event('TeamMemberRemoved', { teamId: team.id, userId: command.userId })];
  },
});

/** Sets a team's members to exactly the given users, as the API's PUT does. */
export const SetTeamMembers = defineCommand({
  type: 'SetTeamMembers',
  schema: z
    .object({
      teamId: idSchema,
      users: z
        .array(idSchema)
        .max(10_000)
        .transform((ids) => [...new Set(ids)]),
      expectedVersion: expectedVersionSchema,
    })
    .strict(),
  target: teamTarget,
  load: (reader, command) => ({
    team: reader.team(command.teamId),
    missing: command.users.filter((id) => !reader.towerUser(id)),
  }),
  authorize: (actor) => requireAdmin(actor, 'change team members'),
  decide: (state, command) => {
    const team = present(state.team, 'team', command.teamId, 'teamId');
    const [missing] = state.missing;
    if (missing !== undefined) throw notFound('Tower user', missing, 'users');
    const removed = team.members.filter((id) => !command.users.includes(id));
    const added = command.users.filter((id) => !team.members.includes(id));
    return [
      ...removed.map((userId) => event('TeamMemberRemoved', { teamId: team.id, userId })),
      ...added.map((userId) => event('TeamMemberAdded', { teamId: team.id, userId })),
    ];
  },
});
