import {
  connect,
  credsAuthenticator,
  jwtAuthenticator,
  type NatsConnection,
} from '@nats-io/transport-node';
import type { Tower } from '../../src/app/open-tower.ts';
import type { Actor } from '../../src/commands/index.ts';
import type { PublisherOptions } from '../../src/publisher/index.ts';
import { installationConfig } from '../../src/signer/installation-config.ts';
import { decodeJwt } from '../../src/signer/jwt.ts';
import { freePorts, startNatsServer, type NatsServer } from '../helpers/nats-server.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';

/** Short waits, so that a test sees retries and reconnects within a second or two. */
export const TEST_PUBLISHER_OPTIONS: PublisherOptions = {
  backoff: { baseMs: 50, capMs: 400 },
  timings: {
    requestTimeoutMs: 1_000,
    stallMs: 100,
    lookupTimeoutMs: 300,
    connectTimeoutMs: 1_000,
    reconnectWaitMs: 100,
    statusIntervalMs: 500,
  },
};

/** A logger that keeps what the publisher logs, to check what it did and what it never logs. */
export function captureLogger() {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (fields: object, message: string): void => {
      lines.push({ level, message, fields: fields as Record<string, unknown> });
    };
  return {
    lines,
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
  };
}

/** A Tower with one installation whose URLs name loopback ports picked for it in advance. */
export interface TowerWithInstallation {
  tower: TempTower;
  installationId: string;
  ports: number[];
}

export async function towerWithInstallation(serverCount = 1): Promise<TowerWithInstallation> {
  const tower = await tempTower();
  const ports = await freePorts(serverCount);
  const created = await tower.bus.execute(
    'CreateInstallation',
    { name: 'publisher-it', urls: ports.map((port) => `nats://127.0.0.1:${port}`) },
    tower.admin,
  );
  return { tower, installationId: created.id!, ports };
}

export interface InstallationServerOptions {
  port: number;
  serverName?: string;
  jetstream?: boolean;
  cluster?: { port: number; routes: string[] };
}

/**
 * Starts a nats-server with exactly the operator.conf and server config Tower renders for the
 * installation; only the listen address, ports and folders are the test's.
 */
export function startInstallationServer(
  tower: Pick<Tower, 'db' | 'jwts'>,
  installationId: string,
  options: InstallationServerOptions,
): Promise<NatsServer> {
  const { operatorConf } = installationConfig(tower.db, tower.jwts, installationId);
  return startNatsServer({
    files: { 'operator.conf': operatorConf },
    config: (paths) =>
      installationConfig(tower.db, tower.jwts, installationId, {
        serverName: options.serverName ?? 'publisher-it-1',
        host: '127.0.0.1',
        port: options.port,
        httpPort: -1,
        resolverDir: paths.jwtDir,
        jetstreamDir: options.jetstream ? paths.storeDir : null,
        ...(options.cluster
          ? { cluster: { name: 'publisher-it', host: '127.0.0.1', ...options.cluster } }
          : {}),
      }).serverConf,
  });
}

/** A cluster of installation servers on fixed ports, so a stopped node can come back. */
export interface InstallationCluster {
  readonly servers: (NatsServer | undefined)[];
  /** Stops a node and removes its folder: it comes back empty, like a replaced machine. */
  stopNode(index: number): Promise<void>;
  startNode(index: number): Promise<NatsServer>;
  stop(): Promise<void>;
}

/** Starts one server per client port, joined by routes, each from Tower's rendered config. */
export async function startInstallationCluster(
  tower: Pick<Tower, 'db' | 'jwts'>,
  installationId: string,
  clientPorts: readonly number[],
): Promise<InstallationCluster> {
  const routePorts = await freePorts(clientPorts.length);
  const routes = routePorts.map((port) => `nats-route://127.0.0.1:${port}`);
  const servers: (NatsServer | undefined)[] = [];
  const startNode = async (index: number) => {
    const server = await startInstallationServer(tower, installationId, {
      port: clientPorts[index]!,
      serverName: `publisher-it-${index + 1}`,
      cluster: { port: routePorts[index]!, routes },
    });
    servers[index] = server;
    return server;
  };
  const stopNode = async (index: number) => {
    await servers[index]?.stop();
    servers[index] = undefined;
  };
  const stop = async () => {
    await Promise.all(servers.map((_, index) => stopNode(index)));
  };
  try {
    for (const index of clientPorts.keys()) await startNode(index);
  } catch (error) {
    await stop();
    throw error;
  }
  return { servers, startNode, stopNode, stop };
}

export { eventually } from '../helpers/eventually.ts';

/** Connects as a NATS user with the creds Tower hands out; fails instead of retrying. */
export function connectAsNatsUser(
  tower: Pick<Tower, 'jwts'>,
  natsUserId: string,
  url: string,
): Promise<NatsConnection> {
  const creds = tower.jwts.natsUserCreds(natsUserId);
  if (!creds) throw new Error(`no creds for NATS user ${natsUserId}`);
  return connect({
    servers: url,
    authenticator: credsAuthenticator(new TextEncoder().encode(creds)),
    reconnect: false,
    timeout: 3_000,
  });
}

/** Connects as a bearer NATS user with its JWT alone. */
export function connectAsBearer(
  tower: Pick<Tower, 'jwts'>,
  natsUserId: string,
  url: string,
): Promise<NatsConnection> {
  const jwt = tower.jwts.natsUserJwt(natsUserId);
  if (!jwt) throw new Error(`no JWT for NATS user ${natsUserId}`);
  return connect({
    servers: url,
    authenticator: jwtAuthenticator(jwt),
    reconnect: false,
    timeout: 3_000,
  });
}

/** Runs a command as the admin and returns the id it created or changed. */
export async function run(
  tower: Pick<Tower, 'bus'> & { admin: Actor },
  type: string,
  input: Record<string, unknown>,
): Promise<string> {
  const result = await tower.bus.execute(type, input, tower.admin);
  return result.id!;
}

/** The account's public key and its current JWT in Tower. */
export function accountJwt(tower: Pick<Tower, 'jwts'>, accountId: string) {
  const signed = tower.jwts.current('account', accountId);
  if (!signed) throw new Error(`no JWT for account ${accountId}`);
  return signed;
}

/** The account limits a JWT carries, to compare a server's copy with Tower's. */
export function jwtLimits(jwt: string): unknown {
  return (decodeJwt(jwt).claims as { nats?: { limits?: unknown } }).nats?.limits;
}
