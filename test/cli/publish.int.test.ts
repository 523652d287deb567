import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openTower } from '../../src/app/open-tower.ts';
import { SYSTEM_ACTOR } from '../../src/commands/index.ts';
import { installationWithServer } from '../helpers/installation-server.ts';
import type { NatsServer } from '../helpers/nats-server.ts';
import { runCli, tempDir } from '../helpers/run-cli.ts';

const TOWER_BIN = fileURLToPath(new URL('../../bin/tower.js', import.meta.url));

describe('tower installation and tower publish', () => {
  const servers: NatsServer[] = [];
  afterAll(async () => {
    for (const server of servers) await server.stop();
  });

  it('brings an installation up from the printed settings and publishes its accounts', async () => {
    const dataDir = tempDir();
    const env = {
      TOWER_ADMIN_PASSWORD: 'admin-password-1',
      TOWER_USER_PASSWORD: 'user-password-1',
    };
    expect((await runCli(dataDir, ['init'], { env })).code).toBe(0);
    const { installationId, server } = await installationWithServer(dataDir, 'edge');
    servers.push(server);

    const tower = openTower({ dataDir });
    const account = await tower.bus.execute(
      'CreateAccount',
      { installationId, name: 'orders' },
      SYSTEM_ACTOR,
    );
    tower.close();

    const publisher = spawn(process.execPath, [TOWER_BIN, 'publish'], {
      env: { ...process.env, TOWER_DATA_DIR: dataDir, TOWER_LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    try {
      /** Whether `tower installation status` reports the account published. */
      const published = (accountId: string) => async () => {
        const status = await runCli(dataDir, ['installation', 'status', installationId, '--json']);
        const parsed = JSON.parse(status.stdout) as {
          reachable: boolean;
          accounts: { accountId: string; state: string }[];
        };
        const state = parsed.accounts.find((a) => a.accountId === accountId)?.state;
        return parsed.reachable && state === 'published';
      };
      expect(await waitFor(published(account.id!))).toBe(true);

      // An account the CLI's side creates while the publisher runs is followed within seconds.
      const later = openTower({ dataDir });
      const billing = await later.bus.execute(
        'CreateAccount',
        { installationId, name: 'billing' },
        SYSTEM_ACTOR,
      );
      later.close();
      expect(await waitFor(published(billing.id!), 6_000)).toBe(true);
    } finally {
      publisher.kill('SIGTERM');
      await new Promise((resolve) => publisher.once('close', resolve));
    }
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return false;
}
