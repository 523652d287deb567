import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createQueries, type QueryViewer } from '../../src/projections/queries/index.ts';
import { openTower } from '../../src/app/open-tower.ts';
import { KeptValues } from '../../src/projections/queries/kept-values.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';

describe('KeptValues', () => {
  const reader = () => {
    const asked: number[][] = [];
    const read = (missing: number[]) => {
      asked.push(missing);
      return missing.map((seq): [number, { seq: number; tags: string[] }] => [
        seq,
        { seq, tags: [`t${seq}`] },
      ]);
    };
    return { asked, read };
  };

  it('reads only the events it does not keep, and gives them back in the order asked', () => {
    const kept = new KeptValues<number, { seq: number }>(10);
    const { asked, read } = reader();
    expect(kept.of([3, 2, 1], read).map((value) => value.seq)).toEqual([3, 2, 1]);
    expect(kept.of([4, 3, 2], read).map((value) => value.seq)).toEqual([4, 3, 2]);
    expect(kept.of([], read)).toEqual([]);
    expect(asked).toEqual([[3, 2, 1], [4]]);
  });

  it('keeps at most its capacity, letting the least recently read go first', () => {
    const kept = new KeptValues<number, { seq: number }>(3);
    const { asked, read } = reader();
    kept.of([1, 2, 3], read);
    kept.of([1], read); // 2 is now the least recent
    kept.of([4], read);
    expect(kept.size).toBe(3);
    kept.of([1, 3, 4], read);
    kept.of([2], read);
    expect(asked).toEqual([[1, 2, 3], [4], [2]]);
  });

  it('freezes what it keeps, since every later reader shares it', () => {
    const kept = new KeptValues<number, { seq: number; tags: string[] }>(3);
    const [value] = kept.of([1], reader().read);
    expect(() => value!.tags.push('changed')).toThrow(TypeError);
  });

  it('fails loudly when a listed event cannot be read', () => {
    const kept = new KeptValues<number, number>(3);
    expect(() => kept.of([7], () => [])).toThrow(/7 was listed but could not be read/u);
  });
});

describe('queries that keep values by an unchanging key', () => {
  let tower: TempTower;
  const run = (type: string, input: Record<string, unknown>) =>
    tower.bus.execute(type, input, tower.admin);

  beforeEach(async () => {
    tower = await tempTower();
  });
  afterEach(() => tower.destroy());

  it('still asks on every audit read which events the viewer may see and which are new', async () => {
    const team = (await run('CreateTeam', { name: 'mine' })).id!;
    const other = (await run('CreateTeam', { name: 'other' })).id!;
    await run('AddTeamMember', { teamId: team, userId: tower.user.userId });
    const installationId = (
      await run('CreateInstallation', { name: 'prod', urls: ['nats://127.0.0.1:4222'], teams: [] })
    ).id!;
    const accountId = (
      await run('CreateAccount', { installationId, name: 'orders', teams: [team] })
    ).id!;
    await run('CreateNatsUser', { accountId, name: 'svc' });
    const queries = createQueries(tower.db);
    const viewer: QueryViewer = { userId: tower.user.userId, admin: false };
    const accountEvents = () => {
      const fromSummaries = queries.events
        .summaries(viewer, {}, { limit: 100 })
        .items.filter(
          (event) => event.type.startsWith('Account') || event.type === 'NatsUserCreated',
        )
        .map((event) => event.type);
      const fromJson = (
        JSON.parse(queries.events.listJson(viewer, {}, { limit: 100 })) as {
          items: { type: string }[];
        }
      ).items
        .filter((event) => event.type.startsWith('Account') || event.type === 'NatsUserCreated')
        .map((event) => event.type);
      expect(fromJson).toEqual(fromSummaries);
      return fromSummaries;
    };

    expect(accountEvents()).toEqual(['NatsUserCreated', 'AccountCreated']);
    await run('SetAccountTeams', { accountId, teams: [other] });
    expect(accountEvents()).toEqual([]);
    await run('SetAccountTeams', { accountId, teams: [team] });
    await run('CreateNatsUser', { accountId, name: 'svc-2' });
    expect(accountEvents()).toEqual([
      'NatsUserCreated',
      'AccountTeamsSet',
      'AccountTeamsSet',
      'NatsUserCreated',
      'AccountCreated',
    ]);
  });

  it('lists NATS users with every change after a warm read, whichever connection made it', async () => {
    const installationId = (
      await run('CreateInstallation', { name: 'prod', urls: ['nats://127.0.0.1:4222'], teams: [] })
    ).id!;
    const accountId = (await run('CreateAccount', { installationId, name: 'orders', teams: [] }))
      .id!;
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c', 'd']) {
      ids.push((await run('CreateNatsUser', { accountId, name })).id!);
    }
    const queries = createQueries(tower.db);
    const viewer: QueryViewer = { userId: tower.user.userId, admin: false };
    const fresh = (request = {}) =>
      JSON.stringify(queries.natsUsers.list(viewer, accountId, request));
    const listed = (request = {}) => queries.natsUsers.listJson(viewer, accountId, request);

    expect(listed()).toBe(fresh());
    expect(listed({ limit: 2 })).toBe(fresh({ limit: 2 }));

    await run('UpdateNatsUser', { natsUserId: ids[0], description: 'changed here' });
    await run('DeleteNatsUser', { natsUserId: ids[1] });
    await run('CreateNatsUser', { accountId, name: 'e' });
    // A second connection, as a web worker or the CLI beside `tower serve` would be.
    const other = openTower({ dataDir: tower.dataDir, synchronous: 'OFF' });
    try {
      await other.bus.execute(
        'UpdateNatsUser',
        { natsUserId: ids[2], name: 'c-renamed', bearer: true },
        tower.admin,
      );
    } finally {
      other.close();
    }

    const after = JSON.parse(listed()) as { items: { name: string; description: string }[] };
    expect(after.items.map((item) => item.name)).toEqual(['a', 'c-renamed', 'd', 'e']);
    expect(after.items[0]!.description).toBe('changed here');
    expect(listed()).toBe(fresh());
    const page = JSON.parse(listed({ limit: 2 })) as { nextCursor: string };
    expect(listed({ limit: 2, cursor: page.nextCursor })).toBe(
      fresh({ limit: 2, cursor: page.nextCursor }),
    );
  });
});
