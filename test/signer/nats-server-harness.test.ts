import { existsSync } from 'node:fs';

import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { natsServerBinary, startNatsServer } from '../helpers/nats-server.ts';

/** The test helper every integration test relies on; it must fail loudly, never skip. */
describe('the nats-server test harness', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('names TOWER_NATS_SERVER_BIN in its error when that path has no binary', () => {
    vi.stubEnv('TOWER_NATS_SERVER_BIN', '/nonexistent/nats-server');

    expect(() => natsServerBinary()).toThrow(/TOWER_NATS_SERVER_BIN is \/nonexistent\/nats-server/);
  });

  it('starts on a loopback port the system picked; stop removes everything', async () => {
    const server = await startNatsServer();
    expect(server.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    const nc = await connect({ servers: server.url });
    await nc.close();

    await server.stop();
    expect(existsSync(server.paths.dir)).toBe(false);
    await expect(
      connect({ servers: `127.0.0.1:${server.clientPort}`, reconnect: false }),
    ).rejects.toThrow();
  });

  it('restarts the server with the same directory', async () => {
    const server = await startNatsServer({ jetstream: true });
    try {
      await server.restart();
      const nc = await connect({ servers: server.url });
      await nc.close();
      expect(existsSync(server.paths.storeDir)).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it('reports the log when the config is invalid', async () => {
    await expect(startNatsServer({ extraConfig: 'this is { not valid' })).rejects.toThrow(
      /nats-server exited/,
    );
  });
});
