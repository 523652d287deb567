import { afterEach, describe, expect, it } from 'vitest';
import { event, type EventOf } from '../../src/events/index.ts';
import { closeTowers, given } from '../helpers/given-when-then.ts';
import {
  ADMIN,
  ALICE,
  accountCreated,
  anyKey,
  installationCreated,
  limitProfileCreated,
  memberAdded,
  natsUserCreated,
  people,
  teamCreated,
} from './fixtures.ts';

afterEach(closeTowers);

/** Alice is in the red team; the blue team keeps its account to itself. */
const world = [
  ...people,
  teamCreated('red'),
  teamCreated('blue'),
  memberAdded('red', 'alice'),
  installationCreated('prod'),
];
const orders = accountCreated('orders', 'prod', { description: 'Order service' });
const secret = accountCreated('secret', 'prod', { teams: ['blue'] });
const small = limitProfileCreated('small', { connections: 10 });
const smallIsDefault = event('LimitProfileMarkedDefault', { profileId: 'small' });

/** The event of creating the billing account below, with what a test changes laid over. */
function billingCreated(changes: Partial<EventOf<'AccountCreated'>['data']> = {}) {
  return event('AccountCreated', {
    accountId: expect.any(String),
    installationId: 'prod',
    name: 'billing',
    description: '',
    teams: ['red'],
    limitProfileId: null,
    limits: { payload: 1024 },
    publicKey: anyKey('A'),
    signingKey: anyKey('A'),
    ...changes,
  });
}

describe('CreateAccount', () => {
  const input = {
    installationId: 'prod',
    name: 'billing',
    teams: ['red'],
    limits: { payload: 1024 },
  };

  it('creates an account with fresh keys, following no profile when there is no default', async () => {
    await given(...world)
      .when('CreateAccount', input, ADMIN)
      .thenEvents(billingCreated());
  });

  it('follows the profile it names', async () => {
    await given(...world, small)
      .when('CreateAccount', { ...input, limitProfileId: 'small' }, ADMIN)
      .thenEvents(billingCreated({ limitProfileId: 'small' }));
  });

  it('follows no profile when asked for none, even with a default', async () => {
    await given(...world, small, smallIsDefault)
      .when('CreateAccount', { ...input, limitProfileId: null }, ADMIN)
      .thenEvents(billingCreated({ limitProfileId: null }));
  });

  it('refuses an unknown limit profile', async () => {
    await given(...world)
      .when('CreateAccount', { ...input, limitProfileId: 'huge' }, ADMIN)
      .thenFails('not_found', 'limitProfileId');
  });

  it('refuses a name another account in the installation has', async () => {
    await given(...world, orders)
      .when('CreateAccount', { ...input, name: 'orders' }, ADMIN)
      .thenFails('name_taken', 'name');
  });

  it('refuses an unknown team', async () => {
    await given(...world)
      .when('CreateAccount', { ...input, teams: ['green'] }, ADMIN)
      .thenFails('not_found', 'teams');
  });

  it('refuses an unknown installation', async () => {
    await given(...world)
      .when('CreateAccount', { ...input, installationId: 'stage' }, ADMIN)
      .thenFails('not_found', 'installationId');
  });

  it('refuses a user who can see the installation', async () => {
    await given(...world)
      .when('CreateAccount', input, ALICE)
      .thenFails('forbidden');
  });

  it('answers not found to a user who cannot see the installation', async () => {
    await given(...world, installationCreated('stage', { teams: ['blue'] }))
      .when('CreateAccount', { ...input, installationId: 'stage' }, ALICE)
      .thenFails('not_found', 'installationId');
  });

  it('refuses a limit that is not a whole number of -1 or more', async () => {
    await given(...world)
      .when('CreateAccount', { ...input, limits: { connections: -3 } }, ADMIN)
      .thenRejectsInput('limits.connections', 'must be -1 (unlimited) or at least 0');
  });
});

describe('UpdateAccount', () => {
  it('renames an account and keeps its description when the update leaves it out', async () => {
    const scenario = given(...world, orders);
    await scenario
      .when('UpdateAccount', { accountId: 'orders', name: 'sales', expectedVersion: 1 }, ADMIN)
      .thenEvents(event('AccountUpdated', { accountId: 'orders', name: 'sales' }));

    expect(scenario.tower.reader.account('orders')?.description).toBe('Order service');
  });

  it('changes the description', async () => {
    await given(...world, orders)
      .when('UpdateAccount', { accountId: 'orders', description: 'Orders' }, ADMIN)
      .thenEvents(event('AccountUpdated', { accountId: 'orders', description: 'Orders' }));
  });

  it('changes nothing when the name and description are the same', async () => {
    await given(...world, orders)
      .when(
        'UpdateAccount',
        { accountId: 'orders', name: 'orders', description: 'Order service' },
        ADMIN,
      )
      .thenNoEvents();
  });

  it('refuses the name of another account in the installation', async () => {
    await given(...world, orders, secret)
      .when('UpdateAccount', { accountId: 'orders', name: 'secret' }, ADMIN)
      .thenFails('name_taken', 'name');
  });

  it('refuses an unknown account', async () => {
    await given(...world)
      .when('UpdateAccount', { accountId: 'orders', name: 'sales' }, ADMIN)
      .thenFails('not_found', 'accountId');
  });

  it('refuses a user who can see the account', async () => {
    await given(...world, orders)
      .when('UpdateAccount', { accountId: 'orders', name: 'sales' }, ALICE)
      .thenFails('forbidden');
  });

  it('answers not found to a user who cannot see the account', async () => {
    await given(...world, secret)
      .when('UpdateAccount', { accountId: 'secret', name: 'open' }, ALICE)
      .thenFails('not_found', 'accountId');
  });

  it('refuses a description over 2000 characters', async () => {
    await given(...world, orders)
      .when('UpdateAccount', { accountId: 'orders', description: 'x'.repeat(2001) }, ADMIN)
      .thenRejectsInput('description', 'must be at most 2000 characters');
  });

  it('refuses a stale expected version', async () => {
    await given(...world, orders)
      .when('UpdateAccount', { accountId: 'orders', name: 'sales', expectedVersion: 0 }, ADMIN)
      .thenFails('version_conflict');
  });
});

