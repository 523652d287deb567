import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UNLIMITED, type AccountLimits, type JetStreamLimits } from '../../src/domain/limits.ts';
import { startNatsServer, type NatsServer } from '../helpers/nats-server.ts';
import { TestInstallation } from './installation-fixture.ts';
import { connectAs, pushAccount } from './nats-clients.ts';

/** How nats-server reads the JetStream part of the account JWTs Tower signs. */
describe('JetStream limits in account JWTs', () => {
  const installation = new TestInstallation();
  const open: NatsConnection[] = [];
  let server: NatsServer;
  let sys: NatsConnection;

  beforeAll(async () => {
    server = await startNatsServer({
      jetstream: true,
      files: { 'operator.conf': installation.operatorConf() },
      extraConfig: (paths) =>
        `include "operator.conf"\nresolver: { type: full, dir: ${JSON.stringify(paths.jwtDir)} }`,
    });
    sys = await connectAs(server.url, installation.sysUser);
  });

  afterAll(async () => {
    await Promise.all([...open, sys].filter(Boolean).map((nc) => nc.close()));
    await server?.stop();
  });

  /** Pushes a new account with these JetStream limits and returns a manager for a user of it. */
  async function managerFor(jetstream: Partial<JetStreamLimits>): Promise<JetStreamManager> {
    const limits: AccountLimits = {
      ...UNLIMITED,
      jetstream: { ...UNLIMITED.jetstream, ...jetstream },
    };
    const account = installation.account(`js-${open.length}`, limits);
    await pushAccount(sys, account.jwt);
    const nc = await connectAs(server.url, installation.user(account, 'app'));
    open.push(nc);
    return jetstreamManager(nc);
  }

  it('reads -1 as unlimited: streams and consumers can be created', async () => {
    const jsm = await managerFor({});

    await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
    await jsm.consumers.add('ORDERS', { durable_name: 'worker' });
    const info = await jsm.getAccountInfo();
    expect(info.limits).toMatchObject({ max_memory: -1, max_storage: -1, max_streams: -1 });
    expect(info).toMatchObject({ streams: 1, consumers: 1 });
  });

  it('holds the stream count', async () => {
    const jsm = await managerFor({ streams: 1 });

    await jsm.streams.add({ name: 'ONE', subjects: ['one'] });
    await expect(jsm.streams.add({ name: 'TWO', subjects: ['two'] })).rejects.toThrow(
      /maximum number of streams reached/,
    );
  });

  it('turns JetStream off for the account when both storage limits are 0', async () => {
    await expect(managerFor({ memoryStorage: 0, diskStorage: 0 })).rejects.toThrow(
      /JetStream not enabled/,
    );
  });

  it('requires max bytes on streams and caps them when the account says so', async () => {
    const jsm = await managerFor({ maxBytesRequired: true, diskMaxStreamBytes: 1000 });

    await expect(jsm.streams.add({ name: 'S', subjects: ['s'] })).rejects.toThrow(/max bytes/);
    await expect(jsm.streams.add({ name: 'S', subjects: ['s'], max_bytes: 5000 })).rejects.toThrow(
      /exceeds account limit/,
    );
    await expect(
      jsm.streams.add({ name: 'S', subjects: ['s'], max_bytes: 500 }),
    ).resolves.toBeTruthy();
  });
});
