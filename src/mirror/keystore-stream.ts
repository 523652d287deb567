import { createHash } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import type { Database, Statement } from 'better-sqlite3';
import { KEYSTORE_SUBJECT_PREFIX } from './streams.ts';
import { limitSql } from '../store/database.ts';

/**
 * A keystore entry as the secrets table holds it and the keystore stream carries it: sealed
 * with AES-256-GCM under the master key, the entry id bound in as associated data. Binary
 * columns travel as base64.
 */
export interface SealedEntry {
  id: string;
  nonce: string;
  ciphertext: string;
  tag: string;
  createdAt: string;
}

/** Marks a keystore stream message that records an entry's removal. */
export const DELETED_HEADER = 'Tower-Keystore-Deleted';

interface SecretRow {
  id: string;
  nonce: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
  created_at: string;
}

/** The subject of an entry: a digest of its id, which any id fits and no wildcard matches. */
export function keystoreSubject(id: string): string {
  return `${KEYSTORE_SUBJECT_PREFIX}.${createHash('sha256').update(id).digest('hex')}`;
}

/**
 * The keystore changes the stream has not got yet, as the triggers of `mirror.sql` queue them.
 * Entries are sent as they are now, so one send covers every queued change of an entry.
 */
export class KeystoreQueue {
  readonly #db: Database;
  readonly #mark: Statement<[], number | null>;
  readonly #next: Statement<[number, number], { n: number; id: string }>;
  readonly #entry: Statement<[string], SecretRow>;
  readonly #done: Statement<[number]>;

  constructor(db: Database) {
    this.#db = db;
    this.#mark = db.prepare<[], number | null>('SELECT max(n) FROM mirror_keystore_queue').pluck();
    this.#next = db.prepare(
      `SELECT n, id FROM mirror_keystore_queue WHERE n <= ? ORDER BY n ${limitSql('?')}`,
    );
    this.#entry = db.prepare('SELECT * FROM secrets WHERE id = ?');
    this.#done = db.prepare('DELETE FROM mirror_keystore_queue WHERE n <= ?');
  }

  /** The newest queued change; read with the events, it says what must go out before them. */
  mark(): number {
    return this.#mark.get() ?? 0;
  }

  /** Up to `limit` queued entries up to `upTo`: the sealed value, or the id of a removed one. */
  next(upTo: number, limit: number): { last: number; entries: (SealedEntry | { id: string })[] } {
    const queued = this.#next.all(upTo, limit);
    const ids = [...new Set(queued.map((row) => row.id))];
    const entries = ids.map((id) => {
      const row = this.#entry.get(id);
      return row ? toSealed(row) : { id };
    });
    return { last: queued.at(-1)?.n ?? 0, entries };
  }

  /** Forgets the changes up to `n`, once the stream acknowledged them. */
  done(n: number): void {
    this.#done.run(n);
  }

  /** Queues every entry, for a stream that is new or lost its messages. */
  enqueueAll(): void {
    this.#db.prepare('INSERT INTO mirror_keystore_queue (id) SELECT id FROM secrets').run();
  }
}

/**
 * Publishes entries in one pipelined round and returns the highest stream sequence number
 * acknowledged. A removed entry is a message with the deleted header and no body, which
 * replaces the entry's sealed value (the stream keeps one message per subject).
 */
export async function publishEntries(
  js: JetStreamClient,
  entries: readonly (SealedEntry | { id: string })[],
  timeoutMs: number,
): Promise<number> {
  const acks = entries.map((entry) => {
    if ('nonce' in entry) {
      return js.publish(keystoreSubject(entry.id), JSON.stringify(entry), { timeout: timeoutMs });
    }
    const h = headers();
    h.set(DELETED_HEADER, 'true');
    return js.publish(keystoreSubject(entry.id), undefined, { headers: h, timeout: timeoutMs });
  });
  const results = await Promise.all(acks);
  return Math.max(0, ...results.map((ack) => ack.seq));
}

function toSealed(row: SecretRow): SealedEntry {
  return {
    id: row.id,
    nonce: row.nonce.toString('base64'),
    ciphertext: row.ciphertext.toString('base64'),
    tag: row.tag.toString('base64'),
    createdAt: row.created_at,
  };
}
