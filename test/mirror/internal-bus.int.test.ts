import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUser } from '@nats-io/nkeys';
import { connect, nkeyAuthenticator } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InternalBus } from '../../src/mirror/internal-bus.ts';
import {
  internalBusPaths,
  isAlive,
  runningServerUrl,
  writeInternalBusConfig,
} from '../../src/mirror/internal-bus-files.ts';
import { freePorts, natsServerBinary } from '../helpers/nats-server.ts';
import { captureLogger, eventually } from './mirror-fixture.ts';

/** Tower's own nats-server: a supervised child process with JetStream and nkey auth. */
describe('the internal NATS server', () => {
  const user = createUser();
  const seed = user.getSeed();
  let dataDir: string;
  const buses: InternalBus[] = [];

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tower-bus-'));
  });
  afterEach(async () => {
    for (const bus of buses.splice(0)) await bus.stop();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  function startBus(log = captureLogger(), port?: number) {
    const bus = new InternalBus({
      dataDir,
      binary: natsServerBinary(),
      userPublicKey: user.getPublicKey(),
      port,
      logger: log.logger,
      backoff: { baseMs: 50, capMs: 500 },
    });
    buses.push(bus);
    bus.start();
    return bus;
  }

  it('admits Tower nkey user with JetStream, refuses anonymous clients, listens on loopback', async () => {
    const bus = startBus();
    const url = await bus.ready();

    await expect(connect({ servers: url, reconnect: false })).rejects.toThrow(/Authorization/u);
    const nc = await connect({ servers: url, authenticator: nkeyAuthenticator(seed) });
    const info = await (await jetstreamManager(nc)).getAccountInfo();
    await nc.close();

    expect(new URL(url).hostname).toBe('127.0.0.1');
    expect(info.limits).toBeDefined();
    expect(runningServerUrl(dataDir)).toBe(url);
  });

  it('listens on TOWER_NATS_PORT when it is set', async () => {
    const [port] = await freePorts(1);
    const bus = startBus(captureLogger(), port);

    expect(await bus.ready()).toBe(`nats://127.0.0.1:${port}`);
  });

  it('writes a private config that names the public key only', async () => {
    const bus = startBus();
    await bus.ready();
    const paths = internalBusPaths(dataDir);

    const config = readFileSync(paths.config, 'utf8');
    expect(config).toContain(user.getPublicKey());
    expect(config).not.toContain(new TextDecoder().decode(seed));
    expect(config).toContain(`store_dir: ${JSON.stringify(paths.dir)}`);
    expect(statSync(paths.config).mode & 0o777).toBe(0o600);
  });

  it('restarts the server on the same port after it is killed', async () => {
    const log = captureLogger();
    const bus = startBus(log);
    const url = await bus.ready();
    const killed = bus.pid!;

    process.kill(killed, 'SIGKILL');
    await eventually(() => bus.pid !== killed && bus.url, 'a new server process');

    expect(bus.url).toBe(url);
    expect(isAlive(killed)).toBe(false);
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'internal NATS server exited; restarting it',
      }),
    );
    const nc = await connect({ servers: url, authenticator: nkeyAuthenticator(seed) });
    await nc.close();
  });

  it('stops the server on shutdown, leaving no process behind', async () => {
    const bus = startBus();
    await bus.ready();
    const pid = bus.pid!;

    await bus.stop();

    expect(isAlive(pid)).toBe(false);
    expect(runningServerUrl(dataDir)).toBeUndefined();
  });

  it('stops a server that a killed Tower left running before it starts its own', async () => {
    const paths = internalBusPaths(dataDir);
    writeInternalBusConfig({ paths, port: -1, userPublicKey: user.getPublicKey() });
    const orphan = spawn(natsServerBinary(), ['-c', paths.config], {
      stdio: 'ignore',
      detached: true,
    });
    await eventually(() => runningServerUrl(dataDir), 'the left-over server to listen');

    const log = captureLogger();
    const bus = startBus(log);
    await bus.ready();

    expect(isAlive(orphan.pid!)).toBe(false);
    expect(bus.pid).not.toBe(orphan.pid);
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        message: 'stopping an internal NATS server left by an earlier Tower',
      }),
    );
  });
});
