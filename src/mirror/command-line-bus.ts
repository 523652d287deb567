import type { NatsConnection } from '@nats-io/transport-node';
import type { Database } from 'better-sqlite3';
import type { TowerConfig } from '../config.ts';
import { TowerError } from '../errors/index.ts';
import { Keystore } from '../store/keystore.ts';
import { loadMasterKey } from '../store/master-key.ts';
import {
  connectToBus,
  externalEndpoint,
  internalEndpoint,
  type BusEndpoint,
} from './bus-endpoint.ts';
import { runningServerUrl } from './internal-bus-files.ts';
import { existingInternalBusUser } from './internal-bus-user.ts';
import { describeError } from '../nats/describe-error.ts';

/**
 * The NATS a command-line tool reads the mirror from: TOWER_NATS_URL (with TOWER_NATS_CREDS),
 * else the internal server a running Tower keeps for this data folder, reached with the
 * address in its ports file and the nkey seed from the keystore.
 */
export function commandLineEndpoint(
  config: TowerConfig,
  /** The data folder's database, for the internal server's credentials. */
  db: Database | undefined,
): BusEndpoint {
  if (config.nats.urls.length > 0) return externalEndpoint(config.nats);

  const url = runningServerUrl(config.dataDir);
  const keystore = db && new Keystore(db, loadMasterKey(config.dataDir, config.secretKey, false));
  const user = keystore && existingInternalBusUser(keystore);
  if (!url || !user) {
    throw new TowerError(
      'mirror_unavailable',
      `No internal NATS server runs for the data folder ${config.dataDir}: start Tower there ` +
        '(it starts the server), or set TOWER_NATS_URL (and TOWER_NATS_CREDS) to reach the ' +
        'NATS that holds the stream.',
      { field: 'TOWER_NATS_URL' },
    );
  }
  return internalEndpoint(() => url, user);
}

/** Connects for a command-line tool; a server that cannot be reached is a clear error. */
export async function connectForCommand(endpoint: BusEndpoint): Promise<NatsConnection> {
  try {
    return await connectToBus(endpoint, {
      name: 'nats-tower-cli',
      timeoutMs: 5_000,
      reconnectWaitMs: 1_000,
    });
  } catch (cause) {
    throw new TowerError(
      'mirror_unavailable',
      `Cannot connect to NATS at ${endpoint.servers().join(', ')}: ${describeError(cause)}.`,
      { cause, context: { servers: endpoint.servers() } },
    );
  }
}
