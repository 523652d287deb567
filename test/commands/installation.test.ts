import { afterEach, describe, expect, it } from 'vitest';
import { event } from '../../src/events/index.ts';
import { closeTowers, given } from '../helpers/given-when-then.ts';
import {
  ADMIN,
  ALICE,
  accountCreated,
  anyKey,
  installationCreated,
  memberAdded,
  people,
  teamCreated,
} from './fixtures.ts';

afterEach(closeTowers);

const teams = [teamCreated('red'), teamCreated('blue'), memberAdded('red', 'alice')];
/** Prod is open to every team; stage only to the blue team, which Alice is not in. */
const prod = installationCreated('prod', { description: 'Production' });
const stage = installationCreated('stage', { teams: ['blue'] });

describe('CreateInstallation', () => {
  const input = {
    name: 'edge',
    urls: ['nats://n1.example.test:4222', 'tls://n2.example.test', 'nats://n1.example.test:4222'],
    description: 'Edge cluster',
    teams: ['red'],
  };

  it('creates an installation with fresh operator and system account keys', async () => {
    await given(...people, ...teams)
      .when('CreateInstallation', input, ADMIN)
      .thenEvents(
        event('InstallationCreated', {
          installationId: expect.any(String),
          name: 'edge',
          urls: ['nats://n1.example.test:4222', 'tls://n2.example.test'],
          description: 'Edge cluster',
          teams: ['red'],
          keys: {
            operatorPublicKey: anyKey('O'),
            operatorSigningKey: anyKey('O'),
            systemAccountPublicKey: anyKey('A'),
            systemAccountSigningKey: anyKey('A'),
            systemUserPublicKey: anyKey('U'),
          },
        }),
      );
  });

  it('refuses a name another installation has', async () => {
    await given(...people, prod)
      .when('CreateInstallation', { ...input, name: 'prod', teams: [] }, ADMIN)
      .thenFails('name_taken', 'name');
  });

  it('refuses an unknown team', async () => {
    await given(...people, ...teams)
      .when('CreateInstallation', { ...input, teams: ['red', 'green'] }, ADMIN)
      .thenFails('not_found', 'teams');
  });

  it('refuses a user who is not an admin', async () => {
    await given(...people, ...teams)
      .when('CreateInstallation', input, ALICE)
      .thenFails('forbidden');
  });

  it.each([
    [[], 'urls', 'must list at least one URL'],
    [['not a url'], 'urls.0', 'must be a URL'],
    [['http://n1.example.test'], 'urls.0', 'must use nats://, tls://, ws:// or wss://'],
    [['nats://u:p@n1.example.test'], 'urls.0', 'must not carry a user name or password'],
  ])('refuses the URLs %j', async (urls, field, rule) => {
    await given(...people)
      .when('CreateInstallation', { name: 'edge', urls }, ADMIN)
      .thenRejectsInput(field, rule);
  });
});

describe('UpdateInstallation', () => {
  it('changes the name and the URLs', async () => {
    const urls = ['wss://prod.example.test'];
    await given(...people, prod)
      .when(
        'UpdateInstallation',
        { installationId: 'prod', name: 'live', urls, expectedVersion: 1 },
        ADMIN,
      )
      .thenEvents(
        event('InstallationUpdated', {
          installationId: 'prod',
          name: 'live',
          urls,
        }),
      );
  });

  it('keeps the description when the update leaves it out', async () => {
    const scenario = given(...people, prod);
    await scenario
      .when('UpdateInstallation', { installationId: 'prod', name: 'live' }, ADMIN)
      .thenEvents(event('InstallationUpdated', { installationId: 'prod', name: 'live' }));
    expect(scenario.tower.reader.installation('prod')?.description).toBe('Production');
  });

  it('changes nothing when every field is the same', async () => {
    await given(...people, prod)
      .when(
        'UpdateInstallation',
        { installationId: 'prod', name: 'prod', urls: ['nats://127.0.0.1:4222'] },
        ADMIN,
      )
      .thenNoEvents();
  });

  it('refuses the name of another installation', async () => {
    await given(...people, prod, stage)
      .when('UpdateInstallation', { installationId: 'stage', name: 'prod' }, ADMIN)
      .thenFails('name_taken', 'name');
  });

  it('refuses an unknown installation', async () => {
    await given(...people)
      .when('UpdateInstallation', { installationId: 'prod', name: 'live' }, ADMIN)
      .thenFails('not_found', 'installationId');
  });

  it('refuses a user who can see the installation', async () => {
    await given(...people, ...teams, prod)
      .when('UpdateInstallation', { installationId: 'prod', name: 'live' }, ALICE)
      .thenFails('forbidden');
  });

  it('answers not found to a user who cannot see the installation', async () => {
    await given(...people, ...teams, stage)
      .when('UpdateInstallation', { installationId: 'stage', name: 'live' }, ALICE)
      .thenFails('not_found', 'installationId');
  });

  it('refuses a stale expected version', async () => {
    await given(...people, prod)
      .when(
        'UpdateInstallation',
        { installationId: 'prod', name: 'live', expectedVersion: 0 },
        ADMIN,
      )
      .thenFails('version_conflict');
  });
});

