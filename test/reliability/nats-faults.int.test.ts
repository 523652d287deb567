import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { freePorts, type NatsServer } from '../helpers/nats-server.ts';
import { runCli, tempDir } from '../helpers/run-cli.ts';
import { ApiClient } from './helpers/api-client.ts';
import { CommandTraffic } from './helpers/command-traffic.ts';
import { currentAccountJwts, startServerForInstallation } from './helpers/installation-server.ts';
import { seedFromEnv, seededRandom } from './helpers/seeded-random.ts';
import { killServer, serverPid } from './helpers/server-signals.ts';
import { connectAsSystemUser, lookupAccountJwt, systemUserCreds } from './helpers/system-user.ts';
import { TowerProcess } from './helpers/tower-process.ts';
import { waitUntil } from './helpers/wait-until.ts';

const SEED = seedFromEnv('FAULTS_SEED');
/** A page or API answer while an installation's server is frozen must come within this. */
const ANSWER_WITHIN_MS = 2_000;
const NODES = ['node-1', 'node-2', 'node-3'];

interface AccountStatus {
  accountId: string;
  publicKey: string;
  state: string;
  seq: number;
  servers: string[];
}

interface InstallationStatus {
  reachable: boolean;
  lastError: string | null;
  accounts: AccountStatus[];
}

/**
 * Faults of the installations' NATS servers while `tower serve` runs: a server killed during a
 * burst of changes, a cluster node away and back, a server that stops answering.
 */
