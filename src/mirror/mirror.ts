import type { Tower } from '../app/open-tower.ts';
import type { LastingConnection } from '../nats/lasting-connection.ts';
import { busLink } from './bus-link.ts';
import { externalEndpoint, internalEndpoint, type BusEndpoint } from './bus-endpoint.ts';
import { EventPublisher } from './event-publisher.ts';
import { InternalBus } from './internal-bus.ts';
import { internalBusUser } from './internal-bus-user.ts';
import { MirrorLoop } from './mirror-loop.ts';
import {
  resolveMirrorOptions,
  type MirrorOptions,
  type ResolvedMirrorOptions,
} from './mirror-options.ts';
import { findNatsServer } from './server-binary.ts';

/** The parts of a Tower the mirror uses. */
export type MirrorTower = Pick<Tower, 'dataDir' | 'db' | 'log' | 'bus' | 'keystore'>;

/** Where the mirror stands, for the UI and for health checks. */
export interface MirrorStatus {
  /** False when the mirror is off: no nats-server to start and no TOWER_NATS_URL. */
  enabled: boolean;
  connected: boolean;
  /** The last event the stream acknowledged. */
  cursor: number;
  /** The last event in the log. */
  head: number;
  /** Events the stream does not have yet. */
  lag: number;
  /** The last failure (connect, publish, internal server), cleared when publishing resumes. */
  lastError: string | null;
}

/** A running (or switched off) event mirror. */
export interface Mirror {
  status(): MirrorStatus;
  /** Stops publishing, closes the connection and stops the internal server, if any. */
  stop(): Promise<void>;
}

const CLIENT_NAME = 'nats-tower-mirror';

/**
 * Starts mirroring the event log to the `TOWER_EVENTS` stream. With TOWER_NATS_URL it
 * publishes there; otherwise it starts Tower's internal nats-server; without a binary for that
 * it logs once that the mirror is off and how to turn it on, and Tower runs on without it.
 * Publishing never blocks a command: it runs in the background, woken by each commit.
 *
 * @example
 * const mirror = startMirror(tower, { nats: loadConfig().nats, logger });
 * mirror.status(); // { enabled: true, connected: true, cursor: 120, head: 120, lag: 0, ... }
 * await mirror.stop();
 */
export function startMirror(tower: MirrorTower, options: MirrorOptions): Mirror {
  const resolved = resolveMirrorOptions(options);
  const target = chooseTarget(tower, resolved);
  if ('off' in target) {
    resolved.logger.warn({ reason: target.off }, MIRROR_OFF_MESSAGE);
    return offMirror(tower);
  }

  const publisher = new EventPublisher({
    db: tower.db,
    log: tower.log,
    replicas: target.endpoint.replicas,
    logger: resolved.logger,
    timings: resolved.timings,
  });
  const loop = new MirrorLoop(publisher, resolved);
  const link = busLink(target.endpoint, {
    connect: {
      name: CLIENT_NAME,
      timeoutMs: resolved.timings.connectTimeoutMs,
      reconnectWaitMs: resolved.timings.reconnectWaitMs,
    },
    backoff: resolved.backoff,
    logger: resolved.logger,
  });

  link.onChange((event) => (event.type === 'connected' ? loop.attach(event.nc) : loop.detach()));
  const unsubscribe = tower.bus.commits.on(() => loop.wake());
  const unwatch = followInternalBus(target.bus, link);
  loop.start();

  return {
    status: () => {
      const head = tower.log.head().seq;
      const cursor = publisher.cursor();
      const lastError = loop.lastError ?? link.state().lastError ?? target.bus?.lastError ?? null;
      const connected = link.connection !== undefined;
      return { enabled: true, connected, cursor, head, lag: head - cursor, lastError };
    },
    stop: async () => {
      unsubscribe();
      unwatch();
      await loop.stop(resolved.timings.ackTimeoutMs);
      await link.close();
      await loop.finished();
      await target.bus?.stop();
    },
  };
}

/** The constant message of the one log line that says the mirror is off. */
export const MIRROR_OFF_MESSAGE =
  'event mirror is off: no nats-server binary was found and TOWER_NATS_URL is not set; ' +
  'install nats-server (apt-get install nats-server) or set TOWER_NATS_SERVER_BIN to its ' +
  'path, or set TOWER_NATS_URL to a NATS server with JetStream';

type Target = { endpoint: BusEndpoint; bus?: InternalBus } | { off: string };

function chooseTarget(tower: MirrorTower, options: ResolvedMirrorOptions): Target {
  const { nats } = options;
  if (nats.urls.length > 0) return { endpoint: externalEndpoint(nats) };

  const search = findNatsServer(nats);
  if (search.looked !== undefined) {
    const where = nats.serverBin ? `TOWER_NATS_SERVER_BIN (${nats.serverBin})` : 'the PATH';
    return { off: `no executable nats-server in ${where}; looked at ${search.looked.join(', ')}` };
  }
  const user = internalBusUser(tower.keystore);
  const bus = new InternalBus({
    dataDir: tower.dataDir,
    binary: search.found,
    userPublicKey: user.publicKey,
    port: nats.port,
    logger: options.logger,
    backoff: options.backoff,
  });
  return { endpoint: internalEndpoint(() => bus.url, user), bus };
}

/**
 * Connects once the internal server first listens, and again when a restart had to move it
 * to another port; on the same port the client reconnects by itself. An external endpoint is
 * connected to at once.
 */
function followInternalBus(bus: InternalBus | undefined, link: LastingConnection): () => void {
  if (!bus) {
    link.start();
    return () => undefined;
  }
  let url: string | undefined;
  const unwatch = bus.onStarted((current) => {
    if (url === undefined) link.start();
    else if (current !== url) link.reconnect();
    url = current;
  });
  bus.start();
  return unwatch;
}

function offMirror(tower: MirrorTower): Mirror {
  return {
    status: () => {
      const head = tower.log.head().seq;
      return { enabled: false, connected: false, cursor: 0, head, lag: head, lastError: null };
    },
    stop: async () => undefined,
  };
}
