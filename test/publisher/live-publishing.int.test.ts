import { jetstreamManager } from '@nats-io/jetstream';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startPublisher, type Publisher } from '../../src/publisher/index.ts';
import type { NatsServer } from '../helpers/nats-server.ts';
import { nextServerError } from '../signer/nats-clients.ts';
import {
  TEST_PUBLISHER_OPTIONS,
  captureLogger,
  connectAsBearer,
  connectAsNatsUser,
  eventually,
  run,
  startInstallationServer,
  towerWithInstallation,
  type TowerWithInstallation,
} from './publisher-fixture.ts';

/**
 * Tower and a running installation: every command is live on the server seconds later, with
 * nothing but the publisher in between.
 */
describe('publishing to a running installation', () => {
  let fixture: TowerWithInstallation;
  let server: NatsServer;
  let publisher: Publisher;
  const open: NatsConnection[] = [];
  const log = captureLogger();

  beforeAll(async () => {
    fixture = await towerWithInstallation();
    server = await startInstallationServer(fixture.tower, fixture.installationId, {
      port: fixture.ports[0]!,
      jetstream: true,
    });
    publisher = startPublisher(fixture.tower, { ...TEST_PUBLISHER_OPTIONS, logger: log.logger });
    await eventually(() => publisher.status(fixture.installationId).reachable, 'the link');
  });

  afterAll(async () => {
    await Promise.all(open.map((nc) => nc.close().catch(() => undefined)));
    await publisher?.stop();
    await server?.stop();
    fixture?.tower.destroy();
  });

  const tower = () => fixture.tower;
  const account = (name: string, limits: Record<string, unknown> = {}) =>
    run(tower(), 'CreateAccount', { installationId: fixture.installationId, name, limits });
  const natsUser = (accountId: string, name: string, extra: Record<string, unknown> = {}) =>
    run(tower(), 'CreateNatsUser', { accountId, name, ...extra });

  /**
   * Waits until the servers acknowledged the user's account, then connects. Connecting
   * earlier would stall: a server that does not know an account asks its peers for up to
   * 1.9 s before it refuses the user.
   */
  async function connectSoon(natsUserId: string): Promise<NatsConnection> {
    const accountId = tower().reader.natsUser(natsUserId)!.accountId;
    await published(accountId);
    const nc = await connectAsNatsUser(tower(), natsUserId, server.url);
    open.push(nc);
    return nc;
  }

  const published = (accountId: string, seq?: number) =>
    eventually(() => {
      const entry = publisher
        .status(fixture.installationId)
        .accounts.find((candidate) => candidate.accountId === accountId);
      return entry?.state === 'published' && (seq === undefined || entry.seq >= seq) && entry;
    }, `account ${accountId} to be published`);

  it('lets a new user connect, publish and subscribe seconds after it was created', async () => {
    const started = Date.now();
    const orders = await account('orders');
    const alice = await natsUser(orders, 'alice');

    const nc = await connectSoon(alice);
    const received = nc.subscribe('orders.created', { max: 1 });
    nc.publish('orders.created', 'order 1');
    for await (const message of received) expect(message.string()).toBe('order 1');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('lets a bearer user connect with its JWT alone', async () => {
    const kiosk = await natsUser(await account('kiosks'), 'kiosk', { bearer: true });

    await published(tower().reader.natsUser(kiosk)!.accountId);
    const nc = await connectAsBearer(tower(), kiosk, server.url);
    open.push(nc);
    expect(nc.info?.server_name).toBe('publisher-it-1');
  });

  it('holds the account connection limit', async () => {
    const limited = await account('two-connections', { connections: 2 });
    const users = await Promise.all(['c1', 'c2', 'c3'].map((name) => natsUser(limited, name)));
    await connectSoon(users[0]!);
    await connectSoon(users[1]!);

    await expect(connectAsNatsUser(tower(), users[2]!, server.url)).rejects.toThrow();
    await server.waitForLog('maximum account active connections exceeded');
  });

  it('holds the account payload limit', async () => {
    const small = await account('small-payloads', { payload: 1024 });
    const nc = await connectSoon(await natsUser(small, 'sender'));

    // Right after letting the user in, the server sends the account's limit in a new INFO.
    await eventually(() => nc.info?.max_payload === 1024, 'the INFO with the account limit');
    expect(() => nc.publish('big', new Uint8Array(2048))).toThrow(/max_payload/);
    nc.publish('small', new Uint8Array(1024));
    await nc.flush();
  });

  it('holds the JetStream memory, disk and stream limits', async () => {
    const jetstream = { memoryStorage: 1_000_000, diskStorage: 2_000_000, streams: 2 };
    const limited = await account('jetstream-limits', { jetstream });
    const jsm = await jetstreamManager(await connectSoon(await natsUser(limited, 'js')));

    const stream = (name: string, storage: 'memory' | 'file', maxBytes?: number) =>
      jsm.streams.add({ name, subjects: [name.toLowerCase()], storage, max_bytes: maxBytes });

    await expect(stream('MEM', 'memory', 2_000_000)).rejects.toThrow(
      /insufficient memory resources/,
    );
    await expect(stream('DISK', 'file', 3_000_000)).rejects.toThrow(
      /insufficient storage resources/,
    );
    await stream('MEM', 'memory', 500_000);
    await stream('DISK', 'file', 1_500_000);
    await expect(stream('THIRD', 'file', 1_000)).rejects.toThrow(
      /maximum number of streams reached/,
    );
    const info = await jsm.getAccountInfo();
    expect(info.limits).toMatchObject({
      max_memory: 1_000_000,
      max_storage: 2_000_000,
      max_streams: 2,
    });
  });

  it('reports a permissions violation when a user publishes to a denied subject', async () => {
    const permissions = { pub: { allow: ['orders.>'], deny: ['orders.admin.>'] } };
    const erin = await natsUser(await account('permissions'), 'erin', { permissions });
    const nc = await connectSoon(erin);
    const error = nextServerError(nc);

    nc.publish('orders.admin.reset', 'x');
    await expect(error).resolves.toMatchObject({
      name: 'PermissionViolationError',
      subject: 'orders.admin.reset',
    });
  });

  it('closes a deleted user as revoked and keeps it out, also after a limits change', async () => {
    const billing = await account('billing');
    const ivy = await natsUser(billing, 'ivy');
    const creds = tower().jwts.natsUserCreds(ivy)!;
    const nc = await connectSoon(ivy);

    await run(tower(), 'DeleteNatsUser', { natsUserId: ivy });
    await expect(nc.closed()).resolves.toMatchObject({ message: 'User Authentication Revoked' });
    const withOldCreds = () =>
      connect({
        servers: server.url,
        authenticator: credsAuthenticator(new TextEncoder().encode(creds)),
        reconnect: false,
      });
    await expect(withOldCreds()).rejects.toThrow(/Authorization Violation/);

    const result = await tower().bus.execute(
      'SetAccountLimits',
      { accountId: billing, limits: { connections: 50 } },
      tower().admin,
    );
    await published(billing, result.lastSeq!);
    await expect(withOldCreds()).rejects.toThrow(/Authorization Violation/);
  });

  it('closes the connections of a deleted account', async () => {
    const doomed = await account('doomed');
    const nc = await connectSoon(await natsUser(doomed, 'dora'));

    await run(tower(), 'DeleteAccount', { accountId: doomed });
    await expect(nc.closed()).resolves.toMatchObject({ message: 'Account Authentication Expired' });
    const entry = await published(doomed);
    expect(entry).toMatchObject({ action: 'delete', servers: ['publisher-it-1'] });
  });

  it('shows the server, its version, and every account as published to it', async () => {
    const status = await eventually(() => {
      const current = publisher.status(fixture.installationId);
      return current.accounts.every((entry) => entry.state === 'published') && current;
    }, 'every account to be published');

    expect(status).toMatchObject({ reachable: true, lastError: null, drift: [] });
    expect(status.servers).toEqual([expect.objectContaining({ name: 'publisher-it-1' })]);
    expect(status.servers[0]!.version).toMatch(/^2\./);
    for (const entry of status.accounts) {
      expect(entry.servers).toEqual(['publisher-it-1']);
      expect(Date.parse(entry.publishedAt!)).toBeGreaterThan(0);
    }
  });

  it('logs what it published, and never a seed, a creds file or a JWT', () => {
    const text = JSON.stringify(log.lines);

    expect(log.lines.map((line) => line.message)).toContain('account published');
    expect(text).not.toMatch(/S[OAU][A-Z2-7]{56}/);
    expect(text).not.toMatch(/BEGIN|eyJ/);
  });
});
