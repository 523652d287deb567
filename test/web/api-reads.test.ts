import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webTower, type WebTower } from '../helpers/web.ts';
import { redBlueWorld, type RedBlueWorld } from './red-blue-world.ts';

describe('API reads', () => {
  let web: WebTower;
  let world: RedBlueWorld;

  beforeAll(async () => {
    web = await webTower();
    world = await redBlueWorld(web);
  });
  afterAll(() => web.close());

  const get = (who: 'admin' | 'owner' | 'other', url: string) =>
    web.request(world.sessions[who], { method: 'GET', url });

  it('downloads the creds of a visible NATS user as an attachment that is never cached', async () => {
    const response = await get('owner', `/api/v1/nats-users/${world.natsUser}/creds`);

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="svc.creds"');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toContain('-----BEGIN NATS USER JWT-----');
    expect(response.body).toMatch(/SU[A-Z2-7]{50,}/u);
  });

  it("answers 404 for the creds of another team's NATS user, exactly as for a missing one", async () => {
    const hidden = await get('other', `/api/v1/nats-users/${world.natsUser}/creds`);
    const missing = await get('other', '/api/v1/nats-users/doesnotexist/creds');

    expect(hidden.statusCode).toBe(404);
    expect(hidden.body).not.toContain('BEGIN NATS');
    expect(hidden.json().code).toBe(missing.json().code);
  });

  it('gives back markup in free-text fields verbatim: escaping is for the pages', async () => {
    const markup = `<script>alert("x")</script> & <b onmouseover='y'>`;
    const response = await web.request(world.sessions.admin, {
      method: 'PATCH',
      url: `/api/v1/accounts/${world.account}`,
      payload: { description: markup },
    });

    expect(response.json().description).toBe(markup);
    expect((await get('owner', `/api/v1/accounts/${world.account}`)).json().description).toBe(
      markup,
    );
  });

  it('pages NATS users by name with a cursor, and searches names with LIKE wildcards taken literally', async () => {
    for (const name of ['b-1', 'a-2', 'c-3', 'a_4', '100%', 'a-5']) {
      await web.tower.bus.execute(
        'CreateNatsUser',
        { accountId: world.account, name },
        world.owner,
      );
    }
    const url = `/api/v1/accounts/${world.account}/nats-users`;
    const names: string[] = [];
    let cursor: string | null = '';
    do {
      const query: string = cursor ? `?limit=3&cursor=${cursor}` : '?limit=3';
      const page = (await get('owner', url + query)).json() as {
        items: { name: string }[];
        nextCursor: string | null;
      };
      expect(page.items.length).toBeLessThanOrEqual(3);
      names.push(...page.items.map((item) => item.name));
      cursor = page.nextCursor;
    } while (cursor);

    expect(names).toEqual(['100%', 'a-2', 'a-5', 'a_4', 'b-1', 'c-3', 'svc']);
    const underscore = (await get('owner', `${url}?q=_`))
      .json()
      .items.map((i: { name: string }) => i.name);
    expect(underscore).toEqual(['a_4']);
    const percent = (await get('owner', `${url}?q=%25`))
      .json()
      .items.map((i: { name: string }) => i.name);
    expect(percent).toEqual(['100%']);
  });

  it('lists NATS users exactly as each reads alone, escapes, nulls and booleans included', async () => {
    const created = await web.tower.bus.execute(
      'CreateNatsUser',
      {
        accountId: world.account,
        name: 'zz-odd',
        description: 'quote " backslash \\ ünïcode ✓ 𝄞 </script> \u2028',
        permissions: {
          pub: { allow: ['orders.>', 'a.*.b'], deny: ['orders.secret'] },
          sub: { allow: ['_INBOX.>'], deny: [] },
          responses: { max: 5, ttlSeconds: 60 },
        },
        limits: { subscriptions: 10, data: 1_099_511_627_776, payload: -1 },
        bearer: true,
        expiresAt: '2099-01-02T03:04:05.000Z',
      },
      world.owner,
    );
    const url = `/api/v1/accounts/${world.account}/nats-users?limit=100`;

    const response = await get('owner', url);
    const listed = (response.json() as { items: { id: string }[] }).items;
    const alone = await Promise.all(
      listed.map(async (item) => (await get('owner', `/api/v1/nats-users/${item.id}`)).json()),
    );

    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(listed.map((item) => item.id)).toContain(created.id);
    expect(listed).toEqual(alone);
    expect(JSON.stringify(listed)).toBe(JSON.stringify(alone));
  });

  it('lists to each user only the installations their teams may see', async () => {
    const open = await web.tower.bus.execute(
      'CreateInstallation',
      { name: 'shared', urls: ['nats://127.0.0.1:4222'] },
      world.admin,
    );
    const names = async (who: 'admin' | 'owner' | 'other') =>
      (await get(who, '/api/v1/installations')).json().items.map((i: { name: string }) => i.name);

    expect(await names('admin')).toEqual(['red-prod', 'shared']);
    expect(await names('owner')).toEqual(['red-prod', 'shared']);
    expect(await names('other')).toEqual(['shared']);
    await web.tower.bus.execute('DeleteInstallation', { installationId: open.id }, world.admin);
  });

  it("shows an account's publication state from the outbox", async () => {
    const account = (await get('owner', `/api/v1/accounts/${world.account}`)).json();

    expect(account.publication).toEqual({
      state: 'pending',
      servers: [],
      error: null,
      publishedAt: null,
    });
    expect(account.publicKey).toMatch(/^A[A-Z2-7]{55}$/u);
    expect(account.effectiveLimits.connections).toBe(-1);
  });

  it('shows a user the events of what they may see only, newest first', async () => {
    const urls = ['nats://127.0.0.1:4222'];
    await web.tower.bus.execute('CreateInstallation', { name: 'for all', urls }, world.admin);
    const types = async (who: 'admin' | 'owner' | 'other', query = '') =>
      (await get(who, `/api/v1/events?limit=100${query}`))
        .json()
        .items.map((e: { type: string; seq: number }) => e.type);

    const owner = await types('owner');
    expect(owner).toContain('NatsUserCreated');
    expect(owner).toContain('InstallationCreated');
    expect(owner).not.toContain('TowerUserCreated');
    expect(owner).not.toContain('TeamCreated');
    // The deleted "shared" installation took its events out of sight with it.
    expect(await types('other')).toEqual(['InstallationCreated']);
    expect(await types('admin')).toContain('TowerUserCreated');

    const seqs = (await get('admin', '/api/v1/events?limit=100'))
      .json()
      .items.map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
  });

  it('filters events by entity, type and actor, and follows the log forward from ?after', async () => {
    const entity = await get('admin', `/api/v1/events?entityId=${world.natsUser}`);
    expect(entity.json().items.map((e: { streamId: string }) => e.streamId)).toEqual([
      world.natsUser,
    ]);

    const byType = await get('admin', '/api/v1/events?type=TeamCreated');
    expect(byType.json().items).toHaveLength(2);

    const byOwner = await get('admin', `/api/v1/events?actorId=${world.owner.userId}`);
    expect(
      byOwner.json().items.every((e: { actorId: string }) => e.actorId === world.owner.userId),
    ).toBe(true);

    const forward = (await get('admin', '/api/v1/events?after=3&limit=2')).json();
    expect(forward.items.map((e: { seq: number }) => e.seq)).toEqual([4, 5]);
    const next = (await get('admin', `/api/v1/events?limit=2&cursor=${forward.nextCursor}`)).json();
    expect(next.items.map((e: { seq: number }) => e.seq)).toEqual([6, 7]);
  });

  it("filters an installation's status to the accounts the user may see", async () => {
    const hidden = await web.tower.bus.execute(
      'CreateAccount',
      { installationId: world.installation, name: 'admins-only', teams: [world.blue] },
      world.admin,
    );
    const ids = async (who: 'admin' | 'owner') =>
      (await get(who, `/api/v1/installations/${world.installation}/status`))
        .json()
        .accounts.map((a: { accountId: string }) => a.accountId);

    expect(await ids('admin')).toContain(hidden.id);
    expect(await ids('owner')).not.toContain(hidden.id);
    expect(await ids('owner')).toContain(world.account);
  });

  it('answers unknown API paths with a problem, and page paths for browsers with a page', async () => {
    const api = await get('admin', '/api/v1/nothing-here');
    const page = await web.request(world.sessions.admin, {
      method: 'GET',
      url: '/nothing-here',
      headers: { accept: 'text/html' },
    });

    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/u);
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toMatch(/^text\/html/u);
  });

  it('sends an anonymous browser to the login page rather than a 401', async () => {
    const response = await web.app.inject({
      method: 'GET',
      url: '/accounts/x',
      headers: { accept: 'text/html' },
    });

    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/login?next=%2Faccounts%2Fx');
  });

  it('serves an OpenAPI 3.1 document made from the input schemas', async () => {
    const document = (await web.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();

    expect(document.openapi).toBe('3.1.0');
    const create = document.paths['/api/v1/accounts/{id}/nats-users'].post;
    const schema = create.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(['name']);
    expect(schema.properties.permissions.properties.pub).toBeDefined();
    expect(schema.additionalProperties).toBe(false);
    expect(
      document.paths['/api/v1/installations'].get.parameters.map((p: { name: string }) => p.name),
    ).toEqual(['limit', 'cursor', 'q']);
  });
});
