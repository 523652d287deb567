import type { TempTower } from '../helpers/temp-tower.ts';

/**
 * Writes a log that touches every read model: users, teams, an installation, a limit profile,
 * accounts and NATS users, with renames, rotations and deletions among them.
 */
export async function writeSampleLog(tower: TempTower) {
  const { bus, admin, user } = tower;
  const team = await bus.execute('CreateTeam', { name: 'Payments' }, admin);
  await bus.execute('AddTeamMember', { teamId: team.id, userId: user.userId }, admin);
  const installation = await bus.execute(
    'CreateInstallation',
    { name: 'prod', urls: ['nats://127.0.0.1:4222'], teams: [team.id] },
    admin,
  );
  const profile = await bus.execute(
    'CreateLimitProfile',
    { name: 'small', limits: { payload: 4096, subscriptions: 100 } },
    admin,
  );
  const account = await bus.execute(
    'CreateAccount',
    {
      installationId: installation.id,
      name: 'orders',
      teams: [team.id],
      limitProfileId: profile.id,
    },
    admin,
  );
  const first = await bus.execute(
    'CreateNatsUser',
    { accountId: account.id, name: 'svc', permissions: { pub: { allow: ['orders.>'] } } },
    user,
  );
  const second = await bus.execute('CreateNatsUser', { accountId: account.id, name: 'tmp' }, user);
  await bus.execute('RotateNatsUserCredentials', { natsUserId: first.id }, user);
  await bus.execute('DeleteNatsUser', { natsUserId: second.id }, user);
  await bus.execute(
    'UpdateLimitProfile',
    { profileId: profile.id, limits: { payload: 8192 } },
    admin,
  );
  const renamed = await bus.execute('RenameTeam', { teamId: team.id, name: 'Billing' }, admin);
  await bus.execute('CreateTeam', { name: 'Search' }, admin);
  return { teamId: team.id!, renameSeq: renamed.firstSeq!, accountId: account.id! };
}
