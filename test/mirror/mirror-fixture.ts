import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Tower } from '../../src/app/open-tower.ts';
import type { Actor } from '../../src/commands/index.ts';
import type { NatsConfig } from '../../src/config.ts';
import { connectToBus, internalEndpoint } from '../../src/mirror/bus-endpoint.ts';
import { runningServerUrl } from '../../src/mirror/internal-bus-files.ts';
import { existingInternalBusUser } from '../../src/mirror/internal-bus-user.ts';
import { startMirror, type Mirror } from '../../src/mirror/mirror.ts';
import { readWholeStream } from '../../src/mirror/stream-reader.ts';
import { EVENTS_STREAM } from '../../src/mirror/streams.ts';
import { natsServerBinary } from '../helpers/nats-server.ts';
import { captureLogger, eventually } from '../publisher/publisher-fixture.ts';

export { captureLogger, eventually };

/** Short waits, so that outages and restarts play out within a test. */
export const TEST_MIRROR_OPTIONS = {
  backoff: { baseMs: 50, capMs: 500 },
  timings: { ackTimeoutMs: 2_000, connectTimeoutMs: 2_000, reconnectWaitMs: 100, batchSize: 32 },
};

/** The mirror settings of a test: an external server when `urls` is given, else internal. */
export function natsConfig(overrides: Partial<NatsConfig> = {}): NatsConfig {
  return {
    urls: [],
    credsFile: undefined,
    replicas: 1,
    port: undefined,
    serverBin: natsServerBinary(),
    path: '',
    ...overrides,
  };
}

export function startTestMirror(tower: Tower, nats: NatsConfig) {
  const log = captureLogger();
  const mirror = startMirror(tower, { ...TEST_MIRROR_OPTIONS, nats, logger: log.logger });
  return { mirror, log };
}

/** Waits until the stream has every event of the log. */
export function caughtUp(mirror: Mirror, timeoutMs = 20_000) {
  return eventually(
    () => {
      const status = mirror.status();
      return status.connected && status.lag === 0 && status;
    },
    'the mirror to catch up',
    timeoutMs,
  );
}

/** One stream message as a test looks at it. */
export interface StoredEvent {
  streamSeq: number;
  subject: string;
  msgId: string | undefined;
  towerSeq: number;
  hash: string | undefined;
  prevHash: string | undefined;
  payload: string;
}

/** Every message of TOWER_EVENTS, in stream order. */
export async function storedEvents(nc: NatsConnection): Promise<StoredEvent[]> {
  const stored: StoredEvent[] = [];
  for await (const msg of readWholeStream(nc, EVENTS_STREAM)) {
    stored.push({
      streamSeq: msg.seq,
      subject: msg.subject,
      msgId: msg.headers?.get('Nats-Msg-Id'),
      towerSeq: Number(msg.headers?.get('Tower-Seq')),
      hash: msg.headers?.get('Tower-Hash'),
      prevHash: msg.headers?.get('Tower-Prev-Hash'),
      payload: msg.string(),
    });
  }
  return stored;
}

/** Connects to a plain test server (no authentication). */
export function connectPlain(url: string): Promise<NatsConnection> {
  return connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
}

/** Connects to a data folder's internal server as Tower's own user. */
export function connectInternal(tower: Pick<Tower, 'dataDir' | 'keystore'>) {
  const user = existingInternalBusUser(tower.keystore);
  if (!user) throw new Error('the internal server has no user yet');
  const endpoint = internalEndpoint(() => runningServerUrl(tower.dataDir), user);
  return connectToBus(endpoint, { name: 'mirror-test', timeoutMs: 2_000, reconnectWaitMs: 100 });
}

/**
 * Creates `count` teams, one command each, letting I/O run between commands as a busy server
 * would; `during` runs after the command of that index, e.g. to kill the bus mid-burst.
 */
export async function createTeams(
  tower: Tower,
  actor: Actor,
  count: number,
  prefix = 'team',
  during?: { at: number; run: () => void | Promise<void> },
) {
  for (let i = 0; i < count; i++) {
    await tower.bus.execute('CreateTeam', { name: `${prefix} ${i}` }, actor);
    if (during?.at === i) await during.run();
    await new Promise((resolve) => setImmediate(resolve));
  }
}
