import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiToken } from '../../src/web/api-token-format.ts';
import { webTower, type WebTower } from '../helpers/web.ts';
import { redBlueWorld, type RedBlueWorld } from './red-blue-world.ts';

describe('API writes', () => {
  let web: WebTower;
  let world: RedBlueWorld;

  beforeAll(async () => {
    web = await webTower();
    world = await redBlueWorld(web);
  });
  afterAll(() => web.close());

  const asAdmin = (
    method: 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: object,
    headers = {},
  ) => web.request(world.sessions.admin, { method, url, payload, headers });

  it('answers a creation with 201, a Location, the entity and its version as ETag', async () => {
    const response = await asAdmin('POST', '/api/v1/teams', { name: 'green' });

    expect(response.statusCode).toBe(201);
    const team = response.json();
    expect(response.headers.location).toBe(`/api/v1/teams/${team.id}`);
    expect(response.headers.etag).toBe('"1"');
    expect(team).toMatchObject({ id: expect.any(String), name: 'green', members: [], version: 1 });
  });

  it('answers a retried create whose entity was deleted since with its first outcome', async () => {
    const headers = { 'idempotency-key': 'create-then-delete' };
    const created = await asAdmin('POST', '/api/v1/teams', { name: 'short-lived' }, headers);
    await asAdmin('DELETE', `/api/v1/teams/${created.json().id}`);
    const head = web.tower.log.head().seq;

    const again = await asAdmin('POST', '/api/v1/teams', { name: 'short-lived' }, headers);

    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual({ id: created.json().id, deleted: true });
    expect(web.tower.log.head().seq).toBe(head);
  });

  it('runs a request with a repeated Idempotency-Key once, and refuses the key for another body', async () => {
    const headers = { 'idempotency-key': 'create-blue-prod' };
    const body = { name: 'blue-prod', urls: ['nats://127.0.0.1:4222'] };
    const head = web.tower.log.head().seq;

    const first = await asAdmin('POST', '/api/v1/installations', body, headers);
    const again = await asAdmin('POST', '/api/v1/installations', body, headers);
    const other = await asAdmin('POST', '/api/v1/installations', { ...body, name: 'x' }, headers);

    expect(first.statusCode).toBe(201);
    expect(again.json().id).toBe(first.json().id);
    expect(web.tower.log.head().seq).toBe(head + 1);
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ code: 'command_id_reused' });
  });

  it('refuses a change made against a stale version (If-Match or expectedVersion) with 409', async () => {
    const url = `/api/v1/limit-profiles/${world.profile}`;
    const current = await web.request(world.sessions.admin, { method: 'GET', url });
    const version = Number(JSON.parse(current.headers.etag as string));

    const fresh = await asAdmin(
      'PATCH',
      url,
      { description: 'one' },
      { 'if-match': `"${version}"` },
    );
    const staleHeader = await asAdmin(
      'PATCH',
      url,
      { description: 'two' },
      { 'if-match': `"${version}"` },
    );
    const staleBody = await asAdmin('PATCH', url, {
      description: 'three',
      expectedVersion: version,
    });

    expect(fresh.statusCode).toBe(200);
    expect(fresh.headers.etag).toBe(`"${version + 1}"`);
    for (const stale of [staleHeader, staleBody]) {
      expect(stale.statusCode).toBe(409);
      expect(stale.json()).toMatchObject({ code: 'version_conflict' });
    }
  });

  it('changes several aspects of an account in one PATCH, each version in turn', async () => {
    const url = `/api/v1/accounts/${world.account}`;
    const before = (await web.request(world.sessions.admin, { method: 'GET', url })).json();

    const response = await asAdmin(
      'PATCH',
      url,
      { name: 'orders-v2', teams: [world.red, world.blue], limits: { connections: 10 } },
      { 'if-match': `"${before.version}"` },
    );

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      name: 'orders-v2',
      teams: [world.red, world.blue].sort(),
      limits: { connections: 10 },
      version: before.version + 3,
    });
    expect(response.json().effectiveLimits.connections).toBe(10);
  });

  it('keeps the account limits when a PATCH only changes the limit profile', async () => {
    const url = `/api/v1/accounts/${world.account}`;
    const response = await asAdmin('PATCH', url, { limitProfileId: world.profile });

    expect(response.json()).toMatchObject({
      limitProfileId: world.profile,
      limits: { connections: 10 },
    });
  });

  it('checks the input of every part of a PATCH before running any: a malformed part stores nothing', async () => {
    const head = web.tower.log.head().seq;
    const response = await asAdmin('PATCH', `/api/v1/accounts/${world.account}`, {
      name: 'renamed-again',
      limits: { connections: 'many' },
    });

    expect(response.json()).toMatchObject({ status: 400, field: 'limits.connections' });
    expect(web.tower.log.head().seq).toBe(head);
  });

  it('stores a PATCH of several parts whole or not at all: a refused part undoes the ones before', async () => {
    const before = await web.request(world.sessions.admin, {
      method: 'GET',
      url: `/api/v1/accounts/${world.account}`,
    });
    const eventsBefore = web.tower.log.head().seq;

    const response = await asAdmin('PATCH', `/api/v1/accounts/${world.account}`, {
      name: 'renamed-again',
      teams: ['nosuchteam'],
    });
    const after = await web.request(world.sessions.admin, {
      method: 'GET',
      url: `/api/v1/accounts/${world.account}`,
    });

    expect(response.json()).toMatchObject({ status: 404, field: 'teams' });
    expect(after.json()).toEqual(before.json());
    expect(web.tower.log.head().seq).toBe(eventsBefore);
  });

  it('runs a PATCH of several parts as one unit, checks If-Match once and replays it whole', async () => {
    const url = `/api/v1/accounts/${world.account}`;
    const { version, limits } = (
      await web.request(world.sessions.admin, { method: 'GET', url })
    ).json() as { version: number; limits: { connections: number } };
    const headers = { 'if-match': `"${version}"`, 'idempotency-key': 'patch-two-parts' };
    const patch = { description: 'two parts', limits: { connections: limits.connections + 1 } };

    const first = await asAdmin('PATCH', url, patch, headers);
    const seqAfterFirst = web.tower.log.head().seq;
    const again = await asAdmin('PATCH', url, patch, headers);
    const stale = await asAdmin(
      'PATCH',
      url,
      { description: 'stale' },
      { 'if-match': `"${version}"` },
    );

    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      description: 'two parts',
      version: version + 2,
      limits: { connections: limits.connections + 1 },
    });
    expect(again.json()).toEqual(first.json());
    expect(web.tower.log.head().seq).toBe(seqAfterFirst);
    expect(stale.statusCode).toBe(409);
  });

  it('deletes with 204 and then answers 404', async () => {
    const created = await asAdmin('POST', '/api/v1/teams', { name: 'short-lived' });
    const url = `/api/v1/teams/${created.json().id}`;

    expect((await asAdmin('DELETE', url)).statusCode).toBe(204);
    expect((await web.request(world.sessions.admin, { method: 'GET', url })).statusCode).toBe(404);
  });

  it('creates a token that works once as a bearer, shows its secret only at creation, and revokes it', async () => {
    const created = await web.request(world.sessions.owner, {
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'ci', expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    const { id, token } = created.json() as { id: string; token: string };
    expect(token).toMatch(new RegExp(`^tower_${id}_[A-Za-z0-9_-]{43}$`, 'u'));

    const bearer = { kind: 'token', token } as const;
    const { secret } = parseApiToken(token)!;
    expect((await web.request(bearer, { method: 'GET', url: '/api/v1/me' })).json().via).toBe(
      'token',
    );
    const listed = await web.request(world.sessions.owner, {
      method: 'GET',
      url: '/api/v1/tokens',
    });
    expect(listed.body).not.toContain(secret);
    expect(JSON.stringify(web.tower.db.prepare('SELECT * FROM events').all())).not.toContain(
      secret,
    );

    const revoke = await web.request(world.sessions.owner, {
      method: 'DELETE',
      url: `/api/v1/tokens/${id}`,
    });
    expect(revoke.statusCode).toBe(204);
    expect((await web.request(bearer, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
  });

  it('refuses a well-formed token whose secret is wrong', async () => {
    const { token } = await web.token(world.owner);
    const forged = `${token.slice(0, -4)}AAAA`;

    const response = await web.request(
      { kind: 'token', token: forged },
      { method: 'GET', url: '/api/v1/me' },
    );
    expect(response.statusCode).toBe(401);
  });

  it('returns the token record without the token for a repeated Idempotency-Key', async () => {
    const request = () =>
      web.request(world.sessions.owner, {
        method: 'POST',
        url: '/api/v1/tokens',
        headers: { 'idempotency-key': 'token-once' },
        payload: { name: 'once' },
      });
    const first = (await request()).json();
    const again = (await request()).json();

    expect(first.token).toMatch(/^tower_/u);
    expect(again).toMatchObject({ id: first.id, token: null });
  });

  it('lets an admin disable a user, which ends their sessions, and create users', async () => {
    const created = await asAdmin('POST', '/api/v1/users', {
      email: 'Temp@Example.test',
      name: '<i>Temp</i>',
      role: 'user',
      password: 'long enough password',
    });
    expect(created.json()).toMatchObject({
      email: 'temp@example.test',
      name: '<i>Temp</i>',
      role: 'user',
    });
    const temp = await web.login('temp@example.test', 'long enough password');

    const disabled = await asAdmin('PATCH', `/api/v1/users/${created.json().id}`, {
      disabled: true,
    });
    expect(disabled.json()).toMatchObject({ disabled: true });
    expect(
      web.tower.db
        .prepare('SELECT count(*) FROM web_sessions WHERE user_id = ?')
        .pluck()
        .get(created.json().id),
    ).toBe(0);
    expect((await web.request(temp, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
  });

  it('makes a limit profile the default through PATCH isDefault', async () => {
    const response = await asAdmin('PATCH', `/api/v1/limit-profiles/${world.profile}`, {
      isDefault: true,
    });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ isDefault: true });
  });

  it('rotates a NATS user key: the old creds no longer match', async () => {
    const url = `/api/v1/nats-users/${world.natsUser}`;
    const before = (await web.request(world.sessions.owner, { method: 'GET', url })).json();
    const rotated = await web.request(world.sessions.owner, {
      method: 'POST',
      url: `${url}/rotate`,
    });

    expect(rotated.statusCode).toBe(200);
    expect(rotated.json().publicKey).not.toBe(before.publicKey);
    expect(rotated.json().version).toBe(before.version + 1);
  });
});
