import { jwtAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UNLIMITED } from '../../src/domain/limits.ts';
import { renderServerConfig } from '../../src/signer/server-config.ts';
import { startNatsServer, type NatsServer } from '../helpers/nats-server.ts';
import { NOW, TestInstallation, type TestAccount } from './installation-fixture.ts';
import { connectAs, connectWith, nextServerError, pushAccount } from './nats-clients.ts';

/**
 * A real nats-server started from Tower's rendered server config and operator.conf, with
 * every JWT signed by Tower's signer, and nothing else trusted.
 */
describe('a nats-server that trusts the operator Tower signed', () => {
  const installation = new TestInstallation();
  let server: NatsServer;
  let sys: NatsConnection;
  let orders: TestAccount;

  beforeAll(async () => {
    server = await startNatsServer({
      files: { 'operator.conf': installation.operatorConf() },
      config: (paths) =>
        renderServerConfig({
          serverName: 'tower-it',
          host: '127.0.0.1',
          port: -1,
          httpPort: -1,
          resolverDir: paths.jwtDir,
          jetstreamDir: paths.storeDir,
        }),
    });
    sys = await connectAs(server.url, installation.sysUser);
    orders = installation.account('orders', { ...UNLIMITED, connections: 3 });
    await pushAccount(sys, orders.jwt);
  });

  afterAll(async () => {
    await sys?.close();
    await server?.stop();
  });

  it('runs the preloaded SYS account as the system account', async () => {
    const varz = (await (await fetch(`${server.monitorUrl}/varz`)).json()) as Record<
      string,
      unknown
    >;

    expect(varz.system_account).toBe(installation.sys.identity.publicKey);
    const pong = await sys.request('$SYS.REQ.SERVER.PING', '', { timeout: 2_000 });
    expect(pong.json<{ server: { name: string } }>().server.name).toBe('tower-it');
  });

  it('lets a user of a pushed account connect with its creds, publish and subscribe', async () => {
    const alice = installation.user(orders, 'alice');
    const nc = await connectAs(server.url, alice);
    const received = nc.subscribe('orders.created', { max: 1 });
    await nc.flush();

    nc.publish('orders.created', 'order 1');
    for await (const message of received) expect(message.string()).toBe('order 1');
    await nc.close();
  });

  it('keeps accounts apart: a user of another account sees nothing', async () => {
    const billing = installation.account('billing');
    await pushAccount(sys, billing.jwt);
    const outsider = await connectAs(server.url, installation.user(billing, 'bob'));
    const insider = await connectAs(server.url, installation.user(orders, 'carol'));
    const unseen = outsider.subscribe('orders.>');
    const seen = insider.subscribe('orders.>', { max: 1 });
    await Promise.all([outsider.flush(), insider.flush()]);

    insider.publish('orders.created', 'order 2');
    for await (const message of seen) expect(message.string()).toBe('order 2');
    await outsider.flush();
    expect(unseen.getReceived()).toBe(0);
    await Promise.all([outsider.close(), insider.close()]);
  });

  it('lets a bearer user connect with its JWT alone, and no other user', async () => {
    const bearer = installation.user(orders, 'kiosk', { bearerToken: true });
    const plain = installation.user(orders, 'dave');

    const nc = await connectWith(server.url, jwtAuthenticator(bearer.jwt));
    await nc.close();
    await expect(connectWith(server.url, jwtAuthenticator(plain.jwt))).rejects.toThrow(
      /Authorization Violation/,
    );
  });

  it('reports a permissions violation when a user publishes to a denied subject', async () => {
    const permissions = {
      pub: { allow: ['orders.>'], deny: ['orders.admin.>'] },
      sub: { allow: [], deny: [] },
      responses: null,
    };
    const nc = await connectAs(server.url, installation.user(orders, 'erin', { permissions }));
    const error = nextServerError(nc);

    nc.publish('orders.admin.reset', 'x');
    await expect(error).resolves.toMatchObject({
      name: 'PermissionViolationError',
      operation: 'publish',
      subject: 'orders.admin.reset',
    });
    await nc.close();
  });

  it('lets a responder reply via the response permission, publish nowhere else', async () => {
    const permissions = {
      pub: { allow: ['nowhere'], deny: [] },
      sub: { allow: ['svc.>'], deny: [] },
      responses: { max: 1, ttlSeconds: 60 },
    };
    const responder = await connectAs(
      server.url,
      installation.user(orders, 'svc', { permissions }),
    );
    const requester = await connectAs(server.url, installation.user(orders, 'client'));
    responder.subscribe('svc.echo', {
      callback: (_, message) => {
        message.respond(message.data);
      },
    });
    await responder.flush();

    const reply = await requester.request('svc.echo', 'ping', { timeout: 2_000 });
    expect(reply.string()).toBe('ping');
    const error = nextServerError(responder);
    responder.publish('orders.created', 'x');
    await expect(error).resolves.toMatchObject({ subject: 'orders.created' });
    await Promise.all([responder.close(), requester.close()]);
  });

  it("enforces a user's subscription limit", async () => {
    const limits = { subscriptions: 1, data: -1, payload: -1 };
    const nc = await connectAs(server.url, installation.user(orders, 'frank', { limits }));
    nc.subscribe('a');
    await nc.flush();
    const error = nextServerError(nc);

    nc.subscribe('b');
    await expect(error).resolves.toMatchObject({
      message: expect.stringMatching(/subscriptions/i),
    });
    await nc.close();
  });

  it('refuses connections beyond the account connection limit', async () => {
    const users = ['g1', 'g2', 'g3'].map((name) => installation.user(orders, name));
    const open = await Promise.all(users.map((user) => connectAs(server.url, user)));

    await expect(connectAs(server.url, installation.user(orders, 'g4'))).rejects.toThrow();
    // The refusal reaches the client as the server's -ERR or as a reset socket, so the
    // server's own log names the reason.
    await server.waitForLog('maximum account active connections exceeded');
    await Promise.all(open.map((nc) => nc.close()));
  });

  it('admits a user before its expiry and refuses one after', async () => {
    const current = installation.user(orders, 'henry', { expiresAt: NOW + 3600 });
    const expired = installation.user(orders, 'hank', { expiresAt: NOW - 60 });

    await (await connectAs(server.url, current)).close();
    await expect(connectAs(server.url, expired)).rejects.toThrow(/Authorization Violation/);
  });

  it('closes and refuses a user once the account JWT revokes it', async () => {
    const ivy = installation.user(orders, 'ivy', { issuedAt: NOW - 10 });
    const nc = await connectAs(server.url, ivy);
    const resign = (revocations: Record<string, number>) =>
      installation.accountJwt(orders.identity, orders.signingKey, {
        name: 'orders',
        limits: { ...UNLIMITED, connections: 3 },
        revocations,
      });

    await pushAccount(sys, resign({ [ivy.key.publicKey]: NOW }));
    await expect(nc.closed()).resolves.toMatchObject({ message: 'User Authentication Revoked' });
    await expect(connectAs(server.url, ivy)).rejects.toThrow(/Authorization Violation/);
    await pushAccount(sys, resign({}));
  });
});
