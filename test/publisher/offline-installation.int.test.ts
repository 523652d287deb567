import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { openTower, type Tower } from '../../src/app/open-tower.ts';
import { startPublisher, type Publisher } from '../../src/publisher/index.ts';
import { startNatsServer, type NatsServer } from '../helpers/nats-server.ts';
import {
  TEST_PUBLISHER_OPTIONS,
  accountJwt,
  connectAsNatsUser,
  eventually,
  jwtLimits,
  run,
  startInstallationServer,
  towerWithInstallation,
  type TowerWithInstallation,
} from './publisher-fixture.ts';

/** Commands are accepted while an installation is down and reach it once it is up. */
describe('an installation that is down', () => {
  let fixture: TowerWithInstallation | undefined;
  let reopened: Tower | undefined;
  let publisher: Publisher | undefined;
  let server: NatsServer | undefined;

  afterEach(async () => {
    await publisher?.stop();
    await server?.stop();
    reopened?.close();
    // Removes the data folder too; closing a closed database is harmless.
    fixture?.tower.destroy();
    fixture = undefined;
    reopened = undefined;
    publisher = undefined;
    server = undefined;
  });

  /** While nothing listens on the installation's port: an account with three limit changes. */
  async function changesWhileDown(given: TowerWithInstallation) {
    const { tower, installationId } = given;
    const accountId = await run(tower, 'CreateAccount', { installationId, name: 'orders' });
    const natsUserId = await run(tower, 'CreateNatsUser', { accountId, name: 'alice' });
    for (const connections of [10, 20, 30]) {
      await run(tower, 'SetAccountLimits', { accountId, limits: { connections } });
    }
    return { accountId, natsUserId };
  }

  const start = (given: TowerWithInstallation, tower: Tower) =>
    startInstallationServer(tower, given.installationId, { port: given.ports[0]! });

  const allPublished = (running: Publisher, installationId: string) =>
    eventually(() => {
      const status = running.status(installationId);
      return status.accounts.every((entry) => entry.state === 'published') && status;
    }, 'every account to be published');

  const storedJwt = (running: NatsServer, publicKey: string) =>
    readFile(join(running.paths.jwtDir, `${publicKey}.jwt`), 'utf8');

  it('shows changes pending, then publishes them, the newest version winning', async () => {
    fixture = await towerWithInstallation();
    const { tower, installationId } = fixture;
    publisher = startPublisher(tower, TEST_PUBLISHER_OPTIONS);
    const { accountId, natsUserId } = await changesWhileDown(fixture);

    const down = await eventually(() => {
      const status = publisher!.status(installationId);
      return status.lastError !== null && status;
    }, 'the link to report its failure');
    expect(down.reachable).toBe(false);
    expect(down.accounts).toEqual([
      expect.objectContaining({ accountId, state: 'pending', servers: [], publishedAt: null }),
    ]);
    expect(Date.parse(down.accounts[0]!.pendingSince!)).toBeGreaterThan(0);

    server = await start(fixture, tower);
    const status = await allPublished(publisher, installationId);

    expect(status).toMatchObject({ reachable: true, lastError: null });
    const current = accountJwt(tower, accountId);
    expect(status.accounts[0]).toMatchObject({ seq: current.seq, servers: ['publisher-it-1'] });
    const stored = await storedJwt(server, current.publicKey);
    expect(stored).toBe(current.jwt);
    expect(jwtLimits(stored)).toMatchObject({ conn: 30 });
    await (await connectAsNatsUser(tower, natsUserId, server.url)).close();
  });

  it('publishes what was pending when Tower restarted, with no further command', async () => {
    fixture = await towerWithInstallation();
    const first = startPublisher(fixture.tower, TEST_PUBLISHER_OPTIONS);
    const { accountId, natsUserId } = await changesWhileDown(fixture);
    await first.stop();
    const dataDir = fixture.tower.dataDir;
    fixture.tower.close();

    reopened = openTower({ dataDir, synchronous: 'OFF' });
    server = await start(fixture, reopened);
    publisher = startPublisher(reopened, TEST_PUBLISHER_OPTIONS);
    await allPublished(publisher, fixture.installationId);

    const current = accountJwt(reopened, accountId);
    expect(await storedJwt(server, current.publicKey)).toBe(current.jwt);
    await (await connectAsNatsUser(reopened, natsUserId, server.url)).close();
  });

  it('keeps trying to connect while down, counting no attempt it could not make', async () => {
    fixture = await towerWithInstallation();
    publisher = startPublisher(fixture.tower, TEST_PUBLISHER_OPTIONS);
    await changesWhileDown(fixture);

    await new Promise((done) => setTimeout(done, 1_500));
    const status = publisher.status(fixture.installationId);
    expect(status.reachable).toBe(false);
    expect(status.lastError).toMatch(/CONNECTION_REFUSED|ECONNREFUSED|refused/i);
    expect(status.accounts[0]).toMatchObject({ state: 'pending', attempts: 0 });

    server = await start(fixture, fixture.tower);
    await allPublished(publisher, fixture.installationId);
  });

  it('backs off, counting attempts, while a server answers but no resolver does', async () => {
    fixture = await towerWithInstallation();
    // A server without operator mode lets Tower in, but nothing answers $SYS.REQ.CLAIMS.*.
    server = await startNatsServer({
      config: () => `listen: "127.0.0.1:${fixture!.ports[0]}"`,
    });
    publisher = startPublisher(fixture.tower, TEST_PUBLISHER_OPTIONS);
    await changesWhileDown(fixture);

    const entry = await eventually(() => {
      const first = publisher!.status(fixture!.installationId).accounts[0];
      return first && first.attempts >= 3 && first;
    }, 'three failed attempts');
    expect(entry).toMatchObject({ state: 'pending', publishedAt: null });
    expect(entry.lastError).toMatch(/no responders|no server answered/i);
    expect(Date.parse(entry.nextAttemptAt!)).toBeGreaterThan(Date.now() - 1_000);
  });
});
