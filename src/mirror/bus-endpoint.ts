import { readFileSync } from 'node:fs';
import {
  connect,
  credsAuthenticator,
  nkeyAuthenticator,
  type Authenticator,
  type NatsConnection,
} from '@nats-io/transport-node';
import type { NatsConfig } from '../config.ts';
import type { InternalBusUser } from './internal-bus-user.ts';

/** A NATS server or cluster Tower reaches, and how it proves who it is there. */
export interface BusEndpoint {
  /** The client URLs; a function, since the internal server's port may change on restart. */
  servers(): string[];
  /** Read at each connect; undefined for a server without authentication. */
  authenticator: Authenticator | undefined;
  /** The replica count of Tower's streams. */
  replicas: number;
}

/** How a connection presents itself and how long it waits. */
export interface ConnectOptions {
  /** The client name the server shows in its connection list. */
  name: string;
  timeoutMs: number;
  reconnectWaitMs: number;
}

/** TOWER_NATS_URL with the creds file of TOWER_NATS_CREDS, read at each connect. */
export function externalEndpoint(nats: Pick<NatsConfig, 'urls' | 'credsFile' | 'replicas'>) {
  const { credsFile } = nats;
  const endpoint: BusEndpoint = {
    servers: () => nats.urls,
    authenticator: credsFile ? credsAuthenticator(() => readFileSync(credsFile)) : undefined,
    replicas: nats.replicas,
  };
  return endpoint;
}

/** Tower's internal server: loopback, one replica, Tower's nkey user. */
export function internalEndpoint(url: () => string | undefined, user: InternalBusUser) {
  const endpoint: BusEndpoint = {
    servers: () => {
      const current = url();
      return current ? [current] : [];
    },
    authenticator: nkeyAuthenticator(() => user.seed),
    replicas: 1,
  };
  return endpoint;
}

/**
 * Connects and keeps reconnecting for ever; the caller closes the connection. A server that
 * refuses Tower for a while (being reconfigured) is tried again rather than given up on.
 */
export function connectToBus(
  endpoint: BusEndpoint,
  options: ConnectOptions,
): Promise<NatsConnection> {
  const servers = endpoint.servers();
  if (servers.length === 0) return Promise.reject(new Error('no NATS server address yet'));
  return connect({
    servers,
    name: options.name,
    authenticator: endpoint.authenticator,
    timeout: options.timeoutMs,
    maxReconnectAttempts: -1,
    reconnectTimeWait: options.reconnectWaitMs,
    ignoreAuthErrorAbort: true,
    pingInterval: 10_000,
    maxPingOut: 3,
  });
}
