import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type StoredMsg,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Database } from 'better-sqlite3';
import { TowerError } from '../errors/index.ts';
import type { EventLog, EventRow } from '../store/event-log.ts';
import { eventJson } from './event-json.ts';
import { EventHeader, eventHeaders, eventSubject, towerSeqOf } from './event-message.ts';
import { KeystoreQueue, publishEntries } from './keystore-stream.ts';
import { MirrorCursor, type CursorPosition } from './mirror-cursor.ts';
import type { MirrorLogger, MirrorTimings } from './mirror-options.ts';
import { EVENTS_STREAM, KEYSTORE_STREAM, ensureStreams } from './streams.ts';

/** What the publisher reads from and how it publishes. */
export interface EventPublisherDeps {
  db: Database;
  log: EventLog;
  replicas: number;
  logger: MirrorLogger;
  timings: MirrorTimings;
}

/** Keystore entries sent per pipelined round. */
const KEYSTORE_BATCH = 256;

/**
 * Publishes the log to the stream in order. Each event expects the stream's last sequence to
 * be the one its predecessor got, and carries its event id for JetStream's de-duplication, so
 * the stream can hold an event neither twice nor out of order. Keystore changes go out before
 * the events read together with them, so a restore finds the seed of every key it signs with.
 */
export class EventPublisher {
  readonly #deps: EventPublisherDeps;
  readonly #cursor: MirrorCursor;
  readonly #queue: KeystoreQueue;
  #js: JetStreamClient | undefined;
  #position: CursorPosition | undefined;

  constructor(deps: EventPublisherDeps) {
    this.#deps = deps;
    this.#cursor = new MirrorCursor(deps.db);
    this.#queue = new KeystoreQueue(deps.db);
  }

  /** The last event the stream acknowledged, as persisted. */
  cursor(): number {
    return this.#cursor.read()?.towerSeq ?? 0;
  }

  /**
   * Makes sure the streams exist and takes the position from the stream itself: its last
   * message's Tower-Seq, checked against the log's hash at that seq. A stream that holds
   * events this log lacks, or other ones, is an error: the mirror never forks a stream.
   */
  async reconcile(nc: NatsConnection): Promise<void> {
    const jsm = await jetstreamManager(nc);
    await ensureStreams(jsm, this.#deps.replicas);
    const events = await jsm.streams.info(EVENTS_STREAM);
    const keystore = await jsm.streams.info(KEYSTORE_STREAM);

    const streamSeq = events.state.last_seq;
    const last =
      events.state.messages > 0
        ? await jsm.streams.getMessage(EVENTS_STREAM, { seq: streamSeq })
        : undefined;
    const towerSeq = last ? towerSeqOf(last.header) : 0;
    if (last !== undefined) this.#checkLast(streamSeq, last);

    const saved = this.#cursor.read();
    if (saved && towerSeq < saved.towerSeq) {
      this.#deps.logger.warn(
        { cursor: saved.towerSeq, stream: towerSeq },
        'mirror stream holds fewer events than the cursor; publishing the rest again',
      );
    }
    const keystoreLost = !saved || keystore.state.last_seq < saved.keystoreSeq;
    if (keystoreLost || (keystore.state.messages === 0 && this.#secretCount() > 0)) {
      this.#queue.enqueueAll();
    }
    this.#position = { towerSeq, streamSeq, keystoreSeq: keystore.state.last_seq };
    this.#cursor.save(this.#position);
    this.#js = jetstream(nc);
  }

  /**
   * Publishes the next batch after the position: first the keystore changes queued up to the
   * same moment, then the events, pipelined. Returns how many events went out; 0 means the
   * stream has caught up with the log. Needs reconcile() first, and again after a failure.
   */
  async publishNext(): Promise<number> {
    const js = this.#js;
    const position = this.#position;
    if (!js || !position) throw new Error('the mirror publishes only after reconcile()');

    const { rows, mark } = this.#snapshot(position.towerSeq);
    await this.#sendKeystore(js, mark);
    if (rows.length === 0) return 0;
    await this.#sendEvents(js, rows);
    return rows.length;
  }

  /** Forgets the connection; the next publish needs a reconcile. */
  reset(): void {
    this.#js = undefined;
    this.#position = undefined;
  }

  /** Throws unless the stream's last message is the log's event at its Tower-Seq. */
  #checkLast(streamSeq: number, last: StoredMsg | null): void {
    const problem = this.#lastMessageProblem(streamSeq, last);
    if (!problem) return;
    throw new TowerError(
      'mirror_diverged',
      `The stream ${EVENTS_STREAM} does not mirror this event log: ${problem}. Point Tower at ` +
        'another stream or restore this Tower from the stream (tower restore --from-nats).',
      { context: { streamSeq } },
    );
  }

