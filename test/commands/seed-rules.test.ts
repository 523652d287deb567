import { afterEach, describe, expect, it } from 'vitest';
import { event } from '../../src/events/index.ts';
import { closeTowers, given } from '../helpers/given-when-then.ts';
import {
  ADMIN,
  ALICE,
  BOB,
  accountCreated,
  installationCreated,
  limitProfileCreated,
  memberAdded,
  natsUserCreated,
  people,
  teamCreated,
} from './fixtures.ts';

afterEach(closeTowers);

/** Alice is in the red team, Bob in the blue one, Ada in none. */
const teams = [
  teamCreated('red'),
  teamCreated('blue'),
  memberAdded('red', 'alice'),
  memberAdded('blue', 'bob'),
];
const world = [...people, ...teams];

describe('admins may do everything', () => {
  it('an admin in no team manages what only the blue team sees', async () => {
    const scenario = given(...world);
    const run = (type: string, input: object) => scenario.tower.bus.execute(type, input, ADMIN);

    const stage = await run('CreateInstallation', { name: 'stage', urls: ['nats://s:4222'] });
    await run('SetInstallationTeams', { installationId: stage.id, teams: ['blue'] });
    const account = await run('CreateAccount', {
      installationId: stage.id,
      name: 'lab',
      teams: ['blue'],
    });
    await run('UpdateAccount', { accountId: account.id, description: 'Experiments' });
    const natsUser = await run('CreateNatsUser', { accountId: account.id, name: 'probe' });
    await run('RotateNatsUserCredentials', { natsUserId: natsUser.id });
    await run('DeleteNatsUser', { natsUserId: natsUser.id });
    await run('DeleteAccount', { accountId: account.id });

    await scenario
      .when('DeleteInstallation', { installationId: stage.id }, ADMIN)
      .thenEvents(event('InstallationDeleted', { installationId: stage.id! }));
  });
});

describe('a user', () => {
  it.each([
    ['sees an open account in an open installation', [], [], true],
    ['sees an open account in an installation of their team', ['red'], [], true],
    ['sees an account of their team in an open installation', [], ['blue', 'red'], true],
    ['does not see an account of another team', [], ['blue'], false],
    ['does not see an open account in an installation of another team', ['blue'], [], false],
    ['does not see their team’s account in another team’s installation', ['blue'], ['red'], false],
  ])('%s', async (_case, installationTeams, accountTeams, visible) => {
    const outcome = given(
      ...world,
      installationCreated('prod', { teams: installationTeams }),
      accountCreated('orders', 'prod', { teams: accountTeams }),
    ).when('CreateNatsUser', { accountId: 'orders', name: 'svc' }, ALICE);

    if (visible) await outcome.thenEvents(expect.objectContaining({ type: 'NatsUserCreated' }));
    else await outcome.thenFails('not_found', 'accountId');
  });

  it('sees by the teams they are in when the command runs', async () => {
    const scenario = given(
      ...world,
      installationCreated('prod'),
      accountCreated('orders', 'prod', { teams: ['red'] }),
      event('TeamMemberRemoved', { teamId: 'red', userId: 'alice' }),
    );
    await scenario
      .when('CreateNatsUser', { accountId: 'orders', name: 'svc' }, ALICE)
      .thenFails('not_found', 'accountId');

    scenario.and(memberAdded('red', 'alice'));
    await scenario
      .when('CreateNatsUser', { accountId: 'orders', name: 'svc' }, ALICE)
      .thenEvents(expect.objectContaining({ type: 'NatsUserCreated' }));
  });
});

describe('users manage NATS users only in accounts they see', () => {
  const hidden = [
    ...world,
    installationCreated('prod'),
    accountCreated('secret', 'prod', { teams: ['blue'] }),
    natsUserCreated('probe', 'secret'),
  ];

  it.each([
    ['CreateNatsUser', { accountId: 'secret', name: 'svc' }, 'accountId'],
    ['UpdateNatsUser', { natsUserId: 'probe', bearer: true }, 'natsUserId'],
    ['RotateNatsUserCredentials', { natsUserId: 'probe' }, 'natsUserId'],
    ['DeleteNatsUser', { natsUserId: 'probe' }, 'natsUserId'],
  ])('%s in a hidden account is not found', async (type, input, field) => {
    await given(...hidden)
      .when(type, input, ALICE)
      .thenFails('not_found', field);
  });

  it('the same commands work for a user of the team that sees it', async () => {
    const scenario = given(...hidden);
    await scenario
      .when('UpdateNatsUser', { natsUserId: 'probe', bearer: true }, BOB)
      .thenEvents(
        event('NatsUserUpdated', { natsUserId: 'probe', accountId: 'secret', bearer: true }),
      );
    await scenario
      .when('DeleteNatsUser', { natsUserId: 'probe' }, BOB)
      .thenEvents(expect.objectContaining({ type: 'NatsUserDeleted' }));
  });
});

