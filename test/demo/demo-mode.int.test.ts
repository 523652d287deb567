import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connect, credsAuthenticator } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { freePorts } from '../helpers/nats-server.ts';
import { runCli, tempDir } from '../helpers/run-cli.ts';

const TOWER_BIN = fileURLToPath(new URL('../../bin/tower.js', import.meta.url));

describe('tower serve --demo', () => {
  let serve: ChildProcess | undefined;
  afterAll(async () => {
    if (serve && serve.exitCode === null) {
      serve.kill('SIGTERM');
      await new Promise((resolve) => serve!.once('close', resolve));
    }
  });

  it('lets a NATS user created through the API connect to the demo installation', async () => {
    const dataDir = tempDir('tower-demo-');
    const [port] = await freePorts(1);
    const base = `http://127.0.0.1:${port}`;
    const env = {
      ...process.env,
      TOWER_DATA_DIR: dataDir,
      TOWER_PORT: String(port),
      TOWER_ADMIN_PASSWORD: 'demo-admin-password',
      TOWER_USER_PASSWORD: 'demo-user-password',
      TOWER_SYNCHRONOUS: 'NORMAL',
      TOWER_LOG_LEVEL: 'warn',
    };
    serve = spawn(process.execPath, [TOWER_BIN, 'serve', '--demo'], { env, stdio: 'ignore' });
    await waitFor(async () => (await fetch(`${base}/login`).catch(() => undefined))?.ok === true);

    const created = await runCli(dataDir, [
      'token',
      'create',
      '--email',
      'admin@tower.local',
      '--name',
      'demo',
    ]);
    const token = created.stdout.trim().split('\n').at(-1)!;
    const api = async (path: string, body?: unknown) => {
      const response = await fetch(`${base}/api/v1${path}`, {
        method: body ? 'POST' : 'GET',
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      expect(response.status, `${path}: ${await response.clone().text()}`).toBeLessThan(300);
      return response;
    };

    const installations = (await (await api('/installations')).json()) as {
      items: { id: string; name: string }[];
    };
    const demo = installations.items.find((item) => item.name === 'demo')!;
    expect(demo).toBeDefined();
    const account = (await (
      await api(`/installations/${demo.id}/accounts`, { name: 'orders' })
    ).json()) as { id: string };
    const natsUser = (await (
      await api(`/accounts/${account.id}/nats-users`, {
        name: 'svc',
        permissions: { pub: { allow: ['orders.>'] }, sub: { allow: ['orders.>'] } },
      })
    ).json()) as { id: string };
    const creds = await (await api(`/nats-users/${natsUser.id}/creds`)).text();

    const detail = (await (await api(`/installations/${demo.id}`)).json()) as { urls: string[] };
    const nc = await waitForConnection(detail.urls[0]!, creds);
    try {
      const subscription = nc.subscribe('orders.created', { max: 1 });
      await nc.flush();
      nc.publish('orders.created', 'first order');
      for await (const message of subscription) expect(message.string()).toBe('first order');
    } finally {
      await nc.close();
    }
  });
});

/** The account may take a moment to reach the server: retry the connection until it does. */
async function waitForConnection(url: string, creds: string) {
  const until = Date.now() + 15_000;
  for (;;) {
    try {
      return await connect({
        servers: url,
        authenticator: credsAuthenticator(new TextEncoder().encode(creds)),
      });
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
