import type { NatsConnection } from '@nats-io/transport-node';
import { backoffDelay } from '../publisher/backoff.ts';
import type { EventPublisher } from './event-publisher.ts';
import { describeError } from '../nats/describe-error.ts';
import type { ResolvedMirrorOptions } from './mirror-options.ts';

/**
 * Drives the publisher: reconcile after each (re)connect, publish while the log is ahead,
 * sleep until a commit or a new connection wakes it, and back off after a failure.
 */
export class MirrorLoop {
  readonly #publisher: EventPublisher;
  readonly #options: ResolvedMirrorOptions;
  #nc: NatsConnection | undefined;
  #reconciled = false;
  #stopped = false;
  #lastError: string | null = null;
  /** Set by a wake that came while the loop was busy, so it is not lost. */
  #pending = false;
  #wake: (() => void) | undefined;
  /** Ends any sleep, backoff included: a new connection or stop() should not wait. */
  #interruptSleep: (() => void) | undefined;
  #done: Promise<void> = Promise.resolve();

  constructor(publisher: EventPublisher, options: ResolvedMirrorOptions) {
    this.#publisher = publisher;
    this.#options = options;
  }

  get lastError(): string | null {
    return this.#lastError;
  }

  start(): void {
    this.#done = this.#run();
  }

  /** A new or restored connection: reconcile with the stream before publishing again. */
  attach(nc: NatsConnection): void {
    this.#nc = nc;
    this.#reconciled = false;
    this.#interrupt();
  }

  detach(): void {
    this.#nc = undefined;
  }

  /** New events were committed. */
  wake(): void {
    this.#pending = true;
    this.#wake?.();
  }

  /** Stops after the round in flight; waits at most `graceMs` for it. */
  async stop(graceMs: number): Promise<void> {
    this.#stopped = true;
    this.#interrupt();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((done) => (timer = setTimeout(done, graceMs)));
    await Promise.race([this.#done, grace]);
    clearTimeout(timer);
  }

  /** Resolves when the loop has ended. */
  finished(): Promise<void> {
    return this.#done;
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      const nc = this.#nc;
      if (!nc) {
        await this.#sleep(undefined, true);
        continue;
      }
      try {
        if (!this.#reconciled) {
          await this.#publisher.reconcile(nc);
          this.#reconciled = true;
        }
        const published = await this.#publisher.publishNext();
        this.#recovered();
        failures = 0;
        if (published === 0) await this.#sleep(undefined, true);
      } catch (error) {
        failures += 1;
        this.#failed(error);
        await this.#sleep(backoffDelay(failures, this.#options.backoff), false);
      }
    }
  }

  #failed(error: unknown): void {
    this.#reconciled = false;
    this.#publisher.reset();
    const message = describeError(error);
    if (message !== this.#lastError) {
      this.#options.logger.warn({ error: message }, 'mirror publish failed; retrying');
    }
    this.#lastError = message;
  }

  #recovered(): void {
    if (this.#lastError === null) return;
    this.#options.logger.info({ cursor: this.#publisher.cursor() }, 'mirror publishing again');
    this.#lastError = null;
  }

  /**
   * Waits for `ms`, or for ever when undefined. A commit ends the wait only when `onCommit`
   * is set: a backoff after a failure is not cut short by the next commit.
   */
  #sleep(ms: number | undefined, onCommit: boolean): Promise<void> {
    if (onCommit && this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((done) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (byCommit: boolean) => {
        if (byCommit && !onCommit) return;
        if (byCommit) this.#pending = false;
        clearTimeout(timer);
        this.#wake = undefined;
        this.#interruptSleep = undefined;
        done();
      };
      if (ms !== undefined) timer = setTimeout(() => finish(false), ms);
      this.#wake = () => finish(true);
      this.#interruptSleep = () => finish(false);
    });
  }

  #interrupt(): void {
    this.#interruptSleep?.();
  }
}
