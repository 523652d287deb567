import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canSeeAccount, canSeeInstallation } from '../../src/domain/visibility.ts';
import { createQueries, type Queries } from '../../src/projections/queries/index.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';

/**
 * The queries' SQL must say exactly what the seed's rule in domain/visibility.ts says. Every
 * combination of team sets on installations and accounts is checked for viewers in one team,
 * in both, in none, and for an admin.
 */
function isVisible(get: () => unknown): boolean {
  try {
    get();
    return true;
  } catch {
    return false;
  }
}

describe('visibility in the queries', () => {
  let tower: TempTower;
  let queries: Queries;
  const teamSets: string[][] = [];
  const installations: { id: string; teams: string[] }[] = [];
  const accounts: { id: string; installationId: string; teams: string[] }[] = [];

  beforeAll(async () => {
    tower = await tempTower();
    const { bus, admin } = tower;
    const t1 = (await bus.execute('CreateTeam', { name: 't1' }, admin)).id!;
    const t2 = (await bus.execute('CreateTeam', { name: 't2' }, admin)).id!;
    teamSets.push([], [t1], [t2], [t1, t2]);

    for (const [i, teams] of teamSets.entries()) {
      const input = { name: `i${i}`, urls: ['nats://127.0.0.1:4222'], teams };
      const installationId = (await bus.execute('CreateInstallation', input, admin)).id!;
      installations.push({ id: installationId, teams });
      for (const [j, accountTeams] of teamSets.entries()) {
        const account = { installationId, name: `a${j}`, teams: accountTeams };
        const id = (await bus.execute('CreateAccount', account, admin)).id!;
        accounts.push({ id, installationId, teams: accountTeams });
      }
    }

    queries = createQueries(tower.db);
  });
  afterAll(() => tower.destroy());

  const setMembership = async (teams: string[]) => {
    const { bus, admin, user } = tower;
    for (const team of teamSets[3]!) {
      const command = teams.includes(team) ? 'AddTeamMember' : 'RemoveTeamMember';
      await bus.execute(command, { teamId: team, userId: user.userId }, admin);
    }
  };

  it.each([
    ['no team', [] as number[]],
    ['the first team', [0]],
    ['the second team', [1]],
    ['both teams', [0, 1]],
  ])('agrees with the domain rule for a user in %s, and for an admin', async (_name, picks) => {
    const userTeams = picks.map((pick) => teamSets[3]![pick]!);
    await setMembership(userTeams);

    for (const [actor, role] of [
      [tower.user, 'user'],
      [tower.admin, 'admin'],
    ] as const) {
      const viewer = { userId: actor.userId, admin: role === 'admin' };
      const rule = { role, teams: userTeams };
      const listed = new Set(
        queries.installations.list(viewer, { limit: 100 }).items.map((i) => i.id),
      );
      for (const installation of installations) {
        expect(listed.has(installation.id)).toBe(canSeeInstallation(rule, installation.teams));
      }
      for (const account of accounts) {
        const installationTeams = installations.find((i) => i.id === account.installationId)!.teams;
        const visible = isVisible(() => queries.accounts.get(viewer, account.id));
        expect(visible).toBe(canSeeAccount(rule, installationTeams, account.teams));
      }
    }
  });
});
