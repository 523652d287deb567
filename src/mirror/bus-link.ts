import type { NatsConnection } from '@nats-io/transport-node';
import { backoffDelay, type BackoffOptions } from '../publisher/backoff.ts';
import { connectToBus, type BusEndpoint, type ConnectOptions } from './bus-endpoint.ts';
import { describeError, type MirrorLogger } from './mirror-options.ts';

/** A change of the link: a (re)connect with its connection, or a loss with its reason. */
export type LinkEvent =
  { type: 'connected'; nc: NatsConnection } | { type: 'disconnected'; error: string };

/** How the link connects, retries and logs. */
export interface BusLinkOptions {
  connect: ConnectOptions;
  /** The waits between first-connect attempts. */
  backoff: BackoffOptions;
  logger: MirrorLogger;
}

/**
 * One long-lived connection to the mirror's NATS. start() returns at once; the first connect
 * is retried with backoff until it succeeds, and an established connection reconnects for
 * ever. Listeners hear each connect (including reconnects) and each loss.
 */
export class BusLink {
  readonly #endpoint: BusEndpoint;
  readonly #options: BusLinkOptions;
  readonly #listeners = new Set<(event: LinkEvent) => void>();
  #nc: NatsConnection | undefined;
  #connected = false;
  #lastError: string | null = null;
  #closed = false;
  #wake: (() => void) | undefined;

  constructor(endpoint: BusEndpoint, options: BusLinkOptions) {
    this.#endpoint = endpoint;
    this.#options = options;
  }

  /** The connection while it is up. */
  get connection(): NatsConnection | undefined {
    return this.#connected ? this.#nc : undefined;
  }

  get lastError(): string | null {
    return this.#lastError;
  }

  onChange(listener: (event: LinkEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    void this.#connectLoop();
  }

  /** Drops the connection and connects again to the endpoint's current addresses. */
  reconnect(): void {
    if (this.#nc) void this.#nc.close();
    else this.#wake?.();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    const nc = this.#nc;
    this.#nc = undefined;
    this.#connected = false;
    await nc?.close().catch(() => undefined);
  }

  async #connectLoop(): Promise<void> {
    for (let attempt = 1; !this.#closed; attempt++) {
      try {
        const nc = await connectToBus(this.#endpoint, this.#options.connect);
        if (this.#closed) {
          await nc.close();
          return;
        }
        this.#adopt(nc);
        return;
      } catch (error) {
        if (this.#closed) return;
        this.#down(describeError(error));
        await this.#sleep(backoffDelay(attempt, this.#options.backoff));
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
    }
  }

  #up(nc: NatsConnection): void {
    this.#connected = true;
    this.#lastError = null;
    this.#options.logger.info({ server: nc.getServer() }, 'mirror connected to NATS');
    this.#emit({ type: 'connected', nc });
  }

  #down(error: string): void {
    const changed = this.#connected || this.#lastError !== error;
    this.#connected = false;
    this.#lastError = error;
    if (changed) this.#options.logger.warn({ error }, 'mirror has no NATS connection');
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
