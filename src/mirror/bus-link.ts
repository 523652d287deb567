import type { BackoffOptions } from '../publisher/backoff.ts';
import { LastingConnection } from '../nats/lasting-connection.ts';
import { connectToBus, type BusEndpoint, type ConnectOptions } from './bus-endpoint.ts';
import type { MirrorLogger } from './mirror-options.ts';

/** How the link connects, retries and logs. */
export interface BusLinkOptions {
  connect: ConnectOptions;
  /** The waits between first-connect attempts. */
  backoff: BackoffOptions;
  logger: MirrorLogger;
}

/**
 * The mirror's link to its NATS: a lasting connection to the endpoint's current addresses
 * (the internal server's may change when a restart moves its port).
 */
export function busLink(endpoint: BusEndpoint, options: BusLinkOptions): LastingConnection {
  return new LastingConnection({
    connect: () => connectToBus(endpoint, options.connect),
    retry: options.backoff,
    logger: options.logger,
    log: { context: {}, up: 'mirror connected to NATS', down: 'mirror has no NATS connection' },
  });
}