describe('users cannot change installations, accounts, limit profiles, teams or other users', () => {
  const everything = [
    ...world,
    installationCreated('prod'),
    accountCreated('orders', 'prod'),
    limitProfileCreated('small'),
  ];

  it.each([
    ['CreateInstallation', { name: 'edge', urls: ['nats://e:4222'] }],
    ['UpdateInstallation', { installationId: 'prod', name: 'live' }],
    ['SetInstallationTeams', { installationId: 'prod', teams: ['red'] }],
    ['DeleteInstallation', { installationId: 'prod' }],
    ['CreateAccount', { installationId: 'prod', name: 'mine' }],
    ['UpdateAccount', { accountId: 'orders', name: 'mine' }],
    ['SetAccountTeams', { accountId: 'orders', teams: ['red'] }],
    ['SetAccountLimits', { accountId: 'orders', limits: { payload: -1 } }],
    ['DeleteAccount', { accountId: 'orders' }],
    ['CreateLimitProfile', { name: 'mine' }],
    ['UpdateLimitProfile', { profileId: 'small', name: 'mine' }],
    ['DeleteLimitProfile', { profileId: 'small' }],
    ['MarkDefaultLimitProfile', { profileId: 'small' }],
    ['CreateTeam', { name: 'mine' }],
    ['RenameTeam', { teamId: 'red', name: 'mine' }],
    ['DeleteTeam', { teamId: 'blue' }],
    ['AddTeamMember', { teamId: 'blue', userId: 'alice' }],
    ['RemoveTeamMember', { teamId: 'red', userId: 'alice' }],
    ['SetTeamMembers', { teamId: 'blue', users: ['alice'] }],
    [
      'CreateTowerUser',
      { email: 'c@x.test', displayName: 'C', role: 'admin', password: 'p'.repeat(12) },
    ],
    ['DisableTowerUser', { userId: 'bob' }],
    ['EnableTowerUser', { userId: 'bob' }],
    ['ChangeTowerUserRole', { userId: 'alice', role: 'admin' }],
    ['RenameTowerUser', { userId: 'bob', displayName: 'Robert' }],
    ['ResetTowerUserPassword', { userId: 'bob', password: 'p'.repeat(12) }],
  ])('%s is forbidden', async (type, input) => {
    await given(...everything)
      .when(type, input, ALICE)
      .thenFails('forbidden');
  });
});

describe('names are unique in their scope', () => {
  it('an account name is unique within its installation, not across installations', async () => {
    const scenario = given(
      ...world,
      installationCreated('prod'),
      installationCreated('stage'),
      accountCreated('orders', 'prod', { name: 'orders' }),
    );
    await scenario
      .when('CreateAccount', { installationId: 'prod', name: 'orders' }, ADMIN)
      .thenFails('name_taken', 'name');
    await scenario
      .when('CreateAccount', { installationId: 'stage', name: 'orders' }, ADMIN)
      .thenEvents(expect.objectContaining({ type: 'AccountCreated' }));
  });

  it('a NATS user name is unique within its account, not across accounts', async () => {
    const scenario = given(
      ...world,
      installationCreated('prod'),
      accountCreated('orders', 'prod'),
      accountCreated('billing', 'prod'),
      natsUserCreated('svc', 'orders', { name: 'svc' }),
    );
    await scenario
      .when('CreateNatsUser', { accountId: 'orders', name: 'svc' }, ALICE)
      .thenFails('name_taken', 'name');
    await scenario
      .when('CreateNatsUser', { accountId: 'billing', name: 'svc' }, ALICE)
      .thenEvents(expect.objectContaining({ type: 'NatsUserCreated' }));
  });
});

