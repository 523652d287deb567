import type { NatsConnection } from '@nats-io/transport-node';
import { backoffDelay, type BackoffOptions } from '../publisher/backoff.ts';
import { describeError } from './describe-error.ts';

/** What the connection knows about itself right now. */
export interface ConnectionState {
  connected: boolean;
  /** The server it is connected to, while it is. */
  server: string | null;
  lastError: string | null;
}

/** A change: a (re)connect with its connection, or a loss with its reason. */
export type ConnectionEvent =
  | { type: 'connected'; server: string; nc: NatsConnection }
  | { type: 'disconnected'; error: string };

export interface LastingConnectionOptions {
  /** Opens a new connection (with the client's own reconnect settings). */
  connect: () => Promise<NatsConnection>;
  /** The waits between first-connect attempts. */
  retry: BackoffOptions;
  logger: {
    info(object: Record<string, unknown>, message: string): void;
    warn(object: Record<string, unknown>, message: string): void;
  };
  /** Fields every log line of this connection carries, and its two messages. */
  log: { context: Record<string, unknown>; up: string; down: string };
}

/**
 * One long-lived NATS connection that never blocks its caller: start() returns at once, the
 * first connect is retried with backoff until it succeeds, and an established connection
 * reconnects for ever (and is opened anew should the client give up). Listeners hear every
 * connect, reconnect and loss.
 */
export class LastingConnection {
  readonly #options: LastingConnectionOptions;
  readonly #listeners = new Set<(event: ConnectionEvent) => void>();
  #nc: NatsConnection | undefined;
  #state: ConnectionState = { connected: false, server: null, lastError: null };
  #closed = false;
  #wake: (() => void) | undefined;

  constructor(options: LastingConnectionOptions) {
    this.#options = options;
  }

  /** The connection while it is up; undefined while connecting or reconnecting. */
  get connection(): NatsConnection | undefined {
    return this.#state.connected ? this.#nc : undefined;
  }

  state(): ConnectionState {
    return { ...this.#state };
  }

  onChange(listener: (event: ConnectionEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    void this.#connectLoop();
  }

  /** Drops the connection and connects again, for example to changed addresses. */
  reconnect(): void {
    if (this.#nc) void this.#nc.close();
    else this.#wake?.();
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
        const nc = await this.#options.connect();
        if (this.#closed) {
          await nc.close();
          return;
        }
        this.#adopt(nc);
        return;
      } catch (error) {
        if (this.#closed) return;
        this.#down(describeError(error));
        await this.#sleep(backoffDelay(attempt, this.#options.retry));
      }
    }
  }

  #adopt(nc: NatsConnection): void {
    this.#nc = nc;
    this.#up(nc);
    void this.#watch(nc);
    void nc.closed().then((error) => {
      if (this.#closed || this.#nc !== nc) return;
      this.#nc = undefined;
      this.#down(error ? describeError(error) : 'connection closed');
      void this.#connectLoop();
    });
  }

  async #watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (this.#nc !== nc) return;
      if (status.type === 'disconnect') this.#down(`disconnected from ${status.server}`);
      else if (status.type === 'reconnect') this.#up(nc);
      else if (status.type === 'error') this.#state.lastError = describeError(status.error);
    }
  }

  #up(nc: NatsConnection): void {
    const server = nc.getServer();
    this.#state = { connected: true, server, lastError: null };
    this.#options.logger.info({ ...this.#options.log.context, server }, this.#options.log.up);
    this.#emit({ type: 'connected', server, nc });
  }

  #down(error: string): void {
    const before = this.#state;
    this.#state = { connected: false, server: null, lastError: error };
    if (before.connected || before.lastError !== error) {
      this.#options.logger.warn({ ...this.#options.log.context, error }, this.#options.log.down);
    }
    this.#emit({ type: 'disconnected', error });
  }

  #emit(event: ConnectionEvent): void {
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
