import { afterEach, describe, expect, it } from 'vitest';
import { event } from '../../src/events/index.ts';
import { closeTowers, given } from '../helpers/given-when-then.ts';
import {
  ADMIN,
  ALICE,
  accountCreated,
  installationCreated,
  memberAdded,
  people,
  teamCreated,
} from './fixtures.ts';

afterEach(closeTowers);

const red = teamCreated('red', 'Red');
const blue = teamCreated('blue', 'Blue');

describe('CreateTeam', () => {
  it('creates a team with a fresh id', async () => {
    await given(...people)
      .when('CreateTeam', { name: ' Green ' }, ADMIN)
      .thenEvents(event('TeamCreated', { teamId: expect.any(String), name: 'Green' }));
  });

  it('refuses a name another team has', async () => {
    await given(...people, red)
      .when('CreateTeam', { name: 'Red' }, ADMIN)
      .thenFails('name_taken', 'name');
  });

  it('refuses a user who is not an admin', async () => {
    await given(...people)
      .when('CreateTeam', { name: 'Green' }, ALICE)
      .thenFails('forbidden');
  });

  it('refuses an empty name', async () => {
    await given(...people)
      .when('CreateTeam', { name: '' }, ADMIN)
      .thenRejectsInput('name', 'must not be empty');
  });
});

describe('RenameTeam', () => {
  it('renames a team', async () => {
    await given(...people, red)
      .when('RenameTeam', { teamId: 'red', name: 'Crimson', expectedVersion: 1 }, ADMIN)
      .thenEvents(event('TeamRenamed', { teamId: 'red', name: 'Crimson' }));
  });

  it('changes nothing when the name is the same', async () => {
    await given(...people, red)
      .when('RenameTeam', { teamId: 'red', name: 'Red' }, ADMIN)
      .thenNoEvents();
  });

  it('refuses the name of another team', async () => {
    await given(...people, red, blue)
      .when('RenameTeam', { teamId: 'red', name: 'Blue' }, ADMIN)
      .thenFails('name_taken', 'name');
  });

  it('refuses an unknown team', async () => {
    await given(...people)
      .when('RenameTeam', { teamId: 'green', name: 'Green' }, ADMIN)
      .thenFails('not_found', 'teamId');
  });

  it('refuses a user who is not an admin, even a member', async () => {
    await given(...people, red, memberAdded('red', 'alice'))
      .when('RenameTeam', { teamId: 'red', name: 'Crimson' }, ALICE)
      .thenFails('forbidden');
  });

  it('refuses a stale expected version', async () => {
    await given(...people, red, memberAdded('red', 'alice'))
      .when('RenameTeam', { teamId: 'red', name: 'Crimson', expectedVersion: 1 }, ADMIN)
      .thenFails('version_conflict');
  });

  it('refuses a malformed team id', async () => {
    await given(...people)
      .when('RenameTeam', { teamId: 'red team', name: 'Crimson' }, ADMIN)
      .thenRejectsInput('teamId', 'must be an id');
  });
});

describe('DeleteTeam', () => {
  it('deletes a team that guards nothing, and its memberships with it', async () => {
    const scenario = given(...people, red, memberAdded('red', 'alice'));
    await scenario
      .when('DeleteTeam', { teamId: 'red', expectedVersion: 2 }, ADMIN)
      .thenEvents(event('TeamDeleted', { teamId: 'red' }));

    expect(scenario.tower.reader.team('red')).toBeUndefined();
    expect(scenario.tower.reader.teamsOf('alice')).toEqual([]);
  });

  it('refuses a team still assigned to an installation', async () => {
    const error = await given(...people, red, installationCreated('prod', { teams: ['red'] }))
      .when('DeleteTeam', { teamId: 'red' }, ADMIN)
      .thenFails('in_use', 'teamId');
    expect(error.context).toEqual({ installations: 1, accounts: 0 });
  });

  it('refuses a team still assigned to an account', async () => {
    const error = await given(
      ...people,
      red,
      installationCreated('prod'),
      accountCreated('orders', 'prod', { teams: ['red'] }),
    )
      .when('DeleteTeam', { teamId: 'red' }, ADMIN)
      .thenFails('in_use', 'teamId');
    expect(error.context).toEqual({ installations: 0, accounts: 1 });
  });

  it('refuses an unknown team', async () => {
    await given(...people)
      .when('DeleteTeam', { teamId: 'red' }, ADMIN)
      .thenFails('not_found', 'teamId');
  });

  it('refuses a user who is not an admin', async () => {
    await given(...people, red)
      .when('DeleteTeam', { teamId: 'red' }, ALICE)
      .thenFails('forbidden');
  });

  it('refuses a stale expected version', async () => {
    await given(...people, red, memberAdded('red', 'bob'))
      .when('DeleteTeam', { teamId: 'red', expectedVersion: 1 }, ADMIN)
      .thenFails('version_conflict');
  });
});

