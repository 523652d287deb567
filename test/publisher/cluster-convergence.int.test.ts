import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startPublisher, type Publisher } from '../../src/publisher/index.ts';
import type { NatsServer } from '../helpers/nats-server.ts';
import {
  TEST_PUBLISHER_OPTIONS,
  accountJwt,
  captureLogger,
  connectAsNatsUser,
  eventually,
  jwtLimits,
  run,
  startInstallationCluster,
  towerWithInstallation,
  type InstallationCluster,
  type TowerWithInstallation,
} from './publisher-fixture.ts';

const ALL = ['publisher-it-1', 'publisher-it-2', 'publisher-it-3'];

/**
 * A three-server installation: an update reaches the servers that are up, and a server that
 * was away gets it as soon as it is back, not at the resolver's next sync two minutes later.
 */
describe('publishing to a three-server cluster', () => {
  let fixture: TowerWithInstallation;
  let cluster: InstallationCluster;
  let publisher: Publisher;
  let accountId: string;
  let natsUserId: string;
  const log = captureLogger();

  beforeAll(async () => {
    fixture = await towerWithInstallation(3);
    cluster = await startInstallationCluster(fixture.tower, fixture.installationId, fixture.ports);
    publisher = startPublisher(fixture.tower, { ...TEST_PUBLISHER_OPTIONS, logger: log.logger });
    await serversAnswering(3);
    accountId = await run(fixture.tower, 'CreateAccount', {
      installationId: fixture.installationId,
      name: 'orders',
    });
    natsUserId = await run(fixture.tower, 'CreateNatsUser', { accountId, name: 'alice' });
  });

  afterAll(async () => {
    await publisher?.stop();
    await cluster?.stop();
    fixture?.tower.destroy();
  });

  const serversAnswering = (count: number) =>
    eventually(
      () => publisher.status(fixture.installationId).servers.length === count,
      `${count} servers to answer the ping`,
    );

  const publishedTo = (servers: string[], seq: number) =>
    eventually(
      () => {
        const entry = publisher.status(fixture.installationId).accounts[0];
        return (
          entry?.seq === seq &&
          entry.state === 'published' &&
          entry.servers.join() === servers.join() &&
          entry
        );
      },
      `seq ${seq} to be on ${servers.join(', ')}`,
    );

  const storedOn = (server: NatsServer) =>
    readFile(
      join(server.paths.jwtDir, `${accountJwt(fixture.tower, accountId).publicKey}.jwt`),
      'utf8',
    );

  it('publishes an account to every server, each acknowledging it', async () => {
    const current = accountJwt(fixture.tower, accountId);

    await publishedTo(ALL, current.seq);
    for (const server of cluster.servers) expect(await storedOn(server!)).toBe(current.jwt);
  });

  it('publishes an update to the two servers that are up while the third is down', async () => {
    await cluster.stopNode(2);
    await serversAnswering(2);

    await run(fixture.tower, 'SetAccountLimits', { accountId, limits: { connections: 42 } });
    const current = accountJwt(fixture.tower, accountId);
    await publishedTo(ALL.slice(0, 2), current.seq);
    for (const server of cluster.servers.slice(0, 2)) {
      expect(await storedOn(server!)).toBe(current.jwt);
    }
  });

  it('brings the returning server up to date within seconds, by itself', async () => {
    const returned = await cluster.startNode(2);
    const current = accountJwt(fixture.tower, accountId);

    const started = Date.now();
    await publishedTo(ALL, current.seq);
    expect(Date.now() - started).toBeLessThan(10_000);
    const stored = await storedOn(returned);
    expect(stored).toBe(current.jwt);
    expect(jwtLimits(stored)).toMatchObject({ conn: 42 });

    // The publisher sent it again: the resolvers alone would take up to two minutes.
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        message: 'republishing to servers that lack accounts',
        fields: expect.objectContaining({ servers: ALL, requeued: 1 }),
      }),
    );
    const nc = await connectAsNatsUser(fixture.tower, natsUserId, returned.url);
    expect(nc.info?.server_name).toBe('publisher-it-3');
    await nc.close();
  });
});
