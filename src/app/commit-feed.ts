import type { RecordedEvent } from '../events/index.ts';
import type { EventLog } from '../store/event-log.ts';

export type CommittedListener = (events: readonly RecordedEvent[]) => void;

/** How many events one read of the log hands to the listeners at most. */
const CATCH_UP_CHUNK = 500;

/**
 * Tells listeners (signer outbox publisher, mirror) of every event appended to the log, once
 * each and in sequence order, whoever appended it. This process's commits are told as they
 * happen; commits of other processes on the same data folder (the CLI, the web workers of
 * `tower serve`) are read back from the log when `catchUp` is called, and at the latest just
 * before this process's next commit is told, so that no listener ever sees a gap.
 *
 * @example
 * const feed = new CommitFeed(log);
 * feed.on((events) => mirror.wake());
 * setInterval(() => feed.catchUp(), 1000); // commits made by other processes
 */
export class CommitFeed {
  readonly #log: EventLog;
  readonly #listeners: CommittedListener[] = [];
  /** The sequence number of the last event told. */
  #told: number;

  constructor(log: EventLog) {
    this.#log = log;
    this.#told = log.head().seq;
  }

  on(listener: CommittedListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const index = this.#listeners.indexOf(listener);
      if (index >= 0) this.#listeners.splice(index, 1);
    };
  }

  /** For the command bus: tells what it has just committed, after what others committed before. */
  committed(events: readonly RecordedEvent[]): void {
    const first = events[0];
    if (!first) return;
    if (first.seq > this.#told + 1) this.#readUpTo(first.seq - 1);
    const fresh = events.filter((event) => event.seq > this.#told);
    if (fresh.length > 0) this.#tell(fresh);
  }

  /** Tells what other processes committed since the last event told; returns how many. */
  catchUp(): number {
    return this.#readUpTo(this.#log.head().seq);
  }

  #readUpTo(last: number): number {
    let told = 0;
    while (this.#told < last) {
      const limit = Math.min(CATCH_UP_CHUNK, last - this.#told);
      const events = this.#log.read({ after: this.#told, limit });
      if (events.length === 0) break;
      this.#tell(events);
      told += events.length;
    }
    return told;
  }

  #tell(events: readonly RecordedEvent[]): void {
    this.#told = events.at(-1)!.seq;
    for (const listener of [...this.#listeners]) listener(events);
  }
}
