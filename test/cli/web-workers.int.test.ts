import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.ts';
import { installationWithServer } from '../helpers/installation-server.ts';
import { freePorts, type NatsServer } from '../helpers/nats-server.ts';
import { runCli, tempDir } from '../helpers/run-cli.ts';

const TOWER_BIN = fileURLToPath(new URL('../../bin/tower.js', import.meta.url));
const ADMIN = { email: 'admin@tower.local', password: 'workers-admin-pw' };

/**
 * `tower serve` with TOWER_WEB_WORKERS=2, as a real process beside a real nats-server: two
 * workers serve the web, the first process publishes, and what must hold once holds once.
 */
describe('tower serve with web workers', () => {
  let nats: NatsServer;
  let serve: ChildProcess;
  let output = '';
  let base = '';
  let installationId = '';

  beforeAll(async () => {
    const dataDir = tempDir('tower-workers-');
    const env = { TOWER_ADMIN_PASSWORD: ADMIN.password, TOWER_USER_PASSWORD: 'workers-user-pw' };
    expect((await runCli(dataDir, ['init'], { env })).code).toBe(0);
    const [webPort] = await freePorts(1);
    ({ installationId, server: nats } = await installationWithServer(dataDir, 'edge'));

    base = `http://127.0.0.1:${webPort}`;
    serve = spawn(process.execPath, [TOWER_BIN, 'serve'], {
      env: {
        ...process.env,
        TOWER_DATA_DIR: dataDir,
        TOWER_PORT: String(webPort),
        TOWER_WEB_WORKERS: '2',
        TOWER_LOG_LEVEL: 'info',
        TOWER_SYNCHRONOUS: 'NORMAL',
        TOWER_NATS_SERVER_BIN: '/nonexistent/nats-server',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    serve.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    serve.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    await eventually(
      () => logLines('web workers listening').length === 1,
      'the web workers to listen',
      30_000,
    );
  }, 60_000);

  afterAll(async () => {
    if (serve.exitCode === null) {
      serve.kill('SIGKILL');
      await new Promise((resolve) => serve.once('close', resolve));
    }
    await nats?.stop();
  });

  /** The JSON log lines whose message is `msg`. */
  function logLines(msg: string): { pid: number; [key: string]: unknown }[] {
    return output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { pid: number; msg: string })
      .filter((line) => line.msg === msg);
  }

  /** Each request on a connection of its own, so that the kernel may hand it to either worker. */
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close', ...headers },
      body: JSON.stringify(body),
    });

  it('serves from two worker processes besides the one that publishes', () => {
    const primary = logLines('web workers listening')[0]!;
    const workers = new Set(logLines('Server listening at ' + base).map((line) => line.pid));
    expect(workers.size).toBe(2);
    expect(workers.has(primary.pid)).toBe(false);
    // A small young generation keeps each worker's memory down (src/cli/web-workers.ts).
    for (const pid of workers) {
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      expect(commandLine).toContain('--max-semi-space-size=2');
    }
  });

  it('holds the login limits across the workers, not per worker', async () => {
    const email = 'someone@example.test';
    for (let i = 0; i < 10; i++) {
      expect((await post('/login', { email, password: `wrong-${i}` })).status).toBe(401);
    }
    const refused = await post('/login', { email, password: 'wrong-again' });
    expect(refused.status).toBe(429);
    const failures = logLines('request completed').filter((line) => line.path === '/login');
    // Both workers counted some of the failures; each alone stayed under the limit of 10.
    expect(new Set(failures.map((line) => line.pid)).size).toBe(2);
  });

  it('publishes a worker’s commit and shows live usage through the first process', async () => {
    const login = await post('/login', ADMIN);
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const auth = { cookie, 'x-csrf-token': csrfToken, origin: base };

    const created = await post(
      `/api/v1/installations/${installationId}/accounts`,
      {
        name: 'orders',
      },
      auth,
    );
    expect(created.status).toBe(201);
    const account = (await created.json()) as { id: string };

    await eventually(
      async () => {
        const response = await fetch(`${base}/api/v1/installations/${installationId}/status`, {
          headers: { cookie },
        });
        const status = (await response.json()) as {
          reachable: boolean;
          accounts: { accountId: string; state: string }[];
        };
        const state = status.accounts.find((a) => a.accountId === account.id)?.state;
        return status.reachable && state === 'published';
      },
      'the account to be published',
      20_000,
    );
    // Live usage comes from the servers, asked over the first process's NATS connection.
    await eventually(
      async () => {
        const response = await fetch(`${base}/accounts/${account.id}`, { headers: { cookie } });
        return (await response.text()).includes('<h2>JetStream streams</h2>');
      },
      'the account page to show live usage',
      20_000,
    );
  });

  it('replaces a worker that dies, and keeps serving', async () => {
    const before = logLines('Server listening at ' + base).map((line) => line.pid);
    process.kill(before[0]!, 'SIGKILL');
    await eventually(
      () => logLines('Server listening at ' + base).length === 3,
      'a replacement worker to listen',
      20_000,
    );
    expect(logLines('web worker stopped; starting another')).toMatchObject([{ signal: 'SIGKILL' }]);
    for (let i = 0; i < 6; i++) {
      const response = await fetch(`${base}/login`, { headers: { connection: 'close' } });
      expect(response.status).toBe(200);
    }
  });

  it('stops its workers and itself on SIGTERM', async () => {
    const pids = logLines('Server listening at ' + base).map((line) => line.pid);
    expect(pids).toHaveLength(3);
    const closed = new Promise<number | null>((resolve) => serve.once('close', resolve));
    serve.kill('SIGTERM');
    expect(await closed).toBe(0);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
