import { generateKeyPairSync, sign } from 'node:crypto';
import { credsAuthenticator, connect } from '@nats-io/transport-node';
import { firstStart } from '../src/app/first-start.ts';
import { openTower, type Tower } from '../src/app/open-tower.ts';
import type { Actor } from '../src/commands/index.ts';
import { startPublisher, type Publisher, type PublishedEvent } from '../src/publisher/index.ts';
import { installationConfig } from '../src/signer/installation-config.ts';
import { Nkey } from '../src/signer/nkey.ts';
import { signUserJwt } from '../src/signer/user-jwt.ts';
import { freePorts, startNatsServer, type NatsServer } from '../test/helpers/nats-server.ts';
import { ratePerSecond, round, tempDir, type Bench, type Figure } from './bench-kit.ts';

const SIGN_COUNT = Number(process.env.BENCH_SIGN_COUNT ?? 20_000);
const LIVE_UPDATES = Number(process.env.BENCH_LIVE_UPDATES ?? 1_000);
const NAME = 'publisher';

/**
 * (a) User JWTs signed per second by the signer against raw Ed25519 signatures of a payload of
 * the same size; (b) on a three-server cluster, the time from a SetAccountLimits commit until
 * every server acknowledged the new account JWT, against a raw CLAIMS.UPDATE round trip that
 * collects three replies, measured alternately in the same run.
 */
export const publisherBench: Bench = {
  name: NAME,
  async run() {
    return [await signingFigure(), ...(await liveFigures())];
  },
};

async function signingFigure(): Promise<Figure> {
  const accountKey = Nkey.fromSeed(Nkey.create('account').seed());
  const userKey = Nkey.create('user');
  const issuedAt = Math.floor(Date.now() / 1000);
  const input = (i: number) => ({
    name: `svc-${i}`,
    userId: userKey.publicKey,
    accountId: accountKey.publicKey,
    permissions: {
      pub: { allow: ['orders.>'], deny: ['orders.admin.>'] },
      sub: { allow: ['orders.>', '_INBOX.>'], deny: [] },
      responses: null,
    },
    limits: { subscriptions: 100, data: -1, payload: 65_536 },
    bearerToken: false,
    issuedAt: issuedAt + (i % 1000),
  });
  const sample = signUserJwt(input(0), accountKey);
  const payload = Buffer.alloc(sample.lastIndexOf('.'), 'a');
  const { privateKey } = generateKeyPairSync('ed25519');

  await ratePerSecond(1_000, (i) => signUserJwt(input(i), accountKey));
  await ratePerSecond(1_000, () => sign(null, payload, privateKey));
  const raw = await ratePerSecond(SIGN_COUNT, () => sign(null, payload, privateKey));
  const signer = await ratePerSecond(SIGN_COUNT, (i) => signUserJwt(input(i), accountKey));
  const ratio = signer / raw;
  return {
    bench: NAME,
    name: `user JWTs signed/s (${SIGN_COUNT}, ${payload.length}-byte signing input)`,
    value: round(signer, 0),
    unit: '/s',
    baselineName: 'raw node:crypto Ed25519 sign/s',
    baseline: round(raw, 0),
    ratio: round(ratio),
    target: '>= 0.5',
    met: ratio >= 0.5,
  };
}

async function liveFigures(): Promise<Figure[]> {
  const folder = tempDir('tower-bench-publisher-');
  const tower = openTower({ dataDir: folder.dir, synchronous: 'FULL' });
  const servers: NatsServer[] = [];
  let publisher: Publisher | undefined;
  try {
    const setup = await installationWithAccount(tower, servers);
    const committedAt = new Map<number, bigint>();
    tower.bus.commits.on((events) => {
      const at = process.hrtime.bigint();
      for (const event of events) committedAt.set(event.seq, at);
    });
    publisher = startPublisher(tower);
    await waitForEveryServer(publisher, setup.installationId);

    const nc = await connect({
      servers: servers[0]!.url,
      authenticator: credsAuthenticator(
        new TextEncoder().encode(tower.jwts.systemUserCreds(setup.installationId)!),
      ),
    });
    const tower3 = liveLatency(tower, publisher, setup, committedAt);
    const raw3 = async () => {
      const jwt = tower.jwts.current('account', setup.accountId)!.jwt;
      const start = process.hrtime.bigint();
      const replies = await nc.requestMany('$SYS.REQ.CLAIMS.UPDATE', jwt, {
        strategy: 'count',
        maxMessages: 3,
        maxWait: 5_000,
      });
      let count = 0;
      for await (const _reply of replies) count++;
      if (count !== 3) throw new Error(`raw CLAIMS.UPDATE got ${count} replies`);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };

    const live: number[] = [];
    const raw: number[] = [];
    for (let i = 0; i < LIVE_UPDATES; i++) {
      live.push(await tower3(i));
      raw.push(await raw3());
    }
    await nc.close();
    return [latencyFigure('p50', live, raw, 0.5), latencyFigure('p99', live, raw, 0.99)];
  } finally {
    await publisher?.stop();
    await Promise.all(servers.map((server) => server.stop()));
    tower.close();
    folder.remove();
  }
}