  #lastMessageProblem(streamSeq: number, last: StoredMsg | null): string | undefined {
    if (!last) return `its last message (stream seq ${streamSeq}) was deleted`;
    const towerSeq = towerSeqOf(last.header);
    if (towerSeq === 0) return `its last message (stream seq ${streamSeq}) has no Tower-Seq header`;

    const row = this.#deps.log.readRows({ after: towerSeq - 1, limit: 1 })[0];
    if (row?.seq !== towerSeq) {
      const head = this.#deps.log.head().seq;
      return `it holds events up to seq ${towerSeq} but this log ends at ${head}`;
    }
    if (row.hash !== last.header.get(EventHeader.hash)) {
      return `its event ${towerSeq} has another hash than the log's`;
    }
    return undefined;
  }

  /** The next events and the keystore queue's mark, read in one snapshot of the database. */
  #snapshot(after: number): { rows: EventRow[]; mark: number } {
    const { db, log, timings } = this.#deps;
    return db.transaction(() => ({
      mark: this.#queue.mark(),
      rows: log.readRows({ after, limit: timings.batchSize }),
    }))();
  }

  async #sendKeystore(js: JetStreamClient, mark: number): Promise<void> {
    for (;;) {
      const { last, entries } = this.#queue.next(mark, KEYSTORE_BATCH);
      if (last === 0) return;
      const acked = await publishEntries(js, entries, this.#deps.timings.ackTimeoutMs);
      this.#queue.done(last);
      this.#advance({ keystoreSeq: Math.max(acked, this.#position!.keystoreSeq) });
    }
  }

  async #sendEvents(js: JetStreamClient, rows: readonly EventRow[]): Promise<void> {
    const start = this.#position!;
    const timeout = this.#deps.timings.ackTimeoutMs;
    const acks = rows.map((row, i) =>
      js.publish(eventSubject(row), eventJson(row), {
        msgID: row.event_id,
        expect: { lastSequence: start.streamSeq + i },
        headers: eventHeaders(row),
        timeout,
      }),
    );
    const results = await Promise.allSettled(acks);

    let acked = 0;
    let failure: unknown;
    for (const [i, result] of results.entries()) {
      const expected = start.streamSeq + i + 1;
      if (result.status === 'rejected') failure = result.reason;
      else if (result.value.seq !== expected) {
        const got = result.value.seq;
        failure = new Error(
          `event ${rows[i]!.seq} was stored at stream seq ${got}, not ${expected}`,
        );
      }
      if (failure) break;
      acked = i + 1;
    }
    if (acked > 0) {
      this.#advance({ towerSeq: rows[acked - 1]!.seq, streamSeq: start.streamSeq + acked });
    }
    if (failure) throw failure;
  }

  #advance(change: Partial<CursorPosition>): void {
    this.#position = { ...this.#position!, ...change };
    this.#cursor.save(this.#position);
  }

  #secretCount(): number {
    return this.#deps.db.prepare('SELECT count(*) FROM secrets').pluck().get() as number;
  }
}
