import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createQueries, type QueryViewer } from '../../src/projections/queries/index.ts';
import { KeptEvents } from '../../src/projections/queries/kept-events.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';

describe('KeptEvents', () => {
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
    const kept = new KeptEvents<{ seq: number }>(10);
    const { asked, read } = reader();
    expect(kept.of([3, 2, 1], read).map((value) => value.seq)).toEqual([3, 2, 1]);
    expect(kept.of([4, 3, 2], read).map((value) => value.seq)).toEqual([4, 3, 2]);
    expect(kept.of([], read)).toEqual([]);
    expect(asked).toEqual([[3, 2, 1], [4]]);
  });

  it('keeps at most its capacity, letting the least recently read go first', () => {
    const kept = new KeptEvents<{ seq: number }>(3);
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
    const kept = new KeptEvents<{ seq: number; tags: string[] }>(3);
    const [value] = kept.of([1], reader().read);
    expect(() => value!.tags.push('changed')).toThrow(TypeError);
  });

  it('fails loudly when a listed event cannot be read', () => {
    const kept = new KeptEvents<number>(3);
    expect(() => kept.of([7], () => [])).toThrow(/event 7/u);
  });
});

describe('the audit list with decoded events kept', () => {
  let tower: TempTower;
  const run = (type: string, input: Record<string, unknown>) =>
    tower.bus.execute(type, input, tower.admin);

  beforeEach(async () => {
    tower = await tempTower();
  });
  afterEach(() => tower.destroy());

  it('still asks on every read which events the viewer may see and which are new', async () => {
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
});
