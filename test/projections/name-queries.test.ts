import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueries } from '../../src/projections/queries/index.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';

describe('names of what events point at', () => {
  let tower: TempTower;
  let names: ReturnType<typeof createQueries>['names'];

  beforeAll(async () => {
    tower = await tempTower();
    names = createQueries(tower.db).names;
  });
  afterAll(() => tower.destroy());

  const run = (type: string, input: Record<string, unknown>) =>
    tower.bus.execute(type, input, tower.admin);

  it('reads each kind by id, as it is called now, and nothing once it is deleted', async () => {
    const team = (await run('CreateTeam', { name: 'Ops' })).id!;
    const installationId = (
      await run('CreateInstallation', { name: 'prod', urls: ['nats://127.0.0.1:4222'] })
    ).id!;
    const accountId = (await run('CreateAccount', { installationId, name: 'orders', teams: [] }))
      .id!;
    const natsUserId = (await run('CreateNatsUser', { accountId, name: 'svc' })).id!;

    expect(names.team(team)).toBe('Ops');
    expect(names.installation(installationId)).toBe('prod');
    expect(names.towerUser(tower.admin.userId)).toBe(
      tower.reader.towerUser(tower.admin.userId)!.displayName,
    );
    const profile = (await run('CreateLimitProfile', { name: 'small', limits: { connections: 5 } }))
      .id!;
    expect(names.limitProfile(profile)).toBe('small');

    await run('UpdateAccount', { accountId, name: 'billing' });
    expect(names.account(accountId)).toBe('billing');

    expect(names.natsUser(natsUserId)).toBe('svc');
    await run('DeleteNatsUser', { natsUserId });
    expect(names.natsUser(natsUserId)).toBeUndefined();
    expect(names.account('no-such-account')).toBeUndefined();
  });
});