describe('AddTeamMember', () => {
  it('adds a user to a team', async () => {
    const scenario = given(...people, red);
    await scenario
      .when('AddTeamMember', { teamId: 'red', userId: 'alice', expectedVersion: 1 }, ADMIN)
      .thenEvents(memberAdded('red', 'alice'));

    expect(scenario.tower.reader.teamsOf('alice')).toEqual(['red']);
  });

  it('changes nothing for a user already in the team', async () => {
    await given(...people, red, memberAdded('red', 'alice'))
      .when('AddTeamMember', { teamId: 'red', userId: 'alice' }, ADMIN)
      .thenNoEvents();
  });

  it('refuses an unknown team', async () => {
    await given(...people)
      .when('AddTeamMember', { teamId: 'red', userId: 'alice' }, ADMIN)
      .thenFails('not_found', 'teamId');
  });

  it('refuses an unknown user', async () => {
    await given(...people, red)
      .when('AddTeamMember', { teamId: 'red', userId: 'nobody' }, ADMIN)
      .thenFails('not_found', 'userId');
  });

  it('refuses a user who is not an admin, even adding themself', async () => {
    await given(...people, red)
      .when('AddTeamMember', { teamId: 'red', userId: 'alice' }, ALICE)
      .thenFails('forbidden');
  });

  it('refuses a stale expected version', async () => {
    await given(...people, red, memberAdded('red', 'bob'))
      .when('AddTeamMember', { teamId: 'red', userId: 'alice', expectedVersion: 1 }, ADMIN)
      .thenFails('version_conflict');
  });
});

describe('RemoveTeamMember', () => {
  it('removes a member from a team', async () => {
    await given(...people, red, memberAdded('red', 'alice'))
      .when('RemoveTeamMember', { teamId: 'red', userId: 'alice', expectedVersion: 2 }, ADMIN)
      .thenEvents(event('TeamMemberRemoved', { teamId: 'red', userId: 'alice' }));
  });

  it('changes nothing for a user who is not a member', async () => {
    await given(...people, red)
      .when('RemoveTeamMember', { teamId: 'red', userId: 'alice' }, ADMIN)
      .thenNoEvents();
  });

  it('refuses an unknown team', async () => {
    await given(...people)
      .when('RemoveTeamMember', { teamId: 'red', userId: 'alice' }, ADMIN)
      .thenFails('not_found', 'teamId');
  });

  it('refuses a user who is not an admin, even removing themself', async () => {
    await given(...people, red, memberAdded('red', 'alice'))
      .when('RemoveTeamMember', { teamId: 'red', userId: 'alice' }, ALICE)
      .thenFails('forbidden');
  });

  it('refuses a stale expected version', async () => {
    await given(...people, red, memberAdded('red', 'alice'))
      .when('RemoveTeamMember', { teamId: 'red', userId: 'alice', expectedVersion: 1 }, ADMIN)
      .thenFails('version_conflict');
  });
});

describe('SetTeamMembers', () => {
  it('removes the members not listed and adds the new ones, each once', async () => {
    await given(...people, red, memberAdded('red', 'alice'), memberAdded('red', 'ada'))
      .when('SetTeamMembers', { teamId: 'red', users: ['ada', 'bob', 'bob'] }, ADMIN)
      .thenEvents(
        event('TeamMemberRemoved', { teamId: 'red', userId: 'alice' }),
        memberAdded('red', 'bob'),
      );
  });

  it('empties a team given an empty list', async () => {
    await given(...people, red, memberAdded('red', 'alice'))
      .when('SetTeamMembers', { teamId: 'red', users: [] }, ADMIN)
      .thenEvents(event('TeamMemberRemoved', { teamId: 'red', userId: 'alice' }));
  });

  it('changes nothing when the members are the same', async () => {
    await given(...people, red, memberAdded('red', 'alice'), memberAdded('red', 'bob'))
      .when('SetTeamMembers', { teamId: 'red', users: ['bob', 'alice'] }, ADMIN)
      .thenNoEvents();
  });

  it('refuses an unknown user, naming the list', async () => {
    await given(...people, red)
      .when('SetTeamMembers', { teamId: 'red', users: ['alice', 'nobody'] }, ADMIN)
      .thenFails('not_found', 'users');
  });

  it('refuses an unknown team', async () => {
    await given(...people)
      .when('SetTeamMembers', { teamId: 'red', users: ['alice'] }, ADMIN)
      .thenFails('not_found', 'teamId');
  });

  it('refuses a user who is not an admin', async () => {
    await given(...people, red)
      .when('SetTeamMembers', { teamId: 'red', users: ['alice'] }, ALICE)
      .thenFails('forbidden');
  });

  it('refuses a malformed user id, naming its place in the list', async () => {
    await given(...people, red)
      .when('SetTeamMembers', { teamId: 'red', users: ['alice', 'not an id'] }, ADMIN)
      .thenRejectsInput('users.1', 'must be an id');
  });

  it('refuses a stale expected version', async () => {
    await given(...people, red, memberAdded('red', 'alice'))
      .when('SetTeamMembers', { teamId: 'red', users: ['bob'], expectedVersion: 1 }, ADMIN)
      .thenFails('version_conflict');
  });
});