describe('SetInstallationTeams', () => {
  it('sets the teams that may see the installation', async () => {
    await given(...people, ...teams, prod)
      .when(
        'SetInstallationTeams',
        { installationId: 'prod', teams: ['red', 'blue', 'red'] },
        ADMIN,
      )
      .thenEvents(
        event('InstallationTeamsSet', { installationId: 'prod', teams: ['red', 'blue'] }),
      );
  });

  it('opens the installation to every team given an empty list', async () => {
    await given(...people, ...teams, stage)
      .when('SetInstallationTeams', { installationId: 'stage', teams: [] }, ADMIN)
      .thenEvents(event('InstallationTeamsSet', { installationId: 'stage', teams: [] }));
  });

  it('changes nothing when the teams are the same in another order', async () => {
    await given(...people, ...teams, installationCreated('edge', { teams: ['red', 'blue'] }))
      .when('SetInstallationTeams', { installationId: 'edge', teams: ['blue', 'red'] }, ADMIN)
      .thenNoEvents();
  });

  it('refuses an unknown team', async () => {
    await given(...people, ...teams, prod)
      .when('SetInstallationTeams', { installationId: 'prod', teams: ['green'] }, ADMIN)
      .thenFails('not_found', 'teams');
  });

  it('refuses an unknown installation', async () => {
    await given(...people, ...teams)
      .when('SetInstallationTeams', { installationId: 'prod', teams: ['red'] }, ADMIN)
      .thenFails('not_found', 'installationId');
  });

  it('refuses a user who can see the installation', async () => {
    await given(...people, ...teams, prod)
      .when('SetInstallationTeams', { installationId: 'prod', teams: ['red'] }, ALICE)
      .thenFails('forbidden');
  });

  it('answers not found to a user who cannot see the installation', async () => {
    await given(...people, ...teams, stage)
      .when('SetInstallationTeams', { installationId: 'stage', teams: ['red'] }, ALICE)
      .thenFails('not_found', 'installationId');
  });

  it('refuses a stale expected version', async () => {
    await given(...people, ...teams, prod)
      .when(
        'SetInstallationTeams',
        { installationId: 'prod', teams: ['red'], expectedVersion: 0 },
        ADMIN,
      )
      .thenFails('version_conflict');
  });
});

describe('DeleteInstallation', () => {
  it('deletes an installation with no accounts', async () => {
    await given(...people, prod)
      .when('DeleteInstallation', { installationId: 'prod', expectedVersion: 1 }, ADMIN)
      .thenEvents(event('InstallationDeleted', { installationId: 'prod' }));
  });

  it('refuses an installation that still has accounts', async () => {
    const error = await given(...people, prod, accountCreated('orders', 'prod'))
      .when('DeleteInstallation', { installationId: 'prod' }, ADMIN)
      .thenFails('in_use', 'installationId');
    expect(error.context).toEqual({ accounts: 1 });
  });

  it('refuses an unknown installation', async () => {
    await given(...people)
      .when('DeleteInstallation', { installationId: 'prod' }, ADMIN)
      .thenFails('not_found', 'installationId');
  });

  it('refuses a user who can see the installation', async () => {
    await given(...people, ...teams, prod)
      .when('DeleteInstallation', { installationId: 'prod' }, ALICE)
      .thenFails('forbidden');
  });

  it('answers not found to a user who cannot see the installation', async () => {
    await given(...people, ...teams, stage)
      .when('DeleteInstallation', { installationId: 'stage' }, ALICE)
      .thenFails('not_found', 'installationId');
  });

  it('refuses a stale expected version', async () => {
    await given(
      ...people,
      prod,
      event('InstallationTeamsSet', { installationId: 'prod', teams: [] }),
    )
      .when('DeleteInstallation', { installationId: 'prod', expectedVersion: 1 }, ADMIN)
      .thenFails('version_conflict');
  });
});
