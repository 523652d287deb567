import { connect, credsAuthenticator } from '@nats-io/transport-node';
import { LastingConnection } from '../nats/lasting-connection.ts';
import type { BackoffOptions } from './backoff.ts';
import type { PublisherLogger } from './publisher-options.ts';

export interface InstallationLinkOptions {
  installationId: string;
  urls: readonly string[];
  /** The creds of Tower's system user; read at every connect, never logged. */
  creds: () => string | undefined;
  logger: PublisherLogger;
  /** How long one connection attempt may take. */
  connectTimeoutMs: number;
  /** The wait between reconnect attempts of an established connection. */
  reconnectWaitMs: number;
  /** The waits between first-connect attempts. */
  retry: BackoffOptions;
}

/**
 * The publisher's link to one installation: a lasting connection as Tower's system user in
 * SYS, which keeps trying while the installation is down or refuses Tower for a while.
 */
export function installationLink(options: InstallationLinkOptions): LastingConnection {
  return new LastingConnection({
    retry: options.retry,
    logger: options.logger,
    log: {
      context: { installationId: options.installationId },
      up: 'installation link connected',
      down: 'installation link down',
    },
    connect: async () => {
      const creds = options.creds();
      if (!creds) throw new Error('no system user creds for this installation');
      return connect({
        servers: [...options.urls],
        name: 'nats-tower',
        authenticator: credsAuthenticator(new TextEncoder().encode(creds)),
        timeout: options.connectTimeoutMs,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: options.reconnectWaitMs,
        // A server that is being reconfigured may refuse Tower for a while: keep trying.
        ignoreAuthErrorAbort: true,
        pingInterval: 20_000,
        maxPingOut: 3,
      });
    },
  });
}
