import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webTower, type WebTower } from '../helpers/web.ts';
import { redBlueWorld, type RedBlueWorld } from '../web/red-blue-world.ts';

describe('concurrent clients', () => {
  let web: WebTower;
  let world: RedBlueWorld;

  beforeAll(async () => {
    web = await webTower();
    world = await redBlueWorld(web);
  });
  afterAll(() => web.close());

  const send = (method: 'GET' | 'PATCH' | 'POST', url: string, payload?: object, headers = {}) =>
    web.request(world.sessions.admin, { method, url, payload, headers });

  it.each([
    [
      'account',
      () => `/api/v1/accounts/${world.account}`,
      { description: 'first' },
      { description: 'second' },
    ],
    [
      'NATS user',
      () => `/api/v1/nats-users/${world.natsUser}`,
      { description: 'first' },
      { description: 'second' },
    ],
  ])(
    'lets one of two changes to the same %s win and answers the other 409',
    async (_kind, url, a, b) => {
      const { version } = (await send('GET', url())).json() as { version: number };
      const ifMatch = { 'if-match': `"${version}"` };
      const head = web.tower.log.head().seq;

      const [first, second] = await Promise.all([
        send('PATCH', url(), a, ifMatch),
        send('PATCH', url(), b, ifMatch),
      ]);

      const statuses = [first.statusCode, second.statusCode].sort();
      expect(statuses).toEqual([200, 409]);
      const loser = first.statusCode === 409 ? first : second;
      expect(loser.json()).toMatchObject({ code: 'version_conflict' });
      expect(loser.json().detail).toMatch(/changed by someone else/u);
      // Exactly the winner's change is stored, whole.
      expect(web.tower.log.head().seq).toBe(head + 1);
      const winner = first.statusCode === 200 ? a : b;
      expect((await send('GET', url())).json()).toMatchObject(winner);

      // The loser reloads and retries.
      const reloaded = (await send('GET', url())).json() as { version: number };
      const retry = await send(
        'PATCH',
        url(),
        { description: 'retried' },
        { 'if-match': `"${reloaded.version}"` },
      );
      expect(retry.statusCode).toBe(200);
    },
  );

  it('serves many users reading and writing at once without errors or lost updates', async () => {
    const clients = 24;
    const perClient = 15;
    const created: string[] = [];
    const failures: string[] = [];

    const client = async (c: number) => {
      for (let i = 0; i < perClient; i++) {
        const write = await web.request(world.sessions.owner, {
          method: 'POST',
          url: `/api/v1/accounts/${world.account}/nats-users`,
          payload: { name: `load-${c}-${i}` },
        });
        if (write.statusCode === 201) created.push(write.json().id);
        else failures.push(`write ${write.statusCode}`);
        const reads = await Promise.all([
          web.request(world.sessions.owner, {
            method: 'GET',
            url: `/api/v1/accounts/${world.account}/nats-users?limit=20`,
          }),
          web.request(world.sessions.owner, { method: 'GET', url: '/installations' }),
          web.request(world.sessions.other, { method: 'GET', url: '/api/v1/installations' }),
        ]);
        for (const read of reads)
          if (read.statusCode !== 200) failures.push(`read ${read.statusCode}`);
      }
    };
    await Promise.all([...Array(clients).keys()].map(client));

    expect(failures).toEqual([]);
    expect(created).toHaveLength(clients * perClient);
    const stored = web.tower.db
      .prepare(`SELECT count(*) FROM nats_users WHERE account_id = ? AND name LIKE 'load-%'`)
      .pluck()
      .get(world.account);
    expect(stored).toBe(clients * perClient);
    const events = web.tower.db
      .prepare(
        `SELECT count(*) FROM events WHERE type = 'NatsUserCreated' AND data LIKE '%"load-%'`,
      )
      .pluck()
      .get();
    expect(events).toBe(clients * perClient);
  });
});