interface LiveSetup {
  installationId: string;
  accountId: string;
  admin: Actor;
}

async function installationWithAccount(tower: Tower, servers: NatsServer[]): Promise<LiveSetup> {
  await firstStart(tower, {
    adminEmail: 'admin@bench.test',
    adminPassword: 'bench-password-1',
    userEmail: 'user@bench.test',
    userPassword: 'bench-password-2',
  });
  const admin: Actor = {
    userId: tower.reader.towerUserByEmail('admin@bench.test')!.id,
    role: 'admin',
  };
  const clientPorts = await freePorts(3);
  const routePorts = await freePorts(3);
  const routes = routePorts.map((port) => `nats-route://127.0.0.1:${port}`);
  const urls = clientPorts.map((port) => `nats://127.0.0.1:${port}`);
  const installation = await tower.bus.execute(
    'CreateInstallation',
    { name: 'bench', urls },
    admin,
  );
  const installationId = installation.id!;
  const account = await tower.bus.execute(
    'CreateAccount',
    { installationId, name: 'bench' },
    admin,
  );

  const { operatorConf } = installationConfig(tower.db, tower.jwts, installationId);
  for (const [index, port] of clientPorts.entries()) {
    const server = await startNatsServer({
      files: { 'operator.conf': operatorConf },
      config: (paths) =>
        installationConfig(tower.db, tower.jwts, installationId, {
          serverName: `bench-${index + 1}`,
          host: '127.0.0.1',
          port,
          httpPort: null,
          resolverDir: paths.jwtDir,
          jetstreamDir: null,
          cluster: { name: 'bench', host: '127.0.0.1', port: routePorts[index]!, routes },
        }).serverConf,
    });
    servers.push(server);
  }
  return { installationId, accountId: account.id!, admin };
}

async function waitForEveryServer(publisher: Publisher, installationId: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = publisher.status(installationId);
    const ready = status.accounts.every(
      (entry) => entry.state === 'published' && entry.servers.length === 3,
    );
    if (status.servers.length === 3 && ready) return;
    if (Date.now() > deadline) throw new Error('the cluster did not come up for the bench');
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** One SetAccountLimits command: milliseconds from its commit until three servers hold it. */
function liveLatency(
  tower: Tower,
  publisher: Publisher,
  setup: LiveSetup,
  committedAt: Map<number, bigint>,
) {
  const acknowledgedAt = new Map<number, bigint>();
  const waiters = new Map<number, () => void>();
  publisher.onPublished((event: PublishedEvent) => {
    if (event.servers.length < 3) return;
    acknowledgedAt.set(event.seq, process.hrtime.bigint());
    waiters.get(event.seq)?.();
  });
  return async (i: number): Promise<number> => {
    const result = await tower.bus.execute(
      'SetAccountLimits',
      { accountId: setup.accountId, limits: { connections: 1_000 + (i % 2) } },
      setup.admin,
    );
    const seq = result.lastSeq!;
    if (!acknowledgedAt.has(seq)) await new Promise<void>((done) => waiters.set(seq, done));
    waiters.delete(seq);
    return Number(acknowledgedAt.get(seq)! - committedAt.get(seq)!) / 1e6;
  };
}

function latencyFigure(label: string, live: number[], raw: number[], q: number): Figure {
  const value = quantile(live, q);
  const baseline = quantile(raw, q);
  const ratio = baseline / value;
  return {
    bench: NAME,
    name: `SetAccountLimits commit to 3 servers acknowledged, ${label} (${live.length} updates)`,
    value: round(value, 2),
    unit: 'ms',
    baselineName: `raw CLAIMS.UPDATE with 3 replies, ${label}`,
    baseline: round(baseline, 2),
    ratio: round(ratio),
    target: '>= 0.1 (within 10x)',
    met: ratio >= 0.1,
  };
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
