import type { Actor } from '../../src/commands/index.ts';
import { TEST_PASSWORD } from '../helpers/temp-tower.ts';
import type { Credentials, WebTower } from '../helpers/web.ts';

/**
 * Two teams and what the red one owns: an installation and an account both guarded by red,
 * and a NATS user in the account. `owner` is in red, `other` in blue, `disabled` in red (and
 * still holding a session from before an admin disabled them).
 */
export interface RedBlueWorld {
  admin: Actor;
  owner: Actor;
  other: Actor;
  disabled: Actor;
  red: string;
  blue: string;
  installation: string;
  account: string;
  natsUser: string;
  profile: string;
  sessions: Record<'admin' | 'owner' | 'other' | 'disabled', Credentials & { kind: 'session' }>;
}

async function createUser(web: WebTower, email: string, admin: Actor): Promise<Actor> {
  const input = { email, displayName: email.split('@')[0], role: 'user', password: TEST_PASSWORD };
  const { id } = await web.tower.bus.execute('CreateTowerUser', input, admin);
  return { userId: id!, role: 'user' };
}

/** Builds the world; users are made once, since each password costs a scrypt hash. */
export async function redBlueWorld(web: WebTower): Promise<RedBlueWorld> {
  const { bus, admin, user: owner } = web.tower;
  const other = await createUser(web, 'other@example.test', admin);
  const disabled = await createUser(web, 'disabled@example.test', admin);
  const red = (await bus.execute('CreateTeam', { name: 'red' }, admin)).id!;
  const blue = (await bus.execute('CreateTeam', { name: 'blue' }, admin)).id!;
  await bus.execute(
    'SetTeamMembers',
    { teamId: red, users: [owner.userId, disabled.userId] },
    admin,
  );
  await bus.execute('SetTeamMembers', { teamId: blue, users: [other.userId] }, admin);

  const urls = ['nats://127.0.0.1:4222'];
  const installation = (
    await bus.execute('CreateInstallation', { name: 'red-prod', urls, teams: [red] }, admin)
  ).id!;
  const account = (
    await bus.execute(
      'CreateAccount',
      { installationId: installation, name: 'orders', teams: [red] },
      admin,
    )
  ).id!;
  const natsUser = (await bus.execute('CreateNatsUser', { accountId: account, name: 'svc' }, owner))
    .id!;
  const profile = (await bus.execute('CreateLimitProfile', { name: 'small' }, admin)).id!;

  const sessions = {
    admin: await web.login('admin@example.test'),
    owner: await web.login('user@example.test'),
    other: await web.login('other@example.test'),
    disabled: await web.login('disabled@example.test'),
  };
  await bus.execute('DisableTowerUser', { userId: disabled.userId }, admin);
  return {
    admin,
    owner,
    other,
    disabled,
    red,
    blue,
    installation,
    account,
    natsUser,
    profile,
    sessions,
  };
}
