import { afterEach, describe, expect, it } from 'vitest';

import { startPublisher, type Publisher } from '../../src/publisher/index.ts';
import { freePorts, type NatsServer } from '../helpers/nats-server.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';
import {
  TEST_PUBLISHER_OPTIONS,
  eventually,
  run,
  startInstallationServer,
} from './publisher-fixture.ts';

/** Installations created, moved and deleted while the publisher runs. */
describe('installations that come, move and go', () => {
  let tower: TempTower | undefined;
  let publisher: Publisher | undefined;
  let server: NatsServer | undefined;

  afterEach(async () => {
    await publisher?.stop();
    await server?.stop();
    tower?.destroy();
    [tower, publisher, server] = [undefined, undefined, undefined];
  });

  it('links a new installation, and follows it when its URLs change', async () => {
    tower = await tempTower();
    publisher = startPublisher(tower, TEST_PUBLISHER_OPTIONS);
    const [nowhere, port] = await freePorts(2);
    const installationId = await run(tower, 'CreateInstallation', {
      name: 'moving',
      urls: [`nats://127.0.0.1:${nowhere}`],
    });
    const accountId = await run(tower, 'CreateAccount', { installationId, name: 'orders' });
    server = await startInstallationServer(tower, installationId, { port: port! });
    await eventually(() => publisher!.status(installationId).lastError, 'a failed connect');
    expect(publisher.status(installationId).accounts[0]).toMatchObject({ state: 'pending' });

    await run(tower, 'UpdateInstallation', {
      installationId,
      urls: [`nats://127.0.0.1:${port}`],
    });

    const status = await eventually(() => {
      const current = publisher!.status(installationId);
      return current.accounts[0]?.state === 'published' && current;
    }, 'the account to be published at the new URL');
    expect(status).toMatchObject({
      reachable: true,
      connectedUrl: `127.0.0.1:${port}`,
      accounts: [expect.objectContaining({ accountId, servers: ['publisher-it-1'] })],
    });
  });

  it('drops a deleted installation and its status', async () => {
    tower = await tempTower();
    const [port] = await freePorts(1);
    const installationId = await run(tower, 'CreateInstallation', {
      name: 'short-lived',
      urls: [`nats://127.0.0.1:${port}`],
    });
    server = await startInstallationServer(tower, installationId, { port: port! });
    publisher = startPublisher(tower, TEST_PUBLISHER_OPTIONS);
    await eventually(() => publisher!.status(installationId).reachable, 'the link');

    await run(tower, 'DeleteInstallation', { installationId });

    expect(() => publisher!.status(installationId)).toThrow(/No installation/);
    await expect(publisher.reconcile(installationId)).rejects.toMatchObject({
      code: 'not_found',
    });
    await eventually(
      () => tower!.db.prepare('SELECT COUNT(*) FROM installation_status').pluck().get() === 0,
      'the status row to go',
    );
  });
});
