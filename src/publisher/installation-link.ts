import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { backoffDelay, type BackoffOptions } from './backoff.ts';
import type { PublisherLogger } from './publisher-options.ts';
import { describeError } from './system-requests.ts';

/** What a link knows about its connection right now. */
export interface LinkState {
  connected: boolean;
  /** The server URL the link is connected to, while it is. */
  server: string | null;
  lastError: string | null;
}

export type LinkEvent =
  | { type: 'connected'; server: string; nc: NatsConnection }
  | { type: 'disconnected'; error: string | null };

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
 * One long-lived connection to an installation, as Tower's system user in SYS. It never
 * blocks its caller: start() returns at once, the first connection is retried with backoff
 * until it succeeds, and an established one reconnects forever. Listeners hear every change.
 */
export class InstallationLink {
  readonly #options: InstallationLinkOptions;
  readonly #listeners = new Set<(event: LinkEvent) => void>();
  #nc: NatsConnection | undefined;
  #state: LinkState = { connected: false, server: null, lastError: null };
  #closed = false;
  #wake: (() => void) | undefined;

  constructor(options: InstallationLinkOptions) {
    this.#options = options;
  }

  get installationId(): string {
    return this.#options.installationId;
  }

  /** The connection while it is up; undefined while connecting or reconnecting. */
  get connection(): NatsConnection | undefined {
    return this.#state.connected ? this.#nc : undefined;
  }

  state(): LinkState {
    return { ...this.#state };
  }

  onChange(listener: (event: LinkEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Starts connecting in the background. */
  start(): void {
    void this.#connectLoop();
  }

  /** Closes the connection and stops retrying. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    const nc = this.#nc;
    this.#nc = undefined;
    this.#state = { ...this.#state, connected: false, server: null };
    await nc?.close().catch(() => undefined);
  }

  async #connectLoop(): Promise<void> {
    for (let attempt = 1; !this.#closed; attempt++) {
      try {
        const nc = await this.#connect();
        if (this.#closed) {
          await nc.close();
          return;
        }
        this.#adopt(nc);
        return;
      } catch (error) {
        if (this.#closed) return;
        this.#disconnected(describeError(error));
        await this.#sleep(backoffDelay(attempt, this.#options.retry));
      }
    }
  }

  #connect(): Promise<NatsConnection> {
    const creds = this.#options.creds();
    if (!creds) throw new Error('no system user creds for this installation');
    return connect({
      servers: [...this.#options.urls],
      name: 'nats-tower',
      authenticator: credsAuthenticator(new TextEncoder().encode(creds)),
      timeout: this.#options.connectTimeoutMs,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: this.#options.reconnectWaitMs,
      // A server that is being reconfigured may refuse Tower for a while: keep trying.
      ignoreAuthErrorAbort: true,
      pingInterval: 20_000,
      maxPingOut: 3,
    });
  }

  #adopt(nc: NatsConnection): void {
    this.#nc = nc;
    this.#connected(nc);
    void this.#watch(nc);
    void nc.closed().then((error) => {
      if (this.#closed || this.#nc !== nc) return;
      // The client gave up (it should not, with unlimited reconnects): start over.
      this.#nc = undefined;
      this.#disconnected(error ? describeError(error) : 'connection closed');
      void this.#connectLoop();
    });
  }

  async #watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (this.#nc !== nc) return;
      if (status.type === 'disconnect') this.#disconnected(`disconnected from ${status.server}`);
      else if (status.type === 'reconnect') this.#connected(nc);
      else if (status.type === 'error') this.#state.lastError = describeError(status.error);
    }
  }

  #connected(nc: NatsConnection): void {
    const server = nc.getServer();
    this.#state = { connected: true, server, lastError: this.#state.lastError };
    this.#options.logger.info(
      { installationId: this.installationId, server },
      'installation link connected',
    );
    this.#emit({ type: 'connected', server, nc });
  }

  #disconnected(error: string): void {
    const before = this.#state;
    this.#state = { connected: false, server: null, lastError: error };
    if (before.connected || before.lastError !== error) {
      this.#options.logger.warn(
        { installationId: this.installationId, error },
        'installation link down',
      );
    }
    this.#emit({ type: 'disconnected', error });
  }

  #emit(event: LinkEvent): void {
    if (this.#closed) return;
    for (const listener of this.#listeners) listener(event);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((done) => {
      const timer = setTimeout(finish, ms);
      function finish() {
        clearTimeout(timer);
        done();
      }
      this.#wake = finish;
    });
  }
}