describe('SetAccountTeams', () => {
  it('sets the teams that may see the account', async () => {
    await given(...world, orders)
      .when('SetAccountTeams', { accountId: 'orders', teams: ['blue', 'red'] }, ADMIN)
      .thenEvents(event('AccountTeamsSet', { accountId: 'orders', teams: ['blue', 'red'] }));
  });

  it('changes nothing when the teams are the same', async () => {
    await given(...world, secret)
      .when('SetAccountTeams', { accountId: 'secret', teams: ['blue'] }, ADMIN)
      .thenNoEvents();
  });

  it('refuses an unknown team', async () => {
    await given(...world, orders)
      .when('SetAccountTeams', { accountId: 'orders', teams: ['green'] }, ADMIN)
      .thenFails('not_found', 'teams');
  });

  it('refuses an unknown account', async () => {
    await given(...world)
      .when('SetAccountTeams', { accountId: 'orders', teams: [] }, ADMIN)
      .thenFails('not_found', 'accountId');
  });

  it('refuses a user who can see the account', async () => {
    await given(...world, orders)
      .when('SetAccountTeams', { accountId: 'orders', teams: ['red'] }, ALICE)
      .thenFails('forbidden');
  });

  it('answers not found to a user who cannot see the account', async () => {
    await given(...world, secret)
      .when('SetAccountTeams', { accountId: 'secret', teams: [] }, ALICE)
      .thenFails('not_found', 'accountId');
  });

  it('refuses a stale expected version', async () => {
    await given(...world, orders)
      .when('SetAccountTeams', { accountId: 'orders', teams: ['red'], expectedVersion: 0 }, ADMIN)
      .thenFails('version_conflict');
  });
});

describe('SetAccountLimits', () => {
  it('sets the profile and the explicit limits laid over it', async () => {
    const scenario = given(...world, small, orders);
    await scenario
      .when(
        'SetAccountLimits',
        { accountId: 'orders', limitProfileId: 'small', limits: { payload: 512 } },
        ADMIN,
      )
      .thenEvents(
        event('AccountLimitsSet', {
          accountId: 'orders',
          limitProfileId: 'small',
          limits: { payload: 512 },
        }),
      );

    expect(scenario.tower.reader.account('orders')?.effectiveLimits).toMatchObject({
      connections: 10,
      payload: 512,
      data: -1,
    });
  });

  it('refuses an unknown limit profile', async () => {
    await given(...world, orders)
      .when('SetAccountLimits', { accountId: 'orders', limitProfileId: 'huge' }, ADMIN)
      .thenFails('not_found', 'limitProfileId');
  });

  it('refuses an unknown account', async () => {
    await given(...world)
      .when('SetAccountLimits', { accountId: 'orders', limits: {} }, ADMIN)
      .thenFails('not_found', 'accountId');
  });

  it('refuses a user who can see the account', async () => {
    await given(...world, orders)
      .when('SetAccountLimits', { accountId: 'orders', limits: { payload: -1 } }, ALICE)
      .thenFails('forbidden');
  });

  it('answers not found to a user who cannot see the account', async () => {
    await given(...world, secret)
      .when('SetAccountLimits', { accountId: 'secret', limits: {} }, ALICE)
      .thenFails('not_found', 'accountId');
  });

  it('refuses a limit that is not a number', async () => {
    await given(...world, orders)
      .when(
        'SetAccountLimits',
        { accountId: 'orders', limits: { jetstream: { diskStorage: '1G' } } },
        ADMIN,
      )
      .thenRejectsInput('limits.jetstream.diskStorage', 'must be a number');
  });

  it('refuses a stale expected version', async () => {
    await given(...world, orders)
      .when('SetAccountLimits', { accountId: 'orders', limits: {}, expectedVersion: 0 }, ADMIN)
      .thenFails('version_conflict');
  });
});

describe('DeleteAccount', () => {
  it('deletes an account, naming the key to remove, and its NATS users with it', async () => {
    const scenario = given(...world, orders, natsUserCreated('svc', 'orders'));
    await scenario
      .when('DeleteAccount', { accountId: 'orders', expectedVersion: 1 }, ADMIN)
      .thenEvents(
        event('AccountDeleted', {
          accountId: 'orders',
          installationId: 'prod',
          publicKey: orders.data.publicKey,
        }),
      );

    expect(scenario.tower.reader.natsUser('svc')).toBeUndefined();
  });

  it('refuses an unknown account', async () => {
    await given(...world)
      .when('DeleteAccount', { accountId: 'orders' }, ADMIN)
      .thenFails('not_found', 'accountId');
  });

  it('refuses a user who can see the account', async () => {
    await given(...world, orders)
      .when('DeleteAccount', { accountId: 'orders' }, ALICE)
      .thenFails('forbidden');
  });

  it('answers not found to a user who cannot see the account', async () => {
    await given(...world, secret)
      .when('DeleteAccount', { accountId: 'secret' }, ALICE)
      .thenFails('not_found', 'accountId');
  });

  it('refuses a stale expected version', async () => {
    await given(...world, orders, event('AccountTeamsSet', { accountId: 'orders', teams: [] }))
      .when('DeleteAccount', { accountId: 'orders', expectedVersion: 1 }, ADMIN)
      .thenFails('version_conflict');
  });
});
