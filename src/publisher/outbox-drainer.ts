import type { NatsConnection } from '@nats-io/transport-node';
import { backoffDelay } from './backoff.ts';
import type { OutboxAction, OutboxEntry, OutboxStore } from './outbox-store.ts';
import type { ResolvedOptions } from './publisher-options.ts';
import { sendClaims, type SendOutcome } from './send-claims.ts';

/** Told after the servers acknowledged a version and the outbox says so. */
export interface PublishedEvent {
  installationId: string;
  accountId: string;
  accountPublicKey: string;
  action: OutboxAction;
  seq: number;
  /** Every server that holds this version now, not only those of the last send. */
  servers: string[];
  at: string;
}

export interface OutboxDrainerDeps {
  installationId: string;
  store: OutboxStore;
  /** The live connection, or undefined while the installation is unreachable. */
  connection: () => NatsConnection | undefined;
  /** How many servers answered the last ping: a send stops waiting once that many replied. */
  expectedServers: () => number;
  options: ResolvedOptions;
  onPublished: (event: PublishedEvent) => void;
}

/**
 * Sends the pending outbox rows of one installation, oldest seq first, one at a time so that
 * the servers see the versions of an account in order. It runs when woken (a commit, a
 * reconnect, a requeue) and when the earliest backoff ends; it pauses while disconnected.
 */
export class OutboxDrainer {
  readonly #deps: OutboxDrainerDeps;
  #again = false;
  #running: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(deps: OutboxDrainerDeps) {
    this.#deps = deps;
  }

  /** Asks for a drain; several wakes while one runs give one more pass. */
  wake(): void {
    if (this.#stopped) return;
    this.#again = true;
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined;
      this.#scheduleRetry();
    });
  }

  /** Resolves when no drain is running. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  async #run(): Promise<void> {
    while (this.#again && !this.#stopped) {
      this.#again = false;
      try {
        await this.#drain();
      } catch (error) {
        this.#deps.options.logger.error(
          { installationId: this.#deps.installationId, err: error },
          'outbox drain failed',
        );
      }
    }
  }

  async #drain(): Promise<void> {
    const { store, installationId } = this.#deps;
    for (;;) {
      const nc = this.#deps.connection();
      if (!nc || this.#stopped) return;
      const entry = store.nextDue(installationId, new Date().toISOString());
      if (!entry) return;
      await this.#publish(nc, entry);
    }
  }

  async #publish(nc: NatsConnection, entry: OutboxEntry): Promise<void> {
    const { timings } = this.#deps.options;
    const outcome = await sendClaims(nc, entry, {
      expected: this.#deps.expectedServers(),
      timeoutMs: timings.requestTimeoutMs,
      stallMs: timings.stallMs,
    });
    this.#record(entry, outcome);
  }

  #record(entry: OutboxEntry, outcome: SendOutcome): void {
    const { store, options } = this.#deps;
    const at = new Date().toISOString();
    const context = {
      installationId: entry.installationId,
      accountId: entry.accountId,
      action: entry.action,
      seq: entry.seq,
    };

    if (outcome.kind === 'acknowledged') {
      if (!store.markPublished(entry, outcome.servers, at)) return;
      const servers = store.entry(entry.installationId, entry.accountPublicKey)?.ackedServers;
      options.logger.info({ ...context, servers }, 'account published');
      this.#deps.onPublished({
        ...context,
        accountPublicKey: entry.accountPublicKey,
        servers: servers ?? outcome.servers,
        at,
      });
    } else if (outcome.kind === 'rejected') {
      if (store.markFailed(entry, outcome.error)) {
        options.logger.error({ ...context, error: outcome.error }, 'account refused by server');
      }
    } else {
      const delay = backoffDelay(entry.attempts + 1, options.backoff);
      const retryAt = new Date(Date.now() + delay).toISOString();
      if (store.markRetry(entry, outcome.error, retryAt)) {
        options.logger.warn({ ...context, error: outcome.error, retryAt }, 'account not published');
      }
    }
  }

  #scheduleRetry(): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    const next = this.#deps.store.nextRetryAt(this.#deps.installationId, new Date().toISOString());
    if (!next) return;
    const delay = Math.max(0, Date.parse(next) - Date.now());
    this.#timer = setTimeout(() => this.wake(), delay + 5);
    this.#timer.unref();
  }
}