describe(`tower serve while installation servers fail (seed ${SEED})`, () => {
  const dataDir = tempDir('tower-faults-');
  const dbFile = join(dataDir, 'tower.db');
  const random = seededRandom(SEED);
  const servers: NatsServer[] = [];
  const connections: NatsConnection[] = [];
  const frozen = new Set<number>();
  let tower: TowerProcess | undefined;
  let api: ApiClient;
  const figures = {
    seed: SEED,
    serverKills: 0,
    freezes: 0,
    clusterNodeKills: 0,
    changes: 0,
    slowestAnswerWhileFrozenMs: 0,
  };

  beforeAll(async () => {
    const [port] = await freePorts(1);
    tower = new TowerProcess({ dataDir, port: port! });
    await tower.start();
    const args = ['token', 'create', '--email', 'admin@tower.local', '--name', 'faults'];
    const created = await runCli(dataDir, args);
    api = new ApiClient(tower.base, created.stdout.trim().split('\n').at(-1)!);
  });

  afterAll(async () => {
    console.info(`NATS fault figures: ${JSON.stringify(figures)}`);
    for (const pid of frozen) process.kill(pid, 'SIGCONT');
    await Promise.all(connections.map((nc) => nc.close()));
    await Promise.all(servers.map((server) => server.stop()));
    await tower?.stop();
  });

  async function installation(name: string, ports: number[]): Promise<string> {
    const urls = ports.map((port) => `nats://127.0.0.1:${port}`);
    const body = { name, urls, description: 'NATS fault test' };
    return (await api.ok<{ id: string }>({ method: 'POST', path: '/installations', body })).id;
  }

  const status = (installationId: string) =>
    api.ok<InstallationStatus>({ method: 'GET', path: `/installations/${installationId}/status` });

  /** Every account published at Tower's newest version, acknowledged by each named server. */
  const allPublished = (installationId: string, names = ['reliability-1']) => {
    let last: InstallationStatus | undefined;
    return waitUntil(
      async () => {
        const current = currentAccountJwts(dbFile, installationId);
        const answer = await status(installationId);
        last = answer;
        const done =
          answer.accounts.length === current.size &&
          answer.accounts.every(
            (entry) =>
              entry.state === 'published' &&
              entry.seq === current.get(entry.accountId)?.seq &&
              names.every((name) => entry.servers.includes(name)),
          );
        return done && { answer, current };
      },
      'every account to be published with its newest JWT',
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; the status says ${JSON.stringify(last)}`);
    });
  };

  async function createAccounts(installationId: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let index = 0; index < count; index += 1) {
      const path = `/installations/${installationId}/accounts`;
      const body = { name: `base-${index}` };
      ids.push((await api.ok<{ id: string }>({ method: 'POST', path, body })).id);
    }
    return ids;
  }

  it('publishes every change made around a server kill once it is back, newest first', async () => {
    const [natsPort] = await freePorts(1);
    const installationId = await installation('killed', [natsPort!]);
    const server = await startServerForInstallation(api, installationId, { port: natsPort! });
    servers.push(server);
    await createAccounts(installationId, 3);
    await allPublished(installationId);

    // A burst from three clients; the server dies a moment into it and stays down a while.
    const traffic = new CommandTraffic(installationId, random);
    let running = true;
    const burst = traffic.run(api, 3, () => running);
    const truths = watchStatusTruth(installationId, server);
    await sleep(random.int(100, 400));
    await killServer(server);
    figures.serverKills += 1;
    await sleep(1_500);
    running = false;
    await burst;

    const down = await waitUntil(async () => {
      const answer = await status(installationId);
      return !answer.reachable && answer;
    }, 'the status to say the server is unreachable');
    const newest = currentAccountJwts(dbFile, installationId);
    const onDisk = await storedJwts(server, newest);
    const behind = [...newest.values()].filter((jwt) => onDisk.get(jwt.publicKey) !== jwt.jwt);
    expect(behind.length).toBeGreaterThan(0);
    for (const account of behind) {
      const entry = down.accounts.find((candidate) => candidate.publicKey === account.publicKey);
      expect(entry?.state, `account ${account.publicKey} while down`).toBe('pending');
    }

    await server.restart();
    const { current } = await allPublished(installationId);
    truths.stop();
    expect(await truths.problems).toEqual([]);
    expect(traffic.refused).toEqual([]);
    expect(traffic.unanswered).toEqual([]);
    figures.changes += traffic.acknowledged.length;

    const nc = await connectAsSystemUser(server.url, systemUserCreds(dataDir, installationId));
    connections.push(nc);
    for (const account of current.values()) {
      expect(await lookupAccountJwt(nc, account.publicKey), account.publicKey).toBe(account.jwt);
    }
  });

  /**
   * The status may lag, but it never claims more than is true: an account it calls published
   * at version N has version N or a newer one on the server.
   */
  function watchStatusTruth(installationId: string, server: NatsServer) {
    let watching = true;
    const problems = (async () => {
      const found: string[] = [];
      while (watching) {
        const answer = await status(installationId);
        for (const entry of answer.accounts.filter((account) => account.state === 'published')) {
          const held = await heldVersion(installationId, server, entry.publicKey);
          if (held.seq === undefined || held.seq < entry.seq) {
            found.push(`${entry.publicKey} published at ${entry.seq}, server has ${held.what}`);
          }
        }
        await sleep(100);
      }
      return found;
    })();
    return { problems, stop: () => (watching = false) };
  }

  /**
   * The version of an account in a server's resolver folder. The server rewrites the file in
   * place (truncate, then write), so a read can catch it empty or half written: such a read is
   * repeated a few times before it counts.
   */
  async function heldVersion(installationId: string, server: NatsServer, publicKey: string) {
    const file = join(server.paths.jwtDir, `${publicKey}.jwt`);
    let held: string | undefined;
    for (let read = 0; read < 5; read += 1) {
      held = await readFile(file, 'utf8').catch(() => undefined);
      // Read after the file: whatever a server holds was signed before it was sent.
      const seq = signedAccountJwts(installationId).get(held ?? '');
      if (seq !== undefined) return { seq, what: `seq ${seq}` };
      await sleep(50);
    }
    return { seq: undefined, what: held === undefined ? 'no file' : `${held.length} chars` };
  }

  /** Every account JWT Tower signed for the installation, mapped to its sequence number. */
  function signedAccountJwts(installationId: string): Map<string, number> {
    const all = new Map<string, number>();
    for (const account of currentAccountJwts(dbFile, installationId, { all: true }).values()) {
      all.set(account.jwt, account.seq);
    }
    return all;
  }

  it('answers pages and the API within 2 s while a server is frozen', async () => {
    const [natsPort] = await freePorts(1);
    const installationId = await installation('frozen', [natsPort!]);
    const server = await startServerForInstallation(api, installationId, { port: natsPort! });
    servers.push(server);
    const [accountId] = await createAccounts(installationId, 2);
    await allPublished(installationId);
    const session = await login(tower!.base);

    const pid = serverPid(server);
    process.kill(pid, 'SIGSTOP');
    frozen.add(pid);
    figures.freezes += 1;
    // A change while frozen: the publisher now waits on a request the server never answers.
    const patch = { method: 'PATCH' as const, path: `/accounts/${accountId}` };
    await api.ok({ ...patch, body: { limits: { connections: 77 } } });

    const timings: Record<string, number> = {};
    for (let round = 0; round < 3; round += 1) {
      for (const path of [
        `/installations/${installationId}`,
        `/installations/${installationId}/dashboard`,
        `/installations/${installationId}/dashboard/live`,
        `/accounts/${accountId}`,
      ]) {
        const started = Date.now();
        const response = await fetch(`${tower!.base}${path}`, { headers: { cookie: session } });
        expect(response.status, path).toBe(200);
        await response.text();
        timings[path] = Math.max(timings[path] ?? 0, Date.now() - started);
      }
      for (const path of [`/installations/${installationId}/status`, `/accounts/${accountId}`]) {
        const answer = await api.send({ method: 'GET', path });
        expect(answer.status, path).toBe(200);
        timings[`/api/v1${path}`] = Math.max(timings[`/api/v1${path}`] ?? 0, answer.ms);
      }
      await sleep(500);
    }
    figures.slowestAnswerWhileFrozenMs = Math.max(...Object.values(timings));
    for (const [path, ms] of Object.entries(timings)) {
      expect(ms, `${path} while the server is frozen`).toBeLessThan(ANSWER_WITHIN_MS);
    }
    const whileFrozen = await status(installationId);
    const changed = whileFrozen.accounts.find((entry) => entry.accountId === accountId);
    expect(changed?.state).toBe('pending');

    process.kill(pid, 'SIGCONT');
    frozen.delete(pid);
    const { current } = await allPublished(installationId);
    const stored = await readFile(
      join(server.paths.jwtDir, `${current.get(accountId!)!.publicKey}.jwt`),
      'utf8',
    );
    expect(stored).toBe(current.get(accountId!)!.jwt);
  });

  /**
   * test/publisher/cluster-convergence.int.test.ts covers a node that returns with an empty
   * folder, with the publisher in-process; here the node is killed and returns with its folder,
   * holding an outdated copy, behind `tower serve`.
   */
  it('keeps publishing through a cluster while a node is killed, and updates it on return', async () => {
    const clientPorts = await freePorts(3);
    const routePorts = await freePorts(3);
    const routes = routePorts.map((port) => `nats-route://127.0.0.1:${port}`);
    const installationId = await installation('cluster', clientPorts);
    const nodes: NatsServer[] = [];
    for (const [index, port] of clientPorts.entries()) {
      const node = await startServerForInstallation(api, installationId, {
        port,
        serverName: NODES[index]!,
        cluster: { port: routePorts[index]!, routes },
      });
      nodes.push(node);
      servers.push(node);
    }
    const [accountId] = await createAccounts(installationId, 2);
    await allPublished(installationId, NODES);

    // Killed with its folder intact: it returns holding an outdated copy of the account.
    const away = nodes[2]!;
    await killServer(away);
    figures.clusterNodeKills += 1;
    const patch = { method: 'PATCH' as const, path: `/accounts/${accountId}` };
    await api.ok({ ...patch, body: { limits: { connections: 42 } } });
    const { current } = await allPublished(installationId, NODES.slice(0, 2));
    const newest = current.get(accountId!)!;
    for (const node of nodes.slice(0, 2)) {
      const stored = await readFile(join(node.paths.jwtDir, `${newest.publicKey}.jwt`), 'utf8');
      expect(stored, node.paths.dir).toBe(newest.jwt);
    }
    expect(await readFile(join(away.paths.jwtDir, `${newest.publicKey}.jwt`), 'utf8')).not.toBe(
      newest.jwt,
    );

    await away.restart();
    await allPublished(installationId, NODES);
    const nc = await connectAsSystemUser(away.url, systemUserCreds(dataDir, installationId));
    connections.push(nc);
    expect(await readFile(join(away.paths.jwtDir, `${newest.publicKey}.jwt`), 'utf8')).toBe(
      newest.jwt,
    );
    expect(await lookupAccountJwt(nc, newest.publicKey)).toBe(newest.jwt);
  });
});

async function storedJwts(
  server: NatsServer,
  accounts: Map<string, { publicKey: string }>,
): Promise<Map<string, string | undefined>> {
  const stored = new Map<string, string | undefined>();
  for (const { publicKey } of accounts.values()) {
    const file = join(server.paths.jwtDir, `${publicKey}.jwt`);
    stored.set(publicKey, await readFile(file, 'utf8').catch(() => undefined));
  }
  return stored;
}

/** Signs in as the admin through POST /login and returns the session cookie. */
async function login(base: string): Promise<string> {
  const response = await fetch(`${base}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@tower.local', password: 'reliability-admin-password' }),
  });
  if (response.status !== 200) throw new Error(`login failed: ${await response.text()}`);
  return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