describe('a disabled user can do nothing', () => {
  const disabled = [
    ...world,
    installationCreated('prod'),
    accountCreated('orders', 'prod'),
    event('TowerUserDisabled', { userId: 'alice' }),
  ];

  it.each([
    ['CreateNatsUser', { accountId: 'orders', name: 'svc' }],
    ['RenameTowerUser', { userId: 'alice', displayName: 'Al' }],
  ])('%s is refused as unauthenticated', async (type, input) => {
    await given(...disabled)
      .when(type, input, ALICE)
      .thenFails('unauthenticated');
  });

  it('a disabled admin is refused too, and an enabled one acts again', async () => {
    const scenario = given(...disabled, event('TowerUserDisabled', { userId: 'ada' }));
    await scenario.when('CreateTeam', { name: 'Ops' }, ADMIN).thenFails('unauthenticated');

    scenario.and(event('TowerUserEnabled', { userId: 'ada' }));
    await scenario
      .when('CreateTeam', { name: 'Ops' }, ADMIN)
      .thenEvents(expect.objectContaining({ type: 'TeamCreated' }));
  });

  it('a user Tower does not know is refused as unauthenticated', async () => {
    await given(...world)
      .when('CreateTeam', { name: 'Ops' }, { userId: 'mallory', role: 'admin' })
      .thenFails('unauthenticated');
  });
});

describe('a team that still guards something cannot be deleted', () => {
  it('is refused while assigned, and goes once unassigned', async () => {
    const scenario = given(
      ...world,
      installationCreated('prod', { teams: ['blue'] }),
      accountCreated('orders', 'prod', { teams: ['blue'] }),
    );
    await scenario.when('DeleteTeam', { teamId: 'blue' }, ADMIN).thenFails('in_use', 'teamId');

    scenario.and(
      event('InstallationTeamsSet', { installationId: 'prod', teams: [] }),
      event('AccountTeamsSet', { accountId: 'orders', teams: [] }),
    );
    await scenario
      .when('DeleteTeam', { teamId: 'blue' }, ADMIN)
      .thenEvents(event('TeamDeleted', { teamId: 'blue' }));
  });
});

describe('limit profiles', () => {
  const small = limitProfileCreated('small', { connections: 10, payload: 1024 });
  const profiles = [
    ...world,
    installationCreated('prod'),
    small,
    event('LimitProfileMarkedDefault', { profileId: 'small' }),
  ];

  it('the default profile is applied to a new account that names none', async () => {
    const scenario = given(...profiles);
    const result = await scenario.tower.bus.execute(
      'CreateAccount',
      { installationId: 'prod', name: 'orders', limits: { payload: 2048 } },
      ADMIN,
    );

    const account = scenario.tower.reader.account(result.id!);
    expect(account?.limitProfileId).toBe('small');
    expect(account?.effectiveLimits).toEqual({ ...small.data.limits, payload: 2048 });
  });

  it('a profile update changes the effective limits of the accounts that follow it', async () => {
    const scenario = given(
      ...profiles,
      accountCreated('orders', 'prod', { limitProfileId: 'small', limits: { payload: 2048 } }),
      accountCreated('billing', 'prod'),
    );
    await scenario.tower.bus.execute(
      'UpdateLimitProfile',
      { profileId: 'small', limits: { connections: 5, payload: 10 } },
      ADMIN,
    );

    const { reader } = scenario.tower;
    expect(reader.account('orders')?.effectiveLimits).toMatchObject({
      connections: 5,
      payload: 2048,
    });
    expect(reader.account('billing')?.effectiveLimits).toMatchObject({
      connections: -1,
      payload: -1,
    });
  });

  it("NATS user limits are checked against the account's limits as the profile now has them", async () => {
    const scenario = given(
      ...profiles,
      accountCreated('orders', 'prod', { limitProfileId: 'small' }),
    );
    const limits = { subscriptions: -1, data: -1, payload: 512 };
    await scenario.tower.bus.execute(
      'UpdateLimitProfile',
      { profileId: 'small', limits: { payload: 256 } },
      ADMIN,
    );

    await scenario
      .when('CreateNatsUser', { accountId: 'orders', name: 'svc', limits }, ALICE)
      .thenFails('limit_exceeds_account', 'limits.payload');
  });
});
