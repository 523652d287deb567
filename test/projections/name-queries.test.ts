import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueries } from '../../src/projections/queries/index.ts';
import { describeEvent, pageNames } from '../../src/web/pages/event-descriptions.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';

describe('names of what events point at', () => {
  let tower: TempTower;
  let queries: ReturnType<typeof createQueries>;

  beforeAll(async () => {
    tower = await tempTower();
    queries = createQueries(tower.db);
  });
  afterAll(() => tower.destroy());

  const run = (type: string, input: Record<string, unknown>) =>
    tower.bus.execute(type, input, tower.admin);

  it('reads each kind by id, as it is called now, and nothing once it is deleted', async () => {
    const { names } = queries;
    const team = (await run('CreateTeam', { name: 'Ops' })).id!;
    const installationId = (
      await run('CreateInstallation', { name: 'prod', urls: ['nats://127.0.0.1:4222'] })
    ).id!;
    const accountId = (await run('CreateAccount', { installationId, name: 'orders', teams: [] }))
      .id!;
    const svc = (await run('CreateNatsUser', { accountId, name: 'svc' })).id!;
    const web = (await run('CreateNatsUser', { accountId, name: 'web' })).id!;
    const profile = (await run('CreateLimitProfile', { name: 'small', limits: { connections: 5 } }))
      .id!;

    expect(names.team([team])).toEqual(new Map([[team, 'Ops']]));
    expect(names.installation([installationId])).toEqual(new Map([[installationId, 'prod']]));
    expect(names.profile([profile])).toEqual(new Map([[profile, 'small']]));
    expect(names.user([tower.admin.userId]).get(tower.admin.userId)).toBe(
      tower.reader.towerUser(tower.admin.userId)!.displayName,
    );
    expect(names.account([])).toEqual(new Map());

    await run('UpdateAccount', { accountId, name: 'billing' });
    expect(names.account([accountId, 'no-such-account'])).toEqual(
      new Map([[accountId, 'billing']]),
    );

    await run('DeleteNatsUser', { natsUserId: svc });
    expect(names.natsUser([svc, web, web])).toEqual(new Map([[web, 'web']]));
  });

  it('names a page of events as describing them one by one would, ids for what is gone', async () => {
    const page = queries.events.summaries({ userId: tower.admin.userId, admin: true }, {});
    expect(page.items.length).toBeGreaterThan(5);
    const names = pageNames(queries.names, true, page.items);
    const lines = page.items.map((event) => describeEvent(event.type, event.data, names));

    expect(lines).toContain(
      'Created NATS user "web" in account "billing", subscriptions unlimited',
    );
    expect(lines).toContain('Changed name of account "billing"');
    const deleted = page.items.find((event) => event.type === 'NatsUserDeleted')!;
    const svc = (deleted.data as { natsUserId: string }).natsUserId;
    expect(lines).toContain(`Deleted NATS user ${svc} of account "billing"; its key is revoked`);
    expect(names.user(tower.admin.userId)).toBe(
      `"${tower.reader.towerUser(tower.admin.userId)!.displayName}"`,
    );
    expect(names.teams(['x', 'y'])).toMatch(/^x, y$/u);
    expect(pageNames(queries.names, false, page.items).teams(['x', 'y'])).toBe('2 team(s)');
  });
});
